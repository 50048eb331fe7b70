import json
from datetime import timedelta
from pathlib import Path

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config

from ..core.errors import EdocError
from ..core.validation import package

PARAM_DIR = "l10n_tr_edoc.gib_package_dir"
PARAM_RECORDS = "l10n_tr_edoc.gib_package_records"
PARAM_URLS = {"ubl": "l10n_tr_edoc.gib_package_url_ubl", "efatura": "l10n_tr_edoc.gib_package_url_efatura"}
IMPACT_DAYS = 30
UNSENT_STATES = ("draft", "ready", "send_failed")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_tr_edoc_account_id = fields.Many2one(related="company_id.l10n_tr_edoc_account_id")
    l10n_tr_edoc_tax_office = fields.Char(related="company_id.l10n_tr_edoc_tax_office", readonly=False)

    def action_l10n_tr_edoc_open_account(self):
        """Open the company's integrator account, creating the form for a first-time setup."""
        self.ensure_one()
        account = self.company_id.l10n_tr_edoc_account_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("e-Document Integrator"),
            "res_model": "l10n_tr_edoc.account",
            "view_mode": "form",
            "res_id": account.id,
            "context": {"default_company_id": self.company_id.id},
            "target": "current",
        }

    l10n_tr_edoc_despatch_gate = fields.Boolean(
        related="company_id.l10n_tr_edoc_despatch_gate", readonly=False
    )

    l10n_tr_edoc_red_policy = fields.Selection(related="company_id.l10n_tr_edoc_red_policy", readonly=False)
    l10n_tr_edoc_incoming_user_id = fields.Many2one(
        related="company_id.l10n_tr_edoc_incoming_user_id", readonly=False
    )

    l10n_tr_edoc_earchive_delivery = fields.Selection(
        related="company_id.l10n_tr_edoc_earchive_delivery", readonly=False
    )

    l10n_tr_edoc_call_log_retention_days = fields.Integer(
        related="company_id.l10n_tr_edoc_call_log_retention_days", readonly=False
    )

    l10n_tr_edoc_gib_package_dir = fields.Char(
        string="GİB Package Folder",
        config_parameter=PARAM_DIR,
        help="Folder on the server holding GİB's UBLTR_1.2.1_Paketi and e-FaturaPaketi; "
        "outgoing documents are checked against its XSD and schematron before they are sent.",
    )
    l10n_tr_edoc_gib_package_url_ubl = fields.Char(
        string="UBL-TR Package URL", config_parameter=PARAM_URLS["ubl"], default=package.DEFAULT_URLS["ubl"]
    )
    l10n_tr_edoc_gib_package_url_efatura = fields.Char(
        string="e-Fatura Package URL",
        config_parameter=PARAM_URLS["efatura"],
        default=package.DEFAULT_URLS["efatura"],
    )
    l10n_tr_edoc_gib_package_status = fields.Char(
        string="GİB Package Status", compute="_compute_l10n_tr_edoc_gib_package_status"
    )
    l10n_tr_edoc_gib_package_downloads = fields.Text(
        string="GİB Package Downloads", compute="_compute_l10n_tr_edoc_gib_package_status"
    )

    @api.depends("l10n_tr_edoc_gib_package_dir")
    def _compute_l10n_tr_edoc_gib_package_status(self):
        records = json.loads(self.env["ir.config_parameter"].sudo().get_param(PARAM_RECORDS) or "[]")
        downloads = "\n".join(
            self.env._(
                "%(url)s: %(size)s bytes, SHA-256 %(sha256)s, downloaded %(when)s",
                url=record["url"],
                size=record["size"],
                sha256=record["sha256"],
                when=record["downloaded_at"],
            )
            for record in records
        )
        for settings in self:
            settings.l10n_tr_edoc_gib_package_status = self.env[
                "account.move"
            ]._l10n_tr_edoc_gib_package_status(settings.l10n_tr_edoc_gib_package_dir)
            settings.l10n_tr_edoc_gib_package_downloads = downloads

    def _l10n_tr_edoc_gib_package_root(self):
        """Downloaded packages live in Odoo's data dir, next to the filestore, one folder per release."""
        return Path(config["data_dir"], "l10n_tr_edoc", "gib_package")

    def action_l10n_tr_edoc_download_gib_package(self):
        """Fetch GİB's two zips into the data dir and point the checks at the new copy."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only system administrators can download the GİB package."))
        params = self.env["ir.config_parameter"].sudo()
        urls = {
            key: params.get_param(param) or package.DEFAULT_URLS[key] for key, param in PARAM_URLS.items()
        }
        try:
            folder, records = package.download(urls, self._l10n_tr_edoc_gib_package_root())
        except EdocError as error:
            if isinstance(error.__cause__, requests.RequestException):
                # the transport's own text (pools, sockets, retries) tells an accountant nothing
                raise UserError(
                    self.env._(
                        "The GİB package could not be downloaded from %(url)s: the server did not answer. "
                        "Check that this Odoo server can reach the internet (or correct the address in "
                        "the system parameters), then click Download again.",
                        url=error.params.get("url", ""),
                    )
                ) from error
            raise UserError(
                self.env._("The GİB package could not be installed: %(error)s", error=error.message)
            ) from error
        params.set_param(PARAM_DIR, str(folder))
        params.set_param(PARAM_RECORDS, package.records_json(records))
        return self._l10n_tr_edoc_gib_package_impact_notification(folder)

    def action_l10n_tr_edoc_gib_package_impact(self):
        """For a package folder entered by hand: what the configured package would refuse."""
        self.ensure_one()
        folder = self.l10n_tr_edoc_gib_package_dir
        if not package.is_package(folder):
            raise UserError(self.env._("%(folder)s is not a GİB package folder.", folder=folder or ""))
        return self._l10n_tr_edoc_gib_package_impact_notification(folder)

    def _l10n_tr_edoc_gib_package_impact(self, folder, days=IMPACT_DAYS):
        """The outgoing documents GİB's package in ``folder`` would refuse, each checked by the release in
        force on its IssueDate: the unsent ones and those sent in the last ``days`` days, as
        ``[(document, messages)]``. A new release is judged on real documents before it is trusted."""
        since = fields.Datetime.now() - timedelta(days=days)
        documents = self.env["l10n_tr_edoc.document"].search(
            [
                ("direction", "=", "out"),
                ("xml_attachment_id", "!=", False),
                "|",
                ("state", "in", UNSENT_STATES),
                ("create_date", ">=", since),
            ],
            order="id",
        )
        if not documents:
            return []
        try:
            results = package.validate_in_child(
                [document.xml_attachment_id.raw for document in documents], folder
            )
        except EdocError as error:
            raise UserError(
                self.env._(
                    "The documents could not be checked against the package: %(error)s", error=error.message
                )
            ) from error
        return [
            (document, package.result_messages(result))
            for document, result in zip(documents, results, strict=True)
            if not result.get("ok")
        ]

    def _l10n_tr_edoc_gib_package_impact_notification(self, folder):
        """The impact report as a sticky notification, then the settings reload on the new package."""
        impact = self._l10n_tr_edoc_gib_package_impact(folder)
        if impact:
            message = self.env._(
                "Under this GİB package %(count)s unsent or recently sent documents would be refused:\n"
                "%(lines)s",
                count=len(impact),
                lines="\n".join(
                    f"- {document.display_name}: {messages[0] if messages else ''}"
                    for document, messages in impact
                ),
            )
        else:
            message = self.env._(
                "No unsent document and no document sent in the last %(days)s days is refused by this GİB "
                "package.",
                days=IMPACT_DAYS,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("GİB package impact"),
                "message": message,
                "type": "warning" if impact else "success",
                "sticky": bool(impact),
                "next": {"type": "ir.actions.client", "tag": "reload"},
            },
        }
