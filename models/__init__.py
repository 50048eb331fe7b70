# Order matters: a model must be defined before the models that inherit from it.
from . import l10n_tr_edoc_code
from . import l10n_tr_edoc_account
from . import l10n_tr_edoc_document
from . import l10n_tr_edoc_event
from . import l10n_tr_edoc_series
from . import l10n_tr_edoc_mixin
from . import account_move
from . import account_tax
from . import res_company
from . import res_config_settings
from . import res_partner
from . import stock_picking
from . import l10n_tr_edoc_gib_user
from . import l10n_tr_edoc_gib_user_sync
from . import res_partner_gib
from . import account_move_gib
from . import stock_picking_gib
