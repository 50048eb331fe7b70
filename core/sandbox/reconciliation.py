"""The sandbox's e-Mutabakat desk (ReconciliationWS) and its billing answers (GetBalance, GetUsage).

SendReconciliation, GetReconciliationStatus and SendMailReconciliation come through the
ReconciliationWS WSDL like every other service (parsed and XSD-validated by the server). The
calls İzibiz documents without a WSDL (GetBABSReconciliationStatus; BillingWS GetBalance and
GetUsage) are checked here against the documented fields: unknown or missing children and
values outside the documented enumerations are refused with 10013, as İzibiz does.

Each counterparty answers as scripted with :meth:`ReconciliationDesk.script` (default: agrees
an hour after the mail); the clock of the sandbox moves a reconciliation through 100 → 110 → 120
and then to the scripted end, so every status of İzibiz's two tables can be produced.
"""

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from lxml import etree
from zeep.xsd import SkipValue

from .operations import _ok, _session, operation
from .soap import SOAP_ENV, MalformedRequest, parse_envelope
from .state import IzibizError

RECONCILIATION_PATH = "/ReconciliationWS"
RECONCILIATION_NS = "http://schemas.izibiz.com/ei/wsdl/reconciliation"
BILLING_PATH = "/BillingWS"
BILLING_NS = "http://schemas.i2i.com/ei/wsdl"
THRESHOLD = Decimal("5000")
OUTCOMES = {
    "agree": ("125", "ACCEPTED"),
    "disagree": ("126", "REJECTED"),
    "draft": ("105", "DRAFT"),
    "fail": ("120", "FAILED"),
    "cancel": ("120", "CANCEL"),
    "silent": ("120", "WAIT_APPROVAL_CUSTOMER"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
PRODUCTS = ("EFATURA", "EARSIV", "EIRSALIYE", "ESMM", "EMM", "EMUTABAKAT", "SMS", "MAIL")
OUTBOUND_ONLY = {"EARSIV", "ESMM", "EMM", "EMUTABAKAT", "SMS", "MAIL"}
KIND_PRODUCT = {"INVOICE": "EFATURA", "EARCHIVE": "EARSIV", "DESPATCH": "EIRSALIYE", "RECEIPT": "EIRSALIYE"}


@dataclass
class Sent:
    owner_vkn: str
    uuid: str
    type: str
    identifier: str
    name: str
    email: str
    period: str
    cm_date: str
    cm_amount_type: str
    created: datetime
    outcome: str
    mails: list = field(default_factory=list)


class ReconciliationDesk:
    """What the sandbox keeps of reconciliations and billing, per sending company."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.Lock()
        self.sent = {}
        self.scripts = {}
        self.daily_limit = 1000
        self.refused_vkns = set()
        self.requests_today = Counter()
        self.debts = {}
        self.processing = timedelta(minutes=1)
        self.mailing = timedelta(minutes=5)
        self.answer_after = timedelta(hours=1)

    def script(self, identifier, outcome):
        """How the counterparty ``identifier`` answers: one of :data:`OUTCOMES`."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of {sorted(OUTCOMES)}")
        self.scripts[identifier] = outcome

    def add_debt(self, vkn, number, date, period, amount):
        self.debts.setdefault(vkn, []).append((number, date, period, Decimal(amount)))

    def status(self, rec):
        """(STATUS_CODE, STATUS, e-mail code) for ``rec`` at the sandbox's now."""
        elapsed = self.clock.now() - rec.created
        if rec.outcome == "draft":
            return "105", "DRAFT", "100"
        if elapsed < self.processing:
            return "100", "WAIT_APPROVAL_CUSTOMER", "100"
        if elapsed < self.mailing:
            return "110", "WAIT_APPROVAL_CUSTOMER", "110"
        if elapsed < self.answer_after:
            return "120", "WAIT_APPROVAL_CUSTOMER", "130"
        code, status = OUTCOMES[rec.outcome]
        return code, status, "130"


def desk(sb):
    """The desk of a sandbox, created on first use (one per Sandbox)."""
    with sb._log_lock:
        found = getattr(sb, "reconciliation_desk", None)
        if found is None:
            found = sb.reconciliation_desk = ReconciliationDesk(sb.clock)
        return found


def _refuse(code, text):
    raise IzibizError(code, text)


def _gate(sb, req):
    """Session, IP authorisation (210) and the daily request limit (220)."""
    session = _session(sb, req)
    d = desk(sb)
    if session.vkn in d.refused_vkns:
        _refuse(210, "YETKİ HATASI (127.0.0.1 adresinin bu işleme yetkisi yoktur)")
    day = (session.vkn, sb.clock.now().date())
    with d.lock:
        d.requests_today[day] += 1
        if d.requests_today[day] > d.daily_limit:
            _refuse(220, "GÜNLÜK İSTEK LİMİTİ AŞILDI")
    if not req.REQUEST_HEADER.CHANNEL_NAME:
        _refuse(200, "EKSİK VEYA HATALI PARAMETRE (CHANNEL_NAME)")
    return session, d


def _check_item(item):
    def missing(name):
        _refuse(200, f"EKSİK VEYA HATALI PARAMETRE ({name})")

    for name in ("UUID", "CUSTOMER_IDENTIFIER", "COMMERCIAL_NAME", "CUSTOMER_ADDRESS", "EMAIL"):
        if not (getattr(item, name) or "").strip():
            missing(name)
    if not _EMAIL.match(item.EMAIL.strip()):
        _refuse(250, "GEÇERSİZ E-POSTA FORMATI")
    if item.NOTE and len(item.NOTE) > 250:
        missing("NOTE")
    if item.TYPE == "EM":
        if not _PERIOD.match(item.BABS_ACCOUNTING_PERIOD or ""):
            missing("BABS_ACCOUNTING_PERIOD")
        for name in ("BA_DOCUMENT_COUNT", "BA_DOCUMENT_AMOUNT", "BS_DOCUMENT_COUNT", "BS_DOCUMENT_AMOUNT"):
            if getattr(item, name) is None:
                missing(name)
        if max(item.BA_DOCUMENT_AMOUNT, item.BS_DOCUMENT_AMOUNT) < THRESHOLD:
            _refuse(
                240,
                "BELGE KONTROL HATASI (MEVZUATA UYGUN OLMAYAN MUTABAKAT KAYDI MEVCUT (5000 TL Limiti))",
            )
    else:
        for name in ("CM_DATE", "CM_AMOUNT_TYPE", "CM_AMOUNT"):
            if getattr(item, name) in (None, ""):
                missing(name)
        try:
            datetime.strptime(item.CM_DATE[:10], "%Y-%m-%d")
        except ValueError:
            missing("CM_DATE")


@operation("SendReconciliation")
def send_reconciliation(sb, req):
    """All or nothing, as a single SOAP fault answers the whole request."""
    session, d = _gate(sb, req)
    now = sb.clock.now()
    with d.lock:
        seen = set()
        for item in req.RECONCILIATION:
            _check_item(item)
            key = (session.vkn, item.UUID)
            babs = (session.vkn, "EM", item.CUSTOMER_IDENTIFIER, item.BABS_ACCOUNTING_PERIOD)
            clash = key in d.sent or (
                item.TYPE == "EM"
                and any(
                    (r.owner_vkn, r.type, r.identifier, r.period) == babs
                    for r in d.sent.values()
                    if r.outcome != "cancel"
                )
            )
            if clash or key in seen or (item.TYPE == "EM" and babs in seen):
                _refuse(
                    230,
                    f"MUTABAKAT SİSTEMDE MEVCUT (VKN/TCKN:{item.CUSTOMER_IDENTIFIER}, "
                    f"DÖNEM:{item.BABS_ACCOUNTING_PERIOD or (item.CM_DATE or '')[:7].replace('-', '')})",
                )
            seen.update({key, babs} if item.TYPE == "EM" else {key})
        for item in req.RECONCILIATION:
            d.sent[(session.vkn, item.UUID)] = Sent(
                owner_vkn=session.vkn,
                uuid=item.UUID,
                type=item.TYPE,
                identifier=item.CUSTOMER_IDENTIFIER,
                name=item.COMMERCIAL_NAME,
                email=item.EMAIL.strip(),
                period=item.BABS_ACCOUNTING_PERIOD or "",
                cm_date=(item.CM_DATE or "")[:10],
                cm_amount_type=item.CM_AMOUNT_TYPE or "",
                created=now,
                outcome=d.scripts.get(item.CUSTOMER_IDENTIFIER, "agree"),
                mails=[now],
            )
    return _ok(sb)


def _email(d, rec, email_code):
    names = {
        "100": "HENÜZ İŞLENMEDİ",
        "110": "İŞLENİYOR",
        "120": "İŞLENDİ",
        "130": "E-POSTA GÖNDERİM SONLANDI",
    }
    return {
        "EMAIL_STATUS": [
            {"STATUS": names[email_code], "STATUS_CODE": email_code, "SEND_DATE": rec.mails[-1]}
        ],
        "EMAIL_EVENTS": [
            {"EVENT": "delivered" if email_code == "130" else "queued", "EVENT_DATE": rec.mails[-1]}
        ],
    }


@operation("GetReconciliationStatus")
def get_reconciliation_status(sb, req):
    session, d = _gate(sb, req)
    items = []
    with d.lock:
        for uuid in req.RECONCILIATION_SEARCHING.UUID:
            rec = d.sent.get((session.vkn, uuid))
            if rec is None:
                continue
            code, status, email_code = d.status(rec)
            item = {
                "TYPE": rec.type,
                "UUID": rec.uuid,
                "CUSTOMER_IDENTIFIER": rec.identifier,
                "COMMERCIAL_NAME": rec.name,
                "STATUS": status,
                "STATUS_CODE": code,
                "CREATE_DATE": rec.created,
                "EMAIL": [_email(d, rec, email_code)],
            }
            if rec.type == "EM":
                item["BABS_ACCOUNTING_PERIOD"] = rec.period
            else:
                item["CM_DATE"] = datetime.strptime(rec.cm_date, "%Y-%m-%d").replace(
                    tzinfo=rec.created.tzinfo
                )
                item["CM_AMOUNT_TYPE"] = rec.cm_amount_type
            items.append(item)
    # İzibiz answers "no match" with an empty result although its XSD asks for one element.
    return {
        "RECONCILIATION_STATUS": [{"RECONCILIATION": items}] if items else SkipValue,
        "REQUEST_RETURN": _ok(sb)["REQUEST_RETURN"],
    }


@operation("SendMailReconciliation")
def send_mail_reconciliation(sb, req):
    session, d = _gate(sb, req)
    now = sb.clock.now()
    with d.lock:
        found = [d.sent.get((session.vkn, uuid)) for uuid in req.MAIL_SEARCHING.UUID]
        if any(rec is None for rec in found):
            _refuse(200, "EKSİK VEYA HATALI PARAMETRE (UUID)")
        for rec in found:
            rec.mails.append(now)
    return _ok(sb)


# -- documented calls without a WSDL ---------------------------------------------------------


def _children(node):
    return [etree.QName(child).localname for child in node]


def _shape(payload, allowed, required):
    names = _children(payload)
    if not set(names) <= set(allowed) or not set(required) <= set(names) or len(set(names)) != len(names):
        raise MalformedRequest(
            f"{etree.QName(payload).localname} holds {', '.join(allowed)} (required: {', '.join(required)})"
        )


def _value(node, path):
    return node.xpath("string(" + "/".join(f"*[local-name()='{p}']" for p in path) + ")").strip()


def _header_check(payload, channel):
    (header,) = payload.xpath("*[local-name()='REQUEST_HEADER']")
    for name in ("SESSION_ID", "APPLICATION_NAME") + (("CHANNEL_NAME",) if channel else ()):
        if not _value(header, [name]):
            raise MalformedRequest(f"REQUEST_HEADER.{name} zorunludur")


def babs_status(sb, payload, session):
    _shape(
        payload,
        ("REQUEST_HEADER", "RECONCILIATION_SEARCHING"),
        ("REQUEST_HEADER", "RECONCILIATION_SEARCHING"),
    )
    _header_check(payload, True)
    (search,) = payload.xpath("*[local-name()='RECONCILIATION_SEARCHING']")
    _shape(search, ("SEARCH_KEY",), ("SEARCH_KEY",))
    (key,) = search
    _shape(key, ("CUSTOMER_IDENTIFIER", "ACCOUNTING_PERIOD"), ("ACCOUNTING_PERIOD",))
    period = _value(key, ["ACCOUNTING_PERIOD"])
    identifier = _value(key, ["CUSTOMER_IDENTIFIER"])
    if not _PERIOD.match(period):
        raise IzibizError(200, "EKSİK VEYA HATALI PARAMETRE (ACCOUNTING_PERIOD)")
    d = desk(sb)
    answer = etree.Element(
        f"{{{RECONCILIATION_NS}}}GetBABSReconciliationStatusResponse", nsmap={"ns": RECONCILIATION_NS}
    )
    block = etree.SubElement(answer, "RECONCILIATION_STATUS")
    names = {"100": "KUYRUĞA EKLENDİ", "105": "TASLAK OLARAK EKLENDİ", "110": "İŞLENİYOR", "120": "İŞLENDİ"}
    names.update({"125": "MUTABIK", "126": "MUTABIK DEĞİL"})
    email_names = {"100": "HENÜZ İŞLENMEDİ", "110": "İŞLENİYOR", "130": "E-POSTA GÖNDERİM SONLANDI"}
    with d.lock:
        for rec in d.sent.values():
            if rec.owner_vkn != session.vkn or rec.type != "EM" or rec.period != period:
                continue
            if identifier and rec.identifier != identifier:
                continue
            code, _status, email_code = d.status(rec)
            item = etree.SubElement(block, "RECONCILATION")
            for name, value in (
                ("CUSTOMER_IDENTIFIER", rec.identifier),
                ("ACCOUNTING_PERIOD", rec.period),
                ("STATUS_CODE", code),
                ("STATUS_DESCRIPTION", names[code]),
                ("CREATE_DATE", rec.created.isoformat()),
                ("EMAIL_STATUS_CODE", email_code),
                ("EMAIL_STATUS_DESCRIPTION", email_names[email_code]),
                ("EMAIL_STATUS_DATE", rec.mails[-1].isoformat()),
            ):
                etree.SubElement(item, name).text = value
    return answer


def get_balance(sb, payload, session):
    _shape(payload, ("REQUEST_HEADER", "BALANCE_DETAIL_FLAG"), ("REQUEST_HEADER",))
    _header_check(payload, False)
    flag = _value(payload, ["BALANCE_DETAIL_FLAG"]) or "N"
    if flag not in ("Y", "N"):
        raise MalformedRequest("BALANCE_DETAIL_FLAG takes Y or N")
    debts = desk(sb).debts.get(session.vkn, [])
    answer = etree.Element(f"{{{BILLING_NS}}}GetBalanceResponse", nsmap={None: BILLING_NS})
    total = sum((amount for *_rest, amount in debts), Decimal("0"))
    etree.SubElement(answer, "TOTAL_BALANCE").text = f"{total:.2f}"
    etree.SubElement(answer, "INVOICE_COUNT").text = str(len(debts))
    etree.SubElement(answer, "MESSAGE").text = (
        "SANDBOX borç bilgisi (gerçek değil)" if debts else "Borcunuz bulunmamaktadır (SANDBOX)"
    )
    if flag == "Y":
        detail = etree.SubElement(answer, "BALANCE_DETAIL")
        for number, date, period, amount in debts:
            invoice = etree.SubElement(detail, "INVOICE")
            for name, value in (
                ("INVOICE_NO", number),
                ("INVOICE_DATE", date),
                ("PERIOD", period),
                ("PAYABLE_AMOUNT", f"{amount:.2f}"),
            ):
                etree.SubElement(invoice, name).text = value
    return answer


def _usage_counts(sb, vkn, direction):
    """Per month and product: documents the company exchanged, its reconciliations and mails."""
    counts = {}
    wanted = {"INBOX": "IN", "OUTBOX": "OUT"}.get(direction)
    for doc in sb.store.find(vkn):
        if doc.draft or (wanted and doc.direction != wanted):
            continue
        product = KIND_PRODUCT.get(doc.kind)
        if product is None or (doc.direction == "IN" and product in OUTBOUND_ONLY):
            continue
        counts.setdefault(doc.cdate.strftime("%Y%m"), Counter())[product] += 1
    if direction != "INBOX":
        d = desk(sb)
        with d.lock:
            for rec in d.sent.values():
                if rec.owner_vkn == vkn:
                    counts.setdefault(rec.created.strftime("%Y%m"), Counter())["EMUTABAKAT"] += 1
                    for moment in rec.mails:
                        counts.setdefault(moment.strftime("%Y%m"), Counter())["MAIL"] += 1
    return counts


def get_usage(sb, payload, session):
    _shape(
        payload, ("REQUEST_HEADER", "PERIOD", "PRODUCT_TYPE", "DIRECTION"), ("REQUEST_HEADER", "DIRECTION")
    )
    _header_check(payload, False)
    period = _value(payload, ["PERIOD"])
    product = _value(payload, ["PRODUCT_TYPE"]) or "ALL"
    direction = _value(payload, ["DIRECTION"])
    if product not in ("ALL", *PRODUCTS) or direction not in ("ALL", "INBOX", "OUTBOX"):
        raise MalformedRequest("PRODUCT_TYPE or DIRECTION outside the documented values")
    if period and not _PERIOD.match(period):
        raise MalformedRequest("PERIOD is written YYYYMM")
    if direction == "INBOX" and product in OUTBOUND_ONLY:
        raise IzibizError(10013, f"Gönderilen istek geçersizdir. {product} için DIRECTION INBOX verilemez")
    counts = _usage_counts(sb, session.vkn, direction)
    if period:
        months = [period]
    else:
        now = sb.clock.now()
        months = []
        year, month = now.year, now.month
        for _ in range(6):
            months.append(f"{year:04d}{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    answer = etree.Element(f"{{{BILLING_NS}}}GetUsageResponse", nsmap={None: BILLING_NS})
    container = etree.SubElement(answer, "LAST_PROCESS_TIME")
    for month in months:
        counter = counts.get(month, Counter())
        shown = PRODUCTS if product == "ALL" else (product,)
        usage = etree.SubElement(container, "USAGE")
        etree.SubElement(usage, "PERIOD").text = month
        etree.SubElement(usage, "TOTAL_USAGE").text = str(sum(counter[name] for name in shown))
        node = etree.SubElement(usage, "PRODUCT")
        for name in shown:
            etree.SubElement(node, name).text = str(counter[name])
    return answer


DOCUMENTED = {
    (RECONCILIATION_PATH, f"{{{RECONCILIATION_NS}}}GetBABSReconciliationStatusRequest"): (
        "GetBABSReconciliationStatus",
        babs_status,
    ),
    (BILLING_PATH, f"{{{BILLING_NS}}}GetBalanceRequest"): ("GetBalance", get_balance),
    (BILLING_PATH, f"{{{BILLING_NS}}}GetUsageRequest"): ("GetUsage", get_usage),
}


def call_documented(sb, path, raw):
    """Answer a documented call without a WSDL, or None when ``raw`` is not one of them."""
    try:
        _envelope, payload = parse_envelope(raw)
    except MalformedRequest:
        return None
    found = DOCUMENTED.get((path, payload.tag))
    if found is None:
        return None
    name, handler = found
    sb._log(name)
    fault = sb.faults.take(name)
    if fault and fault.kind == "http_500":
        return 500, b"500 Internal Server Error", fault
    try:
        if not payload.xpath("*[local-name()='REQUEST_HEADER']"):
            raise MalformedRequest("REQUEST_HEADER zorunludur")
        session = sb.store.session(_value(payload, ["REQUEST_HEADER", "SESSION_ID"]))
        answer = handler(sb, payload, session)
    except MalformedRequest as exc:
        return 500, _fault(10013, f"Gönderilen istek geçersizdir. Hata sebebi {exc}", sb.txn_id()), fault
    except IzibizError as exc:
        return 500, _fault(exc.code, exc.text, sb.txn_id()), fault
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body").append(answer)
    return 200, etree.tostring(envelope, xml_declaration=True, encoding="utf-8"), fault


def _fault(code, text, txn_id):
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap-env": SOAP_ENV})
    fault = etree.SubElement(etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap-env:Server"
    etree.SubElement(fault, "faultstring").text = text
    error = etree.SubElement(etree.SubElement(fault, "detail"), "RequestFault")
    for key, value in (("INTL_TXN_ID", txn_id), ("ERROR_CODE", code), ("ERROR_SHORT_DES", text)):
        etree.SubElement(error, key).text = str(value)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
