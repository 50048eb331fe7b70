import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..core import documents as d
from ..core.providers.base import OutgoingDocument
from ..core.ubl import build_receipt_advice, serialize
from ..core.ubl.parse import parse_despatch_advice
from ..core.validation import validate_document
from ..models.res_partner import normalize_tax_id
from ..models.stock_picking import quantity


class L10nTrEdocReceiptAdviceWizard(models.TransientModel):
    """Answer a received e-İrsaliye line by line: accepted, rejected (with a reason), short, over."""

    _name = "l10n_tr_edoc.receipt.advice.wizard"
    _description = "Send İrsaliye Yanıtı"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    document_id = fields.Many2one("l10n_tr_edoc.document", string="e-İrsaliye", required=True, readonly=True)
    line_ids = fields.One2many("l10n_tr_edoc.receipt.advice.wizard.line", "wizard_id", string="Lines")
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        picking = self.env["stock.picking"].browse(self.env.context.get("active_id"))
        document = picking.l10n_tr_edoc_document_id
        if not (document.kind == "despatch" and document.direction == "in"):
            raise UserError(self.env._("%s did not come with an e-İrsaliye.", picking.display_name))
        if document.state != "awaiting_response":
            raise UserError(self.env._("The e-İrsaliye %s is not waiting for an answer.", document.name))
        advice = parse_despatch_advice(document._l10n_tr_edoc_despatch_xml())
        Document = self.env["l10n_tr_edoc.document"]
        values.update(
            picking_id=picking.id,
            document_id=document.id,
            line_ids=[
                (
                    0,
                    0,
                    {
                        "despatch_line_ref": line.id,
                        "name": line.item.name,
                        "product_id": Document._l10n_tr_edoc_find_product(line.item).id,
                        "unit_code": line.unit_code,
                        "delivered_qty": float(line.delivered_quantity),
                        "received_qty": float(line.delivered_quantity),
                    },
                )
                for line in advice.lines
            ],
        )
        return values

    def _l10n_tr_edoc_line_problems(self):
        problems = []
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        for line in self.line_ids:
            if min(line.received_qty, line.rejected_qty, line.short_qty, line.over_qty) < 0:
                problems.append(self.env._("Line %s: quantities cannot be negative.", line.despatch_line_ref))
            total = line.received_qty + line.rejected_qty + line.short_qty - line.over_qty
            if float_compare(total, line.delivered_qty, precision_digits=digits):
                problems.append(
                    self.env._(
                        "Line %(line)s (%(item)s): accepted + rejected + short - over "
                        "must equal the despatched "
                        "%(qty)s.",
                        line=line.despatch_line_ref,
                        item=line.name,
                        qty=line.delivered_qty,
                    )
                )
            if (
                not float_is_zero(line.rejected_qty, precision_digits=digits)
                and not (line.reject_reason or "").strip()
            ):
                problems.append(
                    self.env._("Line %s: give the reason of the rejection.", line.despatch_line_ref)
                )
        return problems

    def action_send(self):
        """Build, check and send the İrsaliye Yanıtı; the e-İrsaliye counts as answered once sent."""
        self.ensure_one()
        if problems := self._l10n_tr_edoc_line_problems():
            raise UserError("\n".join(problems))
        despatch_doc = self.document_id
        despatch = parse_despatch_advice(despatch_doc._l10n_tr_edoc_despatch_xml())
        supplier = self.picking_id.partner_id.commercial_partner_id
        alias = supplier.l10n_tr_edoc_despatch_alias
        if not alias:
            raise UserError(
                self.env._(
                    "%s has no e-İrsaliye alias (PK) to receive the İrsaliye Yanıtı.", supplier.display_name
                )
            )
        company = despatch_doc.company_id
        today = self.picking_id._l10n_tr_edoc_local(fields.Datetime.now())
        series = self.env["l10n_tr_edoc.series"]._l10n_tr_edoc_find(
            company, "receipt_advice", picking_type=self.picking_id.picking_type_id
        )
        if not series:
            raise UserError(
                self.env._("Create an İrsaliye Yanıtı document series for %s first.", company.name)
            )
        document = self.env["l10n_tr_edoc.document"].create(
            {
                "uuid": str(uuid.uuid4()).upper(),
                "name": series._l10n_tr_edoc_take_number(today.date(), today=today.date()),
                "issue_date": today.date(),
                "company_id": company.id,
                "account_id": despatch_doc.account_id.id,
                "kind": "receipt_advice",
                "direction": "out",
                "profile": despatch.profile_id,
                "type_code": "SEVK",
                "parent_id": despatch_doc.id,
                "picking_id": self.picking_id.id,
                "receiver_vat": despatch.supplier.tax_id,
                "receiver_alias": alias,
            }
        )
        despatch_lines = {line.id: line for line in despatch.lines}
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        advice = d.ReceiptAdvice(
            profile_id=despatch.profile_id,
            id=document.name,
            uuid=document.uuid,
            issue_date=document.issue_date,
            issue_time=today.time().replace(microsecond=0),
            despatch_document_reference=d.DocumentReference(id=despatch.id, issue_date=despatch.issue_date),
            order_references=despatch.order_references,
            notes=(self.note,) if self.note else (),
            delivery_customer=self.picking_id._l10n_tr_edoc_party(company.partner_id),
            despatch_supplier=despatch.supplier,
            shipment=d.Shipment(id="1"),
            lines=tuple(
                d.ReceiptLine(
                    id=str(index),
                    received_quantity=quantity(line.received_qty, digits),
                    rejected_quantity=quantity(line.rejected_qty, digits) if line.rejected_qty else None,
                    reject_reason=(line.reject_reason or "").strip() or None,
                    short_quantity=quantity(line.short_qty, digits) if line.short_qty else None,
                    oversupply_quantity=quantity(line.over_qty, digits) if line.over_qty else None,
                    unit_code=line.unit_code or "C62",
                    item=despatch_lines[line.despatch_line_ref].item
                    if line.despatch_line_ref in despatch_lines
                    else d.Item(name=line.name),
                    despatch_line_reference=line.despatch_line_ref,
                )
                for index, line in enumerate(self.line_ids, start=1)
            ),
        )
        xml = serialize(build_receipt_advice(advice))
        report = validate_document(xml, today=document.issue_date)
        if not report.ok:
            raise UserError(
                self.env._(
                    "The İrsaliye Yanıtı failed its checks:\n%s",
                    "\n".join(f"- {i.message}" for i in report.errors),
                )
            )
        document._l10n_tr_edoc_gib_check_before_send(xml, document.name or document.uuid)
        document.sender_vat = advice.delivery_customer.tax_id
        document._l10n_tr_edoc_despatch_attach_xml(xml)
        document._l10n_tr_edoc_despatch_store_answer_lines(
            advice, products={line.despatch_line_ref: line.product_id for line in self.line_ids}
        )
        despatch_doc._l10n_tr_edoc_apply_event("respond")
        document._l10n_tr_edoc_apply_event("submit")
        outgoing = OutgoingDocument(
            uuid=document.uuid,
            xml=xml,
            number=document.name,
            receiver_vkn=normalize_tax_id(despatch.supplier.tax_id),
            receiver_alias=alias,
            sender_vkn=advice.delivery_customer.tax_id,
            sender_alias=despatch_doc.account_id.despatch_sender_alias or "",
        )
        sent = document._l10n_tr_edoc_despatch_submit(
            lambda provider: provider.send_receipt_advice([outgoing]), "SendReceiptAdvice"
        )
        despatch_doc._l10n_tr_edoc_apply_event("response_sent" if sent else "response_failed")
        if not sent:
            # No exception: the refused answer stays on record in send_failed, ready to be sent again.
            return despatch_doc.account_id._l10n_tr_edoc_notify(
                self.env._("İrsaliye Yanıtı not sent"), document.error_message or document.state, "danger"
            )
        return {"type": "ir.actions.act_window_close"}


class L10nTrEdocReceiptAdviceWizardLine(models.TransientModel):
    _name = "l10n_tr_edoc.receipt.advice.wizard.line"
    _description = "Send İrsaliye Yanıtı: Line"

    wizard_id = fields.Many2one("l10n_tr_edoc.receipt.advice.wizard", required=True, ondelete="cascade")
    despatch_line_ref = fields.Char(string="Line", readonly=True)
    name = fields.Char(string="Item", readonly=True)
    product_id = fields.Many2one("product.product")
    unit_code = fields.Char(string="Unit", readonly=True)
    delivered_qty = fields.Float(string="Despatched", digits="Product Unit", readonly=True)
    received_qty = fields.Float(string="Accepted", digits="Product Unit")
    rejected_qty = fields.Float(string="Rejected", digits="Product Unit")
    short_qty = fields.Float(string="Short", digits="Product Unit")
    over_qty = fields.Float(string="Over", digits="Product Unit")
    reject_reason = fields.Char()
