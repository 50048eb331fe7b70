import dataclasses
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..core import codes
from .res_partner import normalize_tax_id

KDV = codes.KDV
# Returns of a withholding invoice: the KDV line carries only the share the original seller collected.
WITHHOLDING_RETURNS = frozenset({"TEVKIFATIADE", "YTBTEVKIFATIADE"})


def _tax_id_of(party):
    for identifier in party.identifications:
        if identifier.scheme_id in ("VKN", "TCKN"):
            return identifier
    return None


class AccountMove(models.Model):
    """Vendor bills made from incoming e-Fatura and their commercial answer (KABUL/RED)."""

    _inherit = "account.move"

    l10n_tr_edoc_response_deadline = fields.Datetime(
        related="l10n_tr_edoc_document_id.response_deadline", string="Answer Before"
    )
    l10n_tr_edoc_response_remaining = fields.Char(
        related="l10n_tr_edoc_document_id.response_remaining", string="Time Left to Answer"
    )
    l10n_tr_edoc_response_code = fields.Selection(
        related="l10n_tr_edoc_document_id.response_code", string="Our Answer"
    )
    l10n_tr_edoc_import_warning = fields.Text(
        related="l10n_tr_edoc_document_id.import_warning", string="e-Fatura Import Warning"
    )
    l10n_tr_edoc_can_respond = fields.Boolean(compute="_compute_l10n_tr_edoc_can_respond")

    @api.depends(
        "l10n_tr_edoc_state", "l10n_tr_edoc_document_id.direction", "l10n_tr_edoc_document_id.profile"
    )
    def _compute_l10n_tr_edoc_can_respond(self):
        for move in self:
            document = move.l10n_tr_edoc_document_id
            move.l10n_tr_edoc_can_respond = (
                document.direction == "in"
                and document.profile == "TICARIFATURA"
                and move.l10n_tr_edoc_state == "awaiting_response"
            )

    def _l10n_tr_edoc_open_response_wizard(self, answer):
        self.ensure_one()
        self.l10n_tr_edoc_document_id._l10n_tr_edoc_check_answerable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answer the e-Fatura"),
            "res_model": "l10n_tr_edoc.response.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_document_id": self.l10n_tr_edoc_document_id.id, "default_answer": answer},
        }

    def action_l10n_tr_edoc_accept(self):
        return self._l10n_tr_edoc_open_response_wizard("KABUL")

    def action_l10n_tr_edoc_reject(self):
        return self._l10n_tr_edoc_open_response_wizard("RED")

    def _l10n_tr_edoc_apply_red_policy(self):
        """After our RED the supplier's invoice is void for us: cancel the bill or leave it in draft."""
        for move in self:
            if move.state == "posted":
                move.button_draft()
            if move.company_id.l10n_tr_edoc_red_policy == "cancel" and move.state == "draft":
                move.button_cancel()

    # -- import ---------------------------------------------------------------------------------

    @api.model
    def _l10n_tr_edoc_create_bill(self, document, invoice):
        """A draft vendor bill (or refund for IADE) from a parsed UBL-TR invoice.

        Returns the move and the list of warnings: every difference between the bill Odoo computed
        and the totals the supplier declared is reported, never silently absorbed.
        """
        company = document.company_id
        own = normalize_tax_id(company.vat)
        receiver = _tax_id_of(invoice.customer)
        if receiver and own and receiver.value != own:
            raise UserError(
                self.env._(
                    "This invoice is addressed to %(receiver)s, not to %(company)s (%(vat)s).",
                    receiver=receiver.value,
                    company=company.name,
                    vat=own,
                )
            )
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", invoice.document_currency_code)], limit=1)
        )
        if not currency:
            raise UserError(self.env._("Unknown currency %s.", invoice.document_currency_code))
        if not currency.active:
            currency.sudo().active = True
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "purchase")], limit=1
        )
        if not journal:
            raise UserError(self.env._("Company %s has no purchase journal for vendor bills.", company.name))
        partner = self._l10n_tr_edoc_find_partner(invoice.supplier, company)
        refund = invoice.invoice_type_code in codes.RETURN_TYPES
        lines = [
            self._l10n_tr_edoc_line_values(line, partner, company, type_code=invoice.invoice_type_code)
            for line in invoice.lines
        ]
        adjustment_lines, after_tax, warnings = self._l10n_tr_edoc_allowance_charge_lines(invoice, lines)
        values = {
            "move_type": "in_refund" if refund else "in_invoice",
            "company_id": company.id,
            "journal_id": journal.id,
            "partner_id": partner.id,
            "ref": invoice.id,
            "invoice_date": invoice.issue_date,
            "currency_id": currency.id,
            "l10n_tr_edoc_uuid": invoice.uuid,
            "narration": "\n".join(invoice.notes) or False,
            "invoice_line_ids": [fields.Command.create(line) for line in lines + adjustment_lines],
        }
        if refund:
            original = self._l10n_tr_edoc_refunded_bill(invoice, partner, company)
            if original:
                values["reversed_entry_id"] = original.id
            else:
                references = ", ".join(ref.id for ref in invoice.billing_references) or "-"
                warnings.append(
                    self.env._("The returned bill (%s) was not found; the refund is not linked.", references)
                )
        rate = invoice.pricing_exchange_rate or invoice.tax_exchange_rate or invoice.payment_exchange_rate
        if currency != company.currency_id and rate and rate.calculation_rate:
            values["invoice_currency_rate"] = float(Decimal(1) / rate.calculation_rate)
        move = self.with_company(company).create(values)
        warnings += move._l10n_tr_edoc_total_differences(invoice, after_tax=after_tax)
        return move, warnings

    @api.model
    def _l10n_tr_edoc_allowance_charge_lines(self, invoice, lines):
        """Bill lines for document-level allowances and charges, placed where the XML's totals put them.

        Before tax (TaxExclusiveAmount = lines ∓ adjustments) they carry the lines' taxes, which must
        then be one set; after tax (only PayableAmount moves, as HKS commission agents deduct their
        fees) they carry none. Returns the line values, the signed amount booked after tax, and a
        warning for every adjustment that could not be placed.
        """
        adjustments = [charge for charge in invoice.allowance_charges if charge.amount]
        if not adjustments:
            return [], Decimal(0), []
        signed = sum((c.amount if c.charge_indicator else -c.amount for c in adjustments), Decimal(0))
        totals = invoice.legal_monetary_total
        withheld = sum((total.tax_amount for total in invoice.withholding_tax_totals), Decimal(0))
        rounding = totals.payable_rounding_amount or Decimal(0)
        before_tax = _same(totals.line_extension_amount + signed, totals.tax_exclusive_amount)
        after_tax = _same(totals.line_extension_amount, totals.tax_exclusive_amount) and _same(
            totals.tax_inclusive_amount - withheld + signed + rounding, totals.payable_amount
        )
        tax_sets = {tuple(sorted(line["tax_ids"][0][2])) for line in lines}
        if not (after_tax or (before_tax and len(tax_sets) == 1)):
            return (
                [],
                Decimal(0),
                [
                    self.env._(
                        "Document-level %(kind)s of %(amount)s %(currency)s is not on the lines.",
                        kind=self.env._("charge") if charge.charge_indicator else self.env._("allowance"),
                        amount=charge.amount,
                        currency=invoice.document_currency_code,
                    )
                    for charge in adjustments
                ],
            )
        taxes = [] if after_tax else list(tax_sets.pop())
        values = [
            {
                "name": charge.reason
                or (
                    self.env._("Document charge")
                    if charge.charge_indicator
                    else self.env._("Document allowance")
                ),
                "quantity": 1.0,
                "price_unit": float(charge.amount if charge.charge_indicator else -charge.amount),
                "tax_ids": [fields.Command.set(taxes)],
            }
            for charge in adjustments
        ]
        return values, signed if after_tax else Decimal(0), []

    def _l10n_tr_edoc_total_differences(self, invoice, after_tax=Decimal(0)):
        """Compare the bill with LegalMonetaryTotal and withholding, in document currency.

        The net tax is TaxInclusiveAmount - TaxExclusiveAmount - withheld: GİB samples write
        TaxTotal/TaxAmount either gross or already net of withholding, the monetary total is
        unambiguous. Adjustments booked as lines after tax (``after_tax``) are part of the bill's
        untaxed amount but not of the XML's TaxExclusiveAmount.
        """
        self.ensure_one()
        totals = invoice.legal_monetary_total
        withheld = sum((total.tax_amount for total in invoice.withholding_tax_totals), Decimal(0))
        taxes = totals.tax_inclusive_amount - totals.tax_exclusive_amount
        checks = [
            (self.env._("Untaxed amount"), self.amount_untaxed, totals.tax_exclusive_amount + after_tax),
            (self.env._("Taxes (after withholding)"), self.amount_tax, taxes - withheld),
            (
                self.env._("Total"),
                self.amount_total,
                totals.payable_amount - (totals.payable_rounding_amount or 0),
            ),
        ]
        return [
            self.env._(
                "%(what)s differs from the e-Fatura: bill %(ours)s, XML %(theirs)s %(currency)s.",
                what=label,
                ours=self.currency_id.round(ours),
                theirs=theirs,
                currency=self.currency_id.name,
            )
            for label, ours, theirs in checks
            if self.currency_id.compare_amounts(ours, float(theirs))
        ]

    @api.model
    def _l10n_tr_edoc_refunded_bill(self, invoice, partner, company):
        numbers = [reference.id for reference in invoice.billing_references if reference.id]
        if not numbers:
            return self.browse()
        return self.search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "in_invoice"),
                ("commercial_partner_id", "=", partner.commercial_partner_id.id),
                "|",
                ("ref", "in", numbers),
                ("l10n_tr_edoc_uuid", "in", numbers),
            ],
            limit=1,
        )

    @api.model
    def _l10n_tr_edoc_find_partner(self, party, company):
        """Supplier by VKN/TCKN; created with tax office and address when this company does not know it."""
        identifier = _tax_id_of(party)
        if not identifier:
            raise UserError(self.env._("The supplier has no VKN or TCKN on the invoice."))
        number = normalize_tax_id(identifier.value)
        Partner = self.env["res.partner"]
        partner = Partner.search(
            [
                *Partner._check_company_domain(company),
                ("vat", "in", [number, f"TR{number}"]),
            ],
            order="parent_id desc, id",
            limit=1,
        )
        if partner:
            if not partner.l10n_tr_edoc_tax_office and party.tax_office:
                partner.l10n_tr_edoc_tax_office = party.tax_office
            return partner
        name = party.name
        if not name and party.person:
            name = f"{party.person.first_name} {party.person.family_name}"
        address = party.address
        country = self.env["res.country"].search(
            [("code", "=", (address and address.country_code) or "TR")], limit=1
        )
        street = " ".join(
            part for part in (address and address.street_name, address and address.building_number) if part
        )
        return Partner.create(
            {
                "name": name or number,
                "is_company": identifier.scheme_id == "VKN",
                "vat": number,
                "l10n_tr_edoc_tax_office": party.tax_office or False,
                "street": street or False,
                "street2": (address and address.city_subdivision_name) or False,
                "city": (address and address.city_name) or False,
                "zip": (address and address.postal_zone) or False,
                "country_id": country.id,
                "email": (party.contact and party.contact.electronic_mail) or False,
                "phone": (party.contact and party.contact.telephone) or False,
                "supplier_rank": 1,
            }
        )

    @api.model
    def _l10n_tr_edoc_line_values(self, line, partner, company, type_code=None):
        quantity = line.quantity
        gross = quantity * line.price_amount
        discount = 0.0
        if gross and line.line_extension_amount != gross:
            discount = float((1 - line.line_extension_amount / gross) * 100)
        taxes = self.env["account.tax"]
        subtotals = _charged_subtotals(line)
        for subtotal in subtotals:
            taxes |= self._l10n_tr_edoc_purchase_tax(subtotal, company)
        kdv = next((sub for sub in subtotals if sub.tax_type_code == KDV), None)
        kdv_percent = kdv.percent if kdv else None
        for total in line.withholding_tax_totals:
            for subtotal in total.subtotals:
                taxes |= self._l10n_tr_edoc_withholding_tax(
                    subtotal.tax_type_code, subtotal.percent or 0, kdv_percent, company
                )
        if type_code in WITHHOLDING_RETURNS and kdv and kdv.percent and not line.withholding_tax_totals:
            # the KDV amount is the share the original seller collected; the rest was withheld
            full = line.line_extension_amount * kdv.percent / 100
            share = round((1 - kdv.tax_amount / full) * 10) * 10 if full else 0
            if share > 0:
                taxes |= self._l10n_tr_edoc_withholding_tax(None, Decimal(share), kdv.percent, company)
        product = self._l10n_tr_edoc_match_product(line.item, partner, company)
        values = {
            "name": line.item.name,
            "quantity": float(quantity),
            "price_unit": float(line.price_amount),
            "discount": discount,
            "tax_ids": [fields.Command.set(taxes.ids)],
        }
        if product:
            values["product_id"] = product.id
        return values

    @api.model
    def _l10n_tr_edoc_match_product(self, item, partner, company):
        """The seller's code (supplier info), then barcode, then exact name: the first one that hits."""
        Product = self.env["product.product"].with_company(company)
        if item.sellers_item_id:
            info = self.env["product.supplierinfo"].search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("product_code", "=", item.sellers_item_id),
                    ("company_id", "in", (False, company.id)),
                ],
                limit=1,
            )
            if info:
                return info.product_id or info.product_tmpl_id.product_variant_id
        barcodes = [ident.value for ident in item.additional_item_ids if ident.value]
        barcodes += [code for code in (item.buyers_item_id, item.manufacturers_item_id) if code]
        if barcodes and (product := Product.search([("barcode", "in", barcodes)], limit=1)):
            return product
        return Product.search(
            [*Product._check_company_domain(company), ("purchase_ok", "=", True), ("name", "=", item.name)],
            limit=1,
        )

    @api.model
    def _l10n_tr_edoc_purchase_tax(self, subtotal, company):
        """Purchase tax for a GİB TaxSubtotal: mapped code and rate, plain rate for KDV, else created."""
        Tax = self.env["account.tax"].with_context(active_test=False)
        Code = self.env["l10n_tr_edoc.code"]
        fixed = subtotal.percent is None or subtotal.per_unit_amount is not None
        amount = float(
            subtotal.per_unit_amount
            if fixed and subtotal.per_unit_amount is not None
            else subtotal.percent or 0
        )
        if fixed and subtotal.per_unit_amount is None:
            amount_type, amount = "fixed", 0.0
        else:
            amount_type = "fixed" if fixed else "percent"
        base = [
            *Tax._check_company_domain(company),
            ("type_tax_use", "=", "purchase"),
            ("amount_type", "=", amount_type),
            ("active", "=", True),
        ]
        exemption = subtotal.exemption_reason_code
        candidates = Tax.search([*base, ("l10n_tr_edoc_tax_type_id.code", "=", subtotal.tax_type_code)])
        if subtotal.tax_type_code == KDV:
            candidates |= Tax.search(
                [*base, ("l10n_tr_edoc_tax_type_id", "=", False), ("l10n_tr_edoc_withholding_id", "=", False)]
            )
        candidates = candidates.filtered(
            lambda tax: (
                not float_compare(tax.amount, amount, precision_digits=4)
                and (not exemption or tax.l10n_tr_edoc_exemption_id.code in (exemption, False))
            )
        )
        if exemption:
            candidates = candidates.sorted(lambda tax: tax.l10n_tr_edoc_exemption_id.code != exemption)
        if candidates:
            return candidates[0]
        type_code = Code._l10n_tr_edoc_find("tax_type", subtotal.tax_type_code)
        label = subtotal.tax_name or (type_code.name if type_code else subtotal.tax_type_code)
        return Tax.create(
            {
                "name": self.env._("%(tax)s %(amount)s (e-Fatura)", tax=label, amount=f"{amount:g}"),
                "company_id": company.id,
                "type_tax_use": "purchase",
                "amount_type": amount_type,
                "amount": amount,
                "include_base_amount": subtotal.tax_type_code != KDV,
                "sequence": 5 if subtotal.tax_type_code != KDV else 10,
                "l10n_tr_edoc_tax_type_id": type_code.id,
                "l10n_tr_edoc_exemption_id": Code._l10n_tr_edoc_find("exemption", exemption).id
                if exemption
                else False,
                "country_id": company.account_fiscal_country_id.id,
            }
        )

    @api.model
    def _l10n_tr_edoc_withholding_tax(self, code, share, kdv_percent, company):
        """KDV withholding (tevkifat) as a negative share of the line base: KDV rate × withheld part.

        ``code`` is None on a withholding return, whose XML names no code: a withholding tax of
        that rate serves (the share is what matters for the amounts), else one without a code.
        """
        if kdv_percent is None:
            raise UserError(self.env._("Withholding %s on a line without KDV.", code))
        rate = -float(kdv_percent * share / 100)
        Tax = self.env["account.tax"]
        found = Tax.search(
            [
                *Tax._check_company_domain(company),
                ("type_tax_use", "=", "purchase"),
                ("amount_type", "=", "percent"),
                ("amount", "<", 0),
                *([("l10n_tr_edoc_withholding_id.code", "=", code)] if code else []),
            ]
        ).filtered(lambda tax: not float_compare(tax.amount, rate, precision_digits=4))
        if found:
            return found.sorted(lambda tax: not tax.l10n_tr_edoc_withholding_id)[0]
        record = self.env["l10n_tr_edoc.code"]._l10n_tr_edoc_find("withholding", code) if code else None
        return Tax.create(
            {
                "name": self.env._(
                    "Withholding %(code)s %(rate)s%% (e-Fatura)",
                    code=code or self.env._("on return"),
                    rate=f"{rate:g}",
                ),
                "company_id": company.id,
                "type_tax_use": "purchase",
                "amount_type": "percent",
                "amount": rate,
                "sequence": 20,
                "l10n_tr_edoc_withholding_id": record.id if record else False,
                "country_id": company.account_fiscal_country_id.id,
            }
        )


def _same(left, right):
    """Equal to the cent, the precision GİB writes amounts in."""
    return abs(left - right) < Decimal("0.005")


def _charged_subtotals(line):
    """The line's tax subtotals as charged: an exempted KDV left out of the line's TaxTotal is 0%.

    GİB's YTB exemption samples write the KDV the exemption waives (Percent 20, TaxAmount 300,
    reason 308) in a subtotal whose parent TaxTotal is 0; booking it at 20% would charge it.
    """
    if not line.tax_total:
        return ()
    subtotals = line.tax_total.subtotals
    result = []
    for subtotal in subtotals:
        others = sum((sub.tax_amount for sub in subtotals if sub is not subtotal), Decimal(0))
        waived = (
            subtotal.exemption_reason_code
            and subtotal.tax_amount
            and _same(others, line.tax_total.tax_amount)
        )
        result.append(
            dataclasses.replace(subtotal, percent=Decimal(0), tax_amount=Decimal(0)) if waived else subtotal
        )
    return tuple(result)
