import contextlib

from odoo import api, fields, models

from ..core.states import EXCHANGED_STATES

MAIN_KINDS = ("einvoice", "earchive", "despatch", "smm", "emm")
# where the tracking messages of one ``_message_track`` call wait to be written together (per model)
TRACKING_LOGS = "l10n_tr_edoc.tracking_logs"


@contextlib.contextmanager
def gathered_tracking_logs(records):
    """Write the tracking messages logged meanwhile on ``records``' model with one insert, not one each.

    mail.thread decides what changed and logs each record's message with a create of its own (a few
    milliseconds); the send cron moves thousands of documents and their invoices from state to state at
    once, and those inserts were a third of its time. The messages and their tracking values stay what
    mail.thread would write; a message with a subtype (one that notifies followers) is posted as before.
    Used by ``_message_track`` of the models whose state the cron moves, with ``gather_tracking_log``.
    """
    data, key = records.env.cr.precommit.data, f"{TRACKING_LOGS}.{records._name}"
    if key in data:  # already gathering
        yield
        return
    logs = data[key] = []
    try:
        yield
    finally:
        del data[key]
    by_author = {}
    for record, values in logs:
        by_author.setdefault(values.get("author_id"), []).append((record, values))
    tracking_values = []
    for author_id, entries in by_author.items():
        messages = records.browse([record.id for record, _values in entries])._message_log_batch(
            {record.id: values.get("body", "") for record, values in entries}, author_id=author_id
        )
        for message, (_record, values) in zip(messages, entries, strict=True):
            tracking_values += [
                {**command[2], "mail_message_id": message.id}
                for command in values.get("tracking_value_ids") or ()
            ]
    if tracking_values:
        records.env["mail.tracking.value"].sudo().create(tracking_values)


def gather_tracking_log(record, values):
    """Keep a ``_message_log`` call for ``gathered_tracking_logs``; False when it must be logged now."""
    logs = record.env.cr.precommit.data.get(f"{TRACKING_LOGS}.{record._name}")
    commands = values.get("tracking_value_ids") or ()
    if (
        logs is None
        or set(values) - {"body", "author_id", "tracking_value_ids"}
        or not all(len(command) == 3 and command[0] == 0 for command in commands)
    ):
        return False
    logs.append((record, values))
    return True


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
