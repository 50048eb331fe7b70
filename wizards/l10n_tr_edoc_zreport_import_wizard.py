import base64
import binascii

from odoo import fields, models
from odoo.exceptions import UserError

from ..core.errors import ValidationFailed
from ..core.zreport import CSV_COLUMNS, RowError, parse_csv


class L10nTrEdocZReportImportWizard(models.TransientModel):
    """Z reports from a CSV with İzibiz's column names; a bad row is reported, the others are kept."""

    _name = "l10n_tr_edoc.zreport.import.wizard"
    _description = "Import Z Reports"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()
    result = fields.Text(readonly=True)
    imported_ids = fields.Many2many("l10n_tr_edoc.zreport", string="Imported Z Reports", readonly=True)
    columns = fields.Char(default=", ".join(CSV_COLUMNS), readonly=True)

    def _l10n_tr_edoc_row_words(self, error):
        reason = {
            "missing": self.env._("the value is missing"),
            "date": self.env._("the date is not YYYY-MM-DD"),
            "amount": self.env._("the amount is not a number"),
            "invalid": self.env._("the value is not valid"),
            "duplicate": self.env._("this register's Z number is already recorded"),
        }.get(error.code, error.code)
        return self.env._(
            "Line %(line)s, %(column)s: %(reason)s", line=error.line, column=error.column, reason=reason
        )

    def action_l10n_tr_edoc_import(self):
        self.ensure_one()
        ZReport = self.env["l10n_tr_edoc.zreport"]
        ZReport.check_access("create")
        try:
            data = base64.b64decode(self.file or b"", validate=True)
            reports, errors = parse_csv(data)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file could not be read.")) from error
        except ValidationFailed as error:
            details = ", ".join(str(value) for value in error.params.values())
            raise UserError(f"{self.env._(error.message)} {details}".strip()) from error
        existing = {
            (rec.okc_serial, rec.number)
            for rec in ZReport.search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("okc_serial", "in", [r.okc_serial for _l, r in reports]),
                ]
            )
        }
        values, seen = [], set(existing)
        for line, report in reports:
            if report.key in seen:
                errors.append(RowError(line, "ZRAPOR_NO", "duplicate"))
                continue
            seen.add(report.key)
            values.append(
                {
                    "company_id": self.company_id.id,
                    "branch": report.branch,
                    "okc_serial": report.okc_serial,
                    "eku_no": report.eku_no,
                    "number": report.number,
                    "date": report.date,
                    "sales_total": float(report.sales_total),
                    "vat": float(report.vat),
                    "otv": float(report.otv) if report.otv is not None else 0.0,
                }
            )
        created = ZReport.create(values)
        lines = [self.env._("%s Z reports imported.", len(created))]
        lines += [self._l10n_tr_edoc_row_words(error) for error in sorted(errors, key=lambda e: e.line)]
        self.write({"result": "\n".join(lines), "imported_ids": [(6, 0, created.ids)]})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
