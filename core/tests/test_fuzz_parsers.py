"""Property: whatever a supplier or an integrator sends, the parsers end in a typed error or a result.

Hypothesis mutates GİB's sample documents, a zipped answer, a zipped user list and a SOAP answer
(bytes flipped, spans cut or repeated, comments, processing instructions, entities, foreign digits,
huge numbers and namespace declarations dropped into text) for a fixed number of cases each, with a
fixed seed, and fails on any exception that is not an :class:`~core.errors.EdocError`.
"""

import io
import re
import zipfile

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import EdocError
from core.providers.gib_userlist import iter_izibiz_rows
from core.providers.izibiz import IzibizSandboxProvider, unzip_single, zip_document
from core.tests.conftest import reference_path
from core.ubl import parse

CASES = 2000
"""Cases per target; with a fixed seed the run is the same on every machine."""

FUZZ = settings(
    max_examples=CASES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

TOKENS = (
    b"<!---->",
    b"<?pi x?>",
    b"&amp;",
    b"&#x661;",
    "١٢".encode(),
    b"1e999999999",
    b"_",
    b"NaN",
    b"9" * 40,
    b"-",
    b".",
    b"<x/>",
    b"</",
    b"]]>",
    b"<![CDATA[1]]>",
    b"\x00",
    b'"',
    b'<y xmlns:a="urn:a" a:b="1"/>',
    b"&unknown;",
    "\u00a0".encode(),
)


def _sample(name):
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", name).read_bytes()


MUTATION = st.tuples(
    st.sampled_from(("flip", "cut", "repeat", "insert_text", "insert_any")),
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=0, max_value=255),
    st.integers(min_value=1, max_value=64),
    st.sampled_from(TOKENS),
)


def mutate(data, mutations):
    """Apply ``mutations``; ``insert_text`` aims at the start of an element's text, where values live."""
    data = bytearray(data)
    text_starts = [match.end() for match in re.finditer(rb">", data)]
    for kind, where, byte, length, token in mutations:
        if not data:
            break
        position = where % len(data)
        if kind == "flip":
            data[position] = byte
        elif kind == "cut":
            del data[position : position + length]
        elif kind == "repeat":
            data[position:position] = data[position : position + length]
        elif kind == "insert_text" and text_starts:
            start = min(text_starts[where % len(text_starts)], len(data))
            data[start:start] = token
        else:
            data[position:position] = token
    return bytes(data)


def typed_or_result(function, *args):
    try:
        return function(*args)
    except EdocError:
        return None


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("TicariFaturaOrnegi.xml", parse.parse_invoice),
        ("Irsaliye-Ornek1.xml", parse.parse_despatch_advice),
        ("KabulUygulamaYanitiOrnegi.xml", parse.parse_application_response),
        ("TEVKIFAT.xml", parse.document_summary),
    ],
)
def test_document_parsers_raise_only_typed_errors(name, parser):
    original = _sample(name)

    @FUZZ
    @given(st.lists(MUTATION, min_size=1, max_size=4))
    def run(mutations):
        typed_or_result(parser, mutate(original, mutations))

    run()


def _zip_flags(data, flags, date):
    """Mutations a byte fuzzer rarely finds: the encryption bit and an impossible DOS date."""
    data = bytearray(data)
    for header, flag_offset, date_offset in ((b"PK\x03\x04", 6, 10), (b"PK\x01\x02", 8, 12)):
        at = data.find(header)
        if at >= 0:
            data[at + flag_offset] |= flags
            data[at + date_offset : at + date_offset + 4] = date.to_bytes(4, "little")
    return bytes(data)


def test_zip_readers_raise_only_typed_errors():
    answer = zip_document("invoice.xml", _sample("TemelFaturaOrnegi.xml"))
    users = io.BytesIO()
    with zipfile.ZipFile(users, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "users.xml",
            '<USERS><USER xmlns=""><IDENTIFIER>1234567890</IDENTIFIER><ALIAS>urn:mail:a@b</ALIAS>'
            "<TITLE>A</TITLE></USER></USERS>",
        )
    user_list = users.getvalue()

    @FUZZ
    @given(
        st.lists(MUTATION, min_size=0, max_size=3),
        st.sampled_from((0, 0x1)),
        st.integers(min_value=0, max_value=2**32 - 1),
    )
    def run(mutations, flags, date):
        content = typed_or_result(unzip_single, mutate(_zip_flags(answer, flags, date), mutations))
        if content:
            typed_or_result(parse.parse_document, content)
        spool = io.BytesIO(mutate(_zip_flags(user_list, flags, date), mutations))
        typed_or_result(lambda: list(iter_izibiz_rows(spool)))

    run()


class _CannedSession:
    """Stands in for the network only: the real zeep client, transport and envelope check run."""

    headers = {}

    def __init__(self):
        self.body = b""

    def post(self, address, data=None, headers=None, timeout=None, stream=False):
        response = requests.Response()
        response.status_code, response._content, response.url = 200, self.body, address
        response.headers["Content-Type"] = "text/xml; charset=utf-8"
        return response


LOGIN_ANSWER = (
    b'<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
    b'<ns2:LoginResponse xmlns:ns2="http://schemas.i2i.com/ei/wsdl"><SESSION_ID>abc</SESSION_ID>'
    b"</ns2:LoginResponse></S:Body></S:Envelope>"
)
CHECK_USER_ANSWER = (
    b'<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
    b'<ns2:CheckUserResponse xmlns:ns2="http://schemas.i2i.com/ei/wsdl"><USER><IDENTIFIER>1234567890'
    b"</IDENTIFIER><ALIAS>urn:mail:a@b</ALIAS><TITLE>A</TITLE><TYPE>OZEL</TYPE>"
    b"<REGISTER_TIME>2020-01-01T00:00:00</REGISTER_TIME><UNIT>PK</UNIT><DOCUMENT_TYPE>INVOICE"
    b"</DOCUMENT_TYPE></USER></ns2:CheckUserResponse></S:Body></S:Envelope>"
)


def test_soap_answers_raise_only_typed_errors():
    provider = IzibizSandboxProvider(
        username="user", password="password", wsdl_dir=reference_path("wsdl", "izibiz"), timeout=5
    )
    canned = provider.transport.session = _CannedSession()

    @FUZZ
    @given(st.lists(MUTATION, min_size=1, max_size=4), st.booleans())
    def run(mutations, check_user):
        provider._session_id = None
        if check_user:
            canned.body = LOGIN_ANSWER
            provider.login()
            canned.body = mutate(CHECK_USER_ANSWER, mutations)
            typed_or_result(provider.check_user, "1234567890")
        else:
            canned.body = mutate(LOGIN_ANSWER, mutations)
            typed_or_result(provider.login)

    run()
