from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.tr import tckimlik, vkn

from odoo import api, fields, models


def normalize_tax_id(value):
    """GİB identifies parties by bare digits; Odoo users often type 'TR' and spaces."""
    return (value or "").strip().upper().replace(" ", "").removeprefix("TR")


REGISTRATION = [
    ("unknown", "Not Checked"),
    ("registered", "Registered"),
    ("not_registered", "Not Registered"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    l10n_tr_edoc_tax_office = fields.Char(
        string="Tax Office", help="Vergi dairesi, printed on every e-document next to the VKN/TCKN."
    )
    l10n_tr_edoc_einvoice_status = fields.Selection(REGISTRATION, string="e-Fatura Registration", copy=False)
    l10n_tr_edoc_einvoice_alias = fields.Char(
        string="e-Fatura Alias (PK)", copy=False, help="Mailbox (PK alias) our e-Fatura are sent to."
    )
    l10n_tr_edoc_despatch_status = fields.Selection(
        REGISTRATION, string="e-İrsaliye Registration", copy=False
    )
    l10n_tr_edoc_despatch_alias = fields.Char(
        string="e-İrsaliye Alias (PK)", copy=False, help="Mailbox (PK alias) our e-İrsaliye are sent to."
    )

    @api.model
    def _l10n_tr_edoc_normalize_tax_id(self, value):
        return normalize_tax_id(value)

    @api.model
    def _l10n_tr_edoc_tax_id_problem(self, value):
        """Why ``value`` is not a valid VKN (10 digits) or TCKN (11 digits), or None when it is."""
        number = normalize_tax_id(value)
        if not number:
            return self.env._("The tax ID (VKN/TCKN) is missing.")
        if not number.isdigit() or len(number) not in (10, 11):
            return self.env._("The tax ID %s must be a 10-digit VKN or an 11-digit TCKN.", number)
        checker = vkn if len(number) == 10 else tckimlik
        try:
            checker.validate(number)
        except StdnumValidationError:
            if len(number) == 10:
                return self.env._("The VKN %s fails its checksum.", number)
            return self.env._("The TCKN %s fails its checksum.", number)
        return None
