import json

from odoo import fields, models
from odoo.fields import Domain

OUTGOING_INVOICE_KINDS = ("einvoice", "earchive")
# Posted invoices that should go to GİB but have not left yet: no e-document row (never sent)
# or one still queued. The journal dashboard reuses these domains on account.move.
MOVE_DOMAINS = {
    "to_send": [
        ("state", "=", "posted"),
        "|",
        ("move_type", "in", ("out_invoice", "out_refund")),
        ("l10n_tr_edoc_receipt_kind", "!=", False),
        ("l10n_tr_edoc_uuid", "!=", False),
        ("l10n_tr_edoc_state", "in", (False, "draft", "ready")),
    ],
    "attention": [("l10n_tr_edoc_state", "in", ("send_failed", "unknown", "rejected_by_gib"))],
    "to_answer": [("l10n_tr_edoc_state", "=", "awaiting_response")],
}
_OUT_INVOICE = [("direction", "=", "out"), ("kind", "in", OUTGOING_INVOICE_KINDS)]
# The overview's rows: key -> (model, domain). Document domains are completed with the account,
# move domains with its company; the kanban shows one row per key.
BUCKETS = {
    "to_send": ("account.move", MOVE_DOMAINS["to_send"]),
    "sending": ("l10n_tr_edoc.document", [("state", "=", "sending")]),
    "send_failed": ("l10n_tr_edoc.document", [("state", "=", "send_failed")]),
    "unknown": ("l10n_tr_edoc.document", [("state", "=", "unknown")]),
    "rejected_by_gib": ("l10n_tr_edoc.document", [("state", "=", "rejected_by_gib")]),
    "rejected_by_buyer": ("l10n_tr_edoc.document", [*_OUT_INVOICE, ("state", "=", "rejected")]),
    "awaiting_response": (
        "l10n_tr_edoc.document",
        [("direction", "=", "in"), ("state", "=", "awaiting_response")],
    ),
    "import_failed": ("l10n_tr_edoc.document", [("direction", "=", "in"), ("state", "=", "import_failed")]),
    "despatch_awaiting_receiver": (
        "l10n_tr_edoc.document",
        [("kind", "=", "despatch"), ("direction", "=", "out"), ("state", "in", ("sent", "delivered"))],
    ),
    # answered once a receipt advice (a child document) exists
    "despatch_awaiting_us": (
        "l10n_tr_edoc.document",
        [
            ("kind", "=", "despatch"),
            ("direction", "=", "in"),
            ("state", "=", "received"),
            ("child_ids", "=", False),
        ],
    ),
}
DEADLINES_SHOWN = 5


class L10nTrEdocAccount(models.Model):
    """The e-Documents overview: one card per integrator account with what needs a human today."""

    _inherit = "l10n_tr_edoc.account"

    dashboard_data = fields.Text(compute="_compute_dashboard_data")

    def _l10n_tr_edoc_bucket_labels(self):
        return {
            "to_send": self.env._("To send"),
            "sending": self.env._("Sending"),
            "send_failed": self.env._("Send failed"),
            "unknown": self.env._("Unknown outcome"),
            "rejected_by_gib": self.env._("Rejected by GİB"),
            "rejected_by_buyer": self.env._("Rejected by the buyer (RED)"),
            "awaiting_response": self.env._("Awaiting our KABUL/RED"),
            "import_failed": self.env._("Import failed"),
            "despatch_awaiting_receiver": self.env._("Despatches awaiting the receiver's answer"),
            "despatch_awaiting_us": self.env._("Received despatches awaiting our receipt advice"),
        }

    def _l10n_tr_edoc_bucket_domain(self, model, domain):
        if model == "account.move":
            return Domain.AND([domain, [("company_id", "=", self.company_id.id)]])
        return Domain.AND([domain, [("account_id", "=", self.id)]])

    def _compute_dashboard_data(self):
        """Counts for every card with one grouped query per bucket, whatever the number of cards.

        Moves belong to a company, not an account, so they are counted on the account the company
        sends with, never twice when a company keeps an old account.
        """
        accounts = self.filtered("id")
        (self - accounts).dashboard_data = json.dumps({"counts": {}, "deadlines": []})
        if not accounts:
            return
        sending_account = {}
        for account in self.search([("company_id", "in", accounts.company_id.ids)]):
            sending_account.setdefault(account.company_id, account)
        counts = {}
        for key, (model, domain) in BUCKETS.items():
            Model = self.env[model]
            if model == "account.move":
                scope = Domain("company_id", "in", accounts.company_id.ids)
                rows = Model._read_group(Domain.AND([domain, scope]), ["company_id"], ["__count"])
                counts[key] = {sending_account[company].id: count for company, count in rows}
            else:
                scope = Domain("account_id", "in", accounts.ids)
                rows = Model._read_group(Domain.AND([domain, scope]), ["account_id"], ["__count"])
                counts[key] = {account.id: count for account, count in rows}
        deadlines = self.env["l10n_tr_edoc.document"].search(
            [
                ("account_id", "in", accounts.ids),
                ("direction", "=", "in"),
                ("state", "=", "awaiting_response"),
            ],
            order="response_deadline, id",
        )
        for account in accounts:
            upcoming = deadlines.filtered(lambda document, a=account: document.account_id == a)
            account.dashboard_data = json.dumps(
                {
                    "counts": {key: by_account.get(account.id, 0) for key, by_account in counts.items()},
                    "deadlines": [
                        {
                            "id": document.move_id.id or document.id,
                            "model": "account.move" if document.move_id else "l10n_tr_edoc.document",
                            "name": document.name or document.uuid,
                            "partner": document.move_id.partner_id.display_name or document.sender_vat or "",
                            "remaining": document.response_remaining or "",
                        }
                        for document in upcoming[:DEADLINES_SHOWN]
                    ],
                }
            )

    def action_l10n_tr_edoc_open_bucket(self):
        """The list behind a count of the overview, filtered the same way the count was made."""
        self.ensure_one()
        key = self.env.context.get("l10n_tr_edoc_bucket")
        if key not in BUCKETS:
            return False
        model, domain = BUCKETS[key]
        label = self._l10n_tr_edoc_bucket_labels()[key]
        domain = list(self._l10n_tr_edoc_bucket_domain(model, domain))
        if model == "account.move":
            return {
                "type": "ir.actions.act_window",
                "name": label,
                "res_model": "account.move",
                "view_mode": "list,form",
                "views": [(self.env.ref("account.view_out_invoice_tree").id, "list"), (False, "form")],
                "domain": domain,
                "context": {"default_move_type": "out_invoice", "create": False},
            }
        list_view = "l10n_tr_edoc.view_l10n_tr_edoc_document_list"
        if key == "awaiting_response":
            list_view = "l10n_tr_edoc.view_l10n_tr_edoc_document_list_deadline"
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": "l10n_tr_edoc.document",
            "view_mode": "list,form",
            "views": [(self.env.ref(list_view).id, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }
