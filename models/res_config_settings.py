from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_account_id = fields.Many2one(related="company_id.l10n_tr_edoc_account_id")
    l10n_tr_edoc_tax_office = fields.Char(related="company_id.l10n_tr_edoc_tax_office", readonly=False)

    def action_l10n_tr_edoc_open_account(self):
        """Open the company's integrator account, creating the form for a first-time setup."""
        self.ensure_one()
        account = self.company_id.l10n_tr_edoc_account_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("e-Document Integrator"),
            "res_model": "l10n_tr_edoc.account",
            "view_mode": "form",
            "res_id": account.id,
            "context": {"default_company_id": self.company_id.id},
            "target": "current",
        }
