from odoo import fields, models


class L10nTrEdocSeries(models.Model):
    _inherit = "l10n_tr_edoc.series"

    kind = fields.Selection(
        selection_add=[("receipt_advice", "İrsaliye Yanıtı")], ondelete={"receipt_advice": "cascade"}
    )
