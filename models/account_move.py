import base64
import dataclasses
import datetime
import logging
import uuid as uuidlib
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_repr, html2plaintext, is_html_empty

from ..core import codes
from ..core import earsivbelge as eb
from ..core.documents import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    CustomsDeclaration,
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
    ItemInstance,
    MonetaryTotal,
    Package,
    Party,
    PartyLegalEntity,
    PaymentMeans,
    PaymentTerms,
    Period,
    Person,
    Shipment,
    ShipmentStage,
    TaxSubtotal,
    TaxTotal,
    TransportHandlingUnit,
    merge_tax_subtotals,
    merge_withholding,
    tax_total_from_subtotals,
)
from ..core.errors import EdocError
from ..core.providers.base import DRAFT_UPLOAD, EMM, ESMM
from ..core.providers.registry import get_provider_class
from ..core.qr import qr_payload, qr_png
from ..core.render import xslt_attachment
from ..core.states import (
    ISTANBUL,
    gib_today,
)
from ..core.ubl import render_invoice
from ..core.ubl.earsivbelge import parse_receipt, render_receipt
from ..core.ubl.notes import amount_in_words
from ..core.ubl.numbering import format_number
from ..core.validation import package
from ..core.validation.rules import ISTISNA_CODES, PLACEHOLDER_TCKN, PLACEHOLDER_VKN, check_invoice
from .l10n_tr_edoc_document import POLLED_STATES, RECEIPT_TYPE_CODES
from .res_config_settings import PARAM_DIR
from .res_partner import normalize_tax_id

PROFILES = [
    ("TEMELFATURA", "e-Fatura: TEMELFATURA"),
    ("TICARIFATURA", "e-Fatura: TICARIFATURA (buyer accepts or rejects)"),
    ("KAMU", "e-Fatura: KAMU (public administration)"),
    ("IHRACAT", "e-Fatura: IHRACAT (export)"),
    ("EARSIVFATURA", "e-Arşiv"),
    ("YOLCUBERABERFATURA", "e-Fatura: YOLCUBERABERFATURA (tax-free sale to a traveller)"),
    ("OZELFATURA", "e-Fatura: OZELFATURA (special invoice)"),
    ("HKS", "e-Fatura: HKS (wholesale produce market)"),
    ("ENERJI", "e-Fatura: ENERJI (electric vehicle charging)"),
    ("ILAC_TIBBICIHAZ", "e-Fatura: ILAC_TIBBICIHAZ (medicine and medical devices)"),
    ("YATIRIMTESVIK", "e-Fatura: YATIRIMTESVIK (investment incentive)"),
    ("IDIS", "e-Fatura: IDIS (steel rebar tracking)"),
]
TYPE_CODES = [
    ("SATIS", "SATIS (sale)"),
    ("IADE", "IADE (return)"),
    ("TEVKIFAT", "TEVKIFAT (withholding)"),
    ("TEVKIFATIADE", "TEVKIFATIADE (withholding return)"),
    ("ISTISNA", "ISTISNA (exempt)"),
    ("IHRACKAYITLI", "IHRACKAYITLI (export-registered)"),
    ("OZELMATRAH", "OZELMATRAH (special base)"),
    ("SGK", "SGK (Social Security Institution)"),
    ("KOMISYONCU", "KOMISYONCU (commission agent)"),
    ("HKSSATIS", "HKSSATIS (produce market sale)"),
    ("HKSKOMISYONCU", "HKSKOMISYONCU (produce market commission agent)"),
    ("KONAKLAMAVERGISI", "KONAKLAMAVERGISI (accommodation tax)"),
    ("SARJ", "SARJ (charging)"),
    ("SARJANLIK", "SARJANLIK (instant charging)"),
    ("TEKNOLOJIDESTEK", "TEKNOLOJIDESTEK (technology support)"),
    ("YTBSATIS", "YTBSATIS (incentive sale)"),
    ("YTBIADE", "YTBIADE (incentive return)"),
    ("YTBISTISNA", "YTBISTISNA (incentive exempt)"),
    ("YTBTEVKIFAT", "YTBTEVKIFAT (incentive withholding)"),
    ("YTBTEVKIFATIADE", "YTBTEVKIFATIADE (incentive withholding return)"),
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
# -- scenario and type data (issue 18): what each GİB profile and invoice type needs --------------
SGK_ACCOUNTING_COSTS = [
    ("SAGLIK_ECZ", "SAGLIK_ECZ (pharmacy)"),
    ("SAGLIK_HAS", "SAGLIK_HAS (hospital)"),
    ("SAGLIK_OPT", "SAGLIK_OPT (optician)"),
    ("SAGLIK_MED", "SAGLIK_MED (medical supplies)"),
    ("ABONELIK", "ABONELIK (subscription)"),
    ("MAL_HIZMET", "MAL_HIZMET (goods and services)"),
    ("DIGER", "DIGER (other)"),
]
ITEM_ID_SCHEMES = [
    ("KUNYENO", "KUNYENO (HKS künye number)"),
    ("ILAC", "ILAC (medicine barcode)"),
    ("TIBBICIHAZ", "TIBBICIHAZ (medical device code)"),
    ("DIGER", "DIGER (other medical product code)"),
    ("ETIKETNO", "ETIKETNO (İDİS label number)"),
    ("TELEFON", "TELEFON (phone IMEI)"),
    ("TABLET_PC", "TABLET_PC (tablet IMEI or serial)"),
]
YTB_ITEM_CLASSES = [
    ("01", "01 Machinery and equipment"),
    ("02", "02 Construction work"),
    ("03", "03 Other expenditure (KDV charged)"),
    ("04", "04 Other expenditure (KDV charged, not exempt)"),
]
# e-Fatura scenarios a sales journal may stand for (a produce trader's HKS journal, a charging operator's
# ENERJI journal); export and e-Arşiv follow the customer.
JOURNAL_PROFILES = [
    (code, label) for code, label in PROFILES if code not in ("EARSIVFATURA", "IHRACAT", "YOLCUBERABERFATURA")
]
# GİB sends tax-free (YOLCUBERABER) invoices to the customs administration too, in its own mailbox.
GTB_TAXFREE_ALIAS = "urn:mail:yolcuberaberpk@gtb.gov.tr"
SGK_VKN = "7750409379"
SGK_REFERENCES = (
    ("l10n_tr_edoc_sgk_payer_code", "MUKELLEF_KODU"),
    ("l10n_tr_edoc_sgk_payer_name", "MUKELLEF_ADI"),
    ("l10n_tr_edoc_sgk_file_no", "DOSYA_NO"),
)
LINE_SCHEMES_BY_PROFILE = {
    "HKS": ("KUNYENO",),
    "ILAC_TIBBICIHAZ": ("ILAC", "TIBBICIHAZ", "DIGER"),
    "IDIS": ("ETIKETNO",),
}
LINE_SCHEMES_BY_TYPE = {
    "HKSSATIS": ("KUNYENO",),
    "HKSKOMISYONCU": ("KUNYENO",),
    "TEKNOLOJIDESTEK": ("TELEFON", "TABLET_PC"),
}
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


# Files sent inside the invoice (AdditionalDocumentReference): each one and all together stay small enough for
# the integrator's upload limit, in types GİB's mimeCode list holds.
ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
ATTACHMENTS_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_MIME_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "text/plain",
        "text/csv",
        "text/xml",
        "application/xml",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
    }
)
# GİB's DocumentDescription values of a cash-register (ÖKC) information slip (OKCBF).
OKC_RECEIPT_KINDS = [
    ("E-FATURA", "e-Fatura"),
    ("E-FATURA_IRSALIYE", "e-Fatura and despatch"),
    ("E-ARSIV", "e-Arşiv"),
    ("E-ARSIV_IRSALIYE", "e-Arşiv and despatch"),
    ("FATURA", "Paper invoice"),
    ("AVANS", "Advance payment"),
    ("YEMEK_FIS", "Meal voucher"),
    ("OTOPARK", "Car park"),
    ("FATURA_TAHSILAT", "Bill collection"),
    ("FATURA_TAHSILAT_KOMISYONLU", "Bill collection with commission"),
]


def _line_unit_code(aml):
    """The GİB code of the line's unit; a line with no unit at all (a fee typed by hand) counts pieces."""
    return (aml.product_uom_id.l10n_tr_edoc_unit_code or "") if aml.product_uom_id else "C62"


def _rate(value):
    return Decimal(float_repr(value, 6)).normalize()


_logger = logging.getLogger(__name__)

# States from which a send call may (re)submit; anything else is already with the integrator.
SENDABLE_STATES = ("draft", "ready", "send_failed")
# How long a document may stay `sending` before the cron treats the send as interrupted.
SENDING_GRACE = datetime.timedelta(minutes=30)
# Queued documents the send cron generates, checks, sends and commits together.
SEND_BATCH = 500
POLL_BATCH = 500

KDV = codes.KDV
# Returns of a withholding invoice: the KDV line carries only the share the original seller collected.
WITHHOLDING_RETURNS = frozenset({"TEVKIFATIADE", "YTBTEVKIFATIADE"})


def _tax_id_of(party):
    for identifier in party.identifications:
        if identifier.scheme_id in ("VKN", "TCKN"):
            return identifier
    return None


def _same(left, right):
    """Equal to the cent, the precision GİB writes amounts in."""
    return abs(left - right) < Decimal("0.005")


def _is_special_base(exemption_code):
    """An 8xx reason: the KDV of such a subtotal is computed on a special base, shown and never charged."""
    return codes.EXEMPTIONS.get(exemption_code, (None,))[0] is codes.ExemptionKind.OZEL_MATRAH


def _charged_subtotals(line):
    """The line's tax subtotals as charged: an exempted KDV left out of the line's TaxTotal is 0%.

    GİB's YTB exemption samples write the KDV the exemption waives (Percent 20, TaxAmount 300,
    reason 308) in a subtotal whose parent TaxTotal is 0; booking it at 20% would charge it.
    """
    if not line.tax_total:
        return ()
    subtotals = line.tax_total.subtotals
    result = []
    for subtotal in subtotals:
        others = sum((sub.tax_amount for sub in subtotals if sub is not subtotal), Decimal(0))
        waived = (
            subtotal.exemption_reason_code
            and subtotal.tax_amount
            and (_same(others, line.tax_total.tax_amount) or _is_special_base(subtotal.exemption_reason_code))
        )
        result.append(
            dataclasses.replace(subtotal, percent=Decimal(0), tax_amount=Decimal(0)) if waived else subtotal
        )
    return tuple(result)


RECEIPT_KINDS = [("smm", "e-SMM (Serbest Meslek Makbuzu)"), ("emm", "e-MM (Müstahsil Makbuzu)")]
RECEIPT_REPORT = "l10n_tr_edoc.action_report_l10n_tr_edoc_receipt"
CAPABILITIES = {"smm": ESMM, "emm": EMM}
SENDABLE = ("draft", "ready", "send_failed")
POLLED = ("sent", "unknown", "delivered", "reported", "cancel_requested")


def _percent(value):
    return Decimal(float_repr(abs(value), 4)).normalize()


# What an entry is for the e-Defter (core/ledger.py KINDS); empty = worked out from the entry itself.
LEDGER_KINDS = [
    ("invoice", "Invoice"),
    ("check", "Cheque"),
    ("voucher", "Promissory Note"),
    ("receipt", "Receipt"),
    ("shipment", "Freight"),
    ("order_vendor", "Vendor Order"),
    ("order_customer", "Customer Order"),
    ("retail_receipt", "Retail Sales Receipt"),
    ("bank_slip", "Bank Slip"),
    ("expense_form", "Expense Form"),
    ("z_report", "Z Report"),
    ("check_list", "Cheque List"),
    ("voucher_list", "Promissory Note List"),
    ("payroll", "Payroll Summary"),
    ("smm", "Self-Employment Receipt"),
    ("transfer_in", "Incoming Bank Transfer"),
    ("transfer_out", "Outgoing Bank Transfer"),
    ("collection", "Cash Collection"),
    ("disbursement", "Cash Payment"),
    ("accounting_voucher", "Accounting Voucher"),
    ("opening", "Opening Entry"),
    ("closing", "Closing Entry"),
]


class AccountMove(models.Model):
    _name = "account.move"
    # the batched tracking first: its methods must come before mail.thread's
    _inherit = ["l10n_tr_edoc.tracking", "account.move", "l10n_tr_edoc.mixin"]

    l10n_tr_edoc_document_ids = fields.One2many("l10n_tr_edoc.document", "move_id", string="e-Documents")

    def _l10n_tr_edoc_despatch_pickings(self):
        """Deliveries of this invoice's goods: those linked by hand, and through sale orders when
        sale_stock is installed."""
        self.ensure_one()
        linked = self.l10n_tr_edoc_picking_ids
        if "sale_line_ids" not in self.env["account.move.line"]._fields:
            return linked
        moves = self.line_ids.filtered(lambda line: line.display_type == "product").sale_line_ids.move_ids
        return linked | moves.picking_id.filtered(lambda picking: picking.picking_type_code == "outgoing")

    def _l10n_tr_edoc_despatch_references(self, pickings=None):
        """DespatchDocumentReferences of the e-İrsaliye sent for this invoice's deliveries, oldest first."""
        self.ensure_one()
        pickings = pickings if pickings is not None else self._l10n_tr_edoc_despatch_pickings()
        references = (picking._l10n_tr_edoc_despatch_reference() for picking in pickings.sorted("id"))
        return tuple(reference for reference in references if reference)

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
    l10n_tr_edoc_allowed_type_codes = fields.Json(
        string="Allowed GİB Invoice Types",
        compute="_compute_l10n_tr_edoc_allowed_type_codes",
        help="The invoice types GİB allows for the chosen scenario: the only ones the form offers.",
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

    # -- scenario and type data (issue 18) ------------------------------------------------------
    l10n_tr_edoc_sgk_accounting_cost = fields.Selection(
        SGK_ACCOUNTING_COSTS,
        string="SGK Invoice Kind",
        copy=False,
        help="SGK: what the Social Security Institution is billed for (AccountingCost).",
    )
    l10n_tr_edoc_period_start = fields.Datetime(
        string="Invoice Period Start",
        copy=False,
        help="SGK: first day billed. Charging (SARJ, SARJANLIK): when the charge started.",
    )
    l10n_tr_edoc_period_end = fields.Datetime(
        string="Invoice Period End",
        copy=False,
        help="SGK: last day billed. Charging (SARJ, SARJANLIK): when the charge ended.",
    )
    l10n_tr_edoc_sgk_payer_code = fields.Char(
        string="SGK Provider Code", copy=False, help="SGK: your provider code at SGK (MUKELLEF_KODU)."
    )
    l10n_tr_edoc_sgk_payer_name = fields.Char(
        string="SGK Provider Name", copy=False, help="SGK: your provider name at SGK (MUKELLEF_ADI)."
    )
    l10n_tr_edoc_sgk_file_no = fields.Char(
        string="SGK File Number", copy=False, help="SGK: the invoice file (term) number at SGK (DOSYA_NO)."
    )
    l10n_tr_edoc_passport_no = fields.Char(
        string="Passport Number", copy=False, help="YOLCUBERABERFATURA: the traveller's passport number."
    )
    l10n_tr_edoc_passport_date = fields.Date(
        string="Passport Issue Date", copy=False, help="YOLCUBERABERFATURA: the passport's issue date."
    )
    l10n_tr_edoc_tax_representative_id = fields.Many2one(
        "res.partner",
        string="Tax-Free Intermediary",
        copy=False,
        help="YOLCUBERABERFATURA: the authorised intermediary (aracı kurum) that refunds the KDV; its VKN "
        "and GİB alias are written as the tax representative.",
    )
    l10n_tr_edoc_shipment_no = fields.Char(
        string="İDİS Shipment Number",
        copy=False,
        help="IDIS: the shipment number given by İDİS (SEVKIYATNO), e.g. SE-1234567.",
    )
    l10n_tr_edoc_ytb_certificate = fields.Char(
        string="Incentive Certificate Number",
        copy=False,
        help="YATIRIMTESVIK and YTB types: the 6-digit number of the investment incentive certificate.",
    )
    l10n_tr_edoc_vehicle_plate = fields.Char(
        string="Charged Vehicle Plate",
        copy=False,
        help="SARJ, SARJANLIK: the plate of the charged vehicle, capitals and digits without spaces.",
    )
    l10n_tr_edoc_esu_report_id = fields.Char(
        string="ESU Report ID", copy=False, help="SARJ: the charge point's ESU report number (a UUID)."
    )
    l10n_tr_edoc_esu_report_date = fields.Date(
        string="ESU Report Date",
        copy=False,
        help="SARJ: the date of the ESU report; empty uses the invoice date.",
    )
    l10n_tr_edoc_package_type = fields.Char(
        string="Packaging Type",
        copy=False,
        help="IHRACAT: the UN/ECE packaging code of the goods (e.g. BX box, PK package, CT carton).",
    )
    l10n_tr_edoc_package_count = fields.Integer(
        string="Number of Packages", copy=False, help="IHRACAT: how many packages of that kind per line."
    )
    l10n_tr_edoc_show_scenario_data = fields.Boolean(
        string="Show GİB Scenario Data", compute="_compute_l10n_tr_edoc_show_scenario_data"
    )

    @api.depends("l10n_tr_edoc_profile", "l10n_tr_edoc_type_code")
    def _compute_l10n_tr_edoc_show_scenario_data(self):
        for move in self:
            move.l10n_tr_edoc_show_scenario_data = (
                move.l10n_tr_edoc_profile,
                move.l10n_tr_edoc_type_code,
            ) not in {
                ("TEMELFATURA", "SATIS"),
                ("TICARIFATURA", "SATIS"),
                ("EARSIVFATURA", "SATIS"),
            }

    @api.depends("country_code", "move_type", "company_id", "journal_id.l10n_tr_edoc_receipt_kind")
    def _compute_l10n_tr_edoc_applicable(self):
        accounts = self.env["l10n_tr_edoc.account"].search([("company_id", "in", self.company_id.ids)])
        companies = accounts.company_id
        for move in self:
            move.l10n_tr_edoc_applicable = (
                move.country_code == "TR"
                and move.move_type in ("out_invoice", "out_refund")
                and move.company_id in companies
                and not move.l10n_tr_edoc_receipt_kind
            )

    @api.depends(
        "partner_id.l10n_tr_edoc_einvoice_status",
        "partner_id.country_id",
        "partner_id.l10n_tr_edoc_einvoice_profile",
        "move_type",
        "invoice_date",
        "journal_id",
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
                    move.journal_id.l10n_tr_edoc_einvoice_profile
                    or partner.l10n_tr_edoc_einvoice_profile
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

    @api.depends("l10n_tr_edoc_profile", "invoice_date")
    def _compute_l10n_tr_edoc_allowed_type_codes(self):
        offered = [code for code, _label in TYPE_CODES]
        for move in self:
            profile, release = move.l10n_tr_edoc_profile, move._l10n_tr_edoc_release()
            move.l10n_tr_edoc_allowed_type_codes = [
                code for code in offered if not profile or codes.invoice_type_allowed(profile, code, release)
            ]

    @api.depends("l10n_tr_edoc_profile", "move_type", "invoice_line_ids.tax_ids", "partner_id")
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
            move.l10n_tr_edoc_type_code = move._l10n_tr_edoc_default_type(move.l10n_tr_edoc_type_code)

    @api.depends("partner_id.l10n_tr_edoc_einvoice_alias")
    def _compute_l10n_tr_edoc_receiver_alias(self):
        for move in self:
            move.l10n_tr_edoc_receiver_alias = (
                move.partner_id.commercial_partner_id.l10n_tr_edoc_einvoice_alias
            )

    # -- posting and the draft guard -----------------------------------------------------------

    def _post(self, soft=True):
        # Odoo dates an undated invoice while posting it; that date must not recompute away the
        # scenario (KAMU, TICARIFATURA...) the user chose on the draft.
        undated = self.filtered(lambda m: m.l10n_tr_edoc_applicable and not m.invoice_date)
        with self.env.protecting([self._fields["l10n_tr_edoc_profile"]], undated):
            posted = super()._post(soft=soft)
        for move in posted.filtered(
            lambda m: (m.l10n_tr_edoc_applicable or m.l10n_tr_edoc_receipt_kind) and not m.l10n_tr_edoc_uuid
        ):
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
        if self.l10n_tr_edoc_receipt_kind:
            return self.l10n_tr_edoc_receipt_kind
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

    def _l10n_tr_edoc_rounded_lines(self):
        """``(product line, tax details)`` pairs as Odoo's ``_get_rounded_base_and_tax_lines`` gives them.

        A posted move rounded per line whose product lines carry at most one plain percent tax already
        holds Odoo's answer: each line's ``price_subtotal``/``price_total`` is that computation for the
        line alone, which per-line rounding makes the move's too, as long as the tax journal items still
        add up to it (a manual tax amount, an early-payment or cash-rounding line would be spread over the
        lines by Odoo). Reading them is a third of the cost of sending; anything else asks Odoo.
        """
        self.ensure_one()
        fast = self._l10n_tr_edoc_stored_tax_details()
        if fast is not None:
            return fast
        base_lines, _tax_lines = self._get_rounded_base_and_tax_lines()
        return [
            (base_line["record"], base_line["tax_details"])
            for base_line in base_lines
            if base_line["record"]._name == "account.move.line"
            and base_line["record"].display_type == "product"
        ]

    def _l10n_tr_edoc_stored_tax_details(self):
        """The stored per-line amounts in Odoo's tax-details shape, or None when they may differ from it."""
        if (
            not self.id
            or self.state != "posted"
            or self.company_id.tax_calculation_rounding_method != "round_per_line"
        ):
            return None
        currency = self.currency_id
        products, tax_journal_items = [], []
        for aml in self.line_ids:
            kind = aml.display_type
            if kind == "product":
                products.append(aml)
            elif kind == "tax":
                tax_journal_items.append(aml)
            elif kind not in ("payment_term", "line_section", "line_subsection", "line_note"):
                return None
        expected = {}
        pairs = []
        for aml in products:
            taxes = aml.tax_ids
            if len(taxes) > 1 or aml.extra_tax_data:
                return None
            subtotal = aml.price_subtotal
            details = {"total_excluded_currency": subtotal, "taxes_data": []}
            if taxes:
                if taxes.amount_type != "percent" or taxes.children_tax_ids:
                    return None
                tax_amount = currency.round(aml.price_total - subtotal)
                details["taxes_data"].append(
                    {"tax": taxes, "tax_amount_currency": tax_amount, "base_amount_currency": subtotal}
                )
                expected[taxes.id] = expected.get(taxes.id, 0.0) + tax_amount
            pairs.append((aml, details))
        booked = {}
        for aml in tax_journal_items:
            tax_id = aml.tax_line_id.id
            booked[tax_id] = booked.get(tax_id, 0.0) + aml.amount_currency * self.direction_sign
        for tax_id in expected.keys() | booked.keys():
            if not currency.is_zero(expected.get(tax_id, 0.0) - booked.get(tax_id, 0.0)):
                return None
        return pairs

    def _l10n_tr_edoc_lines(self):
        """Invoice lines with their taxes as GİB codes, from Odoo's own rounded tax computation."""
        self.ensure_one()
        currency = self.currency_id
        is_return = self.l10n_tr_edoc_type_code in codes.RETURN_TYPES
        lines = []
        for number, (aml, details) in enumerate(self._l10n_tr_edoc_rounded_lines(), start=1):
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
                percent = _rate(tax.amount)
                if exemption and _is_special_base(exemption.code) and aml.l10n_tr_edoc_special_base:
                    # KDV on the special base: shown with its 8xx reason, never charged (GİB's sample)
                    base_amount = _amount(aml.l10n_tr_edoc_special_base, currency)
                    percent = _rate(tax.l10n_tr_edoc_special_base_percent)
                    tax_amount = (base_amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                subtotals.append(
                    TaxSubtotal(
                        taxable_amount=base_amount,
                        tax_amount=tax_amount,
                        tax_type_code=type_code,
                        percent=percent,
                        tax_name=codes.tax_name(type_code) or None,
                        exemption_reason_code=exemption.code if exemption else None,
                        exemption_reason=exemption.name if exemption else None,
                    )
                )
            withholding_totals = ()
            for tax, amount in withheld:
                percent = self._l10n_tr_edoc_withholding_percent(tax, details)
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
                    unit_code=_line_unit_code(aml),
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
        charged = (sub for sub in subtotals if not _is_special_base(sub.exemption_reason_code))
        tax_inclusive = untaxed + sum((sub.tax_amount for sub in charged), Decimal(0))
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
                        payment_means_code=PAYMENT_MEANS_CODE["EFT/HAVALE"],
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
        invoice = Invoice(
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
        return self._l10n_tr_edoc_with_scenario(self._l10n_tr_edoc_with_content(invoice))

    def _l10n_tr_edoc_check(self):
        """Pre-flight problems of a posted move as core issues, before any number is spent."""
        self.ensure_one()
        today = gib_today()
        return check_invoice(self._l10n_tr_edoc_to_invoice(self._l10n_tr_edoc_preview_number()), today=today)

    def _l10n_tr_edoc_preview_number(self):
        """The number the document has, or the next one of its series, without spending any."""
        if self.l10n_tr_edoc_number:
            return self.l10n_tr_edoc_number
        issue_date = self.invoice_date or gib_today()
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
        products = self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product")
        for number, line in enumerate(products, 1):
            if not line.l10n_tr_edoc_special_base and any(
                tax.l10n_tr_edoc_special_base_percent and _is_special_base(tax.l10n_tr_edoc_exemption_id.code)
                for tax in line.tax_ids
            ):
                problems.append(
                    self.env._(
                        "Line %s: its tax computes KDV on a special base. Enter the base in the line's "
                        "Special Base (Özel Matrah) column.",
                        number,
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
        problems += self._l10n_tr_edoc_content_problems()
        problems += self._l10n_tr_edoc_scenario_problems()
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

    # -- ordinary invoice content: payment, notes, references, party identifiers, units, rates ----

    l10n_tr_edoc_order_number = fields.Char(
        string="Order Number",
        compute="_compute_l10n_tr_edoc_order_number",
        store=True,
        readonly=False,
        copy=False,
        help="The order this invoice bills, written as its OrderReference; taken from the source document.",
    )
    l10n_tr_edoc_order_date = fields.Date(
        string="Order Date", copy=False, help="Date of the order; empty uses the invoice date."
    )
    l10n_tr_edoc_picking_ids = fields.Many2many(
        "stock.picking",
        "l10n_tr_edoc_move_picking_rel",
        "move_id",
        "picking_id",
        string="Deliveries",
        copy=False,
        domain="[('picking_type_code', '=', 'outgoing'), ('partner_id', 'child_of', commercial_partner_id)]",
        help="Deliveries of the invoiced goods, written as DespatchDocumentReference: the e-İrsaliye number "
        "once GİB holds it, the delivery's own number for a printed despatch note.",
    )
    l10n_tr_edoc_printed_despatch_number = fields.Char(
        string="Printed Despatch Note No.",
        copy=False,
        help="A printed despatch note (matbu irsaliye) not recorded as a delivery in Odoo.",
    )
    l10n_tr_edoc_printed_despatch_date = fields.Date(string="Printed Despatch Note Date", copy=False)
    l10n_tr_edoc_attachment_ids = fields.Many2many(
        "ir.attachment",
        "l10n_tr_edoc_move_attachment_rel",
        "move_id",
        "attachment_id",
        string="Files Sent with the Invoice",
        copy=False,
        domain="[('res_model', '=', 'account.move'), ('res_id', '=', id)]",
        help="Attached files embedded in the e-document (PDF, image, text, spreadsheet; up to 2 MB each, "
        "5 MB together).",
    )
    l10n_tr_edoc_okc_receipt_number = fields.Char(
        string="ÖKC Receipt No.",
        copy=False,
        help="The information slip (bilgi fişi) of a sale first recorded on the cash register (ÖKC).",
    )
    l10n_tr_edoc_okc_receipt_date = fields.Date(string="ÖKC Receipt Date", copy=False)
    l10n_tr_edoc_okc_serial = fields.Char(
        string="ÖKC Serial No.",
        copy=False,
        help="The cash register's serial (sicil) number, e.g. JH20012345.",
    )
    l10n_tr_edoc_okc_z_number = fields.Char(
        string="Z Report No.", copy=False, help="Number of the Z report the slip belongs to."
    )
    l10n_tr_edoc_okc_receipt_kind = fields.Selection(
        OKC_RECEIPT_KINDS,
        string="ÖKC Slip Kind",
        copy=False,
        help="What the slip was issued for; empty is e-Arşiv for an e-Arşiv invoice, else e-Fatura.",
    )
    l10n_tr_edoc_content_warning = fields.Text(
        string="e-Document Content Warning", compute="_compute_l10n_tr_edoc_content_warning"
    )

    @api.depends("invoice_origin", "move_type")
    def _compute_l10n_tr_edoc_order_number(self):
        for move in self:
            move.l10n_tr_edoc_order_number = (
                move.invoice_origin if move.move_type == "out_invoice" and move.invoice_origin else False
            )

    @api.depends("company_id.partner_id.l10n_tr_edoc_mersis_no", "company_id.vat", "l10n_tr_edoc_applicable")
    def _compute_l10n_tr_edoc_content_warning(self):
        for move in self:
            company = move.company_id
            missing = (
                move.l10n_tr_edoc_applicable
                and len(normalize_tax_id(company.vat)) == 10
                and not company.partner_id.l10n_tr_edoc_mersis_no
            )
            move.l10n_tr_edoc_content_warning = (
                self.env._(
                    "The company %s has no MERSİS number: GİB expects it on the invoices of companies "
                    "registered in MERSİS. Enter it on the company (MERSİS No.).",
                    company.name,
                )
                if missing
                else False
            )

    def _l10n_tr_edoc_withholding_percent(self, tax, details):
        """The share of the KDV the buyer withholds, from the taxes' rates as configured.

        The ratio of the rounded amounts drifts on small lines (0.03 of 0.05 KDV is 60 %, off GİB's
        list); the configured rates (10 % withheld of a 20 % KDV is 50 %) never do.
        """
        kdv_rate = sum(
            data["tax"].amount
            for data in details["taxes_data"]
            if data["tax"].l10n_tr_edoc_tax_type_id.code == codes.KDV and data["tax"].amount_type == "percent"
        )
        if kdv_rate and tax.amount_type == "percent":
            return _rate(abs(tax.amount) / kdv_rate * 100)
        return Decimal(tax.l10n_tr_edoc_withholding_id.percent)

    def _l10n_tr_edoc_placeholder_tax_id(self):
        """GİB's number for an e-Arşiv buyer without one: 11111111111 (consumer), 2222222222 (foreign)."""
        self.ensure_one()
        if self.l10n_tr_edoc_profile != "EARSIVFATURA":
            return None
        partner = self.partner_id.commercial_partner_id
        number = normalize_tax_id(partner.vat)
        if partner.country_id and partner.country_id.code != "TR":
            if not (number.isdigit() and len(number) in (10, 11)):
                return Identifier(value=PLACEHOLDER_VKN, scheme_id="VKN")
        elif not number:
            return Identifier(value=PLACEHOLDER_TCKN, scheme_id="TCKN")
        return None

    def _l10n_tr_edoc_receiver_vat(self):
        self.ensure_one()
        placeholder = self._l10n_tr_edoc_placeholder_tax_id()
        return (
            placeholder.value if placeholder else normalize_tax_id(self.partner_id.commercial_partner_id.vat)
        )

    def _l10n_tr_edoc_content_customer(self, customer):
        """The buyer with its registry identifiers, or GİB's placeholder number when it gave none."""
        partner = self.partner_id.commercial_partner_id
        if placeholder := self._l10n_tr_edoc_placeholder_tax_id():
            person = None
            if placeholder.scheme_id == "TCKN":
                first, _sep, family = (partner.name or "").rpartition(" ")
                person = Person(first_name=first or partner.name or "", family_name=family)
            customer = dataclasses.replace(
                customer,
                identifications=(placeholder,),
                name=None if person else partner.name,
                person=person,
            )
        return dataclasses.replace(
            customer, identifications=customer.identifications + partner._l10n_tr_edoc_identifications()
        )

    def _l10n_tr_edoc_try_rate(self):
        """TRY for one unit of the invoice's currency: the invoice's own rate, then the company's TRY rate."""
        self.ensure_one()
        to_company = 1 / self.invoice_currency_rate if self.invoice_currency_rate else 0.0
        company_currency = self.company_id.currency_id
        if company_currency.name == "TRY":
            return to_company
        lira = self.env.ref("base.TRY")
        return to_company * company_currency._get_conversion_rate(
            company_currency, lira, self.company_id, self._get_invoice_currency_rate_date()
        )

    def _l10n_tr_edoc_payment_content(self, invoice):
        """PaymentMeans (the company's bank account, the due date) and PaymentTerms."""
        due = self.invoice_date_due
        later = bool(due and self.invoice_date and due > self.invoice_date)
        due = due if later else None
        means = tuple(
            dataclasses.replace(m, payment_due_date=m.payment_due_date or due) for m in invoice.payment_means
        )
        bank = self.partner_bank_id
        if not means and bank:
            means = (
                PaymentMeans(
                    payment_means_code=PAYMENT_MEANS_CODE["EFT/HAVALE"],
                    payment_due_date=due,
                    payee_financial_account=FinancialAccount(
                        id=(bank.acc_number or "").replace(" ", "").upper(),
                        currency_code=(bank.currency_id or self.currency_id).name,
                        institution_name=bank.bank_id.name or None,
                    ),
                ),
            )
        elif not means and later:
            # İzibiz's table: 1 is "Diğerleri", any means not agreed yet
            means = (PaymentMeans(payment_means_code="1", payment_due_date=due),)
        terms = invoice.payment_terms
        if terms is None and (self.invoice_payment_term_id or later):
            terms = PaymentTerms(note=self.invoice_payment_term_id.name or None, payment_due_date=due)
        return {"payment_means": means, "payment_terms": terms}

    def _l10n_tr_edoc_despatch_content(self):
        """DespatchDocumentReferences: e-İrsaliye numbers, printed notes' numbers, in delivery order."""
        pickings = self._l10n_tr_edoc_despatch_pickings() | self.l10n_tr_edoc_picking_ids
        references = list(self._l10n_tr_edoc_despatch_references(pickings))
        for picking in pickings.sorted("id"):
            if picking.l10n_tr_edoc_document_id:
                continue
            done = picking.date_done or picking.scheduled_date
            references.append(
                DocumentReference(
                    id=picking.l10n_tr_edoc_printed_number or picking.name,
                    issue_date=picking.l10n_tr_edoc_printed_date
                    or (done and done.astimezone(ISTANBUL).date())
                    or self.invoice_date,
                )
            )
        if self.l10n_tr_edoc_printed_despatch_number:
            references.append(
                DocumentReference(
                    id=self.l10n_tr_edoc_printed_despatch_number,
                    issue_date=self.l10n_tr_edoc_printed_despatch_date or self.invoice_date,
                )
            )
        return tuple(references)

    def _l10n_tr_edoc_okc_reference(self, supplier):
        """The ÖKC information slip as GİB's BillingReference (OKCBF): slip, Z report and register."""
        if not self.l10n_tr_edoc_okc_receipt_number:
            return ()
        issued = self.l10n_tr_edoc_okc_receipt_date or self.invoice_date
        kind = self.l10n_tr_edoc_okc_receipt_kind or (
            "E-ARSIV" if self.l10n_tr_edoc_profile == "EARSIVFATURA" else "E-FATURA"
        )
        return (
            DocumentReference(
                id=self.l10n_tr_edoc_okc_receipt_number,
                issue_date=issued,
                document_type_code="OKCBF",
                document_type="OKCBilgiFisi",
                document_description=(kind,),
                attachment=Attachment(
                    external_uri=self.l10n_tr_edoc_okc_z_number or None, character_set_code=None
                ),
                valid_from=issued,
                issuer_party=Party(
                    endpoint_id=self.l10n_tr_edoc_okc_serial or None,
                    identifications=tuple(
                        i for i in supplier.identifications if i.scheme_id in ("VKN", "TCKN")
                    ),
                    address=Address(),
                ),
            ),
        )

    def _l10n_tr_edoc_attachment_references(self):
        """The chosen attached files, embedded (base64) as AdditionalDocumentReference."""
        return tuple(
            DocumentReference(
                id=attachment.name,
                issue_date=self.invoice_date,
                document_type="EK",
                attachment=Attachment(
                    content=attachment.raw, filename=attachment.name, mime_code=attachment.mimetype
                ),
            )
            for attachment in self._l10n_tr_edoc_own_attachments().sorted("id")
        )

    def _l10n_tr_edoc_own_attachments(self):
        """The chosen files that are attached to this invoice: never another record's file."""
        return self.l10n_tr_edoc_attachment_ids.sudo().filtered(
            lambda attachment: attachment.res_model == self._name and attachment.res_id == self.id
        )

    def _l10n_tr_edoc_unit_problems(self):
        """Each product line's unit needs its GİB code: name the unit that has none."""
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        problems = []
        for uom in lines.product_uom_id.filtered(lambda uom: not uom.l10n_tr_edoc_unit_code):
            problems.append(uom._l10n_tr_edoc_unit_code_problem())
        return problems

    def _l10n_tr_edoc_with_content(self, invoice):
        """The scenario's invoice with what every commercial invoice carries besides its lines."""
        self.ensure_one()
        supplier = invoice.supplier
        supplier = dataclasses.replace(
            supplier,
            identifications=supplier.identifications
            + self.company_id.partner_id._l10n_tr_edoc_identifications(),
        )
        values = {"supplier": supplier, **self._l10n_tr_edoc_payment_content(invoice)}
        if invoice.profile_id != "IHRACAT":
            values["customer"] = self._l10n_tr_edoc_content_customer(invoice.customer)
        notes = list(invoice.notes)
        if not is_html_empty(self.narration):
            notes.append(html2plaintext(self.narration).strip())
        notes.append(
            amount_in_words(invoice.legal_monetary_total.payable_amount, invoice.document_currency_code)
        )
        values["notes"] = tuple(notes)
        if invoice.order_reference is None and self.l10n_tr_edoc_order_number:
            values["order_reference"] = DocumentReference(
                id=self.l10n_tr_edoc_order_number,
                issue_date=self.l10n_tr_edoc_order_date or self.invoice_date,
            )
        values["despatch_document_references"] = (
            invoice.despatch_document_references + self._l10n_tr_edoc_despatch_content()
        )
        values["additional_document_references"] = (
            invoice.additional_document_references + self._l10n_tr_edoc_attachment_references()
        )
        values["billing_additional_references"] = (
            invoice.billing_additional_references + self._l10n_tr_edoc_okc_reference(supplier)
        )
        if invoice.document_currency_code != "TRY" and invoice.pricing_exchange_rate is None:
            values["pricing_exchange_rate"] = ExchangeRate(
                source_currency_code=invoice.document_currency_code,
                calculation_rate=_rate(self._l10n_tr_edoc_try_rate()),
            )
            values["pricing_currency_code"] = invoice.pricing_currency_code or "TRY"
        return dataclasses.replace(invoice, **values)

    def _l10n_tr_edoc_content_problems(self):
        """What blocks the send among the content above: units, receiver alias, rates, files, ÖKC slip."""
        self.ensure_one()
        problems = self._l10n_tr_edoc_unit_problems()
        if self.l10n_tr_edoc_profile not in ("EARSIVFATURA", "IHRACAT"):
            partner = self.partner_id.commercial_partner_id
            aliases = partner.l10n_tr_edoc_gib_alias_ids.filtered(lambda a: a.document_type == "INVOICE")
            if len(aliases) > 1 and self.l10n_tr_edoc_receiver_alias not in aliases.mapped("name"):
                problems.append(
                    self.env._(
                        "%(partner)s has several e-Fatura PK aliases (%(aliases)s): choose the one to send "
                        "to in Receiver Alias (PK) on the e-Documents tab.",
                        partner=partner.display_name,
                        aliases=", ".join(aliases.mapped("name")),
                    )
                )
        # currency names are unique: no look-up of base.TRY for the usual lira company or invoice
        if "TRY" not in (self.company_id.currency_id.name, self.currency_id.name):
            lira = self.env.ref("base.TRY")
            has_rate = self.env["res.currency.rate"].search_count(
                [
                    ("currency_id", "=", lira.id),
                    ("name", "<=", self._get_invoice_currency_rate_date()),
                    ("company_id", "in", (False, self.company_id.root_id.id)),
                ],
                limit=1,
            )
            if not has_rate:
                problems.append(
                    self.env._(
                        "There is no TRY exchange rate for %s: GİB needs the Turkish lira rate of an invoice "
                        "in another currency. Add it in Invoicing > Configuration > Currencies.",
                        self._get_invoice_currency_rate_date(),
                    )
                )
        own = self._l10n_tr_edoc_own_attachments()
        for attachment in self.l10n_tr_edoc_attachment_ids.sudo() - own:
            problems.append(
                self.env._(
                    "The file %s is not attached to this invoice: attach it here first.", attachment.name
                )
            )
        total = 0
        for attachment in own:
            total += attachment.file_size
            if attachment.mimetype not in ATTACHMENT_MIME_TYPES:
                problems.append(
                    self.env._(
                        "The file %(file)s (%(type)s) cannot be sent in an e-document: attach it as PDF, "
                        "image, text or spreadsheet.",
                        file=attachment.name,
                        type=attachment.mimetype,
                    )
                )
            elif attachment.file_size > ATTACHMENT_MAX_BYTES:
                problems.append(
                    self.env._(
                        "The file %s is larger than 2 MB: too large to send in an e-document.",
                        attachment.name,
                    )
                )
        if total > ATTACHMENTS_MAX_BYTES:
            problems.append(self.env._("The files sent with the invoice are larger than 5 MB together."))
        okc = (
            self.l10n_tr_edoc_okc_receipt_number,
            self.l10n_tr_edoc_okc_receipt_date,
            self.l10n_tr_edoc_okc_serial,
            self.l10n_tr_edoc_okc_z_number,
        )
        if any(okc) and not all(okc):
            problems.append(
                self.env._(
                    "The cash-register (ÖKC) slip needs its number, date, the register's serial number and "
                    "the Z report number."
                )
            )
        return problems

    # -- scenario and type data (issue 18): defaults, pre-flight and the document ----------------

    def _l10n_tr_edoc_release(self):
        return codes.release_for(self.invoice_date or gib_today())

    def _l10n_tr_edoc_default_type(self, computed):
        """The type the taxes, the customer and the scenario suggest, always one GİB allows."""
        self.ensure_one()
        profile = self.l10n_tr_edoc_profile
        taxes = self.invoice_line_ids.tax_ids.flatten_taxes_hierarchy()
        exemptions = {code[:1] for code in taxes.l10n_tr_edoc_exemption_id.mapped("code")}
        result = computed
        if computed == "SATIS":
            if codes.ACCOMMODATION_TAX in taxes.l10n_tr_edoc_tax_type_id.mapped("code"):
                result = "KONAKLAMAVERGISI"
            elif exemptions == {"8"}:
                result = "OZELMATRAH"
            elif normalize_tax_id(self.partner_id.commercial_partner_id.vat) == SGK_VKN:
                result = "SGK"
            elif profile == "HKS":
                result = "HKSSATIS"
        if profile == "ENERJI" and result not in ("SARJ", "SARJANLIK"):
            result = "SARJ"
        if profile and not codes.invoice_type_allowed(profile, result, self._l10n_tr_edoc_release()):
            allowed = codes.invoice_types_for_profile(profile, self._l10n_tr_edoc_release())
            result = "SATIS" if "SATIS" in allowed else min(allowed, default="SATIS")
        return result

    def _l10n_tr_edoc_product_lines(self):
        """A saved move's product lines are among ``line_ids``, which the send path has read already;
        a move being edited has them in ``invoice_line_ids``."""
        lines = self.line_ids if isinstance(self.id, int) else self.invoice_line_ids
        return lines.filtered(lambda line: line.display_type == "product")

    def _l10n_tr_edoc_is_ytb(self):
        return self.l10n_tr_edoc_profile == "YATIRIMTESVIK" or (
            self.l10n_tr_edoc_profile == "EARSIVFATURA"
            and self.l10n_tr_edoc_type_code in codes.YTB_EARCHIVE_TYPES
        )

    def _l10n_tr_edoc_line_schemes(self):
        """The item identification schemes the profile or the type asks on every line, if any."""
        return LINE_SCHEMES_BY_PROFILE.get(self.l10n_tr_edoc_profile) or LINE_SCHEMES_BY_TYPE.get(
            self.l10n_tr_edoc_type_code, ()
        )

    def _l10n_tr_edoc_scenario_problems(self):
        """What the chosen scenario and type need and the form lacks, said where to fill it in.

        A special type never goes out without its data: GİB may accept a bare document, but it would
        not be the invoice the law asks for (an SGK invoice without its SGK references, a tax-free sale
        without the passport).
        """
        self.ensure_one()
        _ = self.env._
        problems = []
        profile, type_code = self.l10n_tr_edoc_profile, self.l10n_tr_edoc_type_code
        release = self._l10n_tr_edoc_release()
        if profile and type_code and not codes.invoice_type_allowed(profile, type_code, release):
            problems.append(
                _(
                    "GİB does not allow the invoice type %(type)s in the scenario %(profile)s. Allowed "
                    "types: %(allowed)s. Change the GİB Invoice Type on the e-Document tab.",
                    type=type_code,
                    profile=profile,
                    allowed=", ".join(sorted(codes.invoice_types_for_profile(profile, release))),
                )
            )
        lines = self._l10n_tr_edoc_product_lines()
        if schemes := self._l10n_tr_edoc_line_schemes():
            for line in lines.filtered(
                lambda line: line.l10n_tr_edoc_item_scheme not in schemes or not line.l10n_tr_edoc_item_code
            ):
                problems.append(
                    _(
                        "Line %(line)s: the %(what)s invoice needs the item identification %(schemes)s. "
                        "Fill in the line's GİB Item ID and its kind (invoice lines, optional columns).",
                        line=line.name or line.product_id.display_name,
                        what=type_code if type_code in LINE_SCHEMES_BY_TYPE else profile,
                        schemes=" / ".join(schemes),
                    )
                )
        if profile == "YOLCUBERABERFATURA":
            partner = self.partner_id.commercial_partner_id
            representative = self.l10n_tr_edoc_tax_representative_id.commercial_partner_id
            if not self.l10n_tr_edoc_passport_no or not partner.country_id:
                problems.append(
                    _(
                        "A tax-free (YOLCUBERABERFATURA) invoice needs the traveller's passport number and "
                        "nationality: fill in Passport Number on the GİB Scenario Data tab and the "
                        "customer's country."
                    )
                )
            if (
                not representative
                or not normalize_tax_id(representative.vat)
                or not (representative.l10n_tr_edoc_einvoice_alias)
            ):
                problems.append(
                    _(
                        "A tax-free (YOLCUBERABERFATURA) invoice needs the tax-free intermediary with its "
                        "VKN and GİB alias: choose it in Tax-Free Intermediary on the GİB Scenario Data tab."
                    )
                )
        if profile == "KAMU" and (not self.l10n_tr_edoc_kamu_buyer_id or not self.partner_bank_id):
            problems.append(
                _(
                    "A KAMU invoice needs the public administration that buys (Public Buyer) and your IBAN "
                    "(IBAN on the e-Documents tab)."
                )
            )
        if profile == "IDIS" and not self.l10n_tr_edoc_shipment_no:
            problems.append(
                _("An İDİS invoice needs the İDİS Shipment Number (SE-0000000) on the GİB Scenario Data tab.")
            )
        if self._l10n_tr_edoc_is_ytb():
            if (
                not (self.l10n_tr_edoc_ytb_certificate or "").isdigit()
                or len(self.l10n_tr_edoc_ytb_certificate) != 6
            ):
                problems.append(
                    _(
                        "An investment-incentive invoice needs the 6-digit Incentive Certificate Number on "
                        "the GİB Scenario Data tab."
                    )
                )
            for line in lines.filtered(lambda line: not line.l10n_tr_edoc_ytb_class):
                problems.append(
                    _(
                        "Line %s: an investment-incentive invoice needs the incentive item class of every "
                        "line (YTB Item Class, on the product or the line).",
                        line.name or line.product_id.display_name,
                    )
                )
            for line in lines.filtered(
                lambda line: (
                    line.l10n_tr_edoc_ytb_class == "01"
                    and not (line.l10n_tr_edoc_serial and line.l10n_tr_edoc_trace_id)
                )
            ):
                problems.append(
                    _(
                        "Line %s: a machine (YTB item class 01) needs its Serial Number and Product "
                        "Trace ID.",
                        line.name or line.product_id.display_name,
                    )
                )
        if type_code == "SGK":
            missing = [
                self._fields[name].get_description(self.env)["string"]
                for name in (
                    "l10n_tr_edoc_sgk_accounting_cost",
                    "l10n_tr_edoc_period_start",
                    "l10n_tr_edoc_period_end",
                    *(name for name, _kind in SGK_REFERENCES),
                )
                if not self[name]
            ]
            if missing:
                problems.append(
                    _(
                        "An SGK invoice needs these fields of the GİB Scenario Data tab: %s.",
                        ", ".join(missing),
                    )
                )
        if type_code == "KONAKLAMAVERGISI" and codes.ACCOMMODATION_TAX not in (
            lines.tax_ids.flatten_taxes_hierarchy().l10n_tr_edoc_tax_type_id.mapped("code")
        ):
            problems.append(
                _(
                    "A KONAKLAMAVERGISI invoice needs the accommodation tax (GİB tax type 0059) on its "
                    "lines: add it next to the KDV."
                )
            )
        if type_code in ("SARJ", "SARJANLIK"):
            if not (
                self.l10n_tr_edoc_period_start
                and self.l10n_tr_edoc_period_end
                and self.l10n_tr_edoc_vehicle_plate
            ):
                problems.append(
                    _(
                        "A charging invoice needs the charging start and end (Invoice Period) and the "
                        "Charged Vehicle Plate on the GİB Scenario Data tab."
                    )
                )
            if type_code == "SARJ" and not self.l10n_tr_edoc_esu_report_id:
                problems.append(_("A SARJ invoice needs the ESU Report ID on the GİB Scenario Data tab."))
            if type_code == "SARJANLIK":
                for line in lines.filtered(lambda line: not line.l10n_tr_edoc_serial):
                    problems.append(
                        _(
                            "Line %s: a SARJANLIK invoice needs the charge point's Serial Number on every "
                            "line.",
                            line.name or line.product_id.display_name,
                        )
                    )
        if (
            type_code == "IHRACKAYITLI"
            and "702" in lines.tax_ids.flatten_taxes_hierarchy().l10n_tr_edoc_exemption_id.mapped("code")
        ):
            for line in lines.filtered(
                lambda line: not line.product_id.l10n_tr_edoc_gtip or not line.l10n_tr_edoc_diib_line_code
            ):
                problems.append(
                    _(
                        "Line %s: an export-registered sale under 702 needs the product's GTİP and the "
                        "buyer's DİİB line code (Buyer's DİİB Line Code column of the line).",
                        line.name or line.product_id.display_name,
                    )
                )
        problems += self._l10n_tr_edoc_withholding_problems()
        return problems

    def _l10n_tr_edoc_withholding_code(self, line, tax):
        """The tevkifat code of a withheld line: the service's (product) first, the tax's as default."""
        return (line.product_id.l10n_tr_edoc_withholding_id or tax.l10n_tr_edoc_withholding_id).code

    def _l10n_tr_edoc_withholding_problems(self):
        """Each withholding code allows only its own shares of the KDV (602: 9/10; 601: 3/10 or 4/10)."""
        problems = []
        for line in self._l10n_tr_edoc_product_lines():
            for tax in line.tax_ids.flatten_taxes_hierarchy().filtered("l10n_tr_edoc_withholding_id"):
                code = self._l10n_tr_edoc_withholding_code(line, tax)
                kdv = line.tax_ids.flatten_taxes_hierarchy().filtered(
                    lambda t: t.l10n_tr_edoc_tax_type_id.code == KDV and t.amount
                )
                share = round(abs(tax.amount) / kdv[0].amount * 100) if kdv else None
                allowed = codes.WITHHOLDING_PERCENTS.get(code, frozenset())
                if share is not None and share not in allowed:
                    problems.append(
                        self.env._(
                            "Line %(line)s: the withholding code %(code)s allows %(allowed)s %% of the KDV, "
                            "the tax %(tax)s withholds %(share)s %%. Choose the withholding tax with that "
                            "share, or the product's GİB Withholding Code.",
                            line=line.name or line.product_id.display_name,
                            code=code,
                            allowed=" / ".join(str(p) for p in sorted(allowed)) or "-",
                            tax=tax.name,
                            share=share,
                        )
                    )
        return problems

    def _l10n_tr_edoc_istanbul(self, value):
        return fields.Datetime.to_datetime(value).replace(tzinfo=datetime.UTC).astimezone(ISTANBUL)

    def _l10n_tr_edoc_scenario_line(self, line, aml):
        """A built line with the form's item identifications, serials, classification and DİİB code."""
        item = line.item
        changes = {}
        if aml.l10n_tr_edoc_item_code and aml.l10n_tr_edoc_item_scheme:
            changes["additional_item_ids"] = (
                *item.additional_item_ids,
                Identifier(value=aml.l10n_tr_edoc_item_code.strip(), scheme_id=aml.l10n_tr_edoc_item_scheme),
            )
        if aml.l10n_tr_edoc_serial or aml.l10n_tr_edoc_trace_id:
            changes["instances"] = (
                *item.instances,
                ItemInstance(
                    serial_id=aml.l10n_tr_edoc_serial or None,
                    product_trace_id=aml.l10n_tr_edoc_trace_id or None,
                ),
            )
        if self._l10n_tr_edoc_is_ytb() and aml.l10n_tr_edoc_ytb_class:
            changes["commodity_classification_codes"] = (aml.l10n_tr_edoc_ytb_class,)
            changes["model_name"] = item.model_name or aml.product_id.default_code or aml.product_id.name
        line_changes = {"item": dataclasses.replace(item, **changes)} if changes else {}
        deliveries = line.deliveries
        exemptions = aml.tax_ids.flatten_taxes_hierarchy().l10n_tr_edoc_exemption_id.mapped("code")
        if (
            self.l10n_tr_edoc_type_code == "IHRACKAYITLI"
            and "702" in exemptions
            and aml.l10n_tr_edoc_diib_line_code
        ):
            buyer_line = Party(
                identifications=(
                    Identifier(value=aml.l10n_tr_edoc_diib_line_code.strip(), scheme_id="ALICIDIBSATIRKOD"),
                ),
                address=Address(),
            )
            deliveries += (
                Delivery(
                    shipment=Shipment(
                        goods_items=(
                            GoodsItem(required_customs_id=aml.product_id.l10n_tr_edoc_gtip or None),
                        ),
                        transport_handling_units=(
                            TransportHandlingUnit(
                                customs_declarations=(CustomsDeclaration(id="1", issuer_party=buyer_line),)
                            ),
                        ),
                    )
                ),
            )
        if self.l10n_tr_edoc_profile == "IHRACAT" and self.l10n_tr_edoc_package_type:
            package = Package(
                packaging_type_code=self.l10n_tr_edoc_package_type.strip().upper(),
                quantity=Decimal(self.l10n_tr_edoc_package_count or 1),
            )
            deliveries = tuple(
                dataclasses.replace(
                    delivery,
                    shipment=dataclasses.replace(
                        delivery.shipment,
                        transport_handling_units=(
                            *delivery.shipment.transport_handling_units,
                            TransportHandlingUnit(packages=(package,)),
                        ),
                    ),
                )
                if delivery.shipment
                else delivery
                for delivery in deliveries
            )
        if deliveries != line.deliveries:
            line_changes["deliveries"] = deliveries
        withheld = []
        for total in line.withholding_tax_totals:
            subs = tuple(
                dataclasses.replace(sub, tax_type_code=code)
                if (code := self._l10n_tr_edoc_line_withholding_code(aml, sub.tax_type_code))
                else sub
                for sub in total.subtotals
            )
            withheld.append(dataclasses.replace(total, subtotals=subs))
        if tuple(withheld) != line.withholding_tax_totals:
            line_changes["withholding_tax_totals"] = tuple(withheld)
        return dataclasses.replace(line, **line_changes) if line_changes else line

    def _l10n_tr_edoc_line_withholding_code(self, aml, tax_code):
        """The product's withholding code replaces the tax's chart default (the code follows the service)."""
        return aml.product_id.l10n_tr_edoc_withholding_id.code if tax_code.startswith(("6", "8")) else None

    def _l10n_tr_edoc_with_scenario(self, invoice):
        """``invoice`` with the data of its scenario and type, where GİB expects it."""
        self.ensure_one()
        profile, type_code = invoice.profile_id, invoice.invoice_type_code
        changes = {}
        amls = self._l10n_tr_edoc_product_lines()
        lines = (
            tuple(
                self._l10n_tr_edoc_scenario_line(line, aml)
                for line, aml in zip(invoice.lines, amls, strict=False)
            )
            + invoice.lines[len(amls) :]
        )
        if self._l10n_tr_edoc_is_ytb() and type_code in ("ISTISNA", "YTBISTISNA"):
            lines = (
                tuple(
                    self._l10n_tr_edoc_ytb_waived_line(line, aml)
                    for line, aml in zip(lines, amls, strict=False)
                )
                + lines[len(amls) :]
            )
        if lines != invoice.lines:
            changes["lines"] = lines
            withholding = merge_withholding(lines)
            changes["withholding_tax_totals"] = (
                (tax_total_from_subtotals(withholding),) if withholding else ()
            )
            subtotals = merge_tax_subtotals(lines)
            charged = sum(
                (sub.tax_amount for sub in subtotals if not sub.calculation_sequence_numeric), Decimal(0)
            )
            changes["tax_totals"] = (TaxTotal(tax_amount=charged, subtotals=subtotals),) if subtotals else ()
        if self.l10n_tr_edoc_period_start or self.l10n_tr_edoc_period_end:
            start = self.l10n_tr_edoc_period_start and self._l10n_tr_edoc_istanbul(
                self.l10n_tr_edoc_period_start
            )
            end = self.l10n_tr_edoc_period_end and self._l10n_tr_edoc_istanbul(self.l10n_tr_edoc_period_end)
            changes["invoice_period"] = Period(
                start_date=start.date() if start else None,
                start_time=start.time().replace(microsecond=0) if start else None,
                end_date=end.date() if end else None,
                end_time=end.time().replace(microsecond=0) if end else None,
            )
        references = invoice.additional_document_references
        if type_code == "SGK":
            changes["accounting_cost"] = self.l10n_tr_edoc_sgk_accounting_cost or None
            references += tuple(
                DocumentReference(id=self[name], document_type=kind, issue_date=invoice.issue_date)
                for name, kind in SGK_REFERENCES
                if self[name]
            )
        customer = invoice.customer
        if type_code in ("SARJ", "SARJANLIK") and self.l10n_tr_edoc_vehicle_plate:
            plate = "".join(self.l10n_tr_edoc_vehicle_plate.split()).upper()
            customer = dataclasses.replace(
                customer,
                identifications=(*customer.identifications, Identifier(value=plate, scheme_id="PLAKA")),
            )
        if type_code == "SARJ" and self.l10n_tr_edoc_esu_report_id:
            references += (
                DocumentReference(
                    id=self.l10n_tr_edoc_esu_report_id.strip(),
                    scheme_id="ESURaporID",
                    issue_date=self.l10n_tr_edoc_esu_report_date or invoice.issue_date,
                ),
            )
        if references != invoice.additional_document_references:
            changes["additional_document_references"] = references
        if profile == "YOLCUBERABERFATURA":
            customer = self._l10n_tr_edoc_gtb_party()
            changes["buyer_customer"] = self._l10n_tr_edoc_traveller()
            if representative := self.l10n_tr_edoc_tax_representative_id:
                changes["tax_representative"] = self._l10n_tr_edoc_intermediary(representative)
        if customer != invoice.customer:
            changes["customer"] = customer
        if profile == "IDIS" and self.l10n_tr_edoc_shipment_no:
            supplier = invoice.supplier
            changes["supplier"] = dataclasses.replace(
                supplier,
                identifications=(
                    *supplier.identifications,
                    Identifier(value=self.l10n_tr_edoc_shipment_no.strip(), scheme_id="SEVKIYATNO"),
                ),
            )
        if self._l10n_tr_edoc_is_ytb() and self.l10n_tr_edoc_ytb_certificate:
            changes["contract_document_references"] = (
                DocumentReference(
                    id=self.l10n_tr_edoc_ytb_certificate.strip(),
                    scheme_id="YTBNO",
                    issue_date=invoice.issue_date,
                ),
            )
        return dataclasses.replace(invoice, **changes) if changes else invoice

    def _l10n_tr_edoc_ytb_waived_line(self, line, aml):
        """YTB ISTISNA: the KDV an incentive exemption (308, 339) waives is shown, not charged.

        GİB's samples write it at the product's own KDV rate with ``CalculationSequenceNumeric`` -1
        under a line TaxTotal of 0; the product's sales KDV is the rate the certificate waives.
        """
        if not line.tax_total:
            return line
        product_kdv = aml.product_id.taxes_id.filtered(
            lambda tax: tax.l10n_tr_edoc_tax_type_id.code == KDV and tax.amount > 0
        )[:1]
        rate = _rate(product_kdv.amount) if product_kdv else Decimal(max(codes.KDV_RATES))
        subtotals = tuple(
            dataclasses.replace(
                sub,
                percent=rate,
                tax_amount=(sub.taxable_amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP),
                calculation_sequence_numeric=-1,
            )
            if sub.tax_type_code == KDV
            and sub.exemption_reason_code in codes.YTB_EXEMPTION_CODES
            and not sub.tax_amount
            else sub
            for sub in line.tax_total.subtotals
        )
        charged = sum(
            (sub.tax_amount for sub in subtotals if not sub.calculation_sequence_numeric), Decimal(0)
        )
        return dataclasses.replace(line, tax_total=TaxTotal(tax_amount=charged, subtotals=subtotals))

    def _l10n_tr_edoc_traveller(self):
        """YOLCUBERABERFATURA: the traveller as a TAXFREE buyer, with nationality and passport."""
        partner = self.partner_id.commercial_partner_id
        first, _sep, family = (partner.name or "").rpartition(" ")
        return Party(
            identifications=(Identifier(value="TAXFREE", scheme_id="PARTYTYPE"),),
            address=self._l10n_tr_edoc_address(partner),
            person=Person(
                first_name=first or partner.name or "",
                family_name=family or partner.name or "",
                nationality_id=partner.country_id.code or None,
                identity_documents=(
                    DocumentReference(
                        id=(self.l10n_tr_edoc_passport_no or "").strip(),
                        issue_date=self.l10n_tr_edoc_passport_date or self.invoice_date,
                    ),
                ),
            ),
        )

    def _l10n_tr_edoc_intermediary(self, partner):
        partner = partner.commercial_partner_id
        identifications = (Identifier(value=normalize_tax_id(partner.vat), scheme_id="ARACIKURUMVKN"),)
        if partner.l10n_tr_edoc_einvoice_alias:
            identifications += (
                Identifier(value=partner.l10n_tr_edoc_einvoice_alias, scheme_id="ARACIKURUMETIKET"),
            )
        return Party(
            identifications=identifications, name=partner.name, address=self._l10n_tr_edoc_address(partner)
        )

    def action_l10n_tr_edoc_preview(self):
        """Show the GİB printout of the invoice as it would be sent, before anything is sent."""
        self.ensure_one()
        invoice = self._l10n_tr_edoc_to_invoice(self._l10n_tr_edoc_preview_number())
        return self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_preview_action(
            render_invoice(invoice), title=self.env._("Preview of %s", self.display_name)
        )

    # -- sending ------------------------------------------------------------------------------

    def _l10n_tr_edoc_document_values(self):
        self.ensure_one()
        return {
            "kind": "earchive" if self.l10n_tr_edoc_profile == "EARSIVFATURA" else "einvoice",
            "profile": self.l10n_tr_edoc_profile,
            "type_code": self.l10n_tr_edoc_type_code,
            "issue_date": self.invoice_date,
            "sender_vat": normalize_tax_id(self.company_id.vat),
            "receiver_vat": GTB_VKN
            if self.l10n_tr_edoc_profile in ("IHRACAT", "YOLCUBERABERFATURA")
            else self._l10n_tr_edoc_receiver_vat(),
            "receiver_alias": GTB_ALIAS
            if self.l10n_tr_edoc_profile == "IHRACAT"
            else GTB_TAXFREE_ALIAS
            if self.l10n_tr_edoc_profile == "YOLCUBERABERFATURA"
            else (self.l10n_tr_edoc_receiver_alias or False),
            "amount_total": self.amount_total,
            "currency_id": self.currency_id.id,
        }

    def _l10n_tr_edoc_ensure_document(self, account):
        """The move's current document, created at the first send; its kind follows the move until sent."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        values = self._l10n_tr_edoc_document_values()
        if document and document.state in SENDABLE_STATES:
            # only what changed: a write here makes the ORM look up the moves and pickings of the document
            if changed := {
                name: value
                for name, value in values.items()
                if document._fields[name].convert_to_write(document[name], document) != value
            }:
                document.write(changed)
            return document
        if document:
            return document
        return self.env["l10n_tr_edoc.document"].create(
            {
                **values,
                "uuid": self.l10n_tr_edoc_uuid,
                "direction": "out",
                "account_id": account.id,
                "company_id": self.company_id.id,
                "move_id": self.id,
            }
        )

    def _l10n_tr_edoc_generate(self, document):
        """Number (once), build and attach the XML; returns an error text or None. Nothing is sent."""
        built = self._l10n_tr_edoc_build(document)
        if isinstance(built, str):
            return built
        self._l10n_tr_edoc_attach_built({document: built})
        return None

    def _l10n_tr_edoc_build(self, document, series=None):
        """Check, number (once) and build the move's XML: ``(number, xml)``, or an error text.

        ``series`` is the move's series when the caller already looked it up (a batch); the XML is
        attached by ``_l10n_tr_edoc_attach_built``, for a whole batch at once.
        """
        self.ensure_one()
        if document.name:
            series = self.env["l10n_tr_edoc.series"]
        elif series is None:
            series = self._l10n_tr_edoc_series()
        # gathered from the ORM once: checked under a number of its series, numbered after the checks pass
        # (the checks look at the number's form and year only, the same for every number of that year)
        issue_date = self.invoice_date or gib_today()
        preview = document.name or (
            format_number(series.prefix, issue_date.year, 1)
            if series
            else self._l10n_tr_edoc_preview_number()
        )
        invoice = self._l10n_tr_edoc_to_invoice(preview)
        problems = [issue for issue in check_invoice(invoice, today=gib_today()) if issue.is_error]
        texts = self._l10n_tr_edoc_move_problems() + [issue.message for issue in problems]
        if texts:
            text = "\n".join(texts)
            code = problems[0].code if problems else "tr_edoc.move.preflight"
            if document.state == "draft":
                document._l10n_tr_edoc_apply_event("generate_failed", error_code=code, error_message=text)
            else:
                document.write({"error_code": code, "error_message": text})
            return text
        number = document.name
        if not number:
            if not series:
                return self.env._(
                    "No e-Document series is configured for %s invoices.", self.l10n_tr_edoc_profile
                )
            try:
                number = series._l10n_tr_edoc_take_number(self.invoice_date)
            except UserError as error:
                return error.args[0]
        invoice = dataclasses.replace(invoice, id=number)
        # every outgoing document carries our display stylesheet, with its own QR baked in
        return number, render_invoice(dataclasses.replace(invoice, xslt=xslt_attachment(invoice)))

    @api.model
    def _l10n_tr_edoc_attach_built(self, built):
        """Attach the built XMLs (``{document: (number, xml)}``) to their invoices and record the numbers.

        The new attachments are made with one create for the whole batch (one at a time, the ORM's work
        per attachment weighed as much as the numbering); a resent document's attachment is rewritten.
        """
        values = {
            document: {
                "name": f"{number}.xml",
                "raw": xml,
                "mimetype": "application/xml",
                "res_model": "account.move",
                "res_id": document.move_id.id,
            }
            for document, (number, xml) in built.items()
        }
        for document, attachment_values in values.items():
            if document.xml_attachment_id:
                document.xml_attachment_id.sudo().write(attachment_values)
        new = [document for document in built if not document.xml_attachment_id]
        attachments = self.env["ir.attachment"].sudo().create([values[document] for document in new])
        attachment_of = dict(zip(new, attachments, strict=True))
        for document, (number, _xml) in built.items():
            document._l10n_tr_edoc_apply_event(
                "generate",
                name=number,
                xml_attachment_id=(attachment_of.get(document) or document.xml_attachment_id).id,
                error_code=False,
                error_message=False,
            )

    @api.model
    def _l10n_tr_edoc_can_commit(self):
        return self.env["account.move.send"]._can_commit()

    def _l10n_tr_edoc_send(self):
        """Send the posted moves' e-documents; returns ``{move: error text}`` for those that failed.

        Never raises for one bad invoice. Documents another worker holds are skipped; documents the
        integrator may already have (``unknown``) are settled by a status query before any resend.
        """
        errors = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(company)
            if not account:
                for move in moves:
                    errors[move] = self.env._(
                        "The company %s has no e-Document integrator account.", company.name
                    )
                continue
            with account._l10n_tr_edoc_session():
                errors.update(moves._l10n_tr_edoc_send_with(account))
        return errors

    def _l10n_tr_edoc_send_with(self, account, stream=None):
        """Generate, check and submit the moves' e-documents; GİB's checks run on ``stream``'s children
        (the cron's, one for the whole run) while the next invoices are built, when given."""
        errors = {}
        documents = self.env["l10n_tr_edoc.document"]
        # one query for the whole batch; only moves to these customers can need the check
        stale = self.partner_id.commercial_partner_id._l10n_tr_edoc_gib_check_needed()
        for move in self:
            if move.state != "posted" or not move.l10n_tr_edoc_applicable:
                errors[move] = self.env._(
                    "Only posted customer invoices of a Turkish company are sent to GİB."
                )
                continue
            if move.partner_id.commercial_partner_id in stale and move._l10n_tr_edoc_needs_gib_check():
                errors[move] = self.env._(
                    "%(move)s: the GİB registration of %(partner)s is unknown or older than a week. "
                    'Use "Check GİB Registration" on the invoice first, so it is not sent as e-Arşiv '
                    "to an e-Fatura user.",
                    move=move.display_name,
                    partner=move.partner_id.commercial_partner_id.display_name,
                )
                continue
            documents |= move._l10n_tr_edoc_ensure_document(account)
        locked = documents.try_lock_for_update()
        for document in documents - locked:
            errors[document.move_id] = self.env._(
                "%s is being sent by another process.", document.display_name
            )
        provider = account._l10n_tr_edoc_get_provider()
        locked._l10n_tr_edoc_resolve_unknown(provider)
        generated = locked.filtered(lambda d: d.state in SENDABLE_STATES)
        # the lines' taxes and tags for the whole batch in a few queries, not a few per invoice
        generated.move_id.line_ids.fetch(["tax_ids", "tax_tag_ids", "product_id", "product_uom_id"])
        generated.move_id.line_ids.tax_ids.fetch(["repartition_line_ids"])
        tickets, series, built = {}, {}, {}
        for document in generated:
            move = document.move_id
            key = (move.company_id, move._l10n_tr_edoc_series_kind(), move.journal_id)
            if key not in series:
                series[key] = move._l10n_tr_edoc_series()
            result = move._l10n_tr_edoc_build(document, series[key])
            if isinstance(result, str):
                errors[move] = result
                continue
            built[document] = result
            if stream is not None:
                tickets[document] = stream.submit(result[1])
        self._l10n_tr_edoc_attach_built(built)
        ready = generated.filtered(lambda d: d in built)
        for document, error in ready._l10n_tr_edoc_gib_validate(stream, tickets).items():
            errors[document.move_id] = error
            ready -= document
        ready._l10n_tr_edoc_apply_event("submit")
        if ready and self._l10n_tr_edoc_can_commit():
            # the number and the "sending" state must survive whatever happens on the wire
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for kind in ("einvoice", "earchive"):
            batch = ready.filtered(lambda d, k=kind: d.kind == k)
            if batch:
                errors.update(batch._l10n_tr_edoc_submit(provider, account))
        if ready and self._l10n_tr_edoc_can_commit():
            # what the integrator answered must outlive an error raised to the user afterwards
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return errors

    # -- buttons ------------------------------------------------------------------------------

    def action_l10n_tr_edoc_send(self):
        """Send now (or resend after a failure, with the same ETTN and number)."""
        errors = self._l10n_tr_edoc_send()
        if errors:
            raise UserError("\n".join(errors.values()))
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(self.company_id[:1])
        return account._l10n_tr_edoc_notify(
            self.env._("Sent to GİB"),
            self.env._(
                "%s: GİB's answer is checked automatically; the status shows on the invoice.",
                ", ".join(f"{move.display_name} ({move.l10n_tr_edoc_number})" for move in self),
            ),
            "success",
            reload=True,
        )

    def action_l10n_tr_edoc_update_status(self):
        documents = self.l10n_tr_edoc_document_id.filtered(lambda d: d.state in (*POLLED_STATES, "reported"))
        for account in documents.account_id:
            with account._l10n_tr_edoc_session():
                documents.filtered(lambda d, a=account: d.account_id == a)._l10n_tr_edoc_poll(
                    account._l10n_tr_edoc_get_provider()
                )
        return self.action_l10n_tr_edoc_receipt_status()

    def action_l10n_tr_edoc_cancel(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel e-Arşiv Invoice"),
            "res_model": "l10n_tr_edoc.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def action_l10n_tr_edoc_correct(self):
        """GİB refused the invoice: back to draft to be fixed and sent again under the same number.

        İzibiz: what GİB refused goes again with the same number and the same ETTN; what the
        receiver's system refused (1215, 1230) with the same number and a new ETTN. The document
        keeps both attempts (its chatter and call log); the series keeps no gap.
        """
        self.ensure_one()
        if self.l10n_tr_edoc_state != "rejected_by_gib":
            raise UserError(self.env._("Only an invoice GİB refused is corrected this way."))
        document = self.l10n_tr_edoc_document_id
        new_uuid, plan = document._l10n_tr_edoc_reopen_refused()
        if new_uuid:
            self.l10n_tr_edoc_uuid = new_uuid
        self.with_context(l10n_tr_edoc_allow_draft=True).button_draft()
        self.message_post(
            body=self.env._("Back to draft after GİB's refusal: fix it and send it again. %s", plan)
        )
        return True

    @api.model
    def _cron_l10n_tr_edoc_send_and_poll(self, force=False):
        """Per account, in one integrator session: send what is queued, poll statuses when due,
        fetch incoming invoices when due, then log out.

        Statuses are polled at most every ``status_interval`` minutes and incoming invoices fetched
        at most every ``incoming_interval`` minutes (İzibiz: "Sık sorgulama yapmayınız");
        ``force`` ignores both intervals (tests, the demo).
        """
        for account in self.env["l10n_tr_edoc.account"].search([]):
            with account._l10n_tr_edoc_session():
                if not self._l10n_tr_edoc_send_and_poll_account(account, force):
                    return
                if force or account._l10n_tr_edoc_fetch_due():
                    account.with_company(account.company_id)._l10n_tr_edoc_fetch_incoming_invoices()

    @api.model
    def _l10n_tr_edoc_send_and_poll_account(self, account, force):
        """One account's share of the cron; False when the cron's time is up."""
        now = fields.Datetime.now()
        Document = self.env["l10n_tr_edoc.document"]
        # A worker that died between submitting and recording the answer leaves a document in
        # `sending`; after a grace period it is an unknown outcome, settled by a status query.
        stuck = Document.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                ("kind", "in", ("einvoice", "earchive")),
                ("state", "=", "sending"),
                ("write_date", "<", now - SENDING_GRACE),
            ]
        )
        for document in stuck:
            document._l10n_tr_edoc_apply_event(
                "timeout",
                error_code="tr_edoc.send.interrupted",
                error_message=self.env._("The send was interrupted; its outcome is checked with GİB."),
            )
        queued = Document.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                ("kind", "in", ("einvoice", "earchive")),
                ("move_id", "!=", False),
                ("state", "in", ("ready", "unknown")),
                # a draft on the integrator's portal waits for the user's Send
                "|",
                ("state", "=", "unknown"),
                ("draft_uploaded_at", "=", False),
            ]
        )
        # One kind at a time, in batches whose size is a multiple of the integrators' 100 documents per
        # request: each batch is committed, and its XMLs leave the worker's memory before the next.
        stream = Document._l10n_tr_edoc_validation_stream(len(queued)) if queued else None
        try:
            for kind in ("einvoice", "earchive"):
                documents = queued.filtered(lambda d, k=kind: d.kind == k)
                for start in range(0, len(documents), SEND_BATCH):
                    batch = documents[start : start + SEND_BATCH]
                    batch.move_id._l10n_tr_edoc_send_with(account, stream)
                    if not self._l10n_tr_edoc_commit_progress(len(batch)):
                        return False
                    self.env.invalidate_all()
        finally:
            if stream is not None:
                stream.close()
        interval = datetime.timedelta(minutes=account.status_interval)
        if not force and account.last_status_poll_at and account.last_status_poll_at + interval > now:
            return True
        account.last_status_poll_at = now
        polled = Document._l10n_tr_edoc_to_poll(account)
        provider = account._l10n_tr_edoc_get_provider()
        for start in range(0, len(polled), POLL_BATCH):
            batch = polled[start : start + POLL_BATCH]
            batch._l10n_tr_edoc_poll(provider)
            if not self._l10n_tr_edoc_commit_progress(len(batch)):
                return False
        return True

    @api.model
    def _l10n_tr_edoc_commit_progress(self, processed):
        """Commit a finished batch (never inside tests); False when the cron's time is up."""
        if not self._l10n_tr_edoc_can_commit():
            return True
        return self.env["ir.cron"]._commit_progress(processed) > 0

    # Vendor bills made from incoming e-Fatura and their commercial answer (KABUL/RED).
    l10n_tr_edoc_response_deadline = fields.Datetime(
        related="l10n_tr_edoc_document_id.response_deadline", string="Answer Before"
    )
    l10n_tr_edoc_response_remaining = fields.Char(
        related="l10n_tr_edoc_document_id.response_remaining", string="Time Left to Answer"
    )
    l10n_tr_edoc_response_code = fields.Selection(
        related="l10n_tr_edoc_document_id.response_code", string="Our Answer"
    )
    l10n_tr_edoc_import_warning = fields.Text(
        related="l10n_tr_edoc_document_id.import_warning", string="e-Fatura Import Warning"
    )
    l10n_tr_edoc_can_respond = fields.Boolean(compute="_compute_l10n_tr_edoc_can_respond")

    @api.depends(
        "l10n_tr_edoc_state", "l10n_tr_edoc_document_id.direction", "l10n_tr_edoc_document_id.profile"
    )
    def _compute_l10n_tr_edoc_can_respond(self):
        for move in self:
            document = move.l10n_tr_edoc_document_id
            move.l10n_tr_edoc_can_respond = (
                document.direction == "in"
                and document.profile == "TICARIFATURA"
                and move.l10n_tr_edoc_state == "awaiting_response"
            )

    def _l10n_tr_edoc_open_response_wizard(self, answer):
        self.ensure_one()
        self.l10n_tr_edoc_document_id._l10n_tr_edoc_check_answerable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answer the e-Fatura"),
            "res_model": "l10n_tr_edoc.response.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.l10n_tr_edoc_document_id.id, "default_answer": answer},
        }

    def action_l10n_tr_edoc_accept(self):
        return self._l10n_tr_edoc_open_response_wizard("KABUL")

    def action_l10n_tr_edoc_reject(self):
        return self._l10n_tr_edoc_open_response_wizard("RED")

    def _l10n_tr_edoc_apply_red_policy(self):
        """After our RED the supplier's invoice is void for us: cancel the bill or leave it in draft."""
        for move in self:
            if move.state == "posted":
                move.button_draft()
            if move.company_id.l10n_tr_edoc_red_policy == "cancel" and move.state == "draft":
                move.button_cancel()

    # -- import ---------------------------------------------------------------------------------

    @api.model
    def _l10n_tr_edoc_create_bill(self, document, invoice):
        """A draft vendor bill (or refund for IADE) from a parsed UBL-TR invoice.

        Returns the move and the list of warnings: every difference between the bill Odoo computed
        and the totals the supplier declared is reported, never silently absorbed.
        """
        company = document.company_id
        own = normalize_tax_id(company.vat)
        receiver = _tax_id_of(invoice.customer)
        if receiver and own and receiver.value != own:
            raise UserError(
                self.env._(
                    "This invoice is addressed to %(receiver)s, not to %(company)s (%(vat)s).",
                    receiver=receiver.value,
                    company=company.name,
                    vat=own,
                )
            )
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", invoice.document_currency_code)], limit=1)
        )
        if not currency:
            raise UserError(self.env._("Unknown currency %s.", invoice.document_currency_code))
        if not currency.active:
            currency.sudo().active = True
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "purchase")], limit=1
        )
        if not journal:
            raise UserError(self.env._("Company %s has no purchase journal for vendor bills.", company.name))
        partner = self._l10n_tr_edoc_find_partner(invoice.supplier, company)
        refund = invoice.invoice_type_code in codes.RETURN_TYPES
        lines = [
            self._l10n_tr_edoc_line_values(line, partner, company, type_code=invoice.invoice_type_code)
            for line in invoice.lines
        ]
        adjustment_lines, after_tax, warnings = self._l10n_tr_edoc_allowance_charge_lines(invoice, lines)
        values = {
            "move_type": "in_refund" if refund else "in_invoice",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": partner.id,
            "ref": invoice.id,
            "invoice_date": invoice.issue_date,
            "currency_id": currency.id,
            "l10n_tr_edoc_uuid": invoice.uuid,
            "narration": "\n".join(invoice.notes) or False,
            "invoice_line_ids": [fields.Command.create(line) for line in lines + adjustment_lines],
        }
        if refund:
            original = self._l10n_tr_edoc_refunded_bill(invoice, partner, company)
            if original:
                values["reversed_entry_id"] = original.id
            else:
                references = ", ".join(ref.id for ref in invoice.billing_references) or "-"
                warnings.append(
                    self.env._("The returned bill (%s) was not found; the refund is not linked.", references)
                )
        rate = invoice.pricing_exchange_rate or invoice.tax_exchange_rate or invoice.payment_exchange_rate
        if currency != company.currency_id and rate and rate.calculation_rate:
            values["invoice_currency_rate"] = float(Decimal(1) / rate.calculation_rate)
        move = self.with_company(company).create(values)
        warnings += move._l10n_tr_edoc_total_differences(invoice, after_tax=after_tax)
        return move, warnings

    @api.model
    def _l10n_tr_edoc_allowance_charge_lines(self, invoice, lines):
        """Bill lines for document-level allowances and charges, placed where the XML's totals put them.

        Before tax (TaxExclusiveAmount = lines ∓ adjustments) they carry the lines' taxes, which must
        then be one set; after tax (only PayableAmount moves, as HKS commission agents deduct their
        fees) they carry none. Returns the line values, the signed amount booked after tax, and a
        warning for every adjustment that could not be placed.
        """
        adjustments = [charge for charge in invoice.allowance_charges if charge.amount]
        if not adjustments:
            return [], Decimal(0), []
        signed = sum((c.amount if c.charge_indicator else -c.amount for c in adjustments), Decimal(0))
        totals = invoice.legal_monetary_total
        withheld = sum((total.tax_amount for total in invoice.withholding_tax_totals), Decimal(0))
        rounding = totals.payable_rounding_amount or Decimal(0)
        before_tax = _same(totals.line_extension_amount + signed, totals.tax_exclusive_amount)
        after_tax = _same(totals.line_extension_amount, totals.tax_exclusive_amount) and _same(
            totals.tax_inclusive_amount - withheld + signed + rounding, totals.payable_amount
        )
        tax_sets = {tuple(sorted(line["tax_ids"][0][2])) for line in lines}
        if not (after_tax or (before_tax and len(tax_sets) == 1)):
            return (
                [],
                Decimal(0),
                [
                    self.env._(
                        "Document-level %(kind)s of %(amount)s %(currency)s is not on the lines.",
                        kind=self.env._("charge") if charge.charge_indicator else self.env._("allowance"),
                        amount=charge.amount,
                        currency=invoice.document_currency_code,
                    )
                    for charge in adjustments
                ],
            )
        taxes = [] if after_tax else list(tax_sets.pop())
        values = [
            {
                "name": charge.reason
                or (
                    self.env._("Document charge")
                    if charge.charge_indicator
                    else self.env._("Document allowance")
                ),
                "quantity": 1.0,
                "price_unit": float(charge.amount if charge.charge_indicator else -charge.amount),
                "tax_ids": [fields.Command.set(taxes)],
            }
            for charge in adjustments
        ]
        return values, signed if after_tax else Decimal(0), []

    def _l10n_tr_edoc_total_differences(self, invoice, after_tax=Decimal(0)):
        """Compare the bill with LegalMonetaryTotal and withholding, in document currency.

        The net tax is TaxInclusiveAmount - TaxExclusiveAmount - withheld: GİB samples write
        TaxTotal/TaxAmount either gross or already net of withholding, the monetary total is
        unambiguous. Adjustments booked as lines after tax (``after_tax``) are part of the bill's
        untaxed amount but not of the XML's TaxExclusiveAmount.
        """
        self.ensure_one()
        totals = invoice.legal_monetary_total
        withheld = sum((total.tax_amount for total in invoice.withholding_tax_totals), Decimal(0))
        taxes = totals.tax_inclusive_amount - totals.tax_exclusive_amount
        checks = [
            (self.env._("Untaxed amount"), self.amount_untaxed, totals.tax_exclusive_amount + after_tax),
            (self.env._("Taxes (after withholding)"), self.amount_tax, taxes - withheld),
            (
                self.env._("Total"),
                self.amount_total,
                totals.payable_amount - (totals.payable_rounding_amount or 0),
            ),
        ]
        return [
            self.env._(
                "%(what)s differs from the e-Fatura: bill %(ours)s, XML %(theirs)s %(currency)s.",
                what=label,
                ours=self.currency_id.round(ours),
                theirs=theirs,
                currency=self.currency_id.name,
            )
            for label, ours, theirs in checks
            if self.currency_id.compare_amounts(ours, float(theirs))
        ]

    @api.model
    def _l10n_tr_edoc_refunded_bill(self, invoice, partner, company):
        numbers = [reference.id for reference in invoice.billing_references if reference.id]
        if not numbers:
            return self.browse()
        return self.search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "in_invoice"),
                ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                "|",
                ("ref", "in", numbers),
                ("l10n_tr_edoc_uuid", "in", numbers),
            ],
            limit=1,
        )

    @api.model
    def _l10n_tr_edoc_find_partner(self, party, company):
        """Supplier by VKN/TCKN; created with tax office and address when this company does not know it."""
        identifier = _tax_id_of(party)
        if not identifier:
            raise UserError(self.env._("The supplier has no VKN or TCKN on the invoice."))
        number = normalize_tax_id(identifier.value)
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                *Partner._check_company_domain(company),
                ("vat", "in", [number, f"TR{number}"]),
            ],
            order="parent_id desc, id",
            limit=1,
        )
        if partner:
            if not partner.l10n_tr_edoc_tax_office and party.tax_office:
                partner.l10n_tr_edoc_tax_office = party.tax_office
            return partner
        name = party.name
        if not name and party.person:
            name = f"{party.person.first_name} {party.person.family_name}"
        address = party.address
        country = self.env["res.country"].search(
            [("code", "=", (address and address.country_code) or "TR")], limit=1
        )
        street = " ".join(
            part for part in (address and address.street_name, address and address.building_number) if part
        )
        return Partner.create(
            {
                "name": name or number,
                "is_company": identifier.scheme_id == "VKN",
                "vat": number,
                "l10n_tr_edoc_tax_office": party.tax_office or False,
                "street": street or False,
                "street2": (address and address.city_subdivision_name) or False,
                "city": (address and address.city_name) or False,
                "zip": (address and address.postal_zone) or False,
                "country_id": country.id,
                "email": (party.contact and party.contact.electronic_mail) or False,
                "phone": (party.contact and party.contact.telephone) or False,
                "supplier_rank": 1,
            }
        )

    @api.model
    def _l10n_tr_edoc_line_values(self, line, partner, company, type_code=None):
        quantity = line.quantity
        gross = quantity * line.price_amount
        discount = 0.0
        if gross and line.line_extension_amount != gross:
            discount = float((1 - line.line_extension_amount / gross) * 100)
        taxes = self.env["account.tax"]
        subtotals = _charged_subtotals(line)
        for subtotal in subtotals:
            taxes |= self._l10n_tr_edoc_purchase_tax(subtotal, company)
        kdv = next((sub for sub in subtotals if sub.tax_type_code == KDV), None)
        kdv_percent = kdv.percent if kdv else None
        for total in line.withholding_tax_totals:
            for subtotal in total.subtotals:
                taxes |= self._l10n_tr_edoc_withholding_tax(
                    subtotal.tax_type_code, subtotal.percent or 0, kdv_percent, company
                )
        if type_code in WITHHOLDING_RETURNS and kdv and kdv.percent and not line.withholding_tax_totals:
            # the KDV amount is the share the original seller collected; the rest was withheld
            full = line.line_extension_amount * kdv.percent / 100
            share = round((1 - kdv.tax_amount / full) * 10) * 10 if full else 0
            if share > 0:
                taxes |= self._l10n_tr_edoc_withholding_tax(None, Decimal(share), kdv.percent, company)
        product = self._l10n_tr_edoc_match_product(line.item, partner, company)
        values = {
            "name": line.item.name,
            "quantity": float(quantity),
            "price_unit": float(line.price_amount),
            "discount": discount,
            "tax_ids": [fields.Command.set(taxes.ids)],
        }
        if product:
            values["product_id"] = product.id
        return values

    @api.model
    def _l10n_tr_edoc_match_product(self, item, partner, company):
        """The seller's code (supplier info), then barcode, then exact name: the first one that hits."""
        Product = self.env["product.product"].with_company(company)
        if item.sellers_item_id:
            info = self.env["product.supplierinfo"].search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("product_code", "=", item.sellers_item_id),
                    ("company_id", "in", (False, company.id)),
                ],
                limit=1,
            )
            if info:
                return info.product_id or info.product_tmpl_id.product_variant_id
        barcodes = [ident.value for ident in item.additional_item_ids if ident.value]
        barcodes += [code for code in (item.buyers_item_id, item.manufacturers_item_id) if code]
        if barcodes and (product := Product.search([("barcode", "in", barcodes)], limit=1)):
            return product
        return Product.search(
            [*Product._check_company_domain(company), ("purchase_ok", "=", True), ("name", "=", item.name)],
            limit=1,
        )

    @api.model
    def _l10n_tr_edoc_purchase_tax(self, subtotal, company):
        """Purchase tax for a GİB TaxSubtotal: mapped code and rate, plain rate for KDV, else created."""
        Tax = self.env["account.tax"].with_context(active_test=False)
        Code = self.env["l10n_tr_edoc.code"]
        fixed = subtotal.percent is None or subtotal.per_unit_amount is not None
        amount = float(
            subtotal.per_unit_amount
            if fixed and subtotal.per_unit_amount is not None
            else subtotal.percent or 0
        )
        if fixed and subtotal.per_unit_amount is None:
            amount_type, amount = "fixed", 0.0
        else:
            amount_type = "fixed" if fixed else "percent"
        base = [
            *Tax._check_company_domain(company),
            ("type_tax_use", "=", "purchase"),
            ("amount_type", "=", amount_type),
            ("active", "=", True),
        ]
        exemption = subtotal.exemption_reason_code
        candidates = Tax.search([*base, ("l10n_tr_edoc_tax_type_id.code", "=", subtotal.tax_type_code)])
        if subtotal.tax_type_code == KDV:
            candidates |= Tax.search(
                [*base, ("l10n_tr_edoc_tax_type_id", "=", False), ("l10n_tr_edoc_withholding_id", "=", False)]
            )
        candidates = candidates.filtered(
            lambda tax: (
                not float_compare(tax.amount, amount, precision_digits=4)
                and (not exemption or tax.l10n_tr_edoc_exemption_id.code in (exemption, False))
            )
        )
        if exemption:
            candidates = candidates.sorted(lambda tax: tax.l10n_tr_edoc_exemption_id.code != exemption)
        if candidates:
            return candidates[0]
        type_code = Code._l10n_tr_edoc_find("tax_type", subtotal.tax_type_code)
        label = subtotal.tax_name or (type_code.name if type_code else subtotal.tax_type_code)
        return Tax.create(
            {
                "name": self.env._("%(tax)s %(amount)s (e-Fatura)", tax=label, amount=f"{amount:g}"),
                "company_id": company.id,
                "type_tax_use": "purchase",
                "amount_type": amount_type,
                "amount": amount,
                "include_base_amount": subtotal.tax_type_code != KDV,
                "sequence": 5 if subtotal.tax_type_code != KDV else 10,
                "l10n_tr_edoc_tax_type_id": type_code.id,
                "l10n_tr_edoc_exemption_id": Code._l10n_tr_edoc_find("exemption", exemption).id
                if exemption
                else False,
                "country_id": company.account_fiscal_country_id.id,
            }
        )

    @api.model
    def _l10n_tr_edoc_withholding_tax(self, code, share, kdv_percent, company):
        """KDV withholding (tevkifat) as a negative share of the line base: KDV rate × withheld part.

        ``code`` is None on a withholding return, whose XML names no code: a withholding tax of
        that rate serves (the share is what matters for the amounts), else one without a code.
        """
        if kdv_percent is None:
            raise UserError(self.env._("Withholding %s on a line without KDV.", code))
        rate = -float(kdv_percent * share / 100)
        Tax = self.env["account.tax"]
        found = Tax.search(
            [
                *Tax._check_company_domain(company),
                ("type_tax_use", "=", "purchase"),
                ("amount_type", "=", "percent"),
                ("amount", "<", 0),
                *([("l10n_tr_edoc_withholding_id.code", "=", code)] if code else []),
            ]
        ).filtered(lambda tax: not float_compare(tax.amount, rate, precision_digits=4))
        if found:
            return found.sorted(lambda tax: not tax.l10n_tr_edoc_withholding_id)[0]
        record = self.env["l10n_tr_edoc.code"]._l10n_tr_edoc_find("withholding", code) if code else None
        return Tax.create(
            {
                "name": self.env._(
                    "Withholding %(code)s %(rate)s%% (e-Fatura)",
                    code=code or self.env._("on return"),
                    rate=f"{rate:g}",
                ),
                "company_id": company.id,
                "type_tax_use": "purchase",
                "amount_type": "percent",
                "amount": rate,
                "sequence": 20,
                "l10n_tr_edoc_withholding_id": record.id if record else False,
                "country_id": company.account_fiscal_country_id.id,
            }
        )

    def _l10n_tr_edoc_flag_route_change(self):
        """Mark a draft whose customer now receives e-documents differently, and say so."""
        self.ensure_one()
        self.l10n_tr_edoc_route_changed = True
        partner = self.commercial_partner_id
        self.message_post(
            body=self.env._(
                "%(partner)s changed in the GİB user list (e-Fatura: %(status)s, alias %(alias)s): "
                "check the e-Fatura / e-Arşiv choice before confirming.",
                partner=partner.display_name,
                status=partner.l10n_tr_edoc_einvoice_status,
                alias=partner.l10n_tr_edoc_einvoice_alias or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _l10n_tr_edoc_gib_package_dir(self):
        """The configured GİB package folder, or None when the XSD and schematron checks are off."""
        folder = self.env["ir.config_parameter"].sudo().get_param(PARAM_DIR)
        return folder if package.is_package(folder) else None

    @api.model
    def _l10n_tr_edoc_gib_package_status(self, folder=None):
        folder = folder if folder is not None else self.env["ir.config_parameter"].sudo().get_param(PARAM_DIR)
        if not folder:
            return self.env._("XSD and schematron checks: off: no GİB package configured")
        if not package.is_package(folder):
            return self.env._(
                "XSD and schematron checks: off: %(folder)s is not a GİB package folder", folder=folder
            )
        return self.env._(
            "XSD and schematron checks: on (package dated %(date)s); %(schedule)s",
            date=package.package_date(folder),
            schedule=self._l10n_tr_edoc_gib_release_schedule(folder),
        )

    @api.model
    def _l10n_tr_edoc_gib_release_schedule(self, folder):
        """Which stored GİB release checks documents issued when: each applies from its date on."""
        releases = package.PackageStore.discover(folder).releases
        parts = []
        for index, entry in enumerate(releases):
            following = releases[index + 1] if index + 1 < len(releases) else None
            if index and entry.since != date.min:
                parts.append(
                    self.env._("release %(release)s from %(since)s", release=entry.release, since=entry.since)
                )
            elif following:
                parts.append(
                    self.env._(
                        "release %(release)s until %(until)s",
                        release=entry.release,
                        until=following.since - timedelta(days=1),
                    )
                )
            else:
                parts.append(self.env._("release %(release)s for every date", release=entry.release))
        return ", ".join(parts)

    # e-SMM from customer invoices and e-MM from vendor bills of the journals flagged for them. These moves
    # leave the e-Fatura/e-Arşiv flow: they are sent with İzibiz's SmmWS or CreditNoteWS, numbered from their
    # own series, and their XML carries exactly the move's amounts (GV stopajı and the other deductions are
    # the move's negative taxes).
    l10n_tr_edoc_receipt_kind = fields.Selection(
        related="journal_id.l10n_tr_edoc_receipt_kind", store=True, string="e-Receipt"
    )
    l10n_tr_edoc_produce_kind_id = fields.Many2one(
        "l10n_tr_edoc.produce.kind",
        string="Produce Kind",
        copy=False,
        help="Decides the GV stopajı rate withheld from the farmer (e-Müstahsil Makbuzu).",
    )
    l10n_tr_edoc_receipt_offered = fields.Boolean(
        string="Integrator Offers e-Receipts", compute="_compute_l10n_tr_edoc_receipt_offered"
    )
    l10n_tr_edoc_receipt_sms = fields.Boolean(
        string="Also by SMS",
        copy=False,
        help="The integrator sends the receipt to the partner's mobile number.",
    )

    @api.depends("l10n_tr_edoc_receipt_kind", "company_id")
    def _compute_l10n_tr_edoc_receipt_offered(self):
        """Receipt actions show only where the company's integrator offers the document."""
        Account = self.env["l10n_tr_edoc.account"]
        for move in self:
            account = move.l10n_tr_edoc_receipt_kind and Account._l10n_tr_edoc_for_company(move.company_id)
            move.l10n_tr_edoc_receipt_offered = bool(
                account
                and CAPABILITIES[move.l10n_tr_edoc_receipt_kind]
                in get_provider_class(account.provider).capabilities
            )

    @api.onchange("l10n_tr_edoc_produce_kind_id")
    def _onchange_l10n_tr_edoc_produce_kind_id(self):
        """Replace the GV stopajı tax of the lines by the one of the produce kind's rate."""
        kind = self.l10n_tr_edoc_produce_kind_id
        if not kind or self.l10n_tr_edoc_receipt_kind != "emm":
            return
        tax = self.env["account.tax"]._l10n_tr_edoc_receipt_tax(self.company_id, eb.STOPAJ, kind.stopaj_rate)
        for line in self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            others = line.tax_ids.filtered(lambda t: t.l10n_tr_edoc_tax_type_id.code != eb.STOPAJ)
            line.tax_ids = others | tax

    # -- ORM → core.earsivbelge.Receipt ---------------------------------------------------------

    def _l10n_tr_edoc_receipt_lines(self):
        """Lines with their taxes as GİB codes, from Odoo's own rounded tax computation."""
        self.ensure_one()
        currency = self.currency_id
        lines = []
        for number, (aml, details) in enumerate(self._l10n_tr_edoc_rounded_lines(), start=1):
            gross = _amount(details["total_excluded_currency"], currency)
            quantity = Decimal(float_repr(aml.quantity, 6)).normalize() or Decimal(1)
            taxes, withheld = [], []
            for tax_data in details["taxes_data"]:
                tax = tax_data["tax"]
                item = eb.ReceiptTax(
                    code=tax.l10n_tr_edoc_withholding_id.code or tax.l10n_tr_edoc_tax_type_id.code or "",
                    percent=_percent(tax.amount),
                    taxable_amount=_amount(tax_data["base_amount_currency"], currency),
                    amount=abs(_amount(tax_data["tax_amount_currency"], currency)),
                    name=eb.TAX_NAMES.get(tax.l10n_tr_edoc_tax_type_id.code) or tax.name,
                )
                if tax.l10n_tr_edoc_withholding_id:
                    withheld.append(dataclasses.replace(item, name=tax.l10n_tr_edoc_withholding_id.name))
                else:
                    taxes.append(item)
            # KDV tevkifat is written as GİB reads it: a share (percent) of the line's KDV
            kdv = sum((t.amount for t in taxes if t.code == eb.KDV), Decimal(0))
            withheld = [
                dataclasses.replace(
                    item,
                    taxable_amount=kdv,
                    percent=(item.amount / kdv * 100).quantize(Decimal(1)) if kdv else Decimal(0),
                )
                for item in withheld
            ]
            lines.append(
                eb.ReceiptLine(
                    id=str(number),
                    name=(aml.name or aml.product_id.display_name or "").strip()[:250] or "-",
                    quantity=quantity,
                    price=(gross / quantity).quantize(Decimal("0.00000001")).normalize(),
                    line_extension_amount=gross,
                    unit_code=_line_unit_code(aml),
                    taxes=tuple(taxes),
                    withholdings=tuple(withheld),
                    seller_item_id=aml.product_id.default_code or None,
                )
            )
        return tuple(lines)

    def _l10n_tr_edoc_to_receipt(self, number):
        self.ensure_one()
        kind = self.l10n_tr_edoc_receipt_kind
        partner = self.partner_id.commercial_partner_id
        customer = self._l10n_tr_edoc_party(partner)
        if kind == "emm" and normalize_tax_id(partner.vat) and len(normalize_tax_id(partner.vat)) == 11:
            customer = dataclasses.replace(customer, contact=None)
        receipt = eb.Receipt(
            kind=RECEIPT_TYPE_CODES[kind],
            id=number,
            uuid=self.l10n_tr_edoc_uuid or str(uuidlib.uuid4()).upper(),
            issue_date=self.invoice_date,
            issue_time=datetime.datetime.now(ISTANBUL).time().replace(microsecond=0),
            supplier=self._l10n_tr_edoc_party(self.company_id.partner_id),
            customer=customer,
            lines=self._l10n_tr_edoc_receipt_lines(),
            currency=self.currency_id.name,
            sending_type=self.l10n_tr_edoc_send_type or eb.PAPER,
            calculation_type=eb.GROSS if kind == "smm" else None,
            delivery_date=self.invoice_date if kind == "emm" else None,
        )
        return eb.compute(receipt)

    def _l10n_tr_edoc_receipt_delivery(self):
        self.ensure_one()
        partner = self.partner_id
        electronic = self.l10n_tr_edoc_send_type == eb.ELECTRONIC
        return eb.Delivery(
            sending_type=self.l10n_tr_edoc_send_type or eb.PAPER,
            email=(partner.email or "") if electronic else "",
            sms_number=(partner.mobile or partner.phone or "")
            if electronic and self.l10n_tr_edoc_receipt_sms
            else "",
        )

    def _l10n_tr_edoc_receipt_problems(self, receipt):
        """Translated texts of what keeps the receipt from going: own rules, amounts, stopaj rate."""
        self.ensure_one()
        problems = [issue.message for issue in eb.check_receipt(receipt) if issue.is_error]
        problems += self._l10n_tr_edoc_unit_problems()
        if float_compare(
            float(receipt.payable_amount), self.amount_total, precision_rounding=self.currency_id.rounding
        ):
            problems.append(
                self.env._(
                    "The receipt's payable amount %(receipt)s differs from the total %(total)s: every tax "
                    "of the lines must carry its GİB code (KDV, GV stopajı, Mera Fonu, Borsa Tescil, SGK).",
                    receipt=receipt.payable_amount,
                    total=self.amount_total,
                )
            )
        if self.l10n_tr_edoc_receipt_kind == "emm":
            rates = {t.percent for t in receipt.taxes if t.code == eb.STOPAJ}
            kind = self.l10n_tr_edoc_produce_kind_id
            if not rates:
                problems.append(self.env._("A müstahsil makbuzu needs the GV stopajı tax on its lines."))
            elif kind and rates != {Decimal(float_repr(kind.stopaj_rate, 2)).normalize()}:
                problems.append(
                    self.env._(
                        "The GV stopajı rate of the lines differs from the %(rate)s%% "
                        "of the produce kind %(kind)s.",
                        rate=kind.stopaj_rate,
                        kind=kind.name,
                    )
                )
        try:
            self._l10n_tr_edoc_receipt_delivery().check()
        except EdocError as error:
            problems.append(self.env._(error.message))
        return problems

    # -- sending --------------------------------------------------------------------------------

    def _l10n_tr_edoc_receipt_document(self, account):
        self.ensure_one()
        document = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind == self.l10n_tr_edoc_receipt_kind
        )[-1:]
        values = {
            "profile": eb.PROFILE,
            "type_code": RECEIPT_TYPE_CODES[self.l10n_tr_edoc_receipt_kind],
            "issue_date": self.invoice_date,
            "sender_vat": normalize_tax_id(self.company_id.vat),
            "receiver_vat": normalize_tax_id(self.partner_id.commercial_partner_id.vat),
            "amount_total": self.amount_total,
            "currency_id": self.currency_id.id,
        }
        if document:
            if document.state in SENDABLE:
                document.write(values)
            return document
        return self.env["l10n_tr_edoc.document"].create(
            {
                **values,
                "kind": self.l10n_tr_edoc_receipt_kind,
                "direction": "out",
                "uuid": self.l10n_tr_edoc_uuid,
                "account_id": account.id,
                "company_id": self.company_id.id,
                "move_id": self.id,
            }
        )

    def _l10n_tr_edoc_receipt_generate(self, document):
        """Number (once), build, check and attach the receipt XML; returns an error text or None."""
        self.ensure_one()
        number = document.name
        if not number:
            series = self._l10n_tr_edoc_series()
            if not series:
                return self.env._("No e-Document series is configured for this journal's receipts.")
            preview = self._l10n_tr_edoc_to_receipt(self._l10n_tr_edoc_preview_number())
            if problems := self._l10n_tr_edoc_receipt_problems(preview):
                return "\n".join(problems)
            try:
                number = series._l10n_tr_edoc_take_number(self.invoice_date)
            except UserError as error:
                return error.args[0]
        receipt = self._l10n_tr_edoc_to_receipt(number)
        if problems := self._l10n_tr_edoc_receipt_problems(receipt):
            return "\n".join(problems)
        xml = render_receipt(receipt)
        attachment_values = {
            "name": f"{number}.xml",
            "raw": xml,
            "mimetype": "application/xml",
            "res_model": "account.move",
            "res_id": self.id,
        }
        if document.xml_attachment_id:
            document.xml_attachment_id.sudo().write(attachment_values)
        else:
            document.xml_attachment_id = self.env["ir.attachment"].sudo().create(attachment_values)
        document._l10n_tr_edoc_apply_event("generate", name=number, error_code=False, error_message=False)
        return None

    def _l10n_tr_edoc_receipt_account(self):
        self.ensure_one()
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(self.company_id)
        if not account:
            raise UserError(
                self.env._("The company %s has no e-Document integrator account.", self.company_id.name)
            )
        if (
            CAPABILITIES[self.l10n_tr_edoc_receipt_kind]
            not in get_provider_class(account.provider).capabilities
        ):
            raise UserError(
                self.env._("The integrator of this company does not offer e-SMM / e-Müstahsil Makbuzu.")
            )
        return account

    def action_l10n_tr_edoc_send_receipt(self):
        """Send the e-SMM / e-MM of posted moves (again after a failure, with the same number)."""
        if errors := self._l10n_tr_edoc_send_receipts():
            raise UserError("\n".join(errors.values()))
        return True

    def _l10n_tr_edoc_send_receipts(self):
        """Send the receipts of ``self``; returns ``{move: error text}`` for those that did not go
        (Send & Print shows them per move instead of failing the whole batch)."""
        errors = {}
        for move in self:
            if move.state != "posted" or not move.l10n_tr_edoc_receipt_kind:
                raise UserError(
                    self.env._("Only posted moves of an e-SMM or e-MM journal are sent as receipts.")
                )
            account = move._l10n_tr_edoc_receipt_account()
            document = move._l10n_tr_edoc_receipt_document(account)
            if document.state == "unknown":
                document._l10n_tr_edoc_receipt_poll(account._l10n_tr_edoc_get_provider())
            if document.state not in SENDABLE:
                continue
            if error := move._l10n_tr_edoc_receipt_generate(document):
                document.write({"error_code": "tr_edoc.earsivbelge.check", "error_message": error})
                errors[move] = error
                continue
            document._l10n_tr_edoc_apply_event("submit")
            if self.env["account.move.send"]._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if error := document._l10n_tr_edoc_receipt_submit(account, move._l10n_tr_edoc_receipt_delivery()):
                errors[move] = error
        return errors

    def action_l10n_tr_edoc_receipt_status(self):
        documents = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind in ("smm", "emm") and d.state in POLLED
        )
        for account in documents.account_id:
            documents.filtered(lambda d, a=account: d.account_id == a)._l10n_tr_edoc_receipt_poll(
                account._l10n_tr_edoc_get_provider()
            )
        return True

    def action_l10n_tr_edoc_cancel_receipt(self):
        """The cancel wizard, which asks for the reason."""
        self.ensure_one()
        self._l10n_tr_edoc_cancellable_receipt()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel e-SMM / e-MM Receipt"),
            "res_model": "l10n_tr_edoc.receipt.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def _l10n_tr_edoc_cancellable_receipt(self):
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if document.kind not in ("smm", "emm") or document.state not in ("sent", "delivered", "reported"):
            raise UserError(self.env._("Only a receipt the integrator holds can be cancelled."))
        return document

    def _l10n_tr_edoc_cancel_receipt(self, reason):
        """Cancel the receipt at İzibiz: withdrawn if GİB has not had it yet, else reported as
        cancelled; the move is cancelled once İzibiz confirms, the reason goes to the chatter."""
        document = self._l10n_tr_edoc_cancellable_receipt()
        provider = document.account_id._l10n_tr_edoc_get_provider()
        try:
            result = provider.cancel_receipts(
                RECEIPT_TYPE_CODES[document.kind], [document.uuid], withdraw=document.state != "reported"
            )
        except EdocError as error:
            document._l10n_tr_edoc_log_exchanges("cancel", error.params.get("exchanges", ()), error=error)
            raise UserError(document._l10n_tr_edoc_error_text(error)) from error
        document._l10n_tr_edoc_log_exchanges("cancel", result.exchanges)
        document._l10n_tr_edoc_apply_event("cancel")
        document._l10n_tr_edoc_receipt_poll(provider)
        self.message_post(
            body=self.env._("Receipt %(number)s cancelled: %(reason)s", number=document.name, reason=reason)
        )
        return True

    def action_l10n_tr_edoc_receipt_pdf(self):
        """The integrator's PDF of the receipt, kept on the document and downloaded."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if document.kind not in ("smm", "emm") or document.state not in (
            "delivered",
            "reported",
            "cancelled",
        ):
            raise UserError(self.env._("The integrator's printout exists once it has signed the receipt."))
        if not document.pdf_attachment_id:
            provider = document.account_id._l10n_tr_edoc_get_provider()
            try:
                download = provider.download_receipt(RECEIPT_TYPE_CODES[document.kind], document.uuid, "PDF")
            except EdocError as error:
                document._l10n_tr_edoc_log_exchanges(
                    "download", error.params.get("exchanges", ()), error=error
                )
                raise UserError(document._l10n_tr_edoc_error_text(error)) from error
            document._l10n_tr_edoc_log_exchanges("download", download.exchanges)
            document.pdf_attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{document.name}.pdf",
                        "raw": download.content,
                        "mimetype": "application/pdf",
                        "res_model": "account.move",
                        "res_id": self.id,
                    }
                )
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{document.pdf_attachment_id.id}?download=true",
            "target": "download",
        }

    # -- our own printout ----------------------------------------------------------------------

    def _l10n_tr_edoc_receipt_xml(self):
        """The XML of the move's receipt, once it is generated (numbered); a UserError otherwise."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind == self.l10n_tr_edoc_receipt_kind and d.xml_attachment_id
        )[-1:]
        if not self.l10n_tr_edoc_receipt_kind or not document:
            raise UserError(
                self.env._("%(move)s has no e-SMM / e-MM receipt to print yet.", move=self.display_name)
            )
        return document.xml_attachment_id.with_context(bin_size=False).raw

    @api.model
    def _l10n_tr_edoc_print_party(self, party):
        address = party.address
        lines = [
            address.street_name,
            address.building_number,
            address.city_subdivision_name,
            address.city_name,
        ]
        person = party.person
        return {
            "name": party.name or (person and f"{person.first_name} {person.family_name}") or "",
            "tax_id": party.tax_id or "",
            "tax_office": party.tax_office or "",
            "address": " ".join(dict.fromkeys(p for p in lines if p)) if address else "",
        }

    def _l10n_tr_edoc_receipt_print_values(self):
        """What the printout shows, read back from the sent XML (never from the move, which may have
        changed), with the Karekod of that XML."""
        self.ensure_one()
        try:
            receipt = parse_receipt(self._l10n_tr_edoc_receipt_xml())
            qr = base64.b64encode(qr_png(qr_payload(receipt))).decode("ascii")
        except EdocError as error:
            raise UserError(
                self.env._(
                    "This receipt cannot be printed: %(reason)s",
                    reason=self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error),
                )
            ) from error
        return {
            "receipt": receipt,
            "title": self.env._("e-Serbest Meslek Makbuzu")
            if receipt.kind == eb.SMM
            else self.env._("e-Müstahsil Makbuzu"),
            "supplier": self._l10n_tr_edoc_print_party(receipt.supplier),
            "customer": self._l10n_tr_edoc_print_party(receipt.customer),
            "qr": qr,
        }

    def action_l10n_tr_edoc_print_receipt(self):
        for move in self:
            move._l10n_tr_edoc_receipt_print_values()
        # GİB's layout, not the company's: no document layout to configure first.
        return self.env.ref(RECEIPT_REPORT).report_action(self, config=False)

    @api.model
    def _cron_l10n_tr_edoc_poll_receipts(self):
        """Follow sent e-SMM / e-MM to their final status, one account at a time."""
        Document = self.env["l10n_tr_edoc.document"]
        for account in self.env["l10n_tr_edoc.account"].search([]):
            documents = Document.search(
                [
                    ("account_id", "=", account.id),
                    ("kind", "in", ("smm", "emm")),
                    ("direction", "=", "out"),
                    ("state", "in", POLLED),
                ]
            )
            if documents:
                documents._l10n_tr_edoc_receipt_poll(account._l10n_tr_edoc_get_provider())

    l10n_tr_edoc_ledger_kind = fields.Selection(
        LEDGER_KINDS,
        string="e-Ledger Document",
        copy=False,
        help="The GİB document type this entry carries in the e-Ledger (yevmiye belge tipi). Empty: "
        "invoices, bank statement lines, payments and the opening entry are recognised by themselves, "
        "other entries go as accounting vouchers. Opening and closing entries carry no document.",
    )

    # İzibiz's checklists: a paper e-Arşiv invoice also e-mailed, and drafts on the integrator's portal.
    l10n_tr_edoc_also_email = fields.Boolean(
        string="Also by e-Mail",
        copy=False,
        help="A paper (KAGIT) e-Arşiv invoice is also e-mailed to the customer.",
    )

    def _l10n_tr_edoc_emails_earchive(self):
        """Whether the customer gets the e-Arşiv invoice by e-mail: electronic, or paper and e-mail."""
        self.ensure_one()
        return (self.l10n_tr_edoc_send_type or "ELEKTRONIK") == "ELEKTRONIK" or self.l10n_tr_edoc_also_email

    def action_l10n_tr_edoc_load_draft(self):
        """Upload the invoice as a draft on the integrator's portal, e.g. for an export invoice's customs
        pre-approval. Its number and ETTN are drawn now and kept when it is sent with *Send to GİB*."""
        self.ensure_one()
        if self.state != "posted" or not self.l10n_tr_edoc_applicable:
            raise UserError(self.env._("Only a posted invoice can be uploaded as a draft."))
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(self.company_id)
        if not account:
            raise UserError(self.env._("No e-Document account is configured for %s.", self.company_id.name))
        document = self._l10n_tr_edoc_ensure_document(account)
        if document.state not in ("draft", "ready"):
            raise UserError(
                self.env._("%s was already sent: it is no draft any more.", document.display_name)
            )
        document._l10n_tr_edoc_offers(DRAFT_UPLOAD)
        if error := self._l10n_tr_edoc_generate(document):
            raise UserError(error)
        document._l10n_tr_edoc_integrator_call("load_draft", document._l10n_tr_edoc_load_draft)
        document.draft_uploaded_at = fields.Datetime.now()
        message = self.env._(
            "%(document)s uploaded as a draft to the integrator's portal. It is not sent to GİB until you "
            "click Send to GİB; it keeps this number and ETTN.",
            document=document.display_name,
        )
        document.message_post(body=message)
        return account._l10n_tr_edoc_notify(self.env._("Draft uploaded"), message, "success", reload=True)
