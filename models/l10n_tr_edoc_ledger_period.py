import base64
import binascii
import calendar
import hashlib
import logging
import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError, ValidationFailed
from ..core.ledger import (
    DEFAULT_BRANCH,
    PeriodState,
    SourceEntry,
    SourceLine,
    SourceWriter,
    archive_filename,
    check_period_order,
    inspect_archive,
)
from ..core.providers.izibiz_ledger import LEDGER
from ..core.providers.registry import get_provider_class

_logger = logging.getLogger(__name__)

BATCH = 1000
INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund")


class L10nTrEdocLedgerPeriod(models.Model):
    """One month of e-Defter: the source exported for İzibiz's e-Defter application, GİB's berat
    approval, and the books and berats kept at the integrator (ArchiveELedger).

    The export is a frozen CSV (see core/ledger.py for why not a database view) with its SHA-256;
    archive, download and cancel keep the checksums of what went and what came back.
    """

    _name = "l10n_tr_edoc.ledger.period"
    _description = "e-Ledger Period"
    _inherit = ["mail.thread"]
    _order = "date_from desc, branch"
    _check_company_auto = True

    name = fields.Char(compute="_compute_period", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    account_id = fields.Many2one("l10n_tr_edoc.account", string="Integrator Account", check_company=True)
    date_from = fields.Date(
        string="Month", required=True, help="Any day of the month; the period is the month."
    )
    date_to = fields.Date(string="Period End", compute="_compute_period", store=True)
    period = fields.Char(compute="_compute_period", store=True, index=True, help="YYYYMM (DONEM).")
    branch = fields.Char(
        required=True,
        default=DEFAULT_BRANCH,
        size=4,
        help="Branch (SUBE) of the archive name; 0000 without branches.",
    )
    erpno = fields.Char(string="ERP Company No", required=True, default="001")
    division = fields.Char(string="Workplace No", required=True, default="0")
    state = fields.Selection(
        [("draft", "Draft"), ("exported", "Source Exported"), ("approved", "Berat Approved by GİB")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    archive_state = fields.Selection(
        [("none", "Not Archived"), ("archived", "Archived"), ("cancelled", "Archive Cancelled")],
        string="Safe-keeping",
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    problems = fields.Text(readonly=True, copy=False)
    problem_move_ids = fields.Many2many("account.move", string="Entries to Fix", readonly=True, copy=False)
    source_attachment_id = fields.Many2one("ir.attachment", string="Source File", readonly=True, copy=False)
    source_sha256 = fields.Char(string="Source SHA-256", readonly=True, copy=False)
    line_count = fields.Integer(readonly=True, copy=False)
    entry_count = fields.Integer(readonly=True, copy=False)
    part_count = fields.Integer(string="Parts", readonly=True, copy=False)
    first_entry_number = fields.Integer(readonly=True, copy=False)
    exported_at = fields.Datetime(readonly=True, copy=False)
    archive_file = fields.Binary(string="Books and Berats (zip)", attachment=True, copy=False)
    archive_filename = fields.Char(compute="_compute_archive_filename")
    archive_sha256 = fields.Char(string="Archived SHA-256", readonly=True, copy=False)
    archived_at = fields.Datetime(readonly=True, copy=False)
    archive_txn = fields.Char(string="Integrator Transaction", readonly=True, copy=False)
    download_attachment_id = fields.Many2one(
        "ir.attachment", string="Downloaded Zip", readonly=True, copy=False
    )
    download_sha256 = fields.Char(string="Downloaded SHA-256", readonly=True, copy=False)
    downloaded_at = fields.Datetime(readonly=True, copy=False)
    download_matches = fields.Boolean(readonly=True, copy=False)
    cancelled_at = fields.Datetime(readonly=True, copy=False)
    error_message = fields.Text(readonly=True, copy=False)

    _period_unique = models.Constraint(
        "UNIQUE(company_id, branch, period)", "An e-Ledger period exists only once per company and branch."
    )

    @api.depends("date_from", "branch")
    def _compute_period(self):
        for rec in self:
            if not rec.date_from:
                rec.period = rec.date_to = rec.name = False
                continue
            last = calendar.monthrange(rec.date_from.year, rec.date_from.month)[1]
            rec.date_to = rec.date_from.replace(day=last)
            rec.period = f"{rec.date_from.year:04d}{rec.date_from.month:02d}"
            rec.name = f"{rec.period}-{rec.branch or DEFAULT_BRANCH}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from"):
                vals["date_from"] = fields.Date.to_date(vals["date_from"]).replace(day=1)
        return super().create(vals_list)

    def _compute_archive_filename(self):
        for rec in self:
            vat = rec.company_id.vat or ""
            try:
                rec.archive_filename = archive_filename(vat, rec.period, rec.branch)
            except ValidationFailed:
                rec.archive_filename = False

    @api.ondelete(at_uninstall=False)
    def _unlink_only_unapproved(self):
        if any(rec.state == "approved" or rec.archive_state == "archived" for rec in self):
            raise UserError(
                self.env._("A period whose berat GİB approved, or that is archived, cannot be deleted.")
            )

    # -- words -------------------------------------------------------------------------------

    def _l10n_tr_edoc_problem_text(self, problem):
        params = problem.params or {}
        entry = problem.entry_number or ""
        words = {
            "kind": self.env._("%(entry)s: unknown e-Ledger document kind.", entry=entry),
            "document": self.env._(
                "%(entry)s: the document number and date are required for its document type.", entry=entry
            ),
            "payment_method": self.env._("%(entry)s: the payment method is not one GİB knows.", entry=entry),
            "unbalanced": self.env._(
                "%(entry)s: debit %(debit)s and credit %(credit)s differ.",
                entry=entry,
                debit=params.get("debit"),
                credit=params.get("credit"),
            ),
            "too_long": self.env._(
                "%(entry)s has %(lines)s lines: one entry must fit in one part of %(limit)s lines (200 MB).",
                entry=entry,
                lines=params.get("lines"),
                limit=params.get("limit"),
            ),
            "mandatory": self.env._(
                "%(entry)s: the mandatory field %(field)s is empty.", entry=entry, field=problem.field
            ),
            "main_account": self.env._(
                "%(entry)s: account %(account)s does not start with a three-digit Turkish chart account.",
                entry=entry,
                account=params.get("account"),
            ),
            "overlap": self.env._("The period overlaps the e-Ledger period %s.", params.get("period")),
            "approved": self.env._(
                "GİB already approved the berat of %s: its books cannot be produced again.",
                params.get("period"),
            ),
            "later_approved": self.env._(
                "GİB already approved the berat of the later period %s: earlier books are closed.",
                params.get("period"),
            ),
            "previous_not_approved": self.env._(
                "Books go month by month: GİB must first approve the berat of the previous period %s.",
                params.get("period") or self.env._("(not recorded)"),
            ),
        }
        return words.get(problem.code, problem.code)

    # -- export ------------------------------------------------------------------------------

    def _l10n_tr_edoc_order_problems(self):
        others = self.search(
            [("company_id", "=", self.company_id.id), ("branch", "=", self.branch), ("id", "!=", self.id)]
        )
        states = [PeriodState(o.date_from, o.date_to, o.state == "approved", o) for o in others]
        first = min([self.date_from, *others.mapped("date_from")])
        return check_period_order(self.date_from, self.date_to, states, first_period=first)

    def _l10n_tr_edoc_first_entry_number(self):
        """Yevmiye madde numbers run through the fiscal year: count the entries before this month."""
        start = self.company_id.compute_fiscalyear_dates(self.date_from)["date_from"]
        self.env.cr.execute(
            """
            SELECT count(*) FROM account_move m
             WHERE m.company_id = %s AND m.state = 'posted' AND m.date >= %s AND m.date < %s
               AND EXISTS (SELECT 1 FROM account_move_line l
                            WHERE l.move_id = m.id AND l.account_id IS NOT NULL
                              AND (round(l.debit, 2) <> 0 OR round(l.credit, 2) <> 0))
            """,
            [self.company_id.id, start, self.date_from],
        )
        return self.env.cr.fetchone()[0] + 1

    def _l10n_tr_edoc_accounts(self):
        """(account id → (code, name), kebir code → name), in Turkish when Turkish is installed."""
        Account = self.env["account.account"].with_company(self.company_id)
        if self.env["res.lang"]._lang_get("tr_TR"):
            Account = Account.with_context(lang="tr_TR")
        accounts = Account.search_fetch([("company_ids", "in", self.company_id.ids)], ["code", "name"])
        by_id = {account.id: (account.code or "", account.name or "") for account in accounts}
        # the kebir account itself: its three digits, padded with zeros to the chart's length (500000)
        mains = {
            code[:3]: name
            for code, name in sorted(by_id.values(), reverse=True)
            if len(code) >= 3 and not code[3:].strip("0")
        }
        return by_id, mains

    def _l10n_tr_edoc_source_entries(self):
        """The period's posted entries in posting order, read in batches: memory stays one batch wide."""
        accounts, mains = self._l10n_tr_edoc_accounts()
        opening = self.company_id.account_opening_move_id.id
        users = {}
        cr = self.env.cr
        last = (self.date_from, "", 0)  # keyset: (date, name, id) strictly after the last one read
        while True:
            cr.execute(
                """
                SELECT m.id, m.name, m.date, m.move_type, m.ref, m.invoice_date, m.statement_line_id,
                       m.l10n_tr_edoc_ledger_kind, m.create_date, m.create_uid, j.type,
                       p.payment_type, pm.code, st.name
                  FROM account_move m
                  JOIN account_journal j ON j.id = m.journal_id
             LEFT JOIN account_payment p ON p.id = m.origin_payment_id
             LEFT JOIN account_payment_method_line pml ON pml.id = p.payment_method_line_id
             LEFT JOIN account_payment_method pm ON pm.id = pml.payment_method_id
             LEFT JOIN account_bank_statement_line sl ON sl.id = m.statement_line_id
             LEFT JOIN account_bank_statement st ON st.id = sl.statement_id
                 WHERE m.company_id = %s AND m.state = 'posted' AND m.date <= %s
                   AND (m.date, m.name, m.id) > (%s, %s, %s)
              ORDER BY m.date, m.name, m.id
                 LIMIT %s
                """,
                [self.company_id.id, self.date_to, *last, BATCH],
            )
            moves = cr.fetchall()
            if not moves:
                return
            last = (moves[-1][2], moves[-1][1], moves[-1][0])
            cr.execute(
                """
                SELECT move_id, id, account_id, debit, credit, name
                  FROM account_move_line
                 WHERE move_id = ANY(%s) AND account_id IS NOT NULL
              ORDER BY move_id, id
                """,
                [[move[0] for move in moves]],
            )
            lines = {}
            for move_id, line_id, account_id, debit, credit, label in cr.fetchall():
                code, name = accounts.get(account_id, ("", ""))
                lines.setdefault(move_id, []).append(
                    SourceLine(
                        line_id,
                        code,
                        name,
                        mains.get(code[:3], name),
                        debit,
                        credit,
                        (label or "")[:250],
                    )
                )
            missing = {move[9] for move in moves} - set(users)
            for user in self.env["res.users"].sudo().browse(missing).with_context(active_test=False):
                users[user.id] = user.name
            for move in moves:
                yield self._l10n_tr_edoc_source_entry(move, lines.get(move[0], ()), users, opening)

    @staticmethod
    def _l10n_tr_edoc_source_entry(move, lines, users, opening):
        (move_id, name, day, move_type, ref, invoice_date, statement_line, kind, created, creator) = move[:10]
        journal_type, payment_type, method_code, statement_name = move[10:]
        number, doc_date, payment_method = "", None, ""
        if not kind:
            if move_id == opening:
                kind = "opening"
            elif move_type in INVOICE_TYPES:
                kind = "invoice"
            elif move_type == "out_receipt":
                kind = "retail_receipt"
            elif move_type == "in_receipt":
                kind = "expense_form"
            elif statement_line:
                kind = "bank_slip"
            elif payment_type and "check" in (method_code or ""):
                kind = "check"
            elif payment_type:
                kind = {
                    ("bank", "inbound"): "transfer_in",
                    ("bank", "outbound"): "transfer_out",
                    ("cash", "inbound"): "collection",
                    ("cash", "outbound"): "disbursement",
                }.get((journal_type, payment_type), "accounting_voucher")
            else:
                kind = "accounting_voucher"
        if kind == "invoice":
            number = ref if move_type.startswith("in_") and ref else name
            doc_date = invoice_date or day
        elif kind == "bank_slip":
            number, doc_date, payment_method = statement_name or ref or "", day, "Banka"
        elif kind in ("opening", "closing"):
            number = ""
        else:
            number, doc_date = ref or name, invoice_date or day
        if kind in ("check", "check_list"):
            payment_method = "Çek"
        elif kind in ("voucher", "voucher_list"):
            payment_method = "Senet"
        elif kind in ("transfer_in", "transfer_out"):
            payment_method = "Banka"
        elif kind in ("collection", "disbursement"):
            payment_method = "Nakit"
        return SourceEntry(
            ref=move_id,
            number=name,
            date=day,
            kind=kind,
            lines=tuple(lines),
            entered_by=users.get(creator, ""),
            entered_at=created,
            document_number=number,
            document_date=doc_date,
            reference=ref or "",
            payment_method=payment_method,
            comment=(ref or "")[:250],
        )

    def action_l10n_tr_edoc_export_source(self):
        """Check the period and write its e-Defter source CSV; problems are listed, nothing exported."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "approved":
            raise UserError(
                self.env._("GİB approved this period's berat: its source cannot be exported again.")
            )
        problems = self._l10n_tr_edoc_order_problems()
        first = self._l10n_tr_edoc_first_entry_number()
        with tempfile.TemporaryFile() as spool:
            writer = SourceWriter(spool, erpno=self.erpno, division=self.division, first_entry_number=first)
            for entry in self._l10n_tr_edoc_source_entries():
                writer.add(entry)
            digest = writer.close()
            problems += writer.problems
            if problems:
                moves = (
                    self.env["account.move"]
                    .browse({p.entry for p in problems if isinstance(p.entry, int)})
                    .exists()
                )
                text = "\n".join(self._l10n_tr_edoc_problem_text(p) for p in problems)
                self.write({"problems": text, "problem_move_ids": [(6, 0, moves.ids)]})
                self.message_post(body=self.env._("The e-Ledger source was not exported:\n%s", text))
                return False
            spool.seek(0)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{self.company_id.vat or ''}-{self.period}-{self.branch}-kaynak.csv",
                    "raw": spool.read(),
                    "mimetype": "text/csv",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        self.source_attachment_id.unlink()
        self.write(
            {
                "state": "exported",
                "problems": False,
                "problem_move_ids": [(5, 0, 0)],
                "source_attachment_id": attachment.id,
                "source_sha256": digest,
                "line_count": writer.line_number,
                "entry_count": writer.entry_count,
                "part_count": len(writer.parts),
                "first_entry_number": first,
                "exported_at": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=self.env._(
                "e-Ledger source exported: %(entries)s entries, %(lines)s lines, SHA-256 %(sha)s.",
                entries=writer.entry_count,
                lines=writer.line_number,
                sha=digest,
            )
        )
        return True

    def action_l10n_tr_edoc_mark_approved(self):
        """GİB approved the berat (the e-Defter application says so): the period's books are closed."""
        self.check_access("write")
        if any(rec.state != "exported" for rec in self):
            raise UserError(self.env._("Only an exported period can have its berat approved."))
        self.write({"state": "approved"})
        return True

    def action_l10n_tr_edoc_reset(self):
        self.check_access("write")
        if any(rec.state == "approved" for rec in self):
            raise UserError(
                self.env._("GİB approved this period's berat: its books cannot be produced again.")
            )
        self.write({"state": "draft"})
        return True

    # -- safe-keeping ------------------------------------------------------------------------

    def _l10n_tr_edoc_provider(self):
        account = self.account_id or self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(
            self.company_id
        )
        if not account:
            raise UserError(
                self.env._("No integrator account is set up for %s.", self.company_id.display_name)
            )
        if LEDGER not in get_provider_class(account.provider).capabilities:
            raise UserError(self.env._("%s does not keep e-Ledgers.", account.display_name))
        self.account_id = account
        options = {"proxy_url": account.ledger_proxy_url} if account.ledger_proxy_url else {}
        return account, account._l10n_tr_edoc_get_provider(**options)

    def _l10n_tr_edoc_vkn(self):
        return self.env["res.partner"]._l10n_tr_edoc_normalize_tax_id(self.company_id.vat)

    def _l10n_tr_edoc_call(self, operation, call):
        """Run ``call(provider)``; log the exchanges; a refusal is stored with the integrator's words."""
        account, provider = self._l10n_tr_edoc_provider()
        Document = self.env["l10n_tr_edoc.document"]
        try:
            result = call(provider)
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                operation, error.params.get("exchanges", ()), error=error, account=account
            )
            remote = error.params.get("remote_message")
            text = (
                self.env._(
                    "The integrator refused %(operation)s: %(message)s", operation=operation, message=remote
                )
                if remote
                else Document._l10n_tr_edoc_error_text(error)
            )
            self.error_message = text
            self.message_post(body=text)
            return None
        Document._l10n_tr_edoc_log_exchanges(operation, result.exchanges, account=account)
        self.error_message = False
        return result

    def action_l10n_tr_edoc_archive(self):
        """ArchiveELedger: the uploaded zip of books and berats, named VKN-DONEM-SUBE.zip."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "approved":
            raise UserError(self.env._("Archive a period once GİB has approved its berat."))
        if self.archive_state == "archived":
            raise UserError(
                self.env._("This period is already archived at the integrator; a period is kept once.")
            )
        if not self.archive_file:
            raise UserError(self.env._("Upload the zip of the period's books and berats first."))
        try:
            content = base64.b64decode(self.archive_file, validate=True)
            inspect_archive(content)
            filename = archive_filename(self._l10n_tr_edoc_vkn(), self.period, self.branch)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                self.env._("The uploaded file is not a zip of the period's XML files.")
            ) from error
        except ValidationFailed as error:
            raise UserError(self.env._(error.message)) from error
        result = self._l10n_tr_edoc_call("ArchiveELedger", lambda p: p.archive_ledger(filename, content))
        if result is None:
            return False
        self.write(
            {
                "archive_state": "archived",
                "archive_sha256": hashlib.sha256(content).hexdigest(),
                "archived_at": fields.Datetime.now(),
                "archive_txn": result.txn_id,
                "cancelled_at": False,
            }
        )
        self.message_post(body=self.env._("Archived at the integrator as %s.", filename))
        return True

    def action_l10n_tr_edoc_download(self):
        """GetELedger: the integrator's copy, kept with its checksum next to the archived one."""
        self.ensure_one()
        self.check_access("write")
        if self.archive_state != "archived":
            raise UserError(self.env._("Only an archived period can be downloaded."))
        vkn = self._l10n_tr_edoc_vkn()
        result = self._l10n_tr_edoc_call("GetELedger", lambda p: p.get_ledger(vkn, self.period))
        if result is None:
            return False
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.archive_filename or f"{vkn}-{self.period}-{self.branch}.zip",
                "raw": result.content,
                "mimetype": "application/zip",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.download_attachment_id.unlink()
        self.write(
            {
                "download_attachment_id": attachment.id,
                "download_sha256": result.sha256,
                "downloaded_at": fields.Datetime.now(),
                "download_matches": result.sha256 == self.archive_sha256,
            }
        )
        return True

    def action_l10n_tr_edoc_cancel_archive(self):
        """CancelELedger: the integrator drops the period, which must then be archived again."""
        self.ensure_one()
        self.check_access("write")
        if self.archive_state != "archived":
            raise UserError(self.env._("Only an archived period can be cancelled."))
        vkn = self._l10n_tr_edoc_vkn()
        result = self._l10n_tr_edoc_call("CancelELedger", lambda p: p.cancel_ledger(vkn, self.period))
        if result is None:
            return False
        self.write({"archive_state": "cancelled", "cancelled_at": fields.Datetime.now()})
        self.message_post(
            body=self.env._("The archive was cancelled at the integrator: archive the period again.")
        )
        return True
