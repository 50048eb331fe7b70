from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_earchive_delivery = fields.Selection(
        [("integrator", "By the integrator"), ("odoo", "By e-mail from Odoo")],
        string="e-Arşiv Delivery",
        default="integrator",
        required=True,
        help="Who sends the e-Arşiv invoice PDF to the customer once it is issued: the integrator, "
        "or Odoo by e-mail to the invoice's customer.",
    )
