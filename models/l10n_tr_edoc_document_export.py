from odoo import fields, models


class L10nTrEdocDocument(models.Model):
    _inherit = "l10n_tr_edoc.document"

    gtb_refno = fields.Char(
        string="GTB Reference",
        readonly=True,
        copy=False,
        help="Export invoices: the customs reference to write in box 44 of the customs declaration.",
    )
    gtb_gcb_no = fields.Char(
        string="GÇB Registration",
        readonly=True,
        copy=False,
        help="Export invoices: the customs exit declaration.",
    )
    gtb_export_date = fields.Date(
        string="Actual Export Date",
        readonly=True,
        copy=False,
        help="Export invoices: the day the goods left the country, as customs reported it.",
    )

    def _l10n_tr_edoc_awaits_gtb(self):
        """An export invoice is followed until customs reports its actual export."""
        self.ensure_one()
        return self.profile == "IHRACAT" and self.state == "delivered" and not self.gtb_export_date

    def _l10n_tr_edoc_store_gtb(self, status):
        """Keep the customs numbers the integrator's status carries for an export invoice."""
        extra = dict(status.extra or ())
        values = {
            field: extra[key]
            for key, field in (("GTB_REFNO", "gtb_refno"), ("GTB_GCB_TESCILNO", "gtb_gcb_no"))
            if extra.get(key)
        }
        if extra.get("GTB_FIILI_IHRACAT_TARIHI"):
            values["gtb_export_date"] = fields.Date.to_date(extra["GTB_FIILI_IHRACAT_TARIHI"][:10])
        if values:
            self.write(values)
