"""Shared input handling: every validator accepts bytes, an lxml element or an lxml tree."""

from lxml import etree

from ..xmlsafe import load_xml

UBL_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
    "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2": "DespatchAdvice",
    "urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2": "ReceiptAdvice",
    "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2": "ApplicationResponse",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
}


def as_root(root_or_bytes):
    """Bytes from outside go through the hardened parser; trees we built ourselves are used as they are."""
    if isinstance(root_or_bytes, (bytes, bytearray, memoryview)):
        return load_xml(bytes(root_or_bytes))
    if isinstance(root_or_bytes, etree._ElementTree):
        return root_or_bytes.getroot()
    if isinstance(root_or_bytes, etree._Element):
        return root_or_bytes
    raise TypeError(f"expected XML bytes or an lxml element, got {type(root_or_bytes).__name__}")


def document_kind(root):
    """The UBL document name of the root ('Invoice', ...), or None when it is not a UBL-TR document."""
    return UBL_NAMESPACES.get(etree.QName(root).namespace)
