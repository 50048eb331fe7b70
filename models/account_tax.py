import re

from odoo import Command, api, fields, models

from ..core import codes
from ..core import earsivbelge as eb

# Odoo's l10n_tr chart names a KDV withholding by its share in tenths (tr_wh_20_4_10 = 4/10). GİB wants
# a tevkifat code; each share gets the general code GİB lists for it, which the accountant can change.
_WITHHOLDING_BY_TENTHS = {2: "624", 3: "625", 4: "601", 5: "604", 7: "603", 9: "602", 10: "801"}
_WITHHOLDING_XMLID = re.compile(r"^tr_(?:p_)?wh_20_(\d+)_10$")
_FULL_WITHHOLDING_XMLIDS = {"tr_wh_s_20", "tr_pr_wh_20"}
_KDV_XMLIDS = {"tr_s_20", "tr_s_10", "tr_s_1", "tr_p_20", "tr_p_10", "tr_p_1", "tr_p_0"}
_EXPORT_EXEMPT_XMLIDS = {"tr_s_0_ex": "301"}

# The deductions of the two receipts, created on the Turkish chart where a company lacks them:
# (GİB code, percent, use, name). GV stopajı on a professional's fee is 20 % (GVK md. 94/2-b); the
# e-MM rates are the produce kinds' (l10n_tr_edoc.produce.kind) and İzibiz's samples' (Mera Fonu
# 0.1 %, Borsa Tescil 0.2 %, SGK/Bağ-Kur 2 % as in its 2023 client). Taxes are negative: they
# lower what is paid, as the receipts deduct them.
RECEIPT_TAXES = (
    (eb.STOPAJ, 20.0, "sale", "GV Stopajı %20 (e-SMM)"),
    (eb.MERA_FONU, 0.1, "purchase", "Mera Fonu %0,1 (e-MM)"),
    (eb.BORSA_TESCIL, 0.2, "purchase", "Borsa Tescil Ücreti %0,2 (e-MM)"),
    (eb.SGK_PRIM, 2.0, "purchase", "SGK/Bağ-Kur Prim Kesintisi %2 (e-MM)"),
)


class AccountTax(models.Model):
    _inherit = "account.tax"

    l10n_tr_edoc_tax_type_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Tax Type",
        domain=[("kind", "=", "tax_type")],
        help="GİB TaxTypeCode written for this tax, e.g. 0015 KDV.",
    )
    l10n_tr_edoc_withholding_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Withholding Code",
        domain=[("kind", "=", "withholding")],
        help="Tevkifat code (6xx/8xx) of a KDV withholding tax.",
    )
    l10n_tr_edoc_exemption_id = fields.Many2one(
        "l10n_tr_edoc.code",
        string="GİB Exemption Reason",
        domain=[("kind", "=", "exemption")],
        help="Reason written on lines taxed at 0% with this tax (3xx, 2xx, 7xx ...).",
    )
    l10n_tr_edoc_special_base_percent = fields.Float(
        string="KDV Rate on the Special Base",
        digits=(16, 2),
        help="OZELMATRAH (8xx reasons): the KDV rate applied to the special base entered on an invoice "
        "line; that KDV is shown on the e-Fatura with its reason, not charged (e.g. 20 for tobacco, 806).",
    )

    @api.model
    def _l10n_tr_edoc_map_tr_chart(self, companies=None):
        """Give the l10n_tr chart's taxes their GİB codes; a code someone already chose is kept."""
        Code = self.env["l10n_tr_edoc.code"]
        kdv = Code._l10n_tr_edoc_find("tax_type", codes.KDV)
        kdv_withholding = Code._l10n_tr_edoc_find("tax_type", codes.KDV_WITHHOLDING)
        companies = companies or self.env["res.company"].search([("chart_template", "=", "tr")])
        for company in companies:
            prefix = f"account.{company.id}_"
            data = (
                self.env["ir.model.data"]
                .sudo()
                .search(
                    [
                        ("model", "=", "account.tax"),
                        ("module", "=", "account"),
                        ("name", "=like", f"{company.id}_tr_%"),
                    ]
                )
            )
            for row in data:
                tax = self.browse(row.res_id).exists()
                xmlid = row.complete_name.removeprefix(prefix)
                if not tax or tax.l10n_tr_edoc_tax_type_id:
                    continue
                values = {}
                if xmlid in _KDV_XMLIDS:
                    values["l10n_tr_edoc_tax_type_id"] = kdv.id
                elif exemption := _EXPORT_EXEMPT_XMLIDS.get(xmlid):
                    values["l10n_tr_edoc_tax_type_id"] = kdv.id
                    values["l10n_tr_edoc_exemption_id"] = Code._l10n_tr_edoc_find("exemption", exemption).id
                elif (match := _WITHHOLDING_XMLID.match(xmlid)) or xmlid in _FULL_WITHHOLDING_XMLIDS:
                    tenths = int(match.group(1)) if match else 10
                    code = _WITHHOLDING_BY_TENTHS.get(tenths)
                    values["l10n_tr_edoc_tax_type_id"] = kdv_withholding.id
                    if code:
                        values["l10n_tr_edoc_withholding_id"] = Code._l10n_tr_edoc_find(
                            "withholding", code
                        ).id
                if values:
                    tax.write(values)

    @api.model
    def _l10n_tr_edoc_receipt_tax(self, company, code, rate, use="purchase", name=None):
        """The company's deduction tax with GİB ``code`` at ``rate`` %, created when missing."""
        Code = self.env["l10n_tr_edoc.code"]
        gib_code = Code._l10n_tr_edoc_find("tax_type", code)
        tax = self.with_context(active_test=False).search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", use),
                ("l10n_tr_edoc_tax_type_id", "=", gib_code.id),
                ("amount", "=", -rate),
                ("amount_type", "=", "percent"),
            ],
            limit=1,
        )
        if tax:
            return tax
        payable = self._l10n_tr_edoc_receipt_account(company, use, code)
        repartition = [
            Command.create({"repartition_type": "base"}),
            Command.create({"repartition_type": "tax", "account_id": payable.id or False}),
        ]
        # GİB's names of these deductions, as the RECEIPT_TAXES above
        label = name or "GV Stopajı %{} (e-MM)".format(f"{rate:g}".replace(".", ","))
        return self.sudo().create(
            {
                "name": label,
                "company_id": company.id,
                "type_tax_use": use,
                "amount_type": "percent",
                "amount": -rate,
                "country_id": company.account_fiscal_country_id.id,
                "l10n_tr_edoc_tax_type_id": gib_code.id,
                "invoice_repartition_line_ids": repartition,
                "refund_repartition_line_ids": [
                    Command.create({"repartition_type": "base"}),
                    Command.create({"repartition_type": "tax", "account_id": payable.id or False}),
                ],
            }
        )

    @api.model
    def _l10n_tr_edoc_receipt_account(self, company, use, code):
        """Where a deduction is booked. The l10n_tr chart types 360 (taxes payable) and 193 (taxes
        paid in advance) as partner payable/receivable, whose lines need a due date; so a detail
        account is used under them (360.001 for what we withhold, 193.001 for the stopaj a client
        withheld from our fee), created when missing. SGK goes to 361, a current liability."""
        Account = self.env["account.account"].sudo()
        domain = Account._check_company_domain(company)
        if code == eb.SGK_PRIM and use == "purchase":
            found = Account.search([*domain, ("code", "=", "361000")], limit=1) or Account.search(
                [*domain, ("code", "=like", "361%"), ("account_type", "=", "liability_current")], limit=1
            )
            if found:
                return found
        number, name, account_type = (
            ("193001", self.env._("Income tax withheld by clients (paid in advance)"), "asset_current")
            if use == "sale"
            else ("360001", self.env._("Income tax withholding and deductions payable"), "liability_current")
        )
        found = Account.search([*domain, ("code", "=", number)], limit=1)
        return found or Account.create(
            {
                "code": number,
                "name": name,
                "account_type": account_type,
                "company_ids": [Command.set(company.ids)],
            }
        )

    @api.model
    def _l10n_tr_edoc_ensure_receipt_taxes(self, companies=None):
        """GV stopajı (for each produce kind's rate and for e-SMM), Mera Fonu, Borsa Tescil and
        SGK/Bağ-Kur for every company on the Turkish chart that lacks them."""
        companies = companies or self.env["res.company"].search([("chart_template", "=", "tr")])
        rates = set(self.env["l10n_tr_edoc.produce.kind"].search([]).mapped("stopaj_rate"))
        for company in companies:
            for rate in sorted(rates):
                self._l10n_tr_edoc_receipt_tax(company, eb.STOPAJ, rate)
            for code, rate, use, name in RECEIPT_TAXES:
                self._l10n_tr_edoc_receipt_tax(company, code, rate, use, name)
