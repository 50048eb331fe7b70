"""Our XSLT renders every profile of the builders' matrix and despatches; the Karekod in the page
decodes to ``core.qr``'s payload, whether passed as an image or printed from the XML by the XSLT."""

import base64
from dataclasses import replace

import pytest

from core.documents import DespatchAdvice, Invoice
from core.qr import qr_payload, qr_text
from core.render import (
    EMBEDDED,
    OURS,
    check_stylesheet,
    embedded_xslt,
    our_xslt,
    render_html,
    xslt_attachment,
)
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.tests.render_helpers import qr_from_html, qr_text_box
from core.tests.test_builders_matrix import CASES
from core.ubl import build_despatch_advice, build_invoice, serialize
from core.ubl.parse import parse_document
from core.validation.schematron import SchematronValidator
from core.validation.xsd import XsdValidator
from core.xmlsafe import load_xml

RENDERED = {
    name: (build, doc)
    for name, (build, doc, _) in CASES.items()
    if isinstance(doc, (Invoice, DespatchAdvice)) and doc.xslt is None
}


def _xml(build, doc):
    return serialize(build(doc))


def test_every_profile_and_despatch_is_covered():
    profiles = {doc.profile_id for _, doc in RENDERED.values()}
    assert {"TEMELFATURA", "TICARIFATURA", "EARSIVFATURA", "IHRACAT", "KAMU", "TEMELIRSALIYE"} <= profiles
    assert len(RENDERED) >= 40


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_our_template_renders_with_qr(name):
    build, doc = RENDERED[name]
    rendering = render_html(_xml(build, doc))
    assert rendering.template == OURS and rendering.refusal is None
    html = rendering.html
    assert doc.uuid in html and doc.id in html and doc.profile_id in html
    assert qr_from_html(html) == qr_text(qr_payload(doc))


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_embedded_template_prints_the_payload_without_an_image(name):
    """A viewer that passes no parameters still shows the exact Karekod payload, computed in XSLT."""
    build, doc = RENDERED[name]
    doc = replace(doc, xslt=xslt_attachment(doc, with_qr=False))
    rendering = render_html(_xml(build, doc))
    assert rendering.template == EMBEDDED, rendering.refusal
    assert qr_text_box(rendering.html) == qr_text(qr_payload(doc))


def test_invoice_content_gib_style():
    html = render_html(_xml(*RENDERED["TEMEL-TEVKIFAT-601"])).html
    assert "e-FATURA" in html and "SAYIN" in html and "ETTN" in html
    assert "KDV Tevkifat 601 (%40)" in html
    assert "Ödenecek Tutar" in html and "1.120,00 TL" in html
    exempt = render_html(_xml(*RENDERED["TEMEL-ISTISNA-301"])).html
    assert "301 - " in exempt
    words = render_html(_xml(*RENDERED["TEMEL-SATIS-notes"])).html
    assert 'class="words">YALNIZ:' in words
    earchive = render_html(_xml(*RENDERED["EARSIV-INTERNET"])).html
    assert "e-ARŞİV FATURA" in earchive and "İnternet Satış Bilgileri" in earchive
    assert "ELEKTRONIK" in earchive


def test_despatch_content():
    html = render_html(_xml(*RENDERED["IRSALIYE-SEVK"])).html
    assert "e-İRSALİYE" in html and "06ABC123" in html and "Ali" in html and "Gres yağı" in html


def test_logo_is_shown():
    logo = f.invoice()
    png = b"\x89PNG\r\n\x1a\nfake"
    html = render_html(serialize(build_invoice(logo)), logo_png=png).html
    assert 'alt="Logo" src="data:image/png;base64,iVBORw0KGgpmYWtl"' in html


def test_our_templates_pass_our_own_safety_checks():
    for kind in ("invoice", "despatch"):
        check_stylesheet(load_xml(our_xslt(kind)))


@pytest.fixture(scope="module")
def validators():
    package = reference_path("gib-ubl-tr")
    return XsdValidator(package), SchematronValidator(package)


@pytest.mark.parametrize(
    ("build", "doc", "doc_type"),
    [
        (build_invoice, f.invoice(), "efatura"),
        (build_invoice, CASES["EARSIV-NORMAL-ELEKTRONIK"][1], "earchive"),
        (build_despatch_advice, f.despatch_advice(), "efatura"),
    ],
)
def test_builders_embed_our_xslt_and_stay_valid(validators, build, doc, doc_type):
    """Embedded with its QR baked in, the document passes XSD and schematron, parses back to the same
    stylesheet and is shown through it with the right Karekod image."""
    doc = replace(doc, xslt=xslt_attachment(doc))
    root = build(doc)
    xsd, schematron = validators
    assert not xsd.validate(root)
    assert not schematron.validate(root, doc_type=doc_type)
    xml = serialize(root)
    parsed = parse_document(xml)
    assert parsed.xslt.content == embedded_xslt(doc)
    assert parsed.xslt.filename == f"{doc.id}.xslt"
    rendering = render_html(xml)
    assert rendering.template == EMBEDDED
    assert qr_from_html(rendering.html) == qr_text(qr_payload(doc))


@pytest.mark.parametrize("doc", [f.invoice(), f.despatch_advice()], ids=["invoice", "despatch"])
def test_baked_in_defaults_are_the_template_with_those_parameters_set(doc):
    """The stylesheet is filled from a template serialised once: the same bytes as setting the
    Karekod and logo parameters in the parsed template and serialising it."""
    from lxml import etree

    from core.qr import qr_png
    from core.render.render import LOGO_PARAM, QR_PARAM, XSL

    logo = qr_png("logo")
    root = etree.fromstring(our_xslt("despatch" if isinstance(doc, DespatchAdvice) else "invoice"))
    values = {
        QR_PARAM: base64.b64encode(qr_png(qr_payload(doc))).decode(),
        LOGO_PARAM: base64.b64encode(logo).decode(),
    }
    for param in root.iterchildren(f"{{{XSL}}}param"):
        if param.get("name") in values:
            param.set("select", f"'{values.pop(param.get('name'))}'")
    assert not values, "both parameters are in the template"
    assert embedded_xslt(doc, logo_png=logo) == etree.tostring(root, xml_declaration=True, encoding="UTF-8")
