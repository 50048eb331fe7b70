"""A sender's stylesheet that could reach outside the document is refused and ours is used instead;
a harmless one (GİB's own samples) is used; whatever it prints cannot run or fetch anything."""

import base64
from dataclasses import replace

import lxml.html
import pytest
from lxml import etree

from core.documents import Attachment
from core.errors import XmlSecurityError
from core.qr import qr_payload, qr_text
from core.render import EMBEDDED, GIVEN, OURS, load_safe_xslt, render_html
from core.render.safety import MAX_XSLT_BYTES
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.tests.render_helpers import qr_from_html
from core.ubl import build_invoice, serialize
from core.xmlsafe import load_xslt

HEAD = (
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" {ns}>'
    '<xsl:template match="/">{body}</xsl:template></xsl:stylesheet>'
)


def _xslt(body, ns="", head=HEAD):
    return head.format(ns=ns, body=body).encode()


HOSTILE = {
    "document-file": (
        _xslt("<html><body><xsl:value-of select=\"document('file:///etc/passwd')\"/></body></html>"),
        "tr_edoc.xslt.document",
    ),
    "document-self": (_xslt("<xsl:copy-of select=\"document('')\"/>"), "tr_edoc.xslt.document"),
    "document-in-avt": (
        _xslt("<html><body><a title=\"{document('http://127.0.0.1:9/x')}\">x</a></body></html>"),
        "tr_edoc.xslt.document",
    ),
    "document-in-sort": (
        _xslt('<xsl:for-each select="*"><xsl:sort select="document(\'/etc/hosts\')"/></xsl:for-each>'),
        "tr_edoc.xslt.document",
    ),
    "import": (
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        b'<xsl:import href="http://127.0.0.1:9/evil.xsl"/></xsl:stylesheet>',
        "tr_edoc.xslt.import",
    ),
    "include": (
        b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        b'<xsl:include href="/etc/passwd"/></xsl:stylesheet>',
        "tr_edoc.xslt.import",
    ),
    "exslt-document-writes-a-file": (
        _xslt(
            '<exsl:document href="/tmp/tr_edoc_pwned.html"><p>x</p></exsl:document>',
            ns='xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl"',
        ),
        "tr_edoc.xslt.extension_element",
    ),
    "dyn-evaluate": (
        _xslt(
            "<xsl:value-of select=\"dyn:evaluate(concat('docu', 'ment(1)'))\"/>",
            ns='xmlns:dyn="http://exslt.org/dynamic"',
        ),
        "tr_edoc.xslt.extension_function",
    ),
    "php-function": (
        _xslt("<xsl:value-of select=\"php:function('system', 'id')\"/>", ns='xmlns:php="http://php.net/xsl"'),
        "tr_edoc.xslt.extension_function",
    ),
    "external-entity": (
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + _xslt("<html><body>&e;</body></html>"),
        "tr_edoc.xml.doctype",
    ),
    "oversized": (
        _xslt("<html><body><!--" + "x" * MAX_XSLT_BYTES + "--></body></html>"),
        "tr_edoc.xml.too_large",
    ),
    "not-a-stylesheet": (b"<html><body>hi</body></html>", "tr_edoc.xml.wrong_root"),
    "fails-at-run-time": (_xslt('<xsl:message terminate="yes">no</xsl:message>'), "tr_edoc.xslt.failed"),
}


def _invoice_with(content):
    doc = f.invoice()
    return doc, serialize(build_invoice(replace(doc, xslt=Attachment(content=content, filename="x.xslt"))))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_stylesheet_is_refused_and_ours_used(name):
    content, code = HOSTILE[name]
    doc, xml = _invoice_with(content)
    rendering = render_html(xml)
    assert rendering.template == OURS
    assert rendering.refusal is not None and rendering.refusal.code == code
    assert doc.uuid in rendering.html
    assert qr_from_html(rendering.html) == qr_text(qr_payload(doc))


STATIC = sorted(
    n
    for n, (_, code) in HOSTILE.items()
    if code.startswith("tr_edoc.xslt.") and code != "tr_edoc.xslt.failed"
)


@pytest.mark.parametrize("name", STATIC)
def test_static_checks_refuse_before_compiling(name):
    with pytest.raises(XmlSecurityError) as caught:
        load_safe_xslt(HOSTILE[name][0])
    assert caught.value.code == HOSTILE[name][1]


def test_exslt_document_never_writes(tmp_path):
    """Refused by the static check; and even compiled without it, libxslt's access control stops it."""
    target = tmp_path / "pwned.html"
    content = _xslt(
        f'<exsl:document href="{target}"><p>x</p></exsl:document>',
        ns='xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl"',
    )
    assert render_html(_invoice_with(content)[1]).template == OURS
    with pytest.raises(etree.XSLTApplyError):
        load_xslt(content)(etree.fromstring(b"<a/>"))
    assert not target.exists()


def test_harmless_lookalikes_are_accepted():
    """Text that merely mentions document( and exsl:node-set() are not reasons to refuse."""
    content = _xslt(
        "<html><body><p><xsl:value-of select=\"'see document(1)'\"/></p>"
        '<xsl:variable name="v"><a>1</a></xsl:variable>'
        '<p><xsl:value-of select="count(exsl:node-set($v)/a)"/></p></body></html>',
        ns='xmlns:exsl="http://exslt.org/common"',
    )
    rendering = render_html(_invoice_with(content)[1])
    assert rendering.template == EMBEDDED, rendering.refusal
    assert "see document(1)" in rendering.html and "<p>1</p>" in rendering.html


def test_active_content_is_stripped():
    content = _xslt(
        '<html><head><script>alert(1)</script><link rel="stylesheet" href="http://127.0.0.1:9/a.css"/>'
        '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/"/>'
        "<style>body { background: url(http://127.0.0.1:9/t.png) }</style></head>"
        '<body onload="alert(2)"><iframe src="http://127.0.0.1:9/"/>'
        '<img src="http://127.0.0.1:9/track.png" alt="t"/><img src="data:image/png;base64,AAAA" alt="ok"/>'
        '<a href="javascript:alert(3)">x</a><a href="#top">y</a><p style="background:url(/etc/x)">kept</p>'
        "</body></html>"
    )
    rendering = render_html(_invoice_with(content)[1])
    assert rendering.template == EMBEDDED
    page = lxml.html.fromstring(rendering.html)
    assert not page.xpath("//script | //iframe | //link | //meta[@http-equiv='refresh']")
    assert not page.xpath("//@onload") and "127.0.0.1" not in rendering.html
    assert "javascript" not in rendering.html and "/etc/x" not in rendering.html
    assert page.xpath("//img[@alt='ok']/@src") == ["data:image/png;base64,AAAA"]
    assert page.xpath("//a[@href='#top']") and "kept" in rendering.html


def test_given_stylesheet_is_checked_too():
    xml = _invoice_with(None)[1]
    rendering = render_html(xml, xslt=HOSTILE["document-file"][0])
    assert rendering.template == OURS and rendering.refusal.code == "tr_edoc.xslt.document"
    fine = render_html(xml, xslt=_xslt("<html><body><p>own</p></body></html>"))
    assert fine.template == GIVEN and "<p>own</p>" in fine.html


def test_bad_base64_falls_back():
    xml = _invoice_with(b"x")[1]
    xml = xml.replace(base64.b64encode(b"x"), b"!!not-base64!!")
    rendering = render_html(xml)
    assert rendering.template == OURS and rendering.refusal.code == "tr_edoc.xslt.base64"


def test_gib_sample_stylesheet_is_used():
    """GİB's own sample templates (XSLT 1.0 with an inline QR script) pass the checks; their script is
    stripped from what we show."""
    data = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", "YTB_Satıs_EArşiv.xml").read_bytes()
    rendering = render_html(data)
    assert rendering.template == EMBEDDED, rendering.refusal
    assert "<script" not in rendering.html.lower()
