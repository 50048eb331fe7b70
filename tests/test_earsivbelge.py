import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from pypdf import PdfReader

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..core import earsivbelge as eb
from ..core.providers.base import EMM, ESMM
from ..core.providers.registry import get_provider_class
from ..core.qr import qr_payload, qr_text
from ..core.tests.render_helpers import decode_qr, pdf_pages
from ..core.ubl.earsivbelge import parse_receipt
from ..models.l10n_tr_edoc_account import MOVE_DOMAINS
from .common import L10nTrEdocCase

FARMER_TCKN = "10000000146"


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocEarsivbelge(L10nTrEdocCase):
    """An e-SMM from a customer invoice and an e-MM from a vendor bill, through the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        company.partner_id.write({"street": "Atatürk Caddesi 1", "city": "Kadıköy"})
        cls.smm_journal = cls.company_data["default_journal_sale"].copy(
            {"name": "e-SMM", "code": "SMM", "l10n_tr_edoc_receipt_kind": "smm"}
        )
        cls.emm_journal = cls.company_data["default_journal_purchase"].copy(
            {"name": "e-Müstahsil", "code": "EMM", "l10n_tr_edoc_receipt_kind": "emm"}
        )
        cls.env["l10n_tr_edoc.series"].create(
            [
                {"company_id": company.id, "prefix": "SMM", "kind": "smm", "journal_id": cls.smm_journal.id},
                {"company_id": company.id, "prefix": "EMM", "kind": "emm", "journal_id": cls.emm_journal.id},
            ]
        )
        turkey = cls.env.ref("base.tr")
        cls.client_partner = cls.env["res.partner"].create(
            {
                "name": "Ege Gıda A.Ş.",
                "is_company": True,
                "vat": "1234567808",
                "street": "Cumhuriyet Bulvarı 5",
                "city": "Konak",
                "country_id": turkey.id,
                "l10n_tr_edoc_tax_office": "Konak",
                "email": "muhasebe@ege.example",
            }
        )
        cls.farmer = cls.env["res.partner"].create(
            {
                "name": "Hasan Şahin",
                "vat": FARMER_TCKN,
                "street": "Köy Yolu 3",
                "city": "Akhisar",
                "country_id": turkey.id,
            }
        )
        Tax = cls.env["account.tax"]
        cls.kdv = cls.company_data["default_tax_sale"]
        cls.smm_stopaj = Tax._l10n_tr_edoc_receipt_tax(company, eb.STOPAJ, 20, "sale")
        cls.mera = Tax._l10n_tr_edoc_receipt_tax(company, eb.MERA_FONU, 0.1)
        cls.crop = cls.env["l10n_tr_edoc.produce.kind"].search(
            [("category", "=", eb.CROP), ("exchange", "=", False)], limit=1
        )

    def _smm(self):
        move = self._create_invoice(
            move_type="out_invoice",
            journal_id=self.smm_journal,
            partner_id=self.client_partner,
            invoice_line_ids=[
                self._prepare_invoice_line(
                    price_unit=10000, name="Danışmanlık ücreti", tax_ids=self.kdv | self.smm_stopaj
                )
            ],
            post=True,
        )
        move.l10n_tr_edoc_send_type = "ELEKTRONIK"
        return move

    def _emm(self):
        with Form(
            self.env["account.move"].with_context(
                default_move_type="in_invoice", default_journal_id=self.emm_journal.id
            )
        ) as form:
            form.partner_id = self.farmer
            form.invoice_date = self.env.cr.now().date()
            with form.invoice_line_ids.new() as line:
                line.name = "Fındık"
                line.quantity = 250
                line.price_unit = 120
                line.tax_ids.clear()
                line.tax_ids.add(self.mera)
            form.l10n_tr_edoc_produce_kind_id = self.crop
            form.l10n_tr_edoc_send_type = "KAGIT"
        move = form.save()
        move.action_post()
        return move

    def _cancel(self, move, reason):
        action = move.action_l10n_tr_edoc_cancel_receipt()
        self.assertEqual(action["res_model"], "l10n_tr_edoc.receipt.cancel.wizard")
        with Form(self.env[action["res_model"]].with_context(**action["context"])) as form:
            form.reason = reason
        return form.record

    def _sent_xml(self, move):
        return parse_receipt(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)

    def test_smm_sent_followed_to_reported_and_printed(self):
        move = self._smm()
        self.assertFalse(move.l10n_tr_edoc_applicable, "an e-SMM leaves the e-Fatura/e-Arşiv flow")
        self.assertTrue(move.l10n_tr_edoc_receipt_offered)
        to_send = self.env["account.move"].search(
            MOVE_DOMAINS["to_send"] + [("company_id", "=", self.company.id)]
        )
        self.assertIn(move, to_send)
        move.action_l10n_tr_edoc_send_receipt()
        document = move.l10n_tr_edoc_document_id
        self.assertEqual((document.kind, document.state), ("smm", "sent"))
        self.assertTrue(document.name.startswith("SMM"))
        receipt = self._sent_xml(move)
        self.assertEqual(receipt.kind, eb.SMM)
        self.assertEqual(eb.check_receipt(receipt), [])
        self.assertEqual(receipt.customer.vkn, "1234567808")
        self.assertEqual(float(receipt.payable_amount), move.amount_total)
        self.assertEqual(float(receipt.line_extension_amount), move.amount_untaxed)
        self.assertEqual(
            {t.code: t.amount for t in receipt.taxes},
            {eb.KDV: Decimal("2000.00"), eb.STOPAJ: Decimal("2000.00")},
        )
        self.assertEqual(receipt.tax_inclusive_amount, Decimal("12000.00"))

        self.sandbox.clock.advance(timedelta(minutes=5))
        move.action_l10n_tr_edoc_update_status()
        self.assertEqual(document.state, "delivered")
        # just after İzibiz's daily report run (02:00) that takes it: a day later is not enough after midnight
        tomorrow = self.sandbox.clock.now() + timedelta(days=1)
        self.sandbox.clock.set(datetime.combine(tomorrow.date(), time(2, 1), tzinfo=tomorrow.tzinfo))
        self.env["account.move"]._cron_l10n_tr_edoc_poll_receipts()
        self.assertEqual((document.state, document.gib_status_code), ("reported", "201"))
        action = move.action_l10n_tr_edoc_receipt_pdf()
        self.assertTrue(document.pdf_attachment_id.raw.startswith(b"%PDF"))
        self.assertIn(str(document.pdf_attachment_id.id), action["url"])
        self.assertTrue(document.event_ids.filtered(lambda e: e.operation == "SendSmm"))

        # second case: a reported e-SMM is cancelled (reported to GİB as cancelled)
        wizard = self._cancel(move, "Hatalı müşteri")
        self.assertTrue(wizard.reported)
        wizard.action_confirm()
        self.assertIn("Hatalı müşteri", move.message_ids[:1].body)
        self.assertEqual(document.state, "cancelled")
        self.assertEqual(move.state, "cancel")

    def test_emm_sent_followed_and_withdrawn(self):
        move = self._emm()
        line = move.invoice_line_ids
        stopaj = line.tax_ids.filtered(lambda t: t.l10n_tr_edoc_tax_type_id.code == eb.STOPAJ)
        self.assertEqual(stopaj.amount, -self.crop.stopaj_rate, "the produce kind decides the stopaj rate")
        self.assertAlmostEqual(move.amount_total, 30000 - 1200 - 30)
        counts = self.emm_journal._get_journal_dashboard_data_batched()[self.emm_journal.id]
        self.assertEqual(counts["l10n_tr_edoc_to_send"], 1)

        move.action_l10n_tr_edoc_send_receipt()
        document = move.l10n_tr_edoc_document_id
        self.assertEqual((document.kind, document.state), ("emm", "sent"))
        receipt = self._sent_xml(move)
        self.assertEqual(receipt.kind, eb.MM)
        self.assertEqual(receipt.customer.tckn, FARMER_TCKN)
        self.assertEqual(receipt.customer.person.family_name, "Şahin")
        self.assertEqual(float(receipt.payable_amount), move.amount_total)
        self.assertEqual(
            {t.code: (t.percent, t.amount) for t in receipt.taxes},
            {eb.STOPAJ: (Decimal("4"), Decimal("1200.00")), eb.MERA_FONU: (Decimal("0.1"), Decimal("30.00"))},
        )
        self.assertEqual(receipt.tax_inclusive_amount, Decimal("30000.00"))

        self.sandbox.clock.advance(timedelta(minutes=5))
        move.action_l10n_tr_edoc_update_status()
        self.assertEqual(document.state, "delivered")
        # not reported yet: withdrawn, so GİB never hears of it
        wizard = self._cancel(move, "Yanlış miktar")
        self.assertFalse(wizard.reported)
        wizard.action_confirm()
        self.assertEqual((document.state, document.gib_status_code), ("cancelled", "204"))
        self.assertEqual(move.state, "cancel")
        with self.assertRaises(UserError):
            move.action_l10n_tr_edoc_cancel_receipt()

    def test_smm_with_kdv_tevkifat(self):
        """KDV 20 % with 4/10 withheld by the client, and GV stopajı 20 %: 1000 + 200 − 80 − 200."""
        withholding = self.env.ref(f"account.{self.company.id}_tr_s_wh_20_4_10")
        move = self._create_invoice(
            move_type="out_invoice",
            journal_id=self.smm_journal,
            partner_id=self.client_partner,
            invoice_line_ids=[
                self._prepare_invoice_line(
                    price_unit=1000, name="Avukatlık ücreti", tax_ids=withholding | self.smm_stopaj
                )
            ],
            post=True,
        )
        move.action_l10n_tr_edoc_send_receipt()
        receipt = self._sent_xml(move)
        self.assertEqual(eb.check_receipt(receipt), [])
        ((code, percent, base, amount),) = [
            (t.code, t.percent, t.taxable_amount, t.amount) for t in receipt.withholdings
        ]
        self.assertEqual((percent, base, amount), (Decimal("40"), Decimal("200.00"), Decimal("80.00")))
        self.assertTrue(code.startswith("6"))
        self.assertEqual(float(receipt.payable_amount), move.amount_total)
        self.assertEqual(receipt.payable_amount, Decimal("920.00"))

    def test_wrong_stopaj_rate_is_refused_before_anything_is_sent(self):
        move = self._emm()
        line = move.invoice_line_ids
        move.button_draft()
        wrong = self.env["account.tax"]._l10n_tr_edoc_receipt_tax(self.company, eb.STOPAJ, 1)
        line.tax_ids = self.mera | wrong
        move.action_post()
        sent = self.sandbox.request_count("SendCreditNote")
        with self.assertRaisesRegex(UserError, "produce kind"):
            move.action_l10n_tr_edoc_send_receipt()
        self.assertEqual(self.sandbox.request_count("SendCreditNote"), sent)
        self.assertFalse(move.l10n_tr_edoc_document_id.name, "no number is spent on a refused receipt")

    def test_taxes_and_capabilities(self):
        Tax = self.env["account.tax"]
        codes = set(
            Tax.search([("company_id", "=", self.company.id)]).mapped("l10n_tr_edoc_tax_type_id.code")
        )
        self.assertLessEqual({eb.STOPAJ, eb.MERA_FONU, eb.BORSA_TESCIL, eb.SGK_PRIM}, codes)
        for provider in ("kolaysoft", "nilvera"):
            capabilities = get_provider_class(provider).capabilities
            self.assertNotIn(ESMM, capabilities)
            self.assertNotIn(EMM, capabilities)
        self.assertIn(ESMM, get_provider_class("sandbox").capabilities)
        move = self._smm()
        self.assertTrue(move.l10n_tr_edoc_receipt_offered)
        self.edoc_account.provider = "sandbox_kolaysoft"
        move.invalidate_recordset(["l10n_tr_edoc_receipt_offered"])
        self.assertFalse(move.l10n_tr_edoc_receipt_offered, "the receipt buttons are hidden")
        with self.assertRaisesRegex(UserError, "does not offer"):
            move.action_l10n_tr_edoc_send_receipt()

    def test_our_printout_of_a_receipt_carries_its_number_and_karekod(self):
        move = self._emm()
        with self.assertRaisesRegex(UserError, "no e-SMM / e-MM receipt to print"):
            move.action_l10n_tr_edoc_print_receipt()
        move.action_l10n_tr_edoc_send_receipt()
        number = move.l10n_tr_edoc_document_id.name
        self.assertEqual(
            move.action_l10n_tr_edoc_print_receipt()["report_name"],
            "l10n_tr_edoc.report_l10n_tr_edoc_receipt",
        )
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("l10n_tr_edoc.action_report_l10n_tr_edoc_receipt", move.ids)
        )
        self.assertEqual(report_type, "pdf")
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        self.assertIn(number, text)
        self.assertIn("Müstahsil Makbuzu", text)
        self.assertIn("28770.00", text, "the net paid to the farmer")
        self.assertEqual(decode_qr(pdf_pages(pdf)[0]), qr_text(qr_payload(self._sent_xml(move))))

    def test_send_and_print_sends_the_smm_and_mails_its_printout(self):
        move = self._smm()
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        self.assertIn("tr_edoc_receipt", wizard.extra_edis)
        self.assertNotIn("tr_edoc", wizard.extra_edis, "an e-SMM is not an e-Fatura / e-Arşiv")
        self.assertIn("email", wizard.sending_methods)
        sent = self.sandbox.request_count("SendSmm")
        wizard.action_send_and_print()
        document = move.l10n_tr_edoc_document_id
        self.assertEqual((document.kind, document.state), ("smm", "sent"))
        self.assertEqual(self.sandbox.request_count("SendSmm"), sent + 1)
        pdf = move.invoice_pdf_report_id
        self.assertEqual(pdf.name, f"{document.name}.pdf")
        # tests render reports as HTML: the receipt's printout is readable in it
        self.assertIn(document.name.encode(), pdf.raw)
        self.assertIn(b"Serbest Meslek Makbuzu", pdf.raw)
        self.assertFalse(document.pdf_attachment_id, "the integrator's PDF is not shadowed by ours")
        self.assertFalse(
            "tr_edoc_receipt" in self.env["account.move.send"]._get_default_extra_edis(move),
            "a sent receipt is not offered again",
        )
