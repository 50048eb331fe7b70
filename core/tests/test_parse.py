"""core.ubl.parse on GİB's own samples, checked against the XML itself read independently with XPath."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from core import documents as d
from core.errors import ParseError, XmlSecurityError
from core.tests.conftest import reference_path
from core.ubl import parse
from core.xmlsafe import load_xslt

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def sample(name):
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", name).read_bytes()


def xpath(data, expr):
    return etree.fromstring(data).xpath(expr, namespaces=NS)


def decimals(data, expr):
    return [Decimal(v.strip()) for v in xpath(data, expr)]


def test_commercial_invoice_matches_its_xml():
    data = sample("TicariFaturaOrnegi.xml")
    invoice = parse.parse_invoice(data)
    assert isinstance(invoice, d.Invoice)
    assert invoice.id == xpath(data, "string(/*/cbc:ID)")
    assert invoice.uuid == xpath(data, "string(/*/cbc:UUID)")
    assert invoice.profile_id == "TICARIFATURA"
    assert invoice.issue_date.isoformat() == xpath(data, "string(/*/cbc:IssueDate)")
    assert len(invoice.lines) == int(xpath(data, "count(/*/cac:InvoiceLine)"))
    assert [line.line_extension_amount for line in invoice.lines] == decimals(
        data, "/*/cac:InvoiceLine/cbc:LineExtensionAmount/text()"
    )
    assert [line.quantity for line in invoice.lines] == decimals(
        data, "/*/cac:InvoiceLine/cbc:InvoicedQuantity/text()"
    )
    assert [line.unit_code for line in invoice.lines] == xpath(
        data, "/*/cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode"
    )
    supplier_ids = xpath(data, "/*/cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID")
    assert [(i.value, i.scheme_id) for i in invoice.supplier.identifications] == [
        (n.text, n.get("schemeID")) for n in supplier_ids
    ]
    assert invoice.supplier.address.city_name == xpath(
        data, "string(/*/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName)"
    )
    total = invoice.legal_monetary_total
    assert total.payable_amount == decimals(data, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount/text()")[0]
    assert (
        total.allowance_total_amount
        == decimals(data, "/*/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount/text()")[0]
    )
    subtotals = [s for t in invoice.tax_totals for s in t.subtotals]
    assert [s.tax_amount for s in subtotals] == decimals(
        data, "/*/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount/text()"
    )
    assert all(isinstance(s.tax_amount, Decimal) for s in subtotals)


def test_embedded_xslt_is_decoded_and_compiles_safely():
    invoice = parse.parse_invoice(sample("YTB_Satıs_Efatura.xml"))
    assert invoice.xslt is not None
    assert all(ref.document_type != "XSLT" for ref in invoice.additional_document_references)
    transform = load_xslt(invoice.xslt.content)
    html = str(transform(etree.fromstring(sample("YTB_Satıs_Efatura.xml"))))
    assert invoice.id in html


def test_withholding_subtotals_keep_their_codes():
    data = sample("YTB_Tevkıfat_Efatura.xml")
    invoice = parse.parse_document(data)
    withheld = invoice.withholding_tax_totals[0].subtotals[0]
    assert withheld.tax_type_code == xpath(data, "string(/*/cac:WithholdingTaxTotal//cbc:TaxTypeCode)")
    assert withheld.percent == Decimal(xpath(data, "string(/*/cac:WithholdingTaxTotal//cbc:Percent)"))
    assert invoice.lines[0].withholding_tax_totals[0].tax_amount == withheld.tax_amount
    assert invoice.legal_monetary_total.payable_amount == (
        invoice.legal_monetary_total.tax_inclusive_amount - invoice.withholding_tax_totals[0].tax_amount
    )


def test_exemption_codes_and_reasons_are_kept():
    data = sample("YTB_Istisna_Efatura.xml")
    invoice = parse.parse_document(data)
    codes = xpath(data, "/*/cac:TaxTotal//cbc:TaxExemptionReasonCode/text()")
    assert codes
    assert [s.exemption_reason_code for t in invoice.tax_totals for s in t.subtotals] == codes
    assert invoice.tax_totals[0].subtotals[0].exemption_reason


def test_earchive_sample_is_marked_earchive():
    invoice = parse.parse_document(sample("YTB_Satıs_EArşiv.xml"))
    assert invoice.profile_id == "EARSIVFATURA"
    assert invoice.earchive is not None


def test_despatch_advice_carries_shipment_and_lines():
    data = sample("IDIS_Irsaliye.xml")
    advice = parse.parse_document(data)
    assert isinstance(advice, d.DespatchAdvice)
    stage = advice.shipment.shipment_stages[0]
    assert [(p.value, p.scheme_id) for p in stage.vehicle_plates] == [
        (n.text, n.get("schemeID")) for n in xpath(data, "/*/cac:Shipment//cbc:LicensePlateID")
    ]
    assert len(advice.lines) == int(xpath(data, "count(/*/cac:DespatchLine)"))
    assert [line.delivered_quantity for line in advice.lines] == decimals(
        data, "/*/cac:DespatchLine/cbc:DeliveredQuantity/text()"
    )
    assert advice.issue_time is not None
    etiket = advice.lines[0].item.additional_item_ids[0]
    assert etiket.scheme_id == "ETIKETNO"


def test_printed_despatch_reference_is_lifted():
    advice = parse.parse_document(sample("Irsaliye-Matbudan.xml"))
    assert advice.despatch_advice_type_code == "MATBUDAN"
    assert advice.printed_document.id == "A-963403"
    assert advice.printed_document.issue_date == dt.date(2016, 8, 10)
    assert all(ref.document_type != "MATBU" for ref in advice.additional_document_references)


def test_receipt_advice_keeps_rejections_and_shortages():
    found = {}
    for number in range(1, 5):
        data = sample(f"IrsaliyeYaniti-Ornek{number}.xml")
        advice = parse.parse_document(data)
        assert isinstance(advice, d.ReceiptAdvice)
        assert advice.despatch_document_reference.id == xpath(
            data, "string(/*/cac:DespatchDocumentReference/cbc:ID)"
        )
        for name in ("rejected_quantity", "short_quantity", "oversupply_quantity"):
            element = "".join(part.title() for part in name.split("_"))
            values = decimals(data, f"/*/cac:ReceiptLine/cbc:{element}/text()")
            parsed = [getattr(line, name) for line in advice.lines if getattr(line, name) is not None]
            assert parsed == values
            found[name] = found.get(name, 0) + len(values)
    assert all(found.values()), found


def test_application_response_names_the_answered_document():
    data = sample("IHRACAT_GTB_UygulamaYaniti_RED.xml")
    response = parse.parse_document(data)
    assert isinstance(response, d.ApplicationResponse)
    assert response.response_code == "RED"
    assert response.document_reference.id == xpath(
        data, "string(/*/cac:DocumentResponse/cac:DocumentReference/cbc:ID)"
    )
    assert response.sender.tax_id == xpath(data, "string(/*/cac:SenderParty/cac:PartyIdentification/cbc:ID)")
    assert len(response.line_responses) == int(xpath(data, "count(//cac:LineResponse)"))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("TicariFaturaOrnegi.xml", "invoice"),
        ("YTB_Tevkıfat_Efatura.xml", "invoice"),
        ("IDIS_Irsaliye.xml", "despatch_advice"),
        ("IrsaliyeYaniti-Ornek2.xml", "receipt_advice"),
        ("YOLCUBERABER_UygulamaYaniti.xml", "application_response"),
    ],
)
def test_summary_agrees_with_full_parse(name, kind):
    data = sample(name)
    summary = parse.document_summary(data)
    document = parse.parse_document(data)
    assert summary["kind"] == kind
    assert (summary["uuid"], summary["id"], summary["profile_id"], summary["issue_date"]) == (
        document.uuid,
        document.id,
        document.profile_id,
        document.issue_date,
    )
    sender, receiver = {
        "invoice": lambda doc: (doc.supplier, doc.customer),
        "despatch_advice": lambda doc: (doc.supplier, doc.delivery_customer),
        "receipt_advice": lambda doc: (doc.delivery_customer, doc.despatch_supplier),
        "application_response": lambda doc: (doc.sender, doc.receiver),
    }[kind](document)
    assert summary["sender_vkn"] == sender.tax_id
    assert summary["receiver_vkn"] == receiver.tax_id
    if kind == "invoice":
        assert summary["payable_amount"] == document.legal_monetary_total.payable_amount
        assert summary["tax_amount"] == sum((t.tax_amount for t in document.tax_totals), Decimal(0))
        assert summary["line_count"] == len(document.lines)
        assert summary["type_code"] == document.invoice_type_code
    else:
        assert summary["payable_amount"] is None
    if kind == "application_response":
        assert summary["referenced_id"] == document.document_reference.id
        assert summary["type_code"] == document.response_code


MINIMAL = b"""<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
<cbc:ProfileID>TEMELFATURA</cbc:ProfileID><cbc:ID>ABC2026000000001</cbc:ID>
<cbc:UUID>F47AC10B-58CC-4372-A567-0E02B2C3D479</cbc:UUID><cbc:IssueDate>2026-03-16</cbc:IssueDate>
<cbc:IssueTime>%(time)s</cbc:IssueTime><cbc:InvoiceTypeCode>SATIS</cbc:InvoiceTypeCode>
<cac:AccountingSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID schemeID="VKN">1111111111</cbc:ID>
</cac:PartyIdentification></cac:Party></cac:AccountingSupplierParty>
<cac:AccountingCustomerParty><cac:Party><cac:PartyIdentification><cbc:ID schemeID="TCKN">11111111111</cbc:ID>
</cac:PartyIdentification></cac:Party></cac:AccountingCustomerParty>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="TRY">%(amount)s</cbc:LineExtensionAmount>
<cbc:TaxExclusiveAmount currencyID="TRY">10</cbc:TaxExclusiveAmount>
<cbc:TaxInclusiveAmount currencyID="TRY">12</cbc:TaxInclusiveAmount>
<cbc:PayableAmount currencyID="TRY">12</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>"""


def minimal(time="10:30:00", amount="10.00"):
    return MINIMAL % {b"time": time.encode(), b"amount": amount.encode()}


def test_minimal_invoice_parses_with_exact_decimals():
    invoice = parse.parse_invoice(minimal(amount="10.005"))
    assert invoice.legal_monetary_total.line_extension_amount == Decimal("10.005")
    assert invoice.customer.tckn == "11111111111"
    assert invoice.lines == ()


def test_time_keeps_fraction_and_zone():
    invoice = parse.parse_invoice(minimal(time="16:58:34.961+03:00"))
    assert invoice.issue_time == dt.time(16, 58, 34, 961000, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.mark.parametrize("amount", ["1,50", "NaN", "Infinity", "", "1e"])
def test_bad_amount_is_a_parse_error_naming_the_element(amount):
    with pytest.raises(ParseError) as info:
        parse.parse_invoice(minimal(amount=amount))
    assert info.value.code == "tr_edoc.xml.bad_value"
    assert info.value.params["path"] == "Invoice/LegalMonetaryTotal/LineExtensionAmount"
    assert info.value.params["value"] == amount


@pytest.mark.parametrize("time", ["25:00:00", "10:30", "noon"])
def test_bad_time_is_a_parse_error(time):
    with pytest.raises(ParseError) as info:
        parse.parse_invoice(minimal(time=time))
    assert info.value.code == "tr_edoc.xml.bad_value"
    assert info.value.params["path"] == "Invoice/IssueTime"


def test_missing_uuid_is_a_parse_error():
    data = minimal().replace(b"<cbc:UUID>F47AC10B-58CC-4372-A567-0E02B2C3D479</cbc:UUID>", b"")
    with pytest.raises(ParseError) as info:
        parse.parse_invoice(data)
    assert info.value.code == "tr_edoc.xml.missing"
    assert info.value.params == {"path": "Invoice/UUID"}


def test_invalid_base64_attachment_is_refused():
    data = sample("YTB_Satıs_Efatura.xml")
    root = etree.fromstring(data)
    root.find(".//cbc:EmbeddedDocumentBinaryObject", NS).text = "@@not base64@@"
    with pytest.raises(ParseError) as info:
        parse.parse_invoice(etree.tostring(root))
    assert info.value.code == "tr_edoc.xml.bad_value"


def test_specific_parser_refuses_other_documents():
    with pytest.raises(ParseError) as info:
        parse.parse_invoice(sample("IDIS_Irsaliye.xml"))
    assert info.value.code == "tr_edoc.xml.wrong_root"
    with pytest.raises(ParseError) as info:
        parse.parse_document(
            reference_path("gib-ubl-tr", "e-FaturaPaketi", "xml", "1_TEMEL_FATURA_ZARF.xml").read_bytes()
        )
    assert info.value.code == "tr_edoc.xml.wrong_root"


def test_hostile_input_is_refused_before_mapping():
    with pytest.raises(XmlSecurityError):
        parse.parse_document(b'<!DOCTYPE Invoice [<!ENTITY x "y">]>' + minimal())
    with pytest.raises(XmlSecurityError):
        parse.document_summary(minimal(), max_bytes=100)


def test_printed_note_is_recognised_by_its_document_type_code():
    path = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", "Irsaliye-Matbudan.xml")
    data = path.read_bytes().replace(
        b"<cbc:DocumentType>MATBU</cbc:DocumentType>", b"<cbc:DocumentTypeCode>MATBU</cbc:DocumentTypeCode>"
    )
    advice = parse.parse_document(data)
    assert advice.printed_document is not None
    assert advice.printed_document.id == "A-963403"
