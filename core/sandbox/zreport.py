"""The sandbox's Z-Rapor desk: İzibiz ZReportWS (LoadZReport, GetZReport) and Kolaysoft's sendZReport.

İzibiz publishes no WSDL for ZReportWS; requests are checked here against the documented fields
(seed §2.11): unknown or repeated children are refused with 10013, missing or malformed values
with 200, a Z report already held (same ÖKC and Z number) with 230, a KDV above the sales total
with 240, a refused VKN with 210 and the daily limit with 220. A request is all or nothing, as
one SOAP fault answers it. İzibiz does not list the report's status codes: the sandbox uses
100 "KUYRUĞA EKLENDİ" until its clock passes :attr:`ZReportDesk.reporting`, then 120 "RAPORLANDI"
with the GİB report's ETTN and date. A test double, not İzibiz.
"""

import threading
import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..errors import EdocError
from ..xmlsafe import load_xml
from .kolaysoft import HANDLERS as KOLAYSOFT_HANDLERS
from .reconciliation import DOCUMENTED, _header_check, _shape, _value
from .soap import MalformedRequest
from .state import IzibizError

ZREPORT_PATH = "/ZReportWS"
ZREPORT_NS = "http://schemas.izibiz.com/ei/wsdl/zreport"
FIELDS = (
    "SUBE_KODU",
    "OKC_SICIL_NO",
    "EKU_NO",
    "ZRAPOR_NO",
    "ZRAPOR_TARIH",
    "SATIS_TUTAR",
    "VERGI_KDV",
    "VERGI_OTV",
)
REQUIRED = ("OKC_SICIL_NO", "EKU_NO", "ZRAPOR_NO", "ZRAPOR_TARIH", "SATIS_TUTAR", "VERGI_KDV")
SEARCH_FIELDS = (
    "LIMIT",
    "SUBE_KODU",
    "OKC_SICIL_NO",
    "EKU_NO",
    "ZRAPOR_NO",
    "BASLANGIC_TARIH",
    "BITIS_TARIH",
)
MAX_LIMIT = 25_000


@dataclass
class Held:
    owner_vkn: str
    values: dict
    loaded: datetime
    sequence: int
    report_id: str
    source: str = "izibiz"


class ZReportDesk:
    """Z reports the sandbox holds, per company."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.Lock()
        self.held = {}
        self.refused_vkns = set()
        self.daily_limit = 1000
        self.requests_today = Counter()
        self.reporting = timedelta(hours=1)
        self._sequence = 0

    def add(self, vkn, values, source="izibiz"):
        self._sequence += 1
        key = (vkn, values["OKC_SICIL_NO"], values["ZRAPOR_NO"])
        self.held[key] = Held(vkn, values, self.clock.now(), self._sequence, str(uuidlib.uuid4()), source)

    def detail(self, held):
        if self.clock.now() - held.loaded < self.reporting:
            return {"STATUS": "KUYRUKTA", "STATUS_CODE": "100", "STATUS_DESCRIPTION": "KUYRUĞA EKLENDİ"}
        return {
            "STATUS": "RAPORLANDI",
            "STATUS_CODE": "120",
            "STATUS_DESCRIPTION": "GİB'E RAPORLANDI",
            "REPORT_IDENTIFIER": held.report_id,
            "REPORT_DATE": (held.loaded + self.reporting).date().isoformat(),
            "REPORT_STATUS_CODE": "0",
            "REPORT_STATUS_DESCRIPTION": "BAŞARILI",
        }


def zdesk(sb):
    with sb._log_lock:
        found = getattr(sb, "zreport_desk", None)
        if found is None:
            found = sb.zreport_desk = ZReportDesk(sb.clock)
        return found


def _gate(sb, session):
    d = zdesk(sb)
    if session.vkn in d.refused_vkns:
        raise IzibizError(210, "YETKİ HATASI(127.0.0.1 adresinin bu işleme yetkisi yoktur)")
    day = (session.vkn, sb.clock.now().date())
    with d.lock:
        d.requests_today[day] += 1
        if d.requests_today[day] > d.daily_limit:
            raise IzibizError(220, "GÜNLÜK İSTEK LİTİMİ AŞILDI")
    return d


def check_values(values):
    """İzibiz's 200/240 refusals for one ZREPORT's values (also used for Kolaysoft's XML)."""
    for name in REQUIRED:
        if not values.get(name):
            raise IzibizError(200, f"EKSİK VEYA HATALI PARAMETRE ({name})")
    try:
        date.fromisoformat(values["ZRAPOR_TARIH"])
    except ValueError:
        raise IzibizError(200, "EKSİK VEYA HATALI PARAMETRE (ZRAPOR_TARIH)") from None
    amounts = {}
    for name in ("SATIS_TUTAR", "VERGI_KDV", "VERGI_OTV"):
        if values.get(name):
            try:
                amounts[name] = Decimal(values[name])
            except InvalidOperation:
                raise IzibizError(200, f"EKSİK VEYA HATALI PARAMETRE ({name})") from None
            if amounts[name] < 0:
                raise IzibizError(200, f"EKSİK VEYA HATALI PARAMETRE ({name})")
    if amounts["VERGI_KDV"] > amounts["SATIS_TUTAR"]:
        raise IzibizError(240, "BELGE KONTROL HATASI (KDV TUTARI SATIŞ TUTARINDAN BÜYÜK OLAMAZ)")


def load_zreport(sb, payload, session):
    names = [etree.QName(child).localname for child in payload]
    if set(names) - {"REQUEST_HEADER", "ZREPORT"} or "ZREPORT" not in names:
        raise MalformedRequest("LoadZReportRequest holds REQUEST_HEADER and at least one ZREPORT")
    _header_check(payload, True)
    d = _gate(sb, session)
    items = []
    for node in payload.xpath("*[local-name()='ZREPORT']"):
        _shape(node, FIELDS, ())
        values = {name: _value(node, [name]) for name in FIELDS}
        values["SUBE_KODU"] = values["SUBE_KODU"] or "001"
        check_values(values)
        items.append(values)
    with d.lock:
        seen = set()
        for values in items:
            key = (session.vkn, values["OKC_SICIL_NO"], values["ZRAPOR_NO"])
            if key in d.held or key in seen:
                raise IzibizError(230, f"BELGE SİSTEMDE MEVCUT ( ZRAPOR:{values['ZRAPOR_NO']})")
            seen.add(key)
        for values in items:
            d.add(session.vkn, values)
    answer = etree.Element(f"{{{ZREPORT_NS}}}LoadZReportResponse", nsmap={"ns": ZREPORT_NS})
    ret = etree.SubElement(answer, "REQUEST_RETURN")
    etree.SubElement(ret, "INTL_TXN_ID").text = str(sb.txn_id())
    etree.SubElement(ret, "RETURN_CODE").text = "0"
    return answer


def get_zreport(sb, payload, session):
    _shape(payload, ("REQUEST_HEADER", "SON_RAPOR", "ZREPORT_SEARCH_KEY"), ("REQUEST_HEADER",))
    _header_check(payload, False)
    last = _value(payload, ["SON_RAPOR"]) or "N"
    if last not in ("Y", "N"):
        raise IzibizError(200, "EKSİK VEYA HATALI PARAMETRE (SON_RAPOR)")
    keys = payload.xpath("*[local-name()='ZREPORT_SEARCH_KEY']")
    search = {}
    if keys:
        _shape(keys[0], SEARCH_FIELDS, ())
        search = {name: _value(keys[0], [name]) for name in SEARCH_FIELDS}
    limit = MAX_LIMIT
    if search.get("LIMIT"):
        if not search["LIMIT"].isdigit():
            raise IzibizError(200, "EKSİK VEYA HATALI PARAMETRE (LIMIT)")
        limit = min(int(search["LIMIT"]), MAX_LIMIT)
    for name in ("BASLANGIC_TARIH", "BITIS_TARIH"):
        if search.get(name):
            try:
                date.fromisoformat(search[name])
            except ValueError:
                raise IzibizError(200, f"EKSİK VEYA HATALI PARAMETRE ({name})") from None
    d = _gate(sb, session)
    with d.lock:
        mine = sorted((h for h in d.held.values() if h.owner_vkn == session.vkn), key=lambda h: h.sequence)
        if last == "Y":
            mine = mine[-1:]
        else:
            for name in ("SUBE_KODU", "OKC_SICIL_NO", "EKU_NO", "ZRAPOR_NO"):
                if search.get(name):
                    mine = [h for h in mine if h.values[name] == search[name]]
            if search.get("BASLANGIC_TARIH"):
                mine = [h for h in mine if h.values["ZRAPOR_TARIH"] >= search["BASLANGIC_TARIH"]]
            if search.get("BITIS_TARIH"):
                mine = [h for h in mine if h.values["ZRAPOR_TARIH"] <= search["BITIS_TARIH"]]
        mine = mine[:limit]
        answer = etree.Element(f"{{{ZREPORT_NS}}}GetZReportResponse", nsmap={"ns": ZREPORT_NS})
        for held in mine:
            node = etree.SubElement(answer, "ZREPORT")
            for name in FIELDS:
                if held.values.get(name):
                    etree.SubElement(node, name).text = held.values[name]
            detail = etree.SubElement(node, "ZREPORT_DETAIL")
            for name, value in d.detail(held).items():
                etree.SubElement(detail, name).text = value
    ret = etree.SubElement(answer, "REQUEST_RETURN")
    etree.SubElement(ret, "INTL_TXN_ID").text = str(sb.txn_id())
    etree.SubElement(ret, "RETURN_CODE").text = "0"
    return answer


def kolaysoft_send_zreport(sb, company, req):
    """Kolaysoft's sendZReport: one Z report as XML in an InputDocument (see core.zreport.zreport_xml)."""
    item = req.zReportXML
    if item is None or not item.xmlContent:
        return {"code": "99", "explanation": "zReportXML zorunludur"}
    try:
        root = load_xml(item.xmlContent.encode("utf-8"), max_bytes=64 * 1024)
    except EdocError:
        return {"documentUUID": item.documentUUID, "code": "99", "explanation": "Z raporu XML okunamadı"}
    values = {name: (root.findtext(name) or "").strip() for name in FIELDS}
    values["SUBE_KODU"] = values["SUBE_KODU"] or "001"
    d = zdesk(sb)
    try:
        if etree.QName(root).localname != "ZREPORT":
            raise IzibizError(200, "EKSİK VEYA HATALI PARAMETRE (ZREPORT)")
        check_values(values)
        with d.lock:
            if (company.vkn, values["OKC_SICIL_NO"], values["ZRAPOR_NO"]) in d.held:
                raise IzibizError(230, f"BELGE SİSTEMDE MEVCUT ( ZRAPOR:{values['ZRAPOR_NO']})")
            d.add(company.vkn, values, source="kolaysoft")
    except IzibizError as exc:
        return {"documentUUID": item.documentUUID, "code": "99", "explanation": exc.text}
    return {"documentUUID": item.documentUUID, "code": "0", "explanation": "İşlem başarılı"}


def register():
    """Serve ZReportWS with the other documented calls, and sendZReport on Kolaysoft's e-Arşiv service."""
    DOCUMENTED[(ZREPORT_PATH, f"{{{ZREPORT_NS}}}LoadZReportRequest")] = ("LoadZReport", load_zreport)
    DOCUMENTED[(ZREPORT_PATH, f"{{{ZREPORT_NS}}}GetZReportRequest")] = ("GetZReport", get_zreport)
    KOLAYSOFT_HANDLERS[("earchive", "sendZReport")] = ("ent", kolaysoft_send_zreport)
