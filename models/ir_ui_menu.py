from odoo import models

from ..core.providers.base import DESPATCH, EMM, USER_LIST
from ..core.providers.izibiz_ledger import LEDGER
from ..core.providers.izibiz_reconciliation import RECONCILIATION
from ..core.providers.izibiz_zreport import ZREPORT
from ..core.providers.registry import get_provider_class

CAPABILITY_MENUS = {
    "l10n_tr_edoc.menu_l10n_tr_edoc_vehicle": DESPATCH,
    "l10n_tr_edoc.menu_l10n_tr_edoc_gib_user": USER_LIST,
    "l10n_tr_edoc.menu_l10n_tr_edoc_ledger_period": LEDGER,
    "l10n_tr_edoc.menu_l10n_tr_edoc_reconciliation": RECONCILIATION,
    "l10n_tr_edoc.menu_l10n_tr_edoc_reconciliation_wizard": RECONCILIATION,
    "l10n_tr_edoc.menu_l10n_tr_edoc_zreport": ZREPORT,
    "l10n_tr_edoc.menu_l10n_tr_edoc_zreport_import": ZREPORT,
    "l10n_tr_edoc.menu_l10n_tr_edoc_produce_kind": EMM,
}
"""Menus that lead to what only some integrators do, by the capability they need."""


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    def _load_menus_blacklist(self):
        """Hide the menus no integrator account of the user's companies can serve.

        ``load_menus`` is cached per user: the account model clears the cache when a provider changes.
        """
        hidden = super()._load_menus_blacklist()
        accounts = (
            self.env["l10n_tr_edoc.account"]
            .sudo()
            .search([("company_id", "in", self.env.user.company_ids.ids)])
        )
        offered = set().union(*(get_provider_class(a.provider).capabilities for a in accounts))
        for xmlid, capability in CAPABILITY_MENUS.items():
            if capability not in offered and (menu := self.env.ref(xmlid, raise_if_not_found=False)):
                hidden.append(menu.id)
        return hidden
