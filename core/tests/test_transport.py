"""Bounded integrator transport against real HTTP servers on 127.0.0.1: deadline, size cap, redirects."""

import contextlib
import time

import pytest

from core.errors import EdocError, TransportError, UnknownOutcome
from core.providers.izibiz import IzibizSandboxProvider
from core.providers.nilvera import NilveraSandboxProvider
from core.providers.rest import RestClient
from core.providers.transport import (
    BoundedSession,
    DeadlineExceeded,
    RedirectRefused,
    ResponseTooLarge,
    is_loopback_url,
)
from core.tests.conftest import reference_path
from core.tests.http_servers import received, send, serve

SECRET = "s3cret-password-never-leaves"


def _drip_body(handler, _body):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(100):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)


def _drip_headers(handler, _body):
    with contextlib.suppress(OSError):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for number in range(100):
            handler.wfile.write(b"X-Drip-%d: 1\r\n" % number)
            handler.wfile.flush()
            time.sleep(0.1)


def _oversize_chunked(handler, _body):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b"x" * 65536
    with contextlib.suppress(OSError):
        for _ in range(64):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")


@pytest.mark.parametrize("behaviour", [_drip_body, _drip_headers], ids=["body", "headers"])
def test_a_dripping_server_hits_the_total_deadline(behaviour):
    """Each byte arrives well within the per-read timeout; the total deadline still ends the call."""
    with serve(behaviour) as server:
        session = BoundedSession(deadline=1)
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            session.get(server.url + "/slow", timeout=5)
        assert time.monotonic() - started < 3


def test_a_dripping_integrator_is_a_typed_error_within_the_deadline():
    with serve(_drip_body) as server:
        client = RestClient(server.url, api_key="k", timeout=1)
        started = time.monotonic()
        with pytest.raises(TransportError):
            client.request("Company", "GET", "/general/Company", submit=False)
        with pytest.raises(UnknownOutcome):
            client.request("SendInvoiceXml", "POST", "/einvoice/Send/Xml", submit=True)
        assert time.monotonic() - started < 5


def test_an_oversize_answer_is_cut():
    big = b"x" * (2 * 1024 * 1024)
    with (
        serve(lambda handler, _body: send(handler, 200, big)) as declared,
        serve(_oversize_chunked) as chunked,
    ):
        session = BoundedSession(deadline=10, max_bytes=1024 * 1024)
        with pytest.raises(ResponseTooLarge):
            session.get(declared.url)
        with pytest.raises(ResponseTooLarge):
            session.get(chunked.url)
        with pytest.raises(ResponseTooLarge), session.get(chunked.url, stream=True) as response:
            session.max_stream_bytes = 1024 * 1024
            for _chunk in response.iter_content(4096):
                pass
        assert len(BoundedSession(deadline=10).get(declared.url).content) == len(big)


def _redirect_to(target):
    return lambda handler, _body: send(handler, 307, b"", headers=[("Location", target + handler.path)])


def test_a_cross_origin_redirect_carries_nothing_there():
    """A 307 would resend the body (a SOAP login's password) and requests keeps the header on
    some redirects: the other origin must see no request at all."""
    with (
        serve(lambda handler, _body: send(handler, 200, b"{}")) as canary,
        serve(_redirect_to(canary.url)) as redirector,
    ):
        session = BoundedSession(deadline=5)
        with pytest.raises(RedirectRefused):
            session.post(
                redirector.url + "/login", data=SECRET.encode(), headers={"Authorization": f"Bearer {SECRET}"}
            )
        assert len(redirector.seen) == 1
        assert canary.seen == []


def test_a_same_origin_redirect_is_followed():
    def behaviour(handler, _body):
        if handler.path == "/old":
            send(handler, 308, b"", headers=[("Location", "/new")])
        else:
            send(handler, 200, b'{"ok": true}')

    with serve(behaviour) as server:
        response = BoundedSession(deadline=5).post(server.url + "/old", data=b"body")
        assert response.json() == {"ok": True}
        assert [(method, path, body) for method, path, _headers, body in server.seen] == [
            ("POST", "/old", b"body"),
            ("POST", "/new", b"body"),
        ]


def test_providers_do_not_follow_a_redirect_with_credentials():
    with (
        serve(lambda handler, _body: send(handler, 200, b"{}")) as canary,
        serve(_redirect_to(canary.url)) as redirector,
    ):
        nilvera = NilveraSandboxProvider(api_key=SECRET, base_url=redirector.url, timeout=5)
        assert not nilvera.check_connection().ok
        izibiz = IzibizSandboxProvider(
            username="user",
            password=SECRET,
            base_url=redirector.url,
            wsdl_dir=reference_path("wsdl", "izibiz"),
            timeout=5,
        )
        assert not izibiz.check_connection().ok
        assert received(redirector, SECRET)
        assert canary.seen == []


def test_nilvera_success_needs_its_json_body():
    """A captive portal's or proxy's HTML page with status 200 is not Nilvera saying yes."""
    html = b"<html><body>Welcome to the hotel Wi-Fi</body></html>"
    with serve(lambda handler, _body: send(handler, 200, html, "text/html")) as portal:
        provider = NilveraSandboxProvider(api_key="k", base_url=portal.url, timeout=5)
        with pytest.raises(TransportError) as read:
            provider.credit_balance()
        assert read.value.code == "tr_edoc.nilvera.not_json"
        assert read.value.params["exchanges"]
        with pytest.raises(UnknownOutcome) as submit:
            provider.send_application_response(["11111111-1111-4111-8111-111111111111"], "KABUL")
        assert submit.value.code == "tr_edoc.nilvera.not_json"
        assert not provider.check_connection().ok
    with serve(lambda handler, _body: send(handler, 200, b'{"Name": "x"}')) as wrong_shape:
        provider = NilveraSandboxProvider(api_key="k", base_url=wrong_shape.url, timeout=5)
        with pytest.raises(EdocError, match="documented JSON"):
            provider.credit_balance()


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8790", True),
        ("http://127.8.9.10/", True),
        ("https://localhost:8443/x", True),
        ("http://[::1]:8790", True),
        ("http://attacker.example", False),
        ("http://127.0.0.1.attacker.example", False),
        ("http://10.0.0.1", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_loopback_urls(url, loopback):
    assert is_loopback_url(url) is loopback
