"""Everything a sender's stylesheet printed, reduced to inert HTML and CSS.

A stylesheet has many ways to print raw markup: ``disable-output-escaping``, ``xsl:output
method="text"``, several top-level elements, comments and CDATA in text output. So nothing the
transform produced is trusted as a tree: its whole serialised output is parsed again as HTML by
`nh3` (the Python binding of the Rust crate *ammonia*, whose parser is html5ever, the HTML5 parsing
algorithm browsers use) and only an allow-list of elements and attributes is kept. nh3 was chosen over
``lxml_html_clean`` because it is an allow-list by construction (an unknown element or attribute is
dropped, not kept) and parses the way a browser would, so there is no parser difference to smuggle
markup through; ``lxml_html_clean`` is a block-list over libxml2's HTML parser with a history of bypasses.

CSS is reduced with `tinycss2` (a CSS Syntax Level 3 tokenizer, so ``u\\72l(`` is read as ``url(``):
only rules with known properties whose values are plain keywords, numbers, lengths, colours and
strings are kept; any function other than the colour ones, any ``url``, at-rule other than ``@media``
and ``@page``, and anything whose serialisation would need a backslash escape or a ``<`` is dropped.
Links keep only in-page anchors, images only inline ``data:image`` sources.
"""

import re

import lxml.html
import nh3
import tinycss2

TAGS = frozenset(
    (
        "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl",
        "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q", "s",
        "samp", "section", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var", "wbr",
    )
)  # fmt: skip

_DROPPED_WITH_CONTENT = frozenset(
    (
        "script", "style", "title", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "noembed", "noframes", "xmp", "textarea", "select", "svg", "math",
    )
)  # fmt: skip
"""Elements whose text is code or would show as stray text; everything else unknown keeps its text."""

_COMMON_ATTRIBUTES = frozenset(
    (
        "class", "id", "title", "lang", "dir", "align", "valign", "width", "height", "style",
        "border", "bgcolor", "color", "nowrap",
    )
)  # fmt: skip

ATTRIBUTES = {
    "*": _COMMON_ATTRIBUTES,
    "a": frozenset(("href", "name")),
    "img": frozenset(("src", "alt")),
    "table": frozenset(("cellpadding", "cellspacing", "frame", "rules", "summary")),
    "td": frozenset(("colspan", "rowspan", "headers", "scope", "abbr")),
    "th": frozenset(("colspan", "rowspan", "headers", "scope", "abbr")),
    "col": frozenset(("span",)),
    "colgroup": frozenset(("span",)),
    "font": frozenset(("face", "size")),
    "ol": frozenset(("start", "type", "reversed")),
    "li": frozenset(("value", "type")),
    "ul": frozenset(("type",)),
    "hr": frozenset(("size", "noshade")),
}

_DATA_IMAGE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|bmp);base64,[A-Za-z0-9+/=\s]*\Z", re.IGNORECASE)
_ANCHOR = re.compile(r"#[\w\-.:]*\Z")

_PROPERTY_PREFIXES = ("border", "margin", "padding", "font", "text-", "page-break-", "break-")
_PROPERTIES = frozenset(
    (
        "color", "background", "background-color", "width", "height", "min-width", "max-width",
        "min-height", "max-height", "display", "float", "clear", "vertical-align", "line-height",
        "letter-spacing", "word-spacing", "white-space", "word-wrap", "word-break", "overflow-wrap",
        "overflow", "table-layout", "border-collapse", "border-spacing", "caption-side",
        "empty-cells", "list-style-type", "list-style-position", "direction", "visibility",
        "box-sizing", "opacity", "position", "top", "right", "bottom", "left", "z-index", "size",
        "orphans", "widows", "zoom",
    )
)  # fmt: skip
_VALUE_FUNCTIONS = frozenset(("rgb", "rgba", "hsl", "hsla"))
_SELECTOR_FUNCTIONS = frozenset(("not", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type"))
_PLAIN_TOKENS = frozenset(
    ("whitespace", "ident", "number", "percentage", "dimension", "hash", "string", "literal")
)
_KEPT_AT_RULES = frozenset(("media", "page"))
_MAX_CSS_CHARS = 512 * 1024


def _plain(tokens, functions):
    """Whether every token is a plain value, and functions are only the allowed ones (recursively)."""
    for token in tokens:
        if token.type == "function":
            if token.lower_name not in functions or not _plain(token.arguments, functions):
                return False
        elif token.type in {"() block", "[] block"}:
            if not _plain(token.content, functions):
                return False
        elif token.type not in _PLAIN_TOKENS:
            return False
    return True


def _inert(text):
    """Serialised CSS that no parser can read as an escape, a URL, or the end of the style element."""
    lowered = text.lower()
    return "\\" not in text and "<" not in text and "url" not in lowered and "image-set" not in lowered


def _allowed_property(name):
    return name in _PROPERTIES or name.startswith(_PROPERTY_PREFIXES)


def _declarations(tokens):
    """``name:value`` pairs of an allowed property and a plain value, joined by ``;``."""
    kept = []
    for item in tinycss2.parse_blocks_contents(tokens, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration" or not _allowed_property(item.lower_name):
            continue
        if not _plain(item.value, _VALUE_FUNCTIONS):
            continue
        value = tinycss2.serialize(item.value).strip()
        text = f"{item.lower_name}:{value}{' !important' if item.important else ''}"
        if value and _inert(text):
            kept.append(text)
    return ";".join(kept)


def clean_style_attribute(value):
    """The allowed part of a ``style`` attribute."""
    return _declarations(tinycss2.parse_component_value_list(value or "", skip_comments=True))


def _rules(rules):
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selector = tinycss2.serialize(rule.prelude).strip()
            body = _declarations(rule.content)
            if selector and body and _plain(rule.prelude, _SELECTOR_FUNCTIONS) and _inert(selector):
                kept.append(f"{selector}{{{body}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in _KEPT_AT_RULES and rule.content is not None:
            prelude = tinycss2.serialize(rule.prelude).strip()
            if not (_plain(rule.prelude, frozenset()) and _inert(prelude)):
                continue
            if rule.lower_at_keyword == "page":
                inner = _declarations(rule.content)
            else:
                inner = "".join(_rules(tinycss2.parse_rule_list(rule.content, True, True)))
            if inner:
                kept.append(f"@{rule.lower_at_keyword} {prelude}{{{inner}}}")
    return kept


def clean_stylesheet(css):
    """The allowed rules of a style sheet (``<style>`` content), serialised again."""
    if len(css) > _MAX_CSS_CHARS:
        return ""
    return "\n".join(_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


def _attribute_filter(tag, attribute, value):
    if attribute == "style":
        return clean_style_attribute(value) or None
    if attribute == "href":
        return value if _ANCHOR.match(value.strip()) else None
    if attribute == "src":
        return value.strip() if _DATA_IMAGE.match(value.strip()) else None
    return value


def _style_sheets(html):
    """The text of every ``<style>`` element the output carries, wherever it stands."""
    try:
        page = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return []
    return [style.text_content() for style in page.iter("style")]


def sanitize_html(html):
    """A complete, inert HTML page from whatever a stylesheet printed (markup or text)."""
    css = clean_stylesheet("\n".join(_style_sheets(html))) if html.strip() else ""
    body = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=True,
    )
    style = f"<style>{css}</style>" if css else ""
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"/>{style}</head><body>{body}</body></html>'
