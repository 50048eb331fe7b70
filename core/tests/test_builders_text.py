"""The text writer against lxml: the same builders, run once on ``core.ubl.namespaces`` and once on
lxml elements (the helpers as they were before the writer), must give the same bytes or the same error.

The lxml side is the oracle for escaping, empty elements, nesting and the XML declaration; the element
order itself comes from the builders both sides share.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from core import earsivbelge as eb
from core.documents import Attachment, Contact, DocumentReference, Identifier, Item
from core.tests import factories as f
from core.tests.test_builders_matrix import CASES
from core.ubl import application_response, despatch, earsivbelge, invoice, receipt_advice, serialize
from core.ubl.namespaces import CAC, CBC, DS, EXT, SIGNATURE_PLACEHOLDER, XADES, text

_MODULES = (invoice, despatch, receipt_advice, application_response, earsivbelge)
_RENDER = {
    invoice.build_invoice: invoice.render_invoice,
    despatch.build_despatch_advice: despatch.render_despatch_advice,
    receipt_advice.build_receipt_advice: receipt_advice.render_receipt_advice,
    application_response.build_application_response: application_response.render_application_response,
}


def _lxml_root(tag, document_ns):
    return etree.Element(
        f"{{{document_ns}}}{tag}",
        nsmap={None: document_ns, "cac": CAC, "cbc": CBC, "ext": EXT, "ds": DS, "xades": XADES},
    )


def _lxml_extensions(root):
    content = etree.SubElement(
        etree.SubElement(etree.SubElement(root, f"{{{EXT}}}UBLExtensions"), f"{{{EXT}}}UBLExtension"),
        f"{{{EXT}}}ExtensionContent",
    )
    etree.SubElement(content, SIGNATURE_PLACEHOLDER)


def _lxml_cbc(parent, name, value, **attrs):
    if value is None or (value.__class__ is str and not value):
        return
    element = etree.SubElement(parent, f"{{{CBC}}}{name}")
    for key, attribute in attrs.items():
        if attribute is not None:
            element.set(key, attribute)
    element.text = value if value.__class__ is str else text(value)


def _lxml_cbc_required(parent, name, value):
    etree.SubElement(parent, f"{{{CBC}}}{name}").text = value or ""


def _lxml_cac(parent, name):
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _lxml_amount(parent, name, value, currency):
    _lxml_cbc(parent, name, value, currencyID=currency)


def _lxml_finish(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


_LXML = {
    "root_element": _lxml_root,
    "add_extensions": _lxml_extensions,
    "cbc": _lxml_cbc,
    "cbc_required": _lxml_cbc_required,
    "cac": _lxml_cac,
    "amount": _lxml_amount,
    "finish": _lxml_finish,
}


def _outcome(render, document):
    try:
        return render(document)
    except ValueError as exc:  # UnicodeEncodeError included
        return type(exc), str(exc)


def _both(render, document):
    """(text writer, lxml oracle) outcome of one render function."""
    ours = _outcome(render, document)
    with pytest.MonkeyPatch.context() as patch:
        for module in _MODULES:
            for name, helper in _LXML.items():
                if hasattr(module, name):
                    patch.setattr(module, name, helper)
        oracle = _outcome(render, document)
    return ours, oracle


def _receipts():
    client = f.company_buyer()
    smm = eb.Receipt(
        kind=eb.SMM,
        id="SMM2026000000001",
        uuid="0f3c1d4e-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
        issue_date=f.ISSUE_DATE,
        issue_time=f.ISSUE_TIME,
        supplier=f.seller(),
        customer=client,
        lines=(eb.line(1, "Avukatlık Ücreti", 1, 1000, rates=((eb.KDV, 20),), withholdings=(("650", 10),)),),
        notes=("Not & <açıklama>",),
        xslt=Attachment(content=b"<xsl:stylesheet/>", filename="smm.xslt"),
    )
    mm = dataclasses.replace(
        smm,
        kind=eb.MM,
        id="EMM2026000000001",
        customer=f.person_buyer(),
        lines=(eb.line(1, "Buğday", "1000", "9.50", rates=((eb.STOPAJ, 2),), unit_code="KGM"),),
        sending_type=eb.PAPER,
        delivery_date=dt.date(2026, 3, 15),
        xslt=None,
    )
    return {"SMM": eb.compute(smm), "MM": eb.compute(mm)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_matrix_document_is_written_as_lxml_wrote_it(name):
    build, document, _ = CASES[name]
    ours, oracle = _both(_RENDER[build], document)
    assert isinstance(ours, bytes)
    assert ours == oracle


@pytest.mark.parametrize("kind", ["SMM", "MM"])
def test_earsivbelge_receipts_are_written_as_lxml_wrote_them(kind):
    ours, oracle = _both(earsivbelge.render_receipt, _receipts()[kind])
    assert isinstance(ours, bytes)
    assert ours == oracle


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_tree_serialises_to_the_rendered_bytes(name):
    build, document, _ = CASES[name]
    assert serialize(build(document)) == _RENDER[build](document)


def test_empty_required_elements_keep_their_two_tags():
    buyer = f.company_buyer(address=f.address(city_subdivision_name=None, country_name=""))
    document = f.invoice(customer=buyer)
    data = invoice.render_invoice(document)
    assert b"<cbc:CitySubdivisionName></cbc:CitySubdivisionName>" in data
    assert serialize(invoice.build_invoice(document)) == data
    assert data == _both(invoice.render_invoice, document)[1]


def test_empty_aggregates_are_written_as_lxml_writes_them():
    document = f.invoice(customer=f.company_buyer(contact=Contact()))
    ours, oracle = _both(invoice.render_invoice, document)
    assert b"<cac:Contact/>" in ours
    assert ours == oracle
    assert serialize(invoice.build_invoice(document)) == ours


HOSTILE = "A&B <C> \"D\" 'E' ]]> F\r\nG\tH \U0001f600 \x85 \u2028 ı"


def _hostile(text, attribute="VKN", unit="C62", currency="TRY", price=Decimal("10.00")):
    line = f.line(1, 1, "10.00", name=text, unit=unit, notes=(text,))
    identifier = Identifier(value=text, scheme_id=attribute)
    item = dataclasses.replace(line.item, description=text, additional_item_ids=(identifier,))
    line = dataclasses.replace(line, price_amount=price, item=item)
    reference = DocumentReference(id=text, document_type=text, document_description=(text,))
    return f.invoice(
        [line],
        notes=(text,),
        document_currency_code=currency,
        customer=f.company_buyer(name=text, address=f.address(street_name=text, city_name=text)),
        additional_document_references=(reference,),
    )


def test_hostile_names_are_escaped_as_lxml_escapes_them():
    ours, oracle = _both(invoice.render_invoice, _hostile(HOSTILE, attribute=HOSTILE, unit=HOSTILE))
    assert ours == oracle
    assert b"<cbc:Name>A&amp;B &lt;C&gt; \"D\" 'E' ]]&gt; F&#13;\nG\tH \xf0\x9f\x98\x80 \xc2\x85" in ours
    attribute = b" schemeID=\"A&amp;B &lt;C&gt; &quot;D&quot; 'E' ]]&gt; F&#13;&#10;G&#9;H \xf0\x9f\x98\x80"
    assert attribute in ours
    customer = f".//{{{CAC}}}AccountingCustomerParty//{{{CAC}}}PartyName/{{{CBC}}}Name"
    assert etree.fromstring(ours).findtext(customer) == HOSTILE


FORBIDDEN = ["\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff", "x\ud800y", "\udfff\x00"]


@pytest.mark.parametrize("bad", FORBIDDEN)
@pytest.mark.parametrize("where", ["text", "attribute"])
def test_strings_xml_forbids_raise_lxmls_error(bad, where):
    document = _hostile(f"Ege{bad}") if where == "text" else _hostile("Ege", attribute=f"VKN{bad}")
    ours, oracle = _both(invoice.render_invoice, document)
    assert ours == oracle
    assert ours[0] is (UnicodeEncodeError if any("\ud800" <= c <= "\udfff" for c in bad) else ValueError)


_CHARACTERS = st.one_of(
    st.sampled_from([*"&<>\"'\r\n\t]ıİ\x85\u2028", "\x00", "\x1f", "\ud800", "\ufffe", "\U0001f600"]),
    st.characters(codec=None, exclude_categories=()),
)
_TEXT = st.text(_CHARACTERS, min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXT,
    attribute=_TEXT,
    currency=st.one_of(st.just("TRY"), _TEXT),
    price=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9),
)
def test_any_string_or_decimal_gives_lxmls_bytes_or_lxmls_error(text, attribute, currency, price):
    ours, oracle = _both(invoice.render_invoice, _hostile(text, attribute, attribute, currency, price))
    assert ours == oracle


def test_an_item_with_every_optional_text_matches_lxml():
    item = Item(name="<Pompa>", description="a\rb", keyword="&", brand_name='"M"', model_name="]]>")
    document = f.invoice([f.line(1, 1, "5.00", item=item)])
    ours, oracle = _both(invoice.render_invoice, document)
    assert ours == oracle
