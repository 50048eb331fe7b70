"""Everything the sandbox remembers: companies, sessions, documents, and how GİB treats them.

Statuses are not stored but computed from the document's CDATE and the sandbox clock, so a
test that advances the clock sees the next GİB step without any background job.
"""

import threading
import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..errors import EdocError
from ..xmlsafe import load_xml
from .clock import TR_TZ
from .userlist import GIB_DESPATCH_ALIAS, GIB_DESPATCH_VKN, GibUser

ANSWER_WINDOW = timedelta(days=8)

GIB_TEXT = {
    1000: "ZARF KUYRUĞA EKLENDİ",
    1150: "SCHEMATRON KONTROL SONUCU HATALI",
    1160: "XML SEMA KONTROLÜNDEN GEÇEMEDİ",
    1163: "GÖNDERİLEN ZARF SİSTEMDE DAHA ÖNCE KAYITLI OLAN BİR FATURAYI İÇERMEKTEDİR",
    1200: "ZARF BAŞARIYLA İŞLENDİ",
    1215: "DOKÜMAN GÖNDERİMİ BAŞARISIZ. TEKRAR GÖNDERME SONLANDI",
    1300: "BAŞARIYLA TAMAMLANDI",
}


class IzibizError(Exception):
    """An answer İzibiz would give as a SOAP fault: its numeric code and its Turkish text."""

    def __init__(self, code, text):
        self.code = code
        self.text = text
        super().__init__(f"{code}: {text}")


def invalid_request(reason):
    return IzibizError(10013, f"Gönderilen istek geçersizdir. Hata sebebi {reason}")


def too_frequent(reason):
    """The sandbox's answer to polling faster than İzibiz allows: its generic invalid-request code
    with the guide's own words, "Sık sorgulama yapmayınız"."""
    return invalid_request(f"Sık sorgulama yapmayınız: {reason}")


def not_found(criteria):
    return IzibizError(10008, f"Belirtilen kriterlere uygun kayıt bulunamamıştır ({criteria})")


@dataclass(frozen=True)
class Company:
    vkn: str
    title: str
    username: str
    password: str
    gb_alias: str
    pk_alias: str
    despatch_gb_alias: str | None = None
    despatch_pk_alias: str | None = None
    credit_loaded: int = 1000


@dataclass(frozen=True)
class Session:
    session_id: str
    vkn: str
    username: str
    created: datetime


# Failures on İzibiz's own platform, before GİB ever sees the document: no GİB code comes with them.
PLATFORM_FAILURES = {
    105: ("PACKAGE_FAILED", "PAKETLEME HATASI"),
    106: ("SIGN_FAILED", "İMZALANIYOR"),
    136: ("SEND_FAILED", "GÖNDERME İŞLEMİ BAŞARISIZ"),
    139: ("AUTO_FAILED", "OTOMATİK GÖNDERİM HATASI"),
}
FAILED_STATUSES = frozenset(name for name, _text in PLATFORM_FAILURES.values())


@dataclass(frozen=True)
class Answer:
    """KABUL/RED given by the receiver of a TICARIFATURA (or a ReceiptAdvice for a despatch).

    ``content`` is the ApplicationResponse exactly as a client-signing customer sent it. An answer
    is processed for ``Store.gib_processing`` after ``at``; a ``failed`` one never reached the
    sender and may be given again. ``portal`` marks one given on İzibiz's portal, not through the API.
    """

    code: str
    description: str
    at: datetime
    reference_id: str = ""
    reference_uuid: str = ""
    content: bytes = field(default=b"", compare=False, repr=False)
    failed: bool = False
    portal: bool = False


@dataclass(frozen=True)
class Facts:
    """What the sandbox reads out of a UBL document, like İzibiz does on upload."""

    root: str
    uuid: str
    id: str
    profile: str
    type_code: str
    issue_date: str
    issue_time: str
    sender_vkn: str
    sender_title: str
    receiver_vkn: str
    receiver_title: str
    amount: Decimal | None
    currency: str
    reference_id: str


@dataclass(frozen=True)
class Document:
    kind: str  # INVOICE, EARCHIVE, DESPATCH, RECEIPT
    owner_vkn: str
    direction: str  # OUT or IN
    facts: Facts
    content: bytes
    cdate: datetime
    list_id: int
    envelope_id: str
    sender_alias: str = ""
    receiver_alias: str = ""
    draft: bool = False
    read: bool = False
    gib_reject_code: int | None = None
    platform_failure: int | None = None
    answer: Answer | None = None
    cancelled_at: datetime | None = None
    earchive: dict = field(default_factory=dict, compare=False)

    @property
    def uuid(self):
        return self.facts.uuid

    @property
    def id(self):
        return self.facts.id


@dataclass(frozen=True)
class Status:
    status: str
    description: str
    code: int
    gib_code: int | None = None

    @property
    def gib_description(self):
        return GIB_TEXT.get(self.gib_code) if self.gib_code else None


_PARTIES = {
    "Invoice": ("AccountingSupplierParty", "AccountingCustomerParty"),
    "DespatchAdvice": ("DespatchSupplierParty", "DeliveryCustomerParty"),
    "ReceiptAdvice": ("DeliveryCustomerParty", "DespatchSupplierParty"),
}


def _first(node, path):
    hits = node.xpath(path)
    return (hits[0].text or "").strip() if hits else ""


def _party(root, role):
    party = root.xpath(f"./*[local-name()='{role}']/*[local-name()='Party']")
    if not party:
        return "", ""
    party = party[0]
    vkn = _first(
        party,
        "./*[local-name()='PartyIdentification']/*[local-name()='ID'][@schemeID='VKN' or @schemeID='TCKN']",
    )
    title = _first(party, "./*[local-name()='PartyName']/*[local-name()='Name']")
    if not title:
        person = " ".join(
            _first(party, f"./*[local-name()='Person']/*[local-name()='{part}']")
            for part in ("FirstName", "FamilyName")
        )
        title = person.strip()
    return vkn, title


def read_facts(xml):
    """Read an uploaded UBL-TR document through the hardened core loader, as İzibiz reads uploads."""
    try:
        root = load_xml(xml)
    except EdocError as exc:
        raise IzibizError(10003, f"Belge Şematron Kontrolünden Geçemedi: XML okunamadı ({exc})") from exc
    name = etree.QName(root).localname
    if name not in _PARTIES:
        raise IzibizError(10003, f"Belge Şematron Kontrolünden Geçemedi: beklenmeyen belge {name}")
    supplier, customer = _PARTIES[name]
    sender_vkn, sender_title = _party(root, supplier)
    receiver_vkn, receiver_title = _party(root, customer)
    amount_node = root.xpath("./*[local-name()='LegalMonetaryTotal']/*[local-name()='PayableAmount']")
    try:
        amount = Decimal(amount_node[0].text.strip()) if amount_node else None
    except (InvalidOperation, AttributeError):
        amount = None
    facts = Facts(
        root=name,
        uuid=_first(root, "./*[local-name()='UUID']"),
        id=_first(root, "./*[local-name()='ID']"),
        profile=_first(root, "./*[local-name()='ProfileID']"),
        type_code=_first(root, f"./*[local-name()='{name}TypeCode']"),
        issue_date=_first(root, "./*[local-name()='IssueDate']"),
        issue_time=_first(root, "./*[local-name()='IssueTime']"),
        sender_vkn=sender_vkn,
        sender_title=sender_title,
        receiver_vkn=receiver_vkn,
        receiver_title=receiver_title,
        amount=amount,
        currency=amount_node[0].get("currencyID", "") if amount_node else "",
        reference_id=_first(root, "./*[local-name()='DespatchDocumentReference']/*[local-name()='ID']"),
    )
    if not facts.uuid or not facts.sender_vkn:
        raise IzibizError(10003, "Belge Şematron Kontrolünden Geçemedi: UUID veya gönderici VKN yok")
    return facts


class Store:
    """All mutable state behind one lock; handlers run in server threads."""

    def __init__(self, clock):
        self.clock = clock
        self.lock = threading.RLock()
        self.companies = {}
        self.sessions = {}
        self.logins = Counter()
        self.issued_sessions = []
        self.logouts = Counter()
        self.docs = {}
        self.credit_used = {}
        self.last_use = {}
        self.gib_rejections = {}
        self.platform_failures = {}
        self.reports = {}
        # ETTNs whose next answer fails at GİB; VKNs without İzibiz's e-Arşiv e-mail service
        self.answer_failures = set()
        # VKN -> (code, reason): buyers answering every TICARIFATURA (Sandbox.answer_automatically)
        self.auto_answers = {}
        self.no_email_service = set()
        self.deleted = []  # (vkn, number, ETTN) of e-Arşiv invoices cancelled with DELETE_FLAG
        self.session_lifetime = timedelta(hours=8)
        # İzibiz's "Sık sorgulama yapmayınız", off unless a test arms it (Sandbox.throttle).
        self.fetch_gap = None
        self.status_gap = None
        self.listing_ended = {}
        self.polled_at = {}
        self.gib_processing = timedelta(minutes=1)
        self.gib_completion = timedelta(minutes=5)
        self._next_list_id = 1

    # sessions ---------------------------------------------------------------------------

    def login(self, username, password):
        with self.lock:
            company = next((c for c in self.companies.values() if c.username == username), None)
            if company is None or company.password != password:
                raise IzibizError(10002, "Oturum oluşturulamadı: kullanıcı adı veya şifre hatalı")
            session = Session(uuidlib.uuid4().hex, company.vkn, username, self.clock.now())
            self.sessions[session.session_id] = session
            self.logins[username] += 1
            self.issued_sessions.append(session.session_id)
            return session

    def session(self, session_id):
        with self.lock:
            session = self.sessions.get(session_id or "")
            if session and self.clock.now() >= session.created + self.session_lifetime:
                del self.sessions[session.session_id]
                session = None
            if session is None:
                raise IzibizError(
                    10004,
                    "Aktif session bulunamadı. Geçersiz oturum. "
                    "Lütfen tekrar oturum oluşturunuz ve tekrar deneyiniz",
                )
            return session

    def logout(self, session_id):
        with self.lock:
            session = self.sessions.pop(session_id, None)
            if session is not None:
                self.logouts[session.username] += 1

    def expire(self, session_id):
        with self.lock:
            self.sessions.pop(session_id, None)

    # documents --------------------------------------------------------------------------

    def new_list_id(self):
        with self.lock:
            value = self._next_list_id
            self._next_list_id += 1
            return value

    def get(self, owner_vkn, direction, doc_uuid):
        return self.docs.get((owner_vkn, direction, doc_uuid))

    def put(self, doc):
        with self.lock:
            self.docs[(doc.owner_vkn, doc.direction, doc.uuid)] = doc
            return doc

    def update(self, doc, **changes):
        return self.put(replace(doc, **changes))

    def find(self, owner_vkn, *, kind=None, direction=None, doc_id=None, doc_uuid=None):
        with self.lock:
            # an ETTN is part of the key: a status query for thousands must not scan them all each time
            candidates = (
                [
                    self.docs.get((owner_vkn, way, doc_uuid))
                    for way in ((direction,) if direction else ("OUT", "IN"))
                ]
                if doc_uuid
                else self.docs.values()
            )
            hits = [
                d
                for d in candidates
                if d is not None
                and d.owner_vkn == owner_vkn
                and (kind is None or d.kind in (kind if isinstance(kind, tuple) else (kind,)))
                and (direction is None or d.direction == direction)
                and (not doc_id or d.id == doc_id)
                and (not doc_uuid or d.uuid == doc_uuid)
            ]
        return sorted(hits, key=lambda d: d.list_id)

    def charge(self, vkn, units=1):
        with self.lock:
            self.credit_used[vkn] = self.credit_used.get(vkn, 0) + units
            self.last_use[vkn] = self.clock.now()

    def company_by_vkn(self, vkn):
        return self.companies.get(vkn)

    def accepts(self, vkn, alias, document_type, registry):
        """Whether GİB would deliver to this address (the GİB despatch mailbox always accepts)."""
        if document_type == "DESPATCHADVICE" and (vkn, alias) == (GIB_DESPATCH_VKN, GIB_DESPATCH_ALIAS):
            return True
        return registry.has_alias(vkn, alias, document_type, "PK")

    # statuses ---------------------------------------------------------------------------

    def _gib_step(self, doc, now):
        elapsed = now - doc.cdate
        if elapsed < self.gib_processing:
            return 1000
        if doc.gib_reject_code:
            return doc.gib_reject_code
        return 1200 if elapsed < self.gib_completion else 1300

    def status(self, doc):
        now = self.clock.now()
        if doc.kind == "EARCHIVE":
            return self._earchive_status(doc, now)
        if doc.draft:
            return Status("LOAD_SUCCEED", "KUYRUĞA EKLENDİ", 101)
        if doc.direction == "OUT" and doc.platform_failure:
            return Status(*PLATFORM_FAILURES[doc.platform_failure], doc.platform_failure)
        gib = 1300 if doc.direction == "IN" else self._gib_step(doc, now)
        if doc.direction == "IN":
            if doc.kind == "INVOICE" and doc.facts.profile == "TICARIFATURA":
                return self._answer_status(doc.answer, now, gib)
            return Status("RECEIVE_SUCCEED", "ALINDI", 133, gib)
        if gib not in (1000, 1200, 1300):
            return Status("SEND_FAILED", "GÖNDERME İŞLEMİ BAŞARISIZ", 136, gib)
        if gib == 1000:
            return Status("SEND_WAIT_GIB_RESPONSE", "GİB'DEN YANIT BEKLİYOR", 109, gib)
        if gib == 1200:
            return Status("SEND_WAIT_SYSTEM_RESPONSE", "ALICIDAN YANIT BEKLİYOR", 110, gib)
        if doc.kind == "INVOICE" and doc.facts.profile == "TICARIFATURA":
            if not self.answer_settled(doc.answer, now):
                return Status("SEND_WAIT_APPLICATION_RESPONSE", "ALICIDAN ONAY BEKLİYOR", 111, gib)
            if doc.answer.code == "KABUL":
                return Status("ACCEPTED_SUCCEED", "KABUL EDİLDİ", 112, gib)
            return Status("REJECTED_SUCCEED", "RET EDİLDİ", 120, gib)
        return Status("SEND_SUCCEED", "GÖNDERİLDİ", 137, gib)

    def answer_settled(self, answer, now):
        """An answer the sender sees: processed, and not failed."""
        return answer is not None and not answer.failed and now - answer.at >= self.gib_processing

    def _answer_status(self, answer, now, gib):
        """The receiver's view of its answer (İzibiz's incoming statuses 122-132)."""
        if answer is None:
            return Status("RECEIVE_WAIT_APPLICATION_RESPONSE", "ALINDI", 132, gib)
        accepted = answer.code == "KABUL"
        if now - answer.at < self.gib_processing:
            if accepted:
                return Status("ACCEPTED_PROCESSING", "KABUL İŞLENİYOR", 123, gib)
            return Status("REJECT_PROCESSING", "RED İŞLENİYOR", 129, gib)
        if answer.failed:
            if accepted:
                return Status("ACCEPT_FAILED", "KABUL İŞLEMİ BAŞARISIZ", 126, gib)
            return Status("FAILED", "RED İŞLEMİ BAŞARISIZ", 131, gib)
        if accepted:
            return Status("ACCEPTED_SUCCEED", "KABUL EDİLDİ", 122, gib)
        return Status("REJECT_SUCCEED", "REDDEDİLDİ", 130, gib)

    def report_day(self, doc):
        """e-Arşiv invoices are reported to GİB in a daily report, available from the next midnight."""
        return doc.cdate.date()

    def is_reported(self, doc, now):
        next_midnight = datetime.combine(self.report_day(doc) + timedelta(days=1), time(), TR_TZ)
        return now >= next_midnight

    def report_id(self, vkn, day):
        with self.lock:
            return self.reports.setdefault((vkn, day), len(self.reports) + 1)

    def _earchive_status(self, doc, now):
        if doc.draft:
            return Status("LOAD_SUCCEED", "TASLAK OLARAK EKLENDİ", 105)
        if doc.cancelled_at and not self.is_reported(doc, doc.cancelled_at):
            return Status("CANCELLED", "RAPORLANMADAN İPTAL EDİLDİ. RAPORLANMAYACAK.", 150)
        if now - doc.cdate < self.gib_processing:
            return Status("QUEUED", "KUYRUĞA EKLENDİ", 100)
        if not self.is_reported(doc, now):
            return Status("WAIT_REPORT", "RAPORLANACAK", 120)
        if doc.cancelled_at:
            return Status("REPORTED_CANCELLED", "RAPORLANDI, İPTAL EDİLDİ", 130)
        return Status("REPORTED", "RAPORLANDI", 130)

    def gib_users_for(self, company):
        """The GİB list entries a registered company brings along (one per alias)."""
        registered = self.clock.now() - timedelta(days=365)
        entries = [
            ("INVOICE", "GB", company.gb_alias),
            ("INVOICE", "PK", company.pk_alias),
            ("DESPATCHADVICE", "GB", company.despatch_gb_alias),
            ("DESPATCHADVICE", "PK", company.despatch_pk_alias),
        ]
        return [
            GibUser(company.vkn, company.title, alias, unit, doc_type, registered, registered)
            for doc_type, unit, alias in entries
            if alias
        ]
