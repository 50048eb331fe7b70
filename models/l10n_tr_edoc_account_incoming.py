import logging

import psycopg2

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from ..core.errors import EdocError
from ..core.providers.base import EINVOICE

_logger = logging.getLogger(__name__)

# Key space of the session advisory lock that keeps two fetches of one account from overlapping.
FETCH_LOCK_KEY = 0x7472_0008


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    def _l10n_tr_edoc_try_fetch_lock(self):
        """A session-level advisory lock: it survives the per-page commits of a long fetch."""
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [FETCH_LOCK_KEY, self.id])
        return self.env.cr.fetchone()[0]

    def _l10n_tr_edoc_release_fetch_lock(self):
        """Unlock even after a database error: an aborted transaction refuses every statement, the
        unlock included, and a session lock left behind would follow the connection back into the
        pool and keep this account 'busy' for as long as the worker lives. The aborted work is lost
        anyway, so it is rolled back first."""
        unlock = SQL("SELECT pg_advisory_unlock(%s, %s)", FETCH_LOCK_KEY, self.id)
        try:
            with mute_logger("odoo.sql_db"):
                self.env.cr.execute(unlock)
        except psycopg2.errors.InFailedSqlTransaction:
            self.env.cr.rollback()
            self.env.cr.execute(unlock)

    def _l10n_tr_edoc_commit_fetched(self, count):
        """Commit what was stored before the integrator is told the documents were read.

        Only the running test's own cursor may not commit; a test's worker threads on their own
        connections commit as the cron does.
        """
        if self.env.cr is not getattr(modules.module.current_test, "cr", None):
            self.env["ir.cron"]._commit_progress(count)

    def _l10n_tr_edoc_fetch_incoming_invoices(self):
        """Pull every unread incoming e-Fatura, one integrator page at a time.

        Each document is stored (ETTN unique) and committed before the provider marks its page
        read, so a crash loses nothing and a repeated listing creates nothing twice. Returns the
        number of new documents, or ``None`` when another run holds this account.
        """
        self.ensure_one()
        if not self._l10n_tr_edoc_try_fetch_lock():
            _logger.info("Incoming e-Fatura fetch already running for account %s; skipped", self.id)
            return None
        try:
            with self._l10n_tr_edoc_session():
                return self._l10n_tr_edoc_fetch_locked()
        finally:
            self._l10n_tr_edoc_release_fetch_lock()

    def _l10n_tr_edoc_fetch_locked(self):
        Document = self.env["l10n_tr_edoc.document"].with_company(self.company_id)
        provider = self._l10n_tr_edoc_get_provider()
        started = fields.Datetime.now()
        created = 0
        try:
            # GetInvoice brings up to 100 invoices with their XML per call, then one MarkInvoice for
            # the page: 2 calls per 100 invoices. Only an invoice that came without its XML is
            # downloaded on its own.
            for incoming in provider.list_incoming(EINVOICE, mark_read=True, with_content=True):
                content, error = incoming.content, None
                if not content:
                    try:
                        content = provider.download(incoming.uuid, "XML").content
                    except EdocError as exc:
                        error = exc
                created += bool(Document._l10n_tr_edoc_receive_invoice(self, incoming, content, error=error))
                self._l10n_tr_edoc_commit_fetched(1)
        except EdocError as error:
            message = Document._l10n_tr_edoc_error_text(error)
            self.write({"last_error": message})
            Document._l10n_tr_edoc_log_exchanges(
                "list_incoming", error.params.get("exchanges", ()), error=error, account=self
            )
            self._l10n_tr_edoc_commit_fetched(0)
            return created
        self.write({"incoming_invoice_cursor": started, "last_error": False})
        return created

    def action_l10n_tr_edoc_fetch_incoming(self):
        self.ensure_one()
        self.check_access("write")
        self._l10n_tr_edoc_claim_manual_fetch()
        created = self._l10n_tr_edoc_fetch_incoming_invoices()
        if created is None:
            raise UserError(
                self.env._("Incoming invoices are being fetched right now; try again in a moment.")
            )
        return self._l10n_tr_edoc_notify(
            self.env._("Incoming invoices"),
            self.env._("%s new incoming e-Fatura fetched.", created),
            "success",
        )

    @api.model
    def _cron_l10n_tr_edoc_fetch_incoming(self):
        """Fetch for every company whose account interval has elapsed; one company never blocks another."""
        for account in self.search([]):
            if not account._l10n_tr_edoc_fetch_due():
                continue
            account.with_company(account.company_id)._l10n_tr_edoc_fetch_incoming_invoices()
