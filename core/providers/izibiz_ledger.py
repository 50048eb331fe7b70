"""İzibiz e-Defter safe-keeping (ArchiveELedger, GetELedger, CancelELedger) on its proxy service.

**No WSDL exists for these calls**, nor an address: İzibiz documents them only as methods of its
"Diğer E-Dönüşüm Servisleri" proxy service, with flat parameters (``SESSION_ID`` at the top level,
no ``REQUEST_HEADER``) and with Login/Logout of that same proxy (seed §2.13, §2.14). The requests
are built here from that documented contract with lxml, children unqualified as in every İzibiz
schema, in :data:`PROXY_NS`; the address comes from the ``proxy_url`` option (İzibiz gives it with
the contract), the sandbox serves it at :data:`PROXY_PATH`.

Answers: ``REQUEST_RETURN.RETURN_CODE`` 0 on success; a refusal is an ``ERROR_TYPE``
(``ERROR_CODE``, ``ERROR_SHORT_DESC``) or a SOAP fault, and surfaces as :class:`RemoteRejected`
carrying the integrator's own words in ``params["remote_message"]``.

A mixin of :class:`~.izibiz.IzibizProvider`.
"""

import base64
import binascii
import contextlib
import hashlib
import time
from dataclasses import dataclass

import requests
from lxml import etree

from ..errors import AuthError, ConfigurationError, EdocError, ParseError, TransportError
from ..ledger import inspect_archive
from ..xmlsafe import load_xml
from . import izibiz_codes
from .base import Exchange, redact

PROXY_PATH = "/ProxyWS"
PROXY_NS = "http://schemas.izibiz.com/ei/wsdl/proxy"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
LEDGER = "ledger"
MAX_LEDGER_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class LedgerResult:
    """One answered e-Defter call: İzibiz's transaction id and, for GetELedger, the zip."""

    operation: str
    txn_id: str = ""
    content: bytes = b""
    sha256: str = ""
    exchanges: tuple = ()


def _text(node):
    return (node.text or "").strip() if node is not None else ""


def _first(root, name):
    found = root.xpath("//*[local-name()=$n]", n=name)
    return found[0] if found else None


class IzibizLedgerMixin:
    _proxy_session_id = None

    def _proxy_address(self):
        url = getattr(self, "proxy_url", "") or ""
        if url:
            return url
        if self.base_url:
            return self.base_url + PROXY_PATH
        raise ConfigurationError(
            "İzibiz gives the address of its proxy service (e-Defter safe-keeping) with the contract; "
            "enter it on the integrator account.",
            code="tr_edoc.izibiz.no_proxy_url",
        )

    # -- session on the proxy ----------------------------------------------------------------

    def proxy_login(self):
        """Login of the proxy service (flat USER_NAME / PASSWORD); its session is the proxy's own."""
        exchanges = []
        root = self._proxy_post(
            "Login",
            [("USER_NAME", self.username), ("PASSWORD", self._password)],
            exchanges,
            auth=True,
        )
        session_id = _text(_first(root, "SESSION_ID"))
        if not session_id:
            raise AuthError(
                "İzibiz's proxy answered Login without a session id.",
                code="tr_edoc.izibiz.no_session",
                params={"exchanges": tuple(exchanges)},
            )
        self._proxy_session_id = session_id
        return tuple(exchanges)

    def proxy_logout(self):
        if not self._proxy_session_id:
            return ()
        session_id, self._proxy_session_id = self._proxy_session_id, None
        exchanges = []
        with contextlib.suppress(AuthError):  # a session that already ended has nothing to close
            self._proxy_post("Logout", [("SESSION_ID", session_id)], exchanges)
        return tuple(exchanges)

    # -- e-Defter ----------------------------------------------------------------------------

    def archive_ledger(self, filename, content):
        """ArchiveELedger: the period's zip of books and berats, once per period (``VKN-DONEM-SUBE.zip``)."""
        inspect_archive(content)
        return self._ledger_call(
            "ArchiveELedger",
            [("FILENAME", filename), ("CONTENT", base64.b64encode(content).decode("ascii"))],
        )

    def get_ledger(self, vkn, period):
        """GetELedger: the archived period's zip (GEN_ARCHIVE_DOC), checked before it is handed on."""
        return self._ledger_call("GetELedger", [("DONEM", period), ("VKN", vkn)], download=True)

    def cancel_ledger(self, vkn, period):
        """CancelELedger: the period is no longer kept; it must be archived again."""
        return self._ledger_call("CancelELedger", [("DONEM", period), ("VKN", vkn)])

    def _ledger_call(self, operation, fields, *, download=False):
        exchanges = []
        renewed = False
        while True:
            if not self._proxy_session_id:
                exchanges.extend(self.proxy_login())
            try:
                root = self._proxy_post(
                    operation, [("SESSION_ID", self._proxy_session_id), *fields], exchanges
                )
            except EdocError as error:
                if izibiz_codes.is_session_error(error) and not renewed:
                    renewed = True
                    self._proxy_session_id = None
                    continue
                error.params["exchanges"] = tuple(exchanges)
                self.last_exchanges = tuple(exchanges)
                raise
            break
        self.last_exchanges = tuple(exchanges)
        txn_id = _text(_first(root, "INTL_TXN_ID"))
        if not download:
            return LedgerResult(operation, txn_id=txn_id, exchanges=tuple(exchanges))
        encoded = _text(_first(root, "GEN_ARCHIVE_DOC"))
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ParseError(
                "İzibiz sent GEN_ARCHIVE_DOC that is not Base64.", code="tr_edoc.izibiz.bad_base64"
            ) from exc
        inspect_archive(content)
        return LedgerResult(
            operation,
            txn_id=txn_id,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            exchanges=tuple(exchanges),
        )

    def _proxy_post(self, operation, fields, exchanges, *, auth=False):
        """POST ``<operation>`` with flat children; returns the answer root or raises typed errors."""
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
        body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
        request = etree.SubElement(body, f"{{{PROXY_NS}}}{operation}", nsmap={"ns0": PROXY_NS})
        for name, value in fields:
            etree.SubElement(request, name).text = value
        etree.SubElement(request, "APPLICATION_NAME").text = self.application_name
        raw = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
        started = time.perf_counter()
        try:
            response = requests.post(
                self._proxy_address(),
                data=raw,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{operation}"'},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransportError(
                f"{operation} did not reach İzibiz: {exc}",
                code="tr_edoc.izibiz.unreachable",
                params={"exchanges": tuple(exchanges)},
            ) from exc
        shown = response.content if len(response.content) < 64 * 1024 else response.content[: 64 * 1024]
        exchanges.append(
            Exchange(
                operation,
                redact(raw if len(raw) < 64 * 1024 else raw[: 64 * 1024]),
                redact(shown),
                time.perf_counter() - started,
                response.status_code,
            )
        )
        if response.status_code >= 500 and b"Envelope" not in response.content[:2048]:
            raise TransportError(f"HTTP {response.status_code} from {operation}", code="tr_edoc.izibiz.http")
        if len(response.content) > MAX_LEDGER_BYTES * 4 // 3 + 65536:
            raise ParseError(f"{operation} answered with an oversized body.", code="tr_edoc.izibiz.too_large")
        root = load_xml(response.content, max_bytes=MAX_LEDGER_BYTES * 2)
        code_node = _first(root, "ERROR_CODE")
        if code_node is not None:
            message = _text(_first(root, "ERROR_SHORT_DESC")) or _text(_first(root, "ERROR_SHORT_DES"))
            error = izibiz_codes.error_from_remote(_text(code_node), message, operation)
        elif (fault := _first(root, "Fault")) is not None:
            error = izibiz_codes.error_from_remote(None, _text(_first(fault, "faultstring")), operation)
        elif _first(root, f"{operation}Response") is None:
            raise ParseError(f"İzibiz answered without {operation}Response.", code="tr_edoc.izibiz.no_answer")
        else:
            return root
        if auth and not isinstance(error, AuthError):
            error = AuthError(
                f"İzibiz refused the login: {error.message}",
                code="tr_edoc.izibiz.login_refused",
                params=error.params,
                remote_code=error.remote_code,
            )
        error.params["exchanges"] = tuple(exchanges)
        raise error
