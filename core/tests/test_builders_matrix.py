"""Scenario matrix: every profile, invoice type and tax family GİB knows, built from dataclasses and
checked against the official XSD and schematron. A failure prints every broken rule."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from core.documents import (
    AllowanceCharge,
    Attachment,
    Delivery,
    DeliveryTerms,
    DocumentReference,
    EArchiveInfo,
    ExchangeRate,
    FinancialAccount,
    GoodsItem,
    Identifier,
    InternetSale,
    Item,
    Package,
    Party,
    PaymentMeans,
    Period,
    Person,
    Shipment,
    ShipmentStage,
    TransportHandlingUnit,
)
from core.tests import factories as f
from core.tests.conftest import reference_path
from core.ubl import build_application_response, build_despatch_advice, build_invoice, build_receipt_advice
from core.ubl.notes import amount_in_words, exchange_rate_note
from core.validation.schematron import SchematronValidator
from core.validation.xsd import XsdValidator

RETURNED = DocumentReference(
    id="ANM2026000000001", issue_date=dt.date(2026, 3, 1), document_type_code="IADE", document_type="İade"
)
IBAN = "TR330006100519786457841326"


def _tax_line(number, price, *taxes, **kw):
    return f.line(number, 1, price, *taxes, **kw)


def _withheld(code, percent, price="1000.00", rate=20):
    sub = f.kdv(price, rate)
    return f.line(1, 1, price, sub, withheld=(f.withholding(sub, code, percent),))


def _export_line():
    return f.line(
        1,
        10,
        "55.00",
        f.kdv("550.00", 0, exemption="301"),
        deliveries=(
            Delivery(
                delivery_address=f.foreign_buyer().address,
                delivery_terms=(DeliveryTerms(id="FOB", scheme_id="INCOTERMS"),),
                shipment=Shipment(
                    id="1",
                    goods_items=(GoodsItem(required_customs_id="842139200000"),),
                    shipment_stages=(ShipmentStage(transport_mode_code="1"),),
                    transport_handling_units=(
                        TransportHandlingUnit(
                            packages=(Package(id="P1", quantity=Decimal(2), packaging_type_code="BX"),)
                        ),
                    ),
                ),
            ),
        ),
    )


def _earchive(send_type="ELEKTRONIK", internet=False, **kw):
    sale = InternetSale(
        website="https://magaza.anadolumakine.com.tr",
        payment_means="KREDIKARTI/BANKAKARTI",
        payment_agent_name="Iyzico",
        payment_date=f.ISSUE_DATE,
    )
    extra = {}
    if internet:
        carrier = Party(
            identifications=(Identifier(value="3900892152", scheme_id="VKN"),),
            name="Hızlı Kargo A.Ş.",
            address=f.address(),
        )
        extra = {
            "deliveries": (Delivery(carrier_party=carrier, actual_delivery_date=f.ISSUE_DATE),),
            "payment_means": (PaymentMeans(payment_means_code="48", payment_due_date=f.ISSUE_DATE),),
        }
    return f.invoice(
        profile="EARSIVFATURA",
        series="EAR" if not internet else "EAI",
        customer=f.person_buyer(),
        earchive=EArchiveInfo(send_type=send_type, internet_sale=sale if internet else None),
        **{**extra, **kw},
    )


def _scenarios():
    kdv_rates = {
        f"TEMEL-SATIS-KDV{rate}": f.invoice(
            [f.line(1, 3, "100.00", f.kdv("300.00", rate, **({"exemption": "351"} if rate == 0 else {})))]
        )
        for rate in (0, 1, 10, 20)
    }
    usd = f.invoice(
        [f.line(1, 2, "100.00")],
        number=9,
        document_currency_code="USD",
        pricing_currency_code="TRY",
        pricing_exchange_rate=ExchangeRate(source_currency_code="USD", calculation_rate=Decimal("32.123456")),
    )
    usd = replace(
        usd,
        notes=(
            exchange_rate_note("USD", Decimal("32.123456")),
            amount_in_words(usd.legal_monetary_total.payable_amount, "USD"),
        ),
    )
    base = f.invoice()
    docs = {
        **kdv_rates,
        "TEMEL-SATIS-notes": replace(
            base, notes=(amount_in_words(base.legal_monetary_total.payable_amount),)
        ),
        "TICARI-SATIS": f.invoice(profile="TICARIFATURA"),
        "TICARI-SATIS-order-despatch": f.invoice(
            profile="TICARIFATURA",
            order_reference=DocumentReference(id="SIP-2026-0042", issue_date=dt.date(2026, 3, 10)),
            despatch_document_references=(DocumentReference(id="IRS2026000000001", issue_date=f.ISSUE_DATE),),
        ),
        "TEMEL-SATIS-USD": usd,
        "TEMEL-SATIS-allowance": f.invoice(
            allowance_charges=(
                AllowanceCharge(charge_indicator=False, amount=Decimal("100.00"), reason="İskonto"),
            )
        ),
        "TEMEL-SATIS-xslt": f.invoice(xslt=Attachment(content=b"<xsl:stylesheet/>", filename="ANM.xslt")),
        "TEMEL-IADE": f.invoice(type_code="IADE", billing_references=(RETURNED,)),
        "TEMEL-TEVKIFAT-601": f.invoice([_withheld("601", 40)], type_code="TEVKIFAT"),
        "TEMEL-TEVKIFAT-613": f.invoice([_withheld("613", 90)], type_code="TEVKIFAT"),
        "TICARI-TEVKIFAT-801": f.invoice(
            [_withheld("801", 100)], profile="TICARIFATURA", type_code="TEVKIFAT"
        ),
        "TEMEL-TEVKIFATIADE": f.invoice(
            [_tax_line(1, "1000.00", f.kdv("1000.00", 20), f.tax("9015", "200.00", 40))],
            type_code="TEVKIFATIADE",
            billing_references=(RETURNED,),
        ),
        "TEMEL-ISTISNA-301": f.invoice(
            [_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="301"))], type_code="ISTISNA"
        ),
        "TEMEL-ISTISNA-350": f.invoice(
            [_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="350"))], type_code="ISTISNA"
        ),
        "TEMEL-ISTISNA-KISMI-201": f.invoice(
            [_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="201"))], type_code="ISTISNA"
        ),
        "TEMEL-IHRACKAYITLI-701": f.invoice(
            [_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="701"))], type_code="IHRACKAYITLI"
        ),
        "TEMEL-OZELMATRAH-801": f.invoice(
            [_tax_line(1, "500.00", f.kdv("100.00", 20, exemption="801"))], type_code="OZELMATRAH"
        ),
        "TEMEL-OTV-0071": f.invoice(
            [_tax_line(1, "1000.00", f.tax("0071", "1000.00", 25), f.kdv("1250.00", 20))]
        ),
        "TEMEL-OTV-0074": f.invoice(
            [_tax_line(1, "1000.00", f.tax("0074", "1000.00", 10), f.kdv("1100.00", 20))]
        ),
        "TEMEL-DAMGA-1047": f.invoice(
            [_tax_line(1, "1000.00", f.kdv("1000.00", 20), f.tax("1047", "1000.00", Decimal("0.948")))]
        ),
        "TEMEL-KONAKLAMA-0059": f.invoice(
            [_tax_line(1, "2000.00", f.kdv("2000.00", 10), f.tax("0059", "2000.00", 2))],
            type_code="KONAKLAMAVERGISI",
        ),
        "TEMEL-KOMISYONCU": f.invoice(type_code="KOMISYONCU"),
        "TEMEL-SGK": f.invoice(
            type_code="SGK",
            accounting_cost="SAGLIK_ECZ",
            invoice_period=Period(start_date=dt.date(2026, 2, 1), end_date=dt.date(2026, 2, 28)),
            additional_document_references=(
                DocumentReference(id="12345", document_type="MUKELLEF_KODU", issue_date=f.ISSUE_DATE),
                DocumentReference(id="Eczane", document_type="MUKELLEF_ADI", issue_date=f.ISSUE_DATE),
                DocumentReference(id="D-1", document_type="DOSYA_NO", issue_date=f.ISSUE_DATE),
            ),
            customer=replace(
                f.company_buyer(),
                identifications=(Identifier(value="7750409379", scheme_id="VKN"),),
                name="Sosyal Güvenlik Kurumu",
            ),
        ),
        "KAMU-SATIS": f.invoice(
            profile="KAMU",
            buyer_customer=f.company_buyer(name="T.C. Ankara Valiliği"),
            payment_means=(
                PaymentMeans(
                    payment_means_code="42",
                    payee_financial_account=FinancialAccount(id=IBAN, currency_code="TRY"),
                ),
            ),
        ),
        "KAMU-TEVKIFAT": f.invoice(
            [_withheld("606", 90)],
            profile="KAMU",
            type_code="TEVKIFAT",
            buyer_customer=f.company_buyer(name="T.C. Ankara Valiliği"),
            payment_means=(
                PaymentMeans(payment_means_code="42", payee_financial_account=FinancialAccount(id=IBAN)),
            ),
        ),
        "IHRACAT-ISTISNA": f.invoice(
            [_export_line()],
            profile="IHRACAT",
            type_code="ISTISNA",
            series="IHR",
            customer=f.gtb_customs(),
            buyer_customer=replace(
                f.foreign_buyer(), identifications=(Identifier(value="EXPORT", scheme_id="PARTYTYPE"),)
            ),
        ),
        "YOLCUBERABER-ISTISNA": f.invoice(
            [_tax_line(1, "3000.00", f.kdv("3000.00", 0, exemption="501"))],
            profile="YOLCUBERABERFATURA",
            type_code="ISTISNA",
            customer=f.gtb_customs(),
            buyer_customer=Party(
                identifications=(Identifier(value="TAXFREE", scheme_id="PARTYTYPE"),),
                address=f.foreign_buyer().address,
                person=Person(
                    first_name="John",
                    family_name="Smith",
                    nationality_id="GB",
                    identity_documents=(DocumentReference(id="P1234567", issue_date=dt.date(2020, 1, 1)),),
                ),
            ),
            tax_representative=Party(
                identifications=(
                    Identifier(value="3900892152", scheme_id="ARACIKURUMVKN"),
                    Identifier(value="urn:mail:taxfree@aracikurum.com.tr", scheme_id="ARACIKURUMETIKET"),
                ),
                name="Tax Free Aracı Kurum A.Ş.",
                address=f.address(),
            ),
        ),
        "HKS-HKSSATIS": f.invoice(
            [
                f.line(
                    1,
                    100,
                    "12.50",
                    unit="KGM",
                    item=Item(
                        name="Domates",
                        additional_item_ids=(Identifier(value="1234567890123456789", scheme_id="KUNYENO"),),
                    ),
                )
            ],
            profile="HKS",
            type_code="HKSSATIS",
        ),
        "HKS-HKSKOMISYONCU": f.invoice(
            [
                f.line(
                    1,
                    50,
                    "20.00",
                    unit="KGM",
                    item=Item(
                        name="Elma",
                        additional_item_ids=(Identifier(value="9876543210987654321", scheme_id="KUNYENO"),),
                    ),
                )
            ],
            profile="HKS",
            type_code="HKSKOMISYONCU",
        ),
        "ENERJI-SARJ": f.invoice(profile="ENERJI", type_code="SARJ"),
        "ILAC-SATIS": f.invoice(
            [
                f.line(
                    1,
                    1,
                    "100.00",
                    item=Item(
                        name="İlaç",
                        additional_item_ids=(Identifier(value="08699999999999", scheme_id="ILAC"),),
                    ),
                )
            ],
            profile="ILAC_TIBBICIHAZ",
        ),
        "IDIS-SATIS": f.invoice(
            [
                f.line(
                    1,
                    2,
                    "950.00",
                    item=Item(
                        name="İnşaat demiri",
                        additional_item_ids=(Identifier(value="CV0152457", scheme_id="ETIKETNO"),),
                    ),
                )
            ],
            profile="IDIS",
            supplier=replace(
                f.seller(),
                identifications=(
                    *f.seller().identifications,
                    Identifier(value="SE-1345840", scheme_id="SEVKIYATNO"),
                ),
            ),
        ),
        "OZELFATURA-ISTISNA": f.invoice(
            [_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="301"))],
            profile="OZELFATURA",
            type_code="ISTISNA",
        ),
        "EARSIV-NORMAL-ELEKTRONIK": _earchive(),
        "EARSIV-NORMAL-KAGIT": _earchive("KAGIT"),
        "EARSIV-INTERNET": _earchive(internet=True),
        "EARSIV-IADE": _earchive(type_code="IADE", billing_references=(RETURNED,)),
        "EARSIV-TEVKIFAT": _earchive(lines=[_withheld("603", 70)], type_code="TEVKIFAT"),
        "EARSIV-ISTISNA": _earchive(
            lines=[_tax_line(1, "500.00", f.kdv("500.00", 0, exemption="301"))], type_code="ISTISNA"
        ),
    }
    return docs


def _other_documents():
    printed = DocumentReference(
        id="A-123456", issue_date=f.ISSUE_DATE, document_type_code="MATBU", document_type="Matbu İrsaliye"
    )
    return {
        "IRSALIYE-SEVK": (build_despatch_advice, f.despatch_advice(), "efatura"),
        "IRSALIYE-MATBUDAN": (
            build_despatch_advice,
            f.despatch_advice(type_code="MATBUDAN", number=2, printed_document=printed),
            "efatura",
        ),
        "IRSALIYE-YANITI": (build_receipt_advice, f.receipt_advice(), "efatura"),
        "UYGULAMA-YANITI-KABUL": (build_application_response, f.application_response("KABUL"), "efatura"),
        "UYGULAMA-YANITI-RED": (
            build_application_response,
            f.application_response("RED", description=("Fiyat farkı",)),
            "efatura",
        ),
        "UYGULAMA-YANITI-IADE": (
            build_application_response,
            f.application_response("IADE", description=("Mal iade edildi",)),
            "efatura",
        ),
    }


def _all():
    cases = {
        name: (build_invoice, doc, "earchive" if doc.profile_id == "EARSIVFATURA" else "efatura")
        for name, doc in _scenarios().items()
    }
    cases.update(_other_documents())
    return cases


CASES = _all()


@pytest.fixture(scope="module")
def validators():
    package = reference_path("gib-ubl-tr")
    return XsdValidator(package), SchematronValidator(package)


def _report(issues):
    return "\n".join(f"[{i.source}] {i.code} at {i.path}: {i.message}" for i in issues)


def test_matrix_is_broad():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_scenario_is_valid(validators, name):
    build, document, doc_type = CASES[name]
    root = build(document)
    xsd, schematron = validators
    xsd_issues = xsd.validate(root)
    assert not xsd_issues, _report(xsd_issues)
    sch_issues = schematron.validate(root, doc_type=doc_type)
    assert not sch_issues, _report(sch_issues)


def test_validators_catch_a_broken_invoice(validators):
    """The matrix only means something if a wrong document fails: drop the mandatory VKN check digit."""
    broken = f.invoice(
        supplier=replace(f.seller(), identifications=(Identifier(value="12", scheme_id="VKN"),))
    )
    _, schematron = validators
    assert schematron.validate(build_invoice(broken), doc_type="efatura")
