"""A large Base64 SOAP element is decoded to a file as it streams in, never held whole in memory."""

import base64
import hashlib
import io
import random
import tempfile
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import zeep.exceptions

from core.providers import soap
from core.providers.soap import SoapTransport

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>'
    b'<ns2:GetGibUserListResponse xmlns:ns2="http://schemas.i2i.com/ei/wsdl">'
    b"<REQUEST_RETURN><RETURN_CODE>0</RETURN_CODE></REQUEST_RETURN>"
    b'<ns2:CONTENT xmlns:xmime="http://www.w3.org/2005/05/xmlmime" xmime:contentType="application/zip">'
)
TAIL = b"</ns2:CONTENT></ns2:GetGibUserListResponse></S:Body></S:Envelope>"


def _wrapped_base64(payload):
    """Base64 in 76-character lines, some ended by a character reference, as some SOAP stacks send it."""
    text = base64.b64encode(payload)
    lines = [text[i : i + 76] for i in range(0, len(text), 76)]
    return b"".join(line + (b"&#13;\n" if n % 3 else b"\n") for n, line in enumerate(lines))


@pytest.fixture
def serve():
    """Serve a fixed body in small irregular writes from a thread; yields a function taking the body."""
    servers = []

    def start(body):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                view, step = memoryview(body), 7001
                for offset in range(0, len(body), step):
                    self.wfile.write(view[offset : offset + step])

            def log_message(self, *args):
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _post(url, sink):
    transport = SoapTransport(timeout=30)
    transport.begin("GetGibUserList", False, spool=("CONTENT", sink))
    return transport, transport.post(url, b"<x/>", {"Content-Type": "text/xml"})


def test_large_content_is_decoded_to_the_file_in_bounded_memory(serve):
    payload = random.Random(7).randbytes(6_000_000)
    body = HEAD + _wrapped_base64(payload) + TAIL
    url = serve(body)
    with tempfile.TemporaryFile() as sink:
        tracemalloc.start()
        try:
            transport, response = _post(url, sink)
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        sink.seek(0)
        assert hashlib.sha256(sink.read()).digest() == hashlib.sha256(payload).digest()
    assert response.content == HEAD + TAIL
    assert transport.last_exchange().response == HEAD + TAIL
    assert peak < len(body) / 4, f"{peak:,} bytes traced for a {len(body):,} byte answer"


def test_answer_without_the_element_passes_whole(serve):
    fault = (
        b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>'
        b"<faultcode>S:Server</faultcode><faultstring>no</faultstring><CONTENT/></S:Fault></S:Body></S:Envelope>"
    )
    with tempfile.TemporaryFile() as sink:
        sink.write(b"left over from an earlier attempt")
        _transport, response = _post(serve(fault), sink)
        assert sink.tell() == 0
    assert response.content == fault


def test_damaged_base64_is_a_transport_error(serve):
    body = HEAD + base64.b64encode(b"zip bytes")[:-1] + TAIL
    with tempfile.TemporaryFile() as sink, pytest.raises(zeep.exceptions.TransportError, match="Base64"):
        _post(serve(body), sink)


@pytest.mark.parametrize("chunk", [1, 3, 4, 5, 7, 64])
def test_every_split_of_the_answer_decodes_alike(monkeypatch, chunk):
    """Tags, character references and Base64 groups cut anywhere by the network still decode."""
    payload = bytes(range(256)) * 3
    body = HEAD + _wrapped_base64(payload) + TAIL
    monkeypatch.setattr(soap, "_SPOOL_CHUNK", chunk)
    answer = requests.Response()
    answer.status_code, answer.raw = 200, io.BytesIO(body)
    with tempfile.TemporaryFile() as sink:
        response = soap._spooled_response(answer, "CONTENT", sink)
        sink.seek(0)
        assert sink.read() == payload
    assert response.content == HEAD + TAIL
