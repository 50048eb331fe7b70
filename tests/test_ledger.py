import base64
import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox.ledger import ldesk
from ..core.sandbox.zreport import zdesk
from .common import L10nTrEdocCase

MARCH = dt.date(2026, 3, 1)


def books_zip(vkn, period):
    """What the e-Defter application hands over: books, berats and GİB's signed berats of a period."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("Y", "K", "YB", "KB", "DR"):
            archive.writestr(f"{vkn}-{period}-{part}-000000.xml", f"<defter bolum='{part}'/>")
        for part in ("YB", "KB"):
            archive.writestr(f"GIB-{vkn}-{period}-{part}-000000.xml", "<berat/>")
    return buffer.getvalue()


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocLedger(L10nTrEdocCase):
    """A month of varied entries → the e-Defter source, checked line by line; safe-keeping via the sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._l10n_tr_edoc_user("tr_ledger_manager", "manager")
        Account = cls.env["account.account"].with_company(cls.company)
        cls.capital = Account.search([("code", "=like", "500%")], order="code", limit=1)
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.misc_journal = cls.company_data["default_journal_misc"]
        cls.customer = cls.env["res.partner"].create({"name": "Ege Gıda A.Ş.", "vat": "1234567808"})
        cls.supplier = cls.env["res.partner"].create({"name": "Anadolu Tedarik A.Ş.", "vat": "5555555504"})

        cls.opening = cls.env["account.move"].create(
            {
                "journal_id": cls.misc_journal.id,
                "date": MARCH,
                "ref": "Açılış",
                "line_ids": [
                    Command.create(
                        {"account_id": cls.bank_journal.default_account_id.id, "debit": 25000, "credit": 0}
                    ),
                    Command.create({"account_id": cls.capital.id, "debit": 0, "credit": 25000}),
                ],
            }
        )
        cls.opening.action_post()
        cls.company.account_opening_move_id = cls.opening
        cls.sale = cls._create_invoice(
            move_type="out_invoice",
            partner_id=cls.customer,
            invoice_date=MARCH + timedelta(days=2),
            invoice_line_ids=[
                cls._prepare_invoice_line(price_unit=1000, tax_ids=cls.company_data["default_tax_sale"])
            ],
            post=True,
        )
        cls.bill = cls._create_invoice(
            move_type="in_invoice",
            partner_id=cls.supplier,
            invoice_date=MARCH + timedelta(days=4),
            ref="ABC2026000000123",
            invoice_line_ids=[
                cls._prepare_invoice_line(price_unit=500, tax_ids=cls.company_data["default_tax_purchase"])
            ],
            post=True,
        )
        cls.statement = cls.env["account.bank.statement"].create(
            {
                "name": "EKSTRE-2026-03",
                "line_ids": [
                    Command.create(
                        {
                            "journal_id": cls.bank_journal.id,
                            "date": MARCH + timedelta(days=9),
                            "amount": 1200,
                            "payment_ref": "Havale Ege Gıda",
                            "partner_id": cls.customer.id,
                        }
                    )
                ],
            }
        )
        cls.statement_move = cls.statement.line_ids.move_id
        cls.cheque = cls.env["account.payment"].create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": cls.supplier.id,
                "amount": 600,
                "date": MARCH + timedelta(days=14),
                "journal_id": cls.bank_journal.id,
                "memo": "ÇEK 0042",
            }
        )
        cls.cheque.action_post()
        cls.cheque.move_id.l10n_tr_edoc_ledger_kind = "check"
        # neither goes into March: a draft, and April
        cls._create_invoice(
            move_type="out_invoice",
            partner_id=cls.customer,
            invoice_date=MARCH + timedelta(days=6),
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=70)],
        )
        cls.april_sale = cls._create_invoice(
            move_type="out_invoice",
            partner_id=cls.customer,
            invoice_date=dt.date(2026, 4, 2),
            invoice_line_ids=[cls._prepare_invoice_line(price_unit=300)],
            post=True,
        )
        cls.march_moves = cls.opening | cls.sale | cls.bill | cls.statement_move | cls.cheque.move_id

    def setUp(self):
        super().setUp()
        # the sandbox outlives each test's rollback: give every test the archives it started with
        desk = ldesk(self.sandbox)
        periods = dict(desk.periods)
        self.addCleanup(lambda: (desk.periods.clear(), desk.periods.update(periods)))

    def _period(self, day=MARCH):
        return self.env["l10n_tr_edoc.ledger.period"].with_user(self.manager).create({"date_from": day})

    def _rows(self, period):
        raw = period.source_attachment_id.raw
        self.assertEqual(hashlib.sha256(raw).hexdigest(), period.source_sha256)
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))

    def test_month_exported_line_by_line(self):
        period = self._period()
        self.assertTrue(period.action_l10n_tr_edoc_export_source(), period.problems)
        self.assertEqual((period.state, period.period, period.name), ("exported", "202603", "202603-0000"))
        rows = self._rows(period)
        moves = self.march_moves.sorted(lambda m: (m.date, m.name, m.id))
        self.assertEqual({int(r["entryref"]) for r in rows}, set(moves.ids))

        # numbering: lines 1…n in the period, one madde number per entry, in posting order
        self.assertEqual([int(r["linenumber"]) for r in rows], list(range(1, len(rows) + 1)))
        counters = list(dict.fromkeys((r["entryref"], r["linenumbercounter"]) for r in rows))
        first = period.first_entry_number
        self.assertEqual(counters, [(str(move.id), str(first + n)) for n, move in enumerate(moves)])
        self.assertEqual((period.entry_count, period.line_count, period.part_count), (5, len(rows), 1))

        by_move = {}
        for row in rows:
            by_move.setdefault(int(row["entryref"]), []).append(row)
            # D/C with an amount that is never negative; kebir = first three digits
            self.assertIn(row["debitcreditcode"], ("D", "C"))
            self.assertGreater(Decimal(row["amount"]), 0)
            self.assertEqual(row["accmainid"], row["accsubid"][:3])
            self.assertTrue(row["accmainiddesc"] and row["accsubdesc"])
            self.assertEqual((row["erpno"], row["divisionno"]), ("001", "0"))
            self.assertEqual(row["enteredby"], self.env.user.name)
            self.assertEqual(row["linenumbercounter"], row["entrynumbercounter"])
            self.assertEqual(
                row["postingdate"], str(self.env["account.move"].browse(int(row["entryref"])).date)
            )

        for move in moves:
            got = Counter(
                (r["accsubid"], r["debitcreditcode"], Decimal(r["amount"])) for r in by_move[move.id]
            )
            expected = Counter()
            for line in move.line_ids:
                if line.debit:
                    expected[
                        (line.account_id.code, "D", Decimal(str(line.debit)).quantize(Decimal("0.01")))
                    ] += 1
                if line.credit:
                    expected[
                        (line.account_id.code, "C", Decimal(str(line.credit)).quantize(Decimal("0.01")))
                    ] += 1
            self.assertEqual(got, expected, move.name)
            self.assertEqual({r["entrynumber"] for r in by_move[move.id]}, {move.name})

        def document(move):
            (fields,) = {
                (
                    r["documenttype"],
                    r["documenttypedesc"],
                    r["documentnumber"],
                    r["documentdate"],
                    r["paymentmethod"],
                )
                for r in by_move[move.id]
            }
            return fields

        # the opening entry is not document-based: no type, number or date
        self.assertEqual(document(self.opening), ("", "", "", "", ""))
        self.assertEqual(document(self.sale), ("invoice", "", self.sale.name, "2026-03-03", ""))
        self.assertEqual(document(self.bill), ("invoice", "", "ABC2026000000123", "2026-03-05", ""))
        self.assertEqual(
            document(self.statement_move), ("other", "dekont", "EKSTRE-2026-03", "2026-03-10", "Banka")
        )
        cheque = self.cheque.move_id
        self.assertEqual(document(cheque), ("check", "", cheque.ref or cheque.name, "2026-03-15", "Çek"))

    def test_checks_name_the_entry_and_keep_months_in_order(self):
        april = self._period(dt.date(2026, 4, 1))
        march = self._period()
        self.assertFalse(april.action_l10n_tr_edoc_export_source())
        self.assertIn("202603", april.problems)
        self.assertEqual(april.state, "draft")

        # an account outside the Turkish chart: the problem names its entry, nothing is exported
        odd = self.env["account.account"].create(
            {"code": "X9001", "name": "Yabancı hesap", "account_type": "asset_current"}
        )
        stray = self.env["account.move"].create(
            {
                "journal_id": self.misc_journal.id,
                "date": MARCH + timedelta(days=20),
                "line_ids": [
                    Command.create({"account_id": odd.id, "debit": 10}),
                    Command.create({"account_id": self.capital.id, "credit": 10}),
                ],
            }
        )
        stray.action_post()
        self.assertFalse(march.action_l10n_tr_edoc_export_source())
        self.assertIn(stray.name, march.problems)
        self.assertEqual(march.problem_move_ids, stray)
        self.assertFalse(march.source_attachment_id)

        stray.button_draft()
        stray.unlink()
        self.assertTrue(march.action_l10n_tr_edoc_export_source(), march.problems)
        march.action_l10n_tr_edoc_mark_approved()
        with self.assertRaises(UserError):
            march.action_l10n_tr_edoc_export_source()
        self.assertTrue(april.action_l10n_tr_edoc_export_source(), april.problems)
        (row,) = {r["entryref"]: r for r in self._rows(april)}.values()
        self.assertEqual(row["entryref"], str(self.april_sale.id))
        # yevmiye madde numbers go on through the fiscal year
        self.assertEqual(april.first_entry_number, march.first_entry_number + march.entry_count)

    def test_archive_download_cancel_through_the_sandbox(self):
        march = self._period()
        march.action_l10n_tr_edoc_export_source()
        march.action_l10n_tr_edoc_mark_approved()
        content = books_zip(self.demo.vkn, "202603")
        march.archive_file = base64.b64encode(content)
        self.assertTrue(march.action_l10n_tr_edoc_archive(), march.error_message)
        self.assertEqual(march.archive_state, "archived")
        self.assertEqual(march.archive_filename, f"{self.demo.vkn}-202603-0000.zip")
        self.assertEqual(march.archive_sha256, hashlib.sha256(content).hexdigest())
        self.assertIn((self.demo.vkn, "202603"), ldesk(self.sandbox).periods)
        with self.assertRaises(UserError):  # a period is kept once
            march.action_l10n_tr_edoc_archive()

        self.assertTrue(march.action_l10n_tr_edoc_download())
        self.assertTrue(march.download_matches)
        self.assertEqual(march.download_attachment_id.raw, content)

        self.assertTrue(march.action_l10n_tr_edoc_cancel_archive())
        self.assertEqual(march.archive_state, "cancelled")
        # a cancelled period must be archived again
        self.assertTrue(march.action_l10n_tr_edoc_archive(), march.error_message)
        self.assertEqual(march.archive_state, "archived")
        operations = (
            self.env["l10n_tr_edoc.event"]
            .search([("account_id", "=", self.edoc_account.id)])
            .mapped("operation")
        )
        self.assertTrue({"Login", "ArchiveELedger", "GetELedger", "CancelELedger"} <= set(operations))

    def test_second_archive_refused_with_the_integrators_message(self):
        # another installation already archived December 2025 at the integrator
        IzibizSandboxProvider(
            username=self.demo.username, password=self.demo.password, base_url=self.sandbox_server.url
        ).archive_ledger(f"{self.demo.vkn}-202512-0000.zip", books_zip(self.demo.vkn, "202512"))
        december = self._period(dt.date(2025, 12, 1))
        december.sudo().state = "approved"
        december.archive_file = base64.b64encode(books_zip(self.demo.vkn, "202512"))
        self.assertFalse(december.action_l10n_tr_edoc_archive())
        self.assertEqual(december.archive_state, "none")
        self.assertIn("daha önce yedeklenmiştir", december.error_message)


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocZReport(L10nTrEdocCase):
    """Z reports imported from CSV (one bad row), uploaded to the sandbox and read back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._l10n_tr_edoc_user("tr_zreport_manager", "manager")

    def setUp(self):
        super().setUp()
        desk = zdesk(self.sandbox)
        held = dict(desk.held)
        self.addCleanup(lambda: (desk.held.clear(), desk.held.update(held)))

    def _import(self, text):
        wizard = (
            self.env["l10n_tr_edoc.zreport.import.wizard"]
            .with_user(self.manager)
            .create({"file": base64.b64encode(text.encode()), "filename": "z.csv"})
        )
        wizard.action_l10n_tr_edoc_import()
        return wizard

    def test_csv_with_a_bad_row_uploaded_and_read_back(self):
        wizard = self._import(
            "SUBE_KODU;OKC_SICIL_NO;EKU_NO;ZRAPOR_NO;ZRAPOR_TARIH;SATIS_TUTAR;VERGI_KDV;VERGI_OTV\n"
            "001;LH0001;EKU-7;0101;2026-03-01;1.180,00;180,00;\n"
            "001;LH0001;EKU-7;0102;2026-03-02;abc;150;\n"
            "001;LH0001;EKU-7;0103;2026-03-03;2360.00;360.00;25.50\n"
        )
        reports = wizard.imported_ids.sorted("number")
        self.assertEqual(reports.mapped("number"), ["0101", "0103"])
        self.assertEqual(reports.mapped("sales_total"), [1180.0, 2360.0])
        self.assertEqual(reports[1].otv, 25.5)
        self.assertIn("3", wizard.result.splitlines()[1])
        self.assertIn("SATIS_TUTAR", wizard.result)
        self.assertEqual(len(wizard.result.splitlines()), 2)

        reports.with_user(self.manager).action_l10n_tr_edoc_load()
        self.assertEqual(set(reports.mapped("state")), {"loaded"}, reports.mapped("error_message"))
        held = {(h.values["ZRAPOR_NO"], h.values["SATIS_TUTAR"]) for h in zdesk(self.sandbox).held.values()}
        self.assertTrue({("0101", "1180.00"), ("0103", "2360.00")} <= held)

        reports.action_l10n_tr_edoc_refresh_status()
        self.assertEqual(reports.mapped("status_code"), [100, 100])
        self.sandbox.clock.advance(timedelta(hours=2))
        reports.action_l10n_tr_edoc_refresh_status()
        self.assertEqual(set(reports.mapped("state")), {"reported"})
        self.assertTrue(all(reports.mapped("report_identifier")))
        action = self.env["l10n_tr_edoc.zreport"].with_user(self.manager).action_l10n_tr_edoc_last_report()
        self.assertIn("0103", action["params"]["message"])

        # the same CSV again: the recorded ones are reported as duplicates, nothing is created twice
        again = self._import(
            "OKC_SICIL_NO,EKU_NO,ZRAPOR_NO,ZRAPOR_TARIH,SATIS_TUTAR,VERGI_KDV\nLH0001,EKU-7,0101,2026-03-01,1180,180\n"
        )
        self.assertFalse(again.imported_ids)
        self.assertEqual(len(again.result.splitlines()), 2)

    def test_refusals_in_words_and_link_to_the_journal_entry(self):
        ZReport = self.env["l10n_tr_edoc.zreport"].with_user(self.manager)
        move = self._create_invoice(
            move_type="out_receipt",
            partner_id=self.partner_a,
            invoice_date=MARCH,
            invoice_line_ids=[self._prepare_invoice_line(price_unit=100)],
            post=True,
        )
        good = ZReport.create(
            {
                "okc_serial": "LH0009",
                "eku_no": "E1",
                "number": "7",
                "date": MARCH,
                "sales_total": 120,
                "vat": 20,
                "move_id": move.id,
            }
        )
        self.assertEqual(move.l10n_tr_edoc_ledger_kind, "z_report")
        bad = ZReport.create(
            {
                "okc_serial": "LH0009",
                "eku_no": "E1",
                "number": "8",
                "date": MARCH,
                "sales_total": 10,
                "vat": 50,
            }
        )
        (good | bad).action_l10n_tr_edoc_load()
        self.assertEqual(good.state, "loaded")
        self.assertEqual((bad.state, bad.error_code), ("refused", 240))
        # already at the integrator (uploaded by someone else): İzibiz's 230 settles it as uploaded
        zdesk(self.sandbox).add(
            self.demo.vkn,
            {
                "SUBE_KODU": "001",
                "OKC_SICIL_NO": "LH0009",
                "EKU_NO": "E1",
                "ZRAPOR_NO": "9",
                "ZRAPOR_TARIH": "2026-03-01",
                "SATIS_TUTAR": "10.00",
                "VERGI_KDV": "1.00",
                "VERGI_OTV": "",
            },
        )
        known = ZReport.create(
            {
                "okc_serial": "LH0009",
                "eku_no": "E1",
                "number": "9",
                "date": MARCH,
                "sales_total": 10,
                "vat": 1,
            }
        )
        known.action_l10n_tr_edoc_load()
        self.assertEqual(known.state, "loaded")
        with self.assertRaises(UserError):
            good.write({"sales_total": 130})
