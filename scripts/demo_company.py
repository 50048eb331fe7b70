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

for demo in others:
    if not env["res.partner"].search([("vat", "=", demo.vkn)], limit=1):
        env["res.partner"].create(
            {
                "name": demo.title,
                "is_company": True,
                "vat": demo.vkn,
                "country_id": turkey.id,
                "city": "İzmir",
                "l10n_tr_edoc_tax_office": "Bornova",
            }
        )

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
