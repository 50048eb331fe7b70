"""UBL-TR documents to HTML: the sender's own stylesheet when it is safe, ours otherwise.

GİB wants every document shown through the XSLT it carries. A sender's stylesheet is an untrusted
program: ``safety.check_stylesheet`` allows only known XSLT 1.0 elements and functions,
``isolate.transform_in_child`` runs it in a child process under CPU-time, memory and wall-clock limits,
and ``sanitize.sanitize_html`` reparses its *whole* output as HTML and keeps an allow-list, so showing it
can neither run a sender's code nor call a sender's server. If any step refuses or fails, the document
is still shown through our template (``invoice.xslt`` / ``despatch.xslt``) and the refusal is returned
so the caller can say why.
"""

import base64
import binascii
import functools
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..documents import Attachment, DespatchAdvice
from ..errors import EdocError, ParseError
from ..qr import qr_payload
from ..qr import qr_png as make_qr_png
from ..ubl.parse import DESPATCH_ADVICE, INVOICE, parse_document
from ..xmlsafe import DEFAULT_MAX, load_xml
from .isolate import LIMITS, transform_in_child
from .safety import MAX_XSLT_BYTES, XSL, check_stylesheet
from .sanitize import sanitize_html

_HERE = Path(__file__).resolve().parent
_TEMPLATES = {INVOICE: "invoice.xslt", DESPATCH_ADVICE: "despatch.xslt"}
QR_PARAM = "tr_edoc_qr_png"
LOGO_PARAM = "tr_edoc_logo_png"

_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

OURS = "ours"
EMBEDDED = "embedded"
GIVEN = "given"


@dataclass(frozen=True, slots=True)
class Rendering:
    """``template`` is ``embedded`` (the document's own), ``given`` (the caller's) or ``ours``;
    ``refusal`` says why a stylesheet that was tried was not used."""

    html: str
    template: str
    refusal: EdocError | None = None


def our_xslt(kind="invoice"):
    """The bytes of our template for ``invoice`` or ``despatch``."""
    name = {"invoice": "invoice.xslt", "despatch": "despatch.xslt"}[kind]
    return (_HERE / name).read_bytes()


@functools.cache
def _our_transform(filename):
    return etree.XSLT(etree.parse(str(_HERE / filename)), access_control=etree.XSLTAccessControl.DENY_ALL)


def _b64(png):
    return base64.b64encode(png).decode("ascii") if png else ""


def embedded_xslt(document, *, logo_png=None, with_qr=True):
    """Our template for ``document`` (an ``Invoice`` or ``DespatchAdvice``), ready to embed in it.

    A viewer that runs the embedded stylesheet passes no parameters, so the document's own Karekod
    (and the optional logo) are baked in as the parameters' defaults: GİB's viewer and the receiver's
    integrator then print the real QR image. Without ``with_qr`` the viewer prints the payload text.
    """
    kind = "despatch" if isinstance(document, DespatchAdvice) else "invoice"
    defaults = {
        QR_PARAM: _b64(make_qr_png(qr_payload(document))) if with_qr else "",
        LOGO_PARAM: _b64(logo_png),
    }
    stylesheet = _template_with_slots(kind)
    for name, value in defaults.items():
        stylesheet = stylesheet.replace(_slot(name), value.encode("ascii"))
    return stylesheet


def _slot(name):
    return f"@@{name}@@".encode("ascii")


@functools.cache
def _template_with_slots(kind):
    """Our template serialised once, with a slot where each baked-in default goes (base64 needs no
    escaping in an attribute, so filling the slots gives the bytes serialising the filled tree would)."""
    root = etree.fromstring(our_xslt(kind))
    for param in root.iterchildren(f"{{{XSL}}}param"):
        if param.get("name") in (QR_PARAM, LOGO_PARAM):
            param.set("select", f"'{_slot(param.get('name')).decode('ascii')}'")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def xslt_attachment(document, **kwargs):
    """The ``Attachment`` for the builders' ``xslt`` slot, named after the document number."""
    return Attachment(
        content=embedded_xslt(document, **kwargs),
        filename=f"{document.id}.xslt",
        mime_code="application/xml",
    )


def _embedded_stylesheet(root):
    """The base64-decoded stylesheet the document carries, or ``None``."""
    for ref in root.iterfind("cac:AdditionalDocumentReference", _NS):
        binary = ref.find("cac:Attachment/cbc:EmbeddedDocumentBinaryObject", _NS)
        if binary is None:
            continue
        kind = (ref.findtext("cbc:DocumentType", "", _NS) or "").strip().upper()
        filename = (binary.get("filename") or "").lower()
        if kind == "XSLT" or filename.endswith((".xslt", ".xsl")):
            try:
                return base64.b64decode("".join((binary.text or "").split()), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ParseError(
                    "The embedded stylesheet is not valid base64.", code="tr_edoc.xslt.base64"
                ) from exc
    return None


def _declared_params(transform_root):
    return {p.get("name") for p in transform_root.iterchildren(f"{{{XSL}}}param")}


def _run(transform, root, params):
    """Our own template, run in-process: it is ours, so it needs no sandbox."""
    try:
        result = transform(root, **{k: etree.XSLT.strparam(v) for k, v in params.items()})
    except etree.XSLTApplyError as exc:
        raise ParseError(
            f"The stylesheet failed while rendering: {exc}",
            code="tr_edoc.xslt.failed",
            params={"detail": str(exc)},
        ) from exc
    if result.getroot() is None:
        raise ParseError("The stylesheet produced no HTML.", code="tr_edoc.xslt.empty")
    return result


def _try_foreign(data, xml_bytes, params, limits):
    """A sender's stylesheet: checked statically, run in a limited child, its whole output sanitised."""
    stylesheet = load_xml(data, max_bytes=MAX_XSLT_BYTES)
    check_stylesheet(stylesheet)
    declared = _declared_params(stylesheet)
    output = transform_in_child(
        data, xml_bytes, {k: v for k, v in params.items() if k in declared and v}, limits=limits
    )
    return sanitize_html(output)


def _our_qr(xml_bytes):
    """Our Karekod PNG for the document, or ``None`` if it cannot be read as a document (then the
    template prints the payload as text instead of losing the page)."""
    try:
        return make_qr_png(qr_payload(parse_document(xml_bytes)))
    except ParseError:
        return None


def render_html(
    xml_bytes,
    *,
    xslt=None,
    qr_png=None,
    logo_png=None,
    use_embedded=True,
    max_bytes=DEFAULT_MAX,
    limits=LIMITS,
):
    """Render an invoice or despatch advice to HTML; return a ``Rendering``.

    ``xslt`` is a stylesheet to use instead of the embedded one; ``use_embedded=False`` goes straight to
    ours (preview and our own PDF). ``qr_png``/``logo_png`` are PNG bytes passed to stylesheets that
    declare our parameters; ours computes the QR itself when none is given. ``limits`` bound the run
    of a sender's stylesheet (``isolate.Limits``).
    """
    root = load_xml(xml_bytes, max_bytes=max_bytes)
    params = {QR_PARAM: _b64(qr_png), LOGO_PARAM: _b64(logo_png)}
    refusal = None
    source = GIVEN if xslt is not None else EMBEDDED
    try:
        candidate = xslt if xslt is not None else (_embedded_stylesheet(root) if use_embedded else None)
        if candidate is not None:
            return Rendering(_try_foreign(candidate, xml_bytes, params, limits), source)
    except EdocError as exc:
        refusal = exc
    template = _TEMPLATES.get(root.tag)
    if template is None:
        raise ParseError(
            f"No display template for {etree.QName(root).localname}.",
            code="tr_edoc.render.unsupported",
            params={"root": root.tag},
        ) from refusal
    if not params[QR_PARAM]:
        params[QR_PARAM] = _b64(_our_qr(xml_bytes))
    result = _run(_our_transform(template), root, params)
    return Rendering(str(result), OURS, refusal)
