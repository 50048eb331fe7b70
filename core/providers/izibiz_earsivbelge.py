"""İzibiz e-SMM (SmmWS) and e-Müstahsil (CreditNoteWS) calls.

Both services have the same shape with different names (SendSmm / SendCreditNote, SMM_PROPERTIES
/ CREDITNOTE_PROPERTIES, ...); :data:`FAMILY` holds the names so each call is written once. The
delivery options (SENDING_TYPE, e-mail, SMS) are per request in İzibiz's schema, so receipts are
sent in groups that share them. Content goes zipped (COMPRESSED=Y, İzibiz's recommendation) and
the number is ours (no SERIES_FLAG: İzibiz would overwrite the number in the XML).

Cancellation is ``CancelSmm`` / ``CancelCreditNote``: with ``DELETE_FLAG=N`` the cancellation is
reported to GİB, with ``Y`` the receipt is withdrawn before it is ever reported (seed §2.8, §2.9).

A mixin of :class:`~.izibiz.IzibizProvider`, which supplies the session and ``_call``.
"""

import datetime

from ..earsivbelge import MM, SMM, ReceiptStatus, ReportRow
from ..errors import RemoteRejected, ValidationFailed, _lt
from ..xmlsafe import load_xml
from . import izibiz  # partly initialised while izibiz imports this mixin; used at call time only
from .base import Download, OperationResult, SendResult

SMM_SERVICE = "smm"
CREDITNOTE_SERVICE = "creditnote"
PAGE = 100

FAMILY = {
    SMM: {
        "service": SMM_SERVICE,
        "send": "SendSmm",
        "item": "SMM",
        "properties": "SMM_PROPERTIES",
        "get": "GetSmm",
        "search": "SMM_SEARCH_KEY",
        "status": "GetSmmStatus",
        "status_item": "SMM_STATUS",
        "cancel": "CancelSmm",
        "report": "GetSmmReport",
        "report_item": "SMM_REPORT",
    },
    MM: {
        "service": CREDITNOTE_SERVICE,
        "send": "SendCreditNote",
        "item": "CREDITNOTE",
        "properties": "CREDITNOTE_PROPERTIES",
        "get": "GetCreditNote",
        "search": "CREDITNOTE_SEARCH_KEY",
        "status": "GetCreditNoteStatus",
        "status_item": "CREDITNOTE_STATUS",
        "cancel": "CancelCreditNote",
        "report": "GetCreditNoteReport",
        "report_item": "CREDITNOTE_REPORT",
    },
}


def _text(value):
    return "" if value is None else str(value).strip()


def _family(kind):
    try:
        return FAMILY[kind]
    except KeyError:
        raise ValidationFailed(
            _lt("Unknown receipt kind."), code="tr_edoc.earsivbelge.kind", params={"kind": kind}
        ) from None


def _properties(delivery):
    props = {"SENDING_TYPE": delivery.sending_type}
    if delivery.email:
        props.update(EMAIL_FLAG="Y", EMAIL=[delivery.email])
    if delivery.sms_number:
        props.update(SMS_FLAG="Y", SMS_NUMBER=[delivery.sms_number])
    return props


def _status(item):
    header = item.HEADER
    return ReceiptStatus(
        uuid=_text(item.UUID),
        id=_text(item.ID),
        status_code=_text(getattr(header, "STATUS_CODE", None)) if header is not None else "",
        status=_text(getattr(header, "STATUS", None)) if header is not None else "",
        description=_text(getattr(header, "STATUS_DESCRIPTION", None)) if header is not None else "",
        email_status_code=_text(getattr(header, "EMAIL_STATUS_CODE", None)) if header is not None else "",
        report_status_code=_text(getattr(header, "REPORT_STATUS_CODE", None)) if header is not None else "",
    )


class IzibizEarsivbelgeMixin:
    def send_receipts(self, kind, uploads):
        """SendSmm / SendCreditNote for ``uploads`` (:class:`~core.earsivbelge.ReceiptUpload`),
        one request per delivery option and at most 100 receipts; each upload's delivery is
        checked first (ELEKTRONIK needs an e-mail or SMS number)."""
        family = _family(kind)
        groups = {}
        for upload in uploads:
            upload.delivery.check()
            groups.setdefault(upload.delivery, []).append(upload)
        accepted, exchanges, batches = [], [], 0
        for delivery, group in groups.items():
            for start in range(0, len(group), PAGE):
                batch = group[start : start + PAGE]
                batches += 1
                items = [
                    {"ID": u.number, "UUID": u.uuid, "CONTENT": izibiz.zip_document(f"{u.uuid}.xml", u.xml)}
                    for u in batch
                ]
                try:
                    _result, batch_exchanges = self._call(
                        family["service"],
                        family["send"],
                        submit=True,
                        compressed="Y",
                        **{family["item"]: items, family["properties"]: _properties(delivery)},
                    )
                except RemoteRejected as error:
                    error.params["accepted"] = tuple(accepted)
                    raise
                accepted.extend(u.uuid for u in batch)
                exchanges.extend(batch_exchanges)
        self.last_exchanges = tuple(exchanges)
        return SendResult(uuids=tuple(accepted), batches=batches, exchanges=tuple(exchanges))

    def receipt_statuses(self, kind, uuids):
        """GetSmmStatus / GetCreditNoteStatus, 100 UUIDs a request; unknown UUIDs are absent."""
        family = _family(kind)
        uuids = list(dict.fromkeys(uuids))
        statuses, exchanges = [], []
        for start in range(0, len(uuids), PAGE):
            result, calls = self._call(
                family["service"], family["status"], submit=False, UUID=uuids[start : start + PAGE]
            )
            exchanges.extend(calls)
            statuses.extend(_status(item) for item in getattr(result, family["status_item"], None) or ())
        self.last_exchanges = tuple(exchanges)
        return tuple(statuses), tuple(exchanges)

    def download_receipt(self, kind, uuid, fmt="PDF"):
        """GetSmm / GetCreditNote with content: İzibiz's signed XML, or its PDF/HTML rendering."""
        fmt = fmt.upper()
        if fmt not in ("XML", "PDF", "HTML"):
            raise ValidationFailed(_lt("Unknown download format."), code="tr_edoc.izibiz.format")
        family = _family(kind)
        result, exchanges = self._call(
            family["service"],
            family["get"],
            submit=False,
            compressed="Y",
            **{family["search"]: {"UUID": uuid, "LIMIT": 1}, "HEADER_ONLY": "N", "CONTENT_TYPE": fmt},
        )
        items = list(getattr(result, family["item"], None) or [])
        raw = items[0].CONTENT if items else b""
        content = izibiz.unzip_single(getattr(raw, "_value_1", raw) or b"")
        if not content:
            raise RemoteRejected(
                f"İzibiz returned no {fmt} for {uuid}.",
                code="tr_edoc.izibiz.not_found",
                params={"uuid": uuid, "format": fmt, "exchanges": exchanges},
            )
        if fmt == "XML":
            load_xml(content)
        return Download(uuid=uuid, fmt=fmt, content=content, exchanges=exchanges)

    def find_receipts(self, kind, *, start=None, end=None, limit=PAGE):
        """GetSmm / GetCreditNote headers (no content) of receipts issued between two dates."""
        family = _family(kind)
        search = {"LIMIT": limit}
        if start:
            search["START_DATE"] = start
        if end:
            search["END_DATE"] = end
        result, exchanges = self._call(
            family["service"], family["get"], submit=False, **{family["search"]: search, "HEADER_ONLY": "Y"}
        )
        self.last_exchanges = tuple(exchanges)
        return tuple(_status(item) for item in getattr(result, family["item"], None) or ()), exchanges

    def cancel_receipts(self, kind, uuids, *, withdraw=False):
        """CancelSmm / CancelCreditNote: report the cancellation to GİB, or with ``withdraw``
        (DELETE_FLAG=Y) cancel a receipt not reported yet so it never is."""
        family = _family(kind)
        _result, exchanges = self._call(
            family["service"],
            family["cancel"],
            submit=True,
            UUID=list(uuids),
            DELETE_FLAG="Y" if withdraw else "N",
        )
        return OperationResult(family["cancel"], reference=",".join(uuids), exchanges=exchanges)

    def receipt_reports(self, kind, start, end):
        """GetSmmReport / GetCreditNoteReport: the report parts sent to GİB between two dates."""
        family = _family(kind)
        result, exchanges = self._call(
            family["service"],
            family["report"],
            submit=False,
            START_DATE=start if isinstance(start, datetime.date) else datetime.date.fromisoformat(start),
            END_DATE=end if isinstance(end, datetime.date) else datetime.date.fromisoformat(end),
            HEADER_ONLY="Y",
        )
        rows = []
        for item in getattr(result, family["report_item"], None) or ():
            header = item.HEADER
            rows.append(
                ReportRow(
                    uuid=_text(header.UUID),
                    period_start=_text(header.PERIOD_SDATE),
                    period_end=_text(header.PERIOD_EDATE),
                    segment=_text(header.SEGMENT_NO),
                    document_count=header.DOCUMENT_COUNT,
                    status_code=_text(header.STATUS_CODE),
                    status=_text(header.STATUS_DESC) or _text(header.STATUS),
                    gib_status_code=_text(header.GIB_STATUS_CODE),
                    gib_status=_text(header.GIB_STATUS_DESCRIPTION),
                )
            )
        self.last_exchanges = tuple(exchanges)
        return tuple(rows), exchanges
