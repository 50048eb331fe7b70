import base64

from odoo.tests import tagged

from ..core.signing import verify_document
from ..core.tests import certificates
from .common import SUPPLIER, L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocSignedResponse(L10nTrEdocCase):
    """An account that signs client-side answers with its own seal, sent as signed, byte for byte."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        seal = cls._seal(name=cls.demo.title, vat=cls.demo.vkn)
        cls.edoc_account.write({"certificate_id": seal.id, "sign_client_side": True})

    @classmethod
    def _seal(cls, *, name, vat):
        """A certificate record made in the test, shaped like the mali mühür of ``vat``."""
        key, certificate = certificates.make_certificate(name=name, vat=vat)
        return cls.env["certificate.certificate"].create(
            {
                "name": f"Mali mühür {vat}",
                "content": base64.b64encode(certificates.make_pkcs12(key, certificate)),
                "pkcs12_password": certificates.P12_PASSWORD,
                "company_id": cls.company.id,
            }
        )

    def _received_ticarifatura(self):
        document = self._l10n_tr_edoc_receive_invoice()
        self.assertEqual(document.state, "awaiting_response")
        return document

    def _sandbox_answer(self, owner_vkn, direction, uuid):
        (held,) = [
            doc for doc in self.sandbox.documents(vkn=owner_vkn, direction=direction) if doc.uuid == uuid
        ]
        return held.answer

    def test_red_goes_out_signed_with_the_archived_bytes(self):
        document = self._received_ticarifatura()
        signed_calls = self.sandbox.request_count("SendInvoiceResponse")
        server_signed_calls = self.sandbox.request_count("SendInvoiceResponseWithServerSign")

        self.assertTrue(document._l10n_tr_edoc_respond("RED", "Fiyat hatalı"))
        self._l10n_tr_edoc_settle_answers()

        self.assertEqual(document.state, "rejected")
        response = document.child_ids
        self.assertEqual((response.kind, response.state, response.type_code), ("app_response", "sent", "RED"))
        self.assertEqual(self.sandbox.request_count("SendInvoiceResponse"), signed_calls + 1)
        self.assertEqual(self.sandbox.request_count("SendInvoiceResponseWithServerSign"), server_signed_calls)
        answer = self._sandbox_answer(self.demo.vkn, "IN", document.uuid)
        self.assertEqual((answer.code, answer.description), ("RED", "Fiyat hatalı"))
        self.assertEqual(answer.content, response.xml_attachment_id.raw)
        verification = verify_document(answer.content)
        self.assertEqual(verification.status, "valid", verification.issues)
        self.assertEqual(verification.signer_vat, self.demo.vkn)
        self.assertEqual(self._sandbox_answer(SUPPLIER.vkn, "OUT", document.uuid).code, "RED")
        self.assertGibValid(response.xml_attachment_id.raw, rules=False)
        call = response.event_ids.filtered(lambda event: event.operation == "SendInvoiceResponse")
        self.assertTrue(call)
        request = call.request_attachment_id.raw
        self.assertIn(b"SendInvoiceResponseRequest", request)
        self.assertNotIn(self.demo.password.encode(), request)

    def test_refused_signature_keeps_the_invoice_answerable(self):
        document = self._received_ticarifatura()
        own_seal = self.edoc_account.certificate_id
        self.edoc_account.certificate_id = self._seal(name=SUPPLIER.title, vat=SUPPLIER.vkn)
        self.assertFalse(document._l10n_tr_edoc_respond("KABUL"))
        self.assertEqual(document.state, "awaiting_response")
        self.assertFalse(document.response_code)
        self.assertEqual(document.child_ids.state, "send_failed")
        self.assertIn("signature", document.error_message)
        self.assertIsNone(self._sandbox_answer(self.demo.vkn, "IN", document.uuid))

        self.edoc_account.certificate_id = own_seal
        self.assertTrue(document._l10n_tr_edoc_respond("KABUL"))
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual(document.state, "accepted")
        self.assertEqual(self._sandbox_answer(self.demo.vkn, "IN", document.uuid).code, "KABUL")
