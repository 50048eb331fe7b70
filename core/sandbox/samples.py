"""Small UBL-TR-shaped documents for trying the sandbox; they carry only what the sandbox reads.

They are not schema-complete invoices: real documents come from ``core.ubl``.
"""

import uuid as uuidlib
from decimal import Decimal

_NS = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)


def _party(role, vkn, title):
    return (
        f'<cac:{role}><cac:Party><cac:PartyIdentification><cbc:ID schemeID="VKN">{vkn}</cbc:ID>'
        f"</cac:PartyIdentification><cac:PartyName><cbc:Name>{title}</cbc:Name></cac:PartyName>"
        f"</cac:Party></cac:{role}>"
    )


def invoice_xml(
    *,
    sender_vkn,
    receiver_vkn,
    number,
    profile="TICARIFATURA",
    doc_uuid=None,
    amount=Decimal("118.00"),
    issue_date="2026-01-15",
):
    doc_uuid = doc_uuid or str(uuidlib.uuid4())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {_NS}>'
        f"<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>TR1.2</cbc:CustomizationID>"
        f"<cbc:ProfileID>{profile}</cbc:ProfileID><cbc:ID>{number}</cbc:ID><cbc:UUID>{doc_uuid}</cbc:UUID>"
        f"<cbc:IssueDate>{issue_date}</cbc:IssueDate><cbc:IssueTime>10:00:00</cbc:IssueTime>"
        f"<cbc:InvoiceTypeCode>SATIS</cbc:InvoiceTypeCode>"
        + _party("AccountingSupplierParty", sender_vkn, "SATICI")
        + _party("AccountingCustomerParty", receiver_vkn, "ALICI")
        + f'<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="TRY">{amount}</cbc:PayableAmount>'
        "</cac:LegalMonetaryTotal></Invoice>"
    ).encode()


def despatch_xml(*, sender_vkn, receiver_vkn, number, doc_uuid=None, issue_date="2026-01-15"):
    doc_uuid = doc_uuid or str(uuidlib.uuid4())
    return (
        '<?xml version="1.0" encoding="UTF-8"?><DespatchAdvice '
        f'xmlns="urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2" {_NS}>'
        f"<cbc:ProfileID>TEMELIRSALIYE</cbc:ProfileID><cbc:ID>{number}</cbc:ID><cbc:UUID>{doc_uuid}</cbc:UUID>"
        f"<cbc:IssueDate>{issue_date}</cbc:IssueDate><cbc:IssueTime>09:00:00</cbc:IssueTime>"
        "<cbc:DespatchAdviceTypeCode>SEVK</cbc:DespatchAdviceTypeCode>"
        + _party("DespatchSupplierParty", sender_vkn, "SEVK EDEN")
        + _party("DeliveryCustomerParty", receiver_vkn, "TESLİM ALAN")
        + "</DespatchAdvice>"
    ).encode()


def receipt_xml(*, sender_vkn, receiver_vkn, number, despatch_number, doc_uuid=None, issue_date="2026-01-16"):
    """``sender_vkn`` received the goods and answers ``receiver_vkn``, who despatched them."""
    doc_uuid = doc_uuid or str(uuidlib.uuid4())
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ReceiptAdvice '
        f'xmlns="urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2" {_NS}>'
        f"<cbc:ProfileID>TEMELIRSALIYE</cbc:ProfileID><cbc:ID>{number}</cbc:ID><cbc:UUID>{doc_uuid}</cbc:UUID>"
        f"<cbc:IssueDate>{issue_date}</cbc:IssueDate><cbc:ReceiptAdviceTypeCode>SEVK</cbc:ReceiptAdviceTypeCode>"
        f"<cac:DespatchDocumentReference><cbc:ID>{despatch_number}</cbc:ID>"
        f"<cbc:IssueDate>{issue_date}</cbc:IssueDate></cac:DespatchDocumentReference>"
        + _party("DeliveryCustomerParty", sender_vkn, "TESLİM ALAN")
        + _party("DespatchSupplierParty", receiver_vkn, "SEVK EDEN")
        + "</ReceiptAdvice>"
    ).encode()
