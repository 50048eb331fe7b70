"""XAdES-BES signatures for UBL-TR documents: sign where the account signs client-side, verify what arrives.

xmlsec is imported only when a signature is made or checked, so the rest of the core runs without it.
"""

from .credentials import SigningCredential, certificate_identity, load_pem, load_pkcs12
from .sign import sign_document
from .verify import SignatureVerification, verify_document

__all__ = [
    "SignatureVerification",
    "SigningCredential",
    "certificate_identity",
    "load_pem",
    "load_pkcs12",
    "sign_document",
    "verify_document",
]
