import logging
from decimal import Decimal

from lxml import etree

from odoo.tests import BaseCase, HttpCase, tagged

from ..core.sandbox.userlist import GibUser
from .common import deliver_invoices, supplier_invoice
from .common_outgoing import L10nTrEdocOutgoingCase
from .common_tours import LANGUAGES, L10nTrEdocBrowserMixin, _LogErrors
from .test_despatch_common import L10nTrEdocDespatchCase

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# a VKN with a valid check digit in the sandbox's GİB list, per language (each run creates the customer)
NEW_CUSTOMER_VKN = {"en_US": "1112223339", "tr_TR": "4440003337"}


class L10nTrEdocFirstDayTourMixin(L10nTrEdocBrowserMixin):
    def _label(self, model, field, value):
        """What the user reads for a selection value, in the user's language."""
        env = self.env(context={"lang": self.env.user.lang})
        return dict(env[model]._fields[field]._description_selection(env))[value]


@tagged("post_install", "-at_install", "post_install_l10n")
class TestFirstDayInvoiceTours(L10nTrEdocFirstDayTourMixin, L10nTrEdocOutgoingCase, HttpCase):
    """Issue 26 items 1-4, 6 and 12, walked in Chromium by an English and by a Turkish user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {"name": "Montaj hizmeti", "type": "service", "list_price": 1000.0, "taxes_id": cls.kdv20.ids}
        )

    def _journey(self, lang):
        self._use_language(lang)
        vkn = NEW_CUSTOMER_VKN[lang]
        now = self.sandbox.clock.now()
        if not self.sandbox.registry.lookup(vkn, "INVOICE"):
            self.sandbox.registry.add(
                GibUser(vkn, "İLK GÜN A.Ş.", f"urn:mail:defaultpk@{vkn}.example", "PK", "INVOICE", now, now)
            )
        self.edoc_account._l10n_tr_edoc_sync_gib_users(full=True)
        usd = self.env.ref("base.USD")
        usd.active = True
        usd.rate_ids.unlink()
        self._start(
            "l10n_tr_edoc_tour_first_day_invoices",
            partner_name="Yeni Gün Ticaret A.Ş.",  # an "İ" typed headless is not reliable
            partner_vkn=vkn,
            registered=self._label("res.partner", "l10n_tr_edoc_einvoice_status", "registered"),
            usd_customer=self.registered.name,
            earchive_customer=self.unregistered.name,
            product=self.service.name,
            sent=self._label("account.move", "l10n_tr_edoc_state", "sent"),
            ours=self._label("l10n_tr_edoc.document", "render_template", "ours"),
        )
        # item 1: what the form showed is what is stored
        partner = self.env["res.partner"].search([("vat", "=", vkn)])
        self.assertEqual(partner.l10n_tr_edoc_einvoice_status, "registered")
        Move = self.env["account.move"]
        # item 2: no number was drawn for the USD invoice
        dollars = Move.search([("partner_id", "=", self.registered.id), ("currency_id", "=", usd.id)])
        self.assertEqual(len(dollars), 1)
        self.assertFalse(dollars.l10n_tr_edoc_number)
        # items 3 and 4: the e-mailed PDF is the e-Arşiv invoice, its discount an AllowanceCharge
        earsiv = Move.search([("partner_id", "=", self.unregistered.id)])
        self.assertEqual(earsiv.l10n_tr_edoc_state, "sent", earsiv.l10n_tr_edoc_error_message)
        number = earsiv.l10n_tr_edoc_number
        mail = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", earsiv.id), ("attachment_ids", "!=", False)]
        )
        self.assertIn(f"{number}.pdf", mail.attachment_ids.mapped("name"))
        root = etree.fromstring(earsiv.l10n_tr_edoc_document_id.xml_attachment_id.raw)
        self.assertEqual(
            root.findtext("cac:InvoiceLine/cac:AllowanceCharge/cbc:MultiplierFactorNumeric", namespaces=NS),
            "0.1",
        )

    def test_first_day_invoices_english(self):
        self._journey(LANGUAGES[0])

    def test_first_day_invoices_turkish(self):
        self._journey(LANGUAGES[1])


@tagged("post_install", "-at_install", "post_install_l10n")
class TestFirstDayExportTours(L10nTrEdocFirstDayTourMixin, L10nTrEdocOutgoingCase, HttpCase):
    """Issue 26 item 7: an export and a KAMU invoice finished from the forms, in English and Turkish."""

    def _journey(self, lang):
        self._use_language(lang)
        product = self.env["product.product"].create(
            {"name": "Vana gövdesi", "list_price": 500.0, "taxes_id": self.export_exempt.ids}
        )
        kamu_product = self.env["product.product"].create(
            {"name": "Kırtasiye seti", "list_price": 200.0, "taxes_id": self.kdv20.ids}
        )
        self._start(
            "l10n_tr_edoc_tour_first_day_export_kamu",
            product=product.name,
            kamu_product=kamu_product.name,
            export_customer=self.foreign.name,
            kamu_customer=self.registered.name,
            kamu_buyer=" ".join(self.public_buyer.name.split()[:2]),
            iban=self.iban.acc_number[:4],
            transport_mode=self._label("account.move", "l10n_tr_edoc_transport_mode", "1"),
            sent=self._label("account.move", "l10n_tr_edoc_state", "sent"),
        )
        self.assertEqual(product.l10n_tr_edoc_gtip, "842139200000")
        held = {doc.uuid: doc for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="OUT")}
        for partner, profile in ((self.foreign, "IHRACAT"), (self.registered, "KAMU")):
            move = self.env["account.move"].search([("partner_id", "=", partner.id)])
            self.assertEqual(move.l10n_tr_edoc_state, "sent", move.l10n_tr_edoc_error_message)
            self.assertEqual(held[move.l10n_tr_edoc_uuid].facts.profile, profile)

    def test_export_and_kamu_english(self):
        self._journey(LANGUAGES[0])

    def test_export_and_kamu_turkish(self):
        self._journey(LANGUAGES[1])


@tagged("post_install", "-at_install", "post_install_l10n")
class TestFirstDayDespatchTours(L10nTrEdocFirstDayTourMixin, L10nTrEdocDespatchCase, HttpCase):
    """Issue 26 items 5, 8, 12 and 15: despatches from the overview to the receipt advice; a new delivery."""

    def _journey(self, lang, first_number):
        self._use_language(lang)
        matched = self._supplier_sends_despatch(
            first_number,
            [("Hidrolik pompa", "HP-1", Decimal(5), "C62"), ("Gres yağı", "GR-2", Decimal("12.5"), "KGM")],
        )
        unknown = self._supplier_sends_despatch(
            first_number + 1, [("Bilinmeyen parça", "XX-9", Decimal(1), "C62")]
        )
        deliver_invoices(self.sandbox_server.url, self.demo, [supplier_invoice(self.demo)])
        reader = self.env(context=dict(self.env.context, lang=lang))  # the toasts as the user reads them
        self._start(
            "l10n_tr_edoc_tour_first_day_despatch",
            invoices_fetched=reader._("%s new incoming e-Fatura fetched.", 1),
            fetched=reader._("%s new incoming e-İrsaliye fetched.", 2),
            failed=unknown.id,
            unknown_code="XX-9",
            supplier=self.customer.name,
        )
        Document = self.env["l10n_tr_edoc.document"]
        answered = Document.search([("uuid", "=", matched.uuid)])
        self.assertEqual(answered.state, "responded")
        self.assertEqual(answered.child_ids.state, "sent")
        self.assertEqual(Document.search([("uuid", "=", unknown.uuid)]).state, "import_failed")

    def test_first_day_despatch_english(self):
        self._journey(LANGUAGES[0], 401)

    def test_first_day_despatch_turkish(self):
        self._journey(LANGUAGES[1], 411)


@tagged("post_install", "-at_install")
class TestTourLogWatch(BaseCase):
    def test_errors_and_tracebacks_are_caught(self):
        """What fails a tour: an ERROR, or any record carrying a traceback; a plain warning does not."""
        errors = _LogErrors()
        logger = logging.getLogger("odoo.addons.l10n_tr_edoc.tests.tour_watch")
        logger.addHandler(errors)
        logger.propagate = False
        try:
            logger.warning("a plain warning")
            logger.error("an error")
            try:
                raise ValueError("boom")
            except ValueError:
                logger.warning("a warning with its traceback", exc_info=True)
        finally:
            logger.removeHandler(errors)
            logger.propagate = True
        self.assertEqual(
            [record.getMessage() for record in errors.records], ["an error", "a warning with its traceback"]
        )
        self.assertIn("ValueError: boom", errors.format(errors.records[1]))
