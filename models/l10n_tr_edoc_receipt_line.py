from odoo import fields, models


class L10nTrEdocReceiptLine(models.Model):
    """One line of an İrsaliye Yanıtı, ours or the receiver's, kept for the picking it answers."""

    _name = "l10n_tr_edoc.receipt.line"
    _description = "Receipt Advice Line"
    _order = "document_id, sequence, id"

    document_id = fields.Many2one(
        "l10n_tr_edoc.document", string="Receipt Advice", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    direction = fields.Selection(related="document_id.direction", store=True)
    picking_id = fields.Many2one("stock.picking", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer()
    despatch_line_ref = fields.Char(string="Despatch Line")
    product_id = fields.Many2one("product.product")
    name = fields.Char(string="Item")
    unit_code = fields.Char(string="Unit")
    received_qty = fields.Float(string="Accepted", digits="Product Unit")
    rejected_qty = fields.Float(string="Rejected", digits="Product Unit")
    short_qty = fields.Float(string="Short", digits="Product Unit")
    over_qty = fields.Float(string="Over", digits="Product Unit")
    reject_reason = fields.Char()
