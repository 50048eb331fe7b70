from odoo import fields, models


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    l10n_tr_edoc_applicable = fields.Boolean(related="move_id.l10n_tr_edoc_applicable")

    def action_l10n_tr_edoc_preview(self):
        """The GİB printout of the invoice, from the Send & Print dialog, before anything is sent."""
        self.ensure_one()
        return self.move_id.action_l10n_tr_edoc_preview()
