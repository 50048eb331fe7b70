import logging

import lxml.html
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import EdocError, XmlSecurityError
from ..core.qr import qr_payload, qr_png
from ..core.render import EMBEDDED, GIVEN, OURS, render_html, render_pdf
from ..core.states import EXCHANGED_STATES
from ..core.ubl.parse import parse_document

_logger = logging.getLogger(__name__)

KINDS_WITH_QR = ("einvoice", "earchive", "despatch")
TEMPLATES = [
    (OURS, "GİB-style template of this module"),
    (EMBEDDED, "Stylesheet embedded in the document"),
    (GIVEN, "Stylesheet given by the caller"),
]


class L10nTrEdocDocument(models.Model):
    """Printouts and previews of a document, always from its XML.

    GİB wants a received document shown through the stylesheet it carries; a stranger's stylesheet is
    only run through ``core.render`` (checked, sandboxed, output sanitised), and ours is used when it is
    refused. Our own outgoing documents are printed with our template.
    """

    _inherit = "l10n_tr_edoc.document"

    preview_html = fields.Html(
        string="Preview",
        compute="_compute_l10n_tr_edoc_rendering",
        sanitize=False,
        help="The document as its printout shows it. Built only from core.render's sanitised output.",
    )
    render_template = fields.Selection(
        TEMPLATES, string="Printed With", compute="_compute_l10n_tr_edoc_rendering"
    )
    render_note = fields.Text(string="Printout Note", compute="_compute_l10n_tr_edoc_rendering")

    @api.depends("xml_attachment_id", "direction", "kind")
    def _compute_l10n_tr_edoc_rendering(self):
        for document in self:
            document.preview_html = False
            document.render_template = False
            document.render_note = False
            if not document.xml_attachment_id:
                document.render_note = self.env._("No XML is attached to this document yet.")
                continue
            try:
                rendering = document._l10n_tr_edoc_render()
            except UserError as error:
                document.render_note = str(error)
                continue
            document.preview_html = Markup(rendering.html)
            document.render_template = rendering.template
            document.render_note = self._l10n_tr_edoc_rendering_note(rendering)

    @api.model
    def _l10n_tr_edoc_rendering_note(self, rendering):
        """Why the page looks the way it does; a refused sender's stylesheet is named with its reason."""
        if rendering.refusal is not None and not isinstance(rendering.refusal, XmlSecurityError):
            return self.env._(
                "The sender's stylesheet could not be rendered; this module's template is used: %(reason)s",
                reason=self._l10n_tr_edoc_error_text(rendering.refusal),
            )
        if rendering.refusal is not None:
            return self.env._(
                "The sender's stylesheet was refused, so this module's template is used: %(reason)s",
                reason=self._l10n_tr_edoc_error_text(rendering.refusal),
            )
        if rendering.template == EMBEDDED:
            return self.env._("Shown through the stylesheet embedded in the document.")
        return self.env._("Shown through this module's GİB-style template.")

    @api.model
    def _l10n_tr_edoc_render_xml(self, xml_bytes, *, use_embedded, with_qr=True):
        """``core.render.render_html`` for XML bytes, with our Karekod; core errors become UserErrors."""
        try:
            qr = qr_png(qr_payload(parse_document(xml_bytes))) if with_qr else None
            return render_html(xml_bytes, qr_png=qr, use_embedded=use_embedded)
        except EdocError as error:
            raise UserError(
                self.env._(
                    "This document cannot be displayed: %(reason)s",
                    reason=self._l10n_tr_edoc_error_text(error),
                )
            ) from error

    def _l10n_tr_edoc_render(self):
        """The ``Rendering`` of the attached XML: a received document through its own stylesheet when
        safe, ours otherwise; the Karekod for invoices and despatches, none for responses."""
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to print.", document=self.display_name))
        # the web client reads with bin_size=True, which turns a binary into its size ("12.3 Kb")
        return self._l10n_tr_edoc_render_xml(
            self.xml_attachment_id.with_context(bin_size=False).raw,
            use_embedded=self.direction == "in",
            with_qr=self.kind in KINDS_WITH_QR,
        )

    def _l10n_tr_edoc_report_body(self):
        """Our template's page split for Odoo's report layout: its styles and the content of its body.

        Odoo's report engine (wkhtmltopdf with JavaScript on and the printing user's session, and
        ``/report/html``) only ever gets *our* template: a sender's page is printed by
        ``_l10n_tr_edoc_sender_pdf`` instead. Odoo keeps only what is inside ``div.article``, so a full
        HTML page would lose its ``<style>``; both are handed to the QWeb template.
        """
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to print.", document=self.display_name))
        rendering = self._l10n_tr_edoc_render_xml(
            self.xml_attachment_id.raw, use_embedded=False, with_qr=self.kind in KINDS_WITH_QR
        )
        page = lxml.html.document_fromstring(rendering.html)
        styles = "".join(lxml.html.tostring(style, encoding="unicode") for style in page.iter("style"))
        body = page.find("body")
        content = (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
        # Our own template's output (ours, not a sender's): trusted markup.
        return Markup(styles + content)

    def _l10n_tr_edoc_sender_pdf(self):
        """The PDF of a received document through the sender's own stylesheet, or ``None`` when it is
        printed with our template (our documents, a refused or failing stylesheet, no wkhtmltopdf run).

        The sender's page goes through ``core.render.render_pdf``: wkhtmltopdf with JavaScript off, no
        local files, every request sent to a dead proxy, no cookie and a time limit, never through Odoo's
        report engine, which would carry the printing user's session.
        """
        self.ensure_one()
        if self.direction != "in" or not self.xml_attachment_id:
            return None
        rendering = self._l10n_tr_edoc_render()
        if rendering.template == OURS:
            return None
        try:
            return render_pdf(rendering.html)
        except EdocError as error:
            _logger.warning(
                "Printout of e-document %s through the sender's stylesheet failed, ours is used: %s",
                self.id,
                error,
            )
            return None

    def _l10n_tr_edoc_keeps_pdf(self):
        """Our own document whose XML went to the integrator: its printout no longer changes."""
        self.ensure_one()
        return self.direction == "out" and self.state in EXCHANGED_STATES

    def _l10n_tr_edoc_store_pdf(self, pdf):
        """Keep the printout of a sent outgoing document on it (once); return the attachment."""
        self.ensure_one()
        if self.pdf_attachment_id or not self._l10n_tr_edoc_keeps_pdf():
            return self.pdf_attachment_id
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{self.name or self.uuid}.pdf",
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.sudo().pdf_attachment_id = attachment
        return attachment

    def _l10n_tr_edoc_pdf(self):
        """The PDF bytes of the printout: the stored one when there is one, a fresh one otherwise."""
        self.ensure_one()
        if self.pdf_attachment_id:
            return self.pdf_attachment_id.raw
        pdf, _report_type = self.env["ir.actions.report"]._render_qweb_pdf(
            "l10n_tr_edoc.action_report_l10n_tr_edoc_document", self.ids
        )
        return pdf

    def action_l10n_tr_edoc_print(self):
        self._l10n_tr_edoc_check_printable()
        # The printout is GİB's layout, not the company's: no document layout to configure first.
        return self.env.ref("l10n_tr_edoc.action_report_l10n_tr_edoc_document").report_action(
            self, config=False
        )

    def _l10n_tr_edoc_check_printable(self):
        """Fail before the report engine does, with the document's name in the message."""
        for document in self:
            document._l10n_tr_edoc_render()

    def action_l10n_tr_edoc_preview(self):
        self.ensure_one()
        if not self.xml_attachment_id:
            raise UserError(self.env._("%(document)s has no XML to preview.", document=self.display_name))
        return self._l10n_tr_edoc_preview_action(
            self.xml_attachment_id.raw,
            use_embedded=self.direction == "in",
            with_qr=self.kind in KINDS_WITH_QR,
            title=self.display_name,
        )

    @api.model
    def _l10n_tr_edoc_preview_action(self, xml_bytes, *, use_embedded=False, with_qr=True, title=None):
        """A dialog showing ``xml_bytes`` as its printout will, for a document that may not exist yet
        (the send wizard previews the XML it is about to send)."""
        rendering = self._l10n_tr_edoc_render_xml(xml_bytes, use_embedded=use_embedded, with_qr=with_qr)
        preview = self.env["l10n_tr_edoc.preview"].create(
            {
                "preview_html": Markup(rendering.html),
                "render_template": rendering.template,
                "render_note": self._l10n_tr_edoc_rendering_note(rendering),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": title or self.env._("e-Document Preview"),
            "res_model": "l10n_tr_edoc.preview",
            "res_id": preview.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _l10n_tr_edoc_mail_earchive_pdf(self):
        """E-mail the printout of a sent e-Arşiv invoice to its customer.

        For companies that deliver e-Arşiv invoices themselves (``l10n_tr_edoc_earchive_delivery`` is
        ``odoo``) rather than through the integrator: the e-Arşiv send calls this once GİB's integrator
        took the document. The mail is posted in the chatter and queued (not sent inside the
        caller's transaction), with the stored PDF attached; a customer without an e-mail address gets
        a to-do activity instead of an error, since the invoice is already issued.
        """
        template = self.env.ref("l10n_tr_edoc.mail_template_l10n_tr_edoc_earchive")
        for document in self:
            if document.kind != "earchive" or not document._l10n_tr_edoc_keeps_pdf():
                raise UserError(
                    self.env._(
                        "Only an e-Arşiv invoice that was sent can be e-mailed (%(document)s).",
                        document=document.display_name,
                    )
                )
            partner = document.move_id.partner_id
            if not partner.email:
                # The invoice is already issued at GİB: a missing address must not undo the send.
                document.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Deliver the e-Arşiv invoice"),
                    note=self.env._(
                        "%(partner)s has no e-mail address: send them the PDF of %(document)s another way.",
                        partner=partner.display_name or self.env._("The customer"),
                        document=document.display_name,
                    ),
                    user_id=(document.move_id.invoice_user_id or self.env.user).id,
                )
                continue
            document._l10n_tr_edoc_pdf()
            document.with_context(mail_notify_force_send=False).message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=document.pdf_attachment_id.ids,
                partner_ids=partner.ids,
            )
