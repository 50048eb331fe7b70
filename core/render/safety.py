"""Static checks that make a sender's stylesheet safe to run before lxml ever compiles it.

``core.xmlsafe.load_xslt`` already refuses DOCTYPEs and entities and compiles with libxslt's
access control set to deny every file and network access. Incoming stylesheets are still written
by strangers, so anything that could reach outside the document is refused up front rather than left
to fail (or not) at run time: ``xsl:import``/``xsl:include``, extension elements, extension functions
(except the harmless ``node-set``) and ``document()``. An unknown function without a prefix is left to
libxslt: it cannot be an extension, and it only fails the run (then our template is used).
The size is bounded before parsing.
"""

import re

from lxml import etree

from ..errors import XmlSecurityError
from ..xmlsafe import load_xml, load_xslt

XSL = "http://www.w3.org/1999/XSL/Transform"

MAX_XSLT_BYTES = 4 * 1024 * 1024
"""Integrator templates with an embedded logo stay well under 1 MB; GİB's own samples are ~200 kB."""

_READING_FUNCTIONS = frozenset(
    ("document", "doc", "doc-available", "collection", "unparsed-text", "unparsed-text-lines")
)
"""Functions that load other resources: ``document()`` in XSLT 1.0, the rest for an XSLT 2+ viewer."""

_HARMLESS_EXTENSIONS = frozenset(
    (
        ("http://exslt.org/common", "node-set"),
        ("http://exslt.org/common", "object-type"),
        ("urn:schemas-microsoft-com:xslt", "node-set"),
    )
)

_EXPRESSION_ATTRIBUTES = frozenset(("select", "test", "match", "use", "value", "count", "from"))

_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_CALL = re.compile(r"(?<![\w.:$-])([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")
_AVT = re.compile(r"\{([^{}]*)\}")


def _refuse(reason, message, **params):
    return XmlSecurityError(message, code=f"tr_edoc.xslt.{reason}", params=params)


def _expressions(root):
    """Every XPath expression of the stylesheet with the element it belongs to."""
    for el in root.iter(etree.Element):
        is_xsl = etree.QName(el).namespace == XSL
        for name, value in el.attrib.items():
            if is_xsl and name in _EXPRESSION_ATTRIBUTES:
                yield el, value
            elif "{" in value:
                for avt in _AVT.findall(value.replace("{{", "").replace("}}", "")):
                    yield el, avt


def _check_calls(el, expression):
    for name in _CALL.findall(_STRING_LITERAL.sub("''", expression)):
        if ":" not in name:
            if name in _READING_FUNCTIONS:
                raise _refuse(
                    "document", f"The stylesheet calls {name}(), which may read other files.", name=name
                )
            continue
        prefix, local = name.split(":", 1)
        namespace = el.nsmap.get(prefix)
        if (namespace, local) not in _HARMLESS_EXTENSIONS:
            raise _refuse(
                "extension_function",
                f"The stylesheet calls the extension function {name}().",
                name=name,
                namespace=namespace,
            )


def check_stylesheet(root):
    """Raise ``XmlSecurityError`` if the parsed stylesheet could reach beyond the document."""
    for el in root.iter(etree.Element):
        qname = etree.QName(el)
        if qname.namespace == XSL and qname.localname in ("import", "include"):
            raise _refuse(
                "import",
                f"The stylesheet loads another file through xsl:{qname.localname}.",
                href=el.get("href"),
            )
        prefixes = el.get(
            "extension-element-prefixes" if qname.namespace == XSL else f"{{{XSL}}}extension-element-prefixes"
        )
        if prefixes and prefixes.strip():
            raise _refuse(
                "extension_element",
                "The stylesheet declares extension elements.",
                prefixes=prefixes.strip(),
            )
    for el, expression in _expressions(root):
        _check_calls(el, expression)


def load_safe_xslt(data, *, max_bytes=MAX_XSLT_BYTES):
    """Compile an untrusted stylesheet after the checks above; return the lxml ``XSLT`` object."""
    root = load_xml(data, max_bytes=max_bytes)
    check_stylesheet(root)
    return load_xslt(data, max_bytes=max_bytes)
