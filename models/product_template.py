from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    l10n_tr_edoc_gtip = fields.Char(
        string="GTİP", help="Customs tariff number (12 digits) written on export (IHRACAT) invoices."
    )
