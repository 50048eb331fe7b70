"""Provider pieces that need no server: registry, redaction, batching, code maps, user-list streaming."""

import socket
import tempfile
import zipfile

import pytest
from lxml import etree

from core.errors import (
    AuthError,
    ConfigurationError,
    DuplicateDocument,
    RemoteRejected,
    TransportError,
    ValidationFailed,
    XmlSecurityError,
)
from core.providers import izibiz_codes
from core.providers.base import EINVOICE, OutgoingDocument, redact
from core.providers.gib_userlist import group_rows, iter_izibiz_rows
from core.providers.izibiz import (
    MAX_REQUEST_BYTES,
    IzibizProvider,
    IzibizSandboxProvider,
    _b64_size,
    plan_batches,
    unzip_single,
    zip_document,
)
from core.providers.registry import PROVIDERS, get_provider_class, provider_choices
from core.states import GibOutcome, classify_gib_status, gib_status_text
from core.tests.conftest import reference_path


def test_registry_lists_every_integrator_in_order():
    assert [key for key, _label in provider_choices()] == [
        "izibiz",
        "sandbox",
        "kolaysoft",
        "nilvera",
        "sandbox_kolaysoft",
        "sandbox_nilvera",
    ]
    assert get_provider_class("izibiz") is IzibizProvider
    assert get_provider_class("sandbox") is IzibizSandboxProvider
    assert set(PROVIDERS) == {key for key, _label in provider_choices()}
    with pytest.raises(ConfigurationError) as info:
        get_provider_class("unknown_integrator")
    assert info.value.code == "tr_edoc.provider.unknown"


def test_sandbox_provider_points_at_loopback_and_has_no_production():
    provider = IzibizSandboxProvider(username="u", password="p")
    assert provider.address("einvoice") == "http://127.0.0.1:8790/EFaturaOIB"
    assert provider.address("billing") == "http://127.0.0.1:8790/BillingWS"
    with pytest.raises(ConfigurationError):
        IzibizSandboxProvider(username="u", password="p", environment="prod")


def test_endpoints_per_environment_and_base_url_override():
    test = IzibizProvider(username="u", password="p")
    prod = IzibizProvider(username="u", password="p", environment="prod")
    local = IzibizProvider(username="u", password="p", base_url="http://127.0.0.1:9/")
    assert test.address("earchive") == "https://efaturatest.izibiz.com.tr/EIArchiveWS/EFaturaArchive"
    assert prod.address("auth").startswith("https://authenticationws.izibiz.com.tr")
    assert local.address("despatch") == "http://127.0.0.1:9/EIrsaliyeWS/EIrsaliye"
    with pytest.raises(ConfigurationError):
        IzibizProvider(username="u", password="p", timeout=0)


def test_unsupported_operation_is_a_configuration_error():
    provider = IzibizProvider(username="u", password="p")
    with pytest.raises(ConfigurationError) as info:
        next(iter(provider.list_incoming("earchive")))
    assert info.value.code == "tr_edoc.provider.unsupported"


def test_redaction_blanks_credentials_and_sessions_in_any_namespace():
    raw = (
        b'<s:Envelope xmlns:s="x"><s:Body><ns0:LoginRequest xmlns:ns0="y"><REQUEST_HEADER>'
        b"<SESSION_ID>abc-123</SESSION_ID><APPLICATION_NAME>app</APPLICATION_NAME></REQUEST_HEADER>"
        b"<USER_NAME>izibiz-user</USER_NAME><ns0:PASSWORD attr='1'>s3cret</ns0:PASSWORD>"
        b"</ns0:LoginRequest></s:Body></s:Envelope>"
    )
    cleaned = redact(raw)
    for secret in (b"abc-123", b"izibiz-user", b"s3cret"):
        assert secret not in cleaned
    assert b"<APPLICATION_NAME>app</APPLICATION_NAME>" in cleaned
    assert cleaned.count(b"***") == 3
    etree.fromstring(cleaned)


def test_batches_split_at_100_documents():
    batches = plan_batches(list(range(250)), lambda item: 1000)
    assert [len(batch) for batch in batches] == [100, 100, 50]
    assert [item for batch in batches for item in batch] == list(range(250))


def test_batches_split_by_encoded_size_under_5_mb():
    sizes = [900_000] * 8  # 7.2 MB of payload, 100 documents would be allowed by count
    batches = plan_batches(list(range(8)), lambda item: sizes[item])
    assert len(batches) == 2
    for batch in batches:
        assert sum(sizes[i] for i in batch) < MAX_REQUEST_BYTES
    assert [len(batch) for batch in batches] == [5, 3]


def test_base64_size_matches_encoder():
    import base64

    for size in (0, 1, 2, 3, 4, 1000, 1001):
        assert _b64_size(size) == len(base64.b64encode(b"x" * size))


def test_zip_round_trip_and_zip_bomb_limit():
    content = b"<Invoice>" + b"a" * 10_000 + b"</Invoice>"
    zipped = zip_document("x.xml", content)
    assert zipped.startswith(b"PK\x03\x04")
    assert unzip_single(zipped) == content
    assert unzip_single(content) == content
    with pytest.raises(XmlSecurityError):
        unzip_single(zipped, limit=1000)


@pytest.mark.parametrize(
    ("code", "cls", "reason", "retryable"),
    [
        (-1, RemoteRejected, "unexpected", True),
        (10002, AuthError, "session_not_created", False),
        (10003, ValidationFailed, "schematron", False),
        (10004, AuthError, "session_invalid", True),
        (10009, DuplicateDocument, "duplicate", False),
        (10010, RemoteRejected, "request_too_large", False),
        (10017, DuplicateDocument, "duplicate", False),
        (10018, AuthError, "unauthorised_access", False),
    ],
)
def test_error_codes_map_to_typed_errors(code, cls, reason, retryable):
    error = izibiz_codes.error_from_remote(str(code), "detail text", "SendInvoice")
    assert type(error) is cls
    assert error.code == f"tr_edoc.izibiz.{reason}"
    assert error.retryable is retryable
    assert error.remote_code == str(code)
    assert error.params["remote_message"] == "detail text"
    assert error.params["message_tr"]


def test_every_generic_code_of_the_guide_is_mapped_with_both_languages():
    assert set(izibiz_codes.ERRORS) == {-1, *range(10001, 10019)}
    for info in izibiz_codes.ERRORS.values():
        assert info.tr and info.en and info.tr != info.en


def test_response_window_text_wins_over_generic_code():
    error = izibiz_codes.error_from_remote(
        "10013", "Uygulama yanıtı 8 gün geciktiği için cevap gönderilemez", "X"
    )
    assert error.code == "tr_edoc.izibiz.response_window_closed"
    assert not error.retryable
    unknown = izibiz_codes.error_from_remote("99999", "boom", "X")
    assert unknown.code == "tr_edoc.izibiz.unknown_error"


def test_session_errors_are_recognised():
    assert izibiz_codes.is_session_error(izibiz_codes.error_from_remote("10004", "", "X"))
    assert izibiz_codes.is_session_error(izibiz_codes.error_from_remote("10002", "", "X"))
    assert not izibiz_codes.is_session_error(izibiz_codes.error_from_remote("10006", "", "X"))


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (1300, GibOutcome.SUCCESS),
        (1000, GibOutcome.WAIT),
        (1200, GibOutcome.WAIT),
        (1210, GibOutcome.WAIT),
        (1220, GibOutcome.WAIT),
        (1110, GibOutcome.RESEND),
        (1163, GibOutcome.RESEND),
        (1195, GibOutcome.RESEND),
        (1215, GibOutcome.RESEND),
        (1230, GibOutcome.RESEND),
        (1196, GibOutcome.UNKNOWN),
        (None, GibOutcome.WAIT),
    ],
)
def test_gib_status_classification(code, outcome):
    assert classify_gib_status(code) is outcome


def test_gib_status_text_in_two_languages():
    assert gib_status_text(1300) == "Completed successfully"
    assert gib_status_text(1300, "tr") == "BAŞARIYLA TAMAMLANDI"
    assert gib_status_text(4242) == ""


def test_izibiz_status_helpers():
    assert izibiz_codes.substatus("SUCCEED - ACCEPTED_SUCCEED") == "ACCEPTED_SUCCEED"
    assert izibiz_codes.commercial_answer("SUCCEED - ACCEPTED_SUCCEED") == "KABUL"
    assert izibiz_codes.commercial_answer("REJECTED_SUCCEED") == "RED"
    assert izibiz_codes.commercial_answer("SEND_SUCCEED") is None


def _user_list_zip(xml_bytes):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the caller's with
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users", xml_bytes)
    spool.seek(0)
    return spool


def test_user_list_streams_izibiz_rows_from_a_zip():
    xml = reference_path("userlists", "izibiz-GetUserListResponse.excerpt.xml").read_bytes()
    expected = etree.fromstring(xml).findall("USER")
    with _user_list_zip(xml) as spool:
        users = list(group_rows(iter_izibiz_rows(spool)))
    assert sum(len(user.aliases) for user in users) == len(expected) == 18
    first = users[0]
    assert first.identifier == expected[0].findtext("IDENTIFIER")
    assert first.aliases[0].unit == expected[0].findtext("UNIT")
    assert first.aliases[0].document_type == expected[0].findtext("DOCUMENT_TYPE")
    assert first.registered_at.isoformat() == expected[0].findtext("REGISTER_TIME")


def test_user_list_groups_consecutive_aliases_and_keeps_deletions():
    xml = (
        b"<GetUserListResponse xmlns='http://schemas.i2i.com/ei/wsdl'>"
        b"<USER xmlns=''><IDENTIFIER>1</IDENTIFIER><ALIAS>urn:mail:a@x</ALIAS><UNIT>PK</UNIT>"
        b"<DOCUMENT_TYPE>INVOICE</DOCUMENT_TYPE><TITLE>One</TITLE></USER>"
        b"<USER xmlns=''><IDENTIFIER>1</IDENTIFIER><ALIAS>urn:mail:b@x</ALIAS><UNIT>GB</UNIT>"
        b"<DOCUMENT_TYPE>INVOICE</DOCUMENT_TYPE><DELETED>Y</DELETED>"
        b"<DELETION_TIME>2024-01-02T03:04:05</DELETION_TIME></USER>"
        b"<USER xmlns=''><IDENTIFIER>2</IDENTIFIER><ALIAS>urn:mail:c@x</ALIAS><UNIT>PK</UNIT>"
        b"<DOCUMENT_TYPE>DESPATCHADVICE</DOCUMENT_TYPE></USER></GetUserListResponse>"
    )
    with _user_list_zip(xml) as spool:
        users = list(group_rows(iter_izibiz_rows(spool)))
    assert [(u.identifier, len(u.aliases)) for u in users] == [("1", 2), ("2", 1)]
    assert users[0].aliases[1].deleted and users[0].aliases[1].deleted_at.day == 2
    assert not users[0].aliases[0].deleted


def test_user_list_refuses_doctype():
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><GetUserListResponse/>'
    with _user_list_zip(xml) as spool, pytest.raises(XmlSecurityError):
        list(iter_izibiz_rows(spool))


def test_request_schema_check_accepts_valid_and_refuses_invalid_bodies():
    provider = IzibizProvider(
        username="u", password="p", wsdl_dir=reference_path("wsdl", "izibiz"), base_url="http://127.0.0.1:9"
    )
    service = provider._service("einvoice")
    check = provider.schema_check("einvoice")
    message = service.client.create_message(
        service.service,
        "SendInvoice",
        REQUEST_HEADER={"SESSION_ID": "s", "APPLICATION_NAME": "a", "COMPRESSED": "Y"},
        RECEIVER={"vkn": "1", "alias": "urn:mail:x"},
        INVOICE=[{"UUID": "u", "CONTENT": b"PK"}],
    )
    operation = service.binding.get("SendInvoice")
    check.egress(message, {}, operation, {})
    assert check.checked == 1
    body = message.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]
    etree.SubElement(body, "NOT_IN_THE_WSDL")
    with pytest.raises(ValidationFailed) as info:
        check.egress(message, {}, operation, {})
    assert info.value.code == "tr_edoc.soap.request_schema"


def test_offline_wsdl_folder_blocks_remote_loading(tmp_path):
    folder = tmp_path / "EFaturaOIB" / "local"
    folder.mkdir(parents=True)
    (folder / "EFaturaOIB1.wsdl").write_text(
        '<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:x">'
        '<import namespace="urn:y" location="http://127.0.0.1:9/remote.wsdl"/></definitions>'
    )
    provider = IzibizProvider(username="u", password="p", wsdl_dir=tmp_path, base_url="http://127.0.0.1:9")
    with pytest.raises(ConfigurationError) as info:
        provider._service("einvoice")
    assert info.value.code == "tr_edoc.soap.remote_blocked"


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_before_sending_is_a_transport_error():
    provider = IzibizProvider(
        username="u",
        password="p",
        wsdl_dir=reference_path("wsdl", "izibiz"),
        base_url=f"http://127.0.0.1:{_closed_port()}",
        timeout=2,
    )
    document = OutgoingDocument(uuid="u", xml=b"<Invoice/>", receiver_vkn="1", receiver_alias="a")
    with pytest.raises(TransportError) as info:
        provider.send_invoices([document])
    assert info.value.retryable
    assert info.value.code == "tr_edoc.soap.unreachable"
    check = provider.check_connection()
    assert not check.ok and "Could not reach" in check.message
    assert provider.supports(EINVOICE)


def test_red_answer_needs_a_reason_before_anything_is_sent():
    provider = IzibizProvider(username="u", password="p", base_url=f"http://127.0.0.1:{_closed_port()}")
    with pytest.raises(ValidationFailed):
        provider.send_application_response(["u"], "RED", "")
    with pytest.raises(ValidationFailed):
        provider.send_application_response(["u"], "IADE", "x")
    assert provider.login_count == 0
