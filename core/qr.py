"""GİB Karekod: the QR code printed on e-Fatura, e-Arşiv, e-İrsaliye, e-SMM and e-MM copies.

GİB's Karekod standard puts a flat JSON object in the code so that a phone can check a printout against
the document: who issued it to whom, its number and ETTN, and the amounts, with one ``kdvmatrah(rate)`` /
``hesaplanankdv(rate)`` pair per KDV rate. Values are strings, amounts with two decimals, exactly as the
XML says them, because readers compare them with the XML.
"""

import bisect
import functools
import io
import itertools
import json
from decimal import Decimal

import qrcode
from PIL import Image
from qrcode import base as qr_base
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
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


_FINDER_LIKE = ("10111010000", "00001011101")
"""1:1:3:1:1 with four light modules on one side, first module first."""


def _code_rows(text):
    """Rows of modules (dark = 1, first module as the highest bit) of qrcode's code for ``text``.

    qrcode itself writes the bits one by one, divides the Reed-Solomon polynomials with objects, maps the
    data and scores each of the eight masks module by module in Python (~15 ms a code, the largest
    share of sending an e-Arşiv invoice). The same code is made here on integers: qrcode's segments and
    tables, the bits in one int, the remainders from log tables, the data placed once along its zigzag,
    each mask scored on bit rows by qrcode's four rules. Same version, same mask, same modules.
    """
    segments = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    segments.add_data(text.encode("utf-8"))
    version = _fit(segments.data_list)
    codewords = _codewords(version, segments.data_list)
    layout = _layout(version)
    bits = "".join(format(word, "08b") for word in codewords).ljust(len(layout.order), "0")
    data_rows = [0] * layout.size
    top = layout.size - 1
    for (row, column), bit in zip(layout.order, bits, strict=True):
        if bit == "1":
            data_rows[row] |= 1 << (top - column)
    rows = [fixed | data for fixed, data in zip(layout.test_rows, data_rows, strict=True)]
    columns = [
        int("".join(column), 2)
        for column in zip(*(format(row, f"0{layout.size}b") for row in rows), strict=True)
    ]
    best, best_score = 0, None
    for pattern in range(8):
        score = _lost_point(
            [row ^ flip for row, flip in zip(rows, layout.mask_rows[pattern], strict=True)],
            [column ^ flip for column, flip in zip(columns, layout.mask_columns[pattern], strict=True)],
            layout.size,
        )
        if best_score is None or score < best_score:
            best, best_score = pattern, score
    return [
        fixed | data ^ flip
        for fixed, data, flip in zip(layout.final_rows[best], data_rows, layout.mask_rows[best], strict=True)
    ]


class _Bits:
    """The ``put`` qrcode's segments write through, into one integer."""

    def __init__(self):
        self.value = self.length = 0

    def put(self, number, length):
        self.value = (self.value << length) | number
        self.length += length


def _fit(segments):
    """qrcode's ``best_fit``: the smallest version whose capacity at level M holds the segments."""
    version = 1
    while True:
        sizes = qr_util.mode_sizes_for_version(version)
        buffer = _Bits()
        for segment in segments:
            buffer.put(segment.mode, 4)
            buffer.put(len(segment), sizes[segment.mode])
            segment.write(buffer)
        fitting = bisect.bisect_left(qr_util.BIT_LIMIT_TABLE[ERROR_CORRECT_M], buffer.length, version)
        if fitting == 41:
            raise DataOverflowError()
        if qr_util.mode_sizes_for_version(fitting) is sizes:
            return fitting
        version = fitting


def _codewords(version, segments):
    """qrcode's ``create_data``: data, terminator, padding, then the blocks' error correction, interleaved."""
    buffer = _Bits()
    for segment in segments:
        buffer.put(segment.mode, 4)
        buffer.put(len(segment), qr_util.length_in_bits(segment.mode, version))
        segment.write(buffer)
    blocks = qr_base.rs_blocks(version, ERROR_CORRECT_M)
    limit = sum(block.data_count for block in blocks) * 8
    if buffer.length > limit:
        raise DataOverflowError()
    buffer.put(0, min(limit - buffer.length, 4))
    buffer.put(0, -buffer.length % 8)
    data = list(buffer.value.to_bytes(buffer.length // 8, "big"))
    data = (data + [qr_util.PAD0, qr_util.PAD1] * (limit // 16))[: limit // 8]
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        words = data[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(words)
        ec_blocks.append(_remainder(words, block.total_count - block.data_count))
    return [
        block[i]
        for group in (data_blocks, ec_blocks)
        for i in range(max(len(block) for block in group))
        for block in group
        if i < len(block)
    ]


_EXP = [1] * 512
_LOG = [0] * 256
for _power in range(1, 255):
    _EXP[_power] = _EXP[_power - 1] << 1 ^ (0x11D if _EXP[_power - 1] & 0x80 else 0)
for _power in range(255):
    _LOG[_EXP[_power]] = _power
_EXP[255:510] = _EXP[0:255]


@functools.cache
def _generator(degree):
    """Logs of the Reed-Solomon generator's coefficients, the leading 1 left out."""
    poly = [1]
    for power in range(degree):
        poly = [
            (poly[i] if i < len(poly) else 0)
            ^ (_EXP[_LOG[poly[i - 1]] + power] if i > 0 and poly[i - 1] else 0)
            for i in range(len(poly) + 1)
        ]
    return [_LOG[coefficient] for coefficient in poly[1:]]


def _remainder(words, degree):
    """The error-correction words: ``words`` times x^degree modulo the generator, in GF(256).

    The remainder is kept as one int of ``degree`` bytes: each word shifts it by a byte and adds the
    generator times the leading factor, looked up whole.
    """
    products = _products(degree)
    shift, mask = 8 * (degree - 1), (1 << (8 * degree)) - 1
    remainder = 0
    for word in words:
        remainder = (remainder << 8 & mask) ^ products[word ^ remainder >> shift]
    return list(remainder.to_bytes(degree, "big"))


@functools.cache
def _products(degree):
    """The generator (its leading 1 left out) times each factor 0-255, each as one int of ``degree`` bytes."""
    generator = _generator(degree)
    products = [0]
    for factor in range(1, 256):
        log = _LOG[factor]
        products.append(int.from_bytes(bytes(_EXP[log + g] for g in generator), "big"))
    return products


class _Layout:
    """Where a version's data goes and what its fixed patterns are, worked out once per version."""

    def __init__(self, version):
        self.size = size = version * 4 + 17
        blank = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
        blank.modules_count = size
        if version not in precomputed_qr_blanks:
            blank.makeImpl(True, 0)
        self.final_rows = []
        for pattern in range(8):
            blank.modules = copy_2d_array(precomputed_qr_blanks[version])
            blank.setup_type_info(False, pattern)
            if version >= 7:
                blank.setup_type_number(False)
            self.final_rows.append([_bits(row) for row in blank.modules])
        blank.modules = copy_2d_array(precomputed_qr_blanks[version])
        blank.setup_type_info(True, 0)
        if version >= 7:
            blank.setup_type_number(True)
        self.test_rows = [_bits(row) for row in blank.modules]
        free = [[module is None for module in row] for row in blank.modules]
        self.order = []  # qrcode's map_data: two columns at a time, up and down, skipping column 6
        upward = True
        for pair in range(size - 1, 0, -2):
            right = pair - 1 if pair <= 6 else pair
            for row in range(size - 1, -1, -1) if upward else range(size):
                self.order.extend((row, column) for column in (right, right - 1) if free[row][column])
            upward = not upward
        self.mask_rows, self.mask_columns = [], []
        for pattern in range(8):
            flips = qr_util.mask_func(pattern)
            cells = [[free[r][c] and flips(r, c) for c in range(size)] for r in range(size)]
            self.mask_rows.append([_bits(row) for row in cells])
            self.mask_columns.append([_bits(column) for column in zip(*cells, strict=True)])


_layout = functools.cache(_Layout)


def _bits(modules):
    """A row or column of modules as an int, the first module as the highest bit."""
    return int("".join("1" if module else "0" for module in modules), 2)


def _lost_point(rows, columns, size):
    """qrcode's ``util.lost_point`` of the matrix given as row and column bits (same rules, same sum).

    The runs and the finder-like patterns are counted on every row and column at once: the lines laid
    end to end in one integer, each window kept only where it starts and ends inside one line.
    """
    lines = (*rows, *columns)
    whole = 0
    for line in lines:
        whole = whole << size | line
    differs = whole ^ (whole >> 1)
    fives = ~(differs | differs >> 1 | differs >> 2 | differs >> 3) & _windows(size, len(lines), 5)
    # a run of n >= 5 costs n - 2: its n - 4 windows of five, plus 2 for the run (its lowest window)
    points = fives.bit_count() + 2 * (fives & ~(fives << 1)).bit_count()
    inverse = ~whole
    for pattern in _FINDER_LIKE:
        found = _windows(size, len(lines), len(pattern))
        for offset, module in enumerate(reversed(pattern)):
            found &= (whole if module == "1" else inverse) >> offset
        points += 40 * found.bit_count()
    pairs = (1 << (size - 1)) - 1
    for upper, lower in itertools.pairwise(rows):  # 2x2 blocks of one colour
        same = ~(upper ^ lower)
        points += 3 * (same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs).bit_count()
    dark = sum(row.bit_count() for row in rows)
    return points + int(abs(float(dark) / (size**2) * 100 - 50) / 5) * 10


@functools.cache
def _windows(size, lines, width):
    """The bits where a window of ``width`` modules starts and ends inside one of ``lines`` lines."""
    starts = (1 << (size - width + 1)) - 1
    return sum(starts << (line * size) for line in range(lines))


def qr_png(payload, box_size=4, border=4):
    """A PNG of the code; ``payload`` is the dict from ``qr_payload`` (or already its JSON text)."""
    text = payload if isinstance(payload, str) else qr_text(payload)
    buffer = io.BytesIO()
    _image(_code_rows(text), box_size, border).save(buffer, format="PNG")
    return buffer.getvalue()


def _image(rows, box_size, border):
    """The black-on-white bilevel image qrcode's PIL factory draws box by box, made from packed rows
    of modules and scaled up once: the same pixels, hence the same PNG."""
    side = len(rows) + 2 * border
    width = (side + 7) // 8 * 8
    blank = ((1 << side) - 1) << (width - side)
    light = [blank] * border
    rows = light + [blank ^ (row << (width - side + border)) for row in rows] + light
    packed = b"".join(row.to_bytes(width // 8, "big") for row in rows)
    image = Image.frombytes("1", (side, side), packed)
    return image.resize((side * box_size, side * box_size), Image.NEAREST)
