from odoo import fields, models


class L10nTrEdocEvent(models.Model):
    """One remote call to the integrator: the audit trail behind every state change.

    Request and response are stored as attachments with credentials already redacted by the
    core provider, so a manager can hand them to the integrator's support as they are.
    """

    _name = "l10n_tr_edoc.event"
    _description = "e-Document Integrator Call"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one("l10n_tr_edoc.account", readonly=True, check_company=True, index=True)
    document_id = fields.Many2one(
        "l10n_tr_edoc.document", readonly=True, check_company=True, index="btree_not_null", ondelete="cascade"
    )
    operation = fields.Char(required=True, readonly=True)
    success = fields.Boolean(readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    result_code = fields.Char(readonly=True)
    message = fields.Text(readonly=True)
    request_attachment_id = fields.Many2one("ir.attachment", string="Request", readonly=True)
    response_attachment_id = fields.Many2one("ir.attachment", string="Response", readonly=True)
