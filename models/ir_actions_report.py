import io
from collections import OrderedDict

from odoo import models

REPORT_NAME = "l10n_tr_edoc.report_l10n_tr_edoc_document"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """The delivery slip is the paper that travels with the goods: gate it like validation."""
        report = self._get_report(report_ref)
        if report.report_name == "stock.report_deliveryslip" and res_ids:
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["stock.picking"].browse(ids)._l10n_tr_edoc_check_gate(self.env._("print"))
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """The printout of a sent outgoing e-document is made once and kept on it: later prints give
        the same PDF, so what the customer got and what we reprint never differ. A received document
        shown through its sender's stylesheet is printed by the locked-down ``core.render.render_pdf``
        (no script, no network, no session), never by this engine."""
        if self._get_report(report_ref).report_name != REPORT_NAME or not res_ids:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        documents = self.env["l10n_tr_edoc.document"].browse(res_ids)
        stored = documents.filtered("pdf_attachment_id")
        senders = {}
        for document in documents - stored:
            pdf = document._l10n_tr_edoc_sender_pdf()
            if pdf:
                senders[document.id] = pdf
        ours = documents - stored - documents.browse(list(senders))
        fresh = super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=ours.ids) if ours else {}
        collected = OrderedDict()
        for document in documents:
            if document in stored:
                collected[document.id] = {
                    "stream": io.BytesIO(document.pdf_attachment_id.raw),
                    "attachment": document.pdf_attachment_id,
                }
                continue
            if document.id in senders:
                collected[document.id] = {"stream": io.BytesIO(senders[document.id]), "attachment": None}
                continue
            entry = fresh[document.id]
            if entry["stream"] and document._l10n_tr_edoc_keeps_pdf():
                entry["attachment"] = document._l10n_tr_edoc_store_pdf(entry["stream"].getvalue())
            collected[document.id] = entry
        return collected
