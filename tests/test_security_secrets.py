import base64

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..core.signing import verify_document
from ..core.tests import certificates
from ..core.tests.http_servers import received, relay_to, send, serve
from ..models.l10n_tr_edoc_account import REMOTE_SANDBOX_PARAM
from .common import L10nTrEdocCase

API_KEY = "canary-api-key-of-the-administrator"


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocSecrets(L10nTrEdocCase):
    """Credentials go only where a system administrator put them; the seal is theirs alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.edoc_manager = cls._l10n_tr_edoc_user("tr_secrets_manager", "manager")
        cls.administrator = new_test_user(
            cls.env,
            "tr_secrets_admin",
            groups="base.group_system,l10n_tr_edoc.group_edoc_manager",
            company_ids=[Command.set(cls.company.ids)],
        )

    def _secrets(self):
        account = self.edoc_account.sudo()
        return account.username, account.password, account.api_key

    def test_a_manager_cannot_redirect_the_password(self):
        """The manager points the account at a recording proxy of the sandbox and tests it: the
        proxy sees the login, never the administrator's password."""
        with serve(relay_to(self.sandbox_server.url)) as canary:
            account = self.edoc_account.with_user(self.edoc_manager)
            account.sandbox_url = canary.url
            self.assertEqual(self._secrets(), (False, False, False))
            self.assertFalse(account.has_credentials)
            self.assertIn("cleared", account.message_ids[:1].body)
            action = account.action_l10n_tr_edoc_test_connection()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertFalse(received(canary, self.demo.password))

    def test_a_manager_cannot_redirect_the_api_key(self):
        self.edoc_account.api_key = API_KEY
        with serve(lambda handler, _body: send(handler, 200, b'{"Name": "canary"}')) as canary:
            account = self.edoc_account.with_user(self.edoc_manager)
            account.write({"provider": "sandbox_nilvera", "sandbox_url": canary.url})
            self.assertEqual(self._secrets(), (False, False, False))
            account.action_l10n_tr_edoc_test_connection()
            self.assertFalse(received(canary, API_KEY))

    def test_a_manager_switching_the_environment_clears_the_credentials(self):
        self.edoc_account.write({"provider": "izibiz", "environment": "test"})
        self.assertEqual(self._secrets()[1], self.demo.password, "an administrator's change keeps them")
        self.edoc_account.with_user(self.edoc_manager).environment = "prod"
        self.assertEqual(self._secrets(), (False, False, False))

    def test_a_manager_changing_nothing_keeps_the_credentials(self):
        account = self.edoc_account.with_user(self.edoc_manager)
        account.write({"sandbox_url": self.sandbox_server.url, "incoming_interval": 20})
        self.assertEqual(self._secrets()[:2], (self.demo.username, self.demo.password))

    def test_an_administrator_may_change_the_destination(self):
        with serve(relay_to(self.sandbox_server.url)) as proxy:
            account = self.edoc_account.with_user(self.administrator)
            account.sandbox_url = proxy.url
            self.assertEqual(self._secrets()[1], self.demo.password)
            action = account.action_l10n_tr_edoc_test_connection()
            self.assertEqual(action["params"]["type"], "success", action["params"]["message"])
            self.assertTrue(received(proxy, self.demo.password))

    def test_a_sandbox_stays_on_this_machine_unless_an_administrator_allows_it(self):
        for user in (self.edoc_manager, self.administrator):
            with self.assertRaisesRegex(ValidationError, REMOTE_SANDBOX_PARAM), self.cr.savepoint():
                self.edoc_account.with_user(user).sandbox_url = "http://attacker.example:8790"
        # an address typed while a real integrator is chosen does not open the way either
        self.edoc_account.with_user(self.edoc_manager).write(
            {"provider": "izibiz", "sandbox_url": "http://attacker.example"}
        )
        with self.assertRaisesRegex(ValidationError, REMOTE_SANDBOX_PARAM), self.cr.savepoint():
            self.edoc_account.with_user(self.edoc_manager).provider = "sandbox_nilvera"
        parameters = self.env["ir.config_parameter"]
        with self.assertRaises(AccessError):
            parameters.with_user(self.edoc_manager).set_param(REMOTE_SANDBOX_PARAM, "True")
        parameters.with_user(self.administrator).set_param(REMOTE_SANDBOX_PARAM, "True")
        self.edoc_account.with_user(self.administrator).write(
            {"provider": "sandbox", "sandbox_url": "http://sandbox.example:8790"}
        )
        self.assertEqual(self.edoc_account.sandbox_url, "http://sandbox.example:8790")
        self.env["ir.config_parameter"].set_param(REMOTE_SANDBOX_PARAM, "False")
        with self.assertRaisesRegex(ValidationError, REMOTE_SANDBOX_PARAM):
            self.edoc_account._l10n_tr_edoc_get_provider()

    def test_the_seal_is_for_administrators_yet_a_manager_sends_signed(self):
        key, cert = certificates.make_certificate(name=self.demo.title, vat=self.demo.vkn)
        seal = self.env["certificate.certificate"].create(
            {
                "name": "Mali mühür",
                "content": base64.b64encode(certificates.make_pkcs12(key, cert)),
                "pkcs12_password": certificates.P12_PASSWORD,
                "company_id": self.company.id,
            }
        )
        self.edoc_account.write({"certificate_id": seal.id, "sign_client_side": True})
        with self.assertRaises(AccessError):
            seal.with_user(self.edoc_manager).read(["pkcs12_password"])
        with self.assertRaises(AccessError):
            seal.private_key_id.with_user(self.edoc_manager).read(["pem_key"])
        with self.assertRaises(AccessError):
            self.env["certificate.key"].with_user(self.edoc_manager).search([])

        document = self._l10n_tr_edoc_receive_invoice().with_user(self.edoc_manager)
        self.assertTrue(document._l10n_tr_edoc_respond("KABUL"))
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual(document.state, "accepted")
        verification = verify_document(document.child_ids.xml_attachment_id.raw)
        self.assertEqual(verification.status, "valid", verification.issues)
        self.assertEqual(verification.signer_vat, self.demo.vkn)
