"""The sandbox's e-SMM (SmmWS) and e-Müstahsil (CreditNoteWS) desk.

Requests come through the two WSDLs like every other service (parsed and XSD-validated by the
server). Each receipt is read with the core parser and must be an EARSIVBELGE of the service's
kind, issued by the session's company, with ID/UUID equal to the request's attributes; İzibiz's
rules on delivery apply (SENDING_TYPE required, ELEKTRONIK needs an e-mail or SMS number, a flag
without a contract refuses the upload). The clock moves a receipt 103 KUYRUĞA EKLENDİ → 104
İŞLENİYOR → 105 İŞLENDİ, and the report status 200 RAPORLANACAK → 201 RAPORLANDI at the first
report run after the receipt's day (İzibiz reports to GİB daily). CancelSmm/CancelCreditNote
with DELETE_FLAG=N gives 107 and 202 → 203; with Y a receipt not yet reported is withdrawn
(107, 204 RAPORLANMAYACAK) and a reported one is refused.
"""

import threading
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from zeep.xsd import SkipValue

from ..earsivbelge import EMAIL_STATUS_CODES as EMAIL_CODES
from ..earsivbelge import MM, PROFILE, SMM, STATUS_CODES
from ..earsivbelge import REPORT_STATUS_CODES as REPORT_CODES
from ..errors import EdocError
from ..ubl.earsivbelge import parse_receipt
from .content import pack, pdf_view, raw_bytes, unpack
from .operations import _compressed, _ok, _session, operation
from .state import IzibizError, invalid_request, not_found

MAX_RECEIPTS = 100
SERVICES = {
    SMM: ("SMM", "SMM_PROPERTIES", "SMM_SEARCH_KEY", "SMM_STATUS", "SMM_REPORT"),
    MM: (
        "CREDITNOTE",
        "CREDITNOTE_PROPERTIES",
        "CREDITNOTE_SEARCH_KEY",
        "CREDITNOTE_STATUS",
        "CREDITNOTE_REPORT",
    ),
}


@dataclass
class Receipt:
    kind: str
    owner_vkn: str
    uuid: str
    id: str
    xml: bytes
    customer_id: str
    customer_name: str
    issue_date: object
    payable: object
    currency: str
    sending_type: str
    email: str
    created: datetime
    cancelled: datetime | None = None
    withdrawn: bool = False


class EarsivbelgeDesk:
    """What the sandbox keeps of e-SMM and e-MM receipts; ``no_contract`` lists VKNs without
    the e-mail/SMS contract, ``report_hour`` is when the daily report to GİB runs."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.Lock()
        self.receipts = {}
        self.no_contract = set()
        self.queued = timedelta(minutes=1)
        self.processing = timedelta(minutes=2)
        self.report_hour = time(2, 0)

    def report_moment(self, moment):
        """The daily report run that takes what happened at ``moment``: the next day's run."""
        day = moment.date() + timedelta(days=1)
        return datetime.combine(day, self.report_hour, tzinfo=moment.tzinfo)

    def status(self, rec):
        """(status code, report code, e-mail code) at the sandbox's now."""
        now = self.clock.now()
        if rec.cancelled is not None:
            if rec.withdrawn:
                return "107", "204", self._email(rec, now)
            if now >= self.report_moment(rec.cancelled):
                return "107", "203", self._email(rec, now)
            return "107", "202", self._email(rec, now)
        elapsed = now - rec.created
        if elapsed < self.queued:
            code = "103"
        elif elapsed < self.processing:
            code = "104"
        else:
            code = "105"
        report = "201" if code == "105" and now >= self.report_moment(rec.created) else "200"
        return code, report, self._email(rec, now)

    def _email(self, rec, now):
        if not rec.email:
            return None
        elapsed = now - rec.created
        return "100" if elapsed < self.queued else "110" if elapsed < self.processing else "130"

    def reported(self, rec):
        return self.clock.now() >= self.report_moment(rec.created)


def desk(sb):
    with sb._log_lock:
        found = getattr(sb, "earsivbelge_desk", None)
        if found is None:
            found = sb.earsivbelge_desk = EarsivbelgeDesk(sb.clock)
        return found


def _check_delivery(props, vkn, d):
    if props is None or not props.SENDING_TYPE:
        raise invalid_request("SENDING_TYPE zorunludur")
    if props.SENDING_TYPE not in ("ELEKTRONIK", "KAGIT"):
        raise invalid_request("SENDING_TYPE ELEKTRONIK veya KAGIT olmalıdır")
    email = props.EMAIL_FLAG == "Y"
    sms = props.SMS_FLAG == "Y"
    if (email or sms) and vkn in d.no_contract:
        raise IzibizError(10013, "E-posta/SMS gönderimi için sözleşmeniz bulunmamaktadır. Yükleme reddedildi")
    if email and not props.EMAIL:
        raise invalid_request("EMAIL_FLAG Y iken EMAIL zorunludur")
    if sms and not props.SMS_NUMBER:
        raise invalid_request("SMS_FLAG Y iken SMS_NUMBER zorunludur")
    if props.SENDING_TYPE == "ELEKTRONIK" and not (email or sms):
        raise invalid_request("ELEKTRONIK gönderimde e-posta adresi veya SMS numarası zorunludur")
    return (props.EMAIL or [""])[0] if email else ""


def _send(sb, req, kind):
    session = _session(sb, req)
    item_name, props_name, *_rest = SERVICES[kind]
    d = desk(sb)
    props = getattr(req, props_name, None)
    email = _check_delivery(props, session.vkn, d)
    series = getattr(req, "SERIES_PROPERTIES", None)
    if series is not None and series.SERIES_FLAG == "Y":
        raise invalid_request("SANDBOX numara atamaz: belgeyi numaralı gönderiniz (SERIES_FLAG N)")
    items = getattr(req, item_name)
    batch = []
    for item in items:
        if not item.ID or not item.UUID:
            raise invalid_request(f"{item_name} ID ve UUID zorunludur")
        for xml in unpack(raw_bytes(item.CONTENT), _compressed(req)):
            try:
                receipt = parse_receipt(xml)
            except EdocError as exc:
                raise IzibizError(10003, f"Belge kontrolden geçemedi. Hata sebebi: {exc.message}") from exc
            if receipt.kind != kind or receipt.profile_id != PROFILE:
                raise IzibizError(
                    10003, f"Belge kontrolden geçemedi. Hata sebebi: {receipt.kind} bu serviste gönderilemez"
                )
            if (receipt.id, receipt.uuid) != (item.ID, item.UUID):
                raise invalid_request("ID/UUID belge içeriği ile aynı olmalıdır")
            if receipt.supplier.tax_id != session.vkn:
                raise IzibizError(
                    10003, "Belge kontrolden geçemedi. Hata sebebi: gönderici VKN oturumla aynı değil"
                )
            batch.append((receipt, xml))
    if len(batch) > MAX_RECEIPTS:
        raise IzibizError(10010, "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir")
    now = sb.clock.now()
    with d.lock:
        for receipt, _xml in batch:
            if (session.vkn, receipt.uuid) in d.receipts:
                raise IzibizError(
                    10009,
                    "Gönderilen belge daha önce gönderilmiş bir belge ile eşleşmektedir. "
                    f"ID: {receipt.id} ve UUID: {receipt.uuid}",
                )
        for receipt, xml in batch:
            customer = receipt.customer
            person = customer.person
            d.receipts[(session.vkn, receipt.uuid)] = Receipt(
                kind=kind,
                owner_vkn=session.vkn,
                uuid=receipt.uuid,
                id=receipt.id,
                xml=xml,
                customer_id=customer.tax_id or "",
                customer_name=customer.name
                or (f"{person.first_name} {person.family_name}" if person else ""),
                issue_date=receipt.issue_date,
                payable=receipt.payable_amount,
                currency=receipt.currency,
                sending_type=props.SENDING_TYPE,
                email=email,
                created=now,
            )
    return _ok(sb)


def _header(d, rec, with_report):
    code, report, email = d.status(rec)
    header = {
        "CUSTOMER": {"IDENTIFIER": rec.customer_id, "NAME": rec.customer_name},
        "ISSUE_DATE": rec.issue_date,
        "PAYABLE_AMOUNT": {"_value_1": rec.payable, "currencyID": rec.currency},
        "PROFILE_ID": PROFILE,
        "STATUS": STATUS_CODES[code],
        "STATUS_CODE": int(code),
        "STATUS_DESCRIPTION": STATUS_CODES[code],
        "CDATE": rec.created,
    }
    if email:
        header.update(
            EMAIL=[rec.email], EMAIL_STATUS_CODE=int(email), EMAIL_STATUS_DESCRIPTION=EMAIL_CODES[email]
        )
    if with_report:
        header.update(REPORT_STATUS_CODE=int(report), REPORT_STATUS_DESCRIPTION=REPORT_CODES[report])
        if rec.cancelled and not rec.withdrawn:
            header["CANCEL_REPORT_DATE"] = d.report_moment(rec.cancelled)
        if rec.withdrawn:
            header["NO_REPORT_DATE"] = rec.cancelled
    return header


def _status(sb, req, kind):
    session = _session(sb, req)
    d = desk(sb)
    found = []
    with d.lock:
        for value in req.UUID:
            rec = d.receipts.get((session.vkn, value))
            if rec is not None and rec.kind == kind:
                found.append({"ID": rec.id, "UUID": rec.uuid, "HEADER": _header(d, rec, True)})
    # İzibiz answers "no match" with an empty result although some of its XSDs ask for one element.
    return {SERVICES[kind][3]: found or SkipValue}


def _get(sb, req, kind):
    session = _session(sb, req)
    d = desk(sb)
    key = getattr(req, SERVICES[kind][2])
    header_only = (req.HEADER_ONLY or "N").upper() == "Y"
    view = (req.CONTENT_TYPE or "XML").upper()
    if view not in ("XML", "PDF", "HTML"):
        raise invalid_request("CONTENT_TYPE XML, PDF veya HTML olmalıdır")
    limit = key.LIMIT or 10
    if limit > (25000 if header_only else 100):
        raise invalid_request("LIMIT içerikli sorguda en çok 100, başlıkta 25000 olabilir")
    found = []
    with d.lock:
        for rec in sorted(d.receipts.values(), key=lambda r: r.created):
            if rec.owner_vkn != session.vkn or rec.kind != kind or (rec.withdrawn and not key.UUID):
                continue
            if (key.UUID and rec.uuid != key.UUID) or (key.ID and rec.id != key.ID):
                continue
            if (key.START_DATE and rec.issue_date < key.START_DATE) or (
                key.END_DATE and rec.issue_date > key.END_DATE
            ):
                continue
            item = {"ID": rec.id, "UUID": rec.uuid, "HEADER": _header(d, rec, True)}
            if not header_only:
                data = rec.xml if view == "XML" else _view(rec, view)
                item["CONTENT"] = {"_value_1": pack(f"{rec.uuid}.{view.lower()}", data, _compressed(req))}
            found.append(item)
            if len(found) >= limit:
                break
    return {SERVICES[kind][0]: found or SkipValue}


def _view(rec, view):
    if view == "PDF":
        return pdf_view(SimpleNamespace(facts=SimpleNamespace(id=rec.id, uuid=rec.uuid)))
    return (
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>SANDBOX</title></head><body>'
        f"<h1>SANDBOX görüntü (XSLT değil)</h1><p>{rec.id} — {rec.uuid}</p></body></html>"
    ).encode()


def _cancel(sb, req, kind):
    session = _session(sb, req)
    d = desk(sb)
    withdraw = (req.DELETE_FLAG or "N").upper() == "Y"
    now = sb.clock.now()
    with d.lock:
        found = []
        for value in req.UUID:
            rec = d.receipts.get((session.vkn, value))
            if rec is None or rec.kind != kind:
                raise not_found(f"UUID: {value}")
            if rec.cancelled is not None:
                raise IzibizError(10011, "Tekrarlanan işlem: belge zaten iptal edilmiş")
            if withdraw and d.reported(rec):
                raise invalid_request(
                    "GİB'e raporlanmış belge raporlanmayacak olarak iptal edilemez (DELETE_FLAG N)"
                )
            found.append(rec)
        for rec in found:
            rec.cancelled = now
            rec.withdrawn = withdraw
    return _ok(sb)


def _report(sb, req, kind):
    """One report part per company and day: the receipts of that day, as GİB received them."""
    session = _session(sb, req)
    d = desk(sb)
    if not req.START_DATE or not req.END_DATE or req.END_DATE < req.START_DATE:
        raise invalid_request("START_DATE ve END_DATE zorunludur")
    now = sb.clock.now()
    days = {}
    with d.lock:
        for rec in d.receipts.values():
            if rec.owner_vkn == session.vkn and rec.kind == kind and not rec.withdrawn:
                day = rec.created.date()
                if req.START_DATE <= day <= req.END_DATE:
                    days.setdefault(day, []).append(rec)
    rows = []
    for number, (day, recs) in enumerate(sorted(days.items()), 1):
        moment = d.report_moment(datetime.combine(day, time(), tzinfo=now.tzinfo))
        done = now >= moment
        code = "201" if done else "200"
        rows.append(
            {
                "HEADER": {
                    "UUID": str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"sandbox:{session.vkn}:{kind}:{day}")),
                    "PERIOD_SDATE": day.replace(day=1),
                    "PERIOD_EDATE": day,
                    "SEGMENT_SDATE": day,
                    "SEGMENT_EDATE": day,
                    "SEGMENT_NO": number,
                    "DOCUMENT_COUNT": len(recs),
                    "STATUS": REPORT_CODES[code],
                    "STATUS_CODE": code,
                    "STATUS_DESC": REPORT_CODES[code],
                    "GIB_STATUS_CODE": 0 if done else None,
                    "GIB_STATUS_DESCRIPTION": "BAŞARILI" if done else None,
                    "GIB_STATUS_DATE": moment if done else None,
                    "CREATE_DATE": day,
                }
            }
        )
    return {SERVICES[kind][4]: rows or SkipValue}


@operation("SendSmm")
def send_smm(sb, req):
    return _send(sb, req, SMM)


@operation("SendCreditNote")
def send_credit_note(sb, req):
    return _send(sb, req, MM)


@operation("GetSmmStatus")
def get_smm_status(sb, req):
    return _status(sb, req, SMM)


@operation("GetCreditNoteStatus")
def get_credit_note_status(sb, req):
    return _status(sb, req, MM)


@operation("GetSmm")
def get_smm(sb, req):
    return _get(sb, req, SMM)


@operation("GetCreditNote")
def get_credit_note(sb, req):
    return _get(sb, req, MM)


@operation("CancelSmm")
def cancel_smm(sb, req):
    return _cancel(sb, req, SMM)


@operation("CancelCreditNote")
def cancel_credit_note(sb, req):
    return _cancel(sb, req, MM)


@operation("GetSmmReport")
def get_smm_report(sb, req):
    return _report(sb, req, SMM)


@operation("GetCreditNoteReport")
def get_credit_note_report(sb, req):
    return _report(sb, req, MM)
