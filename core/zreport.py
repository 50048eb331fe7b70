"""Z-Rapor: the daily Z reports of cash registers (ÖKC) reported to GİB through the integrator.

Fields are İzibiz's LoadZReport ones (seed §2.11): ``SUBE_KODU`` (default ``001``), ``OKC_SICIL_NO``
(firm code + device serial, e.g. ``LH0001``), ``EKU_NO``, ``ZRAPOR_NO``, ``ZRAPOR_TARIH``
(``YYYY-MM-DD``), ``SATIS_TUTAR``, ``VERGI_KDV`` and the optional ``VERGI_OTV``.

What İzibiz documents and what it does not: LoadZReport (single or bulk) and GetZReport (search, or
the last uploaded report with ``SON_RAPOR=Y``) are documented; the report's status is the
``ZREPORT_DETAIL`` GetZReport returns. GetZReportStatus's page is a copy of the BA/BS one and
CancelZReport is only named, so neither is offered.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from xml.sax.saxutils import escape

from .errors import ValidationFailed, _lt

DEFAULT_BRANCH = "001"
# Z-Rapor hata kodları, İzibiz's words; the ORM shows its own translated text.
ERROR_CODES = {
    200: "EKSİK VEYA HATALI PARAMETRE",
    210: "YETKİ HATASI",
    220: "GÜNLÜK İSTEK LİMİTİ AŞILDI",
    230: "BELGE SİSTEMDE MEVCUT",
    240: "BELGE KONTROL HATASI",
}
ALREADY_LOADED = 230
CSV_COLUMNS = (
    "SUBE_KODU",
    "OKC_SICIL_NO",
    "EKU_NO",
    "ZRAPOR_NO",
    "ZRAPOR_TARIH",
    "SATIS_TUTAR",
    "VERGI_KDV",
    "VERGI_OTV",
)
REQUIRED_COLUMNS = ("OKC_SICIL_NO", "EKU_NO", "ZRAPOR_NO", "ZRAPOR_TARIH", "SATIS_TUTAR", "VERGI_KDV")
CSV_MAX_BYTES = 8 * 1024 * 1024
CSV_MAX_ROWS = 50_000
_OKC = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,30}$")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class ZReport:
    okc_serial: str
    eku_no: str
    number: str
    date: date
    sales_total: Decimal
    vat: Decimal
    otv: Decimal | None = None
    branch: str = DEFAULT_BRANCH

    @property
    def key(self):
        """What makes a Z report one: the device and its Z number (İzibiz 230 otherwise)."""
        return (self.okc_serial, self.number)


@dataclass(frozen=True)
class ZReportInfo:
    """One ZREPORT of GetZReport, with its ZREPORT_DETAIL (report fields absent until reported)."""

    report: ZReport
    status: str = ""
    status_code: int | None = None
    status_description: str = ""
    report_identifier: str = ""
    report_date: str = ""
    report_status_code: str = ""
    report_status_description: str = ""


def check_zreport(report):
    """What İzibiz would refuse with 200, found before anything is sent: ``[(200, field)]``."""
    problems = []
    if not _OKC.match(report.okc_serial or ""):
        problems.append((200, "okc_serial"))
    for name in ("eku_no", "number"):
        if not (getattr(report, name) or "").strip():
            problems.append((200, name))
    if not isinstance(report.date, date):
        problems.append((200, "date"))
    for name in ("sales_total", "vat", "otv"):
        value = getattr(report, name)
        if value is None and name == "otv":
            continue
        if not isinstance(value, Decimal) or value < 0:
            problems.append((200, name))
    if (
        isinstance(report.sales_total, Decimal)
        and isinstance(report.vat, Decimal)
        and report.vat > report.sales_total
    ):
        problems.append((240, "vat"))
    if not re.fullmatch(r"\d{1,4}", report.branch or ""):
        problems.append((200, "branch"))
    return problems


def parse_amount(text):
    """``1234.56``, ``1234,56`` or ``1.234,56`` → Decimal with two places; None when unreadable."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value.quantize(_CENT)


@dataclass(frozen=True)
class RowError:
    """A CSV row that could not be read: its line in the file, the column and the reason code."""

    line: int
    column: str
    code: str


def parse_csv(data):
    """Z reports of a CSV with İzibiz's column names (any case; ``;`` or ``,`` separated).

    Every row is read on its own: a bad row is reported with its line and column and the others
    are kept. Returns ``(reports with their line numbers, row errors)``.
    """
    if len(data) > CSV_MAX_BYTES:
        raise ValidationFailed(
            _lt("The Z report file is too large."),
            code="tr_edoc.zreport.csv_size",
            params={"limit": CSV_MAX_BYTES},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _lt("The Z report file must be UTF-8 text."), code="tr_edoc.zreport.csv_encoding"
        ) from exc
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [name.strip().upper() for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            _lt("The Z report file lacks required columns."),
            code="tr_edoc.zreport.csv_columns",
            params={"missing": ", ".join(missing)},
        )
    reports, errors = [], []
    for index, row in enumerate(reader, start=2):
        if index - 1 > CSV_MAX_ROWS:
            raise ValidationFailed(
                _lt("The Z report file has too many rows."),
                code="tr_edoc.zreport.csv_rows",
                params={"limit": CSV_MAX_ROWS},
            )
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        report, error = _row_report(values, index)
        if error:
            errors.append(error)
        else:
            reports.append((index, report))
    return reports, errors


def _row_report(values, line):
    for name in REQUIRED_COLUMNS:
        if not values.get(name):
            return None, RowError(line, name, "missing")
    try:
        day = date.fromisoformat(values["ZRAPOR_TARIH"])
    except ValueError:
        return None, RowError(line, "ZRAPOR_TARIH", "date")
    amounts = {}
    for name in ("SATIS_TUTAR", "VERGI_KDV", "VERGI_OTV"):
        raw = values.get(name, "")
        amounts[name] = parse_amount(raw)
        if raw and amounts[name] is None:
            return None, RowError(line, name, "amount")
    report = ZReport(
        okc_serial=values["OKC_SICIL_NO"].upper(),
        eku_no=values["EKU_NO"],
        number=values["ZRAPOR_NO"],
        date=day,
        sales_total=amounts["SATIS_TUTAR"],
        vat=amounts["VERGI_KDV"],
        otv=amounts["VERGI_OTV"],
        branch=values.get("SUBE_KODU") or DEFAULT_BRANCH,
    )
    problems = check_zreport(report)
    if problems:
        _code, field = problems[0]
        column = {
            "okc_serial": "OKC_SICIL_NO",
            "eku_no": "EKU_NO",
            "number": "ZRAPOR_NO",
            "sales_total": "SATIS_TUTAR",
            "vat": "VERGI_KDV",
            "otv": "VERGI_OTV",
            "branch": "SUBE_KODU",
        }.get(field, field)
        return None, RowError(line, column, "invalid")
    return report, None


def zreport_xml(report):
    """One Z report as XML for Kolaysoft's sendZReport.

    Kolaysoft publishes only the signature (an InputDocument whose ``xmlContent`` is the report,
    and a ``reportType``), not the XML's layout; İzibiz's element names are used until Kolaysoft
    names its own.
    """
    parts = ["<ZREPORT>"]
    values = (
        ("SUBE_KODU", report.branch),
        ("OKC_SICIL_NO", report.okc_serial),
        ("EKU_NO", report.eku_no),
        ("ZRAPOR_NO", report.number),
        ("ZRAPOR_TARIH", report.date.isoformat()),
        ("SATIS_TUTAR", f"{report.sales_total:.2f}"),
        ("VERGI_KDV", f"{report.vat:.2f}"),
        ("VERGI_OTV", f"{report.otv:.2f}" if report.otv is not None else ""),
    )
    for name, value in values:
        if value:
            parts.append(f"<{name}>{escape(value)}</{name}>")
    parts.append("</ZREPORT>")
    return "".join(parts)
