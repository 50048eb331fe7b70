"""Incoming UBL-TR XML mapped onto the dataclasses of ``core.documents``.

Everything goes through ``core.xmlsafe`` first, so a parser here only ever sees a bounded,
DTD-free tree. The mapping is deliberately complete (every party identification, every tax
subtotal, references, attachments, delivery data) because an incoming document is kept and shown
as received; a value that cannot be read (bad number, bad date) is a ``ParseError`` naming the
element, never a silent ``None``.
"""

import base64
import binascii
import datetime as dt
import functools
import re
from decimal import Decimal

from lxml import etree

from .. import documents as d
from ..errors import ParseError
from ..xmlsafe import DEFAULT_MAX, expect_root, load_xml, string_value, xsd_decimal, xsd_integer

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}

INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
DESPATCH_ADVICE = "{urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2}DespatchAdvice"
RECEIPT_ADVICE = "{urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2}ReceiptAdvice"
APPLICATION_RESPONSE = (
    "{urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2}ApplicationResponse"
)

_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,30}))?(Z|[+-]\d{2}:\d{2})?", re.ASCII)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?", re.ASCII)


def _where(el, path=None):
    names = [etree.QName(a).localname for a in reversed(list(el.iterancestors()))]
    names.append(etree.QName(el).localname)
    if path:
        names.extend(part.split(":")[-1] for part in path.split("/"))
    return "/".join(names)


def _bad(el, path, value, expected):
    return ParseError(
        f"{_where(el, path)}: {value!r} is not a valid {expected}.",
        code="tr_edoc.xml.bad_value",
        params={"path": _where(el, path), "value": value, "expected": expected},
    )


def _missing(el, path):
    return ParseError(
        f"{_where(el, path)} is required but missing.",
        code="tr_edoc.xml.missing",
        params={"path": _where(el, path)},
    )


@functools.cache
def _steps(path):
    """``cac:A/cbc:B`` as Clark tags, so each step is a C-level ``iterchildren`` instead of ElementPath."""
    return tuple(f"{{{NS[prefix]}}}{name}" for prefix, name in (part.split(":") for part in path.split("/")))


def _find(el, path):
    for tag in _steps(path):
        if el is None:
            return None
        el = next(el.iterchildren(tag), None)
    return el


def _all(el, path):
    if el is None:
        return ()
    nodes = [el]
    for tag in _steps(path):
        nodes = [child for node in nodes for child in node.iterchildren(tag)]
    return nodes


def _text(el, path):
    """A code or identifier: surrounding whitespace is formatting, not data."""
    node = _find(el, path)
    if node is None:
        return None
    return string_value(node).strip() or None


def _free(el, path):
    """Free text (notes, descriptions) keeps its spacing: it is what the issuer wrote. An empty
    element says nothing and reads as absent."""
    node = _find(el, path)
    text = None if node is None else string_value(node)
    return text if text and text.strip() else None


def _frees(el, path):
    texts = (string_value(node) for node in _all(el, path))
    return tuple(text for text in texts if text.strip())


def _req(el, path):
    """A mandatory code or identifier: present-but-empty (GİB samples have ``<cbc:LineID/>``) is ""."""
    node = _find(el, path)
    if node is None:
        raise _missing(el, path)
    return string_value(node).strip()


def _need(value, el, path):
    if value is None:
        raise _missing(el, path)
    return value


def _decimal_of(node, el, path):
    text = string_value(node)
    value = xsd_decimal(text)
    if value is None:
        raise _bad(el, path, text.strip()[:40], "decimal number")
    return value


def _decimal(el, path):
    node = _find(el, path)
    return None if node is None else _decimal_of(node, el, path)


def _int(el, path):
    """UBL's sequence numbers are NumericType (an xsd:decimal, GİB writes ``1.0``) holding a whole number."""
    node = _find(el, path)
    text = None if node is None else string_value(node)
    if not text or not text.strip():
        return None
    value = xsd_integer(text)
    if value is None:
        number = xsd_decimal(text)
        if number is None or number != number.to_integral_value():
            raise _bad(el, path, text[:40], "integer")
        value = int(number)
    return value


def _date(el, path):
    text = _text(el, path)
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            pass
    raise _bad(el, path, text, "date (YYYY-MM-DD)")


def _tz(text):
    if text is None:
        return None
    if text == "Z":
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    return dt.timezone(sign * dt.timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def _time(el, path):
    text = _text(el, path)
    if text is None:
        return None
    match = _TIME.fullmatch(text)
    if match:
        hour, minute, second, fraction, zone = match.groups()
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        try:
            return dt.time(int(hour), int(minute), int(second), micro, tzinfo=_tz(zone))
        except ValueError:
            pass
    raise _bad(el, path, text, "time (hh:mm:ss)")


def _bool(el, path):
    text = _text(el, path)
    if text is None:
        return None
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise _bad(el, path, text, "boolean")


def _identifier(node):
    return d.Identifier(value=string_value(node).strip(), scheme_id=node.get("schemeID"))


def _quantity(el, path):
    node = _find(el, path)
    if node is None:
        return None
    value = _decimal_of(node, el, path)
    unit = node.get("unitCode")
    return d.Quantity(value=value) if unit is None else d.Quantity(value=value, unit_code=unit)


def _unit(el, path):
    node = _find(el, path)
    return "C62" if node is None else node.get("unitCode", "C62")


def _address(el):
    if el is None:
        return None
    return d.Address(
        id=_text(el, "cbc:ID"),
        post_box=_text(el, "cbc:Postbox"),
        room=_text(el, "cbc:Room"),
        street_name=_text(el, "cbc:StreetName"),
        additional_street_name=_text(el, "cbc:AdditionalStreetName"),
        block_name=_text(el, "cbc:BlockName"),
        building_name=_text(el, "cbc:BuildingName"),
        building_number=_text(el, "cbc:BuildingNumber"),
        city_subdivision_name=_text(el, "cbc:CitySubdivisionName"),
        city_name=_text(el, "cbc:CityName"),
        postal_zone=_text(el, "cbc:PostalZone"),
        region=_text(el, "cbc:Region"),
        district=_text(el, "cbc:District"),
        country_code=_text(el, "cac:Country/cbc:IdentificationCode"),
        country_name=_text(el, "cac:Country/cbc:Name"),
    )


def _location(el):
    if el is None:
        return None
    return d.Location(id=_text(el, "cbc:ID"), address=_address(_find(el, "cac:Address")))


def _contact(el):
    if el is None:
        return None
    return d.Contact(
        name=_text(el, "cbc:Name"),
        telephone=_text(el, "cbc:Telephone"),
        telefax=_text(el, "cbc:Telefax"),
        electronic_mail=_text(el, "cbc:ElectronicMail"),
        note=_free(el, "cbc:Note"),
    )


def _financial_account(el):
    if el is None:
        return None
    return d.FinancialAccount(
        id=_req(el, "cbc:ID"),
        currency_code=_text(el, "cbc:CurrencyCode"),
        payment_note=_free(el, "cbc:PaymentNote"),
        branch_name=_text(el, "cac:FinancialInstitutionBranch/cbc:Name"),
        institution_name=_text(el, "cac:FinancialInstitutionBranch/cac:FinancialInstitution/cbc:Name"),
    )


def _attachment(el):
    if el is None:
        return None
    blob = _find(el, "cbc:EmbeddedDocumentBinaryObject")
    uri = _text(el, "cac:ExternalReference/cbc:URI")
    if blob is None:
        return d.Attachment(external_uri=uri, character_set_code=None)
    encoded = "".join(string_value(blob).split())
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(el, "cbc:EmbeddedDocumentBinaryObject", encoded[:40], "base64 content") from None
    return d.Attachment(
        content=content,
        filename=blob.get("filename"),
        mime_code=blob.get("mimeCode"),
        character_set_code=blob.get("characterSetCode"),
        encoding_code=blob.get("encodingCode", "Base64"),
        external_uri=uri,
    )


def _document_reference(el):
    if el is None:
        return None
    id_node = _find(el, "cbc:ID")
    if id_node is None:
        raise _missing(el, "cbc:ID")
    return d.DocumentReference(
        id=string_value(id_node).strip(),
        scheme_id=id_node.get("schemeID"),
        issue_date=_date(el, "cbc:IssueDate"),
        document_type_code=_text(el, "cbc:DocumentTypeCode"),
        document_type=_text(el, "cbc:DocumentType"),
        document_description=_frees(el, "cbc:DocumentDescription"),
        attachment=_attachment(_find(el, "cac:Attachment")),
        valid_from=_date(el, "cac:ValidityPeriod/cbc:StartDate"),
        valid_to=_date(el, "cac:ValidityPeriod/cbc:EndDate"),
        issuer_party=_party(_find(el, "cac:IssuerParty")),
    )


def _references(el, path):
    return tuple(_document_reference(node) for node in _all(el, path))


def _order_reference(el):
    """``cac:OrderReference`` names its type ``OrderTypeCode``; kept in ``document_type_code``."""
    if el is None:
        return None
    return d.DocumentReference(
        id=_req(el, "cbc:ID"),
        issue_date=_date(el, "cbc:IssueDate"),
        document_type_code=_text(el, "cbc:OrderTypeCode"),
    )


def _person(el):
    if el is None:
        return None
    return d.Person(
        first_name=_text(el, "cbc:FirstName") or "",
        family_name=_text(el, "cbc:FamilyName") or "",
        title=_text(el, "cbc:Title"),
        middle_name=_text(el, "cbc:MiddleName"),
        name_suffix=_text(el, "cbc:NameSuffix"),
        nationality_id=_text(el, "cbc:NationalityID"),
        financial_account=_financial_account(_find(el, "cac:FinancialAccount")),
        identity_documents=_references(el, "cac:IdentityDocumentReference"),
    )


def _corporate_registration(el):
    if el is None:
        return None
    return d.CorporateRegistration(
        id=_text(el, "cbc:ID"),
        name=_text(el, "cbc:Name"),
        type_code=_text(el, "cbc:CorporateRegistrationTypeCode"),
        jurisdiction_address=_address(_find(el, "cac:JurisdictionRegionAddress")),
    )


def _legal_entity(el):
    stock = _decimal(el, "cbc:CorporateStockAmount")
    return d.PartyLegalEntity(
        registration_name=_text(el, "cbc:RegistrationName"),
        company_id=_text(el, "cbc:CompanyID"),
        registration_date=_date(el, "cbc:RegistrationDate"),
        sole_proprietorship=_bool(el, "cbc:SoleProprietorshipIndicator"),
        corporate_stock_amount=stock,
        fully_paid_shares=_bool(el, "cbc:FullyPaidSharesIndicator"),
        corporate_registration=_corporate_registration(_find(el, "cac:CorporateRegistrationScheme")),
        head_office_party=_party(_find(el, "cac:HeadOfficeParty")),
    )


def _party(el):
    if el is None:
        return None
    return d.Party(
        identifications=tuple(_identifier(n) for n in _all(el, "cac:PartyIdentification/cbc:ID")),
        name=_text(el, "cac:PartyName/cbc:Name"),
        address=_address(_find(el, "cac:PostalAddress")),
        tax_office=_text(el, "cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"),
        contact=_contact(_find(el, "cac:Contact")),
        person=_person(_find(el, "cac:Person")),
        website_uri=_text(el, "cbc:WebsiteURI"),
        endpoint_id=_text(el, "cbc:EndpointID"),
        industry_classification_code=_text(el, "cbc:IndustryClassificationCode"),
        physical_location=_location(_find(el, "cac:PhysicalLocation")),
        legal_entities=tuple(_legal_entity(n) for n in _all(el, "cac:PartyLegalEntity")),
        agent_party=_party(_find(el, "cac:AgentParty")),
    )


def _required_party(el, path):
    return _need(_party(_find(el, path)), el, path)


def _period(el):
    if el is None:
        return None
    return d.Period(
        start_date=_date(el, "cbc:StartDate"),
        start_time=_time(el, "cbc:StartTime"),
        end_date=_date(el, "cbc:EndDate"),
        end_time=_time(el, "cbc:EndTime"),
        duration=_quantity(el, "cbc:DurationMeasure"),
        description=_free(el, "cbc:Description"),
    )


def _exchange_rate(el):
    if el is None:
        return None
    return d.ExchangeRate(
        source_currency_code=_req(el, "cbc:SourceCurrencyCode"),
        calculation_rate=_need(_decimal(el, "cbc:CalculationRate"), el, "cbc:CalculationRate"),
        target_currency_code=_text(el, "cbc:TargetCurrencyCode") or "TRY",
        date=_date(el, "cbc:Date"),
    )


def _tax_subtotal(el):
    category = _find(el, "cac:TaxCategory")
    return d.TaxSubtotal(
        taxable_amount=_decimal(el, "cbc:TaxableAmount"),
        tax_amount=_need(_decimal(el, "cbc:TaxAmount"), el, "cbc:TaxAmount"),
        tax_type_code=_text(category, "cac:TaxScheme/cbc:TaxTypeCode"),
        percent=_decimal(el, "cbc:Percent"),
        tax_name=_text(category, "cac:TaxScheme/cbc:Name"),
        calculation_sequence_numeric=_int(el, "cbc:CalculationSequenceNumeric"),
        per_unit_amount=_decimal(el, "cbc:PerUnitAmount"),
        base_unit_measure=_quantity(el, "cbc:BaseUnitMeasure"),
        transaction_currency_taxable_amount=_decimal(el, "cbc:TransactionCurrencyTaxAmount"),
        exemption_reason_code=_text(category, "cbc:TaxExemptionReasonCode"),
        exemption_reason=_free(category, "cbc:TaxExemptionReason"),
    )


def _tax_total(el):
    if el is None:
        return None
    return d.TaxTotal(
        tax_amount=_need(_decimal(el, "cbc:TaxAmount"), el, "cbc:TaxAmount"),
        subtotals=tuple(_tax_subtotal(n) for n in _all(el, "cac:TaxSubtotal")),
    )


def _tax_totals(el, path):
    return tuple(_tax_total(n) for n in _all(el, path))


def _allowance_charge(el):
    return d.AllowanceCharge(
        charge_indicator=_need(_bool(el, "cbc:ChargeIndicator"), el, "cbc:ChargeIndicator"),
        amount=_need(_decimal(el, "cbc:Amount"), el, "cbc:Amount"),
        reason=_free(el, "cbc:AllowanceChargeReason"),
        multiplier_factor_numeric=_decimal(el, "cbc:MultiplierFactorNumeric"),
        base_amount=_decimal(el, "cbc:BaseAmount"),
        per_unit_amount=_decimal(el, "cbc:PerUnitAmount"),
        sequence_numeric=_int(el, "cbc:SequenceNumeric"),
    )


def _allowance_charges(el):
    return tuple(_allowance_charge(n) for n in _all(el, "cac:AllowanceCharge"))


def _monetary_total(el, path):
    node = _need(_find(el, path), el, path)
    return d.MonetaryTotal(
        line_extension_amount=_need(
            _decimal(node, "cbc:LineExtensionAmount"), node, "cbc:LineExtensionAmount"
        ),
        tax_exclusive_amount=_need(_decimal(node, "cbc:TaxExclusiveAmount"), node, "cbc:TaxExclusiveAmount"),
        tax_inclusive_amount=_need(_decimal(node, "cbc:TaxInclusiveAmount"), node, "cbc:TaxInclusiveAmount"),
        payable_amount=_need(_decimal(node, "cbc:PayableAmount"), node, "cbc:PayableAmount"),
        allowance_total_amount=_decimal(node, "cbc:AllowanceTotalAmount"),
        charge_total_amount=_decimal(node, "cbc:ChargeTotalAmount"),
        payable_rounding_amount=_decimal(node, "cbc:PayableRoundingAmount"),
    )


def _payment_means(el):
    return d.PaymentMeans(
        payment_means_code=_req(el, "cbc:PaymentMeansCode"),
        payment_due_date=_date(el, "cbc:PaymentDueDate"),
        payment_channel_code=_text(el, "cbc:PaymentChannelCode"),
        instruction_note=_free(el, "cbc:InstructionNote"),
        payer_financial_account=_financial_account(_find(el, "cac:PayerFinancialAccount")),
        payee_financial_account=_financial_account(_find(el, "cac:PayeeFinancialAccount")),
    )


def _payment_terms(el):
    if el is None:
        return None
    return d.PaymentTerms(
        note=_free(el, "cbc:Note"),
        penalty_surcharge_percent=_decimal(el, "cbc:PenaltySurchargePercent"),
        amount=_decimal(el, "cbc:Amount"),
        payment_due_date=_date(el, "cbc:PaymentDueDate"),
    )


def _package(el):
    return d.Package(
        id=_text(el, "cbc:ID"),
        quantity=_decimal(el, "cbc:Quantity"),
        packaging_type_code=_text(el, "cbc:PackagingTypeCode"),
    )


def _transport_handling_unit(el):
    return d.TransportHandlingUnit(
        packages=tuple(_package(n) for n in _all(el, "cac:ActualPackage")),
        transport_equipment_ids=tuple(_identifier(n) for n in _all(el, "cac:TransportEquipment/cbc:ID")),
        customs_declarations=tuple(_customs_declaration(n) for n in _all(el, "cac:CustomsDeclaration")),
    )


def _customs_declaration(el):
    return d.CustomsDeclaration(
        id=_need(_text(el, "cbc:ID"), el, "cbc:ID"),
        issuer_party=_party(_find(el, "cac:IssuerParty")),
    )


def _goods_item(el):
    line = _find(el, "cac:InvoiceLine")
    return d.GoodsItem(
        description=_free(el, "cbc:Description"),
        required_customs_id=_text(el, "cbc:RequiredCustomsID"),
        value_amount=_decimal(el, "cbc:ValueAmount"),
        gross_weight=_quantity(el, "cbc:GrossWeightMeasure"),
        net_weight=_quantity(el, "cbc:NetWeightMeasure"),
        invoice_line=None if line is None else _invoice_line(line, placeholder=True),
    )


def _shipment_stage(el):
    return d.ShipmentStage(
        transport_mode_code=_text(el, "cbc:TransportModeCode"),
        vehicle_plates=tuple(
            _identifier(n) for n in _all(el, "cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID")
        ),
        drivers=tuple(_person(n) for n in _all(el, "cac:DriverPerson")),
    )


def _despatch(el):
    if el is None:
        return None
    return d.Despatch(
        actual_despatch_date=_date(el, "cbc:ActualDespatchDate"),
        actual_despatch_time=_time(el, "cbc:ActualDespatchTime"),
        instructions=_free(el, "cbc:Instructions"),
        despatch_address=_address(_find(el, "cac:DespatchAddress")),
    )


def _delivery_terms(el):
    id_node = _find(el, "cbc:ID")
    return d.DeliveryTerms(
        id=None if id_node is None else string_value(id_node).strip(),
        scheme_id=None if id_node is None else id_node.get("schemeID"),
        special_terms=_free(el, "cbc:SpecialTerms"),
        amount=_decimal(el, "cbc:Amount"),
    )


def _delivery(el):
    if el is None:
        return None
    return d.Delivery(
        id=_text(el, "cbc:ID"),
        quantity=_quantity(el, "cbc:Quantity"),
        actual_delivery_date=_date(el, "cbc:ActualDeliveryDate"),
        actual_delivery_time=_time(el, "cbc:ActualDeliveryTime"),
        delivery_address=_address(_find(el, "cac:DeliveryAddress")),
        carrier_party=_party(_find(el, "cac:CarrierParty")),
        delivery_party=_party(_find(el, "cac:DeliveryParty")),
        despatch=_despatch(_find(el, "cac:Despatch")),
        delivery_terms=tuple(_delivery_terms(n) for n in _all(el, "cac:DeliveryTerms")),
        shipment=_shipment(_find(el, "cac:Shipment")),
    )


def _shipment(el):
    if el is None:
        return None
    return d.Shipment(
        id=_text(el, "cbc:ID") or "",
        handling_code=_text(el, "cbc:HandlingCode"),
        gross_weight=_quantity(el, "cbc:GrossWeightMeasure"),
        net_weight=_quantity(el, "cbc:NetWeightMeasure"),
        total_transport_handling_unit_quantity=_decimal(el, "cbc:TotalTransportHandlingUnitQuantity"),
        declared_for_carriage_value_amount=_decimal(el, "cbc:DeclaredForCarriageValueAmount"),
        insurance_value_amount=_decimal(el, "cbc:InsuranceValueAmount"),
        goods_items=tuple(_goods_item(n) for n in _all(el, "cac:GoodsItem")),
        shipment_stages=tuple(_shipment_stage(n) for n in _all(el, "cac:ShipmentStage")),
        delivery=_delivery(_find(el, "cac:Delivery")),
        transport_handling_units=tuple(
            _transport_handling_unit(n) for n in _all(el, "cac:TransportHandlingUnit")
        ),
    )


def _item_instance(el):
    return d.ItemInstance(
        product_trace_id=_text(el, "cbc:ProductTraceID"),
        manufacture_date=_date(el, "cbc:ManufactureDate"),
        serial_id=_text(el, "cbc:SerialID"),
        lot_number_id=_text(el, "cac:LotIdentification/cbc:LotNumberID"),
        lot_expiry_date=_date(el, "cac:LotIdentification/cbc:ExpiryDate"),
    )


def _item(el, path="cac:Item"):
    node = _need(_find(el, path), el, path)
    return d.Item(
        name=_text(node, "cbc:Name") or "",
        description=_free(node, "cbc:Description"),
        keyword=_text(node, "cbc:Keyword"),
        brand_name=_text(node, "cbc:BrandName"),
        model_name=_text(node, "cbc:ModelName"),
        buyers_item_id=_text(node, "cac:BuyersItemIdentification/cbc:ID"),
        sellers_item_id=_text(node, "cac:SellersItemIdentification/cbc:ID"),
        manufacturers_item_id=_text(node, "cac:ManufacturersItemIdentification/cbc:ID"),
        additional_item_ids=tuple(
            _identifier(n) for n in _all(node, "cac:AdditionalItemIdentification/cbc:ID")
        ),
        origin_country_code=_text(node, "cac:OriginCountry/cbc:IdentificationCode"),
        commodity_classification_codes=tuple(
            string_value(n).strip()
            for n in _all(node, "cac:CommodityClassification/cbc:ItemClassificationCode")
        ),
        instances=tuple(_item_instance(n) for n in _all(node, "cac:ItemInstance")),
    )


def _line_ids(el, path):
    return tuple(string_value(n).strip() for n in _all(el, path))


def _invoice_line(el, *, placeholder=False):
    """``placeholder``: the invoice line GİB nests in a despatch's goods item, whose ID may be absent."""
    return d.InvoiceLine(
        id=_text(el, "cbc:ID") or "" if placeholder else _req(el, "cbc:ID"),
        quantity=_need(_decimal(el, "cbc:InvoicedQuantity"), el, "cbc:InvoicedQuantity"),
        unit_code=_unit(el, "cbc:InvoicedQuantity"),
        line_extension_amount=_need(_decimal(el, "cbc:LineExtensionAmount"), el, "cbc:LineExtensionAmount"),
        price_amount=_need(_decimal(el, "cac:Price/cbc:PriceAmount"), el, "cac:Price/cbc:PriceAmount"),
        item=_item(el),
        notes=_frees(el, "cbc:Note"),
        order_line_reference=_text(el, "cac:OrderLineReference/cbc:LineID"),
        despatch_line_references=_line_ids(el, "cac:DespatchLineReference/cbc:LineID"),
        deliveries=tuple(_delivery(n) for n in _all(el, "cac:Delivery")),
        allowance_charges=_allowance_charges(el),
        tax_total=_tax_total(_find(el, "cac:TaxTotal")),
        withholding_tax_totals=_tax_totals(el, "cac:WithholdingTaxTotal"),
    )


def _is_xslt(ref):
    attachment = ref.attachment
    filename = (attachment.filename or "") if attachment else ""
    return (ref.document_type or "").upper() == "XSLT" or filename.lower().endswith((".xslt", ".xsl"))


def _split(refs, predicate):
    """Pull the first reference matching ``predicate`` out of ``refs``; return (match, rest)."""
    for index, ref in enumerate(refs):
        if predicate(ref):
            return ref, refs[:index] + refs[index + 1 :]
    return None, refs


def _header(el):
    return {
        "profile_id": _req(el, "cbc:ProfileID"),
        "id": _req(el, "cbc:ID"),
        "uuid": _req(el, "cbc:UUID"),
        "issue_date": _need(_date(el, "cbc:IssueDate"), el, "cbc:IssueDate"),
        "notes": _frees(el, "cbc:Note"),
    }


def _copy_indicator(el):
    return bool(_bool(el, "cbc:CopyIndicator"))


_EARCHIVE_KEYS = frozenset(
    (
        "SEND_TYPE",
        "IS_INTERNET",
        "INT_WEBSITE",
        "INT_PAYMENT_METHOD",
        "INT_PAYMENT_AGENT_NAME",
        "INT_PAYMENTDATE",
    )
)


def _earchive(el, profile_id, refs):
    """e-Arşiv data travels as key/value ``AdditionalDocumentReference``s (key in ``DocumentTypeCode``,
    value in ``ID``); they are lifted into ``EArchiveInfo`` and dropped from the plain references."""
    values = {ref.document_type_code: ref.id for ref in refs if ref.document_type_code in _EARCHIVE_KEYS}
    rest = tuple(ref for ref in refs if ref.document_type_code not in _EARCHIVE_KEYS)
    if not values and profile_id != "EARSIVFATURA":
        return None, rest
    sale = None
    if values.get("IS_INTERNET", "").lower() == "true":
        where = "cac:AdditionalDocumentReference"
        paid = values.get("INT_PAYMENTDATE")
        try:
            payment_date = dt.date.fromisoformat(paid) if paid else None
        except ValueError:
            raise _bad(el, where, paid, "date (YYYY-MM-DD)") from None
        sale = d.InternetSale(
            website=_need(values.get("INT_WEBSITE"), el, f"{where}[INT_WEBSITE]"),
            payment_means=_need(values.get("INT_PAYMENT_METHOD"), el, f"{where}[INT_PAYMENT_METHOD]"),
            payment_date=_need(payment_date, el, f"{where}[INT_PAYMENTDATE]"),
            payment_agent_name=values.get("INT_PAYMENT_AGENT_NAME"),
        )
    send_type = values.get("SEND_TYPE")
    info = (
        d.EArchiveInfo(internet_sale=sale)
        if send_type is None
        else d.EArchiveInfo(send_type=send_type, internet_sale=sale)
    )
    return info, rest


def invoice_from_element(el):
    header = _header(el)
    xslt, additional = _split(_references(el, "cac:AdditionalDocumentReference"), _is_xslt)
    earchive, additional = _earchive(el, header["profile_id"], additional)
    return d.Invoice(
        **header,
        invoice_type_code=_req(el, "cbc:InvoiceTypeCode"),
        issue_time=_time(el, "cbc:IssueTime"),
        copy_indicator=_copy_indicator(el),
        document_currency_code=_text(el, "cbc:DocumentCurrencyCode") or "TRY",
        tax_currency_code=_text(el, "cbc:TaxCurrencyCode"),
        pricing_currency_code=_text(el, "cbc:PricingCurrencyCode"),
        payment_currency_code=_text(el, "cbc:PaymentCurrencyCode"),
        payment_alternative_currency_code=_text(el, "cbc:PaymentAlternativeCurrencyCode"),
        accounting_cost=_text(el, "cbc:AccountingCost"),
        invoice_period=_period(_find(el, "cac:InvoicePeriod")),
        order_reference=_order_reference(_find(el, "cac:OrderReference")),
        billing_references=_references(el, "cac:BillingReference/cac:InvoiceDocumentReference"),
        billing_additional_references=_references(el, "cac:BillingReference/cac:AdditionalDocumentReference"),
        despatch_document_references=_references(el, "cac:DespatchDocumentReference"),
        receipt_document_references=_references(el, "cac:ReceiptDocumentReference"),
        originator_document_references=_references(el, "cac:OriginatorDocumentReference"),
        contract_document_references=_references(el, "cac:ContractDocumentReference"),
        additional_document_references=additional,
        xslt=xslt.attachment if xslt else None,
        supplier=_required_party(el, "cac:AccountingSupplierParty/cac:Party"),
        customer=_required_party(el, "cac:AccountingCustomerParty/cac:Party"),
        buyer_customer=_party(_find(el, "cac:BuyerCustomerParty/cac:Party")),
        seller_supplier=_party(_find(el, "cac:SellerSupplierParty/cac:Party")),
        tax_representative=_party(_find(el, "cac:TaxRepresentativeParty")),
        deliveries=tuple(_delivery(n) for n in _all(el, "cac:Delivery")),
        payment_means=tuple(_payment_means(n) for n in _all(el, "cac:PaymentMeans")),
        payment_terms=_payment_terms(_find(el, "cac:PaymentTerms")),
        allowance_charges=_allowance_charges(el),
        tax_exchange_rate=_exchange_rate(_find(el, "cac:TaxExchangeRate")),
        pricing_exchange_rate=_exchange_rate(_find(el, "cac:PricingExchangeRate")),
        payment_exchange_rate=_exchange_rate(_find(el, "cac:PaymentExchangeRate")),
        payment_alternative_exchange_rate=_exchange_rate(_find(el, "cac:PaymentAlternativeExchangeRate")),
        tax_totals=_tax_totals(el, "cac:TaxTotal"),
        withholding_tax_totals=_tax_totals(el, "cac:WithholdingTaxTotal"),
        legal_monetary_total=_monetary_total(el, "cac:LegalMonetaryTotal"),
        lines=tuple(_invoice_line(n) for n in _all(el, "cac:InvoiceLine")),
        earchive=earchive,
    )


def _despatch_line(el):
    return d.DespatchLine(
        id=_req(el, "cbc:ID"),
        delivered_quantity=_need(_decimal(el, "cbc:DeliveredQuantity"), el, "cbc:DeliveredQuantity"),
        unit_code=_unit(el, "cbc:DeliveredQuantity"),
        item=_item(el),
        notes=_frees(el, "cbc:Note"),
        outstanding_quantity=_decimal(el, "cbc:OutstandingQuantity"),
        outstanding_reason=_free(el, "cbc:OutstandingReason"),
        oversupply_quantity=_decimal(el, "cbc:OversupplyQuantity"),
        order_line_reference=_text(el, "cac:OrderLineReference/cbc:LineID") or "",
        shipments=tuple(_shipment(n) for n in _all(el, "cac:Shipment")),
    )


def _is_printed(ref):
    """The printed note a MATBUDAN despatch replaces, marked by DocumentType or DocumentTypeCode."""
    return "MATBU" in {
        (ref.document_type or "").strip().upper(),
        (ref.document_type_code or "").strip().upper(),
    }


def despatch_advice_from_element(el):
    header = _header(el)
    refs = _references(el, "cac:AdditionalDocumentReference")
    xslt, refs = _split(refs, _is_xslt)
    printed, refs = _split(refs, _is_printed)
    return d.DespatchAdvice(
        **header,
        despatch_advice_type_code=_req(el, "cbc:DespatchAdviceTypeCode"),
        issue_time=_need(_time(el, "cbc:IssueTime"), el, "cbc:IssueTime"),
        copy_indicator=_copy_indicator(el),
        order_references=tuple(_order_reference(n) for n in _all(el, "cac:OrderReference")),
        printed_document=printed,
        additional_document_references=refs,
        xslt=xslt.attachment if xslt else None,
        supplier=_required_party(el, "cac:DespatchSupplierParty/cac:Party"),
        supplier_contact_name=_text(el, "cac:DespatchSupplierParty/cac:DespatchContact/cbc:Name"),
        delivery_customer=_required_party(el, "cac:DeliveryCustomerParty/cac:Party"),
        buyer_customer=_party(_find(el, "cac:BuyerCustomerParty/cac:Party")),
        seller_supplier=_party(_find(el, "cac:SellerSupplierParty/cac:Party")),
        originator_customer=_party(_find(el, "cac:OriginatorCustomerParty/cac:Party")),
        shipment=_need(_shipment(_find(el, "cac:Shipment")), el, "cac:Shipment"),
        lines=tuple(_despatch_line(n) for n in _all(el, "cac:DespatchLine")),
    )


def _receipt_line(el):
    return d.ReceiptLine(
        id=_req(el, "cbc:ID"),
        received_quantity=_need(_decimal(el, "cbc:ReceivedQuantity"), el, "cbc:ReceivedQuantity"),
        unit_code=_unit(el, "cbc:ReceivedQuantity"),
        item=_item(el),
        notes=_frees(el, "cbc:Note"),
        short_quantity=_decimal(el, "cbc:ShortQuantity"),
        shortage_action_code=_text(el, "cbc:ShortageActionCode"),
        rejected_quantity=_decimal(el, "cbc:RejectedQuantity"),
        reject_reason_code=_text(el, "cbc:RejectReasonCode"),
        reject_reason=_free(el, "cbc:RejectReason"),
        reject_action_code=_text(el, "cbc:RejectActionCode"),
        oversupply_quantity=_decimal(el, "cbc:OversupplyQuantity"),
        received_date=_date(el, "cbc:ReceivedDate"),
        timing_complaint_code=_text(el, "cbc:TimingComplaintCode"),
        timing_complaint=_free(el, "cbc:TimingComplaint"),
        order_line_reference=_text(el, "cac:OrderLineReference/cbc:LineID"),
        despatch_line_reference=_text(el, "cac:DespatchLineReference/cbc:LineID") or "",
    )


def receipt_advice_from_element(el):
    header = _header(el)
    xslt, refs = _split(_references(el, "cac:AdditionalDocumentReference"), _is_xslt)
    return d.ReceiptAdvice(
        **header,
        receipt_advice_type_code=_text(el, "cbc:ReceiptAdviceTypeCode") or "SEVK",
        issue_time=_time(el, "cbc:IssueTime"),
        copy_indicator=_copy_indicator(el),
        order_references=tuple(_order_reference(n) for n in _all(el, "cac:OrderReference")),
        despatch_document_reference=_need(
            _document_reference(_find(el, "cac:DespatchDocumentReference")),
            el,
            "cac:DespatchDocumentReference",
        ),
        additional_document_references=refs,
        xslt=xslt.attachment if xslt else None,
        delivery_customer=_required_party(el, "cac:DeliveryCustomerParty/cac:Party"),
        delivery_contact_name=_text(el, "cac:DeliveryCustomerParty/cac:DeliveryContact/cbc:Name"),
        despatch_supplier=_required_party(el, "cac:DespatchSupplierParty/cac:Party"),
        despatch_contact_name=_text(el, "cac:DespatchSupplierParty/cac:DespatchContact/cbc:Name"),
        buyer_customer=_party(_find(el, "cac:BuyerCustomerParty/cac:Party")),
        seller_supplier=_party(_find(el, "cac:SellerSupplierParty/cac:Party")),
        shipment=_shipment(_find(el, "cac:Shipment")),
        lines=tuple(_receipt_line(n) for n in _all(el, "cac:ReceiptLine")),
    )


def _line_response(el):
    return d.LineResponse(
        line_id=_text(el, "cac:LineReference/cbc:LineID") or "",
        response_code=_req(el, "cac:Response/cbc:ResponseCode"),
        description=_frees(el, "cac:Response/cbc:Description"),
        document_reference=_document_reference(_find(el, "cac:LineReference/cac:DocumentReference")),
    )


def application_response_from_element(el):
    header = _header(el)
    answer = _need(_find(el, "cac:DocumentResponse"), el, "cac:DocumentResponse")
    return d.ApplicationResponse(
        **header,
        issue_time=_time(el, "cbc:IssueTime"),
        sender=_required_party(el, "cac:SenderParty"),
        receiver=_required_party(el, "cac:ReceiverParty"),
        response_code=_req(answer, "cac:Response/cbc:ResponseCode"),
        description=_frees(answer, "cac:Response/cbc:Description"),
        reference_id=_text(answer, "cac:Response/cbc:ReferenceID"),
        document_reference=_need(
            _document_reference(_find(answer, "cac:DocumentReference")), answer, "cac:DocumentReference"
        ),
        line_responses=tuple(_line_response(n) for n in _all(answer, "cac:LineResponse")),
    )


_BUILDERS = {
    INVOICE: invoice_from_element,
    DESPATCH_ADVICE: despatch_advice_from_element,
    RECEIPT_ADVICE: receipt_advice_from_element,
    APPLICATION_RESPONSE: application_response_from_element,
}


def _load(data, max_bytes, *allowed):
    root = load_xml(data, max_bytes=max_bytes)
    return root, expect_root(root, *allowed)


def parse_document(data, *, max_bytes=DEFAULT_MAX):
    """Any of the four UBL-TR documents, chosen by its root element."""
    root, tag = _load(data, max_bytes, *_BUILDERS)
    return _BUILDERS[tag](root)


def parse_invoice(data, *, max_bytes=DEFAULT_MAX):
    root, _ = _load(data, max_bytes, INVOICE)
    return invoice_from_element(root)


def parse_despatch_advice(data, *, max_bytes=DEFAULT_MAX):
    root, _ = _load(data, max_bytes, DESPATCH_ADVICE)
    return despatch_advice_from_element(root)


def parse_receipt_advice(data, *, max_bytes=DEFAULT_MAX):
    root, _ = _load(data, max_bytes, RECEIPT_ADVICE)
    return receipt_advice_from_element(root)


def parse_application_response(data, *, max_bytes=DEFAULT_MAX):
    root, _ = _load(data, max_bytes, APPLICATION_RESPONSE)
    return application_response_from_element(root)


_SUMMARY_PARTIES = {
    INVOICE: (
        "invoice",
        "cbc:InvoiceTypeCode",
        "cac:AccountingSupplierParty/cac:Party",
        "cac:AccountingCustomerParty/cac:Party",
    ),
    DESPATCH_ADVICE: (
        "despatch_advice",
        "cbc:DespatchAdviceTypeCode",
        "cac:DespatchSupplierParty/cac:Party",
        "cac:DeliveryCustomerParty/cac:Party",
    ),
    RECEIPT_ADVICE: (
        "receipt_advice",
        "cbc:ReceiptAdviceTypeCode",
        "cac:DeliveryCustomerParty/cac:Party",
        "cac:DespatchSupplierParty/cac:Party",
    ),
    APPLICATION_RESPONSE: (
        "application_response",
        "cac:DocumentResponse/cac:Response/cbc:ResponseCode",
        "cac:SenderParty",
        "cac:ReceiverParty",
    ),
}

_REFERENCED = {
    RECEIPT_ADVICE: "cac:DespatchDocumentReference/cbc:ID",
    APPLICATION_RESPONSE: "cac:DocumentResponse/cac:DocumentReference/cbc:ID",
}


def _tax_id(party):
    for node in _all(party, "cac:PartyIdentification/cbc:ID"):
        if node.get("schemeID") in ("VKN", "TCKN"):
            return string_value(node).strip()
    return None


def _sum_amounts(root, path):
    return sum((_decimal_of(n, root, path) for n in _all(root, path)), Decimal(0))


def document_summary(data, *, max_bytes=DEFAULT_MAX):
    """The few header values an inbox or a mailbox index needs, without mapping lines or parties.

    ``sender_vkn``/``receiver_vkn`` hold the VKN or, for a natural person, the TCKN. Totals are
    ``None`` for documents that carry none (despatch, receipt advice, application response).
    """
    root, tag = _load(data, max_bytes, *_BUILDERS)
    kind, type_path, sender_path, receiver_path = _SUMMARY_PARTIES[tag]
    sender = _find(root, sender_path)
    receiver = _find(root, receiver_path)
    totals = _find(root, "cac:LegalMonetaryTotal")
    line_path = {
        INVOICE: "cac:InvoiceLine",
        DESPATCH_ADVICE: "cac:DespatchLine",
        RECEIPT_ADVICE: "cac:ReceiptLine",
    }
    return {
        "kind": kind,
        "uuid": _req(root, "cbc:UUID"),
        "id": _req(root, "cbc:ID"),
        "profile_id": _text(root, "cbc:ProfileID"),
        "type_code": _text(root, type_path),
        "issue_date": _need(_date(root, "cbc:IssueDate"), root, "cbc:IssueDate"),
        "issue_time": _time(root, "cbc:IssueTime"),
        "currency": _text(root, "cbc:DocumentCurrencyCode"),
        "sender_vkn": _tax_id(sender),
        "sender_name": _text(sender, "cac:PartyName/cbc:Name"),
        "receiver_vkn": _tax_id(receiver),
        "receiver_name": _text(receiver, "cac:PartyName/cbc:Name"),
        "line_count": len(_all(root, line_path[tag])) if tag in line_path else None,
        "referenced_id": _text(root, _REFERENCED[tag]) if tag in _REFERENCED else None,
        "line_extension_amount": _decimal(totals, "cbc:LineExtensionAmount"),
        "tax_exclusive_amount": _decimal(totals, "cbc:TaxExclusiveAmount"),
        "tax_inclusive_amount": _decimal(totals, "cbc:TaxInclusiveAmount"),
        "allowance_total_amount": _decimal(totals, "cbc:AllowanceTotalAmount"),
        "payable_amount": _decimal(totals, "cbc:PayableAmount"),
        "tax_amount": _sum_amounts(root, "cac:TaxTotal/cbc:TaxAmount") if tag == INVOICE else None,
        "withholding_amount": (
            _sum_amounts(root, "cac:WithholdingTaxTotal/cbc:TaxAmount") if tag == INVOICE else None
        ),
    }


def sender_tax_ids(root):
    """The VKN/TCKN identifiers of the party that issues (and seals) the parsed document ``root``;
    empty for a root this module does not read. A comment or PI inside the value does not shorten it."""
    parties = _SUMMARY_PARTIES.get(root.tag)
    if parties is None:
        return frozenset()
    return frozenset(
        "".join("".join(node.itertext()).split())
        for node in _all(_find(root, parties[2]), "cac:PartyIdentification/cbc:ID")
        if node.get("schemeID") in ("VKN", "TCKN")
    )
