from odoo import fields, models

EINVOICE_PROFILES = [("TEMELFATURA", "TEMELFATURA"), ("TICARIFATURA", "TICARIFATURA")]


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_tr_edoc_account_id = fields.Many2one(
        "l10n_tr_edoc.account", compute="_compute_l10n_tr_edoc_account_id", string="e-Document Account"
    )
    l10n_tr_edoc_tax_office = fields.Char(
        related="partner_id.l10n_tr_edoc_tax_office", readonly=False, string="Tax Office"
    )
    l10n_tr_edoc_mersis_no = fields.Char(
        related="partner_id.l10n_tr_edoc_mersis_no", readonly=False, string="MERSİS No."
    )
    l10n_tr_edoc_trade_registry_no = fields.Char(
        related="partner_id.l10n_tr_edoc_trade_registry_no", readonly=False, string="Trade Registry No."
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

    l10n_tr_edoc_despatch_gate = fields.Boolean(
        string="Ship Only After GİB Accepted the e-İrsaliye",
        help="Refuse validating or printing a delivery until GİB has delivered its e-İrsaliye.",
    )

    l10n_tr_edoc_einvoice_profile = fields.Selection(
        EINVOICE_PROFILES,
        string="Default e-Fatura Scenario",
        default="TEMELFATURA",
        help="Scenario of invoices to registered customers who have no scenario of their own.",
    )

    l10n_tr_edoc_red_policy = fields.Selection(
        [("cancel", "Cancel the bill"), ("draft", "Keep the bill in draft")],
        string="After Rejecting (RED)",
        default="cancel",
        required=True,
        help="What happens to a vendor bill once we rejected its e-Fatura.",
    )
    l10n_tr_edoc_incoming_user_id = fields.Many2one(
        "res.users",
        string="Incoming e-Fatura Responsible",
        help="Gets the reminders to answer TICARIFATURA and to fix invoices that could not be imported.",
    )

    def _l10n_tr_edoc_incoming_responsible(self):
        """The configured user, else the integrator account's creator: never the cron's superuser."""
        self.ensure_one()
        return self.l10n_tr_edoc_incoming_user_id or self.l10n_tr_edoc_account_id.create_uid or self.env.user

    l10n_tr_edoc_earchive_delivery = fields.Selection(
        [("integrator", "By the integrator"), ("odoo", "By e-mail from Odoo")],
        string="e-Arşiv Delivery",
        default="integrator",
        required=True,
        help="Who sends the e-Arşiv invoice PDF to the customer once it is issued: the integrator, "
        "or Odoo by e-mail to the invoice's customer.",
    )

    l10n_tr_edoc_call_log_retention_days = fields.Integer(
        string="Keep Integrator Call Payloads (days)",
        default=90,
        help="Requests and responses of integrator calls are deleted after this many days; the call "
        "rows stay. Calls of documents whose outcome is still open keep them. 0 keeps them forever.",
    )

    _l10n_tr_edoc_call_log_retention_positive = models.Constraint(
        "CHECK(l10n_tr_edoc_call_log_retention_days >= 0)",
        "The call log retention cannot be negative.",
    )
