import dataclasses
import datetime

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.tr import tckimlik, vkn

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core.documents import Identifier
from ..core.errors import EdocError
from ..core.providers.base import DESPATCH
from ..core.states import ISTANBUL
from .l10n_tr_edoc_gib_user import GibUserWriter
from .res_company import EINVOICE_PROFILES


def normalize_tax_id(value):
    """GİB identifies parties by bare digits; Odoo users often type 'TR' and spaces."""
    return (value or "").strip().upper().replace(" ", "").removeprefix("TR")


REGISTRATION = [
    ("unknown", "Not Checked"),
    ("registered", "Registered"),
    ("not_registered", "Not Registered"),
]

_ROUTE_FIELDS = {
    "INVOICE": ("l10n_tr_edoc_einvoice_status", "l10n_tr_edoc_einvoice_alias"),
    "DESPATCHADVICE": ("l10n_tr_edoc_despatch_status", "l10n_tr_edoc_despatch_alias"),
}

_STATUS_FIELDS = [status for status, _alias in _ROUTE_FIELDS.values()]
_ALIAS_FIELDS = [alias for _status, alias in _ROUTE_FIELDS.values()]
GIB_STATUS_STALE_AFTER = datetime.timedelta(days=7)
"""Registration information older than this (no list sync, no check) is asked again before sending."""
_FLUSHED = ["l10n_tr_edoc_tax_id", *(name for pair in _ROUTE_FIELDS.values() for name in pair)]


class ResPartner(models.Model):
    _inherit = "res.partner"

    l10n_tr_edoc_tax_office = fields.Char(
        string="Tax Office", help="Vergi dairesi, printed on every e-document next to the VKN/TCKN."
    )
    l10n_tr_edoc_einvoice_status = fields.Selection(
        REGISTRATION,
        string="e-Fatura Registration",
        copy=False,
        compute="_compute_l10n_tr_edoc_gib_status",
        store=True,
        readonly=False,
    )
    l10n_tr_edoc_einvoice_alias = fields.Char(
        string="e-Fatura Alias (PK)",
        copy=False,
        help="Mailbox (PK alias) our e-Fatura are sent to.",
        compute="_compute_l10n_tr_edoc_gib_alias",
        store=True,
        readonly=False,
    )
    l10n_tr_edoc_despatch_status = fields.Selection(
        REGISTRATION,
        string="e-İrsaliye Registration",
        copy=False,
        compute="_compute_l10n_tr_edoc_gib_status",
        store=True,
        readonly=False,
    )
    l10n_tr_edoc_despatch_alias = fields.Char(
        string="e-İrsaliye Alias (PK)",
        copy=False,
        help="Mailbox (PK alias) our e-İrsaliye are sent to.",
        compute="_compute_l10n_tr_edoc_gib_alias",
        store=True,
        readonly=False,
    )

    @api.model
    def _l10n_tr_edoc_normalize_tax_id(self, value):
        return normalize_tax_id(value)

    @api.model
    def _l10n_tr_edoc_tax_id_problem(self, value):
        """Why ``value`` is not a valid VKN (10 digits) or TCKN (11 digits), or None when it is."""
        number = normalize_tax_id(value)
        if not number:
            return self.env._("The tax ID (VKN/TCKN) is missing.")
        if not number.isdigit() or len(number) not in (10, 11):
            return self.env._("The tax ID %s must be a 10-digit VKN or an 11-digit TCKN.", number)
        checker = vkn if len(number) == 10 else tckimlik
        try:
            checker.validate(number)
        except StdnumValidationError:
            if len(number) == 10:
                return self.env._("The VKN %s fails its checksum.", number)
            return self.env._("The TCKN %s fails its checksum.", number)
        return None

    l10n_tr_edoc_einvoice_profile = fields.Selection(
        EINVOICE_PROFILES,
        string="e-Fatura Scenario",
        help="TICARIFATURA lets this customer accept or reject our invoices; empty uses the company default.",
    )

    # Registration status and default PK alias of a partner, derived from the local GİB list. The statuses and
    # aliases are stored (searchable, and read by the sending flows at no cost); the user-list sync refreshes
    # them in bulk for the VKN/TCKNs it touched.
    l10n_tr_edoc_tax_id = fields.Char(
        string="GİB Identifier",
        compute="_compute_l10n_tr_edoc_tax_id",
        store=True,
        index="btree_not_null",
        help="The VKN/TCKN as GİB writes it: the key into the GİB user list.",
    )
    l10n_tr_edoc_gib_alias_ids = fields.Many2many(
        "l10n_tr_edoc.gib.user.alias",
        compute="_compute_l10n_tr_edoc_gib_alias_ids",
        string="GİB PK Aliases",
        help="Open receiver (PK) aliases of this VKN/TCKN in the GİB user list.",
    )
    l10n_tr_edoc_gib_warning = fields.Text(compute="_compute_l10n_tr_edoc_gib_alias_ids")
    l10n_tr_edoc_gib_checked_at = fields.Datetime(
        string="GİB Registration Checked",
        readonly=True,
        copy=False,
        help="Last time the integrator was asked about this VKN/TCKN directly.",
    )

    @api.depends("vat")
    def _compute_l10n_tr_edoc_tax_id(self):
        for partner in self:
            number = normalize_tax_id(partner.vat)
            partner.l10n_tr_edoc_tax_id = number if number.isdigit() and len(number) in (10, 11) else False

    @api.depends("l10n_tr_edoc_tax_id")
    def _compute_l10n_tr_edoc_gib_status(self):
        """Statuses apart from the editable aliases: a form saving an alias must not freeze them.

        Odoo protects every field of a compute method from recomputation when one of them is in the
        create values; the form always sends the aliases, so a shared method kept "Not Checked". The
        statuses are writable for code (an explicit value is kept) and read-only in the views, and
        have no default: a default would count as an explicit value and freeze "Not Checked" again.
        """
        for partner, values in self._l10n_tr_edoc_gib_values().items():
            partner.update({name: values[name] for name in _STATUS_FIELDS})

    @api.depends("l10n_tr_edoc_tax_id")
    def _compute_l10n_tr_edoc_gib_alias(self):
        for partner, values in self._l10n_tr_edoc_gib_values().items():
            partner.update({name: values[name] for name in _ALIAS_FIELDS})

    @api.depends("l10n_tr_edoc_tax_id", "l10n_tr_edoc_einvoice_alias", "l10n_tr_edoc_despatch_alias")
    def _compute_l10n_tr_edoc_gib_alias_ids(self):
        Alias = self.env["l10n_tr_edoc.gib.user.alias"]
        for partner in self:
            aliases = Alias
            if partner.l10n_tr_edoc_tax_id:
                aliases = Alias.search(
                    [
                        ("identifier", "=", partner.l10n_tr_edoc_tax_id),
                        ("unit", "=", "PK"),
                        ("deleted_at", "=", False),
                    ]
                )
            partner.l10n_tr_edoc_gib_alias_ids = aliases
            warnings = []
            for document_type, label in (("INVOICE", "e-Fatura"), ("DESPATCHADVICE", "e-İrsaliye")):
                names = aliases.filtered(
                    lambda alias, kind=document_type: alias.document_type == kind
                ).mapped("name")
                chosen = partner[_ROUTE_FIELDS[document_type][1]]
                if len(names) > 1 and chosen not in names:
                    warnings.append(
                        self.env._(
                            "This partner has several %(kind)s PK aliases: choose the one to send to.",
                            kind=label,
                        )
                    )
                elif names and chosen and chosen not in names:
                    warnings.append(
                        self.env._(
                            "The %(kind)s alias %(alias)s is not open in the GİB list.",
                            kind=label,
                            alias=chosen,
                        )
                    )
            partner.l10n_tr_edoc_gib_warning = "\n".join(warnings) or False

    def _l10n_tr_edoc_gib_values(self, checked=False):
        """New status and default alias per partner, from one query over the GİB tables.

        Absent from the table means "not registered" once a full list is in (or ``checked`` by
        CheckUser), "not checked" before. A chosen alias stays while it is open; else a single
        open PK alias becomes the default, and several leave the choice to the user.
        """
        partners = self.filtered("l10n_tr_edoc_tax_id")
        aliases, known = {}, set()
        if partners:
            self.env.cr.execute(
                """
                SELECT u.identifier, a.document_type, a.name
                  FROM l10n_tr_edoc_gib_user u
             LEFT JOIN l10n_tr_edoc_gib_user_alias a
                    ON a.user_id = u.id AND a.unit = 'PK' AND a.deleted_at IS NULL
                 WHERE u.identifier = ANY(%s)
              ORDER BY u.identifier, a.created_at, a.name
                """,
                [list(set(partners.mapped("l10n_tr_edoc_tax_id")))],
            )
            for identifier, document_type, name in self.env.cr.fetchall():
                known.add(identifier)
                if name:
                    aliases.setdefault((identifier, document_type), []).append(name)
        listed = checked or self._l10n_tr_edoc_gib_list_synced()
        result = {}
        for partner in self:
            values = {}
            for document_type, (status_field, alias_field) in _ROUTE_FIELDS.items():
                identifier = partner.l10n_tr_edoc_tax_id
                names = aliases.get((identifier, document_type), [])
                if names:
                    status = "registered"
                elif identifier and (identifier in known or listed):
                    status = "not_registered"
                else:
                    status = "unknown"
                chosen = partner._origin[alias_field] if partner._origin else partner[alias_field]
                if chosen not in names:
                    chosen = names[0] if len(names) == 1 else False
                values[status_field] = status
                values[alias_field] = chosen
            result[partner] = values
        return result

    def _l10n_tr_edoc_gib_check_needed(self, document_type="INVOICE"):
        """The partners whose registration must be checked before sending: unknown, or stale.

        Stale means neither a user-list sync nor a direct check in the last
        :data:`GIB_STATUS_STALE_AFTER`: a document type must not be chosen on old information.
        Partners without a VKN/TCKN cannot be looked up and are left to the document checks.
        """
        status_field = _ROUTE_FIELDS[document_type][0]
        self.env["l10n_tr_edoc.account"].flush_model(["user_list_cursor"])
        self.env.cr.execute("SELECT max(user_list_cursor) FROM l10n_tr_edoc_account")
        listed = self.env.cr.fetchone()[0]
        fresh_from = fields.Datetime.now() - GIB_STATUS_STALE_AFTER
        return self.filtered(
            lambda partner: (
                partner.l10n_tr_edoc_tax_id
                and (
                    partner[status_field] == "unknown"
                    or max(filter(None, (listed, partner.l10n_tr_edoc_gib_checked_at)), default=fresh_from)
                    <= fresh_from
                )
            )
        )

    def _l10n_tr_edoc_einvoice_registered_on(self, day):
        """Whether GİB had an e-Fatura PK alias of this VKN/TCKN on ``day`` (Turkish calendar).

        The first alias's creation is GİB's first registration: a customer who registered after
        the invoice date was not an e-Fatura user on it. Without list rows the status decides.
        """
        self.ensure_one()
        if not day or not self.l10n_tr_edoc_tax_id:
            return True
        self.env["l10n_tr_edoc.gib.user.alias"].flush_model()
        self.env.cr.execute(
            """
            SELECT min(created_at) FROM l10n_tr_edoc_gib_user_alias
             WHERE identifier = %s AND document_type = 'INVOICE' AND unit = 'PK'
            """,
            [self.l10n_tr_edoc_tax_id],
        )
        first = self.env.cr.fetchone()[0]
        if first is None:
            return True
        return first.replace(tzinfo=datetime.UTC).astimezone(ISTANBUL).date() <= day

    @api.model
    def _l10n_tr_edoc_gib_list_synced(self):
        self.env["l10n_tr_edoc.account"].flush_model(["user_list_cursor"])
        self.env.cr.execute("SELECT 1 FROM l10n_tr_edoc_account WHERE user_list_cursor IS NOT NULL LIMIT 1")
        return bool(self.env.cr.rowcount)

    @api.model
    def _l10n_tr_edoc_refresh_gib_status(self, identifiers, unknown=False, checked=False):
        """Recompute the partners whose VKN/TCKN is in ``identifiers`` (a list or an ``SQL`` subquery).

        Only partners whose values change are written; a partner that had a known route is told
        in its chatter and its drafts are flagged. Returns (partners changed, drafts flagged).
        """
        self.flush_model(_FLUSHED)
        if isinstance(identifiers, SQL):
            match = SQL("p.l10n_tr_edoc_tax_id IN (%s)", identifiers)
        else:
            match = SQL("p.l10n_tr_edoc_tax_id = ANY(%s)", list(identifiers))
        if unknown:
            match = SQL(
                "(%s OR (p.l10n_tr_edoc_tax_id IS NOT NULL AND 'unknown' IN "
                "(p.l10n_tr_edoc_einvoice_status, p.l10n_tr_edoc_despatch_status)))",
                match,
            )
        self.env.cr.execute(SQL("SELECT p.id FROM res_partner p WHERE %s", match))
        partners = self.browse(row[0] for row in self.env.cr.fetchall())
        if not partners:
            return 0, 0
        changed = {}
        for partner, values in partners._l10n_tr_edoc_gib_values(checked=checked).items():
            old = {name: partner[name] for name in values}
            if old != values:
                changed[partner] = (old, values)
        for partner, (_old, values) in changed.items():
            partner.write(values)
        flagged = self._l10n_tr_edoc_announce_gib_changes(changed)
        return len(changed), flagged

    def _l10n_tr_edoc_announce_gib_changes(self, changed):
        """Chatter on partners whose known route changed, and a flag on their open drafts."""
        moved = {"INVOICE": self.browse(), "DESPATCHADVICE": self.browse()}
        for partner, (old, values) in changed.items():
            lines = []
            for document_type, (status_field, alias_field) in _ROUTE_FIELDS.items():
                if old[status_field] == "unknown" or (
                    old[status_field] == values[status_field] and old[alias_field] == values[alias_field]
                ):
                    continue
                moved[document_type] |= partner
                lines.append(partner._l10n_tr_edoc_gib_change_line(document_type, old, values))
            if lines and partner == partner.commercial_partner_id:
                partner.message_post(body="\n".join(lines), subtype_xmlid="mail.mt_note")
        Move = self.env["account.move"].sudo()
        moves = (
            Move.search(
                [
                    ("state", "=", "draft"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("commercial_partner_id", "in", moved["INVOICE"].commercial_partner_id.ids),
                ]
            )
            if moved["INVOICE"]
            else Move
        )
        Picking = self.env["stock.picking"].sudo()
        pickings = (
            Picking.search(
                [
                    ("state", "not in", ("done", "cancel")),
                    ("picking_type_code", "=", "outgoing"),
                    (
                        "partner_id.commercial_partner_id",
                        "in",
                        moved["DESPATCHADVICE"].commercial_partner_id.ids,
                    ),
                ]
            )
            if moved["DESPATCHADVICE"]
            else Picking
        )
        for record in (*moves, *pickings):
            record._l10n_tr_edoc_flag_route_change()
        return len(moves) + len(pickings)

    def _l10n_tr_edoc_gib_change_line(self, document_type, old, values):
        status_field, alias_field = _ROUTE_FIELDS[document_type]
        kind = "e-Fatura" if document_type == "INVOICE" else "e-İrsaliye"
        statuses = dict(self._fields[status_field]._description_selection(self.env))
        if old[alias_field] and old[alias_field] != values[alias_field]:
            if values[alias_field]:
                return self.env._(
                    "GİB list: the %(kind)s alias %(old)s is closed; documents now go to %(new)s.",
                    kind=kind,
                    old=old[alias_field],
                    new=values[alias_field],
                )
            if values[status_field] == "registered":
                return self.env._(
                    "GİB list: the %(kind)s alias %(old)s is closed and several aliases remain: choose one.",
                    kind=kind,
                    old=old[alias_field],
                )
        return self.env._(
            "GİB list: %(kind)s registration is now %(status)s (alias: %(alias)s).",
            kind=kind,
            status=statuses[values[status_field]],
            alias=values[alias_field] or "-",
        )

    def _l10n_tr_edoc_gib_route(self, document_type="INVOICE"):
        """Status, default alias and open PK aliases for sending to this partner, in one query.

        The partner row is found by id and its aliases through the (identifier, document_type)
        unique index of the alias table.
        """
        self.ensure_one()
        status_field, alias_field = _ROUTE_FIELDS[document_type]
        self.flush_model(_FLUSHED)
        self.env.cr.execute(
            SQL(
                """
                SELECT p.%s, p.%s, array_remove(array_agg(a.name ORDER BY a.created_at, a.name), NULL)
                  FROM res_partner p
             LEFT JOIN l10n_tr_edoc_gib_user_alias a
                    ON a.identifier = p.l10n_tr_edoc_tax_id AND a.document_type = %s
                   AND a.unit = 'PK' AND a.deleted_at IS NULL
                 WHERE p.id = %s
              GROUP BY p.id
                """,
                SQL.identifier(status_field),
                SQL.identifier(alias_field),
                document_type,
                self.id,
            )
        )
        status, alias, aliases = self.env.cr.fetchone()
        return {"status": status, "alias": alias, "aliases": tuple(aliases)}

    def action_l10n_tr_edoc_check_gib_user(self):
        """Ask the integrator (CheckUser) about this VKN/TCKN now, and store the answer in the table."""
        self.ensure_one()
        if problem := self._l10n_tr_edoc_tax_id_problem(self.vat):
            raise UserError(problem)
        account = self.env["l10n_tr_edoc.account"].sudo()._l10n_tr_edoc_for_company(self.env.company)
        if not account:
            raise UserError(
                self.env._("Set up an e-Document integrator account for %s first.", self.env.company.name)
            )
        identifier = self.l10n_tr_edoc_tax_id
        with account._l10n_tr_edoc_session():
            provider = account._l10n_tr_edoc_get_provider()
            # An integrator without e-İrsaliye (Kolaysoft) answers for e-Fatura only.
            kinds = [kind for kind in _ROUTE_FIELDS if kind == "INVOICE" or provider.supports(DESPATCH)]
            try:
                checks = [provider.check_user(identifier, document_type) for document_type in kinds]
            except EdocError as error:
                raise UserError(self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)) from error
        users = [user for check in checks for user in check.users]
        if users:
            aliases = tuple(alias for user in users for alias in user.aliases)
            users = [dataclasses.replace(users[0], aliases=aliases)]
        open_names = [alias.name for user in users for alias in user.aliases if alias.unit == "PK"]
        self.env.cr.execute(
            """
            UPDATE l10n_tr_edoc_gib_user_alias SET deleted_at = now() AT TIME ZONE 'UTC'
             WHERE identifier = %s AND unit = 'PK' AND deleted_at IS NULL AND document_type = ANY(%s)
               AND NOT name = ANY(%s)
            """,
            [identifier, kinds, open_names],
        )
        if users:
            GibUserWriter(self.env.cr, 0, datetime.datetime.now(datetime.UTC)).write(users)
        self.env["l10n_tr_edoc.gib.user"].invalidate_model()
        self.env["l10n_tr_edoc.gib.user.alias"].invalidate_model()
        self._l10n_tr_edoc_refresh_gib_status([identifier], checked=True)
        self.env["res.partner"].sudo().search([("l10n_tr_edoc_tax_id", "=", identifier)]).write(
            {"l10n_tr_edoc_gib_checked_at": fields.Datetime.now()}
        )
        message = (
            self.env._("%(name)s is a registered GİB user.", name=self.display_name)
            if users
            else self.env._("%(name)s is not in GİB's registered-user list.", name=self.display_name)
        )
        return account._l10n_tr_edoc_notify(
            self.env._("GİB check"), message, "success" if users else "warning", reload=True
        )

    # The counterparty's e-Mutabakat answers, next to its other e-document data.
    l10n_tr_edoc_reconciliation_ids = fields.One2many(
        "l10n_tr_edoc.reconciliation",
        "partner_id",
        string="e-Reconciliations",
        groups="l10n_tr_edoc.group_edoc_user",
    )
    l10n_tr_edoc_reconciliation_count = fields.Integer(
        string="e-Reconciliation Count",
        compute="_compute_l10n_tr_edoc_reconciliation",
        groups="l10n_tr_edoc.group_edoc_user",
    )
    l10n_tr_edoc_reconciliation_answer = fields.Selection(
        [("agreed", "Reconciled"), ("disagreed", "Not Reconciled")],
        string="Last e-Reconciliation Answer",
        compute="_compute_l10n_tr_edoc_reconciliation",
        groups="l10n_tr_edoc.group_edoc_user",
        help="The counterparty's answer to the newest e-Mutabakat it answered.",
    )

    def _compute_l10n_tr_edoc_reconciliation(self):
        for partner in self:
            records = partner.l10n_tr_edoc_reconciliation_ids
            answered = records.filtered(lambda rec: rec.state in ("agreed", "disagreed")).sorted(
                lambda rec: (rec.last_polled_at or rec.sent_at or rec.create_date, rec.id), reverse=True
            )
            partner.l10n_tr_edoc_reconciliation_count = len(records)
            partner.l10n_tr_edoc_reconciliation_answer = answered[:1].state or False

    def action_l10n_tr_edoc_open_reconciliations(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("l10n_tr_edoc.action_l10n_tr_edoc_reconciliation")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    # -- GİB party identifiers written on invoices --------------------------------------------

    l10n_tr_edoc_mersis_no = fields.Char(
        string="MERSİS No.",
        help="16-digit Central Registry System number of a company, written as MERSISNO on e-documents.",
    )
    l10n_tr_edoc_trade_registry_no = fields.Char(
        string="Trade Registry No.",
        help="Ticaret sicil numarası, written as TICARETSICILNO on e-documents.",
    )
    l10n_tr_edoc_identifier_ids = fields.One2many(
        "l10n_tr_edoc.party.identifier",
        "partner_id",
        string="Other GİB Identifiers",
        help="Further identifiers GİB lists (subscriber, customer, installation number, ...).",
    )

    @api.constrains("l10n_tr_edoc_mersis_no")
    def _check_l10n_tr_edoc_mersis_no(self):
        for partner in self:
            number = (partner.l10n_tr_edoc_mersis_no or "").replace(" ", "")
            if number and not (number.isdigit() and len(number) == 16):
                raise UserError(self.env._("The MERSİS number %s must have 16 digits.", number))

    def _l10n_tr_edoc_identifications(self):
        """The PartyIdentification entries besides the VKN/TCKN, in the order they are entered."""
        self.ensure_one()
        partner = self.commercial_partner_id
        mersis = (partner.l10n_tr_edoc_mersis_no or "").replace(" ", "")
        pairs = [
            ("MERSISNO", mersis),
            ("TICARETSICILNO", (partner.l10n_tr_edoc_trade_registry_no or "").strip()),
        ]
        pairs += [(line.scheme, line.value.strip()) for line in partner.l10n_tr_edoc_identifier_ids]
        return tuple(Identifier(value=value, scheme_id=scheme) for scheme, value in pairs if value)
