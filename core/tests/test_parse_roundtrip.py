"""parse → build → parse over GİB's schematron-clean samples, and build → parse for generated invoices.

A sample that survives the trip keeps what the receiver relies on: identity, parties, lines, every
monetary total and every tax subtotal (withholding included). Comparison is on re-parsed
dataclasses, so formatting differences (``10`` vs ``10.00``) do not count, values do.
"""

import unicodedata
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import documents as d
from core.tests import factories
from core.tests.conftest import reference_path
from core.ubl import (
    build_application_response,
    build_despatch_advice,
    build_invoice,
    build_receipt_advice,
    serialize,
)
from core.ubl.parse import parse_document, parse_invoice

BUILDERS = {
    d.Invoice: build_invoice,
    d.DespatchAdvice: build_despatch_advice,
    d.ReceiptAdvice: build_receipt_advice,
    d.ApplicationResponse: build_application_response,
}

GOLDEN = (
    "TicariFaturaOrnegi",
    "IDIS_Fatura",
    "IDIS_Irsaliye",
    "HKS-Ornek1",
    "HKS-Ornek2",
    "SARJ",
    "SARJANLIK",
    "IrsaliyeYaniti-Ornek1",
    "IrsaliyeYaniti-Ornek2",
    "IrsaliyeYaniti-Ornek3",
    "IrsaliyeYaniti-Ornek4",
    "IHRACAT_GTB_UygulamaYaniti_KABUL",
    "IHRACAT_GTB_UygulamaYaniti_RED",
    "YOLCUBERABER_UygulamaYaniti",
)


def _package_dir():
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml")


def _ytb_samples(kind):
    """The YTB file names mix ``Arşiv``/``Arsıv`` and may be stored NFC or NFD: match on a folded form
    (``ı`` folds away, ``ş`` to ``s``), so ``kind`` is ``Efatura`` or ``EAr`` (the e-Arşiv ones)."""
    folded = {
        p: unicodedata.normalize("NFKD", p.name).encode("ascii", "ignore").decode()
        for p in _package_dir().iterdir()
    }
    return sorted(p for p, name in folded.items() if name.startswith("YTB_") and f"_{kind}" in name)


def golden_samples():
    paths = [_package_dir() / f"{name}.xml" for name in GOLDEN]
    paths += _ytb_samples("Efatura") + _ytb_samples("EAr")
    paths.append(reference_path("gib-ubl-tr", "e-FaturaPaketi", "xml", "TEKNOLOJI_DESTEK.xml"))
    return paths


def test_golden_list_is_complete():
    paths = golden_samples()
    assert len(_ytb_samples("Efatura")) == 6
    assert len(_ytb_samples("EAr")) == 6
    assert len(paths) == len(GOLDEN) + 13
    assert all(p.exists() for p in paths)


def roundtrip(document):
    return parse_document(serialize(BUILDERS[type(document)](document)))


def parties(document):
    if isinstance(document, d.Invoice):
        names = ("supplier", "customer", "buyer_customer", "seller_supplier", "tax_representative")
    elif isinstance(document, d.DespatchAdvice):
        names = ("supplier", "delivery_customer", "buyer_customer", "seller_supplier", "originator_customer")
    elif isinstance(document, d.ReceiptAdvice):
        names = ("delivery_customer", "despatch_supplier", "buyer_customer", "seller_supplier")
    else:
        names = ("sender", "receiver")
    return {name: getattr(document, name) for name in names}


def lines(document):
    return document.line_responses if isinstance(document, d.ApplicationResponse) else document.lines


def line_ids(document):
    return [line.line_id if isinstance(line, d.LineResponse) else line.id for line in lines(document)]


def money_view(document):
    """Every amount a receiver books: document totals, tax totals and subtotals, per line too."""
    if not isinstance(document, d.Invoice):
        return None
    return (
        document.legal_monetary_total,
        document.tax_totals,
        document.withholding_tax_totals,
        tuple(
            (line.line_extension_amount, line.tax_total, line.withholding_tax_totals)
            for line in document.lines
        ),
    )


@pytest.mark.parametrize("path", golden_samples(), ids=lambda p: p.stem)
def test_golden_sample_survives_rebuild(path):
    original = parse_document(path.read_bytes())
    again = roundtrip(original)
    assert type(again) is type(original)
    assert (again.id, again.uuid, again.profile_id, again.issue_date) == (
        original.id,
        original.uuid,
        original.profile_id,
        original.issue_date,
    )
    assert parties(again) == parties(original)
    assert len(lines(again)) == len(lines(original))
    assert line_ids(again) == line_ids(original)
    assert money_view(again) == money_view(original)
    if isinstance(original, d.Invoice):
        assert original.tax_totals, "a golden invoice without tax subtotals would make this test blind"
        assert again.earchive == original.earchive
        assert again.xslt == original.xslt


def test_sample_set_covers_withholding_and_every_document_kind():
    documents = [parse_document(p.read_bytes()) for p in golden_samples()]
    assert {type(doc) for doc in documents} == set(BUILDERS)
    assert any(doc.withholding_tax_totals for doc in documents if isinstance(doc, d.Invoice))
    assert any(
        s.exemption_reason_code
        for doc in documents
        if isinstance(doc, d.Invoice)
        for t in doc.tax_totals
        for s in t.subtotals
    )


def test_earchive_internet_sale_survives_rebuild():
    import datetime as dt

    invoice = factories.invoice(
        profile="EARSIVFATURA",
        earchive=d.EArchiveInfo(
            send_type="KAGIT",
            internet_sale=d.InternetSale(
                website="https://magaza.example.com.tr",
                payment_means="KREDIKARTI/BANKAKARTI",
                payment_date=dt.date(2026, 3, 15),
                payment_agent_name="Ödeme Aracısı A.Ş.",
            ),
        ),
        additional_document_references=(d.DocumentReference(id="SIP-1", issue_date=factories.ISSUE_DATE),),
    )
    again = parse_invoice(serialize(build_invoice(invoice)))
    assert again.earchive == invoice.earchive
    assert again.additional_document_references == invoice.additional_document_references


# --- property test: generated invoices come back equal -------------------------------------------

TEXT = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "Zs"), include_characters="çğıöşüÇĞİÖŞÜ.-/"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
QUANTITY = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3)
PRICE = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**7), places=2)
RATE = st.sampled_from(["0", "1", "10", "20"])
UNIT = st.sampled_from(["C62", "KGM", "LTR", "MTR", "HUR"])


@st.composite
def generated_lines(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    result = []
    for number in range(1, count + 1):
        quantity = draw(QUANTITY)
        price = draw(PRICE)
        rate = draw(RATE)
        base = factories.money(quantity * price)
        subtotal = factories.kdv(base, rate, exemption="351" if rate == "0" else None, name=draw(TEXT))
        withheld = ()
        if rate != "0" and draw(st.booleans()):
            total = factories.withholding(subtotal, draw(st.sampled_from(["601", "613", "625"])), 50)
            named = tuple(replace(sub, tax_name=draw(TEXT)) for sub in total.subtotals)
            withheld = (replace(total, subtotals=named),)
        result.append(
            factories.line(
                number,
                quantity,
                price,
                subtotal,
                name=draw(TEXT),
                unit=draw(UNIT),
                withheld=withheld,
                notes=tuple(draw(st.lists(TEXT, max_size=2))),
            )
        )
    return tuple(result)


@st.composite
def generated_invoices(draw):
    invoice = factories.invoice(
        draw(generated_lines()), number=draw(st.integers(min_value=1, max_value=10**9 - 1))
    )
    customer = draw(st.sampled_from([factories.company_buyer(), factories.person_buyer()]))
    return replace(
        invoice,
        customer=replace(customer, name=draw(TEXT) if customer.vkn else customer.name),
        notes=tuple(draw(st.lists(TEXT, max_size=3))),
        profile_id=draw(st.sampled_from(["TEMELFATURA", "TICARIFATURA"])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated_invoices())
def test_build_then_parse_returns_the_same_invoice(invoice):
    assert roundtrip(invoice) == invoice
