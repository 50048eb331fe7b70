import datetime as dt
import logging
import uuid as uuidlib
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError
from ..core.providers.izibiz_reconciliation import RECONCILIATION, reconciliation_error
from ..core.reconciliation import (
    CURRENCIES,
    EMAIL_STATUS_CODES,
    STATES,
    STATUS_CODES,
    TYPE_BABS,
    TYPE_CARI,
    Reconciliation,
    answer_of,
    check_reconciliation,
    is_final,
)

_logger = logging.getLogger(__name__)

# İzibiz: "Nihai duruma erişene kadar ... minimum 4 saatte bir sorgulanmalıdır. Sık sorgulama yapmayınız."
POLL_INTERVAL = dt.timedelta(hours=4)
# Fields that make up what was sent: frozen once İzibiz has the reconciliation.
LOCKED_FIELDS = frozenset(
    {
        "kind",
        "company_id",
        "account_id",
        "partner_id",
        "vat",
        "commercial_name",
        "email",
        "address",
        "tax_office",
        "phone",
        "period",
        "date_from",
        "date_to",
        "balance_date",
        "currency_id",
        "ba_count",
        "ba_amount",
        "bs_count",
        "bs_amount",
        "cm_amount",
        "cm_amount_type",
        "note",
        "uuid",
        "move_ids",
        "move_line_ids",
    }
)


class L10nTrEdocReconciliation(models.Model):
    """One e-Mutabakat with one counterparty: BA/BS for a month or a cari balance at a date.

    Computed by the wizard from posted moves (never typed in), reviewed as a draft, then sent
    through the integrator; from then on it is locked and only İzibiz's statuses change it.
    """

    _name = "l10n_tr_edoc.reconciliation"
    _description = "e-Reconciliation (e-Mutabakat)"
    _inherit = ["mail.thread", "mail.activity.mixin", "l10n_tr_edoc.submission"]
    _order = "period desc, kind, commercial_name, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    kind = fields.Selection(
        [("babs", "BA/BS"), ("cari", "Current Account")],
        required=True,
        default="babs",
        help="BA/BS: the month's Form Ba and Form Bs figures (type EM). Current account: the "
        "balance at a date (type CM).",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    account_id = fields.Many2one("l10n_tr_edoc.account", string="Integrator Account", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Counterparty", required=True, index=True)
    vat = fields.Char(string="VKN/TCKN", required=True)
    commercial_name = fields.Char(required=True)
    email = fields.Char(string="E-mail", help="İzibiz mails the reconciliation to this address.")
    address = fields.Char()
    tax_office = fields.Char()
    phone = fields.Char()
    period = fields.Char(
        required=True, index=True, help="Month of the reconciliation, YYYYMM (BABS_ACCOUNTING_PERIOD)."
    )
    date_from = fields.Date(string="Period Start")
    date_to = fields.Date(string="Period End")
    balance_date = fields.Date(help="Date of the current-account balance (CM_DATE).")
    currency_id = fields.Many2one("res.currency", required=True)
    ba_count = fields.Integer(string="Form Ba Documents")
    ba_amount = fields.Monetary(string="Form Ba Amount", help="Purchases excluding KDV, in TRY.")
    bs_count = fields.Integer(string="Form Bs Documents")
    bs_amount = fields.Monetary(string="Form Bs Amount", help="Sales excluding KDV, in TRY.")
    cm_amount = fields.Monetary(string="Balance")
    cm_amount_type = fields.Selection(
        [("B", "Debit (borç)"), ("A", "Credit (alacak)")], string="Balance Side"
    )
    note = fields.Char(size=250)
    move_ids = fields.Many2many("account.move", string="Documents", check_company=True)
    move_line_ids = fields.Many2many("account.move.line", string="Journal Items", check_company=True)
    move_count = fields.Integer(string="Document Count", compute="_compute_move_count")

    uuid = fields.Char(string="ETTN", readonly=True, copy=False, index=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("refused", "Refused"),
            ("sent", "Sent"),
            ("agreed", "Reconciled"),
            ("disagreed", "Not Reconciled"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    status_code = fields.Selection(
        [(code, f"{code} {text}") for code, text in STATUS_CODES.items()],
        string="İzibiz Status",
        readonly=True,
        copy=False,
    )
    status = fields.Selection(
        [(key, text) for key, text in STATES.items()],
        string="Reconciliation Status",
        readonly=True,
        copy=False,
    )
    email_status_code = fields.Selection(
        [(code, f"{code} {text}") for code, text in EMAIL_STATUS_CODES.items()],
        string="E-mail Status",
        readonly=True,
        copy=False,
    )
    error_code = fields.Integer(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)
    sent_at = fields.Datetime(string="Sent On", readonly=True, copy=False)
    last_polled_at = fields.Datetime(string="Last Status Check", readonly=True, copy=False)
    next_poll_at = fields.Datetime(string="Next Status Check", readonly=True, copy=False, index=True)
    mail_count = fields.Integer(string="E-mails Sent", readonly=True, copy=False)
    locked = fields.Boolean(compute="_compute_locked")

    _uuid_unique = models.UniqueIndex("(company_id, uuid) WHERE uuid IS NOT NULL")

    @api.depends("kind", "commercial_name", "period", "balance_date", "currency_id")
    def _compute_name(self):
        for rec in self:
            if rec.kind == "cari":
                rec.name = f"{rec.commercial_name} — {rec.balance_date} {rec.currency_id.name or ''}"
            else:
                rec.name = f"{rec.commercial_name} — {rec.period}"

    def _compute_move_count(self):
        for rec in self:
            rec.move_count = len(rec.move_ids) or len(rec.move_line_ids.move_id)

    @api.depends("state")
    def _compute_locked(self):
        for rec in self:
            rec.locked = rec.state not in ("draft", "refused")

    # -- lock --------------------------------------------------------------------------------

    def write(self, vals):
        reopens = vals.get("state") in ("draft", "refused")
        if (LOCKED_FIELDS & set(vals) or reopens) and any(rec.locked for rec in self):
            raise UserError(self.env._("A reconciliation that was sent to the integrator cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsent(self):
        if any(rec.locked for rec in self):
            raise UserError(self.env._("A reconciliation that was sent to the integrator cannot be deleted."))

    # -- words -------------------------------------------------------------------------------

    def _l10n_tr_edoc_error_words(self, code):
        """İzibiz's e-Mutabakat error codes (200–250) in the user's language."""
        words = {
            200: self.env._("A parameter is missing or wrong."),
            210: self.env._(
                "This address is not authorised for the operation (İzibiz checks the IP address)."
            ),
            220: self.env._("The daily request limit was exceeded; try again tomorrow."),
            230: self.env._(
                "A reconciliation for this counterparty and period is already at the integrator."
            ),
            240: self.env._("The documents stay under the 5,000 TL Form Ba/Bs limit: nothing to reconcile."),
            250: self.env._("The e-mail address is not valid."),
        }
        return words.get(code)

    def _l10n_tr_edoc_field_words(self, name):
        return {
            "uuid": self.env._("ETTN"),
            "identifier": self.env._("VKN/TCKN"),
            "name": self.env._("Commercial name"),
            "address": self.env._("Address"),
            "email": self.env._("E-mail"),
            "currency": self.env._("Currency"),
            "note": self.env._("Note (at most 250 characters)"),
            "period": self.env._("Period"),
            "amount": self.env._("Amount"),
            "cm_date": self.env._("Balance date"),
            "cm_amount_type": self.env._("Balance side"),
            "type": self.env._("Type"),
        }.get(name, name)

    # -- building ----------------------------------------------------------------------------

    def _l10n_tr_edoc_core(self):
        self.ensure_one()
        rounding = self.currency_id.decimal_places

        def money(value):
            return Decimal(str(value or 0)).quantize(Decimal(1).scaleb(-rounding))

        return Reconciliation(
            type=TYPE_CARI if self.kind == "cari" else TYPE_BABS,
            uuid=self.uuid or "",
            identifier=self.vat or "",
            name=self.commercial_name or "",
            address=self.address or "",
            email=(self.email or "").strip(),
            currency=self.currency_id.name if self.currency_id.name in CURRENCIES else "",
            tax_office=self.tax_office or "",
            phone=self.phone or "",
            period=self.period if self.kind == "babs" else "",
            ba_count=self.ba_count,
            ba_amount=money(self.ba_amount),
            bs_count=self.bs_count,
            bs_amount=money(self.bs_amount),
            cm_date=self.balance_date if self.kind == "cari" else None,
            cm_amount_type=self.cm_amount_type or "",
            cm_amount=money(self.cm_amount),
            note=self.note or "",
        )

    # -- send --------------------------------------------------------------------------------

    def action_l10n_tr_edoc_send(self):
        """Send the selected drafts (and refused ones again), in bulk per integrator account."""
        self.check_access("write")
        todo = self.filtered(lambda rec: rec.state in ("draft", "refused"))
        if not todo:
            raise UserError(self.env._("Only draft or refused reconciliations can be sent."))
        for company, records in todo.grouped("company_id").items():
            records.with_company(company)._l10n_tr_edoc_send()
        return True

    def _l10n_tr_edoc_send(self):
        account = self._l10n_tr_edoc_account(RECONCILIATION, self.env._("e-Mutabakat"))
        sent = self._l10n_tr_edoc_submit(
            account,
            "SendReconciliation",
            lambda provider, cores: provider.send_reconciliations(cores),
            check=check_reconciliation,
            key=lambda core: core.uuid,
            error_code=reconciliation_error,
            not_sent=lambda words, field: self.env._(
                "%(words)s (%(field)s) — not sent.", words=words, field=field
            ),
            refused=lambda words, remote: self.env._(
                "The integrator refused the reconciliation: %(words)s (%(remote)s)",
                words=words,
                remote=remote,
            ),
        )
        now = fields.Datetime.now()
        sent.write(
            {
                "state": "sent",
                "sent_at": now,
                "next_poll_at": now + POLL_INTERVAL,
                "error_code": 0,
                "error_message": False,
                "mail_count": 1,
            }
        )
        for rec in sent:
            rec.message_post(body=self.env._("Sent to the counterparty through %s.", account.display_name))

    def _l10n_tr_edoc_prepare(self):
        if not self.uuid:
            self.uuid = str(uuidlib.uuid4())

    # -- statuses ----------------------------------------------------------------------------

    def action_l10n_tr_edoc_refresh_status(self):
        """Ask the integrator now (the scheduled check keeps to İzibiz's four hours)."""
        self.check_access("write")
        self.filtered(lambda rec: rec.state == "sent")._l10n_tr_edoc_poll()
        return True

    def _l10n_tr_edoc_poll(self):
        """GetReconciliationStatus for the records of each account; final ones are never asked."""
        Document = self.env["l10n_tr_edoc.document"]
        for account, records in self.filtered(lambda rec: rec.state == "sent").grouped("account_id").items():
            try:
                statuses, exchanges = account._l10n_tr_edoc_get_provider().reconciliation_statuses(
                    records.mapped("uuid")
                )
            except EdocError as error:
                Document._l10n_tr_edoc_log_exchanges(
                    "GetReconciliationStatus", error.params.get("exchanges", ()), error=error, account=account
                )
                _logger.info("Reconciliation statuses of account %s not read: %s", account.id, error.code)
                continue
            Document._l10n_tr_edoc_log_exchanges("GetReconciliationStatus", exchanges, account=account)
            by_uuid = {status.uuid: status for status in statuses}
            for rec in records:
                rec._l10n_tr_edoc_take_status(by_uuid.get(rec.uuid))

    def action_l10n_tr_edoc_refresh_period_status(self):
        """GetBABSReconciliationStatus: one call for a whole BA/BS period of each account."""
        self.check_access("write")
        Document = self.env["l10n_tr_edoc.document"]
        babs = self.filtered(lambda rec: rec.kind == "babs" and rec.state == "sent")
        for (account, period), records in babs.grouped(lambda rec: (rec.account_id, rec.period)).items():
            try:
                statuses, exchanges = account._l10n_tr_edoc_get_provider().babs_reconciliation_statuses(
                    period
                )
            except EdocError as error:
                Document._l10n_tr_edoc_log_exchanges(
                    "GetBABSReconciliationStatus",
                    error.params.get("exchanges", ()),
                    error=error,
                    account=account,
                )
                raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
            Document._l10n_tr_edoc_log_exchanges("GetBABSReconciliationStatus", exchanges, account=account)
            by_vat = {status.identifier: status for status in statuses}
            for rec in records:
                rec._l10n_tr_edoc_take_status(by_vat.get(rec.vat))
        return True

    def _l10n_tr_edoc_take_status(self, status):
        """Record one answer of the integrator (None: it does not know the reconciliation yet)."""
        now = fields.Datetime.now()
        values = {"last_polled_at": now, "next_poll_at": now + POLL_INTERVAL}
        if status is not None:
            values.update(self._l10n_tr_edoc_status_values(status.status_code, status.status))
            if status.email_status_code in EMAIL_STATUS_CODES:
                values["email_status_code"] = status.email_status_code
        self._l10n_tr_edoc_apply_status(values)

    @staticmethod
    def _l10n_tr_edoc_status_values(status_code, status):
        values = {}
        if status_code in STATUS_CODES:
            values["status_code"] = status_code
        if (status or "").upper() in STATES:
            values["status"] = status.upper()
        answer = answer_of(status, status_code)
        if answer:
            values["state"] = answer
        elif is_final(status, status_code):
            values["state"] = "closed"
        return values

    def _l10n_tr_edoc_apply_status(self, values):
        self.ensure_one()
        before = self.state
        if values.get("state") in ("agreed", "disagreed", "closed"):
            values["next_poll_at"] = False
        self.write(values)
        if self.state == before:
            return
        if self.state == "agreed":
            self.message_post(body=self.env._("%s answered: reconciled (MUTABIK).", self.commercial_name))
        elif self.state == "disagreed":
            text = self.env._(
                "%s answered: not reconciled (MUTABIK DEĞİL). Compare the figures with the "
                "counterparty and settle the difference.",
                self.commercial_name,
            )
            self.message_post(body=text)
            self.activity_schedule(
                "l10n_tr_edoc.mail_activity_type_reconciliation_disagreed",
                summary=self.env._("Not reconciled: %s", self.name),
                note=text,
                user_id=self._l10n_tr_edoc_responsible().id,
            )
        elif self.state == "closed":
            self.message_post(
                body=self.env._(
                    "The integrator closed the reconciliation: %s", dict(STATES).get(self.status, "")
                )
            )

    def _l10n_tr_edoc_responsible(self):
        account = self.account_id
        return account.responsible_user_id or account._l10n_tr_edoc_managers()[:1] or self.create_uid

    def action_l10n_tr_edoc_resend_mail(self):
        """SendMailReconciliation: the counterparty gets the e-mail again."""
        self.check_access("write")
        Document = self.env["l10n_tr_edoc.document"]
        sent = self.filtered(lambda rec: rec.state not in ("draft", "refused"))
        if not sent:
            raise UserError(self.env._("Only reconciliations that were sent can be mailed again."))
        for account, records in sent.grouped("account_id").items():
            try:
                result = account._l10n_tr_edoc_get_provider().resend_reconciliation_mail(
                    records.mapped("uuid")
                )
            except EdocError as error:
                Document._l10n_tr_edoc_log_exchanges(
                    "SendMailReconciliation", error.params.get("exchanges", ()), error=error, account=account
                )
                raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
            Document._l10n_tr_edoc_log_exchanges("SendMailReconciliation", result.exchanges, account=account)
            for rec in records:
                rec.mail_count += 1
                rec.message_post(
                    body=self.env._("The reconciliation e-mail was sent again to %s.", rec.email)
                )
        return True

    def action_l10n_tr_edoc_open_moves(self):
        self.ensure_one()
        moves = self.move_ids or self.move_line_ids.move_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Documents of %s", self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"create": False},
        }

    @api.model
    def _cron_l10n_tr_edoc_poll_reconciliations(self):
        """Sent reconciliations whose four hours have passed, one committed account at a time."""
        due = self.search(
            [
                ("state", "=", "sent"),
                "|",
                ("next_poll_at", "=", False),
                ("next_poll_at", "<=", fields.Datetime.now()),
            ]
        )
        by_account = due.grouped("account_id")
        self.env["ir.cron"]._commit_progress(remaining=len(by_account))
        for account, records in by_account.items():
            records.with_company(account.company_id)._l10n_tr_edoc_poll()
            if self.env["ir.cron"]._commit_progress(1) <= 0:
                return
