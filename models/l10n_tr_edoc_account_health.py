import logging

from odoo import api, fields, models
from odoo.tools import float_compare, formatLang

from ..core.errors import EdocError
from ..core.providers.base import CREDIT
from ..core.providers.registry import get_provider_class

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
            return self._l10n_tr_edoc_notify(self.env._("Credit could not be read"), error, "danger")
        if not self.credit_reported:
            return self._l10n_tr_edoc_notify(
                self.env._("Credit"), self.env._("This integrator does not report a credit balance."), "info"
            )
        return self._l10n_tr_edoc_notify(
            self.env._("Credit"),
            self.env._("Remaining credit: %(balance)s", balance=self._l10n_tr_edoc_credit_text()),
            "warning" if self.credit_low else "success",
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
