"""Hostile archives and SOAP garbage end in the project's typed errors, never a bare exception."""

import io
import zipfile

import pytest

from core import zipsafe
from core.errors import EdocError, ParseError, TransportError, UnknownOutcome, XmlSecurityError
from core.providers.gib_userlist import iter_izibiz_rows
from core.providers.izibiz import IzibizSandboxProvider, unzip_single, zip_document
from core.tests.conftest import reference_path
from core.tests.http_servers import send, serve
from core.validation.package import PackageError, checked_members, install

INVOICE = b"<Invoice>1</Invoice>"


def _patched(data, header, offset, value):
    """``data`` with ``value`` written at ``offset`` of every ``header`` record (local and central)."""
    data, at = bytearray(data), 0
    while (at := data.find(header, at)) >= 0:
        data[at + offset : at + offset + len(value)] = value
        at += 4
    return bytes(data)


def _encrypted(data):
    data = bytearray(data)
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(header)
        data[at + offset] |= 0x1
    return bytes(data)


def _impossible_date(data):
    """Month 15, day 31: a DOS date field no calendar has."""
    stamp = ((2024 - 1980) << 9 | 15 << 5 | 31).to_bytes(2, "little")
    data = _patched(data, b"PK\x03\x04", 12, stamp)
    return _patched(data, b"PK\x01\x02", 14, stamp)


def test_an_encrypted_member_is_refused():
    with pytest.raises(ParseError) as refused:
        unzip_single(_encrypted(zip_document("a.xml", INVOICE)))
    assert refused.value.code == "tr_edoc.zip.encrypted"


def test_a_damaged_member_is_a_typed_error():
    data = zip_document("a.xml", INVOICE * 100)
    start = data.index(b"a.xml") + len(b"a.xml")
    damaged = data[:start] + bytes(b ^ 0x55 for b in data[start : start + 20]) + data[start + 20 :]
    with pytest.raises(ParseError) as refused:
        unzip_single(damaged)
    assert refused.value.code == "tr_edoc.zip.malformed"
    with pytest.raises(ParseError):
        unzip_single(data[: len(data) // 2])


def test_an_unknown_compression_method_is_a_typed_error():
    data = _patched(zip_document("a.xml", INVOICE), b"PK\x03\x04", 8, (99).to_bytes(2, "little"))
    data = _patched(data, b"PK\x01\x02", 10, (99).to_bytes(2, "little"))
    with pytest.raises(ParseError):
        unzip_single(data)


def test_a_member_larger_than_allowed_is_cut():
    with pytest.raises(XmlSecurityError) as refused:
        unzip_single(zip_document("a.xml", b"0" * 5000), limit=1000)
    assert refused.value.code == "tr_edoc.zip.too_large"


def test_an_impossible_zip_date_is_a_typed_error(tmp_path):
    archive = zipsafe.open_zip(_impossible_date(zip_document("a.xml", INVOICE)))
    (member,) = zipsafe.files(archive)
    with pytest.raises(ParseError) as refused:
        zipsafe.member_datetime(member)
    assert refused.value.code == "tr_edoc.zip.bad_date"


def test_gib_package_with_an_impossible_date_is_refused_as_a_package_error(tmp_path):
    zips = {}
    for key, (folder, marker) in {
        "ubl": ("UBLTR_1.2.1_Paketi", "xsdrt/maindoc/UBL-Invoice-2.1.xsd"),
        "efatura": ("e-FaturaPaketi", "schematron/UBL-TR_Main_Schematron.xml"),
    }.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{folder}/{marker}", b"<x/>")
        zips[key] = _impossible_date(buffer.getvalue())
    assert checked_members(zips["ubl"], "ubl")
    with pytest.raises(PackageError, match="impossible date"):
        install(zips, tmp_path)
    with pytest.raises(PackageError, match="not a zip"):
        checked_members(_encrypted(zips["ubl"]), "ubl")


def test_a_damaged_user_list_is_a_typed_error():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.xml", b"<USERS>" + b"<USER><IDENTIFIER>1234567890</IDENTIFIER></USER>" * 2000)
    data = bytearray(buffer.getvalue())
    middle = len(data) // 2
    data[middle : middle + 16] = b"\xff" * 16
    with pytest.raises(EdocError):
        list(iter_izibiz_rows(io.BytesIO(bytes(data))))
    with pytest.raises(ParseError) as refused:
        list(iter_izibiz_rows(io.BytesIO(_encrypted(buffer.getvalue()))))
    assert refused.value.code == "tr_edoc.zip.encrypted"


@pytest.mark.parametrize(
    "answer",
    [
        b"garbage",
        b"<html><body>Gateway says hello</body></html>",
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body/></S:Envelope>',
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><x',
        b"",
    ],
    ids=["text", "html", "empty-body", "truncated", "nothing"],
)
def test_soap_garbage_is_a_typed_error(answer):
    with serve(lambda handler, _body: send(handler, 200, answer, "text/xml")) as server:
        provider = IzibizSandboxProvider(
            username="u",
            password="p",
            base_url=server.url,
            wsdl_dir=reference_path("wsdl", "izibiz"),
            timeout=5,
        )
        with pytest.raises(TransportError) as read:
            provider.login()
        assert read.value.params["exchange"] is not None
        provider._session_id = "session"
        with pytest.raises(UnknownOutcome):
            provider.send_application_response(["11111111-1111-4111-8111-111111111111"], "KABUL")
