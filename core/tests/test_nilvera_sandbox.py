"""Nilvera specifics over real HTTP against the sandbox, every request checked against the OpenAPI spec."""

import uuid as uuidlib

import pytest

from core.errors import AuthError, DuplicateDocument, TransportError, UnknownOutcome, ValidationFailed
from core.providers.base import EINVOICE, OutgoingDocument
from core.providers.nilvera import NilveraProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.nilvera import api_key_for
from core.tests.conftest import reference_path
from core.tests.openapi_requests import OpenApiRequestCheck, OpenApiViolation
from core.tests.test_conformance import invoice_xml

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]


@pytest.fixture(scope="module")
def check():
    folder = reference_path("nilvera")
    return OpenApiRequestCheck(
        *(folder / f"{name}.swagger.json" for name in ("einvoice", "earchive", "general"))
    )


def provider(sandbox, check, company=A, **overrides):
    return NilveraProvider(
        api_key=api_key_for(company), base_url=sandbox.url, request_check=check, **overrides
    )


def outgoing(document, xml):
    return OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)


def test_unknown_key_is_an_auth_error(sandbox, check):
    bad = NilveraProvider(api_key="not-a-key", base_url=sandbox.url, request_check=check)
    with pytest.raises(AuthError):
        bad.credit_balance()
    assert not bad.check_connection().ok
    assert provider(sandbox, check).check_connection().ok
    with pytest.raises(AuthError):
        NilveraProvider(api_key="", base_url=sandbox.url)


def test_the_api_key_never_reaches_an_exchange(sandbox, check):
    balance = provider(sandbox, check).credit_balance()
    for exchange in balance.exchanges:
        assert api_key_for(A).encode() not in exchange.request + exchange.response


def test_openapi_check_refuses_what_the_spec_does_not_allow(sandbox, check):
    client = provider(sandbox, check)
    with pytest.raises(OpenApiViolation):
        client._call(
            "PurchaseList",
            "GET",
            "/einvoice/Purchase",
            submit=False,
            params={"DateFilterType": "CreatedDate"},
        )
    with pytest.raises(OpenApiViolation):
        client._call(
            "SendAnswer",
            "POST",
            "/einvoice/Purchase/SendAnswer",
            submit=True,
            json_body={"AnswerCode": "yes"},
        )
    with pytest.raises(OpenApiViolation):
        client._call("Nowhere", "GET", "/einvoice/Nowhere", submit=False)


def test_schema_error_and_duplicate_are_mapped(sandbox, check):
    client = provider(sandbox, check)
    with pytest.raises(ValidationFailed) as caught:
        client.send_invoices([OutgoingDocument(uuid=str(uuidlib.uuid4()), xml=b"<Invoice/>")])
    assert caught.value.code == "tr_edoc.nilvera.schema"
    document, xml = invoice_xml(profile="TEMELFATURA")
    client.send_invoices([outgoing(document, xml)])
    with pytest.raises(DuplicateDocument) as caught:
        client._send_invoice(outgoing(document, xml))
    assert caught.value.remote_code == "1001"


def test_incoming_pages_mark_read_and_views(sandbox, check):
    sender, receiver = provider(sandbox, check), provider(sandbox, check, B)
    list(receiver.list_incoming(EINVOICE, with_content=False, mark_read=True))
    sent = []
    for _ in range(3):
        document, xml = invoice_xml(profile="TEMELFATURA")
        sender.send_invoices([outgoing(document, xml)])
        sent.append(document.uuid)
    received = list(receiver.list_incoming(EINVOICE, with_content=False, mark_read=True))
    assert [doc.uuid for doc in received] == sent
    assert list(receiver.list_incoming(EINVOICE, with_content=False)) == []
    everything = [doc.uuid for doc in receiver.list_incoming(EINVOICE, with_content=False, include_read=True)]
    assert set(sent) <= set(everything)
    pdf = receiver.download(sent[0], "PDF")
    assert pdf.content.startswith(b"%PDF")


def test_submit_failure_after_send_is_unknown_outcome_and_read_failure_retryable(sandbox, check):
    client = provider(sandbox, check)
    document, xml = invoice_xml(profile="TEMELFATURA")
    sandbox.faults.inject("nilvera.SendInvoiceXml", "http_500")
    with pytest.raises(UnknownOutcome) as caught:
        client.send_invoices([outgoing(document, xml)])
    assert caught.value.params["accepted"] == ()
    sandbox.faults.inject("nilvera.Credits", "drop_after_accept")
    with pytest.raises(TransportError):
        client.credit_balance()
    unreachable = NilveraProvider(api_key="k", base_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(TransportError) as caught:
        unreachable.credit_balance()
    assert caught.value.code == "tr_edoc.rest.unreachable"


def test_despatch_is_honestly_not_offered(sandbox, check):
    client = provider(sandbox, check)
    assert not client.supports("despatch")
    with pytest.raises(Exception) as caught:
        client.send_despatch([])
    assert caught.value.code == "tr_edoc.provider.unsupported"
