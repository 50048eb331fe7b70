from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _l10n_tr_edoc_despatch_pickings(self):
        """Deliveries of this invoice's goods; reached through sale orders when sale_stock is installed."""
        self.ensure_one()
        lines = self.invoice_line_ids
        if "sale_line_ids" not in lines._fields:
            return self.env["stock.picking"]
        moves = lines.sale_line_ids.move_ids
        return moves.picking_id.filtered(lambda picking: picking.picking_type_code == "outgoing")

    def _l10n_tr_edoc_despatch_references(self, pickings=None):
        """DespatchDocumentReferences of the e-İrsaliye sent for this invoice's deliveries, oldest first."""
        self.ensure_one()
        pickings = pickings if pickings is not None else self._l10n_tr_edoc_despatch_pickings()
        references = (picking._l10n_tr_edoc_despatch_reference() for picking in pickings.sorted("id"))
        return tuple(reference for reference in references if reference)
