import datetime
import itertools
import logging
import queue
import threading

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)

BATCH_USERS = 10_000
READ_AHEAD_USERS = 2_000
"""Users parsed at a time by the list reader thread; it stays about one batch ahead of the writer."""
USER_LIST_TIMEOUT = 600
"""Seconds: the integrator zips the whole list before the first byte of its answer."""
SYNC_STATES = [("running", "Running"), ("done", "Done"), ("held", "Closing Held Back"), ("failed", "Failed")]
CURSOR_OVERLAP = datetime.timedelta(minutes=10)
"""A delta asks from a little before the last start: clocks differ, and re-applying is harmless."""


class UserListReader:
    """Iterates a provider's user list parsed in a thread, a batch ahead of the caller.

    Parsing is Python work and writing is PostgreSQL work: side by side, a full list takes the
    longer of the two instead of their sum. The thread runs core code only (HTTP, unzip, XML),
    never the ORM; its errors are raised to the caller. ``close`` stops it early. It is one
    iterator, whoever asks: ``islice`` over it must not start a second reading of the queue.
    """

    def __init__(self, users):
        users = iter(users)
        self._queue = queue.Queue(maxsize=max(1, BATCH_USERS // READ_AHEAD_USERS))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(users,), name="l10n_tr_edoc.gib_user_list", daemon=True
        )
        self._thread.start()
        self._items = self._drain()

    def _read(self, users):
        try:
            while not self._stop.is_set():
                chunk = list(itertools.islice(users, READ_AHEAD_USERS))
                if not self._put(chunk) or not chunk:
                    break
        except BaseException as error:
            self._put(error)
        finally:
            if close := getattr(users, "close", None):
                close()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        return self._items

    def _drain(self):
        try:
            while chunk := self._queue.get():
                if isinstance(chunk, BaseException):
                    raise chunk
                yield from chunk
        finally:
            self.close()

    def close(self):
        self._stop.set()
        self._thread.join(USER_LIST_TIMEOUT)


class L10nTrEdocGibUserSync(models.Model):
    """One run of the GİB user-list sync: what the user watches, and what a crashed run resumes from."""

    _name = "l10n_tr_edoc.gib.user.sync"
    _description = "GİB User List Sync"
    _order = "id desc"

    account_id = fields.Many2one("l10n_tr_edoc.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    mode = fields.Selection([("full", "Full list"), ("delta", "Changes only")], required=True)
    state = fields.Selection(SYNC_STATES, default="running", required=True)
    since = fields.Datetime(help="Changes after this moment were asked for (delta runs).")
    started_at = fields.Datetime(default=fields.Datetime.now, required=True)
    finished_at = fields.Datetime()
    users_done = fields.Integer(string="Users Written")
    aliases_done = fields.Integer(string="Aliases Written")
    users_added = fields.Integer(string="Users Added")
    users_changed = fields.Integer(string="Users Changed")
    aliases_added = fields.Integer(string="Aliases Added")
    aliases_changed = fields.Integer(string="Aliases Changed")
    aliases_closed = fields.Integer(string="Aliases Closed")
    held_reason = fields.Text(
        string="Why Closing Was Held Back",
        help="A full list that would close too many open aliases is not trusted: nothing is closed.",
    )
    partners_changed = fields.Integer()
    documents_flagged = fields.Integer(string="Drafts Flagged")
    last_identifier = fields.Char(help="Last VKN/TCKN of the last committed batch: where a full run resumes.")
    error = fields.Text()

    @api.depends("mode", "started_at")
    def _compute_display_name(self):
        """Breadcrumbs name the run, not "l10n_tr_edoc.gib.user.sync,1"."""
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for run in self:
            when = format_datetime(self.env, run.started_at) if run.started_at else ""
            run.display_name = " · ".join(filter(None, (modes.get(run.mode), when)))

    def _l10n_tr_edoc_progress(self, users, aliases, last_identifier, refreshed, changes=(0, 0, 0, 0)):
        """Counters in plain SQL: one statement per batch, no ORM cache to keep in step.

        ``changes`` = (users added, users changed, aliases added, aliases changed) by the batch.
        """
        self.ensure_one()
        self.env.cr.execute(
            """
            UPDATE l10n_tr_edoc_gib_user_sync
               SET users_done = COALESCE(users_done, 0) + %s, aliases_done = COALESCE(aliases_done, 0) + %s,
                   last_identifier = %s, partners_changed = COALESCE(partners_changed, 0) + %s,
                   documents_flagged = COALESCE(documents_flagged, 0) + %s,
                   users_added = COALESCE(users_added, 0) + %s,
                   users_changed = COALESCE(users_changed, 0) + %s,
                   aliases_added = COALESCE(aliases_added, 0) + %s,
                   aliases_changed = COALESCE(aliases_changed, 0) + %s,
                   error = NULL
             WHERE id = %s
            """,
            (users, aliases, last_identifier, refreshed[0], refreshed[1], *changes, self.id),
        )
        self.invalidate_recordset()
