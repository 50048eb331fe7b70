import datetime
import json
import os
import uuid
from pathlib import Path

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..core.documents import Identifier
from ..core.providers.base import OutgoingDocument
from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox import Sandbox
from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.tests import factories
from ..core.ubl import build_invoice, serialize
from ..core.validation.package import validate_in_child

SUPPLIER = DEMO_COMPANIES[1]

REPO = Path(__file__).resolve().parents[1]


def reference_dir():
    """The shared GİB/integrator artefacts (tests only; the addon never ships them)."""
    return Path(os.environ.get("L10N_TR_EDOC_REFERENCE", REPO.parent / "shared" / "reference"))


def supplier_invoice(receiver, *, supplier=SUPPLIER, profile="TICARIFATURA", lines=None, **overrides):
    """A fresh invoice from one demo company of the sandbox to another."""
    return factories.invoice(
        lines,
        profile=profile,
        number=uuid.uuid4().int % 10**8,
        uuid=str(uuid.uuid4()).upper(),
        supplier=factories.seller(identifications=(Identifier(value=supplier.vkn, scheme_id="VKN"),)),
        customer=factories.company_buyer(identifications=(Identifier(value=receiver.vkn, scheme_id="VKN"),)),
        **overrides,
    )


def deliver_invoices(sandbox_url, receiver, invoices, *, supplier=SUPPLIER):
    """The supplier sends ``invoices`` through the sandbox into the receiver's inbox."""
    IzibizSandboxProvider(
        username=supplier.username, password=supplier.password, base_url=sandbox_url
    ).send_invoices(
        [
            OutgoingDocument(
                uuid=invoice.uuid,
                number=invoice.id,
                xml=serialize(build_invoice(invoice)),
                receiver_vkn=receiver.vkn,
                receiver_alias=receiver.pk_alias,
            )
            for invoice in invoices
        ]
    )
    return invoices


class L10nTrEdocCase(AccountTestInvoicingCommon):
    """A Turkish company wired to a real sandbox integrator listening on 127.0.0.1."""

    sync_gib_list_in_setup = True
    """Sync the sandbox's GİB list in the class set-up, so that every partner's registration is known."""

    @classmethod
    @AccountTestInvoicingCommon.setup_country("tr")
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = Sandbox(wsdl_dir=reference_dir() / "wsdl" / "izibiz")
        cls.sandbox.seed_demo()
        cls.sandbox_server = cls.enterClassContext(cls.sandbox.serve(host="127.0.0.1", port=0))
        cls.demo = DEMO_COMPANIES[0]
        cls.company = cls.company_data["company"]
        cls.company.write({"vat": cls.demo.vkn, "l10n_tr_edoc_tax_office": "Kadıköy"})
        cls.edoc_account = cls.env["l10n_tr_edoc.account"].create(
            {
                "company_id": cls.company.id,
                "provider": "sandbox",
                "sandbox_url": cls.sandbox_server.url,
                "username": cls.demo.username,
                "password": cls.demo.password,
                "sender_alias": cls.demo.gb_alias,
                "receiver_alias": cls.demo.pk_alias,
            }
        )
        # As in a company whose GİB list is synced, every partner's registration is known: sending
        # refuses to guess a document type for a partner whose registration is unknown.
        if cls.sync_gib_list_in_setup:
            cls.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)

    @classmethod
    def _l10n_tr_edoc_forget_gib_list(cls):
        """Back to a company that never synced the GİB list: every registration unknown again."""
        cls.env["l10n_tr_edoc.gib.user.sync"].sudo().search([]).unlink()
        cls.env["l10n_tr_edoc.gib.user"].sudo().search([]).unlink()
        cls.edoc_account.user_list_cursor = False
        cls.env["res.partner"].search([("l10n_tr_edoc_tax_id", "!=", False)]).write(
            {"l10n_tr_edoc_einvoice_status": "unknown", "l10n_tr_edoc_despatch_status": "unknown"}
        )

    @classmethod
    def _l10n_tr_edoc_user(cls, login, group):
        """A user of this company only, in e-Documents ``group`` (``user`` or ``manager``)."""
        return new_test_user(
            cls.env,
            login,
            groups=f"l10n_tr_edoc.group_edoc_{group}",
            company_ids=[Command.set(cls.company.ids)],
        )

    def _l10n_tr_edoc_receive_invoice(self, profile="TICARIFATURA"):
        """A supplier's invoice delivered by the sandbox and fetched into this company."""
        (invoice,) = deliver_invoices(
            self.sandbox_server.url, self.demo, [supplier_invoice(self.demo, profile=profile)]
        )
        self.edoc_account._l10n_tr_edoc_fetch_incoming_invoices()
        return self.env["l10n_tr_edoc.document"].search(
            [("uuid", "=", invoice.uuid), ("direction", "=", "in")]
        )

    def _l10n_tr_edoc_settle_answers(self, account=None):
        """Let the integrator process our KABUL/RED (a minute in the sandbox), then poll as the cron does."""
        account = account or self.edoc_account
        self.sandbox.clock.advance(datetime.timedelta(minutes=2))
        with account._l10n_tr_edoc_session():
            provider = account._l10n_tr_edoc_get_provider()
            self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_to_poll(account)._l10n_tr_edoc_poll(provider)

    def assertGibValid(self, xml, *, rules=True):
        """GİB's XSD and schematron (and our rules) on the exact bytes that were sent.

        Saxon's native runtime cannot start under the address-space limit Odoo sets on its own
        process, so the check runs through the core's command line in a child without that limit.
        """
        (result,) = validate_in_child([xml], reference_dir() / "gib-ubl-tr", rules=rules)
        skipped = [check for check in result.get("skipped", []) if not (check == "rules" and not rules)]
        self.assertEqual(skipped, [], result)
        self.assertTrue(result["ok"], json.dumps(result, ensure_ascii=False, indent=1))
        return xml
