import logging
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError
from ..core.providers.izibiz_zreport import ZREPORT, ZREPORT_READ, zreport_error
from ..core.providers.registry import get_provider_class
from ..core.zreport import DEFAULT_BRANCH, ZReport, check_zreport

_logger = logging.getLogger(__name__)


class L10nTrEdocZReport(models.Model):
    """The Z report of one cash register (ÖKC) for one day, reported to GİB through the integrator.

    Typed in or imported from CSV, uploaded in bulk (LoadZReport / Kolaysoft sendZReport) and read
    back (GetZReport) for its reporting status. Optionally linked to the journal entry that books
    the day's sales, which then goes to the e-Ledger as a "Z Raporu" document.
    """

    _name = "l10n_tr_edoc.zreport"
    _description = "Z Report of a Cash Register"
    _inherit = ["mail.thread", "l10n_tr_edoc.submission"]
    _order = "date desc, okc_serial, number desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    account_id = fields.Many2one("l10n_tr_edoc.account", string="Integrator Account", check_company=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    branch = fields.Char(
        required=True, default=DEFAULT_BRANCH, help="Branch code (SUBE_KODU); 001 without branches."
    )
    okc_serial = fields.Char(
        string="Register Serial No",
        required=True,
        index=True,
        help="ÖKC sicil no: the register's firm code followed by its serial, e.g. LH0001 (OKC_SICIL_NO).",
    )
    eku_no = fields.Char(
        string="EKU No", required=True, help="Number of the register's fiscal memory unit (EKU)."
    )
    number = fields.Char(string="Z Number", required=True)
    date = fields.Date(required=True, index=True)
    sales_total = fields.Monetary(required=True)
    vat = fields.Monetary(string="KDV", required=True)
    otv = fields.Monetary(string="ÖTV")
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", check_company=True, help="The entry booking the day's sales."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("refused", "Refused"), ("loaded", "Uploaded"), ("reported", "Reported to GİB")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    status = fields.Char(string="Integrator Status", readonly=True, copy=False)
    status_code = fields.Integer(readonly=True, copy=False)
    report_identifier = fields.Char(string="GİB Report ETTN", readonly=True, copy=False)
    report_date = fields.Char(string="GİB Report Date", readonly=True, copy=False)
    loaded_at = fields.Datetime(string="Uploaded On", readonly=True, copy=False)
    error_code = fields.Integer(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)

    _register_number_unique = models.Constraint(
        "UNIQUE(company_id, okc_serial, number)", "A register's Z number is recorded once."
    )

    @api.depends("okc_serial", "number", "date")
    def _compute_name(self):
        for rec in self:
            rec.name = f"{rec.okc_serial or ''} Z{rec.number or ''} {rec.date or ''}"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._l10n_tr_edoc_mark_moves()
        return records

    def write(self, vals):
        if set(vals) & {
            "okc_serial",
            "eku_no",
            "number",
            "date",
            "sales_total",
            "vat",
            "otv",
            "branch",
        } and any(rec.state in ("loaded", "reported") for rec in self):
            raise UserError(self.env._("A Z report that was uploaded cannot be changed."))
        result = super().write(vals)
        if "move_id" in vals:
            self._l10n_tr_edoc_mark_moves()
        return result

    def _l10n_tr_edoc_mark_moves(self):
        """The linked entry goes to the e-Ledger as a Z report unless the user chose otherwise."""
        for rec in self.filtered("move_id"):
            if not rec.move_id.l10n_tr_edoc_ledger_kind:
                rec.move_id.l10n_tr_edoc_ledger_kind = "z_report"

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unsent(self):
        if any(rec.state in ("loaded", "reported") for rec in self):
            raise UserError(self.env._("A Z report that was uploaded cannot be deleted."))

    # -- words -------------------------------------------------------------------------------

    def _l10n_tr_edoc_error_words(self, code):
        """İzibiz's Z-Rapor error codes (200–240) in the user's language."""
        return {
            200: self.env._("A parameter is missing or wrong."),
            210: self.env._(
                "This address is not authorised for the operation (the integrator checks the IP address)."
            ),
            220: self.env._("The daily request limit was exceeded; try again tomorrow."),
            230: self.env._("This Z report is already at the integrator."),
            240: self.env._("The integrator's document check failed."),
        }.get(code)

    def _l10n_tr_edoc_field_words(self, name):
        return {
            "okc_serial": self.env._("Register serial no (two letters of the firm code, then the serial)"),
            "eku_no": self.env._("EKU no"),
            "number": self.env._("Z number"),
            "date": self.env._("Date"),
            "sales_total": self.env._("Sales total"),
            "vat": self.env._("KDV (not above the sales total)"),
            "otv": self.env._("ÖTV"),
            "branch": self.env._("Branch code"),
        }.get(name, name)

    def _l10n_tr_edoc_core(self):
        self.ensure_one()

        def money(value):
            return Decimal(str(value or 0)).quantize(Decimal("0.01"))

        return ZReport(
            okc_serial=(self.okc_serial or "").strip().upper(),
            eku_no=(self.eku_no or "").strip(),
            number=(self.number or "").strip(),
            date=self.date,
            sales_total=money(self.sales_total),
            vat=money(self.vat),
            otv=money(self.otv) if self.otv else None,
            branch=(self.branch or DEFAULT_BRANCH).strip(),
        )

    # -- upload ------------------------------------------------------------------------------

    def action_l10n_tr_edoc_load(self):
        """Upload the selected drafts (and refused ones again), in bulk per company."""
        self.check_access("write")
        todo = self.filtered(lambda rec: rec.state in ("draft", "refused"))
        if not todo:
            raise UserError(self.env._("Only draft or refused Z reports can be uploaded."))
        for company, records in todo.grouped("company_id").items():
            records.with_company(company)._l10n_tr_edoc_load()
        return True

    def _l10n_tr_edoc_load(self):
        loaded = self._l10n_tr_edoc_submit(
            self._l10n_tr_edoc_account(ZREPORT, self.env._("Z report upload")),
            "LoadZReport",
            lambda provider, cores: provider.load_zreports(cores),
            check=check_zreport,
            key=lambda core: core.key,
            error_code=zreport_error,
            not_sent=lambda words, field: self.env._(
                "%(words)s (%(field)s) — not uploaded.", words=words, field=field
            ),
            refused=lambda words, remote: self.env._(
                "The integrator refused the Z report: %(words)s (%(remote)s)", words=words, remote=remote
            ),
        )
        loaded.write(
            {"state": "loaded", "loaded_at": fields.Datetime.now(), "error_code": 0, "error_message": False}
        )

    # -- read back ---------------------------------------------------------------------------

    def action_l10n_tr_edoc_refresh_status(self):
        """GetZReport over the dates of the selection: status and GİB report of each uploaded one."""
        self.check_access("write")
        Document = self.env["l10n_tr_edoc.document"]
        for account, records in (
            self.filtered(lambda r: r.state in ("loaded", "reported")).grouped("account_id").items()
        ):
            if ZREPORT_READ not in get_provider_class(account.provider).capabilities:
                continue
            try:
                infos, exchanges = account._l10n_tr_edoc_get_provider().get_zreports(
                    start=min(records.mapped("date")), end=max(records.mapped("date"))
                )
            except EdocError as error:
                Document._l10n_tr_edoc_log_exchanges(
                    "GetZReport", error.params.get("exchanges", ()), error=error, account=account
                )
                raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
            Document._l10n_tr_edoc_log_exchanges("GetZReport", exchanges, account=account)
            by_key = {info.report.key: info for info in infos}
            for rec in records:
                info = by_key.get(rec._l10n_tr_edoc_core().key)
                if info is None:
                    continue
                values = {
                    "status": info.status_description or info.status,
                    "status_code": info.status_code or 0,
                    "report_identifier": info.report_identifier or False,
                    "report_date": info.report_date or False,
                }
                if info.report_identifier:
                    values["state"] = "reported"
                rec.write(values)
        return True

    @api.model
    def action_l10n_tr_edoc_last_report(self):
        """GetZReport with SON_RAPOR=Y: what the integrator holds as the last uploaded Z report."""
        account = self._l10n_tr_edoc_account(ZREPORT_READ, self.env._("Z report read-back"))
        Document = self.env["l10n_tr_edoc.document"]
        try:
            infos, exchanges = account._l10n_tr_edoc_get_provider().get_zreports(last=True)
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                "GetZReport", error.params.get("exchanges", ()), error=error, account=account
            )
            raise UserError(Document._l10n_tr_edoc_error_text(error)) from error
        Document._l10n_tr_edoc_log_exchanges("GetZReport", exchanges, account=account)
        if infos:
            report = infos[0].report
            message = self.env._(
                "Register %(okc)s, Z %(number)s of %(date)s: sales %(sales)s, KDV %(vat)s — %(status)s",
                okc=report.okc_serial,
                number=report.number,
                date=report.date,
                sales=report.sales_total,
                vat=report.vat,
                status=infos[0].status_description or infos[0].status,
            )
        else:
            message = self.env._("The integrator holds no Z report yet.")
        return account._l10n_tr_edoc_notify(self.env._("Last uploaded Z report"), message, "info")
