import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..core.states import gib_today
from ..core.ubl.numbering import format_number

SERIES_KINDS = [
    ("einvoice", "e-Fatura"),
    ("export", "e-Fatura Export (IHRACAT)"),
    ("earchive", "e-Arşiv (Normal Sale)"),
    ("earchive_internet", "e-Arşiv (Internet Sale)"),
    ("despatch", "e-İrsaliye"),
    ("smm", "e-SMM (Serbest Meslek Makbuzu)"),
    ("emm", "e-MM (Müstahsil Makbuzu)"),
    ("receipt_advice", "İrsaliye Yanıtı"),
]

# GİB refuses an invoice dated more than 7 days before it is submitted.
MAX_DAYS_BACK = 7


class L10nTrEdocSeries(models.Model):
    """A 3-character document series (e.g. ``ABC``) from which GİB numbers ``ABC2026000000001`` are drawn.

    Numbers are gapless per series and calendar year and handed out only when a document is first
    submitted; the per-year counter row is locked for the rest of the transaction, so concurrent
    senders queue instead of colliding.
    """

    _name = "l10n_tr_edoc.series"
    _description = "e-Document Series"
    _order = "company_id, kind, prefix"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(SERIES_KINDS, required=True)
    prefix = fields.Char(required=True, size=3, help="Three upper-case letters or digits, e.g. ABC.")
    journal_id = fields.Many2one(
        "account.journal", check_company=True, help="Leave empty to use this series for every sales journal."
    )
    picking_type_id = fields.Many2one("stock.picking.type", check_company=True, string="Operation Type")
    active = fields.Boolean(default=True)
    year_ids = fields.One2many("l10n_tr_edoc.series.year", "series_id", string="Counters")

    _prefix_format = models.Constraint(
        "CHECK(prefix ~ '^[A-Z0-9]{3}$')", "A series is three upper-case letters or digits (e.g. ABC)."
    )
    _unique_prefix = models.UniqueIndex(
        "(company_id, prefix) WHERE active IS TRUE",
        "Each series prefix can be used once per company: GİB numbers must never repeat.",
    )

    @api.depends("prefix", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for series in self:
            series.display_name = f"{series.prefix} ({kinds.get(series.kind, '')})"

    @api.model
    def _l10n_tr_edoc_find(self, company, kind, journal=None, picking_type=None):
        """The most specific active series: the one of this journal/operation type, else the company's."""
        scopes = [
            ("journal_id", journal, lambda s: s.journal_id == journal),
            ("picking_type_id", picking_type, lambda s: s.picking_type_id == picking_type),
        ]
        # one query for every scope, the most specific found first
        found = self.search(
            Domain("company_id", "=", company.id)
            & Domain("kind", "=", kind)
            & Domain.OR(
                [
                    *(Domain(name, "=", record.id) for name, record, _match in scopes if record),
                    Domain("journal_id", "=", False) & Domain("picking_type_id", "=", False),
                ]
            )
        )
        for _name, record, match in scopes:
            if record and (series := found.filtered(match)[:1]):
                return series
        return found.filtered(lambda s: not s.journal_id and not s.picking_type_id)[:1]

    def _l10n_tr_edoc_peek_number(self, issue_date):
        """The number the next document dated ``issue_date`` would get, without drawing it (previews)."""
        self.ensure_one()
        counter = self.year_ids.filtered(lambda c: c.year == issue_date.year)
        return format_number(self.prefix, issue_date.year, (counter.last_sequence or 0) + 1)

    def _l10n_tr_edoc_take_number(self, issue_date, today=None):
        """Draw the next number for ``issue_date`` (a date); raise when GİB would refuse that date.

        Call it in the transaction that stores the number on the document: if that transaction rolls
        back, the counter rolls back with it, so a number is spent only together with its document.
        """
        self.ensure_one()
        today = today or gib_today()
        if issue_date > today:
            raise UserError(self.env._("The invoice date %s is in the future.", issue_date))
        if issue_date < today - datetime.timedelta(days=MAX_DAYS_BACK):
            raise UserError(
                self.env._(
                    "The invoice date %(date)s is more than %(days)s days back; GİB refuses it. "
                    "Change the date to a recent one.",
                    date=issue_date,
                    days=MAX_DAYS_BACK,
                )
            )
        year = issue_date.year
        # One statement draws the number: it creates the year's counter or moves it on, and keeps its row
        # locked until the transaction ends; it draws nothing when the series already issued a later date.
        self.env.cr.execute(
            SQL(
                """INSERT INTO l10n_tr_edoc_series_year AS counter
                          (series_id, year, last_sequence, last_date,
                           create_uid, create_date, write_uid, write_date)
                   VALUES (%(series)s, %(year)s, 1, %(date)s, %(uid)s, now() at time zone 'UTC', %(uid)s,
                           now() at time zone 'UTC')
                   ON CONFLICT (series_id, year) DO UPDATE
                      SET last_sequence = counter.last_sequence + 1, last_date = EXCLUDED.last_date,
                          write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                    WHERE counter.last_date IS NULL OR counter.last_date <= EXCLUDED.last_date
                   RETURNING counter.id, counter.last_sequence""",
                series=self.id,
                year=year,
                date=issue_date,
                uid=self.env.uid,
            )
        )
        drawn = self.env.cr.fetchone()
        if not drawn:
            self.env.cr.execute(
                SQL(
                    "SELECT last_date FROM l10n_tr_edoc_series_year WHERE series_id = %s AND year = %s",
                    self.id,
                    year,
                )
            )
            (last_date,) = self.env.cr.fetchone()
            raise UserError(
                self.env._(
                    "Series %(series)s already issued a document dated %(last)s; "
                    "a later number cannot carry the earlier date %(date)s.",
                    series=self.prefix,
                    last=last_date,
                    date=issue_date,
                )
            )
        counter_id, sequence = drawn
        self.env["l10n_tr_edoc.series.year"].browse(counter_id).invalidate_recordset()
        self.invalidate_recordset(["year_ids"])
        return format_number(self.prefix, year, sequence)


class L10nTrEdocSeriesYear(models.Model):
    _name = "l10n_tr_edoc.series.year"
    _description = "e-Document Series Counter"
    _order = "year desc"

    series_id = fields.Many2one("l10n_tr_edoc.series", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="series_id.company_id", store=True)
    year = fields.Integer(required=True)
    last_sequence = fields.Integer(readonly=True)
    last_date = fields.Date(readonly=True)

    _unique_year = models.Constraint("UNIQUE(series_id, year)", "One counter per series and year.")
