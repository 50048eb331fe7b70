"""İzibiz e-Mutabakat (ReconciliationWS) and billing (BillingWS: GetBalance, GetUsage) calls.

SendReconciliation, GetReconciliationStatus and SendMailReconciliation go through zeep on
İzibiz's ReconciliationWS WSDL. Two calls have no WSDL in İzibiz's reference and are built from
the documented contract with plain requests + lxml, children unqualified as in every İzibiz
schema:

- ``GetBABSReconciliationStatus`` (documented inside the Z-Rapor pages, absent from the
  ReconciliationWS WSDL): ``GetBABSReconciliationStatusRequest`` in the ReconciliationWS
  namespace, posted to ReconciliationWS (the guide names no other endpoint for it);
- ``GetBalance`` and ``GetUsage`` on BillingWS, like GetCredit, in ``http://schemas.i2i.com/ei/wsdl``.

A mixin of :class:`~.izibiz.IzibizProvider`, which supplies the session, ``_call`` and addresses.
"""

import time
from decimal import Decimal, InvalidOperation

import requests
from lxml import etree

from ..errors import EdocError, ParseError, RemoteRejected, TransportError
from ..reconciliation import (
    ALREADY_SENT,
    ERROR_CODES,
    Balance,
    DebtInvoice,
    ReconciliationStatus,
    Usage,
    UsageMonth,
    check_usage_request,
)
from ..xmlsafe import load_xml
from . import izibiz_codes
from .base import Exchange, OperationResult, redact

RECONCILIATION = "reconciliation"
BILLING = "billing"
RECONCILIATION_NS = "http://schemas.izibiz.com/ei/wsdl/reconciliation"
BILLING_NS = "http://schemas.i2i.com/ei/wsdl"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
MAX_PER_REQUEST = 100


def _text(node):
    return (node.text or "").strip() if node is not None else ""


def _decimal(text):
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _int(text):
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _child(node, name):
    found = node.xpath("./*[local-name()=$n]", n=name)
    return found[0] if found else None


def reconciliation_error(error):
    """İzibiz's e-Mutabakat code (200–250) of a refusal, or None for any other failure."""
    try:
        code = int(error.remote_code)
    except (TypeError, ValueError):
        return None
    return code if code in ERROR_CODES else None


class SendOutcome:
    """What became of each reconciliation of a bulk send: ``sent`` uuids, ``refused`` uuid→error."""

    def __init__(self):
        self.sent = []
        self.refused = {}
        self.exchanges = []


class IzibizReconciliationMixin:
    # -- ReconciliationWS ------------------------------------------------------------------

    @staticmethod
    def _reconciliation_item(rec):
        item = {
            "TYPE": rec.type,
            "UUID": rec.uuid,
            "CUSTOMER_IDENTIFIER": rec.identifier,
            "COMMERCIAL_NAME": rec.name,
            "TAX_OFFICE": rec.tax_office or None,
            "CUSTOMER_ADDRESS": rec.address,
            "TELEPHONE_NO": rec.phone or None,
            "FAX_NO": rec.fax or None,
            "EMAIL": rec.email,
            "CURRENCY_CODE": rec.currency,
            "NOTE": rec.note or None,
        }
        if rec.type == "EM":
            item.update(
                BABS_ACCOUNTING_PERIOD=rec.period,
                BA_DOCUMENT_COUNT=rec.ba_count,
                BA_DOCUMENT_AMOUNT=rec.ba_amount,
                BS_DOCUMENT_COUNT=rec.bs_count,
                BS_DOCUMENT_AMOUNT=rec.bs_amount,
            )
        else:
            item.update(
                CM_DATE=rec.cm_date.isoformat(),
                CM_AMOUNT_TYPE=rec.cm_amount_type,
                CM_AMOUNT=rec.cm_amount,
            )
        return item

    def send_reconciliations(self, reconciliations):
        """SendReconciliation in bulk (100 a request); a refused request is retried one by one so
        each reconciliation gets its own verdict. 230 ("already in the system") is settled by a
        status query: when İzibiz knows the UUID an earlier attempt arrived and it counts as
        sent; otherwise another reconciliation holds that counterparty and period."""
        outcome = SendOutcome()
        for start in range(0, len(reconciliations), MAX_PER_REQUEST):
            batch = reconciliations[start : start + MAX_PER_REQUEST]
            try:
                self._send_reconciliation_batch(batch, outcome)
            except RemoteRejected as error:
                if len(batch) == 1 or reconciliation_error(error) is None:
                    self._settle_single(batch, error, outcome)
                    continue
                for rec in batch:
                    try:
                        self._send_reconciliation_batch([rec], outcome)
                    except RemoteRejected as single:
                        self._settle_single([rec], single, outcome)
        self.last_exchanges = tuple(outcome.exchanges)
        return outcome

    def _send_reconciliation_batch(self, batch, outcome):
        try:
            _result, exchanges = self._call(
                RECONCILIATION,
                "SendReconciliation",
                submit=True,
                RECONCILIATION=[self._reconciliation_item(rec) for rec in batch],
            )
        except EdocError as error:
            outcome.exchanges.extend(error.params.pop("exchanges", ()))
            raise
        outcome.exchanges.extend(exchanges)
        outcome.sent.extend(rec.uuid for rec in batch)

    def _settle_single(self, batch, error, outcome):
        if len(batch) == 1 and reconciliation_error(error) == ALREADY_SENT:
            known, exchanges = self.reconciliation_statuses([batch[0].uuid])
            outcome.exchanges.extend(exchanges)
            if known:
                outcome.sent.append(batch[0].uuid)
                return
        for rec in batch:
            outcome.refused[rec.uuid] = error

    def reconciliation_statuses(self, uuids):
        """GetReconciliationStatus for up to 100 UUIDs a request; unknown UUIDs are absent."""
        statuses, exchanges = [], []
        uuids = list(uuids)
        for start in range(0, len(uuids), MAX_PER_REQUEST):
            result, calls = self._call(
                RECONCILIATION,
                "GetReconciliationStatus",
                submit=False,
                RECONCILIATION_SEARCHING={"UUID": uuids[start : start + MAX_PER_REQUEST]},
            )
            exchanges.extend(calls)
            for block in getattr(result, "RECONCILIATION_STATUS", None) or ():
                for item in block.RECONCILIATION or ():
                    email = (item.EMAIL or [None])[-1]
                    email_status = ((email and email.EMAIL_STATUS) or [None])[-1]
                    statuses.append(
                        ReconciliationStatus(
                            uuid=item.UUID,
                            identifier=item.CUSTOMER_IDENTIFIER,
                            type=item.TYPE or "",
                            status=(item.STATUS or "").strip(),
                            status_code=(item.STATUS_CODE or "").strip(),
                            period=item.BABS_ACCOUNTING_PERIOD or "",
                            created_at=item.CREATE_DATE,
                            email_status_code=(email_status and email_status.STATUS_CODE) or "",
                            email_status=(email_status and email_status.STATUS) or "",
                        )
                    )
        self.last_exchanges = tuple(exchanges)
        return statuses, tuple(exchanges)

    def resend_reconciliation_mail(self, uuids):
        """SendMailReconciliation: İzibiz mails the counterparty again."""
        _result, exchanges = self._call(
            RECONCILIATION,
            "SendMailReconciliation",
            submit=True,
            MAIL_SEARCHING={"UUID": list(uuids)},
        )
        return OperationResult("SendMailReconciliation", exchanges=exchanges)

    def babs_reconciliation_statuses(self, period, identifier=None):
        """GetBABSReconciliationStatus for a whole period (or one counterparty of it)."""

        def build(request):
            search = etree.SubElement(request, "RECONCILIATION_SEARCHING")
            key = etree.SubElement(search, "SEARCH_KEY")
            if identifier:
                etree.SubElement(key, "CUSTOMER_IDENTIFIER").text = identifier
            etree.SubElement(key, "ACCOUNTING_PERIOD").text = period

        root, exchanges = self._documented_call(
            RECONCILIATION, RECONCILIATION_NS, "GetBABSReconciliationStatus", build
        )
        statuses = []
        for item in root.xpath(
            "//*[local-name()='RECONCILIATION_STATUS']/*[local-name()='RECONCILATION' or "
            "local-name()='RECONCILIATION']"
        ):
            statuses.append(
                ReconciliationStatus(
                    uuid="",
                    identifier=_text(_child(item, "CUSTOMER_IDENTIFIER")),
                    type="EM",
                    status_code=_text(_child(item, "STATUS_CODE")),
                    status=_text(_child(item, "STATUS")),
                    period=_text(_child(item, "ACCOUNTING_PERIOD")),
                    created_at=_text(_child(item, "CREATE_DATE")),
                    email_status_code=_text(_child(item, "EMAIL_STATUS_CODE")),
                    email_status=_text(_child(item, "EMAIL_STATUS_DESCRIPTION")),
                )
            )
        return statuses, exchanges

    # -- BillingWS -------------------------------------------------------------------------

    def get_balance(self, *, detail=True):
        """GetBalance (documented contract, no WSDL): the debt and, with ``detail``, its invoices."""

        def build(request):
            etree.SubElement(request, "BALANCE_DETAIL_FLAG").text = "Y" if detail else "N"

        root, exchanges = self._documented_call(BILLING, BILLING_NS, "GetBalance", build)
        answer = root.xpath("//*[local-name()='GetBalanceResponse']")[0]
        invoices = tuple(
            DebtInvoice(
                number=_text(_child(node, "INVOICE_NO")),
                date=_text(_child(node, "INVOICE_DATE")),
                period=_text(_child(node, "PERIOD")),
                amount=_decimal(_text(_child(node, "PAYABLE_AMOUNT"))),
            )
            for node in answer.xpath(".//*[local-name()='BALANCE_DETAIL']/*[local-name()='INVOICE']")
        )
        return Balance(
            total=_decimal(_text(_child(answer, "TOTAL_BALANCE"))),
            invoice_count=_int(_text(_child(answer, "INVOICE_COUNT"))),
            message=_text(_child(answer, "MESSAGE")),
            invoices=invoices,
            exchanges=exchanges,
        )

    def get_usage(self, *, period=None, product="ALL", direction="ALL"):
        """GetUsage (documented contract, no WSDL): counts per month and product. INBOX for a
        product that is only sent is refused before anything leaves (ValidationFailed)."""
        check_usage_request(product, direction, period)

        def build(request):
            if period:
                etree.SubElement(request, "PERIOD").text = period
            etree.SubElement(request, "PRODUCT_TYPE").text = product
            etree.SubElement(request, "DIRECTION").text = direction

        root, exchanges = self._documented_call(BILLING, BILLING_NS, "GetUsage", build)
        months = []
        for node in root.xpath("//*[local-name()='USAGE']"):
            product_node = _child(node, "PRODUCT")
            products = {}
            if product_node is not None:
                for child in product_node:
                    name = etree.QName(child).localname
                    products[name] = _int(_text(child)) or 0
            months.append(
                UsageMonth(
                    period=_text(_child(node, "PERIOD")),
                    total=_int(_text(_child(node, "TOTAL_USAGE"))),
                    products=products,
                )
            )
        return Usage(months=tuple(months), exchanges=exchanges)

    # -- plumbing for the calls without a WSDL -----------------------------------------------

    def _documented_call(self, service, namespace, operation, build):
        """POST ``<operation>Request`` built by ``build``; the session renewed once if expired.

        Returns ``(answer root, exchanges)``; raises the typed error of a fault or ERROR_TYPE.
        """
        exchanges = []
        renewed = False
        while True:
            session_id = self._session(exchanges)
            envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soapenv": SOAP_ENV})
            body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
            request = etree.SubElement(body, f"{{{namespace}}}{operation}Request", nsmap={"ns0": namespace})
            header = etree.SubElement(request, "REQUEST_HEADER")
            for name, value in self._header(session_id).items():
                etree.SubElement(header, name).text = value
            build(request)
            raw = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")
            started = time.perf_counter()
            try:
                response = self.transport.session.post(
                    self.address(service),
                    data=raw,
                    headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                error = TransportError(
                    f"{operation} did not reach İzibiz: {exc}", code="tr_edoc.izibiz.unreachable"
                )
                error.params["exchanges"] = tuple(exchanges)
                raise error from exc
            exchanges.append(
                Exchange(
                    operation,
                    redact(raw),
                    redact(response.content),
                    time.perf_counter() - started,
                    response.status_code,
                )
            )
            try:
                root = self._documented_answer(response, operation)
            except EdocError as error:
                if izibiz_codes.is_session_error(error) and not renewed:
                    renewed = True
                    self._session_id = None
                    continue
                error.params["exchanges"] = tuple(exchanges)
                self.last_exchanges = tuple(exchanges)
                raise
            self.last_exchanges = tuple(exchanges)
            return root, tuple(exchanges)

    @staticmethod
    def _documented_answer(response, operation):
        if response.status_code >= 500 and b"Envelope" not in response.content[:2048]:
            raise TransportError(f"HTTP {response.status_code} from {operation}", code="tr_edoc.izibiz.http")
        if len(response.content) > 16 * 1024 * 1024:
            raise ParseError(f"{operation} answered with an oversized body.", code="tr_edoc.izibiz.too_large")
        root = load_xml(response.content)
        codes = root.xpath("//*[local-name()='ERROR_CODE']")
        if codes:
            message = root.xpath("//*[local-name()='ERROR_SHORT_DES']")
            raise izibiz_codes.error_from_remote(
                _text(codes[0]), _text(message[0]) if message else "", operation
            )
        fault = root.xpath("//*[local-name()='Fault']")
        if fault:
            raise izibiz_codes.error_from_remote(None, "".join(fault[0].itertext()).strip(), operation)
        if not root.xpath("//*[local-name()=$n]", n=f"{operation}Response"):
            raise ParseError(f"İzibiz answered without {operation}Response.", code="tr_edoc.izibiz.no_answer")
        return root
