from . import l10n_tr_edoc_cancel_wizard
