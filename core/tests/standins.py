"""Stand-ins on 127.0.0.1 for the public addresses a fresh installation reads from.

İzibiz's test endpoint (``<service>?wsdl`` / ``?xsd=N``, served from the shared reference copies with
their own absolute links pointed at the stand-in, as the real endpoint points them at itself),
Kolaysoft's (``<path>?wsdl``) and GİB's two package zips (zipped from the reference folders in GİB's
layout). Tests use it to show that nothing beside the clone is needed; ``python core/tests/standins.py
--port N`` runs it for the fresh-clone check of ``scripts/test.sh``.
"""

import argparse
import io
import json
import re
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

IZIBIZ_ORIGIN = re.compile(rb"https://efaturatest\.izibiz\.com\.tr(:443)?")
IZIBIZ_PREFIX = "/izibiz"
KOLAYSOFT_PREFIX = "/kolaysoft"
GIB_PREFIX = "/gib"
GIB_ZIPS = {"UBL-TR1.2.1_Paketi.zip": "UBLTR_1.2.1_Paketi", "e-FaturaPaketi.zip": "e-FaturaPaketi"}


def _zip_folder(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, str(Path(folder.name, path.relative_to(folder))))
    return buffer.getvalue()


class StandIns:
    """Routes: ``/izibiz/<service path>?wsdl|?xsd=N``, ``/kolaysoft/<path>?wsdl``, ``/gib/<zip>``."""

    def __init__(self, reference):
        self.reference = Path(reference)
        self.requests = []
        self._izibiz = {}
        url_map = json.loads((self.reference / "wsdl/izibiz/url-map.json").read_text(encoding="utf-8"))
        for folder, entry in url_map.items():
            for name, url in entry["files"].items():
                parts = urlsplit(url)
                self._izibiz[(parts.path, parts.query)] = self.reference / "wsdl/izibiz" / folder / name
        self._kolaysoft = {}
        from core.providers.kolaysoft import SERVICES

        for folder, wsdl_name, path in SERVICES.values():
            self._kolaysoft[path] = self.reference / "wsdl/kolaysoft" / folder / wsdl_name
        self._zips = {}

    def answer(self, path, query, base):
        if path.startswith(IZIBIZ_PREFIX):
            file = self._izibiz.get((path[len(IZIBIZ_PREFIX) :], query))
            if file is not None:
                return IZIBIZ_ORIGIN.sub((base + IZIBIZ_PREFIX).encode(), file.read_bytes()), "text/xml"
        if path.startswith(KOLAYSOFT_PREFIX) and query == "wsdl":
            file = self._kolaysoft.get(path[len(KOLAYSOFT_PREFIX) :])
            if file is not None:
                return file.read_bytes(), "text/xml"
        if path.startswith(GIB_PREFIX):
            name = path[len(GIB_PREFIX) + 1 :]
            if name in GIB_ZIPS:
                if name not in self._zips:
                    self._zips[name] = _zip_folder(self.reference / "gib-ubl-tr" / GIB_ZIPS[name])
                return self._zips[name], "application/zip"
        return None

    def serve(self, port=0):
        """A running server (``.url`` set); call ``shutdown()`` to stop it."""
        standins = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                base = f"http://127.0.0.1:{self.server.server_port}"
                standins.requests.append(self.path)
                found = standins.answer(parts.path, parts.query, base)
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.url = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reference", required=True)
    args = parser.parse_args()
    server = StandIns(args.reference).serve(args.port)
    print(f"stand-ins on {server.url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
