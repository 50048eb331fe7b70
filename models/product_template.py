from odoo import fields, models

from .account_move import ITEM_ID_SCHEMES, YTB_ITEM_CLASSES


class ProductTemplate(models.Model):
    _inherit = "product.template"

    l10n_tr_edoc_gtip = fields.Char(
        string="GTİP", help="Customs tariff number (12 digits) written on export (IHRACAT) invoices."
    )
    l10n_tr_edoc_item_scheme = fields.Selection(
        ITEM_ID_SCHEMES,
        string="GİB Item ID Kind",
        help="Default kind of the GİB item identification on invoice lines of this product (HKS künye, "
        "medicine barcode, İDİS label, phone IMEI).",
    )
    l10n_tr_edoc_withholding_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Withholding Code",
        domain=[("kind", "=", "withholding")],
        help="Tevkifat code of this service (e.g. 602 cleaning): written instead of the withholding tax's "
        "default code, which only follows the rate.",
    )
    l10n_tr_edoc_ytb_class = fields.Selection(
        YTB_ITEM_CLASSES,
        string="YTB Item Class",
        help="Class of this item in an investment incentive certificate (YTB invoices).",
    )
