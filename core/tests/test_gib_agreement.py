"""The own rules never refuse what GİB accepts: every schematron-clean GİB sample of both releases passes
them, GİB's profile/type verdicts are ours, and no reference file makes the CLI crash."""

import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core import codes
from core.__main__ import main
from core.documents import DocumentReference, EArchiveInfo, Identifier, TaxTotal
from core.errors import EdocError, ValidationFailed
from core.tests import factories as f
from core.tests.conftest import reference_dir, reference_path
from core.ubl.despatch import build_despatch_advice
from core.ubl.invoice import build_invoice
from core.validation import _doc_type, rules, validate_document
from core.validation._doc import as_root, document_kind
from core.validation.schematron import SchematronValidator
from core.xmlsafe import load_xml

RELEASE_DIRS = {
    codes.R20260312: ("gib-ubl-tr",),
    codes.R20260701: ("gib-ubl-tr", "schematron-20260701"),
}
SAMPLE_DIRS = (
    ("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml"),
    ("gib-ubl-tr", "e-FaturaPaketi", "xml"),
    ("earsivbelge-samples",),
)
CHECKED_KINDS = {"Invoice", "DespatchAdvice", "ReceiptAdvice", "ApplicationResponse"}
# Type-pair asserts of GİB: InvoiceTypeCodeCheck, ProfileIDCheck and the per-profile type lists.
TYPE_RULES = {
    "InvoiceTypeCodeCheck",
    "ProfileIDCheck",
    "IlacTibbiCihazInvoiceTypeCodeCheck",
    "YatirimTesvikInvoiceTypeCodeCheck",
    "IdisInvoiceTypeCodeCheck",
}


def _validators():
    return {release: SchematronValidator(reference_path(*parts)) for release, parts in RELEASE_DIRS.items()}


def _gib_clean_samples():
    """(sample, release) pairs GİB's schematron of that release accepts, decided when the tests are collected.

    GİB ships samples that are not well-formed, that are not documents the own rules judge (envelopes,
    user lists), and that its own schematron refuses; those have no verdict of GİB to agree with.
    """
    base = reference_dir()
    validators = _validators()
    pairs = []
    for path in sorted(p for parts in SAMPLE_DIRS for p in base.joinpath(*parts).rglob("*")):
        if path.suffix.lower() != ".xml":
            continue
        try:
            root = as_root(path.read_bytes())
        except EdocError:
            continue
        if document_kind(root) not in CHECKED_KINDS:
            continue
        for release, validator in sorted(validators.items()):
            if not any(i.is_error for i in validator.validate(root, _doc_type(root))):
                pairs.append((path.relative_to(base).as_posix(), release))
    return pairs


@pytest.fixture(scope="module")
def validators():
    return _validators()


@pytest.mark.parametrize(("sample", "release"), _gib_clean_samples())
def test_schematron_clean_sample_passes_the_own_rules(sample, release):
    report = validate_document(reference_path(sample).read_bytes(), release=release)
    errors = [i for i in report.rules if i.is_error and not i.code.startswith("tr_edoc.rule.header.date_")]
    assert errors == []


def _pair_invoice(profile, type_code):
    extra = {"earchive": EArchiveInfo()} if profile == "EARSIVFATURA" else {}
    return f.invoice(profile=profile, type_code=type_code, **extra)


@pytest.mark.parametrize("release", sorted(RELEASE_DIRS))
@pytest.mark.parametrize("profile", [p.value for p in codes.ProfileID])
def test_profile_type_pairs_agree_with_gib(validators, profile, release):
    """Every profile/type pair: our verdict is the one of GİB's type asserts of that release."""
    disagree = []
    for type_code in codes.InvoiceTypeCode:
        document = _pair_invoice(profile, type_code.value)
        doc_type = "earchive" if profile == "EARSIVFATURA" else "efatura"
        fired = {i.params["rule"] for i in validators[release].validate(build_invoice(document), doc_type)}
        gib_ok = not (fired & TYPE_RULES)
        ours = [
            i
            for i in rules.check_invoice(document, today=f.ISSUE_DATE, release=release)
            if i.code == "tr_edoc.rule.header.type_not_allowed_for_profile"
        ]
        if gib_ok == bool(ours):
            disagree.append((type_code.value, gib_ok, sorted(fired & TYPE_RULES)))
    assert disagree == []


def test_hks_and_earchive_sarj_pairs_are_allowed():
    assert codes.invoice_type_allowed("HKS", "SATIS")
    assert codes.invoice_type_allowed("HKS", "KOMISYONCU")
    assert codes.invoice_type_allowed("EARSIVFATURA", "SARJ")
    assert codes.invoice_type_allowed("EARSIVFATURA", "SARJANLIK")
    assert not codes.invoice_type_allowed("TEMELFATURA", "SARJ")
    assert not codes.invoice_type_allowed("KAMU", "IADE", codes.R20260312)
    assert codes.invoice_type_allowed("KAMU", "IADE", codes.R20260701)


def _codes(issues):
    return {i.code for i in issues if i.is_error}


def test_tevkifat_tax_total_netted_of_the_withheld_kdv_passes():
    document = f.invoice(
        (f.line(1, 1, "1000.00", withheld=(f.withholding(f.kdv("1000.00", 20), "606", 90),)),),
        type_code="TEVKIFAT",
    )
    total = document.tax_totals[0]
    netted = dataclasses.replace(total, tax_amount=total.tax_amount - Decimal("180.00"))
    totals = document.legal_monetary_total
    for inclusive in (totals.tax_inclusive_amount, totals.tax_inclusive_amount - Decimal("180.00")):
        variant = dataclasses.replace(
            document,
            tax_totals=(netted,),
            legal_monetary_total=dataclasses.replace(totals, tax_inclusive_amount=inclusive),
        )
        assert rules.check_invoice(variant, today=f.ISSUE_DATE) == []


def test_return_reference_with_dotted_capital_i_passes():
    reference = DocumentReference(id="ANM2026000000009", document_type_code="İADE", issue_date=f.ISSUE_DATE)
    document = f.invoice(type_code="IADE", billing_references=(reference,))
    assert rules.check_invoice(document, today=f.ISSUE_DATE) == []


def test_500_lines_rounded_per_line_pass():
    lines = tuple(f.line(n, 1, "0.33", f.kdv("0.33", 20)) for n in range(1, 501))
    document = f.invoice(lines)
    assert "tr_edoc.rule.tax.amount_mismatch" not in {i.code for i in rules.check_invoice(document)}
    assert _codes(rules.check_invoice(document, today=f.ISSUE_DATE)) == set()


@pytest.mark.parametrize(("scheme", "value"), [("TCKN", "11111111111"), ("VKN", "2222222222")])
def test_earchive_placeholder_buyers_pass(scheme, value):
    if scheme == "TCKN":
        buyer = f.person_buyer(identifications=(Identifier(value=value, scheme_id="TCKN"),))
    else:
        buyer = f.company_buyer(identifications=(Identifier(value=value, scheme_id="VKN"),))
    document = f.invoice(profile="EARSIVFATURA", earchive=EArchiveInfo(), customer=buyer)
    assert rules.check_invoice(document, today=f.ISSUE_DATE) == []


def test_subtotal_without_taxable_amount_does_not_crash():
    document = f.invoice()
    subtotal = dataclasses.replace(document.tax_totals[0].subtotals[0], taxable_amount=None)
    total = TaxTotal(tax_amount=subtotal.tax_amount, subtotals=(subtotal,))
    broken = dataclasses.replace(document, tax_totals=(total,))
    assert _codes(rules.check_invoice(broken, today=f.ISSUE_DATE)) == set()
    report = validate_document(build_invoice(broken), today=f.ISSUE_DATE)
    assert report.ok


def test_incoming_findings_never_refuse():
    document = f.invoice(profile="XYZFATURA")
    assert rules.check_invoice(document, today=f.ISSUE_DATE)
    incoming = rules.check_incoming(rules.check_invoice(document, today=f.ISSUE_DATE))
    assert incoming and all(i.severity == "warning" for i in incoming)


def test_exemption_codes_by_release():
    istisna = {"profile": "TEMELFATURA", "type_code": "ISTISNA"}
    assert codes.exemption_allowed("308", **istisna, release=codes.R20260312)
    assert not codes.exemption_allowed("308", **istisna, release=codes.R20260701)
    assert codes.exemption_allowed("308", profile="YATIRIMTESVIK", type_code="ISTISNA")
    assert codes.exemption_allowed("339", profile="EARSIVFATURA", type_code="YTBISTISNA")
    assert codes.exemption_allowed("233", **istisna, release=codes.R20260701)
    assert not codes.exemption_allowed("233", **istisna, release=codes.R20260312)
    assert codes.release_for(f.ISSUE_DATE.replace(year=2026, month=9, day=13)) == codes.R20260312
    assert codes.release_for(f.ISSUE_DATE.replace(year=2026, month=9, day=14)) == codes.R20260701


def test_namespace_name_with_a_space_is_read_and_other_flaws_are_not():
    data = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", "TEVKIFAT.xml").read_bytes()
    location = b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 UBLTR-Invoice-2.0.xsd"
    odd = b' xmlns:schemaLocation="' + location + b'"'
    signed = data.replace(b"<Invoice ", b"<Invoice" + odd + b" ", 1)
    assert load_xml(signed).tag.endswith("Invoice")
    broken = signed.replace(b"</cbc:ID>", b"</cbc:IDX>", 1)
    with pytest.raises(Exception, match="not well-formed"):
        load_xml(broken)


def _reference_files():
    base = reference_dir()
    return sorted(path.relative_to(base).as_posix() for path in base.rglob("*") if path.is_file())


@pytest.mark.parametrize("command", ["validate", "parse"])
def test_cli_never_crashes_on_any_reference_file(command):
    """Every file of the reference (XML or not) gets a report or a typed error, never a traceback."""
    package = str(reference_path("gib-ubl-tr"))
    for name in _reference_files():
        status = main([command, str(Path(reference_dir(), name)), "--package", package], out=io.StringIO())
        assert status in (0, 1), name


def _stage(**stage):
    advice = f.despatch_advice()
    shipment = advice.shipment
    first = dataclasses.replace(shipment.shipment_stages[0], **stage)
    return dataclasses.replace(advice, shipment=dataclasses.replace(shipment, shipment_stages=(first,)))


DESPATCH_20260701 = [
    (
        "plate-scheme",
        _stage(vehicle_plates=(Identifier(value="06DR456", scheme_id="DORSE"),)),
        "plate_scheme_invalid",
    ),
    (
        "plate-format",
        _stage(vehicle_plates=(Identifier(value="6 ABC 12", scheme_id="PLAKA"),)),
        "plate_format",
    ),
    ("plate-missing", _stage(vehicle_plates=()), "plate_missing"),
]


@pytest.mark.parametrize("spec", DESPATCH_20260701, ids=lambda spec: spec[0])
def test_20260701_despatch_rules_mirror_gib(validators, spec):
    _case, advice, reason = spec
    code = f"tr_edoc.rule.despatch.{reason}"
    xml = build_despatch_advice(advice)
    new = {i.params["rule"] for i in validators[codes.R20260701].validate(xml) if i.is_error}
    assert rules.MIRRORS_20260701[code] in new
    assert code in _codes(rules.check_despatch(advice, today=f.ISSUE_DATE, release=codes.R20260701))


def test_factory_despatch_passes_20260701_both_ways(validators):
    advice = f.despatch_advice()
    assert [
        i for i in validators[codes.R20260701].validate(build_despatch_advice(advice)) if i.is_error
    ] == []
    assert _codes(rules.check_despatch(advice, today=f.ISSUE_DATE, release=codes.R20260701)) == set()


@pytest.mark.parametrize("release", sorted(RELEASE_DIRS))
def test_ytb_exemption_outside_ytb_follows_the_release(validators, release):
    document = f.invoice((f.line(1, 1, "500.00", f.kdv("500.00", 0, exemption="308")),), type_code="ISTISNA")
    fired = {i.params["rule"] for i in validators[release].validate(build_invoice(document)) if i.is_error}
    ours = _codes(rules.check_invoice(document, today=f.ISSUE_DATE, release=release))
    assert ("TaxExemptionReasonCodeCheck" in fired) == ("tr_edoc.rule.tax.exemption_unknown" in ours)
    assert ("tr_edoc.rule.tax.exemption_unknown" in ours) == (release == codes.R20260701)


def test_issue_date_chooses_the_release():
    before = f.invoice(profile="KAMU", type_code="IADE")
    after = dataclasses.replace(before, issue_date=before.issue_date.replace(month=9, day=14))
    code = "tr_edoc.rule.header.type_not_allowed_for_profile"
    assert code in _codes(rules.check_invoice(before, today=before.issue_date))
    assert code not in _codes(rules.check_invoice(after, today=after.issue_date))


def test_every_own_rule_is_in_the_rules_table():
    """readme/RULES.md lists every rule code the core can report, and every mirror's GİB rule."""
    source = Path(rules.__file__).read_text(encoding="utf-8")
    found = set(re.findall(r'_(?:line_)?issue\(\s*(?:n,\s*line,\s*)?"([a-z0-9_]+\.[a-z0-9_]+)"', source))
    table = (Path(rules.__file__).resolve().parents[2] / "readme" / "RULES.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+\.[a-z0-9_]+)` \|", table, re.MULTILINE))
    assert len(found) > 60
    assert found == listed
    mirrors = {**rules.MIRRORS, **rules.MIRRORS_20260701}
    for code, gib_rule in mirrors.items():
        row = next(
            line
            for line in table.splitlines()
            if line.startswith(f"| `{code.removeprefix('tr_edoc.rule.')}` |")
        )
        assert gib_rule in row, code


def test_second_plate_of_a_stage_is_refused_not_dropped():
    plates = (Identifier(value="06ABC123", scheme_id="PLAKA"), Identifier(value="34XY99", scheme_id="PLAKA"))
    advice = _stage(vehicle_plates=plates)
    assert "tr_edoc.rule.despatch.plates_per_stage" in _codes(
        rules.check_despatch(advice, today=f.ISSUE_DATE)
    )
    with pytest.raises(ValidationFailed, match="one vehicle plate"):
        build_despatch_advice(advice)


@pytest.mark.parametrize("release", [codes.R20260312, codes.R20260701])
def test_allowed_invoice_pairs_are_the_pairs_gib_accepts(release):
    """The pairs the invoice form offers are exactly the pairs the schematron-proven verdict accepts."""
    pairs = codes.allowed_invoice_pairs(release)
    every = {(p.value, t.value) for p in codes.ProfileID for t in codes.InvoiceTypeCode}
    assert set(pairs) == {pair for pair in every if codes.invoice_type_allowed(*pair, release)}
    assert len(set(pairs)) == len(pairs)
    assert {t for p, t in pairs if p == "ENERJI"} == {"SARJ", "SARJANLIK"}
    assert ("KAMU", "IADE") in pairs if release == codes.R20260701 else ("KAMU", "IADE") not in pairs
    assert {p for p, _t in pairs} == {p.value for p in codes.ProfileID}
