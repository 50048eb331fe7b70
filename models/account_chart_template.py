import re

from odoo import api, models

from ..core import codes

# Odoo's l10n_tr chart names a KDV withholding by its share in tenths (tr_wh_20_4_10 = 4/10). GİB wants
# a tevkifat code; each share gets the general code GİB lists for it, which the accountant can change.
_WITHHOLDING_BY_TENTHS = {2: "624", 3: "625", 4: "601", 5: "604", 7: "603", 9: "602", 10: "801"}
_WITHHOLDING_XMLID = re.compile(r"^tr_(?:p_)?wh_20_(\d+)_10$")
_FULL_WITHHOLDING_XMLIDS = {"tr_wh_s_20", "tr_pr_wh_20"}
_KDV_XMLIDS = {"tr_s_20", "tr_s_10", "tr_s_1", "tr_p_20", "tr_p_10", "tr_p_1", "tr_p_0"}
_EXPORT_EXEMPT_XMLIDS = {"tr_s_0_ex": "301"}


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        super()._post_load_data(template_code, company, template_data)
        if template_code == "tr":
            self.env["account.tax"]._l10n_tr_edoc_map_tr_chart(company)
            self.env["account.tax"]._l10n_tr_edoc_ensure_receipt_taxes(company)


class AccountTax(models.Model):
    _inherit = "account.tax"

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
