"""GİB Karekod: the QR code printed on e-Fatura, e-Arşiv, e-İrsaliye, e-SMM and e-MM copies.

GİB's Karekod standard puts a flat JSON object in the code so that a phone can check a printout against
the document: who issued it to whom, its number and ETTN, and the amounts, with one ``kdvmatrah(rate)`` /
``hesaplanankdv(rate)`` pair per KDV rate. Values are strings, amounts with two decimals, exactly as the
XML says them, because readers compare them with the XML.
"""

import io
import json
from decimal import Decimal

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from .codes import KDV
from .documents import DespatchAdvice, round_amount
from .earsivbelge import Receipt


def _amount(value):
    return f"{round_amount(value or Decimal(0)):.2f}"


def _rate(percent):
    """``20`` rather than ``20.00``: GİB's own stylesheets print the rate as the XML has it."""
    value = Decimal(percent or 0).normalize()
    return f"{value:f}"


def _kdv_subtotals(invoice):
    return [s for total in invoice.tax_totals for s in total.subtotals if s.tax_type_code == KDV]


def _invoice_payload(invoice):
    payload = {
        "vkntckn": invoice.supplier.tax_id or "",
        "avkntckn": invoice.customer.tax_id or "",
        "senaryo": invoice.profile_id,
        "tip": invoice.invoice_type_code,
        "tarih": invoice.issue_date.isoformat(),
        "no": invoice.id,
        "ettn": invoice.uuid,
        "parabirimi": invoice.document_currency_code,
        "malhizmettoplam": _amount(invoice.legal_monetary_total.line_extension_amount),
    }
    subtotals = _kdv_subtotals(invoice)
    for sub in subtotals:
        payload[f"kdvmatrah({_rate(sub.percent)})"] = _amount(sub.taxable_amount)
    for sub in subtotals:
        payload[f"hesaplanankdv({_rate(sub.percent)})"] = _amount(sub.tax_amount)
    payload["vergidahil"] = _amount(invoice.legal_monetary_total.tax_inclusive_amount)
    payload["odenecek"] = _amount(invoice.legal_monetary_total.payable_amount)
    return payload


def _despatch_payload(advice):
    delivery = advice.shipment.delivery if advice.shipment else None
    despatch = delivery.despatch if delivery else None
    carrier = delivery.carrier_party if delivery else None
    plates = [p.value for stage in advice.shipment.shipment_stages for p in stage.vehicle_plates]
    return {
        "vkntckn": advice.supplier.tax_id or "",
        "avkntckn": advice.delivery_customer.tax_id or "",
        "senaryo": advice.profile_id,
        "tip": advice.despatch_advice_type_code,
        "tarih": advice.issue_date.isoformat(),
        "no": advice.id,
        "ettn": advice.uuid,
        "sevktarihi": despatch.actual_despatch_date.isoformat()
        if despatch and despatch.actual_despatch_date
        else "",
        "sevkzamani": despatch.actual_despatch_time.strftime("%H:%M:%S")
        if despatch and despatch.actual_despatch_time
        else "",
        "tasiyicivkn": (carrier.tax_id or "") if carrier else "",
        "plaka": plates[0] if plates else "",
    }


def _receipt_payload(receipt):
    """GİB prints no Karekod standard for EARSIVBELGE: the invoice keys are reused, with the gross
    (``brut``), one ``vergi(code,rate)`` per added tax or deduction and the net paid, so the code
    can be checked against the receipt's XML the same way."""
    payload = {
        "vkntckn": receipt.supplier.tax_id or "",
        "avkntckn": receipt.customer.tax_id or "",
        "senaryo": receipt.profile_id,
        "tip": receipt.kind,
        "tarih": receipt.issue_date.isoformat(),
        "no": receipt.id,
        "ettn": receipt.uuid,
        "parabirimi": receipt.currency,
        "brut": _amount(receipt.line_extension_amount),
    }
    for tax in receipt.taxes:
        payload[f"vergi({tax.code},{_rate(tax.percent)})"] = _amount(tax.amount)
    for tax in receipt.withholdings:
        payload[f"tevkifat({tax.code},{_rate(tax.percent)})"] = _amount(tax.amount)
    payload["odenecek"] = _amount(receipt.payable_amount)
    return payload


def qr_payload(document):
    """The Karekod fields of an invoice (e-Fatura / e-Arşiv), a despatch advice or an e-SMM / e-MM
    receipt, in GİB's order."""
    if isinstance(document, DespatchAdvice):
        return _despatch_payload(document)
    if isinstance(document, Receipt):
        return _receipt_payload(document)
    return _invoice_payload(document)


def qr_text(payload):
    """The JSON text that goes into the code: UTF-8, no escaping of Turkish letters, no spaces."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def qr_png(payload, box_size=4, border=4):
    """A PNG of the code; ``payload`` is the dict from ``qr_payload`` (or already its JSON text)."""
    text = payload if isinstance(payload, str) else qr_text(payload)
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
