"""The one door through which XML from outside (integrators, mailboxes, uploads) enters the core.

Incoming documents are hostile until proven otherwise, so the rules are strict and uniform: the size is
checked before any parser sees a byte, a DOCTYPE is refused outright (UBL-TR never uses one, and every
entity or DTD attack needs one), the parser itself never resolves entities, never loads a DTD and never
touches the network, and libxml2's "huge tree" limits stay on. Every refusal is a typed error with a
stable code so callers can store it and show it.
"""

import re
from decimal import Decimal

from lxml import etree

from .errors import ParseError, XmlSecurityError

DEFAULT_MAX = 32 * 1024 * 1024
"""Large enough for an invoice with embedded PDF and XSLT, far below what would strain a worker."""

_PROLOG_SCAN = 64 * 1024

MAX_ATTRIBUTES = 256
"""Attributes one start tag may carry; a UBL element has at most a handful."""
MAX_NAMESPACE_DECLARATIONS = 1024
"""``xmlns`` declarations in a whole document; a signed UBL-TR invoice has a few dozen. Each one is
copied onto every element below it by canonicalisation and XPath, so thousands are a cost attack."""
MAX_INTEGER_DIGITS = 30
MAX_FRACTION_DIGITS = 30
"""Digits before and after the point of an ``xsd:decimal`` / ``xsd:integer`` we accept."""

_XSD_WHITESPACE = " \t\r\n"
_XSD_DECIMAL = re.compile(r"[+-]?(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))", re.ASCII)
_XSD_INTEGER = re.compile(r"[+-]?([0-9]+)", re.ASCII)
_NAMESPACE_DECLARATION = re.compile(rb"\sxmlns(?::[^\s=/>]+)?\s*=")
_WIDE_START_TAG = re.compile(
    rb"<[^\s<>/!?]+(?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*')){%d}" % (MAX_ATTRIBUTES + 1)
)
"""A start tag with more than MAX_ATTRIBUTES attributes (values cannot hold ``<``, so this is linear)."""

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

_DOCTYPE_IN_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*(?:<\?[^?]*(?:\?(?!>)[^?]*)*\?>\s*|<!--(?:[^-]|-(?!->))*-->\s*)*<!DOCTYPE",
    re.IGNORECASE,
)


def _hardened_parser(*, recover=False):
    """A fresh parser per call: lxml parsers must not be shared between threads."""
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
    )


def _ascii_compatible(data):
    """``data`` as ASCII-compatible bytes, so the byte scans below also see UTF-16/32 documents."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="ignore").encode("utf-8")
    if data[:2] in (b"\x00<", b"<\x00"):
        codec = "utf-16-be" if data[0] == 0 else "utf-16-le"
        return data.decode(codec, errors="ignore").encode("utf-8")
    return data


def _prolog(data):
    """The start of the document, ASCII-compatible, for the DOCTYPE scan."""
    return _ascii_compatible(data[:_PROLOG_SCAN])


def _refuse_doctype():
    return XmlSecurityError(
        "XML with a DOCTYPE declaration is refused: e-documents never need one.",
        code="tr_edoc.xml.doctype",
    )


def _refuse_start_tags(data):
    """Refuse start tags with thousands of attributes or namespace declarations before libxml2
    (whose duplicate-attribute check is quadratic: 50,000 attributes take seconds) or xmlsec pays."""
    if data.count(b"xmlns") > MAX_NAMESPACE_DECLARATIONS:
        declared = sum(1 for _match in _NAMESPACE_DECLARATION.finditer(data))
        if declared > MAX_NAMESPACE_DECLARATIONS:
            raise XmlSecurityError(
                f"The XML declares {declared} namespaces; at most {MAX_NAMESPACE_DECLARATIONS} are accepted.",
                code="tr_edoc.xml.too_many_namespaces",
                params={"count": declared, "max": MAX_NAMESPACE_DECLARATIONS},
            )
    if data.count(b"=") > MAX_ATTRIBUTES and _WIDE_START_TAG.search(data):
        raise XmlSecurityError(
            f"An element carries more than {MAX_ATTRIBUTES} attributes.",
            code="tr_edoc.xml.too_many_attributes",
            params={"max": MAX_ATTRIBUTES},
        )


def load_xml(data, *, max_bytes=DEFAULT_MAX):
    """Parse untrusted bytes into an lxml root element, or raise a typed error.

    ``max_bytes`` bounds the raw input; comments and processing instructions are kept because a
    signed document must stay byte-for-byte meaningful.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"load_xml expects bytes, got {type(data).__name__}")
    size = len(data)
    if size > max_bytes:
        raise XmlSecurityError(
            f"XML of {size} bytes exceeds the limit of {max_bytes} bytes.",
            code="tr_edoc.xml.too_large",
            params={"size": size, "max_bytes": max_bytes},
        )
    if not data.strip():
        raise ParseError("The XML document is empty.", code="tr_edoc.xml.empty")
    if _DOCTYPE_IN_PROLOG.match(_prolog(data)):
        raise _refuse_doctype()
    _refuse_start_tags(_ascii_compatible(data))
    try:
        root = etree.fromstring(data, parser=_hardened_parser())
    except etree.XMLSyntaxError as exc:
        root = _namespace_uri_only(data)
        if root is None:
            raise ParseError(
                f"The XML is not well-formed: {exc}",
                code="tr_edoc.xml.malformed",
                params={"line": exc.lineno, "detail": str(exc)},
            ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse_doctype()
    return root


def _only_namespace_uri_warnings(error_log):
    return len(error_log) > 0 and all(entry.type_name == "WAR_NS_URI" for entry in error_log)


def _namespace_uri_only(data):
    """The root of a document whose only flaw is a namespace name that is not a URI, else None.

    Signed invoices from some integrators declare ``xmlns:schemaLocation="… UBLTR-Invoice-2.0.xsd"`` (a
    space in a namespace name): libxml2 calls it a warning, lxml refuses it, and the signature forbids
    rewriting it. Only when that warning is the sole complaint of a second parse (its own error log; the
    exception's log also holds older entries) is the document read; the second parser keeps every guard
    (no DTD, no entities, no network, limits).
    """
    parser = _hardened_parser(recover=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return None
    if root is None or not _only_namespace_uri_warnings(parser.error_log):
        return None
    return root


def string_value(node):
    """The element's XPath string value: all its text, across comments and processing instructions.

    ``node.text`` stops at the first comment, so ``1<!---->000.00`` would read as ``1`` and a VKN
    split by a processing instruction as its first digits; the signature and the schema see it whole.
    """
    if len(node):
        return "".join(node.itertext())
    return node.text or ""


def xsd_decimal(text):
    """``text`` as a Decimal when it is an ``xsd:decimal`` lexical form of bounded size, else None.

    Only ASCII digits, one optional sign and point, no exponent, no ``_``, no ``NaN``/``Infinity``:
    Python's Decimal takes all of these and Arabic-Indic digits too, the schema none of them.
    """
    text = text.strip(_XSD_WHITESPACE)
    match = _XSD_DECIMAL.fullmatch(text)
    if match is None:
        return None
    whole, fraction, bare_fraction = match.groups()
    if len(whole or "") > MAX_INTEGER_DIGITS or len(fraction or bare_fraction or "") > MAX_FRACTION_DIGITS:
        return None
    return Decimal(text)


def xsd_integer(text):
    """``text`` as an int when it is an ``xsd:integer`` lexical form of at most MAX_INTEGER_DIGITS digits."""
    text = text.strip(_XSD_WHITESPACE)
    match = _XSD_INTEGER.fullmatch(text)
    if match is None or len(match.group(1)) > MAX_INTEGER_DIGITS:
        return None
    return int(text)


def load_xml_stream(stream, *, max_bytes=DEFAULT_MAX):
    """Read at most ``max_bytes + 1`` bytes from a binary stream, so an oversized body is never buffered."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise XmlSecurityError(
            f"XML exceeds the limit of {max_bytes} bytes.",
            code="tr_edoc.xml.too_large",
            params={"size": None, "max_bytes": max_bytes},
        )
    return load_xml(data, max_bytes=max_bytes)


def load_xml_file(path, *, max_bytes=DEFAULT_MAX):
    with open(path, "rb") as stream:
        return load_xml_stream(stream, max_bytes=max_bytes)


def expect_root(root, *allowed_qnames):
    """Check the root element against Clark names (``{namespace}local``); return the matching one.

    A document with the right local name in the wrong namespace is refused too: that is how a
    lookalike (e.g. a plain UBL 2.1 file from another country, or an envelope) would slip through.
    """
    if not allowed_qnames:
        raise ValueError("expect_root needs at least one allowed qualified name")
    tag = root.tag
    if tag in allowed_qnames:
        return tag
    qname = etree.QName(root)
    expected = ", ".join(allowed_qnames)
    if any(etree.QName(q).localname == qname.localname for q in allowed_qnames):
        raise ParseError(
            f"Root element {qname.localname} is in namespace {qname.namespace!r}; "
            f"expected one of {expected}.",
            code="tr_edoc.xml.wrong_namespace",
            params={"found": tag, "expected": list(allowed_qnames)},
        )
    raise ParseError(
        f"Unexpected root element {tag!r}; expected one of {expected}.",
        code="tr_edoc.xml.wrong_root",
        params={"found": tag, "expected": list(allowed_qnames)},
    )


def load_xslt(data, *, max_bytes=DEFAULT_MAX):
    """Compile an untrusted stylesheet (e.g. the one embedded in an invoice) that can read no file or URL."""
    root = load_xml(data, max_bytes=max_bytes)
    expect_root(
        root,
        "{http://www.w3.org/1999/XSL/Transform}stylesheet",
        "{http://www.w3.org/1999/XSL/Transform}transform",
    )
    try:
        return etree.XSLT(root, access_control=etree.XSLTAccessControl.DENY_ALL)
    except etree.XSLTParseError as exc:
        raise ParseError(
            f"The stylesheet does not compile: {exc}",
            code="tr_edoc.xml.xslt_invalid",
            params={"detail": str(exc)},
        ) from exc
