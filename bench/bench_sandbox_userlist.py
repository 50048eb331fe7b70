"""Time and peak memory of the sandbox's GetGibUserList with 1,000,000 synthetic users.

Run: python bench/bench_sandbox_userlist.py [count] (WSDLs from L10N_TR_EDOC_IZIBIZ_WSDL_DIR or the shared
reference). Prints the zip build figures, then a full HTTP round trip whose Base64 body is read in chunks.
"""

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.sandbox import Sandbox
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.userlist import ListQuery

WSDL = os.environ.get("L10N_TR_EDOC_IZIBIZ_WSDL_DIR", "/work/shared/reference/wsdl/izibiz")


def main(count):
    sandbox = Sandbox(wsdl_dir=WSDL)
    sandbox.seed_demo()
    sandbox.registry.set_synthetic_count(count)

    tracemalloc.start()
    started = time.perf_counter()
    path, written = sandbox.registry.write_zip(ListQuery(document_type="ALL", alias_type="ALL"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = Path(path).stat().st_size
    Path(path).unlink()
    print(
        f"zip build: {written:,} entries in {elapsed:.2f} s, zip {size / 1e6:.1f} MB, "
        f"peak Python heap {peak / 1e6:.2f} MB"
    )

    company = DEMO_COMPANIES[0]
    with sandbox.serve() as server:
        login = (
            '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            '<ns0:LoginRequest xmlns:ns0="http://schemas.i2i.com/ei/wsdl"><REQUEST_HEADER><SESSION_ID>-1</SESSION_ID>'
            f"<APPLICATION_NAME>bench</APPLICATION_NAME></REQUEST_HEADER><USER_NAME>{company.username}</USER_NAME>"
            f"<PASSWORD>{company.password}</PASSWORD></ns0:LoginRequest></soap-env:Body></soap-env:Envelope>"
        )
        answer = requests.post(f"{server.url}/AuthenticationWS", data=login.encode(), timeout=30)
        session = answer.text.split("<SESSION_ID>")[1].split("</SESSION_ID>")[0]
        ask = (
            '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>'
            '<ns0:GetGibUserListRequest xmlns:ns0="http://schemas.i2i.com/ei/wsdl"><REQUEST_HEADER>'
            f"<SESSION_ID>{session}</SESSION_ID><APPLICATION_NAME>bench</APPLICATION_NAME></REQUEST_HEADER>"
            "<DOCUMENT_TYPE>ALL</DOCUMENT_TYPE><ALIAS_TYPE>ALL</ALIAS_TYPE>"
            "</ns0:GetGibUserListRequest></soap-env:Body></soap-env:Envelope>"
        )
        started = time.perf_counter()
        received = 0
        with requests.post(
            f"{server.url}/AuthenticationWS", data=ask.encode(), timeout=600, stream=True
        ) as reply:
            for chunk in reply.iter_content(1 << 20):
                received += len(chunk)
        elapsed = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"HTTP GetGibUserList: {received / 1e6:.1f} MB SOAP body in {elapsed:.2f} s; "
        f"process peak RSS {peak_rss:.0f} MB (includes zeep WSDLs and the interpreter)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
