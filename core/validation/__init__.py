"""Checks a document must pass before it leaves: GİB's XSD and schematron, and our own pre-flight rules."""

from lxml import etree

from ..errors import ParseError
from ..ubl import parse
from . import rules as _rules
from ._doc import as_root, document_kind
from .issue import Issue, ValidationReport
from .schematron import SchematronValidator
from .xsd import XsdValidator

__all__ = ["Issue", "ValidationReport", "validate_document"]

_CHECKS = {
    "Invoice": (parse.invoice_from_element, _rules.check_invoice),
    "DespatchAdvice": (parse.despatch_advice_from_element, _rules.check_despatch),
    "ReceiptAdvice": (parse.receipt_advice_from_element, _rules.check_receipt_advice),
    "ApplicationResponse": (parse.application_response_from_element, _rules.check_application_response),
}
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def _doc_type(root):
    """e-Arşiv invoices need GİB's schematron parameter ``type='earchive'``; everything else is e-Fatura."""
    return "earchive" if root.findtext(f"{{{_CBC}}}ProfileID") == "EARSIVFATURA" else "efatura"


def _rule_issues(root, kind, today, release=None, incoming=False):
    if kind not in _CHECKS:
        return []
    from_element, check = _CHECKS[kind]
    options = {"release": release} if kind in {"Invoice", "DespatchAdvice"} and release else {}
    try:
        document = from_element(root)
    except ParseError as exc:
        return [
            Issue(
                code="tr_edoc.rule.unreadable",
                path=exc.params.get("path", "/"),
                message=f"The own rules could not read the document: {exc.message}",
                params={"error_code": exc.code},
            )
        ]
    issues = check(document, today=today, **options)
    return _rules.check_incoming(issues) if incoming else issues


def validate_document(
    xml, *, package_dir=None, doc_type=None, rules=True, today=None, release=None, incoming=False
):
    """XSD, schematron and own rules in one call; without ``package_dir`` only the own rules run.

    ``release`` forces the GİB release the own rules judge by (default: the one in force on the IssueDate);
    ``incoming`` turns every own-rule finding into information, for documents we received.

    ``report.skipped`` names the checks that could not run, so callers can say so instead of implying
    the document passed them.
    """
    root = as_root(xml)
    kind = document_kind(root)
    skipped = []
    xsd_issues, sch_issues = [], []
    if package_dir is None:
        skipped += ["xsd", "schematron"]
    else:
        xsd_issues = XsdValidator(package_dir).validate(root)
        if kind is not None or etree.QName(root).localname == "StandardBusinessDocument":
            sch_issues = SchematronValidator(package_dir).validate(
                root, doc_type or _doc_type(root), today=today
            )
        else:
            skipped.append("schematron")
    rule_issues = _rule_issues(root, kind, today, release, incoming) if rules else []
    if not rules:
        skipped.append("rules")
    return ValidationReport(
        xsd=tuple(xsd_issues), schematron=tuple(sch_issues), rules=tuple(rule_issues), skipped=tuple(skipped)
    )
