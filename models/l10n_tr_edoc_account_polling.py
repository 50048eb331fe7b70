import datetime as dt

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# İzibiz's integration checklist: a timer pulls incoming documents at least 15 minutes apart, a
# manual button runs at most once per 5 minutes, statuses are polled at least 4 hours apart.
MIN_INCOMING_INTERVAL = 15
MIN_STATUS_INTERVAL = 240
MANUAL_FETCH_GAP = dt.timedelta(minutes=5)


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    incoming_interval = fields.Integer(
        help="How often incoming documents are fetched; never more often than every 15 minutes "
        "(İzibiz's rule). The fetch buttons run at most once per 5 minutes.",
    )
    status_interval = fields.Integer(
        default=MIN_STATUS_INTERVAL,
        help="How often the statuses of sent e-Fatura and e-Arşiv invoices are asked; never more "
        "often than every 240 minutes: integrators refuse frequent polling. Final invoices and "
        "invoices delivered more than 8 days ago are not asked.",
    )
    despatch_status_interval = fields.Integer(
        string="Poll e-İrsaliye Every (minutes)",
        default=MIN_STATUS_INTERVAL,
        help="How often e-İrsaliye statuses, answers and incoming despatches are asked; never more "
        "often than every 240 minutes.",
    )
    last_despatch_poll_at = fields.Datetime(string="e-İrsaliye Polled At", readonly=True, copy=False)
    last_manual_fetch_at = fields.Datetime(string="Last Manual Fetch", readonly=True, copy=False)

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

    def _l10n_tr_edoc_claim_manual_fetch(self):
        """A fetch button runs at most once per 5 minutes per account, however often it is clicked."""
        self.ensure_one()
        now = fields.Datetime.now()
        last = self.sudo().last_manual_fetch_at
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
        self.sudo().last_manual_fetch_at = now
