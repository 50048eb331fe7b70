"""``python -m core.sandbox --port 8790``: run the sandbox with its demo companies until Ctrl-C."""

import argparse
import os
import sys
import threading

from .. import contracts
from ..errors import ConfigurationError
from .demo import DEMO_COMPANIES, DEMO_RED_BUYER
from .server import WSDL_DIR_ENV, Sandbox


def _contract_dirs(args):
    """The WSDL folders to load: the ones named, else the cache filled from the integrators' endpoints."""
    if args.wsdl_dir:
        return args.wsdl_dir, args.kolaysoft_wsdl_dir
    izibiz = contracts.izibiz_wsdl_dir(args.cache_dir)
    kolaysoft = args.kolaysoft_wsdl_dir
    if not kolaysoft:
        try:
            kolaysoft = contracts.kolaysoft_wsdl_dir(args.cache_dir)
        except contracts.ContractUnavailable as exc:
            print(f"Kolaysoft front-end off: {exc}")
    return izibiz, kolaysoft


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m core.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--wsdl-dir",
        default=os.environ.get(WSDL_DIR_ENV),
        help=f"İzibiz WSDL folder (or {WSDL_DIR_ENV}); default: from İzibiz's test endpoint, cached",
    )
    parser.add_argument("--kolaysoft-wsdl-dir", help="Kolaysoft WSDL folder; default: beside the İzibiz one")
    parser.add_argument(
        "--cache-dir", help=f"where obtained contracts are kept (default {contracts.default_cache_dir()})"
    )
    args = parser.parse_args(argv)
    try:
        wsdl_dir, kolaysoft_dir = _contract_dirs(args)
        sandbox = Sandbox(wsdl_dir=wsdl_dir, kolaysoft_wsdl_dir=kolaysoft_dir)
    except ConfigurationError as exc:
        print(f"sandbox not started: {exc}", file=sys.stderr)
        return 2
    sandbox.seed_run_demo()
    with sandbox.serve(port=args.port) as server:
        print("THIS IS A SANDBOX: a local imitation of İzibiz's SOAP services.")
        print("It is NOT İzibiz and NOT GİB; nothing sent here has any legal effect.")
        print(
            f"URL: {server.url}  (services: /AuthenticationWS /EFaturaOIB /EIArchiveWS/EFaturaArchive "
            "/EIrsaliyeWS/EIrsaliye /BillingWS)"
        )
        print("Demo credentials:")
        for company in DEMO_COMPANIES:
            print(
                f"  {company.username} / {company.password}  VKN {company.vkn}  "
                f"{company.title}  PK {company.pk_alias}"
            )
        print(f"{DEMO_RED_BUYER.title} (VKN {DEMO_RED_BUYER.vkn}) answers RED to every TICARIFATURA.")
        print(f"{DEMO_COMPANIES[1].title} sent an e-İrsaliye to {DEMO_COMPANIES[0].title}.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("sandbox stopped")


if __name__ == "__main__":
    sys.exit(main())
