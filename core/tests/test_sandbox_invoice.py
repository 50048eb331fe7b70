"""e-Fatura over real HTTP: a plain zeep client, loaded from the sandbox's own ?wsdl."""

from datetime import datetime, timedelta

import pytest
import zeep
from zeep.exceptions import Fault

from core.sandbox import Sandbox, SandboxClock
from core.sandbox.clock import TR_TZ
from core.sandbox.content import zip_one
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.samples import invoice_xml
from core.tests.conftest import reference_path

ANADOLU, EGE, RED = DEMO_COMPANIES
START = datetime(2026, 3, 2, 10, 0, tzinfo=TR_TZ)


def running_sandbox():
    """A seeded sandbox on a frozen clock, served on a free loopback port for one test."""
    sb = Sandbox(wsdl_dir=reference_path("wsdl", "izibiz"), clock=SandboxClock(START, frozen=True))
    sb.seed_demo()
    with sb.serve() as server:
        sb.url = server.url
        yield sb
    assert not sb.internal_errors, sb.internal_errors


@pytest.fixture(name="sandbox")
def sandbox_fixture():
    yield from running_sandbox()


def client(sb, path):
    return zeep.Client(f"{sb.url}{path}?wsdl").service


def header(session_id, **extra):
    return {"SESSION_ID": session_id, "APPLICATION_NAME": "sandbox-tests", **extra}


def login(sb, company):
    return (
        client(sb, "/AuthenticationWS")
        .Login(REQUEST_HEADER=header("-1"), USER_NAME=company.username, PASSWORD=company.password)
        .SESSION_ID
    )


def fault_code(excinfo):
    return int(excinfo.value.detail.findtext(".//ERROR_CODE"))


def send(sb, session, xml, receiver=EGE, **kwargs):
    return client(sb, "/EFaturaOIB").SendInvoice(
        REQUEST_HEADER=header(session),
        SENDER={"vkn": ANADOLU.vkn, "alias": ANADOLU.gb_alias},
        RECEIVER={"vkn": receiver.vkn, "alias": receiver.pk_alias},
        INVOICE=[{"CONTENT": zip_one("inv.xml", xml)}],
        **kwargs,
    )


def test_send_routes_to_receiver_inbox_with_cdate(sandbox):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000001")
    answer = send(sandbox, session, xml)
    assert answer.REQUEST_RETURN.RETURN_CODE == 0
    assert answer.INVOICE_ID == "SBX2026000000001"

    inbox = (
        client(sandbox, "/EFaturaOIB")
        .GetInvoice(
            REQUEST_HEADER=header(login(sandbox, EGE), COMPRESSED="N"),
            INVOICE_SEARCH_KEY={"LIMIT": 100, "DIRECTION": "IN"},
            HEADER_ONLY="N",
        )
        .INVOICE
    )
    assert len(inbox) == 1
    assert inbox[0].ID == "SBX2026000000001"
    assert inbox[0].HEADER.CDATE == START
    assert ANADOLU.vkn == inbox[0].HEADER.SENDER
    assert ANADOLU.gb_alias == inbox[0].HEADER.FROM
    assert inbox[0].CONTENT._value_1 == xml
    assert [d.direction for d in sandbox.documents(vkn=ANADOLU.vkn)] == ["OUT"]


def test_paging_by_100_with_mark_invoice(sandbox):
    session = login(sandbox, ANADOLU)
    service = client(sandbox, "/EFaturaOIB")
    for start in range(0, 230, 100):
        numbers = range(start, min(start + 100, 230))
        service.SendInvoice(
            REQUEST_HEADER=header(session),
            RECEIVER={"vkn": EGE.vkn, "alias": EGE.pk_alias},
            INVOICE=[
                {
                    "CONTENT": zip_one(
                        "i.xml",
                        invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number=f"SBX{n:013d}"),
                    )
                }
                for n in numbers
            ],
        )
    ege = login(sandbox, EGE)
    pages = []
    while True:
        page = service.GetInvoice(
            REQUEST_HEADER=header(ege),
            INVOICE_SEARCH_KEY={"LIMIT": 500, "READ_INCLUDED": False},
            HEADER_ONLY="N",
        ).INVOICE
        pages.append(len(page))
        if not page:
            break
        service.MarkInvoice(
            REQUEST_HEADER=header(ege),
            MARK={"value": "READ", "INVOICE": [{"ID": i.ID, "UUID": i.UUID} for i in page]},
        )
    assert pages == [100, 100, 30, 0]
    again = service.GetInvoice(
        REQUEST_HEADER=header(ege), INVOICE_SEARCH_KEY={"LIMIT": 100, "READ_INCLUDED": True}, HEADER_ONLY="Y"
    ).INVOICE
    assert len(again) == 100 and again[0].CONTENT is None


def test_more_than_100_documents_in_one_request_is_refused(sandbox):
    session = login(sandbox, ANADOLU)
    docs = [
        invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number=f"SBX{n:013d}") for n in range(101)
    ]
    with pytest.raises(Fault) as excinfo:
        client(sandbox, "/EFaturaOIB").SendInvoice(
            REQUEST_HEADER=header(session), INVOICE=[{"CONTENT": zip_one("i.xml", x)} for x in docs]
        )
    assert fault_code(excinfo) == 10010
    assert sandbox.documents() == []


def test_status_progression_follows_the_clock(sandbox):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(
        sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000002", profile="TEMELFATURA"
    )
    send(sandbox, session, xml)
    (doc,) = sandbox.documents(vkn=ANADOLU.vkn)

    def status():
        return (
            client(sandbox, "/EFaturaOIB")
            .GetInvoiceStatus(REQUEST_HEADER=header(session), INVOICE={"UUID": doc.uuid})
            .INVOICE_STATUS
        )

    seen = [status().GIB_STATUS_CODE]
    sandbox.clock.advance(timedelta(minutes=1))
    seen.append(status().GIB_STATUS_CODE)
    sandbox.clock.advance(timedelta(minutes=4))
    final = status()
    seen.append(final.GIB_STATUS_CODE)
    assert seen == [1000, 1200, 1300]
    assert (final.STATUS, final.STATUS_CODE, final.DIRECTION) == ("SEND_SUCCEED", "137", "OUT")


def test_rejecting_alias_gets_gib_error_and_no_delivery(sandbox):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=RED.vkn, number="SBX2026000000003")
    send(sandbox, session, xml, receiver=RED)
    sandbox.clock.advance(timedelta(minutes=2))
    (doc,) = sandbox.documents(vkn=ANADOLU.vkn)
    answer = (
        client(sandbox, "/EFaturaOIB")
        .GetInvoiceStatus(REQUEST_HEADER=header(session), INVOICE={"UUID": doc.uuid})
        .INVOICE_STATUS
    )
    assert (answer.GIB_STATUS_CODE, answer.STATUS) == (1150, "SEND_FAILED")
    assert sandbox.documents(vkn=RED.vkn) == []
    send(sandbox, session, xml, receiver=EGE)
    assert len(sandbox.documents(vkn=EGE.vkn, direction="IN")) == 1


def test_duplicate_uuid_and_duplicate_number(sandbox):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000004")
    send(sandbox, session, xml)
    with pytest.raises(Fault) as same_uuid:
        send(sandbox, session, xml)
    other = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000004")
    with pytest.raises(Fault) as same_number:
        send(sandbox, session, other)
    assert (fault_code(same_uuid), fault_code(same_number)) == (10009, 10017)
    assert "SBX2026000000004" in same_uuid.value.message


def _answer(sb, session, doc_uuid, status="KABUL"):
    return client(sb, "/EFaturaOIB").SendInvoiceResponseWithServerSign(
        REQUEST_HEADER=header(session), STATUS=status, INVOICE=[{"UUID": doc_uuid}], DESCRIPTION=["test"]
    )


@pytest.mark.parametrize(
    ("elapsed", "accepted"),
    [(timedelta(days=7, hours=23), True), (timedelta(days=8, minutes=1), False)],
)
def test_eight_day_rule_counts_from_cdate(sandbox, elapsed, accepted):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000005")
    send(sandbox, session, xml)
    (incoming,) = sandbox.documents(vkn=EGE.vkn, direction="IN")
    sandbox.clock.set(incoming.cdate + elapsed)
    ege = login(sandbox, EGE)
    if accepted:
        assert _answer(sandbox, ege, incoming.uuid).REQUEST_RETURN.RETURN_CODE == 0
        sandbox.clock.advance(sandbox.store.gib_processing)  # the answer reaches the sender once processed
        outgoing = (
            client(sandbox, "/EFaturaOIB")
            .GetInvoiceStatus(REQUEST_HEADER=header(login(sandbox, ANADOLU)), INVOICE={"UUID": incoming.uuid})
            .INVOICE_STATUS
        )
        assert (outgoing.STATUS_CODE, outgoing.RESPONSE_CODE) == ("112", "KABUL")
        with pytest.raises(Fault) as twice:
            _answer(sandbox, ege, incoming.uuid, "RED")
        assert "Daha önce yanıtlanmış" in twice.value.message
    else:
        with pytest.raises(Fault) as late:
            _answer(sandbox, ege, incoming.uuid)
        assert late.value.message == "Uygulama yanıtı 8 gün geciktiği için cevap gönderilemez"
        assert sandbox.documents(vkn=ANADOLU.vkn)[0].answer is None


def test_red_is_routed_back_and_temel_cannot_be_answered(sandbox):
    session = login(sandbox, ANADOLU)
    send(
        sandbox, session, invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000006")
    )
    temel = invoice_xml(
        sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000007", profile="TEMELFATURA"
    )
    send(sandbox, session, temel)
    ticari, basic = sandbox.documents(vkn=EGE.vkn, direction="IN")
    ege = login(sandbox, EGE)
    _answer(sandbox, ege, ticari.uuid, "RED")
    with pytest.raises(Fault):
        _answer(sandbox, ege, basic.uuid)
    sandbox.clock.advance(timedelta(minutes=10))
    out = (
        client(sandbox, "/EFaturaOIB")
        .GetInvoiceStatusAll(REQUEST_HEADER=header(session), UUID=[ticari.uuid])
        .INVOICE_STATUS
    )
    assert (out[0].STATUS, out[0].RESPONSE_CODE, out[0].RESPONSE_DESCRIPTION) == (
        "REJECTED_SUCCEED",
        "RED",
        "test",
    )


def test_load_invoice_keeps_a_draft_and_updates_it(sandbox):
    session = login(sandbox, ANADOLU)
    service = client(sandbox, "/EFaturaOIB")
    first = invoice_xml(
        sender_vkn=ANADOLU.vkn,
        receiver_vkn=EGE.vkn,
        number="SBX2026000000008",
        doc_uuid="5d2c1f9e-0000-4000-8000-000000000001",
    )
    second = first.replace(b"118.00", b"236.00")
    for xml in (first, second):
        service.LoadInvoice(REQUEST_HEADER=header(session), INVOICE=[{"CONTENT": zip_one("d.xml", xml)}])
    (draft,) = sandbox.documents(vkn=ANADOLU.vkn)
    assert draft.draft and draft.content == second
    assert (
        service.GetInvoiceStatus(
            REQUEST_HEADER=header(session), INVOICE={"UUID": draft.uuid}
        ).INVOICE_STATUS.STATUS_CODE
        == "101"
    )


def test_invoice_views_are_zipped_pdf_and_html(sandbox):
    import io
    import zipfile

    session = login(sandbox, ANADOLU)
    send(
        sandbox, session, invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000009")
    )
    for kind, magic in (("PDF", b"%PDF-1.4"), ("HTML", b"<!DOCTYPE html>")):
        (view,) = (
            client(sandbox, "/EFaturaOIB")
            .GetInvoiceWithType(
                REQUEST_HEADER=header(session),
                INVOICE_SEARCH_KEY={"ID": "SBX2026000000009", "TYPE": kind, "DIRECTION": "OUT"},
                HEADER_ONLY="N",
            )
            .INVOICE
        )
        with zipfile.ZipFile(io.BytesIO(view.CONTENT._value_1)) as archive:
            assert archive.read(archive.namelist()[0]).startswith(magic)


def test_unzipped_content_without_compressed_n_is_refused(sandbox):
    session = login(sandbox, ANADOLU)
    xml = invoice_xml(sender_vkn=ANADOLU.vkn, receiver_vkn=EGE.vkn, number="SBX2026000000010")
    with pytest.raises(Fault) as excinfo:
        client(sandbox, "/EFaturaOIB").SendInvoice(REQUEST_HEADER=header(session), INVOICE=[{"CONTENT": xml}])
    assert fault_code(excinfo) == 10007
    answer = client(sandbox, "/EFaturaOIB").SendInvoice(
        REQUEST_HEADER=header(session, COMPRESSED="N"), INVOICE=[{"CONTENT": xml}]
    )
    assert answer.REQUEST_RETURN.RETURN_CODE == 0
