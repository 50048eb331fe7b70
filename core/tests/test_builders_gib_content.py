"""Content GİB's 20260701 rules ask for that the core could not write before: İHRAÇ KAYITLI under 702
(GTİP and ALICIDIBSATIRKOD on every line) and the cash-register receipt (ÖKC) reference. Each built
document passes GİB's XSD, GİB's 20260701 schematron and the own rules, and parses back unchanged."""

import datetime as dt
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
    ItemInstance,
    Party,
    Period,
    Shipment,
    TransportHandlingUnit,
)
from core.tests import factories as f
from core.tests.conftest import gib_verdicts, reference_path
from core.ubl import build_invoice, serialize
from core.ubl.namespaces import CAC, CBC
from core.ubl.parse import parse_invoice
from core.validation import rules

NS = {"cac": CAC, "cbc": CBC}


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
    assert gib_verdicts(gib, invoice) == ([], [], [])
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
    _xsd, gib_rules, ours = gib_verdicts(gib, invoice)
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
    assert gib_verdicts(gib, invoice) == ([], [], [])
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
    assert "BillingReferenceCheck" in gib_verdicts(gib, invoice)[1]


def _gib_sample(name):
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", f"{name}.xml").read_bytes()


@pytest.mark.parametrize("name", ["SARJ", "SARJANLIK"])
def test_charging_invoice_content_survives_parse_and_build(gib, name):
    """GİB's charging samples: the session period with its times, the ESU report, the car's plate and the
    charge point's serial number are read into the dataclasses and written back as GİB checks them."""
    invoice = parse_invoice(_gib_sample(name))
    period = invoice.invoice_period
    assert None not in (period.start_date, period.start_time, period.end_date, period.end_time)
    assert invoice.customer.identification("PLAKA") == "06GIB06"
    reports = [r for r in invoice.additional_document_references if r.scheme_id == "ESURaporID"]
    serials = [i.serial_id for line in invoice.lines for i in line.item.instances if i.serial_id]
    if name == "SARJ":
        assert [r.id for r in reports] == ["B0E502A8-122C-4061-BE02-8133A5788177"]
    else:
        assert serials == ["45225"]
    assert gib_verdicts(gib, invoice)[:2] == ([], [])
    assert _roundtrip(invoice) == invoice


def _charging(profile, type_code, *, serial="CP-45225", **overrides):
    """A charging invoice as the core builds it from the charge point's data (20260701 rules)."""
    line = f.line(1, "32.5", "8.40", unit="KWH")
    if type_code == "SARJANLIK" and serial:
        line = replace(line, item=replace(line.item, instances=(ItemInstance(serial_id=serial),)))
    buyer = f.company_buyer(
        identifications=(*f.company_buyer().identifications, Identifier(value="06ABC123", scheme_id="PLAKA"))
    )
    references = (
        (
            DocumentReference(
                id="B0E502A8-122C-4061-BE02-8133A5788177",
                scheme_id="ESURaporID",
                issue_date=f.ISSUE_DATE.replace(month=9, day=20),
            ),
        )
        if type_code == "SARJ"
        else ()
    )
    data = {
        "customer": buyer,
        "issue_date": f.ISSUE_DATE.replace(month=9, day=21),
        "invoice_period": Period(
            start_date=f.ISSUE_DATE.replace(month=9, day=20),
            start_time=dt.time(22, 15),
            end_date=f.ISSUE_DATE.replace(month=9, day=21),
            end_time=dt.time(0, 5, 30),
        ),
        "additional_document_references": references,
    }
    if profile == "EARSIVFATURA":
        data["earchive"] = EArchiveInfo()
    return f.invoice((line,), profile=profile, type_code=type_code, **(data | overrides))


CHARGING = [
    ("ENERJI", "SARJ"),
    ("ENERJI", "SARJANLIK"),
    ("EARSIVFATURA", "SARJ"),
    ("EARSIVFATURA", "SARJANLIK"),
]


@pytest.mark.parametrize(("profile", "type_code"), CHARGING)
def test_charging_invoice_built_by_the_core_passes_gib_20260701(gib, profile, type_code):
    invoice = _charging(profile, type_code)
    xsd, gib_rules, _ = gib_verdicts(gib, invoice)
    assert (xsd, gib_rules) == ([], [])
    ours = rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)
    assert [i.code for i in ours if i.is_error] == []
    parsed = _roundtrip(invoice)
    assert (parsed.invoice_period, parsed.customer, parsed.additional_document_references) == (
        invoice.invoice_period,
        invoice.customer,
        invoice.additional_document_references,
    )
    assert [line.item.instances for line in parsed.lines] == [line.item.instances for line in invoice.lines]


@pytest.mark.parametrize(
    ("type_code", "overrides", "reason"),
    [
        ("SARJ", {"invoice_period": None}, "period_missing"),
        (
            "SARJANLIK",
            {"invoice_period": Period(start_date=f.ISSUE_DATE, end_date=f.ISSUE_DATE)},
            "period_missing",
        ),
        ("SARJ", {"customer": f.company_buyer()}, "plate_missing"),
        (
            "SARJANLIK",
            {
                "customer": f.company_buyer(
                    identifications=(Identifier(value="06 ABC 123", scheme_id="PLAKA"),)
                )
            },
            "plate_missing",
        ),
        ("SARJ", {"additional_document_references": ()}, "esu_report_missing"),
        (
            "SARJ",
            {"additional_document_references": (DocumentReference(id="RAPOR-1", scheme_id="ESURaporID"),)},
            "esu_report_missing",
        ),
        ("SARJANLIK", {"serial": " "}, "serial_missing"),
    ],
)
def test_charging_rules_mirror_gib_20260701(gib, type_code, overrides, reason):
    invoice = _charging("ENERJI", type_code, **overrides)
    code = f"tr_edoc.rule.charging.{reason}"
    assert rules.MIRRORS_20260701[code] in gib_verdicts(gib, invoice)[1]
    assert code in {
        i.code for i in rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)
    }
    before = rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260312)
    assert code not in {i.code for i in before}
