import dataclasses
import datetime as dt
import logging
import uuid
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from ..core import documents as d
from ..core.errors import EdocError
from ..core.providers.base import (
    DESPATCH,
    GIB_DESPATCH_MAILBOX_ALIAS,
    GIB_DESPATCH_MAILBOX_VKN,
    OutgoingDocument,
)
from ..core.render import xslt_attachment
from ..core.states import ISTANBUL, GibOutcome, classify_gib_status, gib_status_text
from ..core.ubl import render_despatch_advice
from ..core.ubl.parse import parse_receipt_advice
from ..core.validation import validate_document
from .res_partner import normalize_tax_id

_logger = logging.getLogger(__name__)

DESPATCH_TYPES = [("SEVK", "Shipment (SEVK)"), ("MATBUDAN", "Replaces a Printed Note (MATBUDAN)")]
# States in which GİB has delivered our despatch: the goods may leave.
GIB_ACCEPTED_STATES = ("delivered", "answered_accepted", "answered_partial", "answered_rejected")
SENDABLE_STATES = (False, "draft", "ready", "send_failed")


def quantity(value, digits):
    """An ORM float quantity as the Decimal GİB reads: rounded to the UoM precision, no trailing zeros."""
    amount = Decimal(float_repr(value, digits))
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def split_person_name(name):
    """GİB wants first and family names apart; Odoo keeps one name, family name last."""
    parts = (name or "").strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])


def _utc_naive(moment):
    """An integrator timestamp as Odoo stores it (naive UTC); a naive one is Istanbul's wall clock."""
    if not moment:
        return False
    if not moment.tzinfo:
        moment = moment.replace(tzinfo=ISTANBUL)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "l10n_tr_edoc.mixin"]

    l10n_tr_edoc_document_ids = fields.One2many("l10n_tr_edoc.document", "picking_id", string="e-Documents")

    # e-İrsaliye on deliveries (sent) and receipts (received and answered with an İrsaliye Yanıtı).
    l10n_tr_edoc_despatch_type = fields.Selection(
        DESPATCH_TYPES, string="e-İrsaliye Type", default="SEVK", copy=False
    )
    l10n_tr_edoc_printed_number = fields.Char(string="Printed Note Number", copy=False)
    l10n_tr_edoc_printed_date = fields.Date(string="Printed Note Date", copy=False)
    l10n_tr_edoc_carrier_id = fields.Many2one(
        "res.partner", string="Carrier Company", help="The transport company, when a carrier moves the goods."
    )
    l10n_tr_edoc_driver_ids = fields.Many2many(
        "res.partner",
        "l10n_tr_edoc_picking_driver_rel",
        "picking_id",
        "partner_id",
        string="Drivers",
        help="Each driver's TCKN is taken from the Tax ID of the contact.",
    )
    l10n_tr_edoc_vehicle_id = fields.Many2one(
        "l10n_tr_edoc.vehicle", string="Vehicle Plate", domain=[("kind", "=", "vehicle")], check_company=True
    )
    l10n_tr_edoc_trailer_ids = fields.Many2many(
        "l10n_tr_edoc.vehicle",
        "l10n_tr_edoc_picking_trailer_rel",
        "picking_id",
        "vehicle_id",
        string="Trailer Plates",
        domain=[("kind", "=", "trailer")],
    )
    l10n_tr_edoc_despatch_at = fields.Datetime(
        string="Actual Despatch", copy=False, help="When the goods leave; the sending time when empty."
    )
    l10n_tr_edoc_despatch_enabled = fields.Boolean(compute="_compute_l10n_tr_edoc_despatch_enabled")
    l10n_tr_edoc_receipt_line_ids = fields.One2many(
        "l10n_tr_edoc.receipt.line", "picking_id", string="İrsaliye Yanıtı Lines"
    )

    @api.depends("company_id", "picking_type_code")
    def _compute_l10n_tr_edoc_despatch_enabled(self):
        for picking in self:
            picking.l10n_tr_edoc_despatch_enabled = bool(
                picking.company_id.account_fiscal_country_id.code == "TR"
                and picking.company_id.l10n_tr_edoc_account_id.offers_despatch
                and picking.picking_type_code in ("outgoing", "incoming")
            )

    # -- gate: no shipping before GİB accepted --------------------------------------------------

    def _l10n_tr_edoc_check_gate(self, action):
        """Refuse ``action`` on deliveries whose e-İrsaliye GİB has not delivered, when the company asks."""
        for picking in self:
            if not (
                picking.company_id.l10n_tr_edoc_despatch_gate and picking.picking_type_code == "outgoing"
            ):
                continue
            if picking.l10n_tr_edoc_state in GIB_ACCEPTED_STATES:
                continue
            state = dict(picking._fields["l10n_tr_edoc_state"]._description_selection(self.env)).get(
                picking.l10n_tr_edoc_state, self.env._("not sent")
            )
            raise UserError(
                self.env._(
                    "You cannot %(action)s delivery %(picking)s yet: GİB has not accepted its e-İrsaliye "
                    "(status: %(state)s). Send the e-İrsaliye and refresh its status first.",
                    action=action,
                    picking=picking.display_name,
                    state=state,
                )
            )

    def button_validate(self):
        self._l10n_tr_edoc_check_gate(self.env._("validate"))
        return super().button_validate()

    # -- outgoing despatch ----------------------------------------------------------------------

    def _l10n_tr_edoc_despatch_quantities(self):
        """(move, quantity) to declare: what is picked, or what is planned when nothing is picked yet."""
        self.ensure_one()
        moves = self.move_ids.filtered(lambda move: move.state != "cancel")
        picked = [(move, move.quantity) for move in moves if move.quantity]
        return picked or [(move, move.product_uom_qty) for move in moves if move.product_uom_qty]

    def _l10n_tr_edoc_despatch_problems(self):
        """What keeps this delivery from becoming a valid e-İrsaliye, in words the warehouse can act on."""
        self.ensure_one()
        problems = list(self.company_id._l10n_tr_edoc_identity_problems())
        receiver = self.partner_id.commercial_partner_id
        if not self.partner_id:
            problems.append(self.env._("Set the customer (delivery address) of the delivery."))
        else:
            if problem := self.env["res.partner"]._l10n_tr_edoc_tax_id_problem(receiver.vat):
                problems.append(
                    self.env._("Customer %(name)s: %(problem)s", name=receiver.display_name, problem=problem)
                )
            address = self.partner_id
            if not (address.city and address.state_id and address.country_id and address.zip):
                problems.append(
                    self.env._(
                        "The delivery address needs a district (city), a province (state), "
                        "a postal code and a country."
                    )
                )
            if receiver.l10n_tr_edoc_despatch_status == "unknown":
                problems.append(
                    self.env._(
                        "The e-İrsaliye registration of %s is not known: "
                        "update it from GİB's user list first.",
                        receiver.display_name,
                    )
                )
            elif (
                receiver.l10n_tr_edoc_despatch_status == "registered"
                and not receiver.l10n_tr_edoc_despatch_alias
            ):
                problems.append(
                    self.env._("%s is registered for e-İrsaliye but has no PK alias.", receiver.display_name)
                )
        if not (self.l10n_tr_edoc_carrier_id or self.l10n_tr_edoc_driver_ids):
            problems.append(self.env._("Name the carrier company or at least one driver."))
        for driver in self.l10n_tr_edoc_driver_ids:
            number = normalize_tax_id(driver.vat)
            if len(number) != 11 or self.env["res.partner"]._l10n_tr_edoc_tax_id_problem(number):
                problems.append(self.env._("Driver %s needs a valid TCKN as Tax ID.", driver.display_name))
        if self.l10n_tr_edoc_carrier_id and (
            problem := self.env["res.partner"]._l10n_tr_edoc_tax_id_problem(
                self.l10n_tr_edoc_carrier_id.commercial_partner_id.vat
            )
        ):
            problems.append(self.env._("Carrier: %s", problem))
        if self.l10n_tr_edoc_despatch_type == "MATBUDAN" and not (
            self.l10n_tr_edoc_printed_number and self.l10n_tr_edoc_printed_date
        ):
            problems.append(
                self.env._("A MATBUDAN e-İrsaliye needs the number and date of the printed despatch note.")
            )
        quantities = self._l10n_tr_edoc_despatch_quantities()
        if not quantities:
            problems.append(self.env._("The delivery has no quantity to declare."))
        for move, _qty in quantities:
            try:
                move.product_uom._l10n_tr_edoc_unit_code()
            except UserError as error:
                problems.append(error.args[0])
        return list(dict.fromkeys(problems))

    @api.model
    def _l10n_tr_edoc_address(self, partner):
        return d.Address(
            street_name=partner.street or None,
            additional_street_name=partner.street2 or None,
            city_subdivision_name=partner.city or None,
            city_name=partner.state_id.name or None,
            postal_zone=partner.zip or None,
            country_code=partner.country_id.code or None,
            country_name=partner.country_id.name or None,
        )

    @api.model
    def _l10n_tr_edoc_party(self, partner, address_partner=None):
        """A UBL party for a company or person: VKN with the name, TCKN with first and family names."""
        commercial = partner.commercial_partner_id
        number = normalize_tax_id(commercial.vat)
        is_person = len(number) == 11
        person = None
        if is_person:
            first, family = split_person_name(commercial.name)
            person = d.Person(first_name=first, family_name=family)
        return d.Party(
            identifications=(d.Identifier(value=number, scheme_id="TCKN" if is_person else "VKN"),),
            name=None if is_person else commercial.name,
            person=person,
            address=self._l10n_tr_edoc_address(address_partner or commercial),
            tax_office=commercial.l10n_tr_edoc_tax_office or None,
            contact=d.Contact(telephone=commercial.phone or None, electronic_mail=commercial.email or None),
        )

    def _l10n_tr_edoc_despatch_advice(self, document):
        """The core DespatchAdvice of this delivery under ``document``'s number and ETTN."""
        self.ensure_one()
        issued = self._l10n_tr_edoc_local(document.create_date)
        despatched = self._l10n_tr_edoc_local(self.l10n_tr_edoc_despatch_at or document.create_date)
        drivers = tuple(
            d.Person(
                first_name=split_person_name(driver.name)[0],
                family_name=split_person_name(driver.name)[1],
                title=self.env._("Driver"),
                nationality_id=normalize_tax_id(driver.vat),
            )
            for driver in self.l10n_tr_edoc_driver_ids
        )
        plates = (
            (d.Identifier(value=self.l10n_tr_edoc_vehicle_id.name, scheme_id="PLAKA"),)
            if self.l10n_tr_edoc_vehicle_id
            else ()
        )
        trailers = tuple(
            d.Identifier(value=trailer.name, scheme_id="DORSEPLAKA")
            for trailer in self.l10n_tr_edoc_trailer_ids
        )
        stages = (d.ShipmentStage(vehicle_plates=plates, drivers=drivers),) if plates or drivers else ()
        carrier = self.l10n_tr_edoc_carrier_id
        shipment = d.Shipment(
            id="1",
            shipment_stages=stages,
            transport_handling_units=(d.TransportHandlingUnit(transport_equipment_ids=trailers),)
            if trailers
            else (),
            delivery=d.Delivery(
                delivery_address=self._l10n_tr_edoc_address(self.partner_id),
                carrier_party=self._l10n_tr_edoc_party(carrier) if carrier else None,
                despatch=d.Despatch(
                    actual_despatch_date=despatched.date(),
                    actual_despatch_time=despatched.time().replace(microsecond=0),
                ),
            ),
        )
        digits = self.env["decimal.precision"].precision_get("Product Unit")
        lines = tuple(
            d.DespatchLine(
                id=str(index),
                delivered_quantity=quantity(qty, digits),
                unit_code=move.product_uom._l10n_tr_edoc_unit_code(),
                item=d.Item(
                    name=move.product_id.name,
                    sellers_item_id=move.product_id.default_code or None,
                ),
            )
            for index, (move, qty) in enumerate(self._l10n_tr_edoc_despatch_quantities(), start=1)
        )
        printed = None
        if self.l10n_tr_edoc_despatch_type == "MATBUDAN":
            printed = d.DocumentReference(
                id=self.l10n_tr_edoc_printed_number,
                issue_date=self.l10n_tr_edoc_printed_date,
                document_type="MATBU",
            )
        return d.DespatchAdvice(
            profile_id="TEMELIRSALIYE",
            despatch_advice_type_code=self.l10n_tr_edoc_despatch_type or "SEVK",
            id=document.name,
            uuid=document.uuid,
            issue_date=document.issue_date,
            issue_time=issued.time().replace(microsecond=0),
            supplier=self._l10n_tr_edoc_party(self.company_id.partner_id),
            supplier_contact_name=self.env.user.name,
            delivery_customer=self._l10n_tr_edoc_party(self.partner_id),
            order_references=(d.DocumentReference(id=self.origin),) if self.origin else (),
            printed_document=printed,
            shipment=shipment,
            lines=lines,
        )

    @api.model
    def _l10n_tr_edoc_local(self, moment):
        """An ORM datetime (naive UTC) as Istanbul wall-clock time, which GİB dates and times follow."""
        return fields.Datetime.to_datetime(moment).replace(tzinfo=dt.UTC).astimezone(ISTANBUL)

    def _l10n_tr_edoc_despatch_route(self):
        """(VKN, alias) to send to: the receiver's PK alias, or GİB's mailbox for unregistered receivers."""
        receiver = self.partner_id.commercial_partner_id
        if receiver.l10n_tr_edoc_despatch_status == "registered":
            return normalize_tax_id(receiver.vat), receiver.l10n_tr_edoc_despatch_alias
        return GIB_DESPATCH_MAILBOX_VKN, GIB_DESPATCH_MAILBOX_ALIAS

    def action_l10n_tr_edoc_send_despatch(self):
        for picking in self:
            picking._l10n_tr_edoc_send_despatch()
        return True

    def action_l10n_tr_edoc_correct_despatch(self):
        """GİB refused the e-İrsaliye: make it sendable again under the same number, with the same
        ETTN when GİB refused it and a new one when the receiver's system did (İzibiz's rules).
        Fix the delivery, then send it again; the document's chatter and call log keep both tries."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if not document or document.kind != "despatch" or document.state != "rejected_by_gib":
            raise UserError(self.env._("Only an e-İrsaliye GİB refused is corrected this way."))
        new_uuid, _plan = document._l10n_tr_edoc_reopen_refused()
        if new_uuid:
            self.l10n_tr_edoc_uuid = new_uuid
        return True

    def _l10n_tr_edoc_send_despatch(self):
        """Number, build, check and send this delivery's e-İrsaliye; failures are kept on the document."""
        self.ensure_one()
        if self.picking_type_code != "outgoing" or self.state in ("draft", "cancel"):
            raise UserError(self.env._("Only confirmed deliveries can be sent as e-İrsaliye."))
        if self.l10n_tr_edoc_state not in SENDABLE_STATES:
            raise UserError(self.env._("The e-İrsaliye of %s was already sent.", self.display_name))
        account = self.company_id.l10n_tr_edoc_account_id
        if not account:
            raise UserError(
                self.env._("Configure an e-Document integrator for %s first.", self.company_id.name)
            )
        if problems := self._l10n_tr_edoc_despatch_problems():
            raise UserError(
                self.env._("The e-İrsaliye cannot be sent:\n%s", "\n".join(f"- {p}" for p in problems))
            )
        document = self.l10n_tr_edoc_document_id
        if not document or document.kind != "despatch" or document.direction != "out":
            document = self.env["l10n_tr_edoc.document"].create(
                {
                    "uuid": str(uuid.uuid4()).upper(),
                    "company_id": self.company_id.id,
                    "account_id": account.id,
                    "kind": "despatch",
                    "direction": "out",
                    "picking_id": self.id,
                    "profile": "TEMELIRSALIYE",
                }
            )
            self.l10n_tr_edoc_uuid = document.uuid
        if not document.name:
            today = self._l10n_tr_edoc_local(fields.Datetime.now()).date()
            series = self.env["l10n_tr_edoc.series"]._l10n_tr_edoc_find(
                self.company_id, "despatch", picking_type=self.picking_type_id
            )
            if not series:
                raise UserError(
                    self.env._("Create an e-İrsaliye document series for %s first.", self.company_id.name)
                )
            document.write(
                {"name": series._l10n_tr_edoc_take_number(today, today=today), "issue_date": today}
            )
        vkn, alias = self._l10n_tr_edoc_despatch_route()
        advice = self._l10n_tr_edoc_despatch_advice(document)
        xml = render_despatch_advice(dataclasses.replace(advice, xslt=xslt_attachment(advice)))
        report = validate_document(xml, today=document.issue_date)
        if not report.ok:
            raise UserError(
                self.env._(
                    "The e-İrsaliye failed its checks:\n%s",
                    "\n".join(f"- {i.message}" for i in report.errors),
                )
            )
        document._l10n_tr_edoc_gib_check_before_send(xml, document.name)
        document._l10n_tr_edoc_despatch_attach_xml(xml)
        document._l10n_tr_edoc_apply_event(
            "generate",
            type_code=advice.despatch_advice_type_code,
            sender_vat=advice.supplier.tax_id,
            receiver_vat=advice.delivery_customer.tax_id,
            receiver_alias=alias,
            error_code=False,
            error_message=False,
        )
        document._l10n_tr_edoc_apply_event("submit")
        outgoing = OutgoingDocument(
            uuid=document.uuid,
            xml=xml,
            number=document.name,
            receiver_vkn=vkn,
            receiver_alias=alias,
            sender_vkn=advice.supplier.tax_id,
            sender_alias=account.despatch_sender_alias or "",
        )
        document._l10n_tr_edoc_despatch_submit(
            lambda provider: provider.send_despatch([outgoing]), "SendDespatchAdvice"
        )
        return document

    def action_l10n_tr_edoc_refresh_despatch(self):
        """Ask the integrator now instead of waiting for the cron."""
        for account in self.company_id.l10n_tr_edoc_account_id:
            account._l10n_tr_edoc_claim_manual_fetch(despatch=True)
            self.with_company(account.company_id)._l10n_tr_edoc_despatch_sync(account)
        return True

    def action_l10n_tr_edoc_open_receipt_advice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send İrsaliye Yanıtı"),
            "res_model": "l10n_tr_edoc.receipt.advice.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_id": self.id, "active_model": self._name},
        }

    def _l10n_tr_edoc_despatch_reference(self):
        """The DespatchDocumentReference an invoice carries for this delivery once GİB holds it."""
        self.ensure_one()
        document = self.l10n_tr_edoc_document_id
        if not (document.kind == "despatch" and document.direction == "out" and self.l10n_tr_edoc_is_live):
            return None
        return d.DocumentReference(id=document.name, issue_date=document.issue_date)

    # -- synchronisation (cron) -----------------------------------------------------------------

    @api.model
    def _cron_l10n_tr_edoc_despatch_sync(self):
        """Per company, every ``despatch_status_interval`` minutes: follow statuses, fetch the
        receivers' answers and the despatches sent to us."""
        accounts = self.env["l10n_tr_edoc.account"].search([]).filtered("offers_despatch")
        for account in accounts:
            if not account._l10n_tr_edoc_despatch_poll_due():
                continue
            account.last_despatch_poll_at = fields.Datetime.now()
            company_self = self.with_company(account.company_id)
            try:
                company_self._l10n_tr_edoc_despatch_sync(account)
            except EdocError as error:
                self.env.cr.rollback()
                _logger.warning("e-İrsaliye sync failed for account %s: %s", account.id, error)
                continue
            self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _l10n_tr_edoc_despatch_sync(self, account):
        with account._l10n_tr_edoc_session():
            self._l10n_tr_edoc_poll_despatch_statuses(account)
            self._l10n_tr_edoc_fetch_receipt_advices(account)
            self._l10n_tr_edoc_fetch_incoming_despatches(account)

    @api.model
    def _l10n_tr_edoc_poll_despatch_statuses(self, account):
        Document = self.env["l10n_tr_edoc.document"]
        documents = Document.search(
            [
                ("account_id", "=", account.id),
                ("kind", "=", "despatch"),
                ("direction", "=", "out"),
                ("state", "in", ("sent", "unknown")),
            ]
        )
        if not documents:
            return documents
        provider = account._l10n_tr_edoc_get_provider()
        result = provider.despatch_status(documents.mapped("uuid"))
        Document._l10n_tr_edoc_log_exchanges("GetDespatchAdviceStatus", result.exchanges, account=account)
        by_uuid = result.by_uuid()
        for document in documents:
            status = by_uuid.get(document.uuid)
            if document.state == "unknown":
                document._l10n_tr_edoc_apply_event("found" if status and status.found else "not_found")
                if document.state != "sent":
                    continue
            if not (status and status.found):
                continue
            if status.platform_failed:
                document._l10n_tr_edoc_apply_event(
                    "platform_failed",
                    error_code="tr_edoc.integrator.failed",
                    **document._l10n_tr_edoc_platform_failure(status),
                )
                continue
            values = {
                "gib_status_code": status.gib_status_code and str(status.gib_status_code),
                "gib_status_text": status.gib_status_description or gib_status_text(status.gib_status_code),
            }
            outcome = classify_gib_status(status.gib_status_code)
            event = {
                GibOutcome.SUCCESS: "gib_delivered",
                GibOutcome.RESEND: "gib_rejected",
            }.get(outcome, "gib_waiting")
            document._l10n_tr_edoc_apply_event(event, **values)
        return documents

    @api.model
    def _l10n_tr_edoc_fetch_receipt_advices(self, account):
        """Receivers' answers to our despatches: lines kept on the delivery, an activity if not all taken."""
        Document = self.env["l10n_tr_edoc.document"]
        provider = account._l10n_tr_edoc_get_provider()
        done = []
        for incoming in provider.list_receipt_advices(with_content=True):
            if Document.search_count(
                [
                    ("company_id", "=", account.company_id.id),
                    ("uuid", "=", incoming.uuid),
                    ("direction", "=", "in"),
                ]
            ):
                done.append(incoming.uuid)
                continue
            advice = parse_receipt_advice(incoming.content)
            despatch = Document.search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("kind", "=", "despatch"),
                    ("direction", "=", "out"),
                    ("name", "=", advice.despatch_document_reference.id),
                ],
                limit=1,
            )
            if not despatch or despatch.state not in ("delivered", "sent"):
                _logger.info("Receipt advice %s answers no despatch of ours awaiting it", incoming.uuid)
                continue
            if despatch.state == "sent":
                despatch._l10n_tr_edoc_apply_event("gib_delivered")
            answer = Document.create(
                {
                    "uuid": incoming.uuid,
                    "name": advice.id,
                    "company_id": account.company_id.id,
                    "account_id": account.id,
                    "kind": "receipt_advice",
                    "direction": "in",
                    "state": "received",
                    "profile": advice.profile_id,
                    "type_code": advice.receipt_advice_type_code,
                    "issue_date": advice.issue_date,
                    "sender_vat": advice.delivery_customer.tax_id,
                    "receiver_vat": advice.despatch_supplier.tax_id,
                    "received_at": _utc_naive(incoming.received_at),
                    "parent_id": despatch.id,
                    "picking_id": despatch.picking_id.id,
                }
            )
            answer._l10n_tr_edoc_despatch_attach_xml(incoming.content)
            answer._l10n_tr_edoc_despatch_store_answer_lines(advice)
            event = self._l10n_tr_edoc_answer_event(advice)
            despatch._l10n_tr_edoc_apply_event(event)
            if event != "answer_accepted" and despatch.picking_id:
                despatch.picking_id.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Receiver did not accept the whole e-İrsaliye"),
                    note=self.env._(
                        "%(customer)s answered e-İrsaliye %(number)s with İrsaliye Yanıtı %(answer)s: "
                        "some goods "
                        "were rejected, short or in excess. See the e-İrsaliye tab.",
                        customer=despatch.picking_id.partner_id.display_name,
                        number=despatch.name,
                        answer=advice.id,
                    ),
                    user_id=(despatch.picking_id.user_id or despatch.create_uid or self.env.user).id,
                )
            done.append(incoming.uuid)
        if done:
            provider.mark_read("receipt_advice", done)
        return done

    @api.model
    def _l10n_tr_edoc_answer_event(self, advice):
        lines = advice.lines
        if all(
            not (line.rejected_quantity or line.short_quantity or line.oversupply_quantity) for line in lines
        ):
            return "answer_accepted"
        if all(not line.received_quantity for line in lines):
            return "answer_rejected"
        return "answer_partial"

    @api.model
    def _l10n_tr_edoc_fetch_incoming_despatches(self, account):
        """Despatches sent to us: stored, then matched to an open receipt or turned into a draft one."""
        Document = self.env["l10n_tr_edoc.document"]
        provider = account._l10n_tr_edoc_get_provider()
        done = []
        for incoming in provider.list_incoming(DESPATCH, with_content=True):
            known = Document.search(
                [
                    ("company_id", "=", account.company_id.id),
                    ("uuid", "=", incoming.uuid),
                    ("direction", "=", "in"),
                ],
                limit=1,
            )
            if not known:
                known = Document.create(
                    {
                        "uuid": incoming.uuid,
                        "name": incoming.number,
                        "company_id": account.company_id.id,
                        "account_id": account.id,
                        "kind": "despatch",
                        "direction": "in",
                        "profile": incoming.profile,
                        "type_code": incoming.type_code,
                        "issue_date": incoming.issue_date,
                        "sender_vat": incoming.sender_vkn,
                        "receiver_vat": incoming.receiver_vkn,
                        "received_at": _utc_naive(incoming.received_at),
                    }
                )
                known._l10n_tr_edoc_despatch_attach_xml(incoming.content)
            if known.state in ("received", "import_failed"):
                known._l10n_tr_edoc_import_despatch()
            done.append(incoming.uuid)
        if done:
            provider.mark_read(DESPATCH, done)
        return done

    def _l10n_tr_edoc_flag_route_change(self):
        """Mark an open delivery whose partner now receives e-İrsaliye differently, and say so."""
        self.ensure_one()
        self.l10n_tr_edoc_route_changed = True
        partner = self.partner_id.commercial_partner_id
        self.message_post(
            body=self.env._(
                "%(partner)s changed in the GİB user list (e-İrsaliye: %(status)s, alias %(alias)s): "
                "check the despatch channel before validating.",
                partner=partner.display_name,
                status=partner.l10n_tr_edoc_despatch_status,
                alias=partner.l10n_tr_edoc_despatch_alias or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
