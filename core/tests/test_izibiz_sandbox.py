"""The İzibiz provider over real HTTP against the loopback sandbox, every request schema-checked."""

import base64
import os
import uuid as uuidlib
from datetime import timedelta

import pytest
from lxml import etree

from core.documents import DocumentReference, Identifier
from core.errors import RemoteRejected, TransportError, UnknownOutcome, ValidationFailed
from core.providers.base import (
    DESPATCH,
    EARCHIVE,
    EINVOICE,
    GIB_DESPATCH_MAILBOX_ALIAS,
    GIB_DESPATCH_MAILBOX_VKN,
    RECEIPT_ADVICE,
    EarchiveDocument,
    OutgoingDocument,
)
from core.providers.izibiz import IzibizProvider
from core.sandbox import Sandbox
from core.sandbox.demo import DEMO_COMPANIES
from core.tests import factories
from core.tests.conftest import reference_path
from core.ubl import build_despatch_advice, build_invoice, build_receipt_advice, serialize

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def vkn(value):
    return (Identifier(value=value, scheme_id="VKN"),)


def invoice(number, *, profile="TICARIFATURA", sender=A, receiver=B, padding=0):
    document = factories.invoice(
        profile=profile,
        number=number,
        series="SBX" if profile != "EARSIVFATURA" else "SBA",
        supplier=factories.seller(identifications=vkn(sender.vkn)),
        customer=factories.company_buyer(identifications=vkn(receiver.vkn)),
        uuid=str(uuidlib.uuid4()).upper(),
    )
    xml = serialize(build_invoice(document))
    if padding:
        xml = _pad(xml, padding)
    return document, xml


def _pad(xml, size):
    """Add an incompressible note so the zipped invoice really weighs ``size`` bytes on the wire."""
    root = etree.fromstring(xml)
    note = etree.Element(f"{{{CBC}}}Note")
    note.text = base64.b64encode(os.urandom(size)).decode()
    root.find(f"{{{CBC}}}InvoiceTypeCode").addnext(note)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def outgoing(document, xml, receiver=B):
    return OutgoingDocument(
        uuid=document.uuid,
        number=document.id,
        xml=xml,
        receiver_vkn=receiver.vkn,
        receiver_alias=receiver.pk_alias,
    )


@pytest.fixture
def provider_for(sandbox):
    """Providers that validate every outgoing body; afterwards each request must have been checked."""
    made = []

    def make(company=A, *, on=None, **kwargs):
        options = {"wsdl_dir": reference_path("wsdl", "izibiz"), "validate_requests": True, "timeout": 10}
        options.update(kwargs)
        provider = IzibizProvider(
            username=company.username, password=company.password, base_url=(on or sandbox).url, **options
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        checked = sum(check.checked for check in provider._schema_checks.values())
        assert checked == provider.transport.requests_sent > 0


@pytest.fixture
def own_sandbox():
    """A sandbox of its own for tests that need an empty inbox."""
    sb = Sandbox(wsdl_dir=reference_path("wsdl", "izibiz"))
    sb.seed_demo()
    with sb.serve(host="127.0.0.1", port=0) as server:
        sb.url = server.url
        yield sb


def _held(sandbox, uuid, direction="OUT"):
    return [doc for doc in sandbox.documents(direction=direction) if doc.uuid == uuid]


# sessions ------------------------------------------------------------------------------------


def test_one_login_serves_many_calls(sandbox, provider_for):
    provider = provider_for()
    logins = sandbox.request_count("Login")
    provider.check_user(B.vkn)
    provider.get_invoice_statuses([str(uuidlib.uuid4())])
    provider.credit_balance()
    provider.check_user(A.vkn, "DESPATCHADVICE")
    assert provider.login_count == 1
    assert sandbox.request_count("Login") == logins + 1


def test_expired_session_costs_exactly_one_relogin(sandbox, provider_for):
    provider = provider_for()
    provider.check_user(B.vkn)
    logins = sandbox.request_count("Login")
    sandbox.faults.inject("CheckUser", "expire_session")
    result = provider.check_user(B.vkn)
    assert result.registered
    assert sandbox.request_count("Login") == logins + 1
    assert provider.login_count == 2
    operations = [exchange.operation for exchange in result.exchanges]
    assert operations == ["CheckUser", "Login", "CheckUser"]


def test_session_expiry_by_sandbox_clock_also_relogs_once(sandbox, provider_for):
    provider = provider_for()
    provider.credit_balance()
    logins = sandbox.request_count("Login")
    sandbox.clock.advance(sandbox.session_lifetime + timedelta(minutes=1))
    provider.credit_balance()
    provider.check_user(B.vkn)
    assert sandbox.request_count("Login") == logins + 1


def test_wrong_password_is_an_auth_error_in_plain_words(sandbox):
    provider = IzibizProvider(
        username=A.username, password="wrong", base_url=sandbox.url, wsdl_dir=reference_path("wsdl", "izibiz")
    )
    check = provider.check_connection()
    assert not check.ok
    assert "refused" in check.message


def test_check_connection_reports_the_credit(provider_for):
    check = provider_for().check_connection()
    assert check.ok, check.message
    assert "remaining credit" in check.message


def test_exchanges_are_redacted(provider_for):
    provider = provider_for()
    provider.check_user(B.vkn)
    login = next(exchange for exchange in provider.last_exchanges if exchange.operation == "Login")
    assert A.password.encode() not in login.request
    assert A.username.encode() not in login.request
    assert provider._session_id.encode() not in login.response
    assert b"***" in login.request and login.duration > 0 and login.http_status == 200


# e-Fatura --------------------------------------------------------------------------------------


def test_250_invoices_go_in_three_send_invoice_calls(sandbox, provider_for):
    provider = provider_for()
    documents = [outgoing(*invoice(number)) for number in range(1, 251)]
    before = sandbox.request_count("SendInvoice")
    result = provider.send_invoices(documents)
    assert sandbox.request_count("SendInvoice") - before == 3
    assert result.batches == 3
    assert set(result.uuids) == {doc.uuid for doc in documents}
    held = {doc.uuid for doc in sandbox.documents(vkn=A.vkn, direction="OUT")}
    assert {doc.uuid for doc in documents} <= held


def test_six_megabyte_batch_is_split_by_size(sandbox, provider_for):
    provider = provider_for()
    documents = [outgoing(*invoice(1000 + n, padding=450_000)) for n in range(12)]
    assert sum(len(doc.xml) for doc in documents) > 6 * 1024 * 1024
    before = sandbox.request_count("SendInvoice")
    result = provider.send_invoices(documents)
    assert sandbox.request_count("SendInvoice") - before == result.batches == 2
    for exchange in result.exchanges:
        if exchange.operation == "SendInvoice":
            assert len(exchange.request) < 5 * 1024 * 1024
    assert all(_held(sandbox, doc.uuid) for doc in documents)


def test_drop_after_accept_is_unknown_then_resolved_by_status_query(sandbox, provider_for):
    provider = provider_for()
    document = outgoing(*invoice(2001))
    sandbox.faults.inject("SendInvoice", "drop_after_accept")
    with pytest.raises(UnknownOutcome) as info:
        provider.send_invoices([document])
    assert not info.value.retryable
    status = provider.get_invoice_statuses([document.uuid]).statuses[0]
    assert status.found and status.uuid == document.uuid
    # A careless resend is answered "duplicate" and settled by a status query, never stored twice.
    again = provider.send_invoices([document])
    assert [s.uuid for s in again.resolved] == [document.uuid]
    assert again.uuids == (document.uuid,)
    assert len(_held(sandbox, document.uuid)) == 1


def test_http_500_after_submit_is_unknown_outcome_and_on_read_a_transport_error(sandbox, provider_for):
    provider = provider_for()
    provider.check_user(B.vkn)
    document = outgoing(*invoice(2101))
    sandbox.faults.inject("SendInvoice", "http_500")
    with pytest.raises(UnknownOutcome):
        provider.send_invoices([document])
    sandbox.faults.inject("GetInvoiceStatusAll", "http_500")
    with pytest.raises(TransportError) as info:
        provider.get_invoice_statuses([document.uuid])
    assert info.value.retryable


def test_slow_answer_hits_the_timeout_as_unknown_outcome(sandbox, provider_for):
    provider = provider_for(timeout=1)
    provider.check_user(B.vkn)
    sandbox.faults.inject("SendInvoice", "slow", seconds=3)
    with pytest.raises(UnknownOutcome):
        provider.send_invoices([outgoing(*invoice(2201))])


def test_duplicate_fault_is_resolved_by_status_query(sandbox, provider_for):
    provider = provider_for()
    document = outgoing(*invoice(2301))
    provider.send_invoices([document])
    sandbox.faults.inject("SendInvoice", "duplicate")
    before = len(sandbox.documents(vkn=A.vkn, direction="OUT"))
    result = provider.send_invoices([document])
    assert [s.uuid for s in result.resolved] == [document.uuid]
    assert len(sandbox.documents(vkn=A.vkn, direction="OUT")) == before


def test_statuses_in_batch_report_unknown_uuids(provider_for):
    provider = provider_for()
    documents = [outgoing(*invoice(2400 + n)) for n in range(3)]
    provider.send_invoices(documents)
    missing = str(uuidlib.uuid4())
    result = provider.get_invoice_statuses([d.uuid for d in documents] + [missing])
    by_uuid = result.by_uuid()
    assert all(by_uuid[d.uuid].found for d in documents)
    assert not by_uuid[missing].found
    assert by_uuid[documents[0].uuid].number == documents[0].number


def test_draft_upload_is_stored_as_draft_and_updatable(sandbox, provider_for):
    provider = provider_for()
    document = outgoing(*invoice(2501))
    provider.load_invoices([document])
    provider.load_invoices([document])
    held = _held(sandbox, document.uuid)
    assert len(held) == 1 and held[0].draft


def test_incoming_invoices_paged_read_marked_and_downloaded(own_sandbox, provider_for):
    sender, receiver = provider_for(A, on=own_sandbox), provider_for(B, on=own_sandbox)
    documents = [outgoing(*invoice(3000 + n)) for n in range(5)]
    sender.send_invoices(documents)
    sent = {doc.uuid for doc in documents}
    listed = list(receiver.list_incoming(EINVOICE, mark_read=True))
    mine = [doc for doc in listed if doc.uuid in sent]
    assert len(mine) == len(listed) == 5
    first = mine[0]
    assert first.profile == "TICARIFATURA" and first.sender_vkn == A.vkn and first.received_at is not None
    assert first.content.startswith(b"<?xml") and first.uuid.encode() in first.content
    assert not [doc for doc in receiver.list_incoming(EINVOICE) if doc.uuid in sent]
    receiver.mark_read(EINVOICE, [first.uuid], read=False)
    assert [doc.uuid for doc in receiver.list_incoming(EINVOICE) if doc.uuid in sent] == [first.uuid]
    again = [doc for doc in receiver.list_incoming(EINVOICE, include_read=True) if doc.uuid in sent]
    assert len(again) == 5
    xml = receiver.download(first.uuid, "XML")
    assert xml.content == first.content
    for fmt in ("PDF", "HTML"):
        view = receiver.download(first.uuid, fmt)
        assert view.content and view.fmt == fmt
    assert sender.download(first.uuid, "XML", direction="OUT").content == first.content


def test_more_than_one_page_of_incoming(sandbox, provider_for):
    sender, receiver = provider_for(A), provider_for(B)
    list(receiver.list_incoming(EINVOICE, mark_read=True))
    documents = [outgoing(*invoice(3100 + n)) for n in range(130)]
    sender.send_invoices(documents)
    before = sandbox.request_count("GetInvoice")
    listed = list(receiver.list_incoming(EINVOICE, mark_read=True, with_content=False))
    assert {doc.uuid for doc in documents} <= {doc.uuid for doc in listed}
    assert sandbox.request_count("GetInvoice") - before == 2  # 100, then 30 (< 100 ends the paging)


def _answerable_pair(provider_for, first_number):
    sender, receiver = provider_for(A), provider_for(B)
    list(receiver.list_incoming(EINVOICE, mark_read=True))
    documents = [outgoing(*invoice(first_number + n)) for n in range(2)]
    sender.send_invoices(documents)
    incoming = list(receiver.list_incoming(EINVOICE, mark_read=True))
    return receiver, incoming


def test_kabul_red_window_follows_cdate_plus_eight_days(sandbox, provider_for):
    receiver, incoming = _answerable_pair(provider_for, 4000)
    assert len(incoming) == 2
    cdate = max(doc.received_at for doc in incoming)
    sandbox.clock.set(cdate + timedelta(days=7, hours=23))
    receiver.send_application_response([incoming[0].uuid], "KABUL")
    sandbox.clock.set(cdate + timedelta(days=8, minutes=1))
    with pytest.raises(RemoteRejected) as info:
        receiver.send_application_response([incoming[1].uuid], "RED", "Fiyat hatalı")
    assert info.value.code == "tr_edoc.izibiz.response_window_closed"
    assert "8 gün" in info.value.params["remote_message"]
    assert info.value.params["message_tr"] and not info.value.retryable
    answered = [doc for doc in sandbox.documents(vkn=B.vkn, direction="IN") if doc.uuid == incoming[0].uuid]
    assert answered[0].answer.code == "KABUL"


def test_second_answer_is_refused(provider_for):
    receiver, incoming = _answerable_pair(provider_for, 4100)
    receiver.send_application_response([incoming[0].uuid], "RED", "Eksik teslimat")
    with pytest.raises(RemoteRejected) as info:
        receiver.send_application_response([incoming[0].uuid], "KABUL")
    assert info.value.code == "tr_edoc.izibiz.already_answered"


# e-Arşiv ---------------------------------------------------------------------------------------


def test_earchive_send_status_read_cancel_and_reports(sandbox, provider_for):
    provider = provider_for()
    normal_doc, normal_xml = invoice(5001, profile="EARSIVFATURA")
    internet_doc, internet_xml = invoice(5002, profile="EARSIVFATURA")
    result = provider.send_earchive(
        [
            EarchiveDocument(uuid=normal_doc.uuid, number=normal_doc.id, xml=normal_xml),
            EarchiveDocument(
                uuid=internet_doc.uuid,
                number=internet_doc.id,
                xml=internet_xml,
                internet_sale=True,
                email=("musteri@example.com",),
                note="internet satış",
            ),
        ]
    )
    assert result.batches == 1 and len(result.uuids) == 2
    statuses = provider.earchive_status([normal_doc.uuid, internet_doc.uuid, str(uuidlib.uuid4())]).statuses
    assert statuses[0].found and statuses[1].found and not statuses[2].found
    assert statuses[0].number == normal_doc.id
    pdf = provider.download(normal_doc.uuid, "PDF", kind=EARCHIVE)
    assert pdf.content
    xml = provider.download(normal_doc.uuid, "XML", kind=EARCHIVE)
    assert normal_doc.uuid.encode() in xml.content
    provider.cancel_earchive(internet_doc.uuid, reason="Müşteri iade etti")
    cancelled = provider.earchive_status([internet_doc.uuid]).statuses[0]
    assert cancelled.cancelled or "İPTAL" in cancelled.status_description.upper()
    sandbox.clock.advance(timedelta(days=2))
    period = sandbox.clock.now().strftime("%Y%m")
    reports = provider.earchive_reports(period, with_content=True)
    earlier = provider.earchive_reports((sandbox.clock.now() - timedelta(days=2)).strftime("%Y%m"))
    assert reports or earlier
    for report in reports:
        assert report.report_id
        assert report.content is None or report.content.lstrip().startswith(b"<")


# e-İrsaliye ------------------------------------------------------------------------------------


def despatch(number, *, sender=A, receiver=B):
    document = factories.despatch_advice(
        number=number,
        uuid=str(uuidlib.uuid4()).upper(),
        supplier=factories.seller(identifications=vkn(sender.vkn)),
        delivery_customer=factories.company_buyer(identifications=vkn(receiver.vkn)),
    )
    return document, serialize(build_despatch_advice(document))


def test_despatch_flow_with_receipt_advice(sandbox, provider_for):
    sender, receiver = provider_for(A), provider_for(B)
    document, xml = despatch(6001)
    out = OutgoingDocument(
        uuid=document.uuid,
        number=document.id,
        xml=xml,
        receiver_vkn=B.vkn,
        receiver_alias=B.despatch_pk_alias,
    )
    assert sender.send_despatch([out]).uuids == (document.uuid,)
    status = sender.despatch_status([document.uuid]).statuses[0]
    assert status.found and status.number == document.id
    listed = [d for d in receiver.list_incoming(DESPATCH, mark_read=True) if d.uuid == document.uuid]
    assert len(listed) == 1 and listed[0].content.startswith(b"<?xml")
    assert not [d for d in receiver.list_incoming(DESPATCH) if d.uuid == document.uuid]
    receiver.mark_read(DESPATCH, [document.uuid], read=False)
    assert [d.uuid for d in receiver.list_incoming(DESPATCH) if d.uuid == document.uuid] == [document.uuid]
    assert receiver.download(document.uuid, "XML", kind=DESPATCH).content == listed[0].content

    answer = factories.receipt_advice(
        uuid=str(uuidlib.uuid4()).upper(),
        despatch_document_reference=DocumentReference(id=document.id, issue_date=document.issue_date),
        delivery_customer=factories.company_buyer(identifications=vkn(B.vkn)),
        despatch_supplier=factories.seller(identifications=vkn(A.vkn)),
    )
    receipt = OutgoingDocument(
        uuid=answer.uuid,
        number=answer.id,
        xml=serialize(build_receipt_advice(answer)),
        receiver_vkn=A.vkn,
        receiver_alias=A.despatch_pk_alias,
    )
    assert receiver.send_receipt_advice([receipt]).uuids == (answer.uuid,)
    assert receiver.receipt_advice_status([answer.uuid]).statuses[0].found
    got = [d for d in sender.list_receipt_advices(mark_read=True) if d.uuid == answer.uuid]
    assert len(got) == 1 and got[0].kind == RECEIPT_ADVICE
    sender.mark_read(RECEIPT_ADVICE, [answer.uuid], read=False)


def test_unregistered_receiver_goes_to_gib_mailbox_and_receiver_is_mandatory(sandbox, provider_for):
    provider = provider_for()
    document, xml = despatch(6101)
    with pytest.raises(ValidationFailed):
        provider.send_despatch([OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml)])
    result = provider.send_despatch(
        [
            OutgoingDocument(
                uuid=document.uuid,
                number=document.id,
                xml=xml,
                receiver_vkn=GIB_DESPATCH_MAILBOX_VKN,
                receiver_alias=GIB_DESPATCH_MAILBOX_ALIAS,
            )
        ]
    )
    assert result.uuids == (document.uuid,)
    assert _held(sandbox, document.uuid)[0].receiver_alias == GIB_DESPATCH_MAILBOX_ALIAS


def test_despatch_draft_upload(sandbox, provider_for):
    provider = provider_for()
    document, xml = despatch(6201)
    provider.load_despatch([OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml)])
    assert _held(sandbox, document.uuid)[0].draft


# GİB users, credit, WSDL from the endpoint ------------------------------------------------------


def test_check_user_returns_aliases(provider_for):
    provider = provider_for()
    found = provider.check_user(B.vkn)
    assert found.registered
    assert B.pk_alias in found.pk_aliases("INVOICE")
    assert not provider.check_user("1111111111").registered


def test_user_list_full_and_delta_streamed(sandbox, provider_for):
    provider = provider_for()
    users = {user.identifier: user for user in provider.iter_user_list()}
    assert {A.vkn, B.vkn, GIB_DESPATCH_MAILBOX_VKN} <= set(users)
    units = {alias.unit for alias in users[B.vkn].aliases}
    assert units == {"GB", "PK"}
    assert not list(provider.iter_user_list(since=sandbox.clock.now()))
    delta = {
        user.identifier for user in provider.iter_user_list(since=sandbox.clock.now() - timedelta(days=400))
    }
    assert {A.vkn, B.vkn} <= delta
    assert b"<ALIAS_MODIFY_DATE>" in provider.last_exchanges[-1].request
    exchange = provider.last_exchanges[-1]
    assert b"zip content omitted" in exchange.response


def test_credit_balance_from_billing(sandbox, provider_for):
    provider = provider_for()
    first = provider.credit_balance()
    provider.send_invoices([outgoing(*invoice(7001))])
    second = provider.credit_balance()
    assert first.loaded == second.loaded
    assert second.balance == first.balance - 1
    assert second.exchanges[-1].operation == "GetCredit"
    assert A.password.encode() not in second.exchanges[-1].request


def test_wsdl_loaded_from_the_endpoint_and_cached(sandbox, tmp_path):
    provider = IzibizProvider(
        username=A.username, password=A.password, base_url=sandbox.url, cache_dir=tmp_path, timeout=10
    )
    assert provider.check_user(B.vkn).registered
    assert (tmp_path / "zeep-wsdl.sqlite").stat().st_size > 0
    provider.logout()
    assert provider._session_id is None
