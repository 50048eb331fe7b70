import dataclasses
import datetime as dt
import uuid
from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..core.sandbox.reconciliation import desk
from .common import L10nTrEdocCase

OCTOBER = dt.date(2026, 10, 1)
END_OF_OCTOBER = dt.date(2026, 10, 31)


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocReconciliation(L10nTrEdocCase):
    """A month of invoices and bills → BA/BS and cari reconciliations, sent to the sandbox and answered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.setup_other_currency("USD", rates=[("2026-01-01", 0.025)])  # 1 USD = 40 TRY
        cls.manager = cls._l10n_tr_edoc_user("tr_reco_manager", "manager")
        cls.edoc_account.responsible_user_id = cls.manager
        Partner = cls.env["res.partner"]
        turkey = cls.env.ref("base.tr")

        def partner(name, vkn, email):
            return Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "vat": vkn,
                    "email": email,
                    "street": "Cumhuriyet Bulvarı 5",
                    "city": "Konak",
                    "country_id": turkey.id,
                    "l10n_tr_edoc_tax_office": "Konak",
                }
            )

        cls.customer = partner("Ege Gıda A.Ş.", "1234567808", "muhasebe@ege.example")
        cls.small_customer = partner("Küçük Büfe Ltd.", "9876543209", "info@bufe.example")
        cls.supplier = partner("Anadolu Tedarik A.Ş.", "5555555504", "finans@anadolu.example")
        cls.export_customer = partner("Bosphorus Trading Ltd.", "1112223305", "ar@bosphorus.example")
        cls.poll_cron = cls.env.ref("l10n_tr_edoc.ir_cron_l10n_tr_edoc_poll_reconciliations")
        cls.disagreed_type = cls.env.ref("l10n_tr_edoc.mail_activity_type_reconciliation_disagreed")
        cls.sale_tax = cls.company_data["default_tax_sale"]
        cls.purchase_tax = cls.company_data["default_tax_purchase"]

        def move(move_type, partner, amount, day, *, currency=None, post=True):
            tax = cls.sale_tax if move_type.startswith("out") else cls.purchase_tax
            return cls._create_invoice(
                move_type=move_type,
                partner_id=partner,
                invoice_date=day,
                currency_id=currency,
                invoice_line_ids=[cls._prepare_invoice_line(price_unit=amount, tax_ids=tax)],
                post=post,
            )

        d = OCTOBER
        cls.moves = {
            "sale_1": move("out_invoice", cls.customer, 3000, d + timedelta(days=2)),
            "sale_2": move("out_invoice", cls.customer, 2500, d + timedelta(days=9)),
            "customer_return": move("out_refund", cls.customer, 1000, d + timedelta(days=20)),
            "small_sale": move("out_invoice", cls.small_customer, 4000, d + timedelta(days=3)),
            "bill_1": move("in_invoice", cls.supplier, 6000, d + timedelta(days=4)),
            "bill_2": move("in_invoice", cls.supplier, 1200, d + timedelta(days=15)),
            "our_return": move("in_refund", cls.supplier, 5000, d + timedelta(days=25)),
            "usd_sale": move(
                "out_invoice", cls.export_customer, 200, d + timedelta(days=12), currency=cls.usd
            ),
            # not in October's BA/BS: next month, and a draft
            "november": move("in_invoice", cls.supplier, 9000, dt.date(2026, 11, 2)),
            "draft": move("out_invoice", cls.customer, 8000, d + timedelta(days=5), post=False),
        }

    def setUp(self):
        super().setUp()
        # the sandbox outlives each test's rollback: give every test the desk it started with
        reconciliation_desk = desk(self.sandbox)
        sent, scripts = dict(reconciliation_desk.sent), dict(reconciliation_desk.scripts)
        self.addCleanup(lambda: (reconciliation_desk.sent.clear(), reconciliation_desk.sent.update(sent)))
        self.addCleanup(
            lambda: (reconciliation_desk.scripts.clear(), reconciliation_desk.scripts.update(scripts))
        )

    def _run_poll_cron(self):
        """The scheduled action as the scheduler runs it, on this test's cursor."""
        with self.enter_registry_test_mode():
            self.assertIs(self.poll_cron.method_direct_trigger(), True)
        self.env.invalidate_all()

    def _compute(self, **values):
        wizard = (
            self.env["l10n_tr_edoc.reconciliation.wizard"]
            .with_user(self.manager)
            .create({"kind": "babs", "month": "10", "year": 2026, **values})
        )
        action = wizard.action_l10n_tr_edoc_compute()
        action = action.get("params", {}).get("next", action)
        return self.env["l10n_tr_edoc.reconciliation"].search(action["domain"])

    def test_babs_lines_match_a_hand_computation(self):
        self.assertEqual(self.sale_tax.l10n_tr_edoc_tax_type_id.code, "0015")
        self.assertEqual(self.moves["usd_sale"].amount_untaxed_signed, 8000.0)
        lines = self._compute()
        m = self.moves
        # Form Bs: sales and our returns to suppliers; Form Ba: purchases and customers' returns;
        # a form counts only when the counterparty's month total excl. KDV reaches 5,000 TL.
        expected = {
            # 3,000 + 2,500 = 5,500 on Bs; the 1,000 return alone on Ba stays under 5,000
            self.customer: (0, 0.0, 2, 5500.0, m["sale_1"] | m["sale_2"]),
            # 6,000 + 1,200 on Ba (November's 9,000 is not October); our 5,000 return on Bs
            self.supplier: (2, 7200.0, 1, 5000.0, m["bill_1"] | m["bill_2"] | m["our_return"]),
            # 200 USD at 40 TRY
            self.export_customer: (0, 0.0, 1, 8000.0, m["usd_sale"]),
            # the 4,000 TL customer is under the limit: no line
        }
        self.assertEqual(set(lines.partner_id), set(expected))
        for line in lines:
            ba_count, ba_amount, bs_count, bs_amount, moves = expected[line.partner_id]
            self.assertRecordValues(
                line,
                [
                    {
                        "kind": "babs",
                        "period": "202610",
                        "vat": line.partner_id.vat,
                        "ba_count": ba_count,
                        "ba_amount": ba_amount,
                        "bs_count": bs_count,
                        "bs_amount": bs_amount,
                        "currency_id": self.company.currency_id.id,
                        "state": "draft",
                    }
                ],
            )
            self.assertEqual(line.move_ids, moves)
        self.assertEqual(self.company.currency_id.name, "TRY")
        # computing again replaces the drafts instead of adding a second set
        self.assertEqual(len(self._compute()), 3)
        self.assertEqual(self.env["l10n_tr_edoc.reconciliation"].search_count([("period", "=", "202610")]), 3)

    def test_send_statuses_answer_activity_and_resend(self):
        lines = self._compute()
        by_partner = {line.partner_id: line for line in lines}
        desk(self.sandbox).script(self.supplier.vat, "disagree")
        sends = self.sandbox.request_count("SendReconciliation")
        lines.with_user(self.manager).action_l10n_tr_edoc_send()
        self.assertEqual(self.sandbox.request_count("SendReconciliation"), sends + 1, "one bulk request")
        self.assertEqual(set(lines.mapped("state")), {"sent"})
        self.assertTrue(all(lines.mapped("uuid")))
        with self.assertRaises(UserError):
            by_partner[self.customer].bs_amount = 1.0
        with self.assertRaises(UserError):
            by_partner[self.customer].unlink()
        with self.assertRaises(UserError):
            by_partner[self.customer].write({"state": "draft"})
        # computing the month again leaves the sent ones alone and says so
        wizard = self.env["l10n_tr_edoc.reconciliation.wizard"].create(
            {"kind": "babs", "month": "10", "year": 2026}
        )
        notification = wizard.action_l10n_tr_edoc_compute()
        self.assertEqual(notification["tag"], "display_notification")
        self.assertIn(self.supplier.name, notification["params"]["message"])
        self.assertEqual(self.env["l10n_tr_edoc.reconciliation"].search_count([("period", "=", "202610")]), 3)

        # the scheduled check keeps İzibiz's four hours: nothing is asked right after sending
        polls = self.sandbox.request_count("GetReconciliationStatus")
        self._run_poll_cron()
        self.assertEqual(self.sandbox.request_count("GetReconciliationStatus"), polls)

        # mailed, not answered yet: the period's BA/BS statuses in one call
        self.sandbox.clock.advance(timedelta(minutes=10))
        babs = self.sandbox.request_count("GetBABSReconciliationStatus")
        lines.action_l10n_tr_edoc_refresh_period_status()
        self.assertEqual(self.sandbox.request_count("GetBABSReconciliationStatus"), babs + 1)
        self.assertEqual(set(lines.mapped("status_code")), {"120"})
        self.assertEqual(set(lines.mapped("email_status_code")), {"130"})
        self.assertEqual(set(lines.mapped("state")), {"sent"})

        # four hours later the scheduler asks, in one request for the account
        lines.write({"next_poll_at": dt.datetime(2000, 1, 1)})
        self._run_poll_cron()
        self.assertEqual(self.sandbox.request_count("GetReconciliationStatus"), polls + 1)
        self.assertTrue(all(lines.mapped("next_poll_at")))

        self.sandbox.clock.advance(timedelta(hours=2))
        lines.action_l10n_tr_edoc_refresh_status()
        self.assertRecordValues(
            by_partner[self.customer], [{"state": "agreed", "status_code": "125", "status": "ACCEPTED"}]
        )
        disagreed = by_partner[self.supplier]
        self.assertRecordValues(
            disagreed, [{"state": "disagreed", "status_code": "126", "status": "REJECTED"}]
        )
        activity = disagreed.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.activity_type_id, self.disagreed_type)
        self.assertEqual(self.customer.l10n_tr_edoc_reconciliation_answer, "agreed")
        self.assertEqual(self.supplier.l10n_tr_edoc_reconciliation_answer, "disagreed")
        self.assertFalse(any(lines.mapped("next_poll_at")))

        # answered ones are final: never asked again, even when marked due
        lines.write({"next_poll_at": dt.datetime(2000, 1, 1)})
        polls = self.sandbox.request_count("GetReconciliationStatus")
        self._run_poll_cron()
        lines.action_l10n_tr_edoc_refresh_period_status()
        self.assertEqual(self.sandbox.request_count("GetReconciliationStatus"), polls)
        self.assertEqual(self.sandbox.request_count("GetBABSReconciliationStatus"), babs + 1)

        disagreed.action_l10n_tr_edoc_resend_mail()
        self.assertEqual(disagreed.mail_count, 2)
        self.assertEqual(len(desk(self.sandbox).sent[(self.demo.vkn, disagreed.uuid)].mails), 2)

    def test_refusals_are_shown_in_words_and_nothing_is_sent_twice(self):
        self.supplier.email = "finans at anadolu"
        lines = self._compute(partner_ids=[Command.set(self.supplier.ids)])
        sends = self.sandbox.request_count("SendReconciliation")
        lines.action_l10n_tr_edoc_send()
        self.assertEqual(self.sandbox.request_count("SendReconciliation"), sends, "refused before sending")
        self.assertRecordValues(lines, [{"state": "refused", "error_code": 250}])
        self.assertIn("e-mail address is not valid", lines.error_message)
        lines.email = "finans@anadolu.example"
        # another program already sent this counterparty's October BA/BS: İzibiz answers 230
        other = dataclasses.replace(lines._l10n_tr_edoc_core(), uuid=str(uuid.uuid4()))
        self.assertFalse(self.edoc_account._l10n_tr_edoc_get_provider().send_reconciliations([other]).refused)
        lines.action_l10n_tr_edoc_send()
        self.assertRecordValues(lines, [{"state": "refused", "error_code": 230}])
        self.assertIn("already at the integrator", lines.error_message)
        self.assertFalse(lines.locked)

    def test_cari_for_two_partners_sent_and_answered(self):
        wizard = (
            self.env["l10n_tr_edoc.reconciliation.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "kind": "cari",
                    "balance_date": END_OF_OCTOBER,
                    "partner_ids": [Command.set((self.customer | self.supplier).ids)],
                }
            )
        )
        lines = self.env["l10n_tr_edoc.reconciliation"].search(wizard.action_l10n_tr_edoc_compute()["domain"])
        # customer: (3,000 + 2,500 − 1,000) × 1.20 KDV = 5,400 owed to us (borç);
        # supplier: (6,000 + 1,200 − 5,000) × 1.20 = 2,640 we owe (alacak); November is after the date
        self.assertRecordValues(
            lines.sorted(lambda rec: rec.partner_id == self.supplier),
            [
                {"partner_id": self.customer.id, "cm_amount": 5400.0, "cm_amount_type": "B", "kind": "cari"},
                {"partner_id": self.supplier.id, "cm_amount": 2640.0, "cm_amount_type": "A", "kind": "cari"},
            ],
        )
        self.assertEqual(set(lines.mapped("period")), {"202610"})
        customer_line = lines.filtered(lambda rec: rec.partner_id == self.customer)
        self.assertEqual(
            customer_line.move_line_ids.move_id,
            self.moves["sale_1"] | self.moves["sale_2"] | self.moves["customer_return"],
        )
        lines.action_l10n_tr_edoc_send()
        self.assertEqual(set(lines.mapped("state")), {"sent"})
        request = self.env["l10n_tr_edoc.event"].search(
            [("operation", "=", "SendReconciliation"), ("success", "=", True)], limit=1
        )
        self.assertIn(b"<CM_AMOUNT_TYPE>B</CM_AMOUNT_TYPE>", request.request_attachment_id.raw)
        self.sandbox.clock.advance(timedelta(hours=2))
        lines.action_l10n_tr_edoc_refresh_status()
        self.assertEqual(set(lines.mapped("state")), {"agreed"})
        self.assertFalse(lines.activity_ids)

    def test_other_companies_and_users_without_e_documents(self):
        lines = self._compute()
        other = self.env["res.company"].create({"name": "Başka Şirket A.Ş."})
        outsider = new_test_user(
            self.env,
            "tr_reco_outsider",
            groups="l10n_tr_edoc.group_edoc_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["l10n_tr_edoc.reconciliation"].with_user(outsider).search([]))
        self.assertEqual(len(self.env["l10n_tr_edoc.reconciliation"].with_user(self.manager).search([])), 3)
        invoicing = new_test_user(
            self.env,
            "tr_reco_invoicing",
            groups="account.group_account_invoice",
            company_ids=[Command.set(self.company.ids)],
        )
        # the partner form opens for an invoicing user who does not see e-Mutabakat
        with Form(self.customer.with_user(invoicing)) as form:
            self.assertEqual(form.name, self.customer.name)
        self.assertTrue(lines)
