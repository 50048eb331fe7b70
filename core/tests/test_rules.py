"""Pre-flight rules: each one fires on a document that breaks it, with its path and message, and where a
rule mirrors GİB's schematron, the schematron rejects the very same document built to XML."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from core.documents import (
    Address,
    Delivery,
    DocumentReference,
    EArchiveInfo,
    ExchangeRate,
    Identifier,
    InternetSale,
)
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl.despatch import build_despatch_advice
from core.ubl.invoice import build_invoice
from core.validation import rules
from core.validation.schematron import SchematronValidator

TODAY = f.ISSUE_DATE
replace = dataclasses.replace


@pytest.fixture(scope="module")
def schematron():
    return SchematronValidator(reference_path("gib-ubl-tr"))


def _tevkifat(code="601", percent=40, type_code="TEVKIFAT"):
    base = f.kdv("1000.00", 20)
    line = f.line(1, 1, "1000.00", base, withheld=(f.withholding(base, code, percent),))
    return f.invoice((line,), type_code=type_code)


def _zero_kdv(exemption=None, type_code="SATIS", profile="TEMELFATURA", **overrides):
    return f.invoice(
        (f.line(1, 1, "500.00", f.kdv("500.00", 0, exemption=exemption)),),
        type_code=type_code,
        profile=profile,
        **overrides,
    )


def _export(**overrides):
    return _zero_kdv("301", type_code="ISTISNA", profile="IHRACAT", customer=f.gtb_customs(), **overrides)


def _earchive(**overrides):
    return f.invoice(profile="EARSIVFATURA", **({"earchive": EArchiveInfo()} | overrides))


def _internet_sale(**sale):
    data = {
        "website": "https://shop.example.com.tr",
        "payment_means": "KREDIKARTI",
        "payment_date": TODAY,
    } | sale
    return _earchive(earchive=EArchiveInfo(internet_sale=InternetSale(**data)))


def _with_customer(**party):
    return f.invoice(customer=f.company_buyer(**party))


def _with_lines(**line):
    return f.invoice((f.line(1, 2, "1500.00", **line),))


def _with_total(**total):
    document = f.invoice()
    return replace(document, legal_monetary_total=replace(document.legal_monetary_total, **total))


def _with_kdv_amount(amount):
    document = f.invoice()
    total = document.tax_totals[0]
    subtotal = replace(total.subtotals[0], tax_amount=Decimal(amount))
    return replace(document, tax_totals=(replace(total, subtotals=(subtotal, *total.subtotals[1:])),))


# (case id, document, expected code, expected path, words in the message, mirrored schematron rule)
INVOICE_CASES = [
    ("id", f.invoice(id="anm2026000000001"), "header.id_format", "id", "ABC2026000000001", "InvoiceIDCheck"),
    ("id-year", f.invoice(id="ANM2025000000001"), "header.id_year_mismatch", "id", "2026-03-16", None),
    ("uuid", f.invoice(uuid="not-a-uuid"), "header.uuid_invalid", "uuid", "8-4-4-4-12", "UUIDCheck"),
    (
        "future",
        f.invoice(issue_date=TODAY + dt.timedelta(days=1)),
        "header.date_future",
        "issue_date",
        "future",
        None,
    ),
    (
        "old",
        f.invoice(issue_date=TODAY - dt.timedelta(days=8)),
        "header.date_too_old",
        "issue_date",
        "7 days",
        None,
    ),
    (
        "profile",
        f.invoice(profile="XYZFATURA"),
        "header.profile_unknown",
        "profile_id",
        "XYZFATURA",
        "ProfileIDCheck",
    ),
    (
        "type-for-profile",
        f.invoice(
            profile="TICARIFATURA",
            type_code="IADE",
            billing_references=(DocumentReference(id="ANM2026000000009", document_type_code="IADE"),),
        ),
        "header.type_not_allowed_for_profile",
        "invoice_type_code",
        "not allowed with profile TICARIFATURA",
        "InvoiceTypeCodeCheck",
    ),
    (
        "no-tax-id",
        _with_customer(identifications=()),
        "party.tax_id_missing",
        "customer.identifications",
        "exactly one tax number",
        "PartyIdentificationPartyNamePersonCheck",
    ),
    (
        "vkn-checksum",
        _with_customer(identifications=(Identifier(value="1234567891", scheme_id="VKN"),)),
        "party.vkn_checksum",
        "customer.vkn",
        "1234567891",
        None,
    ),
    (
        "vkn-length",
        _with_customer(identifications=(Identifier(value="123456789", scheme_id="VKN"),)),
        "party.vkn_invalid",
        "customer.vkn",
        "10-digit",
        "PartyIdentificationTCKNVKNCheck",
    ),
    (
        "tckn",
        f.invoice(
            customer=f.person_buyer(identifications=(Identifier(value="1000000014", scheme_id="TCKN"),))
        ),
        "party.tckn_invalid",
        "customer.tckn",
        "11-digit",
        "PartyIdentificationTCKNVKNCheck",
    ),
    (
        "person",
        f.invoice(customer=f.person_buyer(person=None)),
        "party.person_missing",
        "customer.person",
        "first name and a family name",
        "PartyIdentificationPartyNamePersonCheck",
    ),
    (
        "name",
        _with_customer(name=None),
        "party.name_missing",
        "customer.name",
        "needs a name",
        "PartyIdentificationPartyNamePersonCheck",
    ),
    (
        "tax-office",
        f.invoice(supplier=f.seller(tax_office=None)),
        "party.tax_office_missing",
        "supplier.tax_office",
        "vergi dairesi",
        None,
    ),
    (
        "address",
        _with_customer(address=Address(city_subdivision_name="Konak", country_code="TR")),
        "party.address_incomplete",
        "customer.address",
        "city (il)",
        None,
    ),
    (
        "district",
        _with_customer(address=Address(city_name="İzmir", country_code="TR")),
        "party.district_missing",
        "customer.address",
        "district",
        None,
    ),
    (
        "zero-kdv",
        _zero_kdv(),
        "tax.exemption_missing",
        "tax_totals[0].subtotals[0].exemption_reason_code",
        "exemption reason code",
        "TaxExemptionReasonCheck",
    ),
    (
        "exemption-unknown",
        _zero_kdv("999", type_code="ISTISNA"),
        "tax.exemption_unknown",
        "tax_totals[0].subtotals[0].exemption_reason_code",
        "'999'",
        "TaxExemptionReasonCodeCheck",
    ),
    (
        "exemption-type",
        _zero_kdv("301"),
        "tax.exemption_not_for_type",
        "tax_totals[0].subtotals[0].exemption_reason_code",
        "cannot be used on a SATIS invoice",
        "TaxExemptionReasonCodeCheck",
    ),
    (
        "kdv-amount",
        _with_kdv_amount("601.00"),
        "tax.amount_mismatch",
        "tax_totals[0].subtotals[0].tax_amount",
        "600.00",
        None,
    ),
    (
        "tax-total",
        replace(f.invoice(), tax_totals=(replace(f.invoice().tax_totals[0], tax_amount=Decimal("1.00")),)),
        "totals.tax_total_mismatch",
        "tax_totals[0].tax_amount",
        "sum of its lines",
        None,
    ),
    (
        "withholding-type",
        _tevkifat(type_code="SATIS"),
        "withholding.not_allowed_for_type",
        "withholding_tax_totals",
        "SATIS invoice cannot carry withheld KDV",
        "GeneralWithholdingTaxTotalCheck",
    ),
    (
        "tevkifat-without",
        f.invoice(type_code="TEVKIFAT"),
        "withholding.missing_for_tevkifat",
        "withholding_tax_totals",
        "tevkifat code and ratio",
        None,
    ),
    (
        "withholding-code-missing",
        _tevkifat(code=""),
        "withholding.code_missing",
        "withholding_tax_totals[0].subtotals[0].tax_type_code",
        "601-627",
        None,
    ),
    (
        "withholding-code",
        _tevkifat(code="699"),
        "withholding.code_unknown",
        "withholding_tax_totals[0].subtotals[0].tax_type_code",
        "'699'",
        "WithholdingTaxTotalCheck",
    ),
    (
        "withholding-ratio",
        _tevkifat(code="601", percent=50),
        "withholding.ratio_invalid",
        "withholding_tax_totals[0].subtotals[0].percent",
        "30 %, 40 %",
        "WithholdingTaxTotalCheck",
    ),
    (
        "iade",
        f.invoice(type_code="IADE"),
        "billing.reference_missing",
        "billing_references",
        "16-character number",
        "IADEInvioceCheck",
    ),
    (
        "currency",
        f.invoice(document_currency_code="USD"),
        "currency.exchange_rate_missing",
        "pricing_exchange_rate",
        "USD",
        "CurrencyCodeCheck",
    ),
    (
        "export-buyer",
        _export(),
        "export.buyer_customer_missing",
        "buyer_customer",
        "PARTYTYPE EXPORT",
        "IhracatYolcuBeraberCheck",
    ),
    ("export-gtip", _export(), "export.gtip_missing", "lines[0].deliveries", "GTİP", None),
    ("export-incoterms", _export(), "export.incoterms_missing", "lines[0].deliveries", "INCOTERMS", None),
    ("kamu-iban", f.invoice(profile="KAMU"), "kamu.iban_missing", "payment_means", "IBAN", "KamuFaturaCheck"),
    ("kamu-buyer", f.invoice(profile="KAMU"), "kamu.buyer_customer_missing", "buyer_customer", "buys", None),
    (
        "earchive-info",
        f.invoice(profile="EARSIVFATURA"),
        "earchive.profile_mismatch",
        "earchive",
        "EARSIV",
        None,
    ),
    (
        "earchive-time",
        _earchive(issue_time=None),
        "earchive.issue_time_missing",
        "issue_time",
        "issue time",
        None,
    ),
    (
        "internet",
        _internet_sale(),
        "earchive.internet_data_missing",
        "earchive.internet_sale",
        "missing: carrier",
        None,
    ),
    (
        "line-total",
        _with_total(line_extension_amount=Decimal("1.00")),
        "totals.line_extension_mismatch",
        "legal_monetary_total.line_extension_amount",
        "3249.99",
        None,
    ),
    (
        "inclusive",
        _with_total(tax_inclusive_amount=Decimal("1.00")),
        "totals.tax_inclusive_mismatch",
        "legal_monetary_total.tax_inclusive_amount",
        "plus the taxes",
        None,
    ),
    ("unit", _with_lines(unit=""), "line.unit_code_missing", "lines[0].unit_code", "unit of measure", None),
    (
        "item-name",
        _with_lines(name=" "),
        "line.item_name_missing",
        "lines[0].item.name",
        "needs a name",
        None,
    ),
    (
        "line-amount",
        _with_lines(line_extension_amount=Decimal("2999.00")),
        "line.amount_mismatch",
        "lines[0].line_extension_amount",
        "3000.00",
        None,
    ),
    ("line-tax", _with_lines(tax_total=None), "line.tax_missing", "lines[0].tax_total", "KDV", None),
    (
        "demirbas-555-istisna",
        _zero_kdv("555", type_code="ISTISNA"),
        "tax.exemption_555_not_allowed",
        "tax_totals[0].subtotals[0].exemption_reason_code",
        "demirbaş",
        "DemirbasKDVTaxExemptionCheck",
    ),
    (
        "demirbas-555-zero",
        _zero_kdv("555"),
        "tax.exemption_555_zero_kdv",
        "tax_totals",
        "zero rate",
        "DemirbasKDVTaxExemptionCheck",
    ),
    (
        "withholding-650",
        _tevkifat(code="650", percent=90),
        "withholding.code_650_refused",
        "withholding_tax_totals[0].subtotals[0].tax_type_code",
        "601-627",
        "WithholdingTaxTotalCheck",
    ),
    (
        "ihrackayitli-702",
        _zero_kdv("702", type_code="IHRACKAYITLI"),
        "export.gtip_702_missing",
        "lines[0].deliveries",
        "12-digit GTİP",
        "TaxExemptionReasonCodeCheck",
    ),
    (
        "hks-kunye",
        f.invoice(profile="HKS", type_code="HKSSATIS"),
        "hks.kunye_missing",
        "lines[0].item.additional_item_ids",
        "künye",
        "HKSInvioceCheck",
    ),
    (
        "ilac-code",
        f.invoice(profile="ILAC_TIBBICIHAZ"),
        "ilac.item_code_missing",
        "lines[0].item.additional_item_ids",
        "medical device",
        "IlacTibbiCihazAdditionalItemIdentificationCheck",
    ),
    (
        "idis-label",
        f.invoice(profile="IDIS"),
        "idis.label_missing",
        "lines[0].item.additional_item_ids",
        "ETIKETNO",
        "IdisEtiketNoCheck",
    ),
    (
        "idis-shipment",
        f.invoice(profile="IDIS"),
        "idis.shipment_number_missing",
        "supplier.identifications",
        "SE-0000000",
        "IdisSevkiyatNoCheck",
    ),
    (
        "teknolojidestek-device",
        _earchive(type_code="TEKNOLOJIDESTEK", customer=f.person_buyer()),
        "teknolojidestek.device_missing",
        "lines[0].item.additional_item_ids",
        "IMEI",
        "TeknolojiDestekAdditionalItemIdentificationCheck",
    ),
    (
        "taxfree-buyer",
        _zero_kdv("301", type_code="ISTISNA", profile="YOLCUBERABERFATURA"),
        "taxfree.buyer_missing",
        "buyer_customer",
        "TAXFREE",
        "IhracatYolcuBeraberCheck",
    ),
    (
        "taxfree-intermediary",
        _zero_kdv("301", type_code="ISTISNA", profile="YOLCUBERABERFATURA"),
        "taxfree.intermediary_missing",
        "tax_representative",
        "aracı kurum",
        "TaxRepresentativePartyCheck",
    ),
    (
        "ytb-certificate",
        f.invoice(profile="YATIRIMTESVIK"),
        "ytb.certificate_missing",
        "contract_document_references",
        "yatırım teşvik belgesi",
        "YatirimTesvikContractDocumentReferenceIDCheck",
    ),
]


def test_factory_documents_pass_every_rule():
    assert rules.check_invoice(f.invoice(), today=TODAY) == []
    assert rules.check_invoice(_tevkifat(), today=TODAY) == []
    assert rules.check_despatch(f.despatch_advice(), today=TODAY) == []
    assert rules.check_receipt_advice(f.receipt_advice(), today=TODAY) == []
    assert rules.check_application_response(f.application_response(), today=TODAY) == []


def test_factory_documents_pass_gib_schematron(schematron):
    """The mirror tests below are only meaningful if the unbroken documents pass."""
    assert schematron.validate(build_invoice(f.invoice())) == []
    assert schematron.validate(build_invoice(_tevkifat())) == []
    assert schematron.validate(build_despatch_advice(f.despatch_advice())) == []


@pytest.mark.parametrize("spec", INVOICE_CASES, ids=lambda spec: spec[0])
def test_invoice_rule(spec):
    case, document, code, path, words, _ = spec
    issues = [i for i in rules.check_invoice(document, today=TODAY) if i.code == f"tr_edoc.rule.{code}"]
    assert issues, f"{case}: expected {code}, got {rules.check_invoice(document, today=TODAY)}"
    issue = issues[0]
    assert issue.path == path
    assert words in issue.message
    assert issue.source == "rule"


MIRRORED = [case for case in INVOICE_CASES if case[5]]


@pytest.mark.parametrize("spec", MIRRORED, ids=lambda spec: spec[0])
def test_schematron_rejects_the_same_invoice(schematron, spec):
    case, document, code, _, _, mirror = spec
    doc_type = "earchive" if document.profile_id == "EARSIVFATURA" else "efatura"
    fired = {i.params["rule"] for i in schematron.validate(build_invoice(document), doc_type)}
    assert mirror in fired, f"{case}: schematron fired {sorted(fired)}"
    assert rules.MIRRORS[f"tr_edoc.rule.{code}"] in fired


def test_future_date_is_rejected_by_both_against_the_real_clock(schematron):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    document = f.invoice(issue_date=tomorrow, id=f"ANM{tomorrow.year}000000001")
    assert "tr_edoc.rule.header.date_future" in {i.code for i in rules.check_invoice(document)}
    assert "TimeCheck" in {i.params["rule"] for i in schematron.validate(build_invoice(document))}


def test_every_mirror_is_proven_by_a_case():
    proven = {f"tr_edoc.rule.{case[2]}" for case in MIRRORED} | {"tr_edoc.rule.header.date_future"}
    proven |= {f"tr_edoc.rule.{case[2]}" for case in DESPATCH_CASES if case[4]}
    assert set(rules.MIRRORS) <= proven


def test_at_least_25_distinct_rules_are_exercised():
    exercised = {case[2] for case in INVOICE_CASES} | {case[2] for case in DESPATCH_CASES}
    assert len(exercised) >= 25


def test_invoice_with_foreign_currency_and_rate_passes():
    rate = ExchangeRate(source_currency_code="USD", calculation_rate=Decimal("32.512345"))
    document = f.invoice(document_currency_code="USD", pricing_exchange_rate=rate)
    assert "tr_edoc.rule.currency.exchange_rate_missing" not in {
        i.code for i in rules.check_invoice(document)
    }


def test_internet_sale_with_carrier_passes():
    carrier = f.company_buyer(name="Hızlı Kargo A.Ş.")
    document = replace(_internet_sale(), deliveries=(Delivery(carrier_party=carrier),))
    assert rules.check_invoice(document, today=TODAY) == []


def test_kdv_rate_outside_current_rates_is_only_a_warning():
    document = f.invoice((f.line(1, 1, "100.00", f.kdv("100.00", 18)),))
    issues = rules.check_invoice(document, today=TODAY)
    assert [(i.code, i.severity) for i in issues] == [("tr_edoc.rule.tax.kdv_rate_unusual", "warning")]


def test_return_with_proper_reference_passes():
    reference = DocumentReference(id="ANM2026000000009", document_type_code="IADE", issue_date=TODAY)
    document = f.invoice(type_code="IADE", billing_references=(reference,))
    assert rules.check_invoice(document, today=TODAY) == []


def test_istisna_codes_match_gib_codelist():
    lists = json.loads(reference_path("gib-codelists", "UBL-TR_Codelist.values.json").read_text())["lists"]
    assert set(rules.ISTISNA_CODES) == set(lists["istisnaTaxExemptionReasonCodeType"])
    assert set(rules.EXEMPTION_TYPES[1][0]) == set(lists["ozelMatrahTaxExemptionReasonCodeType"])
    assert set(rules.EXEMPTION_TYPES[2][0]) == set(lists["ihracExemptionReasonCodeType"])


# Despatch, receipt advice, application response --------------------------------------------------


def _despatch_delivery(**delivery):
    advice = f.despatch_advice()
    shipment = advice.shipment
    return replace(advice, shipment=replace(shipment, delivery=replace(shipment.delivery, **delivery)))


DESPATCH_CASES = [
    (
        "address",
        _despatch_delivery(delivery_address=Address(city_name="İzmir", country_code="TR")),
        "despatch.address_incomplete",
        "shipment.delivery.delivery_address",
        "DespatchAddressCheck",
    ),
    (
        "carrier",
        replace(
            f.despatch_advice(),
            shipment=replace(f.despatch_advice().shipment, shipment_stages=()),
        ),
        "despatch.carrier_missing",
        "shipment.delivery.carrier_party",
        "DespatchCarrierDriverCheck",
    ),
    ("date", _despatch_delivery(despatch=None), "despatch.date_missing", "shipment.delivery.despatch", None),
    (
        "matbudan",
        f.despatch_advice(type_code="MATBUDAN"),
        "despatch.printed_document_missing",
        "printed_document",
        None,
    ),
    (
        "type",
        f.despatch_advice(type_code="NAKLIYE"),
        "despatch.type_unknown",
        "despatch_advice_type_code",
        None,
    ),
    ("despatch-id", f.despatch_advice(id="IRS26000000001"), "header.id_format", "id", "InvoiceIDCheck"),
]


@pytest.mark.parametrize("spec", DESPATCH_CASES, ids=lambda spec: spec[0])
def test_despatch_rule(schematron, spec):
    case, document, code, path, mirror = spec
    issues = [i for i in rules.check_despatch(document, today=TODAY) if i.code == f"tr_edoc.rule.{code}"]
    assert [i.path for i in issues] == [path]
    if mirror:
        fired = {i.params["rule"] for i in schematron.validate(build_despatch_advice(document))}
        assert mirror in fired, f"{case}: schematron fired {sorted(fired)}"


def test_receipt_advice_needs_the_despatch_reference():
    advice = f.receipt_advice(despatch_document_reference=DocumentReference(id=" "))
    codes = [i.code for i in rules.check_receipt_advice(advice, today=TODAY)]
    assert codes == ["tr_edoc.rule.receipt.despatch_reference_missing"]


@pytest.mark.parametrize("response_code", ["RED", "IADE"])
def test_rejection_needs_a_reason(response_code):
    issues = rules.check_application_response(f.application_response(response_code), today=TODAY)
    assert [(i.code, i.path) for i in issues] == [("tr_edoc.rule.response.reason_missing", "description")]
    reasoned = f.application_response(response_code, description=("Fiyat hatalı",))
    assert rules.check_application_response(reasoned, today=TODAY) == []


def test_issues_are_frozen():
    issue = rules.check_invoice(f.invoice(uuid="x"), today=TODAY)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.code = "other"
    with pytest.raises(TypeError):
        issue.params["value"] = "y"
