"""User lists, e-Arşiv, e-İrsaliye and the BillingWS credit contract over real HTTP."""

import io
import zipfile
from datetime import timedelta

import pytest
import requests
from lxml import etree

from core.sandbox.content import SANDBOX_SIGNATURE_ID, zip_one
from core.sandbox.samples import despatch_xml, invoice_xml, receipt_xml
from core.sandbox.userlist import GIB_DESPATCH_ALIAS, GIB_DESPATCH_VKN
from core.tests.test_sandbox_invoice import ANADOLU, EGE, client, header, login, running_sandbox, send


@pytest.fixture(name="sandbox")
def sandbox_fixture():
    yield from running_sandbox()


def _users(sb, session, **query):
    content = client(sb, "/AuthenticationWS").GetGibUserList(REQUEST_HEADER=header(session), **query).CONTENT
    with zipfile.ZipFile(io.BytesIO(content._value_1)) as archive:
        return etree.fromstring(archive.read("users.xml")).findall("USER")


def test_user_list_full_and_delta_with_deletions(sandbox):
    sandbox.registry.set_synthetic_count(250)
    session = login(sandbox, ANADOLU)
    full = _users(sandbox, session, DOCUMENT_TYPE="INVOICE", ALIAS_TYPE="PK")
    aliases = {u.findtext("ALIAS") for u in full}
    assert EGE.pk_alias in aliases and EGE.gb_alias not in aliases
    assert len(full) == 250 + 3
    mark = sandbox.clock.now()
    sandbox.clock.advance(timedelta(hours=1))
    sandbox.registry.close_alias(EGE.pk_alias, sandbox.clock.now())
    delta = _users(sandbox, session, DOCUMENT_TYPE="INVOICE", ALIAS_TYPE="PK", ALIAS_MODIFY_DATE=mark)
    assert [(u.findtext("ALIAS"), u.findtext("DELETED")) for u in delta] == [(EGE.pk_alias, "Y")]
    assert EGE.pk_alias not in {u.findtext("ALIAS") for u in _users(sandbox, session, ALIAS_TYPE="PK")}


def test_despatch_to_gib_mailbox_and_receipt_routing(sandbox):
    session = login(sandbox, ANADOLU)
    irsaliye = client(sandbox, "/EIrsaliyeWS/EIrsaliye")
    to_gib = despatch_xml(sender_vkn=ANADOLU.vkn, receiver_vkn="11111111111", number="IRS2026000000001")
    irsaliye.SendDespatchAdvice(
        REQUEST_HEADER=header(session),
        RECEIVER={"vkn": GIB_DESPATCH_VKN, "alias": GIB_DESPATCH_ALIAS},
        DESPATCHADVICE=[{"CONTENT": zip_one("d.xml", to_gib)}],
    )
    to_ege = despatch_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="IRS2026000000002")
    irsaliye.SendDespatchAdvice(
        REQUEST_HEADER=header(session),
        RECEIVER={"vkn": EGE.vkn, "alias": EGE.despatch_pk_alias},
        DESPATCHADVICE=[{"CONTENT": zip_one("d.xml", to_ege)}],
    )
    ege = login(sandbox, EGE)
    (incoming,) = irsaliye.GetDespatchAdvice(
        REQUEST_HEADER=header(ege, COMPRESSED="N"),
        SEARCH_KEY={"LIMIT": 100, "DIRECTION": "IN"},
        HEADER_ONLY="N",
    ).DESPATCHADVICE
    assert incoming.ID == "IRS2026000000002" and incoming.CONTENT._value_1 == to_ege
    irsaliye.MarkDespatchAdvice(
        REQUEST_HEADER=header(ege), MARK={"value": "READ", "DESPATCHADVICEINFO": [{"UUID": incoming.UUID}]}
    )
    answer = receipt_xml(
        sender_vkn=EGE.vkn, receiver_vkn=ANADOLU.vkn, number="IRY2026000000001", despatch_number=incoming.ID
    )
    irsaliye.SendReceiptAdvice(
        REQUEST_HEADER=header(ege),
        RECEIVER={"vkn": ANADOLU.vkn, "alias": ANADOLU.despatch_pk_alias},
        RECEIPTADVICE=[{"CONTENT": zip_one("r.xml", answer)}],
    )
    sandbox.clock.advance(timedelta(minutes=10))
    (status,) = irsaliye.GetDespatchAdviceStatus(
        REQUEST_HEADER=header(session), UUID=[incoming.UUID]
    ).DESPATCHADVICE_STATUS
    assert (status.GIB_STATUS_CODE, status.STATUS_CODE, status.DESPATCH_RESPONSE_ID) == (
        1300,
        "137",
        "IRY2026000000001",
    )
    receipts = irsaliye.GetReceiptAdvice(
        REQUEST_HEADER=header(session), SEARCH_KEY={"DIRECTION": "IN"}, HEADER_ONLY="Y"
    ).RECEIPTADVICE
    assert [r.ID for r in receipts] == ["IRY2026000000001"]
    assert len(sandbox.documents(kind="DESPATCH", direction="IN")) == 1


def _archive(sb, session, xml, sub_status="NEW"):
    return client(sb, "/EIArchiveWS/EFaturaArchive").WriteToArchiveExtended(
        REQUEST_HEADER=header(session),
        ArchiveInvoiceExtendedContent={
            "INVOICE_PROPERTIES": [
                {
                    "EARSIV_FLAG": "Y",
                    "EARSIV_PROPERTIES": {"EARSIV_TYPE": "NORMAL", "SUB_STATUS": sub_status},
                    "INVOICE_CONTENT": zip_one("a.xml", xml),
                }
            ]
        },
    )


def test_earchive_report_cycle_and_cancel(sandbox):
    session = login(sandbox, ANADOLU)
    archive = client(sandbox, "/EIArchiveWS/EFaturaArchive")
    kept = invoice_xml(
        sender_vkn=ANADOLU.vkn, receiver_vkn="11111111111", number="ARS2026000000001", profile="EARSIVFATURA"
    )
    dropped = invoice_xml(
        sender_vkn=ANADOLU.vkn, receiver_vkn="11111111111", number="ARS2026000000002", profile="EARSIVFATURA"
    )
    assert _archive(sandbox, session, kept).INVOICE_ID == "ARS2026000000001"
    _archive(sandbox, session, dropped)
    kept_doc, dropped_doc = sandbox.documents(kind="EARCHIVE")
    archive.CancelEArchiveInvoice(
        REQUEST_HEADER=header(session), CancelEArsivInvoiceContent=[{"FATURA_UUID": dropped_doc.uuid}]
    )
    sandbox.clock.advance(timedelta(minutes=2))
    before = archive.GetEArchiveInvoiceStatus(
        REQUEST_HEADER=header(session), UUID=[kept_doc.uuid, dropped_doc.uuid]
    ).INVOICE
    assert [i.HEADER.STATUS for i in before] == ["120", "150"]
    sandbox.clock.advance(timedelta(days=1))
    session = login(sandbox, ANADOLU)
    after = (
        archive.GetEArchiveInvoiceStatus(REQUEST_HEADER=header(session), UUID=[kept_doc.uuid])
        .INVOICE[0]
        .HEADER
    )
    assert after.STATUS == "130" and after.REPORT_ID
    reports = archive.GetEArchiveReport(REQUEST_HEADER=header(session), REPORT_PERIOD="202603").REPORT
    assert [r.REPORT_NO for r in reports] == [str(after.REPORT_ID)]
    content = archive.ReadEArchiveReport(
        REQUEST_HEADER=header(session), RAPOR_NO=reports[0].REPORT_NO
    ).EARCHIVEREPORT
    with zipfile.ZipFile(io.BytesIO(content[0]._value_1)) as report:
        assert b"ARS2026000000001" in report.read(report.namelist()[0])
    signed = archive.ReadFromArchive(
        REQUEST_HEADER=header(session, COMPRESSED="N"),
        INVOICEID=kept_doc.uuid,
        PORTAL_DIRECTION="OUT",
        PROFILE="XML",
    ).INVOICE
    # the integrator's original: what was uploaded, with its signature added
    assert signed[0]._value_1 != kept and SANDBOX_SIGNATURE_ID.encode() in signed[0]._value_1
    assert b"ARS2026000000001" in signed[0]._value_1


def test_credit_balance_over_the_documented_billing_contract(sandbox):
    session = login(sandbox, ANADOLU)
    send(
        sandbox, session, invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000201")
    )
    body = (
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
        '<GetCreditRequest xmlns="http://schemas.i2i.com/ei/wsdl"><REQUEST_HEADER>'
        f"<SESSION_ID>{session}</SESSION_ID><APPLICATION_NAME>t</APPLICATION_NAME></REQUEST_HEADER>"
        "<CREDIT_DETAIL_FLAG>N</CREDIT_DETAIL_FLAG></GetCreditRequest></soap-env:Body></soap-env:Envelope>"
    )
    answer = requests.post(f"{sandbox.url}/BillingWS", data=body.encode(), timeout=10)
    tree = etree.fromstring(answer.content)
    ns = {"i": "http://schemas.i2i.com/ei/wsdl"}
    assert tree.findtext(".//i:CREDIT_LOADED", namespaces=ns) == "1000"
    assert tree.findtext(".//i:CREDIT_BALANCE", namespaces=ns) == "999"
    expired = requests.post(
        f"{sandbox.url}/BillingWS", data=body.replace(session, "nope").encode(), timeout=10
    )
    assert expired.status_code == 500 and "<ERROR_CODE>10004</ERROR_CODE>" in expired.text
