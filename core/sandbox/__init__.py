"""Loopback İzibiz-compatible sandbox: the test double of every integrator flow (not İzibiz, not GİB)."""

from .clock import SandboxClock
from .server import Sandbox

__all__ = ["Sandbox", "SandboxClock"]
