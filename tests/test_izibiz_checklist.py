import datetime as dt
from unittest.mock import patch

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..core.sandbox.content import SANDBOX_SIGNATURE_ID
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

    def test_ozelmatrah_invoice_is_sent_and_delivered(self):
        exemption = self.env["l10n_tr_edoc.code"]._l10n_tr_edoc_find("exemption", "801")
        special = self.kdv20.copy(
            {"name": "KDV %20 Özel Matrah 801", "l10n_tr_edoc_exemption_id": exemption.id}
        )
        move = self._send(
            self._post(self.registered, [(1, 500.0, special)], l10n_tr_edoc_type_code="OZELMATRAH")
        )
        root = etree.fromstring(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        self.assertEqual(root.findtext("cbc:InvoiceTypeCode", namespaces=NS), "OZELMATRAH")
        self._run_cron()
        self.assertEqual(move.l10n_tr_edoc_state, "delivered")

    def test_our_answer_is_final_once_the_integrator_confirms_it_and_a_failed_one_is_given_again(self):
        accepted, refused = self._l10n_tr_edoc_receive_invoice(), self._l10n_tr_edoc_receive_invoice()
        self.assertTrue(accepted._l10n_tr_edoc_respond("KABUL"))
        self.sandbox.fail_next_answer(refused.uuid)
        self.assertTrue(refused._l10n_tr_edoc_respond("RED", "Fiyat hatalı"))
        self.assertEqual((accepted.state, refused.state), ("responding", "responding"))
        self.assertEqual(refused.move_id.state, "draft", "RED's policy waits for the confirmation")
        Document = self.env["l10n_tr_edoc.document"]
        self.assertEqual(
            Document._l10n_tr_edoc_to_poll(self.edoc_account).filtered("direction") & (accepted | refused),
            accepted | refused,
        )
        polls = self.sandbox.request_count("GetInvoiceStatusAll")

        self._run_cron()
        self.assertGreater(self.sandbox.request_count("GetInvoiceStatusAll"), polls)
        self.assertEqual(accepted.state, "accepted")
        self.assertEqual((refused.state, refused.response_code), ("awaiting_response", False))
        self.assertIn("failed at GİB", refused.error_message)
        self.assertEqual(refused.child_ids.state, "send_failed")
        self.assertEqual(refused.move_id.state, "draft")
        self.assertNotIn(accepted, Document._l10n_tr_edoc_to_poll(self.edoc_account))

        # a failed answer is given again within the window, and only then is it final
        self.assertTrue(refused._l10n_tr_edoc_respond("RED", "Fiyat hatalı"))
        self._run_cron()
        self.assertEqual((refused.state, refused.response_code), ("rejected", "RED"))
        self.assertEqual(refused.move_id.state, "cancel")
        self.assertEqual(sorted(refused.child_ids.mapped("state")), ["send_failed", "sent"])
        self.assertNotIn(refused, Document._l10n_tr_edoc_to_poll(self.edoc_account))

    def test_an_invoice_answered_on_the_integrators_portal_is_recorded_as_answered_elsewhere(self):
        clicked, unanswered = self._l10n_tr_edoc_receive_invoice(), self._l10n_tr_edoc_receive_invoice()
        self.sandbox.answer_on_portal(self.demo.vkn, clicked.uuid, "RED", "Portaldan reddedildi")
        self.sandbox.answer_on_portal(self.demo.vkn, unanswered.uuid, "KABUL")
        self.sandbox.clock.advance(dt.timedelta(minutes=2))
        Document = self.env["l10n_tr_edoc.document"]
        self.assertFalse(
            Document._l10n_tr_edoc_to_poll(self.edoc_account) & (clicked | unanswered),
            "an incoming TICARIFATURA is not polled before we answer it",
        )

        # the accountant answers in Odoo too: İzibiz refuses it, and the portal's answer is recorded
        action = clicked.move_id.action_l10n_tr_edoc_accept()
        wizard = Form(self.env[action["res_model"]].with_context(action["context"])).save()
        result = wizard.action_l10n_tr_edoc_send()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("already answered RED", result["params"]["message"])
        self.assertEqual(
            (clicked.state, clicked.response_code, clicked.response_reason),
            ("rejected", "RED", "Portaldan reddedildi"),
        )
        self.assertEqual(clicked.move_id.state, "cancel")
        self.assertIn("outside Odoo", "".join(clicked.message_ids.mapped("body")))

        # nobody answers in Odoo: the last look before the window closes finds the portal's answer
        after = unanswered.response_deadline + dt.timedelta(minutes=1)
        with patch.object(fields.Datetime, "now", return_value=after):
            closed = Document._cron_l10n_tr_edoc_close_response_windows()
        self.assertNotIn(unanswered, closed)
        self.assertEqual((unanswered.state, unanswered.response_code), ("accepted", "KABUL"))
        self.assertFalse(unanswered.move_id.activity_ids)


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


NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _send_type(root):
    (reference,) = root.xpath(
        "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='SEND_TYPE']/cbc:ID/text()", namespaces=NS
    )
    return reference


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIzibizChecklistEarchive(L10nTrEdocOutgoingCase):
    """İzibiz's e-Arşiv test list, each case sent from Odoo through the sandbox."""

    def _held(self, move, uuid=None):
        uuid = uuid or move.l10n_tr_edoc_uuid
        return next((d for d in self.sandbox.documents(vkn=self.demo.vkn) if d.uuid == uuid), None)

    def _root(self, move):
        return etree.fromstring(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)

    def _cancel_wizard(self, move, **values):
        return self.env["l10n_tr_edoc.cancel.wizard"].create(
            {"move_id": move.id, "reason": "Hatalı", **values}
        )

    def test_final_consumer_return_withholding_paper_and_paper_with_email_are_sent_and_reported(self):
        istanbul = self.env.ref("base.state_tr_34")
        consumer = self.env["res.partner"].create(
            {
                "name": "Ayşe Yılmaz",
                "vat": "10000000146",  # a TCKN: a final consumer
                "country_id": self.env.ref("base.tr").id,
                "street": "Bağdat Caddesi 10",
                "city": "Kadıköy",
                "state_id": istanbul.id,
                "email": "ayse@example.com",
                "l10n_tr_edoc_einvoice_status": "not_registered",
            }
        )
        to_consumer = self._post(consumer)
        sale = self._post(self.unregistered)
        withholding = self._post(self.unregistered, [(1, 1000.0, self.withholding_5_10)])
        paper = self._post(self.unregistered, l10n_tr_edoc_send_type="KAGIT")
        paper_and_mail = self._post(
            self.unregistered, l10n_tr_edoc_send_type="KAGIT", l10n_tr_edoc_also_email=True
        )
        self._send(to_consumer | sale | withholding | paper | paper_and_mail)
        refund = self._post(
            self.unregistered, move_type="out_refund", reversed_entry_id=sale.id, invoice_origin=sale.name
        )
        self._send(refund)
        moves = to_consumer | sale | withholding | paper | paper_and_mail | refund
        self.assertEqual(set(moves.mapped("l10n_tr_edoc_profile")), {"EARSIVFATURA"})
        self.assertEqual(
            [m.l10n_tr_edoc_type_code for m in (to_consumer, withholding, refund)],
            ["SATIS", "TEVKIFAT", "IADE"],
        )
        scheme = self._root(to_consumer).xpath(
            "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID/@schemeID", namespaces=NS
        )
        self.assertEqual(scheme, ["TCKN"])
        self.assertEqual(
            [_send_type(self._root(m)) for m in (to_consumer, paper, paper_and_mail)],
            ["ELEKTRONIK", "KAGIT", "KAGIT"],
        )
        # İzibiz e-mails the electronic one and the paper one that is also e-mailed, not the paper one alone
        self.assertEqual(
            [self._held(m).earchive["email"] for m in (to_consumer, paper, paper_and_mail)],
            [True, False, True],
        )
        self.assertEqual(self._held(to_consumer).earchive["emails"], ["ayse@example.com"])

        self._run_cron()
        self.assertEqual(set(moves.mapped("l10n_tr_edoc_state")), {"delivered"})
        self._run_cron(dt.timedelta(days=1))  # past GİB's evening report
        self.assertEqual(set(moves.mapped("l10n_tr_edoc_state")), {"reported"})
        # once reported, the archived XML is the integrator's signed original
        documents = moves.l10n_tr_edoc_document_id
        self.assertTrue(all(documents.mapped("earchive_signed")))
        self.assertTrue(all(SANDBOX_SIGNATURE_ID.encode() in d.xml_attachment_id.raw for d in documents))

    def test_cancel_after_the_evening_report(self):
        move = self._send(self._post(self.unregistered))
        self._run_cron(dt.timedelta(days=1))
        self.assertEqual(move.l10n_tr_edoc_state, "reported")
        with self.assertRaisesRegex(UserError, "only be cancelled, not deleted"):
            self._cancel_wizard(move, delete=True).action_confirm()
        self._cancel_wizard(move).action_confirm()
        self.assertEqual((move.l10n_tr_edoc_state, move.state), ("cancelled", "cancel"))
        held = self._held(move)
        self.assertTrue(held.cancelled_at)
        self.assertEqual(self.sandbox.status(held).description, "RAPORLANDI, İPTAL EDİLDİ")

    def test_cancel_to_upload_again_keeps_the_number_with_a_new_ettn(self):
        move = self._send(self._post(self.unregistered))
        document = move.l10n_tr_edoc_document_id
        number, first_ettn = document.name, document.uuid
        deletes = self.sandbox.request_count("CancelEArchiveInvoice")
        self._cancel_wizard(move, delete=True, reason="Tutar hatalı").action_confirm()
        self.assertEqual(self.sandbox.request_count("CancelEArchiveInvoice"), deletes + 1)
        self.assertIn((self.demo.vkn, number, first_ettn), self.sandbox.store.deleted)
        self.assertIsNone(self._held(move, first_ettn))
        self.assertEqual((move.state, document.state, document.name), ("draft", "draft", number))
        self.assertNotEqual(document.uuid, first_ettn)
        self.assertEqual(move.l10n_tr_edoc_uuid, document.uuid)

        move.invoice_line_ids[0].price_unit = 1400.0  # fixed
        move.action_post()
        self._send(move)
        self.assertEqual((document.state, document.name), ("sent", number))
        self.assertTrue(self._held(move))
        following = self._send(self._post(self.unregistered)).l10n_tr_edoc_document_id
        self.assertEqual(int(following.name[-9:]), int(number[-9:]) + 1, "no gap in the series")
        history = "".join(document.message_ids.mapped("body"))
        self.assertIn(first_ettn, history)

    def test_email_sent_again_from_the_document(self):
        move = self._send(self._post(self.unregistered))
        document = move.l10n_tr_edoc_document_id
        calls = self.sandbox.request_count("GetEmailEarchiveInvoice")
        action = document.action_l10n_tr_edoc_resend_earchive_email()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.sandbox.request_count("GetEmailEarchiveInvoice"), calls + 1)
        self.assertEqual(self._held(move).earchive["emails"], [self.unregistered.email] * 2)
        self.assertTrue(
            document.event_ids.filtered(lambda e: e.operation == "GetEmailEarchiveInvoice").success
        )

        self.sandbox.without_email_service(self.demo.vkn)
        self.addCleanup(self.sandbox.without_email_service, self.demo.vkn, False)
        with self.assertRaisesRegex(UserError, "E-posta gönderim hizmetiniz"):
            document.action_l10n_tr_edoc_resend_earchive_email()
        # a company that delivers e-Arşiv invoices itself sends the e-mail again from Odoo
        self.company.l10n_tr_edoc_earchive_delivery = "odoo"
        mails = len(document.message_ids)
        document.action_l10n_tr_edoc_resend_earchive_email()
        self.assertEqual(self.sandbox.request_count("GetEmailEarchiveInvoice"), calls + 2)
        self.assertGreater(len(document.message_ids), mails)
        self.assertIn(self.unregistered, document.message_ids.partner_ids)

    def test_signed_original_and_image_fetched_from_odoo(self):
        move = self._send(self._post(self.unregistered))
        document = move.l10n_tr_edoc_document_id
        uploaded = document.xml_attachment_id
        uploaded_bytes = uploaded.raw
        reads = self.sandbox.request_count("ReadFromArchive")
        action = document.action_l10n_tr_edoc_fetch_signed_original()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(document.earchive_signed)
        self.assertNotEqual(document.xml_attachment_id, uploaded)
        self.assertIn(SANDBOX_SIGNATURE_ID.encode(), document.xml_attachment_id.raw)
        self.assertIn(document.name.encode(), document.xml_attachment_id.raw)
        self.assertEqual((uploaded.raw, uploaded.name), (uploaded_bytes, f"{document.name}-uploaded.xml"))
        document.action_l10n_tr_edoc_fetch_signed_original()
        self.assertEqual(self.sandbox.request_count("ReadFromArchive"), reads + 1, "fetched once")

        action = document.action_l10n_tr_edoc_fetch_integrator_pdf()
        pdf = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        self.assertTrue(pdf.raw.startswith(b"%PDF"))
        self.assertEqual(self.sandbox.request_count("ReadFromArchive"), reads + 2)

    def test_report_list_and_content_read_from_odoo(self):
        move = self._send(self._post(self.unregistered))
        period = self._held(move).cdate.strftime("%Y%m")
        self._run_cron(dt.timedelta(days=1))
        self.assertEqual(move.l10n_tr_edoc_state, "reported")
        account = self.edoc_account
        self.assertTrue(account.offers_earchive_reports)
        with self.assertRaisesRegex(UserError, "YYYYMM"):
            account.earchive_report_period = "2026-3"
            account.action_l10n_tr_edoc_fetch_earchive_reports()
        account.earchive_report_period = period
        before = self._calls("GetEArchiveReport", "ReadEArchiveReport")
        account.action_l10n_tr_edoc_fetch_earchive_reports()
        after = self._calls(*before)
        self.assertEqual(after["GetEArchiveReport"], before["GetEArchiveReport"] + 1)
        self.assertGreater(after["ReadEArchiveReport"], before["ReadEArchiveReport"])
        reports = self.env["ir.attachment"].search(
            [
                ("res_model", "=", account._name),
                ("res_id", "=", account.id),
                ("name", "like", "earsiv-rapor-"),
            ]
        )
        self.assertTrue(any(move.l10n_tr_edoc_uuid.encode() in report.raw for report in reports))
        self.assertIn(period, account.message_ids[0].body)

    def _calls(self, *operations):
        return {name: self.sandbox.request_count(name) for name in operations}

    def test_export_invoice_uploaded_as_a_draft_then_sent_under_the_same_number(self):
        move = self._post(
            self.foreign,
            [(10, 55.0, self.export_exempt)],
            invoice_incoterm_id=self.env.ref("account.incoterm_FOB").id,
            l10n_tr_edoc_transport_mode="1",
        )
        move.action_l10n_tr_edoc_load_draft()
        document = move.l10n_tr_edoc_document_id
        self.assertEqual(document.state, "ready")
        self.assertTrue(document.draft_uploaded_at)
        held = self._held(move)
        self.assertTrue(held.draft)
        self.assertEqual(held.id, document.name)
        self._run_cron()
        self.assertEqual(document.state, "ready", "a draft waits for the user's Send")
        number, ettn = document.name, document.uuid
        self._send(move)
        self.assertEqual((document.state, document.name, document.uuid), ("sent", number, ettn))
        self.assertFalse(self._held(move).draft)

    def test_forms_explain_that_earchive_statuses_settle_after_the_evening_report(self):
        for model, name in (
            ("l10n_tr_edoc.document", "l10n_tr_edoc_document_earchive_report_note"),
            ("account.move", "l10n_tr_edoc_earchive_report_note"),
        ):
            arch = etree.fromstring(self.env[model].get_views([(False, "form")])["views"]["form"]["arch"])
            (note,) = arch.xpath(f"//div[@name='{name}']")
            self.assertIn("evening report", "".join(note.itertext()))


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIzibizChecklistEarchiveDespatch(L10nTrEdocDespatchCase):
    def test_earchive_invoice_refers_to_the_delivery_s_e_irsaliye(self):
        self.env["l10n_tr_edoc.series"].create(
            {"company_id": self.company.id, "kind": "earchive", "prefix": f"E{self.series_count:02d}"}
        )
        customer = self.unregistered
        customer.write({"l10n_tr_edoc_einvoice_status": "not_registered", "l10n_tr_edoc_tax_office": "Konak"})
        picking = self._delivery(customer)
        despatch = picking._l10n_tr_edoc_send_despatch()
        self._let_gib_finish()
        self._sync()
        self.assertEqual(despatch.state, "delivered")
        kdv20 = self.env["account.chart.template"].with_company(self.company).ref("tr_s_20")
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": fields.Date.context_today(self.env.user),
                "l10n_tr_edoc_picking_ids": [Command.set(picking.ids)],
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": self.pump.id, "quantity": 5, "price_unit": 100.0, "tax_ids": kdv20.ids}
                    )
                ],
            }
        )
        move.action_post()
        self.assertFalse(move._l10n_tr_edoc_send())
        document = move.l10n_tr_edoc_document_id
        self.assertEqual((document.kind, document.state), ("earchive", "sent"))
        xml = document.xml_attachment_id.raw
        self.assertGibValid(xml, rules=False)
        root = etree.fromstring(xml)
        reference = root.find("cac:DespatchDocumentReference", NS)
        self.assertEqual(
            (reference.findtext("cbc:ID", namespaces=NS), reference.findtext("cbc:IssueDate", namespaces=NS)),
            (despatch.name, str(despatch.issue_date)),
        )
        self.sandbox.clock.advance(dt.timedelta(minutes=10))
        self.env["account.move"]._cron_l10n_tr_edoc_send_and_poll(force=True)
        # past midnight in Istanbul (the sandbox's clock runs ahead of the wall) it is in GİB's daily report
        self.assertIn(document.state, ("delivered", "reported"))
