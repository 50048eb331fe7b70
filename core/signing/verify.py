"""Check an existing UBL-TR signature: digests, signature value, certificate and XAdES signing time.

xmlsec gives the verdict on the XML-DSig core; when it says no, the references and the signature value
are recomputed here one by one, so the user learns *what* changed, not only that something did.
Certificate trust (the chain up to a Turkish root) is not judged: GİB and the integrator do that.

A verdict says what it covers. The enveloped signature covers the whole document *except the
signature element itself*, so anything a sender tucks into ``ds:Signature`` (a second ``Invoice`` in a
``ds:Object``, for instance) is unsigned yet parseable and renderable: such a signature is invalid.
And a seal proves who sealed, not who sold: a certificate whose subject VKN/TCKN is not the issuing
party's is reported as ``other_signer``, never as ``valid``.
"""

import base64
import copy
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from ..errors import _lt
from ..ubl.namespaces import DS, XADES
from ..ubl.parse import sender_tax_ids
from ..validation._doc import as_root
from ..validation.issue import Issue
from ._xmlsec import xmlsec
from .constants import (
    C14N,
    CANONICALIZATIONS,
    DIGESTS,
    ENVELOPED,
    NS,
    RSA_SHA256,
    ds,
)
from .credentials import certificate_identity, distinguished_name
from .sign import _CONTENT_PATH

VALID, INVALID, ABSENT, OTHER_SIGNER = "valid", "invalid", "absent", "other_signer"
XADES_141 = "http://uri.etsi.org/01903/v1.4.1#"
_SIGNATURE_HASHES = {
    RSA_SHA256: hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": hashes.SHA1,
}
_ALLOWED_TRANSFORMS = {ENVELOPED, *CANONICALIZATIONS}
_CLOCK_SKEW = timedelta(minutes=5)
_SIG = "ds:Signature"


@dataclass(frozen=True)
class SignatureVerification:
    """What the user needs to see: the verdict, who signed and when, and every problem found."""

    status: str
    signer_name: str | None = None
    signer_vat: str | None = None
    signer_subject: str | None = None
    certificate_serial: str | None = None
    certificate_not_before: datetime | None = None
    certificate_not_after: datetime | None = None
    signing_time: datetime | None = None
    issues: tuple = ()

    @property
    def valid(self):
        return self.status == VALID


def _issue(code, path, message, **params):
    return Issue(
        code=f"tr_edoc.signing.{code}", path=path, message=message, params=params, source="signature"
    )


def _text(element, path):
    value = element.findtext(path, namespaces=NS)
    return "".join(value.split()) if value else None


def _certificate(signature):
    encoded = _text(signature, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
    if not encoded:
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(encoded))
    except ValueError:
        return None


def _parse_time(value):
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _by_id(root, identifier):
    found = root.xpath("//*[@Id=$id or @ID=$id or @id=$id]", id=identifier)
    return found[0] if len(found) == 1 else None


def _lineage(element, root):
    """(child, parent) pairs from ``element`` up to ``root``."""
    while element is not root:
        parent = element.getparent()
        yield element, parent
        element = parent


def _without(root, signature):
    """The document as the enveloped-signature transform sees it: signature gone, neighbouring text kept."""
    steps = [parent.index(child) for child, parent in _lineage(signature, root)]
    document = copy.deepcopy(root)
    target = document
    for step in reversed(steps):
        target = target[step]
    tail, previous, parent = target.tail or "", target.getprevious(), target.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(target)
    return document


def _reference_digest(reference, root, signature):
    """Recompute one reference's digest, or None when its shape is beyond the transforms we support."""
    uri = reference.get("URI")
    algorithms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)]
    digest_name = DIGESTS.get(reference.find("ds:DigestMethod", NS).get("Algorithm"))
    if digest_name is None or any(a not in _ALLOWED_TRANSFORMS for a in algorithms):
        return None
    if uri == "":
        target = _without(root, signature) if ENVELOPED in algorithms else root
    elif uri and uri.startswith("#"):
        target = _by_id(root, uri[1:])
        if target is None:
            return None
        if ENVELOPED in algorithms and signature in target.iterancestors(_SIG, namespaces=NS):
            return None
    else:
        return None
    c14n = next((CANONICALIZATIONS[a] for a in reversed(algorithms) if a in CANONICALIZATIONS), None)
    options = c14n or CANONICALIZATIONS[C14N]
    octets = etree.tostring(target, method="c14n", **options)
    return base64.b64encode(hashlib.new(digest_name, octets).digest()).decode()


def _reference_label(uri, root):
    if uri == "":
        return "the whole document except the signature"
    target = _by_id(root, uri[1:]) if uri and uri.startswith("#") else None
    return f"element {etree.QName(target).localname} ({uri})" if target is not None else uri


def _locate_failure(root, signature, certificate):
    """Say which reference no longer matches, or that the signature value itself is wrong."""
    issues = []
    signed_info = signature.find("ds:SignedInfo", NS)
    for index, reference in enumerate(signed_info.findall("ds:Reference", NS), start=1):
        uri = reference.get("URI")
        path = f"{_SIG}/ds:SignedInfo/ds:Reference[{index}]"
        expected = _text(reference, "ds:DigestValue")
        actual = _reference_digest(reference, root, signature)
        if actual is not None and actual != expected:
            issues.append(
                _issue(
                    "digest_mismatch",
                    path,
                    f"The digest of {_reference_label(uri, root)} does not match: changed after signing.",
                    uri=uri,
                    expected=expected,
                    actual=actual,
                )
            )
    if issues:
        return issues
    method = signed_info.find("ds:CanonicalizationMethod", NS).get("Algorithm")
    hash_class = _SIGNATURE_HASHES.get(signed_info.find("ds:SignatureMethod", NS).get("Algorithm"))
    if method in CANONICALIZATIONS and hash_class is not None:
        octets = etree.tostring(signed_info, method="c14n", **CANONICALIZATIONS[method])
        try:
            value = base64.b64decode(_text(signature, "ds:SignatureValue") or "")
            certificate.public_key().verify(value, octets, padding.PKCS1v15(), hash_class())
        except (InvalidSignature, ValueError, TypeError):
            return [
                _issue(
                    "signature_value_mismatch",
                    f"{_SIG}/ds:SignatureValue",
                    "The signature value does not match the signed information or the embedded certificate.",
                )
            ]
    return []


def _shape_issues(signature):
    """References xmlsec must never follow: only same-document URIs and plain transforms are accepted."""
    issues = []
    for index, reference in enumerate(signature.findall("ds:SignedInfo/ds:Reference", NS), start=1):
        uri = reference.get("URI")
        path = f"{_SIG}/ds:SignedInfo/ds:Reference[{index}]"
        if uri is None or not (uri == "" or uri.startswith("#")):
            issues.append(
                _issue("external_reference", path, "The signature refers outside the document.", uri=uri)
            )
        for transform in reference.findall("ds:Transforms/ds:Transform", NS):
            if transform.get("Algorithm") not in _ALLOWED_TRANSFORMS:
                issues.append(
                    _issue(
                        "unsupported_transform",
                        path,
                        "The signature uses a transform that is not accepted.",
                        algorithm=transform.get("Algorithm"),
                    )
                )
    return issues


def _unsigned_content_issues(signature):
    """Content inside the signature that no reference covers and that is not XML-DSig/XAdES itself."""
    issues = []
    for index, obj in enumerate(signature.findall("ds:Object", NS), start=1):
        children = [child for child in obj if isinstance(child.tag, str)]
        if [child.tag for child in children] != [f"{{{XADES}}}QualifyingProperties"]:
            issues.append(
                _issue(
                    "unsigned_content",
                    f"{_SIG}/ds:Object[{index}]",
                    _lt("The signature carries unsigned content: a ds:Object holds more than XAdES data."),
                    found=[etree.QName(child).localname for child in children][:10],
                )
            )
    for element in signature.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace not in (DS, XADES, XADES_141):
            issues.append(
                _issue(
                    "unsigned_content",
                    _SIG,
                    _lt("The signature carries unsigned content that is not part of XML signatures."),
                    element=element.tag,
                )
            )
            break
    return issues


def _signer_issues(root, vat):
    """The seal's VKN/TCKN against the issuing party's: a mismatch is named, not passed as valid."""
    expected = sender_tax_ids(root)
    if not expected or vat in expected:
        return []
    return [
        _issue(
            "signer_not_supplier",
            f"{_SIG}/ds:KeyInfo/ds:X509Data/ds:X509Certificate",
            _lt("The document is sealed with a certificate of another party than its issuer."),
            signer_vat=vat,
            supplier_vat=sorted(expected),
        )
    ]


def _xmlsec_verdict(root, signature, certificate):
    """None when xmlsec accepts the signature core, else its error text."""
    module = xmlsec()
    module.tree.add_ids(root, ["Id"])
    context = module.SignatureContext()
    # Once one transform is enabled, xmlsec refuses every other one (XSLT, XPath, ...) in references.
    for name in (
        "Enveloped",
        "InclC14N",
        "InclC14NWithComments",
        "ExclC14N",
        "ExclC14NWithComments",
        "Sha1",
        "Sha224",
        "Sha256",
        "Sha384",
        "Sha512",
    ):
        context.enable_reference_transform(getattr(module.constants, f"Transform{name}"))
    try:
        context.key = module.Key.from_memory(
            certificate.public_bytes(Encoding.PEM), module.constants.KeyDataFormatCertPem
        )
        context.verify(signature)
    except module.Error as exc:
        return str(exc) or type(exc).__name__
    return None


def _xades_issues(root, signature, certificate, signing_time, now):
    issues = []
    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    if sum(1 for r in references if r.get("URI") == "") != 1:
        issues.append(
            _issue(
                "document_not_covered",
                f"{_SIG}/ds:SignedInfo",
                "The signature must cover the whole document through exactly one reference with URI ''.",
            )
        )
    properties = signature.find("ds:Object/xades:QualifyingProperties/xades:SignedProperties", NS)
    properties_path = f"{_SIG}/ds:Object/xades:QualifyingProperties/xades:SignedProperties"
    if properties is None or not any(r.get("URI") == f"#{properties.get('Id')}" for r in references):
        issues.append(
            _issue(
                "properties_not_signed",
                properties_path,
                "The XAdES signed properties are missing or not signed.",
            )
        )
        return issues
    signed = "xades:SignedSignatureProperties"
    cert_path = f"{properties_path}/{signed}/xades:SigningCertificate/xades:Cert/xades:CertDigest"
    cert_digest = properties.find(f"{signed}/xades:SigningCertificate/xades:Cert/xades:CertDigest", NS)
    method = cert_digest.find("ds:DigestMethod", NS) if cert_digest is not None else None
    digest_name = DIGESTS.get(method.get("Algorithm")) if method is not None else None
    der = certificate.public_bytes(Encoding.DER)
    if (
        digest_name is None
        or _text(cert_digest, "ds:DigestValue")
        != base64.b64encode(hashlib.new(digest_name, der).digest()).decode()
    ):
        issues.append(
            _issue(
                "certificate_mismatch",
                cert_path,
                "The signing certificate named in the signed properties is not the one in the signature.",
            )
        )
    time_path = f"{properties_path}/{signed}/xades:SigningTime"
    if signing_time is None:
        issues.append(_issue("signing_time_missing", time_path, "The signing time is missing or unreadable."))
        return issues
    if not certificate.not_valid_before_utc <= signing_time <= certificate.not_valid_after_utc:
        issues.append(
            _issue(
                "certificate_not_valid_at_signing",
                time_path,
                "The certificate was not valid at the signing time.",
                signing_time=signing_time.isoformat(),
                not_before=certificate.not_valid_before_utc.isoformat(),
                not_after=certificate.not_valid_after_utc.isoformat(),
            )
        )
    if signing_time > now + _CLOCK_SKEW:
        issues.append(
            _issue(
                "signing_time_in_future",
                time_path,
                "The signing time lies in the future.",
                signing_time=signing_time.isoformat(),
            )
        )
    return issues


def verify_document(xml, *, now=None):
    """Verify the signature in ``ext:UBLExtensions``; untrusted bytes go through the hardened parser.

    Returns a :class:`SignatureVerification`; ``status`` is ``absent`` when the document carries no
    signature, ``invalid`` with at least one issue when anything does not hold, ``other_signer`` (with
    the ``signer_not_supplier`` issue) when the signature holds but the seal is not the issuer's.
    """
    root = as_root(xml)
    now = now or datetime.now(UTC)
    signatures = [s for content in root.findall(_CONTENT_PATH) for s in content.findall(ds("Signature"))]
    if not signatures:
        return SignatureVerification(status=ABSENT)
    signature = signatures[0]
    certificate = _certificate(signature)
    if certificate is None:
        return SignatureVerification(
            status=INVALID,
            issues=(
                _issue(
                    "certificate_missing",
                    f"{_SIG}/ds:KeyInfo/ds:X509Data/ds:X509Certificate",
                    "The signature carries no readable X.509 certificate.",
                ),
            ),
        )
    name, vat = certificate_identity(certificate)
    signing_time = _parse_time(
        _text(
            signature,
            "ds:Object/xades:QualifyingProperties/xades:SignedProperties/"
            "xades:SignedSignatureProperties/xades:SigningTime",
        )
    )
    issues = _shape_issues(signature) + _unsigned_content_issues(signature)
    if len(signatures) > 1:
        issues.append(_issue("several_signatures", _SIG, "The document carries more than one signature."))
    if not issues:
        failure = _xmlsec_verdict(root, signature, certificate)
        if failure is not None:
            issues += _locate_failure(root, signature, certificate) or [
                _issue(
                    "signature_invalid", _SIG, f"The signature does not verify: {failure}.", detail=failure
                )
            ]
        issues += _xades_issues(root, signature, certificate, signing_time, now)
    status = INVALID if issues else VALID
    if status == VALID:
        issues = _signer_issues(root, vat)
        status = OTHER_SIGNER if issues else VALID
    return SignatureVerification(
        status=status,
        signer_name=name,
        signer_vat=vat,
        signer_subject=distinguished_name(certificate.subject),
        certificate_serial=str(certificate.serial_number),
        certificate_not_before=certificate.not_valid_before_utc,
        certificate_not_after=certificate.not_valid_after_utc,
        signing_time=signing_time,
        issues=tuple(issues),
    )
