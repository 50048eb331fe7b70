import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox.demo import DEMO_COMPANIES, REJECTING_ALIAS
from ..core.states import gib_today
from ..core.ubl.parse import document_summary
from .common_outgoing import L10nTrEdocOutgoingCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocOutgoingSend(L10nTrEdocOutgoingCase):
    def test_defaults_follow_the_customer_and_the_taxes(self):
        self.assertTrue(self.kdv20.l10n_tr_edoc_tax_type_id.code == "0015")
        self.assertEqual(
            self.withholding_5_10.children_tax_ids.l10n_tr_edoc_withholding_id.mapped("code"), ["604"]
        )
        move = self._post(self.registered)
        self.assertEqual((move.l10n_tr_edoc_profile, move.l10n_tr_edoc_type_code), ("TEMELFATURA", "SATIS"))
        self.assertEqual(move.l10n_tr_edoc_receiver_alias, self.registered.l10n_tr_edoc_einvoice_alias)
        self.assertEqual(len(move.l10n_tr_edoc_uuid), 36)
        self.assertEqual(self._post(self.unregistered).l10n_tr_edoc_profile, "EARSIVFATURA")
        export = self._post(self.foreign, [(1, 100.0, self.export_exempt)])
        self.assertEqual((export.l10n_tr_edoc_profile, export.l10n_tr_edoc_type_code), ("IHRACAT", "ISTISNA"))
        withheld = self._post(self.registered, [(1, 1000.0, self.withholding_5_10)])
        self.assertEqual(withheld.l10n_tr_edoc_type_code, "TEVKIFAT")
        self.registered.l10n_tr_edoc_einvoice_profile = "TICARIFATURA"
        self.assertEqual(self._post(self.registered).l10n_tr_edoc_profile, "TICARIFATURA")

    def test_every_profile_is_sent_schematron_clean_and_reaches_its_final_state(self):
        self.registered.l10n_tr_edoc_einvoice_profile = False
        temel = self._post(self.registered)
        ticari = self._post(self.registered, l10n_tr_edoc_profile="TICARIFATURA")
        earsiv = self._post(self.unregistered)
        internet = self._post(
            self.unregistered,
            l10n_tr_edoc_internet_sale=True,
            l10n_tr_edoc_website="https://magaza.anadolu.example",
            l10n_tr_edoc_payment_method="KREDIKARTI/BANKAKARTI",
            l10n_tr_edoc_payment_agent="Iyzico",
            l10n_tr_edoc_carrier_id=self.carrier.id,
        )
        export = self._post(
            self.foreign,
            [(10, 55.0, self.export_exempt)],
            invoice_incoterm_id=self.env.ref("account.incoterm_FOB").id,
            l10n_tr_edoc_transport_mode="1",
        )
        tevkifat = self._post(self.registered, [(1, 1000.0, self.withholding_5_10)])
        # a domestic buyer never gets 301 (export of goods): an exemption of a service export instead
        service_export = self.export_exempt.copy(
            {
                "l10n_tr_edoc_exemption_id": self.env["l10n_tr_edoc.code"]
                ._l10n_tr_edoc_find("exemption", "302")
                .id
            }
        )
        istisna = self._post(self.registered, [(1, 500.0, service_export)])
        kamu = self._post(
            self.registered,
            l10n_tr_edoc_profile="KAMU",
            l10n_tr_edoc_kamu_buyer_id=self.public_buyer.id,
            partner_bank_id=self.iban.id,
        )
        moves = temel | ticari | earsiv | internet | export | tevkifat | istisna | kamu
        self._send(moves)
        iade = self._post(
            self.registered, move_type="out_refund", reversed_entry_id=temel.id, invoice_origin=temel.name
        )
        self._send(iade)
        moves |= iade
        self.assertEqual(
            [m.l10n_tr_edoc_type_code for m in (tevkifat, istisna, iade)], ["TEVKIFAT", "ISTISNA", "IADE"]
        )
        self.assertTrue(all(m.l10n_tr_edoc_state == "sent" for m in moves))
        self.assertEqual(temel.l10n_tr_edoc_number[:7], f"ABC{gib_today().year}")
        self.assertEqual(export.l10n_tr_edoc_number[:3], "IHR")
        self.assertEqual(internet.l10n_tr_edoc_number[:3], "EAI")
        summary = document_summary(iade.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        self.assertEqual(summary["type_code"], "IADE")
        held = {d.uuid for d in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        self.assertLessEqual(set(moves.mapped("l10n_tr_edoc_uuid")), held)

        self._run_cron()
        self.assertEqual(ticari.l10n_tr_edoc_state, "delivered")
        ege = self.sandbox_provider_for(1)
        ege.send_application_response([ticari.l10n_tr_edoc_uuid], "KABUL")
        self._run_cron(datetime.timedelta(days=1))
        finals = {m: m.l10n_tr_edoc_state for m in moves}
        expected = dict.fromkeys((temel, export, tevkifat, istisna, kamu, iade), "delivered")
        expected |= {ticari: "accepted", earsiv: "reported", internet: "reported"}
        self.assertEqual(finals, expected)
        self.assertEqual(temel.l10n_tr_edoc_gib_status_code, "1300")

    def sandbox_provider_for(self, index):
        """The İzibiz client of another demo company: the buyer answering our TICARIFATURA."""
        demo = DEMO_COMPANIES[index]
        return IzibizSandboxProvider(
            base_url=self.sandbox_server.url, username=demo.username, password=demo.password
        )

    def test_send_and_print_uses_the_extra_edi_and_blocks_on_rule_errors(self):
        move = self._post(self.registered)
        Send = self.env["account.move.send"]
        self.assertIn("tr_edoc", Send._get_default_extra_edis(move))
        self.unregistered.l10n_tr_edoc_tax_office = False
        bad = self._post(self.unregistered)
        bad.company_id.partner_id.l10n_tr_edoc_tax_office = "Kadıköy"
        self.company.partner_id.city = False
        self.company.partner_id.state_id = False
        wizard = self.env["account.move.send.wizard"].with_context(
            active_model="account.move", active_ids=bad.ids
        )
        alerts = wizard.create({}).alerts
        self.assertEqual(alerts["l10n_tr_edoc_blocking"]["level"], "danger")
        errors = bad._l10n_tr_edoc_send()
        self.assertIn("district", errors[bad])
        self.assertEqual(bad.l10n_tr_edoc_state, "draft")
        self.assertFalse(bad.l10n_tr_edoc_number, "a refused pre-flight check spends no number")

    def test_drop_after_accept_goes_unknown_and_the_cron_settles_it_once(self):
        move = self._post(self.registered)
        self.sandbox.faults.inject("SendInvoice", "drop_after_accept")
        errors = move._l10n_tr_edoc_send()
        self.assertIn(move, errors)
        self.assertEqual(move.l10n_tr_edoc_state, "unknown")
        number, uuid = move.l10n_tr_edoc_number, move.l10n_tr_edoc_uuid
        sends = self.sandbox.request_count("SendInvoice")
        self._run_cron()
        self.assertEqual(
            self.sandbox.request_count("SendInvoice"), sends, "no resend of a document İzibiz holds"
        )
        self.assertIn(move.l10n_tr_edoc_state, ("sent", "delivered"))
        self.assertEqual((move.l10n_tr_edoc_number, move.l10n_tr_edoc_uuid), (number, uuid))
        copies = [d for d in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT") if d.uuid == uuid]
        self.assertEqual(len(copies), 1)

    def test_send_interrupted_after_the_wire_is_settled_by_a_status_query(self):
        """A worker dies after İzibiz took the invoice but before recording it: the cron must find
        the document left in `sending`, ask GİB, and never send it a second time."""
        move = self._post(self.registered)
        account = self.edoc_account
        document = move._l10n_tr_edoc_ensure_document(account)
        self.assertFalse(move._l10n_tr_edoc_generate(document))
        document._l10n_tr_edoc_apply_event("submit")
        document._l10n_tr_edoc_submit(account._l10n_tr_edoc_get_provider(), account)
        # what the dead worker never wrote: back to `sending`, half an hour ago
        self.env.cr.execute(
            "UPDATE l10n_tr_edoc_document SET state = 'sending', write_date = now() - interval '1 hour' "
            "WHERE id = %s",
            [document.id],
        )
        document.invalidate_recordset()
        sends = self.sandbox.request_count("SendInvoice")
        self._run_cron()
        self.assertEqual(self.sandbox.request_count("SendInvoice"), sends, "no second send")
        self.assertIn(document.state, ("sent", "delivered"))
        copies = [
            d for d in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT") if d.uuid == document.uuid
        ]
        self.assertEqual(len(copies), 1)

    def test_failed_send_keeps_number_and_ettn_for_its_retry(self):
        move = self._post(self.registered)
        self.sandbox.faults.inject("SendInvoice", "http_500")
        move._l10n_tr_edoc_send()
        self.assertIn(move.l10n_tr_edoc_state, ("send_failed", "unknown"))
        number, uuid = move.l10n_tr_edoc_number, move.l10n_tr_edoc_uuid
        self.assertTrue(number)
        if move.l10n_tr_edoc_state == "send_failed":
            self._send(move)
        else:
            self._run_cron()
        self.assertIn(move.l10n_tr_edoc_state, ("sent", "delivered"))
        self.assertEqual((move.l10n_tr_edoc_number, move.l10n_tr_edoc_uuid), (number, uuid))
        with self.assertRaisesRegex(UserError, "cannot go back to draft"):
            move.button_draft()

    def test_gib_rejection_is_fixed_and_resent_under_the_same_number_and_ettn(self):
        move = self._post(self.rejecting)
        self._send(move)
        polls_before = self.env["l10n_tr_edoc.event"].search_count(
            [("operation", "=", "GetInvoiceStatusAll")]
        )
        self._run_cron()
        self.assertEqual(move.l10n_tr_edoc_state, "rejected_by_gib")
        # the routine status query is in the call log (the account's health) although it worked
        poll = self.env["l10n_tr_edoc.event"].search([("operation", "=", "GetInvoiceStatusAll")], limit=1)
        self.assertEqual(
            self.env["l10n_tr_edoc.event"].search_count([("operation", "=", "GetInvoiceStatusAll")]),
            polls_before + 1,
        )
        self.assertTrue(poll.success)
        document = move.l10n_tr_edoc_document_id
        number, ettn = document.name, document.uuid
        self.assertTrue(move.action_l10n_tr_edoc_correct())
        self.assertEqual((move.state, document.state), ("draft", "draft"))

        # the user fixes what GİB refused (here: the sandbox stops refusing) and sends it again
        code = self.sandbox.store.gib_rejections.pop(REJECTING_ALIAS)
        self.addCleanup(self.sandbox.reject_alias, REJECTING_ALIAS, code)
        move.action_post()
        self._send(move)
        self.assertEqual(move.l10n_tr_edoc_document_id, document)
        self.assertEqual((document.name, document.uuid, move.l10n_tr_edoc_uuid), (number, ettn, ettn))
        self._run_cron()
        self.assertEqual(document.state, "delivered")
        sends = document.event_ids.filtered(lambda event: event.operation == "SendInvoice")
        self.assertEqual(len(sends), 2, "both attempts are in the document's call log")
        self.assertIn("Attempt refused by GİB (1150", "".join(document.message_ids.mapped("body")))

        # nothing was burnt: the next invoice takes the next number
        following = self._send(self._post(self.registered)).l10n_tr_edoc_document_id
        self.assertEqual(int(following.name[-9:]), int(number[-9:]) + 1)

    def test_buyer_red_creates_an_activity_with_the_reason(self):
        move = self._post(self.registered, l10n_tr_edoc_profile="TICARIFATURA")
        self._send(move)
        self._run_cron()
        self.sandbox_provider_for(1).send_application_response(
            [move.l10n_tr_edoc_uuid], "RED", "Fiyat teklifle uyuşmuyor"
        )
        self._run_cron()
        self.assertEqual(move.l10n_tr_edoc_state, "rejected")
        activity = move.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("Fiyat teklifle uyuşmuyor", activity.note)

    def test_earchive_cancel_end_to_end(self):
        move = self._post(self.unregistered)
        self._send(move)
        wizard = self.env["l10n_tr_edoc.cancel.wizard"].create({"move_id": move.id, "reason": "Yanlış tutar"})
        wizard.action_confirm()
        self.assertEqual(move.l10n_tr_edoc_state, "cancelled")
        self.assertEqual(move.state, "cancel")
        held = [d for d in self.sandbox.documents(vkn=self.demo.vkn) if d.uuid == move.l10n_tr_edoc_uuid]
        self.assertTrue(held[0].cancelled_at)
        again = self._post(self.unregistered)
        self._send(again)
        self.sandbox.faults.inject("CancelEArchiveInvoice", "duplicate")
        result = (
            self.env["l10n_tr_edoc.cancel.wizard"]
            .create({"move_id": again.id, "reason": "x"})
            .action_confirm()
        )
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(again.state, "posted")
        self.assertEqual(again.l10n_tr_edoc_state, "delivered")
