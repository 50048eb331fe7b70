import logging
import uuid

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core.providers.registry import provider_choices
from .common import L10nTrEdocCase


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocAccount(L10nTrEdocCase):
    def test_provider_selection_comes_from_the_core_registry(self):
        field = self.env["l10n_tr_edoc.account"]._fields["provider"]
        keys = [key for key, _label in field._description_selection(self.env)]
        self.assertEqual(keys, [key for key, _label in provider_choices()])
        self.assertIn("sandbox", keys)
        self.assertIn("izibiz", keys)

    def test_sandbox_label_speaks_the_user_language(self):
        self.env["res.lang"]._activate_lang("tr_TR")
        turkish = self.env(context={"lang": "tr_TR"})
        labels = dict(turkish["l10n_tr_edoc.account"]._fields["provider"]._description_selection(turkish))
        self.assertEqual(labels["sandbox"], "Sandbox (test ortamı, GİB değil)")
        self.assertEqual(labels["izibiz"], "İzibiz")

    def test_test_connection_logs_in_through_the_sandbox(self):
        logins_before = self.sandbox.request_count("Login")
        action = self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.assertEqual(self.edoc_account.connection_state, "ok")
        self.assertFalse(self.edoc_account.last_error)
        self.assertEqual(self.sandbox.request_count("Login"), logins_before + 1)

    def test_credentials_of_another_integrator_kind_are_not_passed_on(self):
        """An account keeps every kind of secret; İzibiz gets its login, Nilvera only its key."""
        self.edoc_account.api_key = "left-over-nilvera-key"
        action = self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
        self.edoc_account.write({"provider": "sandbox_nilvera", "username": False, "password": False})
        provider = self.edoc_account._l10n_tr_edoc_get_provider()
        self.assertEqual(type(provider).credential_fields, ("api_key",))

    def test_wrong_password_is_reported_without_leaking_it(self):
        secret = f"wrong-{uuid.uuid4().hex}"
        self.edoc_account.password = secret
        with self.assertLogs("odoo.addons.l10n_tr_edoc", level=logging.DEBUG) as logs:
            action = self.edoc_account.action_l10n_tr_edoc_test_connection()
            logging.getLogger("odoo.addons.l10n_tr_edoc").debug("end of test connection")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.edoc_account.connection_state, "failed")
        self.assertTrue(self.edoc_account.last_error)
        self.assertNotIn(secret, self.edoc_account.last_error)
        self.assertNotIn(secret, action["params"]["message"])
        self.assertFalse([line for line in logs.output if secret in line])
        chatter = " ".join(self.edoc_account.message_ids.mapped("body"))
        tracked = self.edoc_account.message_ids.tracking_value_ids.mapped(
            lambda value: f"{value.old_value_char} {value.new_value_char}"
        )
        self.assertNotIn(secret, chatter + " ".join(tracked))

    def test_unreachable_integrator_is_reported_in_plain_words(self):
        self.edoc_account.sandbox_url = "http://127.0.0.1:9"  # discard port: nothing listens
        action = self.edoc_account.action_l10n_tr_edoc_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.edoc_account.connection_state, "failed")

    def test_tax_id_checks_use_the_official_checksums(self):
        tax_id_problem = self.env["res.partner"]._l10n_tr_edoc_tax_id_problem
        self.assertIsNone(tax_id_problem("TR 1234567890"))
        self.assertIsNone(tax_id_problem("10000000146"))  # a TCKN with valid check digits
        self.assertIn("checksum", tax_id_problem("1234567891"))
        self.assertIn("checksum", tax_id_problem("10000000147"))
        self.assertIn("10-digit", tax_id_problem("12345"))
        self.assertIn("missing", tax_id_problem(False))

    def test_company_without_valid_identity_cannot_get_an_account(self):
        company = self.setup_other_company(name="Eksik Kimlik A.Ş.")["company"]
        company.vat = "1234567891"
        with self.assertRaisesRegex(ValidationError, "checksum"), self.cr.savepoint():
            self.env["l10n_tr_edoc.account"].create({"company_id": company.id, "provider": "sandbox"})
        company.write({"vat": "9876543217", "l10n_tr_edoc_tax_office": False})
        with self.assertRaisesRegex(ValidationError, "tax office"), self.cr.savepoint():
            self.env["l10n_tr_edoc.account"].create({"company_id": company.id, "provider": "sandbox"})
        company.l10n_tr_edoc_tax_office = "Bornova"
        account = self.env["l10n_tr_edoc.account"].create({"company_id": company.id, "provider": "sandbox"})
        self.assertEqual(company.l10n_tr_edoc_account_id, account)

    def test_one_active_account_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["l10n_tr_edoc.account"].create({"company_id": self.company.id, "provider": "izibiz"})
        self.edoc_account.active = False
        self.env.flush_all()
        replacement = self.env["l10n_tr_edoc.account"].create(
            {"company_id": self.company.id, "provider": "izibiz"}
        )
        self.assertEqual(self.company.l10n_tr_edoc_account_id, replacement)

    def test_neutralize_forces_test_environment_and_blanks_credentials(self):
        self.edoc_account.write({"provider": "izibiz", "environment": "prod", "api_key": "k"})
        self.env.flush_all()
        queries = list(get_neutralization_queries(["l10n_tr_edoc"]))
        self.assertTrue(queries)
        for query in queries:
            self.env.cr.execute(query)
        self.edoc_account.invalidate_recordset()
        self.assertEqual(self.edoc_account.environment, "test")
        secrets = self.edoc_account.sudo()
        self.assertFalse(secrets.username or secrets.password or secrets.api_key)
