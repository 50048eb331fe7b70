"""``python -m core.sandbox --port 8790``: run the sandbox with its demo companies until Ctrl-C."""

import argparse
import os
import threading

from .demo import DEMO_COMPANIES
from .server import WSDL_DIR_ENV, Sandbox


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m core.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--wsdl-dir", default=os.environ.get(WSDL_DIR_ENV), help=f"İzibiz WSDL folder (or {WSDL_DIR_ENV})"
    )
    args = parser.parse_args(argv)
    sandbox = Sandbox(wsdl_dir=args.wsdl_dir)
    sandbox.seed_demo()
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
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("sandbox stopped")


if __name__ == "__main__":
    main()
