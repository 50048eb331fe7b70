import base64
import datetime
import random
from decimal import Decimal

from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools import float_repr

from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.states import gib_today
from ..core.ubl.namespaces import CAC, CBC
from ..core.ubl.notes import amount_in_words
from .common_outgoing import L10nTrEdocOutgoingCase

NS = {"cac": CAC, "cbc": CBC}
IBAN = "TR330006100519786457841326"


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocInvoiceContent(L10nTrEdocOutgoingCase):
    """What an ordinary invoice carries besides its lines, posted, sent through the sandbox and read back."""

    def _sent_xml(self, move):
        """Sends ``move`` (XSD + GİB schematron 20260701 checked by ``_send``), checks our own rules too."""
        self._send(move)
        self.assertEqual(move.l10n_tr_edoc_state, "sent", move.l10n_tr_edoc_error_message)
        xml = move.l10n_tr_edoc_document_id.xml_attachment_id.raw
        self.assertGibValid(xml)
        return etree.fromstring(xml)

    def _texts(self, root, path):
        return root.xpath(f"{path}/text()", namespaces=NS)

    def test_payment_notes_order_deliveries_files_and_identifiers_are_written(self):
        self.company.partner_id.write(
            {"l10n_tr_edoc_mersis_no": "0123456789012345", "l10n_tr_edoc_trade_registry_no": "123456-5"}
        )
        self.registered.write(
            {"l10n_tr_edoc_identifier_ids": [Command.create({"scheme": "MUSTERINO", "value": "C-0042"})]}
        )
        delivery = self.env["stock.picking"].create(
            {
                "partner_id": self.registered.id,
                "picking_type_id": self.env["stock.picking.type"]
                .search([("code", "=", "outgoing"), ("company_id", "=", self.company.id)], limit=1)
                .id,
                "scheduled_date": datetime.datetime(2026, 1, 5, 9, 0),
            }
        )
        term = self.env.ref("account.account_payment_term_30days")
        move = self._post(
            self.registered,
            invoice_payment_term_id=term.id,
            partner_bank_id=self.iban.id,
            narration="<p>Teslimat Konak deposuna yapılacaktır.</p>",
            invoice_origin="S00042",
            l10n_tr_edoc_order_date=datetime.date(2026, 1, 2),
            l10n_tr_edoc_picking_ids=[Command.set(delivery.ids)],
            l10n_tr_edoc_printed_despatch_number="A-963403",
            l10n_tr_edoc_printed_despatch_date=datetime.date(2026, 1, 6),
        )
        self.assertFalse(move.l10n_tr_edoc_content_warning, "the company has its MERSİS number")
        content = b"%PDF-1.4\n% teklif\n"
        attachment = self.env["ir.attachment"].create(
            {
                "name": "teklif.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": move.id,
            }
        )
        move.l10n_tr_edoc_attachment_ids = attachment
        root = self._sent_xml(move)

        due = move.invoice_date_due.isoformat()
        self.assertGreater(move.invoice_date_due, move.invoice_date)
        self.assertEqual(self._texts(root, "cac:PaymentTerms/cbc:PaymentDueDate"), [due])
        self.assertEqual(self._texts(root, "cac:PaymentTerms/cbc:Note"), [term.name])
        self.assertEqual(self._texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode"), ["46"])
        self.assertEqual(self._texts(root, "cac:PaymentMeans/cbc:PaymentDueDate"), [due])
        self.assertEqual(self._texts(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"), [IBAN])
        notes = self._texts(root, "cbc:Note")
        self.assertIn("Teslimat Konak deposuna yapılacaktır.", notes)
        total = Decimal(self._texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")[0])
        self.assertTrue(total % 1, "the default lines have kuruş")
        words = [note for note in notes if note.startswith("YALNIZ: ")]
        self.assertEqual(words, [amount_in_words(total)], notes)
        self.assertTrue(words[0].endswith(" KR") and " TL " in words[0], words[0])
        self.assertEqual(self._texts(root, "cac:OrderReference/cbc:ID"), ["S00042"])
        self.assertEqual(self._texts(root, "cac:OrderReference/cbc:IssueDate"), ["2026-01-02"])
        self.assertEqual(
            self._texts(root, "cac:DespatchDocumentReference/cbc:ID"), [delivery.name, "A-963403"]
        )
        self.assertEqual(
            self._texts(root, "cac:DespatchDocumentReference/cbc:IssueDate"), ["2026-01-05", "2026-01-06"]
        )
        (embedded,) = root.xpath(
            "cac:AdditionalDocumentReference[cbc:DocumentType='EK']/cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
            namespaces=NS,
        )
        self.assertEqual(base64.b64decode(embedded.text), content)
        self.assertEqual(
            (embedded.get("filename"), embedded.get("mimeCode")), ("teklif.pdf", "application/pdf")
        )
        supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID"
        self.assertEqual(
            {node.get("schemeID"): node.text for node in root.xpath(supplier, namespaces=NS)},
            {"VKN": self.demo.vkn, "MERSISNO": "0123456789012345", "TICARETSICILNO": "123456-5"},
        )
        customer = (
            "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='MUSTERINO']"
        )
        self.assertEqual(self._texts(root, customer), ["C-0042"])
        self.assertEqual(
            root.xpath("cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode", namespaces=NS), ["C62"] * 2
        )

    def test_files_of_other_records_unknown_types_and_large_files_are_refused(self):
        move = self._post(self.registered)
        Attachment = self.env["ir.attachment"]
        own = {"res_model": "account.move", "res_id": move.id}
        foreign = Attachment.create(
            {"name": "maas.pdf", "raw": b"%PDF", "mimetype": "application/pdf", "res_model": "res.partner"}
        )
        program = Attachment.create(
            {"name": "kur.exe", "raw": b"MZ", "mimetype": "application/x-msdownload", **own}
        )
        large = Attachment.create(
            {"name": "katalog.txt", "raw": b"x" * (2 * 1024 * 1024 + 1), "mimetype": "text/plain", **own}
        )
        move.l10n_tr_edoc_attachment_ids = foreign | program | large
        error = move._l10n_tr_edoc_send()[move]
        self.assertIn("maas.pdf is not attached to this invoice", error)
        self.assertIn("kur.exe", error)
        self.assertIn("katalog.txt is larger than 2 MB", error)
        self.assertFalse(move.l10n_tr_edoc_number)

    def test_company_without_mersis_number_is_warned_not_blocked(self):
        self.company.partner_id.l10n_tr_edoc_mersis_no = False
        move = self._post(self.registered)
        self.assertIn("MERSİS", move.l10n_tr_edoc_content_warning)
        root = self._sent_xml(move)
        self.assertFalse(root.xpath("//cbc:ID[@schemeID='MERSISNO']", namespaces=NS))
        with self.assertRaisesRegex(Exception, "16 digits"):
            self.company.partner_id.l10n_tr_edoc_mersis_no = "12345"

    def test_cash_register_slip_is_billed_on_the_earchive_invoice(self):
        move = self._post(self.unregistered, l10n_tr_edoc_okc_receipt_number="0042")
        errors = move._l10n_tr_edoc_send()
        self.assertIn("Z report", errors[move], "an incomplete slip stops the send")
        move.write(
            {
                "l10n_tr_edoc_okc_receipt_date": move.invoice_date,
                "l10n_tr_edoc_okc_serial": "JH20012345",
                "l10n_tr_edoc_okc_z_number": "0017",
            }
        )
        root = self._sent_xml(move)
        (slip,) = root.xpath("cac:BillingReference/cac:AdditionalDocumentReference", namespaces=NS)
        self.assertEqual(self._texts(slip, "cbc:ID"), ["0042"])
        self.assertEqual(self._texts(slip, "cbc:DocumentTypeCode"), ["OKCBF"])
        self.assertEqual(self._texts(slip, "cbc:DocumentDescription"), ["E-ARSIV"])
        self.assertEqual(self._texts(slip, "cac:Attachment/cac:ExternalReference/cbc:URI"), ["0017"])
        self.assertEqual(self._texts(slip, "cac:IssuerParty/cbc:EndpointID"), ["JH20012345"])

    def test_earchive_buyers_without_a_number_get_gib_placeholders(self):
        consumer = self.env["res.partner"].create(
            {"name": "Ayşe Yılmaz", "country_id": self.env.ref("base.tr").id, "city": "Kadıköy"}
        )
        move = self._post(consumer)
        self.assertEqual(move.l10n_tr_edoc_profile, "EARSIVFATURA")
        root = self._sent_xml(move)
        party = "cac:AccountingCustomerParty/cac:Party"
        self.assertEqual(
            self._texts(root, f"{party}/cac:PartyIdentification/cbc:ID[@schemeID='TCKN']"), ["11111111111"]
        )
        self.assertEqual(self._texts(root, f"{party}/cac:Person/cbc:FamilyName"), ["Yılmaz"])
        self.assertEqual(move.l10n_tr_edoc_document_id.receiver_vat, "11111111111")

        tourist = self._post(self.foreign, l10n_tr_edoc_profile="EARSIVFATURA")
        root = self._sent_xml(tourist)
        self.assertEqual(
            self._texts(root, f"{party}/cac:PartyIdentification/cbc:ID[@schemeID='VKN']"), ["2222222222"]
        )
        self.assertEqual(self._texts(root, f"{party}/cac:PartyName/cbc:Name"), [self.foreign.name])

    def test_several_pk_aliases_refuse_the_send_until_one_is_chosen(self):
        ege = DEMO_COMPANIES[1]
        gib_user = self.env["l10n_tr_edoc.gib.user"].search([("identifier", "=", ege.vkn)])
        self.env["l10n_tr_edoc.gib.user.alias"].sudo().create(
            {
                "user_id": gib_user.id,
                "identifier": ege.vkn,
                "name": "urn:mail:muhasebe@ege.example",
                "unit": "PK",
                "document_type": "INVOICE",
                "created_at": datetime.datetime(2024, 1, 1),
            }
        )
        self.registered.l10n_tr_edoc_einvoice_alias = False
        move = self._post(self.registered)
        self.assertFalse(move.l10n_tr_edoc_receiver_alias)
        errors = move._l10n_tr_edoc_send()
        self.assertIn("several e-Fatura PK aliases", errors[move])
        self.assertIn("urn:mail:muhasebe@ege.example", errors[move])
        self.assertFalse(move.l10n_tr_edoc_number, "no number is spent on a refused send")
        move.l10n_tr_edoc_receiver_alias = ege.pk_alias
        self._sent_xml(move)
        self.assertEqual(move.l10n_tr_edoc_document_id.receiver_alias, ege.pk_alias)

    def test_unit_codes_come_from_the_unit_and_a_unit_without_one_is_named(self):
        hours = self.env.ref("uom.product_uom_hour")
        self.assertEqual(hours.l10n_tr_edoc_unit_code, "HUR", "Odoo's standard units get their codes by data")
        move = self._post(self.registered)
        move.button_draft()
        move.invoice_line_ids[0].product_uom_id = hours
        box = self.env["uom.uom"].create(
            {
                "name": "Koli (12)",
                "relative_factor": 12,
                "relative_uom_id": self.env.ref("uom.product_uom_unit").id,
            }
        )
        move.invoice_line_ids[1].product_uom_id = box
        move.action_post()
        errors = move._l10n_tr_edoc_send()
        self.assertIn("Koli (12)", errors[move])
        box.l10n_tr_edoc_unit_code = "SET"
        root = self._sent_xml(move)
        self.assertEqual(
            root.xpath("cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode", namespaces=NS), ["HUR", "SET"]
        )

    def test_a_005_kdv_withholding_line_keeps_its_configured_percent(self):
        # 0.25 TL at 20 % is 0.05 KDV; half of it withheld rounds to 0.03, a ratio of 60 % that is off
        # GİB's list for code 604: the percent comes from the taxes' rates (10 % of 20 %).
        move = self._post(self.registered, [(1, 0.25, self.withholding_5_10)])
        self.assertEqual(move.l10n_tr_edoc_type_code, "TEVKIFAT")
        root = self._sent_xml(move)
        path = "cac:InvoiceLine/cac:WithholdingTaxTotal/cac:TaxSubtotal"
        self.assertEqual(self._texts(root, f"{path}/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"), ["604"])
        self.assertEqual(self._texts(root, f"{path}/cbc:Percent"), ["50"])
        self.assertEqual(self._texts(root, "cac:WithholdingTaxTotal/cac:TaxSubtotal/cbc:Percent"), ["50"])

    def test_a_usd_company_invoice_in_eur_carries_a_correct_try_rate(self):
        ege = DEMO_COMPANIES[1]
        usd, eur, lira = (self.env.ref(f"base.{code}") for code in ("USD", "EUR", "TRY"))
        (usd | eur).active = True
        company = self.setup_other_company(name="Ege Dış Ticaret", currency_id=usd.id)["company"]
        company.write({"vat": ege.vkn, "l10n_tr_edoc_tax_office": "Konak"})
        company.partner_id.write(
            {"street": "Liman Caddesi 3", "city": "Konak", "state_id": self.env.ref("base.state_tr_35").id}
        )
        Rate = self.env["res.currency.rate"]
        Rate.create({"name": "2020-01-01", "currency_id": eur.id, "company_id": company.id, "rate": 0.9})
        self.env["l10n_tr_edoc.account"].create(
            {
                "company_id": company.id,
                "provider": "sandbox",
                "sandbox_url": self.sandbox_server.url,
                "username": ege.username,
                "password": ege.password,
                "sender_alias": ege.gb_alias,
                "receiver_alias": ege.pk_alias,
            }
        )
        self.env["l10n_tr_edoc.series"].create(
            {"company_id": company.id, "prefix": "EGE", "kind": "earchive"}
        )
        kdv20 = self.env["account.chart.template"].with_company(company).ref("tr_s_20")
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.unregistered.id,
                    "currency_id": eur.id,
                    "invoice_date": gib_today(),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 2,
                                "price_unit": 150.0,
                                "tax_ids": kdv20.ids,
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        self.assertEqual(move.l10n_tr_edoc_profile, "EARSIVFATURA")
        self.assertIn("There is no TRY exchange rate", move._l10n_tr_edoc_send()[move])
        Rate.create({"name": "2020-01-01", "currency_id": lira.id, "company_id": company.id, "rate": 34.2})
        root = self._sent_xml(move)
        self.assertEqual(self._texts(root, "cbc:DocumentCurrencyCode"), ["EUR"])
        rate = "cac:PricingExchangeRate"
        self.assertEqual(self._texts(root, f"{rate}/cbc:SourceCurrencyCode"), ["EUR"])
        self.assertEqual(self._texts(root, f"{rate}/cbc:TargetCurrencyCode"), ["TRY"])
        # 1 USD = 0.9 EUR = 34.2 TRY, so 1 EUR = 38 TRY (not the 1.111111 USD of the company's own rate)
        self.assertEqual(Decimal(self._texts(root, f"{rate}/cbc:CalculationRate")[0]), Decimal(38))

    def _odoo_rounded_lines(self, move):
        """Odoo's own per-line rounding as the XML sees it: amounts at the currency's decimals."""
        places = move.currency_id.decimal_places
        base_lines, _tax_lines = move._get_rounded_base_and_tax_lines()
        return [
            (base_line["record"], self._as_text(base_line["tax_details"], places))
            for base_line in base_lines
            if base_line["record"].display_type == "product"
        ]

    def _as_text(self, details, places):
        return (
            float_repr(details["total_excluded_currency"], places),
            [
                (
                    data["tax"],
                    float_repr(data["tax_amount_currency"], places),
                    float_repr(data["base_amount_currency"], places),
                )
                for data in details["taxes_data"]
            ],
        )

    def test_stored_line_amounts_are_odoos_own_rounded_tax_details(self):
        """The send path reads posted lines' amounts instead of recomputing the taxes: same figures."""
        rng = random.Random(25)
        usd = self.setup_other_currency("USD", rates=[("2020-01-01", 0.0243)])
        included = self.kdv20.copy({"name": "KDV %20 dahil", "price_include_override": "tax_included"})
        taxes = [self.kdv20, self.kdv10, self.export_exempt, included, self.env["account.tax"]]
        for _round in range(15):
            lines = [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "quantity": rng.choice([1, 3, 0.5, 7.25, 1000, 0.003]),
                        "price_unit": (
                            -rng.randint(1, 9999)
                            if number and rng.random() < 0.15
                            else rng.randint(1, 9999999)
                        )
                        / rng.choice([100, 1000]),
                        "discount": rng.choice([0, 0, 0, 2.5, 10, 33.33]),
                        "tax_ids": rng.choice(taxes).ids,
                    }
                )
                for number in range(rng.randint(1, 25))
            ]
            move = self.env["account.move"].create(
                {
                    "move_type": rng.choice(["out_invoice", "out_invoice", "out_refund"]),
                    "partner_id": self.registered.id,
                    "invoice_date": gib_today(),
                    "currency_id": rng.choice([usd, self.company.currency_id]).id,
                    "invoice_line_ids": lines,
                }
            )
            if move.amount_total < 0:
                continue
            move.action_post()
            places = move.currency_id.decimal_places
            stored = move._l10n_tr_edoc_stored_tax_details()
            self.assertIsNotNone(stored, "a move rounded per line with one percent tax per line")
            self.assertEqual(
                [(aml, self._as_text(details, places)) for aml, details in stored],
                self._odoo_rounded_lines(move),
            )

    def test_moves_the_stored_amounts_cannot_answer_ask_odoo(self):
        """Two taxes on a line, or a tax amount changed by hand: Odoo's computation, not the lines'."""
        withheld = self._post(self.registered, lines=[(3, 1000.0, self.kdv20 | self.withholding_5_10)])
        self.assertIsNone(withheld._l10n_tr_edoc_stored_tax_details())
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.registered.id,
                "invoice_date": gib_today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": price,
                            "tax_ids": self.kdv20.ids,
                        }
                    )
                    for price in (10.03, 10.03, 10.03)
                ],
            }
        )
        tax_line = move.line_ids.filtered(lambda line: line.display_type == "tax")
        tax_line.amount_currency += 0.01  # a credit: the accountant lowers the KDV by a kuruş
        move.action_post()
        self.assertAlmostEqual(move.amount_tax, 6.02)
        self.assertIsNone(move._l10n_tr_edoc_stored_tax_details())
        places = move.currency_id.decimal_places
        self.assertEqual(
            [(aml, self._as_text(details, places)) for aml, details in move._l10n_tr_edoc_rounded_lines()],
            self._odoo_rounded_lines(move),
        )
