"""Render N invoices of 20 lines to HTML (our XSLT, QR included), check+run a sender's XSLT, and print
M of them to PDF with wkhtmltopdf; print time per document.

Usage: python bench/bench_render.py [--n 200] [--pdf 10] [--reference DIR]
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.render import render_html, render_pdf  # noqa: E402
from core.tests import factories as f  # noqa: E402
from core.ubl import render_invoice  # noqa: E402


def _timed(label, count, work):
    start = time.perf_counter()
    result = [work(i) for i in range(count)]
    elapsed = time.perf_counter() - start
    print(f"{label:<42} {count:>5} docs  {elapsed * 1000 / count:8.2f} ms/doc  {count / elapsed:8.1f} docs/s")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--pdf", type=int, default=10)
    default_reference = os.environ.get("L10N_TR_EDOC_REFERENCE", str(REPO.parent / "shared" / "reference"))
    parser.add_argument("--reference", default=default_reference)
    args = parser.parse_args()
    lines = [f.line(i, i % 7 + 1, f"{100 + i}.25") for i in range(1, 21)]
    xmls = [render_invoice(f.invoice(lines, number=n + 1)) for n in range(args.n)]
    sample = (
        Path(args.reference) / "gib-ubl-tr" / "UBLTR_1.2.1_Paketi" / "xml" / "YTB_Satıs_EArşiv.xml"
    ).read_bytes()
    render_html(xmls[0])  # compile our template once, outside the timings
    pages = _timed("HTML, our XSLT + QR (20 lines)", args.n, lambda i: render_html(xmls[i]).html)
    _timed("HTML, GİB sample's XSLT (check, child, clean)", args.n, lambda i: render_html(sample).html)
    pdfs = _timed("PDF, wkhtmltopdf", args.pdf, lambda i: render_pdf(pages[i]))
    html_size = sum(map(len, pages)) // len(pages)
    print(f"average HTML size {html_size} chars, PDF {sum(map(len, pdfs)) // len(pdfs)} bytes")


if __name__ == "__main__":
    main()
