# Run inside `odoo-bin shell` by scripts/run.sh: a Turkish demo company wired to the sandbox integrator.
# Idempotent, so every start re-points the account at the sandbox's current address.
# `env` is provided by odoo-bin shell.
import os

from odoo.addons.l10n_tr_edoc.core.sandbox.demo import DEMO_COMPANIES

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
    # not in GİB's list: its invoices go out as e-Arşiv
    {
        "name": "Marmara Perakende A.Ş. (e-Arşiv)",
        "vat": "9000068418",
        "email": "muhasebe@marmara.example",
        "l10n_tr_edoc_einvoice_status": "not_registered",
    },
]
for values in customers:
    if not env["res.partner"].search([("vat", "=", values["vat"])], limit=1):
        env["res.partner"].create(
            {
                "is_company": True,
                "country_id": turkey.id,
                "street": "Cumhuriyet Bulvarı 5",
                "city": "Bornova",
                "state_id": izmir.id,
                "l10n_tr_edoc_tax_office": "Bornova",
                **values,
            }
        )
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
Series = env["l10n_tr_edoc.series"].with_company(company)
for prefix, kind in (
    ("ANA", "einvoice"),
    ("IHR", "export"),
    ("EAR", "earchive"),
    ("EAI", "earchive_internet"),
):
    if not Series.search([("company_id", "=", company.id), ("kind", "=", kind)], limit=1):
        Series.create({"company_id": company.id, "prefix": prefix, "kind": kind})

Account = env["l10n_tr_edoc.account"].with_company(company)
account = Account.search([("company_id", "=", company.id)], limit=1) or Account.create(
    {"company_id": company.id, "provider": "sandbox"}
)
account.write(
    {
        "provider": "sandbox",
        "sandbox_url": os.environ.get("SANDBOX_URL", "http://127.0.0.1:8790"),
        "username": own.username,
        "password": own.password,
        "sender_alias": own.gb_alias,
        "receiver_alias": own.pk_alias,
        "despatch_sender_alias": own.despatch_gb_alias,
        "despatch_receiver_alias": own.despatch_pk_alias,
    }
)
env.cr.commit()
print(f"[run] demo company {company.name} (VKN {own.vkn}) uses the sandbox account {account.name}")
