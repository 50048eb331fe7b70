from odoo import api, fields, models

from ..core.earsivbelge import ANIMAL, CROP, DEFAULT_PRODUCE_RATES, SERVICE

CATEGORIES = [
    (CROP, "Crops"),
    (ANIMAL, "Animals and Animal Products"),
    (SERVICE, "Agricultural Services"),
]


class L10nTrEdocProduceKind(models.Model):
    """A kind of produce bought from farmers and the GV stopajı rate withheld on it (e-MM).

    The rates are data, not code: the defaults come from core/earsivbelge.py (BKK 2009/14592) and
    presidential decisions have changed them since, so the accountant keeps them current here.
    """

    _name = "l10n_tr_edoc.produce.kind"
    _description = "Produce Kind (e-Müstahsil)"
    _order = "category, exchange, id"

    name = fields.Char(string="Produce Kind", required=True, translate=True)
    category = fields.Selection(CATEGORIES, required=True)
    exchange = fields.Boolean(
        string="Registered at a Commodity Exchange",
        help="Bought through a commodity exchange (borsa tescilli).",
    )
    stopaj_rate = fields.Float(string="GV Stopajı (%)", digits=(5, 2), required=True)
    active = fields.Boolean(string="In Use", default=True)

    _rate_range = models.Constraint(
        "CHECK(stopaj_rate >= 0 AND stopaj_rate <= 100)", "The stopaj rate is a percentage between 0 and 100."
    )

    @api.model
    def _l10n_tr_edoc_load_defaults(self):
        """One kind per category and exchange flag, with the default rate, unless one exists."""
        names = {
            (CROP, False): self.env._("Crops"),
            (CROP, True): self.env._("Crops (commodity exchange)"),
            (ANIMAL, False): self.env._("Animals and animal products"),
            (ANIMAL, True): self.env._("Animals and animal products (commodity exchange)"),
            (SERVICE, False): self.env._("Agricultural services"),
        }
        existing = self.with_context(active_test=False).search([])
        known = {(kind.category, kind.exchange) for kind in existing}
        self.create(
            [
                {"name": name, "category": category, "exchange": exchange, "stopaj_rate": float(rate)}
                for (category, exchange), name in names.items()
                if (category, exchange) not in known
                for rate in (DEFAULT_PRODUCE_RATES[(category, exchange)],)
            ]
        )
