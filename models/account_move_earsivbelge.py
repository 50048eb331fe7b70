import base64
import dataclasses
import datetime
import uuid as uuidlib
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_repr

from ..core import earsivbelge as eb
from ..core.errors import EdocError, UnknownOutcome
from ..core.providers.base import EMM, ESMM
from ..core.providers.registry import get_provider_class
from ..core.qr import qr_payload, qr_png
from ..core.states import EARSIVBELGE, ISTANBUL, allowed_events
from ..core.ubl import serialize
from ..core.ubl.earsivbelge import build_receipt, parse_receipt
from .account_move_outgoing import _amount, _unit_code
from .res_partner import normalize_tax_id

RECEIPT_KINDS = [("smm", "e-SMM (Serbest Meslek Makbuzu)"), ("emm", "e-MM (Müstahsil Makbuzu)")]
TYPE_CODES = {"smm": eb.SMM, "emm": eb.MM}
RECEIPT_REPORT = "l10n_tr_edoc.action_report_l10n_tr_edoc_receipt"
CAPABILITIES = {"smm": ESMM, "emm": EMM}
SENDABLE = ("draft", "ready", "send_failed")
POLLED = ("sent", "unknown", "delivered", "reported", "cancel_requested")


def _percent(value):
    return Decimal(float_repr(abs(value), 4)).normalize()


class AccountMove(models.Model):
    """e-SMM from customer invoices and e-MM from vendor bills of the journals flagged for them.

    These moves leave the e-Fatura/e-Arşiv flow: they are sent with İzibiz's SmmWS or CreditNoteWS,
    numbered from their own series, and their XML carries exactly the move's amounts (GV stopajı and
    the other deductions are the move's negative taxes).
    """

    _inherit = "account.move"

    l10n_tr_edoc_receipt_kind = fields.Selection(
        related="journal_id.l10n_tr_edoc_receipt_kind", store=True, string="e-Receipt"
    )
    l10n_tr_edoc_produce_kind_id = fields.Many2one(
        "l10n_tr_edoc.produce.kind",
        string="Produce Kind",
        copy=False,
        help="Decides the GV stopajı rate withheld from the farmer (e-Müstahsil Makbuzu).",
    )
    l10n_tr_edoc_receipt_offered = fields.Boolean(
        string="Integrator Offers e-Receipts", compute="_compute_l10n_tr_edoc_receipt_offered"
    )
    l10n_tr_edoc_receipt_sms = fields.Boolean(
        string="Also by SMS",
        copy=False,
        help="The integrator sends the receipt to the partner's mobile number.",
    )

    @api.depends("l10n_tr_edoc_receipt_kind", "company_id")
    def _compute_l10n_tr_edoc_receipt_offered(self):
        """Receipt actions show only where the company's integrator offers the document."""
        Account = self.env["l10n_tr_edoc.account"]
        for move in self:
            account = move.l10n_tr_edoc_receipt_kind and Account._l10n_tr_edoc_for_company(move.company_id)
            move.l10n_tr_edoc_receipt_offered = bool(
                account
                and CAPABILITIES[move.l10n_tr_edoc_receipt_kind]
                in get_provider_class(account.provider).capabilities
            )

    def action_l10n_tr_edoc_update_status(self):
        super().action_l10n_tr_edoc_update_status()
        return self.action_l10n_tr_edoc_receipt_status()

    @api.depends("journal_id.l10n_tr_edoc_receipt_kind")
    def _compute_l10n_tr_edoc_applicable(self):
        super()._compute_l10n_tr_edoc_applicable()
        self.filtered("l10n_tr_edoc_receipt_kind").l10n_tr_edoc_applicable = False

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.l10n_tr_edoc_receipt_kind and not m.l10n_tr_edoc_uuid):
            move.l10n_tr_edoc_uuid = str(uuidlib.uuid4()).upper()
        return posted

    def _l10n_tr_edoc_series_kind(self):
        self.ensure_one()
        return self.l10n_tr_edoc_receipt_kind or super()._l10n_tr_edoc_series_kind()

    @api.onchange("l10n_tr_edoc_produce_kind_id")
    def _onchange_l10n_tr_edoc_produce_kind_id(self):
        """Replace the GV stopajı tax of the lines by the one of the produce kind's rate."""
        kind = self.l10n_tr_edoc_produce_kind_id
        if not kind or self.l10n_tr_edoc_receipt_kind != "emm":
            return
        tax = self.env["account.tax"]._l10n_tr_edoc_receipt_tax(self.company_id, eb.STOPAJ, kind.stopaj_rate)
        for line in self.invoice_line_ids.filtered(lambda aml: aml.display_type == "product"):
            others = line.tax_ids.filtered(lambda t: t.l10n_tr_edoc_tax_type_id.code != eb.STOPAJ)
            line.tax_ids = others | tax

    # -- ORM → core.earsivbelge.Receipt ---------------------------------------------------------

    def _l10n_tr_edoc_receipt_lines(self):
        """Lines with their taxes as GİB codes, from Odoo's own rounded tax computation."""
        self.ensure_one()
        currency = self.currency_id
        base_lines, _tax_lines = self._get_rounded_base_and_tax_lines()
        lines = []
        products = [
            bl
            for bl in base_lines
            if bl["record"]._name == "account.move.line" and bl["record"].display_type == "product"
        ]
        for number, base_line in enumerate(products, start=1):
            aml = base_line["record"]
            details = base_line["tax_details"]
            gross = _amount(details["total_excluded_currency"], currency)
            quantity = Decimal(float_repr(aml.quantity, 6)).normalize() or Decimal(1)
            taxes, withheld = [], []
            for tax_data in details["taxes_data"]:
                tax = tax_data["tax"]
                item = eb.ReceiptTax(
                    code=tax.l10n_tr_edoc_withholding_id.code or tax.l10n_tr_edoc_tax_type_id.code or "",
                    percent=_percent(tax.amount),
                    taxable_amount=_amount(tax_data["base_amount_currency"], currency),
                    amount=abs(_amount(tax_data["tax_amount_currency"], currency)),
                    name=eb.TAX_NAMES.get(tax.l10n_tr_edoc_tax_type_id.code) or tax.name,
                )
                if tax.l10n_tr_edoc_withholding_id:
                    withheld.append(dataclasses.replace(item, name=tax.l10n_tr_edoc_withholding_id.name))
                else:
                    taxes.append(item)
            # KDV tevkifat is written as GİB reads it: a share (percent) of the line's KDV
            kdv = sum((t.amount for t in taxes if t.code == eb.KDV), Decimal(0))
            withheld = [
                dataclasses.replace(
                    item,
                    taxable_amount=kdv,
                    percent=(item.amount / kdv * 100).quantize(Decimal(1)) if kdv else Decimal(0),
                )
                for item in withheld
            ]
            lines.append(
                eb.ReceiptLine(
                    id=str(number),
                    name=(aml.name or aml.product_id.display_name or "").strip()[:250] or "-",
                    quantity=quantity,
                    price=(gross / quantity).quantize(Decimal("0.00000001")).normalize(),
                    line_extension_amount=gross,
                    unit_code=_unit_code(aml.product_uom_id),
                    taxes=tuple(taxes),
                    withholdings=tuple(withheld),
                    seller_item_id=aml.product_id.default_code or None,
                )
            )
        return tuple(lines)

    def _l10n_tr_edoc_to_receipt(self, number):
        self.ensure_one()
        kind = self.l10n_tr_edoc_receipt_kind
        partner = self.partner_id.commercial_partner_id
        customer = self._l10n_tr_edoc_party(partner)
        if kind == "emm" and normalize_tax_id(partner.vat) and len(normalize_tax_id(partner.vat)) == 11:
            customer = dataclasses.replace(customer, contact=None)
        receipt = eb.Receipt(
            kind=TYPE_CODES[kind],
            id=number,
            uuid=self.l10n_tr_edoc_uuid or str(uuidlib.uuid4()).upper(),
            issue_date=self.invoice_date,
            issue_time=datetime.datetime.now(ISTANBUL).time().replace(microsecond=0),
            supplier=self._l10n_tr_edoc_party(self.company_id.partner_id),
            customer=customer,
            lines=self._l10n_tr_edoc_receipt_lines(),
            currency=self.currency_id.name,
            sending_type=self.l10n_tr_edoc_send_type or eb.PAPER,
            calculation_type=eb.GROSS if kind == "smm" else None,
            delivery_date=self.invoice_date if kind == "emm" else None,
        )
        return eb.compute(receipt)

    def _l10n_tr_edoc_receipt_delivery(self):
        self.ensure_one()
        partner = self.partner_id
        electronic = self.l10n_tr_edoc_send_type == eb.ELECTRONIC
        return eb.Delivery(
            sending_type=self.l10n_tr_edoc_send_type or eb.PAPER,
            email=(partner.email or "") if electronic else "",
            sms_number=(partner.mobile or partner.phone or "")
            if electronic and self.l10n_tr_edoc_receipt_sms
            else "",
        )

    def _l10n_tr_edoc_receipt_problems(self, receipt):
        """Translated texts of what keeps the receipt from going: own rules, amounts, stopaj rate."""
        self.ensure_one()
        problems = [issue.message for issue in eb.check_receipt(receipt) if issue.is_error]
        if float_compare(
            float(receipt.payable_amount), self.amount_total, precision_rounding=self.currency_id.rounding
        ):
            problems.append(
                self.env._(
                    "The receipt's payable amount %(receipt)s differs from the total %(total)s: every tax "
                    "of the lines must carry its GİB code (KDV, GV stopajı, Mera Fonu, Borsa Tescil, SGK).",
                    receipt=receipt.payable_amount,
                    total=self.amount_total,
                )
            )
        if self.l10n_tr_edoc_receipt_kind == "emm":
            rates = {t.percent for t in receipt.taxes if t.code == eb.STOPAJ}
            kind = self.l10n_tr_edoc_produce_kind_id
            if not rates:
                problems.append(self.env._("A müstahsil makbuzu needs the GV stopajı tax on its lines."))
            elif kind and rates != {Decimal(float_repr(kind.stopaj_rate, 2)).normalize()}:
                problems.append(
                    self.env._(
                        "The GV stopajı rate of the lines differs from the %(rate)s%% "
                        "of the produce kind %(kind)s.",
                        rate=kind.stopaj_rate,
                        kind=kind.name,
                    )
                )
        try:
            self._l10n_tr_edoc_receipt_delivery().check()
        except EdocError as error:
            problems.append(self.env._(error.message))
        return problems

    # -- sending --------------------------------------------------------------------------------

    def _l10n_tr_edoc_receipt_document(self, account):
        self.ensure_one()
        document = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind == self.l10n_tr_edoc_receipt_kind
        )[-1:]
        values = {
            "profile": eb.PROFILE,
            "type_code": TYPE_CODES[self.l10n_tr_edoc_receipt_kind],
            "issue_date": self.invoice_date,
            "sender_vat": normalize_tax_id(self.company_id.vat),
            "receiver_vat": normalize_tax_id(self.partner_id.commercial_partner_id.vat),
            "amount_total": self.amount_total,
            "currency_id": self.currency_id.id,
        }
        if document:
            if document.state in SENDABLE:
                document.write(values)
            return document
        return self.env["l10n_tr_edoc.document"].create(
            {
                **values,
                "kind": self.l10n_tr_edoc_receipt_kind,
                "direction": "out",
                "uuid": self.l10n_tr_edoc_uuid,
                "account_id": account.id,
                "company_id": self.company_id.id,
                "move_id": self.id,
            }
        )

    def _l10n_tr_edoc_receipt_generate(self, document):
        """Number (once), build, check and attach the receipt XML; returns an error text or None."""
        self.ensure_one()
        number = document.name
        if not number:
            series = self._l10n_tr_edoc_series()
            if not series:
                return self.env._("No e-Document series is configured for this journal's receipts.")
            preview = self._l10n_tr_edoc_to_receipt(self._l10n_tr_edoc_preview_number())
            if problems := self._l10n_tr_edoc_receipt_problems(preview):
                return "\n".join(problems)
            try:
                number = series._l10n_tr_edoc_take_number(self.invoice_date)
            except UserError as error:
                return error.args[0]
        receipt = self._l10n_tr_edoc_to_receipt(number)
        if problems := self._l10n_tr_edoc_receipt_problems(receipt):
            return "\n".join(problems)
        xml = serialize(build_receipt(receipt))
        attachment_values = {
            "name": f"{number}.xml",
            "raw": xml,
            "mimetype": "application/xml",
            "res_model": "account.move",
            "res_id": self.id,
        }
        if document.xml_attachment_id:
            document.xml_attachment_id.sudo().write(attachment_values)
        else:
            document.xml_attachment_id = self.env["ir.attachment"].sudo().create(attachment_values)
        document._l10n_tr_edoc_apply_event("generate", name=number, error_code=False, error_message=False)
        return None

    def _l10n_tr_edoc_receipt_account(self):
        self.ensure_one()
        account = self.env["l10n_tr_edoc.account"]._l10n_tr_edoc_for_company(self.company_id)
        if not account:
            raise UserError(
                self.env._("The company %s has no e-Document integrator account.", self.company_id.name)
            )
        if (
            CAPABILITIES[self.l10n_tr_edoc_receipt_kind]
            not in get_provider_class(account.provider).capabilities
        ):
            raise UserError(
                self.env._("The integrator of this company does not offer e-SMM / e-Müstahsil Makbuzu.")
            )
        return account

    def action_l10n_tr_edoc_send_receipt(self):
        """Send the e-SMM / e-MM of posted moves (again after a failure, with the same number)."""
        if errors := self._l10n_tr_edoc_send_receipts():
            raise UserError("\n".join(errors.values()))
        return True

    def _l10n_tr_edoc_send_receipts(self):
        """Send the receipts of ``self``; returns ``{move: error text}`` for those that did not go
        (Send & Print shows them per move instead of failing the whole batch)."""
        errors = {}
        for move in self:
            if move.state != "posted" or not move.l10n_tr_edoc_receipt_kind:
                raise UserError(
                    self.env._("Only posted moves of an e-SMM or e-MM journal are sent as receipts.")
                )
            account = move._l10n_tr_edoc_receipt_account()
            document = move._l10n_tr_edoc_receipt_document(account)
            if document.state == "unknown":
                document._l10n_tr_edoc_receipt_poll(account._l10n_tr_edoc_get_provider())
            if document.state not in SENDABLE:
                continue
            if error := move._l10n_tr_edoc_receipt_generate(document):
                document.write({"error_code": "tr_edoc.earsivbelge.check", "error_message": error})
                errors[move] = error
                continue
            document._l10n_tr_edoc_apply_event("submit")
            if self.env["account.move.send"]._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if error := document._l10n_tr_edoc_receipt_submit(account, move._l10n_tr_edoc_receipt_delivery()):
                errors[move] = error
        return errors

    def action_l10n_tr_edoc_receipt_status(self):
        documents = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind in ("smm", "emm") and d.state in POLLED
        )
        for account in documents.account_id:
            documents.filtered(lambda d, a=account: d.account_id == a)._l10n_tr_edoc_receipt_poll(
                account._l10n_tr_edoc_get_provider()
            )
        return True

    def action_l10n_tr_edoc_cancel_receipt(self):
        """The cancel wizard, which asks for the reason."""
        self.ensure_one()
        self._l10n_tr_edoc_cancellable_receipt()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel e-SMM / e-MM Receipt"),
            "res_model": "l10n_tr_edoc.receipt.cancel.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_move_id": self.id},
        }

    def _l10n_tr_edoc_cancellable_receipt(self):
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if document.kind not in ("smm", "emm") or document.state not in ("sent", "delivered", "reported"):
            raise UserError(self.env._("Only a receipt the integrator holds can be cancelled."))
        return document

    def _l10n_tr_edoc_cancel_receipt(self, reason):
        """Cancel the receipt at İzibiz: withdrawn if GİB has not had it yet, else reported as
        cancelled; the move is cancelled once İzibiz confirms, the reason goes to the chatter."""
        document = self._l10n_tr_edoc_cancellable_receipt()
        provider = document.account_id._l10n_tr_edoc_get_provider()
        try:
            result = provider.cancel_receipts(
                TYPE_CODES[document.kind], [document.uuid], withdraw=document.state != "reported"
            )
        except EdocError as error:
            document._l10n_tr_edoc_log_exchanges("cancel", error.params.get("exchanges", ()), error=error)
            raise UserError(document._l10n_tr_edoc_error_text(error)) from error
        document._l10n_tr_edoc_log_exchanges("cancel", result.exchanges)
        document._l10n_tr_edoc_apply_event("cancel")
        document._l10n_tr_edoc_receipt_poll(provider)
        self.message_post(
            body=self.env._("Receipt %(number)s cancelled: %(reason)s", number=document.name, reason=reason)
        )
        return True

    def action_l10n_tr_edoc_receipt_pdf(self):
        """The integrator's PDF of the receipt, kept on the document and downloaded."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if document.kind not in ("smm", "emm") or document.state not in (
            "delivered",
            "reported",
            "cancelled",
        ):
            raise UserError(self.env._("The integrator's printout exists once it has signed the receipt."))
        if not document.pdf_attachment_id:
            provider = document.account_id._l10n_tr_edoc_get_provider()
            try:
                download = provider.download_receipt(TYPE_CODES[document.kind], document.uuid, "PDF")
            except EdocError as error:
                document._l10n_tr_edoc_log_exchanges(
                    "download", error.params.get("exchanges", ()), error=error
                )
                raise UserError(document._l10n_tr_edoc_error_text(error)) from error
            document._l10n_tr_edoc_log_exchanges("download", download.exchanges)
            document.pdf_attachment_id = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": f"{document.name}.pdf",
                        "raw": download.content,
                        "mimetype": "application/pdf",
                        "res_model": "account.move",
                        "res_id": self.id,
                    }
                )
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{document.pdf_attachment_id.id}?download=true",
            "target": "download",
        }

    # -- our own printout ----------------------------------------------------------------------

    def _l10n_tr_edoc_receipt_xml(self):
        """The XML of the move's receipt, once it is generated (numbered); a UserError otherwise."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_ids.filtered(
            lambda d: d.kind == self.l10n_tr_edoc_receipt_kind and d.xml_attachment_id
        )[-1:]
        if not self.l10n_tr_edoc_receipt_kind or not document:
            raise UserError(
                self.env._("%(move)s has no e-SMM / e-MM receipt to print yet.", move=self.display_name)
            )
        return document.xml_attachment_id.with_context(bin_size=False).raw

    @api.model
    def _l10n_tr_edoc_print_party(self, party):
        address = party.address
        lines = [
            address.street_name,
            address.building_number,
            address.city_subdivision_name,
            address.city_name,
        ]
        person = party.person
        return {
            "name": party.name or (person and f"{person.first_name} {person.family_name}") or "",
            "tax_id": party.tax_id or "",
            "tax_office": party.tax_office or "",
            "address": " ".join(dict.fromkeys(p for p in lines if p)) if address else "",
        }

    def _l10n_tr_edoc_receipt_print_values(self):
        """What the printout shows, read back from the sent XML (never from the move, which may have
        changed), with the Karekod of that XML."""
        self.ensure_one()
        try:
            receipt = parse_receipt(self._l10n_tr_edoc_receipt_xml())
            qr = base64.b64encode(qr_png(qr_payload(receipt))).decode("ascii")
        except EdocError as error:
            raise UserError(
                self.env._(
                    "This receipt cannot be printed: %(reason)s",
                    reason=self.env["l10n_tr_edoc.document"]._l10n_tr_edoc_error_text(error),
                )
            ) from error
        return {
            "receipt": receipt,
            "title": self.env._("e-Serbest Meslek Makbuzu")
            if receipt.kind == eb.SMM
            else self.env._("e-Müstahsil Makbuzu"),
            "supplier": self._l10n_tr_edoc_print_party(receipt.supplier),
            "customer": self._l10n_tr_edoc_print_party(receipt.customer),
            "qr": qr,
        }

    def action_l10n_tr_edoc_print_receipt(self):
        for move in self:
            move._l10n_tr_edoc_receipt_print_values()
        # GİB's layout, not the company's: no document layout to configure first.
        return self.env.ref(RECEIPT_REPORT).report_action(self, config=False)

    @api.model
    def _cron_l10n_tr_edoc_poll_receipts(self):
        """Follow sent e-SMM / e-MM to their final status, one account at a time."""
        Document = self.env["l10n_tr_edoc.document"]
        for account in self.env["l10n_tr_edoc.account"].search([]):
            documents = Document.search(
                [
                    ("account_id", "=", account.id),
                    ("kind", "in", ("smm", "emm")),
                    ("direction", "=", "out"),
                    ("state", "in", POLLED),
                ]
            )
            if documents:
                documents._l10n_tr_edoc_receipt_poll(account._l10n_tr_edoc_get_provider())


class L10nTrEdocDocument(models.Model):
    _inherit = "l10n_tr_edoc.document"

    def _l10n_tr_edoc_receipt_submit(self, account, delivery):
        """SendSmm / SendCreditNote of one receipt; returns an error text or None."""
        self.ensure_one()
        provider = account._l10n_tr_edoc_get_provider()
        upload = eb.ReceiptUpload(self.uuid, self.name, self.xml_attachment_id.raw, delivery)
        try:
            result = provider.send_receipts(TYPE_CODES[self.kind], [upload])
        except EdocError as error:
            self._l10n_tr_edoc_log_exchanges(
                "send", error.params.get("exchanges", ()), error=error, account=account
            )
            text = self._l10n_tr_edoc_error_text(error)
            event = "timeout" if isinstance(error, UnknownOutcome) else "failed"
            self._l10n_tr_edoc_apply_event(event, error_code=error.code, error_message=text)
            return text
        self._l10n_tr_edoc_log_exchanges("send", result.exchanges, account=account)
        self._l10n_tr_edoc_apply_event("accepted", error_code=False, error_message=False)
        self.move_id.is_move_sent = True
        return None

    def _l10n_tr_edoc_receipt_poll(self, provider):
        """GetSmmStatus / GetCreditNoteStatus, applied through the EARSIVBELGE state machine."""
        for kind in ("smm", "emm"):
            documents = self.filtered(lambda d, k=kind: d.kind == k)
            if not documents:
                continue
            try:
                statuses, exchanges = provider.receipt_statuses(TYPE_CODES[kind], documents.mapped("uuid"))
            except EdocError as error:
                documents[:1]._l10n_tr_edoc_log_exchanges(
                    "status", error.params.get("exchanges", ()), error=error
                )
                continue
            documents[:1]._l10n_tr_edoc_log_exchanges("status", exchanges)
            by_uuid = {status.uuid.upper(): status for status in statuses}
            for document in documents:
                status = by_uuid.get(document.uuid.upper())
                if document.state == "unknown":
                    document._l10n_tr_edoc_apply_event("found" if status else "not_found")
                if status:
                    document._l10n_tr_edoc_apply_receipt_status(status)

    def _l10n_tr_edoc_apply_receipt_status(self, status):
        values = {
            "gib_status_code": status.report_status_code or status.status_code,
            "gib_status_text": eb.REPORT_STATUS_CODES.get(status.report_status_code)
            or eb.STATUS_CODES.get(status.status_code, status.description),
        }
        event = status.event
        if event == "gib_rejected":
            values.update(
                error_code="tr_edoc.earsivbelge.failed", error_message=status.description or status.status
            )
        # A status answer can skip steps (signed and already reported): walk the edges in order.
        steps = {
            "reported": ("gib_delivered", "reported"),
            "cancel_confirmed": ("cancel", "cancel_confirmed"),
        }
        for step in steps.get(event, (event,)):
            if step and step in allowed_events(EARSIVBELGE, self.state):
                self._l10n_tr_edoc_apply_event(step, **values)
        if self.gib_status_code != values["gib_status_code"]:
            self.write(values)
        if self.state == "cancelled" and self.move_id.state == "posted":
            move = self.move_id.with_context(l10n_tr_edoc_allow_draft=True)
            move.button_draft()
            move.button_cancel()
