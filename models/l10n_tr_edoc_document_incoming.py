import datetime as dt
import logging
import uuid as uuid_module

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import documents as d
from ..core.errors import EdocError
from ..core.states import commercial_response_deadline
from ..core.ubl import build_application_response, serialize
from ..core.ubl.parse import parse_invoice

_logger = logging.getLogger(__name__)

ANSWERABLE_PROFILE = "TICARIFATURA"


class L10nTrEdocDocument(models.Model):
    """Incoming e-Fatura: storage of what the integrator delivered, and our commercial answer."""

    _inherit = "l10n_tr_edoc.document"

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
                "issue_date": fields.Date.context_today(self),
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
                return False
        response._l10n_tr_edoc_log_exchanges("send_application_response", result.exchanges)
        response._l10n_tr_edoc_apply_event("accepted")
        self._l10n_tr_edoc_apply_event(
            "response_accepted" if answer == "KABUL" else "response_rejected", error_message=False
        )
        self._l10n_tr_edoc_close_answer_activity()
        if answer == "RED" and self.move_id:
            self.move_id._l10n_tr_edoc_apply_red_policy()
        return True

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
        return self.account_id._l10n_tr_edoc_sign_if_required(serialize(build_application_response(response)))

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
        for document in expired:
            document._l10n_tr_edoc_apply_event("window_closed")
            (document.move_id or document).activity_unlink(["l10n_tr_edoc.mail_activity_type_answer_invoice"])
        return expired


def _scheme(tax_id):
    return "TCKN" if tax_id and len(tax_id) == 11 else "VKN"
