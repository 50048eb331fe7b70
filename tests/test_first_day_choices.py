from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_outgoing import L10nTrEdocOutgoingCase


@tagged("post_install", "-at_install")
class TestFirstDayChoices(L10nTrEdocOutgoingCase):
    """What a new user chose or was told on the first day (issue 26): choices kept, errors that say where."""

    def _undated_invoice(self, partner, product=None):
        """An invoice typed in the form without a date, as a new user leaves it."""
        with Form(self.env["account.move"].with_context(default_move_type="out_invoice")) as form:
            form.partner_id = partner
            with form.invoice_line_ids.new() as line:
                line.product_id = product or self.product
                line.price_unit = 1000
                line.tax_ids.clear()
                line.tax_ids.add(self.kdv20)
        return form.record

    def test_chosen_scenario_survives_confirm_of_an_undated_invoice(self):
        """Confirm dates the invoice; the KAMU or TICARIFATURA the user picked stays."""
        for profile in ("KAMU", "TICARIFATURA"):
            with self.subTest(profile=profile):
                move = self._undated_invoice(self.registered)
                self.assertFalse(move.invoice_date)
                self.assertEqual(move.l10n_tr_edoc_profile, "TEMELFATURA")
                move.l10n_tr_edoc_profile = profile
                move.action_post()
                self.assertTrue(move.invoice_date)
                self.assertEqual(move.l10n_tr_edoc_profile, profile)

    def test_undated_invoice_still_gets_the_automatic_scenario(self):
        """Without a choice, Confirm keeps what the customer decides (e-Arşiv for a non-user)."""
        move = self._undated_invoice(self.unregistered)
        move.action_post()
        self.assertEqual(move.l10n_tr_edoc_profile, "EARSIVFATURA")

    def test_missing_gtip_says_where_to_enter_it(self):
        """The export pre-flight names the product and the product form's field, in English and Turkish."""
        self.env["res.lang"]._activate_lang("tr_TR")
        product = self.env["product.product"].create({"name": "Vana gövdesi"})
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.foreign.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "price_unit": 100, "tax_ids": self.export_exempt.ids}
                    )
                ],
            }
        )
        self.assertEqual(move.l10n_tr_edoc_profile, "IHRACAT")
        english = "\n".join(move.with_context(lang="en_US")._l10n_tr_edoc_move_problems())
        self.assertIn("GTİP", english)
        self.assertIn("Vana gövdesi", english)
        self.assertIn("product form, General Information tab, below Sales Taxes", english)
        turkish = "\n".join(move.with_context(lang="tr_TR")._l10n_tr_edoc_move_problems())
        self.assertIn("Vana gövdesi", turkish)
        self.assertIn("ürün formunda, Genel Bilgiler sekmesinde, Satış Vergileri'nin altına", turkish)
        # the field is where the message says: a labelled field right after the product's sales taxes
        arch = etree.fromstring(
            self.env["product.template"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (taxes,) = arch.xpath("//div[@name='taxes_div']")
        self.assertEqual(taxes.getnext().get("name"), "l10n_tr_edoc_gtip")
        self.assertEqual(taxes.getparent().tag, "group", "a field in a group is shown with its label")
        product.l10n_tr_edoc_gtip = "848180990000"
        self.assertFalse(
            [problem for problem in move._l10n_tr_edoc_move_problems() if "GTİP" in problem],
        )

    def test_despatch_fetch_is_offered_where_the_integrator_has_despatches(self):
        """Fetch Incoming e-İrsaliye shows on the form and the overview only for an e-İrsaliye integrator."""
        account = self.edoc_account
        self.assertTrue(account.offers_despatch)
        form = etree.fromstring(account.get_views([(False, "form")])["views"]["form"]["arch"])
        (button,) = form.xpath("//button[@name='action_l10n_tr_edoc_fetch_incoming_despatches']")
        self.assertEqual(button.get("invisible"), "not offers_despatch")
        dashboard = etree.fromstring(
            account.get_views(
                [(self.env.ref("l10n_tr_edoc.view_l10n_tr_edoc_account_dashboard").id, "kanban")]
            )["views"]["kanban"]["arch"]
        )
        (card_button,) = dashboard.xpath("//button[@name='action_l10n_tr_edoc_fetch_incoming_despatches']")
        self.assertEqual(card_button.get("t-if"), "record.offers_despatch.raw_value")
        # right after the invoices, as the overview's two buttons invite: the integrator counts them apart
        account.action_l10n_tr_edoc_fetch_incoming()
        action = account.action_l10n_tr_edoc_fetch_incoming_despatches()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("0", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload", "the overview's counts follow")
        with self.assertRaisesRegex(UserError, "less than 5 minutes ago"):
            account.action_l10n_tr_edoc_fetch_incoming_despatches()
        account.provider = "sandbox_kolaysoft"
        self.assertFalse(account.offers_despatch)
        with self.assertRaisesRegex(UserError, "e-İrsaliye"):
            account.action_l10n_tr_edoc_fetch_incoming_despatches()
