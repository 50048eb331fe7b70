"""The one HTTP session every integrator call goes through: a total deadline, a size cap, no stray redirects.

requests' own ``timeout`` bounds each socket read, so a server that drips one byte a second holds a
worker forever; here a watchdog shuts the call's sockets when its total deadline passes, whatever
phase it is in. Answers are read in chunks and cut at ``max_bytes``. A redirect is followed only to
the same origin (scheme, host, port): SOAP logins carry the password in the body, which a 307 would
send again, so an answer pointing elsewhere ends the call instead of forwarding anything. Every
refusal is a :class:`requests.RequestException`, so callers classify it like any other failed call
(retryable for reads, unknown outcome for submits).
"""

import contextlib
import contextvars
import ipaddress
import socket
import threading
import time
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""Largest answer kept in memory: a signed invoice with its PDF and XSLT stays far below it."""
MAX_STREAM_BYTES = 4 * 1024 * 1024 * 1024
"""Largest answer streamed to a file (the GİB user list is a few hundred MB)."""
MAX_REDIRECTS = 3
_CHUNK = 64 * 1024

_CALL = contextvars.ContextVar("l10n_tr_edoc_http_call", default=None)


class DeadlineExceeded(requests.exceptions.Timeout):
    """The call's total time ran out (slow or dripping server)."""


class ResponseTooLarge(requests.exceptions.RequestException):
    """The answer is larger than the cap: it was cut and dropped."""


class RedirectRefused(requests.exceptions.TooManyRedirects):
    """The server pointed to another origin (or redirected too often); nothing was sent there."""


def origin(url):
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def is_loopback_url(url):
    """True for ``http(s)`` URLs naming this machine (``localhost``, 127.0.0.0/8, ``::1``); no DNS lookup."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Call:
    """One logical call: its deadline and the connections it uses, which the watchdog shuts."""

    def __init__(self, seconds):
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._connections = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self):
        return self.deadline - time.monotonic()

    def track(self, connection):
        with self._lock:
            self._connections.append(connection)
            if not self.expired:
                return
        self._shut(connection)

    def expire(self):
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            self._shut(connection)

    @staticmethod
    def _shut(connection):
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def done(self):
        self._timer.cancel()


class _TrackedPool(HTTPConnectionPool):
    def _make_request(self, conn, *args, **kwargs):
        call = _CALL.get()
        if call is not None:
            call.track(conn)
        return super()._make_request(conn, *args, **kwargs)


class _TrackedHTTPSPool(HTTPSConnectionPool):
    def _make_request(self, conn, *args, **kwargs):
        call = _CALL.get()
        if call is not None:
            call.track(conn)
        return super()._make_request(conn, *args, **kwargs)


class _TrackedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TrackedPool, "https": _TrackedHTTPSPool}


class BoundedSession(requests.Session):
    """A :class:`requests.Session` whose every ``send`` ends within ``deadline`` seconds.

    It ignores proxies and netrc from the environment (credentials stay ours). ``stream=True``
    answers keep their deadline and ``max_stream_bytes`` until they are closed or read to the end.
    """

    def __init__(
        self,
        *,
        deadline,
        max_bytes=MAX_RESPONSE_BYTES,
        max_stream_bytes=MAX_STREAM_BYTES,
        user_agent="l10n_tr_edoc",
    ):
        super().__init__()
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_stream_bytes = max_stream_bytes
        self.trust_env = False
        self.max_redirects = MAX_REDIRECTS
        self.headers["User-Agent"] = user_agent
        self.mount("http://", _TrackedAdapter())
        self.mount("https://", _TrackedAdapter())

    def send(self, request, **kwargs):
        call = _Call(self.deadline)
        token = _CALL.set(call)
        stream = kwargs.pop("stream", False)
        try:
            response = self._follow(request, call, kwargs.pop("allow_redirects", True), kwargs)
            if stream:
                return self._bounded_stream(response, call)
            try:
                self._read(response, call)
            finally:
                response.close()
            call.done()
            return response
        except BaseException:
            call.done()
            raise
        finally:
            _CALL.reset(token)

    def _follow(self, request, call, allow_redirects, kwargs):
        kwargs.pop("timeout", None)
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = call.remaining()
            if remaining <= 0:
                raise DeadlineExceeded(f"No answer within {self.deadline} s", request=request)
            try:
                response = super().send(
                    request,
                    stream=True,
                    allow_redirects=False,
                    timeout=remaining,
                    **kwargs,
                )
            except requests.RequestException as exc:
                if call.expired:
                    raise DeadlineExceeded(f"No answer within {self.deadline} s", request=request) from exc
                raise
            if call.expired:
                response.close()
                raise DeadlineExceeded(f"No answer within {self.deadline} s", request=request)
            if not (allow_redirects and response.is_redirect):
                return response
            target = urljoin(response.url, response.headers["location"])
            response.close()
            if origin(target) != origin(request.url):
                raise RedirectRefused(
                    f"The server redirected to another origin ({origin(target)[1]}); not followed",
                    request=request,
                )
            request = self._redirected(request, response, target)
        raise RedirectRefused(f"More than {MAX_REDIRECTS} redirects", request=request)

    def _redirected(self, request, response, target):
        following = request.copy()
        following.prepare_url(target, None)
        self.rebuild_method(following, response)
        if response.status_code not in (307, 308):
            following.body = None
            for header in ("Content-Length", "Content-Type", "Transfer-Encoding"):
                following.headers.pop(header, None)
        return following

    def _read(self, response, call):
        """Read the whole body into ``response.content``, within the deadline and the size cap."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLarge(
                f"The answer announces {declared} bytes, more than {self.max_bytes}", response=response
            )
        body = bytearray()
        for chunk in self._chunks(response, call, self.max_bytes):
            body += chunk
        response._content = bytes(body)
        response._content_consumed = True

    def _chunks(self, response, call, cap):
        size = 0
        try:
            for chunk in requests.Response.iter_content(response, _CHUNK):
                size += len(chunk)
                if size > cap:
                    raise ResponseTooLarge(f"The answer exceeds {cap} bytes", response=response)
                if call.remaining() <= 0:
                    raise DeadlineExceeded(f"No complete answer within {self.deadline} s", response=response)
                yield chunk
            if call.expired:
                # the watchdog's shutdown reads as an end of file: the answer is cut, not complete
                raise DeadlineExceeded(f"No complete answer within {self.deadline} s", response=response)
        except (requests.RequestException, OSError) as exc:
            if call.expired and not isinstance(exc, DeadlineExceeded):
                raise DeadlineExceeded(
                    f"No complete answer within {self.deadline} s", response=response
                ) from exc
            raise

    def _bounded_stream(self, response, call):
        """The answer for the caller to stream, bounded like a read one; the deadline ends with it."""
        session = self
        unbounded_close = response.close

        def iter_content(chunk_size=_CHUNK, decode_unicode=False):
            del decode_unicode
            for chunk in session._chunks(response, call, session.max_stream_bytes):
                yield from (chunk[i : i + chunk_size] for i in range(0, len(chunk), chunk_size or _CHUNK))
            call.done()

        def close():
            call.done()
            unbounded_close()

        response.iter_content = iter_content
        response.close = close
        return response
