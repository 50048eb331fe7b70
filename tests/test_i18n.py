from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

TR_PO = Path(__file__).resolve().parents[1] / "i18n" / "tr.po"


@tagged("post_install", "-at_install")
class TestL10nTrEdocTranslations(TransactionCase):
    def test_every_translatable_term_has_a_turkish_entry(self):
        """Turkish users come first: a new string without Turkish fails here, not in production."""
        reader = TranslationModuleReader(self.env.cr, modules=["l10n_tr_edoc"])
        sources = {
            source
            for module, _type, _name, _res, source, _value, _comments in reader
            if module == "l10n_tr_edoc"
        }
        self.assertGreater(len(sources), 100)
        catalog = polib.pofile(str(TR_PO))
        translated = {
            entry.msgid
            for entry in catalog
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = sorted(sources - translated)
        self.assertFalse(missing, f"{len(missing)} terms have no Turkish in i18n/tr.po, e.g. {missing[:5]}")
