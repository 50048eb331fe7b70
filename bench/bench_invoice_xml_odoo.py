"""Invoice → UBL-TR XML for one posted 20-line invoice: this addon against Odoo 19's own
``account.edi.xml.ubl.tr`` (l10n_tr_nilvera_einvoice), on the same invoice in the same database.

Runs inside ``odoo-bin shell`` on a database where l10n_tr_edoc and l10n_tr_nilvera_einvoice are installed;
everything it creates is rolled back. Example (from the repository root, after scripts/setup.sh):

    source scripts/common.sh; addons=$(addons_dir); clone_db bench_xml
    odoo_bin "$addons" -d bench_xml -i l10n_tr_edoc,l10n_tr_nilvera_einvoice --stop-after-init
    odoo_bin "$addons" shell -d bench_xml --no-http < bench/bench_invoice_xml_odoo.py
"""

import datetime
import statistics
import time

from odoo import Command

from odoo.addons.l10n_tr_edoc.core.ubl import render_invoice

ROUNDS = 50


def _setup(env):
    company = env["res.company"].create(
        {
            "name": "Bench Ticaret A.Ş.",
            "vat": "1234567890",
            "country_id": env.ref("base.tr").id,
            "currency_id": env.ref("base.TRY").id,
            "street": "Atatürk Caddesi 1",
            "city": "Kadıköy",
            "state_id": env.ref("base.state_tr_34").id,
            "l10n_tr_edoc_tax_office": "Kadıköy",
        }
    )
    env["account.chart.template"].try_loading("tr", company=company, install_demo=False)
    env = env(context={**env.context, "allowed_company_ids": [company.id]})
    env.user.company_ids |= company
    env["l10n_tr_edoc.account"].create({"company_id": company.id, "provider": "sandbox"})
    partner = env["res.partner"].create(
        {
            "name": "Bench Alıcı Ltd.",
            "is_company": True,
            "vat": "9876543217",
            "country_id": env.ref("base.tr").id,
            "street": "Cumhuriyet Bulvarı 5",
            "city": "Konak",
            "state_id": env.ref("base.state_tr_35").id,
            "l10n_tr_edoc_tax_office": "Konak",
            "l10n_tr_edoc_einvoice_status": "registered",
        }
    )
    # checked already, so Odoo's builder does not ask Nilvera's servers (the network is closed here)
    partner.l10n_tr_nilvera_customer_status = "earchive"
    taxes = [env["account.chart.template"].with_company(company).ref(x) for x in ("tr_s_20", "tr_s_10")]
    product = env["product.product"].create({"name": "Hidrolik pompa", "default_code": "HP-001"})
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "invoice_date": datetime.date.today(),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": n % 7 + 1,
                        "price_unit": 100 + n + 0.25,
                        "tax_ids": taxes[n % 2].ids,
                    }
                )
                for n in range(1, 21)
            ],
        }
    )
    move.action_post()
    return move


def _rounds(functions):
    """Per-round times of each function, the functions taking turns round after round, so that a
    busier moment of the machine weighs on both alike; the median of each is compared."""
    for function in functions:
        function()  # warm caches outside the timing
    times = [[] for _ in functions]
    results = [None] * len(functions)
    for _round in range(ROUNDS):
        for index, function in enumerate(functions):
            move.invalidate_recordset()
            started = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - started)
    return [statistics.median(each) for each in times], results


move = _setup(env)  # noqa: F821 (env comes from odoo-bin shell)
odoo_ubl_tr = move.env["account.edi.xml.ubl.tr"]
(ours, theirs), (xml, (odoo_xml, _errors)) = _rounds(
    [
        lambda: render_invoice(move._l10n_tr_edoc_to_invoice("ABC2026000000001")),
        lambda: odoo_ubl_tr._export_invoice(move),
    ]
)
print(
    f"[bench] one posted invoice of {len(move.invoice_line_ids)} lines, median of {ROUNDS} alternating rounds"
)
print(f"[bench] l10n_tr_edoc          {ours * 1000:8.2f} ms  {len(xml):7d} bytes")
print(f"[bench] account.edi.xml.ubl.tr {theirs * 1000:8.2f} ms  {len(odoo_xml):7d} bytes")
print(f"[bench] ratio (Odoo / l10n_tr_edoc) {theirs / ours:.2f}")
env.cr.rollback()  # noqa: F821
