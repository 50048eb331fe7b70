"""Values read from a supplier's XML are the schema's values: whole, in xsd lexical form, bounded."""

import re
import time
from decimal import Decimal

import pytest

from core.errors import ParseError, XmlSecurityError
from core.tests.conftest import reference_path
from core.ubl import parse
from core.xmlsafe import (
    MAX_ATTRIBUTES,
    MAX_NAMESPACE_DECLARATIONS,
    load_xml,
    string_value,
    xsd_decimal,
    xsd_integer,
)


def sample(name="TicariFaturaOrnegi.xml"):
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", name).read_bytes()


def _replace_text(data, tag, new_text):
    """The first ``<tag ...>text</tag>`` of ``data`` with ``new_text`` inside (bytes, may hold markup)."""
    pattern = re.compile(rb"(<" + tag + rb"(?:\s[^>]*)?>)([^<]*)(</" + tag + rb">)")
    result, count = pattern.subn(lambda m: m.group(1) + new_text + m.group(3), data, count=1)
    assert count == 1, tag
    return result


@pytest.mark.parametrize("split", [b"<!---->", b"<!-- x -->", b"<?pi x?>"])
def test_a_comment_inside_a_number_reads_the_whole_number(split):
    data = _replace_text(sample(), rb"cbc:PayableAmount", b"1" + split + b"000.00")
    assert parse.parse_invoice(data).legal_monetary_total.payable_amount == Decimal("1000.00")
    assert parse.document_summary(data)["payable_amount"] == Decimal("1000.00")


def test_a_comment_inside_a_vkn_reads_the_whole_vkn():
    data = sample()
    invoice = parse.parse_invoice(data)
    (vkn,) = [i.value for i in invoice.supplier.identifications if i.scheme_id == "VKN"]
    split = re.sub(
        rb'(<cbc:ID schemeID="VKN">)' + vkn[:3].encode() + rb"(" + vkn[3:].encode() + rb")",
        rb"\g<1>" + vkn[:3].encode() + rb"<!--x-->\g<2>",
        data,
        count=1,
    )
    assert split != data
    again = parse.parse_invoice(split)
    assert [i.value for i in again.supplier.identifications if i.scheme_id == "VKN"] == [vkn]
    assert parse.sender_tax_ids(load_xml(split)) == {vkn}


@pytest.mark.parametrize(
    "text",
    [
        "١٠٠٠.٠٠",  # Arabic-Indic digits: Python's Decimal reads 1000.00
        "1_000.00",
        "1e3",
        "1E+999999999",
        "NaN",
        "Infinity",
        "-inf",
        "0x10",
        "1,000.00",
        "",
        ".",
        "+-1",
        "1" * 31,
        "1." + "0" * 31,
        "\u00a0100",  # a no-break space is not XML whitespace
    ],
)
def test_only_xsd_decimal_lexical_forms_are_numbers(text):
    assert xsd_decimal(text) is None
    data = _replace_text(sample(), rb"cbc:PayableAmount", text.encode())
    with pytest.raises(ParseError, match="PayableAmount"):
        parse.parse_invoice(data)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1000.00", "1000.00"), (" \n+1.5\t", "1.5"), ("-.5", "-0.5"), ("7.", "7"), ("0" * 30, "0")],
)
def test_xsd_decimal_lexical_forms_read_as_written(text, value):
    assert xsd_decimal(text) == Decimal(value)


def test_xsd_integers_are_ascii_and_bounded():
    assert xsd_integer(" 42 ") == 42
    assert xsd_integer("-7") == -7
    for text in ("٤٢", "4_2", "1e3", "1.0", "9" * 31, ""):
        assert xsd_integer(text) is None, text


def test_string_value_crosses_comments_and_processing_instructions():
    root = load_xml(b"<a>1<!--x-->0<?p q?>0<!--y--></a>")
    assert string_value(root) == "100"
    assert string_value(load_xml(b"<a/>")) == ""


def test_tens_of_thousands_of_attributes_are_refused_quickly():
    attributes = " ".join(f'a{i}="1"' for i in range(50000))
    data = f"<r {attributes}/>".encode()
    started = time.perf_counter()
    with pytest.raises(XmlSecurityError) as refused:
        load_xml(data)
    assert refused.value.code == "tr_edoc.xml.too_many_attributes"
    assert time.perf_counter() - started < 2
    allowed = " ".join(f'a{i}="1"' for i in range(MAX_ATTRIBUTES))
    assert len(load_xml(f"<r {allowed}/>".encode()).attrib) == MAX_ATTRIBUTES


def test_tens_of_thousands_of_namespace_declarations_are_refused_quickly():
    declarations = " ".join(f'xmlns:p{i}="urn:x:{i}"' for i in range(50000))
    data = f"<r {declarations}><c/></r>".encode()
    started = time.perf_counter()
    with pytest.raises(XmlSecurityError) as refused:
        load_xml(data)
    assert refused.value.code == "tr_edoc.xml.too_many_namespaces"
    assert time.perf_counter() - started < 2
    spread = "".join(f'<e xmlns:p="urn:x:{i}"/>' for i in range(MAX_NAMESPACE_DECLARATIONS + 1))
    with pytest.raises(XmlSecurityError):
        load_xml(f"<r>{spread}</r>".encode())
    text_only = "xmlns " * (MAX_NAMESPACE_DECLARATIONS + 10)
    assert string_value(load_xml(f"<r>{text_only}</r>".encode())) == text_only


def test_arabic_indic_digits_in_dates_are_refused():
    data = _replace_text(sample(), rb"cbc:IssueDate", "٢٠٢٤-٠١-٠١".encode())
    with pytest.raises(ParseError, match="IssueDate"):
        parse.parse_invoice(data)
