import datetime
import shutil
import socket
import tempfile
from decimal import Decimal
from pathlib import Path

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from ..core.sandbox.userlist import GibUser
from ..core.states import gib_today
from ..models.res_config_settings import PARAM_URLS
from .common_outgoing import L10nTrEdocOutgoingCase
from .test_despatch_common import L10nTrEdocDespatchCase

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@tagged("post_install", "-at_install")
class TestFirstDay(L10nTrEdocOutgoingCase):
    """What a new user met on the first day in the browser (issue 26), through the sandbox."""

    def test_new_partner_keeps_the_stored_gib_status(self):
        """A partner created in the form with a VKN already in the synced list is stored as registered."""
        vkn, alias = "1112223339", "urn:mail:defaultpk@firstday.example"
        now = self.sandbox.clock.now()
        self.sandbox.registry.add(GibUser(vkn, "İLK GÜN A.Ş.", alias, "PK", "INVOICE", now, now))
        self.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)
        with Form(self.env["res.partner"]) as form:
            form.company_type = "company"
            form.name = "İlk Gün A.Ş."
            form.vat = vkn
            self.assertEqual(form.l10n_tr_edoc_einvoice_status, "registered")
        partner = form.record
        partner.invalidate_recordset()
        self.assertRecordValues(
            partner,
            [
                {
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": alias,
                    "l10n_tr_edoc_despatch_status": "not_registered",
                }
            ],
        )
        # A partner left "Not Checked" by an older version is corrected by the next delta sync.
        partner.write({"l10n_tr_edoc_einvoice_status": "unknown", "l10n_tr_edoc_einvoice_alias": False})
        self.sandbox.clock.advance(datetime.timedelta(hours=1))
        self.edoc_account._l10n_tr_edoc_sync_gib_users()
        partner.invalidate_recordset()
        self.assertEqual(partner.l10n_tr_edoc_einvoice_status, "registered")
        self.assertEqual(partner.l10n_tr_edoc_einvoice_alias, alias)

    def test_foreign_currency_without_rate_is_stopped_before_a_number(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        usd.rate_ids.unlink()
        move = self._post(self.registered, currency_id=usd.id)
        errors = move._l10n_tr_edoc_send()
        self.assertIn("USD", errors[move])
        self.assertIn("exchange rate", errors[move])
        self.assertFalse(move.l10n_tr_edoc_number)
        self.assertEqual(move.l10n_tr_edoc_document_id.state, "draft")
        sent = self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")
        self.assertNotIn(move.l10n_tr_edoc_uuid, [doc.uuid for doc in sent])
        self.env["res.currency.rate"].create(
            {
                "currency_id": usd.id,
                "name": move.invoice_date,
                "rate": 1 / 42.5,
                "company_id": self.company.id,
            }
        )
        # the rate is fixed at posting: the invoice still carries the fallback until it is confirmed again
        self.assertIn("USD", move._l10n_tr_edoc_send()[move])
        move.button_draft()
        move.invoice_currency_rate = move.expected_currency_rate
        move.action_post()
        self._send(move)
        self.assertTrue(move.l10n_tr_edoc_number)

    def test_special_types_without_their_data_are_not_sent(self):
        for type_code, expected in (("OZELMATRAH", "8xx"), ("IHRACKAYITLI", "7xx")):
            move = self._post(self.registered)
            move.l10n_tr_edoc_type_code = type_code
            errors = move._l10n_tr_edoc_send()
            self.assertIn(expected, errors[move])
            self.assertFalse(move.l10n_tr_edoc_number)
        domestic = self._post(self.registered, lines=[(1, 1000.0, self.export_exempt)])
        self.assertEqual(domestic.l10n_tr_edoc_type_code, "ISTISNA")
        errors = domestic._l10n_tr_edoc_send()
        self.assertIn("301", errors[domestic])
        self.assertFalse(domestic.l10n_tr_edoc_number)

    def test_preview_number_is_the_next_one_of_the_series(self):
        first = self._send(self._post(self.registered))
        second = self._post(self.registered)
        previewed = second._l10n_tr_edoc_preview_number()
        self.assertNotEqual(previewed, first.l10n_tr_edoc_number)
        self._send(second)
        self.assertEqual(second.l10n_tr_edoc_number, previewed)

    def test_buttons_say_what_they_did_and_reload_the_form(self):
        reload = {"type": "ir.actions.act_window_close"}
        partner = self.env["res.partner"].create({"name": "Ege", "vat": "9876543217"})
        action = partner.action_l10n_tr_edoc_check_gib_user()
        self.assertEqual(action["params"]["next"], reload)
        action = self.edoc_account.action_l10n_tr_edoc_refresh_credit()
        self.assertEqual(action["params"]["next"], reload)
        action = self.company_data["default_journal_purchase"].button_fetch_in_einvoices()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("0", action["params"]["message"])
        move = self._post(self.registered)
        action = move.action_l10n_tr_edoc_send()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(move.l10n_tr_edoc_number, action["params"]["message"])
        self.assertEqual(action["params"]["next"], reload)

    def test_answered_bill_shows_our_answer(self):
        document = self._l10n_tr_edoc_receive_invoice()
        bill = document.move_id
        arch = etree.fromstring(bill.get_views([(False, "form")])["views"]["form"]["arch"])
        (banner,) = arch.xpath("//div[@name='l10n_tr_edoc_answered']")
        self.assertTrue(banner.xpath(".//field[@name='l10n_tr_edoc_response_code']"))
        action = bill.action_l10n_tr_edoc_accept()
        Form(self.env[action["res_model"]].with_context(action["context"])).save().action_l10n_tr_edoc_send()
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual((bill.l10n_tr_edoc_state, bill.l10n_tr_edoc_response_code), ("accepted", "KABUL"))

    def test_error_banner_and_gib_status_speak_the_readers_language(self):
        """No technical code before the error, and GİB's status in the reader's language."""
        arch = etree.fromstring(
            self.env["l10n_tr_edoc.document"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (banner,) = arch.xpath("//div[hasclass('alert-danger')][field[@name='error_message']]")
        self.assertFalse(banner.xpath(".//field[@name='error_code']"))
        self.assertNotIn(":", "".join(banner.itertext()).strip())
        move = self._send(self._post(self.registered))
        document = move.l10n_tr_edoc_document_id
        document.write({"gib_status_code": "1300", "gib_status_text": "Completed successfully"})
        self.env["res.lang"]._activate_lang("tr_TR")
        turkish = document.with_context(lang="tr_TR")
        self.assertEqual(document.kind, "einvoice")
        self.assertEqual(turkish.gib_status_label, "BAŞARIYLA TAMAMLANDI")
        self.assertEqual(move.with_context(lang="tr_TR").l10n_tr_edoc_gib_status_text, "BAŞARIYLA TAMAMLANDI")
        self.assertEqual(document.with_context(lang="en_US").gib_status_label, "Completed successfully")

    def test_unreachable_gib_package_says_what_to_do(self):
        root = Path(tempfile.mkdtemp(prefix="l10n_tr_edoc-gib-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        self.patch(self.registry["res.config.settings"], "_l10n_tr_edoc_gib_package_root", lambda self: root)
        params = self.env["ir.config_parameter"].sudo()
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{closed.getsockname()[1]}/ubl.zip"
        for key in PARAM_URLS.values():
            params.set_param(key, url)
        with self.assertRaises(UserError) as caught:
            self.env["res.config.settings"].create({}).action_l10n_tr_edoc_download_gib_package()
        message = caught.exception.args[0]
        self.assertIn(url, message)
        self.assertIn("internet", message)
        self.assertNotRegex(message, "HTTPConnection|urllib3|Max retries|Errno")

    def test_internet_sale_carrier_without_tax_id_is_named(self):
        self.carrier.vat = False
        move = self._post(
            self.unregistered,
            l10n_tr_edoc_internet_sale=True,
            l10n_tr_edoc_website="https://magaza.anadolu.example",
            l10n_tr_edoc_payment_method="KREDIKARTI/BANKAKARTI",
            l10n_tr_edoc_carrier_id=self.carrier.id,
        )
        error = move._l10n_tr_edoc_send()[move]
        self.assertIn(self.carrier.name, error)
        self.assertIn("Tax ID", error)
        self.assertNotIn("urn:oasis", error)
        self.assertFalse(move.l10n_tr_edoc_number)

    def test_technical_records_have_readable_names(self):
        run = self.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)
        self.assertNotIn("l10n_tr_edoc", run.display_name)
        self.assertIn("Full list", run.display_name)
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        event = self.env["l10n_tr_edoc.event"].search([("account_id", "=", self.edoc_account.id)], limit=1)
        self.assertNotIn("l10n_tr_edoc", event.display_name)
        self.assertIn(event.operation, event.display_name)

    def test_sandbox_connection_names_the_sandbox(self):
        action = self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.assertNotIn("İzibiz", action["params"]["message"])
        self.assertIn("Sandbox", action["params"]["message"])
        self.env["res.lang"]._activate_lang("tr_TR")
        self.assertIn("GİB değil", self.edoc_account.with_context(lang="tr_TR").display_name)


@tagged("post_install", "-at_install")
class TestFirstDayDespatch(L10nTrEdocDespatchCase):
    def test_retry_import_of_an_incoming_despatch(self):
        """Retry Import on a despatch that still cannot be read keeps it failed, with no traceback."""
        self._supplier_sends_despatch(104, [("Bilinmeyen parça", "XX-9", Decimal(1), "C62")])
        self._sync()
        waiting = self.env["l10n_tr_edoc.document"].search(
            [("direction", "=", "in"), ("name", "like", "%000000104")]
        )
        self.assertEqual((waiting.kind, waiting.state), ("despatch", "import_failed"))
        waiting.action_l10n_tr_edoc_retry_import()
        self.assertEqual(waiting.state, "import_failed")
        self.assertIn("XX-9", waiting.error_message)
        self.env["product.product"].create(
            {"name": "Bilinmeyen parça", "default_code": "XX-9", "type": "consu"}
        )
        waiting.action_l10n_tr_edoc_retry_import()
        self.assertEqual(waiting.state, "awaiting_response")
        self.assertTrue(waiting.picking_id)

    def test_received_time_is_stored_in_utc(self):
        """The integrator stamps Istanbul time (+03:00); Odoo stores UTC and shows the user's zone."""
        sent = self._supplier_sends_despatch(105, [("Hidrolik pompa", "HP-1", Decimal(1), "C62")])
        self._sync()
        document = self.env["l10n_tr_edoc.document"].search([("uuid", "=", sent.uuid)])
        (held,) = [doc for doc in self.sandbox.documents(vkn=self.demo.vkn) if doc.uuid == sent.uuid]
        self.assertEqual(document.received_at, held.cdate.astimezone(datetime.UTC).replace(tzinfo=None))

    def test_plates_are_found_however_typed(self):
        Vehicle = self.env["l10n_tr_edoc.vehicle"]
        truck = Vehicle.create({"name": "34 ABC 123"})
        self.assertEqual(truck.name, "34ABC123")
        self.assertEqual([row[0] for row in Vehicle.name_search("34 ABC 123")], truck.ids)
        self.assertEqual([row[0] for row in Vehicle.name_search("34 abc")], truck.ids)
        self.assertEqual(Vehicle.name_create("34 abc-123")[0], truck.id)


@tagged("post_install", "-at_install")
class TestFirstDayMail(L10nTrEdocOutgoingCase):
    def test_emailed_earchive_pdf_is_the_earchive_invoice(self):
        """Send by e-mail: the attached PDF is the e-Arşiv printout named by its GİB number."""
        move = self._post(self.unregistered)
        self.assertEqual(move.l10n_tr_edoc_profile, "EARSIVFATURA")
        wizard = (
            self.env["account.move.send.wizard"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        self.assertIn("email", wizard.sending_methods)
        self.assertIn("tr_edoc", wizard.extra_edis)
        wizard.action_send_and_print()
        number = move.l10n_tr_edoc_number
        self.assertTrue(number, move.l10n_tr_edoc_error_message)
        pdf = move.invoice_pdf_report_id
        self.assertEqual(pdf.name, f"{number}.pdf")
        # tests render reports as HTML: the printout's text is readable in it
        self.assertIn(number.encode(), pdf.raw)
        self.assertIn(move.l10n_tr_edoc_uuid.encode(), pdf.raw)
        self.assertNotIn(move.name.encode(), pdf.raw)
        mail = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", move.id), ("attachment_ids", "!=", False)]
        )
        self.assertIn(f"{number}.pdf", mail.attachment_ids.mapped("name"))
        self.assertNotIn(move._get_invoice_report_filename(), mail.attachment_ids.mapped("name"))

    def test_line_discount_is_an_allowance_charge(self):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.registered.id,
                "invoice_date": gib_today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 3,
                            "price_unit": 1000.0,
                            "discount": 10.0,
                            "tax_ids": self.kdv20.ids,
                        }
                    )
                ],
            }
        )
        move.action_post()
        self._send(move)
        root = etree.fromstring(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        line = root.find("cac:InvoiceLine", NS)
        self.assertEqual(line.findtext("cac:Price/cbc:PriceAmount", namespaces=NS), "1000")
        self.assertEqual(line.findtext("cbc:LineExtensionAmount", namespaces=NS), "2700.00")
        charge = line.find("cac:AllowanceCharge", NS)
        self.assertEqual(charge.findtext("cbc:ChargeIndicator", namespaces=NS), "false")
        self.assertEqual(charge.findtext("cbc:Amount", namespaces=NS), "300.00")
        self.assertEqual(charge.findtext("cbc:MultiplierFactorNumeric", namespaces=NS), "0.1")
        self.assertEqual(
            root.findtext("cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount", namespaces=NS), "300.00"
        )
        html = move.l10n_tr_edoc_document_id._l10n_tr_edoc_render().html
        self.assertIn("300,00", html)

    def test_printout_tab_renders_when_the_web_client_reads_it(self):
        """The form reads with bin_size=True: the Printout tab must still render the XML itself."""
        move = self._send(self._post(self.registered))
        document = move.l10n_tr_edoc_document_id
        (values,) = document.with_context(bin_size=True).web_read(
            {"preview_html": {}, "render_note": {}, "render_template": {}}
        )
        self.assertEqual(values["render_template"], "ours", values["render_note"])
        self.assertIn(move.l10n_tr_edoc_number, values["preview_html"])


@tagged("post_install", "-at_install")
class TestFirstDayBrowser(HttpCase):
    def test_backend_page_declares_the_user_language(self):
        """Turkish upper-casing (İ, I) in CSS needs lang on the page: "KİMLİK", not "KIMLIK"."""
        self.env["res.lang"]._activate_lang("tr_TR")
        self.env.ref("base.user_admin").lang = "tr_TR"
        self.browser_js(
            "/odoo",
            "const lang = document.documentElement.lang;"
            "if (lang === 'tr-TR') { console.log('test successful'); }"
            "else { console.error('the page language is ' + JSON.stringify(lang)); }",
            login="admin",
        )
