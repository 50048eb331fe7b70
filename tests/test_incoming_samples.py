import unicodedata
from decimal import Decimal

from odoo.tests import tagged

from ..core.codes import RETURN_TYPES
from ..core.ubl.parse import document_summary, parse_invoice
from .common import L10nTrEdocCase, reference_dir

# The invoice samples of GİB's packages that pass GİB's schematron, as proven by the core suite
# (core/tests/test_parse_roundtrip.py golden list). saxonche is not run inside the Odoo server.
PACKAGE_SAMPLES = ("TicariFaturaOrnegi", "IDIS_Fatura", "HKS-Ornek1", "HKS-Ornek2", "SARJ", "SARJANLIK")
# GİB's TEKNOLOJI_DESTEK sample has two lines of 1875 but declares 1875 untaxed and 2250 payable
# (its LegalMonetaryTotal counts one line). The bill keeps both lines as written and says so.
INCONSISTENT_TOTALS = "TEKNOLOJI_DESTEK.xml"


def invoice_samples():
    package = reference_dir() / "gib-ubl-tr" / "UBLTR_1.2.1_Paketi" / "xml"
    paths = [package / f"{name}.xml" for name in PACKAGE_SAMPLES]
    paths += sorted(
        path
        for path in package.iterdir()
        if unicodedata.normalize("NFKD", path.name).encode("ascii", "ignore").decode().startswith("YTB_")
    )
    paths.append(reference_dir() / "gib-ubl-tr" / "e-FaturaPaketi" / "xml" / "TEKNOLOJI_DESTEK.xml")
    return paths


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocIncomingSamples(L10nTrEdocCase):
    def test_schematron_clean_gib_samples_import_with_matching_totals(self):
        """Every schematron-clean GİB invoice sample becomes a bill with the XML's totals.

        Untaxed, taxes net of withholding and total are checked by the import (any difference is a
        warning, so no warning means they match) and asserted again here. The one exception is
        INCONSISTENT_TOTALS, whose XML contradicts itself: its bill follows the lines, and the
        import warns about each of the three totals instead of inventing a discount to hide it.
        """
        Document = self.env["l10n_tr_edoc.document"]
        checked = []
        for path in invoice_samples():
            content = path.read_bytes()
            summary = document_summary(content)
            name = unicodedata.normalize("NFC", path.name)
            with self.subTest(sample=name), self.env.cr.savepoint(flush=True) as savepoint:
                # the sample is addressed to some GİB test VKN: receive it as that company
                self.company.vat = summary["receiver_vkn"]
                document = Document.create(
                    {
                        "uuid": summary["uuid"],
                        "company_id": self.company.id,
                        "account_id": self.edoc_account.id,
                        "kind": "einvoice",
                        "direction": "in",
                        "profile": summary["profile_id"],
                    }
                )
                document.xml_attachment_id = self.env["ir.attachment"].create(
                    {"name": name, "raw": content, "res_model": Document._name, "res_id": document.id}
                )
                document._l10n_tr_edoc_import()
                self.assertEqual(document.state, "imported", document.error_message)
                bill = document.move_id
                warnings = [
                    w for w in (document.import_warning or "").splitlines() if "refund is not linked" not in w
                ]
                self.assertEqual(
                    bill.move_type, "in_refund" if summary["type_code"] in RETURN_TYPES else "in_invoice"
                )
                invoice = parse_invoice(content)
                totals = invoice.legal_monetary_total
                withheld = sum((t.tax_amount for t in invoice.withholding_tax_totals), Decimal(0))
                if name == INCONSISTENT_TOTALS:
                    lines = sum((line.line_extension_amount for line in invoice.lines), Decimal(0))
                    self.assertEqual(_amount(bill.amount_untaxed), lines)
                    self.assertEqual(_amount(bill.amount_tax), lines * Decimal("0.2"))
                    self.assertEqual(len(warnings), 3, warnings)
                    self.assertTrue(all("differs from the e-Fatura" in w for w in warnings), warnings)
                else:
                    self.assertFalse(warnings)
                    self.assertEqual(_amount(bill.amount_total), summary["payable_amount"])
                    self.assertEqual(
                        _amount(bill.amount_tax),
                        totals.tax_inclusive_amount - totals.tax_exclusive_amount - withheld,
                    )
                checked.append(name)
                savepoint.rollback()
        self.assertEqual(len(checked), 19, checked)

    def test_hks_commission_deductions_are_lines_after_tax(self):
        """HKS-Ornek2 deducts 220 of commission agent fees from the payable, not from the tax base."""
        path = next(p for p in invoice_samples() if p.name == "HKS-Ornek2.xml")
        content = path.read_bytes()
        summary = document_summary(content)
        self.company.vat = summary["receiver_vkn"]
        move, warnings = self.env["account.move"]._l10n_tr_edoc_create_bill(
            self.env["l10n_tr_edoc.document"].create(
                {
                    "uuid": summary["uuid"],
                    "company_id": self.company.id,
                    "account_id": self.edoc_account.id,
                    "kind": "einvoice",
                    "direction": "in",
                }
            ),
            parse_invoice(content),
        )
        self.assertFalse(warnings)
        deductions = move.invoice_line_ids.filtered(lambda line: line.name.startswith("HKS"))
        self.assertEqual(len(deductions), 18)
        self.assertFalse(deductions.tax_ids)
        self.assertEqual(sum(deductions.mapped("price_subtotal")), -220)
        self.assertEqual(move.amount_tax, 80000)
        self.assertEqual(move.amount_total, 1079780)


def _amount(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))
