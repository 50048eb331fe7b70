"""ReceiptAdvice (İrsaliye Yanıtı) builder: the receiver's account of what actually arrived."""

from .invoice import (
    add_document_reference,
    add_header,
    add_item,
    add_role_party,
    add_shipment,
    add_signature,
    add_xslt,
)
from .namespaces import RECEIPT_ADVICE, as_tree, cac, cbc, finish, root_element


def render_receipt_advice(advice):
    root = root_element("ReceiptAdvice", RECEIPT_ADVICE)
    add_header(root, advice)
    cbc(root, "CopyIndicator", advice.copy_indicator)
    cbc(root, "UUID", advice.uuid)
    cbc(root, "IssueDate", advice.issue_date)
    cbc(root, "IssueTime", advice.issue_time)
    cbc(root, "ReceiptAdviceTypeCode", advice.receipt_advice_type_code)
    for note in advice.notes:
        cbc(root, "Note", note)
    cbc(root, "LineCountNumeric", len(advice.lines))
    for order in advice.order_references:
        node = cac(root, "OrderReference")
        cbc(node, "ID", order.id)
        cbc(node, "IssueDate", order.issue_date or advice.issue_date)
    add_document_reference(root, "DespatchDocumentReference", advice.despatch_document_reference)
    for reference in advice.additional_document_references:
        add_document_reference(root, "AdditionalDocumentReference", reference, advice.issue_date)
    add_xslt(root, advice.xslt, advice.id, advice.issue_date)
    add_signature(root, advice.delivery_customer, advice.id)
    customer, supplier = advice.delivery_customer, advice.despatch_supplier
    add_role_party(root, "DeliveryCustomerParty", customer, advice.delivery_contact_name, "DeliveryContact")
    add_role_party(root, "DespatchSupplierParty", supplier, advice.despatch_contact_name, "DespatchContact")
    if advice.buyer_customer:
        add_role_party(root, "BuyerCustomerParty", advice.buyer_customer)
    if advice.seller_supplier:
        add_role_party(root, "SellerSupplierParty", advice.seller_supplier)
    if advice.shipment:
        add_shipment(root, advice.shipment, "TRY")
    for line in advice.lines:
        node = cac(root, "ReceiptLine")
        cbc(node, "ID", line.id)
        for note in line.notes:
            cbc(node, "Note", note)
        unit = line.unit_code
        cbc(node, "ReceivedQuantity", line.received_quantity, unitCode=unit)
        cbc(node, "ShortQuantity", line.short_quantity, unitCode=unit)
        cbc(node, "RejectedQuantity", line.rejected_quantity, unitCode=unit)
        cbc(node, "RejectReasonCode", line.reject_reason_code)
        cbc(node, "RejectReason", line.reject_reason)
        cbc(node, "OversupplyQuantity", line.oversupply_quantity, unitCode=unit)
        cbc(node, "ReceivedDate", line.received_date)
        cbc(node, "TimingComplaintCode", line.timing_complaint_code)
        cbc(node, "TimingComplaint", line.timing_complaint)
        if line.order_line_reference:
            cbc(cac(node, "OrderLineReference"), "LineID", line.order_line_reference)
        cbc(cac(node, "DespatchLineReference"), "LineID", line.despatch_line_reference or line.id)
        add_item(node, line.item)
    return finish(root)


def build_receipt_advice(advice):
    return as_tree(render_receipt_advice(advice))
