"""UBL 2.1 namespaces and the text writer every builder shares.

Documents are written as escaped text, not as lxml elements: an invoice of 20 lines is some 550
elements, and creating them in lxml cost more than building the whole text. The bytes are exactly
those ``etree.tostring`` gave for the same elements (same escaping, same ``<x/>``/``<x></x>``
forms), and a string lxml would refuse is refused with lxml's error.
"""

import re
from decimal import Decimal

from lxml import etree

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
DESPATCH_ADVICE = "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2"
RECEIPT_ADVICE = "urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2"
APPLICATION_RESPONSE = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
# Our own namespace: only for the placeholder the signer replaces with ds:Signature.
EDOC = "urn:l10n-tr-edoc:unsigned"
SIGNATURE_PLACEHOLDER = f"{{{EDOC}}}SignaturePlaceholder"

_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
_PREFIXES = (("cac", CAC), ("cbc", CBC), ("ext", EXT), ("ds", DS), ("xades", XADES))
_EXTENSIONS = (
    "<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent>"
    f'<ns0:SignaturePlaceholder xmlns:ns0="{EDOC}"/>'
    "</ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
)
"""The ``ext:UBLExtensions`` the XSD requires; the signer swaps the placeholder for ``ds:Signature``."""

# What lxml refuses (XML 1.0 forbids it), and what it escapes in text and in attribute values.
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML_RE = re.compile(f"[{_NOT_XML}]")
_TEXT_SPECIAL = re.compile(f"[&<>\r{_NOT_XML}]")
_ATTRIBUTE_SPECIAL = re.compile(f'[&<>"\t\n\r{_NOT_XML}]')


def _xml_compatible(value):
    if _NOT_XML_RE.search(value):
        value.encode("utf-8")  # a lone surrogate: lxml's UnicodeEncodeError, from the same call
        raise ValueError(
            "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
        )


def escape_text(value):
    if value.isalnum() or _TEXT_SPECIAL.search(value) is None:  # no letter or digit is special or refused
        return value
    _xml_compatible(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escape_attribute(value):
    if value.isalnum() or _ATTRIBUTE_SPECIAL.search(value) is None:
        return value
    _xml_compatible(value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def text(value):
    """UBL lexical form of what is neither a string nor a Decimal: booleans, ISO dates, HH:MM:SS times."""
    if value.__class__ is bool:
        return "true" if value else "false"
    if hasattr(value, "as_tuple"):
        return format(value, "f")
    if hasattr(value, "hour"):
        return value.strftime("%H:%M:%S")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _content(value):
    """Escaped text of a value. A Decimal is written without exponent: ``str`` is three times cheaper
    than ``format(value, "f")`` and gives the same text whenever it has no exponent."""
    kind = value.__class__
    if kind is Decimal:
        lexical = str(value)
        return format(value, "f") if "E" in lexical else lexical
    if kind is str:
        return escape_text(value)
    return escape_text(text(value))


# An element being written is a list: its start tag, then its content, each child either a finished
# ``cbc`` element (a string) or a ``cac`` element (a list). Children can be appended in any order, as
# with lxml; ``finish`` writes the tree out once.


def root_element(tag, document_ns):
    prefixes = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in _PREFIXES)
    return [f'<{tag} xmlns="{document_ns}"{prefixes}>']


def add_extensions(root):
    root.append(_EXTENSIONS)


class _Tags(dict):
    """Tags made once per element name (``cac:x`` start tags, and the end tag of each start tag)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        tag = self[key] = self.make(key)
        return tag


_CAC_START = _Tags(lambda name: f"<cac:{name}>")
_END = _Tags(lambda start: "</" + start[1:])


def _write(element, append):
    if len(element) == 1:
        append(element[0][:-1] + "/>")
        return
    for child in element:  # the start tag first, a string like the finished children
        if child.__class__ is str:
            append(child)
        else:
            _write(child, append)
    append(_END[element[0]])


def finish(root):
    """The document's bytes: UTF-8 after lxml's XML declaration."""
    out = [_DECLARATION]
    append = out.append
    for child in root:
        if child.__class__ is str:
            append(child)
        else:
            _write(child, append)
    start = root[0]
    append(f"</{start[1 : start.index(' ')]}>")
    return "".join(out).encode("utf-8")


def cbc(parent, name, value, **attrs):
    """Append ``cbc:name`` unless the value is missing; attributes with ``None`` are dropped."""
    if value is None:
        return
    kind = value.__class__
    if kind is Decimal:  # _content, inlined: this is the builders' most frequent call
        content = str(value)
        if "E" in content:
            content = format(value, "f")
    elif kind is str:
        if not value:
            return
        content = escape_text(value)
    else:
        content = escape_text(text(value))
    if attrs:
        attributes = ""
        for key, attribute in attrs.items():
            if attribute is not None:
                attributes += f' {key}="{escape_attribute(attribute)}"'
        parent.append(f"<cbc:{name}{attributes}>{content}</cbc:{name}>")
    else:
        parent.append(f"<cbc:{name}>{content}</cbc:{name}>")


def cbc_required(parent, name, value):
    """``cbc:name`` even when the value is missing (``<cbc:name></cbc:name>``): the XSD wants it."""
    parent.append(f"<cbc:{name}>{escape_text(value or '')}</cbc:{name}>")


def cac(parent, name):
    element = [_CAC_START[name]]
    parent.append(element)
    return element


def amount(parent, name, value, currency):
    """``cbc:name`` with its currencyID."""
    if value is None:
        return
    if value.__class__ is Decimal:  # _content, inlined as in cbc
        content = str(value)
        if "E" in content:
            content = format(value, "f")
    elif value.__class__ is str and not value:
        return
    else:
        content = _content(value)
    if currency is None:
        parent.append(f"<cbc:{name}>{content}</cbc:{name}>")
    else:
        parent.append(f'<cbc:{name} currencyID="{escape_attribute(currency)}">{content}</cbc:{name}>')


def as_tree(data):
    """An lxml root of bytes we wrote, serialising back to the same bytes.

    Parsing turns ``<cbc:x></cbc:x>`` into an element without text, which lxml writes ``<cbc:x/>``;
    every ``cbc`` element we write has text, so the empty string is put back. Our own bytes hold no
    DTD; entities and the network stay off anyway, and large embedded attachments are allowed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.fromstring(data, parser)
    for element in root.iter(f"{{{CBC}}}*"):
        if element.text is None:
            element.text = ""
    return root
