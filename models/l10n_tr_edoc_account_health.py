import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang

from ..core.errors import EdocError, ValidationFailed
from ..core.providers.base import CREDIT
from ..core.providers.izibiz_reconciliation import BILLING
from ..core.providers.registry import get_provider_class
from ..core.reconciliation import PRODUCTS, check_usage_request

_logger = logging.getLogger(__name__)


class L10nTrEdocAccount(models.Model):
    """Integrator health: the last good and bad call, and the credit (kontör) left for documents."""

    _inherit = "l10n_tr_edoc.account"

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

    def write(self, vals):
        result = super().write(vals)
        if "credit_threshold" in vals:
            self._l10n_tr_edoc_sync_credit_alert()
        return result

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
