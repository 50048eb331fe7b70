import uuid as uuid_module

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.sandbox.nilvera import api_key_for
from .common import deliver_invoices, supplier_invoice
from .common_outgoing import L10nTrEdocOutgoingCase

SUPPLIER = DEMO_COMPANIES[1]


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocCallLog(L10nTrEdocOutgoingCase):
    """The call log: who may read it, what it must never hold, and how long payloads stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._l10n_tr_edoc_user("tr_log_manager", "manager")
        cls.edoc_user = cls._l10n_tr_edoc_user("tr_log_user", "user")
        cls.Event = cls.env["l10n_tr_edoc.event"].sudo()
        cls.Attachment = cls.env["ir.attachment"].sudo()

    def _account_events(self, account=None, after=0):
        account = account or self.edoc_account
        return self.Event.search([("account_id", "=", account.id), ("id", ">", after)])

    def _max_id(self, model):
        return (
            self.env[model].sudo().with_context(active_test=False).search([], order="id desc", limit=1).id
            or 0
        )

    def _payloads(self, events):
        return events.request_attachment_id | events.response_attachment_id

    # -- access -----------------------------------------------------------------------------------

    def test_only_managers_see_the_call_log_and_its_payloads(self):
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        events = self._account_events()
        attachments = self._payloads(events)
        self.assertTrue(attachments, "the connection test stored no payload")
        menu = self.env.ref("l10n_tr_edoc.menu_l10n_tr_edoc_event")
        Menu = self.env["ir.ui.menu"]

        self.assertIn(menu.id, Menu.with_user(self.manager).load_menus(debug=False))
        as_manager = events.with_user(self.manager)
        self.assertEqual(self.Event.with_user(self.manager).search([("id", "in", events.ids)]), as_manager)
        (login,) = as_manager.filtered(lambda event: event.operation == "Login")
        # as the web client reads it: with bin_size, which must not turn the payload into its size
        shown = login.with_context(bin_size=True).request_payload
        self.assertIn("<REQUEST_HEADER>\n", shown, "the XML is shown indented")
        self.assertIn("<SESSION_ID>***</SESSION_ID>", shown)
        download = login.action_l10n_tr_edoc_download_request()
        self.assertEqual(download["url"], f"/web/content/{login.request_attachment_id.id}?download=true")
        self.assertEqual(attachments.with_user(self.manager).mapped("raw"), attachments.mapped("raw"))
        self.assertEqual(
            self.Attachment.with_user(self.manager).search([("res_model", "=", "l10n_tr_edoc.event")])
            & attachments,
            attachments,
        )

        self.assertNotIn(menu.id, Menu.with_user(self.edoc_user).load_menus(debug=False))
        with self.assertRaises(AccessError):
            events.with_user(self.edoc_user).read(["operation"])
        with self.assertRaises(AccessError):
            self.Event.with_user(self.edoc_user).search([])
        for attachment in attachments:
            with self.assertRaises(AccessError):
                attachment.with_user(self.edoc_user).read(["raw"])
        self.assertFalse(
            self.Attachment.with_user(self.edoc_user).search(
                ["|", ("id", "in", attachments.ids), ("res_model", "=", "l10n_tr_edoc.event")]
            )
        )

    # -- credentials ------------------------------------------------------------------------------

    def _receive_one_invoice(self):
        """A supplier sends us one e-Fatura through the sandbox, to be fetched by the account."""
        (invoice,) = deliver_invoices(
            self.sandbox_server.url, self.demo, [supplier_invoice(self.demo, profile="TEMELFATURA")]
        )
        return invoice.uuid

    def test_no_credential_reaches_the_call_log_chatter_or_attachments(self):
        username = f"tr-login-{uuid_module.uuid4().hex[:12]}"
        password = f"Pw-{uuid_module.uuid4().hex}"
        company = self.sandbox.add_company(**{**vars(self.demo), "username": username, "password": password})
        self.addCleanup(self.sandbox.add_company, **vars(self.demo))
        api_key = api_key_for(company)
        self.edoc_account.write({"username": username, "password": password})
        watermarks = {
            model: self._max_id(model)
            for model in ("ir.attachment", "mail.message", "mail.tracking.value", "l10n_tr_edoc.event")
        }
        Document = self.env["l10n_tr_edoc.document"]

        for provider in ("sandbox", "sandbox_kolaysoft", "sandbox_nilvera"):
            with self.subTest(provider=provider):
                start = self._max_id("l10n_tr_edoc.event")
                self.edoc_account.write(
                    {"provider": provider, "api_key": api_key if provider == "sandbox_nilvera" else False}
                )
                action = self.edoc_account.action_l10n_tr_edoc_test_connection()
                self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
                self.assertFalse(self.edoc_account._l10n_tr_edoc_refresh_credit())
                move = self._post(self.registered)
                self.assertFalse(move._l10n_tr_edoc_send())
                self._run_cron()
                incoming = self._receive_one_invoice()
                self.edoc_account._l10n_tr_edoc_fetch_incoming_invoices()
                self.assertTrue(Document.search([("uuid", "=", incoming), ("direction", "=", "in")]))
                if provider == "sandbox":
                    self.assertEqual(self.edoc_account._l10n_tr_edoc_sync_gib_users().state, "done")
                events = self._account_events(after=start)
                self.assertTrue(events.filtered("success"), provider)
                self.assertTrue(
                    self._payloads(events.filtered("document_id")), f"{provider}: no send payload"
                )
                self.assertGreaterEqual(len(self._payloads(events)), 4, provider)
        self.env.flush_all()

        # every session ever issued: the runs log out, so few are still open
        sessions = list(self.sandbox.store.issued_sessions)
        self.assertTrue(sessions, "the sandbox issued no İzibiz session")
        secrets = {"username": username, "password": password, "api key": api_key}
        secrets.update({f"session {index}": session for index, session in enumerate(sessions)})

        def scan(kind, texts):
            for label, secret in secrets.items():
                leaks = [text[:200] for text in texts if text and secret.encode() in text]
                self.assertFalse(leaks, f"{label} found in {kind}")

        events = self.Event.search([("id", ">", watermarks["l10n_tr_edoc.event"])])
        attachments = self.Attachment.search(
            [
                "|",
                ("id", ">", watermarks["ir.attachment"]),
                ("res_model", "in", ("l10n_tr_edoc.event", "l10n_tr_edoc.document")),
            ]
        )
        self.assertLessEqual(self._payloads(events), attachments)
        self.assertTrue(
            any(b"***" in raw for raw in self._payloads(events).mapped("raw")), "nothing redacted"
        )
        scan("attachments", attachments.mapped("raw"))
        scan("event messages", [(text or "").encode() for text in events.mapped("message")])
        messages = self.env["mail.message"].sudo().search([("id", ">", watermarks["mail.message"])])
        scan("messages", [f"{m.subject or ''} {m.body or ''}".encode() for m in messages])
        values = (
            self.env["mail.tracking.value"].sudo().search([("id", ">", watermarks["mail.tracking.value"])])
        )
        scan("tracking", [f"{v.old_value_char or ''} {v.new_value_char or ''}".encode() for v in values])
        documents = Document.search([("account_id", "=", self.edoc_account.id)])
        scan("document errors", [(text or "").encode() for text in documents.mapped("error_message")])
        scan("account", [(self.edoc_account.last_error or "").encode()])

    # -- retention --------------------------------------------------------------------------------

    def _age(self, events, days):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE l10n_tr_edoc_event SET create_date = now() - make_interval(days => %s) WHERE id IN %s",
            [days, tuple(events.ids)],
        )
        self.env.invalidate_all()

    def _prune(self):
        cron = self.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_prune_call_log")
        with self.enter_registry_test_mode():
            self.assertIs(cron.method_direct_trigger(), True)

    def assertPruned(self, events, payloads):
        self.assertTrue(events)
        self.assertTrue(payloads)
        self.assertEqual(events.exists(), events, "the call rows must stay")
        self.assertFalse(self._payloads(events))
        self.assertTrue(all(events.mapped("payload_pruned_at")))
        self.assertFalse(payloads.exists())

    def assertKept(self, events, payloads):
        self.assertTrue(payloads)
        self.assertEqual(self._payloads(events), payloads)
        self.assertFalse(any(events.mapped("payload_pruned_at")))

    def test_retention_prunes_old_payloads_per_company_and_keeps_the_rows(self):
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        old = self._account_events()
        self.edoc_account.action_l10n_tr_edoc_test_connection()
        recent = self._account_events(after=max(old.ids))
        audit = old.read(["operation", "success", "duration_ms", "result_code"])

        # a send whose outcome is unknown: its payloads stay whatever their age
        self.sandbox.faults.inject("SendInvoice", "drop_after_accept")
        self.addCleanup(self.sandbox.faults.clear)
        move = self._post(self.registered)
        self.assertTrue(move._l10n_tr_edoc_send())
        document = move.l10n_tr_edoc_document_id
        self.assertEqual(document.state, "unknown")
        unsettled = self.Event.search([("document_id", "=", document.id)])

        other = self.setup_other_company(name="Ege Gıda Ltd. Şti.")["company"]
        other.write({"vat": SUPPLIER.vkn, "l10n_tr_edoc_tax_office": "Konak"})
        other_account = self.env["l10n_tr_edoc.account"].create(
            {
                "company_id": other.id,
                "provider": "sandbox",
                "sandbox_url": self.sandbox_server.url,
                "username": SUPPLIER.username,
                "password": SUPPLIER.password,
            }
        )
        other.l10n_tr_edoc_call_log_retention_days = 0
        other_account.action_l10n_tr_edoc_test_connection()
        forever = self._account_events(other_account)
        self.assertEqual(self.company.l10n_tr_edoc_call_log_retention_days, 90)

        self._age(old | unsettled, 91)
        self._age(recent, 89)
        self._age(forever, 1000)
        payloads = {
            name: self._payloads(events)
            for name, events in (
                ("old", old),
                ("recent", recent),
                ("unsettled", unsettled),
                ("forever", forever),
            )
        }
        self._prune()
        self.assertPruned(old, payloads["old"])
        self.assertEqual(old.read(["operation", "success", "duration_ms", "result_code"]), audit)
        self.assertKept(recent, payloads["recent"])
        self.assertKept(unsettled, payloads["unsettled"])
        self.assertKept(forever, payloads["forever"])

        other.l10n_tr_edoc_call_log_retention_days = 365
        self._prune()
        self.assertPruned(forever, payloads["forever"])
        self.assertKept(recent, payloads["recent"])

        # once the status query settles the document, its old calls lose their payloads too
        self._run_cron()
        self.assertIn(document.state, ("sent", "delivered"))
        self._prune()
        self.assertPruned(unsettled, payloads["unsettled"])
        self.assertKept(recent, payloads["recent"])
