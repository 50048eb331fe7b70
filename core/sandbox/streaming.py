"""A response body too large to hold: a file on disk sent Base64-encoded between two byte strings."""

import base64
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 3 * 256 * 1024


@dataclass(frozen=True)
class StreamedBody:
    head: bytes
    path: Path
    tail: bytes

    def length(self):
        return len(self.head) + 4 * ((self.path.stat().st_size + 2) // 3) + len(self.tail)

    def write(self, out):
        try:
            out.write(self.head)
            with self.path.open("rb") as source:
                while chunk := source.read(_CHUNK):
                    out.write(base64.b64encode(chunk))
            out.write(self.tail)
        finally:
            self.path.unlink(missing_ok=True)
