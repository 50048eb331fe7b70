import datetime as dt
import json
import uuid as uuid_module

from odoo import fields
from odoo.tests import tagged

from ..core.sandbox.demo import DEMO_COMPANIES
from .common import L10nTrEdocCase, deliver_invoices, supplier_invoice


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocDashboard(L10nTrEdocCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["l10n_tr_edoc.document"]
        cls.other_company = cls.setup_other_company(name="Other TR company")["company"]
        cls.other_company.write({"vat": DEMO_COMPANIES[2].vkn, "l10n_tr_edoc_tax_office": "Çankaya"})
        cls.foreign_company = cls.setup_other_company(name="Company without e-Documents")["company"]
        cls.other_account = cls.env["l10n_tr_edoc.account"].create(
            {"company_id": cls.other_company.id, "provider": "sandbox", "sandbox_url": cls.sandbox_server.url}
        )

    def _document(self, state, *, kind="einvoice", direction="out", account=None, **values):
        account = account or self.edoc_account
        return self.Document.create(
            {
                "uuid": str(uuid_module.uuid4()).upper(),
                "company_id": account.company_id.id,
                "account_id": account.id,
                "kind": kind,
                "direction": direction,
                "state": state,
                **values,
            }
        )

    def _counts(self, account=None):
        account = (account or self.edoc_account).with_context(allowed_company_ids=self.env.companies.ids)
        account.invalidate_recordset(["dashboard_data"])
        return json.loads(account.dashboard_data)

    def _populate(self):
        now = fields.Datetime.now()
        expected = {
            "sending": self._document("sending"),
            "send_failed": self._document("send_failed") | self._document("send_failed", kind="earchive"),
            "unknown": self._document("unknown"),
            "rejected_by_gib": self._document("rejected_by_gib"),
            "rejected_by_buyer": self._document("rejected"),
            "awaiting_response": self.Document.concat(
                *(
                    self._document(
                        "awaiting_response",
                        direction="in",
                        response_deadline=now + dt.timedelta(hours=hours, minutes=30),
                    )
                    for hours in (50, 3, 170, 20, 100, 8)
                )
            ),
            "import_failed": self._document("import_failed", direction="in"),
            "despatch_awaiting_receiver": self._document("sent", kind="despatch")
            | self._document("delivered", kind="despatch"),
            "despatch_awaiting_us": self._document("received", kind="despatch", direction="in"),
        }
        answered = self._document("received", kind="despatch", direction="in")
        self._document("sent", kind="receipt_advice", parent_id=answered.id)
        # Finished documents and another company's problems are not counted.
        self._document("accepted")
        self._document("send_failed", account=self.other_account)
        self._document("awaiting_response", direction="in", account=self.other_account)
        return expected

    def test_counts_match_the_lists_they_open(self):
        expected = self._populate()
        unsent = self.init_invoice("out_invoice", amounts=[100], post=True)
        self.assertTrue(unsent.l10n_tr_edoc_uuid, "a posted Turkish invoice gets its ETTN at posting")

        data = self._counts()
        self.assertEqual(data["counts"]["to_send"], 1)
        for key, documents in expected.items():
            self.assertEqual(data["counts"][key], len(documents), key)

        for key, count in data["counts"].items():
            action = self.edoc_account.with_context(l10n_tr_edoc_bucket=key).action_l10n_tr_edoc_open_bucket()
            found = self.env[action["res_model"]].search(action["domain"])
            self.assertEqual(len(found), count, key)
            if key in expected:
                self.assertEqual(found, expected[key], key)
        self.assertEqual(
            self.edoc_account.with_context(l10n_tr_edoc_bucket="to_send").action_l10n_tr_edoc_open_bucket()[
                "domain"
            ][-1],
            ("company_id", "=", self.company.id),
        )
        self.assertFalse(
            self.edoc_account.with_context(l10n_tr_edoc_bucket="nope").action_l10n_tr_edoc_open_bucket()
        )

    def test_deadlines_listed_soonest_first_with_remaining_time(self):
        expected = self._populate()["awaiting_response"]
        deadlines = self._counts()["deadlines"]
        soonest = expected.sorted("response_deadline")[:5]
        self.assertEqual([row["id"] for row in deadlines], soonest.ids)
        self.assertEqual({row["model"] for row in deadlines}, {"l10n_tr_edoc.document"})
        self.assertEqual(deadlines[0]["remaining"], "0 d 3 h")
        action = self.edoc_account.with_context(
            l10n_tr_edoc_bucket="awaiting_response"
        ).action_l10n_tr_edoc_open_bucket()
        view = self.env["l10n_tr_edoc.document"].get_views(action["views"])["views"]["list"]
        self.assertIn('default_order="response_deadline asc, id"', view["arch"])
        self.assertIn('name="response_remaining"', view["arch"])

    def test_cards_are_computed_with_a_constant_number_of_queries(self):
        self._populate()
        companies = self.company | self.other_company

        def queries(accounts):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            accounts.with_context(allowed_company_ids=companies.ids).mapped("dashboard_data")
            return self.env.cr.sql_log_count - before

        queries(self.edoc_account)  # warms the access-rule caches
        self.assertEqual(queries(self.edoc_account | self.other_account), queries(self.edoc_account))

    def test_overview_renders_for_an_edoc_user(self):
        self._populate()
        user = self.env["res.users"].create(
            {
                "name": "e-Doc clerk",
                "login": "edoc_clerk",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, self.env.ref("l10n_tr_edoc.group_edoc_user").ids)],
            }
        )
        account = self.edoc_account.with_user(user)
        self.assertEqual(json.loads(account.dashboard_data)["counts"]["send_failed"], 2)
        action = self.env.ref("l10n_tr_edoc.action_l10n_tr_edoc_dashboard")
        self.assertIn("kanban", action.view_mode)
        self.assertEqual(
            self.env["l10n_tr_edoc.account"].with_user(user).search([]), self.edoc_account, "own company only"
        )

    def test_journal_cards_show_edoc_badges_and_open_the_moves(self):
        unsent = self.init_invoice("out_invoice", amounts=[100], post=True)
        failed = self.init_invoice("out_invoice", amounts=[200], post=True)
        self._document("send_failed", move_id=failed.id)
        bill = self.init_invoice("in_invoice", amounts=[300], post=False)
        self._document("awaiting_response", direction="in", move_id=bill.id)

        sale = self.company_data["default_journal_sale"]
        purchase = self.company_data["default_journal_purchase"]
        data = (sale | purchase)._get_journal_dashboard_data_batched()
        self.assertEqual(
            {key: data[sale.id][key] for key in ("l10n_tr_edoc_to_send", "l10n_tr_edoc_attention")},
            {"l10n_tr_edoc_to_send": 1, "l10n_tr_edoc_attention": 1},
        )
        self.assertEqual(data[purchase.id]["l10n_tr_edoc_to_answer"], 1)
        self.assertEqual(data[purchase.id]["l10n_tr_edoc_to_send"], 0)

        for journal, bucket, move in (
            (sale, "to_send", unsent),
            (sale, "attention", failed),
            (purchase, "to_answer", bill),
        ):
            action = journal.with_context(l10n_tr_edoc_bucket=bucket).action_l10n_tr_edoc_open_moves()
            self.assertEqual(self.env["account.move"].search(action["domain"]), move, bucket)

        self.assertTrue(purchase.show_fetch_in_einvoices_button)
        self.assertTrue(sale.show_refresh_out_einvoices_status_button)
        foreign_sale = self.env["account.journal"].search(
            [("company_id", "=", self.foreign_company.id), ("type", "=", "sale")], limit=1
        )
        self.assertFalse(foreign_sale.show_refresh_out_einvoices_status_button)

    def test_fetch_from_the_purchase_journal_imports_the_bill(self):
        (invoice,) = deliver_invoices(self.sandbox_server.url, self.demo, [supplier_invoice(self.demo)])
        self.company_data["default_journal_purchase"].button_fetch_in_einvoices()
        incoming = self.Document.search([("uuid", "=", invoice.uuid), ("direction", "=", "in")])
        self.assertEqual(incoming.state, "awaiting_response")
        self.assertEqual(incoming.move_id.move_type, "in_invoice")
        self.assertEqual(self._counts()["counts"]["awaiting_response"], 1)
