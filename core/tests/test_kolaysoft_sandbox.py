"""Kolaysoft specifics over real HTTP against the sandbox, every request checked against its WSDL."""

import datetime

import pytest

from core.errors import AuthError, ConfigurationError, RemoteRejected, ValidationFailed
from core.providers import kolaysoft_codes
from core.providers.base import EINVOICE, EarchiveDocument, OutgoingDocument
from core.providers.kolaysoft import KolaysoftProvider, KolaysoftSandboxProvider
from core.providers.registry import get_provider_class, is_sandbox
from core.sandbox.demo import DEMO_COMPANIES
from core.tests.conftest import reference_path
from core.tests.test_conformance import invoice_xml

A, B = DEMO_COMPANIES[0], DEMO_COMPANIES[1]


def provider(sandbox, company=A, **overrides):
    kwargs = {
        "username": company.username,
        "password": company.password,
        "base_url": sandbox.url,
        "wsdl_dir": reference_path("wsdl", "kolaysoft"),
        "sender_vkn": company.vkn,
        "validate_requests": True,
        **overrides,
    }
    return KolaysoftProvider(**kwargs)


def test_wrong_password_is_an_auth_error(sandbox):
    with pytest.raises(AuthError) as caught:
        provider(sandbox, password="wrong").credit_balance()
    assert caught.value.remote_code == kolaysoft_codes.UNAUTHORIZED
    assert not provider(sandbox, password="wrong").check_connection().ok
    assert provider(sandbox).check_connection().ok


def test_request_breaking_the_wsdl_schema_never_leaves(sandbox):
    client = provider(sandbox)
    before = sandbox.request_count("kolaysoft.QueryArchivedOutboxDocument")
    with pytest.raises(ValidationFailed) as caught:
        client._call(
            "query",
            "QueryArchivedOutboxDocument",
            submit=False,
            paramType="Document_UUID",
            parameter="x",
            withXML="NO",
            fiscalYear="last year",
        )
    assert caught.value.code == "tr_edoc.soap.request_schema"
    assert sandbox.request_count("kolaysoft.QueryArchivedOutboxDocument") == before


def test_credentials_travel_as_headers_not_in_exchanges(sandbox):
    client = provider(sandbox)
    balance = client.credit_balance()
    assert balance.balance is not None
    for exchange in balance.exchanges:
        assert A.password.encode() not in exchange.request
    assert client.transport.session.headers["Username"] == A.username


def test_inbox_pages_by_min_record_id_and_marks_taken(sandbox):
    sender, receiver = provider(sandbox), provider(sandbox, B)
    list(receiver.list_incoming(EINVOICE, with_content=False, mark_read=True))
    sent = []
    for _ in range(23):
        document, xml = invoice_xml(profile="TEMELFATURA")
        sent.append(document.uuid)
        sender.send_invoices(
            [OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml, receiver_alias=B.pk_alias)]
        )
    before = sandbox.request_count("kolaysoft.QueryInboxDocumentsWithReceivedDate")
    received = list(receiver.list_incoming(EINVOICE, with_content=True, mark_read=True))
    assert [doc.uuid for doc in received] == sent
    assert all(doc.content for doc in received)
    # 20 + 3 with content, then one empty page that ends the walk.
    assert sandbox.request_count("kolaysoft.QueryInboxDocumentsWithReceivedDate") - before == 3
    assert list(receiver.list_incoming(EINVOICE, with_content=False)) == []
    with pytest.raises(ConfigurationError):
        receiver.mark_read(EINVOICE, sent[:1], read=False)


def test_earchive_range_query_update_load_and_efatura_user(sandbox):
    client = provider(sandbox)
    uuids = []
    for _ in range(3):
        document, xml = invoice_xml(profile="EARSIVFATURA", receiver=DEMO_COMPANIES[2])
        client.send_earchive(
            [EarchiveDocument(uuid=document.uuid, xml=xml, number=document.id, email=("a@b.example",))]
        )
        uuids.append(document.uuid)
    today = sandbox.clock.now().date()
    found = [_.document_uuid for _ in client.iter_earchive(today, today, by="received")]
    assert set(uuids) <= set(found)
    document, xml = invoice_xml(profile="EARSIVFATURA")
    with pytest.raises(RemoteRejected):
        client.update_earchive([EarchiveDocument(uuid=document.uuid, xml=xml)])
    loaded = client.load_earchive([EarchiveDocument(uuid=document.uuid, xml=xml, number=document.id)])
    assert loaded.uuids == (document.uuid,)
    assert client.is_efatura_user(B.vkn)
    assert not client.is_efatura_user("1111111111")


def test_report_service_from_the_documented_contract(sandbox):
    client = provider(sandbox)
    assert client.set_report_day(5).operation == "setReportAutoSendDay"
    with pytest.raises(ValidationFailed):
        client.set_report_day(20)
    client.request_earchive_report(datetime.date(2026, 3, 1))
    frontend = next(f for f in sandbox.frontends if hasattr(f, "report_requests"))
    assert (A.vkn, datetime.date(2026, 3, 1)) in frontend.report_requests
    assert frontend.report_days[A.vkn] == 5
    client.send_earchive_report(
        vkn=A.vkn,
        period=3,
        section=1,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 31),
        xml=b"<r/>",
    )
    with pytest.raises(RemoteRejected):
        client.send_earchive_report(
            vkn=B.vkn,
            period=3,
            section=1,
            start=datetime.date(2026, 3, 1),
            end=datetime.date(2026, 3, 31),
            xml=b"<r/>",
        )


def test_load_outbox_stores_without_delivery(sandbox):
    client = provider(sandbox)
    document, xml = invoice_xml(profile="TEMELFATURA")
    result = client.load_invoices([OutgoingDocument(uuid=document.uuid, number=document.id, xml=xml)])
    assert result.uuids == (document.uuid,)
    assert not [d for d in sandbox.documents(vkn=B.vkn, direction="IN") if d.uuid == document.uuid]


def test_error_codes_map_to_typed_errors():
    assert isinstance(kolaysoft_codes.error_from_remote("500", "Yetkisiz kullanıcı", "", "x"), AuthError)
    duplicate = kolaysoft_codes.error_from_remote("99", "Belge daha önce gönderilmiş", "", "x")
    assert duplicate.code == "tr_edoc.kolaysoft.duplicate"
    assert (
        kolaysoft_codes.error_from_remote("99", "Yetkiniz yok", "", "x").code == "tr_edoc.kolaysoft.refused"
    )
    assert kolaysoft_codes.gib_code("1300") == 1300
    assert kolaysoft_codes.gib_code("120") is None


def test_sandbox_variant_loads_wsdls_from_the_sandbox_like_an_account_would(sandbox):
    """What the ORM builds for a ``sandbox_kolaysoft`` account: base URL only, WSDLs fetched over HTTP."""
    assert get_provider_class("sandbox_kolaysoft") is KolaysoftSandboxProvider
    assert is_sandbox("sandbox_kolaysoft") and is_sandbox("sandbox_nilvera") and not is_sandbox("kolaysoft")
    client = KolaysoftSandboxProvider(
        username=A.username, password=A.password, base_url=sandbox.url, sender_vkn=A.vkn
    )
    assert client.credit_balance().balance is not None
