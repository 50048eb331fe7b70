"""UBL-TR 1.2.1 builders: frozen dataclasses from ``core.documents`` in, lxml trees out."""

from .application_response import build_application_response
from .despatch import build_despatch_advice
from .invoice import build_invoice
from .receipt_advice import build_receipt_advice
from .serialize import serialize

__all__ = [
    "build_application_response",
    "build_despatch_advice",
    "build_invoice",
    "build_receipt_advice",
    "serialize",
]
