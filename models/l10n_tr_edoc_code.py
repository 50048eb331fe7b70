from odoo import api, fields, models

from ..core import codes
from ..core.earsivbelge import EXTRA_TAX_TYPES

KINDS = [
    ("tax_type", "Tax Type"),
    ("withholding", "Withholding (Tevkifat)"),
    ("exemption", "Exemption Reason (İstisna)"),
]


class L10nTrEdocCode(models.Model):
    """A GİB code-list entry (tax type, withholding or exemption) that taxes and lines point to.

    The values come from core/codes.py, the project's single copy of GİB's lists; they are records so
    that accountants can see them, search them and pick them on taxes without code changes.
    """

    _name = "l10n_tr_edoc.code"
    _description = "GİB Code"
    _order = "kind, code"
    _rec_names_search = ["code", "name"]

    kind = fields.Selection(KINDS, required=True, index=True)
    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True)
    short_name = fields.Char(help="Name GİB documents print, e.g. KDV or ÖTV 1.LİSTE.")
    percent = fields.Integer(help="Withholding: share of the KDV the buyer withholds, in percent.")
    exemption_group = fields.Char(help="Exemption: the GİB list the code belongs to, e.g. TAM_ISTISNA.")
    active = fields.Boolean(default=True)

    _unique_code = models.Constraint("UNIQUE(kind, code)", "A GİB code exists once per list.")

    @api.depends("code", "name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.code} {record.name}"

    @api.model
    def _l10n_tr_edoc_load_core_codes(self):
        """Insert or refresh every code of core/codes.py; codes users archived stay archived."""
        rows = [
            {"kind": "tax_type", "code": code, "name": name, "short_name": codes.tax_name(code)}
            for code, (name, _short) in codes.TAX_TYPE_NAMES.items()
        ]
        rows += [
            {"kind": "tax_type", "code": code, "name": name, "short_name": short}
            for code, (name, short) in EXTRA_TAX_TYPES.items()
        ]
        rows += [
            {
                "kind": "withholding",
                "code": code,
                "name": name,
                "percent": round(ratio * 100),
            }
            for code, (name, ratio) in codes.WITHHOLDING_NAMES.items()
        ]
        rows += [
            {"kind": "exemption", "code": code, "name": text, "exemption_group": str(group)}
            for code, (group, text) in codes.EXEMPTIONS.items()
        ]
        # codes GİB's schematron accepts but Kod Listeleri V1.40 does not name (233, 501, 555): GİB
        # publishes no text for them, so the code stands for its name
        rows += [
            {"kind": "exemption", "code": code, "name": code, "exemption_group": ""}
            for code in sorted(codes.exemption_codes() - codes.EXEMPTIONS.keys())
        ]
        existing = {
            (record.kind, record.code): record for record in self.with_context(active_test=False).search([])
        }
        self.create([row for row in rows if (row["kind"], row["code"]) not in existing])
        for row in rows:
            if record := existing.get((row["kind"], row["code"])):
                record.write(row)

    @api.model
    def _l10n_tr_edoc_find(self, kind, code):
        return self.with_context(active_test=False).search(
            [("kind", "=", kind), ("code", "=", code)], limit=1
        )
