import datetime

from odoo.tests import tagged

from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.sandbox.userlist import GibUser
from .common_outgoing import L10nTrEdocOutgoingCase

EGE = DEMO_COMPANIES[1]


@tagged("post_install", "-at_install", "post_install_l10n")
class TestGibRegistrationAtSending(L10nTrEdocOutgoingCase):
    """The document type comes from a known, fresh registration: never a silent e-Arşiv."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.edoc_account.provider = "sandbox_kolaysoft"
        cls.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)

    def _customer(self, vkn, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "vat": vkn,
                "country_id": self.env.ref("base.tr").id,
                "street": "Cumhuriyet Bulvarı 5",
                "city": "Konak",
                "state_id": self.env.ref("base.state_tr_35").id,
                "l10n_tr_edoc_tax_office": "Konak",
            }
        )

    def test_kolaysoft_company_sends_an_einvoice_to_a_registered_user(self):
        customer = self._customer(EGE.vkn, "Ege (from the Kolaysoft list)")
        self.assertRecordValues(
            customer,
            [{"l10n_tr_edoc_einvoice_status": "registered", "l10n_tr_edoc_einvoice_alias": EGE.pk_alias}],
        )
        move = self._post(customer)
        self.assertEqual(move.l10n_tr_edoc_profile, "TEMELFATURA")
        self.assertFalse(move.l10n_tr_edoc_gib_check_needed)
        self._send(move)
        document = move.l10n_tr_edoc_document_id
        self.assertRecordValues(document, [{"kind": "einvoice", "receiver_alias": EGE.pk_alias}])
        self.assertIn(
            document.uuid, [doc.uuid for doc in self.sandbox.documents(vkn=EGE.vkn, direction="IN")]
        )

    def test_unknown_registration_asks_for_a_check_then_sends_the_right_type(self):
        newcomer = "4840847211"
        now = self.sandbox.clock.now()
        self.sandbox.registry.add(
            GibUser(
                newcomer, "YENİ MÜKELLEF A.Ş.", "urn:mail:defaultpk@yeni.example", "PK", "INVOICE", now, now
            )
        )
        customer = self._customer(newcomer, "Yeni Mükellef")
        # Stale: the list was last synced three weeks ago and nobody asked since.
        self.edoc_account.user_list_cursor = datetime.datetime.now() - datetime.timedelta(days=21)
        move = self._post(customer)
        self.assertTrue(move.l10n_tr_edoc_gib_check_needed)
        errors = move._l10n_tr_edoc_send()
        self.assertIn("Check GİB Registration", errors[move])
        self.assertFalse(move.l10n_tr_edoc_document_id)

        move.action_l10n_tr_edoc_check_gib_user()
        self.assertRecordValues(
            customer,
            [
                {
                    "l10n_tr_edoc_einvoice_status": "registered",
                    "l10n_tr_edoc_einvoice_alias": "urn:mail:defaultpk@yeni.example",
                }
            ],
        )
        self.assertTrue(customer.l10n_tr_edoc_gib_checked_at)
        self.assertFalse(move.l10n_tr_edoc_gib_check_needed)
        self.assertEqual(move.l10n_tr_edoc_profile, "TEMELFATURA")
        self._send(move)
        self.assertEqual(move.l10n_tr_edoc_document_id.kind, "einvoice")

    def test_registration_after_the_invoice_date_means_earchive(self):
        late = "6050604029"
        registered = self.sandbox.clock.now()
        self.sandbox.registry.add(
            GibUser(
                late,
                "GEÇ KAYIT A.Ş.",
                "urn:mail:defaultpk@gec.example",
                "PK",
                "INVOICE",
                registered,
                registered,
            )
        )
        self.edoc_account._l10n_tr_edoc_sync_gib_users()
        customer = self._customer(late, "Geç Kayıt")
        self.assertEqual(customer.l10n_tr_edoc_einvoice_status, "registered")
        before = registered.date() - datetime.timedelta(days=3)
        move = self._post(customer, invoice_date=before)
        self.assertEqual(move.l10n_tr_edoc_profile, "EARSIVFATURA")
        self.assertEqual(self._post(customer).l10n_tr_edoc_profile, "TEMELFATURA")
