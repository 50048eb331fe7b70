"""UBL-TR documents as frozen dataclasses: the only contract between the ORM layer and the core.

Field names follow the UBL element names in snake_case so that a reader of the GİB guides finds
each value where the guide puts it. Amounts and quantities are ``Decimal``; totals are explicit
fields because the ORM computes them with its own rounding and GİB checks them as sent.
Collections are tuples so that a document stays hashable and immutable once built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_amount(value):
    """GİB checks totals to the kuruş, rounding half up as Turkish accounting does."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True, kw_only=True)
class Identifier:
    """A ``cbc:ID`` with its ``schemeID`` (VKN, TCKN, MERSISNO, PLAKA, INCOTERMS, ...)."""

    value: str
    scheme_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    """A quantity or measure with its UN/ECE Rec 20 unit code."""

    value: Decimal
    unit_code: str = "C62"


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    id: str | None = None
    post_box: str | None = None
    room: str | None = None
    street_name: str | None = None
    additional_street_name: str | None = None
    block_name: str | None = None
    building_name: str | None = None
    building_number: str | None = None
    city_subdivision_name: str | None = None
    city_name: str | None = None
    postal_zone: str | None = None
    region: str | None = None
    district: str | None = None
    country_code: str | None = None
    country_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """``cac:PhysicalLocation`` / ``cac:DeliveryLocation``: a named place with an address."""

    id: str | None = None
    address: Address | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    name: str | None = None
    telephone: str | None = None
    telefax: str | None = None
    electronic_mail: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FinancialAccount:
    """A bank account; ``id`` is the IBAN (KAMU invoices require the payee's)."""

    id: str
    currency_code: str | None = None
    payment_note: str | None = None
    branch_name: str | None = None
    institution_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """An embedded binary object (display XSLT, PDF, printed despatch scan) or an external URI."""

    content: bytes | None = None
    filename: str | None = None
    mime_code: str | None = None
    character_set_code: str | None = "UTF-8"
    encoding_code: str = "Base64"
    external_uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentReference:
    """Any UBL ``*DocumentReference``: order, despatch, return (billing), passport, XSLT, ..."""

    id: str
    scheme_id: str | None = None
    issue_date: dt.date | None = None
    document_type_code: str | None = None
    document_type: str | None = None
    document_description: tuple[str, ...] = ()
    attachment: Attachment | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    issuer_party: Party | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A natural person: the TCKN party's name, a driver, a passenger (YOLCUBERABER)."""

    first_name: str
    family_name: str
    title: str | None = None
    middle_name: str | None = None
    name_suffix: str | None = None
    nationality_id: str | None = None
    financial_account: FinancialAccount | None = None
    identity_documents: tuple[DocumentReference, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CorporateRegistration:
    id: str | None = None
    name: str | None = None
    type_code: str | None = None
    jurisdiction_address: Address | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyLegalEntity:
    registration_name: str | None = None
    company_id: str | None = None
    registration_date: dt.date | None = None
    sole_proprietorship: bool | None = None
    corporate_stock_amount: Decimal | None = None
    fully_paid_shares: bool | None = None
    corporate_registration: CorporateRegistration | None = None
    head_office_party: Party | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A UBL ``cac:Party``.

    ``identifications`` holds every ``PartyIdentification`` (exactly one VKN or TCKN for
    Turkish parties, plus MERSISNO, TICARETSICILNO, HIZMETNO, ...). ``person`` is required by
    GİB when the party is identified by a TCKN. ``tax_office`` is the ``PartyTaxScheme`` name.
    """

    identifications: tuple[Identifier, ...] = ()
    name: str | None = None
    address: Address | None = None
    tax_office: str | None = None
    contact: Contact | None = None
    person: Person | None = None
    website_uri: str | None = None
    endpoint_id: str | None = None
    industry_classification_code: str | None = None
    physical_location: Location | None = None
    legal_entities: tuple[PartyLegalEntity, ...] = ()
    agent_party: Party | None = None

    def identification(self, scheme_id):
        return next((i.value for i in self.identifications if i.scheme_id == scheme_id), None)

    @property
    def vkn(self):
        return self.identification("VKN")

    @property
    def tckn(self):
        return self.identification("TCKN")

    @property
    def tax_id(self):
        """The VKN or TCKN GİB routes and checks on."""
        return self.vkn or self.tckn


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    start_date: dt.date | None = None
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None
    duration: Quantity | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangeRate:
    """Document currency to TRY; GİB wants the rate to six decimals."""

    source_currency_code: str
    calculation_rate: Decimal
    target_currency_code: str = "TRY"
    date: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxSubtotal:
    """One tax line. ``tax_type_code`` is the GİB code (0015 KDV, 9015 KDV tevkifat, 0059, ...);
    ``exemption_reason_code`` carries 3xx/5xx/7xx codes and, under a withholding total, the 6xx/8xx
    withholding code as GİB puts it in ``TaxTypeCode``."""

    taxable_amount: Decimal
    tax_amount: Decimal
    tax_type_code: str
    percent: Decimal | None = None
    tax_name: str | None = None
    calculation_sequence_numeric: int | None = None
    per_unit_amount: Decimal | None = None
    base_unit_measure: Quantity | None = None
    transaction_currency_taxable_amount: Decimal | None = None
    exemption_reason_code: str | None = None
    exemption_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxTotal:
    """A ``cac:TaxTotal`` or ``cac:WithholdingTaxTotal`` (the container decides which)."""

    tax_amount: Decimal
    subtotals: tuple[TaxSubtotal, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AllowanceCharge:
    """``multiplier_factor_numeric`` is a fraction (0.10 for 10 %), as UBL defines it."""

    charge_indicator: bool
    amount: Decimal
    reason: str | None = None
    multiplier_factor_numeric: Decimal | None = None
    base_amount: Decimal | None = None
    per_unit_amount: Decimal | None = None
    sequence_numeric: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MonetaryTotal:
    line_extension_amount: Decimal
    tax_exclusive_amount: Decimal
    tax_inclusive_amount: Decimal
    payable_amount: Decimal
    allowance_total_amount: Decimal | None = None
    charge_total_amount: Decimal | None = None
    payable_rounding_amount: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentMeans:
    """``payment_means_code`` is UN/EDIFACT 4461 (1, 10, 42, 48, ZZZ, ...)."""

    payment_means_code: str
    payment_due_date: dt.date | None = None
    payment_channel_code: str | None = None
    instruction_note: str | None = None
    payer_financial_account: FinancialAccount | None = None
    payee_financial_account: FinancialAccount | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentTerms:
    note: str | None = None
    penalty_surcharge_percent: Decimal | None = None
    amount: Decimal | None = None
    payment_due_date: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """``cac:ActualPackage``: export packages (kind from ``PackageTypeCodeList``)."""

    id: str | None = None
    quantity: Decimal | None = None
    packaging_type_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomsDeclaration:
    """``cac:CustomsDeclaration``: on an İHRAÇ KAYITLI line under 702 the issuer party carries the
    DİİB line codes (``ALICIDIBSATIRKOD``, ``SATICIDIBSATIRKOD``) GİB checks."""

    id: str
    issuer_party: Party | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportHandlingUnit:
    """Packages of an export line, trailers (``DORSEPLAKA``) of a despatch, or the customs
    declaration of an İHRAÇ KAYITLI line."""

    packages: tuple[Package, ...] = ()
    transport_equipment_ids: tuple[Identifier, ...] = ()
    customs_declarations: tuple[CustomsDeclaration, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class GoodsItem:
    """``required_customs_id`` is the GTİP (customs tariff) number of an export line."""

    description: str | None = None
    required_customs_id: str | None = None
    value_amount: Decimal | None = None
    gross_weight: Quantity | None = None
    net_weight: Quantity | None = None
    invoice_line: InvoiceLine | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipmentStage:
    """``transport_mode_code`` is UN/ECE Rec 19 (1 sea, 3 road, 4 air, ...); drivers and plates
    (``PLAKA``) belong to a despatch advice."""

    transport_mode_code: str | None = None
    vehicle_plates: tuple[Identifier, ...] = ()
    drivers: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Despatch:
    actual_despatch_date: dt.date | None = None
    actual_despatch_time: dt.time | None = None
    instructions: str | None = None
    despatch_address: Address | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryTerms:
    """``scheme_id`` is ``INCOTERMS`` for export lines."""

    id: str | None = None
    scheme_id: str | None = None
    special_terms: str | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    id: str | None = None
    quantity: Quantity | None = None
    actual_delivery_date: dt.date | None = None
    actual_delivery_time: dt.time | None = None
    delivery_address: Address | None = None
    carrier_party: Party | None = None
    delivery_party: Party | None = None
    despatch: Despatch | None = None
    delivery_terms: tuple[DeliveryTerms, ...] = ()
    shipment: Shipment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Shipment:
    id: str = ""
    handling_code: str | None = None
    gross_weight: Quantity | None = None
    net_weight: Quantity | None = None
    total_transport_handling_unit_quantity: Decimal | None = None
    declared_for_carriage_value_amount: Decimal | None = None
    insurance_value_amount: Decimal | None = None
    goods_items: tuple[GoodsItem, ...] = ()
    shipment_stages: tuple[ShipmentStage, ...] = ()
    delivery: Delivery | None = None
    transport_handling_units: tuple[TransportHandlingUnit, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemInstance:
    """Serial/trace data: İDİS, medicine tracking, YTB machine serials."""

    product_trace_id: str | None = None
    manufacture_date: dt.date | None = None
    serial_id: str | None = None
    lot_number_id: str | None = None
    lot_expiry_date: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    name: str
    description: str | None = None
    keyword: str | None = None
    brand_name: str | None = None
    model_name: str | None = None
    buyers_item_id: str | None = None
    sellers_item_id: str | None = None
    manufacturers_item_id: str | None = None
    additional_item_ids: tuple[Identifier, ...] = ()
    origin_country_code: str | None = None
    commodity_classification_codes: tuple[str, ...] = ()
    instances: tuple[ItemInstance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceLine:
    id: str
    quantity: Decimal
    line_extension_amount: Decimal
    price_amount: Decimal
    item: Item
    unit_code: str = "C62"
    notes: tuple[str, ...] = ()
    order_line_reference: str | None = None
    despatch_line_references: tuple[str, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    allowance_charges: tuple[AllowanceCharge, ...] = ()
    tax_total: TaxTotal | None = None
    withholding_tax_totals: tuple[TaxTotal, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InternetSale:
    """e-Arşiv sale made online: GİB wants the shop, how and when it was paid, and the carrier
    (the carrier itself goes in the invoice ``Delivery``)."""

    website: str
    payment_means: str
    payment_date: dt.date
    payment_agent_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EArchiveInfo:
    """``send_type`` is ``ELEKTRONIK`` (e-mail/SMS to the buyer) or ``KAGIT`` (printed)."""

    send_type: str = "ELEKTRONIK"
    internet_sale: InternetSale | None = None

    @property
    def earsiv_type(self):
        return "INTERNET" if self.internet_sale else "NORMAL"


@dataclass(frozen=True, slots=True, kw_only=True)
class Invoice:
    """An e-Fatura or e-Arşiv invoice (``profile_id`` ``EARSIVFATURA`` and ``earchive`` set).

    ``id`` is the 16-character GİB number and ``uuid`` the ETTN. ``xslt`` is the display stylesheet
    embedded as an ``AdditionalDocumentReference``; it is input data, never generated here.
    ``billing_references`` are the invoices billed again (returns); ``billing_additional_references``
    the other documents billed, such as the cash-register receipt (``DocumentTypeCode`` ``OKCBF``).
    """

    profile_id: str
    invoice_type_code: str
    id: str
    uuid: str
    issue_date: dt.date
    supplier: Party
    customer: Party
    legal_monetary_total: MonetaryTotal
    lines: tuple[InvoiceLine, ...]
    issue_time: dt.time | None = None
    copy_indicator: bool = False
    notes: tuple[str, ...] = ()
    document_currency_code: str = "TRY"
    tax_currency_code: str | None = None
    pricing_currency_code: str | None = None
    payment_currency_code: str | None = None
    payment_alternative_currency_code: str | None = None
    accounting_cost: str | None = None
    invoice_period: Period | None = None
    order_reference: DocumentReference | None = None
    billing_references: tuple[DocumentReference, ...] = ()
    billing_additional_references: tuple[DocumentReference, ...] = ()
    despatch_document_references: tuple[DocumentReference, ...] = ()
    receipt_document_references: tuple[DocumentReference, ...] = ()
    originator_document_references: tuple[DocumentReference, ...] = ()
    contract_document_references: tuple[DocumentReference, ...] = ()
    additional_document_references: tuple[DocumentReference, ...] = ()
    xslt: Attachment | None = None
    buyer_customer: Party | None = None
    seller_supplier: Party | None = None
    tax_representative: Party | None = None
    deliveries: tuple[Delivery, ...] = ()
    payment_means: tuple[PaymentMeans, ...] = ()
    payment_terms: PaymentTerms | None = None
    allowance_charges: tuple[AllowanceCharge, ...] = ()
    tax_exchange_rate: ExchangeRate | None = None
    pricing_exchange_rate: ExchangeRate | None = None
    payment_exchange_rate: ExchangeRate | None = None
    payment_alternative_exchange_rate: ExchangeRate | None = None
    tax_totals: tuple[TaxTotal, ...] = ()
    withholding_tax_totals: tuple[TaxTotal, ...] = ()
    earchive: EArchiveInfo | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DespatchLine:
    id: str
    delivered_quantity: Decimal
    item: Item
    unit_code: str = "C62"
    notes: tuple[str, ...] = ()
    outstanding_quantity: Decimal | None = None
    outstanding_reason: str | None = None
    oversupply_quantity: Decimal | None = None
    order_line_reference: str = ""
    shipments: tuple[Shipment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DespatchAdvice:
    """An e-İrsaliye. ``profile_id`` TEMELIRSALIYE (or HKSIRSALIYE, IDISIRSALIYE);
    ``despatch_advice_type_code`` SEVK or MATBUDAN. A MATBUDAN advice points to the printed
    despatch note through an ``AdditionalDocumentReference`` (``printed_document``)."""

    profile_id: str
    despatch_advice_type_code: str
    id: str
    uuid: str
    issue_date: dt.date
    issue_time: dt.time
    supplier: Party
    delivery_customer: Party
    shipment: Shipment
    lines: tuple[DespatchLine, ...]
    copy_indicator: bool = False
    notes: tuple[str, ...] = ()
    order_references: tuple[DocumentReference, ...] = ()
    printed_document: DocumentReference | None = None
    additional_document_references: tuple[DocumentReference, ...] = ()
    xslt: Attachment | None = None
    supplier_contact_name: str | None = None
    buyer_customer: Party | None = None
    seller_supplier: Party | None = None
    originator_customer: Party | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptLine:
    id: str
    received_quantity: Decimal
    item: Item
    unit_code: str = "C62"
    notes: tuple[str, ...] = ()
    short_quantity: Decimal | None = None
    shortage_action_code: str | None = None
    rejected_quantity: Decimal | None = None
    reject_reason_code: str | None = None
    reject_reason: str | None = None
    reject_action_code: str | None = None
    oversupply_quantity: Decimal | None = None
    received_date: dt.date | None = None
    timing_complaint_code: str | None = None
    timing_complaint: str | None = None
    order_line_reference: str | None = None
    despatch_line_reference: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptAdvice:
    """An İrsaliye Yanıtı: what the receiver accepted, rejected, missed or got in excess."""

    profile_id: str
    id: str
    uuid: str
    issue_date: dt.date
    despatch_document_reference: DocumentReference
    delivery_customer: Party
    despatch_supplier: Party
    lines: tuple[ReceiptLine, ...]
    issue_time: dt.time | None = None
    receipt_advice_type_code: str = "SEVK"
    copy_indicator: bool = False
    notes: tuple[str, ...] = ()
    order_references: tuple[DocumentReference, ...] = ()
    additional_document_references: tuple[DocumentReference, ...] = ()
    xslt: Attachment | None = None
    delivery_contact_name: str | None = None
    despatch_contact_name: str | None = None
    buyer_customer: Party | None = None
    seller_supplier: Party | None = None
    shipment: Shipment | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineResponse:
    line_id: str
    response_code: str
    description: tuple[str, ...] = ()
    document_reference: DocumentReference | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationResponse:
    """A commercial answer (KABUL, RED, IADE) to an invoice, or GİB's/GTB's own answers.

    ``document_reference`` names the answered invoice (``id`` = its ETTN, ``document_type_code``
    the invoice type); ``description`` is the reason, which RED and IADE require.
    """

    profile_id: str
    id: str
    uuid: str
    issue_date: dt.date
    sender: Party
    receiver: Party
    response_code: str
    document_reference: DocumentReference
    issue_time: dt.time | None = None
    description: tuple[str, ...] = ()
    reference_id: str | None = None
    notes: tuple[str, ...] = ()
    line_responses: tuple[LineResponse, ...] = ()


def _sum(values):
    return sum(values, Decimal(0))


def tax_total_from_subtotals(subtotals):
    subtotals = tuple(subtotals)
    return TaxTotal(tax_amount=_sum(s.tax_amount for s in subtotals), subtotals=subtotals)


def merge_tax_subtotals(lines):
    """Group line subtotals by tax code, rate and exemption, the way GİB expects the document total."""
    groups = {}
    for line in lines:
        for sub in line.tax_total.subtotals if line.tax_total else ():
            key = (sub.tax_type_code, sub.percent, sub.exemption_reason_code, sub.per_unit_amount is not None)
            groups.setdefault(key, []).append(sub)
    merged = []
    for subs in groups.values():
        first = subs[0]
        merged.append(
            replace(
                first,
                taxable_amount=_sum(s.taxable_amount for s in subs),
                tax_amount=_sum(s.tax_amount for s in subs),
                per_unit_amount=(
                    None if first.per_unit_amount is None else _sum(s.per_unit_amount for s in subs)
                ),
            )
        )
    return tuple(merged)


def merge_withholding(lines):
    groups = {}
    for line in lines:
        for total in line.withholding_tax_totals:
            for sub in total.subtotals:
                groups.setdefault((sub.tax_type_code, sub.percent), []).append(sub)
    return tuple(
        replace(
            subs[0],
            taxable_amount=_sum(s.taxable_amount for s in subs),
            tax_amount=_sum(s.tax_amount for s in subs),
        )
        for subs in groups.values()
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    tax_totals: tuple[TaxTotal, ...]
    withholding_tax_totals: tuple[TaxTotal, ...]
    legal_monetary_total: MonetaryTotal


def compute_totals(lines, allowance_charges=(), *, add_taxes=True):
    """Document totals from lines, for tests and factories; the ORM sends its own figures.

    Line allowances are already inside each line's ``line_extension_amount`` (UBL semantics);
    ``allowance_charges`` are the document-level ones and move the tax-exclusive amount. Withheld
    KDV is deducted from the payable amount as GİB's TEVKIFAT examples do. With
    ``add_taxes=False`` the taxes are reported but not added to the inclusive amount.
    """
    lines = tuple(lines)
    line_total = _sum(line.line_extension_amount for line in lines)
    allowance = _sum(ac.amount for ac in allowance_charges if not ac.charge_indicator)
    charge = _sum(ac.amount for ac in allowance_charges if ac.charge_indicator)
    subtotals = merge_tax_subtotals(lines)
    tax_totals = (tax_total_from_subtotals(subtotals),) if subtotals else ()
    withholding_subs = merge_withholding(lines)
    withholding = (tax_total_from_subtotals(withholding_subs),) if withholding_subs else ()
    tax = _sum(t.tax_amount for t in tax_totals) if add_taxes else Decimal(0)
    withheld = _sum(t.tax_amount for t in withholding)
    tax_exclusive = line_total - allowance + charge
    tax_inclusive = tax_exclusive + tax
    return Totals(
        tax_totals=tax_totals,
        withholding_tax_totals=withholding,
        legal_monetary_total=MonetaryTotal(
            line_extension_amount=round_amount(line_total),
            tax_exclusive_amount=round_amount(tax_exclusive),
            tax_inclusive_amount=round_amount(tax_inclusive),
            allowance_total_amount=round_amount(allowance),
            charge_total_amount=round_amount(charge),
            payable_amount=round_amount(tax_inclusive - withheld),
        ),
    )
