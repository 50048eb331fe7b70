from odoo import api, fields, models

from .account_move import ITEM_ID_SCHEMES, YTB_ITEM_CLASSES


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    l10n_tr_edoc_item_scheme = fields.Selection(
        ITEM_ID_SCHEMES,
        string="GİB Item ID Kind",
        compute="_compute_l10n_tr_edoc_item_scheme",
        store=True,
        readonly=False,
        help="What the GİB Item ID is: HKS künye number, medicine barcode, İDİS label, phone IMEI, ...",
    )
    l10n_tr_edoc_item_code = fields.Char(
        string="GİB Item ID",
        copy=False,
        help="HKS: the 19-character künye number; ILAC_TIBBICIHAZ: the product code; IDIS: the label number "
        "(ETIKETNO); TEKNOLOJIDESTEK: the device's IMEI or serial number.",
    )
    l10n_tr_edoc_serial = fields.Char(
        string="Serial Number",
        copy=False,
        help="SARJANLIK: the charge point's serial number; YTB machinery: the machine's serial number.",
    )
    l10n_tr_edoc_trace_id = fields.Char(
        string="Product Trace ID", copy=False, help="YTB machinery (item class 01): the product trace number."
    )
    l10n_tr_edoc_ytb_class = fields.Selection(
        YTB_ITEM_CLASSES,
        string="YTB Item Class",
        compute="_compute_l10n_tr_edoc_ytb_class",
        store=True,
        readonly=False,
        help="Investment incentive (YTB) invoices: the class of the item in the incentive certificate.",
    )
    l10n_tr_edoc_diib_line_code = fields.Char(
        string="Buyer's DİİB Line Code",
        copy=False,
        help="IHRACKAYITLI with exemption 702: the 11-digit line code of the buyer's inward processing "
        "authorisation (DİİB) for this item.",
    )
    l10n_tr_edoc_special_base = fields.Monetary(
        string="Special Base (Özel Matrah)",
        currency_field="currency_id",
        help="OZELMATRAH: the base the special-base rules tax (e.g. the retail price of tobacco); the "
        "e-Fatura shows the KDV on it at the rate of the line's 8xx tax, without adding it to the total.",
    )

    @api.depends("product_id")
    def _compute_l10n_tr_edoc_item_scheme(self):
        for line in self:
            line.l10n_tr_edoc_item_scheme = (
                line.product_id.l10n_tr_edoc_item_scheme or line.l10n_tr_edoc_item_scheme
            )

    @api.depends("product_id")
    def _compute_l10n_tr_edoc_ytb_class(self):
        for line in self:
            line.l10n_tr_edoc_ytb_class = (
                line.product_id.l10n_tr_edoc_ytb_class or line.l10n_tr_edoc_ytb_class
            )
