import base64
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.errors import ConfigurationError, EdocError
from ..core.signing import load_pem, sign_document, verify_document

_logger = logging.getLogger(__name__)

EXPIRY_WARNING_DAYS = 30
SIGNATURE_STATES = [
    ("valid", "Valid"),
    ("other_signer", "Sealed by Another Party"),
    ("invalid", "Invalid"),
    ("absent", "Absent"),
]


class L10nTrEdocAccount(models.Model):
    """Client-side signing: the company's own seal signs what an integrator without server signing sends.

    The certificate lives in Odoo's ``certificate`` module (PKCS#12 with password, key kept in
    ``certificate.key``), so key handling, expiry dates and company rules are the standard ones,
    and like Odoo we leave the seal to system administrators: managers see its expiry warning,
    and whoever sends signs through :meth:`_l10n_tr_edoc_signing_credential`, which reads it under
    ``sudo()`` and hands the key to nothing but ``core.signing``.
    """

    _name = "l10n_tr_edoc.account"
    _inherit = ["l10n_tr_edoc.account", "mail.activity.mixin"]

    sign_client_side = fields.Boolean(
        string="Sign Client-Side",
        tracking=True,
        help="Sign application responses (KABUL/RED) with the company certificate before sending, "
        "for integrator accounts set up without server-side signing.",
    )
    certificate_id = fields.Many2one(
        "certificate.certificate",
        string="Signing Certificate",
        check_company=True,
        groups="base.group_system",
        domain="[('company_id', '=', company_id)]",
        help="The company's financial seal (mali mühür) as a PKCS#12 file with its password.",
    )
    certificate_date_end = fields.Datetime(
        string="Certificate Expires",
        related="certificate_id.date_end",
        groups="base.group_system",
    )
    certificate_warning = fields.Char(
        compute="_compute_certificate_warning", groups="l10n_tr_edoc.group_edoc_manager"
    )

    @api.depends("certificate_id.date_end", "sign_client_side")
    def _compute_certificate_warning(self):
        for account in self:
            account.certificate_warning = account._l10n_tr_edoc_certificate_problem() or False

    def _l10n_tr_edoc_certificate_problem(self):
        """Why the signing certificate needs attention now, or None."""
        self.ensure_one()
        certificate = self.sudo().certificate_id
        if not certificate:
            if self.sign_client_side:
                return self.env._("Client-side signing is on but no signing certificate is set.")
            return None
        if certificate.loading_error:
            return certificate.loading_error
        if not certificate.date_end:
            return None
        now = fields.Datetime.now()
        if certificate.date_end <= now:
            return self.env._(
                "The signing certificate expired on %(date)s.",
                date=fields.Datetime.to_string(certificate.date_end),
            )
        if certificate.date_end <= now + timedelta(days=EXPIRY_WARNING_DAYS):
            return self.env._(
                "The signing certificate expires on %(date)s: renew it before then.",
                date=fields.Datetime.to_string(certificate.date_end),
            )
        return None

    def _l10n_tr_edoc_signing_responsible(self):
        """An e-document manager of the account's company receives signing activities."""
        self.ensure_one()
        managers = (
            self.env.ref("l10n_tr_edoc.group_edoc_manager")
            .sudo()
            .all_user_ids.filtered(lambda user: not user.share and self.company_id in user.company_ids)
        )
        return managers[:1] or self.env.user

    def _l10n_tr_edoc_warn_certificate_expiry(self):
        """One to-do per account whose certificate expires within 30 days (or has expired)."""
        summary = self.env._("Renew the e-document signing certificate")
        for account in self:
            problem = account._l10n_tr_edoc_certificate_problem()
            if not problem or not account.sudo().certificate_id:
                continue
            if account.activity_ids.filtered(lambda activity: activity.summary == summary):
                continue
            account.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=account.sudo().certificate_id.date_end.date(),
                summary=summary,
                note=problem,
                user_id=account._l10n_tr_edoc_signing_responsible().id,
            )

    @api.model
    def _cron_l10n_tr_edoc_check_certificates(self):
        accounts = self.search([("certificate_id", "!=", False)])
        self.env["ir.cron"]._commit_progress(remaining=len(accounts))
        for account in accounts:
            account._l10n_tr_edoc_warn_certificate_expiry()
            self.env["ir.cron"]._commit_progress(1)

    def _l10n_tr_edoc_signing_credential(self):
        """Key and certificate for core.signing, read with sudo: users who send never see the key."""
        self.ensure_one()
        certificate = self.sudo().certificate_id
        if not certificate or not certificate.private_key_id:
            raise UserError(
                self.env._(
                    "Account %(account)s signs client-side but has no certificate with a private key.",
                    account=self.display_name,
                )
            )
        if problem := certificate.loading_error:
            raise UserError(problem)
        key = certificate.private_key_id
        try:
            return load_pem(
                base64.b64decode(key.with_context(bin_size=False).pem_key),
                base64.b64decode(certificate.with_context(bin_size=False).pem_certificate),
                key.password or None,
            )
        except ConfigurationError as error:
            raise UserError(self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)) from error

    def _l10n_tr_edoc_sign_if_required(self, xml_bytes):
        """The bytes to send: signed with the company seal when this account signs client-side.

        Callers pass the serialized document built by core.ubl (still holding the signature
        placeholder) and must send and archive exactly the bytes returned.
        """
        self.ensure_one()
        if not self.sign_client_side:
            return xml_bytes
        credential = self._l10n_tr_edoc_signing_credential()
        if (
            self.sudo().certificate_id.date_end
            and self.sudo().certificate_id.date_end <= fields.Datetime.now()
        ):
            raise UserError(self._l10n_tr_edoc_certificate_problem())
        try:
            return sign_document(xml_bytes, credential)
        except EdocError as error:
            raise UserError(self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error)) from error


class L10nTrEdocDocument(models.Model):
    """Signature status of received documents: intact or not, and whose seal it is."""

    _inherit = "l10n_tr_edoc.document"

    signature_state = fields.Selection(SIGNATURE_STATES, readonly=True, copy=False, tracking=True)
    signer_name = fields.Char(readonly=True, copy=False)
    signer_vat = fields.Char(string="Signer VKN/TCKN", readonly=True, copy=False)
    signing_time = fields.Datetime(readonly=True, copy=False)
    signature_message = fields.Text(string="Signature Problems", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        documents = super().create(vals_list)
        documents.filtered(
            lambda d: d.direction == "in" and d.xml_attachment_id
        )._l10n_tr_edoc_verify_signature()
        return documents

    def write(self, vals):
        result = super().write(vals)
        if vals.get("xml_attachment_id"):
            self.filtered(lambda d: d.direction == "in")._l10n_tr_edoc_verify_signature()
        return result

    def _l10n_tr_edoc_verify_signature(self):
        """Check the XML attachment's signature, store the verdict, raise an activity when it is broken."""
        for document in self:
            if not document.xml_attachment_id:
                continue
            try:
                result = verify_document(document.xml_attachment_id.raw)
            except ConfigurationError as error:
                # Cannot judge here (xmlsec missing): say so, never call the signature broken.
                _logger.warning("Signature of e-document %s not checked: %s", document.id, error)
                document.write(
                    {"signature_state": False, "signature_message": self._l10n_tr_edoc_error_text(error)}
                )
                continue
            except EdocError as error:
                values = {
                    "signature_state": "invalid",
                    "signature_message": self._l10n_tr_edoc_error_text(error),
                }
            else:
                values = {
                    "signature_state": result.status,
                    "signer_name": result.signer_name,
                    "signer_vat": result.signer_vat,
                    "signing_time": result.signing_time and result.signing_time.replace(tzinfo=None),
                    "signature_message": "\n".join(
                        f"{issue.path}: {self.env._(issue.message)}" for issue in result.issues
                    )
                    or False,
                }
            was_invalid = document.signature_state == "invalid"
            document.write(values)
            if values["signature_state"] == "invalid" and not was_invalid:
                document._l10n_tr_edoc_schedule_signature_activity()

    def _l10n_tr_edoc_schedule_signature_activity(self):
        self.ensure_one()
        responsible = (
            self.account_id._l10n_tr_edoc_signing_responsible() if self.account_id else self.env.user
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Invalid signature on a received e-document"),
            note=self.signature_message,
            user_id=responsible.id,
        )

    def action_l10n_tr_edoc_verify_signature(self):
        self._l10n_tr_edoc_verify_signature()
        return True
