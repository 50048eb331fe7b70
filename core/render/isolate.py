"""Run a sender's stylesheet in a child process with CPU-time, memory and wall-clock limits.

The static check (``safety``) decides what a stylesheet may call; it cannot decide how long it runs or
how much it builds: XSLT 1.0 is Turing-complete, so a template that calls itself twice per level, a
variable that doubles a string forty times, or a huge ``xsl:number`` sequence stays inside the
allow-list. The transform therefore runs in ``_xslt_child.py`` (a separate Python started with ``-I``
and an empty environment), which lowers its own CPU-time and address-space limits first; the parent
kills it at the wall-clock limit. Whatever happens there ends as a typed ``ParseError`` here, and the
caller shows our own template instead.
"""

import json
import os
import signal
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParseError, _lt

_CHILD = Path(__file__).resolve().parent / "_xslt_child.py"
_EXIT_FAILED, _EXIT_MEMORY, _EXIT_EMPTY, _EXIT_TOO_LARGE = 3, 4, 5, 6
_MEMORY = _lt("The sender's stylesheet used more memory than allowed.")
_TOO_LARGE = _lt("The sender's stylesheet produced an oversized page.")
_FAILED = _lt("The sender's stylesheet failed while rendering.")
_CRASHED = _lt("The sender's stylesheet could not be rendered.")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of one sender's transform. GİB's sample stylesheets need well under 1 s of CPU and
    150 MB on the largest sample; the defaults leave room for a long invoice on a slow worker."""

    cpu_seconds: int = 10
    memory_bytes: int = 1024 * 1024 * 1024
    wall_seconds: float = 30.0
    max_chars: int = 32 * 1024 * 1024


LIMITS = Limits()


def _blob(data):
    return struct.pack(">Q", len(data)) + data


def _failure(code, message, limits, **params):
    return ParseError(
        message,
        code=f"tr_edoc.xslt.{code}",
        params={
            "cpu_seconds": limits.cpu_seconds,
            "memory_bytes": limits.memory_bytes,
            "wall_seconds": limits.wall_seconds,
            **params,
        },
    )


def transform_in_child(stylesheet, document, params, *, limits=LIMITS):
    """The serialised output (``str``) of ``stylesheet`` applied to ``document`` (both bytes), with the
    string ``params``; a ``ParseError`` when it fails or crosses a limit."""
    command = [
        sys.executable,
        "-I",
        str(_CHILD),
        str(limits.cpu_seconds),
        str(limits.memory_bytes),
        str(limits.max_chars),
    ]
    payload = _blob(stylesheet) + _blob(document) + _blob(json.dumps(params).encode())
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    try:
        done = subprocess.run(
            command, input=payload, capture_output=True, timeout=limits.wall_seconds, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise _failure(
            "time_limit", _lt("The sender's stylesheet did not finish in the time allowed."), limits
        ) from exc
    detail = done.stderr.decode("utf-8", "replace")[-2000:]
    code = done.returncode
    if code == 0:
        return done.stdout.decode("utf-8", "replace")
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _failure("cpu_limit", _lt("The sender's stylesheet used more CPU time than allowed."), limits)
    if code == _EXIT_MEMORY or (code < 0 and code in (-signal.SIGSEGV, -signal.SIGABRT)):
        raise _failure("memory_limit", _MEMORY, limits, detail=detail)
    if code == _EXIT_TOO_LARGE:
        raise _failure("too_large", _TOO_LARGE, limits, max=limits.max_chars)
    if code == _EXIT_EMPTY:
        raise _failure("empty", _lt("The sender's stylesheet produced no page."), limits)
    if code == _EXIT_FAILED:
        raise _failure("failed", _FAILED, limits, detail=detail)
    raise _failure("crashed", _CRASHED, limits, returncode=code, detail=detail)
