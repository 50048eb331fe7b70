"""İzibiz's SmmWS / CreditNoteWS client against the sandbox, over real HTTP on 127.0.0.1."""

import datetime as dt
import uuid as uuidlib
from dataclasses import replace
from datetime import timedelta

import pytest

from core import earsivbelge as eb
from core import states
from core.documents import Identifier
from core.errors import RemoteRejected, ValidationFailed
from core.providers.izibiz import IzibizProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.tests import factories
from core.tests.conftest import reference_path
from core.ubl import serialize
from core.ubl.earsivbelge import build_receipt, parse_receipt

A = DEMO_COMPANIES[0]


@pytest.fixture
def provider(sandbox):
    made = IzibizProvider(
        username=A.username,
        password=A.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "izibiz"),
        validate_requests=True,
        timeout=10,
    )
    yield made
    made.logout()


_numbers = iter(range(1, 10**6))


def receipt(kind, **overrides):
    supplier = factories.seller(identifications=(Identifier(value=A.vkn, scheme_id="VKN"),))
    if kind == eb.MM:
        lines = (
            eb.line(
                1, "Fındık", "250", "120", rates=((eb.STOPAJ, 2), (eb.MERA_FONU, "0.1")), unit_code="KGM"
            ),
        )
        series = "EMM"
    else:
        lines = (eb.line(1, "Danışmanlık ücreti", 1, "10000", rates=((eb.KDV, 20), (eb.STOPAJ, 20))),)
        series = "SMM"
    made = eb.Receipt(
        kind=kind,
        id=f"{series}2026{next(_numbers):09d}",
        uuid=str(uuidlib.uuid4()),
        issue_date=dt.date(2026, 12, 1),
        issue_time=dt.time(9, 30),
        supplier=supplier,
        customer=factories.person_buyer(),
        lines=lines,
        sending_type=eb.PAPER,
    )
    return replace(eb.compute(made), **overrides)


def past_next_report(sandbox):
    """Just after the daily report run (02:00 Istanbul) that takes what was sent until now: a day
    later is not enough between midnight and two o'clock."""
    now = sandbox.clock.now()
    sandbox.clock.set(dt.datetime.combine(now.date() + timedelta(days=1), dt.time(2, 1), tzinfo=now.tzinfo))


def upload(made, delivery=None):
    delivery = delivery or eb.Delivery(made.sending_type or eb.PAPER)
    return eb.ReceiptUpload(made.uuid, made.id, serialize(build_receipt(made)), delivery)


def test_smm_send_status_report_and_download(sandbox, provider):
    first, second = receipt(eb.SMM), receipt(eb.SMM)
    mailed = eb.Delivery(eb.ELECTRONIC, email="danisan@example.com")
    result = provider.send_receipts(eb.SMM, [upload(first, mailed), upload(second)])
    assert result.uuids == (first.uuid, second.uuid) and result.batches == 2
    assert provider.schema_check("smm").checked >= 2

    statuses, _ = provider.receipt_statuses(eb.SMM, [first.uuid, second.uuid, str(uuidlib.uuid4())])
    assert [(s.uuid, s.status_code, s.event) for s in statuses] == [
        (first.uuid, "103", "gib_waiting"),
        (second.uuid, "103", "gib_waiting"),
    ]
    sandbox.clock.advance(timedelta(minutes=5))
    (done,) = provider.receipt_statuses(eb.SMM, [first.uuid])[0]
    assert (done.status_code, done.report_status_code, done.email_status_code) == ("105", "200", "130")
    assert done.event == "gib_delivered"
    past_next_report(sandbox)
    (reported,) = provider.receipt_statuses(eb.SMM, [first.uuid])[0]
    assert (reported.report_status_code, reported.event) == ("201", "reported")

    today = sandbox.clock.now().date()
    rows, _ = provider.receipt_reports(eb.SMM, today - timedelta(days=3), today)
    assert sum(row.document_count for row in rows) >= 2 and rows[-1].status_code == "201"

    xml = provider.download_receipt(eb.SMM, first.uuid, "XML").content
    assert parse_receipt(xml) == first
    assert provider.download_receipt(eb.SMM, first.uuid, "PDF").content.startswith(b"%PDF")
    headers, _ = provider.find_receipts(eb.SMM, start=first.issue_date, end=first.issue_date)
    assert {first.uuid, second.uuid} <= {h.uuid for h in headers}


def test_emm_send_cancel_and_withdraw(sandbox, provider):
    kept, withdrawn = receipt(eb.MM), receipt(eb.MM)
    provider.send_receipts(eb.MM, [upload(kept), upload(withdrawn)])
    sandbox.clock.advance(timedelta(minutes=5))
    provider.cancel_receipts(eb.MM, [withdrawn.uuid], withdraw=True)
    (gone,) = provider.receipt_statuses(eb.MM, [withdrawn.uuid])[0]
    assert (gone.status_code, gone.report_status_code, gone.event) == ("107", "204", "cancel_confirmed")

    past_next_report(sandbox)
    with pytest.raises(RemoteRejected):  # reported to GİB: only a reported cancellation is possible
        provider.cancel_receipts(eb.MM, [kept.uuid], withdraw=True)
    provider.cancel_receipts(eb.MM, [kept.uuid])
    (cancelled,) = provider.receipt_statuses(eb.MM, [kept.uuid])[0]
    assert (cancelled.status_code, cancelled.report_status_code) == ("107", "202")
    past_next_report(sandbox)
    (cancelled,) = provider.receipt_statuses(eb.MM, [kept.uuid])[0]
    assert cancelled.report_status_code == "203"
    with pytest.raises(RemoteRejected):
        provider.cancel_receipts(eb.MM, [kept.uuid])

    state = "sent"
    for event in ("gib_delivered", "reported", "cancel", cancelled.event):
        state = states.next_state(states.EARSIVBELGE, state, event)
    assert state == "cancelled"


def test_the_sandbox_refuses_what_izibiz_refuses(sandbox, provider):
    made = receipt(eb.MM)
    provider.send_receipts(eb.MM, [upload(made)])
    with pytest.raises(RemoteRejected) as duplicate:
        provider.send_receipts(eb.MM, [upload(made)])
    assert duplicate.value.remote_code == "10009"
    smm = receipt(eb.SMM)
    with pytest.raises(ValidationFailed) as wrong_service:  # an e-SMM on the e-MM service
        provider.send_receipts(eb.MM, [upload(smm)])
    assert wrong_service.value.remote_code == "10003"
    with pytest.raises(ValidationFailed):  # ELEKTRONIK without an address never leaves
        provider.send_receipts(eb.SMM, [upload(smm, eb.Delivery(eb.ELECTRONIC))])
    sandbox.receipts.no_contract.add(A.vkn)
    try:
        with pytest.raises(RemoteRejected, match="sözleşme"):
            provider.send_receipts(
                eb.SMM, [upload(smm, eb.Delivery(eb.ELECTRONIC, sms_number="05001112233"))]
            )
    finally:
        sandbox.receipts.no_contract.discard(A.vkn)
    other = receipt(eb.SMM, supplier=factories.seller())
    with pytest.raises(ValidationFailed, match="VKN"):  # issued by another company than the session's
        provider.send_receipts(eb.SMM, [upload(other)])
    with pytest.raises(RemoteRejected):
        provider.cancel_receipts(eb.SMM, [str(uuidlib.uuid4())])


def test_status_tables_map_to_events():
    assert [states.earsivbelge_event(code) for code in range(100, 108)] == [
        "gib_waiting",
        "gib_waiting",
        "gib_waiting",
        "gib_waiting",
        "gib_waiting",
        "gib_delivered",
        "gib_rejected",
        "cancel_confirmed",
    ]
    assert states.earsivbelge_event("105", "201") == "reported"
    assert states.earsivbelge_event("107", "203") == "cancel_confirmed"
    assert states.earsivbelge_event("105", "200") == "gib_delivered"
    assert states.earsivbelge_event("999") is None and states.earsivbelge_event("x") is None
    assert states.machine_for("smm", "out") == states.machine_for("emm", "out") == states.EARSIVBELGE
