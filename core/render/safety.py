"""Static allow-list check of a sender's stylesheet, before anything compiles or runs it.

A sender's stylesheet is a program written by a stranger. It is parsed as XML (size bounded, no DOCTYPE,
through ``core.xmlsafe``) and every part of the tree must be known: XSL elements from XSLT 1.0 (plus the
two XSLT 2.0 serialisation declarations GİB's own samples carry, which libxslt ignores), no
``xsl:import``/``xsl:include``, no extension elements, and every XPath expression (``select``,
``test``, ``match``, ... and the ``{...}`` of attribute value templates) is tokenised by XPath 1.0's
lexical rules, so a function call is found whatever its prefix (non-ASCII too) and however its
string literals are written. Only the functions of XPath 1.0 and XSLT 1.0 are allowed, less
``document()``, plus ``node-set()``; EXSLT regular expressions, ``dyn:evaluate`` and every other
extension are refused. The check says *what* may run; ``isolate`` then bounds *how long and how big*.
"""

import re

from lxml import etree

from ..errors import XmlSecurityError
from ..xmlsafe import expect_root, load_xml, load_xslt

XSL = "http://www.w3.org/1999/XSL/Transform"

MAX_XSLT_BYTES = 4 * 1024 * 1024
"""Integrator templates with an embedded logo stay well under 1 MB; GİB's own samples are ~200 kB."""

XSL_ELEMENTS = frozenset(
    (
        "stylesheet", "transform", "template", "apply-templates", "call-template", "with-param",
        "param", "variable", "value-of", "copy-of", "copy", "for-each", "sort", "if", "choose",
        "when", "otherwise", "text", "element", "attribute", "attribute-set", "comment",
        "processing-instruction", "number", "output", "decimal-format", "key", "strip-space",
        "preserve-space", "namespace-alias", "fallback", "message",
        # XSLT 2.0 serialisation declarations in GİB's samples; libxslt ignores them.
        "character-map", "output-character",
    )
)  # fmt: skip
"""XSLT 1.0's instructions and declarations, without ``import``, ``include`` and ``apply-imports``."""

FUNCTIONS = frozenset(
    (
        # XPath 1.0
        "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat",
        "starts-with", "contains", "substring-before", "substring-after", "substring",
        "string-length", "normalize-space", "translate", "boolean", "not", "true", "false", "lang",
        "number", "sum", "floor", "ceiling", "round",
        # XSLT 1.0 (document() reads files: refused separately)
        "key", "format-number", "current", "unparsed-entity-uri", "generate-id", "system-property",
        "element-available", "function-available",
        # XPath 2.0 name used by GİB's samples: libxslt does not know it, a call only fails the run
        "exists",
    )
)  # fmt: skip

_READING_FUNCTIONS = frozenset(
    ("document", "doc", "doc-available", "collection", "unparsed-text", "unparsed-text-lines")
)
"""Functions that load other resources: ``document()`` in XSLT 1.0, the rest for an XSLT 2+ viewer."""

EXTENSION_FUNCTIONS = frozenset(
    (
        ("http://exslt.org/common", "node-set"),
        ("http://exslt.org/common", "object-type"),
        ("urn:schemas-microsoft-com:xslt", "node-set"),
    )
)

_NODE_TYPES = frozenset(("comment", "text", "processing-instruction", "node"))
_OPERATOR_NAMES = frozenset(("and", "or", "mod", "div"))

_EXPRESSIONS = frozenset(("select", "test", "match", "use", "value", "count", "from"))
_XSL_AVTS = {
    "element": ("name", "namespace"),
    "attribute": ("name", "namespace"),
    "processing-instruction": ("name",),
    "sort": ("lang", "data-type", "order", "case-order"),
    "number": ("format", "lang", "letter-value", "grouping-separator", "grouping-size"),
}

_NCNAME = r"[^\W\d][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*"
_TOKEN = re.compile(
    rf"""(?P<space>\s+)
    |(?P<literal>"[^"]*"|'[^']*')
    |(?P<number>\d+(?:\.\d*)?|\.\d+)
    |(?P<var>\$\s*{_NCNAME}(?::{_NCNAME})?)
    |(?P<axis>{_NCNAME}\s*::)
    |(?P<name>{_NCNAME}(?::(?:{_NCNAME}|\*))?|\*)
    |(?P<operator>//|::|\.\.|!=|<=|>=|[/()\[\].@,|+\-=<>])
    """,
    re.VERBOSE,
)


def _refuse(reason, message, **params):
    return XmlSecurityError(message, code=f"tr_edoc.xslt.{reason}", params=params)


def _tokens(expression):
    """``(kind, text)`` tokens of an XPath 1.0 expression; anything XPath cannot lex is refused."""
    position, tokens = 0, []
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            raise _refuse(
                "expression",
                f"The stylesheet has an expression XPath 1.0 cannot read: {expression[:200]}",
                expression=expression[:200],
            )
        position = match.end()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
    return tokens


def _ends_operand(token):
    kind, text = token
    return (
        kind in ("literal", "number", "var")
        or text in (")", "]", ".", "..")
        or (kind == "name" and text not in _OPERATOR_NAMES)
    )


def functions_called(expression):
    """The names of the functions an XPath 1.0 expression calls (QNames as written).

    Every name before ``(`` counts, except node tests (``text()``) and ``and``/``or``/``mod``/``div``
    where XPath's disambiguation rule makes them operators (after an operand): refusing too much is
    safe, missing a call is not.
    """
    tokens = _tokens(expression)
    called = []
    for index, (kind, text) in enumerate(tokens):
        if kind != "name" or index + 1 >= len(tokens) or tokens[index + 1] != ("operator", "("):
            continue
        if text in _NODE_TYPES or (text in _OPERATOR_NAMES and index and _ends_operand(tokens[index - 1])):
            continue
        called.append(text)
    return called


def avt_expressions(value):
    """The expressions inside an attribute value template; braces in string literals do not count."""
    expressions, position, size = [], 0, len(value)
    while position < size:
        char = value[position]
        if char in "{}" and value[position : position + 2] in ("{{", "}}"):
            position += 2
            continue
        if char == "}":
            raise _refuse("expression", "The stylesheet has an unmatched '}' in an attribute value.")
        if char != "{":
            position += 1
            continue
        start = position = position + 1
        quote = None
        while position < size and (quote or value[position] != "}"):
            if quote and value[position] == quote:
                quote = None
            elif not quote and value[position] in "'\"":
                quote = value[position]
            position += 1
        if position >= size:
            raise _refuse("expression", "The stylesheet has an unclosed '{' in an attribute value.")
        expressions.append(value[start:position])
        position += 1
    return expressions


def _expressions(element):
    """Every XPath expression written on ``element``."""
    qname = etree.QName(element)
    if qname.namespace == XSL:
        avts = _XSL_AVTS.get(qname.localname, ())
        for name, value in element.attrib.items():
            if name in _EXPRESSIONS:
                yield value
            elif name in avts:
                yield from avt_expressions(value)
        return
    for name, value in element.attrib.items():
        if etree.QName(name).namespace != XSL:
            yield from avt_expressions(value)


def _check_call(element, name):
    if ":" not in name:
        if name in _READING_FUNCTIONS:
            raise _refuse(
                "document", f"The stylesheet calls {name}(), which may read other files.", name=name
            )
        if name not in FUNCTIONS:
            raise _refuse("function", f"The stylesheet calls the unknown function {name}().", name=name)
        return
    prefix, local = name.split(":", 1)
    namespace = element.nsmap.get(prefix)
    if (namespace, local) not in EXTENSION_FUNCTIONS:
        raise _refuse(
            "extension_function",
            f"The stylesheet calls the extension function {name}().",
            name=name,
            namespace=namespace,
        )


def check_stylesheet(root):
    """Raise ``XmlSecurityError`` unless every element and function of the parsed stylesheet is allowed."""
    expect_root(root, f"{{{XSL}}}stylesheet", f"{{{XSL}}}transform")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace == XSL and qname.localname in ("import", "include", "apply-imports"):
            raise _refuse(
                "import",
                f"The stylesheet loads another file through xsl:{qname.localname}.",
                href=element.get("href"),
            )
        if qname.namespace == XSL and qname.localname not in XSL_ELEMENTS:
            raise _refuse(
                "element",
                f"The stylesheet uses xsl:{qname.localname}, which is not allowed.",
                element=qname.localname,
            )
        prefixes = element.get(
            "extension-element-prefixes" if qname.namespace == XSL else f"{{{XSL}}}extension-element-prefixes"
        )
        if prefixes and prefixes.strip():
            raise _refuse(
                "extension_element",
                "The stylesheet declares extension elements.",
                prefixes=prefixes.strip(),
            )
        for expression in _expressions(element):
            for name in functions_called(expression):
                _check_call(element, name)


def load_safe_xslt(data, *, max_bytes=MAX_XSLT_BYTES):
    """Compile an untrusted stylesheet after the checks above (compiling runs none of it)."""
    check_stylesheet(load_xml(data, max_bytes=max_bytes))
    return load_xslt(data, max_bytes=max_bytes)
