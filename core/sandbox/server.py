"""The loopback İzibiz-compatible SOAP server and the ``Sandbox`` object tests drive.

It binds 127.0.0.1 only, answers on İzibiz's service paths with İzibiz's WSDL contracts, and
keeps all state in memory. It is a test double: it never talks to İzibiz or GİB.
"""

import base64
import contextlib
import itertools
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from ..errors import ConfigurationError
from .clock import SandboxClock
from .demo import (
    DEMO_COMPANIES,
    DEMO_GIB_USERS,
    DEMO_RED_BUYER,
    DEMO_RED_REASON,
    REJECTING_ALIAS,
    demo_despatch_xml,
)
from .earsivbelge import desk as earsivbelge_desk
from .frontends import integrator_frontends
from .ledger import call_proxy
from .operations import OPERATIONS, StreamedFile, _answerable, _deliver, _record_answer, credit
from .reconciliation import call_documented
from .soap import SOAP_ENV, MalformedRequest, load_services, parse_envelope
from .state import PLATFORM_FAILURES, Answer, Company, IzibizError, Store, read_facts
from .streaming import StreamedBody
from .userlist import GIB_DESPATCH_ALIAS, GIB_DESPATCH_VKN, GibUser, UserRegistry
from .zreport import register as register_zreport

register_zreport()

WSDL_DIR_ENV = "L10N_TR_EDOC_IZIBIZ_WSDL_DIR"
BILLING_PATH = "/BillingWS"
BILLING_NS = "http://schemas.i2i.com/ei/wsdl"
FAULT_KINDS = ("drop_after_accept", "http_500", "slow", "expire_session", "duplicate")


@dataclass
class _Fault:
    kind: str
    times: int
    seconds: float


class FaultPlan:
    """Misbehaviour armed per operation name ("*" for any), consumed one request at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._armed = {}

    def inject(self, operation, kind, *, times=1, seconds=5.0):
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        with self._lock:
            self._armed.setdefault(operation, []).append(_Fault(kind, times, seconds))

    def clear(self):
        with self._lock:
            self._armed.clear()

    def take(self, operation):
        with self._lock:
            for key in (operation, "*"):
                queue = self._armed.get(key)
                if queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.pop(0)
                    return fault
        return None


class Sandbox:
    def __init__(self, wsdl_dir=None, *, clock=None, kolaysoft_wsdl_dir=None):
        wsdl_dir = wsdl_dir or os.environ.get(WSDL_DIR_ENV)
        if not wsdl_dir:
            raise ConfigurationError(
                f"no İzibiz WSDL folder: pass wsdl_dir or set {WSDL_DIR_ENV}", code="tr_edoc.sandbox.wsdl_dir"
            )
        self.wsdl_dir = Path(wsdl_dir)
        self.clock = clock or SandboxClock()
        self.store = Store(self.clock)
        self.registry = UserRegistry()
        self.faults = FaultPlan()
        self.services = load_services(self.wsdl_dir)
        self.frontends = integrator_frontends(self, kolaysoft_wsdl_dir or self.wsdl_dir.parent / "kolaysoft")
        self.request_log = []
        self.internal_errors = []
        """Unexpected exceptions met while answering (a sandbox bug, answered as İzibiz's -1)."""
        self._counts = Counter()
        self._log_lock = threading.Lock()
        self._txn = itertools.count(1)
        self.registry.add(
            GibUser(
                GIB_DESPATCH_VKN,
                "GELİR İDARESİ BAŞKANLIĞI",
                GIB_DESPATCH_ALIAS,
                "PK",
                "DESPATCHADVICE",
                self.clock.now(),
                self.clock.now(),
                type="KAMU",
            )
        )

    # configuration -----------------------------------------------------------------------

    @property
    def session_lifetime(self):
        return self.store.session_lifetime

    @session_lifetime.setter
    def session_lifetime(self, value):
        self.store.session_lifetime = value

    def add_company(
        self,
        *,
        vkn,
        title,
        username,
        password,
        gb_alias,
        pk_alias,
        despatch_gb_alias=None,
        despatch_pk_alias=None,
        credit_loaded=1000,
    ):
        company = Company(
            vkn,
            title,
            username,
            password,
            gb_alias,
            pk_alias,
            despatch_gb_alias,
            despatch_pk_alias,
            credit_loaded,
        )
        with self.store.lock:
            self.store.companies[vkn] = company
        for user in self.store.gib_users_for(company):
            self.registry.add(user)
        return company

    def seed_demo(self):
        for demo in DEMO_COMPANIES:
            self.add_company(**demo.__dict__)
        self.reject_alias(REJECTING_ALIAS, 1150)

    @property
    def receipts(self):
        """The e-SMM / e-MM desk (status timings, contracts without e-mail/SMS, what was sent)."""
        return earsivbelge_desk(self)

    def seed_demo_gib_users(self):
        """The customs mailbox and a public-sector user in the GİB list, so export and KAMU can be tried."""
        now = self.clock.now()
        for vkn, title, alias, kind in DEMO_GIB_USERS:
            if not self.registry.lookup(vkn, "INVOICE"):
                self.registry.add(GibUser(vkn, title, alias, "PK", "INVOICE", now, now, type=kind))

    def seed_run_demo(self):
        """Everything the run command's sandbox holds at start (``python -m core.sandbox``)."""
        self.seed_demo()
        self.seed_demo_gib_users()
        return self.seed_demo_journeys()

    def seed_demo_journeys(self):
        """What a new user of the run command meets without a script: a buyer answering RED to
        TICARIFATURA, and an e-İrsaliye from the second demo company waiting for the first."""
        buyer = self.add_company(**DEMO_RED_BUYER.__dict__)
        self.answer_automatically(buyer.vkn, "RED", DEMO_RED_REASON)
        own, supplier = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
        return self.deliver_despatch(
            supplier.vkn, own.vkn, demo_despatch_xml(supplier, own, self.clock.now())
        )

    def answer_automatically(self, vkn, code, reason=""):
        """``vkn`` answers ``code`` to every TICARIFATURA delivered to it from now on, as a buyer
        answering on its portal the moment the invoice arrives."""
        if code not in ("KABUL", "RED"):
            raise ValueError(f"answer {code!r}: expected KABUL or RED")
        with self.store.lock:
            self.store.auto_answers[vkn] = (
                code,
                reason or ("Fatura kabul edildi" if code == "KABUL" else "Reddedildi"),
            )

    def deliver_despatch(self, sender_vkn, receiver_vkn, xml):
        """An e-İrsaliye ``sender_vkn`` sent through its own integrator, now in ``receiver_vkn``'s inbox."""
        facts = read_facts(xml)
        with self.store.lock:
            sender, receiver = self.store.companies[sender_vkn], self.store.companies[receiver_vkn]
            _deliver(
                self,
                sender,
                "DESPATCH",
                [(facts, xml)],
                sender_alias=sender.despatch_gb_alias,
                receiver_vkn=receiver.vkn,
                receiver_alias=receiver.despatch_pk_alias,
                document_type="DESPATCHADVICE",
            )
        return facts

    def fail_on_platform(self, alias, status_code=136):
        """Documents sent to this alias fail on the integrator's own platform (packaging 105,
        signing 106, sending 136, auto-send 139): their status says so and carries no GİB code."""
        if status_code not in PLATFORM_FAILURES:
            raise ValueError(
                f"unknown platform failure {status_code}; expected one of {sorted(PLATFORM_FAILURES)}"
            )
        with self.store.lock:
            self.store.platform_failures[alias] = status_code

    def fail_next_answer(self, uuid):
        """The next KABUL/RED given to the incoming invoice ``uuid`` fails at GİB (ACCEPT_FAILED /
        FAILED once processed): it never reaches the sender and may be given again in the window."""
        with self.store.lock:
            self.store.answer_failures.add(uuid)

    def answer_on_portal(self, vkn, uuid, code, description=""):
        """KABUL/RED given on İzibiz's portal by ``vkn`` to its incoming TICARIFATURA ``uuid``: no API
        call, refused like an API answer (one answer, 8 days), routed to the sender the same way."""
        now = self.clock.now()
        with self.store.lock:
            doc = _answerable(self, vkn, None, uuid, now)
            description = description or ("Fatura kabul edildi" if code == "KABUL" else "Reddedildi")
            _record_answer(self, doc, Answer(code, description, now, portal=True))

    def without_email_service(self, vkn, without=True):
        """The company has no İzibiz e-mail service: EARSIV_EMAIL_FLAG=Y and GetEmailEarchiveInvoice
        are refused, as İzibiz refuses them."""
        with self.store.lock:
            (self.store.no_email_service.add if without else self.store.no_email_service.discard)(vkn)

    def reject_alias(self, alias, gib_code=1150):
        """Documents sent to this alias fail at the simulated GİB with ``gib_code``."""
        self.store.gib_rejections[alias] = gib_code

    # introspection -----------------------------------------------------------------------

    def txn_id(self):
        return next(self._txn)

    def documents(self, vkn=None, direction=None, kind=None):
        with self.store.lock:
            docs = list(self.store.docs.values())
        return sorted(
            (
                d
                for d in docs
                if (vkn is None or d.owner_vkn == vkn)
                and (direction is None or d.direction == direction)
                and (kind is None or d.kind == kind)
            ),
            key=lambda d: d.list_id,
        )

    def status(self, doc):
        return self.store.status(doc)

    def throttle(self, *, fetch_gap=timedelta(minutes=5), status_gap=timedelta(hours=4)):
        """Refuse polling faster than İzibiz's rules, as a throttling integrator would.

        Refused with 10013 "Gönderilen istek geçersizdir. Hata sebebi Sık sorgulama yapmayınız: …":
        a new listing of incoming documents (GetInvoice, GetDespatchAdvice, GetReceiptAdvice
        without UUID or ID) less than ``fetch_gap`` after the previous listing ended (the manual
        button's 5 minutes by default; a page shorter than its LIMIT ends a listing, the next page
        of a full one is no new listing), and a status query (GetInvoiceStatus,
        GetInvoiceStatusAll) for an ETTN asked less than ``status_gap`` before. ``None`` lifts a
        limit.
        """
        with self.store.lock:
            self.store.fetch_gap = fetch_gap
            self.store.status_gap = status_gap

    def login_count(self, username):
        """Logins of one account (İzibiz asks for one session reused, not one per request)."""
        with self.store.lock:
            return self.store.logins[username]

    def logout_count(self, username):
        with self.store.lock:
            return self.store.logouts[username]

    def open_sessions(self, username):
        with self.store.lock:
            return sum(1 for session in self.store.sessions.values() if session.username == username)

    def request_count(self, operation):
        with self._log_lock:
            return self._counts[operation]

    def _log(self, operation):
        with self._log_lock:
            self._counts[operation] += 1
            self.request_log.append((self.clock.now(), operation))

    # serving -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self, host="127.0.0.1", port=0):
        if host != "127.0.0.1":
            raise ConfigurationError("the sandbox binds 127.0.0.1 only", code="tr_edoc.sandbox.host")
        httpd = _Server((host, port), _handler_for(self))
        thread = threading.Thread(target=httpd.serve_forever, name="izibiz-sandbox", daemon=True)
        thread.start()
        try:
            yield ServerHandle(httpd)
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join()

    # dispatch ----------------------------------------------------------------------------

    def call(self, service, raw):
        """Answer one SOAP request: (HTTP status, body bytes or StreamedFile parts, fault or None)."""
        try:
            envelope, payload = parse_envelope(raw)
            op = service.operation(payload)
        except MalformedRequest as exc:
            return (
                500,
                service.render_fault(10013, f"Gönderilen istek geçersizdir. Hata sebebi {exc}", 0, True),
                None,
            )
        self._log(op.name)
        fault = self.faults.take(op.name)
        if fault and fault.kind == "http_500":
            return 500, b"500 Internal Server Error", fault
        if fault and fault.kind == "slow":
            time.sleep(fault.seconds)
        handler = OPERATIONS.get(op.name)
        try:
            if handler is None:
                raise IzibizError(10015, f"Servis desteklenmemektedir. {op.name}")
            try:
                service.validate(payload)
            except MalformedRequest as exc:
                raise IzibizError(10013, f"Gönderilen istek geçersizdir. Hata sebebi {exc}") from exc
            request = op.input.deserialize(envelope)
            if [name for name, _ in op.input.body.type.elements] == ["REQUEST_HEADER"]:
                request = SimpleNamespace(REQUEST_HEADER=request)
            header = getattr(request, "REQUEST_HEADER", None)
            if header is not None and op.name != "Login" and not header.APPLICATION_NAME:
                raise IzibizError(
                    10013, "Gönderilen istek geçersizdir. Hata sebebi APPLICATION_NAME zorunludur"
                )
            if fault and fault.kind == "expire_session" and header is not None:
                self.store.expire(header.SESSION_ID)
            result = handler(self, request)
            if fault and fault.kind == "duplicate":
                raise IzibizError(
                    10009, "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir. ID: ve UUID:"
                )
            body = _render(service, op, result)
        except IzibizError as exc:
            return 500, service.render_fault(exc.code, exc.text, self.txn_id()), fault
        except Exception as exc:
            self.internal_errors.append(exc)
            text = f"Beklenmedik bir hata oluştu. Lütfen daha sonra tekrar deneyiniz: {type(exc).__name__}"
            return 500, service.render_fault(-1, text, self.txn_id()), fault
        return 200, body, fault

    def call_billing(self, raw):
        """GetCredit from İzibiz's documented BillingWS fields; İzibiz publishes no WSDL for it."""
        try:
            _envelope_node, payload = parse_envelope(raw)
            if payload.tag != f"{{{BILLING_NS}}}GetCreditRequest":
                raise MalformedRequest(f"no operation takes {payload.tag}")
            names = [etree.QName(child).localname for child in payload]
            if not set(names) <= {"REQUEST_HEADER", "CREDIT_DETAIL_FLAG"} or "REQUEST_HEADER" not in names:
                raise MalformedRequest("GetCreditRequest holds REQUEST_HEADER and CREDIT_DETAIL_FLAG only")
        except MalformedRequest as exc:
            return 500, _billing_fault(10013, f"Gönderilen istek geçersizdir. Hata sebebi {exc}", 0), None
        self._log("GetCredit")
        fault = self.faults.take("GetCredit")
        if fault and fault.kind == "http_500":
            return 500, b"500 Internal Server Error", fault
        try:
            session = self.store.session(
                payload.xpath("string(./*[local-name()='REQUEST_HEADER']/*[local-name()='SESSION_ID'])")
            )
        except IzibizError as exc:
            return 500, _billing_fault(exc.code, exc.text, self.txn_id()), fault
        answer = etree.Element(f"{{{BILLING_NS}}}GetCreditResponse", nsmap={None: BILLING_NS})
        for key, value in credit(self, session.vkn).items():
            etree.SubElement(answer, f"{{{BILLING_NS}}}{key}").text = str(value)
        return 200, _envelope(answer), fault


def _envelope(payload):
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _billing_fault(code, text, txn_id):
    fault = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap-env:Server"
    etree.SubElement(fault, "faultstring").text = text
    error = etree.SubElement(etree.SubElement(fault, "detail"), f"{{{BILLING_NS}}}RequestFault")
    for key, value in (("INTL_TXN_ID", txn_id), ("ERROR_CODE", code), ("ERROR_SHORT_DES", text)):
        etree.SubElement(error, key).text = str(value)
    return _envelope(fault)


def _render(service, op, result):
    names = {name for name, _ in op.output.body.type.elements} | {
        name for name, _ in op.output.body.type.attributes
    }
    result = {key: value for key, value in result.items() if key in names}
    streamed = {key: value for key, value in result.items() if isinstance(value, StreamedFile)}
    if not streamed:
        return service.render(op, result)
    ((key, stream),) = streamed.items()
    marker = b"\x00\x01\x02"
    text = service.render(op, {**result, key: {"_value_1": marker}})
    head, tail = text.split(base64.b64encode(marker), 1)
    return StreamedBody(head, Path(stream.path), tail)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


@dataclass(frozen=True)
class ServerHandle:
    httpd: ThreadingHTTPServer

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"


def _handler_for(sandbox):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "IzibizSandbox/1.0"

        def log_message(self, format, *args):
            return

        def _frontend(self, method):
            """Kolaysoft/Nilvera paths; returns False when no front-end serves the path."""
            parts = urlsplit(self.path)
            frontend = next((f for f in sandbox.frontends if f.handles(parts.path)), None)
            if frontend is None:
                return False
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, body, content_type, fault = frontend.handle(
                method, parts.path, parts.query, self.headers, raw
            )
            if fault and fault.kind == "drop_after_accept":
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return True
            self._send(status, body, content_type)
            return True

        def do_PUT(self):
            if not self._frontend("PUT"):
                self._send(404, b"not found", "text/plain")

        def do_GET(self):
            if self._frontend("GET"):
                return
            parts = urlsplit(self.path)
            query = parse_qs(parts.query, keep_blank_values=True)
            service = sandbox.services.get(parts.path)
            base = f"http://{self.headers.get('Host') or '127.0.0.1'}"
            text = None
            if service is not None and "wsdl" in query:
                text = service.wsdl_text(base)
            elif service is not None and query.get("xsd"):
                text = service.xsd_text(query["xsd"][0], base)
            if text is None:
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, text.encode("utf-8"), "text/xml; charset=utf-8")

        def do_POST(self):
            if self._frontend("POST"):
                return
            path = urlsplit(self.path).path
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            documented = call_proxy(sandbox, path, raw) or call_documented(sandbox, path, raw)
            if documented is not None:
                status, body, fault = documented
            elif path == BILLING_PATH:
                status, body, fault = sandbox.call_billing(raw)
            elif path in sandbox.services:
                status, body, fault = sandbox.call(sandbox.services[path], raw)
            else:
                self._send(404, b"not found", "text/plain")
                return
            if fault and fault.kind == "drop_after_accept":
                if isinstance(body, StreamedBody):
                    body.path.unlink(missing_ok=True)
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            is_text = isinstance(body, bytes) and not body.startswith(b"<")
            content_type = "text/plain" if is_text else "text/xml; charset=utf-8"
            self._send(status, body, content_type)

        def _send(self, status, body, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            streamed = isinstance(body, StreamedBody)
            self.send_header("Content-Length", str(body.length() if streamed else len(body)))
            self.end_headers()
            if streamed:
                body.write(self.wfile)
            else:
                self.wfile.write(body)

    return Handler
