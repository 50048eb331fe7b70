"""e-SMM and e-MM: the ten public samples parse, what we build from their data passes GİB's XSD and
the own rules, and parse(build(x)) == x for generated receipts."""

import datetime as dt
import uuid as uuidlib
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import earsivbelge as eb
from core.errors import ParseError, ValidationFailed, XmlSecurityError
from core.tests import factories
from core.tests.conftest import reference_path
from core.ubl import serialize
from core.ubl.earsivbelge import build_receipt, parse_receipt
from core.validation.xsd import XsdValidator

SAMPLES = {
    "emm/gibframework/MustahsilMakbuzu.XML": (eb.MM, ("0003",)),
    "emm/izibiz-api-documentation/mustahsil_vergisiz.xml": (eb.MM, ("0003",)),
    "emm/izibiz-api-documentation/mustahsil_merafonu.xml": (eb.MM, ("0003", "9040")),
    "emm/izibiz-api-documentation/mustahsil_borsatescil.xml": (eb.MM, ("8001", "0003")),
    "emm/izibiz-api-documentation/mustahsil_bagkur.xml": (eb.MM, ("0003", "SGK_PRIM")),
    "emm/izibiz-java-soap-client/draft-creditNote.xml": (eb.MM, ("0003",)),
    "emm/izibiz-python-soap-client/E_Mustahsil/template.xml": (eb.MM, ("SGK_PRIM", "SGK_PRIM")),
    "esmm/gibframework/SerbestMeslekMakbuzu.xml": (eb.SMM, ("0015", "0003")),
    "esmm/izibiz-java-soap-client/draft-ESmm.xml": (eb.SMM, ("0015",)),
    "esmm/izibiz-python-soap-client/E_Smm/template.xml": (eb.SMM, ("0015",)),
}


@pytest.fixture(scope="module")
def xsd():
    return XsdValidator(reference_path("gib-ubl-tr"))


def _sample(name):
    return parse_receipt(reference_path("earsivbelge-samples", name).read_bytes())


def test_the_ten_samples_are_all_listed():
    found = {
        str(p.relative_to(reference_path("earsivbelge-samples")))
        for p in reference_path("earsivbelge-samples").rglob("*")
        if p.suffix.lower() == ".xml"
    }
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_parses(name):
    kind, codes = SAMPLES[name]
    receipt = _sample(name)
    assert receipt.kind == kind
    assert receipt.id and receipt.uuid and receipt.lines
    assert tuple(t.code for t in receipt.taxes) == codes
    assert receipt.payable_amount > 0


def _same_data(receipt):
    """The sample's parties, lines and rates, with taxes and totals as our builder computes them."""
    lines = []
    for ln in receipt.lines:
        # GIBFramework's e-MM prices 1000 × 10 as 10000; keep the amount, re-derive the price.
        consistent = eb.money(ln.quantity * ln.price) == ln.line_extension_amount
        lines.append(
            eb.line(
                ln.id,
                ln.name or "Ürün",
                ln.quantity if consistent else 1,
                ln.price if consistent else ln.line_extension_amount,
                rates=tuple(dict.fromkeys((t.code, t.percent) for t in ln.taxes)),
                withholdings=tuple((t.code, t.percent) for t in ln.withholdings),
                unit_code=ln.unit_code,
            )
        )
    supplier = receipt.supplier if receipt.supplier.name else factories.seller()
    customer = receipt.customer
    if not (customer.address and customer.address.city_name):
        customer = replace(customer, address=factories.address())
    if customer.vkn and not customer.name:
        customer = replace(customer, name="Alıcı")
    return eb.compute(
        replace(
            receipt,
            id="EMM2026000000001",
            uuid=str(uuidlib.uuid4()),
            supplier=supplier,
            customer=customer,
            lines=tuple(lines),
            sending_type=receipt.sending_type or eb.PAPER,
        )
    )


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_what_we_build_from_a_samples_data_passes_the_xsd_and_the_rules(name, xsd):
    receipt = _same_data(_sample(name))
    xml = serialize(build_receipt(receipt))
    assert xsd.validate(xml) == []
    assert eb.check_receipt(receipt, strict=False) == []
    assert parse_receipt(xml) == receipt


def test_layout_decision_on_the_mera_fonu_sample():
    """Gross 2000, stopaj 4 % = 80, Mera Fonu 0.1 % = 2: payable 1918, inclusive stays gross."""
    receipt = _same_data(_sample("emm/izibiz-api-documentation/mustahsil_merafonu.xml"))
    assert receipt.line_extension_amount == receipt.tax_exclusive_amount == Decimal("2000.00")
    assert receipt.tax_inclusive_amount == Decimal("2000.00")
    assert receipt.payable_amount == Decimal("1918.00")
    assert receipt.tax_amount == Decimal("82.00")


def test_layout_decision_matches_gibs_esmm_report():
    """GİB's eArsivVeri: fee 1000, KDV 18 % = 180, tevkifat 10 % of KDV = 18, stopaj 25 % = 250."""
    sample = _sample("esmm/gibframework/SerbestMeslekMakbuzu.xml")
    assert eb.check_receipt(sample, strict=False) == [
        issue
        for issue in eb.check_receipt(sample, strict=False)
        if issue.code.endswith(("party_name", "address"))
    ]
    line = eb.line(
        1, "Avukatlık Ücreti", 1, 1000, rates=((eb.KDV, 18), (eb.STOPAJ, 25)), withholdings=(("650", 10),)
    )
    built = eb.compute(replace(sample, lines=(line,)))
    assert (built.tax_inclusive_amount, built.payable_amount) == (
        sample.tax_inclusive_amount,
        sample.payable_amount,
    )


def test_rules_flag_the_samples_that_put_the_net_in_tax_exclusive_amount():
    codes = {
        issue.params.get("field")
        for issue in eb.check_receipt(
            _sample("emm/izibiz-api-documentation/mustahsil_vergisiz.xml"), strict=False
        )
    }
    assert codes == {"tax_exclusive_amount", "tax_inclusive_amount"}


def _mm(**overrides):
    farmer = factories.person_buyer()
    lines = (
        eb.line(
            1, "Buğday", "1000", "9.50", rates=((eb.STOPAJ, 2), (eb.BORSA_TESCIL, "0.2")), unit_code="KGM"
        ),
    )
    receipt = eb.Receipt(
        kind=eb.MM,
        id="EMM2026000000007",
        uuid="5b2f5a60-3c4e-4d7e-9a51-9b6f0c3d2a11",
        issue_date=dt.date(2026, 12, 1),
        issue_time=dt.time(10, 0, 0),
        supplier=factories.seller(),
        customer=farmer,
        lines=lines,
        sending_type=eb.PAPER,
        delivery_date=dt.date(2026, 11, 30),
    )
    return replace(eb.compute(receipt), **overrides)


def test_strict_rules():
    assert eb.check_receipt(_mm()) == []
    wrong = {
        i.code.rsplit(".", 1)[1]
        for i in eb.check_receipt(_mm(id="EMM26", customer=factories.company_buyer()))
    }
    assert wrong == {"number", "farmer_tckn"}
    kdv = eb.compute(replace(_mm(), lines=(eb.line(1, "Arpa", 1, 100, rates=((eb.KDV, 20),)),)))
    assert "tr_edoc.rule.earsivbelge.tax_code" in {i.code for i in eb.check_receipt(kdv)}
    off = replace(_mm(), payable_amount=_mm().payable_amount + 1)
    assert [i.params["field"] for i in eb.check_receipt(off)] == ["payable_amount"]


def test_delivery_rules():
    eb.Delivery(eb.PAPER).check()
    eb.Delivery(eb.ELECTRONIC, sms_number="05001234567").check()
    with pytest.raises(ValidationFailed, match="e-mail address or mobile"):
        eb.Delivery(eb.ELECTRONIC).check()
    with pytest.raises(ValidationFailed):
        eb.Delivery("FAX").check()
    with pytest.raises(ValidationFailed):
        eb.Delivery(eb.ELECTRONIC, email="not-an-address").check()


def test_stopaj_rates_are_data():
    assert eb.stopaj_rate(eb.CROP) == Decimal("4")
    assert eb.stopaj_rate(eb.ANIMAL, exchange=True) == Decimal("1")
    assert eb.stopaj_rate(eb.CROP, rates={(eb.CROP, False): Decimal("2")}) == Decimal("2")
    with pytest.raises(ValidationFailed):
        eb.stopaj_rate("mineral")


def test_hostile_or_foreign_xml_is_refused():
    with pytest.raises(ParseError):
        parse_receipt(serialize(build_receipt(_mm())).replace(b"MUSTAHSILMAKBUZ", b"SATIS"))
    with pytest.raises(XmlSecurityError):
        parse_receipt(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>')


TEXT = (
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=25)
    .map(str.strip)
    .filter(bool)
)
QUANTITY = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3)
PRICE = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2)


@st.composite
def receipts(draw):
    kind = draw(st.sampled_from(eb.KINDS))
    count = draw(st.integers(min_value=1, max_value=4))
    lines = []
    for number in range(1, count + 1):
        if kind == eb.MM:
            rates = [(eb.STOPAJ, draw(st.sampled_from(["0", "1", "2", "4"])))]
            rates += [
                (code, rate)
                for code, rate in ((eb.MERA_FONU, "0.1"), (eb.BORSA_TESCIL, "0.2"), (eb.SGK_PRIM, "1"))
                if draw(st.booleans())
            ]
            withholdings = ()
        else:
            rates = [
                (eb.KDV, draw(st.sampled_from(["0", "10", "20"]))),
                (eb.STOPAJ, draw(st.sampled_from(["0", "20"]))),
            ]
            withholdings = (("650", 50),) if draw(st.booleans()) else ()
        lines.append(
            eb.line(
                number,
                draw(TEXT),
                draw(QUANTITY),
                draw(PRICE),
                rates=tuple(rates),
                withholdings=withholdings,
                unit_code=draw(st.sampled_from(["C62", "KGM", "HUR"])),
            )
        )
    customer = (
        factories.person_buyer()
        if kind == eb.MM
        else draw(st.sampled_from([factories.person_buyer(), factories.company_buyer()]))
    )
    receipt = eb.Receipt(
        kind=kind,
        id=f"{'SMM' if kind == eb.SMM else 'EMM'}2026{draw(st.integers(1, 10**9 - 1)):09d}",
        uuid=str(uuidlib.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        issue_date=draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
        issue_time=draw(st.times().map(lambda t: t.replace(microsecond=0))),
        supplier=factories.seller(),
        customer=customer,
        lines=tuple(lines),
        sending_type=draw(st.sampled_from(eb.SENDING_TYPES)),
        calculation_type=draw(st.sampled_from((None, eb.GROSS, eb.NET))) if kind == eb.SMM else None,
        delivery_date=draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
        notes=tuple(draw(st.lists(TEXT, max_size=2))),
    )
    return eb.compute(receipt)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receipts())
def test_parse_of_build_is_identity(receipt):
    assert eb.check_receipt(receipt) == []
    assert parse_receipt(serialize(build_receipt(receipt))) == receipt


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(receipts())
def test_generated_receipts_pass_the_xsd(xsd, receipt):
    assert xsd.validate(serialize(build_receipt(receipt))) == []
