"""The Python code tables must agree with the schematron codelist GİB enforces."""

import json
import re

import pytest
from lxml import etree

from core import codes
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl.invoice import build_invoice
from core.ubl.serialize import serialize
from core.validation import rules


@pytest.fixture(scope="module")
def codelist():
    path = reference_path("gib-codelists", "UBL-TR_Codelist.values.json")
    return json.loads(path.read_text(encoding="utf-8"))["lists"]


@pytest.mark.parametrize(
    ("values", "list_name"),
    [
        ({p.value for p in codes.EINVOICE_PROFILES}, "ProfileIDType"),
        ({p.value for p in codes.DespatchProfileID}, "ProfileIDTypeDespatchAdvice"),
        ({t.value for t in codes.InvoiceTypeCode}, "InvoiceTypeCodeList"),
        ({t.value for t in codes.DespatchAdviceTypeCode}, "DespatchAdviceTypeCodeList"),
        ({t.value for t in codes.ResponseCode}, "ResponseCodeType"),
        (codes.TAX_TYPE_CODES, "TaxType"),
        (set(codes.TAX_TYPE_NAMES), "TaxType"),
        (codes.WITHHOLDING_TYPE_CODES - {"650"}, "WithholdingTaxType"),
        (codes.EXEMPTION_CODES, "TaxExemptionReasonCodeType"),
        (codes.PARTY_IDENTIFICATION_SCHEMES, "PartyIdentificationIDType"),
        (codes.INCOTERMS, "DeliveryTermCodeList"),
        (codes.SGK_ACCOUNTING_COSTS, "AccountingCostCodeList"),
    ],
)
def test_code_table_matches_codelist(codelist, values, list_name):
    assert set(values) == set(codelist[list_name])


def test_withholding_percents_match_codelist(codelist):
    # 650 ("other", free ratio) exists only in the code+percent list of the schematron.
    pairs = {
        f"{code}{percent}" for code, percents in codes.WITHHOLDING_PERCENTS.items() for percent in percents
    }
    assert pairs == set(codelist["WithholdingTaxTypeWithPercent"])


def test_every_named_exemption_and_withholding_is_a_known_code():
    assert set(codes.EXEMPTIONS) <= codes.EXEMPTION_CODES
    assert set(codes.WITHHOLDING_NAMES) <= codes.WITHHOLDING_TYPE_CODES
    assert codes.exemption_text("301") == "11/1-a Mal İhracatı"
    assert codes.exemption_text("555") is None


def test_profiles_cover_every_invoice_type():
    used = set().union(*codes.INVOICE_TYPES_BY_PROFILE.values())
    assert used == set(codes.InvoiceTypeCode)
    assert codes.InvoiceTypeCode.IADE not in codes.INVOICE_TYPES_BY_PROFILE[codes.ProfileID.TICARIFATURA]


BROKEN = re.compile(
    r"\b[A-ZÇĞİÖŞÜ] [a-zçğıöşü]|\w ,|Kdvgut|KDVGU T|Hizmetler i\b|T eslimi|Danişmanlik|Olm ayan"
)


@pytest.mark.parametrize(
    "names",
    [
        [name for name, _ratio in codes.WITHHOLDING_NAMES.values()],
        [name for _kind, name in codes.EXEMPTIONS.values()],
        list(codes.UNIT_CODES.values()),
    ],
    ids=["withholding", "exemption", "unit"],
)
def test_names_carry_no_pdf_extraction_breaks(names):
    assert [name for name in names if BROKEN.search(name)] == []


def test_default_withholding_name_in_the_xml_is_the_correct_turkish_name():
    base = f.kdv("1000.00", 20)
    line = f.line(1, 1, "1000.00", base, withheld=(f.withholding(base, "625", 30),))
    xml = serialize(build_invoice(f.invoice((line,), type_code="TEVKIFAT"))).decode()
    assert "Ticari Reklam Hizmetleri [KDVGUT-(I/C-2.1.3.2.15)]" in xml
    assert codes.WITHHOLDING_NAMES["602"][0] == "Etüt, Plan-Proje, Danışmanlık, Denetim Ve Benzeri Hizmetler"


def _lets(*parts):
    """The code lists (``sch:let``) of one release's ``UBL-TR_Codelist.xml``, as sets."""
    root = etree.parse(str(reference_path(*parts, "e-FaturaPaketi", "schematron", "UBL-TR_Codelist.xml")))
    lists = {}
    for let in root.iter("{http://purl.oclc.org/dsdl/schematron}let"):
        value = let.get("value", "")
        if value.startswith("',"):
            lists[let.get("name")] = {code for code in value.strip("'").split(",") if code}
    return lists


@pytest.mark.parametrize(
    ("release", "parts"),
    [(codes.R20260312, ("gib-ubl-tr",)), (codes.R20260701, ("gib-ubl-tr", "schematron-20260701"))],
)
def test_release_code_tables_match_that_release(release, parts):
    lists = _lets(*parts)
    assert codes.exemption_codes(release) == lists["TaxExemptionReasonCodeType"]
    assert rules.istisna_codes(release) == lists["istisnaTaxExemptionReasonCodeType"]
    assert codes.license_plate_schemes(release) == lists["LicensePlateIDSchemeIDType"]
    assert lists["YatirimTesvikEArsivInvoiceTypeCodeList"] == codes.YTB_EARCHIVE_TYPES
    if release == codes.R20260701:
        assert lists["YatirimTesvikTaxExemptionReasonCodeType"] == codes.YTB_EXEMPTION_CODES
        assert lists["TransportEquipmentIDSchemeIDType"] == codes.TRANSPORT_EQUIPMENT_SCHEMES
