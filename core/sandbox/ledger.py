"""The sandbox's e-Defter safe-keeping on İzibiz's proxy service (Login, Logout, ArchiveELedger,
GetELedger, CancelELedger).

İzibiz documents these calls without a WSDL or an address (seed §2.13, §2.14): flat parameters,
``SESSION_ID`` at the top level. The sandbox serves them at ``/ProxyWS`` in the namespace the
client uses, checks every request against the documented fields, and keeps what was archived per
company and period. The documented rules it enforces: the file is named ``VKN-DONEM-SUBE.zip`` for
the logged-in company; a period is archived at most once (until cancelled, after which it must be
archived again); GetELedger and CancelELedger only for an archived period. Refusals come as an
``ERROR_TYPE`` (``ERROR_CODE``, ``ERROR_SHORT_DESC``) as the guide shows; the texts are the
sandbox's own, İzibiz publishes none. A test double, not İzibiz.
"""

import base64
import binascii
import re
import threading
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from ..errors import EdocError
from ..ledger import inspect_archive
from ..providers.izibiz_ledger import PROXY_NS, PROXY_PATH
from .soap import SOAP_ENV, MalformedRequest, parse_envelope
from .state import IzibizError

_NAME = re.compile(r"^(\d{10,11})-(\d{4}(?:0[1-9]|1[0-2]))-(\d{4})\.zip$")
_PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
MAX_REQUEST = 700 * 1024 * 1024


@dataclass
class Archived:
    filename: str
    content: bytes
    archived: datetime
    cancelled: datetime | None = None


class LedgerDesk:
    """Archived e-Defter periods per (VKN, period)."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.Lock()
        self.periods = {}


def ldesk(sb):
    with sb._log_lock:
        found = getattr(sb, "ledger_desk", None)
        if found is None:
            found = sb.ledger_desk = LedgerDesk(sb.clock)
        return found


class _Refused(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code, self.text = code, text


def _fields(payload, allowed, required):
    names = [etree.QName(child).localname for child in payload]
    if not set(names) <= set(allowed) or len(set(names)) != len(names):
        raise MalformedRequest(f"{etree.QName(payload).localname} holds {', '.join(allowed)}")
    values = {etree.QName(child).localname: (child.text or "").strip() for child in payload}
    for name in required:
        if not values.get(name):
            raise _Refused("-1", f"{name} zorunludur")
    return values


def _vkn_period(values, session):
    if not _PERIOD.match(values["DONEM"]):
        raise _Refused("-1", "DONEM YYYYAA formatında olmalıdır")
    if values["VKN"] != session.vkn:
        raise _Refused("-1", f"{values['VKN']} VKN'si için yetkiniz bulunmamaktadır")
    return (values["VKN"], values["DONEM"])


def _login(sb, values):
    session = sb.store.login(values["USER_NAME"], values["PASSWORD"])
    return [("SESSION_ID", session.session_id)]


def _logout(sb, values):
    sb.store.session(values["SESSION_ID"])
    sb.store.logout(values["SESSION_ID"])
    return []


def _archive(sb, values):
    session = sb.store.session(values["SESSION_ID"])
    found = _NAME.match(values["FILENAME"])
    if not found:
        raise _Refused("0", "Dosya adı VKN-DONEM-SUBE.zip formatında olmalıdır")
    vkn, period, _branch = found.groups()
    if vkn != session.vkn:
        raise _Refused("0", f"{vkn} VKN'si için yetkiniz bulunmamaktadır")
    try:
        content = base64.b64decode(values["CONTENT"], validate=True)
        inspect_archive(content)
    except (binascii.Error, ValueError, EdocError):
        raise _Refused("0", "CONTENT dönemin defter ve berat XML dosyalarını içeren zip olmalıdır") from None
    d = ldesk(sb)
    with d.lock:
        held = d.periods.get((vkn, period))
        if held is not None and held.cancelled is None:
            raise _Refused(
                "0", f"{period} dönemi daha önce yedeklenmiştir. Bir dönem en fazla bir defa yedeklenebilir"
            )
        d.periods[(vkn, period)] = Archived(values["FILENAME"], content, sb.clock.now())
    return []


def _held(sb, values):
    session = sb.store.session(values["SESSION_ID"])
    key = _vkn_period(values, session)
    d = ldesk(sb)
    held = d.periods.get(key)
    if held is None or held.cancelled is not None:
        raise _Refused("-1", f"{key[1]} dönemine ait yedeklenmiş e-defter bulunamadı")
    return d, held


def _get(sb, values):
    _d, held = _held(sb, values)
    return [("GEN_ARCHIVE_DOC", base64.b64encode(held.content).decode("ascii"))]


def _cancel(sb, values):
    d, held = _held(sb, values)
    with d.lock:
        held.cancelled = sb.clock.now()
    return []


OPERATIONS = {
    "Login": (("USER_NAME", "PASSWORD", "APPLICATION_NAME"), ("USER_NAME", "PASSWORD"), _login),
    "Logout": (("SESSION_ID", "APPLICATION_NAME"), ("SESSION_ID",), _logout),
    "ArchiveELedger": (
        ("SESSION_ID", "FILENAME", "CONTENT", "APPLICATION_NAME"),
        ("SESSION_ID", "FILENAME", "CONTENT"),
        _archive,
    ),
    "GetELedger": (("SESSION_ID", "DONEM", "VKN", "APPLICATION_NAME"), ("SESSION_ID", "DONEM", "VKN"), _get),
    "CancelELedger": (
        ("SESSION_ID", "DONEM", "VKN", "APPLICATION_NAME"),
        ("SESSION_ID", "DONEM", "VKN"),
        _cancel,
    ),
}


def call_proxy(sb, path, raw):
    """Answer a proxy request, or None when ``path`` is not the proxy's."""
    if path != PROXY_PATH:
        return None
    if len(raw) > MAX_REQUEST:
        return 413, b"request too large", None
    try:
        _envelope, payload = parse_envelope(raw)
        name = etree.QName(payload).localname
        if etree.QName(payload).namespace != PROXY_NS or name not in OPERATIONS:
            raise MalformedRequest(f"no operation takes {payload.tag}")
    except MalformedRequest as exc:
        return 500, _fault(f"Gönderilen istek geçersizdir. Hata sebebi {exc}"), None
    sb._log(name)
    fault = sb.faults.take(name)
    if fault and fault.kind == "http_500":
        return 500, b"500 Internal Server Error", fault
    allowed, required, handler = OPERATIONS[name]
    try:
        values = _fields(payload, allowed, required)
        if fault and fault.kind == "expire_session" and values.get("SESSION_ID"):
            sb.store.expire(values["SESSION_ID"])
        children = handler(sb, values)
    except MalformedRequest as exc:
        return 500, _fault(f"Gönderilen istek geçersizdir. Hata sebebi {exc}"), fault
    except IzibizError as exc:
        return 200, _answer(name, error=(str(exc.code), exc.text), txn=sb.txn_id()), fault
    except _Refused as exc:
        return 200, _answer(name, error=(exc.code, exc.text), txn=sb.txn_id()), fault
    return 200, _answer(name, children=children, txn=sb.txn_id()), fault


def _answer(name, *, children=(), error=None, txn=0):
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    answer = etree.SubElement(
        etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"),
        f"{{{PROXY_NS}}}{name}Response",
        nsmap={"ns": PROXY_NS},
    )
    if error:
        block = etree.SubElement(answer, "ERROR_TYPE")
        for key, value in (
            ("INTL_TXN_ID", str(txn)),
            ("ERROR_CODE", error[0]),
            ("ERROR_SHORT_DESC", error[1]),
        ):
            etree.SubElement(block, key).text = value
    else:
        for key, value in children:
            etree.SubElement(answer, key).text = value
        block = etree.SubElement(answer, "REQUEST_RETURN")
        for key, value in (("INTL_TXN_ID", str(txn)), ("RETURN_CODE", "0")):
            etree.SubElement(block, key).text = value
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _fault(text):
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap-env:Client"
    etree.SubElement(fault, "faultstring").text = text
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
