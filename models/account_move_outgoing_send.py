import dataclasses
import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError, UnknownOutcome
from ..core.providers.base import EarchiveDocument, OutgoingDocument
from ..core.render import xslt_attachment
from ..core.states import GibOutcome, commercial_response_deadline, gib_status_text
from ..core.ubl import build_invoice, serialize
from .account_move_outgoing import GTB_ALIAS, GTB_VKN
from .res_partner import normalize_tax_id

_logger = logging.getLogger(__name__)

# States from which a send call may (re)submit; anything else is already with the integrator.
SENDABLE_STATES = ("draft", "ready", "send_failed")
POLLED_STATES = ("sent", "unknown", "delivered")
# How long a document may stay `sending` before the cron treats the send as interrupted.
SENDING_GRACE = datetime.timedelta(minutes=30)
POLL_BATCH = 500
# İzibiz: invoices more than 8 days past reaching the receiver are no longer polled.
POLL_HORIZON = datetime.timedelta(days=8)


class AccountMove(models.Model):
    _inherit = "account.move"

    # -- sending ------------------------------------------------------------------------------

    def _l10n_tr_edoc_document_values(self):
        self.ensure_one()
        return {
            "kind": "earchive" if self.l10n_tr_edoc_profile == "EARSIVFATURA" else "einvoice",
            "profile": self.l10n_tr_edoc_profile,
            "type_code": self.l10n_tr_edoc_type_code,
            "issue_date": self.invoice_date,
            "sender_vat": normalize_tax_id(self.company_id.vat),
            "receiver_vat": GTB_VKN
            if self.l10n_tr_edoc_profile == "IHRACAT"
            else normalize_tax_id(self.partner_id.commercial_partner_id.vat),
            "receiver_alias": GTB_ALIAS
            if self.l10n_tr_edoc_profile == "IHRACAT"
            else (self.l10n_tr_edoc_receiver_alias or False),
            "amount_total": self.amount_total,
            "currency_id": self.currency_id.id,
        }

    def _l10n_tr_edoc_ensure_document(self, account):
        """The move's current document, created at the first send; its kind follows the move until sent."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        values = self._l10n_tr_edoc_document_values()
        if document and document.state in SENDABLE_STATES:
            document.write(values)
            return document
        if document:
            return document
        return self.env["l10n_tr_edoc.document"].create(
            {
                **values,
                "uuid": self.l10n_tr_edoc_uuid,
                "direction": "out",
                "account_id": account.id,
                "company_id": self.company_id.id,
                "move_id": self.id,
            }
        )

    def _l10n_tr_edoc_generate(self, document):
        """Number (once), build and attach the XML; returns an error text or None. Nothing is sent."""
        self.ensure_one()
        problems = [issue for issue in self._l10n_tr_edoc_check() if issue.is_error]
        texts = self._l10n_tr_edoc_move_problems() + [issue.message for issue in problems]
        if texts:
            text = "\n".join(texts)
            code = problems[0].code if problems else "tr_edoc.move.preflight"
            if document.state == "draft":
                document._l10n_tr_edoc_apply_event("generate_failed", error_code=code, error_message=text)
            else:
                document.write({"error_code": code, "error_message": text})
            return text
        number = document.name
        if not number:
            series = self._l10n_tr_edoc_series()
            if not series:
                return self.env._(
                    "No e-Document series is configured for %s invoices.", self.l10n_tr_edoc_profile
                )
            try:
                number = series._l10n_tr_edoc_take_number(self.invoice_date)
            except UserError as error:
                return error.args[0]
        invoice = self._l10n_tr_edoc_to_invoice(number)
        # every outgoing document carries our display stylesheet, with its own QR baked in
        xml = serialize(build_invoice(dataclasses.replace(invoice, xslt=xslt_attachment(invoice))))
        attachment_values = {
            "name": f"{number}.xml",
            "raw": xml,
            "mimetype": "application/xml",
            "res_model": "account.move",
            "res_id": self.id,
        }
        if document.xml_attachment_id:
            document.xml_attachment_id.sudo().write(attachment_values)
            attachment = document.xml_attachment_id
        else:
            attachment = self.env["ir.attachment"].sudo().create(attachment_values)
        document._l10n_tr_edoc_apply_event(
            "generate", name=number, xml_attachment_id=attachment.id, error_code=False, error_message=False
        )
        return None

    @api.model
    def _l10n_tr_edoc_can_commit(self):
        return self.env["account.move.send"]._can_commit()

    def _l10n_tr_edoc_send(self):
        """Send the posted moves' e-documents; returns ``{move: error text}`` for those that failed.

        Never raises for one bad invoice. Documents another worker holds are skipped; documents the
        integrator may already have (``unknown``) are settled by a status query before any resend.
        """
        errors = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(company)
            if not account:
                for move in moves:
                    errors[move] = self.env._(
                        "The company %s has no e-Document integrator account.", company.name
                    )
                continue
            with account._l10n_tr_edoc_session():
                errors.update(moves._l10n_tr_edoc_send_with(account))
        return errors

    def _l10n_tr_edoc_send_with(self, account):
        errors = {}
        documents = self.env["l10n_tr_edoc.document"]
        for move in self:
            if move.state != "posted" or not move.l10n_tr_edoc_applicable:
                errors[move] = self.env._(
                    "Only posted customer invoices of a Turkish company are sent to GİB."
                )
                continue
            if move._l10n_tr_edoc_needs_gib_check():
                errors[move] = self.env._(
                    "%(move)s: the GİB registration of %(partner)s is unknown or older than a week. "
                    'Use "Check GİB Registration" on the invoice first, so it is not sent as e-Arşiv '
                    "to an e-Fatura user.",
                    move=move.display_name,
                    partner=move.partner_id.commercial_partner_id.display_name,
                )
                continue
            documents |= move._l10n_tr_edoc_ensure_document(account)
        locked = documents.try_lock_for_update()
        for document in documents - locked:
            errors[document.move_id] = self.env._(
                "%s is being sent by another process.", document.display_name
            )
        provider = account._l10n_tr_edoc_get_provider()
        locked._l10n_tr_edoc_resolve_unknown(provider)
        ready = locked.browse()
        for document in locked.filtered(lambda d: d.state in SENDABLE_STATES):
            if error := document.move_id._l10n_tr_edoc_generate(document):
                errors[document.move_id] = error
            else:
                ready |= document
        for document, error in ready._l10n_tr_edoc_gib_validate().items():
            errors[document.move_id] = error
            ready -= document
        for document in ready:
            document._l10n_tr_edoc_apply_event("submit")
        if ready and self._l10n_tr_edoc_can_commit():
            # the number and the "sending" state must survive whatever happens on the wire
            self.env.cr.commit()  # pylint: disable=invalid-commit
        for kind in ("einvoice", "earchive"):
            batch = ready.filtered(lambda d, k=kind: d.kind == k)
            if batch:
                errors.update(batch._l10n_tr_edoc_submit(provider, account))
        if ready and self._l10n_tr_edoc_can_commit():
            # what the integrator answered must outlive an error raised to the user afterwards
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return errors

    # -- buttons ------------------------------------------------------------------------------

    def action_l10n_tr_edoc_send(self):
        """Send now (or resend after a failure, with the same ETTN and number)."""
        errors = self._l10n_tr_edoc_send()
        if errors:
            raise UserError("\n".join(errors.values()))
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(self.company_id[:1])
        return account._l10n_tr_edoc_notify(
            self.env._("Sent to GİB"),
            self.env._(
                "%s: GİB's answer is checked automatically; the status shows on the invoice.",
                ", ".join(f"{move.display_name} ({move.l10n_tr_edoc_number})" for move in self),
            ),
            "success",
            reload=True,
        )

    def action_l10n_tr_edoc_update_status(self):
        documents = self.l10n_tr_edoc_document_id.filtered(lambda d: d.state in (*POLLED_STATES, "reported"))
        for account in documents.account_id:
            with account._l10n_tr_edoc_session():
                documents.filtered(lambda d, a=account: d.account_id == a)._l10n_tr_edoc_poll(
                    account._l10n_tr_edoc_get_provider()
                )
        return True

    def action_l10n_tr_edoc_cancel(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel e-Arşiv Invoice"),
            "res_model": "l10n_tr_edoc.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def action_l10n_tr_edoc_correct(self):
        """GİB refused the invoice: back to draft to be fixed and sent again under the same number.

        İzibiz: what GİB refused goes again with the same number and the same ETTN; what the
        receiver's system refused (1215, 1230) with the same number and a new ETTN. The document
        keeps both attempts (its chatter and call log); the series keeps no gap.
        """
        self.ensure_one()
        if self.l10n_tr_edoc_state != "rejected_by_gib":
            raise UserError(self.env._("Only an invoice GİB refused is corrected this way."))
        document = self.l10n_tr_edoc_document_id
        new_uuid, plan = document._l10n_tr_edoc_reopen_refused()
        if new_uuid:
            self.l10n_tr_edoc_uuid = new_uuid
        self.with_context(l10n_tr_edoc_allow_draft=True).button_draft()
        self.message_post(
            body=self.env._("Back to draft after GİB's refusal: fix it and send it again. %s", plan)
        )
        return True

    @api.model
    def _cron_l10n_tr_edoc_send_and_poll(self, force=False):
        """Per account, in one integrator session: send what is queued, poll statuses when due,
        fetch incoming invoices when due, then log out.

        Statuses are polled at most every ``status_interval`` minutes and incoming invoices fetched
        at most every ``incoming_interval`` minutes (İzibiz: "Sık sorgulama yapmayınız");
        ``force`` ignores both intervals (tests, the demo).
        """
        for account in self.env["l10n_tr_edoc.account"].search([]):
            with account._l10n_tr_edoc_session():
                if not self._l10n_tr_edoc_send_and_poll_account(account, force):
                    return
                if force or account._l10n_tr_edoc_fetch_due():
                    account.with_company(account.company_id)._l10n_tr_edoc_fetch_incoming_invoices()

    @api.model
    def _l10n_tr_edoc_send_and_poll_account(self, account, force):
        """One account's share of the cron; False when the cron's time is up."""
        now = fields.Datetime.now()
        Document = self.env["l10n_tr_edoc.document"]
        # A worker that died between submitting and recording the answer leaves a document in
        # `sending`; after a grace period it is an unknown outcome, settled by a status query.
        stuck = Document.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                ("kind", "in", ("einvoice", "earchive")),
                ("state", "=", "sending"),
                ("write_date", "<", now - SENDING_GRACE),
            ]
        )
        for document in stuck:
            document._l10n_tr_edoc_apply_event(
                "timeout",
                error_code="tr_edoc.send.interrupted",
                error_message=self.env._("The send was interrupted; its outcome is checked with GİB."),
            )
        queued = Document.search(
            [
                ("account_id", "=", account.id),
                ("direction", "=", "out"),
                ("kind", "in", ("einvoice", "earchive")),
                ("move_id", "!=", False),
                ("state", "in", ("ready", "unknown")),
            ]
        )
        if queued:
            queued.move_id._l10n_tr_edoc_send_with(account)
            if not self._l10n_tr_edoc_commit_progress(len(queued)):
                return False
        interval = datetime.timedelta(minutes=account.status_interval)
        if not force and account.last_status_poll_at and account.last_status_poll_at + interval > now:
            return True
        account.last_status_poll_at = now
        polled = Document._l10n_tr_edoc_to_poll(account)
        provider = account._l10n_tr_edoc_get_provider()
        for start in range(0, len(polled), POLL_BATCH):
            batch = polled[start : start + POLL_BATCH]
            batch._l10n_tr_edoc_poll(provider)
            if not self._l10n_tr_edoc_commit_progress(len(batch)):
                return False
        return True

    @api.model
    def _l10n_tr_edoc_commit_progress(self, processed):
        """Commit a finished batch (never inside tests); False when the cron's time is up."""
        if not self._l10n_tr_edoc_can_commit():
            return True
        return self.env["ir.cron"]._commit_progress(processed) > 0


class L10nTrEdocDocument(models.Model):
    _inherit = "l10n_tr_edoc.document"

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
        return polled

    def _l10n_tr_edoc_awaits_answer(self):
        self.ensure_one()
        return self.kind == "einvoice" and self.profile == "TICARIFATURA" and self.state == "delivered"

    def _l10n_tr_edoc_submit(self, provider, account):
        """One provider call for documents in ``sending``; the provider splits it into its own batches."""
        errors = {}
        by_uuid = {document.uuid: document for document in self}
        try:
            if self[:1].kind == "earchive":
                result = provider.send_earchive(
                    [
                        EarchiveDocument(
                            uuid=document.uuid,
                            xml=document.xml_attachment_id.raw,
                            number=document.name,
                            internet_sale=document.move_id.l10n_tr_edoc_internet_sale,
                            # EARSIV_EMAIL_FLAG=N when Odoo mails the PDF itself: the integrator
                            # must not mail it too (nor need its e-mail service)
                            email=tuple(
                                email
                                for email in [document.move_id.partner_id.email]
                                if email
                                and document.move_id.l10n_tr_edoc_send_type == "ELEKTRONIK"
                                and document.company_id.l10n_tr_edoc_earchive_delivery != "odoo"
                            ),
                        )
                        for document in self
                    ]
                )
            else:
                result = provider.send_invoices(
                    [
                        OutgoingDocument(
                            uuid=document.uuid,
                            xml=document.xml_attachment_id.raw,
                            number=document.name,
                            receiver_vkn=document.receiver_vat or "",
                            receiver_alias=document.receiver_alias or "",
                            sender_vkn=document.sender_vat or "",
                            sender_alias=account.sender_alias or "",
                        )
                        for document in self
                    ]
                )
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
        for document in self:
            document._l10n_tr_edoc_mark_accepted()
        return errors

    def _l10n_tr_edoc_mark_accepted(self):
        """The integrator took the document: record it, and deliver an e-Arşiv PDF ourselves if the
        company does so instead of the integrator."""
        self.ensure_one()
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        self.move_id.is_move_sent = True
        if self.kind == "earchive" and self.company_id.l10n_tr_edoc_earchive_delivery == "odoo":
            self._l10n_tr_edoc_mail_earchive_pdf()

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
            provider, ("sent", "delivered", "reported")
        ):
            for document in documents:
                if status := statuses.get(document.uuid):
                    if kind == "earchive":
                        document._l10n_tr_edoc_apply_earchive_status(status)
                    else:
                        document._l10n_tr_edoc_apply_invoice_status(status)

    def _l10n_tr_edoc_apply_earchive_status(self, status):
        if not status.found:
            return
        values = {"gib_status_code": status.status_code, "gib_status_text": status.status_description}
        if status.reported and self.state in ("sent", "delivered"):
            self._l10n_tr_edoc_apply_event("reported", **values)
        elif self.state == "sent":
            self._l10n_tr_edoc_apply_event("gib_delivered", **values)

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
