from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core.errors import EdocError
from ..core.providers.registry import get_provider_class


class L10nTrEdocSubmission(models.AbstractModel):
    """A record the integrator takes in bulk after our own check (e-Mutabakat, Z-Rapor).

    Drafts and refused records go; a second click waits on the row lock instead of sending twice; a
    record our check refuses never reaches the integrator; one call carries the rest, and each refusal
    the integrator gives lands on its own record, in the user's language. Concrete models have
    ``state`` (with draft/refused), ``error_code``, ``error_message``, ``account_id`` and
    ``_l10n_tr_edoc_core()``.
    """

    _name = "l10n_tr_edoc.submission"
    _description = "e-Document Bulk Submission"

    def _l10n_tr_edoc_error_words(self, code):
        """The integrator's error ``code`` in the user's language, or None."""
        return None

    def _l10n_tr_edoc_field_words(self, name):
        return name

    def _l10n_tr_edoc_refuse(self, code, text):
        self.write({"state": "refused", "error_code": code, "error_message": text})
        self.message_post(body=text)

    def _l10n_tr_edoc_account(self, capability, service):
        """The company's integrator account, if its provider offers ``capability`` (named ``service``)."""
        company = self.company_id[:1] or self.env.company
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(company)
        if not account:
            raise UserError(self.env._("No integrator account is set up for %s.", company.display_name))
        if capability not in get_provider_class(account.provider).capabilities:
            raise UserError(
                self.env._(
                    "%(account)s does not offer %(service)s.", account=account.display_name, service=service
                )
            )
        return account

    def _l10n_tr_edoc_prepare(self):
        """Hook run on each record about to be checked, under the row lock."""

    def _l10n_tr_edoc_submit(self, account, operation, call, *, check, key, error_code, not_sent, refused):
        """Check, then hand the records to ``call(provider, cores)`` in one request; returns those taken.

        ``check(core)`` gives our problems as ``(code, field)``; ``key(core)`` finds a core in the
        outcome's ``refused``; ``error_code(error)`` reads the integrator's code; ``not_sent(words,
        field)`` and ``refused(words, remote)`` word the two kinds of refusal for this model.
        """
        self.env.cr.execute(
            SQL("SELECT id FROM %s WHERE id IN %s FOR UPDATE", SQL.identifier(self._table), tuple(self.ids))
        )
        self.invalidate_recordset(["state"])
        ready = self.browse()
        for rec in self.filtered(lambda r: r.state in ("draft", "refused")):
            rec._l10n_tr_edoc_prepare()
            problems = check(rec._l10n_tr_edoc_core())
            if problems:
                code, field = problems[0]
                words, where = self._l10n_tr_edoc_error_words(code), self._l10n_tr_edoc_field_words(field)
                rec._l10n_tr_edoc_refuse(code, not_sent(words, where))
                continue
            ready |= rec
        if not ready:
            return ready
        ready.account_id = account
        Document = self.env["l10n_tr_edoc.document"]
        cores = [rec._l10n_tr_edoc_core() for rec in ready]
        try:
            outcome = call(account._l10n_tr_edoc_get_provider(), cores)
        except EdocError as error:
            Document._l10n_tr_edoc_log_exchanges(
                operation, error.params.get("exchanges", ()), error=error, account=account
            )
            text = Document._l10n_tr_edoc_error_text(error)
            ready.write({"error_message": text})
            for rec in ready:
                rec.message_post(
                    body=self.env._("Not sent: %s. Sending again asks the integrator first.", text)
                )
            return self.browse()
        Document._l10n_tr_edoc_log_exchanges(operation, outcome.exchanges, account=account)
        taken = self.browse()
        for rec, core in zip(ready, cores, strict=True):
            error = outcome.refused.get(key(core))
            if error is None:
                taken |= rec
                continue
            code = error_code(error) or 0
            words = self._l10n_tr_edoc_error_words(code) or Document._l10n_tr_edoc_error_text(error)
            rec._l10n_tr_edoc_refuse(
                code, refused(words, error.params.get("remote_message") or error.message)
            )
        return taken
