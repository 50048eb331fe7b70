"""Three GİB samples (e-Fatura, e-Arşiv, e-İrsaliye) printed through our template with wkhtmltopdf,
rasterised to PNG pages with poppler: a page exists and the Karekod on it decodes to the payload."""

import pytest

from core.errors import ConfigurationError
from core.qr import qr_payload, qr_text
from core.render import OURS, render_html, render_pdf
from core.tests.conftest import reference_path
from core.tests.render_helpers import decode_qr, pdf_pages
from core.ubl.parse import parse_document

SAMPLES = ("TemelFaturaOrnegi.xml", "YTB_Satıs_EArşiv.xml", "Irsaliye-Ornek1.xml")


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_pdf_has_a_page_with_a_decodable_qr(sample):
    data = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", sample).read_bytes()
    rendering = render_html(data, use_embedded=False)
    assert rendering.template == OURS
    pdf = render_pdf(rendering.html)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    assert pages, "the PDF has no page"
    assert decode_qr(pages[0]) == qr_text(qr_payload(parse_document(data)))


def test_pdf_reaches_no_network_and_no_file(tmp_path):
    """An external image and a local file link are not loaded: the PDF still comes out, quickly."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    html = (
        f'<html><body><p>x</p><img src="http://192.0.2.1/t.png"/><img src="file://{secret}"/></body></html>'
    )
    pdf = render_pdf(html, timeout=30)
    assert pdf.startswith(b"%PDF") and len(pdf_pages(pdf)) == 1


def test_missing_wkhtmltopdf_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        render_pdf("<p>x</p>", binary=str(tmp_path / "wkhtmltopdf"))
    assert caught.value.code == "tr_edoc.render.wkhtmltopdf_missing"
