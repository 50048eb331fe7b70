"""Content GİB's 20260701 rules ask for that the core could not write before: İHRAÇ KAYITLI under 702
(GTİP and ALICIDIBSATIRKOD on every line) and the cash-register receipt (ÖKC) reference. Each built
document passes GİB's XSD, GİB's 20260701 schematron and the own rules, and parses back unchanged."""

from dataclasses import replace

import pytest

from core import codes
from core.documents import (
    Address,
    Attachment,
    CustomsDeclaration,
    Delivery,
    DocumentReference,
    EArchiveInfo,
    GoodsItem,
    Identifier,
    Party,
    Shipment,
    TransportHandlingUnit,
)
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl import build_invoice, serialize
from core.ubl.namespaces import CAC, CBC
from core.ubl.parse import parse_invoice
from core.validation import rules
from core.validation.schematron import SchematronValidator
from core.validation.xsd import XsdValidator

NS = {"cac": CAC, "cbc": CBC}


@pytest.fixture(scope="module")
def gib():
    return (
        XsdValidator(reference_path("gib-ubl-tr")),
        SchematronValidator(reference_path("gib-ubl-tr", "schematron-20260701")),
    )


def _verdicts(gib, invoice):
    xsd, schematron = gib
    root = build_invoice(invoice)
    doc_type = "earchive" if invoice.profile_id == "EARSIVFATURA" else "efatura"
    return (
        [i.message for i in xsd.validate(root)],
        sorted({i.params.get("rule", i.code) for i in schematron.validate(root, doc_type=doc_type)}),
        [i.code for i in rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)],
    )


def _roundtrip(invoice):
    return parse_invoice(serialize(build_invoice(invoice)))


def _diib_shipment(gtip="847989979000", line_code="12345678901"):
    # UBL-TR's Party requires a PostalAddress: the builder writes an empty one, read back as such.
    buyer_line = Party(
        identifications=(Identifier(value=line_code, scheme_id="ALICIDIBSATIRKOD"),), address=Address()
    )
    return Shipment(
        goods_items=(GoodsItem(required_customs_id=gtip),),
        transport_handling_units=(
            TransportHandlingUnit(
                customs_declarations=(CustomsDeclaration(id="1", issuer_party=buyer_line),)
            ),
        ),
    )


def _ihrackayitli(*shipments):
    lines = tuple(
        replace(
            f.line(n, 1, "500.00", f.kdv("500.00", 0, exemption="702")),
            deliveries=(Delivery(shipment=shipment),) if shipment else (),
        )
        for n, shipment in enumerate(shipments, start=1)
    )
    return f.invoice(lines, type_code="IHRACKAYITLI")


def test_ihrackayitli_702_with_gtip_and_diib_line_code_passes_gib_and_own_rules(gib):
    invoice = _ihrackayitli(_diib_shipment(), _diib_shipment(gtip="030617990000", line_code="10987654321"))
    assert _verdicts(gib, invoice) == ([], [], [])
    parsed = _roundtrip(invoice)
    assert [line.deliveries for line in parsed.lines] == [line.deliveries for line in invoice.lines]
    assert _roundtrip(parsed) == parsed


@pytest.mark.parametrize(
    "shipment",
    [
        _diib_shipment(gtip="8479899790"),
        _diib_shipment(line_code="1234567890"),
        replace(_diib_shipment(), transport_handling_units=()),
        None,
    ],
    ids=["gtip-10-digits", "line-code-10-digits", "no-line-code", "no-shipment"],
)
def test_ihrackayitli_702_incomplete_line_is_refused_by_both(gib, shipment):
    invoice = _ihrackayitli(_diib_shipment(), shipment)
    _xsd, gib_rules, ours = _verdicts(gib, invoice)
    assert "TaxExemptionReasonCodeCheck" in gib_rules
    issues = [
        i
        for i in rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)
        if i.code == "tr_edoc.rule.export.gtip_702_missing"
    ]
    assert [i.path for i in issues] == ["lines[1].deliveries"], ours
    assert "ALICIDIBSATIRKOD" in issues[0].message


def _okc_receipt(**overrides):
    """The ÖKC information slip an e-Arşiv invoice bills: slip number, date, the cash register's serial
    number as the issuer's endpoint, the Z report number as the external reference."""
    data = {
        "id": "0042",
        "issue_date": f.ISSUE_DATE,
        "document_type_code": "OKCBF",
        "document_type": "OKCBilgiFisi",
        "document_description": ("E-ARSIV",),
        "attachment": Attachment(external_uri="0017", character_set_code=None),
        "valid_from": f.ISSUE_DATE,
        "issuer_party": Party(
            endpoint_id="JH20012345",
            identifications=(Identifier(value=f.seller().vkn, scheme_id="VKN"),),
            address=Address(),
        ),
    }
    return DocumentReference(**(data | overrides))


def test_cash_register_receipt_reference_is_built_and_parsed(gib):
    invoice = f.invoice(
        profile="EARSIVFATURA", earchive=EArchiveInfo(), billing_additional_references=(_okc_receipt(),)
    )
    assert _verdicts(gib, invoice) == ([], [], [])
    root = build_invoice(invoice)
    assert root.xpath(
        "cac:BillingReference/cac:AdditionalDocumentReference/cbc:DocumentTypeCode/text()", namespaces=NS
    ) == ["OKCBF"]
    assert root.xpath("cac:BillingReference/cac:InvoiceDocumentReference", namespaces=NS) == []
    parsed = _roundtrip(invoice)
    assert parsed.billing_additional_references == invoice.billing_additional_references
    assert parsed.billing_references == ()


def test_cash_register_receipt_without_its_type_name_is_refused_by_gib(gib):
    invoice = f.invoice(
        profile="EARSIVFATURA",
        earchive=EArchiveInfo(),
        billing_additional_references=(_okc_receipt(document_type=None),),
    )
    assert "BillingReferenceCheck" in _verdicts(gib, invoice)[1]
