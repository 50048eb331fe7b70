# Run inside `odoo-bin shell` by scripts/run.sh: a Turkish demo company wired to the sandbox integrator.
# Idempotent, so every start re-points the account at the sandbox's current address.
# `env` is provided by odoo-bin shell; tests/test_demo_company.py calls build() on its own database.
import os
import uuid

from odoo import Command
from odoo.exceptions import UserError

from odoo.addons.l10n_tr_edoc.core.documents import Identifier
from odoo.addons.l10n_tr_edoc.core.providers.base import OutgoingDocument
from odoo.addons.l10n_tr_edoc.core.providers.izibiz import IzibizSandboxProvider
from odoo.addons.l10n_tr_edoc.core.sandbox.demo import DEMO_COMPANIES, DEMO_DESPATCH_ITEMS, DEMO_RED_BUYER
from odoo.addons.l10n_tr_edoc.core.tests import factories
from odoo.addons.l10n_tr_edoc.core.ubl import render_invoice


def build(env, sandbox_url, *, commit=None, gib_package=True, say=print):
    """The demo company, its sandbox account and something to do on the first start; returns the company.

    ``commit`` keeps what was imported before the sandbox is told it was read (the run command's
    shell commits; a test leaves it to its transaction).
    """
    commit = commit or env.cr.commit
    own, *others = DEMO_COMPANIES
    turkey = env.ref("base.tr")
    company = env["res.company"].search([("vat", "=", own.vkn)], limit=1)
    if not company:
        company = env["res.company"].create(
            {
                "name": "Anadolu Ticaret A.Ş. (Demo)",
                "vat": own.vkn,
                "country_id": turkey.id,
                "currency_id": env.ref("base.TRY").id,
                "street": "Atatürk Caddesi No: 1",
                "city": "Kadıköy",
                "state_id": env.ref("base.state_tr_34").id,
                "zip": "34710",
                "l10n_tr_edoc_tax_office": "Kadıköy",
            }
        )
        env["account.chart.template"].try_loading("tr", company=company, install_demo=False)
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [(4, company.id)], "company_id": company.id})

    izmir = env.ref("base.state_tr_35")
    customers = [
        # registered e-Fatura users of the sandbox; the second one's mailbox is refused by the simulated GİB
        *(
            {
                "name": demo.title,
                "vat": demo.vkn,
                "l10n_tr_edoc_einvoice_status": "registered",
                "l10n_tr_edoc_einvoice_alias": demo.pk_alias,
            }
            for demo in others
        ),
        # a public administration in the sandbox's GİB list: choose the KAMU scenario on its invoice
        {
            "name": "T.C. Sandbox Valiliği (KAMU)",
            "vat": "3900892152",
            "l10n_tr_edoc_einvoice_status": "registered",
            "l10n_tr_edoc_einvoice_alias": "urn:mail:defaultpk@valilik.sandbox.example",
        },
        # answers RED to every TICARIFATURA (its default scenario): see a buyer's RED arrive
        {
            "name": DEMO_RED_BUYER.title,
            "vat": DEMO_RED_BUYER.vkn,
            "l10n_tr_edoc_einvoice_status": "registered",
            "l10n_tr_edoc_einvoice_alias": DEMO_RED_BUYER.pk_alias,
            "l10n_tr_edoc_einvoice_profile": "TICARIFATURA",
        },
        # not in GİB's list: its invoices go out as e-Arşiv
        {
            "name": "Marmara Perakende A.Ş. (e-Arşiv)",
            "vat": "9000068418",
            "email": "muhasebe@marmara.example",
            "l10n_tr_edoc_einvoice_status": "not_registered",
        },
    ]
    for values in customers:
        partner = env["res.partner"].search([("vat", "=", values["vat"])], limit=1)
        if not partner:
            env["res.partner"].create(
                {
                    "is_company": True,
                    "country_id": turkey.id,
                    "street": "Cumhuriyet Bulvarı 5",
                    "city": "Bornova",
                    "zip": "35040",
                    "state_id": izmir.id,
                    "l10n_tr_edoc_tax_office": "Bornova",
                    **values,
                }
            )
        elif not partner.zip:  # an e-İrsaliye address needs the postal code older demos left out
            partner.zip = "35040"
    if not env["res.partner"].search([("name", "=", "Müller Handels GmbH (IHRACAT)")], limit=1):
        env["res.partner"].create(
            {
                "name": "Müller Handels GmbH (IHRACAT)",
                "is_company": True,
                "vat": "DE123456789",
                "country_id": env.ref("base.de").id,
                "street": "Hauptstraße 5",
                "city": "Berlin",
                "zip": "10115",
            }
        )
    company.partner_id.write({"street": company.street or "Atatürk Caddesi No: 1", "city": "Kadıköy"})
    # KAMU invoices carry the IBAN the public administration pays to
    if not env["res.partner.bank"].search([("partner_id", "=", company.partner_id.id)], limit=1):
        env["res.partner.bank"].create(
            {
                "acc_number": "TR330006100519786457841326",
                "partner_id": company.partner_id.id,
                "allow_out_payment": True,
            }
        )
    # e-İrsaliye needs a warehouse: its delivery operation type is what a new delivery starts from
    if not env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1):
        env["stock.warehouse"].with_company(company).create(
            {
                "name": "Kadıköy Depo",
                "code": "KDK",
                "company_id": company.id,
                "partner_id": company.partner_id.id,
            }
        )
    Series = env["l10n_tr_edoc.series"].with_company(company)
    for prefix, kind in (
        ("ANA", "einvoice"),
        ("IHR", "export"),
        ("EAR", "earchive"),
        ("EAI", "earchive_internet"),
        ("IRS", "despatch"),
        ("IRY", "receipt_advice"),
    ):
        if not Series.search([("company_id", "=", company.id), ("kind", "=", kind)], limit=1):
            Series.create({"company_id": company.id, "prefix": prefix, "kind": kind})

    # what the sandbox's sample e-İrsaliye brings (matched by code) and what a delivery can ship or export
    Product = env["product.product"].with_company(company)
    for name, code, _quantity, unit in DEMO_DESPATCH_ITEMS:
        if not Product.search([("default_code", "=", code)], limit=1):
            Product.create(
                {
                    "name": name,
                    "default_code": code,
                    "type": "consu",
                    "list_price": 1250.0,
                    "uom_id": env["uom.uom"]._l10n_tr_edoc_from_code(unit).id
                    or env.ref("uom.product_uom_unit").id,
                    "l10n_tr_edoc_gtip": "842139200000" if unit == "C62" else False,
                }
            )

    Account = env["l10n_tr_edoc.account"].with_company(company)
    account = Account.search([("company_id", "=", company.id)], limit=1) or Account.create(
        {"company_id": company.id, "provider": "sandbox"}
    )
    account.write(
        {
            "provider": "sandbox",
            "sandbox_url": sandbox_url,
            "username": own.username,
            "password": own.password,
            "sender_alias": own.gb_alias,
            "receiver_alias": own.pk_alias,
            "despatch_sender_alias": own.despatch_gb_alias,
            "despatch_receiver_alias": own.despatch_pk_alias,
        }
    )
    # GİB's package, so that demo sends pass GİB's XSD and schematron: a folder named by
    # L10N_TR_EDOC_GIB_PACKAGE, else downloaded from GİB by the settings' own button (once; later starts
    # keep it).
    params = env["ir.config_parameter"].sudo()
    package_folder = os.environ.get("L10N_TR_EDOC_GIB_PACKAGE")
    if gib_package and package_folder:
        params.set_param("l10n_tr_edoc.gib_package_dir", package_folder)
    elif gib_package and not env["account.move"]._l10n_tr_edoc_gib_package_dir():
        for key in ("ubl", "efatura"):
            url = os.environ.get(f"L10N_TR_EDOC_GIB_PACKAGE_URL_{key.upper()}")
            if url:
                params.set_param(f"l10n_tr_edoc.gib_package_url_{key}", url)
        try:
            env["res.config.settings"].create({}).action_l10n_tr_edoc_download_gib_package()
        except UserError as error:
            say(f"[run] {error.args[0]} The demo checks documents with the pre-flight rules only.")
    say(f"[run] {env['account.move']._l10n_tr_edoc_gib_package_status()}")
    commit()
    say(f"[run] demo company {company.name} (VKN {own.vkn}) uses the sandbox account {account.name}")

    # Something to do on the first start: a supplier's commercial invoice waiting for KABUL/RED, and an
    # invoice to send. The sandbox forgets everything when it stops; what Odoo imported stays.
    Document = env["l10n_tr_edoc.document"]
    if not Document.search_count([("company_id", "=", company.id), ("direction", "=", "in")]):
        supplier = others[0]
        invoice = factories.invoice(
            None,
            profile="TICARIFATURA",
            number=uuid.uuid4().int % 10**8,
            uuid=str(uuid.uuid4()).upper(),
            supplier=factories.seller(identifications=(Identifier(value=supplier.vkn, scheme_id="VKN"),)),
            customer=factories.company_buyer(identifications=(Identifier(value=own.vkn, scheme_id="VKN"),)),
        )
        IzibizSandboxProvider(
            username=supplier.username, password=supplier.password, base_url=account.sandbox_url
        ).send_invoices(
            [
                OutgoingDocument(
                    uuid=invoice.uuid,
                    number=invoice.id,
                    xml=render_invoice(invoice),
                    receiver_vkn=own.vkn,
                    receiver_alias=own.pk_alias,
                )
            ]
        )
        account.with_company(company)._l10n_tr_edoc_fetch_incoming_invoices()
        say(f"[run] {supplier.title} sent a TICARIFATURA to answer (KABUL/RED) before its 8-day deadline")
    # sending never decides on an unknown or stale registration: take GİB's list from the sandbox first
    account.with_company(company)._l10n_tr_edoc_sync_gib_users(full=True)
    say("[run] GİB's registered-user list synced from the sandbox")
    Move = env["account.move"].with_company(company)
    if not Move.search_count([("company_id", "=", company.id), ("move_type", "=", "out_invoice")]):
        customer = env["res.partner"].search([("vat", "=", others[0].vkn)], limit=1)
        move = Move.create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Danışmanlık hizmeti",
                            "quantity": 10,
                            "price_unit": 1500,
                            "tax_ids": [Command.set(company.account_sale_tax_id.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        say(
            f"[run] invoice {move.name} to {customer.name} is posted and waits to be sent (Send > e-Document)"
        )
    say(
        f"[run] {others[0].title} sent an e-İrsaliye: e-Documents > Overview > Fetch Incoming e-İrsaliye, "
        "then answer it with an İrsaliye Yanıtı from its receipt"
    )
    say(f"[run] {DEMO_RED_BUYER.title} answers RED to every TICARIFATURA it is sent")
    commit()
    return company


if __name__ == "__main__":
    build(env, os.environ.get("SANDBOX_URL", "http://127.0.0.1:8790"))
