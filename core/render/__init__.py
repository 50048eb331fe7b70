"""Display of UBL-TR documents: our GİB-style XSLT, safe use of a sender's XSLT, HTML to PDF."""

from .pdf import render_pdf
from .render import EMBEDDED, GIVEN, OURS, Rendering, embedded_xslt, our_xslt, render_html, xslt_attachment
from .isolate import LIMITS, Limits, transform_in_child
from .safety import check_stylesheet, load_safe_xslt
from .sanitize import sanitize_html

__all__ = [
    "EMBEDDED",
    "GIVEN",
    "LIMITS",
    "OURS",
    "Limits",
    "Rendering",
    "check_stylesheet",
    "embedded_xslt",
    "load_safe_xslt",
    "our_xslt",
    "render_html",
    "render_pdf",
    "sanitize_html",
    "transform_in_child",
    "xslt_attachment",
]
