"""Demo companies of the sandbox: anyone can log in with these and exchange documents.

The VKNs are made-up numbers with a valid check digit; none belongs to a real taxpayer.
"""

from dataclasses import dataclass


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
