import datetime
import itertools
import logging
import queue
import threading

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from ..core.errors import EdocError
from .l10n_tr_edoc_gib_user import GibUserWriter

_logger = logging.getLogger(__name__)

BATCH_USERS = 10_000
READ_AHEAD_USERS = 2_000
"""Users parsed at a time by the list reader thread; it stays about one batch ahead of the writer."""
USER_LIST_TIMEOUT = 600
"""Seconds: the integrator zips the whole list before the first byte of its answer."""
SYNC_STATES = [("running", "Running"), ("done", "Done"), ("held", "Closing Held Back"), ("failed", "Failed")]
CURSOR_OVERLAP = datetime.timedelta(minutes=10)
"""A delta asks from a little before the last start: clocks differ, and re-applying is harmless."""


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


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    gib_user_sync_ids = fields.One2many("l10n_tr_edoc.gib.user.sync", "account_id", string="User List Syncs")
    gib_user_sync_id = fields.Many2one(
        "l10n_tr_edoc.gib.user.sync", compute="_compute_gib_user_sync_id", string="Last User List Sync"
    )
    gib_user_sync_state = fields.Selection(
        SYNC_STATES, compute="_compute_gib_user_sync_id", string="User List Sync"
    )
    user_list_close_limit = fields.Float(
        string="Hold Full Syncs Closing More Than (%)",
        default=10.0,
        help="A full GİB list that would close more than this share of the open aliases is not applied: "
        "a cut-short download must not turn registered customers into e-Arşiv ones.",
    )

    _user_list_close_limit_range = models.Constraint(
        "CHECK(user_list_close_limit >= 0 AND user_list_close_limit <= 100)",
        "The share of aliases a full sync may close is a percentage between 0 and 100.",
    )
    gib_user_sync_users = fields.Integer(compute="_compute_gib_user_sync_id", string="Users Written")

    @api.depends("gib_user_sync_ids.state", "gib_user_sync_ids.users_done")
    def _compute_gib_user_sync_id(self):
        for account in self:
            run = account.gib_user_sync_ids[:1]
            account.gib_user_sync_id = run
            account.gib_user_sync_state = run.state
            account.gib_user_sync_users = run.users_done

    def action_l10n_tr_edoc_sync_gib_users(self):
        """Queue a user-list sync for the cron: a full list takes minutes, too long for a request."""
        self._l10n_tr_edoc_queue_gib_user_sync(full=False)
        return self._l10n_tr_edoc_sync_queued()

    def action_l10n_tr_edoc_full_sync_gib_users(self):
        self._l10n_tr_edoc_queue_gib_user_sync(full=True)
        return self._l10n_tr_edoc_sync_queued()

    def _l10n_tr_edoc_sync_queued(self):
        return self._l10n_tr_edoc_notify(
            self.env._("GİB user list"),
            self.env._("The sync has started in the background; its progress shows on the account."),
            "info",
        )

    def action_l10n_tr_edoc_open_gib_user_syncs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("GİB User List Syncs"),
            "res_model": "l10n_tr_edoc.gib.user.sync",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
        }

    def _l10n_tr_edoc_queue_gib_user_sync(self, full):
        self.check_access("write")
        Sync = self.env["l10n_tr_edoc.gib.user.sync"].sudo()
        for account in self:
            if not Sync.search_count([("account_id", "=", account.id), ("state", "=", "running")]):
                account._l10n_tr_edoc_new_gib_user_sync(full)
        self.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_sync_gib_users")._trigger()

    def _l10n_tr_edoc_new_gib_user_sync(self, full):
        self.ensure_one()
        full = full or not self.user_list_cursor
        return (
            self.env["l10n_tr_edoc.gib.user.sync"]
            .sudo()
            .create(
                {
                    "account_id": self.id,
                    "mode": "full" if full else "delta",
                    "since": False if full else self.user_list_cursor - CURSOR_OVERLAP,
                }
            )
        )

    def _l10n_tr_edoc_sync_gib_users(self, full=False, commit=None):
        """:meth:`_l10n_tr_edoc_read_gib_user_list` in one integrator session, logged out at the end."""
        self.ensure_one()
        with self._l10n_tr_edoc_session():
            return self._l10n_tr_edoc_read_gib_user_list(full=full, commit=commit)

    def _l10n_tr_edoc_read_gib_user_list(self, full=False, commit=None):
        """Bring GİB's user list into the local table: the full list, or the changes since the cursor.

        Batches of users are upserted in bulk SQL, partners with those VKN/TCKNs refreshed, and
        ``commit(count)`` called after each batch (the cron passes ``_commit_progress``; it returns
        the seconds left, and at zero the run stops and resumes on the next call). The cursor only
        moves once the whole list is in. An unfinished full run resumes after its last committed
        user when the new list still has that user at the same place, from the start otherwise.
        Returns the run record.
        """
        self.ensure_one()
        commit = commit or (lambda count, remaining=1: float("inf"))
        Sync = self.env["l10n_tr_edoc.gib.user.sync"].sudo()
        run = Sync.search([("account_id", "=", self.id), ("state", "in", ("running", "failed"))], limit=1)
        if not run or (full and run.mode != "full"):
            if run:
                run.write({"state": "failed", "error": self.env._("Replaced by a full sync.")})
            run = self._l10n_tr_edoc_new_gib_user_sync(full)
            commit(0)
        run.state = "running"
        moment = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        writer = GibUserWriter(self.env.cr, run.id, moment)
        Partner = self.env["res.partner"].sudo()
        since = run.since and run.since.replace(tzinfo=datetime.UTC)
        reader = None
        try:
            provider = self._l10n_tr_edoc_get_provider(timeout=USER_LIST_TIMEOUT)
            reader = _ListReader(provider.iter_user_list(since=since or None))
            users = self._l10n_tr_edoc_skip_done(run, reader)
            while batch := list(itertools.islice(users, BATCH_USERS)):
                with self.env.cr.savepoint():
                    written, aliases = writer.write(batch)
                    self.env["l10n_tr_edoc.gib.user"].invalidate_model()
                    self.env["l10n_tr_edoc.gib.user.alias"].invalidate_model()
                    refreshed = Partner._l10n_tr_edoc_refresh_gib_status(writer.identifiers())
                    run._l10n_tr_edoc_progress(
                        written, aliases, batch[-1].identifier, refreshed, writer.changes
                    )
                if commit(written, remaining=1) <= 0:
                    return run
            with self.env.cr.savepoint():
                closed, held = [], ""
                if run.mode == "full":
                    unseen, open_total = writer.count_unseen()
                    if unseen and unseen * 100 > self.user_list_close_limit * open_total:
                        held = self.env._(
                            "The full list would close %(unseen)s of %(total)s open aliases (%(share)s %%), "
                            "more than the %(limit)s %% allowed: the list looks cut short, so nothing was "
                            "closed. Run a full sync again; if GİB really closed them, raise the limit on "
                            "the account for one run.",
                            unseen=unseen,
                            total=open_total,
                            share=round(unseen * 100 / open_total, 1),
                            limit=self.user_list_close_limit,
                        )
                    else:
                        closed = writer.close_unseen(moment.replace(tzinfo=None))
                self.env["l10n_tr_edoc.gib.user.alias"].invalidate_model()
                self.user_list_cursor = run.started_at
                refreshed = Partner._l10n_tr_edoc_refresh_gib_status(closed, unknown=True)
                run._l10n_tr_edoc_progress(0, 0, run.last_identifier, refreshed)
                run.write(
                    {
                        "state": "held" if held else "done",
                        "finished_at": fields.Datetime.now(),
                        "aliases_closed": len(closed),
                        "held_reason": held or False,
                    }
                )
                if held:
                    self._l10n_tr_edoc_user_list_held(held)
        except EdocError as error:
            message = self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)
            run.write({"state": "failed", "error": message})
            _logger.warning("GİB user list sync %s of account %s failed: %s", run.id, self.id, error.code)
        finally:
            if reader:
                reader.close()
        commit(0, remaining=0)
        return run

    def _l10n_tr_edoc_user_list_held(self, text):
        """The managers hear that a full list was not applied: one activity, one message."""
        self.ensure_one()
        managers = self._l10n_tr_edoc_managers()
        assignee = self.responsible_user_id or managers[:1] or self.create_uid
        self.activity_schedule("mail.mail_activity_data_warning", note=text, user_id=assignee.id)
        self.message_post(
            body=text,
            subject=self.env._("GİB user list: closing held back"),
            partner_ids=(managers | assignee).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @staticmethod
    def _l10n_tr_edoc_skip_done(run, users):
        """Drop the users a crashed full run already committed, if the new list agrees with it."""
        done = run.users_done if run.mode == "full" else 0
        if not done:
            yield from users
            return
        head = list(itertools.islice(users, done))
        if head and head[-1].identifier != run.last_identifier:
            _logger.info("GİB user list changed order since run %s; writing it again from the start", run.id)
            run.sudo().write({"users_done": 0, "aliases_done": 0})
            yield from head
        yield from users

    @api.model
    def _cron_l10n_tr_edoc_sync_gib_users(self):
        """Every account whose list is older than its interval (or whose last run is unfinished)."""
        now = fields.Datetime.now()
        for account in self.search([("company_id.partner_id.country_id.code", "=", "TR")]).filtered(
            "offers_user_list"
        ):
            unfinished = self.env["l10n_tr_edoc.gib.user.sync"].search_count(
                [("account_id", "=", account.id), ("state", "=", "running")]
            )
            interval = datetime.timedelta(hours=account.user_list_interval)
            if unfinished or not account.user_list_cursor or account.user_list_cursor + interval <= now:
                run = account._l10n_tr_edoc_sync_gib_users(commit=self.env["ir.cron"]._commit_progress)
                # Out of time: the cron, told work remains, runs again soon and resumes this run.
                if run.state == "running":
                    return


class _ListReader:
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
