import base64
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..core.signing import load_pkcs12, sign_document, verify_document
from ..core.tests import certificates
from ..core.tests import factories as f
from ..core.ubl.application_response import build_application_response
from ..core.ubl.invoice import build_invoice
from ..core.ubl.serialize import serialize
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocSigning(L10nTrEdocCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key, cls.cert = certificates.make_certificate()
        cls.p12 = certificates.make_pkcs12(cls.key, cls.cert)
        cls.signed = sign_document(
            build_invoice(f.invoice()), load_pkcs12(cls.p12, certificates.P12_PASSWORD)
        )
        companies = cls.company.ids
        cls.edoc_user = new_test_user(
            cls.env,
            "tr_sign_user",
            groups="l10n_tr_edoc.group_edoc_user",
            company_ids=[Command.set(companies)],
        )
        cls.edoc_manager = new_test_user(
            cls.env,
            "tr_sign_manager",
            groups="l10n_tr_edoc.group_edoc_manager",
            company_ids=[Command.set(companies)],
        )

    def _certificate(self, p12=None):
        return self.env["certificate.certificate"].create(
            {
                "name": "Mali mühür",
                "content": base64.b64encode(p12 or self.p12),
                "pkcs12_password": certificates.P12_PASSWORD,
                "company_id": self.company.id,
            }
        )

    def _incoming(self, xml, uuid):
        attachment = self.env["ir.attachment"].create(
            {"name": f"{uuid}.xml", "raw": xml, "mimetype": "application/xml"}
        )
        return self.env["l10n_tr_edoc.document"].create(
            {
                "uuid": uuid,
                "kind": "einvoice",
                "direction": "in",
                "company_id": self.company.id,
                "account_id": self.edoc_account.id,
                "xml_attachment_id": attachment.id,
            }
        )

    def _activities(self, record):
        return self.env["mail.activity"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def test_incoming_valid_and_broken_signatures_show_the_right_status(self):
        good = self._incoming(self.signed, "11111111-1111-4111-8111-111111111111")
        self.assertEqual(good.signature_state, "valid")
        self.assertEqual(good.signer_name, certificates.SIGNER_NAME)
        self.assertEqual(good.signer_vat, f.SELLER_VKN)
        self.assertTrue(good.signing_time)
        self.assertFalse(good.signature_message)
        self.assertFalse(self._activities(good))

        marker = b'<cbc:PayableAmount currencyID="TRY">'
        start = self.signed.index(marker) + len(marker)
        broken_xml = self.signed[:start] + b"9" + self.signed[start + 1 :]
        broken = self._incoming(broken_xml, "22222222-2222-4222-8222-222222222222")
        self.assertEqual(broken.signature_state, "invalid")
        self.assertEqual(broken.signer_vat, f.SELLER_VKN)
        self.assertIn("ds:Reference[1]", broken.signature_message)
        activity = self._activities(broken)
        self.assertEqual(len(activity), 1)
        self.assertIn("signature", activity.summary.lower())

        broken.action_l10n_tr_edoc_verify_signature()
        self.assertEqual(len(self._activities(broken)), 1, "re-checking must not pile up activities")

    def test_unsigned_incoming_document_has_no_signature(self):
        unsigned = self._incoming(
            serialize(build_invoice(f.invoice())), "33333333-3333-4333-8333-333333333333"
        )
        self.assertEqual(unsigned.signature_state, "absent")
        self.assertFalse(unsigned.signer_name)

    def test_certificate_is_readable_by_system_administrators_only(self):
        certificate = self._certificate()
        self.edoc_account.write({"certificate_id": certificate.id, "sign_client_side": True})
        for user in (self.edoc_user, self.edoc_manager):
            account = self.edoc_account.with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                account.read(["certificate_id"])
            self.assertNotIn("certificate_id", account.fields_get())
            with self.assertRaises(AccessError, msg=user.login):
                certificate.with_user(user).read(["pkcs12_password"])
            with self.assertRaises(AccessError, msg=user.login):
                certificate.private_key_id.with_user(user).read(["pem_key"])
        manager_account = self.edoc_account.with_user(self.edoc_manager)
        self.assertFalse(manager_account.certificate_warning)
        administrator = new_test_user(
            self.env,
            "tr_sign_admin",
            groups="base.group_system,l10n_tr_edoc.group_edoc_manager",
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(self.edoc_account.with_user(administrator).certificate_id, certificate)
        self.assertTrue(certificate.private_key_id.with_user(administrator).pem_key)

    def test_client_side_signing_signs_application_responses_for_any_sender(self):
        response = f.application_response("KABUL", sender=f.seller(), receiver=f.company_buyer())
        unsigned = serialize(build_application_response(response))
        account = self.edoc_account.with_user(self.edoc_user)
        self.assertEqual(account._l10n_tr_edoc_sign_if_required(unsigned), unsigned)
        self.edoc_account.write({"certificate_id": self._certificate().id, "sign_client_side": True})
        signed = account._l10n_tr_edoc_sign_if_required(unsigned)
        result = verify_document(signed)
        self.assertEqual(result.status, "valid", result.issues)
        self.assertEqual(result.signer_vat, f.SELLER_VKN)

    def test_expiring_certificate_warns_thirty_days_ahead(self):
        self.edoc_account.certificate_id = self._certificate()
        self.edoc_account._l10n_tr_edoc_warn_certificate_expiry()
        self.assertFalse(self.edoc_account.certificate_warning)
        self.assertFalse(self._activities(self.edoc_account))

        key, cert = certificates.make_certificate(days=20)
        expiring = self._certificate(certificates.make_pkcs12(key, cert))
        self.edoc_account.certificate_id = expiring
        self.assertIn("expires", self.edoc_account.certificate_warning)
        self.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_check_certificates").method_direct_trigger()
        self.edoc_account._l10n_tr_edoc_warn_certificate_expiry()
        activity = self._activities(self.edoc_account)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, expiring.date_end.date())
        self.assertLess(expiring.date_end, fields.Datetime.now() + timedelta(days=30))

    def test_invoice_hidden_in_the_signature_is_never_shown_as_valid(self):
        tampered = certificates.smuggle_into_signature(self.signed, "object", certificates.HIDDEN_INVOICE)
        document = self._incoming(tampered, "44444444-4444-4444-8444-444444444444")
        self.assertEqual(document.signature_state, "invalid")
        self.assertIn("unsigned content", document.signature_message)

    def test_seal_of_another_party_is_reported_as_such(self):
        key, cert = certificates.make_certificate(name="Başka Firma", vat="1111111111")
        other = load_pkcs12(certificates.make_pkcs12(key, cert), certificates.P12_PASSWORD)
        document = self._incoming(
            sign_document(build_invoice(f.invoice()), other), "55555555-5555-4555-8555-555555555555"
        )
        self.assertEqual(document.signature_state, "other_signer")
        self.assertEqual(document.signer_vat, "1111111111")
        self.assertIn("another party", document.signature_message)
