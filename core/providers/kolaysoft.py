"""Kolaysoft (KolayEntegrasyon / SmartDönüşüm) özel entegratör client over its SOAP 1.2 services.

Kolaysoft has no session: every call carries the HTTP headers ``Username`` and ``Password``
(integration guide §1). Results are in-band codes (:mod:`.kolaysoft_codes`). Services used:
InvoiceWS (e-Fatura send, application responses, credit), QueryDocumentWS (outbox/inbox queries,
PK lists, "taken from integrator" marks), EArchiveInvoiceWS (e-Arşiv send/update/cancel/query,
date-range queries capped at 20 with content and paged by ``minRecordId``, isEFaturaUser),
LoadInvoiceWS (hand over already-issued invoices for storage) and EAReportWS (e-Arşiv report
requests; see :meth:`KolaysoftProvider.request_earchive_report`).

WSDLs come from ``<service>?wsdl`` or from a local folder laid out like the shared reference
(``<Folder>/<file>.wsdl``, single files with inline schemas); then remote fetches are blocked.
Kolaysoft publishes no e-İrsaliye WSDL, so despatch and receipt advice are not offered.
"""

import base64
import contextlib
import copy
import datetime
import functools
import tempfile
import time
from decimal import Decimal, InvalidOperation

import requests
import zeep.exceptions
from lxml import etree

from ..errors import (
    ConfigurationError,
    EdocError,
    ParseError,
    RemoteRejected,
    TransportError,
    ValidationFailed,
)
from ..states import GibOutcome, classify_gib_status
from ..ubl.parse import parse_application_response
from ..xmlsafe import load_xml
from . import kolaysoft_codes as codes
from .base import (
    APPLICATION_RESPONSE,
    CREDIT,
    EARCHIVE,
    EARCHIVE_CANCEL,
    EARCHIVE_REPORT_REQUEST,
    EINVOICE,
    SIGNED_APPLICATION_RESPONSE,
    USER_LIST,
    ConnectionCheck,
    CreditBalance,
    DocumentStatus,
    Download,
    EarchiveStatus,
    Exchange,
    GibAlias,
    GibUser,
    IncomingDocument,
    OperationResult,
    SendResult,
    StatusResult,
    UserCheck,
    redact,
)
from .gib_userlist import iter_gib_records, merge_records, read_ahead
from .izibiz import plan_batches
from .izibiz_zreport import ZREPORT, KolaysoftZReportMixin
from .soap import SOAP12_ENV, RequestSchemaCheck, SoapProvider

# service key → (folder in the WSDL directory, WSDL file, path on the host)
SERVICES = {
    "invoice": ("InvoiceWS", "InvoiceWS.wsdl", "/InvoiceService/InvoiceWS"),
    "query": ("QueryDocumentWS", "QueryDocumentWS.wsdl", "/QueryInvoiceService/QueryDocumentWS"),
    "earchive": ("EArchiveInvoiceWS", "EArchiveInvoiceWS.wsdl", "/EArchiveInvoiceService/EArchiveInvoiceWS"),
    "load": ("LoadInvoiceWS-efatura", "LoadInvoiceWS.wsdl", "/InvoiceLoadingService/LoadInvoiceWS"),
    "earchive_load": ("LoadInvoiceWS-earsiv", "LoadInvoiceWS.wsdl", "/EAInvoiceLoadingService/LoadInvoiceWS"),
}
REPORT_PATH = "/EArchiveReportService/EAReportWS"
# No public WSDL: the namespace follows the pattern of every other Kolaysoft service.
REPORT_NS = "http://earchivereportservice.entegrator.com/"
TEST_HOST = "https://servis.kolayentegrasyon.net"
PROD_HOST = "https://servis.smartdonusum.com"
MAX_DOCUMENTS_PER_REQUEST = 100
XSD_NS = "http://www.w3.org/2001/XMLSchema"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def _endpoints(host):
    urls = {name: host + path for name, (_folder, _file, path) in SERVICES.items()}
    urls["report"] = host + REPORT_PATH
    return urls


def inline_schema(wsdl_path):
    """The XSD embedded in a single-file WSDL, compiled for validating request payloads."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    wsdl = etree.parse(str(wsdl_path), parser)
    schemas = wsdl.findall(f"{{{WSDL_NS}}}types/{{{XSD_NS}}}schema")
    if len(schemas) != 1:
        raise ConfigurationError(
            f"{wsdl_path} must hold exactly one inline schema", code="tr_edoc.kolaysoft.wsdl_schema"
        )
    # QName attribute values (type="tns:...") may use prefixes declared on the WSDL root only.
    source = schemas[0]
    schema = etree.Element(source.tag, dict(source.attrib), nsmap=source.nsmap)
    schema.extend(copy.deepcopy(child) for child in source)
    return etree.XMLSchema(schema)


def _text(value):
    return "" if value is None else str(value).strip()


def _datetime(value):
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None


def _issue_date(xml):
    """The invoice's IssueDate, which Kolaysoft wants next to the XML (``documentDate``)."""
    root = load_xml(xml)
    found = root.find(f"{{{UBL_CBC}}}IssueDate")
    return (found.text or "").strip() if found is not None else ""


def _bool(value):
    return _text(value).lower() in ("1", "true", "yes", "y", "evet")


class KolaysoftProvider(KolaysoftZReportMixin, SoapProvider):
    key = "kolaysoft"
    label = "Kolaysoft"
    endpoints = {"test": _endpoints(TEST_HOST), "prod": _endpoints(PROD_HOST)}
    capabilities = frozenset(
        {
            EINVOICE,
            EARCHIVE,
            EARCHIVE_CANCEL,
            APPLICATION_RESPONSE,
            SIGNED_APPLICATION_RESPONSE,
            CREDIT,
            ZREPORT,
            USER_LIST,
            EARCHIVE_REPORT_REQUEST,
        }
    )

    services = SERVICES

    def __init__(self, *, username, password, **options):
        super().__init__(username=username, **options)
        self._auth_headers = {"Username": username, "Password": password}
        self.transport.session.headers.update(self._auth_headers)

    # -- plumbing -----------------------------------------------------------------------------

    def address(self, service):
        if self.base_url:
            return self.base_url + (REPORT_PATH if service == "report" else SERVICES[service][2])
        return self.endpoints[self.environment][service]

    def _local_wsdl(self, folder, wsdl_file):
        return self.wsdl_dir / folder / wsdl_file

    def _new_schema_check(self, folder, wsdl_file):
        """Kolaysoft inlines each service's schema in its WSDL."""
        return RequestSchemaCheck(inline_schema(self.wsdl_dir / folder / wsdl_file))

    def _call(self, service_name, operation, *, submit, **kwargs):
        """``(result, exchanges)``; zeep faults and transport failures become typed errors."""
        try:
            result, exchange = self._service(service_name).call(operation, submit=submit, **kwargs)
        except zeep.exceptions.Fault as fault:
            error = codes.error_from_remote(codes.UNDEFINED, fault.message, "", operation)
            error.params["exchanges"] = (fault.exchange,) if getattr(fault, "exchange", None) else ()
            raise error from fault
        except EdocError as error:
            stray = error.params.pop("exchange", None)
            error.params["exchanges"] = (stray,) if stray else ()
            raise
        self.last_exchanges = (exchange,)
        return result, (exchange,)

    def _checked(self, service_name, operation, *, submit, state_field="queryState", **kwargs):
        """A call whose single result carries a code; non-zero codes raise."""
        result, exchanges = self._call(service_name, operation, submit=submit, **kwargs)
        code = getattr(result, state_field, None)
        if result is None or not codes.is_ok(code):
            raise codes.error_from_remote(
                code,
                getattr(result, "stateExplanation", None) or getattr(result, "explanation", None),
                getattr(result, "cause", None),
                operation,
                exchanges=exchanges,
            )
        return result, exchanges

    # -- connection, credit ---------------------------------------------------------------------

    def check_connection(self):
        where = self.base_url or self.endpoints[self.environment]["query"]
        if not self.sender_vkn:
            return ConnectionCheck(False, "Kolaysoft needs the company's VKN to check the connection.")
        try:
            credit = self.credit_balance()
        except EdocError as exc:
            return ConnectionCheck(False, f"Kolaysoft at {where} did not accept the call: {exc.message}")
        return ConnectionCheck(
            True,
            f"Connected to Kolaysoft ({self.environment}) as {self.username}; "
            f"remaining credit: {credit.balance}.",
            credit.exchanges,
        )

    def credit_balance(self):
        """getCustomerCreditCount: total and remaining documents (e-Fatura + e-Arşiv) of the VKN."""
        if not self.sender_vkn:
            raise ConfigurationError(
                "Kolaysoft's credit query needs the company's VKN/TCKN", code="tr_edoc.kolaysoft.no_vkn"
            )
        result, exchanges = self._checked(
            "invoice", "getCustomerCreditCount", submit=False, state_field="code", vkn_tckn=self.sender_vkn
        )
        return CreditBalance(
            loaded=result.totalCredit,
            balance=result.remainCredit,
            message=_text(result.explanation),
            exchanges=exchanges,
        )

    # -- sending (shared by e-Fatura, e-Arşiv and loading) ----------------------------------------

    def _input_document(self, doc, destination):
        item = {
            "documentUUID": doc.uuid,
            "xmlContent": doc.xml.decode("utf-8") if isinstance(doc.xml, bytes) else doc.xml,
            "sourceUrn": getattr(doc, "sender_alias", "") or self.sender_alias,
            "destinationUrn": destination,
            "localId": doc.uuid,
            "documentDate": _issue_date(doc.xml),
        }
        if doc.number:
            item["documentId"] = doc.number
        return item

    def _send_lists(self, service, operation, documents, destination_of, query_statuses):
        """Upload in batches of 100; per-document refusals raise with the accepted ETTNs attached.

        A document Kolaysoft says it already holds counts as sent once a status query finds it.
        """
        accepted, numbers, exchanges, resolved = [], [], [], []
        batches = plan_batches(documents, lambda doc: len(doc.xml), max_count=MAX_DOCUMENTS_PER_REQUEST)
        for batch in batches:
            items = [self._input_document(doc, destination_of(doc)) for doc in batch]
            try:
                result, batch_exchanges = self._call(
                    service, operation, submit=True, **{self._list_arg(service): items}
                )
            except EdocError as error:
                error.params["accepted"] = tuple(accepted)
                error.params["exchanges"] = tuple(exchanges) + tuple(error.params.get("exchanges", ()))
                raise
            exchanges.extend(batch_exchanges)
            answers = {_text(item.documentUUID): item for item in result or ()}
            for doc in batch:
                answer = answers.get(doc.uuid)
                if answer is not None and codes.is_ok(answer.code):
                    accepted.append(doc.uuid)
                    if _text(answer.documentID):
                        numbers.append(_text(answer.documentID))
                    continue
                error = codes.error_from_remote(
                    getattr(answer, "code", codes.UNDEFINED),
                    getattr(answer, "explanation", "no answer for this document"),
                    getattr(answer, "cause", ""),
                    operation,
                    uuid=doc.uuid,
                )
                held = self._held(error, doc.uuid, query_statuses, exchanges) if query_statuses else None
                if held is not None:
                    resolved.append(held)
                    accepted.append(doc.uuid)
                    continue
                error.params["accepted"] = tuple(accepted)
                error.params["exchanges"] = tuple(exchanges)
                self.last_exchanges = tuple(exchanges)
                raise error
        self.last_exchanges = tuple(exchanges)
        return SendResult(
            uuids=tuple(accepted),
            batches=len(batches),
            assigned_numbers=tuple(numbers),
            exchanges=tuple(exchanges),
            resolved=tuple(resolved),
        )

    @staticmethod
    def _held(error, uuid, query_statuses, exchanges):
        if error.code != "tr_edoc.kolaysoft.duplicate":
            return None
        statuses = query_statuses([uuid])
        exchanges.extend(statuses.exchanges)
        found = [status for status in statuses.statuses if status.found]
        return found[0] if found else None

    @staticmethod
    def _list_arg(service):
        return "inputDocumentList" if service in ("invoice", "load") else "invoiceXMLList"

    # -- e-Fatura -------------------------------------------------------------------------------

    def send_invoices(self, documents):
        """InvoiceWS.sendInvoice; ``destinationUrn`` is the receiver's PK alias."""
        return self._send_lists(
            "invoice", "sendInvoice", documents, lambda doc: doc.receiver_alias, self.get_invoice_statuses
        )

    def load_invoices(self, documents):
        """LoadInvoiceWS.LoadOutboxInvoice: stores already-issued invoices; nothing is delivered."""
        return self._send_lists("load", "LoadOutboxInvoice", documents, lambda doc: doc.receiver_alias, None)

    def get_invoice_statuses(self, uuids):
        """QueryOutboxDocument by ETTN, one call each; an unknown ETTN comes back ``found=False``."""
        statuses, exchanges = [], []
        for value in dict.fromkeys(uuids):
            documents, call_exchanges = self._query_one("query", "QueryOutboxDocument", value, with_xml=False)
            exchanges.extend(call_exchanges)
            statuses.append(
                self._status(documents[0], "OUT") if documents else DocumentStatus(uuid=value, found=False)
            )
        self.last_exchanges = tuple(exchanges)
        return StatusResult(tuple(statuses), tuple(exchanges))

    def _query_one(self, service, operation, uuid, *, with_xml):
        result, exchanges = self._call(
            service,
            operation,
            submit=False,
            paramType=codes.PARAM_UUID,
            parameter=uuid,
            withXML=codes.WITH_XML if with_xml else codes.WITHOUT_XML,
        )
        if not codes.is_ok(result.queryState):
            raise codes.error_from_remote(
                result.queryState, result.stateExplanation, "", operation, exchanges=exchanges
            )
        return [doc for doc in result.documents or () if _text(doc.document_uuid) == uuid], exchanges

    @staticmethod
    def _status(doc, direction):
        gib = codes.gib_code(doc.state_code)
        outcome = classify_gib_status(gib)
        answer = _text(doc.response_code).upper() or None
        answer = answer if answer in ("KABUL", "RED") else None
        profile = _text(doc.document_profile)
        final = outcome is GibOutcome.RESEND or (
            outcome is GibOutcome.SUCCESS and (profile != "TICARIFATURA" or answer is not None)
        )
        return DocumentStatus(
            uuid=_text(doc.document_uuid),
            number=_text(doc.document_id),
            direction=direction,
            status=_text(doc.state_code),
            status_code=_text(doc.state_code),
            status_description=_text(doc.state_explanation),
            gib_status_code=gib,
            gib_status_description=_text(doc.state_explanation),
            gib_outcome=outcome,
            final=final,
            commercial_answer=answer,
            response_code=answer or "",
            received_at=_datetime(doc.system_creation_time),
            envelope_id=_text(doc.envelope_uuid),
            profile=profile,
        )

    def list_incoming(
        self, kind, since=None, *, until=None, include_read=False, with_content=True, mark_read=False
    ):
        """QueryInboxDocumentsWithReceivedDate, paged with ``minRecordId`` (20 per page with content).

        The guide pages by the last ``recordId`` of the previous answer, which the WSDL does not
        carry; ``maxRecordIdinList`` (documented as unused) is read for it and the sandbox fills
        it. With ``mark_read`` every page is marked "taken from integrator" once consumed.
        """
        if kind != EINVOICE:
            self._unsupported(f"list_incoming({kind})")
        now = datetime.datetime.now()
        start = since or now - datetime.timedelta(days=30)
        end = until or now + datetime.timedelta(days=1)
        min_record, seen = "0", set()
        while True:
            result, _exchanges = self._checked(
                "query",
                "QueryInboxDocumentsWithReceivedDate",
                submit=False,
                startDate=start.strftime(codes.DATE_FORMAT),
                endDate=end.strftime(codes.DATE_FORMAT),
                documentType=codes.DOCUMENT_TYPE_INVOICE,
                queried=codes.QUERIED_ALL,
                withXML=codes.RANGE_XML if with_content else codes.RANGE_NONE,
                takenFromEntegrator=codes.TAKEN_ALL if include_read else codes.TAKEN_NO,
                minRecordId=min_record,
            )
            fresh = [doc for doc in result.documents or () if _text(doc.document_uuid) not in seen]
            for doc in fresh:
                seen.add(_text(doc.document_uuid))
                yield self._incoming(doc, with_content)
            if mark_read and fresh:
                self.mark_read(EINVOICE, [_text(doc.document_uuid) for doc in fresh])
            if not fresh or not result.maxRecordIdinList:
                return
            min_record = str(result.maxRecordIdinList)

    @staticmethod
    def _incoming(doc, with_content):
        content = None
        if with_content and doc.document_content:
            try:
                load_xml(doc.document_content)
                content = doc.document_content
            except EdocError:
                # one hostile document must not stop the listing: it comes without content, and
                # the caller's own download of it meets (and records) the error
                content = None
        issued = _datetime(doc.document_issue_date)
        return IncomingDocument(
            kind=EINVOICE,
            uuid=_text(doc.document_uuid),
            number=_text(doc.document_id),
            direction="IN",
            sender_vkn=_text(doc.source_id),
            receiver_vkn=_text(doc.destination_id),
            sender_title=_text(doc.source_title),
            receiver_title=_text(doc.destination_title),
            issue_date=issued.date() if issued else None,
            payable_amount=_decimal(doc.invoice_total),
            currency=_text(doc.currency_code),
            from_alias=_text(doc.source_urn),
            to_alias=_text(doc.destination_urn),
            profile=_text(doc.document_profile),
            type_code=_text(doc.document_type_code),
            status=_text(doc.state_code),
            gib_status_code=codes.gib_code(doc.state_code),
            received_at=_datetime(doc.system_creation_time),
            envelope_id=_text(doc.envelope_uuid),
            content=content,
        )

    def download(self, uuid, fmt, *, direction="IN", kind=EINVOICE):
        """The signed XML (Kolaysoft's single-document queries return XML only)."""
        if fmt.upper() != "XML":
            self._unsupported(f"download({fmt})")
        if kind == EINVOICE:
            operation = "QueryInboxDocument" if direction == "IN" else "QueryOutboxDocument"
            documents, exchanges = self._query_one("query", operation, uuid, with_xml=True)
        elif kind == EARCHIVE:
            documents, exchanges = self._query_one("earchive", "QueryInvoice", uuid, with_xml=True)
        else:
            self._unsupported(f"download({kind})")
        content = documents[0].document_content if documents else None
        if not content:
            raise RemoteRejected(
                f"Kolaysoft returned no XML for {uuid}.",
                code="tr_edoc.kolaysoft.not_found",
                params={"uuid": uuid, "exchanges": exchanges},
            )
        load_xml(content)
        return Download(uuid=uuid, fmt="XML", content=content, exchanges=exchanges)

    def mark_read(self, kind, uuids, *, read=True):
        """SetTakenFromEntegrator; Kolaysoft offers no way back, so ``read=False`` is refused."""
        if kind != EINVOICE or not read:
            self._unsupported(f"mark_read({kind}, read={read})")
        _result, exchanges = self._checked(
            "query", "SetTakenFromEntegrator", submit=False, documentUuid=list(uuids)
        )
        return OperationResult("SetTakenFromEntegrator", exchanges=exchanges)

    def send_application_response(self, uuids, answer, reason=""):
        """KABUL/RED for incoming TICARIFATURA through sendAppResponseList (Kolaysoft signs it)."""
        answer = (answer or "").upper()
        if answer not in ("KABUL", "RED"):
            raise ValidationFailed(
                "The answer must be KABUL or RED.", code="tr_edoc.kolaysoft.answer", params={"answer": answer}
            )
        if answer == "RED" and not (reason or "").strip():
            raise ValidationFailed("A RED answer needs a reason.", code="tr_edoc.kolaysoft.red_reason")
        items = [
            {"invoiceUUID": u, "responseCode": answer, "responseExplanation": reason or None} for u in uuids
        ]
        result, exchanges = self._call("invoice", "sendAppResponseList", submit=True, appResponseList=items)
        for item in result or ():
            if not codes.is_ok(item.code):
                raise codes.error_from_remote(
                    item.code, item.explanation, item.cause, "sendAppResponseList", exchanges=exchanges
                )
        return OperationResult("sendAppResponseList", exchanges=exchanges)

    def send_signed_application_response(self, xml, *, receiver_vkn="", receiver_alias=""):
        """KABUL/RED the customer signed, as an InputDocument of InvoiceWS sendApplicationResponse.

        The XML travels as text (``xmlContent`` is xs:string); UTF-8 decoding and re-encoding keep
        the signed bytes intact. ``destinationUrn`` is the answered sender's alias when known.
        """
        response = parse_application_response(xml)
        answer = (response.response_code or "").upper()
        if answer not in ("KABUL", "RED"):
            raise ValidationFailed(
                "The answer must be KABUL or RED.", code="tr_edoc.kolaysoft.answer", params={"answer": answer}
            )
        if answer == "RED" and not "".join(response.description).strip():
            raise ValidationFailed("A RED answer needs a reason.", code="tr_edoc.kolaysoft.red_reason")
        item = {
            "documentUUID": response.uuid,
            "xmlContent": xml.decode("utf-8"),
            "sourceUrn": self.sender_alias,
            "destinationUrn": receiver_alias,
            "documentDate": response.issue_date.isoformat(),
        }
        result, exchanges = self._call(
            "invoice", "sendApplicationResponse", submit=True, inputDocumentList=[item]
        )
        for entry in result or ():
            if not codes.is_ok(entry.code):
                raise codes.error_from_remote(
                    entry.code, entry.explanation, entry.cause, "sendApplicationResponse", exchanges=exchanges
                )
        return OperationResult("sendApplicationResponse", reference=response.uuid, exchanges=exchanges)

    # -- e-Arşiv --------------------------------------------------------------------------------

    def send_earchive(self, documents):
        """EArchiveInvoiceWS.sendInvoice; ``destinationUrn`` is the buyer's e-mail address."""
        return self._send_lists(
            "earchive", "sendInvoice", documents, lambda doc: ",".join(doc.email), self._earchive_as_status
        )

    def update_earchive(self, documents):
        """updateInvoice: re-upload invoices Kolaysoft holds in an error state (same ETTN)."""
        return self._send_lists("earchive", "updateInvoice", documents, lambda doc: ",".join(doc.email), None)

    def load_earchive(self, documents):
        """EAInvoiceLoadingService.loadInvoice: store already-issued e-Arşiv invoices only."""
        return self._send_lists(
            "earchive_load", "loadInvoice", documents, lambda doc: ",".join(doc.email), None
        )

    def _earchive_as_status(self, uuids):
        result = self.earchive_status(uuids)
        return StatusResult(
            tuple(DocumentStatus(uuid=s.uuid, found=s.found, status=s.status_code) for s in result.statuses),
            result.exchanges,
        )

    def earchive_status(self, uuids):
        """QueryInvoicesWithGUIDList; ``cancelled`` and ``report_no`` tell the reporting state."""
        uuids = list(dict.fromkeys(uuids))
        result, exchanges = self._checked(
            "earchive", "QueryInvoicesWithGUIDList", submit=False, guidList=uuids
        )
        found = {_text(doc.document_uuid): doc for doc in result.documents or ()}
        statuses = []
        for value in uuids:
            doc = found.get(value)
            if doc is None:
                statuses.append(EarchiveStatus(uuid=value, found=False))
                continue
            statuses.append(
                EarchiveStatus(
                    uuid=value,
                    number=_text(doc.document_id),
                    status_code=_text(doc.state_code),
                    status_description=_text(doc.state_explanation),
                    email_status="SENT" if doc.emailSent else "",
                    report_id=_text(doc.report_no),
                    reported=bool(_text(doc.report_no)),
                    cancelled=_bool(doc.cancelled),
                )
            )
        return StatusResult(tuple(statuses), exchanges)

    def cancel_earchive(self, uuid, *, reason="", number="", cancel_email="", cancel_date=None):
        """cancelInvoice with the cancel date (``yyyy-MM-dd``, today unless given)."""
        day = cancel_date or datetime.date.today()
        _result, exchanges = self._checked(
            "earchive",
            "cancelInvoice",
            submit=True,
            state_field="code",
            invoice_uuid=uuid,
            cancelReason=reason or "İptal",
            cancelDate=day.strftime(codes.DATE_FORMAT),
        )
        return OperationResult("cancelInvoice", reference=uuid, exchanges=exchanges)

    def iter_earchive(self, start, end, *, by="document", content=codes.RANGE_NONE):
        """Date-range e-Arşiv query (by issue or received date), following ``minRecordId`` pages.

        Kolaysoft caps answers with content (XML/PDF/HTML) at 20 documents.
        """
        operation = "QueryInvoicesWithDocumentDate" if by == "document" else "QueryInvoicesWithReceivedDate"
        min_record, seen = "0", set()
        while True:
            result, _exchanges = self._checked(
                "earchive",
                operation,
                submit=False,
                startDate=start.strftime(codes.DATE_FORMAT),
                endDate=end.strftime(codes.DATE_FORMAT),
                withXML=content,
                minRecordId=min_record,
            )
            fresh = [doc for doc in result.documents or () if _text(doc.document_uuid) not in seen]
            for doc in fresh:
                seen.add(_text(doc.document_uuid))
                yield doc
            if not fresh or not result.maxRecordIdinList:
                return
            min_record = str(result.maxRecordIdinList)

    def is_efatura_user(self, identifier):
        """isEFaturaUser: whether a buyer must get an e-Fatura rather than an e-Arşiv invoice."""
        result, _exchanges = self._checked("earchive", "isEFaturaUser", submit=False, vkn_tckn=identifier)
        return bool(result.userCount)

    # -- GİB users ------------------------------------------------------------------------------

    def check_user(self, identifier, document_type="INVOICE"):
        """GetPKList: the VKN/TCKN's e-Fatura PK aliases (Kolaysoft has no public e-İrsaliye service)."""
        if document_type != "INVOICE":
            self._unsupported(f"check_user({document_type})")
        result, exchanges = self._checked("query", "GetPKList", submit=False, vknTckn=identifier)
        rows = list(result.users or ())
        users = ()
        if rows:
            first = rows[0]
            users = (
                GibUser(
                    identifier=_text(first.vkn_tckn),
                    title=_text(first.unvan_ad),
                    type=_text(first.tip),
                    registered_at=_datetime(first.ilkKayitZamani),
                    aliases=tuple(
                        GibAlias(
                            name=_text(row.etiket),
                            unit="PK",
                            document_type=document_type,
                            created_at=_datetime(row.etiketKayitZamani),
                        )
                        for row in rows
                    ),
                ),
            )
        return UserCheck(identifier=identifier, users=users, exchanges=exchanges)

    def iter_user_list(self, since=None, *, document_type="ALL", alias_type="ALL"):
        """GetNewUserPKList then GetNewUserGBList: GİB's own lists (``NewUserList.xsd``), streamed.

        Each Base64 ``fileContent`` is decoded to a temporary file while the answer arrives (the
        GB list while the PK list is read); the ZIPs are read with ``iterparse`` and merged per
        taxpayer, so memory stays flat. Neither call takes a date: a delta (``since``) reads the
        full lists and keeps only the aliases opened or closed after it.
        (GetUserPKList/GetUserGBList hand over GİB's older flat format, which has no published
        schema; they are not used.)
        """
        exchanges = []
        with contextlib.ExitStack() as stack:

            def fetch(unit, spool):
                result, call_exchanges = self._checked(
                    "query",
                    f"GetNewUser{unit}List",
                    submit=False,
                    state_field="code",
                    spool=("fileContent", spool),
                )
                exchanges.extend(call_exchanges)
                self.last_exchanges = tuple(exchanges)
                if not spool.tell() and result.fileContent:
                    spool.write(result.fileContent)
                del result
                spool.seek(0)
                return iter_gib_records(spool, unit, document_type=document_type, since=since)

            loaders = [
                functools.partial(fetch, unit, stack.enter_context(tempfile.TemporaryFile()))
                for unit in (("PK", "GB") if alias_type == "ALL" else (alias_type,))
            ]
            streams = stack.enter_context(read_ahead(loaders))
            yield from merge_records(*streams)

    # -- e-Arşiv report service (no public WSDL) --------------------------------------------------

    def set_report_day(self, day_of_month):
        """EAReportWS.setReportAutoSendDay: the day (1-15) reports go to GİB automatically."""
        if not 1 <= int(day_of_month) <= 15:
            raise ValidationFailed(
                "The automatic report day must be between 1 and 15.",
                code="tr_edoc.kolaysoft.report_day",
                params={"day": day_of_month},
            )
        return self._report_call("setReportAutoSendDay", [("dayOfMonth", str(int(day_of_month)))])

    def request_earchive_report(self, report_date):
        """EAReportWS.createReportSendRequest for invoices from ``report_date`` on.

        Built from the documented contract (integration guide "E-Arşiv Rapor Servisi"; Kolaysoft
        publishes no WSDL for it): SOAP 1.2, operation element in :data:`REPORT_NS` with
        unqualified children like every other Kolaysoft service, answered by an EntResponse
        (``code``, ``explanation``, ``cause``).
        """
        return self._report_call(
            "createReportSendRequest", [("reportDate", report_date.strftime(codes.DATE_FORMAT))]
        )

    def send_earchive_report(self, *, vkn, period, section, start, end, xml):
        """EAReportWS.sendReport: forward a ready eArsivRaporu XML; the fields must match its content."""
        request = [
            ("mukellef", vkn),
            ("donemNo", str(period)),
            ("bolumNo", str(section)),
            ("bolumBaslangicTarihi", start.strftime(codes.DATE_FORMAT)),
            ("bolumBitisTarihi", end.strftime(codes.DATE_FORMAT)),
            ("xmlContent", xml),
        ]
        return self._report_call("sendReport", [("reportRequest", request)])

    def _report_call(self, operation, children):
        envelope = etree.Element(f"{{{SOAP12_ENV}}}Envelope", nsmap={"soap": SOAP12_ENV})
        body = etree.SubElement(envelope, f"{{{SOAP12_ENV}}}Body")
        call = etree.SubElement(body, f"{{{REPORT_NS}}}{operation}", nsmap={"ns": REPORT_NS})
        _append(call, children)
        request = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
        started = time.perf_counter()
        try:
            response = self.transport.session.post(
                self.address("report"),
                data=request,
                headers={"Content-Type": "application/soap+xml; charset=utf-8"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransportError(
                f"Could not reach Kolaysoft's report service: {exc}",
                code="tr_edoc.kolaysoft.report_unreachable",
            ) from exc
        exchange = Exchange(
            operation,
            redact(request),
            redact(response.content),
            time.perf_counter() - started,
            response.status_code,
        )
        self.last_exchanges = (exchange,)
        root = load_xml(response.content)
        answer = root.xpath("//*[local-name()='return']")
        if not answer:
            raise ParseError(
                f"{operation} answered without a result.",
                code="tr_edoc.kolaysoft.report_parse",
                params={"exchanges": (exchange,)},
            )
        fields = {etree.QName(child).localname: (child.text or "").strip() for child in answer[0]}
        if not codes.is_ok(fields.get("code")):
            raise codes.error_from_remote(
                fields.get("code"),
                fields.get("explanation"),
                fields.get("cause"),
                operation,
                exchanges=(exchange,),
            )
        return OperationResult(operation, reference=fields.get("documentUUID", ""), exchanges=(exchange,))


def _append(parent, children):
    for name, value in children:
        child = etree.SubElement(parent, name)
        if isinstance(value, list):
            _append(child, value)
        elif isinstance(value, bytes):
            child.text = base64.b64encode(value).decode()
        else:
            child.text = value


def _decimal(value):
    text = _text(value)
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class KolaysoftSandboxProvider(KolaysoftProvider):
    """The Kolaysoft client pointed at the loopback sandbox; nothing sent here reaches Kolaysoft or GİB."""

    key = "sandbox_kolaysoft"
    label = "Sandbox, Kolaysoft API (test double, not GİB)"
    endpoints = {"test": _endpoints("http://127.0.0.1:8790")}
