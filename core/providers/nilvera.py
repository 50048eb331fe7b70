"""Nilvera özel entegratör client over its REST API (OpenAPI 3.0.1, Bearer API key).

Follows Nilvera's published e-Invoice, e-Archive and General specifications: signed UBL goes up
as a multipart file (``/einvoice/Send/Xml?Alias=<receiver PK>``, ``/earchive/Send/Xml``), one
document per request; statuses, answers and downloads are per ETTN; incoming invoices are
listed page by page (``Page``/``PageSize``/``TotalPages``). Errors come back as
``{"Errors": [{"Code", "Description", "Detail"}]}`` and are mapped to typed errors with plain
English text (:data:`ERRORS`). Nilvera publishes no e-İrsaliye specification, so despatch,
receipt advice and draft upload are not offered.
"""

import contextlib
import datetime
import functools
import tempfile
import uuid as uuidlib
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from ..errors import (
    AuthError,
    DuplicateDocument,
    EdocError,
    RemoteRejected,
    TransportError,
    UnknownOutcome,
    ValidationFailed,
)
from ..states import GibOutcome, classify_gib_status
from ..xmlsafe import load_xml
from .base import (
    APPLICATION_RESPONSE,
    CREDIT,
    DOWNLOAD_VIEW,
    EARCHIVE,
    EARCHIVE_CANCEL,
    EINVOICE,
    USER_LIST,
    ConnectionCheck,
    CreditBalance,
    DocumentStatus,
    Download,
    EarchiveStatus,
    GibAlias,
    GibUser,
    IncomingDocument,
    OperationResult,
    Provider,
    SendResult,
    StatusResult,
    UserCheck,
)
from .gib_userlist import iter_gib_records, merge_records, read_ahead, spool_base64_string
from .rest import RestClient, json_of

PAGE_SIZE = 100
MAX_USER_LIST_BYTES = 4 * 1024**3
"""Decoded size of one zipped GİB list beyond which the answer is refused (the live PK list is ~100 MB)."""
LIST_CHUNK = 1 << 18
TEST_HOST = "https://apitest.nilvera.com"
PROD_HOST = "https://api.nilvera.com"

ANSWERS = {"KABUL": "approved", "RED": "rejected"}
ANSWER_CODES = {"approved": "KABUL", "rejected": "RED"}
USER_TYPES = {"INVOICE": "Invoice", "DESPATCHADVICE": "DespatchAdvice"}

# Nilvera error code → (error class, stable reason, English text). Codes not listed keep
# Nilvera's own description; the HTTP status then decides the class.
ERRORS = {
    1000: (
        RemoteRejected,
        "tax_number_mismatch",
        "The sender tax number does not match the Nilvera company.",
    ),
    1001: (DuplicateDocument, "duplicate_uuid", "Nilvera already holds a document with this ETTN."),
    1004: (DuplicateDocument, "duplicate_invoice", "Nilvera already holds this invoice."),
    1005: (DuplicateDocument, "duplicate_number", "This invoice number was already used."),
    2000: (RemoteRejected, "no_credit", "The Nilvera credit balance is exhausted."),
    2015: (ValidationFailed, "schema", "Nilvera refused the document: schema or schematron error."),
    2025: (
        RemoteRejected,
        "receiver_is_einvoice_user",
        "The receiver is an e-Fatura user: send an e-Fatura, not an e-Arşiv invoice.",
    ),
    2051: (RemoteRejected, "sender_not_registered", "The sender is not a registered e-Fatura user."),
    2052: (RemoteRejected, "receiver_alias", "The receiver's alias is not in use."),
    2054: (RemoteRejected, "receiver_not_registered", "The receiver is not a registered e-Fatura user."),
    3000: (RemoteRejected, "receiver_alias_missing", "The receiver alias was not found."),
    3001: (RemoteRejected, "sender_alias_missing", "The sender alias was not found."),
    3009: (RemoteRejected, "series_missing", "The invoice series is not defined on Nilvera."),
}


def error_from_response(response, operation, exchange):
    """The typed error for a 4xx answer, naming Nilvera's code and our plain-English reading."""
    body = json_of(response)
    errors = body.get("Errors") if isinstance(body, dict) else None
    first = errors[0] if errors else {}
    remote_code = first.get("Code")
    remote_text = " ".join(str(first.get(key) or "") for key in ("Description", "Detail")).strip()
    if not errors and not isinstance(body, dict):
        remote_text = response.text[:500].strip()
    params = {
        "operation": operation,
        "http_status": response.status_code,
        "remote_message": remote_text,
        "exchanges": (exchange,),
        "errors": tuple(
            (error.get("Code"), error.get("Description") or "", error.get("Detail") or "")
            for error in errors or ()
        ),
    }
    if response.status_code in (401, 403):
        return AuthError(
            f"Nilvera refused the API key for {operation} (HTTP {response.status_code}).",
            code="tr_edoc.nilvera.unauthorized",
            params=params,
            remote_code=str(remote_code or response.status_code),
        )
    known = ERRORS.get(remote_code) if isinstance(remote_code, int) else None
    if known:
        cls, reason, text = known
        return cls(
            f"{text} ({remote_text})" if remote_text else text,
            code=f"tr_edoc.nilvera.{reason}",
            params=params,
            remote_code=str(remote_code),
        )
    if response.status_code == 404:
        return RemoteRejected(
            f"Nilvera found nothing for {operation}. {remote_text}".strip(),
            code="tr_edoc.nilvera.not_found",
            params=params,
            remote_code=str(remote_code or 404),
        )
    return RemoteRejected(
        f"Nilvera refused {operation} (HTTP {response.status_code}, code {remote_code}): {remote_text}",
        code="tr_edoc.nilvera.refused",
        params=params,
        remote_code=str(remote_code or response.status_code),
    )


def _check_answer(response, operation, exchange, answer, submit):
    body = json_of(response)
    if answer is None and (body is not None or not response.content.strip()):
        return
    if answer is not None and isinstance(body, answer):
        return
    kind = (response.headers.get("Content-Type") or "?").split(";")[0]
    error_class = UnknownOutcome if submit else TransportError
    raise error_class(
        f"Nilvera's answer to {operation} is not the documented JSON (HTTP {response.status_code}, {kind}).",
        code="tr_edoc.nilvera.not_json",
        params={"operation": operation, "http_status": response.status_code, "exchanges": (exchange,)},
    )


def _datetime(value):
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _decimal(value):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _uuid(value):
    """Nilvera's paths take a canonical UUID; refuse anything else before it goes out."""
    try:
        return str(uuidlib.UUID(str(value)))
    except ValueError:
        raise ValidationFailed(
            f"{value!r} is not an ETTN (UUID).", code="tr_edoc.nilvera.uuid", params={"uuid": value}
        ) from None


class NilveraProvider(Provider):
    key = "nilvera"
    label = "Nilvera"
    endpoints = {"test": {"api": TEST_HOST}, "prod": {"api": PROD_HOST}}
    capabilities = frozenset(
        {EINVOICE, EARCHIVE, EARCHIVE_CANCEL, APPLICATION_RESPONSE, CREDIT, DOWNLOAD_VIEW, USER_LIST}
    )
    credential_fields = ("api_key",)

    def __init__(
        self,
        *,
        api_key,
        environment="test",
        base_url=None,
        timeout=30,
        sender_vkn="",
        sender_alias="",
        request_check=None,
    ):
        """The sender's VKN and alias are accepted because every account passes them; the key says it all."""
        super().__init__(environment=environment, timeout=timeout)
        if not api_key:
            raise AuthError("Nilvera needs an API key.", code="tr_edoc.nilvera.no_api_key")
        self.base_url = (base_url or self.endpoints[environment]["api"]).rstrip("/")
        self.client = RestClient(
            self.base_url, api_key=api_key, timeout=timeout, request_check=request_check, label="Nilvera"
        )
        self.last_exchanges = ()

    def _call(self, operation, method, path, *, submit, ok_statuses=(200,), answer=dict, **kwargs):
        """One request; ``(response, exchange)`` on success, a typed error carrying the exchange otherwise.

        ``answer`` is the documented JSON body of a success: ``dict`` or ``list``, ``None`` for any
        JSON value or an empty body, ``False`` for a file (downloads). A proxy's or portal's HTML
        page with status 200 is therefore never taken for Nilvera's yes.
        """
        try:
            response, exchange = self.client.request(operation, method, path, submit=submit, **kwargs)
        except EdocError as error:
            stray = error.params.pop("exchange", None)
            error.params["exchanges"] = (stray,) if stray else ()
            raise
        self.last_exchanges = (exchange,)
        if response.status_code not in ok_statuses:
            raise error_from_response(response, operation, exchange)
        if answer is not False:
            _check_answer(response, operation, exchange, answer, submit)
        return response, exchange

    # -- connection, credit ---------------------------------------------------------------------

    def check_connection(self):
        try:
            response, exchange = self._call("Company", "GET", "/general/Company", submit=False)
        except AuthError as exc:
            return ConnectionCheck(False, f"Nilvera refused the API key ({exc.message}).")
        except (TransportError, EdocError) as exc:
            return ConnectionCheck(False, f"Could not reach Nilvera at {self.base_url}: {exc.message}")
        company = json_of(response) or {}
        name = company.get("Name") or company.get("TaxNumber") or "?"
        return ConnectionCheck(True, f"Connected to Nilvera ({self.environment}) as {name}.", (exchange,))

    def credit_balance(self):
        """Sum of the credit packages ``/general/Credits`` lists (one per module)."""
        response, exchange = self._call("Credits", "GET", "/general/Credits", submit=False, answer=list)
        packages = json_of(response)
        loaded = sum((Decimal(int(item.get("TotalCredit") or 0)) for item in packages), Decimal(0))
        remaining = sum((Decimal(int(item.get("RemainingCredit") or 0)) for item in packages), Decimal(0))
        return CreditBalance(
            loaded=loaded,
            balance=remaining,
            message=", ".join(f"{item.get('Name')}: {item.get('RemainingCredit')}" for item in packages),
            exchanges=(exchange,),
        )

    # -- e-Fatura -------------------------------------------------------------------------------

    def send_invoices(self, documents):
        """One ``/einvoice/Send/Xml`` per document; a duplicate is settled by a status query."""
        return self._send_each(documents, self._send_invoice, self.get_invoice_statuses)

    def _send_invoice(self, doc):
        params = {"Alias": doc.receiver_alias} if doc.receiver_alias else None
        response, exchange = self._call(
            "SendInvoiceXml",
            "POST",
            "/einvoice/Send/Xml",
            submit=True,
            params=params,
            files={"file": (f"{doc.uuid}.xml", doc.xml, "application/xml")},
        )
        return (json_of(response) or {}).get("InvoiceNumber") or "", exchange

    def _send_each(self, documents, send_one, query_statuses):
        accepted, numbers, exchanges, resolved = [], [], [], []
        for doc in documents:
            try:
                number, exchange = send_one(doc)
            except DuplicateDocument as duplicate:
                exchanges.extend(duplicate.params.get("exchanges", ()))
                statuses = query_statuses([doc.uuid])
                exchanges.extend(statuses.exchanges)
                held = [status for status in statuses.statuses if status.found]
                if not held:
                    duplicate.params.update(accepted=tuple(accepted), exchanges=tuple(exchanges))
                    raise
                resolved.extend(held)
                accepted.append(doc.uuid)
                continue
            except EdocError as error:
                error.params["accepted"] = tuple(accepted)
                error.params["exchanges"] = tuple(exchanges) + tuple(error.params.get("exchanges", ()))
                raise
            accepted.append(doc.uuid)
            exchanges.append(exchange)
            if number:
                numbers.append(number)
        self.last_exchanges = tuple(exchanges)
        return SendResult(
            uuids=tuple(accepted),
            batches=len(documents),
            assigned_numbers=tuple(numbers),
            exchanges=tuple(exchanges),
            resolved=tuple(resolved),
        )

    def get_invoice_statuses(self, uuids):
        """``/einvoice/Sale/{UUID}/Status`` per ETTN; one Nilvera does not know comes back ``found=False``."""
        statuses, exchanges = [], []
        for value in dict.fromkeys(uuids):
            try:
                response, exchange = self._call(
                    "SaleStatus", "GET", f"/einvoice/Sale/{_uuid(value)}/Status", submit=False
                )
            except RemoteRejected as error:
                if error.code != "tr_edoc.nilvera.not_found":
                    raise
                exchanges.extend(error.params.get("exchanges", ()))
                statuses.append(DocumentStatus(uuid=value, found=False))
                continue
            exchanges.append(exchange)
            statuses.append(self._invoice_status(value, json_of(response) or {}, "OUT"))
        self.last_exchanges = tuple(exchanges)
        return StatusResult(tuple(statuses), tuple(exchanges))

    @staticmethod
    def _invoice_status(uuid, body, direction):
        invoice_status = body.get("InvoiceStatus") or {}
        envelope = body.get("EnvelopeInfo") or {}
        answer = body.get("Answer") or {}
        gib_code = envelope.get("GIBCode") or None
        outcome = classify_gib_status(gib_code)
        profile = body.get("InvoiceProfile") or ""
        commercial = ANSWER_CODES.get(answer.get("AnswerCode"))
        final = outcome is GibOutcome.RESEND or (
            outcome is GibOutcome.SUCCESS and (profile != "TICARIFATURA" or commercial is not None)
        )
        return DocumentStatus(
            uuid=uuid,
            direction=direction,
            status=invoice_status.get("Code") or "",
            status_description=invoice_status.get("Description") or "",
            gib_status_code=gib_code,
            gib_status_description=envelope.get("GIBDescription") or "",
            gib_outcome=outcome,
            final=final,
            commercial_answer=commercial,
            response_code=commercial or "",
            response_description=answer.get("AnswerNote") or "",
            received_at=_datetime(envelope.get("CreatedDate")),
            envelope_id=envelope.get("UUID") or "",
            profile=profile,
        )

    def list_incoming(
        self, kind, since=None, *, until=None, include_read=False, with_content=True, mark_read=False
    ):
        """Page through ``/einvoice/Purchase``; with ``mark_read`` each page is marked Read once consumed."""
        if kind != EINVOICE:
            self._unsupported(f"list_incoming({kind})")
        params = {"PageSize": PAGE_SIZE, "SortColumn": "EnvelopeDate", "SortType": "ASC"}
        if not include_read:
            params["IsRead"] = "false"
        if since:
            params["StartDate"] = since.isoformat()
            params["DateFilterType"] = "EnvelopeDate"
        if until:
            params["EndDate"] = until.isoformat()
            params["DateFilterType"] = "EnvelopeDate"
        # Marking read shrinks an unread-only listing, so then the first page is asked again.
        shrinking = mark_read and not include_read
        page, seen = 1, set()
        while True:
            response, _exchange = self._call(
                "PurchaseList", "GET", "/einvoice/Purchase", submit=False, params={**params, "Page": page}
            )
            body = json_of(response) or {}
            items = [item for item in body.get("Content") or () if item.get("UUID") not in seen]
            for item in items:
                seen.add(item["UUID"])
                content = None
                if with_content:
                    try:
                        content = self.download(item["UUID"], "XML").content
                    except EdocError:
                        # one unreadable document must not stop the listing: it comes without
                        # content, and the caller's own download of it meets (and records) the error
                        content = None
                yield self._incoming(item, content)
            if not items:
                return
            if mark_read:
                self.mark_read(EINVOICE, [item["UUID"] for item in items])
            if not shrinking:
                page += 1
                if page > (body.get("TotalPages") or 0):
                    return

    @staticmethod
    def _incoming(item, content):
        issued = _datetime(item.get("IssueDate"))
        return IncomingDocument(
            kind=EINVOICE,
            uuid=item.get("UUID") or "",
            number=item.get("InvoiceNumber") or "",
            direction="IN",
            sender_vkn=item.get("SenderTaxNumber") or "",
            receiver_vkn=item.get("TaxNumber") or "",
            sender_title=item.get("SenderName") or "",
            issue_date=issued.date() if issued else None,
            payable_amount=_decimal(item.get("PayableAmount")),
            currency=item.get("CurrencyCode") or "",
            profile=item.get("InvoiceProfile") or "",
            type_code=item.get("InvoiceType") or "",
            status=item.get("StatusCode") or "",
            received_at=_datetime(item.get("EnvelopeDate") or item.get("CreatedDate")),
            envelope_id=item.get("EnvelopeUUID") or "",
            content=content,
        )

    def download(self, uuid, fmt, *, direction="IN", kind=EINVOICE):
        """The signed XML or Nilvera's PDF/HTML view of a purchase, sale or e-Arşiv invoice."""
        fmt = fmt.upper()
        if fmt not in ("XML", "PDF", "HTML"):
            raise ValidationFailed(f"Unknown download format {fmt}", code="tr_edoc.nilvera.format")
        if kind == EARCHIVE:
            base = "/earchive/Invoices"
        elif kind == EINVOICE:
            base = "/einvoice/Purchase" if direction == "IN" else "/einvoice/Sale"
        else:
            self._unsupported(f"download({kind})")
        response, exchange = self._call(
            f"Download{fmt.title()}",
            "GET",
            f"{base}/{_uuid(uuid)}/{fmt.lower()}",
            submit=False,
            answer=False,
        )
        content = response.content
        if fmt == "XML":
            load_xml(content)
        return Download(uuid=uuid, fmt=fmt, content=content, exchanges=(exchange,))

    def mark_read(self, kind, uuids, *, read=True):
        if kind != EINVOICE:
            self._unsupported(f"mark_read({kind})")
        operation = "Read" if read else "Unread"
        _response, exchange = self._call(
            "PurchaseOperation",
            "PUT",
            f"/einvoice/Purchase/Operation/{operation}",
            submit=False,
            json_body=[_uuid(u) for u in uuids],
            answer=None,
        )
        return OperationResult(f"Purchase/Operation/{operation}", exchanges=(exchange,))

    def send_application_response(self, uuids, answer, reason=""):
        """KABUL/RED through ``/einvoice/Purchase/SendAnswer``, one call per invoice."""
        answer = (answer or "").upper()
        if answer not in ANSWERS:
            raise ValidationFailed(
                "The answer must be KABUL or RED.", code="tr_edoc.nilvera.answer", params={"answer": answer}
            )
        if answer == "RED" and not (reason or "").strip():
            raise ValidationFailed("A RED answer needs a reason.", code="tr_edoc.nilvera.red_reason")
        exchanges = []
        for value in uuids:
            body = {"UUID": _uuid(value), "AnswerCode": ANSWERS[answer]}
            if reason:
                body["RejectNote"] = reason
            _response, exchange = self._call(
                "SendAnswer",
                "POST",
                "/einvoice/Purchase/SendAnswer",
                submit=True,
                json_body=body,
                answer=None,
            )
            exchanges.append(exchange)
        return OperationResult("SendAnswer", exchanges=tuple(exchanges))

    # -- e-Arşiv --------------------------------------------------------------------------------

    def send_earchive(self, documents):
        """``/earchive/Send/Xml`` per invoice; delivery e-mail/SMS follow Nilvera's portal settings."""
        return self._send_each(documents, self._send_earchive_one, self._earchive_as_status)

    def _send_earchive_one(self, doc):
        response, exchange = self._call(
            "SendEArchiveXml",
            "POST",
            "/earchive/Send/Xml",
            submit=True,
            files={"file": (f"{doc.uuid}.xml", doc.xml, "application/xml")},
        )
        return (json_of(response) or {}).get("InvoiceNumber") or "", exchange

    def _earchive_as_status(self, uuids):
        result = self.earchive_status(uuids)
        return StatusResult(
            tuple(DocumentStatus(uuid=s.uuid, found=s.found, status=s.status_code) for s in result.statuses),
            result.exchanges,
        )

    def earchive_status(self, uuids):
        statuses, exchanges = [], []
        for value in dict.fromkeys(uuids):
            try:
                response, exchange = self._call(
                    "EArchiveStatus", "GET", f"/earchive/Invoices/{_uuid(value)}/Status", submit=False
                )
            except RemoteRejected as error:
                if error.code != "tr_edoc.nilvera.not_found":
                    raise
                exchanges.extend(error.params.get("exchanges", ()))
                statuses.append(EarchiveStatus(uuid=value, found=False))
                continue
            exchanges.append(exchange)
            body = json_of(response) or {}
            statuses.append(
                EarchiveStatus(
                    uuid=value,
                    status_code=body.get("StatusCode") or "",
                    status_description=body.get("StatusDetail") or "",
                    reported=body.get("ReportStatus") == "Reported",
                    cancelled=bool(body.get("CancelStatus")),
                )
            )
        self.last_exchanges = tuple(exchanges)
        return StatusResult(tuple(statuses), tuple(exchanges))

    def cancel_earchive(self, uuid, *, reason="", number="", cancel_email=""):
        """``PUT /earchive/Invoices/{UUID}/Cancel``; Nilvera takes no reason, it stays on our side."""
        _response, exchange = self._call(
            "EArchiveCancel", "PUT", f"/earchive/Invoices/{_uuid(uuid)}/Cancel", submit=True, answer=None
        )
        return OperationResult("EArchiveCancel", reference=uuid, exchanges=(exchange,))

    # -- GİB users ------------------------------------------------------------------------------

    def check_user(self, identifier, document_type="INVOICE"):
        """GİB registration and PK aliases per document type (``GetGlobalCustomerInfo``)."""
        user_type = USER_TYPES.get(document_type)
        if user_type is None:
            raise ValidationFailed(
                f"Unknown document type {document_type}",
                code="tr_edoc.nilvera.document_type",
                params={"document_type": document_type},
            )
        try:
            response, exchange = self._call(
                "GlobalCustomerInfo",
                "GET",
                f"/general/GlobalCompany/GetGlobalCustomerInfo/{quote(identifier, safe='')}",
                submit=False,
                params={"globalUserType": user_type},
            )
        except RemoteRejected as error:
            if error.code != "tr_edoc.nilvera.not_found":
                raise
            return UserCheck(identifier=identifier, users=(), exchanges=error.params.get("exchanges", ()))
        body = json_of(response) or {}
        aliases = tuple(
            GibAlias(
                name=alias.get("Name") or "",
                unit="PK",
                document_type=document_type,
                created_at=_datetime(alias.get("CreationTime")),
                deleted=bool(alias.get("DeletionTime")),
                deleted_at=_datetime(alias.get("DeletionTime")),
            )
            for alias in body.get("Aliases") or ()
        )
        users = ()
        if body.get("TaxNumber"):
            users = (
                GibUser(
                    identifier=body["TaxNumber"],
                    title=body.get("Title") or "",
                    type=body.get("Type") or "",
                    registered_at=_datetime(body.get("FirstCreationTime")),
                    aliases=aliases,
                ),
            )
        return UserCheck(identifier=identifier, users=users, exchanges=(exchange,))

    def iter_user_list(self, since=None, *, document_type="ALL", alias_type="ALL"):
        """``/general/GlobalCompany/{AliasType}/{GlobalUserType}``: GİB's zipped lists, streamed.

        One list per unit and document type; each answer (a Base64 string, or the raw ZIP) is
        decoded to a temporary file as it arrives (the next list while the previous one is read),
        then the lists are read with ``iterparse`` and merged per taxpayer. Nilvera offers no
        changes-only list: a delta (``since``) keeps the aliases opened or closed after it.
        """
        exchanges = []
        units = ("PK", "GB") if alias_type == "ALL" else (alias_type,)
        kinds = tuple(USER_TYPES) if document_type == "ALL" else (document_type,)
        with contextlib.ExitStack() as stack:

            def fetch(unit, kind, spool):
                response, exchange = self._call(
                    "GlobalCompanyList",
                    "GET",
                    f"/general/GlobalCompany/{unit}/{USER_TYPES[kind]}",
                    submit=False,
                    stream=True,
                    answer=False,  # a JSON string of Base64, read as a stream and checked there
                )
                with response:
                    spool_base64_string(response.iter_content(LIST_CHUNK), spool, limit=MAX_USER_LIST_BYTES)
                exchanges.append(exchange)
                self.last_exchanges = tuple(exchanges)
                return iter_gib_records(spool, unit, document_type=kind, since=since)

            loaders = [
                functools.partial(fetch, unit, kind, stack.enter_context(tempfile.TemporaryFile()))
                for unit in units
                for kind in kinds
            ]
            streams = stack.enter_context(read_ahead(loaders))
            yield from merge_records(*streams)


class NilveraSandboxProvider(NilveraProvider):
    """The Nilvera client pointed at the loopback sandbox; nothing sent here reaches Nilvera or GİB."""

    key = "sandbox_nilvera"
    label = "Sandbox, Nilvera API (test double, not GİB)"
    endpoints = {"test": {"api": "http://127.0.0.1:8790"}}
