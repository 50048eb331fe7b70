import os
from pathlib import Path

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..core.sandbox import Sandbox
from ..core.sandbox.demo import DEMO_COMPANIES

REPO = Path(__file__).resolve().parents[1]


def reference_dir():
    """The shared GİB/integrator artefacts (tests only; the addon never ships them)."""
    return Path(os.environ.get("L10N_TR_EDOC_REFERENCE", REPO.parent / "shared" / "reference"))


class L10nTrEdocCase(AccountTestInvoicingCommon):
    """A Turkish company wired to a real sandbox integrator listening on 127.0.0.1."""

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
