"""ZIP/Base64 rules of İzibiz's COMPRESSED flag, and the placeholder views of GetInvoiceWithType."""

import io
import zipfile
from html import escape

from lxml import etree

from .. import zipsafe
from ..errors import EdocError
from ..xmlsafe import load_xml
from .state import IzibizError

MAX_REQUEST_BYTES = 5 * 1024 * 1024


def raw_bytes(value):
    """zeep gives xmime:base64Binary as an object with ``_value_1``; plain bytes pass through."""
    if value is None:
        return b""
    return getattr(value, "_value_1", value) or b""


def unpack(content, compressed):
    """Upload methods expect a ZIP unless COMPRESSED is N; a ZIP may hold several documents."""
    if compressed == "N":
        return [content]
    try:
        with zipsafe.open_zip(content) as archive:
            members = zipsafe.files(archive)
            if sum(info.file_size for info in members) > MAX_REQUEST_BYTES:
                raise IzibizError(10010, "Bir istek boyutu maksimum 5MB veya 100 adet belge içerebilir")
            return [zipsafe.read_member(archive, info, limit=MAX_REQUEST_BYTES) for info in members]
    except EdocError as exc:
        raise IzibizError(10007, "İstek ZİP bir dosya içermelidir") from exc


def zip_one(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def pack(name, data, compressed):
    """Read methods zip unless COMPRESSED is N."""
    return data if compressed == "N" else zip_one(name, data)


EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
DS = "http://www.w3.org/2000/09/xmldsig#"
SANDBOX_SIGNATURE_ID = "Signature_izibiz_sandbox"


def signed_original(doc):
    """The e-Arşiv invoice as the integrator archived it, with its (mali mühür) signature.

    The sandbox holds no seal: it adds a ``ds:Signature`` stub with ``SANDBOX_SIGNATURE_ID`` in a
    UBLExtension, so a client can tell the integrator's original from the bytes it uploaded. It is
    NOT a valid XML signature.
    """
    root = load_xml(doc.content)
    extensions = root.find(f"{{{EXT}}}UBLExtensions")
    if extensions is None:
        extensions = etree.Element(f"{{{EXT}}}UBLExtensions")
        root.insert(0, extensions)
    extension = etree.SubElement(extensions, f"{{{EXT}}}UBLExtension")
    content = etree.SubElement(extension, f"{{{EXT}}}ExtensionContent")
    signature = etree.SubElement(content, f"{{{DS}}}Signature", Id=SANDBOX_SIGNATURE_ID)
    etree.SubElement(signature, f"{{{DS}}}SignatureValue").text = "SANDBOX"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def html_view(doc):
    """A plain summary page; it is NOT the document's own XSLT rendering that İzibiz returns."""
    facts = doc.facts
    rows = [
        ("Belge No", facts.id),
        ("ETTN", facts.uuid),
        ("Senaryo", facts.profile),
        ("Tip", facts.type_code),
        ("Tarih", facts.issue_date),
        ("Gönderici", f"{facts.sender_title} ({facts.sender_vkn})"),
        ("Alıcı", f"{facts.receiver_title} ({facts.receiver_vkn})"),
        ("Ödenecek", f"{facts.amount} {facts.currency}" if facts.amount is not None else ""),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return (
        '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>SANDBOX</title></head><body>'
        f"<h1>SANDBOX görüntü (XSLT değil)</h1><table>{cells}</table></body></html>"
    ).encode()


def pdf_view(doc):
    """A one-page PDF naming the document: enough for a client to store and open a 'PDF'."""
    text = f"SANDBOX - {doc.facts.id} - {doc.facts.uuid}".encode("latin-1", "replace")
    text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 12 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
