from odoo import fields, models


class ResPartner(models.Model):
    """The counterparty's e-Mutabakat answers, next to its other e-document data."""

    _inherit = "res.partner"

    l10n_tr_edoc_reconciliation_ids = fields.One2many(
        "l10n_tr_edoc.reconciliation",
        "partner_id",
        string="e-Reconciliations",
        groups="l10n_tr_edoc.group_edoc_user",
    )
    l10n_tr_edoc_reconciliation_count = fields.Integer(
        string="e-Reconciliation Count",
        compute="_compute_l10n_tr_edoc_reconciliation",
        groups="l10n_tr_edoc.group_edoc_user",
    )
    l10n_tr_edoc_reconciliation_answer = fields.Selection(
        [("agreed", "Reconciled"), ("disagreed", "Not Reconciled")],
        string="Last e-Reconciliation Answer",
        compute="_compute_l10n_tr_edoc_reconciliation",
        groups="l10n_tr_edoc.group_edoc_user",
        help="The counterparty's answer to the newest e-Mutabakat it answered.",
    )

    def _compute_l10n_tr_edoc_reconciliation(self):
        for partner in self:
            records = partner.l10n_tr_edoc_reconciliation_ids
            answered = records.filtered(lambda rec: rec.state in ("agreed", "disagreed")).sorted(
                lambda rec: (rec.last_polled_at or rec.sent_at or rec.create_date, rec.id), reverse=True
            )
            partner.l10n_tr_edoc_reconciliation_count = len(records)
            partner.l10n_tr_edoc_reconciliation_answer = answered[:1].state or False

    def action_l10n_tr_edoc_open_reconciliations(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("l10n_tr_edoc.action_l10n_tr_edoc_reconciliation")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
