import datetime

from odoo import Command

from ..core.sandbox.demo import DEMO_COMPANIES, REJECTING_ALIAS
from ..core.sandbox.userlist import GibUser
from ..core.states import gib_today
from ..models.account_move import GTB_ALIAS, GTB_NAME, GTB_VKN
from .common import L10nTrEdocCase

# A valid VKN the sandbox's GİB list does not hold: its invoices go out as e-Arşiv.
UNREGISTERED_VKN = "9000068418"


class L10nTrEdocOutgoingCase(L10nTrEdocCase):
    """Series, customers of every kind and the TR chart's taxes, ready to post and send invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = cls.sandbox.clock.now()
        cls.sandbox.registry.add(
            GibUser(GTB_VKN, GTB_NAME, GTB_ALIAS, "PK", "INVOICE", now, now, type="KAMU")
        )
        Series = cls.env["l10n_tr_edoc.series"]
        cls.series = Series.create(
            [
                {"company_id": cls.company.id, "prefix": prefix, "kind": kind}
                for prefix, kind in (
                    ("ABC", "einvoice"),
                    ("IHR", "export"),
                    ("EAR", "earchive"),
                    ("EAI", "earchive_internet"),
                )
            ]
        )
        cls.tests_started = 0
        cls.company.partner_id.write(
            {"street": "Atatürk Caddesi 1", "city": "Kadıköy", "state_id": cls.env.ref("base.state_tr_34").id}
        )
        istanbul, izmir = cls.env.ref("base.state_tr_34"), cls.env.ref("base.state_tr_35")
        turkey = cls.env.ref("base.tr")
        Partner = cls.env["res.partner"]
        ege, red = DEMO_COMPANIES[1], DEMO_COMPANIES[2]
        common = {"is_company": True, "country_id": turkey.id, "street": "Cumhuriyet Bulvarı 5"}
        cls.registered = Partner.create(
            {
                **common,
                "name": ege.title,
                "vat": ege.vkn,
                "city": "Konak",
                "state_id": izmir.id,
                "l10n_tr_edoc_tax_office": "Konak",
                "l10n_tr_edoc_einvoice_status": "registered",
                "l10n_tr_edoc_einvoice_alias": ege.pk_alias,
            }
        )
        cls.rejecting = Partner.create(
            {
                **common,
                "name": red.title,
                "vat": red.vkn,
                "city": "Bornova",
                "state_id": izmir.id,
                "l10n_tr_edoc_tax_office": "Bornova",
                "l10n_tr_edoc_einvoice_status": "registered",
                "l10n_tr_edoc_einvoice_alias": REJECTING_ALIAS,
            }
        )
        cls.unregistered = Partner.create(
            {
                **common,
                "name": "Marmara Perakende A.Ş.",
                "vat": UNREGISTERED_VKN,
                "city": "Üsküdar",
                "state_id": istanbul.id,
                "l10n_tr_edoc_tax_office": "Üsküdar",
                "email": "muhasebe@marmara.example",
                "l10n_tr_edoc_einvoice_status": "not_registered",
            }
        )
        cls.foreign = Partner.create(
            {
                "name": "Müller Handels GmbH",
                "is_company": True,
                "vat": "DE123456789",
                "country_id": cls.env.ref("base.de").id,
                "street": "Hauptstraße 5",
                "city": "Berlin",
                "zip": "10115",
            }
        )
        cls.public_buyer = Partner.create(
            {
                **common,
                "name": "T.C. Ankara Valiliği",
                "vat": "3900892152",
                "city": "Çankaya",
                "state_id": cls.env.ref("base.state_tr_06").id,
                "l10n_tr_edoc_tax_office": "Çankaya",
            }
        )
        cls.carrier = Partner.create(
            {
                **common,
                "name": "Hızlı Kargo A.Ş.",
                "vat": "1460415308",
                "city": "Ulus",
                "state_id": cls.env.ref("base.state_tr_06").id,
            }
        )
        cls.iban = cls.env["res.partner.bank"].create(
            {
                "acc_number": "TR330006100519786457841326",
                "partner_id": cls.company.partner_id.id,
                "allow_out_payment": True,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Hidrolik pompa", "default_code": "HP-001", "l10n_tr_edoc_gtip": "842139200000"}
        )
        template = cls.env["account.chart.template"].with_company(cls.company)
        cls.kdv20 = template.ref("tr_s_20")
        cls.kdv10 = template.ref("tr_s_10")
        cls.export_exempt = template.ref("tr_s_0_ex")
        cls.withholding_5_10 = template.ref("tr_s_wh_20_5_10")

    def setUp(self):
        super().setUp()
        # The sandbox outlives each test's rollback: start every test's numbers where no other test's are.
        type(self).tests_started += 1
        today = gib_today()
        self.env["l10n_tr_edoc.series.year"].sudo().create(
            [
                {"series_id": series.id, "year": today.year, "last_sequence": self.tests_started * 1000}
                for series in self.series
            ]
        )

    def _post(self, partner, lines=None, move_type="out_invoice", **values):
        lines = lines or [(2, 1500.0, self.kdv20), (1, 249.99, self.kdv10)]
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": gib_today(),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": tax.ids,
                        }
                    )
                    for qty, price, tax in lines
                ],
                **values,
            }
        )
        move.action_post()
        return move

    def _send(self, moves):
        errors = moves._l10n_tr_edoc_send()
        self.assertFalse(errors, errors)
        for move in moves:
            self.assertSchematronClean(move)
        return moves

    def assertSchematronClean(self, move):
        self.assertGibValid(move.l10n_tr_edoc_document_id.xml_attachment_id.raw, rules=False)

    def _run_cron(self, advance=datetime.timedelta(minutes=10)):
        self.sandbox.clock.advance(advance)
        self.env["account.move"]._cron_l10n_tr_edoc_send_and_poll(force=True)
