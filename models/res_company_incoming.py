from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_red_policy = fields.Selection(
        [("cancel", "Cancel the bill"), ("draft", "Keep the bill in draft")],
        string="After Rejecting (RED)",
        default="cancel",
        required=True,
        help="What happens to a vendor bill once we rejected its e-Fatura.",
    )
    l10n_tr_edoc_incoming_user_id = fields.Many2one(
        "res.users",
        string="Incoming e-Fatura Responsible",
        help="Gets the reminders to answer TICARIFATURA and to fix invoices that could not be imported.",
    )

    def _l10n_tr_edoc_incoming_responsible(self):
        """The configured user, else the integrator account's creator: never the cron's superuser."""
        self.ensure_one()
        return self.l10n_tr_edoc_incoming_user_id or self.l10n_tr_edoc_account_id.create_uid or self.env.user


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_red_policy = fields.Selection(related="company_id.l10n_tr_edoc_red_policy", readonly=False)
    l10n_tr_edoc_incoming_user_id = fields.Many2one(
        related="company_id.l10n_tr_edoc_incoming_user_id", readonly=False
    )
