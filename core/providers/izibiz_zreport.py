"""İzibiz Z-Rapor calls (ZReportWS: LoadZReport, GetZReport) and Kolaysoft's sendZReport.

**No WSDL exists for ZReportWS** in İzibiz's reference, only the documented contract (seed §2.11)
and its address (``/ZReportWS`` next to the other services): the requests are built here with
lxml, ``REQUEST_HEADER`` with SESSION_ID, APPLICATION_NAME and CHANNEL_NAME as LoadZReport
requires, children unqualified, in :data:`ZREPORT_NS`. Kolaysoft's sendZReport comes from its
EArchiveInvoiceWS WSDL (see :func:`core.zreport.zreport_xml` for what is not published).

Both expose ``load_zreports(reports)`` → :class:`LoadOutcome`; İzibiz also ``get_zreports``.
"""

import uuid as uuidlib
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from ..errors import EdocError, RemoteRejected
from ..zreport import ALREADY_LOADED, ERROR_CODES, ZReport, ZReportInfo, zreport_xml

ZREPORT = "zreport"
ZREPORT_READ = "zreport_read"
ZREPORT_NS = "http://schemas.izibiz.com/ei/wsdl/zreport"
ZREPORT_PATH = "/ZReportWS"
MAX_PER_REQUEST = 100


def zreport_error(error):
    """İzibiz's Z-Rapor code (200–240) of a refusal, or None for any other failure."""
    try:
        code = int(error.remote_code)
    except (TypeError, ValueError):
        return None
    return code if code in ERROR_CODES else None


class LoadOutcome:
    """What became of each report of a bulk upload: ``loaded`` keys, ``refused`` key→error."""

    def __init__(self):
        self.loaded = []
        self.refused = {}
        self.exchanges = []


def _text(node, name):
    found = node.xpath("./*[local-name()=$n]", n=name)
    return (found[0].text or "").strip() if found else ""


def _amount(text):
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


class IzibizZReportMixin:
    def load_zreports(self, reports):
        """LoadZReport in bulk (100 a request). A refused request is retried one by one so each
        report gets its own verdict; 230 (already held) counts as loaded when GetZReport finds
        the same device and Z number."""
        outcome = LoadOutcome()
        for start in range(0, len(reports), MAX_PER_REQUEST):
            batch = reports[start : start + MAX_PER_REQUEST]
            try:
                self._load_batch(batch, outcome)
            except RemoteRejected as error:
                if len(batch) == 1 or zreport_error(error) is None:
                    self._settle(batch, error, outcome)
                    continue
                for report in batch:
                    try:
                        self._load_batch([report], outcome)
                    except RemoteRejected as single:
                        self._settle([report], single, outcome)
        self.last_exchanges = tuple(outcome.exchanges)
        return outcome

    def _load_batch(self, batch, outcome):
        def build(request):
            for report in batch:
                node = etree.SubElement(request, "ZREPORT")
                for name, value in (
                    ("SUBE_KODU", report.branch),
                    ("OKC_SICIL_NO", report.okc_serial),
                    ("EKU_NO", report.eku_no),
                    ("ZRAPOR_NO", report.number),
                    ("ZRAPOR_TARIH", report.date.isoformat()),
                    ("SATIS_TUTAR", f"{report.sales_total:.2f}"),
                    ("VERGI_KDV", f"{report.vat:.2f}"),
                    ("VERGI_OTV", f"{report.otv:.2f}" if report.otv is not None else ""),
                ):
                    if value:
                        etree.SubElement(node, name).text = value

        try:
            _root, exchanges = self._documented_call(ZREPORT, ZREPORT_NS, "LoadZReport", build)
        except EdocError as error:
            outcome.exchanges.extend(error.params.pop("exchanges", ()))
            raise
        outcome.exchanges.extend(exchanges)
        outcome.loaded.extend(report.key for report in batch)

    def _settle(self, batch, error, outcome):
        if len(batch) == 1 and zreport_error(error) == ALREADY_LOADED:
            report = batch[0]
            found, exchanges = self.get_zreports(okc_serial=report.okc_serial, number=report.number)
            outcome.exchanges.extend(exchanges)
            if any(info.report.key == report.key for info in found):
                outcome.loaded.append(report.key)
                return
        for report in batch:
            outcome.refused[report.key] = error

    def get_zreports(
        self, *, last=False, branch="", okc_serial="", eku_no="", number="", start=None, end=None, limit=None
    ):
        """GetZReport: the reports matching the search, or only the last uploaded one (``last``)."""

        def build(request):
            if last:
                etree.SubElement(request, "SON_RAPOR").text = "Y"
                return
            key = etree.SubElement(request, "ZREPORT_SEARCH_KEY")
            for name, value in (
                ("LIMIT", str(limit) if limit else ""),
                ("SUBE_KODU", branch),
                ("OKC_SICIL_NO", okc_serial),
                ("EKU_NO", eku_no),
                ("ZRAPOR_NO", number),
                ("BASLANGIC_TARIH", start.isoformat() if start else ""),
                ("BITIS_TARIH", end.isoformat() if end else ""),
            ):
                if value:
                    etree.SubElement(key, name).text = value

        root, exchanges = self._documented_call(ZREPORT, ZREPORT_NS, "GetZReport", build)
        infos = []
        for node in root.xpath("//*[local-name()='GetZReportResponse']/*[local-name()='ZREPORT']"):
            try:
                day = _text(node, "ZRAPOR_TARIH")
                report = ZReport(
                    okc_serial=_text(node, "OKC_SICIL_NO"),
                    eku_no=_text(node, "EKU_NO"),
                    number=_text(node, "ZRAPOR_NO"),
                    date=date.fromisoformat(day[:10]),
                    sales_total=_amount(_text(node, "SATIS_TUTAR")),
                    vat=_amount(_text(node, "VERGI_KDV")),
                    otv=_amount(_text(node, "VERGI_OTV")),
                    branch=_text(node, "SUBE_KODU"),
                )
            except ValueError:
                continue
            detail = node.xpath("./*[local-name()='ZREPORT_DETAIL']")
            detail = detail[0] if detail else etree.Element("ZREPORT_DETAIL")
            code = _text(detail, "STATUS_CODE")
            infos.append(
                ZReportInfo(
                    report=report,
                    status=_text(detail, "STATUS"),
                    status_code=int(code) if code.isdigit() else None,
                    status_description=_text(detail, "STATUS_DESCRIPTION"),
                    report_identifier=_text(detail, "REPORT_IDENTIFIER"),
                    report_date=_text(detail, "REPORT_DATE"),
                    report_status_code=_text(detail, "REPORT_STATUS_CODE"),
                    report_status_description=_text(detail, "REPORT_STATUS_DESCRIPTION"),
                )
            )
        return infos, exchanges


class KolaysoftZReportMixin:
    def load_zreports(self, reports):
        """sendZReport, one report a call (the WSDL takes a single InputDocument)."""
        outcome = LoadOutcome()
        for report in reports:
            try:
                _result, exchanges = self._checked(
                    "earchive",
                    "sendZReport",
                    submit=True,
                    state_field="code",
                    zReportXML={
                        "documentUUID": str(uuidlib.uuid4()),
                        "xmlContent": zreport_xml(report),
                        "sourceUrn": self.sender_alias or "",
                        "destinationUrn": "",
                        "documentDate": report.date.isoformat(),
                        "localId": f"{report.okc_serial}-{report.number}",
                    },
                    reportType="ZRAPOR",
                )
            except RemoteRejected as error:
                outcome.exchanges.extend(error.params.get("exchanges", ()))
                outcome.refused[report.key] = error
                continue
            outcome.exchanges.extend(exchanges)
            outcome.loaded.append(report.key)
        self.last_exchanges = tuple(outcome.exchanges)
        return outcome
