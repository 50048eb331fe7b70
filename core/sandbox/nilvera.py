"""Nilvera-compatible REST endpoints of the sandbox, on the same store as the İzibiz services.

Paths, query names and JSON shapes follow Nilvera's published OpenAPI descriptions; errors are
answered as ``{"Errors": [{"Code", "Description", "Detail"}]}`` with Nilvera's status codes
(401 for an unknown key, 404, 409 duplicates, 422 business refusals). The Bearer key of a sandbox
company is :func:`api_key_for` of its user name and password. A test double, not Nilvera.
"""

import datetime
import email.parser
import email.policy
import hashlib
import json
import re
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

from . import bridge
from .clock import TR_TZ
from .content import html_view, pdf_view
from .operations import credit
from .state import IzibizError, read_facts
from .streaming import StreamedBody
from .userlist import write_gib_zip

PREFIXES = ("/einvoice/", "/earchive/", "/general/")

# İzibiz error of the shared operations → (HTTP status, Nilvera code)
_ERRORS = {
    10003: (422, 2015),
    10006: (409, 1000),
    10008: (404, 3030),
    10009: (409, 1001),
    10011: (409, 1015),
    10013: (422, 2004),
    10017: (409, 1005),
}


def api_key_for(company):
    """The sandbox API key of a company: derived, so nothing extra has to be registered."""
    digest = hashlib.sha256(f"{company.username}:{company.password}".encode()).hexdigest()
    return f"sbx-{digest[:40]}"


class NilveraError(Exception):
    def __init__(self, status, code, description, detail=""):
        super().__init__(description)
        self.status, self.code, self.description, self.detail = status, code, description, detail


def _json(value, status=200):
    return (
        status,
        json.dumps(value, ensure_ascii=False, default=str).encode(),
        "application/json; charset=utf-8",
    )


def _stamp(moment):
    return moment.isoformat() if moment else None


class NilveraFrontend:
    def __init__(self, sandbox):
        self.sb = sandbox
        self.routes = [
            ("POST", r"/einvoice/Send/Xml", "SendInvoiceXml", self.send_invoice),
            ("GET", r"/einvoice/(Sale|Purchase)/([^/]+)/Status", "InvoiceStatus", self.invoice_status),
            ("GET", r"/einvoice/Purchase", "PurchaseList", self.purchase_list),
            ("GET", r"/einvoice/(Sale|Purchase)/([^/]+)/(xml|pdf|html)", "InvoiceView", self.invoice_view),
            ("PUT", r"/einvoice/Purchase/Operation/(Read|Unread)", "PurchaseOperation", self.mark),
            ("POST", r"/einvoice/Purchase/SendAnswer", "SendAnswer", self.send_answer),
            ("POST", r"/earchive/Send/Xml", "SendEArchiveXml", self.send_earchive),
            ("GET", r"/earchive/Invoices/([^/]+)/Status", "EArchiveStatus", self.earchive_status),
            ("PUT", r"/earchive/Invoices/([^/]+)/Cancel", "EArchiveCancel", self.earchive_cancel),
            ("GET", r"/earchive/Invoices/([^/]+)/(xml|pdf|html)", "EArchiveView", self.earchive_view),
            ("GET", r"/general/Company", "Company", self.company),
            ("GET", r"/general/Credits", "Credits", self.credits),
            (
                "GET",
                r"/general/GlobalCompany/GetGlobalCustomerInfo/([^/]+)",
                "GlobalCustomerInfo",
                self.customer_info,
            ),
            (
                "GET",
                r"/general/GlobalCompany/(PK|GB)/(Invoice|DespatchAdvice)",
                "GlobalCompanyList",
                self.user_list,
            ),
        ]

    def handles(self, path):
        return path.startswith(PREFIXES)

    def handle(self, method, path, query, headers, body):
        """``(status, body, content type, fault)`` for one request."""
        for verb, pattern, route_name, route_handler in self.routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                name, handler = route_name, route_handler
                break
        else:
            return (*_json({"Errors": [{"Code": 3030, "Description": "API bulunamadı"}]}, 404), None)
        self.sb._log(f"nilvera.{name}")
        fault = self.sb.faults.take(f"nilvera.{name}")
        if fault and fault.kind == "http_500":
            return 500, b"500 Internal Server Error", "text/plain", fault
        if fault and fault.kind == "slow":
            time.sleep(fault.seconds)
        try:
            company = self._company(headers)
            result = handler(company, *match.groups(), query=parse_qs(query), headers=headers, body=body)
        except NilveraError as exc:
            error = {"Code": exc.code, "Description": exc.description, "Detail": exc.detail}
            return (*_json({"Errors": [error]}, exc.status), fault)
        except IzibizError as exc:
            status, code = _ERRORS.get(exc.code, (400, 2004))
            return (
                *_json({"Errors": [{"Code": code, "Description": exc.text, "Detail": ""}]}, status),
                fault,
            )
        except Exception as exc:
            self.sb.internal_errors.append(exc)
            return 500, f"sandbox error {type(exc).__name__}".encode(), "text/plain", fault
        return (*result, fault)

    def _company(self, headers):
        scheme, _, key = (headers.get("Authorization") or "").partition(" ")
        if scheme == "Bearer" and key:
            with self.sb.store.lock:
                companies = list(self.sb.store.companies.values())
            for company in companies:
                if api_key_for(company) == key:
                    return company
        raise NilveraError(401, 401, "Yetkisiz erişim: API anahtarı geçersiz")

    @staticmethod
    def _file(headers, body):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {headers.get('Content-Type', '')}\r\n\r\n".encode() + body
        )
        if message.is_multipart():
            for part in message.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    return part.get_payload(decode=True)
        raise NilveraError(400, 2004, "Dosya bulunamadı", "multipart/form-data 'file' alanı zorunludur")

    def _doc(self, company, uuid, direction, kind):
        doc = self.sb.store.get(company.vkn, direction, uuid)
        if doc is None or doc.kind != kind:
            raise NilveraError(404, 3030, "Belge bulunamadı", uuid)
        return doc

    # e-Fatura ----------------------------------------------------------------------------

    def send_invoice(self, company, *, query, headers, body):
        xml = self._file(headers, body)
        alias = (query.get("Alias") or [None])[0]
        number = bridge.run(
            self.sb,
            "SendInvoice",
            company,
            INVOICE=[bridge.upload(xml)],
            SENDER=None,
            RECEIVER=bridge.receiver(alias=alias),
        )["INVOICE_ID"]
        return _json({"UUID": read_facts(xml).uuid, "InvoiceNumber": number})

    def _invoice_status(self, doc):
        status = self.sb.store.status(doc)
        if doc.direction == "IN" or status.gib_code == 1300:
            code = "succeed"
        elif status.gib_code in (1000, 1200):
            code = "waiting"
        else:
            code = "error"
        if doc.answer is not None:
            answer = "approved" if doc.answer.code == "KABUL" else "rejected"
        elif doc.facts.profile == "TICARIFATURA":
            answer = "waitingForApproval"
        else:
            answer = "unknown"
        return code, answer, status

    def invoice_status(self, company, category, uuid, **_request):
        doc = self._doc(company, uuid, "OUT" if category == "Sale" else "IN", "INVOICE")
        code, answer, status = self._invoice_status(doc)
        return _json(
            {
                "InvoiceProfile": doc.facts.profile,
                "IssueDate": f"{doc.facts.issue_date}T00:00:00",
                "Answer": {
                    "AnswerCode": answer,
                    "AnswerNote": doc.answer.description if doc.answer else None,
                    "Description": None,
                },
                "InvoiceStatus": {"Code": code, "Description": status.description, "DetailDescription": None},
                "EnvelopeInfo": {
                    "UUID": doc.envelope_id,
                    "GIBCode": status.gib_code or 0,
                    "GIBDescription": status.gib_description,
                    "CreatedDate": _stamp(doc.cdate),
                },
            }
        )

    def purchase_list(self, company, *, query, **_request):
        def first(name):
            return (query.get(name) or [None])[0]

        page = max(int(first("Page") or 1), 1)
        size = min(max(int(first("PageSize") or 20), 1), 100)
        start, end = first("StartDate"), first("EndDate")
        unread_only = first("IsRead") == "false"
        docs = [
            doc
            for doc in self.sb.store.find(company.vkn, kind="INVOICE", direction="IN")
            if not (unread_only and doc.read)
            and (not start or doc.cdate >= _moment(start))
            and (not end or doc.cdate <= _moment(end))
        ]
        chunk = docs[(page - 1) * size : page * size]
        content = []
        for doc in chunk:
            code, answer, _status = self._invoice_status(doc)
            facts = doc.facts
            content.append(
                {
                    "UUID": doc.uuid,
                    "TaxNumber": facts.receiver_vkn,
                    "SenderTaxNumber": facts.sender_vkn,
                    "SenderName": facts.sender_title,
                    "InvoiceNumber": facts.id,
                    "InvoiceProfile": facts.profile,
                    "InvoiceType": facts.type_code,
                    "CurrencyCode": facts.currency,
                    "IssueDate": f"{facts.issue_date}T00:00:00",
                    "PayableAmount": str(facts.amount) if facts.amount is not None else None,
                    "IsRead": doc.read,
                    "AnswerCode": answer,
                    "StatusCode": code,
                    "CreatedDate": _stamp(doc.cdate),
                    "EnvelopeUUID": doc.envelope_id,
                    "EnvelopeDate": _stamp(doc.cdate),
                }
            )
        pages = (len(docs) + size - 1) // size
        return _json(
            {"Page": page, "PageSize": size, "TotalCount": len(docs), "TotalPages": pages, "Content": content}
        )

    def invoice_view(self, company, category, uuid, fmt, **_request):
        doc = self._doc(company, uuid, "OUT" if category == "Sale" else "IN", "INVOICE")
        return _view(doc, fmt)

    def mark(self, company, operation, *, body, **_request):
        uuids = json.loads(body or b"[]")
        with self.sb.store.lock:
            for uuid in uuids:
                doc = self._doc(company, uuid, "IN", "INVOICE")
                self.sb.store.update(doc, read=operation == "Read")
        return _json([])

    def send_answer(self, company, *, body, **_request):
        request = json.loads(body or b"{}")
        code = {"approved": "KABUL", "rejected": "RED"}.get(request.get("AnswerCode"))
        if code is None:
            raise NilveraError(422, 2004, "Yanıt kodu approved veya rejected olmalıdır")
        self._doc(company, request.get("UUID"), "IN", "INVOICE")
        bridge.run(
            self.sb,
            "SendInvoiceResponseWithServerSign",
            company,
            **bridge.answer_request(request["UUID"], code, request.get("RejectNote")),
        )
        return _json("Yanıt gönderildi")

    # e-Arşiv -----------------------------------------------------------------------------

    def send_earchive(self, company, *, headers, body, **_request):
        xml = self._file(headers, body)
        result = bridge.run(
            self.sb,
            "WriteToArchiveExtended",
            company,
            ArchiveInvoiceExtendedContent=SimpleNamespace(INVOICE_PROPERTIES=[bridge.earchive_upload(xml)]),
        )
        return _json({"UUID": read_facts(xml).uuid, "InvoiceNumber": result["INVOICE_ID"]})

    def earchive_status(self, company, uuid, **_request):
        doc = self._doc(company, uuid, "OUT", "EARCHIVE")
        status = self.sb.store.status(doc)
        return _json(
            {
                "StatusDetail": status.description,
                "StatusCode": "waiting" if status.code == 100 else "succeed",
                "ReportStatus": "Reported" if status.code == 130 else "NotReported",
                "CancelStatus": doc.cancelled_at is not None,
            }
        )

    def earchive_cancel(self, company, uuid, **_request):
        self._doc(company, uuid, "OUT", "EARCHIVE")
        bridge.run(
            self.sb,
            "CancelEArchiveInvoice",
            company,
            CancelEArsivInvoiceContent=[SimpleNamespace(FATURA_UUID=uuid, DELETE_FLAG=None)],
        )
        return _json([uuid])

    def earchive_view(self, company, uuid, fmt, **_request):
        return _view(self._doc(company, uuid, "OUT", "EARCHIVE"), fmt)

    # general -----------------------------------------------------------------------------

    def company(self, company, **_request):
        return _json({"TaxNumber": company.vkn, "Name": company.title})

    def credits(self, company, **_request):
        balance = credit(self.sb, company.vkn)
        loaded, remaining = balance["CREDIT_LOADED"], balance["CREDIT_BALANCE"]
        return _json(
            [
                {
                    "Name": "SANDBOX e-Fatura/e-Arşiv",
                    "TaxNumber": company.vkn,
                    "TotalCredit": loaded,
                    "UsedCredit": loaded - remaining,
                    "RemainingCredit": remaining,
                }
            ]
        )

    def customer_info(self, company, tax_number, *, query, **_request):
        user_type = (query.get("globalUserType") or ["Invoice"])[0]
        document_type = "DESPATCHADVICE" if user_type == "DespatchAdvice" else "INVOICE"
        entries = self.sb.registry.lookup(tax_number, document_type, unit="PK")
        if not entries:
            raise NilveraError(404, 3030, "Mükellef bulunamadı", tax_number)
        first = entries[0]
        return _json(
            {
                "TaxNumber": first.identifier,
                "Title": first.title,
                "Type": first.type,
                "FirstCreationTime": _stamp(first.register_time),
                "Aliases": [
                    {
                        "Name": entry.alias,
                        "CreationTime": _stamp(entry.alias_creation_time),
                        "DeletionTime": _stamp(entry.deletion_time),
                    }
                    for entry in entries
                ],
            }
        )

    def user_list(self, company, unit, user_type, **_request):
        """GİB's zipped list of one unit and document type, as the declared ``byte`` string (Base64)."""
        document_type = "DESPATCHADVICE" if user_type == "DespatchAdvice" else "INVOICE"
        path, _count = write_gib_zip(self.sb.registry, unit, document_type)
        return 200, StreamedBody(b'"', Path(path), b'"'), "application/json; charset=utf-8"


def _view(doc, fmt):
    if fmt == "xml":
        return 200, doc.content, "application/xml"
    if fmt == "pdf":
        return 200, pdf_view(doc), "application/pdf"
    return 200, html_view(doc), "text/html; charset=utf-8"


def _moment(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=TR_TZ)
