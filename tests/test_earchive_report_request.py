import datetime
import uuid

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestEarchiveReportRequest(L10nTrEdocCase):
    """Kolaysoft builds the e-Arşiv report on request: Odoo asks for it, sets its day and follows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.edoc_account.provider = "sandbox_kolaysoft"
        cls.frontend = next(f for f in cls.sandbox.frontends if hasattr(f, "report_requests"))

    def _earchive(self, issue_date, state):
        return self.env["l10n_tr_edoc.document"].create(
            {
                "uuid": str(uuid.uuid4()),
                "company_id": self.company.id,
                "account_id": self.edoc_account.id,
                "kind": "earchive",
                "direction": "out",
                "state": state,
                "issue_date": issue_date,
            }
        )

    def test_report_day_reaches_the_integrator(self):
        self.assertTrue(self.edoc_account.offers_earchive_report_request)
        self.edoc_account.earchive_report_day = 5
        self.edoc_account.action_l10n_tr_edoc_set_earchive_report_day()
        self.assertEqual(self.frontend.report_days[self.demo.vkn], 5)
        event = self.env["l10n_tr_edoc.event"].search(
            [("account_id", "=", self.edoc_account.id), ("operation", "=", "setReportAutoSendDay")]
        )
        self.assertRecordValues(event, [{"success": True}])
        with self.assertRaises(ValidationError):
            self.edoc_account.earchive_report_day = 16

    def test_request_is_sent_and_followed(self):
        start = datetime.date(2026, 11, 1)
        waiting = self._earchive(datetime.date(2026, 11, 3), "sent")
        self._earchive(datetime.date(2026, 11, 4), "reported")
        self._earchive(datetime.date(2026, 10, 30), "sent")
        with self.assertRaises(UserError):
            self.edoc_account.action_l10n_tr_edoc_request_earchive_report()
        self.edoc_account.earchive_report_from = start
        self.edoc_account.action_l10n_tr_edoc_request_earchive_report()
        self.assertIn((self.demo.vkn, start), self.frontend.report_requests)
        self.assertRecordValues(
            self.edoc_account,
            [{"earchive_report_requested_from": start, "earchive_report_waiting_count": 1}],
        )
        self.assertTrue(self.edoc_account.earchive_report_requested_at)
        action = self.edoc_account.action_l10n_tr_edoc_open_earchive_report_waiting()
        self.assertEqual(self.env["l10n_tr_edoc.document"].search(action["domain"]), waiting)

    def test_izibiz_account_offers_no_report_request(self):
        self.edoc_account.provider = "sandbox"
        self.assertFalse(self.edoc_account.offers_earchive_report_request)
        self.edoc_account.earchive_report_from = datetime.date(2026, 11, 1)
        requests = len(self.frontend.report_requests)
        with self.assertRaises(UserError):
            self.edoc_account.action_l10n_tr_edoc_request_earchive_report()
        self.assertEqual(len(self.frontend.report_requests), requests)
