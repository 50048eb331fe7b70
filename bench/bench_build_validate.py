"""Build (to bytes), XSD-validate and schematron-validate N invoices of 20 lines; print throughput.

Usage: python bench/bench_build_validate.py [--n 200] [--reference DIR]

Build and XSD profile, one 20-line invoice (~20.7 KB, CPU µs, 2 shared cores). Before issue 25: lxml
build ~1,200 (some 550 ``SubElement`` calls), serialisation ~90, then the XSD step parsed those bytes
again. After: the builders write escaped text (core/ubl/namespaces.py): ~200 in the builders' ~700
helper calls, ~60 writing the nested lists out; the XSD step is the one parse (~150, libxml2) and the
validation of that tree (~85).

Schematron profile, one 20-line invoice (CPU ms, 2 shared cores). Before issue 25: Saxon parse ~1,
transform ~5-7: every pattern (12) walked every node, and GİB's code-list ``contains`` scanned the whole
list per attribute (~12 µs per @currencyID, ~50 µs per @unitCode). After: each pattern visits only the
nodes its contexts can match and code lists are map lookups; transform ~1, Saxon parse ~0.9 (now the
largest part), hardened lxml parse + serialisation ~0.3.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.tests import factories as f  # noqa: E402
from core.ubl import render_invoice  # noqa: E402
from core.validation.schematron import SchematronValidator  # noqa: E402
from core.validation.xsd import XsdValidator  # noqa: E402


def _invoices(count):
    lines = [f.line(i, i % 7 + 1, f"{100 + i}.25") for i in range(1, 21)]
    return [f.invoice(lines, number=n + 1) for n in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    default_reference = os.environ.get("L10N_TR_EDOC_REFERENCE", str(REPO.parent / "shared" / "reference"))
    parser.add_argument("--reference", default=default_reference)
    args = parser.parse_args()
    package = Path(args.reference) / "gib-ubl-tr"
    invoices = _invoices(args.n)
    xsd, schematron = XsdValidator(package), SchematronValidator(package)
    schematron.validate(render_invoice(invoices[0]))  # compile once, outside the timings

    timings = dict.fromkeys(("build", "xsd", "schematron"), 0.0)
    failures, schematron_cpu, build_xsd_cpu = 0, 0.0, 0.0
    for invoice in invoices:
        start, cpu = time.perf_counter(), time.process_time()
        data = render_invoice(invoice)
        built = time.perf_counter()
        failures += bool(xsd.validate(data))
        build_xsd_cpu += time.process_time() - cpu
        checked, cpu = time.perf_counter(), time.process_time()
        failures += bool(schematron.validate(data))
        done = time.perf_counter()
        schematron_cpu += time.process_time() - cpu
        timings["build"] += built - start
        timings["xsd"] += checked - built
        timings["schematron"] += done - checked
    total = sum(timings.values())
    print(f"{args.n} invoices x 20 lines, {len(data)} bytes each, {failures} with issues")
    for step, seconds in timings.items():
        print(
            f"  {step:<11} {seconds:8.3f} s  {args.n / seconds:9.1f} docs/s  {100 * seconds / total:5.1f} %"
        )
    print(f"  {'total':<11} {total:8.3f} s  {args.n / total:9.1f} docs/s")
    without = total - timings["schematron"]
    print(f"  build+xsd only: {args.n / without:.1f} docs/s")
    # CPU time of this process: the figures that stay comparable while other jobs share the cores.
    print(f"  build+xsd per CPU-second: {args.n / build_xsd_cpu:.1f} docs ({build_xsd_cpu:.3f} s CPU)")
    print(f"  schematron per CPU-second: {args.n / schematron_cpu:.1f} docs ({schematron_cpu:.3f} s CPU)")


if __name__ == "__main__":
    main()
