from odoo import models


class L10nTrEdocMixin(models.AbstractModel):
    _inherit = "l10n_tr_edoc.mixin"

    def action_l10n_tr_edoc_print(self):
        """Print the GİB printout of the record's latest e-document."""
        return self.l10n_tr_edoc_document_id.action_l10n_tr_edoc_print()
