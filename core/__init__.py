"""Pure-Python engine of l10n_tr_edoc: UBL-TR documents, validation and integrator clients.

Nothing here imports Odoo, so it can be tested, benchmarked and reused on its own; the addon's
ORM layer only maps records to these dataclasses and applies the results back.
"""
