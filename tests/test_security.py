from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocSecurity(L10nTrEdocCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        companies = cls.company.ids
        cls.invoicing_user = new_test_user(
            cls.env,
            "tr_invoicing",
            groups="account.group_account_invoice",
            company_ids=[Command.set(companies)],
        )
        cls.edoc_user = new_test_user(
            cls.env,
            "tr_edoc_user",
            groups="l10n_tr_edoc.group_edoc_user,base.group_allow_export",
            company_ids=[Command.set(companies)],
        )
        cls.edoc_manager = new_test_user(
            cls.env,
            "tr_edoc_manager",
            groups="l10n_tr_edoc.group_edoc_manager,base.group_allow_export",
            company_ids=[Command.set(companies)],
        )

    def test_invoicing_user_cannot_read_accounts(self):
        with self.assertRaises(AccessError):
            self.edoc_account.with_user(self.invoicing_user).read(["provider"])

    def test_credentials_are_for_administrators_only(self):
        for user in (self.edoc_user, self.edoc_manager):
            account = self.edoc_account.with_user(user)
            self.assertEqual(account.read(["provider"])[0]["provider"], "sandbox")
            self.assertTrue(account.has_credentials)
            for secret in ("username", "password", "api_key"):
                with self.assertRaises(AccessError, msg=f"{user.login} read {secret}"):
                    account.read([secret])
                self.assertNotIn(secret, account.fields_get())
                with self.assertRaises(AccessError, msg=f"{user.login} exported {secret}"):
                    account.export_data([secret])
        self.assertEqual(self.edoc_account.sudo().password, self.demo.password)

    def test_credentials_are_not_exportable_even_for_administrators(self):
        exportable = self.env["l10n_tr_edoc.account"].fields_get(attributes=["exportable"])
        for secret in ("username", "password", "api_key"):
            self.assertFalse(exportable[secret]["exportable"])
        self.assertTrue(exportable["provider"]["exportable"])

    def test_companies_do_not_see_each_other(self):
        other = self.setup_other_company(name="İkinci Şirket A.Ş.")["company"]
        other.write({"vat": "9876543217", "l10n_tr_edoc_tax_office": "Bornova"})
        other_account = self.env["l10n_tr_edoc.account"].create(
            {"company_id": other.id, "provider": "sandbox"}
        )
        Document = self.env["l10n_tr_edoc.document"]
        own_document = Document.create(
            {
                "company_id": self.company.id,
                "uuid": "7b6b0c2e-3f4a-4d0e-9a51-0c1d2e3f4a5b",
                "kind": "einvoice",
                "direction": "out",
                "account_id": self.edoc_account.id,
            }
        )
        other_document = Document.create(
            {
                "company_id": other.id,
                "uuid": "9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f",
                "kind": "einvoice",
                "direction": "out",
                "account_id": other_account.id,
            }
        )
        user = self.edoc_manager
        self.assertEqual(self.env["l10n_tr_edoc.account"].with_user(user).search([]), self.edoc_account)
        self.assertEqual(Document.with_user(user).search([]), own_document)
        with self.assertRaises(AccessError):
            other_account.with_user(user).read(["provider"])
        with self.assertRaises(AccessError):
            other_document.with_user(user).read(["uuid"])
