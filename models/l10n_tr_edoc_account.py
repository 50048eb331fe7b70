import base64
import contextlib
import datetime
import datetime as dt
import itertools
import json
import logging
import re
import threading
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, float_compare, formatLang, mute_logger
from odoo.tools.misc import str2bool

from ..core.errors import ConfigurationError, EdocError, ValidationFailed
from ..core.providers.base import (
    CREDIT,
    DESPATCH,
    EARCHIVE_REPORT_REQUEST,
    EARCHIVE_REPORTS,
    EINVOICE,
    USER_LIST,
    ConnectionCheck,
)
from ..core.providers.izibiz_reconciliation import BILLING
from ..core.providers.registry import get_provider_class, is_sandbox, provider_choices
from ..core.providers.transport import is_loopback_url
from ..core.reconciliation import PRODUCTS, check_usage_request
from ..core.signing import load_pem, sign_document
from ..core.states import gib_today
from .l10n_tr_edoc_gib_user import GibUserWriter
from .l10n_tr_edoc_gib_user_sync import (
    BATCH_USERS,
    CURSOR_OVERLAP,
    SYNC_STATES,
    USER_LIST_TIMEOUT,
    UserListReader,
)

_logger = logging.getLogger(__name__)

SANDBOX_DEFAULT_URL = "http://127.0.0.1:8790"
REMOTE_SANDBOX_PARAM = "l10n_tr_edoc.allow_remote_sandbox"
"""System parameter a system administrator sets to ``True`` to let a sandbox flavour talk to another host."""
DESTINATION_FIELDS = ("provider", "environment", "sandbox_url")
"""Where the credentials go: changing any of them is changing who receives the password."""
CREDENTIAL_FIELDS = ("username", "password", "api_key")
MENU_FIELDS = ("provider", "active", "company_id")
"""What decides which capability menus a user sees (``ir.ui.menu._load_menus_blacklist``)."""

_logger = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 30
SIGNATURE_STATES = [
    ("valid", "Valid"),
    ("other_signer", "Sealed by Another Party"),
    ("invalid", "Invalid"),
    ("absent", "Absent"),
]

_logger = logging.getLogger(__name__)

# Key space of the session advisory lock that keeps two fetches of one account from overlapping.
FETCH_LOCK_KEY = 0x7472_0008

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
        [("direction", "=", "in"), ("kind", "!=", "despatch"), ("state", "=", "awaiting_response")],
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
            # imported ones wait for our answer too (matched to a receipt: awaiting_response)
            ("state", "in", ("received", "awaiting_response")),
            ("child_ids", "=", False),
        ],
    ),
}
DEADLINES_SHOWN = 5

_logger = logging.getLogger(__name__)

_logger = logging.getLogger(__name__)

# The session scopes open in this thread: accounts as (database, id), and their providers by
# (database, id, options).
_scopes = threading.local()


def _scope_state():
    if not hasattr(_scopes, "accounts"):
        _scopes.accounts = set()
        _scopes.providers = {}
    return _scopes


# İzibiz's integration checklist: a timer pulls incoming documents at least 15 minutes apart, a
# manual button runs at most once per 5 minutes, statuses are polled at least 4 hours apart.
MIN_INCOMING_INTERVAL = 15
MIN_STATUS_INTERVAL = 240
MANUAL_FETCH_GAP = dt.timedelta(minutes=5)

WAITING_STATES = ("sent", "delivered")
"""e-Arşiv states before GİB has the invoice in a report."""


class L10nTrEdocAccount(models.Model):
    """The company's contract with one private integrator (özel entegratör).

    One active account per company: every e-document of the company goes through it, so its
    credentials, aliases and sync cursors live here rather than in ir.config_parameter.
    Credentials are visible to administrators only and never copied to logs, chatter or exports.
    """

    _name = "l10n_tr_edoc.account"
    _description = "e-Document Integrator Account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    provider = fields.Selection(
        selection=lambda self: self._selection_provider(), required=True, default="sandbox", tracking=True
    )
    environment = fields.Selection(
        [("test", "Test"), ("prod", "Production")],
        required=True,
        default="test",
        tracking=True,
        help="Test sends to the integrator's test platform; nothing reaches GİB.",
    )
    username = fields.Char(groups="base.group_system", exportable=False, copy=False)
    password = fields.Char(groups="base.group_system", exportable=False, copy=False)
    api_key = fields.Char(string="API Key", groups="base.group_system", exportable=False, copy=False)
    has_credentials = fields.Boolean(compute="_compute_has_credentials")
    sandbox_url = fields.Char(
        default=SANDBOX_DEFAULT_URL,
        tracking=True,
        help="Address of the local sandbox integrator (tests and demos only).",
    )
    endpoint_summary = fields.Text(compute="_compute_endpoint_summary", string="Endpoints")
    is_sandbox = fields.Boolean(compute="_compute_is_sandbox")
    offers_despatch = fields.Boolean(
        compute="_compute_offers", help="The integrator exchanges e-İrsaliye and İrsaliye Yanıtı."
    )
    offers_user_list = fields.Boolean(
        compute="_compute_offers", help="The integrator hands over GİB's registered-user list."
    )

    sender_alias = fields.Char(
        string="e-Fatura Sender Alias (GB)", help="Our GB alias, e.g. urn:mail:defaultgb@firma.com.tr"
    )
    receiver_alias = fields.Char(
        string="e-Fatura Receiver Alias (PK)", help="Our PK alias, where suppliers send us e-Fatura."
    )
    despatch_sender_alias = fields.Char(string="e-İrsaliye Sender Alias (GB)")
    despatch_receiver_alias = fields.Char(string="e-İrsaliye Receiver Alias (PK)")

    incoming_interval = fields.Integer(
        string="Fetch Incoming Every (minutes)",
        default=15,
        help="How often incoming documents are fetched; never more often than every 15 minutes "
        "(İzibiz's rule). The fetch buttons run at most once per 5 minutes.",
    )
    status_interval = fields.Integer(
        string="Poll Statuses Every (minutes)",
        default=MIN_STATUS_INTERVAL,
        help="How often the statuses of sent e-Fatura and e-Arşiv invoices are asked; never more "
        "often than every 240 minutes: integrators refuse frequent polling. Final invoices and "
        "invoices delivered more than 8 days ago are not asked.",
    )
    user_list_interval = fields.Integer(string="Sync GİB User List Every (hours)", default=2)
    response_window_days = fields.Integer(
        string="Commercial Response Window (days)",
        default=8,
        help="An incoming TICARIFATURA can be answered KABUL or RED for this many days after it reached us.",
    )

    user_list_cursor = fields.Datetime(string="User List Synced Until", readonly=True, copy=False)
    incoming_invoice_cursor = fields.Datetime(
        string="Incoming Invoices Fetched Until", readonly=True, copy=False
    )
    incoming_despatch_cursor = fields.Datetime(
        string="Incoming Despatches Fetched Until", readonly=True, copy=False
    )

    connection_state = fields.Selection(
        [("untested", "Not tested"), ("ok", "Connected"), ("failed", "Failed")],
        default="untested",
        readonly=True,
        copy=False,
    )
    last_check_at = fields.Datetime(string="Last Connection Test", readonly=True, copy=False)
    last_error = fields.Text(readonly=True, copy=False)
    identity_warning = fields.Text(compute="_compute_identity_warning")

    _positive_intervals = models.Constraint(
        "CHECK(incoming_interval > 0 AND status_interval > 0 AND user_list_interval > 0 "
        "AND response_window_days > 0)",
        "Intervals and the response window must be positive.",
    )
    _one_active_per_company = models.UniqueIndex(
        "(company_id) WHERE active IS TRUE",
        "A company can have only one active e-Document integrator account.",
    )

    @api.model
    def _selection_provider(self):
        """Integrator names as they are; the sandbox's warning label in the user's language."""
        sandbox_labels = {
            "sandbox": self.env._("Sandbox (test double, not GİB)"),
            "sandbox_kolaysoft": self.env._("Sandbox, Kolaysoft API (test double, not GİB)"),
            "sandbox_nilvera": self.env._("Sandbox, Nilvera API (test double, not GİB)"),
        }
        return [(key, sandbox_labels.get(key, label)) for key, label in provider_choices()]

    @api.depends("provider", "company_id.name", "environment")
    def _compute_name(self):
        labels = dict(self._selection_provider())
        for account in self:
            account.name = (
                f"{labels.get(account.provider, account.provider)} - {account.company_id.name or ''}"
            )

    @api.depends("provider", "company_id.name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The stored name is in its creator's language; what is shown follows the reader's."""
        labels = dict(self._selection_provider())
        for account in self:
            provider = labels.get(account.provider, account.provider or "")
            account.display_name = f"{provider} - {account.company_id.name or ''}"

    @api.depends("provider")
    def _compute_offers(self):
        """Buttons, pages and crons exist only for what the account's integrator can do."""
        for account in self:
            capabilities = get_provider_class(account.provider).capabilities if account.provider else ()
            account.offers_despatch = DESPATCH in capabilities
            account.offers_user_list = USER_LIST in capabilities

    @api.depends("provider")
    def _compute_is_sandbox(self):
        for account in self:
            account.is_sandbox = is_sandbox(account.provider or "")

    def _compute_has_credentials(self):
        for account in self:
            secrets = account.sudo()
            account.has_credentials = bool((secrets.username and secrets.password) or secrets.api_key)

    @api.depends("provider", "environment", "sandbox_url")
    def _compute_endpoint_summary(self):
        for account in self:
            if not account.provider:
                account.endpoint_summary = False
                continue
            endpoints = account._l10n_tr_edoc_endpoints()
            account.endpoint_summary = "\n".join(f"{name}: {url}" for name, url in sorted(endpoints.items()))

    @api.depends("company_id.vat", "company_id.partner_id.l10n_tr_edoc_tax_office")
    def _compute_identity_warning(self):
        for account in self:
            problems = account.company_id._l10n_tr_edoc_identity_problems()
            account.identity_warning = "\n".join(problems) or False

    @api.constrains("company_id", "active")
    def _check_company_identity(self):
        for account in self.filtered("active"):
            if problems := account.company_id._l10n_tr_edoc_identity_problems():
                raise ValidationError(
                    self.env._(
                        "Company %(company)s cannot use e-Documents yet:\n%(problems)s",
                        company=account.company_id.display_name,
                        problems="\n".join(problems),
                    )
                )

    @api.constrains("provider", "sandbox_url")
    def _check_sandbox_url(self):
        for account in self:
            account._l10n_tr_edoc_check_sandbox_destination()

    def _l10n_tr_edoc_check_sandbox_destination(self):
        """A sandbox flavour sends real credentials to a test double: only on this machine, unless a
        system administrator allowed otherwise (``l10n_tr_edoc.allow_remote_sandbox``)."""
        self.ensure_one()
        if not is_sandbox(self.provider or "") or is_loopback_url(self.sandbox_url or SANDBOX_DEFAULT_URL):
            return
        allowed = self.env["ir.config_parameter"].sudo().get_param(REMOTE_SANDBOX_PARAM, "False")
        if str2bool(allowed, default=False):
            return
        raise ValidationError(
            self.env._(
                "A sandbox integrator must run on this machine (localhost or 127.0.0.1), not at %(url)s. "
                "A system administrator can allow remote sandboxes with the system parameter %(param)s.",
                url=self.sandbox_url,
                param=REMOTE_SANDBOX_PARAM,
            )
        )

    def write(self, vals):
        """Credentials only ever go where a system administrator typed them.

        A manager may still switch the integrator, its environment or the sandbox address (test
        set-ups need that), but the stored username, password and API key are cleared then, so the
        change cannot carry them to another server; a system administrator enters them again.
        """
        if not self.env.is_system() and any(name in vals for name in DESTINATION_FIELDS):
            moved = self.filtered(
                lambda account: any(
                    name in vals and vals[name] != account[name] for name in DESTINATION_FIELDS
                )
            )
            if moved:
                moved.sudo().write(dict.fromkeys(CREDENTIAL_FIELDS, False))
                moved.message_post(
                    body=self.env._(
                        "The integrator's destination was changed by %(user)s: the stored credentials "
                        "were cleared and must be entered again by a system administrator.",
                        user=self.env.user.name,
                    )
                )
        result = super().write(vals)
        if any(name in vals for name in MENU_FIELDS):
            self.env.registry.clear_cache()
        if "credit_threshold" in vals:
            self._l10n_tr_edoc_sync_credit_alert()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        self.env.registry.clear_cache()  # the menus follow the providers' capabilities
        return accounts

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _l10n_tr_edoc_endpoints(self):
        self.ensure_one()
        if is_sandbox(self.provider):
            return {"sandbox": self.sandbox_url or SANDBOX_DEFAULT_URL}
        return get_provider_class(self.provider).endpoints.get(self.environment, {})

    def _l10n_tr_edoc_new_provider(self, **options):
        """A ready core provider for this account; the only place credentials leave the record.

        ``options`` go to the provider as they are (e.g. a longer ``timeout`` for the user list).
        """
        self.ensure_one()
        secrets = self.sudo()
        provider_class = get_provider_class(self.provider)
        kwargs = {
            **{name: secrets[name] or "" for name in provider_class.credential_fields},
            "sender_vkn": self.env["res.partner"]._l10n_tr_edoc_normalize_tax_id(self.company_id.vat),
            "sender_alias": self.sender_alias or "",
            **options,
        }
        if is_sandbox(self.provider):
            self._l10n_tr_edoc_check_sandbox_destination()
            kwargs["base_url"] = self.sandbox_url or SANDBOX_DEFAULT_URL
        else:
            kwargs["environment"] = self.environment
        return provider_class(**kwargs)

    def action_l10n_tr_edoc_test_connection(self):
        """Log in through the provider and tell the user, in plain words, what happened."""
        self.ensure_one()
        self.check_access("write")
        if problems := self.company_id._l10n_tr_edoc_identity_problems():
            raise UserError("\n".join(problems))
        with self._l10n_tr_edoc_session():
            return self._l10n_tr_edoc_test_connection()

    def _l10n_tr_edoc_test_connection(self):
        Document = self.env["l10n_tr_edoc.document"]
        try:
            provider = self._l10n_tr_edoc_get_provider()
            result = provider.check_connection()
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                "check_connection", error.params.get("exchanges", ()), error=error, account=self
            )
            result = ConnectionCheck(False, Document._l10n_tr_edoc_error_text(error))
        else:
            # The check's own message may name the login user: the call log keeps the wire's messages.
            events = Document._l10n_tr_edoc_log_exchanges("check_connection", result.exchanges, account=self)
            if not result.ok:
                events.write({"success": False, "message": result.message})
        values = {"last_check_at": fields.Datetime.now()}
        if not result.ok:
            self.write({**values, "connection_state": "failed", "last_error": result.message})
            _logger.info("e-Document connection test failed for account %s", self.id)
            return self._l10n_tr_edoc_notify(
                self.env._("Connection failed"), result.message, "danger", reload=True
            )
        self.write({**values, "connection_state": "ok", "last_error": False})
        # on the session the check opened: a connection test costs the integrator one login
        self._l10n_tr_edoc_refresh_credit(provider)
        # the provider's own sentence is English and names the API family (a sandbox says "İzibiz")
        environments = dict(self._fields["environment"]._description_selection(self.env))
        message = (
            self.env._(
                "Connected to %(integrator)s.", integrator=dict(self._selection_provider())[self.provider]
            )
            if self.is_sandbox
            else self.env._(
                "Connected to %(integrator)s (%(environment)s).",
                integrator=dict(self._selection_provider())[self.provider],
                environment=environments.get(self.environment, self.environment),
            )
        )
        return self._l10n_tr_edoc_notify(self.env._("Connection successful"), message, "success", reload=True)

    def _l10n_tr_edoc_notify(self, title, message, kind, reload=False, refresh_view=False):
        """A toast; ``reload`` also refreshes the form it was called from, whose record just changed;
        ``refresh_view`` reloads the whole view (the overview's counts change with a fetch)."""
        params = {"title": title, "message": message, "type": kind, "sticky": kind == "danger"}
        if refresh_view:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        elif reload:
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    @api.model
    def _l10n_tr_edoc_for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)

    # Client-side signing: the company's own seal signs what an integrator without server signing sends. The
    # certificate lives in Odoo's ``certificate`` module (PKCS#12 with password, key kept in
    # ``certificate.key``), so key handling, expiry dates and company rules are the standard ones, and like
    # Odoo we leave the seal to system administrators: managers see its expiry warning, and whoever sends
    # signs through :meth:`_l10n_tr_edoc_signing_credential`, which reads it under ``sudo()`` and hands the
    # key to nothing but ``core.signing``.
    sign_client_side = fields.Boolean(
        string="Sign Client-Side",
        tracking=True,
        help="Sign application responses (KABUL/RED) with the company certificate before sending, "
        "for integrator accounts set up without server-side signing.",
    )
    certificate_id = fields.Many2one(
        "certificate.certificate",
        string="Signing Certificate",
        check_company=True,
        groups="base.group_system",
        domain="[('company_id', '=', company_id)]",
        help="The company's financial seal (mali mühür) as a PKCS#12 file with its password.",
    )
    certificate_date_end = fields.Datetime(
        string="Certificate Expires",
        related="certificate_id.date_end",
        groups="base.group_system",
    )
    certificate_warning = fields.Char(
        compute="_compute_certificate_warning", groups="l10n_tr_edoc.group_edoc_manager"
    )

    @api.depends("certificate_id.date_end", "sign_client_side")
    def _compute_certificate_warning(self):
        for account in self:
            account.certificate_warning = account._l10n_tr_edoc_certificate_problem() or False

    def _l10n_tr_edoc_certificate_problem(self):
        """Why the signing certificate needs attention now, or None."""
        self.ensure_one()
        certificate = self.sudo().certificate_id
        if not certificate:
            if self.sign_client_side:
                return self.env._("Client-side signing is on but no signing certificate is set.")
            return None
        if certificate.loading_error:
            return certificate.loading_error
        if not certificate.date_end:
            return None
        now = fields.Datetime.now()
        if certificate.date_end <= now:
            return self.env._(
                "The signing certificate expired on %(date)s.",
                date=fields.Datetime.to_string(certificate.date_end),
            )
        if certificate.date_end <= now + timedelta(days=EXPIRY_WARNING_DAYS):
            return self.env._(
                "The signing certificate expires on %(date)s: renew it before then.",
                date=fields.Datetime.to_string(certificate.date_end),
            )
        return None

    def _l10n_tr_edoc_signing_responsible(self):
        """An e-document manager of the account's company receives signing activities."""
        self.ensure_one()
        managers = (
            self.env.ref("l10n_tr_edoc.group_edoc_manager")
            .sudo()
            .all_user_ids.filtered(lambda user: not user.share and self.company_id in user.company_ids)
        )
        return managers[:1] or self.env.user

    def _l10n_tr_edoc_warn_certificate_expiry(self):
        """One to-do per account whose certificate expires within 30 days (or has expired)."""
        summary = self.env._("Renew the e-document signing certificate")
        for account in self:
            problem = account._l10n_tr_edoc_certificate_problem()
            if not problem or not account.sudo().certificate_id:
                continue
            if account.activity_ids.filtered(lambda activity: activity.summary == summary):
                continue
            account.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=account.sudo().certificate_id.date_end.date(),
                summary=summary,
                note=problem,
                user_id=account._l10n_tr_edoc_signing_responsible().id,
            )

    @api.model
    def _cron_l10n_tr_edoc_check_certificates(self):
        accounts = self.search([("certificate_id", "!=", False)])
        self.env["ir.cron"]._commit_progress(remaining=len(accounts))
        for account in accounts:
            account._l10n_tr_edoc_warn_certificate_expiry()
            self.env["ir.cron"]._commit_progress(1)

    def _l10n_tr_edoc_signing_credential(self):
        """Key and certificate for core.signing, read with sudo: users who send never see the key."""
        self.ensure_one()
        certificate = self.sudo().certificate_id
        if not certificate or not certificate.private_key_id:
            raise UserError(
                self.env._(
                    "Account %(account)s signs client-side but has no certificate with a private key.",
                    account=self.display_name,
                )
            )
        if problem := certificate.loading_error:
            raise UserError(problem)
        key = certificate.private_key_id
        try:
            return load_pem(
                base64.b64decode(key.with_context(bin_size=False).pem_key),
                base64.b64decode(certificate.with_context(bin_size=False).pem_certificate),
                key.password or None,
            )
        except ConfigurationError as error:
            raise UserError(self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)) from error

    def _l10n_tr_edoc_sign_if_required(self, xml_bytes):
        """The bytes to send: signed with the company seal when this account signs client-side.

        Callers pass the serialized document built by core.ubl (still holding the signature
        placeholder) and must send and archive exactly the bytes returned.
        """
        self.ensure_one()
        if not self.sign_client_side:
            return xml_bytes
        credential = self._l10n_tr_edoc_signing_credential()
        if (
            self.sudo().certificate_id.date_end
            and self.sudo().certificate_id.date_end <= fields.Datetime.now()
        ):
            raise UserError(self._l10n_tr_edoc_certificate_problem())
        try:
            return sign_document(xml_bytes, credential)
        except EdocError as error:
            raise UserError(self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)) from error

    last_status_poll_at = fields.Datetime(string="Statuses Polled At", readonly=True, copy=False)

    def _l10n_tr_edoc_try_fetch_lock(self):
        """A session-level advisory lock: it survives the per-page commits of a long fetch."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [FETCH_LOCK_KEY, self.id])
        return self.env.cr.fetchone()[0]

    def _l10n_tr_edoc_release_fetch_lock(self):
        """Unlock even after a database error: an aborted transaction refuses every statement, the
        unlock included, and a session lock left behind would follow the connection back into the
        pool and keep this account 'busy' for as long as the worker lives. The aborted work is lost
        anyway, so it is rolled back first."""
        unlock = SQL("SELECT pg_advisory_unlock(%s, %s)", FETCH_LOCK_KEY, self.id)
        try:
            with mute_logger("odoo.sql_db"):
                self.env.cr.execute(unlock)
        except psycopg2.errors.InFailedSqlTransaction:
            self.env.cr.rollback()
            self.env.cr.execute(unlock)

    def _l10n_tr_edoc_commit_fetched(self, count):
        """Commit what was stored before the integrator is told the documents were read.

        Only the running test's own cursor may not commit; a test's worker threads on their own
        connections commit as the cron does.
        """
        if self.env.cr is not getattr(modules.module.current_test, "cr", None):
            self.env["ir.cron"]._commit_progress(count)

    def _l10n_tr_edoc_fetch_incoming_invoices(self):
        """Pull every unread incoming e-Fatura, one integrator page at a time.

        Each document is stored (ETTN unique) and committed before the provider marks its page
        read, so a crash loses nothing and a repeated listing creates nothing twice. Returns the
        number of new documents, or ``None`` when another run holds this account.
        """
        self.ensure_one()
        if not self._l10n_tr_edoc_try_fetch_lock():
            _logger.info("Incoming e-Fatura fetch already running for account %s; skipped", self.id)
            return None
        try:
            with self._l10n_tr_edoc_session():
                return self._l10n_tr_edoc_fetch_locked()
        finally:
            self._l10n_tr_edoc_release_fetch_lock()

    def _l10n_tr_edoc_fetch_locked(self):
        Document = self.env["l10n_tr_edoc.document"].with_company(self.company_id)
        provider = self._l10n_tr_edoc_get_provider()
        started = fields.Datetime.now()
        created = 0
        try:
            # GetInvoice brings up to 100 invoices with their XML per call, then one MarkInvoice for
            # the page: 2 calls per 100 invoices. Only an invoice that came without its XML is
            # downloaded on its own.
            for incoming in provider.list_incoming(EINVOICE, mark_read=True, with_content=True):
                content, error = incoming.content, None
                if not content:
                    try:
                        content = provider.download(incoming.uuid, "XML").content
                    except EdocError as exc:
                        error = exc
                created += bool(Document._l10n_tr_edoc_receive_invoice(self, incoming, content, error=error))
                self._l10n_tr_edoc_commit_fetched(1)
        except EdocError as error:
            message = Document._l10n_tr_edoc_error_text(error)
            self.write({"last_error": message})
            Document._l10n_tr_edoc_log_exchanges(
                "list_incoming", error.params.get("exchanges", ()), error=error, account=self
            )
            self._l10n_tr_edoc_commit_fetched(0)
            return created
        self.write({"incoming_invoice_cursor": started, "last_error": False})
        return created

    def action_l10n_tr_edoc_fetch_incoming(self):
        self.ensure_one()
        self.check_access("write")
        self._l10n_tr_edoc_claim_manual_fetch()
        created = self._l10n_tr_edoc_fetch_incoming_invoices()
        if created is None:
            raise UserError(
                self.env._("Incoming invoices are being fetched right now; try again in a moment.")
            )
        return self._l10n_tr_edoc_notify(
            self.env._("Incoming invoices"),
            self.env._("%s new incoming e-Fatura fetched.", created),
            "success",
            refresh_view=True,
        )

    def action_l10n_tr_edoc_fetch_incoming_despatches(self):
        """The e-İrsaliye sent to us now, without waiting for the despatch cron; says how many arrived."""
        self.ensure_one()
        self.check_access("write")
        if not self.offers_despatch:
            raise UserError(self.env._("%s does not exchange e-İrsaliye.", self.display_name))
        self._l10n_tr_edoc_claim_manual_fetch(despatch=True)
        Document = self.env["l10n_tr_edoc.document"]
        received = [("account_id", "=", self.id), ("kind", "=", "despatch"), ("direction", "=", "in")]
        before = Document.search_count(received)
        try:
            with self._l10n_tr_edoc_session():
                self.env["stock.picking"].with_company(
                    self.company_id
                )._l10n_tr_edoc_fetch_incoming_despatches(self)
        except EdocError as error:
            raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
        return self._l10n_tr_edoc_notify(
            self.env._("Incoming e-İrsaliye"),
            self.env._("%s new incoming e-İrsaliye fetched.", Document.search_count(received) - before),
            "success",
            refresh_view=True,
        )

    @api.model
    def _cron_l10n_tr_edoc_fetch_incoming(self):
        """Fetch for every company whose account interval has elapsed; one company never blocks another."""
        for account in self.search([]):
            if not account._l10n_tr_edoc_fetch_due():
                continue
            account.with_company(account.company_id)._l10n_tr_edoc_fetch_incoming_invoices()

    gib_user_sync_ids = fields.One2many("l10n_tr_edoc.gib.user.sync", "account_id", string="User List Syncs")
    gib_user_sync_id = fields.Many2one(
        "l10n_tr_edoc.gib.user.sync", compute="_compute_gib_user_sync_id", string="Last User List Sync"
    )
    gib_user_sync_state = fields.Selection(
        SYNC_STATES, compute="_compute_gib_user_sync_id", string="User List Sync"
    )
    user_list_close_limit = fields.Float(
        string="Hold Full Syncs Closing More Than (%)",
        default=10.0,
        help="A full GİB list that would close more than this share of the open aliases is not applied: "
        "a cut-short download must not turn registered customers into e-Arşiv ones.",
    )

    _user_list_close_limit_range = models.Constraint(
        "CHECK(user_list_close_limit >= 0 AND user_list_close_limit <= 100)",
        "The share of aliases a full sync may close is a percentage between 0 and 100.",
    )
    gib_user_sync_users = fields.Integer(compute="_compute_gib_user_sync_id", string="Users Written")

    @api.depends("gib_user_sync_ids.state", "gib_user_sync_ids.users_done")
    def _compute_gib_user_sync_id(self):
        for account in self:
            run = account.gib_user_sync_ids[:1]
            account.gib_user_sync_id = run
            account.gib_user_sync_state = run.state
            account.gib_user_sync_users = run.users_done

    def action_l10n_tr_edoc_sync_gib_users(self):
        """Queue a user-list sync for the cron: a full list takes minutes, too long for a request."""
        self._l10n_tr_edoc_queue_gib_user_sync(full=False)
        return self._l10n_tr_edoc_sync_queued()

    def action_l10n_tr_edoc_full_sync_gib_users(self):
        self._l10n_tr_edoc_queue_gib_user_sync(full=True)
        return self._l10n_tr_edoc_sync_queued()

    def _l10n_tr_edoc_sync_queued(self):
        return self._l10n_tr_edoc_notify(
            self.env._("GİB user list"),
            self.env._("The sync has started in the background; its progress shows on the account."),
            "info",
        )

    def action_l10n_tr_edoc_open_gib_user_syncs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("GİB User List Syncs"),
            "res_model": "l10n_tr_edoc.gib.user.sync",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
        }

    def _l10n_tr_edoc_queue_gib_user_sync(self, full):
        self.check_access("write")
        Sync = self.env["l10n_tr_edoc.gib.user.sync"].sudo()
        for account in self:
            if not Sync.search_count([("account_id", "=", account.id), ("state", "=", "running")]):
                account._l10n_tr_edoc_new_gib_user_sync(full)
        self.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_sync_gib_users")._trigger()

    def _l10n_tr_edoc_new_gib_user_sync(self, full):
        self.ensure_one()
        full = full or not self.user_list_cursor
        return (
            self.env["l10n_tr_edoc.gib.user.sync"]
            .sudo()
            .create(
                {
                    "account_id": self.id,
                    "mode": "full" if full else "delta",
                    "since": False if full else self.user_list_cursor - CURSOR_OVERLAP,
                }
            )
        )

    def _l10n_tr_edoc_sync_gib_users(self, full=False, commit=None):
        """:meth:`_l10n_tr_edoc_read_gib_user_list` in one integrator session, logged out at the end."""
        self.ensure_one()
        with self._l10n_tr_edoc_session():
            return self._l10n_tr_edoc_read_gib_user_list(full=full, commit=commit)

    def _l10n_tr_edoc_read_gib_user_list(self, full=False, commit=None):
        """Bring GİB's user list into the local table: the full list, or the changes since the cursor.

        Batches of users are upserted in bulk SQL, partners with those VKN/TCKNs refreshed, and
        ``commit(count)`` called after each batch (the cron passes ``_commit_progress``; it returns
        the seconds left, and at zero the run stops and resumes on the next call). The cursor only
        moves once the whole list is in. An unfinished full run resumes after its last committed
        user when the new list still has that user at the same place, from the start otherwise.
        Returns the run record.
        """
        self.ensure_one()
        commit = commit or (lambda count, remaining=1: float("inf"))
        Sync = self.env["l10n_tr_edoc.gib.user.sync"].sudo()
        run = Sync.search([("account_id", "=", self.id), ("state", "in", ("running", "failed"))], limit=1)
        if not run or (full and run.mode != "full"):
            if run:
                run.write({"state": "failed", "error": self.env._("Replaced by a full sync.")})
            run = self._l10n_tr_edoc_new_gib_user_sync(full)
            commit(0)
        run.state = "running"
        moment = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        writer = GibUserWriter(self.env.cr, run.id, moment)
        Partner = self.env["res.partner"].sudo()
        since = run.since and run.since.replace(tzinfo=datetime.UTC)
        reader = None
        try:
            provider = self._l10n_tr_edoc_get_provider(timeout=USER_LIST_TIMEOUT)
            reader = UserListReader(provider.iter_user_list(since=since or None))
            users = self._l10n_tr_edoc_skip_done(run, reader)
            while batch := list(itertools.islice(users, BATCH_USERS)):
                with self.env.cr.savepoint():
                    written, aliases = writer.write(batch)
                    self.env["l10n_tr_edoc.gib.user"].invalidate_model()
                    self.env["l10n_tr_edoc.gib.user.alias"].invalidate_model()
                    refreshed = Partner._l10n_tr_edoc_refresh_gib_status(writer.identifiers())
                    run._l10n_tr_edoc_progress(
                        written, aliases, batch[-1].identifier, refreshed, writer.changes
                    )
                if commit(written, remaining=1) <= 0:
                    return run
            with self.env.cr.savepoint():
                closed, held = [], ""
                if run.mode == "full":
                    unseen, open_total = writer.count_unseen()
                    if unseen and unseen * 100 > self.user_list_close_limit * open_total:
                        held = self.env._(
                            "The full list would close %(unseen)s of %(total)s open aliases (%(share)s %%), "
                            "more than the %(limit)s %% allowed: the list looks cut short, so nothing was "
                            "closed. Run a full sync again; if GİB really closed them, raise the limit on "
                            "the account for one run.",
                            unseen=unseen,
                            total=open_total,
                            share=round(unseen * 100 / open_total, 1),
                            limit=self.user_list_close_limit,
                        )
                    else:
                        closed = writer.close_unseen(moment.replace(tzinfo=None))
                self.env["l10n_tr_edoc.gib.user.alias"].invalidate_model()
                self.user_list_cursor = run.started_at
                refreshed = Partner._l10n_tr_edoc_refresh_gib_status(closed, unknown=True)
                run._l10n_tr_edoc_progress(0, 0, run.last_identifier, refreshed)
                run.write(
                    {
                        "state": "held" if held else "done",
                        "finished_at": fields.Datetime.now(),
                        "aliases_closed": len(closed),
                        "held_reason": held or False,
                    }
                )
                if held:
                    self._l10n_tr_edoc_user_list_held(held)
        except EdocError as error:
            message = self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)
            run.write({"state": "failed", "error": message})
            _logger.warning("GİB user list sync %s of account %s failed: %s", run.id, self.id, error.code)
        finally:
            if reader:
                reader.close()
        commit(0, remaining=0)
        return run

    def _l10n_tr_edoc_user_list_held(self, text):
        """The managers hear that a full list was not applied: one activity, one message."""
        self.ensure_one()
        managers = self._l10n_tr_edoc_managers()
        assignee = self.responsible_user_id or managers[:1] or self.create_uid
        self.activity_schedule("mail.mail_activity_data_warning", note=text, user_id=assignee.id)
        self.message_post(
            body=text,
            subject=self.env._("GİB user list: closing held back"),
            partner_ids=(managers | assignee).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @staticmethod
    def _l10n_tr_edoc_skip_done(run, users):
        """Drop the users a crashed full run already committed, if the new list agrees with it."""
        done = run.users_done if run.mode == "full" else 0
        if not done:
            yield from users
            return
        head = list(itertools.islice(users, done))
        if head and head[-1].identifier != run.last_identifier:
            _logger.info("GİB user list changed order since run %s; writing it again from the start", run.id)
            run.sudo().write({"users_done": 0, "aliases_done": 0})
            yield from head
        yield from users

    @api.model
    def _cron_l10n_tr_edoc_sync_gib_users(self):
        """Every account whose list is older than its interval (or whose last run is unfinished)."""
        now = fields.Datetime.now()
        for account in self.search([("company_id.partner_id.country_id.code", "=", "TR")]).filtered(
            "offers_user_list"
        ):
            unfinished = self.env["l10n_tr_edoc.gib.user.sync"].search_count(
                [("account_id", "=", account.id), ("state", "=", "running")]
            )
            interval = datetime.timedelta(hours=account.user_list_interval)
            if unfinished or not account.user_list_cursor or account.user_list_cursor + interval <= now:
                run = account._l10n_tr_edoc_sync_gib_users(commit=self.env["ir.cron"]._commit_progress)
                # Out of time: the cron, told work remains, runs again soon and resumes this run.
                if run.state == "running":
                    return

    # The e-Documents overview: one card per integrator account with what needs a human today.
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
                ("kind", "!=", "despatch"),
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

    # Integrator health: the last good and bad call, and the credit (kontör) left for documents.
    last_success_at = fields.Datetime(string="Last Successful Call", compute="_compute_call_health")
    last_failure_at = fields.Datetime(string="Last Failed Call", compute="_compute_call_health")
    last_failure_message = fields.Text(string="Last Failure", compute="_compute_call_health")

    credit_balance = fields.Float(string="Credit Balance", readonly=True, copy=False)
    credit_reported = fields.Boolean(
        readonly=True, copy=False, help="The integrator reported a balance at the last refresh."
    )
    credit_checked_at = fields.Datetime(string="Credit Refreshed On", readonly=True, copy=False)
    credit_threshold = fields.Float(
        string="Low Credit Threshold",
        default=100,
        help="Below this balance the managers get an activity and a message. 0 turns the alert off.",
    )
    credit_low = fields.Boolean(string="Low Credit", compute="_compute_credit_low", store=True)
    responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain=[("share", "=", False)],
        help="Gets the low-credit activity; when empty, the first e-Documents manager of the company.",
    )

    # Billing (İzibiz BillingWS GetBalance / GetUsage), beside the credit above.
    billing_reported = fields.Boolean(readonly=True, copy=False)
    billing_checked_at = fields.Datetime(string="Billing Refreshed On", readonly=True, copy=False)
    debt_total = fields.Float(string="Debt to the Integrator", readonly=True, copy=False)
    debt_invoice_count = fields.Integer(string="Unpaid Integrator Invoices", readonly=True, copy=False)
    debt_message = fields.Char(string="Integrator's Billing Message", readonly=True, copy=False)
    billing_data = fields.Json(readonly=True, copy=False)
    billing_html = fields.Html(string="Debt and Usage", compute="_compute_billing_html", sanitize=False)
    usage_this_month = fields.Integer(compute="_compute_billing_html")
    usage_product = fields.Selection(
        lambda self: self._selection_usage_product(),
        default="ALL",
        help="Product whose usage is read; e-Arşiv, e-SMM, e-MM, e-Mutabakat, SMS and mail are only sent.",
    )
    usage_direction = fields.Selection(
        [("ALL", "Sent and Received"), ("OUTBOX", "Sent"), ("INBOX", "Received")], default="ALL"
    )

    _credit_threshold_positive = models.Constraint(
        "CHECK(credit_threshold >= 0)", "The low credit threshold cannot be negative."
    )

    def _compute_call_health(self):
        """The newest good and bad call of every account from one grouped query on the call log."""
        Event = self.env["l10n_tr_edoc.event"].sudo()
        groups = Event._read_group(
            [("account_id", "in", self._origin.ids)], ["account_id", "success"], ["id:max"]
        )
        newest = {(account.id, success): event_id for account, success, event_id in groups}
        Event.browse(list(newest.values())).fetch(["create_date", "message", "result_code"])
        for account in self:
            success = Event.browse(newest.get((account._origin.id, True)))
            failure = Event.browse(newest.get((account._origin.id, False)))
            account.last_success_at = success.create_date
            account.last_failure_at = failure.create_date
            account.last_failure_message = failure.message or failure.result_code or False

    @api.depends("credit_reported", "credit_balance", "credit_threshold")
    def _compute_credit_low(self):
        for account in self:
            account.credit_low = (
                account.credit_reported
                and account.credit_threshold > 0
                and float_compare(account.credit_balance, account.credit_threshold, precision_digits=2) < 0
            )

    def _l10n_tr_edoc_managers(self):
        """Active internal e-Documents managers who work in the account's company."""
        self.ensure_one()
        return (
            self.env.ref("l10n_tr_edoc.group_edoc_manager")
            .sudo()
            .all_user_ids.filtered(
                lambda user: user.active and not user.share and self.company_id in user.company_ids
            )
            .sorted("id")
        )

    def _l10n_tr_edoc_credit_text(self):
        self.ensure_one()
        balance = self.credit_balance
        return formatLang(self.env, balance, digits=0 if balance == int(balance) else 2)

    def _l10n_tr_edoc_refresh_credit(self, provider=None):
        """Read each account's credit from its integrator, log the call and raise or settle the alert.

        A failed call changes neither the balance nor the alert (it shows in the health fields),
        so an integrator that is down for a day does not flood the managers. ``provider`` is an
        open client of the (single) account whose session may be reused. Returns
        ``{account: error text}`` for the accounts whose integrator did not answer.
        """
        Document = self.env["l10n_tr_edoc.document"]
        errors = {}
        for account in self:
            if CREDIT not in get_provider_class(account.provider).capabilities:
                account.write({"credit_reported": False, "credit_checked_at": fields.Datetime.now()})
                continue
            try:
                credit = (provider or account._l10n_tr_edoc_get_provider()).credit_balance()
            except EdocError as error:
                exchanges = error.params.get("exchanges") or tuple(
                    filter(None, [error.params.get("exchange")])
                )
                Document._l10n_tr_edoc_log_exchanges("credit", exchanges, error=error, account=account)
                errors[account] = Document._l10n_tr_edoc_error_text(error)
                _logger.info("Credit of e-Document account %s could not be read: %s", account.id, error.code)
                continue
            Document._l10n_tr_edoc_log_exchanges("credit", credit.exchanges, account=account)
            account.write(
                {
                    "credit_reported": credit.balance is not None,
                    "credit_balance": float(credit.balance or 0),
                    "credit_checked_at": fields.Datetime.now(),
                }
            )
            account._l10n_tr_edoc_sync_credit_alert()
        return errors

    def _l10n_tr_edoc_sync_credit_alert(self):
        """One open low-credit activity per account while the balance is low, closed once it is not.

        The managers hear of it once, when the activity opens: a later refresh that finds the
        balance still low changes nothing.
        """
        activity_type = self.env.ref("l10n_tr_edoc.mail_activity_type_low_credit")
        for account in self:
            alerts = account.activity_ids.filtered(
                lambda activity: activity.activity_type_id == activity_type
            )
            if account.credit_low and not alerts:
                account._l10n_tr_edoc_raise_credit_alert(activity_type)
            elif not account.credit_low and alerts:
                alerts.action_feedback(
                    feedback=self.env._(
                        "The credit balance is %(balance)s again.",
                        balance=account._l10n_tr_edoc_credit_text(),
                    )
                )

    def _l10n_tr_edoc_raise_credit_alert(self, activity_type):
        self.ensure_one()
        managers = self._l10n_tr_edoc_managers()
        assignee = self.responsible_user_id or managers[:1] or self.create_uid
        text = self.env._(
            "Only %(balance)s credits (kontör) are left with %(account)s, below the threshold of "
            "%(threshold)s. Buy credit from the integrator before documents are refused.",
            balance=self._l10n_tr_edoc_credit_text(),
            account=self.display_name,
            threshold=formatLang(self.env, self.credit_threshold, digits=0),
        )
        self.activity_schedule(activity_type_id=activity_type.id, note=text, user_id=assignee.id)
        self.message_post(
            body=text,
            subject=self.env._("Low e-Document credit"),
            partner_ids=(managers | assignee).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_l10n_tr_edoc_refresh_credit(self):
        self.ensure_one()
        self.check_access("write")
        if error := self._l10n_tr_edoc_refresh_credit().get(self):
            return self._l10n_tr_edoc_notify(
                self.env._("Credit could not be read"), error, "danger", reload=True
            )
        if not self.credit_reported:
            return self._l10n_tr_edoc_notify(
                self.env._("Credit"),
                self.env._("This integrator does not report a credit balance."),
                "info",
                reload=True,
            )
        return self._l10n_tr_edoc_notify(
            self.env._("Credit"),
            self.env._("Remaining credit: %(balance)s", balance=self._l10n_tr_edoc_credit_text()),
            "warning" if self.credit_low else "success",
            reload=True,
        )

    def action_l10n_tr_edoc_open_call_log(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("l10n_tr_edoc.action_l10n_tr_edoc_event")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    @api.model
    def _cron_l10n_tr_edoc_refresh_credit(self):
        """Every account with credentials, one committed account at a time."""
        accounts = self.search([]).filtered("has_credentials")
        self.env["ir.cron"]._commit_progress(remaining=len(accounts))
        for account in accounts:
            account.with_company(account.company_id)._l10n_tr_edoc_refresh_credit()
            if self.env["ir.cron"]._commit_progress(1) <= 0:
                return

    # -- billing ---------------------------------------------------------------------------------

    def _selection_usage_product(self):
        return [("ALL", self.env._("All Products")), *self._l10n_tr_edoc_product_labels().items()]

    def _l10n_tr_edoc_product_labels(self):
        return {
            "EFATURA": self.env._("e-Fatura"),
            "EARSIV": self.env._("e-Arşiv"),
            "EIRSALIYE": self.env._("e-İrsaliye"),
            "ESMM": self.env._("e-SMM"),
            "EMM": self.env._("e-MM"),
            "EMUTABAKAT": self.env._("e-Mutabakat"),
            "SMS": self.env._("SMS"),
            "MAIL": self.env._("E-mail"),
        }

    @api.depends("billing_data")
    def _compute_billing_html(self):
        """Unpaid invoices and the usage per month and product, as the integrator reported them."""
        labels = self._l10n_tr_edoc_product_labels()
        this_month = fields.Date.context_today(self).strftime("%Y%m")
        for account in self:
            data = account.billing_data or {}
            months = data.get("usage") or []
            account.usage_this_month = next((m["total"] or 0 for m in months if m["period"] == this_month), 0)
            if not data:
                account.billing_html = False
                continue
            html = Markup("")
            if data.get("debt"):
                rows = Markup("").join(
                    Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
                    % (row["number"], row["date"], row["period"], row["amount"])
                    for row in data["debt"]
                )
                html += Markup(
                    "<table class='table table-sm o_l10n_tr_edoc_debt'><thead><tr><th>%s</th><th>%s</th>"
                    "<th>%s</th><th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
                ) % (
                    self.env._("Invoice"),
                    self.env._("Date"),
                    self.env._("Period"),
                    self.env._("Payable"),
                    rows,
                )
            if months:
                shown = [name for name in PRODUCTS if any(m["products"].get(name) for m in months)] or [
                    "EFATURA"
                ]
                head = Markup("").join(
                    Markup("<th class='text-end'>%s</th>") % labels[name] for name in shown
                )
                rows = Markup("").join(
                    Markup("<tr><td>%s</td>%s<td class='text-end fw-bold'>%s</td></tr>")
                    % (
                        f"{m['period'][4:]}/{m['period'][:4]}",
                        Markup("").join(
                            Markup("<td class='text-end'>%s</td>") % (m["products"].get(name) or 0)
                            for name in shown
                        ),
                        m["total"] or 0,
                    )
                    for m in months
                )
                html += Markup(
                    "<table class='table table-sm o_l10n_tr_edoc_usage'><thead><tr><th>%s</th>%s"
                    "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
                ) % (self.env._("Month"), head, self.env._("Total"), rows)
            account.billing_html = html

    def _l10n_tr_edoc_refresh_billing(self):
        """GetBalance (with detail) and GetUsage for the account's chosen product and direction.

        The usage request is checked first: INBOX for a product that is only sent is refused here,
        before anything reaches the integrator.
        """
        self.ensure_one()
        try:
            check_usage_request(self.usage_product or "ALL", self.usage_direction or "ALL")
        except ValidationFailed as error:
            raise UserError(
                self.env._(
                    "%(product)s is only sent, never received: choose Sent or Sent and Received.",
                    product=self._l10n_tr_edoc_product_labels().get(self.usage_product, self.usage_product),
                )
            ) from error
        if BILLING not in get_provider_class(self.provider).capabilities:
            self.write({"billing_reported": False, "billing_checked_at": fields.Datetime.now()})
            return None
        Document = self.env["l10n_tr_edoc.document"]
        provider = self._l10n_tr_edoc_get_provider()
        try:
            balance = provider.get_balance(detail=True)
            usage = provider.get_usage(
                product=self.usage_product or "ALL", direction=self.usage_direction or "ALL"
            )
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                "billing", error.params.get("exchanges", ()), error=error, account=self
            )
            return Document._l10n_tr_edoc_error_text(error)
        Document._l10n_tr_edoc_log_exchanges("billing", balance.exchanges + usage.exchanges, account=self)
        self.write(
            {
                "billing_reported": True,
                "billing_checked_at": fields.Datetime.now(),
                "debt_total": float(balance.total or 0),
                "debt_invoice_count": balance.invoice_count or len(balance.invoices),
                "debt_message": balance.message or False,
                "billing_data": {
                    "debt": [
                        {
                            "number": i.number,
                            "date": i.date,
                            "period": i.period,
                            "amount": str(i.amount or ""),
                        }
                        for i in balance.invoices
                    ],
                    "usage": [
                        {"period": m.period, "total": m.total, "products": m.products} for m in usage.months
                    ],
                },
            }
        )
        return None

    def action_l10n_tr_edoc_refresh_billing(self):
        self.ensure_one()
        self.check_access("write")
        if error := self._l10n_tr_edoc_refresh_billing():
            return self._l10n_tr_edoc_notify(self.env._("Billing could not be read"), error, "danger")
        if not self.billing_reported:
            return self._l10n_tr_edoc_notify(
                self.env._("Billing"), self.env._("This integrator does not report debt and usage."), "info"
            )
        return self._l10n_tr_edoc_notify(
            self.env._("Billing"),
            self.env._(
                "Debt: %(debt)s; usage this month: %(usage)s",
                debt=formatLang(self.env, self.debt_total, digits=2),
                usage=self.usage_this_month,
            ),
            "success",
        )

    ledger_proxy_url = fields.Char(
        string="e-Ledger Proxy Address",
        help="Address of İzibiz's proxy service (e-Ledger safe-keeping). İzibiz gives it with the "
        "contract; the sandbox serves it by itself.",
    )

    def _l10n_tr_edoc_scope_key(self, options):
        return (self.env.cr.dbname, self.id, tuple(sorted(options.items())))

    def _l10n_tr_edoc_get_provider(self, **options):
        """Inside a session scope, the scope's provider: its integrator session serves every call."""
        self.ensure_one()
        state = _scope_state()
        key = self._l10n_tr_edoc_scope_key(options)
        if key in state.providers:
            return state.providers[key]
        provider = self._l10n_tr_edoc_new_provider(**options)
        if key[:2] in state.accounts:
            state.providers[key] = provider
        return provider

    @contextlib.contextmanager
    def _l10n_tr_edoc_session(self):
        """One integrator session for a whole cron run or button, logged out at the end.

        İzibiz asks for one Login reused across requests (renewed only when it says the session is
        gone) and a Logout when the work is done; a login per request is refused by its checklist.
        Nested scopes of the same account share the outer one.
        """
        self.ensure_one()
        state = _scope_state()
        owner = (self.env.cr.dbname, self.id)
        if owner in state.accounts:
            yield
            return
        state.accounts.add(owner)
        finished = False
        try:
            yield
            finished = True
        finally:
            state.accounts.discard(owner)
            for key in [key for key in state.providers if key[:2] == owner]:
                self._l10n_tr_edoc_logout(state.providers.pop(key), log=finished)

    def _l10n_tr_edoc_logout(self, provider, *, log=True):
        """Close the provider's session; a failed logout is logged, never raised (the work is done).

        After an error inside the scope the transaction may be aborted: the logout still goes out,
        but nothing is written.
        """
        Document = self.env["l10n_tr_edoc.document"]
        try:
            result = provider.logout()
        except EdocError as error:
            _logger.info("Logout from the integrator failed for account %s: %s", self.id, error)
            if log:
                Document._l10n_tr_edoc_log_exchanges(
                    "logout", error.params.get("exchanges", ()), error=error, account=self
                )
            return
        if log and result is not None and result.exchanges:
            Document._l10n_tr_edoc_log_exchanges("logout", result.exchanges, account=self)

    despatch_status_interval = fields.Integer(
        string="Poll e-İrsaliye Every (minutes)",
        default=MIN_STATUS_INTERVAL,
        help="How often e-İrsaliye statuses, answers and incoming despatches are asked; never more "
        "often than every 240 minutes.",
    )
    last_despatch_poll_at = fields.Datetime(string="e-İrsaliye Polled At", readonly=True, copy=False)
    last_manual_fetch_at = fields.Datetime(string="Last Manual Fetch", readonly=True, copy=False)
    last_manual_despatch_fetch_at = fields.Datetime(
        string="Last Manual e-İrsaliye Fetch", readonly=True, copy=False
    )

    @api.constrains("incoming_interval", "status_interval", "despatch_status_interval")
    def _check_interval_floors(self):
        for account in self:
            if account.incoming_interval < MIN_INCOMING_INTERVAL:
                raise ValidationError(
                    self.env._(
                        "Incoming documents may not be fetched more often than every %s minutes.",
                        MIN_INCOMING_INTERVAL,
                    )
                )
            if min(account.status_interval, account.despatch_status_interval) < MIN_STATUS_INTERVAL:
                raise ValidationError(
                    self.env._(
                        "Statuses may not be polled more often than every %s minutes.", MIN_STATUS_INTERVAL
                    )
                )

    def _l10n_tr_edoc_fetch_due(self):
        """The timer may fetch: the last fetch is older than the account's interval (never below 15)."""
        self.ensure_one()
        last = self.incoming_invoice_cursor
        minutes = max(self.incoming_interval, MIN_INCOMING_INTERVAL)
        return not last or last + dt.timedelta(minutes=minutes) <= fields.Datetime.now()

    def _l10n_tr_edoc_despatch_poll_due(self):
        self.ensure_one()
        last = self.last_despatch_poll_at
        minutes = max(self.despatch_status_interval, MIN_STATUS_INTERVAL)
        return not last or last + dt.timedelta(minutes=minutes) <= fields.Datetime.now()

    def _l10n_tr_edoc_claim_manual_fetch(self, despatch=False):
        """A fetch button runs at most once per 5 minutes per account, however often it is clicked.

        The integrator counts invoice and despatch listings apart, so fetching e-İrsaliye right after
        e-Fatura (or the other way round) is not refused.
        """
        self.ensure_one()
        field = "last_manual_despatch_fetch_at" if despatch else "last_manual_fetch_at"
        now = fields.Datetime.now()
        last = self.sudo()[field]
        if last and last + MANUAL_FETCH_GAP > now:
            seconds = int((last + MANUAL_FETCH_GAP - now).total_seconds())
            raise UserError(
                self.env._(
                    "The integrator was asked less than 5 minutes ago; try again in %(minutes)s min "
                    "%(seconds)s s.",
                    minutes=seconds // 60,
                    seconds=seconds % 60,
                )
            )
        self.sudo()[field] = now

    # e-Arşiv reports for integrators that build them on request (Kolaysoft's EAReportWS). Such an integrator
    # sends the month's report to GİB on a day of the month it is told (1-15) and only for invoices it was
    # asked to report; the account keeps both requests and shows how many e-Arşiv invoices still wait for a
    # report.
    offers_earchive_report_request = fields.Boolean(
        string="Offers e-Arşiv Report Requests",
        compute="_compute_offers_earchive_report_request",
        help="The integrator builds the e-Arşiv report on request and sends it on a set day.",
    )
    earchive_report_day = fields.Integer(
        string="e-Arşiv Report Day",
        default=1,
        tracking=True,
        help="Day of the month (1-15) the integrator sends the e-Arşiv report to GİB.",
    )
    earchive_report_from = fields.Date(
        string="Report Invoices From",
        help="The requested report covers e-Arşiv invoices issued from this date on.",
    )
    earchive_report_requested_at = fields.Datetime(string="Report Requested On", readonly=True, copy=False)
    earchive_report_requested_from = fields.Date(string="Report Requested From", readonly=True, copy=False)
    earchive_report_waiting_count = fields.Integer(
        string="e-Arşiv Invoices Awaiting the Report",
        compute="_compute_earchive_report_waiting_count",
    )

    @api.depends("provider")
    def _compute_offers_earchive_report_request(self):
        for account in self:
            capabilities = get_provider_class(account.provider).capabilities if account.provider else ()
            account.offers_earchive_report_request = EARCHIVE_REPORT_REQUEST in capabilities

    @api.depends("earchive_report_requested_from")
    def _compute_earchive_report_waiting_count(self):
        for account in self:
            account.earchive_report_waiting_count = (
                self.env["l10n_tr_edoc.document"].search_count(account._l10n_tr_edoc_waiting_domain())
                if account.earchive_report_requested_from
                else 0
            )

    @api.constrains("earchive_report_day")
    def _check_earchive_report_day(self):
        for account in self:
            if not 1 <= account.earchive_report_day <= 15:
                raise ValidationError(self.env._("The e-Arşiv report day must be between 1 and 15."))

    def _l10n_tr_edoc_waiting_domain(self):
        self.ensure_one()
        return [
            ("account_id", "=", self.id),
            ("kind", "=", "earchive"),
            ("direction", "=", "out"),
            ("state", "in", WAITING_STATES),
            ("issue_date", ">=", self.earchive_report_requested_from),
        ]

    def action_l10n_tr_edoc_set_earchive_report_day(self):
        """Tell the integrator the day of the month it sends the e-Arşiv report to GİB."""
        self.ensure_one()
        self.check_access("write")
        self._l10n_tr_edoc_report_call("setReportAutoSendDay", "set_report_day", self.earchive_report_day)
        self.message_post(
            body=self.env._(
                "The integrator now sends the e-Arşiv report on day %(day)s of each month.",
                day=self.earchive_report_day,
            )
        )
        return self._l10n_tr_edoc_notify(
            self.env._("e-Arşiv report day set"),
            self.env._("Day %(day)s of each month.", day=self.earchive_report_day),
            "success",
            reload=True,
        )

    def action_l10n_tr_edoc_request_earchive_report(self):
        """Ask the integrator to build the e-Arşiv report for the invoices from the chosen date on."""
        self.ensure_one()
        self.check_access("write")
        if not self.earchive_report_from:
            raise UserError(self.env._("Choose the date the e-Arşiv report starts from."))
        report_from = self.earchive_report_from
        self._l10n_tr_edoc_report_call("createReportSendRequest", "request_earchive_report", report_from)
        self.write(
            {
                "earchive_report_requested_at": fields.Datetime.now(),
                "earchive_report_requested_from": report_from,
            }
        )
        message = self.env._(
            "e-Arşiv report requested for invoices from %(date)s; the integrator sends it to GİB on "
            "its report day.",
            date=report_from,
        )
        self.message_post(body=message)
        return self._l10n_tr_edoc_notify(
            self.env._("e-Arşiv report requested"), message, "success", reload=True
        )

    def action_l10n_tr_edoc_open_earchive_report_waiting(self):
        """The e-Arşiv invoices the requested report has not covered yet."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("e-Arşiv Invoices Awaiting the Report"),
            "res_model": "l10n_tr_edoc.document",
            "view_mode": "list,form",
            "domain": self._l10n_tr_edoc_waiting_domain(),
        }

    def _l10n_tr_edoc_report_call(self, operation, method, value):
        """One report-service call, logged in the call log; a refusal is a readable error."""
        if not self.offers_earchive_report_request:
            raise UserError(
                self.env._("This integrator does not take e-Arşiv report requests: it reports by itself.")
            )
        Document = self.env["l10n_tr_edoc.document"]
        try:
            provider = self._l10n_tr_edoc_get_provider()
            result = getattr(provider, method)(value)
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                operation, error.params.get("exchanges", ()), error=error, account=self
            )
            raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
        Document._l10n_tr_edoc_log_exchanges(operation, result.exchanges, account=self)
        return result

    # e-Arşiv reports the integrator sent GİB (İzibiz's GetEArchiveReport and ReadEArchiveReport): the
    # month's list in the chatter, each report's XML attached to the account.
    offers_earchive_reports = fields.Boolean(
        string="Offers e-Arşiv Report Reading", compute="_compute_offers_earchive_reports"
    )
    earchive_report_period = fields.Char(
        string="Report Month",
        default=lambda self: gib_today().strftime("%Y%m"),
        help="The month whose e-Arşiv reports are read, as YYYYMM (e.g. 202603).",
    )

    @api.depends("provider")
    def _compute_offers_earchive_reports(self):
        for account in self:
            capabilities = get_provider_class(account.provider).capabilities if account.provider else ()
            account.offers_earchive_reports = EARCHIVE_REPORTS in capabilities

    def action_l10n_tr_edoc_fetch_earchive_reports(self):
        """The month's e-Arşiv reports: listed in the chatter, their XML attached (once per report)."""
        self.ensure_one()
        if not self.offers_earchive_reports:
            raise UserError(
                self.env._("The integrator of %s does not offer e-Arşiv reports.", self.display_name)
            )
        period = (self.earchive_report_period or "").strip()
        if not re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])", period):
            raise UserError(self.env._("Give the report month as YYYYMM, e.g. 202603."))
        Document = self.env["l10n_tr_edoc.document"]
        with self._l10n_tr_edoc_session():
            provider = self._l10n_tr_edoc_get_provider()
            try:
                reports = provider.earchive_reports(period, with_content=True)
            except EdocError as error:
                Document._l10n_tr_edoc_log_exchanges(
                    "earchive_reports", error.params.get("exchanges", ()), error=error, account=self
                )
                raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
            Document._l10n_tr_edoc_log_exchanges("earchive_reports", provider.last_exchanges, account=self)
        Attachment = self.env["ir.attachment"].sudo()
        lines = []
        for report in reports:
            name = f"earsiv-rapor-{report.report_id}.xml"
            known = Attachment.search_count(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("name", "=", name)]
            )
            if report.content and not known:
                Attachment.create(
                    {
                        "name": name,
                        "raw": report.content,
                        "mimetype": "application/xml",
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                )
            lines.append(Markup("<li>%s %s</li>") % (report.report_id, report.status or ""))
        if lines:
            message = self.env._("%(count)s e-Arşiv reports for %(period)s.", count=len(lines), period=period)
            self.message_post(body=Markup("%s<ul>%s</ul>") % (message, Markup("").join(lines)))
        else:
            message = self.env._("GİB has no e-Arşiv report of this company for %s yet.", period)
        return self._l10n_tr_edoc_notify(self.env._("e-Arşiv Reports"), message, "info", reload=True)
