"""The sandbox's notion of "now", which tests move forward instead of waiting.

GİB status progression, session expiry and the 8-day answer window all read this clock, so a
test can cross a deadline in microseconds. Turkey keeps UTC+3 all year, so a fixed offset is exact.
"""

import threading
from datetime import datetime, timedelta, timezone

TR_TZ = timezone(timedelta(hours=3), "+03:00")


class SandboxClock:
    """Real time plus an offset that only grows; ``frozen=True`` stops the real-time part."""

    def __init__(self, start=None, *, frozen=False):
        self._lock = threading.Lock()
        self._frozen = frozen
        self._base = (start or datetime.now(TR_TZ)).astimezone(TR_TZ).replace(microsecond=0)
        self._real_base = datetime.now(TR_TZ)
        self._offset = timedelta()

    def now(self):
        with self._lock:
            running = timedelta() if self._frozen else datetime.now(TR_TZ) - self._real_base
            return (self._base + running + self._offset).replace(microsecond=0)

    def advance(self, delta):
        if delta < timedelta():
            raise ValueError("the sandbox clock never goes back")
        with self._lock:
            self._offset += delta
        return self.now()

    def set(self, moment):
        """Jump to a later moment (a test that wants "CDATE + 8 days + 1 minute" exactly)."""
        return self.advance(moment - self.now())
