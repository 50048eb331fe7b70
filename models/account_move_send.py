from odoo import api, models

from .account_move import RECEIPT_REPORT


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _is_l10n_tr_edoc_applicable(self, move):
        return (
            move.l10n_tr_edoc_applicable
            and move.state == "posted"
            and move.l10n_tr_edoc_state in (False, "draft", "ready", "send_failed", "unknown")
        )

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
        res["tr_edoc"] = {
            "label": self.env._("e-Fatura / e-Arşiv (GİB)"),
            "is_applicable": self._is_l10n_tr_edoc_applicable,
            "help": self.env._("Send the invoice to GİB through the company's integrator."),
        }
        res["tr_edoc_receipt"] = {
            "label": self.env._("e-Serbest Meslek Makbuzu (GİB)"),
            "is_applicable": self._is_l10n_tr_edoc_receipt_applicable,
            "help": self.env._("Send the e-SMM to GİB through the company's integrator."),
        }
        return res

    def _get_alerts(self, moves, moves_data):
        # EXTENDS 'account'
        alerts = super()._get_alerts(moves, moves_data)
        tr_moves = moves.filtered(lambda m: "tr_edoc" in moves_data[m]["extra_edis"])
        blocked, warned, messages = tr_moves.browse(), tr_moves.browse(), []
        for move in tr_moves:
            issues = move._l10n_tr_edoc_check()
            if not move._l10n_tr_edoc_series():
                blocked |= move
                messages.append(
                    self.env._("%s: no e-Document series for this kind of invoice.", move.display_name)
                )
            for problem in move._l10n_tr_edoc_move_problems():
                blocked |= move
                messages.append(f"{move.display_name}: {problem}")
            for issue in issues:
                if issue.is_error:
                    blocked |= move
                    messages.append(f"{move.display_name}: {issue.message}")
                else:
                    warned |= move
        if blocked:
            alerts["l10n_tr_edoc_blocking"] = {
                "level": "danger",
                "message": self.env._("These invoices cannot go to GİB yet:\n%s", "\n".join(messages)),
                "action_text": self.env._("View Invoice(s)"),
                "action": blocked._get_records_action(name=self.env._("Invoices to fix")),
            }
        if tr_moves and not self.env["account.move"]._l10n_tr_edoc_gib_package_dir():
            alerts["l10n_tr_edoc_gib_package_off"] = {
                "level": "info",
                "message": self.env._("XSD and schematron checks are off: no GİB package configured."),
            }
        if warned - blocked:
            alerts["l10n_tr_edoc_warning"] = {
                "level": "warning",
                "message": self.env._("Some invoices have e-Document warnings; they can be sent."),
                "action_text": self.env._("View Invoice(s)"),
                "action": (warned - blocked)._get_records_action(name=self.env._("Invoices to check")),
            }
        return alerts

    @api.model
    def _call_web_service_before_invoice_pdf_render(self, invoices_data):
        # EXTENDS 'account'
        super()._call_web_service_before_invoice_pdf_render(invoices_data)
        self._l10n_tr_edoc_send_selected(
            invoices_data, "tr_edoc", self.env._("The e-Document could not be sent to GİB:")
        )
        self._l10n_tr_edoc_send_selected(
            invoices_data, "tr_edoc_receipt", self.env._("The e-SMM could not be sent to GİB:")
        )

    @api.model
    def _l10n_tr_edoc_send_selected(self, invoices_data, edi, error_title):
        """Send the invoices whose wizard ticked ``edi``; each failure goes back on its invoice's data."""
        moves = self.env["account.move"].browse(
            [move.id for move, data in invoices_data.items() if edi in data["extra_edis"]]
        )
        if not moves:
            return
        errors = (
            moves._l10n_tr_edoc_send_receipts() if edi == "tr_edoc_receipt" else moves._l10n_tr_edoc_send()
        )
        for move, data in invoices_data.items():
            if error := errors.get(move):
                data["error"] = {"error_title": error_title, "errors": [error]}

    @api.model
    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        """What reaches the buyer is the legal printout: GİB number, ETTN, QR and title, named by number.

        Once the e-document is with GİB, Odoo's own invoice PDF (another number, no ETTN) is replaced by
        the e-document's stored printout, so the e-mail and the invoice's PDF are the e-Arşiv/e-Fatura.
        """
        # EXTENDS 'account'
        super()._hook_invoice_document_after_pdf_report_render(invoice, invoice_data)
        document = invoice.l10n_tr_edoc_document_id
        values = invoice_data.get("pdf_attachment_values")
        if not values or not document:
            return
        if invoice.l10n_tr_edoc_receipt_kind:
            # an e-SMM / e-MM is printed by its own report: its number, ETTN and Karekod
            if document.name and document.xml_attachment_id:
                pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
                    RECEIPT_REPORT, invoice.ids
                )
                values.update({"raw": pdf, "name": f"{document.name}.pdf"})
        elif document._l10n_tr_edoc_keeps_pdf():
            values.update({"raw": document._l10n_tr_edoc_pdf(), "name": f"{document.name}.pdf"})
