from odoo.tests import tagged

from ..core.errors import EdocError
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocCredit(L10nTrEdocCase):
    """Credit (kontör) read from the sandbox, the low-credit alert and the account's call health."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._l10n_tr_edoc_user("tr_credit_manager", "manager")
        cls.edoc_user = cls._l10n_tr_edoc_user("tr_credit_user", "user")
        cls.low_credit = cls.env.ref("l10n_tr_edoc.mail_activity_type_low_credit")

    def _set_sandbox_balance(self, balance):
        """Spend the sandbox company's kontör down (or back up) to ``balance``."""
        store = self.sandbox.store
        with store.lock:
            before = store.credit_used.get(self.demo.vkn, 0)
            store.credit_used[self.demo.vkn] = store.companies[self.demo.vkn].credit_loaded - balance
        self.addCleanup(store.credit_used.__setitem__, self.demo.vkn, before)

    def _refresh(self, account=None):
        account = account or self.edoc_account
        errors = account._l10n_tr_edoc_refresh_credit()
        self.env.invalidate_all()
        return errors

    def _alerts(self, active=True):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "l10n_tr_edoc.account"),
                    ("res_id", "=", self.edoc_account.id),
                    ("activity_type_id", "=", self.low_credit.id),
                    ("active", "in", [active]),
                ]
            )
        )

    def _alert_messages(self):
        comment = self.env.ref("mail.mt_comment")
        return self.edoc_account.message_ids.filtered(
            lambda message: message.subtype_id == comment and "kontör" in (message.body or "")
        )

    def test_refresh_reads_the_sandbox_balance_and_logs_the_call(self):
        self._set_sandbox_balance(640)
        calls_before = self.sandbox.request_count("GetCredit")
        self.assertFalse(self._refresh())
        self.assertEqual(self.sandbox.request_count("GetCredit"), calls_before + 1)
        self.assertRecordValues(
            self.edoc_account, [{"credit_balance": 640.0, "credit_reported": True, "credit_low": False}]
        )
        self.assertTrue(self.edoc_account.credit_checked_at)
        event = self.env["l10n_tr_edoc.event"].search(
            [("account_id", "=", self.edoc_account.id), ("operation", "=", "GetCredit")], limit=1
        )
        self.assertTrue(event.success)
        self.assertIn(b"CREDIT_BALANCE", event.response_attachment_id.raw)
        self.assertEqual(self.edoc_account.last_success_at, event.create_date)

    def test_low_credit_raises_one_activity_and_message_until_the_balance_is_back(self):
        self.edoc_account.responsible_user_id = self.manager
        self._set_sandbox_balance(40)
        self._refresh()
        self.assertTrue(self.edoc_account.credit_low)
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.user_id, self.manager)
        (message,) = self._alert_messages()
        self.assertIn(self.manager.partner_id, message.partner_ids)
        self.assertIn(self.manager.partner_id, message.notification_ids.res_partner_id)
        self.assertNotIn(self.edoc_user.partner_id, message.partner_ids)

        # still low: nothing new for the managers
        self._set_sandbox_balance(30)
        self._refresh()
        self.assertEqual(self.edoc_account.credit_balance, 30.0)
        self.assertEqual(self._alerts(), alert)
        self.assertEqual(len(self._alert_messages()), 1)

        self._set_sandbox_balance(500)
        self._refresh()
        self.assertFalse(self.edoc_account.credit_low)
        self.assertFalse(self._alerts())
        self.assertEqual(self._alerts(active=False), alert)
        self.assertTrue(alert.date_done)

        # low again later: a new alert, since the previous one was closed
        self._set_sandbox_balance(10)
        self._refresh()
        self.assertEqual(len(self._alerts()), 1)
        self.assertNotEqual(self._alerts(), alert)
        self.assertEqual(len(self._alert_messages()), 2)

    def test_without_a_responsible_a_manager_of_the_company_gets_the_alert(self):
        self._set_sandbox_balance(99)
        self._refresh()
        alert = self._alerts()
        self.assertEqual(len(alert), 1)
        self.assertIn(alert.user_id, self.edoc_account._l10n_tr_edoc_managers())
        self.assertIn(self.manager, self.edoc_account._l10n_tr_edoc_managers())
        self.assertNotIn(self.edoc_user, self.edoc_account._l10n_tr_edoc_managers())
        (message,) = self._alert_messages()
        self.assertIn(self.manager.partner_id, message.partner_ids)

    def test_raising_the_threshold_alerts_and_zero_turns_it_off(self):
        self._set_sandbox_balance(150)
        self._refresh()
        self.assertFalse(self._alerts())
        self.edoc_account.credit_threshold = 200
        self.assertTrue(self.edoc_account.credit_low)
        self.assertEqual(len(self._alerts()), 1)
        self.edoc_account.credit_threshold = 0
        self.assertFalse(self.edoc_account.credit_low)
        self.assertFalse(self._alerts())

    def test_integrator_error_shows_in_health_without_alert_spam(self):
        self._set_sandbox_balance(20)
        self._refresh()
        self.assertEqual(len(self._alerts()), 1)
        checked_at = self.edoc_account.credit_checked_at
        self.sandbox.faults.inject("GetCredit", "http_500", times=2)
        self.addCleanup(self.sandbox.faults.clear)
        for _attempt in range(2):
            errors = self._refresh()
            self.assertIn(self.edoc_account, errors)
        self.assertRecordValues(
            self.edoc_account,
            [{"credit_balance": 20.0, "credit_low": True, "credit_checked_at": checked_at}],
        )
        self.assertTrue(self.edoc_account.last_failure_at)
        self.assertGreaterEqual(self.edoc_account.last_failure_at, self.edoc_account.last_success_at)
        self.assertIn("500", self.edoc_account.last_failure_message)
        failed = self.env["l10n_tr_edoc.event"].search(
            [
                ("account_id", "=", self.edoc_account.id),
                ("success", "=", False),
                ("operation", "=", "GetCredit"),
            ]
        )
        self.assertEqual(len(failed), 2)
        self.assertEqual(len(self._alerts()), 1)
        self.assertEqual(len(self._alert_messages()), 1)

    def test_test_connection_and_button_refresh_the_credit(self):
        self._set_sandbox_balance(321)
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.assertEqual(self.edoc_account.credit_balance, 321.0)
        operations = (
            self.env["l10n_tr_edoc.event"]
            .search([("account_id", "=", self.edoc_account.id)])
            .mapped("operation")
        )
        self.assertIn("Login", operations)
        self.assertIn("GetCredit", operations)
        self._set_sandbox_balance(55)
        action = self.edoc_account.action_l10n_tr_edoc_refresh_credit()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("55", action["params"]["message"])

    def test_a_failed_connection_test_is_a_failure_in_health(self):
        # the class set-up's GİB-list sync was a successful call: the failure must leave it as it was
        succeeded_at = self.edoc_account.last_success_at
        self.edoc_account.password = "not-the-password"
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.env.invalidate_all()
        self.assertEqual(self.edoc_account.connection_state, "failed")
        self.assertEqual(self.edoc_account.last_success_at, succeeded_at)
        self.assertTrue(self.edoc_account.last_failure_at)
        self.assertEqual(self.edoc_account.last_failure_message, self.edoc_account.last_error)
        self.assertFalse(self.edoc_account.credit_checked_at)

    def test_credit_cron_refreshes_every_account_with_credentials(self):
        self._set_sandbox_balance(77)
        cron = self.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_refresh_credit")
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)
        self.assertEqual(self.edoc_account.credit_balance, 77.0)
        self.assertTrue(self.edoc_account.credit_low)
        self.assertEqual(len(self._alerts()), 1)

    def test_health_is_read_for_many_accounts_in_a_fixed_number_of_queries(self):
        spares = self.env["l10n_tr_edoc.account"].create(
            [{"company_id": self.company.id, "provider": "sandbox", "active": False} for _i in range(4)]
        )
        Document = self.env["l10n_tr_edoc.document"]
        for index, account in enumerate(spares):
            Document._l10n_tr_edoc_log_exchanges("credit", (), account=account)
            error = EdocError(f"failure {index}", code="tr_edoc.test")
            Document._l10n_tr_edoc_log_exchanges("credit", (), error=error, account=account)
        self.env.flush_all()

        def queries_to_read_health(accounts):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            accounts.mapped("last_failure_message")
            accounts.mapped("last_success_at")
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_to_read_health(spares[:1]), queries_to_read_health(spares))
        unsaved = self.env["l10n_tr_edoc.account"].new({"provider": "sandbox"}, origin=spares[0])
        self.assertEqual(unsaved.last_failure_message, "failure 0")
        self.assertFalse(self.env["l10n_tr_edoc.account"].new({"provider": "sandbox"}).last_failure_at)
        for index, account in enumerate(spares):
            self.assertEqual(account.last_failure_message, f"failure {index}")
            self.assertTrue(account.last_success_at)
            self.assertTrue(account.last_failure_at)
