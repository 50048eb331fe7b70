from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.states import InvalidTransition
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocDocument(L10nTrEdocCase):
    def _document(self, **values):
        return self.env["l10n_tr_edoc.document"].create(
            {
                "uuid": "0f1e2d3c-4b5a-4968-8776-655443322110",
                "kind": "einvoice",
                "direction": "out",
                "account_id": self.edoc_account.id,
                **values,
            }
        )

    def test_initial_state_comes_from_the_core_machine(self):
        self.assertEqual(self._document().state, "draft")
        incoming = self._document(direction="in")
        self.assertEqual(incoming.state, "received")

    def test_events_follow_the_core_table_and_post_only_real_changes(self):
        document = self._document()
        messages = len(document.message_ids)
        document._l10n_tr_edoc_apply_event("generate", name="ABC2026000000001")
        document._l10n_tr_edoc_apply_event("submit")
        document._l10n_tr_edoc_apply_event("failed", error_code="tr_edoc.transport", error_message="timeout")
        self.assertEqual(document.state, "send_failed")
        self.assertEqual(document.name, "ABC2026000000001")
        with self.assertRaises(InvalidTransition):
            document._l10n_tr_edoc_apply_event("recipient_accepted")
        self.assertEqual(document.state, "send_failed")
        self.assertGreater(len(document.message_ids), messages)

    def test_exchanged_document_cannot_be_deleted(self):
        document = self._document()
        for event in ("generate", "submit", "accepted"):
            document._l10n_tr_edoc_apply_event(event)
        with self.assertRaises(UserError):
            document.unlink()
        self._document(uuid="1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d").unlink()

    def test_call_log_keeps_redacted_request_and_response(self):
        check = self.edoc_account._l10n_tr_edoc_get_provider().check_connection()
        self.assertTrue(check.ok, check.message)
        events = self._document()._l10n_tr_edoc_log_exchanges("check_connection", check.exchanges)
        self.assertEqual(len(events), len(check.exchanges))
        login = events.filtered(lambda event: event.operation == "Login")
        self.assertTrue(login.request_attachment_id and login.response_attachment_id)
        request = login.request_attachment_id.raw
        self.assertIn(b"USER_NAME", request)
        self.assertNotIn(self.demo.password.encode(), request)
        self.assertTrue(all(event.success for event in events))
