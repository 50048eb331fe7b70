import datetime as dt
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..core.sandbox.demo import REJECTING_ALIAS
from .common import deliver_invoices, supplier_invoice
from .common_outgoing import L10nTrEdocOutgoingCase
from .test_despatch_common import CUSTOMER, L10nTrEdocDespatchCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIzibizChecklist(L10nTrEdocOutgoingCase):
    """İzibiz's integration checklist items that are about what the ERP does, through the sandbox."""

    def _sessions(self):
        username = self.demo.username
        return self.sandbox.login_count(username), self.sandbox.logout_count(username)

    def _calls(self, *operations):
        return {name: self.sandbox.request_count(name) for name in operations}

    def _queue(self, partner):
        """A posted invoice whose document waits in `ready` for the cron to send it."""
        move = self._post(partner)
        document = move._l10n_tr_edoc_ensure_document(self.edoc_account)
        self.assertIsNone(move._l10n_tr_edoc_generate(document))
        self.assertEqual(document.state, "ready")
        return document

    def test_one_cron_run_sends_polls_fetches_in_one_session_and_logs_out(self):
        sent = self._send(
            self._post(self.registered, l10n_tr_edoc_profile="TICARIFATURA")
        ).l10n_tr_edoc_document_id
        queued = self._queue(self.registered)
        (incoming,) = deliver_invoices(self.sandbox_server.url, self.demo, [supplier_invoice(self.demo)])
        logins, logouts = self._sessions()
        operations = ("SendInvoice", "GetInvoiceStatusAll", "GetInvoice", "MarkInvoice")
        before = self._calls(*operations)

        self._run_cron()

        after = self._calls(*operations)
        self.assertTrue(all(after[name] > before[name] for name in operations), (before, after))
        self.assertEqual(self._sessions(), (logins + 1, logouts + 1))
        self.assertEqual(self.sandbox.open_sessions(self.demo.username), 0)
        self.assertEqual(queued.state, "sent")
        self.assertEqual(sent.state, "delivered")
        received = self.env["l10n_tr_edoc.document"].search(
            [("uuid", "=", incoming.uuid), ("direction", "=", "in")]
        )
        self.assertEqual(received.state, "awaiting_response")

        # the answer button: one session of its own, closed when the answer is sent
        self.assertTrue(received._l10n_tr_edoc_respond("KABUL"))
        self.assertEqual(self._sessions(), (logins + 2, logouts + 2))
        self.assertEqual(self.sandbox.open_sessions(self.demo.username), 0)
        logout = self.env["l10n_tr_edoc.event"].search([("operation", "=", "Logout")], limit=1)
        self.assertTrue(logout.success)

    def test_the_session_izibiz_dropped_midway_is_renewed_once_and_closed(self):
        queued = self._queue(self.registered)
        self.sandbox.faults.inject("SendInvoice", "expire_session")
        logins, logouts = self._sessions()
        self._run_cron()
        self.assertEqual(queued.state, "sent")
        self.assertEqual(self._sessions(), (logins + 2, logouts + 1))
        self.assertEqual(self.sandbox.open_sessions(self.demo.username), 0)

    def test_250_incoming_invoices_in_six_integrator_calls(self):
        deliver_invoices(
            self.sandbox_server.url,
            self.demo,
            [supplier_invoice(self.demo, profile="TEMELFATURA") for _i in range(250)],
        )
        before = self._calls("GetInvoice", "MarkInvoice", "GetInvoiceWithType", "Login", "Logout")
        self.assertEqual(self.edoc_account._l10n_tr_edoc_fetch_incoming_invoices(), 250)
        after = self._calls(*before)
        self.assertEqual(
            {name: after[name] - before[name] for name in before},
            {"GetInvoice": 3, "MarkInvoice": 3, "GetInvoiceWithType": 0, "Login": 1, "Logout": 1},
        )

    def test_fetch_and_poll_floors_in_settings_and_code(self):
        account = self.edoc_account
        self.assertEqual(account.status_interval, 240)
        self.assertEqual(account.despatch_status_interval, 240)
        with self.assertRaises(ValidationError):
            account.incoming_interval = 10
        with self.assertRaises(ValidationError):
            account.status_interval = 30
        with self.assertRaises(ValidationError):
            account.despatch_status_interval = 60

        # the timer: a fetch less than 15 minutes after the last one is not due
        self.sandbox.throttle()
        self.addCleanup(self.sandbox.throttle, fetch_gap=None, status_gap=None)
        self.sandbox.clock.advance(dt.timedelta(hours=4))  # past whatever earlier tests asked
        self.env["account.move"]._cron_l10n_tr_edoc_send_and_poll()
        listed = self.sandbox.request_count("GetInvoice")
        self.env["account.move"]._cron_l10n_tr_edoc_send_and_poll()
        account._cron_l10n_tr_edoc_fetch_incoming()
        self.assertFalse(account.last_error)
        self.assertEqual(self.sandbox.request_count("GetInvoice"), listed)

        # the button: at most once per 5 minutes, and the user is told when to try again
        self.sandbox.clock.advance(dt.timedelta(minutes=5))
        account.action_l10n_tr_edoc_fetch_incoming()
        self.assertFalse(account.last_error)
        with self.assertRaisesRegex(UserError, "less than 5 minutes ago"):
            account.action_l10n_tr_edoc_fetch_incoming()
        with self.assertRaisesRegex(UserError, "less than 5 minutes ago"):
            self.company_data["default_journal_purchase"].button_fetch_in_einvoices()
        self.assertEqual(self.sandbox.request_count("GetInvoice"), listed + 1)
        later = fields.Datetime.now() + dt.timedelta(minutes=5, seconds=1)
        self.sandbox.clock.advance(dt.timedelta(minutes=5))
        with patch.object(fields.Datetime, "now", return_value=later):
            account.action_l10n_tr_edoc_fetch_incoming()
        self.assertFalse(account.last_error)
        self.assertEqual(self.sandbox.request_count("GetInvoice"), listed + 2)

    def test_final_and_old_documents_are_not_polled(self):
        account = self.edoc_account
        temel = self._send(self._post(self.registered, l10n_tr_edoc_profile="TEMELFATURA"))
        ticari, old_ticari = (
            self._send(
                self._post(self.registered, l10n_tr_edoc_profile="TICARIFATURA")
            ).l10n_tr_edoc_document_id
            for _i in range(2)
        )
        self._run_cron()
        self.assertEqual(temel.l10n_tr_edoc_state, "delivered")
        self.assertEqual((ticari.state, old_ticari.state), ("delivered", "delivered"))
        old_ticari.received_at = fields.Datetime.now() - dt.timedelta(days=8, minutes=1)
        incoming_temel = self._l10n_tr_edoc_receive_invoice("TEMELFATURA")
        self.assertEqual(incoming_temel.state, "imported")
        Document = self.env["l10n_tr_edoc.document"]
        # only the TICARIFATURA still waiting for its buyer's answer within 8 days is asked about
        self.assertEqual(Document._l10n_tr_edoc_to_poll(account), ticari)
        self.assertEqual(old_ticari.state, "accepted_implicitly")

    def test_receiver_side_refusal_is_resent_under_the_same_number_with_a_new_ettn(self):
        self.sandbox.reject_alias(REJECTING_ALIAS, 1230)
        self.addCleanup(self.sandbox.reject_alias, REJECTING_ALIAS, 1150)
        move = self._send(self._post(self.rejecting))
        document = move.l10n_tr_edoc_document_id
        self._run_cron()
        self.assertEqual((document.state, document.gib_status_code), ("rejected_by_gib", "1230"))
        number, first_ettn = document.name, document.uuid

        self.assertTrue(move.action_l10n_tr_edoc_correct())
        self.sandbox.store.gib_rejections.pop(REJECTING_ALIAS)
        move.action_post()
        self._send(move)
        self._run_cron()
        self.assertEqual(document.state, "delivered")
        self.assertEqual(document.name, number)
        self.assertNotEqual(document.uuid, first_ettn)
        self.assertEqual(move.l10n_tr_edoc_uuid, document.uuid)
        held = {doc.uuid: doc.id for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        self.assertEqual((held[first_ettn], held[document.uuid]), (number, number))
        history = "".join(document.message_ids.mapped("body"))
        self.assertIn(first_ettn, history)
        self.assertIn(document.uuid, history)

    def test_internet_sale_paid_by_eft_havale_carries_payment_means_46(self):
        move = self._post(
            self.unregistered,
            l10n_tr_edoc_internet_sale=True,
            l10n_tr_edoc_website="https://magaza.anadolu.example",
            l10n_tr_edoc_payment_method="EFT/HAVALE",
            l10n_tr_edoc_carrier_id=self.carrier.id,
        )
        self._send(move)  # GİB's schematron accepts the code
        root = etree.fromstring(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        codes = root.xpath("//*[local-name()='PaymentMeans']/*[local-name()='PaymentMeansCode']/text()")
        self.assertEqual(codes, ["46"])

    def test_integrator_side_failure_without_gib_code_ends_sent_and_is_resent(self):
        alias = self.registered.l10n_tr_edoc_einvoice_alias
        self.sandbox.fail_on_platform(alias, 136)
        self.addCleanup(self.sandbox.store.platform_failures.pop, alias, None)
        move = self._send(self._post(self.registered))
        document = move.l10n_tr_edoc_document_id
        number, ettn = document.name, document.uuid
        self._run_cron()
        self.assertEqual(document.state, "send_failed")
        self.assertFalse(document.gib_status_code)
        self.assertIn("GİB never received it", document.error_message)

        self.sandbox.store.platform_failures.pop(alias)
        move.action_l10n_tr_edoc_send()
        self._run_cron()
        self.assertEqual((document.state, document.name, document.uuid), ("delivered", number, ettn))

    def test_earchive_email_flag_follows_who_delivers(self):
        def held(move):
            (doc,) = [
                d for d in self.sandbox.documents(vkn=self.demo.vkn) if d.uuid == move.l10n_tr_edoc_uuid
            ]
            return doc.earchive["email"]

        by_integrator = self._send(self._post(self.unregistered))
        self.assertTrue(held(by_integrator))
        self.company.l10n_tr_edoc_earchive_delivery = "odoo"
        by_odoo = self._send(self._post(self.unregistered))
        self.assertFalse(held(by_odoo), "EARSIV_EMAIL_FLAG=N when Odoo mails the invoice")

    def test_export_invoice_shows_the_gtb_numbers_customs_reports(self):
        move = self._send(
            self._post(
                self.foreign,
                [(10, 55.0, self.export_exempt)],
                invoice_incoterm_id=self.env.ref("account.incoterm_FOB").id,
                l10n_tr_edoc_transport_mode="1",
            )
        )
        document = move.l10n_tr_edoc_document_id
        self._run_cron()
        self.assertEqual(document.state, "delivered")
        self.assertEqual(len(document.gtb_refno), 23)
        self.assertFalse(document.gtb_export_date, "the goods have not left yet")
        self.assertIn(document, self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_to_poll(self.edoc_account))
        self._run_cron(dt.timedelta(days=1))
        self.assertTrue(document.gtb_gcb_no)
        self.assertTrue(document.gtb_export_date)
        self.assertNotIn(document, self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_to_poll(self.edoc_account))


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIzibizChecklistDespatch(L10nTrEdocDespatchCase):
    def _refused_then_fixed(self, code):
        alias = CUSTOMER.despatch_pk_alias
        self.sandbox.reject_alias(alias, code)
        self.addCleanup(self.sandbox.store.gib_rejections.pop, alias, None)
        picking = self._delivery()
        document = picking._l10n_tr_edoc_send_despatch()
        self._let_gib_finish()
        self._sync()
        self.assertEqual((document.state, document.gib_status_code), ("rejected_by_gib", str(code)))
        number, first_ettn = document.name, document.uuid
        self.assertTrue(picking.action_l10n_tr_edoc_correct_despatch())
        self.sandbox.store.gib_rejections.pop(alias)
        self.assertEqual(picking._l10n_tr_edoc_send_despatch(), document)
        self.assertEqual((document.state, document.name), ("sent", number))
        self._let_gib_finish()
        self._sync()
        self.assertEqual(document.state, "delivered")
        sends = document.event_ids.filtered(lambda event: event.operation == "SendDespatchAdvice")
        self.assertEqual(len(sends), 2)
        return document, first_ettn

    def test_gib_refused_despatch_is_resent_under_the_same_number_and_ettn(self):
        document, first_ettn = self._refused_then_fixed(1150)
        self.assertEqual(document.uuid, first_ettn)
        following = self._delivery()._l10n_tr_edoc_send_despatch()
        self.assertEqual(int(following.name[-9:]), int(document.name[-9:]) + 1)

    def test_receiver_refused_despatch_is_resent_with_a_new_ettn(self):
        document, first_ettn = self._refused_then_fixed(1230)
        self.assertNotEqual(document.uuid, first_ettn)
        self.assertEqual(document.picking_id.l10n_tr_edoc_uuid, document.uuid)

    def test_despatch_failed_on_the_integrator_platform_is_not_left_sent(self):
        alias = CUSTOMER.despatch_pk_alias
        self.sandbox.fail_on_platform(alias, 105)
        self.addCleanup(self.sandbox.store.platform_failures.pop, alias, None)
        picking = self._delivery()
        document = picking._l10n_tr_edoc_send_despatch()
        number, ettn = document.name, document.uuid
        self._let_gib_finish()
        self._sync()
        self.assertEqual(document.state, "send_failed")
        self.assertIn("GİB never received it", document.error_message)
        self.sandbox.store.platform_failures.pop(alias)
        self.assertEqual(picking._l10n_tr_edoc_send_despatch(), document)
        self._let_gib_finish()
        self._sync()
        self.assertEqual((document.state, document.name, document.uuid), ("delivered", number, ettn))
