from odoo import api, models

from .account_move_earsivbelge import RECEIPT_REPORT


class AccountMoveSend(models.AbstractModel):
    """Send & Print of customer invoices of an e-SMM journal: the receipt goes to the integrator
    first, and the PDF the client gets is the receipt's printout (its number, ETTN and Karekod),
    not Odoo's invoice."""

    _inherit = "account.move.send"

    @api.model
    def _is_l10n_tr_edoc_receipt_applicable(self, move):
        return (
            move.l10n_tr_edoc_receipt_kind == "smm"
            and move.l10n_tr_edoc_receipt_offered
            and move.state == "posted"
            and move.l10n_tr_edoc_state in (False, "draft", "ready", "send_failed", "unknown")
        )

    def _get_all_extra_edis(self) -> dict:
        # EXTENDS 'account'
        res = super()._get_all_extra_edis()
        res["tr_edoc_receipt"] = {
            "label": self.env._("e-Serbest Meslek Makbuzu (GİB)"),
            "is_applicable": self._is_l10n_tr_edoc_receipt_applicable,
            "help": self.env._("Send the e-SMM to GİB through the company's integrator."),
        }
        return res

    @api.model
    def _call_web_service_before_invoice_pdf_render(self, invoices_data):
        # EXTENDS 'account'
        super()._call_web_service_before_invoice_pdf_render(invoices_data)
        moves = self.env["account.move"].browse(
            [move.id for move, data in invoices_data.items() if "tr_edoc_receipt" in data["extra_edis"]]
        )
        if not moves:
            return
        errors = moves._l10n_tr_edoc_send_receipts()
        for move, data in invoices_data.items():
            if error := errors.get(move):
                data["error"] = {
                    "error_title": self.env._("The e-SMM could not be sent to GİB:"),
                    "errors": [error],
                }

    @api.model
    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        # EXTENDS 'account'
        super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        document = invoice.l10n_tr_edoc_document_id
        values = invoice_data.get("pdf_attachment_values")
        if values and invoice.l10n_tr_edoc_receipt_kind and document.name and document.xml_attachment_id:
            pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(RECEIPT_REPORT, invoice.ids)
            values.update({"raw": pdf, "name": f"{document.name}.pdf"})
