"""Export an e-Defter source period of N lines (default 100,000) as CSV; print time and peak memory.

Entries are generated one at a time, the way the ORM reads them in batches, and written by the
streaming :class:`core.ledger.SourceWriter` to a temporary file, so the peak shows whether memory
grows with the period. Usage: python bench/bench_ledger_export.py [--lines 100000] [--per-entry 4]
"""

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.ledger import KINDS, SourceEntry, SourceLine, SourceWriter  # noqa: E402

ACCOUNTS = [("100001", "Kasa"), ("102001", "Banka"), ("120001", "Alıcılar"), ("320001", "Satıcılar")]
ACCOUNTS += [
    ("600001", "Yurtiçi Satışlar"),
    ("391001", "Hesaplanan KDV"),
    ("770001", "Genel Yönetim Giderleri"),
]


def entries(total_lines, per_entry, seed=23):
    """Balanced entries of about ``per_entry`` lines until ``total_lines`` lines are produced."""
    rng = random.Random(seed)
    kinds = [kind for kind, mapped in KINDS.items() if mapped is not None]
    produced, number = 0, 0
    start = date(2026, 3, 1)
    while produced < total_lines:
        number += 1
        remaining = total_lines - produced
        count = min(max(2, per_entry + rng.randint(-1, 1)), remaining)
        if remaining - count == 1:  # never leave a single line for the last entry
            count += 1
        amounts = [Decimal(rng.randrange(100, 10_000_000)) / 100 for _ in range(count - 1)]
        lines = [
            SourceLine(
                f"{number}-{n}", *rng.choice(ACCOUNTS), "Kebir", amount, Decimal(0), "satır açıklaması"
            )
            for n, amount in enumerate(amounts)
        ]
        code, name = rng.choice(ACCOUNTS)
        lines.append(SourceLine(f"{number}-c", code, name, "Kebir", Decimal(0), sum(amounts), ""))
        day = start + timedelta(days=number % 31)
        yield SourceEntry(
            ref=number,
            number=f"MISC/2026/{number:06d}",
            date=day,
            kind=rng.choice(kinds),
            lines=tuple(lines),
            entered_by="Muhasebe Kullanıcısı",
            entered_at=datetime(2026, 3, 31, 18, 0),
            document_number=f"BELGE-{number}",
            document_date=day,
            payment_method="",
            comment="Fiş açıklaması",
        )
        produced += count


def export(lines, per_entry):
    with tempfile.TemporaryFile() as spool:
        writer = SourceWriter(spool)
        for entry in entries(lines, per_entry):
            writer.add(entry)
        digest = writer.close()
        return writer, digest, spool.tell()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--per-entry", type=int, default=4)
    args = parser.parse_args()
    started = time.perf_counter()
    writer, digest, size = export(args.lines, args.per_entry)
    elapsed = time.perf_counter() - started
    print(
        f"e-Defter source: {writer.line_number:,} lines, {writer.entry_count:,} entries, "
        f"{len(writer.parts)} part(s), {size / 1e6:.1f} MB CSV in {elapsed:.2f} s "
        f"({writer.line_number / elapsed:,.0f} lines/s, data generation included)"
    )
    # a second run under tracemalloc (slower) for the peak of Python allocations
    tracemalloc.start()
    export(args.lines, args.per_entry)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak traced Python memory: {peak / 1e6:.2f} MB; problems: {len(writer.problems)}; "
        f"sha256 {digest[:16]}…"
    )
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB")


if __name__ == "__main__":
    main()
