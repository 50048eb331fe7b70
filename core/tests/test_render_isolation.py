"""A sender's stylesheet is an untrusted program: only known XSLT 1.0 runs, in a child with limits, and
everything it prints (escaped or not, one element or many, markup or text) comes out inert."""

import re
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from core.documents import Attachment
from core.errors import EdocError, ParseError, XmlSecurityError
from core.render import EMBEDDED, OURS, Limits, render_html, sanitize_html, transform_in_child
from core.render.render import _embedded_stylesheet
from core.render.safety import avt_expressions, check_stylesheet, functions_called
from core.render.sanitize import clean_style_attribute, clean_stylesheet
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl import build_invoice, serialize
from core.xmlsafe import load_xml

XSL_NS = 'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'


def _sheet(body, ns="", top="", output=""):
    return (
        f'<xsl:stylesheet version="1.0" {XSL_NS} {ns}>{output}{top}'
        f'<xsl:template match="/">{body}</xsl:template></xsl:stylesheet>'
    ).encode()


def _render(content, **kwargs):
    doc = f.invoice()
    xml = serialize(build_invoice(replace(doc, xslt=Attachment(content=content, filename="x.xslt"))))
    return render_html(xml, **kwargs)


ATTACK = (
    '<script>fetch("http://127.0.0.1:9/steal")</script>'
    '<img src="http://127.0.0.1:9/t.png" onerror="alert(1)">'
    '<iframe src="http://127.0.0.1:9/"></iframe><object data="http://127.0.0.1:9/o"></object>'
    '<svg onload="alert(2)"><script>alert(3)</script></svg>'
    '<a href="javascript:alert(4)">a</a><a href="//127.0.0.1:9/x">b</a>'
    '<link rel="stylesheet" href="http://127.0.0.1:9/c.css"><base href="http://127.0.0.1:9/">'
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">'
    '<form action="http://127.0.0.1:9/"><input name="x"></form>'
    '<p style="background:url(http://127.0.0.1:9/bg)">P</p>'
    "<style>@import url(http://127.0.0.1:9/i.css); body{background:image-set('http://127.0.0.1:9/s' 1x)}"
    "</style>"
)
"""Raw markup a stylesheet tries to smuggle out; each escape below prints it its own way."""


def _escaped(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


ESCAPES = {
    "disable-output-escaping": _sheet(
        f'<html><body><p>ok</p><xsl:text disable-output-escaping="yes">{_escaped(ATTACK)}</xsl:text>'
        "</body></html>"
    ),
    "value-of-disable-output-escaping": _sheet(
        f'<html><body><xsl:variable name="v">{_escaped(ATTACK)}</xsl:variable>'
        '<xsl:value-of disable-output-escaping="yes" select="$v"/></body></html>'
    ),
    "output-method-text": _sheet(
        f"<xsl:text>&lt;html&gt;&lt;body&gt;{_escaped(ATTACK)}&lt;/body&gt;&lt;/html&gt;</xsl:text>",
        output='<xsl:output method="text"/>',
    ),
    "second-top-level-element": _sheet(
        "<html><body><p>first</p></body></html>"
        '<script>fetch("http://127.0.0.1:9/second")</script>'
        '<img src="http://127.0.0.1:9/t2.png" onerror="alert(5)"/><iframe src="http://127.0.0.1:9/f2"/>'
    ),
    "cdata-in-text-output": _sheet(
        f"<xsl:text><![CDATA[<html><body>{ATTACK}</body></html>]]></xsl:text>",
        output='<xsl:output method="text"/>',
    ),
    "comment-breakout": _sheet(
        f"<html><body><xsl:comment>&gt;{_escaped(ATTACK)}</xsl:comment>"
        f'<xsl:comment>x</xsl:comment><xsl:text disable-output-escaping="yes">--&gt;{_escaped(ATTACK)}'
        "</xsl:text></body></html>"
    ),
    "computed-names": _sheet(
        "<html><body><xsl:element name=\"{concat('scr', 'ipt')}\">alert(6)</xsl:element>"
        "<img><xsl:attribute name=\"{concat('on', 'error')}\">alert(7)</xsl:attribute>"
        '<xsl:attribute name="src">http://127.0.0.1:9/t3</xsl:attribute></img>'
        '<xsl:element name="iframe"><xsl:attribute name="srcdoc">&lt;script&gt;alert(8)&lt;/script&gt;'
        "</xsl:attribute></xsl:element></body></html>"
    ),
    "character-references": _sheet(
        '<html><body><xsl:text disable-output-escaping="yes">'
        "&#60;script&#62;alert(9)&#60;/script&#62;&#60;img src=x o&#110;error=alert(10)&#62;"
        "&lt;a href=&quot;jav&amp;#x61;script:alert(11)&quot;&gt;c&lt;/a&gt;"
        "</xsl:text></body></html>"
    ),
}


def _assert_inert(html):
    page = lxml.html.document_fromstring(html)
    active = page.xpath(
        "//script | //iframe | //frame | //frameset | //object | //embed | //applet | //link | //base"
        " | //meta[@http-equiv] | //form | //input | //svg | //math | //*[local-name()='svg']"
    )
    assert not active, [element.tag for element in active]
    names = [name for element in page.iter() for name in getattr(element, "attrib", {})]
    handlers = [name for name in names if name.startswith("on")]
    assert not handlers
    for element in page.iter():
        for name, value in getattr(element, "attrib", {}).items():
            if name in ("href", "src"):
                assert value.startswith(("#", "data:image/")), (name, value)
    lowered = html.lower()
    assert "127.0.0.1" not in lowered and "javascript:" not in lowered and "url(" not in lowered
    assert "@import" not in lowered and "image-set" not in lowered and "srcdoc" not in lowered


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_every_escape_yields_inert_output(name):
    rendering = _render(ESCAPES[name])
    assert rendering.template == EMBEDDED, rendering.refusal
    _assert_inert(rendering.html)


def test_text_around_the_attack_is_kept():
    rendering = _render(ESCAPES["second-top-level-element"])
    assert "first" in rendering.html
    assert "<p>ok</p>" in _render(ESCAPES["disable-output-escaping"]).html


CSS_ATTACKS = [
    "background:url(http://127.0.0.1:9/a)",
    "background:URL( 'http://127.0.0.1:9/a' )",
    "background:u\\72l(http://127.0.0.1:9/a)",
    "background:\\75rl(http://127.0.0.1:9/a)",
    "background:u\\rl(http://127.0.0.1:9/a)",
    "background-image:image-set('http://127.0.0.1:9/a' 1x)",
    "background:-webkit-image-set(url(http://127.0.0.1:9/a) 1x)",
    "width:expression(alert(1))",
    "behavior:url(#default#time2)",
    "list-style:url(http://127.0.0.1:9/a)",
    "font-family:'</style><script>alert(1)</script>'",
    "color:red;background:var(--x)",
]


@pytest.mark.parametrize("css", CSS_ATTACKS)
def test_css_escapes_are_dropped(css):
    for cleaned in (clean_style_attribute(css), clean_stylesheet(f"p {{{css}}}")):
        lowered = cleaned.lower()
        assert "url" not in lowered and "image-set" not in lowered and "expression" not in lowered
        assert "\\" not in cleaned and "<" not in cleaned and "127.0.0.1" not in cleaned


def test_css_allow_list_keeps_layout():
    assert clean_style_attribute("color: #333; font-weight: bold; position: absolute") == (
        "color:#333;font-weight:bold;position:absolute"
    )
    sheet = clean_stylesheet(
        "@import url(x.css); @font-face{src:url(f.woff)} table td{border:1px solid rgb(0,0,0)} "
        "@media print{.a{page-break-after:always}} @page{size:A4;margin:1cm}"
    )
    assert sheet.split("\n") == [
        "table td{border:1px solid rgb(0,0,0)}",
        "@media print{.a{page-break-after:always}}",
        "@page {size:A4;margin:1cm}",
    ]


def test_sanitiser_parses_like_a_browser():
    """Markup that a lenient parser and a browser read differently ends inert either way."""
    for sneaky in (
        "<noscript><p title='</noscript><img src=x onerror=alert(1)>'></noscript>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<img src=x onerror=alert(1)//",
        "<<script>script>alert(1)<</script>/script>",
    ):
        _assert_inert(sanitize_html(sneaky))


# --- static allow-list --------------------------------------------------------------------------


REFUSED = {
    "regexp-non-ascii-prefix": (
        _sheet(
            "<xsl:if test=\"düz:test(string(.), '(a+)+$')\">x</xsl:if>",
            ns='xmlns:düz="http://exslt.org/regular-expressions"',
        ),
        "tr_edoc.xslt.extension_function",
    ),
    "dyn-evaluate-behind-braces-in-literals": (
        _sheet(
            "<p title=\"{concat('{', '}')}{ä:evaluate('1')}\"/>",
            ns='xmlns:ä="http://exslt.org/dynamic"',
        ),
        "tr_edoc.xslt.extension_function",
    ),
    "document-after-literal-with-paren": (
        _sheet("<xsl:value-of select=\"concat(')', document('/etc/passwd'))\"/>"),
        "tr_edoc.xslt.document",
    ),
    "document-with-spaces": (_sheet("<xsl:copy-of select=\"document  ('')\"/>"), "tr_edoc.xslt.document"),
    "unknown-function": (_sheet("<xsl:value-of select=\"system('id')\"/>"), "tr_edoc.xslt.function"),
    "str-replace": (
        _sheet(
            "<xsl:value-of select=\"str:replace('a','a','b')\"/>", ns='xmlns:str="http://exslt.org/strings"'
        ),
        "tr_edoc.xslt.extension_function",
    ),
    "xslt2-result-document": (
        _sheet('<xsl:result-document href="/tmp/x"><p/></xsl:result-document>'),
        "tr_edoc.xslt.element",
    ),
    "apply-imports": (_sheet("<xsl:apply-imports/>"), "tr_edoc.xslt.import"),
    "function-in-sort-lang-avt": (
        _sheet('<xsl:for-each select="*"><xsl:sort lang="{document(\'x\')}"/></xsl:for-each>'),
        "tr_edoc.xslt.document",
    ),
    "unclosed-avt": (_sheet("<p title=\"{concat('a'\"/>"), "tr_edoc.xslt.expression"),
    "not-xpath": (_sheet('<xsl:value-of select="a ; b"/>'), "tr_edoc.xslt.expression"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_static_allow_list_refuses(name):
    content, code = REFUSED[name]
    with pytest.raises(XmlSecurityError) as caught:
        check_stylesheet(load_xml(content))
    assert caught.value.code == code
    rendering = _render(content)
    assert rendering.template == OURS and rendering.refusal.code == code


def test_xpath_reader():
    assert functions_called("a or (b and c)") == []
    assert functions_called("text() | node() | comment()") == []
    assert functions_called("concat('document(', \"x)\") and not(ç:f(1))") == ["concat", "not", "ç:f"]
    assert functions_called("* div count(x) mod 2") == ["count"]
    assert functions_called("child::x[format-number(., '#')]") == ["format-number"]
    assert avt_expressions("a{{b}}{concat('}', \"{\")}c{d}") == ["concat('}', \"{\")", "d"]


def _sample_stylesheets():
    base = reference_path("gib-ubl-tr")
    found = []
    for path in sorted(Path(base).rglob("*.xml")):
        try:
            sheet = _embedded_stylesheet(load_xml(path.read_bytes()))
        except EdocError:  # not every reference file is a document
            continue
        if sheet:
            found.append((path.name, sheet))
    return found


def test_gib_sample_stylesheets_pass_the_allow_list():
    samples = _sample_stylesheets()
    assert len(samples) >= 10
    for _name, sheet in samples:
        check_stylesheet(load_xml(sheet))


# --- limits -----------------------------------------------------------------------------------------

TIGHT = Limits(cpu_seconds=2, memory_bytes=512 * 1024 * 1024, wall_seconds=20)

EXPONENTIAL_RECURSION = (
    f'<xsl:stylesheet version="1.0" {XSL_NS}>'
    '<xsl:template match="/"><html><body><xsl:call-template name="t"><xsl:with-param name="n" select="60"/>'
    "</xsl:call-template></body></html></xsl:template>"
    '<xsl:template name="t"><xsl:param name="n"/><xsl:if test="$n &gt; 0">'
    '<xsl:call-template name="t"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template>'
    '<xsl:call-template name="t"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template>'
    "</xsl:if></xsl:template></xsl:stylesheet>"
).encode()

EXPONENTIAL_OUTPUT = (
    f'<xsl:stylesheet version="1.0" {XSL_NS}>'
    '<xsl:template match="/"><html><body><xsl:call-template name="d">'
    '<xsl:with-param name="s" select="\'xxxxxxxx\'"/><xsl:with-param name="n" select="40"/>'
    "</xsl:call-template></body></html></xsl:template>"
    '<xsl:template name="d"><xsl:param name="s"/><xsl:param name="n"/><xsl:choose>'
    '<xsl:when test="$n &gt; 0"><xsl:call-template name="d">'
    '<xsl:with-param name="s" select="concat($s, $s)"/>'
    '<xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:when>'
    '<xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise></xsl:choose></xsl:template>'
    "</xsl:stylesheet>"
).encode()

ENDLESS_RECURSION = (
    f'<xsl:stylesheet version="1.0" {XSL_NS}>'
    '<xsl:template match="/"><html><body><xsl:call-template name="t"/></body></html></xsl:template>'
    '<xsl:template name="t"><xsl:call-template name="t"/></xsl:template></xsl:stylesheet>'
).encode()


def test_exponential_recursion_is_cut_by_the_cpu_limit():
    rendering = _render(EXPONENTIAL_RECURSION, limits=TIGHT)
    assert rendering.template == OURS
    assert rendering.refusal.code == "tr_edoc.xslt.cpu_limit"
    assert rendering.refusal.params["cpu_seconds"] == 2


def test_wall_clock_limit_cuts_what_the_cpu_limit_would_allow():
    rendering = _render(EXPONENTIAL_RECURSION, limits=replace(TIGHT, cpu_seconds=120, wall_seconds=2))
    assert rendering.template == OURS and rendering.refusal.code == "tr_edoc.xslt.time_limit"


def test_exponential_output_is_cut_by_the_memory_or_size_limit():
    """libxslt reports the failed allocation as an internal error ("failed"), or the child dies of it."""
    rendering = _render(EXPONENTIAL_OUTPUT, limits=TIGHT)
    assert rendering.template == OURS
    assert rendering.refusal.code in (
        "tr_edoc.xslt.memory_limit",
        "tr_edoc.xslt.too_large",
        "tr_edoc.xslt.failed",
    )


def test_output_size_limit():
    small = replace(TIGHT, max_chars=1000)
    big = _sheet("<html><body><p>" + "y" * 2000 + "</p></body></html>")
    rendering = _render(big, limits=small)
    assert rendering.template == OURS and rendering.refusal.code == "tr_edoc.xslt.too_large"


def test_endless_recursion_ends_in_a_typed_refusal():
    rendering = _render(ENDLESS_RECURSION, limits=TIGHT)
    assert rendering.template == OURS
    assert re.fullmatch(r"tr_edoc\.xslt\.(failed|cpu_limit|memory_limit)", rendering.refusal.code)


@pytest.mark.parametrize(
    ("expression", "ns"),
    [
        ("document('/etc/passwd')", ""),
        ("re:test('aaaa', '(a+)+$')", 'xmlns:re="http://exslt.org/regular-expressions"'),
    ],
)
def test_child_refuses_files_and_regexps_even_without_the_static_check(expression, ns):
    """Defence in depth: the child's libxslt denies file access and has no regular expressions."""
    sheet = _sheet(f'<html><body><xsl:value-of select="{expression}"/></body></html>', ns=ns)
    with pytest.raises(ParseError) as caught:
        transform_in_child(sheet, b"<a/>", {}, limits=TIGHT)
    assert caught.value.code == "tr_edoc.xslt.failed"
    assert caught.value.params["detail"]
