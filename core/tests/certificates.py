"""Throw-away signing certificates made with cryptography, shaped like a Turkish mali mühür."""

import secrets
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from lxml import etree

from ..ubl.namespaces import DS, XADES
from . import factories as f

SIGNER_NAME = "Anadolu Makina Sanayi A.Ş."
P12_PASSWORD = "mühür-2026"


def make_certificate(*, name=SIGNER_NAME, vat=f.SELLER_VKN, not_before=None, days=365, key_size=2048):
    """A self-signed RSA certificate with the VKN as subject serialNumber; returns ``(key, certificate)``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    subject = x509.Name(
        [
            x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "TR"),
            x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(x509.NameOID.SERIAL_NUMBER, vat),
            x509.NameAttribute(x509.NameOID.COMMON_NAME, name),
        ]
    )
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        # 63 bits: libxml2 checks xsd:integer (X509SerialNumber) only up to 24 digits.
        .serial_number(secrets.randbits(63) | 1)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_pkcs12(key, certificate, password=P12_PASSWORD):
    return pkcs12.serialize_key_and_certificates(
        b"signer", key, certificate, None, BestAvailableEncryption(password.encode())
    )


def smuggle_into_signature(signed, where, payload):
    """Put ``payload`` into the signature after signing: outside every digest, since the enveloped
    transform drops the whole ``ds:Signature``."""
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DS}}}Signature")
    target = signature if where == "object" else signature.find(f".//{{{XADES}}}QualifyingProperties")
    holder = etree.SubElement(target, f"{{{DS}}}Object" if where == "object" else f"{{{XADES}}}X")
    holder.append(etree.fromstring(payload))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


HIDDEN_INVOICE = (
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    b"<cbc:ID>FAKE2026000000001</cbc:ID><cbc:PayableAmount>999999.00</cbc:PayableAmount></Invoice>"
)
