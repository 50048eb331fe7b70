import uuid
from datetime import timedelta

from ..core import documents as d
from ..core.providers.base import OutgoingDocument
from ..core.providers.izibiz import IzibizSandboxProvider
from ..core.sandbox.demo import DEMO_COMPANIES
from ..core.ubl import build_despatch_advice, serialize
from ..core.ubl.parse import parse_despatch_advice
from .common import L10nTrEdocCase

CUSTOMER = DEMO_COMPANIES[1]
UNREGISTERED_VKN = "9000068418"
DRIVER_TCKN = "10000000146"


class L10nTrEdocDespatchCase(L10nTrEdocCase):
    """Our company (a sandbox demo company) with a registered customer/supplier on the same sandbox."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.edoc_account.write(
            {
                "despatch_sender_alias": cls.demo.despatch_gb_alias,
                "despatch_receiver_alias": cls.demo.despatch_pk_alias,
            }
        )
        turkey = cls.env.ref("base.tr")
        ankara = cls.env["res.country.state"].search([("country_id", "=", turkey.id), ("code", "=", "06")])
        izmir = cls.env["res.country.state"].search([("country_id", "=", turkey.id), ("code", "=", "35")])
        cls.company.partner_id.write(
            {"street": "Atatürk Caddesi 12", "city": "Çankaya", "state_id": ankara.id, "zip": "06690"}
        )
        cls.company.partner_id.country_id = turkey
        address = {"street": "Cumhuriyet Bulvarı 5", "city": "Konak", "state_id": izmir.id, "zip": "35250"}
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": CUSTOMER.title,
                "is_company": True,
                "vat": CUSTOMER.vkn,
                "country_id": turkey.id,
                "l10n_tr_edoc_tax_office": "Konak",
                "l10n_tr_edoc_despatch_status": "registered",
                "l10n_tr_edoc_despatch_alias": CUSTOMER.despatch_pk_alias,
                **address,
            }
        )
        cls.unregistered = Partner.create(
            {
                "name": "Kayıtsız Müşteri Ltd.",
                "is_company": True,
                "vat": UNREGISTERED_VKN,
                "country_id": turkey.id,
                **address,
            }
        )
        # written after the VAT, which would otherwise recompute it from the (empty) GİB user table
        cls.unregistered.l10n_tr_edoc_despatch_status = "not_registered"
        cls.driver = Partner.create({"name": "Ali Kaya", "vat": DRIVER_TCKN, "country_id": turkey.id})
        Vehicle = cls.env["l10n_tr_edoc.vehicle"]
        cls.truck = Vehicle.create({"name": "06 abc 123", "kind": "vehicle"})
        cls.trailer = Vehicle.create({"name": "06-DR-456", "kind": "trailer"})
        Product = cls.env["product.product"]
        cls.pump = Product.create({"name": "Hidrolik pompa", "default_code": "HP-1", "type": "consu"})
        cls.grease = Product.create(
            {
                "name": "Gres yağı",
                "default_code": "GR-2",
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_kgm").id,
            }
        )
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)

    def setUp(self):
        super().setUp()
        # The sandbox outlives each test's rollback and refuses a number twice, as GİB would:
        # every test draws from series of its own.
        type(self).series_count = getattr(type(self), "series_count", 0) + 1
        Series = self.env["l10n_tr_edoc.series"]
        for kind, letter in (("despatch", "S"), ("receipt_advice", "Y")):
            Series.create(
                {"company_id": self.company.id, "kind": kind, "prefix": f"{letter}{self.series_count:02d}"}
            )

    def _customer_provider(self):
        """The other company's own integrator client: what our customer or supplier does on its side."""
        return IzibizSandboxProvider(
            username=CUSTOMER.username, password=CUSTOMER.password, base_url=self.sandbox_server.url
        )

    def _picking(self, picking_type, partner, lines, **values):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": picking_type.default_location_dest_id.id,
                        },
                    )
                    for product, qty in lines
                ],
                **values,
            }
        )
        picking.action_confirm()
        return picking

    def _delivery(self, partner=None, **values):
        values.setdefault("l10n_tr_edoc_driver_ids", [(6, 0, self.driver.ids)])
        values.setdefault("l10n_tr_edoc_vehicle_id", self.truck.id)
        values.setdefault("l10n_tr_edoc_trailer_ids", [(6, 0, self.trailer.ids)])
        return self._picking(
            self.warehouse.out_type_id,
            partner or self.customer,
            [(self.pump, 5), (self.grease, 12.5)],
            **values,
        )

    def _sync(self):
        self.env["stock.picking"]._l10n_tr_edoc_despatch_sync(self.edoc_account)

    def _let_gib_finish(self):
        self.sandbox.clock.advance(timedelta(hours=2))

    def assertSchematronClean(self, document):
        return self.assertGibValid(document._l10n_tr_edoc_despatch_xml())

    def _supplier_sends_despatch(self, number, lines, order=None):
        """Our supplier (the other demo company) sends us an e-İrsaliye built with the core."""
        address = d.Address(
            street_name="Cumhuriyet Bulvarı 5",
            city_subdivision_name="Konak",
            city_name="İzmir",
            postal_zone="35250",
            country_code="TR",
            country_name="Türkiye",
        )
        supplier = d.Party(
            identifications=(d.Identifier(value=CUSTOMER.vkn, scheme_id="VKN"),),
            name=CUSTOMER.title,
            address=address,
            tax_office="Konak",
        )
        us = d.Party(
            identifications=(d.Identifier(value=self.demo.vkn, scheme_id="VKN"),),
            name=self.company.name,
            address=address,
            tax_office="Kadıköy",
        )
        today = self.sandbox.clock.now()
        advice = d.DespatchAdvice(
            profile_id="TEMELIRSALIYE",
            despatch_advice_type_code="SEVK",
            id=f"EGE{today.year}{number:09d}",
            uuid=str(uuid.uuid4()).upper(),
            issue_date=today.date(),
            issue_time=today.time().replace(microsecond=0, tzinfo=None),
            supplier=supplier,
            delivery_customer=us,
            order_references=(d.DocumentReference(id=order, issue_date=today.date()),) if order else (),
            shipment=d.Shipment(
                id="1",
                delivery=d.Delivery(
                    delivery_address=address,
                    carrier_party=supplier,
                    despatch=d.Despatch(
                        actual_despatch_date=today.date(),
                        actual_despatch_time=today.time().replace(microsecond=0, tzinfo=None),
                    ),
                ),
            ),
            lines=tuple(
                d.DespatchLine(
                    id=str(index),
                    delivered_quantity=qty,
                    unit_code=unit,
                    item=d.Item(name=name, buyers_item_id=code),
                )
                for index, (name, code, qty, unit) in enumerate(lines, start=1)
            ),
        )
        xml = serialize(build_despatch_advice(advice))
        self._customer_provider().send_despatch(
            [
                OutgoingDocument(
                    uuid=advice.uuid,
                    xml=xml,
                    number=advice.id,
                    receiver_vkn=self.demo.vkn,
                    receiver_alias=self.demo.despatch_pk_alias,
                )
            ]
        )
        return parse_despatch_advice(xml)
