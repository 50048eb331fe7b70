from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_earchive_delivery = fields.Selection(
        related="company_id.l10n_tr_edoc_earchive_delivery", readonly=False
    )
