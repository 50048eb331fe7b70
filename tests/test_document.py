import uuid

from odoo import Command
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

    def _state_logs(self, records):
        return self.env["mail.message"].search(
            [
                ("model", "=", records._name),
                ("res_id", "in", records.ids),
                ("tracking_value_ids", "!=", False),
            ]
        )

    def test_a_batch_s_state_changes_are_logged_as_odoo_logs_them_in_a_fixed_number_of_queries(self):
        """The cron moves thousands of documents and invoices at once: their tracking messages are written
        together, each the message mail.thread would log for its record alone."""
        env = self.env(context={**self.env.context, "tracking_disable": False, "mail_notrack": False})
        queries = {}
        for size in (1, 3, 20):  # the first warms the caches (subtype, fields)
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner_a.id,
                        "invoice_line_ids": [Command.create({"name": "Danışmanlık", "price_unit": 100})],
                    }
                    for _index in range(size)
                ]
            )
            documents = env["l10n_tr_edoc.document"].create(
                [
                    {
                        "uuid": str(uuid.uuid4()),
                        "kind": "einvoice",
                        "direction": "out",
                        "account_id": self.edoc_account.id,
                        "move_id": move.id,
                    }
                    for move in moves
                ]
            )
            env.flush_all()
            env.cr.precommit.run()
            documents._l10n_tr_edoc_apply_event("generate")
            env.flush_all()
            before = env.cr.sql_log_count
            env.cr.precommit.run()
            queries[size] = env.cr.sql_log_count - before
            for records, field in ((documents, "state"), (moves, "l10n_tr_edoc_state")):
                messages = self._state_logs(records)
                self.assertEqual(sorted(messages.mapped("res_id")), sorted(records.ids))
                for message in messages:
                    value = message.tracking_value_ids
                    self.assertEqual(
                        (value.field_id.name, value.old_value_char, value.new_value_char),
                        (field, "Draft", "Ready to Send"),
                    )
        self.assertEqual(queries[3], queries[20])

        # the same message as mail.thread's own log of that change on one record
        def tracked(message):
            value = message.tracking_value_ids
            return {name: value[name].id if name == "field_id" else value[name] for name in fields}

        fields = ["field_id", "old_value_char", "new_value_char"]
        for record in (documents[0], moves[0]):
            ours = self._state_logs(record)
            odoo_own = record._message_log(body="", tracking_value_ids=[[0, 0, tracked(ours)]])
            compared = [
                "author_id",
                "email_from",
                "model",
                "res_id",
                "message_type",
                "subtype_id",
                "is_internal",
                "body",
                "subject",
                "reply_to",
                "record_company_id",
                "partner_ids",
                "attachment_ids",
            ]
            self.assertEqual(ours.read(compared), [odoo_own.read(compared)[0] | {"id": ours.id}])
            self.assertEqual(tracked(ours), tracked(odoo_own))
