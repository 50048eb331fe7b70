"""Sign and verify N invoices of 20 lines with a 2048-bit RSA seal; print time per document and throughput.

Usage: python bench/bench_signing.py [--n 200]
"""

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.signing import load_pkcs12, sign_document, verify_document  # noqa: E402
from core.tests import certificates  # noqa: E402
from core.tests import factories as f  # noqa: E402
from core.ubl import render_invoice  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    credential = load_pkcs12(
        certificates.make_pkcs12(*certificates.make_certificate()), certificates.P12_PASSWORD
    )
    lines = [f.line(i, i % 7 + 1, f"{100 + i}.25") for i in range(1, 21)]
    documents = [render_invoice(f.invoice(lines, number=n + 1)) for n in range(args.n)]

    start = time.perf_counter()
    signed = [sign_document(document, credential) for document in documents]
    sign_seconds = time.perf_counter() - start
    start = time.perf_counter()
    results = [verify_document(document) for document in signed]
    verify_seconds = time.perf_counter() - start
    tampered = [document.replace(b">101.25<", b">101.26<", 1) for document in signed[:20]]
    start = time.perf_counter()
    broken = [verify_document(document) for document in tampered]
    locate_seconds = time.perf_counter() - start

    assert all(result.valid for result in results)
    assert all(result.status == "invalid" for result in broken)
    size = sum(map(len, signed)) / len(signed)
    print(f"documents: {args.n} invoices of 20 lines, signed size {size / 1024:.1f} KiB on average")
    for label, seconds, count in (
        ("sign", sign_seconds, len(signed)),
        ("verify (valid)", verify_seconds, len(results)),
        ("verify (tampered, located)", locate_seconds, len(broken)),
    ):
        print(f"{label:28s} {seconds / count * 1000:7.2f} ms/doc {count / seconds:9.1f} docs/s")


if __name__ == "__main__":
    main()
