from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_despatch_gate = fields.Boolean(
        string="Ship Only After GİB Accepted the e-İrsaliye",
        help="Refuse validating or printing a delivery until GİB has delivered its e-İrsaliye.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_despatch_gate = fields.Boolean(
        related="company_id.l10n_tr_edoc_despatch_gate", readonly=False
    )
