import json
from datetime import date, timedelta
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


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model
    def _l10n_tr_edoc_gib_package_dir(self):
        """The configured GİB package folder, or None when the XSD and schematron checks are off."""
        folder = self.env["ir.config_parameter"].sudo().get_param(PARAM_DIR)
        return folder if package.is_package(folder) else None

    @api.model
    def _l10n_tr_edoc_gib_package_status(self, folder=None):
        folder = folder if folder is not None else self.env["ir.config_parameter"].sudo().get_param(PARAM_DIR)
        if not folder:
            return self.env._("XSD and schematron checks: off: no GİB package configured")
        if not package.is_package(folder):
            return self.env._(
                "XSD and schematron checks: off: %(folder)s is not a GİB package folder", folder=folder
            )
        return self.env._(
            "XSD and schematron checks: on (package dated %(date)s); %(schedule)s",
            date=package.package_date(folder),
            schedule=self._l10n_tr_edoc_gib_release_schedule(folder),
        )

    @api.model
    def _l10n_tr_edoc_gib_release_schedule(self, folder):
        """Which stored GİB release checks documents issued when: each applies from its date on."""
        releases = package.PackageStore.discover(folder).releases
        parts = []
        for index, entry in enumerate(releases):
            following = releases[index + 1] if index + 1 < len(releases) else None
            if index and entry.since != date.min:
                parts.append(
                    self.env._("release %(release)s from %(since)s", release=entry.release, since=entry.since)
                )
            elif following:
                parts.append(
                    self.env._(
                        "release %(release)s until %(until)s",
                        release=entry.release,
                        until=following.since - timedelta(days=1),
                    )
                )
            else:
                parts.append(self.env._("release %(release)s for every date", release=entry.release))
        return ", ".join(parts)


class L10nTrEdocDocument(models.Model):
    _inherit = "l10n_tr_edoc.document"

    @api.model
    def _l10n_tr_edoc_gib_messages(self, xmls):
        """GİB's XSD and schematron errors per XML, from one child process; None when the checks are off."""
        folder = self.env["account.move"]._l10n_tr_edoc_gib_package_dir()
        if not folder or not xmls:
            return None
        try:
            results = package.validate_in_child(xmls, folder)
        except EdocError as error:
            text = self.env._("The XSD and schematron check could not run: %(error)s", error=error.message)
            return [[text]] * len(xmls)
        return [[] if result.get("ok") else package.result_messages(result) for result in results]

    @api.model
    def _l10n_tr_edoc_gib_check_before_send(self, xml, what):
        """Raise before a despatch or an answer leaves when GİB's XSD or schematron refuses it."""
        messages = (self._l10n_tr_edoc_gib_messages([xml]) or [[]])[0]
        if messages:
            raise UserError(
                self.env._(
                    "GİB's XSD/schematron check refused %(document)s:\n%(messages)s",
                    document=what,
                    messages="\n".join(f"- {message}" for message in messages),
                )
            )

    def _l10n_tr_edoc_gib_validate(self):
        """GİB's XSD and schematron on the generated XML, one child process for the batch.

        Returns ``{document: error text}``; the refused documents keep their state, number and XML,
        so fixing the invoice and sending again loses nothing.
        """
        found = self._l10n_tr_edoc_gib_messages([document.xml_attachment_id.raw for document in self])
        errors = {}
        for document, messages in zip(self, found or [], strict=False):
            if not messages:
                continue
            text = self.env._(
                "GİB's XSD/schematron check refused %(document)s:\n%(messages)s",
                document=document.name,
                messages="\n".join(f"- {message}" for message in messages),
            )
            document.write({"error_code": "tr_edoc.package.invalid", "error_message": text})
            errors[document] = text
        return errors
