import re

from odoo import api, fields, models

VEHICLE_KINDS = [("vehicle", "Vehicle"), ("trailer", "Trailer")]


def normalize_plate(value):
    """Plates are compared and sent without spaces or dashes, upper-cased (34 ABC 123 -> 34ABC123)."""
    return re.sub(r"[\s-]+", "", value or "").upper()


class L10nTrEdocVehicle(models.Model):
    """A truck or trailer whose plate an e-İrsaliye names (PLAKA on the stage, DORSEPLAKA on the unit)."""

    _name = "l10n_tr_edoc.vehicle"
    _description = "e-İrsaliye Vehicle"
    _order = "kind, name"
    _check_company_auto = True

    name = fields.Char(string="Plate", required=True, index=True)
    kind = fields.Selection(VEHICLE_KINDS, required=True, default="vehicle")
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)

    _unique_plate = models.UniqueIndex(
        "(company_id, kind, name) WHERE active IS TRUE", "This plate is already registered."
    )

    @api.model
    def _search_display_name(self, operator, value):
        """Find "34 ABC 123" however it is typed: plates are stored normalised."""
        if isinstance(value, str):
            value = normalize_plate(value)
        return super()._search_display_name(operator, value)

    @api.model
    def name_create(self, name):
        """Typing a known plate in another spelling picks the existing vehicle instead of failing."""
        plate = normalize_plate(name)
        if existing := self.search(
            [("name", "=", plate), ("company_id", "in", (False, self.env.company.id))], limit=1
        ):
            return existing.id, existing.display_name
        return super().name_create(plate)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name"):
                vals["name"] = normalize_plate(vals["name"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("name"):
            vals = {**vals, "name": normalize_plate(vals["name"])}
        return super().write(vals)
