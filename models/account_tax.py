from odoo import fields, models


class AccountTax(models.Model):
    _inherit = "account.tax"

    l10n_tr_edoc_tax_type_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Tax Type",
        domain=[("kind", "=", "tax_type")],
        help="GİB TaxTypeCode written for this tax, e.g. 0015 KDV.",
    )
    l10n_tr_edoc_withholding_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Withholding Code",
        domain=[("kind", "=", "withholding")],
        help="Tevkifat code (6xx/8xx) of a KDV withholding tax.",
    )
    l10n_tr_edoc_exemption_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Exemption Reason",
        domain=[("kind", "=", "exemption")],
        help="Reason written on lines taxed at 0% with this tax (3xx, 2xx, 7xx ...).",
    )
