from decimal import Decimal

from lxml import etree

from odoo.tests import HttpCase, tagged

from .common_outgoing import L10nTrEdocOutgoingCase
from .common_tours import L10nTrEdocBrowserMixin
from .test_despatch_common import L10nTrEdocDespatchCase

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocInvoiceTours(L10nTrEdocBrowserMixin, L10nTrEdocOutgoingCase, HttpCase):
    def test_configure_account(self):
        self.edoc_account.unlink()
        self._start(
            "l10n_tr_edoc_tour_configure_account",
            sandbox_url=self.sandbox_server.url,
            username=self.demo.username,
            password=self.demo.password,
            sender_alias=self.demo.gb_alias,
            receiver_alias=self.demo.pk_alias,
        )
        account = self.env["l10n_tr_edoc.account"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(account), 1)
        self.assertEqual(
            (account.provider, account.sandbox_url, account.sudo().username, account.sender_alias),
            ("sandbox", self.sandbox_server.url, self.demo.username, self.demo.gb_alias),
        )
        self.assertEqual(account.connection_state, "ok")
        self.assertTrue(account.last_check_at)

    def test_send_invoices(self):
        self.registered.email = "muhasebe@ege.example"
        efatura, earsiv = self._post(self.registered), self._post(self.unregistered)
        self._start(
            "l10n_tr_edoc_tour_send_invoices",
            einvoice_customer=self.registered.name,
            earchive_customer=self.unregistered.name,
        )
        held = {doc.uuid: doc for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        for move, kind, profile in (
            (efatura, "INVOICE", "TEMELFATURA"),
            (earsiv, "EARCHIVE", "EARSIVFATURA"),
        ):
            self.assertEqual(move.l10n_tr_edoc_state, "sent", move.l10n_tr_edoc_error_message)
            self.assertEqual(move.l10n_tr_edoc_profile, profile)
            sent = held.get(move.l10n_tr_edoc_uuid)
            self.assertTrue(sent, f"the sandbox holds {move.name}")
            self.assertEqual(
                (sent.kind, sent.facts.profile, sent.facts.id), (kind, profile, move.l10n_tr_edoc_number)
            )

    def test_answer_red(self):
        document = self._receive_commercial_invoice()
        reason = "Fiyat sipariştekinden yüksek"
        self._start(
            "l10n_tr_edoc_tour_answer",
            supplier=document.move_id.invoice_partner_display_name,
            answer="RED",
            reason=reason,
        )
        self.assertEqual(document.state, "responding")
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual(
            (document.state, document.response_code, document.response_reason), ("rejected", "RED", reason)
        )
        self.assertEqual(document.move_id.state, "cancel")
        (received,) = (
            doc
            for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="IN")
            if doc.uuid == document.uuid
        )
        self.assertEqual((received.answer.code, received.answer.description), ("RED", reason))

    def test_answer_kabul(self):
        """After KABUL the bill says so (first-day item 12), and the answer is final once confirmed."""
        document = self._receive_commercial_invoice()
        supplier = document.move_id.invoice_partner_display_name
        self._start("l10n_tr_edoc_tour_answer", supplier=supplier, answer="KABUL")
        self.assertEqual(document.state, "responding")
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual((document.state, document.response_code), ("accepted", "KABUL"))
        self.assertNotEqual(document.move_id.state, "cancel", "KABUL keeps the bill")


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocDespatchTour(L10nTrEdocBrowserMixin, L10nTrEdocDespatchCase, HttpCase):
    def test_receipt_advice(self):
        receipt = self._picking(
            self.warehouse.in_type_id, self.customer, [(self.pump, 5), (self.grease, 12.5)], origin="P00042"
        )
        despatch = self._supplier_sends_despatch(
            201,
            [("Hidrolik pompa", "HP-1", Decimal(5), "C62"), ("Gres yağı", "GR-2", Decimal("12.5"), "KGM")],
            order="P00042",
        )
        self._sync()
        self.assertEqual(receipt.l10n_tr_edoc_document_id.uuid, despatch.uuid)
        reason = "Hasarlı ambalaj"
        self._start("l10n_tr_edoc_tour_receipt_advice", supplier=self.customer.name, reason=reason)

        answer = receipt.l10n_tr_edoc_document_id.child_ids
        self.assertEqual((answer.kind, answer.state), ("receipt_advice", "sent"))
        self.assertEqual(receipt.l10n_tr_edoc_document_id.state, "responded")
        (received,) = (
            doc for doc in self.sandbox.documents(kind="RECEIPT", direction="IN") if doc.uuid == answer.uuid
        )
        self.assertEqual(received.owner_vkn, self.customer.vat)
        root = etree.fromstring(received.content)
        self.assertEqual(root.findtext("cac:DespatchDocumentReference/cbc:ID", namespaces=NS), despatch.id)
        lines = [
            (
                line.findtext("cac:Item/cbc:Name", namespaces=NS),
                *(
                    line.findtext(f"cbc:{tag}", namespaces=NS)
                    for tag in ("ReceivedQuantity", "RejectedQuantity", "RejectReason", "ShortQuantity")
                ),
            )
            for line in root.iterfind("cac:ReceiptLine", NS)
        ]
        self.assertEqual(
            lines, [("Hidrolik pompa", "4", "1", reason, None), ("Gres yağı", "12", None, None, "0.5")]
        )
