"""Client-signed KABUL/RED through İzibiz's SendInvoiceResponse, over real HTTP against the sandbox."""

import uuid as uuidlib
from datetime import timedelta

import pytest
from lxml import etree

from core.documents import DocumentReference
from core.errors import ConfigurationError, RemoteRejected, ValidationFailed
from core.providers.base import SIGNED_APPLICATION_RESPONSE
from core.providers.izibiz import IzibizProvider
from core.providers.kolaysoft import KolaysoftProvider
from core.providers.nilvera import NilveraProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.signing import load_pkcs12, sign_document, verify_document
from core.tests import certificates as c
from core.tests import factories
from core.tests.conftest import reference_path
from core.tests.test_izibiz_sandbox import invoice, outgoing, vkn
from core.ubl import build_application_response, serialize

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture(scope="module")
def seal():
    """B's mali mühür: a throw-away certificate carrying B's VKN."""
    return load_pkcs12(c.make_pkcs12(*c.make_certificate(name=B.title, vat=B.vkn)), c.P12_PASSWORD)


@pytest.fixture
def provider_for(sandbox):
    made = []

    def make(company):
        provider = IzibizProvider(
            username=company.username,
            password=company.password,
            base_url=sandbox.url,
            wsdl_dir=reference_path("wsdl", "izibiz"),
            validate_requests=True,
            timeout=10,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        checked = sum(check.checked for check in provider._schema_checks.values())
        assert checked == provider.transport.requests_sent


def _incoming(sandbox, provider_for, number):
    """A TICARIFATURA from A waiting in B's inbox; returns (invoice document, B's sandbox copy)."""
    document, xml = invoice(number)
    provider_for(A).send_invoices([outgoing(document, xml)])
    (held,) = [doc for doc in sandbox.documents(vkn=B.vkn, direction="IN") if doc.uuid == document.uuid]
    return document, held


def _response(document, code="KABUL", reason=""):
    answer = factories.application_response(
        code,
        description=(reason,) if reason else (),
        id=str(uuidlib.uuid4()).upper(),
        uuid=str(uuidlib.uuid4()).upper(),
        sender=factories.company_buyer(identifications=vkn(B.vkn)),
        receiver=factories.seller(identifications=vkn(A.vkn)),
        document_reference=DocumentReference(
            id=document.uuid,
            issue_date=document.issue_date,
            document_type_code="FATURA",
            document_type="FATURA",
        ),
    )
    return build_application_response(answer)


def _signed(document, seal, code="KABUL", reason=""):
    return sign_document(_response(document, code, reason), seal)


def test_signed_kabul_is_accepted_and_routed_to_the_sender(sandbox, provider_for, seal):
    document, held = _incoming(sandbox, provider_for, 7000)
    signed = _signed(document, seal)
    before = sandbox.request_count("SendInvoiceResponse")
    result = provider_for(B).send_signed_application_response(signed, receiver_vkn=A.vkn)
    assert sandbox.request_count("SendInvoiceResponse") == before + 1
    assert result.operation == "SendInvoiceResponse" and result.exchanges
    assert b"SendInvoiceResponseRequest" in result.exchanges[-1].request
    assert b"***" in result.exchanges[-1].request and B.password.encode() not in result.exchanges[0].request
    received = sandbox.documents(vkn=B.vkn, direction="IN")
    answer = next(doc.answer for doc in received if doc.uuid == held.uuid)
    assert answer.code == "KABUL" and answer.content == signed
    assert verify_document(answer.content).signer_vat == B.vkn
    (origin,) = [doc for doc in sandbox.documents(vkn=A.vkn, direction="OUT") if doc.uuid == document.uuid]
    assert origin.answer.code == "KABUL"
    assert provider_for(B).supports(SIGNED_APPLICATION_RESPONSE)


def test_unsigned_answer_is_refused_and_leaves_the_invoice_open(sandbox, provider_for, seal):
    document, held = _incoming(sandbox, provider_for, 7010)
    receiver = provider_for(B)
    with pytest.raises(ValidationFailed) as info:
        receiver.send_signed_application_response(serialize(_response(document, "RED", "Eksik")))
    assert info.value.code == "tr_edoc.izibiz.invalid_signature"
    assert info.value.params["exchanges"]
    assert _answer_of(sandbox, held) is None
    receiver.send_signed_application_response(_signed(document, seal, "RED", "Eksik"))
    assert _answer_of(sandbox, held).code == "RED"


def test_tampered_answer_is_refused(sandbox, provider_for, seal):
    document, held = _incoming(sandbox, provider_for, 7020)
    root = etree.fromstring(_signed(document, seal, "RED", "Fiyat hatalı"))
    for node in root.iter(f"{{{CBC}}}Description"):
        node.text = "Fiyat doğru"
    tampered = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with pytest.raises(ValidationFailed) as info:
        provider_for(B).send_signed_application_response(tampered)
    assert info.value.code == "tr_edoc.izibiz.invalid_signature"
    assert "digest" in info.value.params["remote_message"].lower()
    assert _answer_of(sandbox, held) is None


def test_seal_of_another_taxpayer_is_refused(sandbox, provider_for):
    document, held = _incoming(sandbox, provider_for, 7030)
    foreign = load_pkcs12(c.make_pkcs12(*c.make_certificate(vat=A.vkn)), c.P12_PASSWORD)
    with pytest.raises(ValidationFailed) as info:
        provider_for(B).send_signed_application_response(_signed(document, foreign))
    assert info.value.code == "tr_edoc.izibiz.invalid_signature"
    assert _answer_of(sandbox, held) is None


def test_one_answer_rule_applies_to_signed_answers(sandbox, provider_for, seal):
    document, _held = _incoming(sandbox, provider_for, 7040)
    receiver = provider_for(B)
    receiver.send_application_response([document.uuid], "KABUL")
    with pytest.raises(RemoteRejected) as info:
        receiver.send_signed_application_response(_signed(document, seal, "RED", "Geç teslim"))
    assert info.value.code == "tr_edoc.izibiz.already_answered"


def test_eight_day_window_still_applies(sandbox, provider_for, seal):
    document, held = _incoming(sandbox, provider_for, 7050)
    early, _early_held = _incoming(sandbox, provider_for, 7051)
    sandbox.clock.set(held.cdate + timedelta(days=7, hours=23))
    provider_for(B).send_signed_application_response(_signed(early, seal))
    sandbox.clock.set(held.cdate + timedelta(days=8, minutes=1))
    with pytest.raises(RemoteRejected) as info:
        provider_for(B).send_signed_application_response(_signed(document, seal, "RED", "Geç"))
    assert info.value.code == "tr_edoc.izibiz.response_window_closed"
    assert _answer_of(sandbox, held) is None


def test_red_without_reason_is_refused_before_any_request(provider_for, seal):
    document, _xml = invoice(7060)
    receiver = provider_for(B)
    with pytest.raises(ValidationFailed) as info:
        receiver.send_signed_application_response(_signed(document, seal, "RED"))
    assert info.value.code == "tr_edoc.izibiz.red_reason"
    assert receiver.transport.requests_sent == 0


def test_providers_without_the_operation_say_so():
    provider = NilveraProvider(api_key="k", base_url="http://127.0.0.1:9")
    assert not provider.supports(SIGNED_APPLICATION_RESPONSE)
    with pytest.raises(ConfigurationError) as info:
        provider.send_signed_application_response(b"<x/>")
    assert info.value.code == "tr_edoc.provider.unsupported"


def _answer_of(sandbox, held):
    return next(doc.answer for doc in sandbox.documents(vkn=B.vkn, direction="IN") if doc.uuid == held.uuid)


# Kolaysoft: the same sandbox store, reached through InvoiceWS sendApplicationResponse ------------


def _kolaysoft(sandbox, company):
    return KolaysoftProvider(
        username=company.username,
        password=company.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "kolaysoft"),
        sender_vkn=company.vkn,
        sender_alias=company.gb_alias,
        validate_requests=True,
    )


def test_kolaysoft_sends_the_signed_answer_as_is(sandbox, provider_for, seal):
    document, held = _incoming(sandbox, provider_for, 7100)
    receiver = _kolaysoft(sandbox, B)
    with pytest.raises(RemoteRejected) as info:
        receiver.send_signed_application_response(serialize(_response(document, "RED", "Eksik")))
    assert "Geçersiz imza" in info.value.params["remote_message"]
    assert _answer_of(sandbox, held) is None
    signed = _signed(document, seal, "RED", "Eksik")
    result = receiver.send_signed_application_response(signed, receiver_alias=A.gb_alias)
    assert result.operation == "sendApplicationResponse" and receiver.supports(SIGNED_APPLICATION_RESPONSE)
    answer = _answer_of(sandbox, held)
    assert (answer.code, answer.content) == ("RED", signed)
