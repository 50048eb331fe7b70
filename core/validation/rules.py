"""Our own pre-flight rules over the core dataclasses, run before any XML exists.

They catch what users most often get wrong, with a field path (``customer.tax_office``) and a message
that says what to fix, so the ORM can point at the field. Where a rule mirrors one of GİB's schematron
rules, ``MIRRORS`` names it; tests prove both reject the same document. Codes are stable:
``tr_edoc.rule.<area>.<reason>``.
"""

import re
import uuid as uuid_module
from decimal import ROUND_HALF_UP, Decimal

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.tr import tckimlik, vkn

from .. import codes
from ..codes import ExemptionKind, InvoiceTypeCode
from ..states import gib_today
from .issue import Issue

DOCUMENT_ID = re.compile(r"^[A-Z0-9]{3}20[0-9]{2}[0-9]{9}$")
KAMU_IBAN = re.compile(r"^TR\d{7}[A-Z0-9]{17}$")
MAX_AGE_DAYS = 7
"""GİB refuses e-documents issued more than seven days before they are sent."""
TOLERANCE = Decimal("0.01")
CENT = Decimal("0.01")

_T = InvoiceTypeCode
# Types under which a zero KDV needs no exemption code (schematron TaxExemptionReasonCheck).
ZERO_KDV_WITHOUT_REASON = frozenset(
    {_T.IADE, _T.YTBIADE, _T.IHRACKAYITLI, _T.OZELMATRAH, _T.SGK, _T.KONAKLAMAVERGISI}
)
_OZEL_MATRAH = frozenset(c for c, (kind, _) in codes.EXEMPTIONS.items() if kind is ExemptionKind.OZEL_MATRAH)
_IHRAC_KAYITLI = frozenset(
    c for c, (kind, _) in codes.EXEMPTIONS.items() if kind is ExemptionKind.IHRAC_KAYITLI
)
# 151 and 351 are "other" reasons and 555 the fixed-asset code: GİB allows them with any type.
ISTISNA_CODES = frozenset(codes.EXEMPTION_CODES - _OZEL_MATRAH - _IHRAC_KAYITLI - {"151", "351", "555"})
EXEMPTION_TYPES = (
    (ISTISNA_CODES, frozenset({_T.ISTISNA, _T.IADE, _T.IHRACKAYITLI, _T.SGK, _T.YTBISTISNA, _T.YTBIADE})),
    (_OZEL_MATRAH, frozenset({_T.OZELMATRAH, _T.IADE, _T.SGK})),
    (_IHRAC_KAYITLI, frozenset({_T.IHRACKAYITLI, _T.IADE, _T.SGK})),
)
TEVKIFAT_TYPES = frozenset({_T.TEVKIFAT, _T.YTBTEVKIFAT})

MIRRORS = {
    "tr_edoc.rule.header.id_format": "InvoiceIDCheck",
    "tr_edoc.rule.header.uuid_invalid": "UUIDCheck",
    "tr_edoc.rule.header.date_future": "TimeCheck",
    "tr_edoc.rule.header.profile_unknown": "ProfileIDCheck",
    "tr_edoc.rule.header.type_not_allowed_for_profile": "InvoiceTypeCodeCheck",
    "tr_edoc.rule.party.tax_id_missing": "PartyIdentificationPartyNamePersonCheck",
    "tr_edoc.rule.party.vkn_invalid": "PartyIdentificationTCKNVKNCheck",
    "tr_edoc.rule.party.tckn_invalid": "PartyIdentificationTCKNVKNCheck",
    "tr_edoc.rule.party.person_missing": "PartyIdentificationPartyNamePersonCheck",
    "tr_edoc.rule.party.name_missing": "PartyIdentificationPartyNamePersonCheck",
    "tr_edoc.rule.tax.exemption_missing": "TaxExemptionReasonCheck",
    "tr_edoc.rule.tax.exemption_unknown": "TaxExemptionReasonCodeCheck",
    "tr_edoc.rule.tax.exemption_not_for_type": "TaxExemptionReasonCodeCheck",
    "tr_edoc.rule.withholding.code_unknown": "WithholdingTaxTotalCheck",
    "tr_edoc.rule.withholding.ratio_invalid": "WithholdingTaxTotalCheck",
    "tr_edoc.rule.withholding.not_allowed_for_type": "GeneralWithholdingTaxTotalCheck",
    "tr_edoc.rule.billing.reference_missing": "IADEInvioceCheck",
    "tr_edoc.rule.export.buyer_customer_missing": "IhracatYolcuBeraberCheck",
    "tr_edoc.rule.kamu.iban_missing": "KamuFaturaCheck",
    "tr_edoc.rule.currency.exchange_rate_missing": "CurrencyCodeCheck",
    "tr_edoc.rule.despatch.address_incomplete": "DespatchAddressCheck",
    "tr_edoc.rule.despatch.carrier_missing": "DespatchCarrierDriverCheck",
}


def _issue(code, path, message, severity="error", **params):
    return Issue(
        code=f"tr_edoc.rule.{code}",
        path=path,
        message=message,
        params=params,
        source="rule",
        severity=severity,
    )


def _blank(value):
    return value is None or not str(value).strip()


def _differs(a, b):
    return abs(Decimal(a) - Decimal(b)) > TOLERANCE


# Header -----------------------------------------------------------------------------------------


def _check_header(document, today, label, *, numbered=True):
    issues = []
    if not numbered:
        pass
    elif not DOCUMENT_ID.match(document.id or ""):
        issues.append(
            _issue(
                "header.id_format",
                "id",
                f"The {label} number {document.id!r} must be 3 capital letters or digits, the 4-digit year "
                "and "
                "a 9-digit sequence, e.g. ABC2026000000001.",
                value=document.id,
            )
        )
    elif document.issue_date and document.id[3:7] != f"{document.issue_date.year:04d}":
        issues.append(
            _issue(
                "header.id_year_mismatch",
                "id",
                f"The year in the {label} number {document.id} does not match the issue date "
                f"{document.issue_date.isoformat()}.",
                value=document.id,
                year=document.issue_date.year,
            )
        )
    try:
        valid_uuid = str(uuid_module.UUID(document.uuid)) == (document.uuid or "").lower()
    except (ValueError, TypeError, AttributeError):
        valid_uuid = False
    if not valid_uuid:
        issues.append(
            _issue(
                "header.uuid_invalid",
                "uuid",
                f"The ETTN {document.uuid!r} is not a UUID in the 8-4-4-4-12 form.",
                value=document.uuid,
            )
        )
    if document.issue_date and document.issue_date > today:
        issues.append(
            _issue(
                "header.date_future",
                "issue_date",
                f"The issue date {document.issue_date.isoformat()} is in the future; "
                "use today or an earlier date.",
                value=document.issue_date.isoformat(),
            )
        )
    elif document.issue_date and (today - document.issue_date).days > MAX_AGE_DAYS:
        issues.append(
            _issue(
                "header.date_too_old",
                "issue_date",
                f"The issue date {document.issue_date.isoformat()} is more than {MAX_AGE_DAYS} days ago; GİB "
                "refuses documents sent that late.",
                value=document.issue_date.isoformat(),
                max_days=MAX_AGE_DAYS,
            )
        )
    return issues


# Parties ----------------------------------------------------------------------------------------


def check_party(party, path, *, require_tax_office=False):
    """Identity checks every Turkish party of every document needs."""
    if party is None:
        return [_issue("party.missing", path, f"The party {path} is missing.")]
    issues = []
    vkn_value, tckn_value = party.vkn, party.tckn
    if bool(vkn_value) == bool(tckn_value):
        issues.append(
            _issue(
                "party.tax_id_missing",
                f"{path}.identifications",
                f"The party {path} needs exactly one tax number: a 10-digit VKN or an 11-digit TCKN.",
            )
        )
    if vkn_value:
        try:
            vkn.validate(vkn_value)
        except StdnumError:
            issues.append(
                _issue(
                    "party.vkn_invalid",
                    f"{path}.vkn",
                    f"The VKN {vkn_value!r} of {path} is not a valid 10-digit tax number.",
                    value=vkn_value,
                )
            )
        if _blank(party.name):
            issues.append(
                _issue(
                    "party.name_missing",
                    f"{path}.name",
                    f"The company {path} identified by a VKN needs a name.",
                )
            )
    if tckn_value:
        try:
            tckimlik.validate(tckn_value)
        except StdnumError:
            issues.append(
                _issue(
                    "party.tckn_invalid",
                    f"{path}.tckn",
                    f"The TCKN {tckn_value!r} of {path} is not a valid 11-digit Turkish identity number.",
                    value=tckn_value,
                )
            )
        person = party.person
        if person is None or _blank(person.first_name) or _blank(person.family_name):
            issues.append(
                _issue(
                    "party.person_missing",
                    f"{path}.person",
                    f"The person {path} identified by a TCKN needs a first name and a family name.",
                )
            )
    if require_tax_office and _blank(party.tax_office):
        issues.append(
            _issue(
                "party.tax_office_missing",
                f"{path}.tax_office",
                f"Enter the tax office (vergi dairesi) of {path}.",
            )
        )
    address = party.address
    if address is None or _blank(address.city_name) or _blank(address.city_subdivision_name):
        issues.append(
            _issue(
                "party.address_incomplete",
                f"{path}.address",
                f"The address of {path} needs a city (il) and a district (ilçe).",
            )
        )
    return issues


# Taxes ------------------------------------------------------------------------------------------


def _check_tax_subtotals(invoice):
    issues = []
    type_code = invoice.invoice_type_code
    for t, total in enumerate(invoice.tax_totals):
        sub_sum = sum((s.tax_amount for s in total.subtotals), Decimal(0))
        if _differs(sub_sum, total.tax_amount):
            issues.append(
                _issue(
                    "totals.tax_total_mismatch",
                    f"tax_totals[{t}].tax_amount",
                    f"The tax total {total.tax_amount} is not the sum of its lines ({sub_sum}).",
                    expected=str(sub_sum),
                    actual=str(total.tax_amount),
                )
            )
        for s, sub in enumerate(total.subtotals):
            path = f"tax_totals[{t}].subtotals[{s}]"
            code = sub.exemption_reason_code
            if (
                sub.tax_type_code == codes.KDV
                and sub.tax_amount == 0
                and _blank(code)
                and type_code not in ZERO_KDV_WITHOUT_REASON
            ):
                issues.append(
                    _issue(
                        "tax.exemption_missing",
                        f"{path}.exemption_reason_code",
                        f"KDV at {sub.percent or 0} % needs an exemption reason code (e.g. 351) for a "
                        f"{type_code} invoice.",
                        percent=str(sub.percent or 0),
                    )
                )
            if not _blank(code) and code not in codes.EXEMPTION_CODES:
                issues.append(
                    _issue(
                        "tax.exemption_unknown",
                        f"{path}.exemption_reason_code",
                        f"{code!r} is not an exemption code of GİB's code list.",
                        value=code,
                    )
                )
            for code_set, allowed in EXEMPTION_TYPES:
                if code in code_set and type_code not in allowed:
                    issues.append(
                        _issue(
                            "tax.exemption_not_for_type",
                            f"{path}.exemption_reason_code",
                            f"The exemption code {code} cannot be used on a {type_code} invoice; "
                            "allowed types: "
                            f"{', '.join(sorted(allowed))}.",
                            value=code,
                            type=type_code,
                        )
                    )
            if sub.tax_type_code == codes.KDV and sub.percent is not None:
                if sub.percent not in codes.KDV_RATES:
                    issues.append(
                        _issue(
                            "tax.kdv_rate_unusual",
                            f"{path}.percent",
                            f"KDV rate {sub.percent} % is not one of the current rates "
                            f"{', '.join(map(str, codes.KDV_RATES))}.",
                            severity="warning",
                            percent=str(sub.percent),
                        )
                    )
                expected = (sub.taxable_amount * sub.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                if _differs(expected, sub.tax_amount):
                    issues.append(
                        _issue(
                            "tax.amount_mismatch",
                            f"{path}.tax_amount",
                            f"KDV {sub.tax_amount} does not match {sub.percent} % of {sub.taxable_amount} "
                            f"({expected}).",
                            expected=str(expected),
                            actual=str(sub.tax_amount),
                        )
                    )
    return issues


def _check_withholding(invoice):
    issues = []
    type_code = invoice.invoice_type_code
    containers = [("withholding_tax_totals", invoice.withholding_tax_totals)] + [
        (f"lines[{n}].withholding_tax_totals", line.withholding_tax_totals)
        for n, line in enumerate(invoice.lines)
    ]
    present = any(totals for _, totals in containers)
    if present and type_code not in codes.WITHHOLDING_TYPES:
        issues.append(
            _issue(
                "withholding.not_allowed_for_type",
                "withholding_tax_totals",
                f"A {type_code} invoice cannot carry withheld KDV; "
                "use type TEVKIFAT or remove the withholding.",
                type=type_code,
            )
        )
    if type_code in TEVKIFAT_TYPES and not invoice.withholding_tax_totals:
        issues.append(
            _issue(
                "withholding.missing_for_tevkifat",
                "withholding_tax_totals",
                f"A {type_code} invoice needs the withheld KDV (tevkifat code and ratio) on its lines.",
            )
        )
    for base, totals in containers:
        for t, total in enumerate(totals):
            for s, sub in enumerate(total.subtotals):
                path = f"{base}[{t}].subtotals[{s}]"
                code = sub.tax_type_code
                if _blank(code):
                    issues.append(
                        _issue(
                            "withholding.code_missing",
                            f"{path}.tax_type_code",
                            "Withheld KDV needs a tevkifat code (601-627 or 801-825).",
                        )
                    )
                elif code not in codes.WITHHOLDING_PERCENTS:
                    issues.append(
                        _issue(
                            "withholding.code_unknown",
                            f"{path}.tax_type_code",
                            f"{code!r} is not a tevkifat code of GİB's code list.",
                            value=code,
                        )
                    )
                elif sub.percent is None or sub.percent not in codes.WITHHOLDING_PERCENTS[code]:
                    allowed = ", ".join(f"{p} %" for p in sorted(codes.WITHHOLDING_PERCENTS[code]))
                    issues.append(
                        _issue(
                            "withholding.ratio_invalid",
                            f"{path}.percent",
                            f"Tevkifat code {code} allows a ratio of {allowed}, not {sub.percent} %.",
                            value=str(sub.percent),
                            code_value=code,
                        )
                    )
    return issues


# Totals and lines -------------------------------------------------------------------------------


def _check_totals(invoice):
    issues = []
    totals = invoice.legal_monetary_total
    line_sum = sum((line.line_extension_amount for line in invoice.lines), Decimal(0))
    if _differs(line_sum, totals.line_extension_amount):
        issues.append(
            _issue(
                "totals.line_extension_mismatch",
                "legal_monetary_total.line_extension_amount",
                f"The goods/services total {totals.line_extension_amount} "
                f"is not the sum of the lines ({line_sum}).",
                expected=str(line_sum),
                actual=str(totals.line_extension_amount),
            )
        )
    taxes = sum((t.tax_amount for t in invoice.tax_totals), Decimal(0))
    if _differs(totals.tax_exclusive_amount + taxes, totals.tax_inclusive_amount):
        issues.append(
            _issue(
                "totals.tax_inclusive_mismatch",
                "legal_monetary_total.tax_inclusive_amount",
                f"The total with taxes {totals.tax_inclusive_amount} is not the total without taxes "
                f"{totals.tax_exclusive_amount} plus the taxes {taxes}.",
                expected=str(totals.tax_exclusive_amount + taxes),
                actual=str(totals.tax_inclusive_amount),
            )
        )
    for n, line in enumerate(invoice.lines):
        path = f"lines[{n}]"
        if _blank(line.unit_code):
            issues.append(
                _issue(
                    "line.unit_code_missing", f"{path}.unit_code", f"Line {line.id} needs a unit of measure."
                )
            )
        if _blank(line.item.name if line.item else None):
            issues.append(
                _issue("line.item_name_missing", f"{path}.item.name", f"Line {line.id} needs a name.")
            )
        allowances = sum((a.amount for a in line.allowance_charges if not a.charge_indicator), Decimal(0))
        charges = sum((a.amount for a in line.allowance_charges if a.charge_indicator), Decimal(0))
        expected = (line.quantity * line.price_amount - allowances + charges).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        if _differs(expected, line.line_extension_amount):
            issues.append(
                _issue(
                    "line.amount_mismatch",
                    f"{path}.line_extension_amount",
                    f"Line {line.id}: quantity × price less discounts is {expected}, "
                    f"not {line.line_extension_amount}.",
                    expected=str(expected),
                    actual=str(line.line_extension_amount),
                )
            )
        if line.tax_total is None:
            issues.append(
                _issue("line.tax_missing", f"{path}.tax_total", f"Line {line.id} needs its taxes (KDV).")
            )
    return issues


# Scenario rules ---------------------------------------------------------------------------------


def _check_scenario(invoice):
    issues = []
    profile, type_code = invoice.profile_id, invoice.invoice_type_code
    allowed = codes.INVOICE_TYPES_BY_PROFILE.get(profile)
    if allowed is None:
        issues.append(
            _issue(
                "header.profile_unknown",
                "profile_id",
                f"{profile!r} is not a GİB invoice profile.",
                value=profile,
            )
        )
    elif type_code not in allowed:
        issues.append(
            _issue(
                "header.type_not_allowed_for_profile",
                "invoice_type_code",
                f"Invoice type {type_code} is not allowed with profile {profile}; allowed: "
                f"{', '.join(sorted(allowed))}.",
                profile=profile,
                type=type_code,
            )
        )
    if type_code in codes.RETURN_TYPES:
        good = [
            r for r in invoice.billing_references if len(r.id or "") == 16 and r.document_type_code == "IADE"
        ]
        if not good or len(good) != len(invoice.billing_references):
            issues.append(
                _issue(
                    "billing.reference_missing",
                    "billing_references",
                    f"A {type_code} invoice must name each returned invoice: its 16-character number with "
                    "document type code IADE.",
                )
            )
    if invoice.document_currency_code != "TRY" and (
        invoice.pricing_exchange_rate is None or not invoice.pricing_exchange_rate.calculation_rate
    ):
        issues.append(
            _issue(
                "currency.exchange_rate_missing",
                "pricing_exchange_rate",
                f"An invoice in {invoice.document_currency_code} needs the exchange rate to TRY.",
                currency=invoice.document_currency_code,
            )
        )
    if profile == codes.ProfileID.IHRACAT:
        issues += _check_export(invoice)
    if profile == codes.ProfileID.KAMU:
        ibans = [m.payee_financial_account.id for m in invoice.payment_means if m.payee_financial_account]
        if not any(KAMU_IBAN.match(iban or "") for iban in ibans):
            issues.append(
                _issue(
                    "kamu.iban_missing",
                    "payment_means",
                    "A KAMU invoice needs the payee's IBAN (TR followed by 24 characters) "
                    "in the payment means.",
                )
            )
        if invoice.buyer_customer is None:
            issues.append(
                _issue(
                    "kamu.buyer_customer_missing",
                    "buyer_customer",
                    "A KAMU invoice needs the public administration that buys (buyer customer party).",
                )
            )
    issues += _check_earchive(invoice)
    return issues


def _check_export(invoice):
    issues = []
    buyer = invoice.buyer_customer
    if buyer is None or buyer.identification("PARTYTYPE") != "EXPORT":
        issues.append(
            _issue(
                "export.buyer_customer_missing",
                "buyer_customer",
                "An IHRACAT invoice needs the foreign buyer as buyer customer party, "
                "identified as PARTYTYPE EXPORT.",
            )
        )
    for n, line in enumerate(invoice.lines):
        deliveries = line.deliveries
        gtips = [
            g.required_customs_id
            for d in deliveries
            if d.shipment
            for g in d.shipment.goods_items
            if not _blank(g.required_customs_id)
        ]
        if not gtips:
            issues.append(
                _issue(
                    "export.gtip_missing",
                    f"lines[{n}].deliveries",
                    f"Export line {line.id} needs the GTİP (customs tariff number) of the goods.",
                )
            )
        terms = [t for d in deliveries for t in d.delivery_terms if t.scheme_id == "INCOTERMS" and t.id]
        if not terms:
            issues.append(
                _issue(
                    "export.incoterms_missing",
                    f"lines[{n}].deliveries",
                    f"Export line {line.id} needs its delivery terms (INCOTERMS, e.g. FOB or CIF).",
                )
            )
    return issues


def _check_earchive(invoice):
    issues = []
    is_earchive = invoice.profile_id == codes.ProfileID.EARSIVFATURA
    if is_earchive != (invoice.earchive is not None):
        issues.append(
            _issue(
                "earchive.profile_mismatch",
                "earchive",
                "e-Arşiv data and profile EARSIVFATURA go together: set both or neither.",
            )
        )
    if not is_earchive:
        return issues
    if invoice.issue_time is None:
        issues.append(
            _issue("earchive.issue_time_missing", "issue_time", "An e-Arşiv invoice needs its issue time.")
        )
    sale = invoice.earchive.internet_sale if invoice.earchive else None
    if sale is not None:
        missing = [
            name for name in ("website", "payment_means", "payment_date") if _blank(getattr(sale, name, None))
        ]
        carrier = any(d.carrier_party for d in invoice.deliveries)
        if missing or not carrier:
            fields = [*missing, *([] if carrier else ["carrier"])]
            issues.append(
                _issue(
                    "earchive.internet_data_missing",
                    "earchive.internet_sale",
                    "An e-Arşiv internet sale needs the web address, payment method, payment date "
                    "and the carrier; "
                    f"missing: {', '.join(fields)}.",
                    missing=fields,
                )
            )
    return issues


def check_invoice(invoice, *, today=None):
    """All pre-flight rules for an e-Fatura or e-Arşiv invoice; an empty list means ready to build."""
    today = today or gib_today()
    is_export = invoice.profile_id == codes.ProfileID.IHRACAT
    return [
        *_check_header(invoice, today, "invoice"),
        *check_party(invoice.supplier, "supplier", require_tax_office=True),
        *([] if is_export else check_party(invoice.customer, "customer")),
        *_check_scenario(invoice),
        *_check_tax_subtotals(invoice),
        *_check_withholding(invoice),
        *_check_totals(invoice),
    ]


def check_despatch(advice, *, today=None):
    """Pre-flight rules for an e-İrsaliye."""
    today = today or gib_today()
    issues = [
        *_check_header(advice, today, "despatch"),
        *check_party(advice.supplier, "supplier"),
        *check_party(advice.delivery_customer, "delivery_customer"),
    ]
    if advice.despatch_advice_type_code not in {c.value for c in codes.DespatchAdviceTypeCode}:
        issues.append(
            _issue(
                "despatch.type_unknown",
                "despatch_advice_type_code",
                f"{advice.despatch_advice_type_code!r} is not a despatch type (SEVK or MATBUDAN).",
            )
        )
    delivery = advice.shipment.delivery if advice.shipment else None
    address = delivery.delivery_address if delivery else None
    if address is None or _blank(address.city_subdivision_name) or _blank(address.city_name):
        issues.append(
            _issue(
                "despatch.address_incomplete",
                "shipment.delivery.delivery_address",
                "The delivery address needs a city (il) and a district (ilçe).",
            )
        )
    drivers = [
        p for stage in (advice.shipment.shipment_stages if advice.shipment else ()) for p in stage.drivers
    ]
    if (delivery is None or delivery.carrier_party is None) and not drivers:
        issues.append(
            _issue(
                "despatch.carrier_missing",
                "shipment.delivery.carrier_party",
                "Name the carrier company or at least one driver of the shipment.",
            )
        )
    despatch = delivery.despatch if delivery else None
    if despatch is None or despatch.actual_despatch_date is None or despatch.actual_despatch_time is None:
        issues.append(
            _issue(
                "despatch.date_missing",
                "shipment.delivery.despatch",
                "Enter the actual despatch date and time of the goods.",
            )
        )
    if (
        advice.despatch_advice_type_code == codes.DespatchAdviceTypeCode.MATBUDAN
        and advice.printed_document is None
    ):
        issues.append(
            _issue(
                "despatch.printed_document_missing",
                "printed_document",
                "A MATBUDAN despatch must reference the printed despatch note it replaces.",
            )
        )
    for n, line in enumerate(advice.lines):
        if _blank(line.unit_code):
            issues.append(
                _issue(
                    "line.unit_code_missing",
                    f"lines[{n}].unit_code",
                    f"Line {line.id} needs a unit of measure.",
                )
            )
        if _blank(line.item.name if line.item else None):
            issues.append(
                _issue("line.item_name_missing", f"lines[{n}].item.name", f"Line {line.id} needs a name.")
            )
    return issues


def check_receipt_advice(advice, *, today=None):
    """Pre-flight rules for an İrsaliye Yanıtı."""
    today = today or gib_today()
    issues = [
        *_check_header(advice, today, "receipt advice"),
        *check_party(advice.delivery_customer, "delivery_customer"),
        *check_party(advice.despatch_supplier, "despatch_supplier"),
    ]
    if _blank(advice.despatch_document_reference.id if advice.despatch_document_reference else None):
        issues.append(
            _issue(
                "receipt.despatch_reference_missing",
                "despatch_document_reference",
                "Name the despatch advice this answer is about.",
            )
        )
    return issues


def check_application_response(response, *, today=None):
    """Pre-flight rules for a KABUL/RED/IADE answer."""
    today = today or gib_today()
    issues = [
        *_check_header(response, today, "application response", numbered=False),
        *check_party(response.sender, "sender"),
        *check_party(response.receiver, "receiver"),
    ]
    if response.response_code in {"RED", "IADE"} and not any(d.strip() for d in response.description):
        issues.append(
            _issue(
                "response.reason_missing",
                "description",
                f"A {response.response_code} answer needs the reason, which the seller will see.",
            )
        )
    return issues
