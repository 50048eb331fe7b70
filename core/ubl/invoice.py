"""Invoice builder (e-Fatura and e-Arşiv) and the aggregate builders the other documents share.

Elements are appended in the order of the UBL-TR 1.2.1 maindoc and common XSDs; every optional
value that is ``None`` or empty is left out, so the dataclass alone decides what the XML says.
"""

import base64

from .. import codes
from ..documents import Address, DocumentReference
from ..errors import ValidationFailed
from .namespaces import (
    INVOICE,
    add_extensions,
    amount,
    as_tree,
    cac,
    cbc,
    cbc_required,
    finish,
    root_element,
)

UBL_VERSION = "2.1"
_EMPTY_ADDRESS = Address()
CUSTOMIZATION = "TR1.2"


def add_header(root, document):
    add_extensions(root)
    cbc(root, "UBLVersionID", UBL_VERSION)
    cbc(root, "CustomizationID", CUSTOMIZATION)
    cbc(root, "ProfileID", document.profile_id)
    cbc(root, "ID", document.id)


def add_address(parent, name, address):
    if address is None:
        return
    node = cac(parent, name)
    cbc(node, "ID", address.id)
    cbc(node, "Postbox", address.post_box)
    cbc(node, "Room", address.room)
    street = address.street_name
    if address.additional_street_name:
        street = " ".join(filter(None, (street, address.additional_street_name)))
    cbc(node, "StreetName", street)
    cbc(node, "BlockName", address.block_name)
    cbc(node, "BuildingName", address.building_name)
    cbc(node, "BuildingNumber", address.building_number)
    cbc_required(node, "CitySubdivisionName", address.city_subdivision_name)
    cbc_required(node, "CityName", address.city_name)
    cbc(node, "PostalZone", address.postal_zone)
    cbc(node, "Region", address.region)
    cbc(node, "District", address.district)
    country = cac(node, "Country")
    cbc(country, "IdentificationCode", address.country_code)
    cbc_required(country, "Name", address.country_name)


def add_financial_account(parent, name, account):
    if account is None:
        return
    node = cac(parent, name)
    cbc(node, "ID", account.id)
    cbc(node, "CurrencyCode", account.currency_code)
    cbc(node, "PaymentNote", account.payment_note)
    if account.branch_name or account.institution_name:
        branch = cac(node, "FinancialInstitutionBranch")
        cbc(branch, "Name", account.branch_name)
        if account.institution_name:
            cbc(cac(branch, "FinancialInstitution"), "Name", account.institution_name)


def add_attachment(parent, attachment):
    if attachment is None:
        return
    node = cac(parent, "Attachment")
    if attachment.content is not None:
        cbc(
            node,
            "EmbeddedDocumentBinaryObject",
            base64.b64encode(attachment.content).decode("ascii"),
            characterSetCode=attachment.character_set_code,
            encodingCode=attachment.encoding_code,
            filename=attachment.filename,
            mimeCode=attachment.mime_code,
        )
    if attachment.external_uri:
        cbc(cac(node, "ExternalReference"), "URI", attachment.external_uri)


def add_document_reference(parent, name, reference, default_date=None):
    node = cac(parent, name)
    cbc(node, "ID", reference.id, schemeID=reference.scheme_id)
    cbc(node, "IssueDate", reference.issue_date or default_date)
    cbc(node, "DocumentTypeCode", reference.document_type_code)
    cbc(node, "DocumentType", reference.document_type)
    for description in reference.document_description:
        cbc(node, "DocumentDescription", description)
    add_attachment(node, reference.attachment)
    if reference.valid_from or reference.valid_to:
        period = cac(node, "ValidityPeriod")
        cbc(period, "StartDate", reference.valid_from)
        cbc(period, "EndDate", reference.valid_to)
    if reference.issuer_party:
        add_party(node, "IssuerParty", reference.issuer_party)
    return node


def add_person(parent, name, person):
    if person is None:
        return
    node = cac(parent, name)
    cbc(node, "FirstName", person.first_name)
    cbc(node, "FamilyName", person.family_name)
    cbc(node, "Title", person.title)
    cbc(node, "MiddleName", person.middle_name)
    cbc(node, "NameSuffix", person.name_suffix)
    cbc(node, "NationalityID", person.nationality_id)
    add_financial_account(node, "FinancialAccount", person.financial_account)
    for document in person.identity_documents[:1]:
        add_document_reference(node, "IdentityDocumentReference", document)


def add_party(parent, name, party):
    node = cac(parent, name)
    cbc(node, "WebsiteURI", party.website_uri)
    cbc(node, "EndpointID", party.endpoint_id)
    cbc(node, "IndustryClassificationCode", party.industry_classification_code)
    for identifier in party.identifications:
        cbc(cac(node, "PartyIdentification"), "ID", identifier.value, schemeID=identifier.scheme_id)
    if party.name:
        cbc(cac(node, "PartyName"), "Name", party.name)
    add_address(node, "PostalAddress", party.address or _EMPTY_ADDRESS)
    if party.physical_location:
        location = cac(node, "PhysicalLocation")
        cbc(location, "ID", party.physical_location.id)
        add_address(location, "Address", party.physical_location.address)
    if party.tax_office:
        cbc(cac(cac(node, "PartyTaxScheme"), "TaxScheme"), "Name", party.tax_office)
    for entity in party.legal_entities:
        add_legal_entity(node, entity)
    contact = party.contact
    if contact:
        contact_node = cac(node, "Contact")
        cbc(contact_node, "Name", contact.name)
        cbc(contact_node, "Telephone", contact.telephone)
        cbc(contact_node, "Telefax", contact.telefax)
        cbc(contact_node, "ElectronicMail", contact.electronic_mail)
        cbc(contact_node, "Note", contact.note)
    add_person(node, "Person", party.person)
    if party.agent_party:
        add_party(node, "AgentParty", party.agent_party)
    return node


def add_legal_entity(parent, entity):
    node = cac(parent, "PartyLegalEntity")
    cbc(node, "RegistrationName", entity.registration_name)
    cbc(node, "CompanyID", entity.company_id)
    cbc(node, "RegistrationDate", entity.registration_date)
    cbc(node, "SoleProprietorshipIndicator", entity.sole_proprietorship)
    cbc(node, "CorporateStockAmount", entity.corporate_stock_amount, currencyID="TRY")
    cbc(node, "FullyPaidSharesIndicator", entity.fully_paid_shares)
    registration = entity.corporate_registration
    if registration:
        scheme = cac(node, "CorporateRegistrationScheme")
        cbc(scheme, "ID", registration.id)
        cbc(scheme, "Name", registration.name)
        cbc(scheme, "CorporateRegistrationTypeCode", registration.type_code)
        add_address(scheme, "JurisdictionRegionAddress", registration.jurisdiction_address)
    if entity.head_office_party:
        add_party(node, "HeadOfficeParty", entity.head_office_party)


def add_signature(root, party, document_id):
    """``cac:Signature`` names the signer (the supplier); GİB requires it even before signing."""
    node = cac(root, "Signature")
    cbc(node, "ID", party.tax_id, schemeID="VKN_TCKN")
    signatory = cac(node, "SignatoryParty")
    for scheme in ("VKN", "TCKN"):
        if party.identification(scheme):
            cbc(cac(signatory, "PartyIdentification"), "ID", party.identification(scheme), schemeID=scheme)
    add_address(signatory, "PostalAddress", party.address or _EMPTY_ADDRESS)
    cbc(cac(cac(node, "DigitalSignatureAttachment"), "ExternalReference"), "URI", f"#Signature_{document_id}")


def add_role_party(parent, name, party, contact_name=None, contact_element=None):
    node = cac(parent, name)
    add_party(node, "Party", party)
    if contact_name and contact_element:
        cbc(cac(node, contact_element), "Name", contact_name)
    return node


def add_tax_total(parent, name, total, currency):
    node = cac(parent, name)
    amount(node, "TaxAmount", total.tax_amount, currency)
    for sub in total.subtotals:
        subtotal = cac(node, "TaxSubtotal")
        amount(subtotal, "TaxableAmount", sub.taxable_amount, currency)
        amount(subtotal, "TaxAmount", sub.tax_amount, currency)
        cbc(subtotal, "CalculationSequenceNumeric", sub.calculation_sequence_numeric)
        amount(subtotal, "TransactionCurrencyTaxAmount", sub.transaction_currency_taxable_amount, "TRY")
        cbc(subtotal, "Percent", sub.percent)
        if sub.base_unit_measure:
            cbc(
                subtotal,
                "BaseUnitMeasure",
                sub.base_unit_measure.value,
                unitCode=sub.base_unit_measure.unit_code,
            )
        amount(subtotal, "PerUnitAmount", sub.per_unit_amount, currency)
        category = cac(subtotal, "TaxCategory")
        cbc(category, "TaxExemptionReasonCode", sub.exemption_reason_code)
        cbc(category, "TaxExemptionReason", sub.exemption_reason)
        scheme = cac(category, "TaxScheme")
        cbc(scheme, "Name", sub.tax_name or _default_tax_name(sub.tax_type_code))
        cbc(scheme, "TaxTypeCode", sub.tax_type_code)


def _default_tax_name(code):
    if code in codes.TAX_TYPE_NAMES:
        return codes.tax_name(code)
    return codes.WITHHOLDING_NAMES.get(code, (None,))[0]


def add_allowance_charge(parent, charge, currency):
    node = cac(parent, "AllowanceCharge")
    cbc(node, "ChargeIndicator", charge.charge_indicator)
    cbc(node, "AllowanceChargeReason", charge.reason)
    cbc(node, "MultiplierFactorNumeric", charge.multiplier_factor_numeric)
    cbc(node, "SequenceNumeric", charge.sequence_numeric)
    amount(node, "Amount", charge.amount, currency)
    amount(node, "BaseAmount", charge.base_amount, currency)
    amount(node, "PerUnitAmount", charge.per_unit_amount, currency)


def add_period(parent, name, period):
    if period is None:
        return
    node = cac(parent, name)
    cbc(node, "StartDate", period.start_date)
    cbc(node, "StartTime", period.start_time)
    cbc(node, "EndDate", period.end_date)
    cbc(node, "EndTime", period.end_time)
    if period.duration:
        cbc(node, "DurationMeasure", period.duration.value, unitCode=period.duration.unit_code)
    cbc(node, "Description", period.description)


def add_exchange_rate(parent, name, rate):
    if rate is None:
        return
    node = cac(parent, name)
    cbc(node, "SourceCurrencyCode", rate.source_currency_code)
    cbc(node, "TargetCurrencyCode", rate.target_currency_code)
    cbc(node, "CalculationRate", rate.calculation_rate)
    cbc(node, "Date", rate.date)


def _measure(parent, name, quantity):
    if quantity is not None:
        cbc(parent, name, quantity.value, unitCode=quantity.unit_code)


def add_item(parent, item):
    node = cac(parent, "Item")
    cbc(node, "Description", item.description)
    cbc(node, "Name", item.name)
    cbc(node, "Keyword", item.keyword)
    cbc(node, "BrandName", item.brand_name)
    cbc(node, "ModelName", item.model_name)
    for element, value in (
        ("BuyersItemIdentification", item.buyers_item_id),
        ("SellersItemIdentification", item.sellers_item_id),
        ("ManufacturersItemIdentification", item.manufacturers_item_id),
    ):
        if value:
            cbc(cac(node, element), "ID", value)
    for identifier in item.additional_item_ids:
        cbc(cac(node, "AdditionalItemIdentification"), "ID", identifier.value, schemeID=identifier.scheme_id)
    if item.origin_country_code:
        country = cac(node, "OriginCountry")
        cbc(country, "IdentificationCode", item.origin_country_code)
        cbc(country, "Name", item.origin_country_code)
    for code in item.commodity_classification_codes:
        cbc(cac(node, "CommodityClassification"), "ItemClassificationCode", code)
    for instance in item.instances:
        instance_node = cac(node, "ItemInstance")
        cbc(instance_node, "ProductTraceID", instance.product_trace_id)
        cbc(instance_node, "ManufactureDate", instance.manufacture_date)
        cbc(instance_node, "SerialID", instance.serial_id)
        if instance.lot_number_id or instance.lot_expiry_date:
            lot = cac(instance_node, "LotIdentification")
            cbc(lot, "LotNumberID", instance.lot_number_id)
            cbc(lot, "ExpiryDate", instance.lot_expiry_date)


def add_shipment(parent, shipment, currency):
    node = cac(parent, "Shipment")
    cbc_required(node, "ID", shipment.id)
    cbc(node, "HandlingCode", shipment.handling_code)
    _measure(node, "GrossWeightMeasure", shipment.gross_weight)
    _measure(node, "NetWeightMeasure", shipment.net_weight)
    cbc(node, "TotalTransportHandlingUnitQuantity", shipment.total_transport_handling_unit_quantity)
    amount(node, "InsuranceValueAmount", shipment.insurance_value_amount, currency)
    amount(node, "DeclaredForCarriageValueAmount", shipment.declared_for_carriage_value_amount, currency)
    for goods in shipment.goods_items:
        goods_node = cac(node, "GoodsItem")
        cbc(goods_node, "Description", goods.description)
        amount(goods_node, "ValueAmount", goods.value_amount, currency)
        _measure(goods_node, "GrossWeightMeasure", goods.gross_weight)
        _measure(goods_node, "NetWeightMeasure", goods.net_weight)
        cbc(goods_node, "RequiredCustomsID", goods.required_customs_id)
        if goods.invoice_line:
            add_invoice_line(goods_node, goods.invoice_line, currency)
    for stage in shipment.shipment_stages:
        stage_node = cac(node, "ShipmentStage")
        cbc(stage_node, "TransportModeCode", stage.transport_mode_code)
        if len(stage.vehicle_plates) > 1:
            raise ValidationFailed(
                "A shipment stage holds one vehicle plate; put each further vehicle in a stage of its own "
                "and trailers in the transport handling unit.",
                code="tr_edoc.build.plates_per_stage",
                params={"plates": [plate.value for plate in stage.vehicle_plates]},
            )
        for plate in stage.vehicle_plates:
            means = cac(stage_node, "TransportMeans")
            cbc(cac(means, "RoadTransport"), "LicensePlateID", plate.value, schemeID=plate.scheme_id)
        for driver in stage.drivers:
            add_person(stage_node, "DriverPerson", driver)
    if shipment.delivery:
        add_delivery(node, shipment.delivery, currency)
    for unit in shipment.transport_handling_units:
        unit_node = cac(node, "TransportHandlingUnit")
        for package in unit.packages:
            package_node = cac(unit_node, "ActualPackage")
            cbc(package_node, "ID", package.id)
            cbc(package_node, "Quantity", package.quantity)
            cbc(package_node, "PackagingTypeCode", package.packaging_type_code)
        for equipment in unit.transport_equipment_ids:
            cbc(cac(unit_node, "TransportEquipment"), "ID", equipment.value, schemeID=equipment.scheme_id)
        for declaration in unit.customs_declarations:
            declaration_node = cac(unit_node, "CustomsDeclaration")
            cbc(declaration_node, "ID", declaration.id)
            if declaration.issuer_party:
                add_party(declaration_node, "IssuerParty", declaration.issuer_party)


def add_delivery(parent, delivery, currency):
    node = cac(parent, "Delivery")
    cbc(node, "ID", delivery.id)
    if delivery.quantity:
        cbc(node, "Quantity", delivery.quantity.value, unitCode=delivery.quantity.unit_code)
    cbc(node, "ActualDeliveryDate", delivery.actual_delivery_date)
    cbc(node, "ActualDeliveryTime", delivery.actual_delivery_time)
    add_address(node, "DeliveryAddress", delivery.delivery_address)
    if delivery.carrier_party:
        add_party(node, "CarrierParty", delivery.carrier_party)
    if delivery.delivery_party:
        add_party(node, "DeliveryParty", delivery.delivery_party)
    despatch = delivery.despatch
    if despatch:
        despatch_node = cac(node, "Despatch")
        cbc(despatch_node, "ActualDespatchDate", despatch.actual_despatch_date)
        cbc(despatch_node, "ActualDespatchTime", despatch.actual_despatch_time)
        cbc(despatch_node, "Instructions", despatch.instructions)
        add_address(despatch_node, "DespatchAddress", despatch.despatch_address)
    for terms in delivery.delivery_terms:
        terms_node = cac(node, "DeliveryTerms")
        cbc(terms_node, "ID", terms.id, schemeID=terms.scheme_id)
        cbc(terms_node, "SpecialTerms", terms.special_terms)
        amount(terms_node, "Amount", terms.amount, currency)
    if delivery.shipment:
        add_shipment(node, delivery.shipment, currency)


def add_invoice_line(parent, line, currency):
    node = cac(parent, "InvoiceLine")
    cbc(node, "ID", line.id)
    for note in line.notes:
        cbc(node, "Note", note)
    cbc(node, "InvoicedQuantity", line.quantity, unitCode=line.unit_code)
    amount(node, "LineExtensionAmount", line.line_extension_amount, currency)
    if line.order_line_reference:
        cbc(cac(node, "OrderLineReference"), "LineID", line.order_line_reference)
    for reference in line.despatch_line_references:
        cbc(cac(node, "DespatchLineReference"), "LineID", reference)
    for delivery in line.deliveries:
        add_delivery(node, delivery, currency)
    for charge in line.allowance_charges:
        add_allowance_charge(node, charge, currency)
    if line.tax_total:
        add_tax_total(node, "TaxTotal", line.tax_total, currency)
    for total in line.withholding_tax_totals:
        add_tax_total(node, "WithholdingTaxTotal", total, currency)
    add_item(node, line.item)
    amount(cac(node, "Price"), "PriceAmount", line.price_amount, currency)


def add_payment_means(parent, means):
    node = cac(parent, "PaymentMeans")
    cbc(node, "PaymentMeansCode", means.payment_means_code)
    cbc(node, "PaymentDueDate", means.payment_due_date)
    cbc(node, "PaymentChannelCode", means.payment_channel_code)
    cbc(node, "InstructionNote", means.instruction_note)
    add_financial_account(node, "PayerFinancialAccount", means.payer_financial_account)
    add_financial_account(node, "PayeeFinancialAccount", means.payee_financial_account)


def earchive_references(invoice):
    """e-Arşiv data GİB reads from ``AdditionalDocumentReference``: the ID carries the value and
    ``DocumentTypeCode`` the key (SEND_TYPE, and for online sales the INTERNET fields).

    İzibiz requires both ``DocumentTypeCode`` and ``DocumentType`` on e-Arşiv references; the
    type repeats the key."""
    info = invoice.earchive
    if info is None:
        return ()
    pairs = [("SEND_TYPE", info.send_type)]
    sale = info.internet_sale
    if sale:
        pairs += [
            ("IS_INTERNET", "true"),
            ("INT_WEBSITE", sale.website),
            ("INT_PAYMENT_METHOD", sale.payment_means),
            ("INT_PAYMENT_AGENT_NAME", sale.payment_agent_name),
            ("INT_PAYMENTDATE", sale.payment_date.isoformat()),
        ]
    return tuple(
        DocumentReference(id=value, issue_date=invoice.issue_date, document_type_code=key, document_type=key)
        for key, value in pairs
        if value
    )


def render_invoice(invoice):
    """The bytes of an e-Fatura or e-Arşiv invoice, as sent and as GİB's XSD and schematron check them."""
    currency = invoice.document_currency_code
    root = root_element("Invoice", INVOICE)
    add_header(root, invoice)
    cbc(root, "CopyIndicator", invoice.copy_indicator)
    cbc(root, "UUID", invoice.uuid)
    cbc(root, "IssueDate", invoice.issue_date)
    cbc(root, "IssueTime", invoice.issue_time)
    cbc(root, "InvoiceTypeCode", invoice.invoice_type_code)
    for note in invoice.notes:
        cbc(root, "Note", note)
    cbc(root, "DocumentCurrencyCode", currency)
    cbc(root, "TaxCurrencyCode", invoice.tax_currency_code)
    cbc(root, "PricingCurrencyCode", invoice.pricing_currency_code)
    cbc(root, "PaymentCurrencyCode", invoice.payment_currency_code)
    cbc(root, "PaymentAlternativeCurrencyCode", invoice.payment_alternative_currency_code)
    cbc(root, "AccountingCost", invoice.accounting_cost)
    cbc(root, "LineCountNumeric", len(invoice.lines))
    add_period(root, "InvoicePeriod", invoice.invoice_period)
    if invoice.order_reference:
        order = invoice.order_reference
        node = cac(root, "OrderReference")
        cbc(node, "ID", order.id)
        cbc(node, "IssueDate", order.issue_date or invoice.issue_date)
        cbc(node, "OrderTypeCode", order.document_type_code)
    for reference in invoice.billing_references:
        add_document_reference(cac(root, "BillingReference"), "InvoiceDocumentReference", reference)
    for reference in invoice.billing_additional_references:
        add_document_reference(cac(root, "BillingReference"), "AdditionalDocumentReference", reference)
    for element, references in (
        ("DespatchDocumentReference", invoice.despatch_document_references),
        ("ReceiptDocumentReference", invoice.receipt_document_references),
        ("OriginatorDocumentReference", invoice.originator_document_references),
        ("ContractDocumentReference", invoice.contract_document_references),
        (
            "AdditionalDocumentReference",
            invoice.additional_document_references + earchive_references(invoice),
        ),
    ):
        for reference in references:
            add_document_reference(root, element, reference, invoice.issue_date)
    add_xslt(root, invoice.xslt, invoice.id, invoice.issue_date)
    add_signature(root, invoice.supplier, invoice.id)
    add_role_party(root, "AccountingSupplierParty", invoice.supplier)
    add_role_party(root, "AccountingCustomerParty", invoice.customer)
    if invoice.buyer_customer:
        add_role_party(root, "BuyerCustomerParty", invoice.buyer_customer)
    if invoice.seller_supplier:
        add_role_party(root, "SellerSupplierParty", invoice.seller_supplier)
    if invoice.tax_representative:
        add_party(root, "TaxRepresentativeParty", invoice.tax_representative)
    for delivery in invoice.deliveries:
        add_delivery(root, delivery, currency)
    for means in invoice.payment_means:
        add_payment_means(root, means)
    terms = invoice.payment_terms
    if terms:
        node = cac(root, "PaymentTerms")
        cbc(node, "Note", terms.note)
        cbc(node, "PenaltySurchargePercent", terms.penalty_surcharge_percent)
        amount(node, "Amount", terms.amount, currency)
        cbc(node, "PaymentDueDate", terms.payment_due_date)
    for charge in invoice.allowance_charges:
        add_allowance_charge(root, charge, currency)
    add_exchange_rate(root, "TaxExchangeRate", invoice.tax_exchange_rate)
    add_exchange_rate(root, "PricingExchangeRate", invoice.pricing_exchange_rate)
    add_exchange_rate(root, "PaymentExchangeRate", invoice.payment_exchange_rate)
    add_exchange_rate(root, "PaymentAlternativeExchangeRate", invoice.payment_alternative_exchange_rate)
    for total in invoice.tax_totals:
        add_tax_total(root, "TaxTotal", total, currency)
    for total in invoice.withholding_tax_totals:
        add_tax_total(root, "WithholdingTaxTotal", total, currency)
    monetary = invoice.legal_monetary_total
    node = cac(root, "LegalMonetaryTotal")
    amount(node, "LineExtensionAmount", monetary.line_extension_amount, currency)
    amount(node, "TaxExclusiveAmount", monetary.tax_exclusive_amount, currency)
    amount(node, "TaxInclusiveAmount", monetary.tax_inclusive_amount, currency)
    amount(node, "AllowanceTotalAmount", monetary.allowance_total_amount, currency)
    amount(node, "ChargeTotalAmount", monetary.charge_total_amount, currency)
    amount(node, "PayableRoundingAmount", monetary.payable_rounding_amount, currency)
    amount(node, "PayableAmount", monetary.payable_amount, currency)
    for line in invoice.lines:
        add_invoice_line(root, line, currency)
    return finish(root)


def build_invoice(invoice):
    """The ``Invoice`` as an lxml tree, for callers that edit or sign one (``serialize`` gives the bytes)."""
    return as_tree(render_invoice(invoice))


def add_xslt(root, xslt, document_id, issue_date):
    """The display stylesheet travels inside the document, as GİB's viewer expects."""
    if xslt is None or xslt.content is None:
        return
    node = cac(root, "AdditionalDocumentReference")
    cbc(node, "ID", document_id)
    cbc(node, "IssueDate", issue_date)
    cbc(node, "DocumentType", "XSLT")
    attachment = cac(node, "Attachment")
    cbc(
        attachment,
        "EmbeddedDocumentBinaryObject",
        base64.b64encode(xslt.content).decode("ascii"),
        characterSetCode=xslt.character_set_code or "UTF-8",
        encodingCode="Base64",
        filename=xslt.filename or f"{document_id}.xslt",
        mimeCode=xslt.mime_code or "application/xml",
    )
