"""The one door through which ZIP archives from outside (integrators' answers, the GİB user list and
packages) are read.

Python's :mod:`zipfile` fails in many ways on a hostile archive: ``BadZipFile``, ``zlib.error``,
``EOFError``, ``NotImplementedError`` (unknown compression), ``RuntimeError`` (encrypted member),
``ValueError`` (an impossible date, a bad header), ``OSError``. Here each ends in a typed
:class:`~.errors.ParseError` or, for sizes, :class:`~.errors.XmlSecurityError`, with a stable code,
and members are read with their size bounded whatever the central directory claims.
"""

import datetime as dt
import io
import zipfile
import zlib

from .errors import ParseError, XmlSecurityError

MAX_MEMBERS = 10000
"""Members one archive may list; an integrator's answer holds one, GİB's packages a few hundred."""
MAX_MEMBER_BYTES = 64 * 1024 * 1024
"""Default bound of one unpacked member held in memory (callers streaming to a file pass their own)."""

_ZIP_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


def _broken(label, exc):
    return ParseError(f"{label} is not a readable ZIP: {exc}", code="tr_edoc.zip.malformed", params={})


def open_zip(source, *, label="The archive", max_members=MAX_MEMBERS):
    """A :class:`zipfile.ZipFile` over bytes or a binary file, or a typed error."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
    try:
        archive = zipfile.ZipFile(source)
        infos = archive.infolist()
    except _ZIP_FAILURES as exc:
        raise _broken(label, exc) from exc
    if len(infos) > max_members:
        archive.close()
        raise XmlSecurityError(
            f"{label} lists {len(infos)} members; at most {max_members} are accepted.",
            code="tr_edoc.zip.too_many_members",
            params={"count": len(infos), "max": max_members},
        )
    return archive


def files(archive):
    """The archive's file members (not folders); an encrypted one is refused: we hold no password."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    for info in members:
        _refuse_encrypted(info)
    return members


def _refuse_encrypted(info):
    if info.flag_bits & 0x1:
        raise ParseError(
            f"The ZIP member {info.filename!r} is encrypted.",
            code="tr_edoc.zip.encrypted",
            params={"member": info.filename},
        )


def member_datetime(info):
    """The member's modification time; an impossible DOS date (month 0, day 32...) is a typed error."""
    try:
        return dt.datetime(*info.date_time)
    except (TypeError, ValueError) as exc:
        raise ParseError(
            f"The ZIP member {info.filename!r} has an impossible date {info.date_time}.",
            code="tr_edoc.zip.bad_date",
            params={"member": info.filename},
        ) from exc


def _too_large(info, limit):
    return XmlSecurityError(
        f"The ZIP member {info.filename!r} unpacks to more than {limit} bytes.",
        code="tr_edoc.zip.too_large",
        params={"member": info.filename, "size": info.file_size, "limit": limit},
    )


def read_member(archive, info, *, limit=MAX_MEMBER_BYTES):
    """The member's bytes, at most ``limit`` of them whatever its header says."""
    if info.file_size > limit:
        raise _too_large(info, limit)
    with open_member(archive, info) as stream:
        content = stream.read(limit + 1)
    if len(content) > limit:
        raise _too_large(info, limit)
    return content


def open_member(archive, info):
    """A binary stream over one member whose read failures (damaged data, CRC) are typed errors."""
    _refuse_encrypted(info)
    try:
        return _Member(archive.open(info), info)
    except _ZIP_FAILURES as exc:
        raise _broken(f"The ZIP member {info.filename!r}", exc) from exc


class _Member(io.RawIOBase):
    def __init__(self, stream, info):
        self._stream = stream
        self._info = info

    def readable(self):
        return True

    def read(self, size=-1):
        try:
            return self._stream.read(size)
        except _ZIP_FAILURES as exc:
            raise _broken(f"The ZIP member {self._info.filename!r}", exc) from exc

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self._stream.close()
        super().close()
