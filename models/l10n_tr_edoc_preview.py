from odoo import fields, models

from .l10n_tr_edoc_document import TEMPLATES


class L10nTrEdocPreview(models.TransientModel):
    """What a document will look like before it exists: the send wizard shows the XML it would send."""

    _name = "l10n_tr_edoc.preview"
    _description = "e-Document Preview"

    preview_html = fields.Html(string="Preview", sanitize=False, readonly=True)
    render_template = fields.Selection(TEMPLATES, string="Printed With", readonly=True)
    render_note = fields.Text(string="Printout Note", readonly=True)
