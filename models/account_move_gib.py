from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _l10n_tr_edoc_flag_route_change(self):
        """Mark a draft whose customer now receives e-documents differently, and say so."""
        self.ensure_one()
        self.l10n_tr_edoc_route_changed = True
        partner = self.commercial_partner_id
        self.message_post(
            body=self.env._(
                "%(partner)s changed in the GİB user list (e-Fatura: %(status)s, alias %(alias)s): "
                "check the e-Fatura / e-Arşiv choice before confirming.",
                partner=partner.display_name,
                status=partner.l10n_tr_edoc_einvoice_status,
                alias=partner.l10n_tr_edoc_einvoice_alias or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
