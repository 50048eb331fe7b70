"""GİB numbers, amount-in-words and exchange-rate notes, and totals computed from lines."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationFailed
from core.tests import factories as f
from core.ubl import build_invoice, serialize
from core.ubl.notes import amount_in_words, exchange_rate_note
from core.ubl.numbering import format_number, is_valid_number, parse_number


@given(
    series=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=3),
    year=st.integers(2000, 2099),
    sequence=st.integers(1, 999_999_999),
)
def test_number_round_trip(series, year, sequence):
    number = format_number(series, year, sequence)
    assert len(number) == 16
    assert parse_number(number) == (series, year, sequence)


@pytest.mark.parametrize(
    "number", ["AB2026000000001", "ABC2026000000000", "abc2026000000001", "ABC26000000001", ""]
)
def test_bad_numbers_are_refused(number):
    assert not is_valid_number(number)
    with pytest.raises(ValidationFailed) as caught:
        parse_number(number)
    assert caught.value.code == "tr_edoc.numbering.format"


def test_bad_series_is_refused():
    with pytest.raises(ValidationFailed):
        format_number("AB", 2026, 1)


def test_amount_in_words_uses_turkish_capitals():
    assert amount_in_words(Decimal("1200.15")) == "YALNIZ: BİNİKİYÜZ TL ONBEŞ KR"
    assert amount_in_words(Decimal("41")) == "YALNIZ: KIRKBİR TL"
    assert amount_in_words(Decimal("0.505")) == "YALNIZ: SIFIR TL ELLİBİR KR"


def test_exchange_rate_note_has_six_decimals():
    assert exchange_rate_note("EUR", Decimal("35.1")) == "KUR: 1 EUR = 35.100000 TRY"


def test_totals_and_withholding_from_lines():
    sub = f.kdv("1000.00", 20)
    invoice = f.invoice([f.line(1, 1, "1000.00", sub, withheld=(f.withholding(sub, "601", 40),))])
    total = invoice.legal_monetary_total
    assert (total.tax_exclusive_amount, total.tax_inclusive_amount, total.payable_amount) == (
        Decimal("1000.00"),
        Decimal("1200.00"),
        Decimal("1120.00"),
    )
    assert invoice.withholding_tax_totals[0].tax_amount == Decimal("80.00")


def test_serialised_invoice_keeps_values_and_order():
    data = serialize(build_invoice(f.invoice()))
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    text = data.decode("utf-8")
    assert (
        text.index("<cbc:UBLVersionID>2.1<")
        < text.index("<cbc:CustomizationID>TR1.2<")
        < text.index("<cac:Signature>")
    )
    assert '<cbc:PayableAmount currencyID="TRY">3874.99</cbc:PayableAmount>' in text
