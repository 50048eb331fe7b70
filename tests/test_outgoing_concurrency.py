import datetime
import logging
import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.states import gib_today
from .common import L10nTrEdocCase

_logger = logging.getLogger(__name__)

INVOICES = 200
WORKERS = 4
CHUNK = 5
PREFIX = "EZM"
SENT = ("sent", "delivered")


def _cursor(registry):
    """A real connection of its own, outside the test's transaction, able to use the loaded registry."""
    cr = db_connect(registry.db_name).cursor()
    # the loading thread holds the registry lock: hand the loaded registry over
    cr.transaction = Transaction(registry)
    return cr


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocOutgoingConcurrency(L10nTrEdocCase):
    """Invoices sent by several workers at once, each with its own database connection."""

    # The class transaction must not touch the committed partners and invoices the workers lock: a
    # list sync there would refresh the customer (same VKN) and recompute its invoices' scenario, and
    # the workers would wait on the class transaction until their lock timeout.
    sync_gib_list_in_setup = False

    @classmethod
    def setUpClass(cls):
        # Committed before the class transaction opens: that transaction activates TRY and loads a
        # chart, and the rows it writes stay locked until the class ends, which would block this setup.
        registry = Registry(get_db_name())
        cls.concurrent = cls._commit_concurrent_setup(registry)
        cls.addClassCleanup(cls._archive_concurrent_account, registry)
        super().setUpClass()

    @classmethod
    def _commit_concurrent_setup(cls, registry):
        """A Turkish company with the l10n_tr chart, its sandbox account, a series, a registered
        customer and ``INVOICES`` posted invoices, all committed so that other connections see them."""
        sender, buyer = DEMO_COMPANIES[0], DEMO_COMPANIES[1]
        with _cursor(registry) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            turkey = env.ref("base.tr")
            company = env["res.company"].create(
                {
                    "name": "Eşzamanlı Gönderim A.Ş.",
                    "country_id": turkey.id,
                    "currency_id": env.ref("base.TRY").id,
                    "vat": sender.vkn,
                    "street": "Atatürk Caddesi 1",
                    "city": "Kadıköy",
                    "state_id": env.ref("base.state_tr_34").id,
                }
            )
            company.partner_id.l10n_tr_edoc_tax_office = "Kadıköy"
            env["account.chart.template"].try_loading("tr", company, install_demo=False)
            env = env(context={"allowed_company_ids": company.ids})
            account = env["l10n_tr_edoc.account"].create(
                {
                    "company_id": company.id,
                    "provider": "sandbox",
                    # the class's sandbox server starts later: the test points the account at it
                    "sandbox_url": "http://127.0.0.1:9",
                    "username": sender.username,
                    "password": sender.password,
                    "sender_alias": sender.gb_alias,
                    "receiver_alias": sender.pk_alias,
                }
            )
            env["l10n_tr_edoc.series"].create(
                {"company_id": company.id, "prefix": PREFIX, "kind": "einvoice"}
            )
            customer = env["res.partner"].create(
                {
                    "name": buyer.title,
                    "is_company": True,
                    "vat": buyer.vkn,
                    "country_id": turkey.id,
                    "street": "Cumhuriyet Bulvarı 5",
                    "city": "Konak",
                    "state_id": env.ref("base.state_tr_35").id,
                    "l10n_tr_edoc_tax_office": "Konak",
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": buyer.pk_alias,
                    # known from a check today: sending never decides on an unknown registration
                    "l10n_tr_edoc_gib_checked_at": datetime.datetime.now(),
                }
            )
            product = env["product.product"].create({"name": "Hidrolik pompa", "default_code": "HP-001"})
            kdv20 = env["account.chart.template"].with_company(company).ref("tr_s_20")
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "company_id": company.id,
                        "partner_id": customer.id,
                        "invoice_date": gib_today(),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1 + index % 7,
                                    "price_unit": 100.0 + index,
                                    "tax_ids": kdv20.ids,
                                }
                            )
                        ],
                    }
                    for index in range(INVOICES)
                ]
            )
            moves.action_post()
            result = {"company_id": company.id, "account_id": account.id, "move_ids": moves.ids}
            cr.commit()  # pylint: disable=invalid-commit (the workers' connections must see the setup)
        return result

    @classmethod
    def _archive_concurrent_account(cls, registry):
        """Later tests' crons must not reach this class's stopped sandbox through the committed account.

        What stays in the (throw-away) test database: the company, its chart, the customer, the
        product, the posted invoices with their documents, events and XML attachments.
        """
        with _cursor(registry) as cr:
            cr.execute(
                "UPDATE l10n_tr_edoc_account SET active = false WHERE id = %s", [cls.concurrent["account_id"]]
            )
            cr.commit()  # pylint: disable=invalid-commit (undo the committed setup)

    def test_four_workers_send_200_invoices_gapless_and_failed_sends_keep_number_and_ettn(self):
        registry = self.env.registry
        with _cursor(registry) as cr:
            cr.execute(
                "UPDATE l10n_tr_edoc_account SET sandbox_url = %s WHERE id = %s",
                [self.sandbox_server.url, self.concurrent["account_id"]],
            )
            cr.commit()  # pylint: disable=invalid-commit (the workers read the account)
        move_ids = self.concurrent["move_ids"]
        failures, errors, retries = {}, [], []

        def send_chunk(ids):
            """One transaction per chunk; a serialization failure (another worker drew a number meanwhile)
            starts the whole chunk over, as Odoo's request and cron runners do."""
            while True:
                with _cursor(registry) as cr:
                    # a lock the test's own transaction holds would hang the run: fail instead; generous,
                    # as a chunk holds the series lock while it sends, which is slow on a loaded machine
                    cr.execute("SET LOCAL lock_timeout = '180s'")
                    moves = api.Environment(cr, SUPERUSER_ID, {})["account.move"].browse(ids)
                    try:
                        failed = moves._l10n_tr_edoc_send()
                        seen = {
                            move.id: (
                                move.l10n_tr_edoc_number,
                                move.l10n_tr_edoc_uuid,
                                move.l10n_tr_edoc_state,
                            )
                            for move in failed
                        }
                        cr.commit()  # pylint: disable=invalid-commit (each chunk is its own transaction)
                    except SerializationFailure:
                        cr.rollback()
                        retries.append(ids)
                        continue
                # the first failure of a move is the one whose number and ETTN the retry must keep
                for move_id, values in seen.items():
                    failures.setdefault(move_id, values)
                return

        def pending(ids):
            with _cursor(registry) as cr:
                moves = api.Environment(cr, SUPERUSER_ID, {})["account.move"].browse(ids)
                return moves.filtered(lambda m: m.l10n_tr_edoc_state not in SENT).ids

        def worker(ids):
            try:
                for start in range(0, len(ids), CHUNK):
                    send_chunk(ids[start : start + CHUNK])
                # sends that failed or ended unknown go again, as a user's resend or the cron would
                for _round in range(5):
                    left = pending(ids)
                    if not left:
                        return
                    for start in range(0, len(left), CHUNK):
                        send_chunk(left[start : start + CHUNK])
            except Exception as error:  # reported by the main thread
                errors.append(error)

        share = len(move_ids) // WORKERS
        threads = [
            threading.Thread(target=worker, args=(move_ids[n * share : (n + 1) * share],))
            for n in range(WORKERS)
        ]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            # once the workers are well under way, the integrator misbehaves for a few requests
            while self.sandbox.request_count("SendInvoice") < 10 and any(t.is_alive() for t in threads):
                time.sleep(0.02)
            self.sandbox.faults.inject("SendInvoice", "http_500", times=2)
            self.sandbox.faults.inject("SendInvoice", "drop_after_accept", times=2)
            for thread in threads:
                thread.join(timeout=300)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hung")
        self.assertFalse(errors, errors)
        _logger.info(
            "%s invoices by %s workers: %s chunk retries after serialization failures, %s failed sends",
            len(move_ids),
            WORKERS,
            len(retries),
            len(failures),
        )

        with _cursor(registry) as cr:
            moves = api.Environment(cr, SUPERUSER_ID, {})["account.move"].browse(move_ids)
            final = {
                move.id: (move.l10n_tr_edoc_number, move.l10n_tr_edoc_uuid, move.l10n_tr_edoc_state)
                for move in moves
            }
        self.assertEqual({state for _number, _uuid, state in final.values()} - set(SENT), set())
        year = gib_today().year
        self.assertEqual(
            sorted(number for number, _uuid, _state in final.values()),
            [f"{PREFIX}{year}{n:09d}" for n in range(1, INVOICES + 1)],
            "numbers are unique and gapless for the series and year",
        )
        self.assertTrue(failures, "the injected faults must have failed some sends")
        self.assertIn("unknown", {state for _number, _uuid, state in failures.values()})
        for move_id, (number, uuid, _state) in failures.items():
            self.assertTrue(number, "a failed send already holds its number")
            self.assertEqual(final[move_id][:2], (number, uuid), "the retry kept the number and ETTN")
        copies = {}
        for document in self.sandbox.documents(vkn=DEMO_COMPANIES[0].vkn, direction="OUT"):
            copies.setdefault(document.uuid, []).append(document.id)
        self.assertEqual(
            copies,
            {uuid: [number] for number, uuid, _state in final.values()},
            "the integrator holds exactly one copy of each ETTN, under its number",
        )
