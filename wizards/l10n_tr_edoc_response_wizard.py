from odoo import api, fields, models
from odoo.exceptions import UserError


class L10nTrEdocResponseWizard(models.TransientModel):
    """Asks for the one commercial answer GİB allows to an incoming TICARIFATURA."""

    _name = "l10n_tr_edoc.response.wizard"
    _description = "Accept or Reject an Incoming e-Fatura"

    document_id = fields.Many2one("l10n_tr_edoc.document", required=True, readonly=True)
    move_id = fields.Many2one(related="document_id.move_id")
    answer = fields.Selection(
        [("KABUL", "KABUL (accept)"), ("RED", "RED (reject)")], required=True, default="KABUL"
    )
    reason = fields.Text(help="Sent to the supplier; required when rejecting.")
    response_deadline = fields.Datetime(related="document_id.response_deadline")
    response_remaining = fields.Char(related="document_id.response_remaining")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if values.get("document_id"):
            self.env["l10n_tr_edoc.document"].browse(values["document_id"])._l10n_tr_edoc_check_answerable()
        return values

    def action_l10n_tr_edoc_send(self):
        self.ensure_one()
        document = self.document_id
        if self.answer == "RED" and not (self.reason or "").strip():
            raise UserError(self.env._("Please give the reason for the rejection (RED)."))
        if document._l10n_tr_edoc_respond(self.answer, self.reason):
            return {"type": "ir.actions.act_window_close"}
        if document.state in ("accepted", "rejected"):
            return document.account_id._l10n_tr_edoc_notify(
                self.env._("Already answered"),
                self.env._(
                    "%(document)s was already answered %(answer)s on the integrator's portal; that answer "
                    "is recorded.",
                    document=document.display_name,
                    answer=document.response_code,
                ),
                "warning",
                reload=True,
            )
        # the failed call stays logged on the document: report it instead of rolling it back
        return document.account_id._l10n_tr_edoc_notify(
            self.env._("The answer could not be sent"), document.error_message or "", "danger"
        )
