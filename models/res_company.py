from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_account_id = fields.Many2one(
        "l10n_tr_edoc.account", compute="_compute_l10n_tr_edoc_account_id", string="e-Document Account"
    )
    l10n_tr_edoc_tax_office = fields.Char(
        related="partner_id.l10n_tr_edoc_tax_office", readonly=False, string="Tax Office"
    )

    def _compute_l10n_tr_edoc_account_id(self):
        accounts = self.env["l10n_tr_edoc.account"].search([("company_id", "in", self.ids)])
        by_company = {account.company_id.id: account for account in accounts}
        for company in self:
            company.l10n_tr_edoc_account_id = by_company.get(company.id, False)

    def _l10n_tr_edoc_identity_problems(self):
        """What keeps this company from issuing e-documents, in words an accountant can act on."""
        self.ensure_one()
        problems = []
        if problem := self.env["res.partner"]._l10n_tr_edoc_tax_id_problem(self.vat):
            problems.append(problem)
        if not self.partner_id.l10n_tr_edoc_tax_office:
            problems.append(self.env._("The tax office (vergi dairesi) of the company is missing."))
        return problems
