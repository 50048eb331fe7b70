import contextlib
import datetime

from lxml import etree

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from ..core.errors import EdocError
from ..core.xmlsafe import load_xml

# Documents whose exchange is not settled: the integrator's answer is missing (sending, unknown),
# a failure is being worked on (send_failed, import_failed), or an answer or a cancellation is on
# its way (responding, cancel_requested). Their calls' payloads outlive the retention period.
UNSETTLED_STATES = ("sending", "unknown", "send_failed", "import_failed", "responding", "cancel_requested")
PRUNE_BATCH = 500
# The form shows this much of a payload, indented when it is XML of at most PRETTY_MAX_BYTES;
# the attachment holds all of it as it was on the wire.
PAYLOAD_SHOWN_CHARS = 200_000
PRETTY_MAX_BYTES = 2 * 1024 * 1024


class L10nTrEdocEvent(models.Model):
    """One remote call to the integrator: the audit trail behind every state change.

    Request and response are stored as attachments with credentials already redacted by the
    core provider, so a manager can hand them to the integrator's support as they are. The
    payloads are pruned after the company's retention period; the row itself stays.
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
    request_payload = fields.Text(compute="_compute_payloads")
    response_payload = fields.Text(compute="_compute_payloads")
    payload_pruned_at = fields.Datetime(
        string="Payloads Pruned On",
        readonly=True,
        copy=False,
        help="The request and response were deleted after the company's retention period; "
        "operation, result and duration stay as the audit trail.",
    )

    @api.depends("operation", "document_id", "create_date")
    def _compute_display_name(self):
        """Breadcrumbs name the call, not "l10n_tr_edoc.event,66"."""
        for event in self:
            when = format_datetime(self.env, event.create_date) if event.create_date else ""
            subject = event.document_id.display_name or ""
            event.display_name = " · ".join(filter(None, (event.operation, subject, when)))

    @api.depends("request_attachment_id", "response_attachment_id")
    def _compute_payloads(self):
        for event in self:
            event.request_payload = self._l10n_tr_edoc_payload_text(event.request_attachment_id)
            event.response_payload = self._l10n_tr_edoc_payload_text(event.response_attachment_id)

    def _l10n_tr_edoc_payload_text(self, attachment):
        """Readable text of a stored payload, cut short so a large list does not freeze the form."""
        if not attachment:
            return False
        # the web client reads with bin_size, which would turn raw into "4.2 Kb"
        raw = attachment.with_context(bin_size=False).raw or b""
        if raw.lstrip().startswith(b"<") and len(raw) <= PRETTY_MAX_BYTES:
            # a payload that is not well-formed is shown as it came: that is worth seeing too
            with contextlib.suppress(EdocError):
                raw = etree.tostring(load_xml(raw), encoding="utf-8", xml_declaration=True, pretty_print=True)
        text = raw[: PAYLOAD_SHOWN_CHARS * 4].decode("utf-8", errors="replace")
        if len(text) <= PAYLOAD_SHOWN_CHARS:
            return text
        return (
            text[:PAYLOAD_SHOWN_CHARS]
            + "\n"
            + self.env._(
                "[... cut after %(count)s characters: download the file for the whole payload]",
                count=PAYLOAD_SHOWN_CHARS,
            )
        )

    def _l10n_tr_edoc_download(self, attachment):
        self.ensure_one()
        attachment.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def action_l10n_tr_edoc_download_request(self):
        return self._l10n_tr_edoc_download(self.request_attachment_id)

    def action_l10n_tr_edoc_download_response(self):
        return self._l10n_tr_edoc_download(self.response_attachment_id)

    @api.model
    def _l10n_tr_edoc_prunable_domain(self, company, now):
        """Calls of ``company`` older than its retention whose payloads may go.

        Calls of documents whose exchange is not settled keep their payloads whatever their age:
        an unknown outcome or a refused send is exactly what the integrator's support asks the
        raw request and response for. They are pruned by a later run once the document settles.
        """
        cutoff = now - datetime.timedelta(days=company.l10n_tr_edoc_call_log_retention_days)
        return [
            ("company_id", "=", company.id),
            ("create_date", "<", cutoff),
            "|",
            ("request_attachment_id", "!=", False),
            ("response_attachment_id", "!=", False),
            "|",
            ("document_id", "=", False),
            ("document_id.state", "not in", UNSETTLED_STATES),
        ]

    def _l10n_tr_edoc_prune_payloads(self):
        attachments = (self.request_attachment_id | self.response_attachment_id).sudo()
        self.sudo().write(
            {
                "request_attachment_id": False,
                "response_attachment_id": False,
                "payload_pruned_at": fields.Datetime.now(),
            }
        )
        attachments.unlink()

    @api.model
    def _cron_l10n_tr_edoc_prune_call_log(self):
        """Delete the payloads of calls older than each company's retention (0 keeps them forever)."""
        now = fields.Datetime.now()
        Event = self.sudo()
        companies = self.env["res.company"].sudo().search([("l10n_tr_edoc_call_log_retention_days", ">", 0)])
        domains = [Event._l10n_tr_edoc_prunable_domain(company, now) for company in companies]
        self.env["ir.cron"]._commit_progress(remaining=sum(Event.search_count(domain) for domain in domains))
        for domain in domains:
            while events := Event.search(domain, limit=PRUNE_BATCH, order="id"):
                events._l10n_tr_edoc_prune_payloads()
                if self.env["ir.cron"]._commit_progress(len(events)) <= 0:
                    return
