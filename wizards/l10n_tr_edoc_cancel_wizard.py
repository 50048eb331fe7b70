from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError

CANCELLABLE_STATES = ("sent", "delivered", "reported")


class L10nTrEdocCancelWizard(models.TransientModel):
    """Cancel an e-Arşiv invoice at the integrator, then the move; a refusal is shown, nothing is lost."""

    _name = "l10n_tr_edoc.cancel.wizard"
    _description = "Cancel e-Arşiv Invoice"

    move_id = fields.Many2one("account.move", required=True, readonly=True)
    document_id = fields.Many2one(related="move_id.l10n_tr_edoc_document_id")
    reason = fields.Text(required=True, help="Sent to the integrator with the cancellation.")
    document_state = fields.Selection(related="document_id.state")
    delete = fields.Boolean(
        string="Delete to Upload Again",
        help="Before GİB's evening report only: the invoice is never reported, goes back to draft to be "
        "fixed, and its number is uploaded again with a new ETTN (İzibiz's DELETE_FLAG).",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and "move_id" in fields_list:
            values.setdefault("move_id", self.env.context.get("active_id"))
        return values

    def action_confirm(self):
        self.ensure_one()
        document = self.document_id
        if document.kind != "earchive" or document.state not in CANCELLABLE_STATES:
            raise UserError(self.env._("Only an e-Arşiv invoice the integrator holds can be cancelled here."))
        if self.delete:
            return self._l10n_tr_edoc_delete(document)
        with document.account_id._l10n_tr_edoc_session():
            provider = document.account_id._l10n_tr_edoc_get_provider()
            document._l10n_tr_edoc_apply_event("cancel")
            try:
                result = provider.cancel_earchive(
                    document.uuid, reason=self.reason, number=document.name or ""
                )
            except EdocError as error:
                text = document._l10n_tr_edoc_error_text(error)
                document._l10n_tr_edoc_log_exchanges("cancel", error.params.get("exchanges", ()), error=error)
                document._l10n_tr_edoc_apply_event(
                    "cancel_refused", error_code=error.code, error_message=text
                )
                return document.account_id._l10n_tr_edoc_notify(
                    self.env._("The integrator refused the cancellation"), text, "danger"
                )
        document._l10n_tr_edoc_log_exchanges("cancel", result.exchanges)
        document._l10n_tr_edoc_apply_event("cancel_confirmed", error_code=False, error_message=False)
        move = self.move_id.with_context(l10n_tr_edoc_allow_draft=True)
        move.button_draft()
        move.button_cancel()
        move.message_post(body=self.env._("e-Arşiv invoice cancelled: %s", self.reason))
        return {"type": "ir.actions.act_window_close"}

    def _l10n_tr_edoc_delete(self, document):
        """Cancel to upload again: the invoice returns to draft under its number with a new ETTN."""
        if document.state == "reported":
            raise UserError(
                self.env._("GİB already has this invoice in a report: it can only be cancelled, not deleted.")
            )
        new_uuid, plan = document._l10n_tr_edoc_delete_earchive(self.reason)
        move = self.move_id
        move.l10n_tr_edoc_uuid = new_uuid
        move.with_context(l10n_tr_edoc_allow_draft=True).button_draft()
        move.message_post(body=self.env._("Back to draft to be fixed and sent again. %s", plan))
        return {"type": "ir.actions.act_window_close"}
