"""e-Defter: the source data the İzibiz e-Defter application reads, its checks, and safe-keeping names.

The ORM hands over posted journal entries (:class:`SourceEntry`, one at a time, in period order)
and gets back the rows of İzibiz's source layout (seed §2.15, :data:`FIELDS`) written as CSV.

**CSV rather than a database view.** İzibiz's application reads either. A view would need the
application to log into Odoo's database (a credential outside Odoo's access rules and multi-company
record rules), would read Odoo's translated JSON names and live data that changes while users
post, and would have to number ``linenumber`` with window functions over the whole period on
every read. A CSV export is a frozen snapshot whose SHA-256 is kept on the period, numbered once,
and produced in one streamed pass (memory does not grow with the period).

Rules applied (seed §2.15):

- one row per debit or credit amount of a journal item; ``amount`` is never negative and
  ``debitcreditcode`` says ``D`` (borç) or ``C`` (alacak); zero amounts carry nothing and are left out;
- ``linenumber`` runs 1, 2, 3 … within the period; ``linenumbercounter`` / ``entrynumbercounter``
  are the yevmiye madde numbers, one per entry, continuing from ``first_entry_number``;
- kebir (``accmainid``) = the first three digits of the Turkish chart code;
- document types are GİB's eight; receipts, bank slips, Z reports, payrolls, cheque and note lists,
  SMM and expense forms are ``other`` with the seed's description, and need a number and a date;
- opening and closing entries are not document-based: document type, number and date stay empty;
- ``erpno`` defaults to ``001``, ``divisionno`` to ``0``.

Checks that can be made from the books (:func:`check_period_order`, :class:`SourceWriter`): periods
in order, no book for or before a period whose berat GİB approved, no overlapping periods,
mandatory fields, balanced entries, and no entry longer than a part (200 MB / 100,000 lines), since
one entry's lines must stay in the same part. Each problem names the journal entry it comes from.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .errors import ValidationFailed, XmlSecurityError, _lt

FIELDS = (
    "detailref",
    "entryref",
    "linenumber",
    "linenumbercounter",
    "accmainid",
    "accmainiddesc",
    "accsubid",
    "accsubdesc",
    "amount",
    "debitcreditcode",
    "postingdate",
    "documenttype",
    "documenttypedesc",
    "documentnumber",
    "documentreference",
    "entrynumbercounter",
    "documentdate",
    "paymentmethod",
    "detailcomment",
    "erpno",
    "divisionno",
    "enteredby",
    "entereddate",
    "entrynumber",
    "entrycomment",
)
MANDATORY = (
    "entryref",
    "linenumber",
    "linenumbercounter",
    "accmainid",
    "accmainiddesc",
    "accsubid",
    "accsubdesc",
    "amount",
    "debitcreditcode",
    "postingdate",
    "entrynumbercounter",
    "erpno",
    "divisionno",
    "enteredby",
    "entereddate",
    "entrynumber",
)
# GİB's yevmiye document types: seven plus ``other``.
DOCUMENT_TYPES = (
    "invoice",
    "check",
    "voucher",
    "receipt",
    "shipment",
    "order-vendor",
    "order-customer",
    "other",
)
PAYMENT_METHODS = ("Çek", "Senet", "Nakit", "Banka", "Teminat Mektubu", "")

# What an entry is in the books → (GİB document type, description when ``other``). ``None``: not
# document-based (opening/closing), every document field stays empty.
KINDS = {
    "invoice": ("invoice", ""),
    "check": ("check", ""),
    "voucher": ("voucher", ""),
    "receipt": ("receipt", ""),
    "shipment": ("shipment", ""),
    "order_vendor": ("order-vendor", ""),
    "order_customer": ("order-customer", ""),
    "retail_receipt": ("other", "perakende satış fişi"),
    "bank_slip": ("other", "dekont"),
    "expense_form": ("other", "masraf formu"),
    "z_report": ("other", "Z Raporu"),
    "check_list": ("other", "Çek bordrosu"),
    "voucher_list": ("other", "Senet bordrosu"),
    "payroll": ("other", "Ücret Bordrosu İcmali"),
    "smm": ("other", "serbest meslek makbuzu"),
    "transfer_in": ("other", "Gelen Havale (Banka)"),
    "transfer_out": ("other", "Gönderilen Havale (Banka)"),
    "collection": ("other", "CH Tahsilat"),
    "disbursement": ("other", "CH Ödeme"),
    "accounting_voucher": ("other", "Muhasebe Fişi"),
    "opening": None,
    "closing": None,
}
# A bank slip without its own number and date takes the program's (seed: "Bank dekont").
FALLBACK_TO_ENTRY = frozenset({"bank_slip", "accounting_voucher", "transfer_in", "transfer_out"})

PART_MAX_LINES = 100_000
PART_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_ERPNO = "001"
DEFAULT_DIVISION = "0"
DEFAULT_BRANCH = "0000"
_PERIOD = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")
_MAIN = re.compile(r"^\d{3}$")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SourceLine:
    """One journal item: the Turkish chart account and its debit/credit in TRY."""

    ref: object
    account_code: str
    account_name: str
    main_name: str
    debit: Decimal
    credit: Decimal
    comment: str = ""


@dataclass(frozen=True)
class SourceEntry:
    """One posted journal entry (yevmiye maddesi) with what the e-Defter needs to know of it."""

    ref: object
    number: str
    date: date
    kind: str
    lines: tuple
    entered_by: str
    entered_at: datetime
    document_number: str = ""
    document_date: date | None = None
    reference: str = ""
    payment_method: str = ""
    comment: str = ""
    other_description: str = ""


@dataclass(frozen=True)
class Problem:
    """A reason the period cannot go to the e-Defter application, tied to its journal entry."""

    code: str
    entry: object = None
    entry_number: str = ""
    field: str = ""
    params: dict = None


def period_of(day):
    return f"{day.year:04d}{day.month:02d}"


def archive_filename(vkn, period, branch=DEFAULT_BRANCH):
    """``VKN-DONEM-SUBE.zip`` as ArchiveELedger wants it (branch ``0000`` without branches)."""
    if not re.fullmatch(r"\d{10,11}", vkn or ""):
        raise ValidationFailed(
            _lt("The e-Ledger needs the company's 10 or 11 digit tax number."),
            code="tr_edoc.ledger.vkn",
            params={"vkn": vkn},
        )
    if not _PERIOD.match(period or ""):
        raise ValidationFailed(
            _lt("The e-Ledger period must be written YYYYMM."),
            code="tr_edoc.ledger.period",
            params={"period": period},
        )
    if not re.fullmatch(r"\d{4}", branch or ""):
        raise ValidationFailed(
            _lt("The e-Ledger branch must be four digits (0000 without branches)."),
            code="tr_edoc.ledger.branch",
            params={"branch": branch},
        )
    return f"{vkn}-{period}-{branch}.zip"


def _money(value):
    return Decimal(value or 0).quantize(CENT)


def document_of(entry):
    """(documenttype, documenttypedesc, documentnumber, documentdate) of ``entry`` per the seed."""
    if entry.kind not in KINDS:
        return None
    mapped = KINDS[entry.kind]
    if mapped is None:
        return "", "", "", None
    doc_type, description = mapped
    if entry.other_description and doc_type == "other":
        description = entry.other_description
    number, day = entry.document_number, entry.document_date
    if entry.kind in FALLBACK_TO_ENTRY:
        number, day = number or entry.number, day or entry.date
    return doc_type, description, number, day


class SourceWriter:
    """Writes the period's rows as CSV while checking them; memory stays one entry wide.

    Feed entries in posting order with :meth:`add`; :attr:`problems` then lists what must be fixed
    (nothing should be handed to the e-Defter application while it is not empty). :attr:`parts`
    is the split the application will make: line counts of parts of at most 100,000 lines and
    200 MB, never cutting an entry.
    """

    def __init__(
        self,
        stream,
        *,
        erpno=DEFAULT_ERPNO,
        division=DEFAULT_DIVISION,
        first_entry_number=1,
        part_max_lines=PART_MAX_LINES,
        part_max_bytes=PART_MAX_BYTES,
    ):
        self._stream = _CountingWriter(stream)
        self._csv = csv.writer(self._stream, lineterminator="\r\n")
        self._csv.writerow(FIELDS)
        self.erpno = erpno or DEFAULT_ERPNO
        self.division = division or DEFAULT_DIVISION
        self.line_number = 0
        self.entry_number = first_entry_number - 1
        self.entry_count = 0
        self.skipped = 0
        self.problems = []
        self.part_max_lines = part_max_lines
        self.part_max_bytes = part_max_bytes
        self.parts = []
        self._part_lines = 0
        self._part_bytes = 0
        self.debit_total = Decimal(0)
        self.credit_total = Decimal(0)

    def _problem(self, code, entry, name="", **params):
        self.problems.append(Problem(code, entry.ref, entry.number, name, params))

    def add(self, entry):
        """Write ``entry``'s rows; an entry whose amounts are all zero carries nothing and is skipped."""
        amounts = []
        for line in entry.lines:
            for value, side in ((_money(line.debit), "D"), (_money(line.credit), "C")):
                if value < 0:
                    amounts.append((line, -value, "C" if side == "D" else "D"))
                elif value:
                    amounts.append((line, value, side))
        if not amounts:
            self.skipped += 1
            return
        self.entry_number += 1
        self.entry_count += 1
        document = document_of(entry)
        if document is None:
            self._problem("kind", entry, "documenttype", kind=entry.kind)
            document = ("", "", "", None)
        doc_type, doc_desc, doc_number, doc_date = document
        if doc_type and not (doc_number and doc_date):
            self._problem("document", entry, "documentnumber" if not doc_number else "documentdate")
        if entry.payment_method not in PAYMENT_METHODS:
            self._problem("payment_method", entry, "paymentmethod", value=entry.payment_method)
        counter = str(self.entry_number)
        entry_fields = {
            "entryref": str(entry.ref),
            "linenumbercounter": counter,
            "postingdate": entry.date.isoformat(),
            "documenttype": doc_type,
            "documenttypedesc": doc_desc,
            "documentnumber": doc_number,
            "documentreference": (entry.reference or counter) if doc_type else "",
            "entrynumbercounter": counter,
            "documentdate": doc_date.isoformat() if doc_date else "",
            "paymentmethod": entry.payment_method if doc_type else "",
            "erpno": self.erpno,
            "divisionno": self.division,
            "enteredby": entry.entered_by,
            "entereddate": entry.entered_at.strftime("%Y-%m-%d") if entry.entered_at else "",
            "entrynumber": entry.number or counter,
            "entrycomment": entry.comment,
        }
        buffer = io.StringIO()
        rows = csv.writer(buffer, lineterminator="\r\n")
        totals = {"D": Decimal(0), "C": Decimal(0)}
        for count, (line, amount, side) in enumerate(amounts, start=1):
            row = {
                **entry_fields,
                "detailref": str(line.ref),
                "linenumber": str(self.line_number + count),
                "accmainid": (line.account_code or "")[:3],
                "accmainiddesc": line.main_name,
                "accsubid": line.account_code,
                "accsubdesc": line.account_name,
                "amount": f"{amount:.2f}",
                "debitcreditcode": side,
                "detailcomment": line.comment,
            }
            totals[side] += amount
            self._check_row(entry, row)
            rows.writerow(row[name] for name in FIELDS)
        if totals["D"] != totals["C"]:
            self._problem("unbalanced", entry, "amount", debit=str(totals["D"]), credit=str(totals["C"]))
        text = buffer.getvalue()
        size = len(text.encode("utf-8"))
        if len(amounts) > self.part_max_lines or size > self.part_max_bytes:
            self._problem("too_long", entry, lines=len(amounts), limit=self.part_max_lines)
        self._plan_part(len(amounts), size)
        self._stream.write(text)
        self.line_number += len(amounts)
        self.debit_total += totals["D"]
        self.credit_total += totals["C"]

    def _check_row(self, entry, row):
        for name in MANDATORY:
            if not row[name]:
                self._problem("mandatory", entry, name)
                return
        if not _MAIN.match(row["accmainid"]):
            self._problem("main_account", entry, "accmainid", account=row["accsubid"])

    def _plan_part(self, lines, size):
        if self._part_lines and (
            self._part_lines + lines > self.part_max_lines or self._part_bytes + size > self.part_max_bytes
        ):
            self.parts.append(self._part_lines)
            self._part_lines = self._part_bytes = 0
        self._part_lines += lines
        self._part_bytes += size

    def close(self):
        """End of the period: the last part is counted and the file's SHA-256 returned."""
        if self._part_lines:
            self.parts.append(self._part_lines)
            self._part_lines = 0
        return self._stream.sha256.hexdigest()

    @property
    def bytes_written(self):
        return self._stream.size


class _CountingWriter:
    """Text sink that hashes and counts the UTF-8 bytes going to ``stream``."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._binary = not isinstance(stream, io.TextIOBase)

    def write(self, text):
        data = text.encode("utf-8")
        self.sha256.update(data)
        self.size += len(data)
        self.stream.write(data if self._binary else text)
        return len(text)


# -- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodState:
    """A period the company already has: its first and last day and whether GİB approved its berat."""

    start: date
    end: date
    approved: bool
    ref: object = None


def check_period_order(start, end, others, *, first_period=None):
    """Problems with producing the book of ``start``…``end`` given the company's other periods.

    - no overlap with another period;
    - none of this period or a later one has a GİB-approved berat (those books are closed);
    - books go monthly in order: the period before must exist with its berat approved, unless
      this is the company's first e-Defter period (``first_period`` or the first one recorded).
    """
    problems = []
    for other in others:
        if other.start <= end and start <= other.end:
            if (other.start, other.end) == (start, end):
                if other.approved:
                    problems.append(Problem("approved", other.ref, params={"period": period_of(start)}))
            else:
                problems.append(Problem("overlap", other.ref, params={"period": period_of(other.start)}))
        elif other.start > end and other.approved:
            problems.append(Problem("later_approved", other.ref, params={"period": period_of(other.start)}))
    earlier = [other for other in others if other.end < start]
    first = first_period if first_period is not None else (min(o.start for o in others) if others else start)
    if start > first:
        previous = max(earlier, key=lambda o: o.end, default=None)
        if previous is None or not previous.approved or (start - previous.end).days != 1:
            problems.append(
                Problem(
                    "previous_not_approved",
                    previous.ref if previous else None,
                    params={"period": period_of(previous.start) if previous else ""},
                )
            )
    return problems


# -- the archive of books and berats -----------------------------------------------------------

ARCHIVE_MAX_BYTES = 512 * 1024 * 1024
ARCHIVE_MAX_ENTRIES = 10_000


def inspect_archive(data, *, max_bytes=ARCHIVE_MAX_BYTES, max_entries=ARCHIVE_MAX_ENTRIES):
    """The XML file names of a period's zip of books and berats, refused when it is not one.

    It comes from outside (the e-Defter application, or the integrator on download): a bounded
    number of plain ``.xml`` entries, no folders climbing out, sizes declared within ``max_bytes``.
    """
    if not data or not data.startswith(b"PK\x03\x04"):
        raise ValidationFailed(_lt("The e-Ledger archive is not a zip file."), code="tr_edoc.ledger.not_zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as exc:
        raise ValidationFailed(
            _lt("The e-Ledger archive is not a readable zip file."), code="tr_edoc.ledger.bad_zip"
        ) from exc
    if not infos or len(infos) > max_entries:
        raise ValidationFailed(
            _lt("The e-Ledger archive must hold the period's XML files."),
            code="tr_edoc.ledger.entries",
            params={"count": len(infos)},
        )
    total = 0
    names = []
    for info in infos:
        name = info.filename
        if name.startswith("/") or ".." in name.split("/") or not name.lower().endswith(".xml"):
            raise ValidationFailed(
                _lt("The e-Ledger archive may hold only XML files of books and berats."),
                code="tr_edoc.ledger.entry_name",
                params={"name": name},
            )
        total += info.file_size
        if total > max_bytes:
            raise XmlSecurityError(
                "The e-Ledger archive unpacks beyond the size limit.",
                code="tr_edoc.ledger.too_large",
                params={"limit": max_bytes},
            )
        names.append(name)
    return names
