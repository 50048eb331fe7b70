"""The Karekod payload follows GİB's standard, and the PNG really decodes back to it (zxing-cpp)."""

import io
import json
import random
from decimal import Decimal

import pytest
import qrcode
import zxingcpp
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from core.qr import qr_payload, qr_png, qr_text
from core.tests import factories as f


def _decode(png):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, "exactly one QR code expected in the image"
    return results[0].text


def test_invoice_payload_has_gib_fields_in_order():
    invoice = f.invoice()
    payload = qr_payload(invoice)
    assert list(payload) == [
        "vkntckn",
        "avkntckn",
        "senaryo",
        "tip",
        "tarih",
        "no",
        "ettn",
        "parabirimi",
        "malhizmettoplam",
        "kdvmatrah(20)",
        "kdvmatrah(10)",
        "hesaplanankdv(20)",
        "hesaplanankdv(10)",
        "vergidahil",
        "odenecek",
    ]
    assert payload["vkntckn"] == f.SELLER_VKN and payload["avkntckn"] == f.BUYER_VKN
    assert (payload["senaryo"], payload["tip"]) == ("TEMELFATURA", "SATIS")
    assert payload["tarih"] == "2026-03-16" and payload["no"] == "ANM2026000000001"
    assert payload["ettn"] == invoice.uuid and payload["parabirimi"] == "TRY"
    # 2 × 1500.00 at 20 % and 249.99 at 10 %.
    assert payload["malhizmettoplam"] == "3249.99"
    assert payload["kdvmatrah(20)"] == "3000.00" and payload["hesaplanankdv(20)"] == "600.00"
    assert payload["kdvmatrah(10)"] == "249.99" and payload["hesaplanankdv(10)"] == "25.00"
    assert payload["vergidahil"] == "3874.99" and payload["odenecek"] == "3874.99"


def test_withheld_kdv_lowers_the_payable_amount_only():
    base = f.kdv("1000.00", 20)
    invoice = f.invoice(
        (f.line(1, 1, "1000.00", base, withheld=(f.withholding(base, "601", 40),)),), type_code="TEVKIFAT"
    )
    payload = qr_payload(invoice)
    assert payload["tip"] == "TEVKIFAT"
    assert payload["vergidahil"] == "1200.00" and payload["odenecek"] == "1120.00"


def test_person_buyer_and_fractional_rate():
    invoice = f.invoice((f.line(1, 3, "10.00", f.kdv("30.00", Decimal("0.5"))),), customer=f.person_buyer())
    payload = qr_payload(invoice)
    assert payload["avkntckn"] == f.PERSON_TCKN
    assert payload["kdvmatrah(0.5)"] == "30.00" and payload["hesaplanankdv(0.5)"] == "0.15"


def test_despatch_payload():
    payload = qr_payload(f.despatch_advice())
    assert payload == {
        "vkntckn": f.SELLER_VKN,
        "avkntckn": f.BUYER_VKN,
        "senaryo": "TEMELIRSALIYE",
        "tip": "SEVK",
        "tarih": "2026-03-16",
        "no": "IRS2026000000001",
        "ettn": f.despatch_advice().uuid,
        "sevktarihi": "2026-03-16",
        "sevkzamani": "10:30:00",
        "tasiyicivkn": "",
        "plaka": "06ABC123",
    }


def test_text_is_compact_utf8_json():
    text = qr_text({"a": "Çağrı", "b": "1.00"})
    assert text == '{"a":"Çağrı","b":"1.00"}'


@pytest.mark.parametrize("box_size", [2, 4, 8])
def test_png_decodes_back_to_the_payload(box_size):
    payload = qr_payload(f.invoice(profile="EARSIVFATURA"))
    png = qr_png(payload, box_size=box_size)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert json.loads(_decode(png)) == payload


def test_turkish_letters_survive_the_round_trip():
    payload = {"not": "İĞÜŞÖÇ ığüşöç"}
    assert json.loads(_decode(qr_png(payload))) == payload


def test_bigger_boxes_give_bigger_images():
    payload = qr_payload(f.invoice())
    small = Image.open(io.BytesIO(qr_png(payload, box_size=2))).size
    large = Image.open(io.BytesIO(qr_png(payload, box_size=6))).size
    assert large == (small[0] * 3, small[1] * 3)


def test_receipt_payload_carries_gross_deductions_and_net_and_decodes():
    from core.earsivbelge import MM
    from core.tests.test_earsivbelge import _sample

    receipt = _sample("emm/izibiz-api-documentation/mustahsil_merafonu.xml")
    payload = qr_payload(receipt)
    assert (payload["senaryo"], payload["tip"], payload["no"]) == ("EARSIVBELGE", MM, receipt.id)
    assert payload["brut"] == "2000.00"
    assert (payload["vergi(0003,4)"], payload["vergi(9040,0.1)"]) == ("80.00", "2.00")
    assert payload["odenecek"] == "1918.00"
    assert json.loads(_decode(qr_png(payload))) == payload


def _qrcode_png(text, box_size, border):
    """The PNG of qrcode's own mask search and PIL drawing, which qr_png reproduces faster."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("length", "box_size", "border"), [(1, 4, 4), (90, 2, 0), (350, 4, 4), (1200, 1, 2)])
def test_png_is_byte_for_byte_the_one_qrcode_draws(length, box_size, border):
    rng = random.Random(length)
    text = "".join(rng.choice('{}":,0123456789abcçdefgğıöşüABC()') for _ in range(length))
    assert qr_png(text, box_size=box_size, border=border) == _qrcode_png(text, box_size, border)


@pytest.mark.parametrize("size", [21, 25, 45, 57, 101, 177])
def test_mask_score_is_qrcodes_lost_point(size):
    """The mask chosen depends only on this score: it must be qrcode's own on any matrix."""
    from qrcode import util

    from core.qr import _bits, _lost_point

    rng = random.Random(size)
    for density in (0.1, 0.5, 0.9):
        modules = [[rng.random() < density for _ in range(size)] for _ in range(size)]
        rows = [_bits(row) for row in modules]
        columns = [_bits(column) for column in zip(*modules, strict=True)]
        assert _lost_point(rows, columns, size) == util.lost_point(modules)
