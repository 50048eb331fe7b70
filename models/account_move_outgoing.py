import datetime
import uuid as uuidlib
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_repr

from ..core import codes
from ..core.documents import (
    Address,
    AllowanceCharge,
    Contact,
    Delivery,
    DeliveryTerms,
    DocumentReference,
    EArchiveInfo,
    ExchangeRate,
    FinancialAccount,
    GoodsItem,
    Identifier,
    InternetSale,
    Invoice,
    InvoiceLine,
    Item,
    MonetaryTotal,
    Party,
    PartyLegalEntity,
    PaymentMeans,
    Person,
    Shipment,
    ShipmentStage,
    TaxSubtotal,
    TaxTotal,
    merge_tax_subtotals,
    merge_withholding,
    tax_total_from_subtotals,
)
from ..core.states import ISTANBUL
from ..core.ubl import build_invoice, serialize
from ..core.ubl.numbering import format_number
from ..core.validation.rules import ISTISNA_CODES, check_invoice
from .res_partner import normalize_tax_id

PROFILES = [
    ("TEMELFATURA", "e-Fatura: TEMELFATURA"),
    ("TICARIFATURA", "e-Fatura: TICARIFATURA (buyer accepts or rejects)"),
    ("KAMU", "e-Fatura: KAMU (public administration)"),
    ("IHRACAT", "e-Fatura: IHRACAT (export)"),
    ("EARSIVFATURA", "e-Arşiv"),
]
TYPE_CODES = [
    ("SATIS", "SATIS (sale)"),
    ("IADE", "IADE (return)"),
    ("TEVKIFAT", "TEVKIFAT (withholding)"),
    ("TEVKIFATIADE", "TEVKIFATIADE (withholding return)"),
    ("ISTISNA", "ISTISNA (exempt)"),
    ("IHRACKAYITLI", "IHRACKAYITLI (export-registered)"),
    ("OZELMATRAH", "OZELMATRAH (special base)"),
]
PAYMENT_METHODS = [
    ("KREDIKARTI/BANKAKARTI", "Credit or bank card"),
    ("EFT/HAVALE", "Bank transfer"),
    ("KAPIDAODEME", "Cash on delivery"),
    ("ODEMEARACISI", "Payment intermediary"),
    ("DIGER", "Other"),
]
TRANSPORT_MODES = [
    ("1", "Sea"),
    ("2", "Rail"),
    ("3", "Road"),
    ("4", "Air"),
    ("5", "Post"),
    ("7", "Fixed installation"),
    ("8", "Inland waterway"),
]
EXPORT_EXEMPTION = "301"
"""KDV exemption 11/1-a, export of goods: never on a sale to a buyer in Türkiye."""
# Export invoices are addressed to the customs administration (GTB); the foreign buyer is BuyerCustomerParty.
GTB_VKN = "1460415308"
GTB_NAME = "Gümrük ve Ticaret Bakanlığı Gümrükler Genel Müdürlüğü-Bilgi İşlem Dairesi Başkanlığı"
GTB_ALIAS = "urn:mail:ihracatpk@gtb.gov.tr"
CENT = Decimal("0.01")
# İzibiz's own table (seed 001): EFT/HAVALE is 46, not UN/EDIFACT's bank-account 42.
PAYMENT_MEANS_CODE = {"KREDIKARTI/BANKAKARTI": "48", "EFT/HAVALE": "46", "KAPIDAODEME": "10"}


def _amount(value, currency):
    """An ORM monetary value as the Decimal GİB reads, rounded the way the currency rounds."""
    return Decimal(float_repr(currency.round(value), currency.decimal_places))


# Odoo's standard units by name; anything else is a piece (C62), which GİB always accepts.
_UNIT_CODES = {"units": "C62", "kg": "KGM", "g": "GRM", "l": "LTR", "m": "MTR", "hours": "HUR", "days": "DAY"}


def _unit_code(uom):
    return _UNIT_CODES.get((uom.name or "").lower(), "C62")


def _rate(value):
    return Decimal(float_repr(value, 6)).normalize()


class AccountMove(models.Model):
    _inherit = "account.move"

    l10n_tr_edoc_applicable = fields.Boolean(compute="_compute_l10n_tr_edoc_applicable")
    l10n_tr_edoc_profile = fields.Selection(
        PROFILES,
        string="GİB Scenario",
        compute="_compute_l10n_tr_edoc_profile",
        store=True,
        readonly=False,
        copy=False,
        help="e-Fatura scenario for customers registered with GİB, e-Arşiv for the others.",
    )
    l10n_tr_edoc_gib_check_needed = fields.Boolean(
        string="GİB Registration To Check",
        compute="_compute_l10n_tr_edoc_gib_check_needed",
        help="The customer's GİB registration is unknown or old: check it before sending, so the "
        "invoice does not go as e-Arşiv to an e-Fatura user.",
    )
    l10n_tr_edoc_type_code = fields.Selection(
        TYPE_CODES,
        string="GİB Invoice Type",
        compute="_compute_l10n_tr_edoc_type_code",
        store=True,
        readonly=False,
        copy=False,
    )
    l10n_tr_edoc_receiver_alias = fields.Char(
        string="Receiver Alias (PK)",
        compute="_compute_l10n_tr_edoc_receiver_alias",
        store=True,
        readonly=False,
        copy=False,
        help="The customer's GİB mailbox; empty uses the customer's first registered alias.",
    )
    l10n_tr_edoc_send_type = fields.Selection(
        [("ELEKTRONIK", "Electronic"), ("KAGIT", "Paper")],
        string="e-Arşiv Delivery",
        default="ELEKTRONIK",
        copy=False,
    )
    l10n_tr_edoc_internet_sale = fields.Boolean(string="Internet Sale", copy=False)
    l10n_tr_edoc_website = fields.Char(string="Web Shop Address", copy=False)
    l10n_tr_edoc_payment_method = fields.Selection(PAYMENT_METHODS, string="Payment Method", copy=False)
    l10n_tr_edoc_payment_date = fields.Date(string="Payment Date", copy=False)
    l10n_tr_edoc_payment_agent = fields.Char(
        string="Payment Agent", copy=False, help="e.g. the card processor."
    )
    l10n_tr_edoc_carrier_id = fields.Many2one("res.partner", string="Carrier", copy=False)
    l10n_tr_edoc_transport_mode = fields.Selection(TRANSPORT_MODES, string="Transport Mode", copy=False)
    l10n_tr_edoc_kamu_buyer_id = fields.Many2one(
        "res.partner",
        string="Public Buyer",
        copy=False,
        help="KAMU: the public administration that buys; the customer is its paying accounting unit.",
    )
    l10n_tr_edoc_number = fields.Char(
        string="GİB Number", related="l10n_tr_edoc_document_id.name", help="Assigned at the first submission."
    )
    l10n_tr_edoc_response_reason = fields.Text(related="l10n_tr_edoc_document_id.response_reason")

    @api.depends("country_code", "move_type", "company_id")
    def _compute_l10n_tr_edoc_applicable(self):
        accounts = self.env["l10n_tr_edoc.account"].search([("company_id", "in", self.company_id.ids)])
        companies = accounts.company_id
        for move in self:
            move.l10n_tr_edoc_applicable = (
                move.country_code == "TR"
                and move.move_type in ("out_invoice", "out_refund")
                and move.company_id in companies
            )

    @api.depends(
        "partner_id.l10n_tr_edoc_einvoice_status",
        "partner_id.country_id",
        "partner_id.l10n_tr_edoc_einvoice_profile",
        "move_type",
        "invoice_date",
    )
    def _compute_l10n_tr_edoc_profile(self):
        for move in self:
            if move.l10n_tr_edoc_is_live:
                move.l10n_tr_edoc_profile = move.l10n_tr_edoc_profile
                continue
            partner = move.partner_id.commercial_partner_id
            if partner.country_id and partner.country_id.code != "TR":
                move.l10n_tr_edoc_profile = "IHRACAT" if move.move_type == "out_invoice" else "EARSIVFATURA"
            elif partner.l10n_tr_edoc_einvoice_status != "registered" or not (
                partner._l10n_tr_edoc_einvoice_registered_on(move.invoice_date)
            ):
                move.l10n_tr_edoc_profile = "EARSIVFATURA"
            elif move.move_type == "out_refund":
                move.l10n_tr_edoc_profile = "TEMELFATURA"
            else:
                move.l10n_tr_edoc_profile = (
                    partner.l10n_tr_edoc_einvoice_profile
                    or move.company_id.l10n_tr_edoc_einvoice_profile
                    or "TEMELFATURA"
                )

    @api.depends(
        "partner_id.commercial_partner_id.l10n_tr_edoc_einvoice_status",
        "partner_id.commercial_partner_id.l10n_tr_edoc_gib_checked_at",
        "l10n_tr_edoc_profile",
        "l10n_tr_edoc_applicable",
        "l10n_tr_edoc_state",
    )
    def _compute_l10n_tr_edoc_gib_check_needed(self):
        for move in self:
            move.l10n_tr_edoc_gib_check_needed = move._l10n_tr_edoc_needs_gib_check()

    def _l10n_tr_edoc_needs_gib_check(self):
        """Not sent yet, to a domestic customer whose registration is unknown or stale."""
        self.ensure_one()
        return bool(
            self.l10n_tr_edoc_applicable
            and not self.l10n_tr_edoc_is_live
            and self.l10n_tr_edoc_profile != "IHRACAT"
            and self.partner_id.commercial_partner_id._l10n_tr_edoc_gib_check_needed()
        )

    def action_l10n_tr_edoc_check_gib_user(self):
        """The one click before sending: ask the company's integrator about the customer now."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        return partner.action_l10n_tr_edoc_check_gib_user()

    @api.depends("l10n_tr_edoc_profile", "move_type", "invoice_line_ids.tax_ids")
    def _compute_l10n_tr_edoc_type_code(self):
        for move in self:
            taxes = move.invoice_line_ids.tax_ids.flatten_taxes_hierarchy()
            withholding = any(tax.l10n_tr_edoc_withholding_id for tax in taxes)
            exemptions = {
                tax.l10n_tr_edoc_exemption_id.code for tax in taxes if tax.l10n_tr_edoc_exemption_id
            }
            if move.move_type == "out_refund":
                move.l10n_tr_edoc_type_code = "TEVKIFATIADE" if withholding else "IADE"
            elif withholding:
                move.l10n_tr_edoc_type_code = "TEVKIFAT"
            elif move.l10n_tr_edoc_profile == "IHRACAT" or (exemptions and exemptions <= ISTISNA_CODES):
                move.l10n_tr_edoc_type_code = "ISTISNA"
            elif exemptions and all(code.startswith("7") for code in exemptions):
                move.l10n_tr_edoc_type_code = "IHRACKAYITLI"
            else:
                move.l10n_tr_edoc_type_code = "SATIS"

    @api.depends("partner_id.l10n_tr_edoc_einvoice_alias")
    def _compute_l10n_tr_edoc_receiver_alias(self):
        for move in self:
            move.l10n_tr_edoc_receiver_alias = (
                move.partner_id.commercial_partner_id.l10n_tr_edoc_einvoice_alias
            )

    # -- posting and the draft guard -----------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.l10n_tr_edoc_applicable and not m.l10n_tr_edoc_uuid):
            move.l10n_tr_edoc_uuid = str(uuidlib.uuid4()).upper()
        return posted

    @api.depends("l10n_tr_edoc_state")
    def _compute_show_reset_to_draft_button(self):
        super()._compute_show_reset_to_draft_button()
        for move in self.filtered("l10n_tr_edoc_is_live"):
            move.show_reset_to_draft_button = False

    def button_draft(self):
        if not self.env.context.get("l10n_tr_edoc_allow_draft") and (
            live := self.filtered("l10n_tr_edoc_is_live")
        ):
            raise UserError(
                self.env._(
                    "%s was sent to GİB: it cannot go back to draft. Cancel it (e-Arşiv) or issue a "
                    "credit note instead.",
                    live[0].display_name,
                )
            )
        return super().button_draft()

    # -- ORM → core.documents.Invoice -----------------------------------------------------------

    def _l10n_tr_edoc_series_kind(self):
        self.ensure_one()
        if self.l10n_tr_edoc_profile == "IHRACAT":
            return "export"
        if self.l10n_tr_edoc_profile == "EARSIVFATURA":
            return "earchive_internet" if self.l10n_tr_edoc_internet_sale else "earchive"
        return "einvoice"

    def _l10n_tr_edoc_series(self):
        self.ensure_one()
        return self.env["l10n_tr_edoc.series"]._l10n_tr_edoc_find(
            self.company_id, self._l10n_tr_edoc_series_kind(), journal=self.journal_id
        )

    def _l10n_tr_edoc_address(self, partner):
        district = partner.city or (partner.state_id.name or "")
        return Address(
            street_name=partner.street or None,
            additional_street_name=partner.street2 or None,
            city_subdivision_name=district or None,
            city_name=partner.state_id.name or partner.city or None,
            postal_zone=partner.zip or None,
            country_code=partner.country_id.code or None,
            country_name=partner.country_id.name or None,
        )

    def _l10n_tr_edoc_party(self, partner):
        """A Turkish party identified by its VKN (company) or TCKN (person)."""
        partner = partner.commercial_partner_id
        tax_id = normalize_tax_id(partner.vat)
        scheme = "TCKN" if len(tax_id) == 11 else "VKN"
        person = None
        if scheme == "TCKN":
            first, _sep, family = (partner.name or "").rpartition(" ")
            person = Person(first_name=first or partner.name or "", family_name=family)
        return Party(
            identifications=(Identifier(value=tax_id, scheme_id=scheme),) if tax_id else (),
            name=partner.name if scheme == "VKN" else None,
            address=self._l10n_tr_edoc_address(partner),
            tax_office=partner.l10n_tr_edoc_tax_office or None,
            contact=Contact(telephone=partner.phone or None, electronic_mail=partner.email or None),
            person=person,
            website_uri=partner.website or None,
        )

    def _l10n_tr_edoc_foreign_buyer(self):
        partner = self.partner_id.commercial_partner_id
        return Party(
            identifications=(Identifier(value="EXPORT", scheme_id="PARTYTYPE"),),
            name=partner.name,
            address=self._l10n_tr_edoc_address(partner),
            tax_office=partner.l10n_tr_edoc_tax_office or None,
            legal_entities=(
                PartyLegalEntity(registration_name=partner.name, company_id=partner.vat or None),
            ),
        )

    @api.model
    def _l10n_tr_edoc_gtb_party(self):
        return Party(
            identifications=(Identifier(value=GTB_VKN, scheme_id="VKN"),),
            name=GTB_NAME,
            address=Address(
                city_subdivision_name="Ulus", city_name="Ankara", country_code="TR", country_name="Türkiye"
            ),
            tax_office="Ulus",
        )

    def _l10n_tr_edoc_lines(self):
        """Invoice lines with their taxes as GİB codes, from Odoo's own rounded tax computation."""
        self.ensure_one()
        currency = self.currency_id
        base_lines, _tax_lines = self._get_rounded_base_and_tax_lines()
        is_return = self.l10n_tr_edoc_type_code in codes.RETURN_TYPES
        lines = []
        for number, base_line in enumerate(
            (
                bl
                for bl in base_lines
                if bl["record"]._name == "account.move.line" and bl["record"].display_type == "product"
            ),
            start=1,
        ):
            aml = base_line["record"]
            details = base_line["tax_details"]
            subtotal = _amount(details["total_excluded_currency"], currency)
            quantity = Decimal(float_repr(aml.quantity, 6)).normalize() or Decimal(1)
            subtotals, withheld = [], []
            kdv_amount = Decimal(0)
            for tax_data in details["taxes_data"]:
                tax = tax_data["tax"]
                tax_amount = _amount(tax_data["tax_amount_currency"], currency)
                base_amount = _amount(tax_data["base_amount_currency"], currency)
                if tax.l10n_tr_edoc_withholding_id:
                    withheld.append((tax, -tax_amount))
                    continue
                exemption = tax.l10n_tr_edoc_exemption_id if not tax.amount else False
                type_code = tax.l10n_tr_edoc_tax_type_id.code
                if type_code == codes.KDV:
                    kdv_amount += tax_amount
                subtotals.append(
                    TaxSubtotal(
                        taxable_amount=base_amount,
                        tax_amount=tax_amount,
                        tax_type_code=type_code,
                        percent=_rate(tax.amount),
                        tax_name=codes.tax_name(type_code) or None,
                        exemption_reason_code=exemption.code if exemption else None,
                        exemption_reason=exemption.name if exemption else None,
                    )
                )
            withholding_totals = ()
            for tax, amount in withheld:
                percent = (amount / kdv_amount * 100).quantize(Decimal(1)) if kdv_amount else Decimal(0)
                sub = TaxSubtotal(
                    taxable_amount=kdv_amount,
                    tax_amount=amount,
                    percent=percent,
                    tax_type_code=codes.KDV_WITHHOLDING
                    if is_return
                    else tax.l10n_tr_edoc_withholding_id.code,
                )
                if is_return:
                    subtotals.append(sub)
                else:
                    withholding_totals += (TaxTotal(tax_amount=amount, subtotals=(sub,)),)
            deliveries = ()
            if self.l10n_tr_edoc_profile == "IHRACAT":
                deliveries = (
                    Delivery(
                        delivery_address=self._l10n_tr_edoc_address(
                            self.partner_shipping_id or self.partner_id
                        ),
                        delivery_terms=(
                            DeliveryTerms(id=self.invoice_incoterm_id.code or None, scheme_id="INCOTERMS"),
                        ),
                        shipment=Shipment(
                            id="1",
                            goods_items=(
                                GoodsItem(required_customs_id=aml.product_id.l10n_tr_edoc_gtip or None),
                            ),
                            shipment_stages=(
                                ShipmentStage(transport_mode_code=self.l10n_tr_edoc_transport_mode or None),
                            ),
                        ),
                    ),
                )
            price, allowances = self._l10n_tr_edoc_line_discount(aml, subtotal, quantity)
            lines.append(
                InvoiceLine(
                    id=str(number),
                    quantity=quantity,
                    unit_code=_unit_code(aml.product_uom_id),
                    price_amount=price,
                    line_extension_amount=subtotal,
                    allowance_charges=allowances,
                    item=Item(
                        name=aml.product_id.name or aml.name or "",
                        description=(aml.name or None) if aml.product_id else None,
                        sellers_item_id=aml.product_id.default_code or None,
                    ),
                    tax_total=tax_total_from_subtotals(subtotals),
                    withholding_tax_totals=withholding_totals,
                    deliveries=deliveries,
                )
            )
        return tuple(lines)

    def _l10n_tr_edoc_line_discount(self, aml, subtotal, quantity):
        """Unit price before the line's discount, and the discount as a line AllowanceCharge.

        GİB shows a discount in its own column (İskonto) and in the total discount; folding it into
        the unit price would hide it from the buyer.
        """
        step = Decimal("0.000001")
        discount = Decimal(float_repr(aml.discount, 6)) / 100
        if not discount:
            return (subtotal / quantity).quantize(step).normalize(), ()
        if discount < 1:
            price = (subtotal / (1 - discount) / quantity).quantize(step).normalize()
        else:
            price = Decimal(float_repr(aml.price_unit, 6)).normalize()
        gross = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        allowance = AllowanceCharge(
            charge_indicator=False,
            amount=gross - subtotal,
            reason="İskonto",
            multiplier_factor_numeric=discount.normalize(),
            base_amount=gross,
        )
        return price, (allowance,)

    def _l10n_tr_edoc_to_invoice(self, number, issue_time=None):
        """The posted move as a core UBL-TR invoice numbered ``number``."""
        self.ensure_one()
        currency = self.currency_id
        lines = self._l10n_tr_edoc_lines()
        subtotals = merge_tax_subtotals(lines)
        withholding = merge_withholding(lines)
        tax_totals = (tax_total_from_subtotals(subtotals),) if subtotals else ()
        untaxed = _amount(self.amount_untaxed, currency)
        tax_inclusive = untaxed + sum((t.tax_amount for t in tax_totals), Decimal(0))
        profile = self.l10n_tr_edoc_profile
        customer = self._l10n_tr_edoc_party(self.partner_id)
        extra = {}
        if profile == "IHRACAT":
            customer = self._l10n_tr_edoc_gtb_party()
            extra["buyer_customer"] = self._l10n_tr_edoc_foreign_buyer()
        if profile == "KAMU":
            if self.l10n_tr_edoc_kamu_buyer_id:
                extra["buyer_customer"] = self._l10n_tr_edoc_party(self.l10n_tr_edoc_kamu_buyer_id)
            if self.partner_bank_id:
                extra["payment_means"] = (
                    PaymentMeans(
                        payment_means_code="42",
                        payee_financial_account=FinancialAccount(
                            id=(self.partner_bank_id.acc_number or "").replace(" ", "").upper(),
                            currency_code=currency.name,
                        ),
                    ),
                )
        if profile == "EARSIVFATURA":
            sale = None
            if self.l10n_tr_edoc_internet_sale:
                sale = InternetSale(
                    website=self.l10n_tr_edoc_website or "",
                    payment_means=self.l10n_tr_edoc_payment_method or "",
                    payment_date=self.l10n_tr_edoc_payment_date or self.invoice_date,
                    payment_agent_name=self.l10n_tr_edoc_payment_agent or None,
                )
                if self.l10n_tr_edoc_carrier_id:
                    extra["deliveries"] = (
                        Delivery(
                            carrier_party=self._l10n_tr_edoc_party(self.l10n_tr_edoc_carrier_id),
                            actual_delivery_date=self.invoice_date,
                        ),
                    )
                extra["payment_means"] = (
                    PaymentMeans(
                        payment_means_code=PAYMENT_MEANS_CODE.get(self.l10n_tr_edoc_payment_method, "1"),
                        payment_due_date=self.l10n_tr_edoc_payment_date or self.invoice_date,
                    ),
                )
            extra["earchive"] = EArchiveInfo(
                send_type=self.l10n_tr_edoc_send_type or "ELEKTRONIK", internet_sale=sale
            )
        if self.l10n_tr_edoc_type_code in codes.RETURN_TYPES and self.reversed_entry_id:
            origin = self.reversed_entry_id
            extra["billing_references"] = (
                DocumentReference(
                    id=origin.l10n_tr_edoc_number or origin.name,
                    issue_date=origin.invoice_date,
                    document_type_code="IADE",
                    document_type="İade",
                ),
            )
        if currency.name != "TRY":
            extra["pricing_exchange_rate"] = ExchangeRate(
                source_currency_code=currency.name,
                calculation_rate=_rate(1 / self.invoice_currency_rate)
                if self.invoice_currency_rate
                else Decimal(0),
            )
            extra["pricing_currency_code"] = "TRY"
        if despatches := self._l10n_tr_edoc_despatch_references():
            extra["despatch_document_references"] = despatches
        return Invoice(
            profile_id=profile,
            invoice_type_code=self.l10n_tr_edoc_type_code,
            id=number,
            uuid=self.l10n_tr_edoc_uuid,
            issue_date=self.invoice_date,
            issue_time=issue_time or datetime.datetime.now(ISTANBUL).time().replace(microsecond=0),
            supplier=self._l10n_tr_edoc_party(self.company_id.partner_id),
            customer=customer,
            lines=lines,
            document_currency_code=currency.name,
            tax_totals=tax_totals,
            withholding_tax_totals=(tax_total_from_subtotals(withholding),) if withholding else (),
            legal_monetary_total=MonetaryTotal(
                line_extension_amount=untaxed,
                tax_exclusive_amount=untaxed,
                tax_inclusive_amount=tax_inclusive,
                allowance_total_amount=sum(
                    (
                        charge.amount
                        for line in lines
                        for charge in line.allowance_charges
                        if not charge.charge_indicator
                    ),
                    Decimal("0.00"),
                ),
                payable_amount=_amount(self.amount_total, currency),
            ),
            **extra,
        )

    def _l10n_tr_edoc_check(self):
        """Pre-flight problems of a posted move as core issues, before any number is spent."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        return check_invoice(self._l10n_tr_edoc_to_invoice(self._l10n_tr_edoc_preview_number()), today=today)

    def _l10n_tr_edoc_preview_number(self):
        """The number the document has, or the next one of its series, without spending any."""
        if self.l10n_tr_edoc_number:
            return self.l10n_tr_edoc_number
        issue_date = self.invoice_date or fields.Date.context_today(self)
        if series := self._l10n_tr_edoc_series():
            return series._l10n_tr_edoc_peek_number(issue_date)
        return format_number("AAA", issue_date.year, 1)

    def _l10n_tr_edoc_move_problems(self):
        """Blocking problems the UBL checks cannot see, as texts: stop the send before a number is drawn.

        A foreign-currency invoice needs a real rate for its date (Odoo silently falls back to 1),
        and a special invoice type needs the data that makes it that type.
        """
        self.ensure_one()
        problems = []
        if self.currency_id != self.company_id.currency_id and not self._l10n_tr_edoc_has_real_rate():
            problems.append(
                self.env._(
                    "There is no %(currency)s exchange rate for %(date)s: GİB needs the TL amounts at "
                    "the real rate. Add the rate in Invoicing > Configuration > Currencies, reset the "
                    "invoice to draft and confirm it again (or enter the rate on the invoice).",
                    currency=self.currency_id.name,
                    date=self._get_invoice_currency_rate_date(),
                )
            )
        carrier = self.l10n_tr_edoc_carrier_id
        if (
            self.l10n_tr_edoc_profile == "EARSIVFATURA"
            and self.l10n_tr_edoc_internet_sale
            and carrier
            and (problem := carrier._l10n_tr_edoc_tax_id_problem(carrier.vat))
        ):
            problems.append(
                self.env._(
                    "The carrier %(carrier)s of this internet sale needs its VKN/TCKN (%(problem)s). "
                    "Enter it in the carrier's contact (Tax ID field), then send again.",
                    carrier=carrier.display_name,
                    problem=problem,
                )
            )
        if self.l10n_tr_edoc_profile == "IHRACAT":
            for product in self.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ).product_id:
                if not product.l10n_tr_edoc_gtip:
                    problems.append(
                        self.env._(
                            "Export invoices need the GTİP (customs tariff number) of %(product)s: enter it "
                            "on the product form, General Information tab, below Sales Taxes.",
                            product=product.display_name,
                        )
                    )
        taxes = self.invoice_line_ids.tax_ids.flatten_taxes_hierarchy()
        exemptions = set(taxes.l10n_tr_edoc_exemption_id.mapped("code"))
        kinds = {codes.EXEMPTIONS[code][0] for code in exemptions if code in codes.EXEMPTIONS}
        type_code = self.l10n_tr_edoc_type_code
        for special, kind, label in (
            ("OZELMATRAH", codes.ExemptionKind.OZEL_MATRAH, "8xx"),
            ("IHRACKAYITLI", codes.ExemptionKind.IHRAC_KAYITLI, "7xx"),
        ):
            if type_code == special and kind not in kinds:
                problems.append(
                    self.env._(
                        "The invoice type %(type)s needs a tax with its %(codes)s exemption code on the "
                        "lines. Choose the tax on each line (Invoicing > Configuration > Taxes: GİB "
                        "Exemption Reason), or change the GİB Invoice Type on the e-Document tab.",
                        type=special,
                        codes=label,
                    )
                )
        if type_code == "ISTISNA" and self.l10n_tr_edoc_profile != "IHRACAT":
            if not exemptions:
                problems.append(
                    self.env._(
                        "The invoice type ISTISNA needs a 0% tax with its exemption reason on the lines "
                        "(Invoicing > Configuration > Taxes: GİB Exemption Reason)."
                    )
                )
            elif EXPORT_EXEMPTION in exemptions and self.partner_id.commercial_partner_id.country_id.code in (
                "TR",
                False,
            ):
                problems.append(
                    self.env._(
                        "Exemption %s (export of goods) is for export invoices; this customer is in "
                        "Türkiye. Choose the tax with the exemption that applies to this sale.",
                        EXPORT_EXEMPTION,
                    )
                )
        return problems

    def _l10n_tr_edoc_has_real_rate(self):
        """The invoice's rate is not Odoo's fallback: never at par, and entered or stored for its date."""
        if float_compare(self.invoice_currency_rate, 1.0, precision_digits=10) == 0:
            return False
        if float_compare(self.invoice_currency_rate, self.expected_currency_rate, precision_digits=10):
            return True
        return bool(
            self.env["res.currency.rate"].search_count(
                [
                    ("currency_id", "=", self.currency_id.id),
                    ("name", "<=", self._get_invoice_currency_rate_date()),
                    ("company_id", "in", (False, self.company_id.root_id.id)),
                ],
                limit=1,
            )
        )

    def action_l10n_tr_edoc_preview(self):
        """Show the GİB printout of the invoice as it would be sent, before anything is sent."""
        self.ensure_one()
        invoice = self._l10n_tr_edoc_to_invoice(self._l10n_tr_edoc_preview_number())
        return self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_preview_action(
            serialize(build_invoice(invoice)), title=self.env._("Preview of %s", self.display_name)
        )
