from decimal import Decimal

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core import documents as d
from ..core.providers.base import DESPATCH, GIB_DESPATCH_MAILBOX_ALIAS, OutgoingDocument
from ..core.ubl import build_receipt_advice, serialize
from ..core.ubl.parse import parse_despatch_advice
from .test_despatch_common import CUSTOMER, L10nTrEdocDespatchCase

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@tagged("post_install", "-at_install", "post_install_l10n")
class TestDespatchOutgoing(L10nTrEdocDespatchCase):
    def test_send_to_registered_receiver_and_follow_gib(self):
        picking = self._delivery()
        document = picking._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", document.error_message)
        self.assertRegex(document.name, r"^S\d\d\d{4}000000001$")
        self.assertEqual(document.receiver_alias, CUSTOMER.despatch_pk_alias)
        self.assertEqual(picking.l10n_tr_edoc_document_id, document)
        xml = self.assertSchematronClean(document)
        advice = parse_despatch_advice(xml)
        self.assertEqual(advice.despatch_advice_type_code, "SEVK")
        self.assertEqual(
            [(line.delivered_quantity, line.unit_code) for line in advice.lines],
            [
                (Decimal(5), "C62"),
                (Decimal("12.5"), "KGM"),
            ],
        )
        stage = advice.shipment.shipment_stages[0]
        self.assertEqual(stage.vehicle_plates[0].value, "06ABC123")
        self.assertEqual(
            (stage.drivers[0].first_name, stage.drivers[0].nationality_id), ("Ali", "10000000146")
        )
        trailer = advice.shipment.transport_handling_units[0].transport_equipment_ids[0]
        self.assertEqual((trailer.value, trailer.scheme_id), ("06DR456", "DORSEPLAKA"))
        self.assertEqual(advice.shipment.delivery.delivery_address.city_subdivision_name, "Konak")
        self.assertTrue(document.event_ids.filtered(lambda event: event.operation == "SendDespatchAdvice"))

        received = [
            doc for doc in self._customer_provider().list_incoming(DESPATCH) if doc.uuid == document.uuid
        ]
        self.assertEqual(len(received), 1, "the customer's mailbox holds the e-İrsaliye")

        self._sync()
        self.assertEqual(document.state, "sent", "GİB has not finished yet")
        self._let_gib_finish()
        self._sync()
        self.assertEqual(document.state, "delivered")
        self.assertEqual(document.gib_status_code, "1300")
        reference = picking._l10n_tr_edoc_despatch_reference()
        self.assertEqual((reference.id, reference.issue_date), (document.name, document.issue_date))
        move = self.env["account.move"].new({"move_type": "out_invoice"})
        self.assertEqual(move._l10n_tr_edoc_despatch_references(picking), (reference,))

    def test_unregistered_receiver_goes_to_gib_mailbox(self):
        picking = self._delivery(self.unregistered)
        document = picking._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", document.error_message)
        self.assertEqual(document.receiver_alias, GIB_DESPATCH_MAILBOX_ALIAS)
        self.assertEqual(document.receiver_vat, self.unregistered.vat)
        self.assertSchematronClean(document)

    def test_matbudan_references_the_printed_note(self):
        picking = self._delivery(l10n_tr_edoc_despatch_type="MATBUDAN")
        with self.assertRaisesRegex(UserError, "MATBUDAN"):
            picking._l10n_tr_edoc_send_despatch()
        self.assertFalse(picking.l10n_tr_edoc_document_id, "a refused send leaves nothing behind")
        picking.write({"l10n_tr_edoc_printed_number": "A-963403", "l10n_tr_edoc_printed_date": "2026-01-10"})
        document = picking._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", document.error_message)
        root = etree.fromstring(self.assertSchematronClean(document))
        self.assertEqual(root.findtext("cbc:DespatchAdviceTypeCode", namespaces=NS), "MATBUDAN")
        printed = root.find("cac:AdditionalDocumentReference", NS)
        self.assertEqual(printed.findtext("cbc:ID", namespaces=NS), "A-963403")
        self.assertEqual(printed.findtext("cbc:IssueDate", namespaces=NS), "2026-01-10")
        self.assertEqual(printed.findtext("cbc:DocumentType", namespaces=NS), "MATBU")

    def test_missing_transport_and_unknown_registration_are_refused_clearly(self):
        picking = self._delivery(l10n_tr_edoc_driver_ids=[(5, 0, 0)])
        self.customer.l10n_tr_edoc_despatch_status = "unknown"
        with self.assertRaises(UserError) as caught:
            picking._l10n_tr_edoc_send_despatch()
        message = caught.exception.args[0]
        self.assertIn("carrier company or at least one driver", message)
        self.assertIn("registration", message)

    def test_receiver_partial_answer_is_shown_per_line_with_an_activity(self):
        picking = self._delivery()
        document = picking._l10n_tr_edoc_send_despatch()
        despatch = parse_despatch_advice(document._l10n_tr_edoc_despatch_xml())
        customer = self._customer_provider()
        answer = d.ReceiptAdvice(
            profile_id="TEMELIRSALIYE",
            id="EGY2026000000001",
            uuid="6F1C7A52-3D0B-4C4E-9F55-2B7A9E0C1D11",
            issue_date=document.issue_date,
            despatch_document_reference=d.DocumentReference(id=document.name, issue_date=document.issue_date),
            delivery_customer=despatch.delivery_customer,
            despatch_supplier=despatch.supplier,
            shipment=d.Shipment(id="1"),
            lines=(
                d.ReceiptLine(
                    id="1",
                    received_quantity=Decimal(4),
                    rejected_quantity=Decimal(1),
                    reject_reason="Hasarlı",
                    item=despatch.lines[0].item,
                    despatch_line_reference="1",
                ),
                d.ReceiptLine(
                    id="2",
                    received_quantity=Decimal(12),
                    short_quantity=Decimal("0.5"),
                    unit_code="KGM",
                    item=despatch.lines[1].item,
                    despatch_line_reference="2",
                ),
            ),
        )
        customer.send_receipt_advice(
            [
                OutgoingDocument(
                    uuid=answer.uuid,
                    number=answer.id,
                    xml=serialize(build_receipt_advice(answer)),
                    receiver_vkn=self.demo.vkn,
                    receiver_alias=self.demo.despatch_pk_alias,
                )
            ]
        )
        self._let_gib_finish()
        self._sync()
        self.assertEqual(document.state, "answered_partial")
        lines = picking.l10n_tr_edoc_receipt_line_ids.sorted("sequence")
        self.assertEqual(
            [(line.product_id, line.received_qty, line.rejected_qty, line.short_qty) for line in lines],
            [(self.pump, 4, 1, 0), (self.grease, 12, 0, 0.5)],
        )
        self.assertEqual(lines[0].reject_reason, "Hasarlı")
        self.assertEqual(lines.document_id.parent_id, document)
        self.assertIn("did not accept", picking.activity_ids.summary)
        self._sync()
        self.assertEqual(len(picking.l10n_tr_edoc_receipt_line_ids), 2, "an answer is imported once")


@tagged("post_install", "-at_install", "post_install_l10n")
class TestDespatchGate(L10nTrEdocDespatchCase):
    def test_validate_and_print_wait_for_gib_when_the_company_asks(self):
        self.company.l10n_tr_edoc_despatch_gate = True
        picking = self._delivery()
        with self.assertRaisesRegex(UserError, "GİB has not accepted"):
            picking.button_validate()
        with self.assertRaisesRegex(UserError, "GİB has not accepted"):
            self.env["ir.actions.report"]._render_qweb_pdf("stock.action_report_delivery", picking.ids)
        picking._l10n_tr_edoc_send_despatch()
        with self.assertRaisesRegex(UserError, "GİB has not accepted"):
            picking.button_validate()
        self._let_gib_finish()
        self._sync()
        self.assertEqual(picking.l10n_tr_edoc_state, "delivered")
        self.env["ir.actions.report"]._render_qweb_pdf("stock.action_report_delivery", picking.ids)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_without_the_setting_validation_is_free(self):
        picking = self._delivery()
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        document = picking._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", "a done delivery can still be sent")


@tagged("post_install", "-at_install", "post_install_l10n")
class TestDespatchIncoming(L10nTrEdocDespatchCase):
    def _receipt(self, origin=None):
        return self._picking(
            self.warehouse.in_type_id,
            self.customer,
            [(self.pump, 5), (self.grease, 12.5)],
            origin=origin,
        )

    def test_incoming_despatch_matched_to_purchase_receipt_and_answered_partially(self):
        other = self._receipt()
        receipt = self._receipt(origin="P00042")
        sent = self._supplier_sends_despatch(
            101,
            [("Hidrolik pompa", "HP-1", Decimal(5), "C62"), ("Gres yağı", "GR-2", Decimal("12.5"), "KGM")],
            order="P00042",
        )
        self._sync()
        despatch_doc = receipt.l10n_tr_edoc_document_id
        self.assertEqual(despatch_doc.uuid, sent.uuid)
        self.assertEqual((despatch_doc.direction, despatch_doc.state), ("in", "awaiting_response"))
        self.assertFalse(other.l10n_tr_edoc_document_id, "the receipt of the named order wins")

        wizard = self.env["l10n_tr_edoc.receipt.advice.wizard"].with_context(active_id=receipt.id).create({})
        pump_line, grease_line = wizard.line_ids.sorted("despatch_line_ref")
        self.assertEqual((pump_line.product_id, pump_line.delivered_qty), (self.pump, 5))
        pump_line.write({"received_qty": 4, "rejected_qty": 1})
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_send()
        pump_line.reject_reason = "Hasarlı"
        grease_line.received_qty = 12
        with self.assertRaisesRegex(UserError, "must equal"):
            wizard.action_send()
        grease_line.short_qty = 0.5
        wizard.action_send()

        self.assertEqual(despatch_doc.state, "responded")
        answer = despatch_doc.child_ids
        self.assertEqual((answer.kind, answer.direction, answer.state), ("receipt_advice", "out", "sent"))
        self.assertRegex(answer.name, r"^Y\d\d\d{4}000000001$")
        root = etree.fromstring(self.assertSchematronClean(answer))
        self.assertEqual(root.findtext("cac:DespatchDocumentReference/cbc:ID", namespaces=NS), sent.id)
        rejected = root.find("cac:ReceiptLine/cbc:RejectedQuantity", NS)
        self.assertEqual((rejected.text, rejected.get("unitCode")), ("1", "C62"))
        self.assertEqual(root.findtext("cac:ReceiptLine[2]/cbc:ShortQuantity", namespaces=NS), "0.5")
        self.assertEqual(len(receipt.l10n_tr_edoc_receipt_line_ids), 2)

        supplier_view = [
            doc for doc in self._customer_provider().list_receipt_advices() if doc.uuid == answer.uuid
        ]
        self.assertEqual(len(supplier_view), 1, "the supplier receives our İrsaliye Yanıtı")

    def test_unmatched_despatch_creates_a_draft_receipt_and_unknown_items_wait(self):
        self._supplier_sends_despatch(102, [("Hidrolik pompa", "HP-1", Decimal(3), "C62")])
        self._supplier_sends_despatch(103, [("Bilinmeyen parça", "XX-9", Decimal(1), "C62")])
        self._sync()
        Document = self.env["l10n_tr_edoc.document"]
        created = Document.search([("direction", "=", "in"), ("name", "like", "%000000102")])
        self.assertEqual(created.state, "awaiting_response")
        self.assertEqual(created.picking_id.picking_type_code, "incoming")
        self.assertEqual(created.picking_id.partner_id, self.customer)
        self.assertEqual(created.picking_id.move_ids.product_id, self.pump)
        self.assertEqual(created.picking_id.move_ids.product_uom_qty, 3)

        waiting = Document.search([("direction", "=", "in"), ("name", "like", "%000000103")])
        self.assertEqual(waiting.state, "import_failed")
        self.assertIn("XX-9", waiting.error_message)
        self.assertTrue(waiting.xml_attachment_id, "the received XML is kept")
        self.env["product.product"].create(
            {"name": "Bilinmeyen parça", "default_code": "XX-9", "type": "consu"}
        )
        waiting._l10n_tr_edoc_import_despatch()
        self.assertEqual(waiting.state, "awaiting_response")
