import io

from odoo import api, fields, models
from odoo.tools import SQL

DOCUMENT_TYPES = [("INVOICE", "e-Fatura"), ("DESPATCHADVICE", "e-İrsaliye")]
USER_TYPES = [("OZEL", "Private (OZEL)"), ("KAMU", "Public (KAMU)")]
_TR_OFFSET = "+03:00"


def _copy_text(value):
    """A value in PostgreSQL COPY text format (tab-separated, backslash escapes)."""
    if value is None or value == "":
        return "\\N"
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_time(moment):
    """GİB list times carry no offset and are Turkish local time (UTC+3 all year)."""
    if moment is None:
        return "\\N"
    text = moment.isoformat()
    return text if moment.tzinfo else text + _TR_OFFSET


class GibUserWriter:
    """Writes :class:`~core.providers.base.GibUser` batches with COPY and ``INSERT … ON CONFLICT``.

    Each batch goes through two temporary tables, so the cost is a few statements per batch
    whatever its size, and memory stays bounded by the batch.
    """

    def __init__(self, cr, run, moment):
        self.cr = cr
        self.run = run
        self.moment = moment
        """Aware time of this sync: the closing time of an alias marked DELETED without one."""
        self.changes = (0, 0, 0, 0)
        """Users added, users changed, aliases added, aliases changed by the last batch."""
        cr.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS l10n_tr_edoc_gib_user_in (
                identifier varchar, title varchar, type varchar, registered_at timestamptz
            );
            CREATE TEMP TABLE IF NOT EXISTS l10n_tr_edoc_gib_alias_in (
                identifier varchar, name varchar, unit varchar, document_type varchar,
                created_at timestamptz, deleted_at timestamptz
            );
            """
        )

    def write(self, users):
        """Upsert ``users`` (with their aliases); returns (users, aliases) written."""
        user_buffer, alias_buffer = io.StringIO(), io.StringIO()
        seen = set()
        alias_count = 0
        for user in users:
            if not user.identifier:
                continue
            # A list is grouped by consecutive rows: the same VKN can come back later in it.
            if user.identifier not in seen:
                seen.add(user.identifier)
                user_type = user.type if user.type in ("OZEL", "KAMU") else None
                user_buffer.write(
                    f"{_copy_text(user.identifier)}\t{_copy_text(user.title)}\t{_copy_text(user_type)}\t"
                    f"{_copy_time(user.registered_at)}\n"
                )
            for alias in user.aliases:
                if alias.unit not in ("GB", "PK") or alias.document_type not in ("INVOICE", "DESPATCHADVICE"):
                    continue
                deleted_at = alias.deleted_at or (self.moment if alias.deleted else None)
                alias_buffer.write(
                    f"{_copy_text(user.identifier)}\t{_copy_text(alias.name)}\t{alias.unit}\t{alias.document_type}\t"
                    f"{_copy_time(alias.created_at)}\t{_copy_time(deleted_at)}\n"
                )
                alias_count += 1
        cr = self.cr
        # The per-alias user lookup inflates the plan's cost estimate past the JIT threshold, and
        # compiling a statement that runs once costs 5-8% of it (LOCAL: until the batch commits).
        cr.execute("TRUNCATE l10n_tr_edoc_gib_user_in, l10n_tr_edoc_gib_alias_in; SET LOCAL jit = off")
        user_buffer.seek(0)
        cr.copy_expert("COPY l10n_tr_edoc_gib_user_in FROM STDIN", user_buffer)
        alias_buffer.seek(0)
        cr.copy_expert("COPY l10n_tr_edoc_gib_alias_in FROM STDIN", alias_buffer)
        cr.execute(
            """
            WITH written AS (
            INSERT INTO l10n_tr_edoc_gib_user AS u
                        (identifier, title, type, registered_at, create_date, write_date)
                 SELECT identifier, title, type, registered_at AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
                        now() AT TIME ZONE 'UTC'
                   FROM l10n_tr_edoc_gib_user_in
            ON CONFLICT (identifier) DO UPDATE
                    SET title = COALESCE(EXCLUDED.title, u.title),
                        type = COALESCE(EXCLUDED.type, u.type),
                        registered_at = COALESCE(EXCLUDED.registered_at, u.registered_at),
                        write_date = EXCLUDED.write_date
                  WHERE (u.title, u.type, u.registered_at)
                        IS DISTINCT FROM (COALESCE(EXCLUDED.title, u.title), COALESCE(EXCLUDED.type, u.type),
                                          COALESCE(EXCLUDED.registered_at, u.registered_at))
              RETURNING xmax = 0 AS added)
            SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM written
            """
        )
        users_added, users_changed = cr.fetchone()
        # ``write_date`` moves only when the alias itself changed (not when a run just saw it again),
        # to this statement's time: that is how the run log counts changed aliases.
        # A closed alias that is opened again arrives as a newer row without deletion time; a
        # delta can carry both rows, so the latest event per alias wins. The user id is looked up
        # per alias through the identifier index: a join would scan the whole user table each batch.
        cr.execute(
            """
            WITH written AS (
            INSERT INTO l10n_tr_edoc_gib_user_alias AS a
                        (user_id, identifier, name, unit, document_type, created_at, deleted_at, sync_run,
                         create_date, write_date)
                 SELECT user_id, identifier, name, unit, document_type, created_at, deleted_at, %(run)s,
                        now() AT TIME ZONE 'UTC', statement_timestamp() AT TIME ZONE 'UTC'
                   FROM (SELECT DISTINCT ON (i.identifier, i.document_type, i.unit, i.name)
                                (SELECT u.id FROM l10n_tr_edoc_gib_user u WHERE u.identifier = i.identifier)
                                    AS user_id,
                                i.identifier, i.name, i.unit, i.document_type,
                                i.created_at AT TIME ZONE 'UTC' AS created_at,
                                i.deleted_at AT TIME ZONE 'UTC' AS deleted_at
                           FROM l10n_tr_edoc_gib_alias_in i
                       ORDER BY i.identifier, i.document_type, i.unit, i.name,
                                GREATEST(i.created_at, i.deleted_at) DESC NULLS LAST) latest
                  WHERE user_id IS NOT NULL
            ON CONFLICT (identifier, document_type, unit, name) DO UPDATE
                    SET created_at = COALESCE(EXCLUDED.created_at, a.created_at),
                        deleted_at = EXCLUDED.deleted_at,
                        sync_run = EXCLUDED.sync_run,
                        write_date = CASE WHEN (a.created_at, a.deleted_at)
                                               IS DISTINCT FROM (COALESCE(EXCLUDED.created_at, a.created_at),
                                                                 EXCLUDED.deleted_at)
                                          THEN EXCLUDED.write_date ELSE a.write_date END
                  WHERE (a.created_at, a.deleted_at, a.sync_run)
                        IS DISTINCT FROM (COALESCE(EXCLUDED.created_at, a.created_at), EXCLUDED.deleted_at,
                                          EXCLUDED.sync_run)
              RETURNING xmax = 0 AS added, write_date = statement_timestamp() AT TIME ZONE 'UTC' AS changed)
            SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added AND changed) FROM written
            """,
            {"run": self.run},
        )
        aliases_added, aliases_changed = cr.fetchone()
        self.changes = (users_added, users_changed, aliases_added, aliases_changed)
        return len(seen), alias_count

    def identifiers(self):
        """The VKN/TCKNs of the last batch, as a subquery for the partner refresh."""
        return SQL("SELECT identifier FROM l10n_tr_edoc_gib_user_in")

    def count_unseen(self):
        """(open aliases a full list did not hold, all open aliases): what closing would do."""
        self.cr.execute(
            """
            SELECT count(*) FILTER (WHERE sync_run IS DISTINCT FROM %(run)s), count(*)
              FROM l10n_tr_edoc_gib_user_alias
             WHERE deleted_at IS NULL
            """,
            {"run": self.run},
        )
        return self.cr.fetchone()

    def close_unseen(self, moment):
        """After a full list: aliases it no longer holds were closed; returns their VKN/TCKNs."""
        self.cr.execute(
            """
            UPDATE l10n_tr_edoc_gib_user_alias
               SET deleted_at = %(moment)s, write_date = %(moment)s
             WHERE deleted_at IS NULL AND sync_run IS DISTINCT FROM %(run)s
         RETURNING identifier
            """,
            {"moment": moment, "run": self.run},
        )
        return sorted({row[0] for row in self.cr.fetchall()})


class L10nTrEdocGibUser(models.Model):
    """A VKN/TCKN in GİB's registered-user list (e-Fatura / e-İrsaliye mükellef).

    The list is public and the same for every company, so one table serves all of them. It is
    written by the sync in bulk SQL (:class:`GibUserWriter`), never record by record.
    """

    _name = "l10n_tr_edoc.gib.user"
    _description = "GİB Registered User"
    _order = "identifier"
    _rec_name = "identifier"

    identifier = fields.Char(string="VKN/TCKN", required=True, readonly=True)
    title = fields.Char(readonly=True)
    type = fields.Selection(USER_TYPES, readonly=True)
    registered_at = fields.Datetime(string="First Registration", readonly=True)
    alias_ids = fields.One2many("l10n_tr_edoc.gib.user.alias", "user_id", string="Aliases", readonly=True)
    einvoice_registered = fields.Boolean(
        string="e-Fatura", compute="_compute_registered", search="_search_einvoice_registered"
    )
    despatch_registered = fields.Boolean(
        string="e-İrsaliye", compute="_compute_registered", search="_search_despatch_registered"
    )

    _identifier_unique = models.UniqueIndex("(identifier)", "A VKN/TCKN appears once in the GİB list.")

    @api.depends("alias_ids.deleted_at", "alias_ids.unit", "alias_ids.document_type")
    def _compute_registered(self):
        for user in self:
            live = user.alias_ids.filtered(lambda alias: alias.unit == "PK" and not alias.deleted_at)
            user.einvoice_registered = "INVOICE" in live.mapped("document_type")
            user.despatch_registered = "DESPATCHADVICE" in live.mapped("document_type")

    def _search_registered(self, document_type, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [
            (
                "alias_ids",
                "any",
                [("unit", "=", "PK"), ("deleted_at", "=", False), ("document_type", "=", document_type)],
            )
        ]
        return domain if (operator == "in") == (True in value) else ["!", *domain]

    def _search_einvoice_registered(self, operator, value):
        return self._search_registered("INVOICE", operator, value)

    def _search_despatch_registered(self, operator, value):
        return self._search_registered("DESPATCHADVICE", operator, value)


class L10nTrEdocGibUserAlias(models.Model):
    """One alias (etiket) of a GİB user. Closed aliases stay, with their deletion time."""

    _name = "l10n_tr_edoc.gib.user.alias"
    _description = "GİB User Alias"
    _order = "identifier, document_type, unit, created_at"

    user_id = fields.Many2one("l10n_tr_edoc.gib.user", required=True, readonly=True, ondelete="cascade")
    identifier = fields.Char(string="VKN/TCKN", required=True, readonly=True)
    name = fields.Char(string="Alias", required=True, readonly=True)
    unit = fields.Selection([("GB", "Sender (GB)"), ("PK", "Receiver (PK)")], required=True, readonly=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, readonly=True)
    created_at = fields.Datetime(string="Created", readonly=True)
    deleted_at = fields.Datetime(string="Closed", readonly=True)
    sync_run = fields.Integer(readonly=True, help="Last full sync that saw this alias.")

    _alias_unique = models.UniqueIndex("(identifier, document_type, unit, name)")
    _user_index = models.Index("(user_id)")

    def init(self):
        # Every full sync stamps ``sync_run`` on each of the ~2M aliases. With room left in each page the
        # new row version stays on its page and no index changes (none of the stamped columns is indexed):
        # a heap-only update instead of three index inserts per alias.
        self.env.cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 50)", SQL.identifier(self._table)))
