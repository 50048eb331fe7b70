from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "l10n_tr_edoc.mixin"]

    l10n_tr_edoc_document_ids = fields.One2many("l10n_tr_edoc.document", "move_id", string="e-Documents")
