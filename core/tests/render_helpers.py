"""Shared helpers for the rendering tests: pull the Karekod out of HTML, PDF pages and decode it."""

import base64
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
import zxingcpp
from PIL import Image


def decode_qr(image):
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"exactly one QR code expected, found {len(results)}"
    return results[0].text


def qr_from_html(html):
    """Decode the PNG of the ``<img alt="Karekod">`` data URI."""
    images = lxml.html.fromstring(html).xpath("//img[@alt='Karekod']/@src")
    assert len(images) == 1, "the page must carry exactly one Karekod image"
    prefix = "data:image/png;base64,"
    assert images[0].startswith(prefix)
    return decode_qr(Image.open(io.BytesIO(base64.b64decode(images[0][len(prefix) :]))))


def qr_text_box(html):
    """The payload printed where the QR goes when no image was given."""
    boxes = lxml.html.fromstring(html).xpath("//div[@class='qr-text']")
    assert len(boxes) == 1, "the page must print the Karekod payload once"
    return boxes[0].text_content()


def pdf_pages(pdf, dpi=150):
    """The PDF as PNG pages, rasterised by poppler's ``pdftoppm``."""
    binary = shutil.which("pdftoppm")
    assert binary, "pdftoppm is missing: apt-get install -y poppler-utils"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp, "doc.pdf")
        source.write_bytes(pdf)
        subprocess.run([binary, "-r", str(dpi), "-png", str(source), str(Path(tmp, "page"))], check=True)
        return [Image.open(path).copy() for path in sorted(Path(tmp).glob("page*.png"))]
