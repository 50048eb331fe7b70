import threading
import uuid as uuid_module
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.orm.environments import Transaction
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..core.documents import Identifier
from ..core.providers.base import OutgoingDocument
from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox import Sandbox
from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.sandbox.operations import OPERATIONS
from ..core.tests import factories
from ..core.ubl import build_invoice, serialize
from ..models.l10n_tr_edoc_account import FETCH_LOCK_KEY
from .common import reference_dir

SUPPLIER = DEMO_COMPANIES[1]


def vkn(value):
    return (Identifier(value=value, scheme_id="VKN"),)


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIncomingConcurrency(TransactionCase):
    """Runs on committed data of the database's first company; this class's own transaction writes
    nothing, so it holds no row lock the fetch runs could wait on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(wsdl_dir=reference_dir() / "wsdl" / "izibiz")
        cls.sandbox.seed_demo()
        cls.sandbox_server = cls.enterClassContext(cls.sandbox.serve(host="127.0.0.1", port=0))
        cls.demo = DEMO_COMPANIES[0]

    def _send_invoices(self, count):
        invoices = [
            factories.invoice(
                None,
                profile="TEMELFATURA",
                type_code="SATIS",
                number=int(uuid_module.uuid4().int % 10**8),
                uuid=str(uuid_module.uuid4()).upper(),
                supplier=factories.seller(identifications=vkn(SUPPLIER.vkn)),
                customer=factories.company_buyer(identifications=vkn(self.demo.vkn)),
            )
            for _i in range(count)
        ]
        IzibizSandboxProvider(
            username=SUPPLIER.username, password=SUPPLIER.password, base_url=self.sandbox_server.url
        ).send_invoices(
            [
                OutgoingDocument(
                    uuid=invoice.uuid,
                    number=invoice.id,
                    xml=serialize(build_invoice(invoice)),
                    receiver_vkn=self.demo.vkn,
                    receiver_alias=self.demo.pk_alias,
                )
                for invoice in invoices
            ]
        )
        return [invoice.uuid for invoice in invoices]

    def test_two_overlapping_fetch_runs_import_250_invoices_once(self):
        """Two fetch runs on their own connections start together; every ETTN becomes one document
        and one bill, and each page is marked read only once its documents are committed."""
        uuids = self._send_invoices(250)
        dbname = self.env.cr.dbname
        registry = self.env.registry
        with db_connect(dbname).cursor() as cr:
            # the runs see only committed data: wire the first company to the sandbox for the test
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].search([], order="id", limit=1)
            first_tax = env["account.tax"].search([], order="id desc", limit=1).id
            first_partner = env["res.partner"].search([], order="id desc", limit=1).id
            try_active = env.ref("base.TRY").active
            env.ref("base.TRY").active = True
            identity = {"vat": company.vat, "l10n_tr_edoc_tax_office": company.l10n_tr_edoc_tax_office}
            company.write({"vat": self.demo.vkn, "l10n_tr_edoc_tax_office": "Kadıköy"})
            account = env["l10n_tr_edoc.account"].create(
                {
                    "company_id": company.id,
                    "provider": "sandbox",
                    "sandbox_url": self.sandbox_server.url,
                    "username": self.demo.username,
                    "password": self.demo.password,
                    "receiver_alias": self.demo.pk_alias,
                }
            )
            cr.commit()  # pylint: disable=invalid-commit (the runs must see the account)

        marks, results, errors = [], [], []
        mark_invoice = OPERATIONS["MarkInvoice"]

        def probe_mark(sb, req):
            """What the database holds, committed, at the moment the integrator is told 'read'."""
            marked = [item.UUID for item in req.MARK.INVOICE]
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM l10n_tr_edoc_document d JOIN account_move m ON m.id = d.move_id"
                    " WHERE d.direction = 'in' AND d.uuid IN %s",
                    [tuple(marked)],
                )
                marks.append((len(marked), cr.fetchone()[0]))
            return mark_invoice(sb, req)

        barrier = threading.Barrier(2)

        def run():
            try:
                with db_connect(dbname).cursor() as cr:
                    # the loading thread holds the registry lock: hand the loaded registry over
                    cr.transaction = Transaction(registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    fetching = env["l10n_tr_edoc.account"].browse(account.id).with_company(company.id)
                    barrier.wait()
                    results.append(fetching._l10n_tr_edoc_fetch_incoming_invoices())
                    cr.commit()  # pylint: disable=invalid-commit (a run is its own transaction)
            except Exception as error:  # reported by the main thread
                errors.append(error)

        try:
            with patch.dict(OPERATIONS, {"MarkInvoice": probe_mark}):
                threads = [threading.Thread(target=run) for _i in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            self.assertFalse(errors)
            # the second run found the account busy and touched nothing
            self.assertEqual(sorted(results, key=str), [250, None])
            self.assertEqual([marked for marked, _committed in marks], [100, 100, 50])
            self.assertEqual(marks, [(100, 100), (100, 100), (50, 50)])
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    "SELECT d.uuid, count(DISTINCT d.id), count(DISTINCT m.id)"
                    " FROM l10n_tr_edoc_document d LEFT JOIN account_move m ON m.l10n_tr_edoc_uuid = d.uuid"
                    " WHERE d.direction = 'in' AND d.uuid IN %s GROUP BY d.uuid",
                    [tuple(uuids)],
                )
                rows = cr.fetchall()
            self.assertEqual(len(rows), 250)
            self.assertEqual({(documents, bills) for _uuid, documents, bills in rows}, {(1, 1)})
        finally:
            with db_connect(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                documents = env["l10n_tr_edoc.document"].search([("account_id", "=", account.id)])
                moves = documents.move_id
                env["ir.attachment"].search(
                    [("res_model", "=", documents._name), ("res_id", "in", documents.ids)]
                ).unlink()
                documents.unlink()
                moves.with_context(force_delete=True).unlink()
                env["account.tax"].search([("id", ">", first_tax)]).unlink()
                env["res.partner"].search([("id", ">", first_partner)]).unlink()
                env["l10n_tr_edoc.account"].browse(account.id).unlink()
                env.ref("base.TRY").active = try_active
                company.with_env(env).write(identity)
                cr.commit()  # pylint: disable=invalid-commit (undo the committed setup)

    def test_a_fetch_killed_by_a_database_error_releases_its_account(self):
        """The run's own error reaches the caller, and the next run on another connection may start,
        although the failed transaction refused the unlock statement."""
        dbname = self.env.cr.dbname
        account_id = 2**31 - 7  # the lock needs only an id; no other test uses this one

        def broken_fetch(account):
            account.env.cr.execute("SELECT 1 / 0")

        Account = self.env.registry["l10n_tr_edoc.account"]
        with (
            db_connect(dbname).cursor() as cr,
            patch.object(Account, "_l10n_tr_edoc_fetch_locked", broken_fetch),
        ):
            account = api.Environment(cr, SUPERUSER_ID, {})["l10n_tr_edoc.account"].browse(account_id)
            with self.assertRaises(psycopg2.errors.DivisionByZero), mute_logger("odoo.sql_db"):
                account._l10n_tr_edoc_fetch_incoming_invoices()
            with db_connect(dbname).cursor() as other:
                other.execute("SELECT pg_try_advisory_lock(%s, %s)", [FETCH_LOCK_KEY, account_id])
                self.assertTrue(other.fetchone()[0], "the failed run still holds the account")
                other.execute("SELECT pg_advisory_unlock(%s, %s)", [FETCH_LOCK_KEY, account_id])
