"""Our own rules over the core dataclasses: pre-flight for what we send, information for what we receive.

Pre-flight rules (:func:`check_invoice` and friends) catch what users most often get wrong, with a field path
(``customer.tax_office``) and a message that says what to fix, so the ORM can point at the field. They may be
stricter than GİB only where a wrong document would otherwise reach GİB or the buyer; every rule that GİB's
schematron also decides is named in ``MIRRORS`` and tests prove both give the same verdict. Arithmetic
(totals, tax amounts) is never checked by GİB, so it is only a warning here, and every convention GİB accepts
on real documents (withholding netted in the tax total, YTB KDV shown but not added, ÖTV inside the base,
per-line rounding) passes. Incoming documents go through :func:`check_incoming`, which never refuses: it
reports the same findings as warnings. Codes are stable: ``tr_edoc.rule.<area>.<reason>``. The table of
every rule is ``readme/RULES.md``.
"""

import dataclasses
import datetime as dt
import itertools
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
HALF_CENT = Decimal("0.005")
PLACEHOLDER_TCKN = "11111111111"
"""e-Arşiv buyer who gives no identity number (GİB checks the length only)."""
PLACEHOLDER_VKN = "2222222222"
"""e-Arşiv foreign buyer without a Turkish tax number."""
RETURN_DOCUMENT_TYPE_CODES = frozenset({"IADE", "İADE"})
"""GİB's ``IADEInvioceCheck`` accepts the return reference with a dotted or a plain capital I."""
STOPAJ_CODES = frozenset({"0003", "0011"})
"""Income/corporate tax withheld at source: listed as a tax but deducted from what the buyer pays."""

_T = InvoiceTypeCode
# Types under which a zero KDV needs no exemption code (schematron TaxExemptionReasonCheck).
ZERO_KDV_WITHOUT_REASON = frozenset(
    {_T.IADE, _T.YTBIADE, _T.IHRACKAYITLI, _T.OZELMATRAH, _T.SGK, _T.KONAKLAMAVERGISI}
)
_OZEL_MATRAH = frozenset(c for c, (kind, _) in codes.EXEMPTIONS.items() if kind is ExemptionKind.OZEL_MATRAH)
_IHRAC_KAYITLI = frozenset(
    c for c, (kind, _) in codes.EXEMPTIONS.items() if kind is ExemptionKind.IHRAC_KAYITLI
)
_NOT_ISTISNA = _OZEL_MATRAH | _IHRAC_KAYITLI | {"151", "351", "555"}
# 151 and 351 are "other" reasons and 555 the fixed-asset code: GİB allows them with any type.
ISTISNA_CODES = frozenset(codes.EXEMPTION_CODES - _NOT_ISTISNA)
"""``istisnaTaxExemptionReasonCodeType`` of release 20260312; :func:`istisna_codes` by release."""
_ISTISNA_TYPES = frozenset({_T.ISTISNA, _T.IADE, _T.IHRACKAYITLI, _T.SGK, _T.YTBISTISNA, _T.YTBIADE})
EXEMPTION_TYPES = (
    (ISTISNA_CODES, _ISTISNA_TYPES),
    (_OZEL_MATRAH, frozenset({_T.OZELMATRAH, _T.IADE, _T.SGK})),
    (_IHRAC_KAYITLI, frozenset({_T.IHRACKAYITLI, _T.IADE, _T.SGK})),
)
TEVKIFAT_TYPES = frozenset({_T.TEVKIFAT, _T.YTBTEVKIFAT})
DEMIRBAS_PROFILES = frozenset(
    {codes.ProfileID.TEMELFATURA, codes.ProfileID.TICARIFATURA, codes.ProfileID.EARSIVFATURA}
)
"""Profiles under which GİB accepts exemption 555 (KDV on a fixed asset, ``DemirbasKDVTaxExemptionCheck``)."""


def istisna_codes(release=codes.LATEST_RELEASE):
    """``istisnaTaxExemptionReasonCodeType`` of the release (233 joined in 20260701)."""
    return ISTISNA_CODES if release == codes.R20260312 else ISTISNA_CODES | {"233"}


def _exemption_types(release):
    return ((istisna_codes(release), _ISTISNA_TYPES), *EXEMPTION_TYPES[1:])


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
    "tr_edoc.rule.tax.exemption_555_not_allowed": "DemirbasKDVTaxExemptionCheck",
    "tr_edoc.rule.tax.exemption_555_zero_kdv": "DemirbasKDVTaxExemptionCheck",
    "tr_edoc.rule.withholding.code_650_refused": "WithholdingTaxTotalCheck",
    "tr_edoc.rule.export.gtip_702_missing": "TaxExemptionReasonCodeCheck",
    "tr_edoc.rule.hks.kunye_missing": "HKSInvioceCheck",
    "tr_edoc.rule.ilac.item_code_missing": "IlacTibbiCihazAdditionalItemIdentificationCheck",
    "tr_edoc.rule.idis.label_missing": "IdisEtiketNoCheck",
    "tr_edoc.rule.idis.shipment_number_missing": "IdisSevkiyatNoCheck",
    "tr_edoc.rule.teknolojidestek.device_missing": "TeknolojiDestekAdditionalItemIdentificationCheck",
    "tr_edoc.rule.ytb.certificate_missing": "YatirimTesvikContractDocumentReferenceIDCheck",
    "tr_edoc.rule.taxfree.buyer_missing": "IhracatYolcuBeraberCheck",
    "tr_edoc.rule.taxfree.intermediary_missing": "TaxRepresentativePartyCheck",
}
MIRRORS_20260701 = {
    "tr_edoc.rule.despatch.plate_scheme_invalid": "LicensePlateIDSchemeIDCheck",
    "tr_edoc.rule.despatch.plate_format": "LicensePlateIDSchemeIDCheck",
    "tr_edoc.rule.despatch.plate_missing": "LicensePlateIDCheck",
    "tr_edoc.rule.charging.period_missing": "EnerjiInvoicePeriodCheck",
    "tr_edoc.rule.charging.esu_report_missing": "EnerjiESURaporIDCheck",
    "tr_edoc.rule.charging.plate_missing": "EnerjiPartyIdentificationPlakaCheck",
    "tr_edoc.rule.charging.serial_missing": "EnerjiItemInstanceSerialIDCheck",
}
"""Mirrors of rules GİB added in release 20260701; ``test_gib_agreement`` proves them on that release."""


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


def _digits(value, length):
    return len(value) == length and value.isdigit()


def check_party(party, path, *, require_tax_office=False, earchive=False, identity_only=False):
    """Identity checks every Turkish party of every document needs.

    GİB checks only the length of a VKN/TCKN, so a wrong check digit is a warning (the buyer's system
    may not find the party); the e-Arşiv placeholders 11111111111 and 2222222222 pass silently. An answer
    (``identity_only``) names its parties by tax number only.
    """
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
        if not _digits(vkn_value, 10):
            issues.append(
                _issue(
                    "party.vkn_invalid",
                    f"{path}.vkn",
                    f"The VKN {vkn_value!r} of {path} is not a 10-digit tax number.",
                    value=vkn_value,
                )
            )
        elif not (earchive and vkn_value == PLACEHOLDER_VKN):
            try:
                vkn.validate(vkn_value)
            except StdnumError:
                issues.append(
                    _issue(
                        "party.vkn_checksum",
                        f"{path}.vkn",
                        f"The check digit of the VKN {vkn_value} of {path} is wrong; it may be mistyped.",
                        severity="warning",
                        value=vkn_value,
                    )
                )
        if not identity_only and _blank(party.name):
            issues.append(
                _issue(
                    "party.name_missing",
                    f"{path}.name",
                    f"The company {path} identified by a VKN needs a name.",
                )
            )
    if tckn_value:
        if not _digits(tckn_value, 11):
            issues.append(
                _issue(
                    "party.tckn_invalid",
                    f"{path}.tckn",
                    f"The TCKN {tckn_value!r} of {path} is not an 11-digit Turkish identity number.",
                    value=tckn_value,
                )
            )
        elif not (earchive and tckn_value == PLACEHOLDER_TCKN):
            try:
                tckimlik.validate(tckn_value)
            except StdnumError:
                issues.append(
                    _issue(
                        "party.tckn_checksum",
                        f"{path}.tckn",
                        f"The check digits of the TCKN {tckn_value} of {path} are wrong; it may be mistyped.",
                        severity="warning",
                        value=tckn_value,
                    )
                )
        person = party.person
        if not identity_only and (person is None or _blank(person.first_name) or _blank(person.family_name)):
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
    if identity_only:
        return issues
    if address is None or _blank(address.city_name):
        issues.append(
            _issue(
                "party.address_incomplete",
                f"{path}.address",
                f"The address of {path} needs a city (il) and a district (ilçe).",
            )
        )
    elif _blank(address.city_subdivision_name):
        issues.append(
            _issue(
                "party.district_missing",
                f"{path}.address",
                f"The address of {path} has no district (ilçe); GİB accepts it, but the buyer may need it.",
                severity="warning",
            )
        )
    return issues


# Taxes ------------------------------------------------------------------------------------------


def _amount(value):
    return Decimal(0) if value is None else Decimal(value)


def _shown_not_added(sub):
    """YTB ISTISNA writes the KDV with ``CalculationSequenceNumeric`` -1: shown, but not in the total."""
    return sub.calculation_sequence_numeric is not None and sub.calculation_sequence_numeric < 0


def _line_tax_sums(invoice):
    """Per (tax type, percent): the sum of the lines' own rounded tax amounts, and how many lines."""
    sums = {}
    for line in invoice.lines:
        for sub in line.tax_total.subtotals if line.tax_total else ():
            key = (sub.tax_type_code, sub.percent)
            amount, count = sums.get(key, (Decimal(0), 0))
            sums[key] = (amount + _amount(sub.tax_amount), count + 1)
    return sums


def _withheld(invoice):
    totals = invoice.withholding_tax_totals or [
        total for line in invoice.lines for total in line.withholding_tax_totals
    ]
    return sum((_amount(total.tax_amount) for total in totals), Decimal(0))


def _kdv_zero_somewhere(invoice):
    subtotals = [s for t in invoice.tax_totals for s in t.subtotals] + [
        s for line in invoice.lines if line.tax_total for s in line.tax_total.subtotals
    ]
    return any(s.tax_type_code == codes.KDV and (not s.percent or not s.tax_amount) for s in subtotals)


def _check_tax_subtotals(invoice, release):
    issues = []
    demirbas = any(s.exemption_reason_code == "555" for t in invoice.tax_totals for s in t.subtotals)
    if demirbas and _kdv_zero_somewhere(invoice):
        issues.append(
            _issue(
                "tax.exemption_555_zero_kdv",
                "tax_totals",
                "Exemption 555 (demirbaş) is for KDV charged on a fixed asset: no KDV line of this invoice "
                "may have a zero rate or a zero amount.",
            )
        )
    type_code, profile = invoice.invoice_type_code, invoice.profile_id
    line_sums = _line_tax_sums(invoice)
    withheld = _withheld(invoice)
    for t, total in enumerate(invoice.tax_totals):
        gross = sum((_amount(s.tax_amount) for s in total.subtotals), Decimal(0))
        added = sum((_amount(s.tax_amount) for s in total.subtotals if not _shown_not_added(s)), Decimal(0))
        accepted = (gross, added, gross - withheld, added - withheld)
        if all(_differs(value, _amount(total.tax_amount)) for value in accepted):
            issues.append(
                _issue(
                    "totals.tax_total_mismatch",
                    f"tax_totals[{t}].tax_amount",
                    f"The tax total {total.tax_amount} is not the sum of its lines ({added}).",
                    severity="warning",
                    expected=str(added),
                    actual=str(total.tax_amount),
                )
            )
        for s, sub in enumerate(total.subtotals):
            issues += _check_subtotal(
                sub,
                f"tax_totals[{t}].subtotals[{s}]",
                profile=profile,
                type_code=type_code,
                release=release,
                line_sums=line_sums,
            )
    return issues


def _check_subtotal(sub, path, *, profile, type_code, release, line_sums):
    issues = []
    code = sub.exemption_reason_code
    if (
        sub.tax_type_code == codes.KDV
        and not sub.tax_amount
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
    if not _blank(code) and not codes.exemption_allowed(code, profile, type_code, release):
        only_ytb = code in codes.YTB_EXEMPTION_CODES and release != codes.R20260312
        issues.append(
            _issue(
                "tax.exemption_unknown",
                f"{path}.exemption_reason_code",
                f"The exemption code {code} is valid only on investment-incentive (YATIRIMTESVIK or e-Arşiv "
                "YTB) invoices since GİB's release of 1 July 2026."
                if only_ytb
                else f"{code!r} is not an exemption code of GİB's code list.",
                value=code,
                release=release,
            )
        )
    for code_set, allowed in _exemption_types(release):
        if code in code_set and type_code not in allowed:
            issues.append(
                _issue(
                    "tax.exemption_not_for_type",
                    f"{path}.exemption_reason_code",
                    f"The exemption code {code} cannot be used on a {type_code} invoice; allowed types: "
                    f"{', '.join(sorted(allowed))}.",
                    value=code,
                    type=type_code,
                )
            )
    if code == "555" and (
        profile not in DEMIRBAS_PROFILES
        or type_code in {_T.ISTISNA, _T.IHRACKAYITLI}
        or (profile == codes.ProfileID.EARSIVFATURA and str(type_code).startswith("YTB"))
    ):
        issues.append(
            _issue(
                "tax.exemption_555_not_allowed",
                f"{path}.exemption_reason_code",
                "Exemption 555 (KDV on a fixed asset, demirbaş) is allowed only on TEMELFATURA, TICARIFATURA "
                f"and e-Arşiv invoices that are not ISTISNA, IHRACKAYITLI or YTB; this one is {profile} "
                f"{type_code}.",
                profile=profile,
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
        if sub.taxable_amount is not None and sub.tax_amount is not None:
            expected = (sub.taxable_amount * sub.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            line_sum, line_count = line_sums.get((sub.tax_type_code, sub.percent), (None, 0))
            # The sum of per-line rounded KDVs may drift by half a kuruş per line from the rounded total.
            drift = max(TOLERANCE, HALF_CENT * line_count)
            if abs(expected - sub.tax_amount) > drift and (
                line_sum is None or _differs(line_sum, sub.tax_amount)
            ):
                issues.append(
                    _issue(
                        "tax.amount_mismatch",
                        f"{path}.tax_amount",
                        f"KDV {sub.tax_amount} does not match {sub.percent} % of {sub.taxable_amount} "
                        f"({expected}).",
                        severity="warning",
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
    if type_code in TEVKIFAT_TYPES and not present:
        issues.append(
            _issue(
                "withholding.missing_for_tevkifat",
                "withholding_tax_totals",
                f"A {type_code} invoice usually carries the withheld KDV (tevkifat code and ratio) on its "
                "lines; without it the buyer pays the whole KDV.",
                severity="warning",
            )
        )
    for base, totals in containers:
        for t, total in enumerate(totals):
            for s, sub in enumerate(total.subtotals):
                issues += _check_withholding_subtotal(sub, f"{base}[{t}].subtotals[{s}]")
    return issues


def _check_withholding_subtotal(sub, path):
    code = sub.tax_type_code
    if _blank(code):
        return [
            _issue(
                "withholding.code_missing",
                f"{path}.tax_type_code",
                "Withheld KDV needs a tevkifat code (601-627 or 801-825).",
            )
        ]
    if code == "650":
        return [
            _issue(
                "withholding.code_650_refused",
                f"{path}.tax_type_code",
                "Tevkifat code 650 (diğer hizmetler) is in GİB's code list, but GİB's schematron refuses it; "
                "use the code of the service from the KDV Genel Uygulama Tebliği (601-627).",
                value=code,
            )
        ]
    if code not in codes.WITHHOLDING_PERCENTS:
        return [
            _issue(
                "withholding.code_unknown",
                f"{path}.tax_type_code",
                f"{code!r} is not a tevkifat code of GİB's code list.",
                value=code,
            )
        ]
    percent = sub.percent
    if percent is None or percent not in codes.WITHHOLDING_PERCENTS[code]:
        allowed = ", ".join(f"{p} %" for p in sorted(codes.WITHHOLDING_PERCENTS[code]))
        return [
            _issue(
                "withholding.ratio_invalid",
                f"{path}.percent",
                f"Tevkifat code {code} allows a ratio of {allowed}, not {percent} %.",
                value=str(percent),
                code_value=code,
            )
        ]
    return []


# Totals and lines -------------------------------------------------------------------------------


def _tax_groups(invoice):
    """Tax amounts by how real documents treat them in ``TaxInclusiveAmount``: always added (KDV and the
    rest), sometimes inside the base already (ÖTV), sometimes shown but not added (YTB -1, OZELMATRAH),
    sometimes deducted (GV/KV stopajı), and the withheld KDV that some net out."""
    always, otv, optional, stopaj = Decimal(0), Decimal(0), Decimal(0), Decimal(0)
    for total in invoice.tax_totals:
        for sub in total.subtotals:
            amount = _amount(sub.tax_amount)
            if _shown_not_added(sub) or invoice.invoice_type_code == _T.OZELMATRAH:
                optional += amount
            elif sub.tax_type_code in codes.OTV_CODES:
                otv += amount
            elif sub.tax_type_code in STOPAJ_CODES:
                stopaj += amount
            else:
                always += amount
    return always, otv, optional, stopaj, _withheld(invoice)


def _inclusive_candidates(invoice):
    always, otv, optional, stopaj, withheld = _tax_groups(invoice)
    listed = sum((_amount(t.tax_amount) for t in invoice.tax_totals), Decimal(0))
    values = {listed, listed + withheld}
    for with_otv, with_optional, stopaj_sign, with_withheld in itertools.product(
        (1, 0), (0, 1), (1, 0, -1), (0, -1)
    ):
        values.add(
            always
            + with_otv * otv
            + with_optional * optional
            + stopaj_sign * stopaj
            + with_withheld * withheld
        )
    return values


def _check_totals(invoice):
    issues = []
    totals = invoice.legal_monetary_total
    if totals is None:
        return [_issue("totals.missing", "legal_monetary_total", "The invoice has no totals.")]
    line_sum = sum((_amount(line.line_extension_amount) for line in invoice.lines), Decimal(0))
    gross = line_sum + sum(
        (
            _amount(a.amount) * (-1 if a.charge_indicator else 1)
            for line in invoice.lines
            for a in line.allowance_charges
        ),
        Decimal(0),
    )
    if all(_differs(value, _amount(totals.line_extension_amount)) for value in (line_sum, gross)):
        issues.append(
            _issue(
                "totals.line_extension_mismatch",
                "legal_monetary_total.line_extension_amount",
                f"The goods/services total {totals.line_extension_amount} "
                f"is not the sum of the lines ({line_sum}).",
                severity="warning",
                expected=str(line_sum),
                actual=str(totals.line_extension_amount),
            )
        )
    exclusive, inclusive = _amount(totals.tax_exclusive_amount), _amount(totals.tax_inclusive_amount)
    taxes = sum((_amount(t.tax_amount) for t in invoice.tax_totals), Decimal(0))
    if all(_differs(exclusive + value, inclusive) for value in _inclusive_candidates(invoice)):
        issues.append(
            _issue(
                "totals.tax_inclusive_mismatch",
                "legal_monetary_total.tax_inclusive_amount",
                f"The total with taxes {totals.tax_inclusive_amount} is not the total without taxes "
                f"{totals.tax_exclusive_amount} plus the taxes {taxes}.",
                severity="warning",
                expected=str(exclusive + taxes),
                actual=str(totals.tax_inclusive_amount),
            )
        )
    for n, line in enumerate(invoice.lines):
        issues += _check_line(line, f"lines[{n}]")
    return issues


def _check_line(line, path):
    issues = []
    if _blank(line.unit_code):
        issues.append(
            _issue("line.unit_code_missing", f"{path}.unit_code", f"Line {line.id} needs a unit of measure.")
        )
    if _blank(line.item.name if line.item else None):
        issues.append(_issue("line.item_name_missing", f"{path}.item.name", f"Line {line.id} needs a name."))
    if line.quantity is not None and line.price_amount is not None and line.line_extension_amount is not None:
        allowances = sum(
            (_amount(a.amount) for a in line.allowance_charges if not a.charge_indicator), Decimal(0)
        )
        charges = sum((_amount(a.amount) for a in line.allowance_charges if a.charge_indicator), Decimal(0))
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
                    severity="warning",
                    expected=str(expected),
                    actual=str(line.line_extension_amount),
                )
            )
    if line.tax_total is None:
        issues.append(
            _issue(
                "line.tax_missing",
                f"{path}.tax_total",
                f"Line {line.id} does not show its own taxes (KDV); GİB accepts this, but the buyer sees "
                "the KDV only in the document total.",
                severity="warning",
            )
        )
    return issues


# Scenario rules ---------------------------------------------------------------------------------


def _check_scenario(invoice, release):
    issues = []
    profile, type_code = invoice.profile_id, invoice.invoice_type_code
    if profile not in {p.value for p in codes.ProfileID}:
        issues.append(
            _issue(
                "header.profile_unknown",
                "profile_id",
                f"{profile!r} is not a GİB invoice profile.",
                value=profile,
            )
        )
    elif not codes.invoice_type_allowed(profile, type_code, release):
        allowed = codes.invoice_types_for_profile(profile, release)
        issues.append(
            _issue(
                "header.type_not_allowed_for_profile",
                "invoice_type_code",
                f"Invoice type {type_code} is not allowed with profile {profile}; allowed: "
                f"{', '.join(sorted(allowed))}.",
                profile=profile,
                type=type_code,
                release=release,
            )
        )
    if type_code in codes.RETURN_TYPES:
        good = [
            r
            for r in invoice.billing_references
            if len((r.id or "").strip()) == 16 and r.document_type_code in RETURN_DOCUMENT_TYPE_CODES
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
    issues += _check_profile_content(invoice, release)
    return issues


def _item_ids(line, *schemes, filled=True):
    """The line's item identifications of these schemes (GİB wants a value for all but TELEFON/TABLET_PC)."""
    item = line.item
    return [
        i
        for i in (item.additional_item_ids if item else ())
        if i.scheme_id in schemes and not (filled and _blank(i.value))
    ]


def _line_issue(n, line, code, message, **params):
    return _issue(code, f"lines[{n}].item.additional_item_ids", f"Line {line.id}: {message}", **params)


def _702_shipment_complete(shipment):
    """GİB's 702 test for one shipment: a 12-character GTİP and an 11-character ALICIDIBSATIRKOD."""
    gtip = any(len((g.required_customs_id or "").strip()) == 12 for g in shipment.goods_items)
    line_code = any(
        i.scheme_id == "ALICIDIBSATIRKOD" and len((i.value or "").strip()) == 11
        for unit in shipment.transport_handling_units
        for declaration in unit.customs_declarations
        if declaration.issuer_party
        for i in declaration.issuer_party.identifications
    )
    return gtip and line_code


def _check_702(invoice):
    """GİB counts, under 702, the line shipments carrying both the 12-character GTİP and the buyer's
    11-character DİİB line code (``CustomsDeclaration/IssuerParty`` ALICIDIBSATIRKOD) and wants as many
    as there are lines; name each line that has none or more than one."""
    complete = [
        sum(1 for d in line.deliveries if d.shipment and _702_shipment_complete(d.shipment))
        for line in invoice.lines
    ]
    if sum(complete) == len(invoice.lines):
        return []
    return [
        _issue(
            "export.gtip_702_missing",
            f"lines[{n}].deliveries",
            f"Line {line.id}: an İHRAÇ KAYITLI sale with exemption 702 needs the 12-digit GTİP of the goods "
            "and the buyer's 11-digit DİİB line code (ALICIDIBSATIRKOD) in exactly one shipment of the line.",
            shipments=count,
        )
        for n, (line, count) in enumerate(zip(invoice.lines, complete, strict=True))
        if count != 1
    ]


def _check_tax_free(invoice):
    """YOLCUBERABER: the traveller as TAXFREE buyer and exactly one intermediary (ARACIKURUMVKN)."""
    issues = []
    buyer = invoice.buyer_customer
    if buyer is None or buyer.identification("PARTYTYPE") != "TAXFREE":
        issues.append(
            _issue(
                "taxfree.buyer_missing",
                "buyer_customer",
                "A YOLCUBERABER (tax-free) invoice needs the traveller as buyer customer party, identified "
                "as PARTYTYPE TAXFREE.",
            )
        )
    representative = invoice.tax_representative
    ids = [
        i.value.strip()
        for i in (representative.identifications if representative else ())
        if i.scheme_id == "ARACIKURUMVKN" and i.value
    ]
    if len(ids) != 1 or len(ids[0]) not in (10, 11):
        issues.append(
            _issue(
                "taxfree.intermediary_missing",
                "tax_representative",
                "A YOLCUBERABER (tax-free) invoice needs exactly one intermediary (aracı kurum) as tax "
                "representative, with its 10-digit VKN or 11-digit TCKN under scheme ARACIKURUMVKN.",
            )
        )
    return issues


def _check_profile_content(invoice, release):
    """What each special profile or type needs on top of a plain invoice, said the way the accountant
    knows it; each mirrors one of GİB's asserts (``MIRRORS``)."""
    issues = []
    profile, type_code = invoice.profile_id, invoice.invoice_type_code
    ytb = profile == codes.ProfileID.YATIRIMTESVIK or (
        profile == codes.ProfileID.EARSIVFATURA and type_code in codes.YTB_EARCHIVE_TYPES
    )
    for n, line in enumerate(invoice.lines):
        if profile == codes.ProfileID.HKS and not any(
            len(i.value.strip()) == 19 for i in _item_ids(line, "KUNYENO")
        ):
            issues.append(
                _line_issue(
                    n,
                    line,
                    "hks.kunye_missing",
                    "an HKS invoice needs the 19-character HKS künye number "
                    "(KUNYENO) of the goods on every line.",
                )
            )
        if profile == codes.ProfileID.ILAC_TIBBICIHAZ and not _item_ids(line, "ILAC", "TIBBICIHAZ", "DIGER"):
            issues.append(
                _line_issue(
                    n,
                    line,
                    "ilac.item_code_missing",
                    "an İLAÇ/TIBBİ CİHAZ invoice needs the "
                    "medicine or medical device code (ILAC, TIBBICIHAZ or DIGER) on every line.",
                )
            )
        if profile == codes.ProfileID.IDIS and not any(
            len(i.value) == 9 and i.value[:2].isalpha() and i.value[2:].isdigit()
            for i in _item_ids(line, "ETIKETNO")
        ):
            issues.append(
                _line_issue(
                    n,
                    line,
                    "idis.label_missing",
                    "an İDİS invoice needs the label number (ETIKETNO: "
                    "two letters and seven digits, e.g. AB1234567) on every line.",
                )
            )
        if type_code == _T.TEKNOLOJIDESTEK and not _item_ids(line, "TELEFON", "TABLET_PC", filled=False):
            issues.append(
                _line_issue(
                    n,
                    line,
                    "teknolojidestek.device_missing",
                    "a TEKNOLOJIDESTEK invoice needs the "
                    "phone or tablet identification (TELEFON or TABLET_PC, e.g. the IMEI) on every line.",
                )
            )
    if profile == codes.ProfileID.IDIS:
        prefixes = ("SE-",) if release == codes.R20260312 else ("SE-", "ES-")
        numbers = [
            i.value
            for i in (invoice.supplier.identifications if invoice.supplier else ())
            if i.scheme_id == "SEVKIYATNO"
        ]
        if not any(len(v) == 10 and v.startswith(prefixes) and v[3:].isdigit() for v in numbers):
            issues.append(
                _issue(
                    "idis.shipment_number_missing",
                    "supplier.identifications",
                    "An İDİS invoice needs the seller's shipment number (SEVKIYATNO) written as "
                    f"{' or '.join(p + '0000000' for p in prefixes)}.",
                )
            )
    if profile == codes.ProfileID.YOLCUBERABERFATURA:
        issues += _check_tax_free(invoice)
    if ytb:
        numbers = [r for r in invoice.contract_document_references if r.scheme_id == "YTBNO"]
        good = (
            len(invoice.contract_document_references) == 1
            and numbers
            and len(numbers[0].id) == 6
            and numbers[0].id.isdigit()
        )
        if not good:
            issues.append(
                _issue(
                    "ytb.certificate_missing",
                    "contract_document_references",
                    "An investment-incentive (YTB) invoice needs exactly one contract reference: the 6-digit "
                    "number of the yatırım teşvik belgesi (scheme YTBNO).",
                )
            )
    if type_code == _T.IHRACKAYITLI and any(
        sub.exemption_reason_code == "702" for total in invoice.tax_totals for sub in total.subtotals
    ):
        issues += _check_702(invoice)
    if type_code in {_T.SARJ, _T.SARJANLIK} and release != codes.R20260312:
        issues += _check_charging(invoice)
    return issues


_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_CHARGING_PLATE = re.compile(r"[A-Z0-9_-]{1,50}")


def _check_charging(invoice):
    """Electric-vehicle charging (SARJ, SARJANLIK) since GİB's release of 1 July 2026: the session with
    start and end time, the car's plate on the buyer, the ESU report (SARJ) or the charge point's serial
    number on every line (SARJANLIK)."""
    issues = []
    period = invoice.invoice_period
    earliest = dt.date(2005, 1, 1)
    if (
        period is None
        or None in (period.start_date, period.start_time, period.end_date, period.end_time)
        or min(period.start_date, period.end_date) < earliest
    ):
        issues.append(
            _issue(
                "charging.period_missing",
                "invoice_period",
                "A charging invoice needs the charging period: start date and time, end date and time.",
            )
        )
    plates = (
        [i for i in invoice.customer.identifications if i.scheme_id == "PLAKA"] if invoice.customer else []
    )
    if len(plates) != 1 or not _CHARGING_PLATE.fullmatch((plates[0].value or "").strip()):
        issues.append(
            _issue(
                "charging.plate_missing",
                "customer.identifications",
                "A charging invoice needs exactly one plate of the charged vehicle (PLAKA) on the buyer, in "
                "capital letters and digits without spaces (e.g. 06ABC123).",
            )
        )
    if invoice.invoice_type_code == _T.SARJ and not any(
        r.scheme_id == "ESURaporID" and _GUID.fullmatch((r.id or "").strip())
        for r in invoice.additional_document_references
    ):
        issues.append(
            _issue(
                "charging.esu_report_missing",
                "additional_document_references",
                "A SARJ invoice needs the charge point's ESU report number (ESURaporID, a UUID) as a "
                "document reference.",
            )
        )
    if invoice.invoice_type_code == _T.SARJANLIK:
        issues += [
            _issue(
                "charging.serial_missing",
                f"lines[{n}].item.instances",
                f"Line {line.id}: a SARJANLIK invoice needs the charge point's serial number on every line.",
            )
            for n, line in enumerate(invoice.lines)
            if not any(not _blank(i.serial_id) for i in (line.item.instances if line.item else ()))
        ]
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
            _issue(
                "earchive.issue_time_missing",
                "issue_time",
                "The e-Arşiv invoice has no issue time; GİB accepts it, but most integrators and the "
                "printed invoice show it.",
                severity="warning",
            )
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


def check_invoice(invoice, *, today=None, release=None):
    """All pre-flight rules for an e-Fatura or e-Arşiv invoice; no error means ready to build.

    ``release`` is the GİB schematron release the document is judged by; by default the one in force on
    its issue date.
    """
    today = today or gib_today()
    release = release or codes.release_for(invoice.issue_date)
    is_export = invoice.profile_id == codes.ProfileID.IHRACAT
    earchive = invoice.profile_id == codes.ProfileID.EARSIVFATURA
    return [
        *_check_header(invoice, today, "invoice"),
        *check_party(invoice.supplier, "supplier", require_tax_office=True),
        *([] if is_export else check_party(invoice.customer, "customer", earchive=earchive)),
        *_check_scenario(invoice, release),
        *_check_tax_subtotals(invoice, release),
        *_check_withholding(invoice),
        *_check_totals(invoice),
    ]


def check_incoming(issues):
    """The same findings for a document we received: information only, nothing refuses it."""
    return [dataclasses.replace(issue, severity="warning") for issue in issues]


def _check_plate(identifier, path, schemes, *, what, check_format):
    """Scheme from the release's list and GİB's plate format (20260701: 34ABC123 without spaces)."""
    value, scheme = (identifier.value or "").strip(), identifier.scheme_id
    if scheme not in schemes:
        return [
            _issue(
                "despatch.plate_scheme_invalid",
                path,
                f"The {what} {value!r} needs one of the schemes {', '.join(sorted(schemes))}, "
                f"not {scheme!r}.",
                value=value,
                scheme=scheme,
            )
        ]
    foreign = scheme.startswith("YABANCI")
    pattern = codes.FOREIGN_PLATE if foreign else codes.TR_PLATE
    if check_format and not pattern.match(value):
        example = (
            "capital letters, digits, - or _" if foreign else "province 01-81, letters, digits, e.g. 34ABC123"
        )
        return [
            _issue(
                "despatch.plate_format",
                path,
                f"The {what} {value!r} is not written the way GİB requires ({example}, no spaces).",
                value=value,
            )
        ]
    return []


def _check_transport(advice, release):
    """Plates and trailers of a despatch as the release in force judges them."""
    shipment = advice.shipment
    if shipment is None:
        return []
    issues = []
    plate_schemes = codes.license_plate_schemes(release)
    for s, stage in enumerate(shipment.shipment_stages):
        if len(stage.vehicle_plates) > 1:
            issues.append(
                _issue(
                    "despatch.plates_per_stage",
                    f"shipment.shipment_stages[{s}].vehicle_plates",
                    "A shipment stage names one vehicle: put each further vehicle in a stage of its own and "
                    "trailers under the transport handling unit.",
                )
            )
        for p, plate in enumerate(stage.vehicle_plates):
            path = f"shipment.shipment_stages[{s}].vehicle_plates[{p}]"
            issues += _check_plate(
                plate, path, plate_schemes, what="plate", check_format=release != codes.R20260312
            )
    if release == codes.R20260312:
        return issues
    for u, unit in enumerate(shipment.transport_handling_units):
        for e, trailer in enumerate(unit.transport_equipment_ids):
            path = f"shipment.transport_handling_units[{u}].transport_equipment_ids[{e}]"
            issues += _check_plate(
                trailer, path, codes.TRANSPORT_EQUIPMENT_SCHEMES, what="trailer plate", check_format=True
            )
    drivers = any(stage.drivers for stage in shipment.shipment_stages)
    plates = any((p.value or "").strip() for stage in shipment.shipment_stages for p in stage.vehicle_plates)
    if drivers and not plates:
        issues.append(
            _issue(
                "despatch.plate_missing",
                "shipment.shipment_stages",
                "A despatch with a driver needs the vehicle's plate (PLAKA or YABANCIPLAKA).",
            )
        )
    return issues


def check_despatch(advice, *, today=None, release=None):
    """Pre-flight rules for an e-İrsaliye."""
    today = today or gib_today()
    release = release or codes.release_for(advice.issue_date)
    issues = [
        *_check_transport(advice, release),
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
        *check_party(response.sender, "sender", identity_only=True),
        *check_party(response.receiver, "receiver", identity_only=True),
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
