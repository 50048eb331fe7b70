"""Full and delta sync of a synthetic GİB user list into PostgreSQL through the addon's own code.

The sandbox runs in a child process and serves 1,000,000 synthetic users with an e-Fatura and
an e-İrsaliye PK alias each (2,000,000 aliases). This process is a plain Odoo registry on a
database with l10n_tr_edoc installed; it calls ``l10n_tr_edoc.account._l10n_tr_edoc_sync_gib_users``
with a real commit after each batch, exactly as the cron does. Then 5,000 users swap their
e-Fatura alias at the sandbox (10,000 changed rows) and a delta sync is timed, then a second full
sync over the filled table (the periodic full resync).

    source scripts/common.sh; clone_db bench_gib
    odoo_bin "$(addons_dir)" -d bench_gib -i l10n_tr_edoc --stop-after-init
    /opt/odoo-venv/bin/python bench/bench_gib_user_sync.py --db bench_gib [--count 1000000] \
        [--changes 10000] [--provider izibiz|kolaysoft|nilvera]

``--provider`` picks the sandbox front-end the account talks to: İzibiz's GetGibUserList (flat
rows, a real delta), Kolaysoft's GetNewUserPKList/GBList or Nilvera's GlobalCompany lists (GİB's
own format; their delta reads the full lists and keeps what changed).

Prints wall time, rows per second and the peak RSS of this process (the sandbox's memory is
its own process's); the download time includes the sandbox building its ZIP. The machine's load
average and this process's CPU time are printed too: on a shared machine the wall time depends
on what else runs, the CPU time much less.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo-src"))
PROVIDERS = {"izibiz": "sandbox", "kolaysoft": "sandbox_kolaysoft", "nilvera": "sandbox_nilvera"}
REFERENCE = Path(os.environ.get("L10N_TR_EDOC_REFERENCE") or REPO.parent / "shared" / "reference")
WSDL = REFERENCE / "wsdl" / "izibiz"


def serve_sandbox(count, pipe):
    """Child process: the sandbox with ``count`` synthetic users, driven by messages on ``pipe``."""
    sys.path.insert(0, str(REPO))
    from core.sandbox import Sandbox

    sandbox = Sandbox(wsdl_dir=WSDL)
    sandbox.seed_demo()
    sandbox.registry.set_synthetic_count(count, despatch=True)
    with sandbox.serve() as server:
        pipe.send(server.url)
        while (message := pipe.recv()) != "stop":
            changed_users = message
            at = sandbox.clock.advance(timedelta(hours=1))
            sandbox.registry.churn_synthetic(changed_users, at)
            pipe.send("ok")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load():
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def odoo_env(db):
    addons = Path(tempfile.mkdtemp(prefix="l10n_tr_edoc_bench_"))
    (addons / "l10n_tr_edoc").symlink_to(REPO)
    sys.path.insert(0, str(ODOO_PATH))
    from odoo.tools import config

    config.parse_config(
        [
            "-d",
            db,
            f"--addons-path={ODOO_PATH}/addons,{ODOO_PATH}/odoo/addons,{addons}",
            "--http-interface=127.0.0.1",
            "--log-level=warn",
        ]
    )
    from odoo.modules.registry import Registry

    return Registry(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database with l10n_tr_edoc installed (it is modified)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--provider", choices=sorted(PROVIDERS), default="izibiz")
    args = parser.parse_args()

    parent, child = multiprocessing.get_context("spawn").Pipe()
    sandbox = multiprocessing.get_context("spawn").Process(target=serve_sandbox, args=(args.count, child))
    sandbox.start()
    url = parent.recv()
    try:
        run_bench(args, url, parent)
    finally:
        parent.send("stop")
        sandbox.join(30)


def run_bench(args, url, sandbox):
    registry = odoo_env(args.db)
    from odoo import SUPERUSER_ID, api

    sys.path.insert(0, str(REPO))
    from core.sandbox.demo import DEMO_COMPANIES
    from core.sandbox.nilvera import api_key_for

    demo = DEMO_COMPANIES[0]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute(
            "TRUNCATE l10n_tr_edoc_gib_user, l10n_tr_edoc_gib_user_alias, l10n_tr_edoc_gib_user_sync CASCADE"
        )
        env["l10n_tr_edoc.account"].with_context(active_test=False).search([]).unlink()
        company = env["res.company"].search([("name", "=", "Bench TR")]) or env["res.company"].create(
            {"name": "Bench TR", "country_id": env.ref("base.tr").id, "vat": demo.vkn}
        )
        company.partner_id.l10n_tr_edoc_tax_office = "Kadıköy"
        account = env["l10n_tr_edoc.account"].create(
            {
                "company_id": company.id,
                "provider": PROVIDERS[args.provider],
                "sandbox_url": url,
                "username": demo.username,
                "password": demo.password,
                "api_key": api_key_for(demo),
            }
        )
        cr.commit()
        baseline = peak_rss_mb()

        def commit(count, remaining=1):
            cr.commit()
            return float("inf")

        print(f"provider: {args.provider} ({account.provider}); {load()}")
        started, cpu = time.perf_counter(), time.process_time()
        run = account._l10n_tr_edoc_sync_gib_users(full=True, commit=commit)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = run.users_done + run.aliases_done
        print(
            f"full sync: {run.users_done:,} users + {run.aliases_done:,} aliases in {elapsed:.1f} s "
            f"({rows / elapsed:,.0f} rows/s, CPU {cpu:.1f} s in this process), state {run.state}; "
            f"peak RSS {peak_rss_mb():.0f} MB (Odoo registry before the sync: {baseline:.0f} MB); {load()}"
        )

        sandbox.send(args.changes // 2)
        sandbox.recv()
        started = time.perf_counter()
        run = account._l10n_tr_edoc_sync_gib_users(commit=commit)
        elapsed = time.perf_counter() - started
        print(
            f"delta sync: {run.aliases_done:,} changed aliases of {run.users_done:,} users "
            f"in {elapsed:.2f} s, "
            f"state {run.state}; peak RSS {peak_rss_mb():.0f} MB"
        )
        started, cpu = time.perf_counter(), time.process_time()
        run = account._l10n_tr_edoc_sync_gib_users(full=True, commit=commit)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"full sync over the filled table: {run.users_done:,} users + {run.aliases_done:,} aliases "
            f"in {elapsed:.1f} s (CPU {cpu:.1f} s), state {run.state}; peak RSS {peak_rss_mb():.0f} MB; "
            f"{load()}"
        )
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE deleted_at IS NOT NULL) FROM l10n_tr_edoc_gib_user_alias"
        )
        total, closed = cr.fetchone()
        cr.execute("SELECT pg_size_pretty(pg_total_relation_size('l10n_tr_edoc_gib_user_alias'))")
        print(f"alias table: {total:,} rows, {closed:,} closed, {cr.fetchone()[0]} with indexes")


if __name__ == "__main__":
    main()
