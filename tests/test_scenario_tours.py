import datetime

from lxml import etree

from odoo.tests import HttpCase, tagged

from ..core.states import gib_today
from .common_tours import L10nTrEdocBrowserMixin
from .test_scenarios import NS, L10nTrEdocScenarioCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocScenarioTours(L10nTrEdocBrowserMixin, L10nTrEdocScenarioCase, HttpCase):
    def test_hotel_and_pharmacy_issue_their_invoices_in_turkish(self):
        """A Turkish user issues a KONAKLAMAVERGISI and an SGK invoice from the form alone."""
        self.env["res.lang"]._activate_lang("tr_TR")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "account", "l10n_tr_edoc"], ["tr_TR"], overwrite=True
        )
        self.env.user.lang = "tr_TR"
        Product = self.env["product.product"]
        room = Product.create(
            {
                "name": "Çift kişilik oda",
                "list_price": 3000.0,
                "taxes_id": [(6, 0, (self.kdv10 | self.accommodation).ids)],
            }
        )
        medicine = Product.create(
            {"name": "Reçeteli ilaç", "list_price": 450.0, "taxes_id": [(6, 0, self.kdv20.ids)]}
        )
        start = datetime.datetime.combine(gib_today().replace(day=1), datetime.time(9, 0))
        self._start(
            "l10n_tr_edoc_tour_scenarios",
            hotel_customer=self.registered.name,
            room=room.name,
            sgk_customer=self.sgk.name,
            medicine=medicine.name,
            period_start=start.strftime("%d.%m.%Y %H:%M:%S"),
            period_end=(start + datetime.timedelta(days=20)).strftime("%d.%m.%Y %H:%M:%S"),
        )
        Move = self.env["account.move"]
        hotel = Move.search([("invoice_line_ids.product_id", "=", room.id)])
        pharmacy = Move.search([("invoice_line_ids.product_id", "=", medicine.id)])
        held = {doc.uuid for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        for move, type_code in ((hotel, "KONAKLAMAVERGISI"), (pharmacy, "SGK")):
            self.assertEqual(len(move), 1)
            self.assertEqual(move.l10n_tr_edoc_state, "sent", move.l10n_tr_edoc_error_message)
            self.assertEqual(move.l10n_tr_edoc_type_code, type_code)
            self.assertIn(move.l10n_tr_edoc_uuid, held)
        hotel_xml = etree.fromstring(hotel.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        self.assertIn(
            "0059",
            hotel_xml.xpath(
                "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode/text()",
                namespaces=NS,
            ),
        )
        sgk_xml = etree.fromstring(pharmacy.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        self.assertEqual(sgk_xml.xpath("cbc:AccountingCost/text()", namespaces=NS), ["SAGLIK_ECZ"])
        self.assertEqual(
            sgk_xml.xpath("cac:InvoicePeriod/cbc:StartDate/text()", namespaces=NS), [start.date().isoformat()]
        )
        self.assertEqual(
            sgk_xml.xpath(
                "cac:AdditionalDocumentReference[cbc:DocumentType='DOSYA_NO']/cbc:ID/text()", namespaces=NS
            ),
            ["D-2026-11"],
        )
