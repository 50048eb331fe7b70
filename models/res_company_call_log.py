from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_call_log_retention_days = fields.Integer(
        string="Keep Integrator Call Payloads (days)",
        default=90,
        help="Requests and responses of integrator calls are deleted after this many days; the call "
        "rows stay. Calls of documents whose outcome is still open keep them. 0 keeps them forever.",
    )

    _l10n_tr_edoc_call_log_retention_positive = models.Constraint(
        "CHECK(l10n_tr_edoc_call_log_retention_days >= 0)",
        "The call log retention cannot be negative.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_call_log_retention_days = fields.Integer(
        related="company_id.l10n_tr_edoc_call_log_retention_days", readonly=False
    )
