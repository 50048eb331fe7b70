import datetime
import json
import runpy

from odoo import Command
from odoo.tests import Form, TransactionCase, tagged

from ..core.sandbox import Sandbox
from ..core.sandbox.demo import DEMO_COMPANIES, DEMO_RED_BUYER, DEMO_RED_REASON
from .common import REPO, reference_dir

OWN, SUPPLIER = DEMO_COMPANIES[0], DEMO_COMPANIES[1]


@tagged("post_install", "-at_install")
class TestDemoCompany(TransactionCase):
    """The run command's demo (its sandbox and scripts/demo_company.py): every journey a new user tries
    works from it, with no script and no debug mode."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(wsdl_dir=reference_dir() / "wsdl" / "izibiz")
        cls.waiting_despatch = cls.sandbox.seed_run_demo()
        server = cls.enterClassContext(cls.sandbox.serve(host="127.0.0.1", port=0))
        build = runpy.run_path(str(REPO / "scripts" / "demo_company.py"), run_name="demo_company")["build"]
        cls.said = []
        cls.company = build(cls.env, server.url, commit=lambda: None, gib_package=False, say=cls.said.append)
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.account = cls.env["l10n_tr_edoc.account"].search([("company_id", "=", cls.company.id)])

    def _partner(self, vat=None, name=None):
        domain = [("vat", "=", vat)] if vat else [("name", "=", name)]
        partner = self.env["res.partner"].search(domain, limit=1)
        self.assertTrue(partner, f"the demo has the customer {vat or name}")
        return partner

    def _invoice(self, partner, product=None, taxes=None, **values):
        product = product or self.env["product.product"].search([("default_code", "=", "HP-1")])
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 2,
                            "price_unit": 1250,
                            "tax_ids": (taxes or self.company.account_sale_tax_id).ids,
                        }
                    )
                ],
                **values,
            }
        )
        move.action_post()
        return move

    def _send(self, move, profile):
        self.assertEqual(move.l10n_tr_edoc_profile, profile)
        errors = move._l10n_tr_edoc_send()
        self.assertFalse(errors, errors)
        self.assertEqual(move.l10n_tr_edoc_state, "sent", move.l10n_tr_edoc_error_message)
        held = {doc.uuid: doc for doc in self.sandbox.documents(vkn=OWN.vkn, direction="OUT")}
        self.assertEqual(held[move.l10n_tr_edoc_uuid].facts.profile, profile)
        return move

    def _poll(self):
        """GİB and the buyers take their time; then the cron asks, as it does every few minutes."""
        self.sandbox.clock.advance(datetime.timedelta(minutes=10))
        self.env["account.move"]._cron_l10n_tr_edoc_send_and_poll(force=True)

    def test_demo_has_what_every_journey_needs(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)])
        self.assertTrue(warehouse.out_type_id, "a new delivery starts from the warehouse's operation type")
        kinds = set(
            self.env["l10n_tr_edoc.series"].search([("company_id", "=", self.company.id)]).mapped("kind")
        )
        self.assertLessEqual({"einvoice", "export", "earchive", "despatch", "receipt_advice"}, kinds)
        self.assertTrue(self.account.offers_despatch)
        Gib = self.env["l10n_tr_edoc.gib.user"]
        self.assertTrue(Gib.search([("identifier", "=", "1460415308")]), "GİB's customs mailbox is listed")
        (kamu,) = Gib.search([("identifier", "=", "3900892152")])
        self.assertEqual(kamu.type, "KAMU")
        self.assertEqual(self._partner(DEMO_RED_BUYER.vkn).l10n_tr_edoc_einvoice_status, "registered")

    def test_every_invoice_scenario_and_a_buyers_red(self):
        temel = self._send(
            self.env["account.move"].search([("move_type", "=", "out_invoice")]), "TEMELFATURA"
        )
        earsiv = self._send(self._invoice(self._partner("9000068418")), "EARSIVFATURA")
        public = self._partner("3900892152")
        kamu = self._invoice(public)
        kamu.write(
            {
                "l10n_tr_edoc_profile": "KAMU",
                "l10n_tr_edoc_kamu_buyer_id": public.id,
                "partner_bank_id": self.company.partner_id.bank_ids[:1].id,
            }
        )
        self._send(kamu, "KAMU")
        export_tax = self.env["account.chart.template"].with_company(self.company).ref("tr_s_0_ex")
        export = self._invoice(
            self._partner(name="Müller Handels GmbH (IHRACAT)"),
            taxes=export_tax,
            invoice_incoterm_id=self.env.ref("account.incoterm_FOB").id,
            l10n_tr_edoc_transport_mode="1",
            l10n_tr_edoc_package_type="BX",
            l10n_tr_edoc_package_count=2,
        )
        self._send(export, "IHRACAT")
        refused = self._send(self._invoice(self._partner(DEMO_RED_BUYER.vkn)), "TICARIFATURA")
        self._poll()
        self.assertEqual(refused.l10n_tr_edoc_state, "rejected")
        self.assertEqual(refused.l10n_tr_edoc_response_reason, DEMO_RED_REASON)
        for move in temel | earsiv | kamu | export:
            self.assertNotIn(
                move.l10n_tr_edoc_state, ("rejected", "send_failed", "rejected_by_gib"), move.name
            )

    def test_incoming_invoice_answered_kabul(self):
        (document,) = self.env["l10n_tr_edoc.document"].search(
            [("company_id", "=", self.company.id), ("direction", "=", "in"), ("kind", "=", "einvoice")]
        )
        self.assertEqual(document.state, "awaiting_response")
        action = document.move_id.action_l10n_tr_edoc_accept()
        Form(self.env[action["res_model"]].with_context(action["context"])).save().action_l10n_tr_edoc_send()
        self._poll()
        self.assertEqual((document.state, document.response_code), ("accepted", "KABUL"))

    def test_despatch_out_and_in_with_receipt_advice(self):
        # out: a delivery to the registered supplier-customer, with its driver and plate
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)])
        pump = self.env["product.product"].search([("default_code", "=", "HP-1")])
        driver = self.env["res.partner"].create({"name": "Ali Kaya", "vat": "10000000146"})
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": self._partner(SUPPLIER.vkn).id,
                "l10n_tr_edoc_driver_ids": [Command.set(driver.ids)],
                "l10n_tr_edoc_vehicle_id": self.env["l10n_tr_edoc.vehicle"].create({"name": "34 ABC 123"}).id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": pump.id,
                            "product_uom_qty": 3,
                            "location_id": warehouse.out_type_id.default_location_src_id.id,
                            "location_dest_id": warehouse.out_type_id.default_location_dest_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        document = picking._l10n_tr_edoc_send_despatch()
        self.assertEqual(document.state, "sent", document.error_message)
        # in: the sandbox's waiting despatch, fetched by the overview's button and answered
        action = self.account.action_l10n_tr_edoc_fetch_incoming_despatches()
        self.assertIn("1", action["params"]["message"])
        received = self.env["l10n_tr_edoc.document"].search([("uuid", "=", self.waiting_despatch.uuid)])
        self.assertEqual(received.state, "awaiting_response", received.error_message)
        self.account.invalidate_recordset(["dashboard_data"])
        counts = json.loads(self.account.dashboard_data)["counts"]
        # the overview counts it where the user answers it, not with the invoices awaiting KABUL/RED
        self.assertEqual((counts["despatch_awaiting_us"], counts["awaiting_response"]), (1, 1))
        receipt = received.picking_id
        self.assertEqual(receipt.partner_id, self._partner(SUPPLIER.vkn))
        wizard = self.env["l10n_tr_edoc.receipt.advice.wizard"].with_context(active_id=receipt.id).create({})
        for line in wizard.line_ids:
            line.received_qty = line.delivered_qty
        wizard.action_send()
        self.assertEqual(received.state, "responded")
        self.account.invalidate_recordset(["dashboard_data"])
        self.assertEqual(json.loads(self.account.dashboard_data)["counts"]["despatch_awaiting_us"], 0)
        self.assertEqual(received.child_ids.state, "sent")
