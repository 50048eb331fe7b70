from odoo import fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "l10n_tr_edoc.mixin"]

    l10n_tr_edoc_document_ids = fields.One2many("l10n_tr_edoc.document", "picking_id", string="e-Documents")
