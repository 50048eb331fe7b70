"""core.signing: XAdES-BES made with xmlsec and a certificate generated here, then verified and attacked."""

import base64
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from core.errors import ConfigurationError, EdocError, XmlSecurityError
from core.signing import load_pkcs12, sign_document, verify_document
from core.signing.credentials import _credential
from core.tests import certificates as c
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl.application_response import build_application_response
from core.ubl.invoice import build_invoice
from core.ubl.serialize import serialize
from core.validation import validate_document

PACKAGE = reference_path("gib-ubl-tr")
SIGNED_AT = datetime(2026, 3, 16, 10, 45, tzinfo=UTC)
NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture(scope="module")
def keypair():
    return c.make_certificate(not_before=SIGNED_AT - timedelta(days=30))


@pytest.fixture(scope="module")
def credential(keypair):
    return load_pkcs12(c.make_pkcs12(*keypair), c.P12_PASSWORD)


@pytest.fixture(scope="module")
def signed_invoice(credential):
    return sign_document(build_invoice(f.invoice()), credential, signing_time=SIGNED_AT)


def verify(data):
    return verify_document(data, now=SIGNED_AT + timedelta(hours=1))


def test_signed_invoice_verifies_and_names_the_signer(signed_invoice, keypair):
    result = verify(signed_invoice)
    assert result.status == "valid" and result.valid and result.issues == ()
    assert result.signer_name == c.SIGNER_NAME
    assert result.signer_vat == f.SELLER_VKN
    assert "SERIALNUMBER=9000068418" in result.signer_subject
    assert result.signing_time == SIGNED_AT
    assert result.certificate_serial == str(keypair[1].serial_number)


def test_signature_sits_where_ubl_tr_expects_it(signed_invoice):
    root = etree.fromstring(signed_invoice)
    signature = root.find(
        "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/ds:Signature",
        {**NS, "ext": ("urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2")},
    )
    assert signature is not None
    assert b"SignaturePlaceholder" not in signed_invoice
    uri = root.findtext(
        "cac:Signature/cac:DigitalSignatureAttachment/cac:ExternalReference/cbc:URI", namespaces=NS
    )
    assert uri == f"#{signature.get('Id')}"
    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    assert references[0].get("URI") == ""
    assert references[1].get("Type") == "http://uri.etsi.org/01903#SignedProperties"
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm").endswith("rsa-sha256")
    assert signature.findtext(".//xades:SigningTime", namespaces=NS) == "2026-03-16T10:45:00+00:00"


def test_signed_invoice_still_passes_xsd_and_schematron(signed_invoice):
    report = validate_document(signed_invoice, package_dir=PACKAGE, today=f.ISSUE_DATE)
    assert report.xsd == () and report.schematron == (), report.issues
    assert report.ok and report.xsd_checked and report.schematron_checked


@pytest.fixture(scope="module")
def buyer_credential():
    keypair = c.make_certificate(vat=f.BUYER_VKN, not_before=SIGNED_AT - timedelta(days=30))
    return load_pkcs12(c.make_pkcs12(*keypair), c.P12_PASSWORD)


def test_signed_application_response_passes_xsd_schematron_and_verifies(buyer_credential):
    """The response's issuer is the buyer, so it is the buyer's seal that makes it valid."""
    signed = sign_document(
        build_application_response(f.application_response("RED", description=("Fiyat hatalı",))),
        buyer_credential,
        signing_time=SIGNED_AT,
    )
    report = validate_document(signed, package_dir=PACKAGE, today=f.ISSUE_DATE)
    assert report.xsd == () and report.schematron == (), report.issues
    assert verify(signed).valid


def test_one_byte_in_a_line_amount_breaks_the_document_digest(signed_invoice):
    marker = b'<cbc:LineExtensionAmount currencyID="TRY">'
    start = signed_invoice.index(marker, signed_invoice.index(b"<cac:InvoiceLine>")) + len(marker)
    digit = signed_invoice[start : start + 1]
    tampered = signed_invoice[:start] + (b"9" if digit != b"9" else b"8") + signed_invoice[start + 1 :]
    assert len(tampered) == len(signed_invoice)
    result = verify(tampered)
    assert result.status == "invalid"
    [issue] = result.issues
    assert issue.code == "tr_edoc.signing.digest_mismatch"
    assert issue.path == "ds:Signature/ds:SignedInfo/ds:Reference[1]"
    assert issue.params["uri"] == ""
    assert "whole document" in issue.message
    assert result.signer_vat == f.SELLER_VKN


def test_changed_signing_time_points_at_the_signed_properties(signed_invoice):
    tampered = signed_invoice.replace(
        b"10:45:00+00:00</xades:SigningTime>", b"10:46:00+00:00</xades:SigningTime>"
    )
    [issue] = verify(tampered).issues
    assert issue.code == "tr_edoc.signing.digest_mismatch"
    assert issue.path == "ds:Signature/ds:SignedInfo/ds:Reference[2]"
    assert "SignedProperties" in issue.message


def test_damaged_signature_value_is_reported_as_such(signed_invoice):
    root = etree.fromstring(signed_invoice)
    value = root.find(".//ds:SignatureValue", NS)
    raw = bytearray(base64.b64decode(value.text))
    raw[10] ^= 0x01
    value.text = base64.b64encode(bytes(raw)).decode()
    [issue] = verify(serialize(root)).issues
    assert issue.code == "tr_edoc.signing.signature_value_mismatch"
    assert issue.path == "ds:Signature/ds:SignatureValue"


def test_certificate_swapped_after_signing_is_caught(signed_invoice):
    _key, other = c.make_certificate(not_before=SIGNED_AT - timedelta(days=1))
    root = etree.fromstring(signed_invoice)
    root.find(".//ds:X509Certificate", NS).text = base64.b64encode(other.public_bytes(Encoding.DER)).decode()
    codes = {issue.code for issue in verify(serialize(root)).issues}
    assert "tr_edoc.signing.signature_value_mismatch" in codes
    assert "tr_edoc.signing.certificate_mismatch" in codes


def test_expired_certificate_makes_the_signature_invalid():
    key, certificate = c.make_certificate(not_before=SIGNED_AT - timedelta(days=400), days=365)
    credential = load_pkcs12(c.make_pkcs12(key, certificate), c.P12_PASSWORD)
    signed = sign_document(build_invoice(f.invoice()), credential, signing_time=SIGNED_AT)
    [issue] = verify(signed).issues
    assert issue.code == "tr_edoc.signing.certificate_not_valid_at_signing"
    assert issue.path.endswith("xades:SigningTime")


def test_signing_time_in_the_future_is_refused(credential):
    signed = sign_document(build_invoice(f.invoice()), credential, signing_time=SIGNED_AT + timedelta(days=2))
    assert [i.code for i in verify(signed).issues] == ["tr_edoc.signing.signing_time_in_future"]


def test_unsigned_document_is_absent():
    result = verify(serialize(build_invoice(f.invoice())))
    assert result.status == "absent" and result.issues == () and result.signer_name is None


def test_external_reference_is_refused_before_xmlsec_follows_it(signed_invoice):
    tampered = signed_invoice.replace(b'URI=""', b'URI="http://127.0.0.1:9/steal"', 1)
    [issue] = verify(tampered).issues
    assert issue.code == "tr_edoc.signing.external_reference"


def test_xslt_transform_is_refused(signed_invoice):
    tampered = signed_invoice.replace(
        b"http://www.w3.org/2000/09/xmldsig#enveloped-signature",
        b"http://www.w3.org/TR/1999/REC-xslt-19991116",
        1,
    )
    assert "tr_edoc.signing.unsupported_transform" in {i.code for i in verify(tampered).issues}


def test_document_is_never_signed_twice(signed_invoice, credential):
    with pytest.raises(EdocError) as caught:
        sign_document(signed_invoice, credential)
    assert caught.value.code == "tr_edoc.signing.already_signed"


def test_sign_does_not_touch_the_callers_tree(credential):
    root = build_invoice(f.invoice())
    before = serialize(root)
    sign_document(root, credential, signing_time=SIGNED_AT)
    assert serialize(root) == before


def test_naive_signing_time_is_a_programming_error(credential):
    with pytest.raises(ValueError):
        sign_document(build_invoice(f.invoice()), credential, signing_time=datetime(2026, 3, 16, 10, 45))


def test_wrong_pkcs12_password_is_a_clear_configuration_error(keypair):
    with pytest.raises(ConfigurationError) as caught:
        load_pkcs12(c.make_pkcs12(*keypair), "wrong")
    assert caught.value.code == "tr_edoc.signing.bad_pkcs12"


def test_key_of_another_certificate_is_refused(keypair):
    other_key, _certificate = c.make_certificate()
    with pytest.raises(ConfigurationError) as caught:
        _credential(other_key, keypair[1])
    assert caught.value.code == "tr_edoc.signing.key_mismatch"


def test_missing_xmlsec_gives_an_actionable_message(monkeypatch, signed_invoice):
    monkeypatch.setitem(sys.modules, "xmlsec", None)
    with pytest.raises(ConfigurationError) as caught:
        verify(signed_invoice)
    assert caught.value.code == "tr_edoc.signing.xmlsec_missing"
    assert "scripts/setup.sh" in caught.value.message


def test_hostile_bytes_never_reach_xmlsec():
    with pytest.raises(XmlSecurityError):
        verify_document(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')


@pytest.mark.parametrize("where", ["object", "qualifying-properties"])
def test_invoice_hidden_in_the_signature_makes_it_invalid(signed_invoice, where):
    """xmlsec alone accepts it (the signature element is not covered by its own digest), so only the
    unsigned-content check stands between the hidden invoice and a 'valid' badge."""
    tampered = c.smuggle_into_signature(signed_invoice, where, c.HIDDEN_INVOICE)
    result = verify(tampered)
    assert result.status == "invalid" and not result.valid
    codes = {issue.code for issue in result.issues}
    assert "tr_edoc.signing.unsigned_content" in codes
    assert "tr_edoc.signing.digest_mismatch" not in codes


def test_seal_of_another_party_is_reported_not_valid(signed_invoice):
    keypair = c.make_certificate(
        name="Başka Firma", vat="1111111111", not_before=SIGNED_AT - timedelta(days=30)
    )
    other = load_pkcs12(c.make_pkcs12(*keypair), c.P12_PASSWORD)
    result = verify(sign_document(build_invoice(f.invoice()), other, signing_time=SIGNED_AT))
    assert result.status == "other_signer" and not result.valid
    assert result.signer_vat == "1111111111"
    (issue,) = result.issues
    assert issue.code == "tr_edoc.signing.signer_not_supplier"
    assert issue.params["supplier_vat"] == [f.SELLER_VKN]
    assert verify(signed_invoice).status == "valid"
