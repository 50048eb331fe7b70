"""Build and read e-SMM (Invoice) and e-MM (CreditNote) receipts, and GİB's ``eArsivVeri`` report
of an e-SMM (the form GİB's own sample of the seed is in).

The element order is the one of GİB's ``UBL-Invoice-2.1.xsd`` / ``UBL-CreditNote-2.1.xsd``. The
delivery type and the calculation type travel as ``AdditionalDocumentReference`` with
DocumentType ``SendingType`` / ``CalculationType`` and the code in DocumentTypeCode, as in
İzibiz's e-SMM samples; the SOAP properties of the send stay what İzibiz acts on.
"""

import base64
from datetime import date, time
from decimal import Decimal

from lxml import etree

from .. import earsivbelge as eb
from ..documents import Address, Attachment, Identifier, Party, Person
from ..errors import ParseError
from ..xmlsafe import DEFAULT_MAX, load_xml
from . import parse as p
from .invoice import add_party, add_signature
from .namespaces import add_extensions, amount, as_tree, cac, cbc, finish, root_element

CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
EARSIV_VERI = "http://earsiv.efatura.gov.tr"
_SHAPE = {
    eb.SMM: ("Invoice", INVOICE, "InvoiceTypeCode", "InvoiceLine", "InvoicedQuantity"),
    eb.MM: ("CreditNote", CREDIT_NOTE, "CreditNoteTypeCode", "CreditNoteLine", "CreditedQuantity"),
}


def _tax_total(parent, name, taxes, currency):
    if not taxes:
        return
    node = cac(parent, name)
    amount(node, "TaxAmount", sum((t.amount for t in taxes), Decimal("0")), currency)
    for sequence, item in enumerate(taxes, 1):
        sub = cac(node, "TaxSubtotal")
        amount(sub, "TaxableAmount", item.taxable_amount, currency)
        amount(sub, "TaxAmount", item.amount, currency)
        cbc(sub, "CalculationSequenceNumeric", sequence)
        cbc(sub, "Percent", item.percent)
        scheme = cac(cac(sub, "TaxCategory"), "TaxScheme")
        cbc(scheme, "Name", item.name or eb.TAX_NAMES.get(item.code, item.code))
        cbc(scheme, "TaxTypeCode", item.code)


def _typed_reference(root, receipt, code, kind):
    """GİB's XSD requires the IssueDate İzibiz's samples leave out."""
    node = cac(root, "AdditionalDocumentReference")
    cbc(node, "ID", receipt.uuid)
    cbc(node, "IssueDate", receipt.issue_date)
    cbc(node, "DocumentTypeCode", code)
    cbc(node, "DocumentType", kind)


def render_receipt(receipt):
    """The UBL-TR bytes of ``receipt`` (unsigned: the integrator signs EARSIVBELGE documents)."""
    tag, namespace, type_tag, line_tag, quantity_tag = _SHAPE[receipt.kind]
    root = root_element(tag, namespace)
    add_extensions(root)
    cbc(root, "UBLVersionID", "2.1")
    cbc(root, "CustomizationID", receipt.customization_id)
    cbc(root, "ProfileID", eb.PROFILE)
    cbc(root, "ID", receipt.id)
    cbc(root, "CopyIndicator", receipt.copy_indicator)
    cbc(root, "UUID", receipt.uuid)
    cbc(root, "IssueDate", receipt.issue_date)
    cbc(root, "IssueTime", receipt.issue_time)
    cbc(root, type_tag, receipt.kind)
    for note in receipt.notes:
        cbc(root, "Note", note)
    cbc(root, "DocumentCurrencyCode", receipt.currency)
    cbc(root, "LineCountNumeric", len(receipt.lines))
    if receipt.sending_type:
        _typed_reference(root, receipt, receipt.sending_type, "SendingType")
    if receipt.calculation_type:
        _typed_reference(root, receipt, receipt.calculation_type, "CalculationType")
    if receipt.xslt is not None and receipt.xslt.content is not None:
        node = cac(root, "AdditionalDocumentReference")
        cbc(node, "ID", receipt.uuid)
        cbc(node, "IssueDate", receipt.issue_date)
        cbc(node, "DocumentType", "XSLT")
        cbc(
            cac(node, "Attachment"),
            "EmbeddedDocumentBinaryObject",
            base64.b64encode(receipt.xslt.content).decode("ascii"),
            characterSetCode="UTF-8",
            encodingCode="Base64",
            filename=receipt.xslt.filename or f"{receipt.id}.xslt",
            mimeCode="application/xml",
        )
    add_signature(root, receipt.supplier, receipt.id)
    add_party(cac(root, "AccountingSupplierParty"), "Party", receipt.supplier)
    add_party(cac(root, "AccountingCustomerParty"), "Party", receipt.customer)
    if receipt.delivery_date:
        cbc(cac(root, "Delivery"), "ActualDeliveryDate", receipt.delivery_date)
    currency = receipt.currency
    _tax_total(root, "TaxTotal", receipt.taxes, currency)
    if receipt.kind == eb.SMM:
        _tax_total(root, "WithholdingTaxTotal", receipt.withholdings, currency)
    totals = cac(root, "LegalMonetaryTotal")
    amount(totals, "LineExtensionAmount", receipt.line_extension_amount, currency)
    amount(totals, "TaxExclusiveAmount", receipt.tax_exclusive_amount, currency)
    amount(totals, "TaxInclusiveAmount", receipt.tax_inclusive_amount, currency)
    amount(totals, "PayableAmount", receipt.payable_amount, currency)
    for ln in receipt.lines:
        node = cac(root, line_tag)
        cbc(node, "ID", ln.id)
        cbc(node, quantity_tag, ln.quantity, unitCode=ln.unit_code)
        amount(node, "LineExtensionAmount", ln.line_extension_amount, currency)
        _tax_total(node, "TaxTotal", ln.taxes, currency)
        if receipt.kind == eb.SMM:
            _tax_total(node, "WithholdingTaxTotal", ln.withholdings, currency)
        item = cac(node, "Item")
        cbc(item, "Name", ln.name)
        if ln.seller_item_id:
            cbc(cac(item, "SellersItemIdentification"), "ID", ln.seller_item_id)
        amount(cac(node, "Price"), "PriceAmount", ln.price, currency)
    return finish(root)


def build_receipt(receipt):
    return as_tree(render_receipt(receipt))


# -- reading ---------------------------------------------------------------------------------


def _taxes(el, path):
    found = []
    for total in p._all(el, path):
        for sub in p._all(total, "cac:TaxSubtotal"):
            found.append(
                eb.ReceiptTax(
                    code=p._req(sub, "cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"),
                    percent=p._decimal(sub, "cbc:Percent") or Decimal("0"),
                    taxable_amount=p._need(p._decimal(sub, "cbc:TaxableAmount"), sub, "cbc:TaxableAmount"),
                    amount=p._need(p._decimal(sub, "cbc:TaxAmount"), sub, "cbc:TaxAmount"),
                    name=p._text(sub, "cac:TaxCategory/cac:TaxScheme/cbc:Name"),
                )
            )
    return tuple(found)


def _typed(refs, kind):
    for ref in refs:
        if p._text(ref, "cbc:DocumentType") == kind:
            return p._text(ref, "cbc:DocumentTypeCode")
    return None


def _xslt(refs):
    for ref in refs:
        if p._text(ref, "cbc:DocumentType") == "XSLT":
            node = p._find(ref, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
            if node is None or not (node.text or "").strip():
                return None
            try:
                content = base64.b64decode("".join(node.text.split()), validate=True)
            except ValueError:
                return None  # İzibiz's 2018 samples hold a placeholder text, not a stylesheet
            return Attachment(content=content, filename=node.get("filename"), mime_code=node.get("mimeCode"))
    return None


def receipt_from_element(root):
    """A :class:`~core.earsivbelge.Receipt` from an e-SMM Invoice, an e-MM CreditNote or GİB's
    ``eArsivVeri`` report of an e-SMM. Amounts are taken as written; :func:`check_receipt` judges."""
    qname = etree.QName(root)
    if qname.namespace == EARSIV_VERI:
        return _from_earsiv_veri(root)
    kind = {INVOICE: eb.SMM, CREDIT_NOTE: eb.MM}.get(qname.namespace)
    if kind is None or qname.localname != _SHAPE[kind][0]:
        raise ParseError(
            f"{root.tag} is not an e-SMM Invoice or an e-MM CreditNote.",
            code="tr_edoc.earsivbelge.root",
            params={"tag": root.tag},
        )
    _tag, _ns, type_tag, line_tag, quantity_tag = _SHAPE[kind]
    type_code = p._req(root, f"cbc:{type_tag}")
    profile = p._req(root, "cbc:ProfileID")
    if type_code != kind or profile != eb.PROFILE:
        raise ParseError(
            f"{profile}/{type_code} is not an EARSIVBELGE {kind}.",
            code="tr_edoc.earsivbelge.type",
            params={"profile": profile, "type": type_code},
        )
    refs = p._all(root, "cac:AdditionalDocumentReference")
    lines = []
    for node in p._all(root, f"cac:{line_tag}"):
        quantity = p._find(node, f"cbc:{quantity_tag}")
        lines.append(
            eb.ReceiptLine(
                id=p._req(node, "cbc:ID"),
                name=p._free(node, "cac:Item/cbc:Name") or "",
                quantity=p._need(p._decimal(node, f"cbc:{quantity_tag}"), node, f"cbc:{quantity_tag}"),
                unit_code=quantity.get("unitCode") or "C62",
                price=p._need(
                    p._decimal(node, "cac:Price/cbc:PriceAmount"), node, "cac:Price/cbc:PriceAmount"
                ),
                line_extension_amount=p._need(
                    p._decimal(node, "cbc:LineExtensionAmount"), node, "cbc:LineExtensionAmount"
                ),
                taxes=_taxes(node, "cac:TaxTotal"),
                withholdings=_taxes(node, "cac:WithholdingTaxTotal"),
                seller_item_id=p._text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
            )
        )
    totals = p._find(root, "cac:LegalMonetaryTotal")
    if totals is None:
        raise p._missing(root, "cac:LegalMonetaryTotal")

    def total(name):
        return p._need(p._decimal(totals, f"cbc:{name}"), totals, f"cbc:{name}")

    return eb.Receipt(
        kind=kind,
        id=p._req(root, "cbc:ID"),
        uuid=p._req(root, "cbc:UUID"),
        issue_date=p._need(p._date(root, "cbc:IssueDate"), root, "cbc:IssueDate"),
        issue_time=p._time(root, "cbc:IssueTime"),
        supplier=p._required_party(root, "cac:AccountingSupplierParty/cac:Party"),
        customer=p._required_party(root, "cac:AccountingCustomerParty/cac:Party"),
        lines=tuple(lines),
        currency=p._text(root, "cbc:DocumentCurrencyCode") or "TRY",
        taxes=_taxes(root, "cac:TaxTotal"),
        withholdings=_taxes(root, "cac:WithholdingTaxTotal"),
        line_extension_amount=total("LineExtensionAmount"),
        tax_exclusive_amount=total("TaxExclusiveAmount"),
        tax_inclusive_amount=total("TaxInclusiveAmount"),
        payable_amount=total("PayableAmount"),
        sending_type=_typed(refs, "SendingType"),
        calculation_type=_typed(refs, "CalculationType"),
        delivery_date=p._date(root, "cac:Delivery/cbc:ActualDeliveryDate"),
        notes=p._frees(root, "cbc:Note"),
        customization_id=p._text(root, "cbc:CustomizationID") or "TR1.2",
        copy_indicator=bool(p._bool(root, "cbc:CopyIndicator")),
        xslt=_xslt(refs),
    )


def _v(node, *names):
    for name in names:
        node = None if node is None else node.find(f"{{{EARSIV_VERI}}}{name}")
    return (node.text or "").strip() if node is not None and node.text else ""


def _dec(node, *names):
    text = _v(node, *names)
    try:
        return Decimal(text) if text else Decimal("0")
    except ArithmeticError:
        raise ParseError(
            f"{'/'.join(names)}: {text!r} is not a number.",
            code="tr_edoc.xml.bad_value",
            params={"value": text},
        ) from None


def _veri_taxes(info):
    taxes, withheld = [], []
    if info is None:
        return (), ()
    for node in info.findall(f"{{{EARSIV_VERI}}}vergi"):
        taxes.append(
            eb.ReceiptTax(
                code=_v(node, "vergiKodu"),
                percent=_dec(node, "vergiOrani"),
                taxable_amount=_dec(node, "matrah"),
                amount=_dec(node, "vergiTutari"),
            )
        )
    kdv_base = sum((t.amount for t in taxes if t.code == eb.KDV), Decimal("0"))
    for node in info.findall(f"{{{EARSIV_VERI}}}tevkifat"):
        withheld.append(
            eb.ReceiptTax(
                code=_v(node, "tevkifatKodu"),
                percent=_dec(node, "tevkifatOrani"),
                taxable_amount=kdv_base,
                amount=_dec(node, "tevkifatTutari"),
            )
        )
    return tuple(taxes), tuple(withheld)


def _veri_party(node):
    person = node.find(f"{{{EARSIV_VERI}}}gercekKisi")
    company = node.find(f"{{{EARSIV_VERI}}}tuzelKisi")
    address = node.find(f"{{{EARSIV_VERI}}}adres")
    if person is not None:
        full = _v(person, "adiSoyadi").split()
        identifications = (Identifier(value=_v(person, "tckn"), scheme_id="TCKN"),)
        who = Person(
            first_name=" ".join(full[:-1]) or (full[0] if full else ""),
            family_name=full[-1] if len(full) > 1 else "",
        )
        name = None
    else:
        identifications = (
            (Identifier(value=_v(company, "vkn"), scheme_id="VKN"),) if company is not None else ()
        )
        who, name = None, _v(company, "unvan") or None
    return Party(
        identifications=identifications,
        name=name,
        person=who,
        tax_office=_v(address, "vDaire") or None,
        address=Address(
            street_name=_v(address, "caddeSokak") or None,
            building_name=_v(address, "binaAd") or None,
            building_number=_v(address, "binaNo") or None,
            city_subdivision_name=_v(address, "semt") or None,
            city_name=_v(address, "sehir") or None,
            postal_zone=_v(address, "postaKod") or None,
            country_code=_v(address, "ulke") or None,
        ),
    )


def _from_earsiv_veri(root):
    node = root.find(f"{{{EARSIV_VERI}}}serbestMeslekMakbuz")
    if node is None:
        raise ParseError(
            "This eArsivVeri holds no serbestMeslekMakbuz.", code="tr_edoc.earsivbelge.veri", params={}
        )
    vkn = _v(root, "baslik", "mukellef", "vkn")
    lines = []
    for number, item in enumerate(
        node.findall(f"{{{EARSIV_VERI}}}malHizmetBilgisi/{{{EARSIV_VERI}}}malHizmet"), 1
    ):
        taxes, withheld = _veri_taxes(item.find(f"{{{EARSIV_VERI}}}vergiBilgisi"))
        gross = _dec(item, "burutUcret")
        lines.append(
            eb.ReceiptLine(
                id=str(number),
                name=_v(item, "ad"),
                quantity=Decimal("1"),
                price=gross,
                line_extension_amount=gross,
                taxes=taxes,
                withholdings=withheld,
            )
        )
    taxes, withheld = _veri_taxes(node.find(f"{{{EARSIV_VERI}}}vergiBilgisi"))
    gross = sum((ln.line_extension_amount for ln in lines), Decimal("0"))
    date_match = p._DATE.fullmatch(_v(node, "belgeTarihi"))
    time_match = p._TIME.fullmatch(_v(node, "belgeZamani"))
    if date_match is None:
        raise ParseError("belgeTarihi is not a date.", code="tr_edoc.xml.bad_value", params={})
    return eb.Receipt(
        kind=eb.SMM,
        id=_v(node, "makbuzNo"),
        uuid=_v(node, "ETTN"),
        issue_date=date.fromisoformat(date_match.group(1)),
        issue_time=time(*map(int, time_match.groups()[:3])) if time_match else None,
        supplier=Party(
            identifications=(Identifier(value=vkn, scheme_id="VKN" if len(vkn) == 10 else "TCKN"),)
        ),
        customer=_veri_party(node.find(f"{{{EARSIV_VERI}}}aliciBilgileri")),
        lines=tuple(lines),
        currency=_v(node, "paraBirimi") or "TRY",
        taxes=taxes,
        withholdings=withheld,
        line_extension_amount=gross,
        tax_exclusive_amount=gross,
        tax_inclusive_amount=_dec(node, "toplamTutar"),
        payable_amount=_dec(node, "odenecekTutar"),
        sending_type=_v(node, "gonderimSekli") or None,
    )


def parse_receipt(data, *, max_bytes=DEFAULT_MAX):
    """Hostile bytes in (size-bounded, no entities), a Receipt out."""
    return receipt_from_element(load_xml(data, max_bytes=max_bytes))
