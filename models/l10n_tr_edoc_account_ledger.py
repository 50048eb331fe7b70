from odoo import fields, models


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    ledger_proxy_url = fields.Char(
        string="e-Ledger Proxy Address",
        help="Address of İzibiz's proxy service (e-Ledger safe-keeping). İzibiz gives it with the "
        "contract; the sandbox serves it by itself.",
    )
