import uuid as uuidlib

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.providers.base import Exchange
from ..core.states import (
    EXCHANGED_STATES,
    INITIAL_STATE,
    gib_status_text,
    machine_for,
    next_state,
    resend_needs_new_ettn,
)

KINDS = [
    ("einvoice", "e-Fatura"),
    ("earchive", "e-Arşiv Fatura"),
    ("despatch", "e-İrsaliye"),
    ("app_response", "Application Response"),
    ("receipt_advice", "İrsaliye Yanıtı"),
    ("smm", "e-SMM"),
    ("emm", "e-Müstahsil Makbuzu"),
]

STATES = [
    ("draft", "Draft"),
    ("ready", "Ready to Send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("send_failed", "Send Failed"),
    ("unknown", "Unknown Outcome"),
    ("delivered", "Delivered"),
    ("rejected_by_gib", "Rejected by GİB"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("accepted_implicitly", "Accepted Implicitly"),
    ("reported", "Reported to GİB"),
    ("cancel_requested", "Cancellation Requested"),
    ("cancelled", "Cancelled"),
    ("received", "Received"),
    ("imported", "Imported"),
    ("import_failed", "Import Failed"),
    ("awaiting_response", "Awaiting Our Response"),
    ("responding", "Responding"),
    ("response_window_closed", "Response Window Closed"),
    ("responded", "Responded"),
    ("answered_accepted", "Receiver Accepted"),
    ("answered_partial", "Receiver Partly Accepted"),
    ("answered_rejected", "Receiver Rejected"),
]


class L10nTrEdocDocument(models.Model):
    """One e-document exchanged with GİB through the integrator, in either direction.

    The move or picking holds the business data; this row holds the exchange: identity (ETTN and
    GİB number), the state machine of core/states.py, the last GİB status and error, and the XML
    that was sent or received. A row the integrator has seen is never deleted.
    """

    _name = "l10n_tr_edoc.document"
    _description = "e-Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "uuid"]

    name = fields.Char(string="GİB Number", readonly=True, copy=False, index="trigram")
    uuid = fields.Char(string="ETTN", required=True, readonly=True, copy=False, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one("l10n_tr_edoc.account", readonly=True, check_company=True, index=True)
    provider = fields.Selection(related="account_id.provider", store=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    direction = fields.Selection([("out", "Outgoing"), ("in", "Incoming")], required=True, readonly=True)
    state = fields.Selection(STATES, required=True, default="draft", readonly=True, tracking=True, index=True)
    profile = fields.Char(string="Scenario", readonly=True, help="GİB ProfileID, e.g. TICARIFATURA.")
    type_code = fields.Char(string="Type", readonly=True, help="GİB type code, e.g. SATIS or TEVKIFAT.")
    issue_date = fields.Date(readonly=True)
    sender_vat = fields.Char(string="Sender VKN/TCKN", readonly=True)
    receiver_vat = fields.Char(string="Receiver VKN/TCKN", readonly=True)
    receiver_alias = fields.Char(readonly=True)
    amount_total = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    gib_status_code = fields.Char(string="GİB Status Code", readonly=True)
    gib_status_text = fields.Char(string="GİB Status (as received)", readonly=True)
    gib_status_label = fields.Char(
        string="GİB Status",
        compute="_compute_gib_status_label",
        help="GİB's status in the reader's language: GİB's own Turkish text, or its English rendering.",
    )
    received_at = fields.Datetime(
        readonly=True, help="When the document reached the receiver's mailbox (the integrator's timestamp)."
    )
    response_deadline = fields.Datetime(readonly=True)
    error_code = fields.Char(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)
    parent_id = fields.Many2one(
        "l10n_tr_edoc.document", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    child_ids = fields.One2many("l10n_tr_edoc.document", "parent_id", string="Responses")
    move_id = fields.Many2one(
        "account.move", readonly=True, check_company=True, index="btree_not_null", ondelete="restrict"
    )
    picking_id = fields.Many2one(
        "stock.picking", readonly=True, check_company=True, index="btree_not_null", ondelete="restrict"
    )
    xml_attachment_id = fields.Many2one("ir.attachment", string="XML", readonly=True, copy=False)
    pdf_attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True, copy=False)
    event_ids = fields.One2many("l10n_tr_edoc.event", "document_id", string="Calls")

    _unique_uuid = models.Constraint(
        "UNIQUE(company_id, uuid, direction)",
        "This ETTN is already known for this company and direction.",
    )

    @api.depends("gib_status_code", "gib_status_text", "kind")
    @api.depends_context("lang")
    def _compute_gib_status_label(self):
        """The stored text is in the language of whoever polled (often the cron): translate at display."""
        lang = "tr" if (self.env.lang or "").startswith("tr") else "en"
        for document in self:
            code = document.gib_status_code
            known = (
                gib_status_text(int(code), lang)
                if document.kind != "earchive" and code and code.isdigit()
                else ""
            )
            document.gib_status_label = known or document.gib_status_text

    @api.depends("name", "uuid", "kind")
    def _compute_display_name(self):
        kinds = dict(KINDS)
        for document in self:
            document.display_name = (
                f"{kinds.get(document.kind, '')} {document.name or document.uuid or ''}".strip()
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_exchanged(self):
        if any(document.state in EXCHANGED_STATES for document in self):
            raise UserError(
                self.env._(
                    "An e-document that reached the integrator is kept as evidence and cannot be deleted."
                )
            )

    @api.model
    def _l10n_tr_edoc_error_text(self, error):
        """Translated text for a core error: integrator text when it has one, ours otherwise."""
        text = self.env._(error.message) if error.message else error.code
        if error.remote_code:
            return self.env._("%(text)s (integrator code %(code)s)", text=text, code=error.remote_code)
        return text

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "state" not in vals and vals.get("kind") and vals.get("direction"):
                vals["state"] = INITIAL_STATE[machine_for(vals["kind"], vals["direction"])]
        return super().create(vals_list)

    def _l10n_tr_edoc_apply_event(self, event, **values):
        """Move the document along its core state machine and record why.

        The transition is checked against core/states.py (an impossible event raises), the new
        state and ``values`` are written, and the chatter hears of it only when the state changed.
        """
        self.ensure_one()
        machine = machine_for(self.kind, self.direction)
        new_state = next_state(machine, self.state, event)
        old_state = self.state
        self.write({**values, "state": new_state})
        if new_state != old_state and values.get("error_message"):
            self.message_post(body=values["error_message"])
        return new_state

    def _l10n_tr_edoc_log_exchanges(self, operation, exchanges, *, error=None, account=None):
        """One call-log row per remote exchange, with the redacted raw request and response attached.

        A call that failed before anything reached the wire still gets a row, so the log explains
        every state change.
        """
        account = account or self.account_id
        Event = self.env["l10n_tr_edoc.event"].sudo()
        Attachment = self.env["ir.attachment"].sudo()
        result_code = (error.remote_code or error.code) if error else False
        events = Event
        for exchange in exchanges or (Exchange(operation, b"", b"", 0.0),):
            event = Event.create(
                {
                    "company_id": (self.company_id or account.company_id).id,
                    "account_id": account.id,
                    "document_id": self.id,
                    "operation": exchange.operation or operation,
                    "success": error is None,
                    "duration_ms": round(exchange.duration * 1000),
                    "result_code": result_code or exchange.remote_code,
                    "message": self._l10n_tr_edoc_error_text(error) if error else exchange.remote_message,
                }
            )
            attachments = {
                f"{part}_attachment_id": Attachment.create(
                    {
                        "name": f"{event.operation}-{event.id}-{part}.xml",
                        "raw": payload,
                        "res_model": "l10n_tr_edoc.event",
                        "res_id": event.id,
                        "mimetype": "application/xml",
                    }
                ).id
                for part, payload in (("request", exchange.request), ("response", exchange.response))
                if payload
            }
            event.write(attachments)
            events |= event
        return events

    def _l10n_tr_edoc_reopen_refused(self):
        """Back to draft after GİB refused it, under the same number as İzibiz allows: the same ETTN
        for a refusal at GİB, a new one when the receiver's side refused it. The chatter keeps both
        attempts. Returns ``(new ETTN or None, what happens next)``, the latter for the source's chatter."""
        self.ensure_one()
        refused = self.env._(
            "Attempt refused by GİB (%(code)s %(text)s) under number %(number)s, ETTN %(uuid)s.",
            code=self.gib_status_code or "",
            text=self.gib_status_text or "",
            number=self.name,
            uuid=self.uuid,
        )
        values = {}
        if resend_needs_new_ettn(self.gib_status_code):
            values["uuid"] = str(uuidlib.uuid4()).upper()
            plan = self.env._("It is sent again under the same number with the new ETTN %s.", values["uuid"])
        else:
            plan = self.env._("It is sent again under the same number and the same ETTN.")
        self._l10n_tr_edoc_apply_event("correct", **values)
        self.message_post(body=f"{refused} {plan}")
        return values.get("uuid"), plan
