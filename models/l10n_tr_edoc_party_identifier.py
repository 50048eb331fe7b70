from odoo import fields, models

from ..core.codes import PARTY_IDENTIFICATION_SCHEMES

# Written from their own fields: the tax number (VKN/TCKN, from the Tax ID) and the company registry numbers.
_OWN_FIELDS = {"VKN", "TCKN", "MERSISNO", "TICARETSICILNO"}


class L10nTrEdocPartyIdentifier(models.Model):
    """A further GİB party identifier (HIZMETNO, MUSTERINO, ABONENO, ...) written as PartyIdentification."""

    _name = "l10n_tr_edoc.party.identifier"
    _description = "GİB Party Identifier"
    _order = "partner_id, sequence, id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    scheme = fields.Selection(
        selection=lambda self: sorted((code, code) for code in PARTY_IDENTIFICATION_SCHEMES - _OWN_FIELDS),
        string="Scheme",
        required=True,
        help="GİB's schemeID of the identifier (Kod Listeleri: PartyIdentification).",
    )
    value = fields.Char(required=True)
