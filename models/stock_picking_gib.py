from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _l10n_tr_edoc_flag_route_change(self):
        """Mark an open delivery whose partner now receives e-İrsaliye differently, and say so."""
        self.ensure_one()
        self.l10n_tr_edoc_route_changed = True
        partner = self.partner_id.commercial_partner_id
        self.message_post(
            body=self.env._(
                "%(partner)s changed in the GİB user list (e-İrsaliye: %(status)s, alias %(alias)s): "
                "check the despatch channel before validating.",
                partner=partner.display_name,
                status=partner.l10n_tr_edoc_despatch_status,
                alias=partner.l10n_tr_edoc_despatch_alias or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
