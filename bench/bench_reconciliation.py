"""Form Ba/Bs totals over N documents, and a bulk SendReconciliation of M lines to the sandbox; print figures.

Usage: python bench/bench_reconciliation.py [--documents 200000] [--partners 5000] [--send 500]
       [--reference DIR]
"""

import argparse
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.providers.izibiz import IzibizProvider  # noqa: E402
from core.reconciliation import FORM_OF_KIND, BabsDocument, Reconciliation, compute_babs  # noqa: E402
from core.sandbox import Sandbox  # noqa: E402
from core.sandbox.demo import DEMO_COMPANIES  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--send", type=int, default=500)
    default_reference = os.environ.get("L10N_TR_EDOC_REFERENCE", str(REPO.parent / "shared" / "reference"))
    parser.add_argument("--reference", default=default_reference)
    args = parser.parse_args()

    rng = random.Random(22)
    kinds = list(FORM_OF_KIND)
    documents = [
        BabsDocument(
            n, rng.randrange(args.partners), rng.choice(kinds), Decimal(rng.randrange(100, 900_000)) / 100
        )
        for n in range(args.documents)
    ]
    started = time.perf_counter()
    lines = compute_babs(documents)
    elapsed = time.perf_counter() - started
    print(
        f"compute_babs: {args.documents} documents, {args.partners} partners -> {len(lines)} lines "
        f"in {elapsed:.2f} s ({args.documents / elapsed:,.0f} documents/s)"
    )

    sandbox = Sandbox(wsdl_dir=Path(args.reference) / "wsdl" / "izibiz")
    sandbox.seed_demo()
    company = DEMO_COMPANIES[0]
    with sandbox.serve(host="127.0.0.1", port=0) as server:
        provider = IzibizProvider(username=company.username, password=company.password, base_url=server.url)
        batch = [
            Reconciliation(
                type="EM",
                uuid=str(uuid.uuid4()),
                identifier=f"{9_000_000_000 + n}",
                name=f"Karşı Taraf {n}",
                address="Kadıköy İstanbul",
                email=f"muhasebe{n}@example.com",
                period="202610",
                bs_count=3,
                bs_amount=Decimal("12500.40"),
            )
            for n in range(args.send)
        ]
        provider.login()
        started = time.perf_counter()
        outcome = provider.send_reconciliations(batch)
        elapsed = time.perf_counter() - started
        requests_made = sum(exchange.operation == "SendReconciliation" for exchange in outcome.exchanges)
        print(
            f"send_reconciliations: {len(outcome.sent)} sent in {requests_made} requests, {elapsed:.2f} s "
            f"({len(outcome.sent) / elapsed:,.0f} reconciliations/s, sandbox on 127.0.0.1)"
        )
        started = time.perf_counter()
        statuses, _ = provider.reconciliation_statuses([rec.uuid for rec in batch])
        elapsed = time.perf_counter() - started
        print(f"reconciliation_statuses: {len(statuses)} statuses in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
