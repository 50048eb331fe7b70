from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        super()._post_load_data(template_code, company, template_data)
        if template_code == "tr":
            self.env["account.tax"]._l10n_tr_edoc_map_tr_chart(company)
            self.env["account.tax"]._l10n_tr_edoc_ensure_receipt_taxes(company)
