from pathlib import Path

import polib
from lxml import etree

from odoo.tests import tagged

from .common_outgoing import L10nTrEdocOutgoingCase

TR_PO = Path(__file__).resolve().parents[1] / "i18n" / "tr.po"
# Attributes whose text the user reads.
READ_ATTRIBUTES = ("string", "help", "placeholder", "title", "sum", "confirm")
# Standard modules whose terms appear in our inherited views; loaded so their Turkish shows too.
SHOWN_MODULES = ["base", "mail", "product", "account", "stock", "l10n_tr_edoc"]


@tagged("post_install", "-at_install")
class TestL10nTrEdocTurkishScreens(L10nTrEdocOutgoingCase):
    """The addon's screens rendered for a Turkish user: no term of ours may still be in English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("tr_TR")
        cls.env["ir.module.module"]._load_module_terms(SHOWN_MODULES, ["tr_TR"], overwrite=True)
        catalog = polib.pofile(str(TR_PO))
        # our English terms that have a different Turkish, with the places the catalogue puts them:
        # seeing one of them at one of its places on a Turkish screen is a miss
        cls.english = {
            entry.msgid: {place for place, _line in entry.occurrences}
            for entry in catalog
            if entry.msgstr and entry.msgstr != entry.msgid and not entry.obsolete and len(entry.msgid) > 2
        }

    def _ours(self, text, places):
        return bool(self.english.get(text, set()) & places)

    def _texts(self, arch):
        for node in etree.fromstring(arch).iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in READ_ATTRIBUTES:
                if node.get(attribute):
                    yield node.get(attribute).strip()
            for text in (node.text, node.tail):
                if text and text.strip():
                    yield " ".join(text.split())

    def _field_texts(self, models):
        """(where, text, the catalogue places that would translate it) for each field label and help."""
        for model, fields in models.items():
            key = model.replace(".", "_")
            for name, description in fields["fields"].items():
                field = f"l10n_tr_edoc.field_{key}__{name}"
                for attribute, kind in (("string", "field_description"), ("help", "help")):
                    if description.get(attribute):
                        yield (
                            f"{model}.{name}",
                            description[attribute],
                            {f"model:ir.model.fields,{kind}:{field}"},
                        )
                for value, label in description.get("selection") or ():
                    place = (
                        f"model:ir.model.fields.selection,name:l10n_tr_edoc.selection__{key}__{name}__{value}"
                    )
                    yield f"{model}.{name}", label, {place}

    def _views(self):
        """Every view of this addon, as the web client gets it (primary views with their extensions)."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "l10n_tr_edoc"), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        for view in views.filtered(lambda v: v.type in ("form", "list", "search", "kanban")):
            primary = view
            while primary.mode != "primary" and primary.inherit_id:
                primary = primary.inherit_id
            yield view, primary

    def test_main_views_have_no_english_term_of_ours(self):
        untranslated = set()
        seen = set()
        views_of = {}
        for view, _primary in self._views():
            views_of.setdefault(view.model, set()).add(view.xml_id)
        for _view, primary in self._views():
            if primary in seen:
                continue
            seen.add(primary)
            Model = self.env[primary.model].with_context(lang="tr_TR")
            result = Model.get_views([(primary.id, primary.type)])
            places = {f"model_terms:ir.ui.view,arch_db:{xmlid}" for xmlid in views_of[primary.model]}
            for text in self._texts(result["views"][primary.type]["arch"]):
                if self._ours(text, places):
                    untranslated.add((primary.xml_id, text))
            for where, text, field_places in self._field_texts(result["models"]):
                if self._ours(text, field_places):
                    untranslated.add((where, text))
        self.assertGreater(len(seen), 20)
        self.assertFalse(sorted(untranslated), "English on the Turkish screens")

    def test_shown_values_are_turkish(self):
        """Names and statuses the screens take from records, not from the views."""
        turkish = self.env(context={"lang": "tr_TR"})
        self.assertNotIn(self.edoc_account.with_env(turkish).display_name.split(" - ")[0], self.english)
        self.assertIn("GİB değil", self.edoc_account.with_env(turkish).display_name)
        move = self._send(self._post(self.registered))
        move.l10n_tr_edoc_document_id.write(
            {"gib_status_code": "1300", "gib_status_text": "Completed successfully"}
        )
        self.assertEqual(move.with_env(turkish).l10n_tr_edoc_gib_status_text, "BAŞARIYLA TAMAMLANDI")
