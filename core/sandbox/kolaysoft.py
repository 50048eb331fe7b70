"""Kolaysoft-compatible SOAP 1.2 endpoints of the sandbox, on the same store as the İzibiz services.

Requests are parsed and answers rendered with Kolaysoft's own WSDLs (the shared reference copies)
and every request payload is validated against the schema inlined in its WSDL. Credentials come
in the ``Username``/``Password`` HTTP headers; results are in-band codes (0, 99, 500). Where
Kolaysoft's contract is silent the sandbox follows :mod:`core.providers.kolaysoft_codes`
(``state_code`` = GİB envelope code; paging record id in ``maxRecordIdinList``). The e-Arşiv
report service (EAReportWS) has no WSDL and is answered from the documented contract.
A test double, not Kolaysoft.
"""

import base64
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import zeep
from lxml import etree

from ..errors import ConfigurationError
from ..providers.kolaysoft import REPORT_NS, REPORT_PATH, SERVICES, inline_schema
from . import bridge
from .operations import StreamedFile, credit
from .soap import _OfflineTransport
from .state import IzibizError
from .streaming import StreamedBody
from .userlist import write_gib_zip

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"
PAGE_WITH_CONTENT = 20
PAGE_WITHOUT_CONTENT = 1000
UNAUTHORIZED = ("500", "Yetkisiz kullanıcı")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Service:
    """One Kolaysoft WSDL: operations by request element, the inline schema, zeep (de)serialisers."""

    def __init__(self, wsdl_path):
        if not Path(wsdl_path).is_file():
            raise ConfigurationError(
                f"{wsdl_path} is missing: point the sandbox at Kolaysoft's WSDL folder",
                code="tr_edoc.sandbox.kolaysoft_wsdl",
                params={"path": str(wsdl_path)},
            )
        self.wsdl_path = Path(wsdl_path)
        client = zeep.Client(str(wsdl_path), transport=_OfflineTransport())
        (binding,) = client.wsdl.bindings.values()
        self.operations = {op.input.body.qname: op for op in binding._operations.values()}
        self.schema = inline_schema(wsdl_path)


class KolaysoftFrontend:
    def __init__(self, sandbox, wsdl_dir):
        self.sb = sandbox
        wsdl_dir = Path(wsdl_dir)
        self.services = {
            path: (key, _Service(wsdl_dir / folder / wsdl_file))
            for key, (folder, wsdl_file, path) in SERVICES.items()
        }
        self.report_days = {}
        self.report_requests = []

    def handles(self, path):
        return path in self.services or path == REPORT_PATH

    def handle(self, method, path, query, headers, body):
        if method == "GET" and query == "wsdl" and path in self.services:
            return 200, self.services[path][1].wsdl_path.read_bytes(), "text/xml; charset=utf-8", None
        if method != "POST":
            return 405, b"POST only", "text/plain", None
        try:
            envelope = etree.fromstring(body, _PARSER)
            payload = envelope.find(f"{{{SOAP12_ENV}}}Body")[0]
        except (etree.XMLSyntaxError, TypeError, IndexError):
            return 400, _fault("SOAP 1.2 zarfı okunamadı"), CONTENT_TYPE, None
        name = etree.QName(payload).localname
        self.sb._log(f"kolaysoft.{name}")
        fault = self.sb.faults.take(f"kolaysoft.{name}")
        if fault and fault.kind == "http_500":
            return 500, b"500 Internal Server Error", "text/plain", fault
        if fault and fault.kind == "slow":
            time.sleep(fault.seconds)
        try:
            company = bridge.company_by_login(self.sb, headers.get("Username"), headers.get("Password"))
        except bridge.Unauthorized:
            company = None
        try:
            if path == REPORT_PATH:
                return 200, self._report(company, name, payload), CONTENT_TYPE, fault
            return 200, self._soap(path, company, envelope, payload), CONTENT_TYPE, fault
        except Exception as exc:
            self.sb.internal_errors.append(exc)
            return 500, _fault(f"Beklenmedik hata: {type(exc).__name__}"), CONTENT_TYPE, fault

    def _soap(self, path, company, envelope, payload):
        key, service = self.services[path]
        op = service.operations.get(payload.tag)
        handler = HANDLERS.get((key, etree.QName(payload).localname))
        if op is None or handler is None:
            return _fault(f"Desteklenmeyen işlem {payload.tag}")
        if not service.schema.validate(etree.ElementTree(payload)):
            return _fault(f"İstek şemaya uymuyor: {service.schema.error_log.last_error.message}")
        kind, function = handler
        request = op.input.deserialize(envelope)
        names = [element_name for element_name, _ in op.input.body.type.elements]
        if len(names) == 1:
            request = SimpleNamespace(**{names[0]: request})
        elif len(names) == 0:
            request = SimpleNamespace()
        if company is None:
            result = _refusal(kind, *UNAUTHORIZED)
        else:
            try:
                result = function(self.sb, company, request)
            except IzibizError as exc:
                result = _refusal(kind, "99", exc.text)
        streamed = result.pop("fileContent", None) if isinstance(result, dict) else None
        if isinstance(streamed, StreamedFile):
            # The list is rendered around a marker that the file's Base64 then replaces, chunk by chunk.
            marker = b"\x00\x01\x02"
            text = _render(op, {**result, "fileContent": marker})
            head, tail = text.split(base64.b64encode(marker), 1)
            return StreamedBody(head, Path(streamed.path), tail)
        if streamed is not None:
            result["fileContent"] = streamed
        return _render(op, result)

    def _report(self, company, name, payload):
        """EAReportWS from the documented contract: EntResponse answers, state kept per company."""
        fields = {etree.QName(child).localname: child for child in payload}
        if company is None:
            code, explanation = UNAUTHORIZED
        elif name == "setReportAutoSendDay":
            day = (fields.get("dayOfMonth").text or "") if "dayOfMonth" in fields else ""
            if day.isdigit() and 1 <= int(day) <= 15:
                self.report_days[company.vkn] = int(day)
                code, explanation = "0", "İşlem başarılı"
            else:
                code, explanation = "99", "Rapor gönderim günü 1-15 arasında olmalıdır"
        elif name == "createReportSendRequest":
            text = (fields["reportDate"].text or "") if "reportDate" in fields else ""
            try:
                self.report_requests.append((company.vkn, date.fromisoformat(text)))
                code, explanation = "0", "İşlem başarılı"
            except ValueError:
                code, explanation = "99", "reportDate yyyy-MM-dd biçiminde olmalıdır"
        elif name == "sendReport" and "reportRequest" in fields:
            parts = {etree.QName(child).localname: (child.text or "") for child in fields["reportRequest"]}
            missing = {
                "mukellef",
                "donemNo",
                "bolumNo",
                "bolumBaslangicTarihi",
                "bolumBitisTarihi",
                "xmlContent",
            } - {key for key, value in parts.items() if value}
            if missing or parts.get("mukellef") != company.vkn:
                code, explanation = "99", f"Rapor isteği eksik veya hatalı: {', '.join(sorted(missing))}"
            else:
                code, explanation = "0", "İşlem başarılı"
        else:
            code, explanation = "99", f"Desteklenmeyen işlem {name}"
        response = etree.Element(f"{{{REPORT_NS}}}{name}Response", nsmap={"ns2": REPORT_NS})
        result = etree.SubElement(response, "return")
        etree.SubElement(result, "code").text = code
        etree.SubElement(result, "explanation").text = explanation
        return _envelope(response)


def _render(op, result):
    return etree.tostring(
        op.output.serialize(**{"return": result}).content, xml_declaration=True, encoding="utf-8"
    )


def _envelope(payload):
    envelope = etree.Element(f"{{{SOAP12_ENV}}}Envelope", nsmap={"soap": SOAP12_ENV})
    etree.SubElement(envelope, f"{{{SOAP12_ENV}}}Body").append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")


def _fault(text):
    fault = etree.Element(f"{{{SOAP12_ENV}}}Fault")
    code = etree.SubElement(fault, f"{{{SOAP12_ENV}}}Code")
    etree.SubElement(code, f"{{{SOAP12_ENV}}}Value").text = "soap:Sender"
    reason = etree.SubElement(fault, f"{{{SOAP12_ENV}}}Reason")
    etree.SubElement(
        reason, f"{{{SOAP12_ENV}}}Text", {"{http://www.w3.org/XML/1998/namespace}lang": "tr"}
    ).text = text
    return _envelope(fault)


def _refusal(kind, code, text):
    if kind == "ent_list":
        return [{"code": code, "explanation": text}]
    if kind == "ent":
        return {"code": code, "explanation": text}
    if kind == "credit":
        return {"code": code, "explanation": text, "totalCredit": 0, "remainCredit": 0}
    if kind == "users":
        return {"queryState": int(code), "stateExplanation": text, "userCount": 0}
    return {"queryState": int(code), "stateExplanation": text, "documentsCount": 0, "maxRecordIdinList": 0}


def _ok_query(docs, sb, with_content):
    return {
        "queryState": 0,
        "stateExplanation": "İşlem başarılı",
        "documentsCount": len(docs),
        "maxRecordIdinList": docs[-1].list_id if docs else 0,
        "documents": [_document(sb, doc, with_content) for doc in docs],
    }


def _document(sb, doc, with_content):
    facts = doc.facts
    status = sb.store.status(doc)
    if doc.kind == "EARCHIVE":
        state = str(status.code)
        reported = status.code == 130
    else:
        state = str(status.gib_code or "")
        reported = False
    return {
        "document_uuid": doc.uuid,
        "document_id": facts.id,
        "envelope_uuid": doc.envelope_id or None,
        "document_profile": facts.profile,
        "system_creation_time": doc.cdate.isoformat(),
        "document_issue_date": facts.issue_date,
        "source_id": facts.sender_vkn,
        "destination_id": facts.receiver_vkn,
        "source_urn": doc.sender_alias or None,
        "source_title": facts.sender_title,
        "destination_urn": doc.receiver_alias or None,
        "currency_code": facts.currency,
        "invoice_total": str(facts.amount) if facts.amount is not None else None,
        "state_code": state,
        "state_explanation": status.gib_description or status.description,
        "document_content": doc.content if with_content else None,
        "emailSent": 0,
        "cancelled": "1" if doc.cancelled_at else "0",
        "response_code": doc.answer.code if doc.answer else None,
        "document_type_code": facts.type_code,
        "destination_title": facts.receiver_title,
        "is_read": "1" if doc.read else "0",
        "report_no": str(sb.store.report_id(doc.owner_vkn, doc.cdate.date())) if reported else None,
    }


def _xml(item):
    text = item.xmlContent or ""
    return text.encode("utf-8") if isinstance(text, str) else text


def _each(items, send):
    """Per-document EntResponse: one refused document does not stop the others."""
    answers = []
    for item in items or ():
        try:
            number = send(item)
        except IzibizError as exc:
            answers.append({"documentUUID": item.documentUUID, "code": "99", "explanation": exc.text})
            continue
        answers.append(
            {
                "documentUUID": item.documentUUID,
                "documentID": number,
                "code": "0",
                "explanation": "İşlem başarılı",
            }
        )
    return answers


# handlers ------------------------------------------------------------------------------


def send_invoice(sb, company, req):
    def send(item):
        return bridge.run(
            sb,
            "SendInvoice",
            company,
            INVOICE=[bridge.upload(_xml(item))],
            SENDER=bridge.receiver(alias=item.sourceUrn) if item.sourceUrn else None,
            RECEIVER=bridge.receiver(alias=item.destinationUrn or None),
        )["INVOICE_ID"]

    return _each(req.inputDocumentList, send)


def load_outbox(sb, company, req):
    def load(item):
        bridge.run(sb, "LoadInvoice", company, INVOICE=[bridge.upload(_xml(item))])
        return item.documentId

    return _each(req.inputDocumentList, load)


def send_app_responses(sb, company, req):
    answers = []
    for item in req.appResponseList or ():
        try:
            bridge.run(
                sb,
                "SendInvoiceResponseWithServerSign",
                company,
                **bridge.answer_request(
                    item.invoiceUUID, (item.responseCode or "").upper(), item.responseExplanation
                ),
            )
        except IzibizError as exc:
            answers.append({"documentUUID": item.invoiceUUID, "code": "99", "explanation": exc.text})
            continue
        answers.append({"documentUUID": item.invoiceUUID, "code": "0", "explanation": "İşlem başarılı"})
    return answers


def send_signed_app_responses(sb, company, req):
    """Answers the customer signed: checked and routed by the İzibiz SendInvoiceResponse operation."""

    def send(item):
        bridge.run(sb, "SendInvoiceResponse", company, APPRESPONSE=[_xml(item)])

    return _each(req.inputDocumentList, send)


def credit_count(sb, company, req):
    if req.vkn_tckn != company.vkn:
        return _refusal("credit", "99", f"{req.vkn_tckn} için müşteri bulunamadı")
    balance = credit(sb, company.vkn)
    return {
        "code": "0",
        "explanation": "İşlem başarılı",
        "totalCredit": balance["CREDIT_LOADED"],
        "remainCredit": balance["CREDIT_BALANCE"],
    }


def _one(direction, kind):
    def query(sb, company, req):
        if req.paramType != "Document_UUID":
            return _refusal("query", "99", f"paramType {req.paramType} desteklenmiyor")
        doc = sb.store.get(company.vkn, direction, req.parameter)
        docs = [doc] if doc is not None and doc.kind == kind else []
        return _ok_query(docs, sb, req.withXML == "YES")

    return query


def _range(sb, company, req, *, direction, kind, by_issue=False):
    with_content = (req.withXML or "NONE") != "NONE"
    limit = PAGE_WITH_CONTENT if with_content else PAGE_WITHOUT_CONTENT
    after = int(req.minRecordId or 0)
    taken = getattr(req, "takenFromEntegrator", None)

    def day(doc):
        return doc.facts.issue_date if by_issue else doc.cdate.date().isoformat()

    docs = [
        doc
        for doc in sb.store.find(company.vkn, kind=kind, direction=direction)
        if doc.list_id > after
        and req.startDate <= day(doc) <= req.endDate
        and not doc.draft
        and not (taken == "NO" and doc.read)
    ][:limit]
    return _ok_query(docs, sb, with_content)


def inbox_by_received(sb, company, req):
    return _range(sb, company, req, direction="IN", kind="INVOICE")


def set_taken(sb, company, req):
    with sb.store.lock:
        for uuid in req.documentUuid or ():
            doc = sb.store.get(company.vkn, "IN", uuid)
            if doc is None:
                return _refusal("query", "99", f"{uuid} bulunamadı")
            sb.store.update(doc, read=True)
    return _ok_query([], sb, False)


def _users(identifier, sb):
    entries = sb.registry.lookup(identifier, "INVOICE", unit="PK")
    return {
        "queryState": 0,
        "stateExplanation": "İşlem başarılı",
        "userCount": len(entries),
        "users": [
            {
                "vkn_tckn": entry.identifier,
                "unvan_ad": entry.title,
                "etiket": entry.alias,
                "tip": entry.type,
                "ilkKayitZamani": entry.register_time.isoformat(),
                "etiketKayitZamani": entry.alias_creation_time.isoformat(),
            }
            for entry in entries
        ],
    }


def _gib_list(unit):
    """GetNewUserPKList / GetNewUserGBList: GİB's whole list of that unit in its own format, zipped.

    Kolaysoft's contract takes no argument: the answer is the full list (closed aliases listed
    with their deletion time), never a delta.
    """

    def handler(sb, company, req):
        path, _count = write_gib_zip(sb.registry, unit)
        return {
            "code": "0",
            "explanation": "İşlem başarılı",
            "fileName": f"newUser{unit.capitalize()}List.zip",
            "fileContent": StreamedFile(path),
        }

    return handler


def pk_list(sb, company, req):
    return _users(req.vknTckn, sb)


def is_efatura_user(sb, company, req):
    return _users(req.vkn_tckn, sb)


def send_earchive(sb, company, req):
    def send(item):
        return bridge.run(
            sb,
            "WriteToArchiveExtended",
            company,
            ArchiveInvoiceExtendedContent=SimpleNamespace(
                INVOICE_PROPERTIES=[bridge.earchive_upload(_xml(item))]
            ),
        )["INVOICE_ID"]

    return _each(req.invoiceXMLList, send)


def update_earchive(sb, company, req):
    """The sandbox never leaves an e-Arşiv invoice in an error state, so nothing can be updated."""
    return [
        {"documentUUID": item.documentUUID, "code": "99", "explanation": "Güncellenecek fatura bulunamadı"}
        for item in req.invoiceXMLList or ()
    ]


def load_earchive(sb, company, req):
    def load(item):
        upload = bridge.earchive_upload(_xml(item))
        upload.EARSIV_PROPERTIES.SUB_STATUS = "DRAFT"
        return bridge.run(
            sb,
            "WriteToArchiveExtended",
            company,
            ArchiveInvoiceExtendedContent=SimpleNamespace(INVOICE_PROPERTIES=[upload]),
        )["INVOICE_ID"]

    return _each(req.invoiceXMLList, load)


def earchive_by_guid(sb, company, req):
    docs = [sb.store.get(company.vkn, "OUT", uuid) for uuid in req.guidList or ()]
    return _ok_query([doc for doc in docs if doc is not None and doc.kind == "EARCHIVE"], sb, False)


def cancel_earchive(sb, company, req):
    if not req.cancelDate:
        return _refusal("ent", "99", "cancelDate zorunludur")
    bridge.run(
        sb,
        "CancelEArchiveInvoice",
        company,
        CancelEArsivInvoiceContent=[SimpleNamespace(FATURA_UUID=req.invoice_uuid, DELETE_FLAG=None)],
    )
    return {"documentUUID": req.invoice_uuid, "code": "0", "explanation": "İşlem başarılı"}


def earchive_by_document_date(sb, company, req):
    return _range(sb, company, req, direction="OUT", kind="EARCHIVE", by_issue=True)


def earchive_by_received_date(sb, company, req):
    return _range(sb, company, req, direction="OUT", kind="EARCHIVE")


HANDLERS = {
    ("invoice", "sendInvoice"): ("ent_list", send_invoice),
    ("invoice", "sendAppResponseList"): ("ent_list", send_app_responses),
    ("invoice", "sendApplicationResponse"): ("ent_list", send_signed_app_responses),
    ("invoice", "getCustomerCreditCount"): ("credit", credit_count),
    ("query", "QueryOutboxDocument"): ("query", _one("OUT", "INVOICE")),
    ("query", "QueryInboxDocument"): ("query", _one("IN", "INVOICE")),
    ("query", "QueryInboxDocumentsWithReceivedDate"): ("query", inbox_by_received),
    ("query", "SetTakenFromEntegrator"): ("query", set_taken),
    ("query", "GetPKList"): ("users", pk_list),
    ("query", "GetNewUserPKList"): ("ent", _gib_list("PK")),
    ("query", "GetNewUserGBList"): ("ent", _gib_list("GB")),
    ("earchive", "sendInvoice"): ("ent_list", send_earchive),
    ("earchive", "updateInvoice"): ("ent_list", update_earchive),
    ("earchive", "QueryInvoicesWithGUIDList"): ("query", earchive_by_guid),
    ("earchive", "QueryInvoice"): ("query", _one("OUT", "EARCHIVE")),
    ("earchive", "cancelInvoice"): ("ent", cancel_earchive),
    ("earchive", "QueryInvoicesWithDocumentDate"): ("query", earchive_by_document_date),
    ("earchive", "QueryInvoicesWithReceivedDate"): ("query", earchive_by_received_date),
    ("earchive", "isEFaturaUser"): ("users", is_efatura_user),
    ("load", "LoadOutboxInvoice"): ("ent_list", load_outbox),
    ("earchive_load", "loadInvoice"): ("ent_list", load_earchive),
}
