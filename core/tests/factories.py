"""Reusable sample documents: a realistic Turkish seller, typical buyers and invoice lines.

Other test modules build on these; every helper returns frozen dataclasses and takes keyword
overrides through ``dataclasses.replace`` so a scenario states only what makes it special.
"""

import datetime as dt
import uuid as uuid_module
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from .. import codes
from ..documents import (
    Address,
    ApplicationResponse,
    Contact,
    Delivery,
    Despatch,
    DespatchAdvice,
    DespatchLine,
    DocumentReference,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    Party,
    PartyLegalEntity,
    Person,
    ReceiptAdvice,
    ReceiptLine,
    Shipment,
    ShipmentStage,
    TaxSubtotal,
    TaxTotal,
    compute_totals,
)

ISSUE_DATE = dt.date(2026, 3, 16)
ISSUE_TIME = dt.time(10, 30, 0)
CENT = Decimal("0.01")

# 3900892152 is GİB's own VKN, 1460415308 the GTB customs VKN; both pass the VKN checksum.
SELLER_VKN = "9000068418"
BUYER_VKN = "1234567890"
PERSON_TCKN = "10000000146"


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def address(**overrides):
    base = Address(
        street_name="Atatürk Caddesi",
        building_number="12",
        city_subdivision_name="Çankaya",
        city_name="Ankara",
        postal_zone="06690",
        country_code="TR",
        country_name="Türkiye",
    )
    return replace(base, **overrides)


def seller(**overrides):
    base = Party(
        identifications=(
            Identifier(value=SELLER_VKN, scheme_id="VKN"),
            Identifier(value="0123456789012345", scheme_id="MERSISNO"),
            Identifier(value="123456", scheme_id="TICARETSICILNO"),
        ),
        name="Anadolu Makine Sanayi ve Ticaret A.Ş.",
        address=address(),
        tax_office="Çankaya",
        contact=Contact(telephone="+90 312 000 00 00", electronic_mail="efatura@anadolumakine.com.tr"),
        website_uri="https://anadolumakine.com.tr",
    )
    return replace(base, **overrides)


def company_buyer(**overrides):
    base = Party(
        identifications=(Identifier(value=BUYER_VKN, scheme_id="VKN"),),
        name="Ege Gıda Pazarlama Ltd. Şti.",
        address=address(
            street_name="Cumhuriyet Bulvarı",
            city_subdivision_name="Konak",
            city_name="İzmir",
            postal_zone="35250",
        ),
        tax_office="Konak",
    )
    return replace(base, **overrides)


def person_buyer(**overrides):
    base = Party(
        identifications=(Identifier(value=PERSON_TCKN, scheme_id="TCKN"),),
        address=address(street_name="Bağdat Caddesi", city_subdivision_name="Kadıköy", city_name="İstanbul"),
        person=Person(first_name="Ayşe", family_name="Yılmaz"),
        contact=Contact(electronic_mail="ayse.yilmaz@example.com"),
    )
    return replace(base, **overrides)


def foreign_buyer(**overrides):
    base = Party(
        name="Müller Handels GmbH",
        address=Address(
            street_name="Hauptstraße 5",
            city_subdivision_name="Mitte",
            city_name="Berlin",
            postal_zone="10115",
            country_code="DE",
            country_name="Almanya",
        ),
        tax_office="Finanzamt Berlin",
        legal_entities=(PartyLegalEntity(registration_name="Müller Handels GmbH", company_id="DE123456789"),),
    )
    return replace(base, **overrides)


def gtb_customs():
    """Export invoices go to the customs ministry (GTB) as customer; the real buyer is BuyerCustomerParty."""
    return Party(
        identifications=(Identifier(value="1460415308", scheme_id="VKN"),),
        name="Gümrük ve Ticaret Bakanlığı Gümrükler Genel Müdürlüğü-Bilgi İşlem Dairesi Başkanlığı",
        address=address(city_subdivision_name="Ulus", city_name="Ankara"),
        tax_office="Ulus",
    )


def kdv(base, percent, *, exemption=None, name=None):
    """A KDV subtotal; a zero rate needs an exemption code and its text."""
    base = money(base)
    percent = Decimal(percent)
    code_text = (exemption, codes.exemption_text(exemption) or "İstisna") if exemption else (None, None)
    return TaxSubtotal(
        taxable_amount=base,
        tax_amount=money(base * percent / 100),
        percent=percent,
        tax_type_code=codes.KDV,
        tax_name=name,
        exemption_reason_code=code_text[0],
        exemption_reason=code_text[1],
    )


def tax(code, base, percent):
    base = money(base)
    percent = Decimal(percent)
    return TaxSubtotal(
        taxable_amount=base, tax_amount=money(base * percent / 100), percent=percent, tax_type_code=code
    )


def withholding(kdv_subtotal, code, percent):
    """The buyer withholds ``percent`` % of the KDV (codes 6xx partial, 8xx full)."""
    amount = money(kdv_subtotal.tax_amount * Decimal(percent) / 100)
    return TaxTotal(
        tax_amount=amount,
        subtotals=(
            TaxSubtotal(
                taxable_amount=kdv_subtotal.tax_amount,
                tax_amount=amount,
                percent=Decimal(percent),
                tax_type_code=code,
            ),
        ),
    )


def line(number, quantity, price, *taxes, name="Hidrolik pompa", unit="C62", withheld=(), **overrides):
    quantity = Decimal(quantity)
    price = Decimal(price)
    total = money(quantity * price)
    taxes = taxes or (kdv(total, 20),)
    base = InvoiceLine(
        id=str(number),
        quantity=quantity,
        unit_code=unit,
        price_amount=price,
        line_extension_amount=total,
        item=Item(name=name, sellers_item_id=f"HP-{number:03d}"),
        tax_total=TaxTotal(tax_amount=sum((t.tax_amount for t in taxes), Decimal(0)), subtotals=tuple(taxes)),
        withholding_tax_totals=tuple(withheld),
    )
    return replace(base, **overrides)


def invoice(lines=None, *, profile="TEMELFATURA", type_code="SATIS", number=1, series="ANM", **overrides):
    """A complete invoice whose totals are computed from its lines."""
    lines = tuple(lines or (line(1, 2, "1500.00"), line(2, 1, "249.99", kdv("249.99", 10))))
    totals = compute_totals(lines, overrides.get("allowance_charges", ()))
    base = Invoice(
        profile_id=profile,
        invoice_type_code=type_code,
        id=f"{series}{ISSUE_DATE.year}{number:09d}",
        uuid=str(
            uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"{series}{profile}{type_code}{number}")
        ).upper(),
        issue_date=ISSUE_DATE,
        issue_time=ISSUE_TIME,
        supplier=seller(),
        customer=company_buyer(),
        lines=lines,
        tax_totals=totals.tax_totals,
        withholding_tax_totals=totals.withholding_tax_totals,
        legal_monetary_total=totals.legal_monetary_total,
    )
    return replace(base, **overrides)


def despatch_advice(*, type_code="SEVK", number=1, **overrides):
    base = DespatchAdvice(
        profile_id="TEMELIRSALIYE",
        despatch_advice_type_code=type_code,
        id=f"IRS{ISSUE_DATE.year}{number:09d}",
        uuid=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"IRS{type_code}{number}")).upper(),
        issue_date=ISSUE_DATE,
        issue_time=ISSUE_TIME,
        supplier=seller(),
        delivery_customer=company_buyer(),
        supplier_contact_name="Mehmet Demir",
        shipment=Shipment(
            id="1",
            delivery=Delivery(
                delivery_address=company_buyer().address,
                despatch=Despatch(actual_despatch_date=ISSUE_DATE, actual_despatch_time=ISSUE_TIME),
            ),
            shipment_stages=(
                ShipmentStage(
                    vehicle_plates=(Identifier(value="06ABC123", scheme_id="PLAKA"),),
                    drivers=(
                        Person(
                            first_name="Ali", family_name="Kaya", title="Şoför", nationality_id=PERSON_TCKN
                        ),
                    ),
                ),
            ),
        ),
        lines=(
            DespatchLine(id="1", delivered_quantity=Decimal(5), item=Item(name="Hidrolik pompa")),
            DespatchLine(
                id="2", delivered_quantity=Decimal("12.5"), unit_code="KGM", item=Item(name="Gres yağı")
            ),
        ),
    )
    return replace(base, **overrides)


def receipt_advice(**overrides):
    despatch = despatch_advice()
    base = ReceiptAdvice(
        profile_id="TEMELIRSALIYE",
        id=f"IRY{ISSUE_DATE.year}000000001",
        uuid=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, "IRY1")).upper(),
        issue_date=ISSUE_DATE,
        issue_time=ISSUE_TIME,
        despatch_document_reference=DocumentReference(id=despatch.id, issue_date=despatch.issue_date),
        delivery_customer=company_buyer(),
        despatch_supplier=seller(),
        shipment=Shipment(id="1"),
        lines=(
            ReceiptLine(
                id="1",
                received_quantity=Decimal(4),
                rejected_quantity=Decimal(1),
                reject_reason="Hasarlı",
                item=Item(name="Hidrolik pompa"),
            ),
            ReceiptLine(
                id="2",
                received_quantity=Decimal(12),
                short_quantity=Decimal("0.5"),
                unit_code="KGM",
                item=Item(name="Gres yağı"),
            ),
        ),
    )
    return replace(base, **overrides)


def application_response(response_code="KABUL", *, description=(), **overrides):
    answered = invoice(profile="TICARIFATURA")
    base = ApplicationResponse(
        profile_id="TICARIFATURA",
        id=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"AR{response_code}")).upper(),
        uuid=str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, f"ARU{response_code}")).upper(),
        issue_date=ISSUE_DATE,
        issue_time=ISSUE_TIME,
        sender=company_buyer(),
        receiver=seller(),
        response_code=response_code,
        description=tuple(description),
        document_reference=DocumentReference(
            id=answered.uuid,
            issue_date=answered.issue_date,
            document_type_code="FATURA",
            document_type="FATURA",
        ),
    )
    return replace(base, **overrides)
