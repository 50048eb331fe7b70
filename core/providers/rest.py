"""requests plumbing shared by the REST integrators: one bounded session, wire capture, typed failures.

Failures are classified like the SOAP ones (:mod:`.soap`): a connection never made is a retryable
:class:`TransportError`; once the request may have reached the server, a timeout, a dropped
connection or an HTTP 5xx is :class:`UnknownOutcome` for submitting calls and a retryable
:class:`TransportError` for reads. 4xx answers are returned to the caller, who knows the API's
error body. The ``Authorization`` header never reaches an :class:`Exchange`; JSON bodies have
their secret fields blanked.
"""

import json
import re
import time

import requests

from ..errors import ConfigurationError, TransportError, UnknownOutcome
from .base import Exchange, redact
from .soap import _never_connected
from .transport import BoundedSession

_SECRET_JSON = re.compile(rb'("(?:ApiKey|Password|Token|api_key|password)"\s*:\s*)"[^"]*"', re.IGNORECASE)
MAX_LOGGED_BODY = 256 * 1024


def redact_body(payload):
    """Blank secrets in a JSON or XML body, and cut very large bodies (PDFs, lists) for the log."""
    if not payload:
        return b""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    payload = _SECRET_JSON.sub(rb'\1"***"', redact(payload))
    if len(payload) > MAX_LOGGED_BODY:
        return payload[:MAX_LOGGED_BODY] + b"\n[... %d bytes omitted]" % (len(payload) - MAX_LOGGED_BODY)
    return payload


class RestClient:
    """HTTP calls to one base URL with a bearer key, returning ``(response, Exchange)``.

    ``request_check`` (tests, diagnosis) sees every prepared request before it is sent and may
    raise to stop it, e.g. to prove each request matches the integrator's OpenAPI description.
    """

    def __init__(self, base_url, *, api_key, timeout, request_check=None, label="integrator"):
        if not base_url:
            raise ConfigurationError("The integrator address is empty", code="tr_edoc.rest.base_url")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.label = label
        self.request_check = request_check
        self.session = BoundedSession(deadline=timeout)
        self.session.headers["Authorization"] = f"Bearer {api_key}"
        self.session.headers["Accept"] = "application/json"
        self.requests_sent = 0

    def request(
        self, operation, method, path, *, submit, params=None, json_body=None, files=None, stream=False
    ):
        """``stream=True``: a successful answer is returned unread, for the caller to stream and close."""
        prepared = self.session.prepare_request(
            requests.Request(
                method,
                self.base_url + path,
                params=params,
                json=json_body,
                files=files,
            )
        )
        if self.request_check is not None:
            self.request_check(prepared)
        started = time.perf_counter()
        self.requests_sent += 1
        logged_request = f"{method} {prepared.path_url}\n".encode() + redact_body(prepared.body)
        try:
            response = self.session.send(prepared, timeout=self.timeout, stream=stream)
        except requests.RequestException as exc:
            exchange = Exchange(operation, logged_request, b"", time.perf_counter() - started)
            raise self._failure(exc, operation, submit, exchange) from exc
        if stream and response.status_code < 400:
            return response, Exchange(
                operation,
                logged_request,
                b"[streamed body not logged]",
                time.perf_counter() - started,
                response.status_code,
            )
        exchange = Exchange(
            operation,
            logged_request,
            redact_body(response.content),
            time.perf_counter() - started,
            response.status_code,
        )
        if response.status_code >= 500:
            params = {"operation": operation, "http_status": response.status_code, "exchange": exchange}
            message = f"HTTP {response.status_code} from {self.label} for {operation}"
            if submit:
                raise UnknownOutcome(message, code="tr_edoc.rest.unknown_outcome", params=params)
            raise TransportError(message, code="tr_edoc.rest.server_error", params=params)
        return response, exchange

    def _failure(self, exc, operation, submit, exchange):
        params = {"operation": operation, "exchange": exchange}
        if _never_connected(exc):
            return TransportError(
                f"Could not connect to {self.label}: {exc}", code="tr_edoc.rest.unreachable", params=params
            )
        message = f"No complete answer from {self.label}: {exc}"
        if submit:
            return UnknownOutcome(message, code="tr_edoc.rest.unknown_outcome", params=params)
        return TransportError(message, code="tr_edoc.rest.no_answer", params=params)


def json_of(response):
    """The JSON body, or ``None`` when the body is empty or not JSON (plain-text answers)."""
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None
