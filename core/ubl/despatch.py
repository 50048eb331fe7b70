"""DespatchAdvice (e-İrsaliye) builder: SEVK, and MATBUDAN for goods that left with a printed note."""

from .invoice import (
    add_document_reference,
    add_header,
    add_item,
    add_role_party,
    add_shipment,
    add_signature,
    add_xslt,
)
from .namespaces import DESPATCH_ADVICE, as_tree, cac, cbc, finish, root_element


def render_despatch_advice(advice):
    root = root_element("DespatchAdvice", DESPATCH_ADVICE)
    add_header(root, advice)
    cbc(root, "CopyIndicator", advice.copy_indicator)
    cbc(root, "UUID", advice.uuid)
    cbc(root, "IssueDate", advice.issue_date)
    cbc(root, "IssueTime", advice.issue_time)
    cbc(root, "DespatchAdviceTypeCode", advice.despatch_advice_type_code)
    for note in advice.notes:
        cbc(root, "Note", note)
    cbc(root, "LineCountNumeric", len(advice.lines))
    for order in advice.order_references:
        node = cac(root, "OrderReference")
        cbc(node, "ID", order.id)
        cbc(node, "IssueDate", order.issue_date or advice.issue_date)
    references = advice.additional_document_references
    if advice.printed_document:
        references = (advice.printed_document, *references)
    for reference in references:
        add_document_reference(root, "AdditionalDocumentReference", reference, advice.issue_date)
    add_xslt(root, advice.xslt, advice.id, advice.issue_date)
    add_signature(root, advice.supplier, advice.id)
    contact = advice.supplier_contact_name
    add_role_party(root, "DespatchSupplierParty", advice.supplier, contact, "DespatchContact")
    add_role_party(root, "DeliveryCustomerParty", advice.delivery_customer)
    for element, party in (
        ("BuyerCustomerParty", advice.buyer_customer),
        ("SellerSupplierParty", advice.seller_supplier),
        ("OriginatorCustomerParty", advice.originator_customer),
    ):
        if party:
            add_role_party(root, element, party)
    add_shipment(root, advice.shipment, "TRY")
    for line in advice.lines:
        node = cac(root, "DespatchLine")
        cbc(node, "ID", line.id)
        for note in line.notes:
            cbc(node, "Note", note)
        cbc(node, "DeliveredQuantity", line.delivered_quantity, unitCode=line.unit_code)
        cbc(node, "OutstandingQuantity", line.outstanding_quantity, unitCode=line.unit_code)
        cbc(node, "OutstandingReason", line.outstanding_reason)
        cbc(node, "OversupplyQuantity", line.oversupply_quantity, unitCode=line.unit_code)
        cbc(cac(node, "OrderLineReference"), "LineID", line.order_line_reference or line.id)
        add_item(node, line.item)
        for shipment in line.shipments:
            add_shipment(node, shipment, "TRY")
    return finish(root)


def build_despatch_advice(advice):
    return as_tree(render_despatch_advice(advice))
