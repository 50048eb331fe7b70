"""e-Mutabakat (BA/BS and cari) figures and İzibiz's reconciliation and billing vocabularies.

Pure computations over plain facts the ORM gathers from posted moves; nothing here knows Odoo.

**Form Ba / Form Bs rule applied** (VUK Genel Tebliği Sıra No. 396, section on "Mal ve Hizmet
Alımlarına/Satışlarına İlişkin Bildirim Formu", with the threshold of 5.000 TL set by VUK Genel
Tebliği Sıra No. 410 from 01.01.2012): a counterparty is reported for a month when the documents
exchanged with it in that month total **5.000 TL or more excluding KDV** (ÖTV and the other taxes
stay in the amount). The threshold applies to the monthly total per counterparty and per form,
not to each document: documents under 5.000 TL count and add up like the others, and a
counterparty whose Ba (or Bs) total stays under 5.000 TL is not reported on that form. Amounts are
Turkish lira; documents in another currency count at their TRY value in the books. Return
invoices are reported by the form of the party that issues them (GİB's Ba/Bs guidance): a
customer's return (our ``out_refund``) is a purchase document for us and goes to **Ba**; our
return to a supplier (``in_refund``) is a sale document and goes to **Bs**.

İzibiz's own check (SendReconciliation, error 240) refuses a BA/BS reconciliation under that
limit, so only lines at or over the threshold are sendable.

**Cari mutabakat**: the balance of the counterparty's receivable and payable items at a date, in
one of the currencies İzibiz's CURRENCY_CODE allows (TRY, USD, EUR, GBP, CAD). Items in one of
those foreign currencies are summed in that currency; everything else counts at its TRY value.
``B`` (borç) is a debit balance in our books (the counterparty owes us), ``A`` (alacak) a credit.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .errors import ValidationFailed, _lt

BABS_THRESHOLD = Decimal("5000")
TYPE_BABS = "EM"
TYPE_CARI = "CM"
CURRENCIES = ("TRY", "USD", "EUR", "GBP", "CAD")
DEBIT = "B"
CREDIT = "A"

# Odoo-free names for the four document kinds that enter Form Ba / Form Bs.
SALE, SALE_RETURN, PURCHASE, PURCHASE_RETURN = "sale", "sale_return", "purchase", "purchase_return"
FORM_OF_KIND = {SALE: "bs", PURCHASE_RETURN: "bs", PURCHASE: "ba", SALE_RETURN: "ba"}

# GetReconciliationStatus / GetBABSReconciliationStatus STATUS_CODE ("E-Mutabakat Durumları").
STATUS_CODES = {
    "100": "KUYRUĞA EKLENDİ",
    "105": "TASLAK OLARAK EKLENDİ",
    "110": "İŞLENİYOR",
    "120": "İŞLENDİ",
    "125": "MUTABIK",
    "126": "MUTABIK DEĞİL",
}
AGREED_CODE = "125"
DISAGREED_CODE = "126"
# The string STATUS of the second table (after SendMailReconciliation); the WSDL gives STATUS
# and STATUS_CODE side by side, so STATUS carries these and STATUS_CODE the numeric table.
STATES = {
    "DRAFT": "TASLAK",
    "ACCEPTED": "KABUL EDİLDİ",
    "REJECTED": "REDDEDİLDİ",
    "WAIT_APPROVAL_CUSTOMER": "ALICIDAN CEVAP BEKLENİYOR",
    "FAILED": "HATA ALDI",
    "CANCEL": "İPTAL EDİLDİ",
}
FINAL_STATES = frozenset({"ACCEPTED", "REJECTED", "FAILED", "CANCEL"})
FINAL_CODES = frozenset({AGREED_CODE, DISAGREED_CODE})
EMAIL_STATUS_CODES = {
    "100": "HENÜZ İŞLENMEDİ",
    "110": "İŞLENİYOR",
    "120": "İŞLENDİ",
    "130": "E-POSTA GÖNDERİM SONLANDI",
}
# SendReconciliation's error codes, İzibiz's words; the ORM shows its own translated text.
ERROR_CODES = {
    200: "EKSİK VEYA HATALI PARAMETRE",
    210: "YETKİ HATASI",
    220: "GÜNLÜK İSTEK LİMİTİ AŞILDI",
    230: "MUTABAKAT SİSTEMDE MEVCUT",
    240: "BELGE KONTROL HATASI (MEVZUATA UYGUN OLMAYAN MUTABAKAT KAYDI MEVCUT (5000 TL Limiti))",
    250: "GEÇERSİZ E-POSTA FORMATI",
}
ALREADY_SENT = 230

# GetUsage (BillingWS)
PRODUCTS = ("EFATURA", "EARSIV", "EIRSALIYE", "ESMM", "EMM", "EMUTABAKAT", "SMS", "MAIL")
DIRECTIONS = ("ALL", "INBOX", "OUTBOX")
OUTBOUND_ONLY = frozenset({"EARSIV", "ESMM", "EMM", "EMUTABAKAT", "SMS", "MAIL"})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
NOTE_MAX = 250


def is_final(status="", status_code=""):
    """A reconciliation the counterparty answered (or that ended otherwise) is never polled again."""
    return (status or "").upper() in FINAL_STATES or (status_code or "") in FINAL_CODES


def answer_of(status="", status_code=""):
    """``agreed`` / ``disagreed`` once the counterparty answered, else ``None``."""
    status = (status or "").upper()
    if status_code == AGREED_CODE or status == "ACCEPTED":
        return "agreed"
    if status_code == DISAGREED_CODE or status == "REJECTED":
        return "disagreed"
    return None


def period_of(day):
    """``YYYYMM`` as BABS_ACCOUNTING_PERIOD wants it."""
    return f"{day.year:04d}{day.month:02d}"


# -- BA/BS -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BabsDocument:
    """One posted invoice or credit note: its TRY amount excluding KDV, and its kind."""

    ref: object
    partner_key: object
    kind: str
    amount_try: Decimal


@dataclass
class BabsLine:
    partner_key: object
    ba_count: int = 0
    ba_amount: Decimal = Decimal("0")
    bs_count: int = 0
    bs_amount: Decimal = Decimal("0")
    ba_refs: list = field(default_factory=list)
    bs_refs: list = field(default_factory=list)

    @property
    def reported_ba(self):
        return self.ba_amount >= BABS_THRESHOLD

    @property
    def reported_bs(self):
        return self.bs_amount >= BABS_THRESHOLD

    @property
    def reportable(self):
        return self.reported_ba or self.reported_bs


def compute_babs(documents, *, threshold=BABS_THRESHOLD):
    """Form Ba / Form Bs totals per counterparty (see the module docstring for the rule).

    Every document counts towards its counterparty's total; the figures of a form whose total
    stays under ``threshold`` are zeroed (that form does not report the counterparty), and a
    counterparty reported on neither form is left out. Returns lines in first-seen order.
    """
    lines = {}
    for doc in documents:
        form = FORM_OF_KIND.get(doc.kind)
        if form is None:
            raise ValidationFailed(
                _lt("Unknown document kind for Form Ba/Bs."),
                code="tr_edoc.reconciliation.kind",
                params={"kind": doc.kind},
            )
        line = lines.setdefault(doc.partner_key, BabsLine(doc.partner_key))
        amount = Decimal(doc.amount_try).copy_abs()
        if form == "ba":
            line.ba_count += 1
            line.ba_amount += amount
            line.ba_refs.append(doc.ref)
        else:
            line.bs_count += 1
            line.bs_amount += amount
            line.bs_refs.append(doc.ref)
    result = []
    for line in lines.values():
        if line.ba_amount < threshold:
            line.ba_count, line.ba_amount, line.ba_refs = 0, Decimal("0"), []
        if line.bs_amount < threshold:
            line.bs_count, line.bs_amount, line.bs_refs = 0, Decimal("0"), []
        if line.ba_count or line.bs_count:
            result.append(line)
    return result


# -- cari ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerItem:
    """One receivable/payable journal item: TRY balance (debit − credit) and, when in a foreign
    currency, that currency's code and amount."""

    ref: object
    partner_key: object
    balance_try: Decimal
    currency: str = "TRY"
    amount_currency: Decimal = Decimal("0")


@dataclass
class CariLine:
    partner_key: object
    currency: str
    balance: Decimal = Decimal("0")
    refs: list = field(default_factory=list)

    @property
    def amount_type(self):
        return DEBIT if self.balance >= 0 else CREDIT

    @property
    def amount(self):
        return self.balance.copy_abs()


def compute_cari(items):
    """Balance per counterparty and currency İzibiz accepts (module docstring); zero balances
    are reconciled too when the counterparty had items, since "0" is a figure to agree on."""
    lines = {}
    for item in items:
        foreign = item.currency in CURRENCIES and item.currency != "TRY"
        currency = item.currency if foreign else "TRY"
        amount = Decimal(item.amount_currency if foreign else item.balance_try)
        line = lines.setdefault((item.partner_key, currency), CariLine(item.partner_key, currency))
        line.balance += amount
        line.refs.append(item.ref)
    return list(lines.values())


# -- what goes to İzibiz ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reconciliation:
    """One RECONCILIATION of SendReconciliation (İzibiz field names in the comments)."""

    type: str  # TYPE: EM (BA/BS) or CM (cari)
    uuid: str  # UUID
    identifier: str  # CUSTOMER_IDENTIFIER (VKN/TCKN)
    name: str  # COMMERCIAL_NAME
    address: str  # CUSTOMER_ADDRESS
    email: str  # EMAIL
    currency: str = "TRY"  # CURRENCY_CODE
    tax_office: str = ""
    phone: str = ""
    fax: str = ""
    period: str = ""  # BABS_ACCOUNTING_PERIOD, YYYYMM
    ba_count: int = 0
    ba_amount: Decimal = Decimal("0")
    bs_count: int = 0
    bs_amount: Decimal = Decimal("0")
    cm_date: date | None = None
    cm_amount_type: str = ""
    cm_amount: Decimal = Decimal("0")
    note: str = ""


def check_reconciliation(rec):
    """What İzibiz would refuse (errors 200, 240, 250), found before anything is sent.

    Returns ``[(code, field)]``; empty when the reconciliation may go.
    """
    problems = []
    for name in ("uuid", "identifier", "name", "address", "email"):
        if not (getattr(rec, name) or "").strip():
            problems.append((200, name))
    if rec.type not in (TYPE_BABS, TYPE_CARI):
        problems.append((200, "type"))
    if rec.currency not in CURRENCIES:
        problems.append((200, "currency"))
    if rec.email and not _EMAIL.match(rec.email.strip()):
        problems.append((250, "email"))
    if len(rec.note or "") > NOTE_MAX:
        problems.append((200, "note"))
    if rec.type == TYPE_BABS:
        if not _PERIOD.match(rec.period or ""):
            problems.append((200, "period"))
        if max(rec.ba_amount, rec.bs_amount) < BABS_THRESHOLD:
            problems.append((240, "amount"))
    elif rec.type == TYPE_CARI:
        if rec.cm_date is None:
            problems.append((200, "cm_date"))
        if rec.cm_amount_type not in (DEBIT, CREDIT):
            problems.append((200, "cm_amount_type"))
    return problems


def check_usage_request(product="ALL", direction="ALL", period=None):
    """GetUsage arguments as İzibiz documents them; INBOX on an outbound-only product is refused
    here, before any request leaves."""
    if product not in ("ALL", *PRODUCTS):
        raise ValidationFailed(
            _lt("Unknown product for the usage query."),
            code="tr_edoc.billing.product",
            params={"product": product},
        )
    if direction not in DIRECTIONS:
        raise ValidationFailed(
            _lt("Unknown direction for the usage query."),
            code="tr_edoc.billing.direction",
            params={"direction": direction},
        )
    if direction == "INBOX" and product in OUTBOUND_ONLY:
        raise ValidationFailed(
            _lt("This product is only sent, never received: its usage cannot be asked for INBOX."),
            code="tr_edoc.billing.inbox_outbound_only",
            params={"product": product},
        )
    if period is not None and not _PERIOD.match(period):
        raise ValidationFailed(
            _lt("The usage period must be written YYYYMM."),
            code="tr_edoc.billing.period",
            params={"period": period},
        )


# -- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationStatus:
    uuid: str
    identifier: str
    type: str = ""
    status: str = ""
    status_code: str = ""
    period: str = ""
    created_at: object = None
    email_status_code: str = ""
    email_status: str = ""

    @property
    def final(self):
        return is_final(self.status, self.status_code)

    @property
    def answer(self):
        return answer_of(self.status, self.status_code)


@dataclass(frozen=True)
class DebtInvoice:
    number: str
    date: str
    period: str
    amount: Decimal | None


@dataclass(frozen=True)
class Balance:
    """GetBalance: the debt to the integrator, with the unpaid invoices behind it."""

    total: Decimal | None
    invoice_count: int | None
    message: str = ""
    invoices: tuple = ()
    exchanges: tuple = ()


@dataclass(frozen=True)
class UsageMonth:
    period: str
    total: int | None
    products: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    months: tuple = ()
    exchanges: tuple = ()
