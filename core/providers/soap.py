"""zeep plumbing shared by the SOAP integrators: WSDL loading, timeouts, wire capture, typed failures.

Where a call failed decides what the caller may do next. A connection that was never made is a
:class:`TransportError` (safe to retry). Once the request bytes may have reached the server, a
timeout, a dropped connection or an HTTP 5xx without a SOAP answer is :class:`UnknownOutcome`
for submitting operations (query status before any resend) and a retryable
:class:`TransportError` for reads, which change nothing remotely.
"""

import binascii
import re
import threading
import time
from pathlib import Path

import requests
import zeep
import zeep.cache
import zeep.exceptions
import zeep.transports
import zeep.wsdl
from lxml import etree
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from ..errors import (
    ConfigurationError,
    EdocError,
    ParseError,
    TransportError,
    UnknownOutcome,
    ValidationFailed,
)
from ..xmlsafe import expect_root, load_xml
from .base import Exchange, Provider, redact
from .transport import MAX_RESPONSE_BYTES, BoundedSession

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"

_DOCUMENTS = {}
_DOCUMENTS_LOCK = threading.Lock()


class SoapTransport(zeep.transports.Transport):
    """A zeep transport with one deadline for everything, wire capture and failure classification.

    Its session is a :class:`~.transport.BoundedSession`: ``timeout`` is each call's total time,
    answers are size-capped and redirects to another origin are refused. ``offline`` forbids any
    remote WSDL/XSD fetch, so a local WSDL folder that still points at a remote schema fails at
    load time rather than reaching the internet.
    """

    def __init__(self, *, timeout, offline=False, cache=None):
        super().__init__(
            cache=cache, timeout=timeout, operation_timeout=timeout, session=BoundedSession(deadline=timeout)
        )
        self.offline = offline
        self.requests_sent = 0
        self._local = threading.local()

    def _load_remote_data(self, url):
        if self.offline:
            raise ConfigurationError(
                f"Remote loading of {url} is blocked: the WSDL folder must be self-contained",
                code="tr_edoc.soap.remote_blocked",
                params={"url": url},
            )
        try:
            return super()._load_remote_data(url)
        except requests.RequestException as exc:
            raise TransportError(
                f"Could not load the service description {url}: {exc}",
                code="tr_edoc.soap.wsdl_unreachable",
                params={"url": url},
            ) from exc

    def begin(self, operation, submit, spool=None):
        """``spool`` = (element name, binary file): that element's Base64 text is decoded into the
        file while the answer streams in, and zeep sees the envelope with the element left empty."""
        self._local.call = {"operation": operation, "submit": submit, "exchange": None, "spool": spool}

    def last_exchange(self):
        call = getattr(self._local, "call", None)
        return call and call["exchange"]

    def _record(self, message, response, started, status=None):
        call = self._local.call
        call["exchange"] = Exchange(
            operation=call["operation"],
            request=redact(message),
            response=redact(response),
            duration=time.perf_counter() - started,
            http_status=status,
        )

    def post(self, address, message, headers):
        call = getattr(self._local, "call", None) or {"operation": "?", "submit": True, "exchange": None}
        self._local.call = call
        started = time.perf_counter()
        self.requests_sent += 1
        spool = call.get("spool")
        try:
            response = self.session.post(
                address, data=message, headers=headers, timeout=self.operation_timeout, stream=bool(spool)
            )
            if spool:
                response = _spooled_response(response, *spool)
        except requests.RequestException as exc:
            self._record(message, b"", started)
            raise self._classify(exc, call) from exc
        self._record(message, response.content, started, response.status_code)
        if response.status_code >= 500 and not _is_soap_envelope(response.content):
            raise self._after_send(
                call,
                f"HTTP {response.status_code} from {address} without a SOAP answer",
                response.status_code,
            )
        try:
            response._content = _checked_envelope(response.content)
        except EdocError as exc:
            error = self._after_send(
                call, f"The integrator's answer is not a SOAP envelope: {exc.message}", response.status_code
            )
            error.code = "tr_edoc.soap.unreadable_answer"
            raise error from exc
        return response

    def _classify(self, exc, call):
        if _never_connected(exc):
            return TransportError(
                f"Could not connect to the integrator: {exc}",
                code="tr_edoc.soap.unreachable",
                params={"operation": call["operation"]},
            )
        return self._after_send(call, f"No complete answer from the integrator: {exc}", None)

    @staticmethod
    def _after_send(call, message, status):
        params = {"operation": call["operation"], "http_status": status}
        if call["submit"]:
            return UnknownOutcome(message, code="tr_edoc.soap.unknown_outcome", params=params)
        return TransportError(message, code="tr_edoc.soap.no_answer", params=params)


_SPOOL_CHUNK = 1 << 18
_START_TAG_MAX = 4096
_SPOOL_SKIPPED = re.compile(rb"\s+|&#(?:x[0-9a-fA-F]+|[0-9]+);")


def _spooled_response(response, element, sink):
    """Stream ``response``, decoding the Base64 text of its first ``element`` into ``sink``.

    A user list is hundreds of MB of Base64: held whole, zeep would keep the text, the decoded
    bytes and a parsed tree at once. Returns a response whose content is the envelope without it.
    """
    sink.seek(0)
    sink.truncate()
    start = re.compile(rb"<(?:[\w.-]+:)?" + element.encode() + rb"(?:\s[^>]*)?(?<!/)>")
    head, tail, pending = bytearray(), bytearray(), b""
    inside = done = False
    with response:
        for chunk in response.iter_content(_SPOOL_CHUNK):
            if done:
                tail += chunk
                continue
            text = chunk
            if not inside:
                head += chunk
                # Only the new bytes and a start tag's length before them: a long answer without
                # the element must not be searched again from its start for every chunk.
                found = start.search(head, max(0, len(head) - len(chunk) - _START_TAG_MAX))
                if not found:
                    continue
                inside, text = True, bytes(head[found.end() :])
                del head[found.end() :]
            end = text.find(b"<")
            pending = _decode_base64(pending + (text if end < 0 else text[:end]), sink, final=end >= 0)
            if end >= 0:
                done = True
                tail += text[end:]
        plain = requests.Response()
        plain.status_code, plain.headers, plain.url = response.status_code, response.headers, response.url
        plain.encoding, plain.reason = response.encoding, response.reason
        plain._content = bytes(head + tail)
    return plain


def _decode_base64(text, sink, final):
    """Decode whole 4-character groups of ``text`` into ``sink``; returns what waits for more."""
    keep = b""
    if not final:
        entity = text.rfind(b"&")
        if entity >= 0 and b";" not in text[entity:]:
            text, keep = text[:entity], text[entity:]
    text = _SPOOL_SKIPPED.sub(b"", text)
    cut = len(text) if final else len(text) - len(text) % 4
    try:
        sink.write(binascii.a2b_base64(text[:cut], strict_mode=True))
    except binascii.Error as exc:
        raise zeep.exceptions.TransportError(f"The answer's Base64 content is damaged: {exc}") from exc
    return text[cut:] + keep


def _never_connected(exc):
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _checked_envelope(content):
    """The answer through :mod:`..xmlsafe`, as zeep may read it.

    zeep's own parser recovers from broken XML and then fails with bare ``AttributeError`` or
    ``IndexError`` on what it recovered, and it takes a comment or processing instruction for an
    element; neither carries anything in a SOAP answer, so zeep gets the envelope without them.
    """
    root = load_xml(content, max_bytes=MAX_RESPONSE_BYTES)
    expect_root(root, f"{{{SOAP11_ENV}}}Envelope", f"{{{SOAP12_ENV}}}Envelope")
    body = root.find(f"{{{etree.QName(root).namespace}}}Body")
    if body is None or next(body.iterchildren(etree.Element), None) is None:
        raise ParseError("The SOAP envelope has no body element.", code="tr_edoc.soap.empty_body")
    strays = list(root.iter(etree.Comment, etree.ProcessingInstruction))
    if not strays:
        return content
    for stray in strays:
        _drop_keeping_tail(stray)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _drop_keeping_tail(node):
    """Remove a comment or PI, joining its tail to the text before it (``1<!---->0`` stays ``10``)."""
    parent, tail = node.getparent(), node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _is_soap_envelope(content):
    head = (content or b"")[:2048]
    return b"Envelope" in head and SOAP11_ENV.encode() in head


def make_transport(*, timeout, offline, cache_dir=None):
    cache = None
    if cache_dir and not offline:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        cache = zeep.cache.SqliteCache(path=str(Path(cache_dir) / "zeep-wsdl.sqlite"), timeout=86400)
    return SoapTransport(timeout=timeout, offline=offline, cache=cache)


def load_document(location, transport, settings):
    """Parse a WSDL once per process when it is a local file; remote ones go through the cache."""
    local = not str(location).startswith(("http://", "https://"))
    if not local:
        return zeep.wsdl.Document(str(location), transport, settings=settings)
    key = str(Path(location).resolve())
    with _DOCUMENTS_LOCK:
        document = _DOCUMENTS.get(key)
        if document is None:
            if not Path(key).is_file():
                raise ConfigurationError(
                    f"WSDL file {key} does not exist",
                    code="tr_edoc.soap.wsdl_missing",
                    params={"path": key},
                )
            document = zeep.wsdl.Document(key, transport, settings=settings)
            _DOCUMENTS[key] = document
    return document


class SoapService:
    """One WSDL service bound to an address of our choosing (test, production or sandbox)."""

    def __init__(self, location, address, transport, plugins=()):
        settings = zeep.Settings(strict=False, xml_huge_tree=False, forbid_entities=True, forbid_dtd=True)
        self.transport = transport
        document = load_document(location, transport, settings)
        self.client = zeep.Client(document, transport=transport, settings=settings, plugins=list(plugins))
        port = next(iter(next(iter(self.client.wsdl.services.values())).ports.values()))
        self.binding = port.binding
        self.service = self.client.create_service(port.binding.name, address)
        self.address = address

    def call(self, operation, *, submit, spool=None, **kwargs):
        """Run one operation; returns ``(result, exchange)`` or raises with the exchange attached."""
        self.transport.begin(operation, submit, spool)
        try:
            result = getattr(self.service, operation)(**kwargs)
        except zeep.exceptions.Fault as fault:
            fault.exchange = self.transport.last_exchange()
            raise
        except (TransportError, UnknownOutcome) as exc:
            exc.params["exchange"] = self.transport.last_exchange()
            raise
        except zeep.exceptions.TransportError as exc:
            error = self.transport._after_send(
                {"operation": operation, "submit": submit}, str(exc), exc.status_code
            )
            error.params["exchange"] = self.transport.last_exchange()
            raise error from exc
        except (zeep.exceptions.Error, etree.LxmlError) as exc:
            # Garbage, HTML, a truncated or off-schema envelope: the call's fate is unknown.
            error = self.transport._after_send(
                {"operation": operation, "submit": submit},
                f"The integrator's answer to {operation} could not be read: {exc}",
                None,
            )
            error.code = "tr_edoc.soap.unreadable_answer"
            error.params["exchange"] = self.transport.last_exchange()
            raise error from exc
        return result, self.transport.last_exchange()


class RequestSchemaCheck(zeep.Plugin):
    """Validate each outgoing SOAP body against the service's own XSDs before it leaves.

    Meant for tests and for diagnosing an integrator's "invalid request" answers: it proves that
    what we send is what the WSDL promises, independently of zeep's serializer.
    """

    def __init__(self, schema):
        self.schema = schema
        self.checked = 0

    @classmethod
    def for_wsdl_folder(cls, folder):
        """Build one schema from every XSD in a WSDL folder (the files import each other locally)."""
        folder = Path(folder)
        xsd = "http://www.w3.org/2001/XMLSchema"
        wrapper = etree.Element(f"{{{xsd}}}schema", nsmap={"xsd": xsd})
        seen = set()
        for path in sorted(folder.glob("*.xsd")):
            namespace = etree.parse(str(path)).getroot().get("targetNamespace")
            if namespace in seen:
                continue
            seen.add(namespace)
            etree.SubElement(
                wrapper, f"{{{xsd}}}import", namespace=namespace, schemaLocation=path.resolve().as_uri()
            )
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return cls(
            etree.XMLSchema(etree.fromstring(etree.tostring(wrapper), parser, base_url=str(folder) + "/"))
        )

    def egress(self, envelope, http_headers, operation, binding_options):
        body = envelope.find(f"{{{SOAP11_ENV}}}Body")
        if body is None:
            body = envelope.find(f"{{{SOAP12_ENV}}}Body")
        for payload in body:
            if not self.schema.validate(payload):
                errors = "; ".join(str(error) for error in self.schema.error_log)
                raise ValidationFailed(
                    f"{operation.name} request breaks the WSDL schema: {errors}",
                    code="tr_edoc.soap.request_schema",
                    params={"operation": operation.name},
                    issues=tuple(str(error) for error in self.schema.error_log),
                )
            self.checked += 1
        return envelope, http_headers


class SoapProvider(Provider):
    """What İzibiz's and Kolaysoft's clients share: one zeep transport and a lazily built
    :class:`SoapService` (with an optional request check) per service of ``services``.

    ``services`` maps a service name to ``(folder, wsdl file, path)``; a subclass says where its
    local WSDL lies (:meth:`_local_wsdl`) and how its request schema is built (:meth:`_new_schema_check`).
    """

    services = {}

    def __init__(
        self,
        *,
        username,
        environment="test",
        base_url=None,
        wsdl_dir=None,
        timeout=30,
        cache_dir=None,
        sender_vkn="",
        sender_alias="",
        validate_requests=False,
    ):
        super().__init__(environment=environment, timeout=timeout)
        self.username = username
        self.base_url = base_url.rstrip("/") if base_url else None
        self.wsdl_dir = Path(wsdl_dir) if wsdl_dir else None
        self.cache_dir = cache_dir
        self.sender_vkn = sender_vkn
        self.sender_alias = sender_alias
        self.validate_requests = validate_requests
        self.transport = make_transport(
            timeout=timeout, offline=self.wsdl_dir is not None, cache_dir=cache_dir
        )
        self._services = {}
        self._schema_checks = {}
        self._lock = threading.RLock()
        self.last_exchanges = ()

    def address(self, service):
        raise NotImplementedError

    def _local_wsdl(self, folder, wsdl_file):
        raise NotImplementedError

    def _new_schema_check(self, folder, wsdl_file):
        raise NotImplementedError

    def _service(self, name):
        with self._lock:
            service = self._services.get(name)
            if service is None:
                folder, wsdl_file, _path = self.services[name]
                location = (
                    self._local_wsdl(folder, wsdl_file) if self.wsdl_dir else self.address(name) + "?wsdl"
                )
                plugins = [self.schema_check(name)] if self.validate_requests else []
                service = SoapService(location, self.address(name), self.transport, plugins=plugins)
                self._services[name] = service
            return service

    def schema_check(self, name):
        """The request validator of one service; it needs the local WSDL folder."""
        if self.wsdl_dir is None:
            raise ConfigurationError(
                f"Request validation needs wsdl_dir with {self.label}'s WSDLs", code="tr_edoc.config.wsdl_dir"
            )
        check = self._schema_checks.get(name)
        if check is None:
            check = self._schema_checks[name] = self._new_schema_check(*self.services[name][:2])
        return check
