import base64

from odoo import api, models
from odoo.exceptions import UserError

from ..core.errors import EdocError, UnknownOutcome
from ..core.ubl.parse import parse_despatch_advice
from .res_partner import normalize_tax_id

KIND_ROOTS = {"despatch": "DespatchAdvice", "receipt_advice": "ReceiptAdvice"}


class L10nTrEdocDocument(models.Model):
    """e-İrsaliye and İrsaliye Yanıtı specifics: the XML kept, the submission outcome, incoming import."""

    _inherit = "l10n_tr_edoc.document"

    def _l10n_tr_edoc_despatch_attach_xml(self, xml):
        self.ensure_one()
        name = f"{self.name or self.uuid}.xml"
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": xml,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/xml",
            }
        )
        self.xml_attachment_id = attachment
        return attachment

    def _l10n_tr_edoc_despatch_xml(self):
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("The XML of %s is missing.", self.display_name))
        return self.xml_attachment_id.raw or base64.b64decode(self.xml_attachment_id.datas or b"")

    def _l10n_tr_edoc_despatch_submit(self, call, operation):
        """Run ``call(provider)`` for a document in ``sending``; the outcome becomes its state, never lost.

        A timeout after the upload leaves the document ``unknown`` so the status poll decides, never a
        blind resend; a refusal leaves it ``send_failed`` with the integrator's words.
        """
        self.ensure_one()
        with self.account_id._l10n_tr_edoc_session():
            provider = self.account_id._l10n_tr_edoc_get_provider()
            try:
                result = call(provider)
            except EdocError as error:
                text = self._l10n_tr_edoc_error_text(error)
                self._l10n_tr_edoc_log_exchanges(operation, error.params.get("exchanges", ()), error=error)
                event = "timeout" if isinstance(error, UnknownOutcome) else "failed"
                self._l10n_tr_edoc_apply_event(event, error_code=error.code, error_message=text)
                return False
        self._l10n_tr_edoc_log_exchanges(operation, result.exchanges)
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        return True

    def _l10n_tr_edoc_despatch_store_answer_lines(self, advice, products=None):
        """Keep each line of an İrsaliye Yanıtı on the picking it answers."""
        self.ensure_one()
        products = products or {}
        Line = self.env["l10n_tr_edoc.receipt.line"]
        despatch_lines = {}
        if self.parent_id.picking_id and self.parent_id.xml_attachment_id:
            despatch = parse_despatch_advice(self.parent_id._l10n_tr_edoc_despatch_xml())
            despatch_lines = {line.id: line for line in despatch.lines}
        return Line.create(
            [
                {
                    "document_id": self.id,
                    "picking_id": self.picking_id.id,
                    "sequence": index,
                    "despatch_line_ref": line.despatch_line_reference or line.id,
                    "product_id": (
                        products.get(line.despatch_line_reference or line.id)
                        or self._l10n_tr_edoc_find_product(
                            line.item, despatch_lines.get(line.despatch_line_reference)
                        )
                    ).id,
                    "name": line.item.name,
                    "unit_code": line.unit_code,
                    "received_qty": float(line.received_quantity or 0),
                    "rejected_qty": float(line.rejected_quantity or 0),
                    "short_qty": float(line.short_quantity or 0),
                    "over_qty": float(line.oversupply_quantity or 0),
                    "reject_reason": line.reject_reason or False,
                }
                for index, line in enumerate(advice.lines, start=1)
            ]
        )

    @api.model
    def _l10n_tr_edoc_find_product(self, item, despatch_line=None):
        """Our product for a UBL item: by our code (buyer's id), the seller's code, then the exact name."""
        Product = self.env["product.product"].with_context(active_test=False)
        codes = [item.buyers_item_id, item.sellers_item_id]
        if despatch_line:
            codes += [despatch_line.item.buyers_item_id, despatch_line.item.sellers_item_id]
        for code in filter(None, codes):
            if product := Product.search([("default_code", "=", code)], limit=1):
                return product
        return Product.search([("name", "=", item.name)], limit=1)

    # -- incoming despatch -----------------------------------------------------------------------

    def _l10n_tr_edoc_import_despatch(self):
        """Match a received e-İrsaliye to an open receipt of its supplier, or draft one; errors are kept."""
        self.ensure_one()
        try:
            advice = parse_despatch_advice(self._l10n_tr_edoc_despatch_xml())
            picking = self._l10n_tr_edoc_receipt_for(advice)
        except (EdocError, UserError) as error:
            text = self._l10n_tr_edoc_error_text(error) if isinstance(error, EdocError) else error.args[0]
            if self.state == "import_failed":
                self.error_message = text
            else:
                self._l10n_tr_edoc_apply_event("import_failed", error_message=text)
            return False
        self.write({"picking_id": picking.id})
        picking.l10n_tr_edoc_uuid = self.uuid
        self._l10n_tr_edoc_apply_event("import_ok", error_code=False, error_message=False)
        picking.message_post(
            body=self.env._(
                "e-İrsaliye %(number)s received from %(supplier)s.",
                number=self.name,
                supplier=picking.partner_id.display_name,
            )
        )
        return picking

    def _l10n_tr_edoc_receipt_for(self, advice):
        company = self.company_id
        vat = normalize_tax_id(advice.supplier.tax_id)
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                ("vat", "in", (vat, f"TR{vat}")),
                ("is_company", "=", True),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.id),
            ],
            limit=1,
        ) or Partner.search(
            [
                ("vat", "in", (vat, f"TR{vat}")),
                "|",
                ("company_id", "=", False),
                ("company_id", "=", company.id),
            ],
            limit=1,
        )
        if not partner:
            raise UserError(
                self.env._(
                    "No contact has the tax ID %(vat)s of the supplier %(name)s: "
                    "create it and the import is retried.",
                    vat=vat,
                    name=advice.supplier.name or "",
                )
            )
        partner = partner.commercial_partner_id
        products = []
        for line in advice.lines:
            product = self._l10n_tr_edoc_find_product(line.item)
            if not product:
                raise UserError(
                    self.env._(
                        "No product matches the despatched item %(item)s (code %(code)s): create or code it, "
                        "the import is retried.",
                        item=line.item.name,
                        code=line.item.buyers_item_id or line.item.sellers_item_id or "-",
                    )
                )
            products.append((line, product))
        return self._l10n_tr_edoc_match_receipt(
            advice, partner, products
        ) or self._l10n_tr_edoc_draft_receipt(advice, partner, products)

    def _l10n_tr_edoc_match_receipt(self, advice, partner, products):
        """The open receipt of this supplier holding every despatched product, its order first."""
        Picking = self.env["stock.picking"]
        candidates = Picking.search(
            [
                ("company_id", "=", self.company_id.id),
                ("picking_type_code", "=", "incoming"),
                ("state", "not in", ("done", "cancel")),
                ("partner_id", "child_of", partner.id),
                ("l10n_tr_edoc_document_id", "=", False),
            ],
            order="scheduled_date, id",
        )
        wanted = {product.id for _line, product in products}
        candidates = candidates.filtered(lambda picking: wanted <= set(picking.move_ids.product_id.ids))
        orders = {reference.id for reference in advice.order_references}

        def order_names(picking):
            names = {picking.origin} if picking.origin else set()
            if "purchase_id" in picking._fields and picking.purchase_id:
                names.add(picking.purchase_id.name)
            return names

        return candidates.filtered(lambda picking: order_names(picking) & orders)[:1] or candidates[:1]

    def _l10n_tr_edoc_draft_receipt(self, advice, partner, products):
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "incoming"), ("company_id", "=", self.company_id.id)], limit=1
        )
        if not picking_type:
            raise UserError(self.env._("The company has no receipt operation type."))
        Uom = self.env["uom.uom"]
        origin = ", ".join(reference.id for reference in advice.order_references) or advice.id
        return self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "origin": origin,
                "company_id": self.company_id.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": float(line.delivered_quantity),
                            "product_uom": (Uom._l10n_tr_edoc_from_code(line.unit_code) or product.uom_id).id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": picking_type.default_location_dest_id.id,
                        },
                    )
                    for line, product in products
                ],
            }
        )
