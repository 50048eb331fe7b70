"""The content of an ordinary commercial invoice as the ORM writes it (issue 18): payment terms and
means with the payee's bank, the order, printed and electronic despatch notes, an embedded file, the
company registry identifiers and the e-Arşiv placeholders. Each built document passes GİB's XSD, the
20260701 schematron and the own rules, and parses back unchanged."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from core import codes
from core.documents import (
    Attachment,
    DocumentReference,
    EArchiveInfo,
    ExchangeRate,
    FinancialAccount,
    Identifier,
    PaymentMeans,
    PaymentTerms,
    Person,
)
from core.tests import factories as f
from core.tests.conftest import gib_verdicts
from core.ubl import build_invoice, serialize
from core.ubl.namespaces import CAC, CBC
from core.ubl.notes import amount_in_words
from core.ubl.parse import parse_invoice
from core.validation import rules

NS = {"cac": CAC, "cbc": CBC}
DUE = f.ISSUE_DATE + dt.timedelta(days=30)


def _issues(invoice):
    return rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)


def _commercial(**overrides):
    seller = f.seller()
    seller = replace(
        seller,
        identifications=(
            *seller.identifications,
            Identifier(value="0123456789012345", scheme_id="MERSISNO"),
            Identifier(value="123456-5", scheme_id="TICARETSICILNO"),
        ),
    )
    invoice = f.invoice(profile="TICARIFATURA", supplier=seller)
    return replace(
        invoice,
        notes=("Teslimat depoya yapılacaktır.", amount_in_words(invoice.legal_monetary_total.payable_amount)),
        order_reference=DocumentReference(id="S00042", issue_date=f.ISSUE_DATE),
        despatch_document_references=(
            DocumentReference(id="EIR2026000000001", issue_date=f.ISSUE_DATE),
            DocumentReference(id="A-963403", issue_date=f.ISSUE_DATE),
        ),
        additional_document_references=(
            DocumentReference(
                id="teklif.pdf",
                issue_date=f.ISSUE_DATE,
                document_type="EK",
                attachment=Attachment(
                    content=b"%PDF-1.4\n", filename="teklif.pdf", mime_code="application/pdf"
                ),
            ),
        ),
        payment_means=(
            PaymentMeans(
                payment_means_code="46",
                payment_due_date=DUE,
                payee_financial_account=FinancialAccount(
                    id="TR330006100519786457841326", currency_code="TRY", institution_name="Ziraat Bankası"
                ),
            ),
        ),
        payment_terms=PaymentTerms(note="30 Gün", payment_due_date=DUE),
        **overrides,
    )


def test_commercial_invoice_content_is_gib_clean_and_parses_back(gib):
    invoice = _commercial()
    assert gib_verdicts(gib, invoice, errors_only=True) == ([], [], [])
    root = build_invoice(invoice)
    assert root.xpath("cac:PaymentMeans/cbc:PaymentMeansCode/text()", namespaces=NS) == ["46"]
    bank = "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cac:FinancialInstitution/cbc:Name"
    assert root.xpath(f"cac:PaymentMeans/{bank}/text()", namespaces=NS) == ["Ziraat Bankası"]
    assert root.xpath("cac:PaymentTerms/cbc:PaymentDueDate/text()", namespaces=NS) == [DUE.isoformat()]
    parsed = parse_invoice(serialize(root))
    assert parsed.order_reference.id == "S00042"
    assert [r.id for r in parsed.despatch_document_references] == ["EIR2026000000001", "A-963403"]
    assert parsed.supplier.identification("MERSISNO") == "0123456789012345"
    assert parsed.payment_terms.payment_due_date == DUE


def test_foreign_currency_invoice_needs_its_try_rate(gib):
    invoice = _commercial(document_currency_code="EUR")
    assert gib_verdicts(gib, invoice, errors_only=True)[1], "GİB refuses a EUR invoice without its TRY rate"
    priced = replace(
        invoice,
        pricing_currency_code="TRY",
        pricing_exchange_rate=ExchangeRate(source_currency_code="EUR", calculation_rate=Decimal("38")),
    )
    assert gib_verdicts(gib, priced, errors_only=True)[:2] == ([], [])


@pytest.mark.parametrize(
    ("identifier", "person"),
    [
        (
            Identifier(value=rules.PLACEHOLDER_TCKN, scheme_id="TCKN"),
            Person(first_name="Ayşe", family_name="Yılmaz"),
        ),
        (Identifier(value=rules.PLACEHOLDER_VKN, scheme_id="VKN"), None),
    ],
    ids=["consumer", "foreign-buyer"],
)
def test_earchive_placeholders_pass_without_checksum_warning(gib, identifier, person):
    name = None if person else "Müller Handels GmbH"
    buyer = replace(f.company_buyer(), identifications=(identifier,), person=person, name=name)
    invoice = f.invoice(profile="EARSIVFATURA", earchive=EArchiveInfo(), customer=buyer)
    assert gib_verdicts(gib, invoice, errors_only=True) == ([], [], [])
    assert not [i.code for i in _issues(invoice) if i.code.endswith("_checksum")]
