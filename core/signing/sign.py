"""Enveloped XAdES-BES signature in ``ext:UBLExtensions``, shaped the way GİB's schematron checks it."""

import base64
import copy
import hashlib
from datetime import UTC, datetime

from lxml import etree

from ..errors import EdocError
from ..ubl.namespaces import CAC, CBC, EXT, SIGNATURE_PLACEHOLDER
from ..ubl.serialize import serialize
from ..validation._doc import as_root
from ._xmlsec import xmlsec
from .constants import (
    C14N,
    DS,
    ENVELOPED,
    RSA_SHA256,
    SHA256,
    SIGNED_PROPERTIES_TYPE,
    XADES,
    ds,
    xades,
)
from .credentials import distinguished_name

_CONTENT_PATH = f"{{{EXT}}}UBLExtensions/{{{EXT}}}UBLExtension/{{{EXT}}}ExtensionContent"
_URI_PATH = f"{{{CAC}}}Signature/{{{CAC}}}DigitalSignatureAttachment/{{{CAC}}}ExternalReference/{{{CBC}}}URI"


def _slot(root):
    """The placeholder the builder left; a document that is already signed is never signed twice."""
    contents = root.findall(_CONTENT_PATH)
    if any(content.find(ds("Signature")) is not None for content in contents):
        raise EdocError(
            "The document is already signed.", code="tr_edoc.signing.already_signed", params={"path": "/"}
        )
    for content in contents:
        placeholder = content.find(SIGNATURE_PLACEHOLDER)
        if placeholder is not None:
            return placeholder
    raise EdocError(
        "The document has no signature placeholder in ext:UBLExtensions; build it with core.ubl.",
        code="tr_edoc.signing.no_slot",
    )


def _signature_id(root):
    """``cac:Signature`` already points at ``#Signature_<ID>``; the ds:Signature takes that Id."""
    uri = (root.findtext(_URI_PATH) or "").strip()
    if uri.startswith("#") and len(uri) > 1:
        return uri[1:]
    return f"Signature_{root.findtext(f'{{{CBC}}}ID') or 'document'}"


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _reference(signed_info, uri, *, transforms=(), **attrs):
    reference = _sub(signed_info, ds("Reference"), URI=uri, **attrs)
    if transforms:
        holder = _sub(reference, ds("Transforms"))
        for algorithm in transforms:
            _sub(holder, ds("Transform"), Algorithm=algorithm)
    _sub(reference, ds("DigestMethod"), Algorithm=SHA256)
    _sub(reference, ds("DigestValue"))


def _signed_properties(qualifying, properties_id, credential, signing_time):
    certificate = credential.certificate
    properties = _sub(qualifying, xades("SignedProperties"), Id=properties_id)
    signature_properties = _sub(properties, xades("SignedSignatureProperties"))
    _sub(signature_properties, xades("SigningTime"), signing_time.isoformat(timespec="seconds"))
    cert = _sub(_sub(signature_properties, xades("SigningCertificate")), xades("Cert"))
    digest = _sub(cert, xades("CertDigest"))
    _sub(digest, ds("DigestMethod"), Algorithm=SHA256)
    _sub(
        digest,
        ds("DigestValue"),
        base64.b64encode(hashlib.sha256(credential.certificate_der).digest()).decode(),
    )
    issuer_serial = _sub(cert, xades("IssuerSerial"))
    _sub(issuer_serial, ds("X509IssuerName"), distinguished_name(certificate.issuer))
    _sub(issuer_serial, ds("X509SerialNumber"), str(certificate.serial_number))


def _template(signature_id, credential, signing_time):
    properties_id = f"SignedProperties_{signature_id}"
    signature = etree.Element(ds("Signature"), {"Id": signature_id}, nsmap={"ds": DS})
    signed_info = _sub(signature, ds("SignedInfo"))
    _sub(signed_info, ds("CanonicalizationMethod"), Algorithm=C14N)
    _sub(signed_info, ds("SignatureMethod"), Algorithm=RSA_SHA256)
    _reference(signed_info, "", transforms=(ENVELOPED,), Id=f"Reference_{signature_id}")
    _reference(signed_info, f"#{properties_id}", Type=SIGNED_PROPERTIES_TYPE)
    _sub(signature, ds("SignatureValue"), Id=f"SignatureValue_{signature_id}")
    x509_data = _sub(_sub(signature, ds("KeyInfo")), ds("X509Data"))
    _sub(x509_data, ds("X509SubjectName"), distinguished_name(credential.certificate.subject))
    _sub(x509_data, ds("X509Certificate"), base64.b64encode(credential.certificate_der).decode())
    qualifying = etree.SubElement(
        _sub(signature, ds("Object")),
        xades("QualifyingProperties"),
        {"Target": f"#{signature_id}"},
        nsmap={"xades": XADES},
    )
    _signed_properties(qualifying, properties_id, credential, signing_time)
    return signature


def sign_document(xml, credential, *, signing_time=None):
    """Sign a UBL-TR document built by core.ubl and return the signed bytes.

    The signature replaces the builder's placeholder; the returned bytes are the ones to send and
    archive, because any re-serialisation after signing could break the digest.
    """
    root = copy.deepcopy(as_root(xml))
    module = xmlsec()
    signing_time = signing_time or datetime.now(UTC).replace(microsecond=0)
    if signing_time.tzinfo is None:
        raise ValueError("signing_time must be timezone-aware")
    placeholder = _slot(root)
    signature = _template(_signature_id(root), credential, signing_time)
    placeholder.getparent().replace(placeholder, signature)
    module.tree.add_ids(root, ["Id"])
    context = module.SignatureContext()
    try:
        context.key = module.Key.from_memory(credential.key_pem, module.constants.KeyDataFormatPem)
        context.sign(signature)
    except module.Error as exc:
        raise EdocError(f"xmlsec could not sign the document: {exc}", code="tr_edoc.signing.failed") from exc
    return serialize(root)
