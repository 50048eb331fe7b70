from . import l10n_tr_edoc_response_wizard
