"""Streaming readers of GİB registered-user lists, shared by every integrator client.

Integrators hand the list over as a ZIP (İzibiz inside a SOAP answer, Kolaysoft as a SOAP
``fileContent``, Nilvera as the body of a GET). The ZIP is spooled to a temporary file by the
caller; here the first entry is read with ``iterparse`` and each element is dropped once read, so
a list of millions of aliases costs a few MB whatever its size. Two formats exist:

- GİB's own ``UserList`` (``NewUserList.xsd``, the ``newUserPkList``/``newUserGbList`` files):
  one ``User`` per VKN/TCKN with ``Documents/Document[@type]/Alias``; closed aliases stay
  listed with a ``DeletionTime``. Kolaysoft and Nilvera pass it on as GİB publishes it.
- İzibiz's ``GetUserListResponse``: one flat ``USER`` row per alias.
"""

import base64
import binascii
import dataclasses
import datetime
import heapq
import io
import itertools

from lxml import etree

from .. import zipsafe
from ..errors import ParseError, XmlSecurityError
from .base import GibAlias, GibUser

TR_OFFSET = datetime.timezone(datetime.timedelta(hours=3))
"""GİB list times carry no offset: they are Turkish local time (UTC+3 all year)."""
DOCUMENT_TYPES = {"Invoice": "INVOICE", "DespatchAdvice": "DESPATCHADVICE"}
_HEAD = 65536


def parse_time(value):
    """A list timestamp as a naive Turkish-local datetime (``None`` when empty or unreadable)."""
    if isinstance(value, datetime.datetime) or value is None:
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(TR_OFFSET).replace(tzinfo=None) if moment.tzinfo else moment


def local_since(since):
    """``since`` (aware, or naive Turkish local) on the list's clock, to compare with its times."""
    if since is None:
        return None
    return since.astimezone(TR_OFFSET).replace(tzinfo=None) if since.tzinfo else since


def iter_elements(spool, tag, *, source="GİB user list"):
    """Each ``tag`` element (any namespace) of the ZIP's first entry, cleared after the caller's turn."""
    with zipsafe.open_zip(spool, label=f"The {source}") as archive:
        entries = zipsafe.files(archive)
        if not entries:
            raise ParseError(f"The {source} ZIP is empty.", code="tr_edoc.userlist.empty")
        with zipsafe.open_member(archive, entries[0]) as stream:
            head = stream.read(_HEAD)
            if b"<!DOCTYPE" in head.upper():
                raise XmlSecurityError(
                    "XML with a DOCTYPE declaration is refused.", code="tr_edoc.xml.doctype"
                )
            events = etree.iterparse(
                _Chain(head, stream),
                events=("end",),
                tag="{*}" + tag,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
            )
            try:
                for _event, element in events:
                    yield element
                    element.clear()
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
            except etree.XMLSyntaxError as exc:
                raise ParseError(
                    f"The {source} is not well-formed: {exc}", code="tr_edoc.userlist.xml"
                ) from exc


def _local(tag, names):
    """Local name of a child tag, memoised: millions of rows make string work a visible cost."""
    try:
        return names[tag]
    except KeyError:
        names[tag] = tag.rpartition("}")[2] if isinstance(tag, str) else None
        return names[tag]


def iter_gib_users(spool, unit, *, document_type="ALL", since=None):
    """:class:`GibUser` of a zipped GİB ``UserList`` whose aliases are all of ``unit`` (PK or GB).

    With ``since`` only aliases opened or closed after it are kept (users left without one are
    skipped): the integrators offer no delta of this list, so a delta is read from the full one.
    """
    since = local_since(since)
    names = {}
    for element in iter_elements(spool, "User"):
        fields = {}
        aliases = []
        for child in element:
            name = _local(child.tag, names)
            if name == "Documents":
                for document in child:
                    kind = DOCUMENT_TYPES.get(document.get("type") or "")
                    if kind is None or document_type not in ("ALL", kind):
                        continue
                    for alias in document:
                        aliases.extend(_aliases(alias, unit, kind, since, names))
            elif name:
                fields[name] = (child.text or "").strip()
        if since is not None and not aliases:
            continue
        yield GibUser(
            identifier=fields.get("Identifier", ""),
            title=fields.get("Title", ""),
            type=fields.get("Type", ""),
            registered_at=parse_time(fields.get("FirstCreationTime")),
            aliases=tuple(aliases),
        )


def _aliases(element, unit, kind, since, names):
    alias_names, created, deleted = [], None, None
    for child in element:
        name = _local(child.tag, names)
        if name == "Name":
            alias_names.append((child.text or "").strip())
        elif name == "CreationTime":
            created = parse_time(child.text)
        elif name == "DeletionTime":
            deleted = parse_time(child.text)
    if since is not None and not ((created and created > since) or (deleted and deleted > since)):
        return ()
    return tuple(
        GibAlias(
            name=alias_name,
            unit=unit,
            document_type=kind,
            created_at=created,
            deleted=deleted is not None,
            deleted_at=deleted,
        )
        for alias_name in alias_names
        if alias_name
    )


def merge_users(*streams):
    """:class:`GibUser` of several lists (PK and GB, or one per document type) read side by side.

    Where the lists share an order, a taxpayer met in several of them comes out once with all its
    aliases and is written once. GİB does not promise an order (its sample PK list is not sorted
    by identifier): then a taxpayer simply comes out once per list, which the writer's upsert
    takes as it is. Nothing is held beyond the current taxpayer.
    """
    merged = heapq.merge(*streams, key=lambda user: user.identifier)
    for _identifier, grouped in itertools.groupby(merged, key=lambda user: user.identifier):
        group = list(grouped)
        if len(group) == 1:
            yield group[0]
            continue
        registered = [user.registered_at for user in group if user.registered_at]
        yield dataclasses.replace(
            group[0],
            registered_at=min(registered) if registered else None,
            aliases=tuple(alias for user in group for alias in user.aliases),
        )


IZIBIZ_FIELDS = frozenset(
    (
        "IDENTIFIER",
        "ALIAS",
        "TITLE",
        "TYPE",
        "REGISTER_TIME",
        "UNIT",
        "DOCUMENT_TYPE",
        "ALIAS_CREATION_TIME",
        "DELETED",
        "DELETION_TIME",
        "ALIAS_DELETION_TIME",  # the WSDL's name; İzibiz's guide says DELETION_TIME
    )
)


def iter_izibiz_rows(spool):
    """Dicts of the ``USER`` rows of a zipped İzibiz user list."""
    names = {}
    for element in iter_elements(spool, "USER"):
        row = {}
        for child in element:
            name = _local(child.tag, names)
            if name in IZIBIZ_FIELDS:
                text = child.text
                row[name] = text.strip() if text else ""
        yield row


def group_rows(rows):
    """Consecutive flat rows of one VKN/TCKN become one :class:`GibUser` with all its aliases."""
    for identifier, grouped in itertools.groupby(rows, key=lambda row: row.get("IDENTIFIER", "")):
        group = list(grouped)
        first = group[0]
        aliases = tuple(
            GibAlias(
                name=row.get("ALIAS", ""),
                unit=row.get("UNIT", ""),
                document_type=row.get("DOCUMENT_TYPE", ""),
                created_at=parse_time(row.get("ALIAS_CREATION_TIME")),
                deleted=row.get("DELETED") == "Y",
                deleted_at=parse_time(row.get("DELETION_TIME") or row.get("ALIAS_DELETION_TIME")),
            )
            for row in group
            if row.get("ALIAS")
        )
        yield GibUser(
            identifier=identifier,
            title=first.get("TITLE", ""),
            type=first.get("TYPE", ""),
            registered_at=parse_time(first.get("REGISTER_TIME")),
            aliases=aliases,
        )


def spool_base64_string(chunks, sink, *, limit):
    """Decode a JSON string of Base64 (``"UEsDB…"``), or raw ZIP bytes, arriving in ``chunks``.

    Nilvera's list answer is declared as a ``byte`` string; a raw ZIP is accepted too. At most
    ``limit`` decoded bytes are written: a runaway answer stops with a :class:`ParseError`.
    """
    sink.seek(0)
    sink.truncate()
    chunks = iter(chunks)
    first = b""
    for chunk in chunks:
        first += chunk
        if first.strip():
            break
    first = first.lstrip()
    if first.startswith(b"PK"):
        written = 0
        for chunk in itertools.chain((first,), chunks):
            written += len(chunk)
            if written > limit:
                raise ParseError("The GİB user list is larger than allowed.", code="tr_edoc.userlist.size")
            sink.write(chunk)
        sink.seek(0)
        return
    if not first.startswith(b'"'):
        raise ParseError(
            "The GİB user list answer is neither a ZIP nor a string.", code="tr_edoc.userlist.body"
        )
    pending, written, closed = first[1:], 0, False
    for chunk in itertools.chain((b"",), chunks):
        pending += chunk
        end = pending.find(b'"')
        if end >= 0:
            pending, closed = pending[:end], True
        # JSON may escape "/" as "\/": a backslash at a chunk's end waits for its partner.
        keep = b"\\" if not closed and pending.endswith(b"\\") else b""
        text = (pending[:-1] if keep else pending).replace(b"\\/", b"/")
        cut = len(text) if closed else len(text) - len(text) % 4
        try:
            data = base64.b64decode(text[:cut], validate=True)
        except binascii.Error as exc:
            raise ParseError(
                f"The GİB user list is not Base64: {exc}", code="tr_edoc.userlist.base64"
            ) from exc
        written += len(data)
        if written > limit:
            raise ParseError("The GİB user list is larger than allowed.", code="tr_edoc.userlist.size")
        sink.write(data)
        pending = text[cut:] + keep
        if closed:
            break
    if not closed:
        raise ParseError("The GİB user list answer was cut short.", code="tr_edoc.userlist.body")
    sink.seek(0)


class _Chain(io.RawIOBase):
    """A stream that replays already-read bytes before the rest of an underlying stream."""

    def __init__(self, head, stream):
        self._head = memoryview(head)
        self._stream = stream

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size=-1):
        if size is None or size < 0:
            return bytes(self._head) + self._stream.read()
        chunk = bytearray(size)
        count = self.readinto(chunk)
        return bytes(chunk[:count])
