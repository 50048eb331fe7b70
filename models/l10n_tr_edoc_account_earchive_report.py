from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core.errors import EdocError
from ..core.providers.base import EARCHIVE_REPORT_REQUEST
from ..core.providers.registry import get_provider_class

WAITING_STATES = ("sent", "delivered")
"""e-Arşiv states before GİB has the invoice in a report."""


class L10nTrEdocAccount(models.Model):
    """e-Arşiv reports for integrators that build them on request (Kolaysoft's EAReportWS).

    Such an integrator sends the month's report to GİB on a day of the month it is told (1-15)
    and only for invoices it was asked to report; the account keeps both requests and shows how
    many e-Arşiv invoices still wait for a report.
    """

    _inherit = "l10n_tr_edoc.account"

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
