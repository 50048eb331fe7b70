from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.codes import UNIT_CODES

# Odoo's own units and the GİB (UN/ECE Rec 20) codes they stand for; other units are mapped by hand.
DEFAULT_UNIT_CODES = {
    "uom.product_uom_unit": "C62",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_square_meter": "MTK",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_kwh": "KWH",
}


class UomUom(models.Model):
    _inherit = "uom.uom"

    l10n_tr_edoc_unit_code = fields.Selection(
        selection=lambda self: sorted((code, f"{code} - {text}") for code, text in UNIT_CODES.items()),
        string="GİB Unit Code",
        help="Unit code GİB expects on e-documents for this unit. Odoo's standard units need none.",
    )

    def _l10n_tr_edoc_unit_code(self):
        """The GİB code of this unit: the one set by hand, else Odoo's standard mapping."""
        self.ensure_one()
        if self.l10n_tr_edoc_unit_code:
            return self.l10n_tr_edoc_unit_code
        xmlid = self.get_external_id().get(self.id)
        if code := DEFAULT_UNIT_CODES.get(xmlid):
            return code
        raise UserError(
            self.env._(
                "The unit %s has no GİB unit code. Set one on the unit of measure before sending.",
                self.display_name,
            )
        )

    @api.model
    def _l10n_tr_edoc_from_code(self, code):
        """The unit an incoming GİB unit code stands for, or an empty recordset."""
        found = self.search([("l10n_tr_edoc_unit_code", "=", code)], limit=1)
        if found:
            return found
        xmlid = next((xmlid for xmlid, known in DEFAULT_UNIT_CODES.items() if known == code), None)
        if xmlid:
            return self.env.ref(xmlid, raise_if_not_found=False) or self.browse()
        return self.browse()
