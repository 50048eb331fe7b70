from odoo.tests import tagged

from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocCrons(L10nTrEdocCase):
    def test_every_scheduled_action_runs_against_the_sandbox(self):
        """Each cron as the scheduler runs it (its server action, its domain searches), not only the
        methods it calls: a domain the ORM cannot turn into SQL only shows up here. The scheduler's
        own cursors are routed to the test's, so the crons see this test's account and sandbox."""
        crons = (
            self.env["ir.model.data"]
            .search([("module", "=", "l10n_tr_edoc"), ("model", "=", "ir.cron")])
            .mapped(lambda data: self.env["ir.cron"].browse(data.res_id))
        )
        self.assertGreaterEqual(len(crons), 8)
        logins_before = self.sandbox.request_count("Login")
        for cron in crons:
            with self.subTest(cron=cron.cron_name):
                # the trigger logs and returns an error action instead of raising
                with self.enter_registry_test_mode():
                    outcome = cron.method_direct_trigger()
                self.assertIs(
                    outcome, True, outcome if outcome is True else outcome["params"]["data"]["message"]
                )
        self.assertGreater(self.sandbox.request_count("Login"), logins_before, "no cron reached the sandbox")
