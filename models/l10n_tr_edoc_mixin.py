from odoo import api, fields, models

from ..core.states import EXCHANGED_STATES

MAIN_KINDS = ("einvoice", "earchive", "despatch", "smm", "emm")


class L10nTrEdocMixin(models.AbstractModel):
    """What account.move and stock.picking share as holders of e-documents.

    A record's e-document state is never stored on the record itself: it is read from its latest
    document (e-Fatura, e-Arşiv or e-İrsaliye), so the document stays the single source of truth.
    Concrete models define ``l10n_tr_edoc_document_ids`` with their own inverse field.
    """

    _name = "l10n_tr_edoc.mixin"
    _description = "e-Document Holder"

    l10n_tr_edoc_uuid = fields.Char(string="ETTN", copy=False, readonly=True, index="btree_not_null")
    l10n_tr_edoc_document_id = fields.Many2one(
        "l10n_tr_edoc.document",
        string="e-Document",
        compute="_compute_l10n_tr_edoc_document_id",
        store=True,
        index="btree_not_null",
    )
    l10n_tr_edoc_state = fields.Selection(
        string="e-Document State", related="l10n_tr_edoc_document_id.state", store=True
    )
    l10n_tr_edoc_gib_status_code = fields.Char(
        string="GİB Status Code", related="l10n_tr_edoc_document_id.gib_status_code"
    )
    l10n_tr_edoc_gib_status_text = fields.Char(
        string="GİB Status", related="l10n_tr_edoc_document_id.gib_status_label"
    )
    l10n_tr_edoc_error_message = fields.Text(
        string="e-Document Error", related="l10n_tr_edoc_document_id.error_message"
    )
    l10n_tr_edoc_route_changed = fields.Boolean(
        string="GİB Route Changed",
        copy=False,
        help="The partner's GİB registration or alias changed after this draft was made: "
        "check the e-document channel before confirming.",
    )
    l10n_tr_edoc_is_live = fields.Boolean(
        string="e-Document Live",
        compute="_compute_l10n_tr_edoc_is_live",
        help="The integrator or GİB holds the document: its number and ETTN are spent.",
    )

    @api.depends("l10n_tr_edoc_document_ids.kind")
    def _compute_l10n_tr_edoc_document_id(self):
        for record in self:
            documents = record.l10n_tr_edoc_document_ids.filtered(
                lambda document: document.kind in MAIN_KINDS
            )
            record.l10n_tr_edoc_document_id = documents.sorted("id")[-1:] if documents else False

    @api.depends("l10n_tr_edoc_state")
    def _compute_l10n_tr_edoc_is_live(self):
        for record in self:
            record.l10n_tr_edoc_is_live = record.l10n_tr_edoc_state in EXCHANGED_STATES

    def action_l10n_tr_edoc_route_reviewed(self):
        self.l10n_tr_edoc_route_changed = False

    def action_l10n_tr_edoc_print(self):
        """Print the GİB printout of the record's latest e-document."""
        return self.l10n_tr_edoc_document_id.action_l10n_tr_edoc_print()
