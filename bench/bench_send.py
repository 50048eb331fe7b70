"""Batch-send throughput of the İzibiz provider against the loopback sandbox.

Builds N invoices with ``core.ubl`` first (not timed), then times ``send_invoices`` end to end:
zip + Base64, SOAP serialisation by zeep, HTTP on 127.0.0.1, the sandbox's own processing. Prints
invoices per second and how many HTTP requests each operation took; then the receiver fetches them
all with their XML (GetInvoice pages of 100, one MarkInvoice per page) and both log out.

    /opt/odoo-venv/bin/python bench/bench_send.py [--count 1000] [--validate]
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.documents import Identifier  # noqa: E402
from core.providers.base import EINVOICE, OutgoingDocument  # noqa: E402
from core.providers.izibiz import IzibizProvider  # noqa: E402
from core.sandbox import Sandbox  # noqa: E402
from core.sandbox.demo import DEMO_COMPANIES  # noqa: E402
from core.tests import factories  # noqa: E402
from core.ubl import render_invoice  # noqa: E402


def build(count, sender, receiver):
    documents = []
    for number in range(1, count + 1):
        invoice = factories.invoice(
            number=number,
            series="BNC",
            profile="TICARIFATURA",
            supplier=factories.seller(identifications=(Identifier(value=sender.vkn, scheme_id="VKN"),)),
            customer=factories.company_buyer(
                identifications=(Identifier(value=receiver.vkn, scheme_id="VKN"),)
            ),
            uuid=str(uuid.uuid4()).upper(),
        )
        documents.append(
            OutgoingDocument(
                uuid=invoice.uuid,
                number=invoice.id,
                xml=render_invoice(invoice),
                receiver_vkn=receiver.vkn,
                receiver_alias=receiver.pk_alias,
            )
        )
    return documents


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--validate", action="store_true", help="schema-check every request body (slower)")
    parser.add_argument(
        "--wsdl-dir",
        default=os.environ.get("L10N_TR_EDOC_IZIBIZ_WSDL_DIR")
        or str(
            Path(os.environ.get("L10N_TR_EDOC_REFERENCE", REPO.parent / "shared" / "reference"))
            / "wsdl"
            / "izibiz"
        ),
    )
    args = parser.parse_args()
    sender, receiver = DEMO_COMPANIES[0], DEMO_COMPANIES[1]

    started = time.perf_counter()
    documents = build(args.count, sender, receiver)
    build_seconds = time.perf_counter() - started
    payload = sum(len(doc.xml) for doc in documents)

    sandbox = Sandbox(wsdl_dir=args.wsdl_dir)
    sandbox.seed_demo()
    with sandbox.serve(host="127.0.0.1", port=0) as server:
        provider = IzibizProvider(
            username=sender.username,
            password=sender.password,
            base_url=server.url,
            wsdl_dir=args.wsdl_dir,
            validate_requests=args.validate,
        )
        provider.login()
        started = time.perf_counter()
        result = provider.send_invoices(documents)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        statuses = provider.get_invoice_statuses(result.uuids)
        status_seconds = time.perf_counter() - started
        fetching = IzibizProvider(
            username=receiver.username,
            password=receiver.password,
            base_url=server.url,
            wsdl_dir=args.wsdl_dir,
            validate_requests=args.validate,
        )
        started = time.perf_counter()
        fetched = list(fetching.list_incoming(EINVOICE, mark_read=True, with_content=True))
        fetch_seconds = time.perf_counter() - started
        with_xml = sum(1 for doc in fetched if doc.content)
        provider.logout()
        fetching.logout()

    found = sum(1 for status in statuses.statuses if status.found)
    print("SANDBOX run (loopback test double, not İzibiz, not GİB)")
    print(
        f"invoices built:            {args.count} ({payload / 1e6:.1f} MB XML) "
        f"in {build_seconds:.2f} s (not timed)"
    )
    print(f"send_invoices:             {seconds:.2f} s -> {args.count / seconds:,.0f} invoices/s")
    print(
        f"SendInvoice HTTP requests: {sandbox.request_count('SendInvoice')} "
        f"(batches reported: {result.batches})"
    )
    print(f"Login HTTP requests:       {sandbox.request_count('Login')}")
    print(
        f"status query:              {status_seconds:.2f} s for {len(statuses.statuses)} ETTNs, "
        f"{sandbox.request_count('GetInvoiceStatusAll')} GetInvoiceStatusAll requests, {found} found"
    )
    listed, marked = sandbox.request_count("GetInvoice"), sandbox.request_count("MarkInvoice")
    print(
        f"incoming fetch:            {fetch_seconds:.2f} s for {len(fetched)} invoices "
        f"({with_xml} with XML): {listed} GetInvoice + {marked} MarkInvoice + {fetching.login_count} Login"
    )
    print(
        f"sessions:                  sender {sandbox.login_count(sender.username)} login / "
        f"{sandbox.logout_count(sender.username)} logout, receiver {sandbox.login_count(receiver.username)} "
        f"login / {sandbox.logout_count(receiver.username)} logout"
    )
    print(f"total HTTP requests:       {provider.transport.requests_sent}")
    print(f"request schema check:      {'on' if args.validate else 'off'}")


if __name__ == "__main__":
    main()
