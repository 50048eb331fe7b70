"""The company's signing key and certificate, loaded from PKCS#12 (what Turkish CAs deliver) or PEM."""

import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ..errors import ConfigurationError

_TAX_ID = re.compile(r"\d{10,11}")


@dataclass(frozen=True)
class SigningCredential:
    """An RSA private key with its certificate; ``key_pem`` is unencrypted and must never be logged."""

    key_pem: bytes
    certificate: x509.Certificate

    def __repr__(self):
        return f"SigningCredential(subject={distinguished_name(self.certificate.subject)!r})"

    @property
    def certificate_der(self):
        return self.certificate.public_bytes(serialization.Encoding.DER)


def _credential(key, certificate):
    if key is None or certificate is None:
        raise ConfigurationError(
            "The certificate file must contain both the private key and its certificate.",
            code="tr_edoc.signing.incomplete_certificate",
        )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(
            "Only RSA keys are supported for UBL-TR signatures.", code="tr_edoc.signing.unsupported_key"
        )
    if key.public_key().public_numbers() != certificate.public_key().public_numbers():
        raise ConfigurationError(
            "The private key does not belong to the certificate.", code="tr_edoc.signing.key_mismatch"
        )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningCredential(key_pem=key_pem, certificate=certificate)


def load_pkcs12(data, password):
    """Open a .p12/.pfx file; a wrong password and a damaged file give the same clear error."""
    secret = password.encode() if isinstance(password, str) else password
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "The PKCS#12 certificate could not be opened: wrong password or damaged file.",
            code="tr_edoc.signing.bad_pkcs12",
        ) from exc
    return _credential(key, certificate)


def load_pem(key_pem, certificate_pem, password=None):
    """Key and certificate as Odoo's certificate module stores them (PEM)."""
    secret = password.encode() if isinstance(password, str) else password
    try:
        key = serialization.load_pem_private_key(key_pem, secret or None)
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(
            "The signing key or certificate could not be read.", code="tr_edoc.signing.bad_pem"
        ) from exc
    return _credential(key, certificate)


def distinguished_name(name):
    """RFC 4514 text with the serialNumber label Turkish certificates are read with, not a bare OID."""
    return name.rfc4514_string({x509.NameOID.SERIAL_NUMBER: "SERIALNUMBER"})


def certificate_identity(certificate):
    """``(name, vat)`` of the holder: a mali mühür carries the VKN (or TCKN) as subject serialNumber."""

    def first(oid):
        values = certificate.subject.get_attributes_for_oid(oid)
        return values[0].value if values else None

    name = first(x509.NameOID.COMMON_NAME) or first(x509.NameOID.ORGANIZATION_NAME)
    serial = first(x509.NameOID.SERIAL_NUMBER) or ""
    match = _TAX_ID.search(serial)
    return name, match.group(0) if match else None
