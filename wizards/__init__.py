from . import l10n_tr_edoc_receipt_advice_wizard
from . import l10n_tr_edoc_cancel_wizard
from . import l10n_tr_edoc_response_wizard
from . import l10n_tr_edoc_reconciliation_wizard
from . import l10n_tr_edoc_zreport_import_wizard
from . import l10n_tr_edoc_receipt_cancel_wizard
