from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.codes import UNIT_CODES

# GİB's list names the usual units; any other UN/ECE Rec 20 code is allowed too (Kod Listeleri 1.40, "Birim
# Kodları"). These are the Rec 20 codes of Odoo's standard units that GİB's short list lacks.
REC20_UNIT_CODES = {
    "DZN": "DÜZİNE",
    "HUR": "SAAT",
    "DAY": "GÜN",
    "MIN": "DAKİKA",
    "MMT": "MİLİMETRE",
    "CMT": "SANTİMETRE",
    "KMT": "KİLOMETRE",
    "MLT": "MİLİLİTRE",
    "TNE": "TON",
    "ONZ": "ONS",
    "LBR": "LİBRE",
    "INH": "İNÇ",
    "FOT": "FİT",
    "YRD": "YARDA",
    "SMI": "MİL",
    "FTK": "FİT KARE",
    "OZA": "SIVI ONS (ABD)",
    "QT": "KUART (ABD)",
    "GLL": "GALON (ABD)",
    "INQ": "İNÇ KÜP",
    "FTQ": "FİT KÜP",
}


class UomUom(models.Model):
    _inherit = "uom.uom"

    l10n_tr_edoc_unit_code = fields.Selection(
        selection=lambda self: sorted(
            (code, f"{code} - {text}") for code, text in (UNIT_CODES | REC20_UNIT_CODES).items()
        ),
        string="GİB Unit Code",
        help="Unit code GİB expects on e-documents for this unit; Odoo's standard units get theirs at "
        "install.",
    )

    def _l10n_tr_edoc_unit_code(self):
        """The GİB code of this unit; a unit without one stops the document instead of guessing."""
        self.ensure_one()
        if self.l10n_tr_edoc_unit_code:
            return self.l10n_tr_edoc_unit_code
        raise UserError(self._l10n_tr_edoc_unit_code_problem())

    def _l10n_tr_edoc_unit_code_problem(self):
        """The pre-flight text for a unit without a GİB code, naming the unit."""
        self.ensure_one()
        return self.env._(
            "The unit %s has no GİB unit code. Set one on the unit of measure before sending.",
            self.display_name,
        )

    @api.model
    def _l10n_tr_edoc_from_code(self, code):
        """The unit an incoming GİB unit code stands for, or an empty recordset."""
        return self.search([("l10n_tr_edoc_unit_code", "=", code)], limit=1)
