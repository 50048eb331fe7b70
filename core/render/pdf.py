"""HTML to PDF with wkhtmltopdf, the engine Odoo's own reports use, run so it can reach nothing.

The page comes in on stdin and the PDF goes out on stdout, so no file is written; local file access
and JavaScript are off, every HTTP(S) request goes to a proxy on the discard port (so it fails at
once instead of leaving the machine), and the process is killed after ``timeout`` seconds.
"""

import os
import shutil
import subprocess

from ..errors import ConfigurationError, EdocError

TIMEOUT = 60
_DEAD_PROXY = "http://127.0.0.1:9"


def wkhtmltopdf_path():
    return shutil.which("wkhtmltopdf") or "/usr/bin/wkhtmltopdf"


def render_pdf(html, *, timeout=TIMEOUT, binary=None):
    """Return the PDF bytes of an HTML page (``str`` or UTF-8 bytes), A4 portrait."""
    binary = binary or wkhtmltopdf_path()
    if not os.access(binary, os.X_OK):
        raise ConfigurationError(
            "wkhtmltopdf is not installed; it is needed to print e-documents.",
            code="tr_edoc.render.wkhtmltopdf_missing",
            params={"path": binary},
        )
    data = html.encode("utf-8") if isinstance(html, str) else html
    command = [
        binary,
        "--quiet",
        "--encoding", "utf-8",
        "--page-size", "A4",
        "--margin-top", "10mm",
        "--margin-bottom", "10mm",
        "--margin-left", "8mm",
        "--margin-right", "8mm",
        "--disable-local-file-access",
        "--disable-javascript",
        "--proxy", _DEAD_PROXY,
        "--load-error-handling", "ignore",
        "--load-media-error-handling", "ignore",
        "-",
        "-",
    ]  # fmt: skip
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "XDG_RUNTIME_DIR": "/tmp", "LANG": "C.UTF-8"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EdocError(
            f"wkhtmltopdf did not finish within {timeout} seconds.",
            code="tr_edoc.render.pdf_timeout",
            params={"timeout": timeout},
        ) from exc
    pdf = done.stdout
    if not pdf.startswith(b"%PDF"):
        detail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise EdocError(
            f"wkhtmltopdf failed (exit {done.returncode}): {detail}",
            code="tr_edoc.render.pdf_failed",
            params={"returncode": done.returncode, "detail": detail},
        )
    return pdf
