from odoo import api, fields, models


class L10nTrEdocReceiptCancelWizard(models.TransientModel):
    """Cancel an e-SMM / e-MM at the integrator with the reason written down.

    İzibiz's CancelSmm / CancelCreditNote carry no reason, so the reason is kept where the auditor
    looks: in the move's chatter, next to the cancellation it explains.
    """

    _name = "l10n_tr_edoc.receipt.cancel.wizard"
    _description = "Cancel e-SMM / e-MM Receipt"

    move_id = fields.Many2one("account.move", required=True, readonly=True)
    document_id = fields.Many2one(related="move_id.l10n_tr_edoc_document_id")
    reported = fields.Boolean(compute="_compute_reported", help="GİB already has the receipt.")
    reason = fields.Text(required=True, help="Written in the move's chatter with the cancellation.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_id" in fields_list:
            values.setdefault("move_id", self.env.context.get("active_id"))
        return values

    @api.depends("document_id.state")
    def _compute_reported(self):
        for wizard in self:
            wizard.reported = wizard.document_id.state == "reported"

    def action_confirm(self):
        self.ensure_one()
        self.move_id._l10n_tr_edoc_cancel_receipt(self.reason)
        return {"type": "ir.actions.act_window_close"}
