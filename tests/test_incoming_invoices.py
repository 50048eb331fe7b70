import datetime as dt
import uuid as uuid_module
from dataclasses import replace
from decimal import Decimal
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import Form, tagged

from ..core.documents import DocumentReference
from ..core.errors import RemoteRejected
from ..core.sandbox.state import Document as SandboxDocument
from ..core.sandbox.state import Facts
from ..core.tests import factories
from ..core.ubl import build_invoice, serialize
from ..core.ubl.parse import document_summary
from ..models.l10n_tr_edoc_account import FETCH_LOCK_KEY
from .common import SUPPLIER, L10nTrEdocCase, deliver_invoices, supplier_invoice

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol2;</Invoice>"""


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIncoming(L10nTrEdocCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Document = cls.env["l10n_tr_edoc.document"]
        cls.user = cls.env.user

    def _invoice(self, *, profile="TICARIFATURA", type_code="SATIS", lines=None, **overrides):
        return supplier_invoice(self.demo, profile=profile, type_code=type_code, lines=lines, **overrides)

    def _send(self, invoices):
        return deliver_invoices(self.sandbox_server.url, self.demo, invoices)

    def _odoo_now(self, moment):
        """Move Odoo's clock only: the HTTP client and the sandbox server need real time for their
        socket timeouts (freezegun would freeze them too); the sandbox clock is moved explicitly."""
        return patch.object(fields.Datetime, "now", return_value=moment)

    def _fetch(self):
        return self.edoc_account._l10n_tr_edoc_fetch_incoming_invoices()

    def _incoming(self, invoice):
        return self.Document.search([("uuid", "=", invoice.uuid), ("direction", "=", "in")])

    def _put_raw(self, content, uuid):
        """Deliver bytes the sandbox's own upload check would refuse, as a broken integrator could."""
        now = self.sandbox.clock.now()
        facts = Facts(
            "Invoice", uuid, f"BAD{uuid[:13]}", "TEMELFATURA", "SATIS", "2026-03-16", "",
            SUPPLIER.vkn, SUPPLIER.title, self.demo.vkn, self.demo.title, None, "TRY", "",
        )  # fmt: skip
        store = self.sandbox.store
        with store.lock:
            store.put(
                SandboxDocument("INVOICE", self.demo.vkn, "IN", facts, content, now, store.new_list_id(), "")
            )

    def test_250_invoices_over_three_pages_imported_exactly_once(self):
        sent = self._send([self._invoice(profile="TEMELFATURA") for _i in range(250)])
        listed_before = self.sandbox.request_count("GetInvoice")

        # another run holds the account: this one must not touch the integrator at all
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [FETCH_LOCK_KEY, self.edoc_account.id])
            self.assertIsNone(self._fetch())
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [FETCH_LOCK_KEY, self.edoc_account.id])
        self.assertEqual(self.sandbox.request_count("GetInvoice"), listed_before)

        # marking read fails once: the first page comes back on the next run and is skipped
        self.sandbox.faults.inject("MarkInvoice", "http_500")
        first = self._fetch()
        self.assertEqual(first, 100)
        self.assertEqual(self._fetch(), 150)
        self.assertEqual(self._fetch(), 0)

        documents = self.Document.search(
            [("uuid", "in", [inv.uuid for inv in sent]), ("direction", "=", "in")]
        )
        self.assertEqual(len(documents), 250)
        self.assertEqual(set(documents.mapped("state")), {"imported"})
        self.assertFalse(any(documents.mapped("import_warning")))
        for document in documents:
            summary = document_summary(document.xml_attachment_id.raw)
            bill = document.move_id
            self.assertEqual(bill.move_type, "in_invoice")
            self.assertEqual(bill.l10n_tr_edoc_document_id, document)
            self.assertEqual(Decimal(str(bill.amount_total)), summary["payable_amount"])
            self.assertEqual(Decimal(str(bill.amount_untaxed)), summary["tax_exclusive_amount"])
        partner = documents.move_id.partner_id
        self.assertEqual(len(partner), 1)
        self.assertEqual((partner.vat, partner.l10n_tr_edoc_tax_office), (SUPPLIER.vkn, "Çankaya"))

    def test_answer_at_deadline_minus_one_minute_is_sent_plus_one_minute_refused(self):
        early, late = self._send([self._invoice(), self._invoice()])
        self._fetch()
        early_doc, late_doc = self._incoming(early), self._incoming(late)
        self.assertEqual(early_doc.state, "awaiting_response")
        received = early_doc.received_at
        self.assertEqual(early_doc.response_deadline, received + dt.timedelta(days=8))
        bill = early_doc.move_id
        self.assertTrue(bill.l10n_tr_edoc_can_respond)
        activity = bill.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref("l10n_tr_edoc.mail_activity_type_answer_invoice")
        )
        self.assertEqual(activity.date_deadline, (early_doc.response_deadline - dt.timedelta(days=1)).date())
        self.assertIn(
            bill, self.env["account.move"].search([("l10n_tr_edoc_state", "=", "awaiting_response")])
        )

        deadline = early_doc.response_deadline
        self.sandbox.clock.set((deadline - dt.timedelta(minutes=1)).replace(tzinfo=dt.UTC))
        with self._odoo_now(deadline - dt.timedelta(minutes=1)):
            action = bill.action_l10n_tr_edoc_accept()
            wizard = Form(self.env[action["res_model"]].with_context(action["context"])).save()
            wizard.action_l10n_tr_edoc_send()
        self.assertEqual(early_doc.state, "responding", "final once the integrator confirms it")
        self.assertTrue(activity.active)
        self.assertEqual(early_doc.child_ids.kind, "app_response")
        self.assertEqual(early_doc.child_ids.state, "sent")
        self.assertIn(b"KABUL", early_doc.child_ids.xml_attachment_id.raw)
        with self.assertRaises(UserError):
            early_doc._l10n_tr_edoc_respond("RED", "twice")

        late_deadline = late_doc.response_deadline
        self.sandbox.clock.set((late_deadline + dt.timedelta(minutes=1)).replace(tzinfo=dt.UTC))
        with self._odoo_now(late_deadline + dt.timedelta(minutes=1)):
            with self.assertRaisesRegex(UserError, "answer window"):
                late_doc.move_id.action_l10n_tr_edoc_reject()
            with self.assertRaisesRegex(UserError, "answer window"):
                late_doc._l10n_tr_edoc_respond("KABUL")
            with self.assertRaises(RemoteRejected):
                self.edoc_account._l10n_tr_edoc_get_provider().send_application_response([late.uuid], "KABUL")
            closed = self.Document._cron_l10n_tr_edoc_close_response_windows()
        self.assertIn(late_doc, closed)
        self.assertEqual(late_doc.state, "response_window_closed")
        self.assertFalse(late_doc.move_id.activity_ids)
        self.assertFalse(late_doc.move_id.l10n_tr_edoc_can_respond)

        # the answer given a minute before the deadline is confirmed after it: still followed, then final
        self.assertEqual(early_doc.state, "responding")
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual(early_doc.state, "accepted")
        self.assertFalse(activity.active, "the reminder is marked done once answered")
        self.assertTrue(activity.date_done)

    def test_red_needs_a_reason_and_follows_the_company_policy(self):
        cancelled, kept = self._send([self._invoice(), self._invoice()])
        self._fetch()
        first = self._incoming(cancelled)
        with self.assertRaises(UserError):
            first._l10n_tr_edoc_respond("RED", "  ")
        self.assertEqual(first.state, "awaiting_response")
        bill_state = first.move_id.state
        first._l10n_tr_edoc_respond("RED", "Fiyat hatalı")
        self.assertEqual((first.state, first.move_id.state), ("responding", bill_state))
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual((first.state, first.move_id.state), ("rejected", "cancel"))
        self.company.l10n_tr_edoc_red_policy = "draft"
        second = self._incoming(kept)
        second._l10n_tr_edoc_respond("RED", "Eksik teslimat")
        self._l10n_tr_edoc_settle_answers()
        self.assertEqual((second.state, second.move_id.state), ("rejected", "draft"))
        answers = [
            doc for doc in self.sandbox.documents(vkn=self.demo.vkn, direction="IN") if doc.uuid == kept.uuid
        ]
        self.assertEqual(answers[0].answer.code, "RED")

    def test_temelfatura_cannot_be_answered(self):
        (invoice,) = self._send([self._invoice(profile="TEMELFATURA")])
        self._fetch()
        document = self._incoming(invoice)
        self.assertEqual(document.state, "imported")
        self.assertFalse(document.response_deadline)
        self.assertFalse(document.move_id.l10n_tr_edoc_can_respond)
        with self.assertRaisesRegex(UserError, "TICARIFATURA"):
            document._l10n_tr_edoc_respond("KABUL")

    def test_withholding_and_refund_linked_to_the_original_bill(self):
        kdv = factories.kdv("1000.00", 20)
        withheld = factories.line(1, 1, "1000.00", kdv, withheld=(factories.withholding(kdv, "602", 90),))
        original = self._invoice(profile="TEMELFATURA", type_code="TEVKIFAT", lines=[withheld])
        self._send([original])
        self._fetch()
        bill = self._incoming(original).move_id
        self.assertEqual(bill.amount_total, 1020.0)
        self.assertFalse(bill.l10n_tr_edoc_import_warning)
        self.assertEqual(
            bill.invoice_line_ids.tax_ids.l10n_tr_edoc_withholding_id.code,
            "602",
            "withholding by its GİB code",
        )
        refund = self._invoice(
            profile="TEMELFATURA",
            type_code="IADE",
            billing_references=(
                DocumentReference(id=original.id, issue_date=original.issue_date, document_type_code="IADE"),
            ),
        )
        self._send([refund])
        self._fetch()
        refund_bill = self._incoming(refund).move_id
        self.assertEqual(refund_bill.move_type, "in_refund")
        self.assertEqual(refund_bill.reversed_entry_id, bill)

    def test_total_difference_is_a_visible_warning(self):
        invoice = self._invoice(profile="TEMELFATURA")
        totals = invoice.legal_monetary_total
        wrong = replace(
            invoice, legal_monetary_total=replace(totals, payable_amount=totals.payable_amount + 1)
        )
        self._send([wrong])
        self._fetch()
        bill = self._incoming(wrong).move_id
        self.assertIn("Total differs", bill.l10n_tr_edoc_import_warning)

    def test_malformed_or_hostile_xml_fails_alone(self):
        hostile, broken, unreadable = (str(uuid_module.uuid4()).upper() for _i in range(3))
        self._put_raw(BILLION_LAUGHS, hostile)
        self._put_raw(b"<Invoice><unclosed></Invoice>", broken)
        good_xml = serialize(build_invoice(self._invoice(profile="TEMELFATURA")))
        self._put_raw(
            good_xml.replace(
                b'<cbc:PayableAmount currencyID="TRY">', b'<cbc:PayableAmount currencyID="TRY">x'
            ),
            unreadable,
        )
        (good,) = self._send([self._invoice(profile="TEMELFATURA")])
        moves_before = self.env["account.move"].search_count([])
        self.assertEqual(self._fetch(), 4)
        failed = self.Document.search([("uuid", "in", [hostile, broken, unreadable])])
        self.assertEqual(set(failed.mapped("state")), {"import_failed"})
        self.assertTrue(all(failed.mapped("error_message")))
        self.assertTrue(self.Document.search([("uuid", "=", unreadable)]).xml_attachment_id)
        self.assertTrue(all(doc.activity_ids for doc in failed))
        self.assertEqual(self._incoming(good).state, "imported")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before + 1)
