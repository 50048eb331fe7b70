import calendar
import datetime as dt
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import codes
from ..core.reconciliation import (
    PURCHASE,
    PURCHASE_RETURN,
    SALE,
    SALE_RETURN,
    BabsDocument,
    LedgerItem,
    compute_babs,
    compute_cari,
    period_of,
)

KIND_OF_MOVE = {
    "out_invoice": SALE,
    "out_refund": SALE_RETURN,
    "in_invoice": PURCHASE,
    "in_refund": PURCHASE_RETURN,
}
VAT_TYPE_CODES = (codes.KDV, codes.KDV_WITHHOLDING)


def _decimal(value):
    return Decimal(str(value or 0))


class L10nTrEdocReconciliationWizard(models.TransientModel):
    """Builds the month's BA/BS reconciliations, or the cari balances at a date, from posted moves.

    BA/BS follows the Form Ba/Bs rule in ``core/reconciliation.py`` (VUK Genel Tebliği 396, 5.000 TL
    limit of Tebliğ 410 on each counterparty's monthly total excluding KDV); the month of a
    document is its accounting date, i.e. the period it was recorded in the books.
    """

    _name = "l10n_tr_edoc.reconciliation.wizard"
    _description = "Compute e-Reconciliations"

    kind = fields.Selection(
        [("babs", "BA/BS (monthly)"), ("cari", "Current Account Balance")], required=True, default="babs"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    month = fields.Selection(
        [(str(number), str(number)) for number in range(1, 13)],
        default=lambda self: str(
            (fields.Date.context_today(self).replace(day=1) - dt.timedelta(days=1)).month
        ),
    )
    year = fields.Integer(
        default=lambda self: (fields.Date.context_today(self).replace(day=1) - dt.timedelta(days=1)).year
    )
    balance_date = fields.Date(default=fields.Date.context_today)
    partner_ids = fields.Many2many(
        "res.partner", string="Counterparties", help="Leave empty for every counterparty with figures."
    )

    @api.constrains("year")
    def _check_year(self):
        for wizard in self:
            if wizard.kind == "babs" and not 2000 <= wizard.year <= 2100:
                raise UserError(self.env._("Give the year of the BA/BS period, e.g. 2026."))

    def _period_bounds(self):
        first = dt.date(self.year, int(self.month), 1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])

    def _partner_domain(self, field):
        if not self.partner_ids:
            return []
        return [(field, "in", self.partner_ids.commercial_partner_id.ids)]

    @staticmethod
    def _is_vat(tax):
        """KDV and its withholding leave the Ba/Bs amount; a tax without a GİB type is taken as KDV."""
        type_code = tax.l10n_tr_edoc_tax_type_id.code
        return not type_code or type_code in VAT_TYPE_CODES or bool(tax.l10n_tr_edoc_withholding_id)

    def _amount_excluding_vat(self, move):
        """TRY amount of the move without KDV: its product lines and its other taxes (ÖTV …)."""
        lines = move.line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                or (line.display_type == "tax" and not self._is_vat(line.tax_line_id))
            )
        )
        return _decimal(move.company_currency_id.round(sum(lines.mapped("balance")))).copy_abs()

    def action_l10n_tr_edoc_compute(self):
        self.ensure_one()
        Reconciliation = self.env["l10n_tr_edoc.reconciliation"].with_company(self.company_id)
        if self.kind == "babs":
            if not self.month or not self.year:
                raise UserError(self.env._("Choose the month of the BA/BS period."))
            lines, skipped = self._compute_babs()
        else:
            if not self.balance_date:
                raise UserError(self.env._("Choose the date of the balances."))
            lines, skipped = self._compute_cari()
        created = Reconciliation.create(lines) if lines else Reconciliation
        action = self.env["ir.actions.actions"]._for_xml_id("l10n_tr_edoc.action_l10n_tr_edoc_reconciliation")
        action["domain"] = [("id", "in", created.ids)]
        action["context"] = {"create": False}
        if not skipped:
            return action
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Counterparties left out"),
                "message": self.env._(
                    "Without a valid VKN/TCKN, or already sent for this period: %s",
                    ", ".join(sorted(skipped)),
                ),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }

    def _existing(self, domain):
        """Drafts never offered to the integrator are replaced; any other (sent, refused, or tried
        without an answer: İzibiz may hold its UUID) stays, and its counterparty is skipped."""
        found = self.env["l10n_tr_edoc.reconciliation"].search(
            [("company_id", "=", self.company_id.id), ("kind", "=", self.kind), *domain]
        )
        found.filtered(lambda rec: rec.state == "draft" and not rec.uuid).unlink()
        return found.exists()

    def _partner_values(self, partner):
        tax_id = self.env["res.partner"]._l10n_tr_edoc_normalize_tax_id(partner.vat)
        if self.env["res.partner"]._l10n_tr_edoc_tax_id_problem(partner.vat):
            return None
        address = ", ".join(
            part
            for part in (partner.street, partner.street2, partner.zip, partner.city, partner.state_id.name)
            if part
        )
        return {
            "company_id": self.company_id.id,
            "partner_id": partner.id,
            "vat": tax_id,
            "commercial_name": partner.name,
            "email": partner.email or False,
            "address": address or partner.country_id.name or False,
            "tax_office": partner.l10n_tr_edoc_tax_office or False,
            "phone": partner.phone or False,
        }

    def _compute_babs(self):
        date_from, date_to = self._period_bounds()
        period = period_of(date_from)
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("move_type", "in", tuple(KIND_OF_MOVE)),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
                *self._partner_domain("commercial_partner_id"),
            ]
        )
        documents = [
            BabsDocument(
                move.id,
                move.commercial_partner_id.id,
                KIND_OF_MOVE[move.move_type],
                self._amount_excluding_vat(move),
            )
            for move in moves
        ]
        sent = self._existing([("period", "=", period)]).partner_id
        try_currency = self.company_id.currency_id
        values, skipped = [], set()
        for line in compute_babs(documents):
            partner = self.env["res.partner"].browse(line.partner_key)
            partner_values = self._partner_values(partner)
            if partner_values is None or partner in sent:
                skipped.add(partner.display_name)
                continue
            values.append(
                {
                    **partner_values,
                    "kind": "babs",
                    "period": period,
                    "date_from": date_from,
                    "date_to": date_to,
                    "currency_id": try_currency.id,
                    "ba_count": line.ba_count,
                    "ba_amount": float(line.ba_amount),
                    "bs_count": line.bs_count,
                    "bs_amount": float(line.bs_amount),
                    "move_ids": [fields.Command.set(line.ba_refs + line.bs_refs)],
                }
            )
        return values, skipped

    def _compute_cari(self):
        day = self.balance_date
        items = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "in", ("asset_receivable", "liability_payable")),
                ("date", "<=", day),
                ("partner_id", "!=", False),
                *self._partner_domain("partner_id.commercial_partner_id"),
            ]
        )
        ledger = [
            LedgerItem(
                item.id,
                item.partner_id.commercial_partner_id.id,
                _decimal(item.balance),
                item.currency_id.name,
                _decimal(item.amount_currency),
            )
            for item in items
        ]
        sent = self._existing([("balance_date", "=", day)])
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"].with_context(active_test=False).search([])
        }
        values, skipped = [], set()
        for line in compute_cari(ledger):
            partner = self.env["res.partner"].browse(line.partner_key)
            partner_values = self._partner_values(partner)
            currency = currencies.get(line.currency)
            if partner_values is None or sent.filtered(
                lambda rec, p=partner, c=currency: rec.partner_id == p and rec.currency_id == c
            ):
                skipped.add(partner.display_name)
                continue
            values.append(
                {
                    **partner_values,
                    "kind": "cari",
                    "period": period_of(day),
                    "balance_date": day,
                    "currency_id": currency.id,
                    "cm_amount": float(line.amount),
                    "cm_amount_type": line.amount_type,
                    "move_line_ids": [fields.Command.set(line.refs)],
                }
            )
        return values, skipped
