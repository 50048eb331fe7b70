import uuid
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.reconciliation import Reconciliation
from ..core.sandbox.reconciliation import desk
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocBilling(L10nTrEdocCase):
    """The integrator's debt (GetBalance) and usage (GetUsage) beside the credit, read from the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reconciliation_desk = desk(cls.sandbox)
        reconciliation_desk.add_debt(cls.demo.vkn, "IZB2026000001001", "2026-10-31", "202610", "590.00")
        reconciliation_desk.add_debt(cls.demo.vkn, "IZB2026000001102", "2026-11-30", "202611", "1180.50")
        # one reconciliation sent this month: one e-Mutabakat and one e-mail used
        cls.edoc_account._l10n_tr_edoc_get_provider().send_reconciliations(
            [
                Reconciliation(
                    type="CM",
                    uuid=str(uuid.uuid4()),
                    identifier="1234567808",
                    name="Ege Gıda A.Ş.",
                    address="Konak İzmir",
                    email="muhasebe@ege.example",
                    cm_date=cls.sandbox.clock.now().date(),
                    cm_amount_type="B",
                    cm_amount=Decimal("1500"),
                )
            ]
        )

    def _calls(self):
        return self.sandbox.request_count("GetBalance"), self.sandbox.request_count("GetUsage")

    def test_debt_and_usage_on_the_health_tab_and_the_overview(self):
        calls = self._calls()
        self.edoc_account.action_l10n_tr_edoc_refresh_billing()
        self.assertEqual(self._calls(), (calls[0] + 1, calls[1] + 1))
        self.assertRecordValues(
            self.edoc_account,
            [
                {
                    "billing_reported": True,
                    "debt_total": 1770.50,
                    "debt_invoice_count": 2,
                    "usage_this_month": 2,
                }
            ],
        )
        html = str(self.edoc_account.billing_html)
        self.assertIn("IZB2026000001102", html)
        self.assertIn("1180.50", html)
        self.assertIn("e-Mutabakat", html)
        self.assertEqual(len(self.edoc_account.billing_data["usage"]), 6, "the last six months")
        operations = (
            self.env["l10n_tr_edoc.event"]
            .search([("account_id", "=", self.edoc_account.id)])
            .mapped("operation")
        )
        self.assertIn("GetBalance", operations)
        self.assertIn("GetUsage", operations)
        overview = self.edoc_account.get_views(
            [(self.env.ref("l10n_tr_edoc.view_l10n_tr_edoc_account_dashboard").id, "kanban")]
        )
        self.assertIn("debt_total", overview["views"]["kanban"]["arch"])
        self.assertIn("usage_this_month", overview["views"]["kanban"]["arch"])

    def test_inbox_of_an_outbound_only_product_is_refused_before_sending(self):
        self.edoc_account.write({"usage_product": "EMUTABAKAT", "usage_direction": "INBOX"})
        calls = self._calls()
        with self.assertRaisesRegex(UserError, "only sent, never received"):
            self.edoc_account.action_l10n_tr_edoc_refresh_billing()
        self.assertEqual(self._calls(), calls, "nothing reached the integrator")
        # received e-Fatura is a real question: asked, and the sandbox has none
        self.edoc_account.write({"usage_product": "EFATURA"})
        self.edoc_account.action_l10n_tr_edoc_refresh_billing()
        self.assertEqual(self._calls(), (calls[0] + 1, calls[1] + 1))
        self.assertEqual(self.edoc_account.usage_this_month, 0)
        request = self.env["l10n_tr_edoc.event"].search(
            [("account_id", "=", self.edoc_account.id), ("operation", "=", "GetUsage")], limit=1
        )
        self.assertIn(b"<DIRECTION>INBOX</DIRECTION>", request.request_attachment_id.raw)
