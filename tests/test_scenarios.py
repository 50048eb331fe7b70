"""Every (profile, type) pair GİB allows, issued from the invoice form's fields, sent through the sandbox
and checked with GİB's XSD, the 20260701 schematron and our own rules (issue 18)."""

import datetime
import tempfile
import uuid
from pathlib import Path

from lxml import etree

from odoo import Command
from odoo.tests import tagged

from ..core import codes
from ..core.sandbox.userlist import GibUser
from ..core.states import gib_today
from ..core.ubl.parse import parse_invoice
from ..core.validation.package import validate_in_child
from ..core.validation.rules import istisna_codes
from ..models.account_move import GTB_NAME, GTB_TAXFREE_ALIAS, GTB_VKN, SGK_VKN
from .common import reference_dir
from .common_outgoing import L10nTrEdocOutgoingCase

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
KUNYE = "1234567890123456789"
RETURNS = codes.RETURN_TYPES
WITHHELD = {"TEVKIFAT", "TEVKIFATIADE", "YTBTEVKIFAT", "YTBTEVKIFATIADE"}
ESU = "3F2504E0-4F89-11D3-9A0C-0305E82C3301"


class L10nTrEdocScenarioCase(L10nTrEdocOutgoingCase):
    """Partners, taxes and products for every scenario, as an accountant sets them up once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = cls.sandbox.clock.now()
        Partner = cls.env["res.partner"]
        Code = cls.env["l10n_tr_edoc.code"]
        turkey = cls.env.ref("base.tr")
        cls.sandbox.registry.add(
            GibUser(GTB_VKN, GTB_NAME, GTB_TAXFREE_ALIAS, "PK", "INVOICE", now, now, type="KAMU")
        )
        cls.sandbox.registry.add(
            GibUser(SGK_VKN, "Sosyal Güvenlik Kurumu", "urn:mail:sgk@sgk.gov.tr", "PK", "INVOICE", now, now)
        )
        common = {"is_company": True, "country_id": turkey.id, "street": "Ziya Gökalp Caddesi 10"}
        ankara = cls.env.ref("base.state_tr_06")
        cls.sgk = Partner.create(
            {
                **common,
                "name": "Sosyal Güvenlik Kurumu",
                "vat": SGK_VKN,
                "city": "Çankaya",
                "state_id": ankara.id,
                "l10n_tr_edoc_tax_office": "Çankaya",
                "l10n_tr_edoc_einvoice_status": "registered",
                "l10n_tr_edoc_einvoice_alias": "urn:mail:sgk@sgk.gov.tr",
            }
        )
        cls.consumer = Partner.create(
            {
                "name": "Ayşe Yılmaz",
                "vat": "10000000146",
                "country_id": turkey.id,
                "street": "Bağdat Caddesi 3",
                "city": "Kadıköy",
                "state_id": cls.env.ref("base.state_tr_34").id,
                "l10n_tr_edoc_einvoice_status": "not_registered",
            }
        )
        cls.traveller = Partner.create(
            {
                "name": "John Smith",
                "country_id": cls.env.ref("base.uk").id,
                "street": "Baker Street 221",
                "city": "London",
            }
        )
        cls.intermediary = Partner.create(
            {
                **common,
                "name": "Tax Free Aracı Kurum A.Ş.",
                "vat": "3900892152",
                "city": "Çankaya",
                "state_id": ankara.id,
                "l10n_tr_edoc_einvoice_alias": "urn:mail:taxfree@aracikurum.example",
            }
        )
        cls.partners = {
            "EARSIVFATURA": cls.unregistered,
            "IHRACAT": cls.foreign,
            "YOLCUBERABERFATURA": cls.traveller,
        }
        template = cls.env["account.chart.template"].with_company(cls.company)

        def exempt(code):
            return cls.export_exempt.copy(
                {
                    "name": f"KDV %0 {code}",
                    "l10n_tr_edoc_exemption_id": Code._l10n_tr_edoc_find("exemption", code).id,
                }
            )

        cls.exempt_350 = exempt("350")
        cls.exempt_308 = exempt("308")
        cls.exempt_701 = exempt("701")
        cls.exempt_702 = exempt("702")
        cls.exempt_801 = exempt("801")
        cls.accommodation = cls.kdv20.copy(
            {
                "name": "Konaklama Vergisi %2",
                "amount": 2.0,
                "l10n_tr_edoc_tax_type_id": Code._l10n_tr_edoc_find("tax_type", codes.ACCOMMODATION_TAX).id,
            }
        )
        cls.withholding_9_10 = template.ref("tr_s_wh_20_9_10")
        cls.cleaning = cls.env["product.product"].create(
            {
                "name": "Temizlik hizmeti",
                "type": "service",
                "l10n_tr_edoc_withholding_id": Code._l10n_tr_edoc_find("withholding", "602").id,
            }
        )
        cls.tomato = cls.env["product.product"].create(
            {"name": "Domates", "default_code": "DMT", "l10n_tr_edoc_item_scheme": "KUNYENO"}
        )
        cls.machine = cls.env["product.product"].create(
            {"name": "CNC tezgahı", "default_code": "CNC-5", "l10n_tr_edoc_ytb_class": "01"}
        )

    # -- what a user fills on the form for each profile and type --------------------------------

    def _profile_values(self, profile):
        """(customer, invoice fields, line fields) the scenario needs."""
        partner = self.partners.get(profile, self.registered)
        values, line = {}, {}
        if profile == "KAMU":
            values = {"l10n_tr_edoc_kamu_buyer_id": self.public_buyer.id, "partner_bank_id": self.iban.id}
        elif profile == "IHRACAT":
            values = {
                "invoice_incoterm_id": self.env.ref("account.incoterm_FOB").id,
                "l10n_tr_edoc_transport_mode": "1",
                "l10n_tr_edoc_package_type": "BX",
                "l10n_tr_edoc_package_count": 2,
            }
        elif profile == "YOLCUBERABERFATURA":
            values = {
                "l10n_tr_edoc_passport_no": "P1234567",
                "l10n_tr_edoc_passport_date": datetime.date(2020, 1, 1),
                "l10n_tr_edoc_tax_representative_id": self.intermediary.id,
            }
        elif profile == "HKS":
            line = {"l10n_tr_edoc_item_scheme": "KUNYENO", "l10n_tr_edoc_item_code": KUNYE}
        elif profile == "ILAC_TIBBICIHAZ":
            line = {"l10n_tr_edoc_item_scheme": "ILAC", "l10n_tr_edoc_item_code": "08699999999999"}
        elif profile == "IDIS":
            values = {"l10n_tr_edoc_shipment_no": "SE-1345840"}
            line = {"l10n_tr_edoc_item_scheme": "ETIKETNO", "l10n_tr_edoc_item_code": "CV0152457"}
        elif profile == "ENERJI":
            values = self._charging_values()
        return partner, values, line

    def _charging_values(self):
        start = datetime.datetime.combine(gib_today(), datetime.time(6, 0))
        return {
            "l10n_tr_edoc_period_start": start,
            "l10n_tr_edoc_period_end": start + datetime.timedelta(minutes=45),
            "l10n_tr_edoc_vehicle_plate": "06 ABC 123",
            "l10n_tr_edoc_esu_report_id": ESU,
        }

    def _type_values(self, profile, type_code):
        """(taxes of the line, invoice fields, line fields, customer or None) the type needs."""
        taxes, values, line, partner = self.kdv20, {}, {}, None
        if type_code in WITHHELD:
            taxes = self.withholding_5_10
        elif type_code in ("ISTISNA", "YTBISTISNA"):
            ytb = profile == "YATIRIMTESVIK" or type_code == "YTBISTISNA"
            taxes = (
                self.export_exempt if profile == "IHRACAT" else self.exempt_308 if ytb else self.exempt_350
            )
        elif type_code == "IHRACKAYITLI":
            taxes = self.exempt_702 if profile == "TEMELFATURA" else self.exempt_701
            line = {"l10n_tr_edoc_diib_line_code": "12345678901"} if profile == "TEMELFATURA" else {}
        elif type_code == "OZELMATRAH":
            taxes = self.exempt_801
        elif type_code == "KONAKLAMAVERGISI":
            taxes = self.kdv10 | self.accommodation
        elif type_code == "SGK":
            if profile not in self.partners:
                partner = self.sgk
            start = datetime.datetime.combine(gib_today().replace(day=1), datetime.time(9, 0))
            values = {
                "l10n_tr_edoc_sgk_accounting_cost": "SAGLIK_ECZ",
                "l10n_tr_edoc_period_start": start,
                "l10n_tr_edoc_period_end": start + datetime.timedelta(days=20),
                "l10n_tr_edoc_sgk_payer_code": "12345",
                "l10n_tr_edoc_sgk_payer_name": "Anadolu Eczanesi",
                "l10n_tr_edoc_sgk_file_no": "D-2026-11",
            }
        elif type_code in ("HKSSATIS", "HKSKOMISYONCU"):
            line = {"l10n_tr_edoc_item_scheme": "KUNYENO", "l10n_tr_edoc_item_code": KUNYE}
        elif type_code in ("SARJ", "SARJANLIK"):
            values = self._charging_values()
            line = {"l10n_tr_edoc_serial": "CP-0001"}
        elif type_code == "TEKNOLOJIDESTEK":
            partner = self.consumer
            line = {"l10n_tr_edoc_item_scheme": "TELEFON", "l10n_tr_edoc_item_code": "356938035643809"}
        if profile == "YATIRIMTESVIK" or type_code.startswith("YTB"):
            values = {**values, "l10n_tr_edoc_ytb_certificate": "123456"}
            line = {
                **line,
                "l10n_tr_edoc_ytb_class": "01",
                "l10n_tr_edoc_serial": "SN-778",
                "l10n_tr_edoc_trace_id": "TR-1",
            }
        return taxes, values, line, partner

    def _scenario_move(self, profile, type_code, origin):
        partner, values, line = self._profile_values(profile)
        taxes, type_values, type_line, type_partner = self._type_values(profile, type_code)
        refund = type_code in RETURNS
        return self.env["account.move"].create(
            {
                "move_type": "out_refund" if refund else "out_invoice",
                "partner_id": (type_partner or partner).id,
                "invoice_date": gib_today(),
                **({"reversed_entry_id": origin.id} if refund else {}),
                **values,
                **type_values,
                "l10n_tr_edoc_profile": profile,
                "l10n_tr_edoc_type_code": type_code,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 2,
                            "price_unit": 1000.0,
                            "tax_ids": taxes.ids,
                            **line,
                            **type_line,
                        }
                    )
                ],
            }
        )


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocScenarios(L10nTrEdocScenarioCase):
    def test_every_allowed_pair_is_sent_valid_with_its_data(self):
        origin = self._post(self.registered)
        self._send(origin)
        pairs = codes.allowed_invoice_pairs(codes.release_for(gib_today()))
        moves = {pair: self._scenario_move(*pair, origin) for pair in pairs}
        everything = self.env["account.move"].union(*moves.values())
        everything.action_post()
        errors = everything._l10n_tr_edoc_send()
        xmls = {pair: move.l10n_tr_edoc_document_id.xml_attachment_id.raw for pair, move in moves.items()}
        sent = [pair for pair in pairs if xmls[pair]]
        results = dict(zip(sent, self._validate_20260701([xmls[p] for p in sent]), strict=True))
        held = {d.uuid for d in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        for pair, move in moves.items():
            with self.subTest(profile=pair[0], type=pair[1]):
                self.assertFalse(errors.get(move), errors.get(move))
                self.assertEqual(move.l10n_tr_edoc_state, "sent")
                self.assertIn(move.l10n_tr_edoc_uuid, held)
                result = results[pair]
                self.assertTrue(result["ok"], result)
                self._assert_special_fields(pair, etree.fromstring(xmls[pair]))

    def _line(self, taxes, product=None, **values):
        product = product or self.product
        return Command.create(
            {"product_id": product.id, "quantity": 1, "price_unit": 1000.0, "tax_ids": taxes.ids, **values}
        )

    def _draft(self, partner, *lines, **values):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": gib_today(),
                "invoice_line_ids": list(lines or [self._line(self.kdv20)]),
                **values,
            }
        )

    def test_defaults_follow_the_taxes_the_customer_and_the_scenario(self):
        cases = (
            (self._draft(self.registered, self._line(self.kdv10 | self.accommodation)), "KONAKLAMAVERGISI"),
            (self._draft(self.sgk), "SGK"),
            (self._draft(self.registered, self._line(self.exempt_801)), "OZELMATRAH"),
            (self._draft(self.registered, l10n_tr_edoc_profile="HKS"), "HKSSATIS"),
            (self._draft(self.registered, l10n_tr_edoc_profile="ENERJI"), "SARJ"),
            (self._draft(self.registered, self._line(self.exempt_701)), "IHRACKAYITLI"),
        )
        produce = self.company_data["default_journal_sale"].copy({"l10n_tr_edoc_einvoice_profile": "HKS"})
        hal = self._draft(self.registered, journal_id=produce.id)
        self.assertEqual((hal.l10n_tr_edoc_profile, hal.l10n_tr_edoc_type_code), ("HKS", "HKSSATIS"))
        self.assertEqual(
            self._draft(self.unregistered, journal_id=produce.id).l10n_tr_edoc_profile, "EARSIVFATURA"
        )
        self.assertEqual([move.l10n_tr_edoc_type_code for move, _type in cases], [t for _move, t in cases])
        for move, _type in cases:
            self.assertTrue(
                codes.invoice_type_allowed(move.l10n_tr_edoc_profile, move.l10n_tr_edoc_type_code),
                (move.l10n_tr_edoc_profile, move.l10n_tr_edoc_type_code),
            )

    def test_the_type_list_offers_only_the_types_the_scenario_allows(self):
        """The form's GİB Invoice Type dropdown is filtered by the scenario, with GİB's own pair list."""
        move = self._draft(self.registered)
        for profile in ("TEMELFATURA", "IHRACAT", "KAMU", "EARSIVFATURA", "YATIRIMTESVIK", "ENERJI"):
            with self.subTest(profile=profile):
                move.l10n_tr_edoc_profile = profile
                offered = move.l10n_tr_edoc_allowed_type_codes
                allowed = [
                    t for p, t in codes.allowed_invoice_pairs(move._l10n_tr_edoc_release()) if p == profile
                ]
                self.assertEqual(sorted(offered), sorted(allowed))
                self.assertIn(move.l10n_tr_edoc_type_code, offered)
        self.assertEqual(move.l10n_tr_edoc_allowed_type_codes, ["SARJ", "SARJANLIK"])
        arch = etree.fromstring(self.env["account.move"].get_view(view_type="form")["arch"])
        [field] = arch.xpath("//field[@name='l10n_tr_edoc_type_code']")
        self.assertEqual(field.get("widget"), "filterable_selection")
        self.assertIn("l10n_tr_edoc_allowed_type_codes", field.get("options"))
        self.assertTrue(arch.xpath("//field[@name='l10n_tr_edoc_allowed_type_codes']"))

    def test_a_special_type_without_its_data_or_an_unallowed_pair_is_never_sent(self):
        sgk = self._draft(self.sgk)
        pair = self._draft(self.registered)
        pair.write({"l10n_tr_edoc_profile": "IDIS", "l10n_tr_edoc_type_code": "SGK"})
        hotel = self._draft(self.registered, l10n_tr_edoc_type_code="KONAKLAMAVERGISI")
        taxfree = self._draft(
            self.traveller, l10n_tr_edoc_profile="YOLCUBERABERFATURA", l10n_tr_edoc_type_code="ISTISNA"
        )
        special = self._draft(self.registered, l10n_tr_edoc_type_code="OZELMATRAH")
        moves = sgk | pair | hotel | taxfree | special
        moves.action_post()
        self.assertEqual(pair.l10n_tr_edoc_type_code, "SGK")
        errors = moves._l10n_tr_edoc_send()
        self.assertIn("SGK Provider Code", errors[sgk])
        self.assertIn("does not allow the invoice type SGK in the scenario IDIS", errors[pair])
        self.assertIn("0059", errors[hotel])
        self.assertIn("passport", errors[taxfree])
        self.assertIn("8xx", errors[special])
        self.assertFalse(
            any(moves.mapped("l10n_tr_edoc_number")), "a refused pre-flight check spends no number"
        )
        self.env["res.lang"]._activate_lang("tr_TR")
        self.env["ir.module.module"]._load_module_terms(["l10n_tr_edoc"], ["tr_TR"], overwrite=True)
        turkish = sgk.with_context(lang="tr_TR")._l10n_tr_edoc_move_problems()
        self.assertIn("SGK Mükellef Kodu", "\n".join(turkish))

    def test_the_withholding_code_follows_the_service(self):
        """602 for cleaning comes from the product; the tax's code is only the default of its share."""
        Code = self.env["l10n_tr_edoc.code"]
        self.assertEqual(self.withholding_5_10.children_tax_ids.l10n_tr_edoc_withholding_id.code, "604")
        cleaning_9 = self._draft(
            self.registered,
            self._line(self.withholding_9_10, self.cleaning),
            l10n_tr_edoc_type_code="TEVKIFAT",
        )
        security = self.env["product.product"].create(
            {
                "name": "Özel güvenlik",
                "l10n_tr_edoc_withholding_id": Code._l10n_tr_edoc_find("withholding", "606").id,
            }
        )
        security_9 = self._draft(self.registered, self._line(self.withholding_9_10, security))
        cleaning_5 = self._draft(self.registered, self._line(self.withholding_5_10, self.cleaning))
        moves = cleaning_9 | security_9 | cleaning_5
        moves.action_post()
        self.assertEqual(moves.mapped("l10n_tr_edoc_type_code"), ["TEVKIFAT"] * 3)
        errors = moves._l10n_tr_edoc_send()
        self.assertIn("602", errors[cleaning_5])
        self.assertIn("90", errors[cleaning_5])
        self.assertNotIn(cleaning_9, errors)
        self.assertNotIn(security_9, errors)
        path = "cac:WithholdingTaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"
        for move, code in ((cleaning_9, "602"), (security_9, "606")):
            root = etree.fromstring(move.l10n_tr_edoc_document_id.xml_attachment_id.raw)
            self.assertEqual(self._xpath(root, path), [code])
        self.assertFalse(cleaning_5.l10n_tr_edoc_number)

    def test_every_exemption_and_withholding_code_is_sent_valid(self):
        """ISTISNA with every exemption code, IHRACKAYITLI 701-704, OZELMATRAH 801-812 and TEVKIFAT with
        every withholding code at each share GİB allows for it (601: 3/10 and 4/10, ...)."""
        Code = self.env["l10n_tr_edoc.code"]
        release = codes.release_for(gib_today())
        template = self.env["account.chart.template"].with_company(self.company)

        def exempt_lines(exemption_codes):
            return [
                self._line(
                    self.export_exempt.copy(
                        {
                            "name": f"KDV %0 ({code})",
                            "l10n_tr_edoc_exemption_id": Code._l10n_tr_edoc_find("exemption", code).id,
                        }
                    )
                )
                for code in exemption_codes
            ]

        istisna = sorted(
            code
            for code in istisna_codes(release)
            if code != "301" and codes.exemption_allowed(code, "TEMELFATURA", "ISTISNA", release)
        )
        ozel = sorted(
            c for c, (kind, _n) in codes.EXEMPTIONS.items() if kind is codes.ExemptionKind.OZEL_MATRAH
        )
        withheld_lines, expected = [], set()
        # 650 is in GİB's list but its schematron refuses it (core rule withholding.code_650_refused)
        for code, shares in sorted(codes.WITHHOLDING_PERCENTS.items()):
            if code == "650":
                continue
            product = self.env["product.product"].create(
                {
                    "name": f"Hizmet {code}",
                    "l10n_tr_edoc_withholding_id": Code._l10n_tr_edoc_find("withholding", code).id,
                }
            )
            for share in sorted(shares):
                withheld_lines.append(self._line(template.ref(f"tr_s_wh_20_{share // 10}_10"), product))
                expected.add((code, str(share)))
        moves = {
            "ISTISNA": self._draft(self.registered, *exempt_lines(istisna), l10n_tr_edoc_type_code="ISTISNA"),
            "IHRACKAYITLI": self._draft(
                self.registered, *exempt_lines(("701", "703", "704")), l10n_tr_edoc_type_code="IHRACKAYITLI"
            ),
            "OZELMATRAH": self._draft(
                self.registered, *exempt_lines(ozel), l10n_tr_edoc_type_code="OZELMATRAH"
            ),
            "TEVKIFAT": self._draft(self.registered, *withheld_lines, l10n_tr_edoc_type_code="TEVKIFAT"),
        }
        everything = self.env["account.move"].union(*moves.values())
        everything.action_post()
        errors = everything._l10n_tr_edoc_send()
        self.assertFalse(errors, errors)
        xmls = [move.l10n_tr_edoc_document_id.xml_attachment_id.raw for move in moves.values()]
        for result in self._validate_20260701(xmls):
            self.assertTrue(result["ok"], result)
        roots = {name: etree.fromstring(xml) for name, xml in zip(moves, xmls, strict=True)}
        exemption_path = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode"
        self.assertEqual(sorted(self._xpath(roots["ISTISNA"], exemption_path)), istisna)
        self.assertEqual(sorted(self._xpath(roots["IHRACKAYITLI"], exemption_path)), ["701", "703", "704"])
        self.assertEqual(sorted(self._xpath(roots["OZELMATRAH"], exemption_path)), ozel)
        subtotals = roots["TEVKIFAT"].xpath("cac:WithholdingTaxTotal/cac:TaxSubtotal", namespaces=NS)
        written = {
            (
                sub.findtext("cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode", namespaces=NS),
                sub.findtext("cbc:Percent", namespaces=NS),
            )
            for sub in subtotals
        }
        self.assertEqual(written, expected)
        held = {d.uuid for d in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        self.assertLessEqual(set(everything.mapped("l10n_tr_edoc_uuid")), held)

    def test_ozelmatrah_shows_the_kdv_on_its_special_base_without_charging_it(self):
        """GİB's OZELMATRAH sample: tobacco sold for 24.94 whose KDV (4.01) was computed on the special base
        22.28 at 18 % with reason 806; the KDV is listed, the payable stays 24.94. Read back as a bill, the
        same XML books no KDV."""
        Code = self.env["l10n_tr_edoc.code"]
        tobacco = self.export_exempt.copy(
            {
                "name": "KDV Özel Matrah 806",
                "l10n_tr_edoc_exemption_id": Code._l10n_tr_edoc_find("exemption", "806").id,
                "l10n_tr_edoc_special_base_percent": 18.0,
            }
        )
        move = self._draft(
            self.registered,
            self._line(tobacco, quantity=0.5, price_unit=49.87, l10n_tr_edoc_special_base=22.28),
            l10n_tr_edoc_type_code="OZELMATRAH",
        )
        without_base = self._draft(
            self.registered,
            self._line(tobacco, quantity=0.5, price_unit=49.87),
            l10n_tr_edoc_type_code="OZELMATRAH",
        )
        (move | without_base).action_post()
        errors = (move | without_base)._l10n_tr_edoc_send()
        self.assertEqual(list(errors), [without_base], "a special-base tax without its base is never sent")
        self.assertIn("Special Base", errors[without_base])
        self.assertFalse(without_base.l10n_tr_edoc_number)
        xml = move.l10n_tr_edoc_document_id.xml_attachment_id.raw
        for release in (codes.R20260312, codes.R20260701):
            [result] = self._validate_release([xml], release)
            self.assertTrue(result["ok"], result)
        root = etree.fromstring(xml)
        subtotal = "cac:TaxTotal/cac:TaxSubtotal"
        self.assertEqual(self._xpath(root, "cac:TaxTotal/cbc:TaxAmount"), ["4.01"])
        self.assertEqual(self._xpath(root, f"{subtotal}/cbc:TaxableAmount"), ["22.28"])
        self.assertEqual(self._xpath(root, f"{subtotal}/cbc:Percent"), ["18"])
        self.assertEqual(self._xpath(root, f"{subtotal}/cac:TaxCategory/cbc:TaxExemptionReasonCode"), ["806"])
        totals = "cac:LegalMonetaryTotal"
        self.assertEqual(self._xpath(root, f"{totals}/cbc:TaxInclusiveAmount"), ["24.94"])
        self.assertEqual(self._xpath(root, f"{totals}/cbc:PayableAmount"), ["24.94"])

        self.company.vat = self.registered.vat
        bill, warnings = self.env["account.move"]._l10n_tr_edoc_create_bill(
            self.env["l10n_tr_edoc.document"].create(
                {
                    "uuid": str(uuid.uuid4()).upper(),
                    "company_id": self.company.id,
                    "account_id": self.edoc_account.id,
                    "kind": "einvoice",
                    "direction": "in",
                }
            ),
            parse_invoice(xml),
        )
        self.assertFalse(warnings, warnings)
        self.assertEqual((bill.amount_untaxed, bill.amount_tax, bill.amount_total), (24.94, 0.0, 24.94))

    def _validate_20260701(self, xmls):
        return self._validate_release(xmls, codes.R20260701)

    def _validate_release(self, xmls, release):
        gib = reference_dir() / "gib-ubl-tr"
        rules = gib / "schematron-20260701" if release == codes.R20260701 else gib
        with tempfile.TemporaryDirectory() as store:
            # GİB's schematron of ``release`` with the UBL-TR XSD, as a downloaded package of that release
            package = Path(store, release)
            package.mkdir()
            (package / "UBLTR_1.2.1_Paketi").symlink_to(gib / "UBLTR_1.2.1_Paketi")
            (package / "e-FaturaPaketi").symlink_to(rules / "e-FaturaPaketi")
            results = validate_in_child(xmls, package, rules=True)
        for result in results:
            self.assertEqual(result["gib_release"], release)
        return results

    def _xpath(self, root, path):
        return [
            node.text if isinstance(node, etree._Element) else str(node)
            for node in root.xpath(path, namespaces=NS)
        ]

    def _assert_special_fields(self, pair, root):
        profile, type_code = pair
        x = self._xpath
        self.assertEqual(x(root, "cbc:ProfileID"), [profile])
        self.assertEqual(x(root, "cbc:InvoiceTypeCode"), [type_code])
        line_ids = "cac:InvoiceLine/cac:Item/cac:AdditionalItemIdentification/cbc:ID"
        if profile == "KAMU":
            self.assertIn(
                "T.C. Ankara Valiliği", x(root, "cac:BuyerCustomerParty/cac:Party/cac:PartyName/cbc:Name")
            )
            self.assertEqual(
                x(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"), ["TR330006100519786457841326"]
            )
        if profile == "IHRACAT":
            self.assertEqual(
                x(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID"), [GTB_VKN]
            )
            delivery = "cac:InvoiceLine/cac:Delivery"
            self.assertEqual(x(root, f"{delivery}/cac:DeliveryTerms/cbc:ID[@schemeID='INCOTERMS']"), ["FOB"])
            self.assertEqual(
                x(root, f"{delivery}/cac:Shipment/cac:GoodsItem/cbc:RequiredCustomsID"), ["842139200000"]
            )
            self.assertEqual(
                x(root, f"{delivery}/cac:Shipment/cac:ShipmentStage/cbc:TransportModeCode"), ["1"]
            )
            packages = f"{delivery}/cac:Shipment/cac:TransportHandlingUnit/cac:ActualPackage"
            self.assertEqual(x(root, f"{packages}/cbc:PackagingTypeCode"), ["BX"])
            self.assertEqual(x(root, f"{packages}/cbc:Quantity"), ["2"])
        if profile == "YOLCUBERABERFATURA":
            buyer = "cac:BuyerCustomerParty/cac:Party"
            self.assertEqual(
                x(root, f"{buyer}/cac:PartyIdentification/cbc:ID[@schemeID='PARTYTYPE']"), ["TAXFREE"]
            )
            self.assertEqual(x(root, f"{buyer}/cac:Person/cbc:NationalityID"), ["GB"])
            self.assertEqual(
                x(root, f"{buyer}/cac:Person/cac:IdentityDocumentReference/cbc:ID"), ["P1234567"]
            )
            representative = "cac:TaxRepresentativeParty/cac:PartyIdentification/cbc:ID"
            self.assertEqual(x(root, f"{representative}[@schemeID='ARACIKURUMVKN']"), ["3900892152"])
        if profile == "HKS" or type_code in ("HKSSATIS", "HKSKOMISYONCU"):
            self.assertEqual(x(root, f"{line_ids}[@schemeID='KUNYENO']"), [KUNYE])
        if profile == "ILAC_TIBBICIHAZ":
            self.assertEqual(x(root, f"{line_ids}[@schemeID='ILAC']"), ["08699999999999"])
        if profile == "IDIS":
            self.assertEqual(x(root, f"{line_ids}[@schemeID='ETIKETNO']"), ["CV0152457"])
            supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID"
            self.assertEqual(x(root, f"{supplier}[@schemeID='SEVKIYATNO']"), ["SE-1345840"])
        if profile == "YATIRIMTESVIK" or (profile == "EARSIVFATURA" and type_code.startswith("YTB")):
            self.assertEqual(x(root, "cac:ContractDocumentReference/cbc:ID[@schemeID='YTBNO']"), ["123456"])
            item = "cac:InvoiceLine/cac:Item"
            self.assertEqual(
                x(root, f"{item}/cac:CommodityClassification/cbc:ItemClassificationCode"), ["01"]
            )
            self.assertEqual(x(root, f"{item}/cac:ItemInstance/cbc:SerialID"), ["SN-778"])
            self.assertEqual(x(root, f"{item}/cac:ItemInstance/cbc:ProductTraceID"), ["TR-1"])
        if (profile, type_code) in (("YATIRIMTESVIK", "ISTISNA"), ("EARSIVFATURA", "YTBISTISNA")):
            waived = "cac:TaxTotal/cac:TaxSubtotal[cbc:CalculationSequenceNumeric='-1']"
            self.assertEqual(x(root, f"{waived}/cac:TaxCategory/cbc:TaxExemptionReasonCode"), ["308"])
            self.assertEqual(x(root, f"{waived}/cbc:Percent"), ["20"])
            self.assertEqual([float(v) for v in x(root, "cac:TaxTotal/cbc:TaxAmount")], [0.0])
        if type_code == "SGK":
            self.assertEqual(x(root, "cbc:AccountingCost"), ["SAGLIK_ECZ"])
            self.assertEqual(len(x(root, "cac:InvoicePeriod/cbc:StartDate")), 1)
            references = {
                kind: x(root, f"cac:AdditionalDocumentReference[cbc:DocumentType='{kind}']/cbc:ID")
                for kind in ("MUKELLEF_KODU", "MUKELLEF_ADI", "DOSYA_NO")
            }
            self.assertEqual(
                references,
                {"MUKELLEF_KODU": ["12345"], "MUKELLEF_ADI": ["Anadolu Eczanesi"], "DOSYA_NO": ["D-2026-11"]},
            )
        if type_code == "KONAKLAMAVERGISI":
            self.assertIn(
                "0059", x(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode")
            )
        if type_code in ("SARJ", "SARJANLIK"):
            customer = "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID"
            self.assertEqual(x(root, f"{customer}[@schemeID='PLAKA']"), ["06ABC123"])
            self.assertEqual(x(root, "cac:InvoicePeriod/cbc:StartTime"), ["09:00:00"])
        if type_code == "SARJ":
            self.assertEqual(x(root, "cac:AdditionalDocumentReference/cbc:ID[@schemeID='ESURaporID']"), [ESU])
        if type_code == "SARJANLIK":
            self.assertEqual(x(root, "cac:InvoiceLine/cac:Item/cac:ItemInstance/cbc:SerialID"), ["CP-0001"])
        if type_code == "TEKNOLOJIDESTEK":
            self.assertEqual(x(root, f"{line_ids}[@schemeID='TELEFON']"), ["356938035643809"])
        exemptions = x(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode")
        if type_code == "OZELMATRAH":
            self.assertEqual(exemptions, ["801"])
        if type_code == "IHRACKAYITLI":
            self.assertEqual(exemptions, ["702" if profile == "TEMELFATURA" else "701"])
        if type_code == "IHRACKAYITLI" and profile == "TEMELFATURA":
            declaration = (
                "cac:InvoiceLine/cac:Delivery/cac:Shipment/cac:TransportHandlingUnit/cac:CustomsDeclaration"
            )
            self.assertEqual(
                x(
                    root,
                    f"{declaration}/cac:IssuerParty/cac:PartyIdentification/cbc:ID[@schemeID='ALICIDIBSATIRKOD']",
                ),
                ["12345678901"],
            )
        if type_code in ("TEVKIFAT", "YTBTEVKIFAT"):
            self.assertEqual(
                x(
                    root,
                    "cac:WithholdingTaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode",
                ),
                ["604"],
            )
