"""Zips laid out like GİB's downloads, built from the shared reference folders (tests only)."""

import contextlib
import http.server
import io
import threading
import zipfile
from pathlib import Path


def folder_zip(gib_ubl_tr, key, *, extra=()):
    """GİB's zip for ``key`` (``ubl``/``efatura``) built from the reference folder ``gib_ubl_tr``,
    plus ``extra`` ``(name, bytes)`` members."""
    folder = {"ubl": "UBLTR_1.2.1_Paketi", "efatura": "e-FaturaPaketi"}[key]
    root = Path(gib_ubl_tr, folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder}/{path.relative_to(root).as_posix()}")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


@contextlib.contextmanager
def serve_files(files):
    """``{name: bytes}`` over real HTTP on 127.0.0.1; yields ``{name: url}``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            data = files.get(self.path.lstrip("/"))
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {name: f"http://127.0.0.1:{server.server_port}/{name}" for name in files}
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
