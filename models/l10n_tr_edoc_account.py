import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import str2bool

from ..core.errors import EdocError
from ..core.providers.base import DESPATCH, USER_LIST, ConnectionCheck
from ..core.providers.registry import get_provider_class, is_sandbox, provider_choices
from ..core.providers.transport import is_loopback_url

_logger = logging.getLogger(__name__)

SANDBOX_DEFAULT_URL = "http://127.0.0.1:8790"
REMOTE_SANDBOX_PARAM = "l10n_tr_edoc.allow_remote_sandbox"
"""System parameter a system administrator sets to ``True`` to let a sandbox flavour talk to another host."""
DESTINATION_FIELDS = ("provider", "environment", "sandbox_url")
"""Where the credentials go: changing any of them is changing who receives the password."""
CREDENTIAL_FIELDS = ("username", "password", "api_key")
MENU_FIELDS = ("provider", "active", "company_id")
"""What decides which capability menus a user sees (``ir.ui.menu._load_menus_blacklist``)."""


class L10nTrEdocAccount(models.Model):
    """The company's contract with one private integrator (özel entegratör).

    One active account per company: every e-document of the company goes through it, so its
    credentials, aliases and sync cursors live here rather than in ir.config_parameter.
    Credentials are visible to administrators only and never copied to logs, chatter or exports.
    """

    _name = "l10n_tr_edoc.account"
    _description = "e-Document Integrator Account"
    _inherit = ["mail.thread"]
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
        string="Fetch Incoming Every (minutes)", default=15, help="How often incoming documents are fetched."
    )
    status_interval = fields.Integer(string="Poll Statuses Every (minutes)", default=30)
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

    def _l10n_tr_edoc_get_provider(self, **options):
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

    def _l10n_tr_edoc_notify(self, title, message, kind, reload=False):
        """A toast; ``reload`` also refreshes the form it was called from, whose record just changed."""
        params = {"title": title, "message": message, "type": kind, "sticky": kind == "danger"}
        if reload:
            params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    @api.model
    def _l10n_tr_edoc_for_company(self, company):
        return self.search([("company_id", "=", company.id)], limit=1)
