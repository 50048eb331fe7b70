"""validate_document: the one call the command line and the ORM use."""

from decimal import Decimal

from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl.invoice import build_invoice
from core.ubl.serialize import serialize
from core.validation import ValidationReport, validate_document

UBL = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml")
PACKAGE = reference_path("gib-ubl-tr")


def test_clean_invoice_passes_all_three_checks():
    report = validate_document(serialize(build_invoice(f.invoice())), package_dir=PACKAGE, today=f.ISSUE_DATE)
    assert isinstance(report, ValidationReport)
    assert report.ok and report.issues == () and report.skipped == ()
    assert report.xsd_checked and report.schematron_checked


def test_without_package_only_rules_run_and_the_report_says_so():
    report = validate_document(build_invoice(f.invoice(id="anm2026000000001")), today=f.ISSUE_DATE)
    assert report.skipped == ("xsd", "schematron")
    assert not report.xsd_checked and not report.schematron_checked
    assert [i.code for i in report.rules] == ["tr_edoc.rule.header.id_format"]
    assert not report.ok


def test_each_source_lands_in_its_own_bucket():
    report = validate_document((UBL / "TemelFaturaOrnegi.xml").read_bytes(), package_dir=PACKAGE, rules=False)
    assert report.xsd == ()
    assert "tr_edoc.sch.InvoiceIDCheck" in {i.code for i in report.schematron}
    assert report.rules == () and report.skipped == ("rules",)


def test_earchive_type_is_detected_from_the_profile():
    sample = next(p for p in UBL.glob("YTB_Sat*_EAr*.xml"))
    report = validate_document(sample.read_bytes(), package_dir=PACKAGE, rules=False)
    assert report.schematron == ()
    forced = validate_document(sample.read_bytes(), package_dir=PACKAGE, rules=False, doc_type="efatura")
    assert "tr_edoc.sch.ProfileIDCheck" in {i.code for i in forced.schematron}


def test_rules_run_on_parsed_xml():
    broken = build_invoice(f.invoice(customer=f.person_buyer(person=None)))
    report = validate_document(broken, today=f.ISSUE_DATE)
    assert "tr_edoc.rule.party.person_missing" in {i.code for i in report.rules}


def test_warnings_do_not_fail_the_report():
    document = f.invoice((f.line(1, 1, "100.00", f.kdv("100.00", Decimal(18))),))
    report = validate_document(build_invoice(document), today=f.ISSUE_DATE)
    assert [i.severity for i in report.rules] == ["warning"]
    assert report.ok
