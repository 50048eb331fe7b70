"""Demo companies of the sandbox: anyone can log in with these and exchange documents.

The VKNs are made-up numbers with a valid check digit; none belongs to a real taxpayer.
"""

import uuid as uuidlib
from dataclasses import dataclass
from decimal import Decimal

from .. import documents as d
from ..ubl import build_despatch_advice, serialize


@dataclass(frozen=True)
class DemoCompany:
    vkn: str
    title: str
    username: str
    password: str
    gb_alias: str
    pk_alias: str
    despatch_gb_alias: str | None = None
    despatch_pk_alias: str | None = None


DEMO_COMPANIES = [
    DemoCompany(
        vkn="1234567890",
        title="SANDBOX ANADOLU TİCARET A.Ş.",
        username="sandbox-anadolu",
        password="anadolu-1234",
        gb_alias="urn:mail:defaultgb@anadolu.sandbox.example",
        pk_alias="urn:mail:defaultpk@anadolu.sandbox.example",
        despatch_gb_alias="urn:mail:irsaliyegb@anadolu.sandbox.example",
        despatch_pk_alias="urn:mail:irsaliyepk@anadolu.sandbox.example",
    ),
    DemoCompany(
        vkn="9876543217",
        title="SANDBOX EGE GIDA LTD. ŞTİ.",
        username="sandbox-ege",
        password="ege-1234",
        gb_alias="urn:mail:defaultgb@ege.sandbox.example",
        pk_alias="urn:mail:defaultpk@ege.sandbox.example",
        despatch_gb_alias="urn:mail:irsaliyegb@ege.sandbox.example",
        despatch_pk_alias="urn:mail:irsaliyepk@ege.sandbox.example",
    ),
    DemoCompany(
        vkn="5550001112",
        title="SANDBOX RED MÜŞTERİSİ A.Ş.",
        username="sandbox-red",
        password="red-1234",
        gb_alias="urn:mail:defaultgb@red.sandbox.example",
        pk_alias="urn:mail:reject@red.sandbox.example",
    ),
]

REJECTING_ALIAS = "urn:mail:reject@red.sandbox.example"
"""Invoices sent to this PK are refused by the simulated GİB (code 1150) so rejection paths can be tried."""

DEMO_GIB_USERS = (
    # (VKN, title, PK alias, GİB user type): GİB's customs mailbox every IHRACAT invoice is addressed
    # to, and a public administration so that a KAMU invoice can be tried.
    (
        "1460415308",
        "Gümrük ve Ticaret Bakanlığı Gümrükler Genel Müdürlüğü-Bilgi İşlem Dairesi Başkanlığı",
        "urn:mail:ihracatpk@gtb.gov.tr",
        "KAMU",
    ),
    ("3900892152", "T.C. SANDBOX VALİLİĞİ", "urn:mail:defaultpk@valilik.sandbox.example", "KAMU"),
)
"""GİB users the run command's sandbox lists besides the demo companies (not seeded for tests)."""

DEMO_RED_BUYER = DemoCompany(
    vkn="4440003337",
    title="SANDBOX KARADENİZ YAPI A.Ş. (RED)",
    username="sandbox-karadeniz",
    password="karadeniz-1234",
    gb_alias="urn:mail:defaultgb@karadeniz.sandbox.example",
    pk_alias="urn:mail:defaultpk@karadeniz.sandbox.example",
)
"""A buyer of the run command's sandbox that answers RED to every TICARIFATURA it receives."""

DEMO_RED_REASON = "Fiyatlar sipariş ile uyuşmuyor"

DEMO_DESPATCH_ITEMS = (
    # (name, code, quantity, unit): what the demo despatch brings and the demo company stocks
    ("Hidrolik pompa", "HP-1", Decimal(5), "C62"),
    ("Gres yağı", "GR-2", Decimal("12.5"), "KGM"),
)


def demo_despatch_xml(supplier, receiver, now, number=1):
    """A TEMELIRSALIYE from ``supplier`` to ``receiver`` (demo companies), for their receipt advice."""
    address = d.Address(
        street_name="Cumhuriyet Bulvarı 5",
        city_subdivision_name="Konak",
        city_name="İzmir",
        postal_zone="35250",
        country_code="TR",
        country_name="Türkiye",
    )

    def party(company, tax_office):
        return d.Party(
            identifications=(d.Identifier(value=company.vkn, scheme_id="VKN"),),
            name=company.title,
            address=address,
            tax_office=tax_office,
        )

    moment = now.time().replace(microsecond=0, tzinfo=None)
    return serialize(
        build_despatch_advice(
            d.DespatchAdvice(
                profile_id="TEMELIRSALIYE",
                despatch_advice_type_code="SEVK",
                id=f"EGE{now.year}{number:09d}",
                uuid=str(uuidlib.uuid4()).upper(),
                issue_date=now.date(),
                issue_time=moment,
                supplier=party(supplier, "Konak"),
                delivery_customer=party(receiver, "Kadıköy"),
                shipment=d.Shipment(
                    id="1",
                    delivery=d.Delivery(
                        delivery_address=address,
                        carrier_party=party(supplier, "Konak"),
                        despatch=d.Despatch(actual_despatch_date=now.date(), actual_despatch_time=moment),
                    ),
                ),
                lines=tuple(
                    d.DespatchLine(
                        id=str(index),
                        delivered_quantity=quantity,
                        unit_code=unit,
                        item=d.Item(name=name, sellers_item_id=code),
                    )
                    for index, (name, code, quantity, unit) in enumerate(DEMO_DESPATCH_ITEMS, start=1)
                ),
            )
        )
    )
