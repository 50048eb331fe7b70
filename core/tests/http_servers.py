"""Small real HTTP servers on 127.0.0.1 for transport and credential tests: each records what it received."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers), body))
        self.server.behaviour(self, body)

    do_GET = do_POST = do_PUT = _answer


@contextlib.contextmanager
def serve(behaviour):
    """Run ``behaviour(handler, body)`` per request; ``server.seen`` lists (method, path, headers, body)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.seen = []
    server.behaviour = behaviour
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def send(handler, status, body, content_type="application/json", headers=()):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def relay_to(target):
    """A behaviour that forwards each request to ``target`` and returns its answer: a recording proxy."""

    def behaviour(handler, body):
        headers = {name: value for name, value in handler.headers.items() if name.lower() != "host"}
        answer = requests.request(
            handler.command, target + handler.path, data=body, headers=headers, timeout=30
        )
        send(handler, answer.status_code, answer.content, answer.headers.get("Content-Type", "text/plain"))

    return behaviour


def received(server, secret):
    """Whether ``secret`` appears anywhere in what ``server`` received (headers or body)."""
    needle = secret.encode() if isinstance(secret, str) else secret
    return any(
        needle in body or any(needle in f"{name}: {value}".encode() for name, value in headers.items())
        for _method, _path, headers, body in server.seen
    )
