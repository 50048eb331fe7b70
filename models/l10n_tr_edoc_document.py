import base64
import datetime
import datetime as dt
import logging
import uuid as uuid_module
import uuid as uuidlib

import lxml.html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import documents as d
from ..core import earsivbelge as eb
from ..core.errors import ConfigurationError, EdocError, UnknownOutcome, XmlSecurityError
from ..core.providers.base import (
    ANSWER_CONFIRMATION,
    EARCHIVE,
    EARCHIVE_DELETE,
    EARCHIVE_EMAIL_RESEND,
    EarchiveDocument,
    Exchange,
    OutgoingDocument,
)
from ..core.providers.registry import get_provider_class
from ..core.qr import qr_payload, qr_png
from ..core.render import EMBEDDED, GIVEN, OURS, render_html, render_pdf
from ..core.signing import verify_document
from ..core.states import (
    EARSIVBELGE,
    EXCHANGED_STATES,
    INITIAL_STATE,
    GibOutcome,
    allowed_events,
    commercial_response_deadline,
    gib_status_text,
    gib_today,
    machine_for,
    next_state,
    resend_needs_new_ettn,
)
from ..core.ubl import render_application_response
from ..core.ubl.parse import parse_despatch_advice, parse_document, parse_invoice
from ..core.validation import package
from .l10n_tr_edoc_account import SIGNATURE_STATES
from .res_partner import normalize_tax_id

POLLED_STATES = ("sent", "unknown", "delivered")
# e-Arşiv states in which the integrator holds the invoice (its original and image can be read)
EARCHIVE_HELD_STATES = ("sent", "delivered", "reported", "cancel_requested", "cancelled")
# İzibiz: invoices more than 8 days past reaching the receiver are no longer polled.
POLL_HORIZON = datetime.timedelta(days=8)
# an answer given at the end of its window is still followed this long for the integrator's confirmation
ANSWER_CONFIRMATION_GRACE = datetime.timedelta(days=1)
RECEIPT_TYPE_CODES = {"smm": eb.SMM, "emm": eb.MM}
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

KIND_ROOTS = {"despatch": "DespatchAdvice", "receipt_advice": "ReceiptAdvice"}

_logger = logging.getLogger(__name__)

ANSWERABLE_PROFILE = "TICARIFATURA"
# İzibiz 10011 "Daha önce yanıtlanmış bir fatura için tekrar yanıt gönderilemez"
ALREADY_ANSWERED = "10011"


def _scheme(tax_id):
    return "TCKN" if tax_id and len(tax_id) == 11 else "VKN"


_logger = logging.getLogger(__name__)

KINDS_WITH_QR = ("einvoice", "earchive", "despatch")
TEMPLATES = [
    (OURS, "GİB-style template of this module"),
    (EMBEDDED, "Stylesheet embedded in the document"),
    (GIVEN, "Stylesheet given by the caller"),
]


class L10nTrEdocDocument(models.Model):
    """One e-document exchanged with GİB through the integrator, in either direction.

    The move or picking holds the business data; this row holds the exchange: identity (ETTN and
    GİB number), the state machine of core/states.py, the last GİB status and error, and the XML
    that was sent or received. A row the integrator has seen is never deleted.
    """

    _name = "l10n_tr_edoc.document"
    _description = "e-Document"
    _inherit = ["l10n_tr_edoc.tracking", "mail.thread", "mail.activity.mixin"]
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
        documents = super().create(vals_list)
        documents.filtered(
            lambda d: d.direction == "in" and d.xml_attachment_id
        )._l10n_tr_edoc_verify_signature()
        return documents

    def _l10n_tr_edoc_apply_event(self, event, **values):
        """Move the documents along their core state machine and record why; returns the (last) new state.

        Each transition is checked against core/states.py (an impossible event raises), the new
        state and ``values`` are written (one write per new state, so a batch costs a few queries),
        and the chatter hears of it only when the state changed.
        """
        targets, changed, new_state = {}, self.browse(), None
        for document in self:
            new_state = next_state(machine_for(document.kind, document.direction), document.state, event)
            targets[new_state] = targets.get(new_state, self.browse()) | document
            if new_state != document.state:
                changed |= document
        for state, documents in targets.items():
            # the state is written only where it changes: writing it makes the ORM look up the moves and
            # pickings that show it
            if moved := documents & changed:
                moved.write({**values, "state": state})
            if (unmoved := documents - changed) and values:
                unmoved.write(values)
        if values.get("error_message"):
            for document in changed:
                document.message_post(body=values["error_message"])
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

    # Signature status of received documents: intact or not, and whose seal it is.
    signature_state = fields.Selection(SIGNATURE_STATES, readonly=True, copy=False, tracking=True)
    signer_name = fields.Char(readonly=True, copy=False)
    signer_vat = fields.Char(string="Signer VKN/TCKN", readonly=True, copy=False)
    signing_time = fields.Datetime(readonly=True, copy=False)
    signature_message = fields.Text(string="Signature Problems", readonly=True, copy=False)

    def write(self, vals):
        result = super().write(vals)
        if vals.get("xml_attachment_id"):
            self.filtered(lambda d: d.direction == "in")._l10n_tr_edoc_verify_signature()
        return result

    def _l10n_tr_edoc_verify_signature(self):
        """Check the XML attachment's signature, store the verdict, raise an activity when it is broken."""
        for document in self:
            if not document.xml_attachment_id:
                continue
            try:
                result = verify_document(document.xml_attachment_id.raw)
            except ConfigurationError as error:
                # Cannot judge here (xmlsec missing): say so, never call the signature broken.
                _logger.warning("Signature of e-document %s not checked: %s", document.id, error)
                document.write(
                    {"signature_state": False, "signature_message": self._l10n_tr_edoc_error_text(error)}
                )
                continue
            except EdocError as error:
                values = {
                    "signature_state": "invalid",
                    "signature_message": self._l10n_tr_edoc_error_text(error),
                }
            else:
                values = {
                    "signature_state": result.status,
                    "signer_name": result.signer_name,
                    "signer_vat": result.signer_vat,
                    "signing_time": result.signing_time and result.signing_time.replace(tzinfo=None),
                    "signature_message": "\n".join(
                        f"{issue.path}: {self.env._(issue.message)}" for issue in result.issues
                    )
                    or False,
                }
            was_invalid = document.signature_state == "invalid"
            document.write(values)
            if values["signature_state"] == "invalid" and not was_invalid:
                document._l10n_tr_edoc_schedule_signature_activity()

    def _l10n_tr_edoc_schedule_signature_activity(self):
        self.ensure_one()
        responsible = (
            self.account_id._l10n_tr_edoc_signing_responsible() if self.account_id else self.env.user
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Invalid signature on a received e-document"),
            note=self.signature_message,
            user_id=responsible.id,
        )

    def action_l10n_tr_edoc_verify_signature(self):
        self._l10n_tr_edoc_verify_signature()
        return True

    # e-İrsaliye and İrsaliye Yanıtı specifics: the XML kept, the submission outcome, incoming import.
    def _l10n_tr_edoc_despatch_attach_xml(self, xml):
        self.ensure_one()
        name = f"{self.name or self.uuid}.xml"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": xml,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/xml",
            }
        )
        self.xml_attachment_id = attachment
        return attachment

    def _l10n_tr_edoc_despatch_xml(self):
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("The XML of %s is missing.", self.display_name))
        return self.xml_attachment_id.raw or base64.b64decode(self.xml_attachment_id.datas or b"")

    def _l10n_tr_edoc_despatch_submit(self, call, operation):
        """Run ``call(provider)`` for a document in ``sending``; the outcome becomes its state, never lost.

        A timeout after the upload leaves the document ``unknown`` so the status poll decides, never a
        blind resend; a refusal leaves it ``send_failed`` with the integrator's words.
        """
        self.ensure_one()
        with self.account_id._l10n_tr_edoc_session():
            provider = self.account_id._l10n_tr_edoc_get_provider()
            try:
                result = call(provider)
            except EdocError as error:
                text = self._l10n_tr_edoc_error_text(error)
                self._l10n_tr_edoc_log_exchanges(operation, error.params.get("exchanges", ()), error=error)
                event = "timeout" if isinstance(error, UnknownOutcome) else "failed"
                self._l10n_tr_edoc_apply_event(event, error_code=error.code, error_message=text)
                return False
        self._l10n_tr_edoc_log_exchanges(operation, result.exchanges)
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        return True

    def _l10n_tr_edoc_despatch_store_answer_lines(self, advice, products=None):
        """Keep each line of an İrsaliye Yanıtı on the picking it answers."""
        self.ensure_one()
        products = products or {}
        Line = self.env["l10n_tr_edoc.receipt.line"]
        despatch_lines = {}
        if self.parent_id.picking_id and self.parent_id.xml_attachment_id:
            despatch = parse_despatch_advice(self.parent_id._l10n_tr_edoc_despatch_xml())
            despatch_lines = {line.id: line for line in despatch.lines}
        return Line.create(
            [
                {
                    "document_id": self.id,
                    "picking_id": self.picking_id.id,
                    "sequence": index,
                    "despatch_line_ref": line.despatch_line_reference or line.id,
                    "product_id": (
                        products.get(line.despatch_line_reference or line.id)
                        or self._l10n_tr_edoc_find_product(
                            line.item, despatch_lines.get(line.despatch_line_reference)
                        )
                    ).id,
                    "name": line.item.name,
                    "unit_code": line.unit_code,
                    "received_qty": float(line.received_quantity or 0),
                    "rejected_qty": float(line.rejected_quantity or 0),
                    "short_qty": float(line.short_quantity or 0),
                    "over_qty": float(line.oversupply_quantity or 0),
                    "reject_reason": line.reject_reason or False,
                }
                for index, line in enumerate(advice.lines, start=1)
            ]
        )

    @api.model
    def _l10n_tr_edoc_find_product(self, item, despatch_line=None):
        """Our product for a UBL item: by our code (buyer's id), the seller's code, then the exact name."""
        Product = self.env["product.product"].with_context(active_test=False)
        codes = [item.buyers_item_id, item.sellers_item_id]
        if despatch_line:
            codes += [despatch_line.item.buyers_item_id, despatch_line.item.sellers_item_id]
        for code in filter(None, codes):
            if product := Product.search([("default_code", "=", code)], limit=1):
                return product
        return Product.search([("name", "=", item.name)], limit=1)

    # -- incoming despatch -----------------------------------------------------------------------

    def _l10n_tr_edoc_import_despatch(self):
        """Match a received e-İrsaliye to an open receipt of its supplier, or draft one; errors are kept."""
        self.ensure_one()
        try:
            advice = parse_despatch_advice(self._l10n_tr_edoc_despatch_xml())
            picking = self._l10n_tr_edoc_receipt_for(advice)
        except (EdocError, UserError) as error:
            text = self._l10n_tr_edoc_error_text(error) if isinstance(error, EdocError) else error.args[0]
            if self.state == "import_failed":
                self.error_message = text
            else:
                self._l10n_tr_edoc_apply_event("import_failed", error_message=text)
            return False
        self.write({"picking_id": picking.id})
        picking.l10n_tr_edoc_uuid = self.uuid
        self._l10n_tr_edoc_apply_event("import_ok", error_code=False, error_message=False)
        picking.message_post(
            body=self.env._(
                "e-İrsaliye %(number)s received from %(supplier)s.",
                number=self.name,
                supplier=picking.partner_id.display_name,
            )
        )
        return picking

    def _l10n_tr_edoc_receipt_for(self, advice):
        company = self.company_id
        vat = normalize_tax_id(advice.supplier.tax_id)
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                ("vat", "in", (vat, f"TR{vat}")),
                ("is_company", "=", True),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.id),
            ],
            limit=1,
        ) or Partner.search(
            [
                ("vat", "in", (vat, f"TR{vat}")),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.id),
            ],
            limit=1,
        )
        if not partner:
            raise UserError(
                self.env._(
                    "No contact has the tax ID %(vat)s of the supplier %(name)s: "
                    "create it and the import is retried.",
                    vat=vat,
                    name=advice.supplier.name or "",
                )
            )
        partner = partner.commercial_partner_id
        products = []
        for line in advice.lines:
            product = self._l10n_tr_edoc_find_product(line.item)
            if not product:
                raise UserError(
                    self.env._(
                        "No product matches the despatched item %(item)s (code %(code)s): create or code it, "
                        "the import is retried.",
                        item=line.item.name,
                        code=line.item.buyers_item_id or line.item.sellers_item_id or "-",
                    )
                )
            products.append((line, product))
        return self._l10n_tr_edoc_match_receipt(
            advice, partner, products
        ) or self._l10n_tr_edoc_draft_receipt(advice, partner, products)

    def _l10n_tr_edoc_match_receipt(self, advice, partner, products):
        """The open receipt of this supplier holding every despatched product, its order first."""
        Picking = self.env["stock.picking"]
        candidates = Picking.search(
            [
                ("company_id", "=", self.company_id.id),
                ("picking_type_code", "=", "incoming"),
                ("state", "not in", ("done", "cancel")),
                ("partner_id", "child_of", partner.id),
                ("l10n_tr_edoc_document_id", "=", False),
            ],
            order="scheduled_date, id",
        )
        wanted = {product.id for _line, product in products}
        candidates = candidates.filtered(lambda picking: wanted <= set(picking.move_ids.product_id.ids))
        orders = {reference.id for reference in advice.order_references}

        def order_names(picking):
            names = {picking.origin} if picking.origin else set()
            if "purchase_id" in picking._fields and picking.purchase_id:
                names.add(picking.purchase_id.name)
            return names

        return candidates.filtered(lambda picking: order_names(picking) & orders)[:1] or candidates[:1]

    def _l10n_tr_edoc_draft_receipt(self, advice, partner, products):
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "incoming"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not picking_type:
            raise UserError(self.env._("The company has no receipt operation type."))
        Uom = self.env["uom.uom"]
        origin = ", ".join(reference.id for reference in advice.order_references) or advice.id
        return self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "origin": origin,
                "company_id": self.company_id.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": float(line.delivered_quantity),
                            "product_uom": (Uom._l10n_tr_edoc_from_code(line.unit_code) or product.uom_id).id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": picking_type.default_location_dest_id.id,
                        },
                    )
                    for line, product in products
                ],
            }
        )

    @api.model
    def _l10n_tr_edoc_to_poll(self, account):
        """The account's sent invoices whose status can still change, oldest news first.

        As İzibiz's checklist asks, documents in a final state are not polled, nor e-Fatura more
        than 8 days past reaching the receiver: by then an unanswered TICARIFATURA is accepted
        implicitly, which is recorded here without asking. e-Arşiv stays polled until GİB's report.
        """
        documents = self.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                ("kind", "in", ("einvoice", "earchive")),
                ("state", "in", POLLED_STATES),
            ],
            order="write_date, id",
        )
        horizon = fields.Datetime.now() - POLL_HORIZON
        polled = self.browse()
        for document in documents:
            if document.state == "delivered" and not (
                document.kind == "earchive"
                or document._l10n_tr_edoc_awaits_answer()
                or document._l10n_tr_edoc_awaits_gtb()
            ):
                continue
            reached = document.state == "delivered" and document.kind == "einvoice"
            if reached and (document.received_at or document.write_date) < horizon:
                if document._l10n_tr_edoc_awaits_answer():
                    document._l10n_tr_edoc_apply_event("auto_accepted")
                continue
            polled |= document
        # our KABUL/RED is followed until the integrator says it succeeded or failed
        polled |= self.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "in"),
                ("kind", "=", "einvoice"),
                ("state", "=", "responding"),
                ("response_deadline", ">", fields.Datetime.now() - ANSWER_CONFIRMATION_GRACE),
            ],
            order="write_date, id",
        )
        return polled

    def _l10n_tr_edoc_awaits_answer(self):
        self.ensure_one()
        return self.kind == "einvoice" and self.profile == "TICARIFATURA" and self.state == "delivered"

    def _l10n_tr_edoc_submit(self, provider, account):
        """One provider call for documents in ``sending``; the provider splits it into its own batches."""
        errors = {}
        by_uuid = {document.uuid: document for document in self}
        try:
            payloads = [document._l10n_tr_edoc_payload(account) for document in self]
            if self[:1].kind == "earchive":
                result = provider.send_earchive(payloads)
            else:
                result = provider.send_invoices(payloads)
        except EdocError as error:
            accepted = set(error.params.get("accepted", ()))
            exchanges = error.params.get("exchanges", ())
            self[:1]._l10n_tr_edoc_log_exchanges("send", exchanges, error=error, account=account)
            text = self._l10n_tr_edoc_error_text(error)
            for uuid, document in by_uuid.items():
                if uuid in accepted:
                    document._l10n_tr_edoc_mark_accepted()
                elif isinstance(error, UnknownOutcome):
                    document._l10n_tr_edoc_apply_event("timeout", error_code=error.code, error_message=text)
                    errors[document.move_id] = text
                else:
                    document._l10n_tr_edoc_apply_event("failed", error_code=error.code, error_message=text)
                    errors[document.move_id] = text
            return errors
        self[:1]._l10n_tr_edoc_log_exchanges("send", result.exchanges, account=account)
        self._l10n_tr_edoc_mark_accepted()
        return errors

    def _l10n_tr_edoc_mark_accepted(self):
        """The integrator took the documents: record it, and deliver an e-Arşiv PDF ourselves if the
        company does so instead of the integrator. The moves are flagged sent in one write."""
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        # a flag, not an accounting change: the invoice lines need no re-synchronisation (which would cost
        # more than the rest of the send)
        self.move_id.filtered(lambda move: not move.is_move_sent).with_context(
            skip_invoice_sync=True
        ).is_move_sent = True
        for document in self:
            if (
                document.kind == "earchive"
                and document.company_id.l10n_tr_edoc_earchive_delivery == "odoo"
                and document.move_id._l10n_tr_edoc_emails_earchive()
            ):
                document._l10n_tr_edoc_mail_earchive_pdf()

    def _l10n_tr_edoc_statuses(self, provider, states):
        """``(kind, documents, statuses by ETTN)`` for the documents in ``states``, one query per kind.

        Every query is logged, also when it worked (the account's health rests on its routine
        calls); a failed one is logged and its kind skipped until the next run.
        """
        for kind in ("einvoice", "earchive"):
            documents = self.filtered(lambda d, k=kind: d.kind == k and d.state in states)
            if not documents:
                continue
            query = provider.earchive_status if kind == "earchive" else provider.get_invoice_statuses
            try:
                result = query(documents.mapped("uuid"))
            except EdocError as error:
                documents[:1]._l10n_tr_edoc_log_exchanges(
                    "status", error.params.get("exchanges", ()), error=error
                )
                continue
            documents[:1]._l10n_tr_edoc_log_exchanges("status", result.exchanges)
            yield kind, documents, result.by_uuid()

    def _l10n_tr_edoc_resolve_unknown(self, provider):
        """Ask the integrator about documents whose send may have gone through: found is sent,
        not found is ready for the same ETTN and number to go again."""
        for _kind, unknown, statuses in self._l10n_tr_edoc_statuses(provider, ("unknown",)):
            for document in unknown:
                status = statuses.get(document.uuid)
                document._l10n_tr_edoc_apply_event("found" if status and status.found else "not_found")

    def _l10n_tr_edoc_poll(self, provider):
        """Statuses of sent documents in one query per kind, applied through the state machine."""
        self._l10n_tr_edoc_resolve_unknown(provider)
        for kind, documents, statuses in self._l10n_tr_edoc_statuses(
            provider, ("sent", "delivered", "reported", "responding")
        ):
            if kind == "earchive":
                documents._l10n_tr_edoc_apply_earchive_statuses(statuses)
                documents.filtered(lambda d: d.state == "reported")._l10n_tr_edoc_keep_signed_original(
                    provider
                )
                continue
            for document in documents:
                if status := statuses.get(document.uuid):
                    if document.direction == "in":
                        document._l10n_tr_edoc_apply_answer_status(status)
                    else:
                        document._l10n_tr_edoc_apply_invoice_status(status)

    def _l10n_tr_edoc_apply_earchive_statuses(self, statuses):
        """The e-Arşiv statuses of one query (by ETTN), applied with one event per outcome and status:
        a month end's invoices mostly share both."""
        outcomes = {}
        for document in self:
            status = statuses.get(document.uuid)
            if not status or not status.found:
                continue
            if status.reported and document.state in ("sent", "delivered"):
                event = "reported"
            elif document.state == "sent":
                event = "gib_delivered"
            else:
                continue
            outcomes.setdefault((event, status.status_code, status.status_description), []).append(
                document.id
            )
        for (event, code, text), ids in outcomes.items():
            self.browse(ids)._l10n_tr_edoc_apply_event(event, gib_status_code=code, gib_status_text=text)

    def _l10n_tr_edoc_apply_invoice_status(self, status):
        values = {}
        if status.gib_status_code is not None:
            values = {
                "gib_status_code": str(status.gib_status_code),
                "gib_status_text": gib_status_text(status.gib_status_code) or status.gib_status_description,
            }
        if status.received_at:
            values["received_at"] = status.received_at.astimezone(datetime.UTC).replace(tzinfo=None)
        if self.profile == "IHRACAT":
            self._l10n_tr_edoc_store_gtb(status)
        if self.state == "sent" and status.platform_failed:
            self._l10n_tr_edoc_apply_event(
                "platform_failed",
                error_code="tr_edoc.integrator.failed",
                **self._l10n_tr_edoc_platform_failure(status),
            )
            return
        if self.state == "sent":
            if status.gib_outcome is GibOutcome.SUCCESS:
                self._l10n_tr_edoc_apply_event("gib_delivered", **values)
            elif status.gib_outcome is GibOutcome.RESEND:
                self._l10n_tr_edoc_apply_event(
                    "gib_rejected",
                    error_code="tr_edoc.gib.rejected",
                    error_message=self.env._(
                        "GİB refused the invoice (%(code)s %(text)s). Fix it and send it again: it "
                        "keeps its number.",
                        code=status.gib_status_code,
                        text=values.get("gib_status_text", ""),
                    ),
                    **values,
                )
            elif values:
                self.write(values)
        if not self._l10n_tr_edoc_awaits_answer():
            return
        if status.commercial_answer == "KABUL":
            self._l10n_tr_edoc_apply_event(
                "recipient_accepted", response_reason=status.response_description or False
            )
        elif status.commercial_answer == "RED":
            reason = status.response_description or status.status_description
            self._l10n_tr_edoc_apply_event("recipient_rejected", response_reason=reason)
            self._l10n_tr_edoc_notify_rejection(reason)
        else:
            received = self.received_at or self.create_date
            days = self.account_id.response_window_days
            if commercial_response_deadline(received, days) < datetime.datetime.now(datetime.UTC):
                self._l10n_tr_edoc_apply_event("auto_accepted")

    def _l10n_tr_edoc_platform_failure(self, status):
        """The integrator's own platform failed it (packaging, signing, sending) and GİB never saw it:
        the document may go again with the same number and ETTN."""
        return {
            "gib_status_text": status.status_description or status.status,
            "error_message": self.env._(
                "The integrator could not deliver %(document)s to GİB (%(code)s %(status)s); GİB never "
                "received it. Send it again: it keeps its number and ETTN.",
                document=self.display_name,
                code=status.status_code,
                status=status.status_description or status.status,
            ),
        }

    def _l10n_tr_edoc_notify_rejection(self, reason):
        """The buyer said RED: the salesperson must act, so the move gets an activity with the reason."""
        move = self.move_id
        move.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(move.invoice_user_id or self.env.user).id,
            summary=self.env._("Buyer rejected %s", self.name),
            note=reason,
        )

    # Incoming e-Fatura: storage of what the integrator delivered, and our commercial answer.
    response_code = fields.Selection(
        [("KABUL", "KABUL (accept)"), ("RED", "RED (reject)")],
        string="Our Answer",
        readonly=True,
        copy=False,
        tracking=True,
    )
    response_reason = fields.Text(
        string="Answer Reason",
        readonly=True,
        copy=False,
        help="Reason given with the commercial answer: ours on incoming invoices, the buyer's on outgoing.",
    )
    response_remaining = fields.Char(
        string="Time Left to Answer", compute="_compute_response_remaining", compute_sudo=True
    )
    import_warning = fields.Text(
        readonly=True, copy=False, help="Differences between the bill and the received XML."
    )

    @api.depends("response_deadline", "state")
    def _compute_response_remaining(self):
        now = fields.Datetime.now()
        for document in self:
            if document.state != "awaiting_response" or not document.response_deadline:
                document.response_remaining = False
                continue
            left = document.response_deadline - now
            if left <= dt.timedelta(0):
                document.response_remaining = self.env._("Expired")
            else:
                hours = int(left.total_seconds() // 3600)
                document.response_remaining = self.env._(
                    "%(days)s d %(hours)s h", days=hours // 24, hours=hours % 24
                )

    # -- reception ------------------------------------------------------------------------------

    @api.model
    def _l10n_tr_edoc_receive_invoice(self, account, incoming, content, *, error=None):
        """Store one listed incoming invoice once per ETTN, then turn it into a vendor bill.

        Returns the document, or an empty recordset when the ETTN was already known (a run that
        overlapped, or a page listed again because marking it read failed).
        """
        existing = self.search(
            [
                ("company_id", "=", account.company_id.id),
                ("uuid", "=", incoming.uuid),
                ("direction", "=", "in"),
            ],
            limit=1,
        )
        if existing:
            return self.browse()
        received_at = incoming.received_at
        if received_at and received_at.tzinfo:
            received_at = received_at.astimezone(dt.UTC).replace(tzinfo=None)
        document = self.create(
            {
                "uuid": incoming.uuid,
                "name": incoming.number or False,
                "company_id": account.company_id.id,
                "account_id": account.id,
                "kind": "einvoice",
                "direction": "in",
                "profile": incoming.profile or False,
                "type_code": incoming.type_code or False,
                "issue_date": incoming.issue_date,
                "sender_vat": incoming.sender_vkn or False,
                "receiver_vat": incoming.receiver_vkn or False,
                "receiver_alias": incoming.to_alias or False,
                "received_at": received_at,
                "gib_status_code": str(incoming.gib_status_code or "") or False,
            }
        )
        if content:
            document.xml_attachment_id = self.env["ir.attachment"].create(
                {
                    "name": f"{incoming.uuid}.xml",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": document.id,
                    "mimetype": "application/xml",
                }
            )
        if error is not None:
            document._l10n_tr_edoc_import_failed(self._l10n_tr_edoc_error_text(error))
        else:
            document._l10n_tr_edoc_import()
        return document

    def _l10n_tr_edoc_import(self):
        """Build the vendor bill in a savepoint: a document that cannot be read changes nothing else."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                invoice = parse_invoice(self.xml_attachment_id.raw or b"")
                move, warnings = self.env["account.move"]._l10n_tr_edoc_create_bill(self, invoice)
        except EdocError as error:
            self._l10n_tr_edoc_import_failed(self._l10n_tr_edoc_error_text(error))
            return False
        except UserError as error:
            self._l10n_tr_edoc_import_failed(error.args[0])
            return False
        except Exception as error:
            _logger.exception("Incoming e-Fatura %s could not be imported", self.uuid)
            self._l10n_tr_edoc_import_failed(self.env._("Unexpected error while importing: %s", error))
            return False
        self._l10n_tr_edoc_apply_event(
            "import_ok",
            move_id=move.id,
            amount_total=move.amount_total,
            currency_id=move.currency_id.id,
            profile=invoice.profile_id,
            type_code=invoice.invoice_type_code,
            name=invoice.id,
            error_message=False,
            error_code=False,
            import_warning="\n".join(warnings) or False,
        )
        self.activity_unlink(["l10n_tr_edoc.mail_activity_type_import_failed"])
        if warnings:
            move.message_post(body="\n".join(warnings))
        if self.profile == ANSWERABLE_PROFILE and self.received_at:
            self._l10n_tr_edoc_await_response()
        return move

    def _l10n_tr_edoc_import_failed(self, reason):
        if self.state == "import_failed":
            # a retry that failed again: the state stays, the newest reason is shown
            self.write({"error_code": "import_failed", "error_message": reason})
            return
        self._l10n_tr_edoc_apply_event("import_failed", error_code="import_failed", error_message=reason)
        self.activity_schedule(
            "l10n_tr_edoc.mail_activity_type_import_failed",
            summary=self.env._("Incoming e-Fatura could not be imported"),
            note=reason,
            user_id=self.company_id._l10n_tr_edoc_incoming_responsible().id,
        )

    def action_l10n_tr_edoc_retry_import(self):
        for document in self.filtered(lambda doc: doc.direction == "in" and doc.state == "import_failed"):
            if not document.xml_attachment_id:
                raise UserError(
                    self.env._("There is no received XML to import for %s.", document.display_name)
                )
            if document.kind == "despatch":
                document._l10n_tr_edoc_import_despatch()
            else:
                document._l10n_tr_edoc_import()

    # -- commercial answer ----------------------------------------------------------------------

    def _l10n_tr_edoc_await_response(self):
        """Open the answer window (received_at + the account's days) and remind the responsible."""
        days = self.account_id.response_window_days or 8
        deadline = commercial_response_deadline(self.received_at, days=days).replace(tzinfo=None)
        self._l10n_tr_edoc_apply_event("await_response", response_deadline=deadline)
        target = self.move_id or self
        target.activity_schedule(
            "l10n_tr_edoc.mail_activity_type_answer_invoice",
            date_deadline=(deadline - dt.timedelta(days=1)).date(),
            summary=self.env._("Accept or reject before %s", fields.Datetime.to_string(deadline)),
            user_id=self.company_id._l10n_tr_edoc_incoming_responsible().id,
        )

    def _l10n_tr_edoc_check_answerable(self):
        """Raise in plain words why this document cannot be answered now."""
        self.ensure_one()
        if self.direction != "in" or self.kind != "einvoice" or self.profile != ANSWERABLE_PROFILE:
            raise UserError(
                self.env._(
                    "Only an incoming TICARIFATURA can be accepted or rejected (this is %s).", self.profile
                )
            )
        if self.response_code or self.state in ("responding", "accepted", "rejected"):
            raise UserError(
                self.env._("%s has already been answered; GİB allows one answer.", self.display_name)
            )
        if self.state != "awaiting_response":
            raise UserError(self.env._("%s cannot be answered in its current state.", self.display_name))
        if fields.Datetime.now() > self.response_deadline:
            raise UserError(
                self.env._(
                    "The answer window of %(document)s closed on %(deadline)s (UTC); "
                    "GİB no longer accepts KABUL or RED.",
                    document=self.display_name,
                    deadline=fields.Datetime.to_string(self.response_deadline),
                )
            )

    def _l10n_tr_edoc_respond(self, answer, reason=""):
        """Send KABUL or RED through the integrator and record it as an outgoing ApplicationResponse.

        An account that signs client-side sends the archived signed bytes themselves; otherwise the
        integrator builds and signs the answer from the code and reason.
        """
        self.ensure_one()
        self._l10n_tr_edoc_check_answerable()
        reason = (reason or "").strip()
        if answer == "RED" and not reason:
            raise UserError(self.env._("A rejection (RED) needs a reason."))
        response = self.create(
            {
                "uuid": str(uuid_module.uuid4()).upper(),
                "company_id": self.company_id.id,
                "account_id": self.account_id.id,
                "kind": "app_response",
                "direction": "out",
                "parent_id": self.id,
                "profile": ANSWERABLE_PROFILE,
                "type_code": answer,
                "issue_date": gib_today(),
                "receiver_vat": self.sender_vat,
            }
        )
        xml = response._l10n_tr_edoc_prepare_response_xml(self, answer, reason)
        response._l10n_tr_edoc_gib_check_before_send(xml, response.uuid)
        response.xml_attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"{response.uuid}.xml",
                "raw": xml,
                "res_model": self._name,
                "res_id": response.id,
                "mimetype": "application/xml",
            }
        )
        self._l10n_tr_edoc_apply_event("respond", response_code=answer, response_reason=reason or False)
        response._l10n_tr_edoc_apply_event("submit")
        with self.account_id._l10n_tr_edoc_session():
            provider = self.account_id._l10n_tr_edoc_get_provider()
            confirms = provider.supports(ANSWER_CONFIRMATION)
            try:
                if self.account_id.sign_client_side:
                    result = provider.send_signed_application_response(
                        xml, receiver_vkn=self.sender_vat or ""
                    )
                else:
                    result = provider.send_application_response([self.uuid], answer, reason)
            except EdocError as error:
                message = self._l10n_tr_edoc_error_text(error)
                response._l10n_tr_edoc_log_exchanges(
                    "send_application_response", error.params.get("exchanges", ()), error=error
                )
                response._l10n_tr_edoc_apply_event("failed", error_message=message)
                self._l10n_tr_edoc_apply_event(
                    "response_failed", response_code=False, response_reason=False, error_message=message
                )
                if error.remote_code == ALREADY_ANSWERED:
                    # answered on the integrator's portal: record that answer instead
                    self._l10n_tr_edoc_check_answered_elsewhere(provider)
                return False
        response._l10n_tr_edoc_log_exchanges("send_application_response", result.exchanges)
        response._l10n_tr_edoc_apply_event("accepted")
        if confirms:
            self.write({"error_message": False})
            self.message_post(
                body=self.env._(
                    "%(answer)s sent to the integrator. It is final once the integrator confirms that GİB "
                    "delivered it; the status poll follows it.",
                    answer=answer,
                )
            )
            return True
        self._l10n_tr_edoc_settle_answer()
        return True

    def _l10n_tr_edoc_settle_answer(self):
        """Our answer is final: accepted or rejected, the reminder done, RED's policy applied."""
        self.ensure_one()
        answer = self.response_code
        self._l10n_tr_edoc_apply_event(
            "response_accepted" if answer == "KABUL" else "response_rejected", error_message=False
        )
        self._l10n_tr_edoc_close_answer_activity()
        if answer == "RED" and self.move_id:
            self.move_id._l10n_tr_edoc_apply_red_policy()

    def _l10n_tr_edoc_apply_answer_status(self, status):
        """The integrator's word on an incoming TICARIFATURA: our answer succeeded (final), failed at
        GİB (answerable again within the window), or an answer was given on the integrator's portal."""
        self.ensure_one()
        if not status.found or not status.answer_outcome:
            return False
        if self.state == "awaiting_response":
            return self._l10n_tr_edoc_answered_elsewhere(status)
        if self.state != "responding":
            return False
        if status.answer_outcome == "succeeded":
            self._l10n_tr_edoc_settle_answer()
            return True
        answer = self.response_code
        message = self.env._(
            "Our %(answer)s for %(document)s failed at GİB (%(status)s) and did not reach the supplier. "
            "Answer again before %(deadline)s (UTC).",
            answer=answer,
            document=self.display_name,
            status=status.status_description or status.status,
            deadline=fields.Datetime.to_string(self.response_deadline),
        )
        self.child_ids.filtered(
            lambda child: child.kind == "app_response" and child.state == "sent" and child.type_code == answer
        )._l10n_tr_edoc_fail_sent(message)
        self._l10n_tr_edoc_apply_event(
            "response_failed", response_code=False, response_reason=False, error_message=message
        )
        return True

    def _l10n_tr_edoc_fail_sent(self, message):
        for response in self:
            response._l10n_tr_edoc_apply_event("failed", error_message=message)

    def _l10n_tr_edoc_answered_elsewhere(self, status):
        """KABUL/RED given on the integrator's portal, not from Odoo: recorded as the final answer."""
        self.ensure_one()
        answer = status.commercial_answer
        if status.answer_outcome != "succeeded" or answer not in ("KABUL", "RED"):
            return False
        self._l10n_tr_edoc_apply_event(
            "answered_elsewhere_accepted" if answer == "KABUL" else "answered_elsewhere_rejected",
            response_code=answer,
            response_reason=status.response_description or False,
            error_message=False,
        )
        self.message_post(
            body=self.env._(
                "Answered %(answer)s outside Odoo (on the integrator's portal): %(reason)s",
                answer=answer,
                reason=status.response_description or "",
            )
        )
        self._l10n_tr_edoc_close_answer_activity()
        if answer == "RED" and self.move_id:
            self.move_id._l10n_tr_edoc_apply_red_policy()
        return True

    def _l10n_tr_edoc_check_answered_elsewhere(self, provider):
        """Which of these awaiting invoices were answered on the integrator's portal (recorded as such)."""
        answered = self.browse()
        if not self or not provider.supports(ANSWER_CONFIRMATION):
            return answered
        for _kind, documents, statuses in self._l10n_tr_edoc_statuses(provider, ("awaiting_response",)):
            for document in documents:
                status = statuses.get(document.uuid)
                if status and document._l10n_tr_edoc_answered_elsewhere(status):
                    answered |= document
        return answered

    def _l10n_tr_edoc_prepare_response_xml(self, invoice_document, answer, reason):
        """The ApplicationResponse XML to keep for this answer (the one place to sign it, if required)."""
        self.ensure_one()
        company_partner = self.company_id.partner_id
        sender = d.Party(
            identifications=(
                d.Identifier(value=self.company_id.vat or "", scheme_id=_scheme(self.company_id.vat)),
            ),
            name=self.company_id.name,
            tax_office=company_partner.l10n_tr_edoc_tax_office or None,
            address=d.Address(city_name=company_partner.city or None, country_name="Türkiye"),
        )
        supplier = invoice_document.move_id.partner_id
        receiver = d.Party(
            identifications=(
                d.Identifier(
                    value=invoice_document.sender_vat or "", scheme_id=_scheme(invoice_document.sender_vat)
                ),
            ),
            name=supplier.name or None,
            address=d.Address(city_name=supplier.city or None, country_name="Türkiye"),
        )
        now = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        response = d.ApplicationResponse(
            profile_id=ANSWERABLE_PROFILE,
            id=self.uuid,
            uuid=self.uuid,
            issue_date=now.date(),
            issue_time=now.time().replace(microsecond=0, tzinfo=None),
            sender=sender,
            receiver=receiver,
            response_code=answer,
            description=(reason,) if reason else (),
            document_reference=d.DocumentReference(
                id=invoice_document.uuid,
                issue_date=invoice_document.issue_date,
                document_type_code="FATURA",
                document_type="FATURA",
            ),
        )
        return self.account_id._l10n_tr_edoc_sign_if_required(render_application_response(response))

    def _l10n_tr_edoc_close_answer_activity(self):
        (self.move_id or self).activity_feedback(
            ["l10n_tr_edoc.mail_activity_type_answer_invoice"],
            feedback=self.env._("Answered %s", self.response_code) if self.response_code else None,
        )

    @api.model
    def _cron_l10n_tr_edoc_close_response_windows(self):
        """Invoices nobody answered in time: the window is closed, the reminder is no longer due."""
        expired = self.search(
            [
                ("direction", "=", "in"),
                ("state", "=", "awaiting_response"),
                ("response_deadline", "<", fields.Datetime.now()),
            ]
        )
        answered = self.browse()
        for account in expired.account_id:
            # one last look before closing: was it answered on the integrator's portal?
            try:
                with account._l10n_tr_edoc_session():
                    provider = account._l10n_tr_edoc_get_provider()
                    answered |= expired.filtered(
                        lambda doc, acc=account: doc.account_id == acc
                    )._l10n_tr_edoc_check_answered_elsewhere(provider)
            except EdocError as error:
                _logger.warning("Answers of %s not checked before closing their window: %s", account, error)
        expired -= answered
        for document in expired:
            document._l10n_tr_edoc_apply_event("window_closed")
            (document.move_id or document).activity_unlink(["l10n_tr_edoc.mail_activity_type_answer_invoice"])
        return expired

    # Printouts and previews of a document, always from its XML. GİB wants a received document shown through
    # the stylesheet it carries; a stranger's stylesheet is only run through ``core.render`` (checked,
    # sandboxed, output sanitised), and ours is used when it is refused. Our own outgoing documents are
    # printed with our template.
    preview_html = fields.Html(
        string="Preview",
        compute="_compute_l10n_tr_edoc_rendering",
        sanitize=False,
        help="The document as its printout shows it. Built only from core.render's sanitised output.",
    )
    render_template = fields.Selection(
        TEMPLATES, string="Printed With", compute="_compute_l10n_tr_edoc_rendering"
    )
    render_note = fields.Text(string="Printout Note", compute="_compute_l10n_tr_edoc_rendering")

    @api.depends("xml_attachment_id", "direction", "kind")
    def _compute_l10n_tr_edoc_rendering(self):
        for document in self:
            document.preview_html = False
            document.render_template = False
            document.render_note = False
            if not document.xml_attachment_id:
                document.render_note = self.env._("No XML is attached to this document yet.")
                continue
            try:
                rendering = document._l10n_tr_edoc_render()
            except UserError as error:
                document.render_note = str(error)
                continue
            document.preview_html = Markup(rendering.html)
            document.render_template = rendering.template
            document.render_note = self._l10n_tr_edoc_rendering_note(rendering)

    @api.model
    def _l10n_tr_edoc_rendering_note(self, rendering):
        """Why the page looks the way it does; a refused sender's stylesheet is named with its reason."""
        if rendering.refusal is not None and not isinstance(rendering.refusal, XmlSecurityError):
            return self.env._(
                "The sender's stylesheet could not be rendered; this module's template is used: %(reason)s",
                reason=self._l10n_tr_edoc_error_text(rendering.refusal),
            )
        if rendering.refusal is not None:
            return self.env._(
                "The sender's stylesheet was refused, so this module's template is used: %(reason)s",
                reason=self._l10n_tr_edoc_error_text(rendering.refusal),
            )
        if rendering.template == EMBEDDED:
            return self.env._("Shown through the stylesheet embedded in the document.")
        return self.env._("Shown through this module's GİB-style template.")

    @api.model
    def _l10n_tr_edoc_render_xml(self, xml_bytes, *, use_embedded, with_qr=True):
        """``core.render.render_html`` for XML bytes, with our Karekod; core errors become UserErrors."""
        try:
            qr = qr_png(qr_payload(parse_document(xml_bytes))) if with_qr else None
            return render_html(xml_bytes, qr_png=qr, use_embedded=use_embedded)
        except EdocError as error:
            raise UserError(
                self.env._(
                    "This document cannot be displayed: %(reason)s",
                    reason=self._l10n_tr_edoc_error_text(error),
                )
            ) from error

    def _l10n_tr_edoc_render(self):
        """The ``Rendering`` of the attached XML: a received document through its own stylesheet when
        safe, ours otherwise; the Karekod for invoices and despatches, none for responses."""
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to print.", document=self.display_name))
        # the web client reads with bin_size=True, which turns a binary into its size ("12.3 Kb")
        return self._l10n_tr_edoc_render_xml(
            self.xml_attachment_id.with_context(bin_size=False).raw,
            use_embedded=self.direction == "in",
            with_qr=self.kind in KINDS_WITH_QR,
        )

    def _l10n_tr_edoc_report_body(self):
        """Our template's page split for Odoo's report layout: its styles and the content of its body.

        Odoo's report engine (wkhtmltopdf with JavaScript on and the printing user's session, and
        ``/report/html``) only ever gets *our* template: a sender's page is printed by
        ``_l10n_tr_edoc_sender_pdf`` instead. Odoo keeps only what is inside ``div.article``, so a full
        HTML page would lose its ``<style>``; both are handed to the QWeb template.
        """
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to print.", document=self.display_name))
        rendering = self._l10n_tr_edoc_render_xml(
            self.xml_attachment_id.raw, use_embedded=False, with_qr=self.kind in KINDS_WITH_QR
        )
        page = lxml.html.document_fromstring(rendering.html)
        styles = "".join(lxml.html.tostring(style, encoding="unicode") for style in page.iter("style"))
        body = page.find("body")
        content = (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
        # Our own template's output (ours, not a sender's): trusted markup.
        return Markup(styles + content)

    def _l10n_tr_edoc_sender_pdf(self):
        """The PDF of a received document through the sender's own stylesheet, or ``None`` when it is
        printed with our template (our documents, a refused or failing stylesheet, no wkhtmltopdf run).

        The sender's page goes through ``core.render.render_pdf``: wkhtmltopdf with JavaScript off, no
        local files, every request sent to a dead proxy, no cookie and a time limit, never through Odoo's
        report engine, which would carry the printing user's session.
        """
        self.ensure_one()
        if self.direction != "in" or not self.xml_attachment_id:
            return None
        rendering = self._l10n_tr_edoc_render()
        if rendering.template == OURS:
            return None
        try:
            return render_pdf(rendering.html)
        except EdocError as error:
            _logger.warning(
                "Printout of e-document %s through the sender's stylesheet failed, ours is used: %s",
                self.id,
                error,
            )
            return None

    def _l10n_tr_edoc_keeps_pdf(self):
        """Our own document whose XML went to the integrator: its printout no longer changes."""
        self.ensure_one()
        return self.direction == "out" and self.state in EXCHANGED_STATES

    def _l10n_tr_edoc_store_pdf(self, pdf):
        """Keep the printout of a sent outgoing document on it (once); return the attachment."""
        self.ensure_one()
        if self.pdf_attachment_id or not self._l10n_tr_edoc_keeps_pdf():
            return self.pdf_attachment_id
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.name or self.uuid}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.sudo().pdf_attachment_id = attachment
        return attachment

    def _l10n_tr_edoc_pdf(self):
        """The PDF bytes of the printout: the stored one when there is one, a fresh one otherwise."""
        self.ensure_one()
        if self.pdf_attachment_id:
            return self.pdf_attachment_id.raw
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "l10n_tr_edoc.action_report_l10n_tr_edoc_document", self.ids
        )
        return pdf

    def action_l10n_tr_edoc_print(self):
        self._l10n_tr_edoc_check_printable()
        # The printout is GİB's layout, not the company's: no document layout to configure first.
        return self.env.ref("l10n_tr_edoc.action_report_l10n_tr_edoc_document").report_action(
            self, config=False
        )

    def _l10n_tr_edoc_check_printable(self):
        """Fail before the report engine does, with the document's name in the message."""
        for document in self:
            document._l10n_tr_edoc_render()

    def action_l10n_tr_edoc_preview(self):
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to preview.", document=self.display_name))
        return self._l10n_tr_edoc_preview_action(
            self.xml_attachment_id.raw,
            use_embedded=self.direction == "in",
            with_qr=self.kind in KINDS_WITH_QR,
            title=self.display_name,
        )

    @api.model
    def _l10n_tr_edoc_preview_action(self, xml_bytes, *, use_embedded=False, with_qr=True, title=None):
        """A dialog showing ``xml_bytes`` as its printout will, for a document that may not exist yet
        (the send wizard previews the XML it is about to send)."""
        rendering = self._l10n_tr_edoc_render_xml(xml_bytes, use_embedded=use_embedded, with_qr=with_qr)
        preview = self.env["l10n_tr_edoc.preview"].create(
            {
                "preview_html": Markup(rendering.html),
                "render_template": rendering.template,
                "render_note": self._l10n_tr_edoc_rendering_note(rendering),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": title or self.env._("e-Document Preview"),
            "res_model": "l10n_tr_edoc.preview",
            "res_id": preview.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _l10n_tr_edoc_mail_earchive_pdf(self):
        """E-mail the printout of a sent e-Arşiv invoice to its customer.

        For companies that deliver e-Arşiv invoices themselves (``l10n_tr_edoc_earchive_delivery`` is
        ``odoo``) rather than through the integrator: the e-Arşiv send calls this once GİB's integrator
        took the document. The mail is posted in the chatter and queued (not sent inside the
        caller's transaction), with the stored PDF attached; a customer without an e-mail address gets
        a to-do activity instead of an error, since the invoice is already issued.
        """
        template = self.env.ref("l10n_tr_edoc.mail_template_l10n_tr_edoc_earchive")
        for document in self:
            if document.kind != "earchive" or not document._l10n_tr_edoc_keeps_pdf():
                raise UserError(
                    self.env._(
                        "Only an e-Arşiv invoice that was sent can be e-mailed (%(document)s).",
                        document=document.display_name,
                    )
                )
            partner = document.move_id.partner_id
            if not partner.email:
                # The invoice is already issued at GİB: a missing address must not undo the send.
                document.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Deliver the e-Arşiv invoice"),
                    note=self.env._(
                        "%(partner)s has no e-mail address: send them the PDF of %(document)s another way.",
                        partner=partner.display_name or self.env._("The customer"),
                        document=document.display_name,
                    ),
                    user_id=(document.move_id.invoice_user_id or self.env.user).id,
                )
                continue
            document._l10n_tr_edoc_pdf()
            document.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=document.pdf_attachment_id.ids,
                partner_ids=partner.ids,
            )

    @api.model
    def _l10n_tr_edoc_gib_messages(self, xmls):
        """GİB's XSD and schematron errors per XML, from one child process; None when the checks are off."""
        folder = self.env["account.move"]._l10n_tr_edoc_gib_package_dir()
        if not folder or not xmls:
            return None
        try:
            results = package.validate_in_child(xmls, folder)
        except EdocError as error:
            text = self.env._("The XSD and schematron check could not run: %(error)s", error=error.message)
            return [[text]] * len(xmls)
        return [[] if result.get("ok") else package.result_messages(result) for result in results]

    def _l10n_tr_edoc_stream_messages(self, stream, tickets):
        """GİB's XSD and schematron errors per document, as ``_l10n_tr_edoc_gib_messages`` gives them."""
        try:
            results = [stream.result(tickets[document]) for document in self]
        except EdocError as error:
            text = self.env._("The XSD and schematron check could not run: %(error)s", error=error.message)
            return [[text]] * len(self)
        return [[] if result.get("ok") else package.result_messages(result) for result in results]

    @api.model
    def _l10n_tr_edoc_validation_stream(self, expected):
        """Checking children for a cron run of ``expected`` documents (close it with the run); None
        when the checks are off or cannot start, so each batch falls back to its own check, which
        reports why."""
        folder = self.env["account.move"]._l10n_tr_edoc_gib_package_dir()
        if not folder:
            return None
        try:
            return package.ValidationStream(folder, expected=expected)
        except EdocError:
            return None

    @api.model
    def _l10n_tr_edoc_gib_check_before_send(self, xml, what):
        """Raise before a despatch or an answer leaves when GİB's XSD or schematron refuses it."""
        messages = (self._l10n_tr_edoc_gib_messages([xml]) or [[]])[0]
        if messages:
            raise UserError(
                self.env._(
                    "GİB's XSD/schematron check refused %(document)s:\n%(messages)s",
                    document=what,
                    messages="\n".join(f"- {message}" for message in messages),
                )
            )

    def _l10n_tr_edoc_gib_validate(self, stream=None, tickets=None):
        """GİB's XSD and schematron on the generated XML: the results of ``stream`` for documents
        already queued there (``tickets``), else one check of the batch.

        Returns ``{document: error text}``; the refused documents keep their state, number and XML,
        so fixing the invoice and sending again loses nothing.
        """
        if stream is not None:
            found = self._l10n_tr_edoc_stream_messages(stream, tickets)
        else:
            found = self._l10n_tr_edoc_gib_messages([document.xml_attachment_id.raw for document in self])
        errors = {}
        for document, messages in zip(self, found or [], strict=False):
            if not messages:
                continue
            text = self.env._(
                "GİB's XSD/schematron check refused %(document)s:\n%(messages)s",
                document=document.name,
                messages="\n".join(f"- {message}" for message in messages),
            )
            document.write({"error_code": "tr_edoc.package.invalid", "error_message": text})
            errors[document] = text
        return errors

    def _l10n_tr_edoc_receipt_submit(self, account, delivery):
        """SendSmm / SendCreditNote of one receipt; returns an error text or None."""
        self.ensure_one()
        provider = account._l10n_tr_edoc_get_provider()
        upload = eb.ReceiptUpload(self.uuid, self.name, self.xml_attachment_id.raw, delivery)
        try:
            result = provider.send_receipts(RECEIPT_TYPE_CODES[self.kind], [upload])
        except EdocError as error:
            self._l10n_tr_edoc_log_exchanges(
                "send", error.params.get("exchanges", ()), error=error, account=account
            )
            text = self._l10n_tr_edoc_error_text(error)
            event = "timeout" if isinstance(error, UnknownOutcome) else "failed"
            self._l10n_tr_edoc_apply_event(event, error_code=error.code, error_message=text)
            return text
        self._l10n_tr_edoc_log_exchanges("send", result.exchanges, account=account)
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        self.move_id.is_move_sent = True
        return None

    def _l10n_tr_edoc_receipt_poll(self, provider):
        """GetSmmStatus / GetCreditNoteStatus, applied through the EARSIVBELGE state machine."""
        for kind in ("smm", "emm"):
            documents = self.filtered(lambda d, k=kind: d.kind == k)
            if not documents:
                continue
            try:
                statuses, exchanges = provider.receipt_statuses(
                    RECEIPT_TYPE_CODES[kind], documents.mapped("uuid")
                )
            except EdocError as error:
                documents[:1]._l10n_tr_edoc_log_exchanges(
                    "status", error.params.get("exchanges", ()), error=error
                )
                continue
            documents[:1]._l10n_tr_edoc_log_exchanges("status", exchanges)
            by_uuid = {status.uuid.upper(): status for status in statuses}
            for document in documents:
                status = by_uuid.get(document.uuid.upper())
                if document.state == "unknown":
                    document._l10n_tr_edoc_apply_event("found" if status else "not_found")
                if status:
                    document._l10n_tr_edoc_apply_receipt_status(status)

    def _l10n_tr_edoc_apply_receipt_status(self, status):
        values = {
            "gib_status_code": status.report_status_code or status.status_code,
            "gib_status_text": eb.REPORT_STATUS_CODES.get(status.report_status_code)
            or eb.STATUS_CODES.get(status.status_code, status.description),
        }
        event = status.event
        if event == "gib_rejected":
            values.update(
                error_code="tr_edoc.earsivbelge.failed", error_message=status.description or status.status
            )
        # A status answer can skip steps (signed and already reported): walk the edges in order.
        steps = {
            "reported": ("gib_delivered", "reported"),
            "cancel_confirmed": ("cancel", "cancel_confirmed"),
        }
        for step in steps.get(event, (event,)):
            if step and step in allowed_events(EARSIVBELGE, self.state):
                self._l10n_tr_edoc_apply_event(step, **values)
        if self.gib_status_code != values["gib_status_code"]:
            self.write(values)
        if self.state == "cancelled" and self.move_id.state == "posted":
            move = self.move_id.with_context(l10n_tr_edoc_allow_draft=True)
            move.button_draft()
            move.button_cancel()

    gtb_refno = fields.Char(
        string="GTB Reference",
        readonly=True,
        copy=False,
        help="Export invoices: the customs reference to write in box 44 of the customs declaration.",
    )
    gtb_gcb_no = fields.Char(
        string="GÇB Registration",
        readonly=True,
        copy=False,
        help="Export invoices: the customs exit declaration.",
    )
    gtb_export_date = fields.Date(
        string="Actual Export Date",
        readonly=True,
        copy=False,
        help="Export invoices: the day the goods left the country, as customs reported it.",
    )

    def _l10n_tr_edoc_awaits_gtb(self):
        """An export invoice is followed until customs reports its actual export."""
        self.ensure_one()
        return self.profile == "IHRACAT" and self.state == "delivered" and not self.gtb_export_date

    def _l10n_tr_edoc_store_gtb(self, status):
        """Keep the customs numbers the integrator's status carries for an export invoice."""
        extra = dict(status.extra or ())
        values = {
            field: extra[key]
            for key, field in (("GTB_REFNO", "gtb_refno"), ("GTB_GCB_TESCILNO", "gtb_gcb_no"))
            if extra.get(key)
        }
        if extra.get("GTB_FIILI_IHRACAT_TARIHI"):
            values["gtb_export_date"] = fields.Date.to_date(extra["GTB_FIILI_IHRACAT_TARIHI"][:10])
        if values:
            self.write(values)

    # e-Arşiv at the integrator: its signed original and image, its e-mail sent again, an unreported
    # invoice deleted so that its number goes again, and drafts. GİB learns of e-Arşiv invoices from the
    # integrator's evening report, so their statuses settle only then.
    earchive_signed = fields.Boolean(
        string="Integrator-Signed Original",
        readonly=True,
        copy=False,
        help="The XML kept is the original the integrator signed and archived (the uploaded one stays "
        "attached).",
    )
    draft_uploaded_at = fields.Datetime(
        string="Draft Uploaded On",
        readonly=True,
        copy=False,
        help="Uploaded to the integrator's portal as a draft (e.g. for export customs pre-approval); "
        "sending it later keeps its number and ETTN.",
    )

    def _l10n_tr_edoc_integrator_call(self, operation, call):
        """``call(provider)`` in the account's session, logged on the document; a refusal is shown."""
        self.ensure_one()
        with self.account_id._l10n_tr_edoc_session():
            provider = self.account_id._l10n_tr_edoc_get_provider()
            try:
                result = call(provider)
            except EdocError as error:
                self._l10n_tr_edoc_log_exchanges(operation, error.params.get("exchanges", ()), error=error)
                raise UserError(self._l10n_tr_edoc_error_text(error)) from error
        self._l10n_tr_edoc_log_exchanges(operation, result.exchanges)
        return result

    def _l10n_tr_edoc_check_earchive_held(self, states=EARCHIVE_HELD_STATES):
        self.ensure_one()
        if self.kind != "earchive" or self.direction != "out" or self.state not in states:
            raise UserError(
                self.env._(
                    "Only an e-Arşiv invoice the integrator holds can be used this way (%s).",
                    self.display_name,
                )
            )

    def _l10n_tr_edoc_offers(self, capability):
        provider_class = get_provider_class(self.account_id.provider) if self.account_id.provider else None
        if not provider_class or capability not in provider_class.capabilities:
            raise UserError(
                self.env._("The integrator of %s does not offer this.", self.account_id.display_name)
            )

    def _l10n_tr_edoc_attach(self, name, raw, mimetype):
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {"name": name, "raw": raw, "mimetype": mimetype, "res_model": self._name, "res_id": self.id}
            )
        )

    @staticmethod
    def _l10n_tr_edoc_download_action(attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "new",
        }

    def _l10n_tr_edoc_store_signed_original(self, provider):
        """The integrator's signed original becomes the archived XML; the uploaded bytes stay attached."""
        self.ensure_one()
        download = provider.download(self.uuid, "XML", kind=EARCHIVE)
        label = self.name or self.uuid
        if self.xml_attachment_id:
            self.xml_attachment_id.sudo().name = f"{label}-uploaded.xml"
        attachment = self._l10n_tr_edoc_attach(f"{label}.xml", download.content, "application/xml")
        self.write({"xml_attachment_id": attachment.id, "earchive_signed": True})
        self.message_post(
            body=self.env._(
                "The integrator's signed original of %s is now the archived XML; the uploaded XML stays "
                "attached.",
                label,
            )
        )
        return download

    def _l10n_tr_edoc_keep_signed_original(self, provider):
        """Once GİB has the report, fetch the signed original (a failure is logged; the button fetches it)."""
        for document in self.filtered(lambda doc: doc.kind == "earchive" and not doc.earchive_signed):
            try:
                download = document._l10n_tr_edoc_store_signed_original(provider)
            except EdocError as error:
                document._l10n_tr_edoc_log_exchanges(
                    "download", error.params.get("exchanges", ()), error=error
                )
                continue
            document._l10n_tr_edoc_log_exchanges("download", download.exchanges)

    def action_l10n_tr_edoc_fetch_signed_original(self):
        """ReadFromArchive (XML): the invoice as the integrator signed and archived it."""
        self._l10n_tr_edoc_check_earchive_held()
        if not self.earchive_signed:
            self._l10n_tr_edoc_integrator_call("download", self._l10n_tr_edoc_store_signed_original)
        return self._l10n_tr_edoc_download_action(self.xml_attachment_id)

    def action_l10n_tr_edoc_fetch_integrator_pdf(self):
        """ReadFromArchive (PDF): the integrator's image of the invoice, attached to the document."""
        self._l10n_tr_edoc_check_earchive_held()
        download = self._l10n_tr_edoc_integrator_call(
            "download", lambda provider: provider.download(self.uuid, "PDF", kind=EARCHIVE)
        )
        attachment = self._l10n_tr_edoc_attach(
            f"{self.name or self.uuid}-integrator.pdf", download.content, "application/pdf"
        )
        return self._l10n_tr_edoc_download_action(attachment)

    def action_l10n_tr_edoc_resend_earchive_email(self):
        """The customer asks for the e-mail again: the integrator sends it (GetEmailEarchiveInvoice), or
        Odoo when the company delivers e-Arşiv invoices itself."""
        self._l10n_tr_edoc_check_earchive_held(("sent", "delivered", "reported"))
        partner = self.move_id.partner_id
        emails = [email.strip() for email in (partner.email or "").split(",") if email.strip()]
        if not emails:
            raise UserError(
                self.env._("%s has no e-mail address to send the invoice to.", partner.display_name or "")
            )
        if self.company_id.l10n_tr_edoc_earchive_delivery == "odoo":
            self._l10n_tr_edoc_mail_earchive_pdf()
        else:
            self._l10n_tr_edoc_offers(EARCHIVE_EMAIL_RESEND)
            self._l10n_tr_edoc_integrator_call(
                "resend_email", lambda provider: provider.resend_earchive_email(self.uuid, emails)
            )
        message = self.env._(
            "%(document)s e-mailed again to %(emails)s.", document=self.display_name, emails=", ".join(emails)
        )
        self.message_post(body=message)
        return self.account_id._l10n_tr_edoc_notify(self.env._("e-Mail sent again"), message, "success")

    def _l10n_tr_edoc_delete_earchive(self, reason):
        """Cancel to upload again (DELETE_FLAG): GİB never gets this invoice in a report, and its number is
        uploaded again with a new ETTN once the invoice is fixed, so the series keeps no gap."""
        self._l10n_tr_edoc_check_earchive_held(("sent", "delivered"))
        self._l10n_tr_edoc_offers(EARCHIVE_DELETE)
        self._l10n_tr_edoc_integrator_call(
            "cancel",
            lambda provider: provider.delete_earchive(self.uuid, reason=reason, number=self.name or ""),
        )
        self._l10n_tr_edoc_apply_event("cancel")
        old_uuid, new_uuid = self.uuid, str(uuidlib.uuid4()).upper()
        self._l10n_tr_edoc_apply_event(
            "deleted",
            uuid=new_uuid,
            gib_status_code=False,
            gib_status_text=False,
            earchive_signed=False,
            error_code=False,
            error_message=False,
        )
        plan = self.env._(
            "Deleted at the integrator before GİB's report (ETTN %(old)s): %(reason)s. Number %(number)s "
            "goes again with the new ETTN %(new)s once the invoice is fixed and sent.",
            old=old_uuid,
            reason=reason,
            number=self.name,
            new=new_uuid,
        )
        self.message_post(body=plan)
        return new_uuid, plan

    def _l10n_tr_edoc_load_draft(self, provider):
        """Upload the generated XML as a draft on the integrator's portal; uploading again updates it."""
        self.ensure_one()
        payload = self._l10n_tr_edoc_payload(self.account_id, draft=True)
        if self.kind == "earchive":
            return provider.send_earchive([payload])
        return provider.load_invoices([payload])

    def _l10n_tr_edoc_payload(self, account, draft=False):
        """What the provider sends for this outgoing invoice: its XML with the routing of its kind."""
        self.ensure_one()
        if self.kind == "earchive":
            move = self.move_id
            return EarchiveDocument(
                uuid=self.uuid,
                xml=self.xml_attachment_id.raw,
                number=self.name,
                internet_sale=move.l10n_tr_edoc_internet_sale,
                # EARSIV_EMAIL_FLAG=N when Odoo mails the PDF itself: the integrator must not mail it too
                # (nor need its e-mail service); nobody mails a draft
                email=tuple(
                    email
                    for email in [move.partner_id.email]
                    if email
                    and not draft
                    and move._l10n_tr_edoc_emails_earchive()
                    and self.company_id.l10n_tr_edoc_earchive_delivery != "odoo"
                ),
                draft=draft,
            )
        return OutgoingDocument(
            uuid=self.uuid,
            xml=self.xml_attachment_id.raw,
            number=self.name,
            receiver_vkn=self.receiver_vat or "",
            receiver_alias=self.receiver_alias or "",
            sender_vkn=self.sender_vat or "",
            sender_alias=account.sender_alias or "",
        )
