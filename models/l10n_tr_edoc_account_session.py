import contextlib
import logging
import threading

from odoo import models

from ..core.errors import EdocError

_logger = logging.getLogger(__name__)

# The session scopes open in this thread: accounts as (database, id), and their providers by
# (database, id, options).
_scopes = threading.local()


def _scope_state():
    if not hasattr(_scopes, "accounts"):
        _scopes.accounts = set()
        _scopes.providers = {}
    return _scopes


class L10nTrEdocAccount(models.Model):
    _inherit = "l10n_tr_edoc.account"

    def _l10n_tr_edoc_scope_key(self, options):
        return (self.env.cr.dbname, self.id, tuple(sorted(options.items())))

    def _l10n_tr_edoc_get_provider(self, **options):
        """Inside a session scope, the scope's provider: its integrator session serves every call."""
        self.ensure_one()
        state = _scope_state()
        key = self._l10n_tr_edoc_scope_key(options)
        if key in state.providers:
            return state.providers[key]
        provider = super()._l10n_tr_edoc_get_provider(**options)
        if key[:2] in state.accounts:
            state.providers[key] = provider
        return provider

    @contextlib.contextmanager
    def _l10n_tr_edoc_session(self):
        """One integrator session for a whole cron run or button, logged out at the end.

        İzibiz asks for one Login reused across requests (renewed only when it says the session is
        gone) and a Logout when the work is done; a login per request is refused by its checklist.
        Nested scopes of the same account share the outer one.
        """
        self.ensure_one()
        state = _scope_state()
        owner = (self.env.cr.dbname, self.id)
        if owner in state.accounts:
            yield
            return
        state.accounts.add(owner)
        finished = False
        try:
            yield
            finished = True
        finally:
            state.accounts.discard(owner)
            for key in [key for key in state.providers if key[:2] == owner]:
                self._l10n_tr_edoc_logout(state.providers.pop(key), log=finished)

    def _l10n_tr_edoc_logout(self, provider, *, log=True):
        """Close the provider's session; a failed logout is logged, never raised (the work is done).

        After an error inside the scope the transaction may be aborted: the logout still goes out,
        but nothing is written.
        """
        Document = self.env["l10n_tr_edoc.document"]
        try:
            result = provider.logout()
        except EdocError as error:
            _logger.info("Logout from the integrator failed for account %s: %s", self.id, error)
            if log:
                Document._l10n_tr_edoc_log_exchanges(
                    "logout", error.params.get("exchanges", ()), error=error, account=self
                )
            return
        if log and result is not None and result.exchanges:
            Document._l10n_tr_edoc_log_exchanges("logout", result.exchanges, account=self)
