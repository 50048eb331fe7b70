"""İzibiz's integration checklist on the provider side: sessions, paging with content, throttling."""

import uuid as uuidlib
from dataclasses import replace
from datetime import timedelta

import pytest
from lxml import etree

from core.documents import EArchiveInfo, Identifier, InternetSale
from core.errors import EdocError, RemoteRejected
from core.providers import izibiz_codes
from core.providers.base import EARCHIVE, EINVOICE, EarchiveDocument, OutgoingDocument
from core.providers.izibiz import IzibizProvider
from core.sandbox import Sandbox
from core.sandbox.content import SANDBOX_SIGNATURE_ID
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.userlist import GibUser
from core.tests import factories
from core.tests.conftest import reference_path
from core.tests.test_builders_matrix import CASES
from core.ubl import build_invoice, serialize

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


@pytest.fixture
def own_sandbox():
    sb = Sandbox(wsdl_dir=reference_path("wsdl", "izibiz"))
    sb.seed_demo()
    with sb.serve(host="127.0.0.1", port=0) as server:
        sb.url = server.url
        yield sb
    assert not sb.internal_errors, sb.internal_errors


def _provider(sandbox, company):
    return IzibizProvider(
        username=company.username,
        password=company.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "izibiz"),
        timeout=30,
    )


def _send(sender, count, first_number):
    documents = []
    for n in range(count):
        invoice = factories.invoice(
            profile="TICARIFATURA",
            number=first_number + n,
            series="SBX",
            supplier=factories.seller(identifications=(Identifier(value=A.vkn, scheme_id="VKN"),)),
            customer=factories.company_buyer(identifications=(Identifier(value=B.vkn, scheme_id="VKN"),)),
            uuid=str(uuidlib.uuid4()).upper(),
        )
        documents.append(
            OutgoingDocument(
                uuid=invoice.uuid,
                number=invoice.id,
                xml=serialize(build_invoice(invoice)),
                receiver_vkn=B.vkn,
                receiver_alias=B.pk_alias,
            )
        )
    sender.send_invoices(documents)
    return documents


def test_one_session_for_many_calls_then_logout(own_sandbox):
    provider = _provider(own_sandbox, A)
    checks = [provider.check_user(B.vkn).exchanges]
    checks.append(provider.get_invoice_statuses([str(uuidlib.uuid4())]).exchanges)
    checks.append(provider.credit_balance().exchanges)
    for exchange in (exchange for exchanges in checks for exchange in exchanges):
        # every request carries the session (redacted in the log) and the application's name
        assert b"<SESSION_ID>***</SESSION_ID>" in exchange.request.replace(b"ns0:", b"")
        assert b"<APPLICATION_NAME>l10n_tr_edoc</APPLICATION_NAME>" in exchange.request.replace(b"ns0:", b"")
    assert own_sandbox.login_count(A.username) == 1
    assert own_sandbox.open_sessions(A.username) == 1
    result = provider.logout()
    assert result.exchanges and result.exchanges[0].operation == "Logout"
    assert own_sandbox.logout_count(A.username) == 1
    assert own_sandbox.open_sessions(A.username) == 0
    assert own_sandbox.login_count(B.username) == 0
    assert provider.logout() is None  # nothing left to close


def test_logout_of_a_session_izibiz_already_dropped_is_not_an_error(own_sandbox):
    provider = _provider(own_sandbox, A)
    provider.check_user(B.vkn)
    own_sandbox.faults.inject("Logout", "expire_session")
    result = provider.logout()
    assert result is not None
    assert own_sandbox.open_sessions(A.username) == 0


def test_aktif_session_bulunamadi_renews_the_session_once(own_sandbox):
    provider = _provider(own_sandbox, A)
    provider.check_user(B.vkn)
    own_sandbox.faults.inject("CheckUser", "expire_session")
    provider.check_user(B.vkn)
    assert own_sandbox.login_count(A.username) == 2
    # the guide's words alone, without a code, are recognised as "log in again"
    assert izibiz_codes.is_session_error(EdocError("Aktif session bulunamadı"))
    assert not izibiz_codes.is_session_error(EdocError("Belge bulunamadı"))


def test_250_incoming_invoices_in_three_pages_with_xml_and_three_marks(own_sandbox):
    sender, receiver = _provider(own_sandbox, A), _provider(own_sandbox, B)
    sent = _send(sender, 250, 7000)
    before = {name: own_sandbox.request_count(name) for name in ("GetInvoice", "MarkInvoice", "Login")}
    listed = list(receiver.list_incoming(EINVOICE, mark_read=True, with_content=True))
    calls = {name: own_sandbox.request_count(name) - count for name, count in before.items()}
    assert {doc.uuid for doc in listed} == {doc.uuid for doc in sent}
    assert all(doc.content and doc.uuid.encode() in doc.content for doc in listed)
    assert calls == {"GetInvoice": 3, "MarkInvoice": 3, "Login": 1}
    (mark,) = receiver.last_exchanges
    assert mark.operation == "MarkInvoice" and b"CONTENT" not in mark.request  # only the ETTNs go back


def test_sandbox_refuses_a_new_listing_within_five_minutes(own_sandbox):
    own_sandbox.throttle()
    sender, receiver = _provider(own_sandbox, A), _provider(own_sandbox, B)
    _send(sender, 120, 7500)
    assert len(list(receiver.list_incoming(EINVOICE, mark_read=True))) == 120  # two pages, one run
    with pytest.raises(RemoteRejected) as info:
        list(receiver.list_incoming(EINVOICE, mark_read=True))
    assert info.value.remote_code == "10013" and "Sık sorgulama yapmayınız" in info.value.message
    own_sandbox.clock.advance(timedelta(minutes=5))
    assert list(receiver.list_incoming(EINVOICE, mark_read=True)) == []


def test_sandbox_refuses_a_status_query_within_four_hours(own_sandbox):
    own_sandbox.throttle()
    sender = _provider(own_sandbox, A)
    (document,) = _send(sender, 1, 7700)
    assert sender.get_invoice_statuses([document.uuid]).statuses[0].found
    with pytest.raises(RemoteRejected) as info:
        sender.get_invoice_statuses([document.uuid])
    assert "Sık sorgulama yapmayınız" in info.value.message
    own_sandbox.clock.advance(timedelta(hours=4))
    assert sender.get_invoice_statuses([document.uuid]).statuses[0].found


def test_earchive_references_carry_document_type_code_and_document_type():
    sale = InternetSale(
        website="https://magaza.example",
        payment_means="EFT/HAVALE",
        payment_agent_name="Banka",
        payment_date=factories.ISSUE_DATE,
    )
    invoice = factories.invoice(
        profile="EARSIVFATURA",
        series="EAI",
        customer=factories.person_buyer(),
        earchive=EArchiveInfo(send_type="ELEKTRONIK", internet_sale=sale),
    )
    root = etree.fromstring(serialize(build_invoice(invoice)))
    references = {
        ref.findtext(f"{{{CBC}}}DocumentTypeCode"): ref
        for ref in root.iterfind(f"{{{CAC}}}AdditionalDocumentReference")
    }
    keys = {"SEND_TYPE", "IS_INTERNET", "INT_WEBSITE", "INT_PAYMENT_METHOD", "INT_PAYMENT_AGENT_NAME"}
    assert keys <= set(references)
    for key in keys:
        assert references[key].findtext(f"{{{CBC}}}DocumentType") == key
    assert references["SEND_TYPE"].findtext(f"{{{CBC}}}ID") == "ELEKTRONIK"


def test_platform_failure_without_gib_code_is_reported_and_the_same_document_goes_again(own_sandbox):
    own_sandbox.fail_on_platform(B.pk_alias, 136)
    sender = _provider(own_sandbox, A)
    (document,) = _send(sender, 1, 7800)
    (status,) = sender.get_invoice_statuses([document.uuid]).statuses
    assert status.platform_failed and status.gib_status_code is None and status.status_code == "136"
    own_sandbox.store.platform_failures.clear()
    sender.send_invoices([document])  # same number, same ETTN: never reached GİB
    (status,) = sender.get_invoice_statuses([document.uuid]).statuses
    assert not status.platform_failed
    assert izibiz_codes.despatch_platform_failed(None, "106", "SIGN_FAILED")
    assert not izibiz_codes.despatch_platform_failed(None, "106", "SIGN_PROCESSING")
    assert not izibiz_codes.invoice_platform_failed(None, "105", "PACKAGE_FAILED")  # İzibiz retries it


def _answer_status(provider, uuid):
    (status,) = provider.get_invoice_statuses([uuid]).statuses
    return status


def test_our_answer_is_final_only_once_processed_and_a_failed_one_is_given_again(own_sandbox):
    sender, receiver = _provider(own_sandbox, A), _provider(own_sandbox, B)
    first, second = _send(sender, 2, 7900)
    own_sandbox.clock.advance(timedelta(minutes=10))
    assert _answer_status(receiver, first.uuid).answer_outcome == ""  # no answer yet

    receiver.send_application_response([first.uuid], "KABUL")
    status = _answer_status(receiver, first.uuid)
    assert (status.status, status.final, status.answer_outcome) == ("ACCEPTED_PROCESSING", False, "")
    with pytest.raises(RemoteRejected) as info:  # one answer while it is processed
        receiver.send_application_response([first.uuid], "RED", "Fiyat hatalı")
    assert info.value.remote_code == "10011"
    own_sandbox.clock.advance(timedelta(minutes=2))
    status = _answer_status(receiver, first.uuid)
    assert (status.commercial_answer, status.final, status.answer_outcome) == ("KABUL", True, "succeeded")
    assert _answer_status(sender, first.uuid).commercial_answer == "KABUL"

    own_sandbox.fail_next_answer(second.uuid)
    receiver.send_application_response([second.uuid], "RED", "Eksik teslimat")
    own_sandbox.clock.advance(timedelta(minutes=2))
    status = _answer_status(receiver, second.uuid)
    assert (status.status, status.commercial_answer, status.answer_outcome) == ("FAILED", None, "failed")
    assert _answer_status(sender, second.uuid).commercial_answer is None  # never reached the sender
    receiver.send_application_response([second.uuid], "RED", "Eksik teslimat")  # again, in the window
    own_sandbox.clock.advance(timedelta(minutes=2))
    assert _answer_status(receiver, second.uuid).answer_outcome == "succeeded"
    assert _answer_status(sender, second.uuid).commercial_answer == "RED"


def test_an_answer_given_on_the_portal_shows_in_the_status_and_blocks_ours(own_sandbox):
    sender, receiver = _provider(own_sandbox, A), _provider(own_sandbox, B)
    (document,) = _send(sender, 1, 7950)
    own_sandbox.answer_on_portal(B.vkn, document.uuid, "RED", "Portaldan reddedildi")
    assert own_sandbox.request_count("SendInvoiceResponseWithServerSign") == 0
    with pytest.raises(RemoteRejected) as info:
        receiver.send_application_response([document.uuid], "KABUL")
    assert "Daha önce yanıtlanmış" in info.value.message
    own_sandbox.clock.advance(timedelta(minutes=2))
    status = _answer_status(receiver, document.uuid)
    assert (status.commercial_answer, status.answer_outcome) == ("RED", "succeeded")
    assert status.response_description == "Portaldan reddedildi"


def _earchive(provider, number, *, email=()):
    invoice = factories.invoice(
        profile="EARSIVFATURA",
        number=number,
        series="EAR",
        supplier=factories.seller(identifications=(Identifier(value=A.vkn, scheme_id="VKN"),)),
        customer=factories.person_buyer(),
        earchive=EArchiveInfo(send_type="ELEKTRONIK"),
        uuid=str(uuidlib.uuid4()).upper(),
    )
    xml = serialize(build_invoice(invoice))
    provider.send_earchive([EarchiveDocument(uuid=invoice.uuid, number=invoice.id, xml=xml, email=email)])
    return invoice, xml


def test_earchive_delete_flag_frees_the_number_only_before_the_report(own_sandbox):
    provider = _provider(own_sandbox, A)
    invoice, xml = _earchive(provider, 8100)
    provider.delete_earchive(invoice.uuid, number=invoice.id, reason="Hatalı düzenlendi")
    assert (A.vkn, invoice.id, invoice.uuid) in own_sandbox.store.deleted
    assert not provider.earchive_status([invoice.uuid]).statuses[0].found
    provider.send_earchive([EarchiveDocument(uuid=invoice.uuid, number=invoice.id, xml=xml)])  # again
    own_sandbox.clock.advance(timedelta(days=1, hours=1))  # past the evening report
    assert provider.earchive_status([invoice.uuid]).statuses[0].reported
    with pytest.raises(RemoteRejected) as info:
        provider.delete_earchive(invoice.uuid, number=invoice.id)
    assert "Raporlanmış fatura silinemez" in info.value.message
    provider.cancel_earchive(invoice.uuid, reason="İade")  # a reported invoice is cancelled instead
    assert provider.earchive_status([invoice.uuid]).statuses[0].status_code == "130"


def test_earchive_email_is_sent_again_and_needs_the_email_service(own_sandbox):
    provider = _provider(own_sandbox, A)
    invoice, _xml = _earchive(provider, 8200, email=("ali@example.com",))
    result = provider.resend_earchive_email(invoice.uuid, ["ali@example.com", "muhasebe@example.com"])
    assert result.exchanges[0].operation == "GetEmailEarchiveInvoice"
    (held,) = [doc for doc in own_sandbox.documents(vkn=A.vkn) if doc.uuid == invoice.uuid]
    assert held.earchive["emails"] == ["ali@example.com", "ali@example.com", "muhasebe@example.com"]
    own_sandbox.without_email_service(A.vkn)
    with pytest.raises(RemoteRejected) as info:
        provider.resend_earchive_email(invoice.uuid, ["ali@example.com"])
    assert "E-posta gönderim hizmetiniz" in info.value.message
    with pytest.raises(RemoteRejected):
        _earchive(provider, 8201, email=("ali@example.com",))
    _earchive(provider, 8202)  # EARSIV_EMAIL_FLAG=N goes through


def test_earchive_signed_original_and_image_come_from_the_integrator(own_sandbox):
    provider = _provider(own_sandbox, A)
    invoice, xml = _earchive(provider, 8300)
    original = provider.download(invoice.uuid, "XML", kind=EARCHIVE).content
    assert original != xml
    assert SANDBOX_SIGNATURE_ID.encode() in original and invoice.uuid.encode() in original
    assert provider.download(invoice.uuid, "PDF", kind=EARCHIVE).content.startswith(b"%PDF")


@pytest.mark.parametrize("scenario", ["YOLCUBERABER-ISTISNA", "TEMEL-SGK", "TEMEL-OZELMATRAH-801"])
def test_every_scenario_and_type_goes_through_send_invoice_to_its_final_state(own_sandbox, scenario):
    """YOLCUBERABERFATURA, SGK and OZELMATRAH, built by the core as GİB's schematron wants them
    (``test_builders_matrix``), sent with SendInvoice and followed to GİB's 1300."""
    build, document, _doc_type = CASES[scenario]
    receiver = next(i.value for i in document.customer.identifications if i.scheme_id == "VKN")
    alias = f"urn:mail:{scenario.lower()}@example.gov.tr"
    now = own_sandbox.clock.now()
    own_sandbox.registry.add(
        GibUser(receiver, document.customer.name or "", alias, "PK", "INVOICE", now, now)
    )
    document = replace(
        document,
        id=f"SBX{now.year}{8400 + sorted(CASES).index(scenario):09d}",
        uuid=str(uuidlib.uuid4()).upper(),
        supplier=replace(document.supplier, identifications=(Identifier(value=A.vkn, scheme_id="VKN"),)),
    )
    xml = serialize(build(document))
    sender = _provider(own_sandbox, A)
    sender.send_invoices(
        [
            OutgoingDocument(
                uuid=document.uuid, number=document.id, xml=xml, receiver_vkn=receiver, receiver_alias=alias
            )
        ]
    )
    (held,) = [doc for doc in own_sandbox.documents(vkn=A.vkn, direction="OUT") if doc.uuid == document.uuid]
    assert (held.facts.profile, held.facts.type_code) == (document.profile_id, document.invoice_type_code)
    own_sandbox.clock.advance(timedelta(minutes=10))
    (status,) = sender.get_invoice_statuses([document.uuid]).statuses
    assert (status.gib_status_code, status.final) == (1300, True)
