"""Random valid-looking invoices across profiles, types, rates, exemptions, withholding, currencies and line
counts: the own pre-flight rules and GİB's schematron 20260701 give the same verdict, and parsing the
built XML gives the invoice back."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import codes
from core.documents import DocumentReference, EArchiveInfo, ExchangeRate, compute_totals
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.tests.test_parse_roundtrip import roundtrip
from core.ubl.invoice import build_invoice
from core.validation import rules
from core.validation.schematron import SchematronValidator

ISSUE_DATE = dt.date(2026, 9, 21)
PROFILES = ("TEMELFATURA", "TICARIFATURA", "EARSIVFATURA")
TYPES = ("SATIS", "ISTISNA", "TEVKIFAT", "IADE", "OZELMATRAH", "KOMISYONCU")
EXEMPTIONS = ("351", "301", "308", "233", "555", "801", "701", None)
WITHHOLDING = sorted(
    (code, percent) for code, percents in codes.WITHHOLDING_PERCENTS.items() for percent in percents
)
QUANTITY = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10_000), places=3)
PRICE = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100_000), places=2)


@pytest.fixture(scope="module")
def schematron():
    return SchematronValidator(reference_path("gib-ubl-tr", "schematron-20260701"))


def _named(total):
    """Withheld KDV carries GİB's name of its code, as the builder writes it by default."""
    subtotals = tuple(
        replace(s, tax_name=codes.WITHHOLDING_NAMES.get(s.tax_type_code, (None,))[0]) for s in total.subtotals
    )
    return replace(total, subtotals=subtotals)


@st.composite
def invoices(draw):
    profile = draw(st.sampled_from(PROFILES))
    type_code = draw(st.sampled_from(TYPES))
    count = draw(st.sampled_from((1, 2, 3, 7, 500)))
    rate = draw(st.sampled_from(("0", "1", "10", "20")))
    exemption = draw(st.sampled_from(EXEMPTIONS if rate == "0" else (None, "555")))
    withheld_code = draw(st.sampled_from(WITHHOLDING)) if type_code == "TEVKIFAT" and rate != "0" else None
    quantity, price = draw(QUANTITY), draw(PRICE)
    lines = []
    for number in range(1, count + 1):
        base = f.money(quantity * price)
        subtotal = f.kdv(base, rate, exemption=exemption, name="KDV")
        withheld = (_named(f.withholding(subtotal, *withheld_code)),) if withheld_code else ()
        lines.append(f.line(number, quantity, price, subtotal, withheld=withheld))
    lines = tuple(lines)
    extra = {}
    if profile == "EARSIVFATURA":
        extra["earchive"] = EArchiveInfo()
    if type_code == "IADE":
        extra["billing_references"] = (
            DocumentReference(id="ANM2026000000009", document_type_code="IADE", issue_date=ISSUE_DATE),
        )
    currency = draw(st.sampled_from(("TRY", "USD", "EUR")))
    if currency != "TRY":
        extra["document_currency_code"] = currency
        if draw(st.booleans()) or currency == "USD":
            extra["pricing_exchange_rate"] = ExchangeRate(
                source_currency_code=currency, calculation_rate=Decimal("41.123456")
            )
    totals = compute_totals(lines)
    document = f.invoice(
        lines, profile=profile, type_code=type_code, number=draw(st.integers(1, 10**6)), **extra
    )
    return replace(
        document,
        issue_date=ISSUE_DATE,
        tax_totals=totals.tax_totals,
        withholding_tax_totals=totals.withholding_tax_totals,
        legal_monetary_total=totals.legal_monetary_total,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(invoices())
def test_own_rules_and_gib_20260701_agree(schematron, invoice):
    doc_type = "earchive" if invoice.profile_id == "EARSIVFATURA" else "efatura"
    gib = sorted(
        {i.params["rule"] for i in schematron.validate(build_invoice(invoice), doc_type) if i.is_error}
    )
    ours = sorted(
        {
            i.code
            for i in rules.check_invoice(invoice, today=ISSUE_DATE, release=codes.R20260701)
            if i.is_error
        }
    )
    assert bool(gib) == bool(ours), (gib, ours)
    assert roundtrip(invoice) == invoice
