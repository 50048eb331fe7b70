"""Display of UBL-TR documents: our GİB-style XSLT, safe use of a sender's XSLT, HTML to PDF."""

from .pdf import render_pdf
from .render import EMBEDDED, GIVEN, OURS, Rendering, embedded_xslt, our_xslt, render_html, xslt_attachment
from .safety import check_stylesheet, load_safe_xslt

__all__ = [
    "EMBEDDED",
    "GIVEN",
    "OURS",
    "Rendering",
    "check_stylesheet",
    "embedded_xslt",
    "load_safe_xslt",
    "our_xslt",
    "render_html",
    "render_pdf",
    "xslt_attachment",
]
