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
        # our English terms that have a different Turkish: seeing one of them on a screen is a miss
        cls.english = {
            entry.msgid
            for entry in catalog
            if entry.msgstr and entry.msgstr != entry.msgid and not entry.obsolete and len(entry.msgid) > 2
        }

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
        for model, fields in models.items():
            for name, description in fields["fields"].items():
                for key in ("string", "help"):
                    if description.get(key):
                        yield f"{model}.{name}", description[key]
                for _value, label in description.get("selection") or ():
                    yield f"{model}.{name}", label

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
        for view, primary in self._views():
            if primary in seen:
                continue
            seen.add(primary)
            Model = self.env[primary.model].with_context(lang="tr_TR")
            result = Model.get_views([(primary.id, primary.type)])
            for text in self._texts(result["views"][primary.type]["arch"]):
                if text in self.english:
                    untranslated.add((view.xml_id or primary.xml_id, text))
            for where, text in self._field_texts(result["models"]):
                if text in self.english:
                    untranslated.add((where, text))
        self.assertGreater(len(seen), 20)
        self.assertFalse(sorted(untranslated), "English on the Turkish screens")

    def test_shown_values_are_turkish(self):
        """Names and statuses the screens take from records, not from the views."""
        turkish = self.env(context={"lang": "tr_TR"})
        self.assertNotIn(self.edoc_account.with_env(turkish).display_name.split(" - ")[0], self.english)
        move = self._send(self._post(self.registered))
        move.l10n_tr_edoc_document_id.write(
            {"gib_status_code": "1300", "gib_status_text": "Completed successfully"}
        )
        self.assertEqual(move.with_env(turkish).l10n_tr_edoc_gib_status_text, "BAŞARIYLA TAMAMLANDI")
