from odoo.tests import tagged

from ..core import codes
from ..core.earsivbelge import EXTRA_TAX_TYPES
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocCodes(L10nTrEdocCase):
    def test_every_core_code_is_a_record(self):
        Code = self.env["l10n_tr_edoc.code"]
        self.assertEqual(
            Code.search_count([("kind", "=", "tax_type")]), len(codes.TAX_TYPE_NAMES) + len(EXTRA_TAX_TYPES)
        )
        self.assertEqual(Code.search_count([("kind", "=", "withholding")]), len(codes.WITHHOLDING_NAMES))
        self.assertEqual(
            Code.search_count([("kind", "=", "exemption")]),
            len(codes.EXEMPTIONS.keys() | codes.exemption_codes()),
        )
        self.assertEqual(Code._l10n_tr_edoc_find("exemption", "501").name, "501")
        kdv = Code._l10n_tr_edoc_find("tax_type", "0015")
        self.assertEqual(kdv.short_name, "KDV")
        self.assertEqual(Code._l10n_tr_edoc_find("withholding", "602").percent, 90)

    def test_reloading_keeps_archived_codes_archived_and_restores_names(self):
        Code = self.env["l10n_tr_edoc.code"]
        code = Code._l10n_tr_edoc_find("exemption", "301")
        code.write({"active": False, "name": "edited"})
        Code._l10n_tr_edoc_load_core_codes()
        self.assertFalse(code.active)
        self.assertEqual(code.name, codes.exemption_text("301"))
        self.assertEqual(Code.with_context(active_test=False).search_count([("code", "=", "301")]), 1)
