from odoo import fields, models

EINVOICE_PROFILES = [("TEMELFATURA", "TEMELFATURA"), ("TICARIFATURA", "TICARIFATURA")]


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_einvoice_profile = fields.Selection(
        EINVOICE_PROFILES,
        string="Default e-Fatura Scenario",
        default="TEMELFATURA",
        help="Scenario of invoices to registered customers who have no scenario of their own.",
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    l10n_tr_edoc_einvoice_profile = fields.Selection(
        EINVOICE_PROFILES,
        string="e-Fatura Scenario",
        help="TICARIFATURA lets this customer accept or reject our invoices; empty uses the company default.",
    )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    l10n_tr_edoc_gtip = fields.Char(
        string="GTİP", help="Customs tariff number (12 digits) written on export (IHRACAT) invoices."
    )


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    last_status_poll_at = fields.Datetime(string="Statuses Polled At", readonly=True, copy=False)
