from . import (
    l10n_tr_edoc_account,
    l10n_tr_edoc_document,
    l10n_tr_edoc_event,
    l10n_tr_edoc_signing,
    res_company,
    res_config_settings,
    res_partner,
)
