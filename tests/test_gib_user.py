import itertools
from datetime import timedelta
from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import tagged

from ..core.errors import EdocError
from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.sandbox.nilvera import api_key_for
from ..core.sandbox.userlist import GibUser
from ..models import l10n_tr_edoc_account, l10n_tr_edoc_gib_user_sync
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install")
class TestGibUserSync(L10nTrEdocCase):
    """The GİB user list through the sandbox: full list, delta, partner statuses, flags, resume."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._l10n_tr_edoc_forget_gib_list()
        cls.Partner = cls.env["res.partner"]
        cls.GibUser = cls.env["l10n_tr_edoc.gib.user"]
        cls.Alias = cls.env["l10n_tr_edoc.gib.user.alias"]

    def _register(self, vkn, alias, *, document_type="INVOICE", at=None, title="TEST MÜKELLEF A.Ş."):
        moment = at or self.sandbox.clock.now()
        self.sandbox.registry.add(GibUser(vkn, title, alias, "PK", document_type, moment, moment))

    def _partner(self, vkn, name):
        return self.Partner.create({"name": name, "vat": vkn, "country_id": self.env.ref("base.tr").id})

    def _sync(self, **kwargs):
        run = self.edoc_account._l10n_tr_edoc_sync_gib_users(**kwargs)
        self.env.invalidate_all()
        return run

    def test_full_then_delta(self):
        one, several, newcomer, outsider = "1112223339", "4445556665", "7778889991", "2223334447"
        past = self.sandbox.clock.now() - timedelta(days=30)
        self._register(one, "urn:mail:defaultpk@one.example", at=past)
        self._register(one, "urn:mail:irsaliyepk@one.example", document_type="DESPATCHADVICE", at=past)
        self._register(several, "urn:mail:defaultpk@several.example", at=past)
        p_one = self._partner(f"TR {one}", "One")
        p_several = self._partner(several, "Several")
        p_new = self._partner(newcomer, "Newcomer")
        p_out = self._partner(outsider, "Outsider")
        self.assertEqual(p_one.l10n_tr_edoc_einvoice_status, "unknown")

        run = self._sync()
        self.assertRecordValues(run, [{"mode": "full", "state": "done"}])
        self.assertTrue(self.edoc_account.user_list_cursor)
        user = self.GibUser.search([("identifier", "=", one)])
        self.assertEqual(len(user.alias_ids), 2)
        self.assertEqual(self.GibUser.search_count([("identifier", "=", self.demo.vkn)]), 1)
        self.assertRecordValues(
            p_one,
            [
                {
                    "l10n_tr_edoc_tax_id": one,
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": "urn:mail:defaultpk@one.example",
                    "l10n_tr_edoc_despatch_status": "registered",
                    "l10n_tr_edoc_despatch_alias": "urn:mail:irsaliyepk@one.example",
                }
            ],
        )
        self.assertEqual(p_several.l10n_tr_edoc_despatch_status, "not_registered")
        self.assertEqual(p_new.l10n_tr_edoc_einvoice_status, "not_registered")
        self.assertEqual(p_out.l10n_tr_edoc_einvoice_status, "not_registered")
        self.assertEqual(
            self.Partner.search(
                [("l10n_tr_edoc_einvoice_status", "=", "registered"), ("id", "in", (p_one | p_new).ids)]
            ),
            p_one,
        )

        invoice_one = self.init_invoice("out_invoice", partner=p_one, amounts=[100])
        invoice_several = self.init_invoice("out_invoice", partner=p_several, amounts=[100])
        invoice_out = self.init_invoice("out_invoice", partner=p_out, amounts=[100])
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "outgoing"), ("company_id", "=", self.company.id)], limit=1
        )
        picking = self.env["stock.picking"].create(
            {"picking_type_id": picking_type.id, "partner_id": p_one.id}
        )

        # Changes at GİB after the full list: a newcomer, a default alias closed with one
        # replacement, another closed with two, and an e-İrsaliye alias closed for good.
        changed_at = self.sandbox.clock.advance(timedelta(hours=3))
        self._register(newcomer, "urn:mail:defaultpk@newcomer.example")
        self._register(one, "urn:mail:yenipk@one.example")
        self.sandbox.registry.close_alias("urn:mail:defaultpk@one.example", changed_at)
        self.sandbox.registry.close_alias("urn:mail:irsaliyepk@one.example", changed_at)
        self._register(several, "urn:mail:a@several.example")
        self._register(several, "urn:mail:b@several.example")
        self.sandbox.registry.close_alias("urn:mail:defaultpk@several.example", changed_at)

        run = self._sync()
        self.assertRecordValues(run, [{"mode": "delta", "state": "done"}])
        self.assertGreaterEqual(run.aliases_done, 7)
        closed = self.Alias.search([("name", "=", "urn:mail:defaultpk@one.example")])
        self.assertTrue(closed.deleted_at)
        self.assertRecordValues(
            p_one,
            [
                {
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": "urn:mail:yenipk@one.example",
                    "l10n_tr_edoc_despatch_status": "not_registered",
                    "l10n_tr_edoc_despatch_alias": False,
                }
            ],
        )
        self.assertRecordValues(
            p_several, [{"l10n_tr_edoc_einvoice_status": "registered", "l10n_tr_edoc_einvoice_alias": False}]
        )
        self.assertIn("several e-Fatura PK aliases", p_several.l10n_tr_edoc_gib_warning)
        self.assertIn("choose one", p_several.message_ids[0].body)
        self.assertIn("urn:mail:yenipk@one.example", p_one.message_ids[0].body)
        self.assertEqual(p_new.l10n_tr_edoc_einvoice_status, "registered")
        self.assertEqual(p_new.l10n_tr_edoc_einvoice_alias, "urn:mail:defaultpk@newcomer.example")
        self.assertTrue(invoice_one.l10n_tr_edoc_route_changed)
        self.assertTrue(invoice_several.l10n_tr_edoc_route_changed)
        self.assertFalse(invoice_out.l10n_tr_edoc_route_changed)
        self.assertTrue(picking.l10n_tr_edoc_route_changed)
        self.assertIn("GİB user list", invoice_one.message_ids[0].body)
        self.assertEqual(run.documents_flagged, 3)

        # The user picks one of the two aliases; the next delta keeps that choice.
        p_several.l10n_tr_edoc_einvoice_alias = "urn:mail:b@several.example"
        self.assertFalse(p_several.l10n_tr_edoc_gib_warning)
        self.sandbox.clock.advance(timedelta(hours=3))
        self._register(several, "urn:mail:c@several.example")
        self._sync()
        self.assertEqual(p_several.l10n_tr_edoc_einvoice_alias, "urn:mail:b@several.example")

    def test_route_is_one_query(self):
        vkn = "5556667775"
        self._register(vkn, "urn:mail:defaultpk@route.example")
        partner = self._partner(vkn, "Route")
        self._sync(full=True)
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            route = partner._l10n_tr_edoc_gib_route("INVOICE")
        self.assertEqual(
            route,
            {
                "status": "registered",
                "alias": "urn:mail:defaultpk@route.example",
                "aliases": ("urn:mail:defaultpk@route.example",),
            },
        )
        self.assertEqual(partner._l10n_tr_edoc_gib_route("DESPATCHADVICE")["status"], "not_registered")

    def test_check_now(self):
        ege = self.env["res.partner"].create({"name": "Ege", "vat": "9876543217"})
        stranger = self.env["res.partner"].create({"name": "Stranger", "vat": "9998887774"})
        self.assertEqual(ege.l10n_tr_edoc_einvoice_status, "unknown")
        ege.action_l10n_tr_edoc_check_gib_user()
        self.assertRecordValues(
            ege,
            [
                {
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": "urn:mail:defaultpk@ege.sandbox.example",
                    "l10n_tr_edoc_despatch_status": "registered",
                    "l10n_tr_edoc_despatch_alias": "urn:mail:irsaliyepk@ege.sandbox.example",
                }
            ],
        )
        self.assertEqual(len(ege.l10n_tr_edoc_gib_alias_ids), 2)
        action = stranger.action_l10n_tr_edoc_check_gib_user()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(stranger.l10n_tr_edoc_einvoice_status, "not_registered")

    def test_resume_after_interruption(self):
        self.sandbox.registry.set_synthetic_count(7)
        self.addCleanup(self.sandbox.registry.set_synthetic_count, 0)
        stops = []

        def stop_after_first_batch(count, remaining=1):
            if count:
                stops.append(count)
            return 0 if len(stops) == 1 and count else 60

        with patch.object(l10n_tr_edoc_account, "BATCH_USERS", 4):
            run = self._sync(commit=stop_after_first_batch)
            self.assertRecordValues(run, [{"state": "running", "users_done": 4}])
            self.assertFalse(self.edoc_account.user_list_cursor)
            again = self._sync(commit=stop_after_first_batch)
        total = self.GibUser.search_count([])
        self.assertEqual(again, run)
        self.assertRecordValues(run, [{"state": "done", "users_done": total}])
        self.assertEqual(self.GibUser.search_count([("identifier", "=like", "70000000%")]), 7)

    def test_list_reader_stops_when_closed_and_raises_in_the_caller(self):
        closed = []

        def endless():
            try:
                yield from itertools.count()
            finally:
                closed.append(True)

        reader = l10n_tr_edoc_gib_user_sync.UserListReader(endless())
        self.assertEqual(list(itertools.islice(iter(reader), 5)), [0, 1, 2, 3, 4])
        reader.close()
        self.assertFalse(reader._thread.is_alive())
        self.assertEqual(closed, [True])

        def broken():
            yield from range(l10n_tr_edoc_gib_user_sync.READ_AHEAD_USERS)
            raise EdocError("list cut short", code="tr_edoc.test.cut")

        reader = l10n_tr_edoc_gib_user_sync.UserListReader(broken())
        received = []
        with self.assertRaises(EdocError):
            for item in reader:
                received.append(item)
        self.assertEqual(len(received), l10n_tr_edoc_gib_user_sync.READ_AHEAD_USERS)
        self.assertFalse(reader._thread.is_alive())

    def test_integrator_failure_keeps_cursor(self):
        self._sync(full=True)
        cursor = self.edoc_account.user_list_cursor
        self.sandbox.faults.inject("GetGibUserList", "http_500")
        run = self._sync()
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error)
        self.assertEqual(self.edoc_account.user_list_cursor, cursor)
        retried = self._sync()
        self.assertEqual(retried, run)
        self.assertEqual(retried.state, "done")

    def test_account_button_queues_a_run(self):
        self.edoc_account.action_l10n_tr_edoc_full_sync_gib_users()
        self.assertRecordValues(self.edoc_account.gib_user_sync_id, [{"mode": "full", "state": "running"}])
        run = self._sync()
        self.assertEqual(run, self.edoc_account.gib_user_sync_id)
        self.assertEqual(self.edoc_account.gib_user_sync_state, "done")
        self.assertGreaterEqual(self.edoc_account.gib_user_sync_users, len(self.sandbox.store.companies))

    def test_truncated_full_list_closes_nothing(self):
        """Half the users missing from a full list: nothing closed, the run and the managers say why."""
        self.sandbox.registry.set_synthetic_count(40)
        self.addCleanup(self.sandbox.registry.set_synthetic_count, 0)
        first = self._sync(full=True)
        self.assertEqual(first.state, "done")
        self.assertGreaterEqual(first.users_added, 40)
        self.assertGreaterEqual(first.aliases_added, 40)
        open_aliases = self.Alias.search_count([("deleted_at", "=", False)])
        partner = self._partner(str(self.sandbox.registry.synthetic.FIRST_VKN + 39), "Synthetic 39")
        self.assertEqual(partner.l10n_tr_edoc_einvoice_status, "registered")

        self.sandbox.registry.set_synthetic_count(20)
        held = self._sync(full=True)
        self.assertRecordValues(
            held, [{"state": "held", "aliases_closed": 0, "users_added": 0, "aliases_added": 0}]
        )
        self.assertIn("20 of", held.held_reason)
        self.assertEqual(self.Alias.search_count([("deleted_at", "=", False)]), open_aliases)
        self.assertEqual(partner.l10n_tr_edoc_einvoice_status, "registered")
        self.assertEqual(self.edoc_account.gib_user_sync_state, "held")
        warning = self.env.ref("mail.mail_activity_data_warning")
        self.assertTrue(self.edoc_account.activity_ids.filtered(lambda a: a.activity_type_id == warning))

        # A closure within the limit is applied, and counted as such.
        self.sandbox.registry.set_synthetic_count(39)
        done = self._sync(full=True)
        self.assertRecordValues(done, [{"state": "done", "aliases_closed": 1}])
        self.assertEqual(partner.l10n_tr_edoc_einvoice_status, "not_registered")

    def test_delta_log_counts_added_and_changed_aliases(self):
        self._sync(full=True)
        moment = self.sandbox.clock.now()
        self._register("3334445556", "urn:mail:defaultpk@log.example", at=moment)
        self.sandbox.clock.advance(timedelta(minutes=5))
        self.sandbox.registry.close_alias(self.demo.pk_alias, self.sandbox.clock.now())
        run = self._sync()
        self.assertRecordValues(
            run, [{"mode": "delta", "users_added": 1, "aliases_added": 1, "aliases_changed": 1}]
        )


@tagged("post_install", "-at_install")
class TestGibUserSyncOtherIntegrators(L10nTrEdocCase):
    """Kolaysoft and Nilvera accounts fill the same table, with the same partner statuses."""

    def _status_after_sync(self, provider):
        self.edoc_account.write({"provider": provider, "api_key": api_key_for(self.demo)})
        run = self.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)
        self.env.invalidate_all()
        self.assertEqual(run.state, "done", run.error)
        partner = self.env["res.partner"].create(
            {"name": "Ege", "vat": DEMO_COMPANIES[1].vkn, "country_id": self.env.ref("base.tr").id}
        )
        return run, partner.read(
            [
                "l10n_tr_edoc_einvoice_status",
                "l10n_tr_edoc_einvoice_alias",
                "l10n_tr_edoc_despatch_status",
                "l10n_tr_edoc_despatch_alias",
            ]
        )[0]

    def test_same_partner_status_through_each_integrator(self):
        results = {}
        for provider in ("sandbox", "sandbox_kolaysoft", "sandbox_nilvera"):
            with self.subTest(provider=provider), self.env.cr.savepoint(flush=False) as savepoint:
                run, values = self._status_after_sync(provider)
                values.pop("id")
                results[provider] = values
                self.assertGreaterEqual(run.users_done, len(self.sandbox.store.companies))
                savepoint.rollback()
        self.assertEqual(results["sandbox"]["l10n_tr_edoc_einvoice_status"], "registered")
        self.assertEqual(results["sandbox"]["l10n_tr_edoc_einvoice_alias"], DEMO_COMPANIES[1].pk_alias)
        self.assertEqual(results["sandbox"], results["sandbox_kolaysoft"])
        self.assertEqual(results["sandbox"], results["sandbox_nilvera"])


@tagged("post_install", "-at_install")
class TestProviderCapabilities(L10nTrEdocCase):
    """What the account's integrator cannot do is not offered: no buttons, pages or cron runs."""

    def test_kolaysoft_account_offers_no_despatch_but_the_user_list(self):
        self.assertRecordValues(self.edoc_account, [{"offers_despatch": True, "offers_user_list": True}])
        self.edoc_account.provider = "sandbox_kolaysoft"
        self.assertRecordValues(self.edoc_account, [{"offers_despatch": False, "offers_user_list": True}])
        self.edoc_account.provider = "sandbox_nilvera"
        self.assertRecordValues(self.edoc_account, [{"offers_despatch": False, "offers_user_list": True}])
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "outgoing"), ("company_id", "=", self.company.id)], limit=1
        )
        picking = self.env["stock.picking"].create(
            {"picking_type_id": picking_type.id, "partner_id": self.partner_a.id}
        )
        self.assertFalse(picking.l10n_tr_edoc_despatch_enabled)
        self.edoc_account.provider = "sandbox"
        picking.invalidate_recordset(["l10n_tr_edoc_despatch_enabled"])
        self.assertTrue(picking.l10n_tr_edoc_despatch_enabled)

    def test_menus_follow_the_providers_capabilities(self):
        def shown(xmlid):
            return self.env.ref(xmlid).id in Menu.load_menus(False)

        Menu = self.env["ir.ui.menu"].with_user(self.env.ref("base.user_admin"))
        self.env.ref("base.user_admin").company_ids = [Command.link(self.company.id)]
        ledger, users = (
            "l10n_tr_edoc.menu_l10n_tr_edoc_ledger_period",
            "l10n_tr_edoc.menu_l10n_tr_edoc_gib_user",
        )
        self.assertTrue(shown(ledger))
        self.assertTrue(shown(users))
        self.edoc_account.provider = "sandbox_nilvera"
        self.assertFalse(shown(ledger))
        self.assertTrue(shown(users))
        hidden = {
            self.env["ir.model.data"]._xmlid_to_res_id(x)
            for x in ("l10n_tr_edoc.menu_l10n_tr_edoc_vehicle", ledger)
        }
        self.assertLessEqual(hidden, set(Menu._load_menus_blacklist()))
        self.edoc_account.active = False
        self.assertFalse(shown(users))
