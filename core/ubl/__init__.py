"""UBL-TR 1.2.1 builders: frozen dataclasses from ``core.documents`` in; ``render_*`` gives the
bytes, ``build_*`` the same document as an lxml tree (``serialize`` of it gives those bytes)."""

from .application_response import build_application_response, render_application_response
from .despatch import build_despatch_advice, render_despatch_advice
from .invoice import build_invoice, render_invoice
from .receipt_advice import build_receipt_advice, render_receipt_advice
from .serialize import serialize

__all__ = [
    "build_application_response",
    "build_despatch_advice",
    "build_invoice",
    "build_receipt_advice",
    "render_application_response",
    "render_despatch_advice",
    "render_invoice",
    "render_receipt_advice",
    "serialize",
]
