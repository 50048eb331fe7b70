from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .account_move import JOURNAL_PROFILES
from .l10n_tr_edoc_account import MOVE_DOMAINS


class AccountJournal(models.Model):
    """e-Document badges and the e-invoice cog-menu actions on the sales and purchase journal cards."""

    _inherit = "account.journal"

    l10n_tr_edoc_receipt_kind = fields.Selection(
        [("smm", "e-SMM (Serbest Meslek Makbuzu)"), ("emm", "e-MM (Müstahsil Makbuzu)")],
        string="e-Receipt",
        help="Customer invoices of this sales journal are e-Serbest Meslek Makbuzu; vendor bills of this "
        "purchase journal are e-Müstahsil Makbuzu issued for farmers. Both leave the e-Fatura/e-Arşiv flow.",
    )

    l10n_tr_edoc_einvoice_profile = fields.Selection(
        JOURNAL_PROFILES,
        string="Default GİB Scenario",
        help="e-Fatura scenario of this journal's invoices to registered customers (e.g. HKS for a produce "
        "trader, ENERJI for charging, KAMU for public-sector sales); empty follows the customer and the "
        "company.",
    )

    @api.constrains("l10n_tr_edoc_receipt_kind", "type")
    def _check_l10n_tr_edoc_receipt_kind(self):
        for journal in self:
            expected = {"smm": "sale", "emm": "purchase"}.get(journal.l10n_tr_edoc_receipt_kind)
            if expected and journal.type != expected:
                raise ValidationError(
                    self.env._(
                        "e-SMM belongs on a sales journal and e-Müstahsil Makbuzu on a purchase journal."
                    )
                )

    def _l10n_tr_edoc_journals(self):
        companies = (
            self.env["l10n_tr_edoc.account"].search([("company_id", "in", self.company_id.ids)]).company_id
        )
        return self.filtered(
            lambda journal: journal.type in ("sale", "purchase") and journal.company_id in companies
        )

    @api.depends("type")
    def _compute_show_fetch_in_einvoices_button(self):
        super()._compute_show_fetch_in_einvoices_button()
        self._l10n_tr_edoc_journals().filtered(
            lambda journal: journal.type == "purchase"
        ).show_fetch_in_einvoices_button = True

    @api.depends("type")
    def _compute_show_refresh_out_einvoices_status_button(self):
        super()._compute_show_refresh_out_einvoices_status_button()
        self._l10n_tr_edoc_journals().filtered(
            lambda journal: journal.type == "sale"
        ).show_refresh_out_einvoices_status_button = True

    def button_fetch_in_einvoices(self):
        """Fetch now, and say what came: a silent button looks broken."""
        result = super().button_fetch_in_einvoices()
        accounts = self.env["l10n_tr_edoc.account"]
        fetched = 0
        for company in self._l10n_tr_edoc_journals().company_id:
            account = accounts._l10n_tr_edoc_for_company(company)
            account.check_access("write")
            account._l10n_tr_edoc_claim_manual_fetch()
            created = account.with_company(company)._l10n_tr_edoc_fetch_incoming_invoices()
            if created is None:
                raise UserError(
                    self.env._("Incoming invoices are being fetched right now; try again in a moment.")
                )
            accounts |= account
            fetched += created
        if not accounts:
            return result
        return accounts[:1]._l10n_tr_edoc_notify(
            self.env._("Incoming invoices"),
            self.env._("%s new incoming e-Fatura fetched.", fetched),
            "success",
            reload=True,
        )

    def button_refresh_out_einvoices_status(self):
        super().button_refresh_out_einvoices_status()
        journals = self._l10n_tr_edoc_journals()
        if journals:
            self.env["account.move"].search(
                [
                    ("journal_id", "in", journals.ids),
                    ("l10n_tr_edoc_state", "in", ("sent", "unknown", "delivered")),
                ]
            ).action_l10n_tr_edoc_update_status()

    def _get_journal_dashboard_data_batched(self):
        data = super()._get_journal_dashboard_data_batched()
        journals = self._l10n_tr_edoc_journals()
        for name in MOVE_DOMAINS:
            for journal in self:
                data[journal.id][f"l10n_tr_edoc_{name}"] = 0
        for name, domain in MOVE_DOMAINS.items():
            for journal_type in ("sale", "purchase"):
                typed = journals.filtered(lambda journal, t=journal_type: journal.type == t)
                if journal_type == "purchase" and name != "to_answer":
                    # e-MM journals send their vendor bills like the sales journals send invoices
                    typed = typed.filtered(lambda journal: journal.l10n_tr_edoc_receipt_kind == "emm")
                elif (name == "to_answer") != (journal_type == "purchase"):
                    continue
                if typed:
                    typed._fill_dashboard_data_count(data, "account.move", f"l10n_tr_edoc_{name}", domain)
        return data

    def action_l10n_tr_edoc_open_moves(self):
        """The journal's invoices or bills behind an e-Document badge."""
        self.ensure_one()
        name = self.env.context.get("l10n_tr_edoc_bucket")
        action = self.with_context(l10n_tr_edoc_bucket=False).open_action()
        action["domain"] = list(action.get("domain") or []) + MOVE_DOMAINS.get(name, [])
        return action
