"""GİB Karekod: the QR code printed on e-Fatura, e-Arşiv, e-İrsaliye, e-SMM and e-MM copies.

GİB's Karekod standard puts a flat JSON object in the code so that a phone can check a printout against
the document: who issued it to whom, its number and ETTN, and the amounts, with one ``kdvmatrah(rate)`` /
``hesaplanankdv(rate)`` pair per KDV rate. Values are strings, amounts with two decimals, exactly as the
XML says them, because readers compare them with the XML.
"""

import functools
import io
import itertools
import json
import re
from decimal import Decimal

import qrcode
from PIL import Image
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M
from qrcode.main import copy_2d_array, precomputed_qr_blanks

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


_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


class _QRCode(qrcode.QRCode):
    """qrcode's QR code, with its choice among the eight masks made several times faster.

    qrcode maps the data eight times and scores each matrix module by module in Python (~35 ms of a
    ~40 ms code). Here the data is mapped once; the eight trial matrices are that mapping with each
    mask flipped over the data modules, as rows and columns of bits, scored by the same four rules
    with integer and string operations. The scores, hence the mask, the code and the PNG are qrcode's.
    """

    def best_mask_pattern(self):
        self.makeImpl(True, 0)
        size = self.modules_count
        mask_rows, mask_columns = _mask_layout(self.version, self.error_correction)
        rows = [_bits(row) ^ mask_rows[0][r] for r, row in enumerate(self.modules)]
        columns = [
            _bits(column) ^ mask_columns[0][c] for c, column in enumerate(zip(*self.modules, strict=True))
        ]
        best, best_score = 0, None
        for pattern in range(8):
            score = _lost_point(
                [row ^ mask_rows[pattern][r] for r, row in enumerate(rows)],
                [column ^ mask_columns[pattern][c] for c, column in enumerate(columns)],
                size,
            )
            if best_score is None or score < best_score:
                best, best_score = pattern, score
        return best


def _bits(modules):
    """A row or column of modules as an int, the first module as the highest bit."""
    return int("".join("1" if module else "0" for module in modules), 2)


@functools.cache
def _mask_layout(version, error_correction):
    """Per mask, the bits each row and column flips: the mask's dark cells among the data modules
    (those the blank matrix, with its format and version areas set, leaves empty)."""
    blank = qrcode.QRCode(version=version, error_correction=error_correction)
    blank.modules_count = size = version * 4 + 17
    if version not in precomputed_qr_blanks:
        blank.makeImpl(True, 0)
    blank.modules = copy_2d_array(precomputed_qr_blanks[version])
    blank.setup_type_info(True, 0)
    if version >= 7:
        blank.setup_type_number(True)
    data = [[module is None for module in row] for row in blank.modules]
    mask_rows, mask_columns = [], []
    for pattern in range(8):
        flips = qr_util.mask_func(pattern)
        cells = [[data[r][c] and flips(r, c) for c in range(size)] for r in range(size)]
        mask_rows.append([_bits(row) for row in cells])
        mask_columns.append([_bits(column) for column in zip(*cells, strict=True)])
    return mask_rows, mask_columns


def _lost_point(rows, columns, size):
    """qrcode's ``util.lost_point`` of the matrix given as row and column bits (same rules, same sum)."""
    # every row and column in one text, "2" between them so that no run or pattern spans two lines
    lines = "2".join(format(line, f"0{size}b") for line in (*rows, *columns))
    points = sum(len(run) - 2 for run in _RUNS.findall(lines))  # runs of five or more
    points += 40 * len(_FINDER_LIKE.findall(lines))  # 1:1:3:1:1 with four light modules on a side
    pairs = (1 << (size - 1)) - 1
    for upper, lower in itertools.pairwise(rows):  # 2x2 blocks of one colour
        same = ~(upper ^ lower)
        points += 3 * (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs).bit_count()
    dark = sum(row.bit_count() for row in rows)
    return points + int(abs(float(dark) / (size**2) * 100 - 50) / 5) * 10


def qr_png(payload, box_size=4, border=4):
    """A PNG of the code; ``payload`` is the dict from ``qr_payload`` (or already its JSON text)."""
    text = payload if isinstance(payload, str) else qr_text(payload)
    code = _QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    _image(code.modules, box_size, border).save(buffer, format="PNG")
    return buffer.getvalue()


def _image(modules, box_size, border):
    """The black-on-white bilevel image qrcode's PIL factory draws box by box, made from packed rows
    of modules and scaled up once: the same pixels, hence the same PNG."""
    side = len(modules) + 2 * border
    width = (side + 7) // 8 * 8
    blank = ((1 << side) - 1) << (width - side)
    light = [blank] * border
    rows = light + [blank ^ (_bits(row) << (width - side + border)) for row in modules] + light
    packed = b"".join(row.to_bytes(width // 8, "big") for row in rows)
    image = Image.frombytes("1", (side, side), packed)
    return image.resize((side * box_size, side * box_size), Image.NEAREST)
