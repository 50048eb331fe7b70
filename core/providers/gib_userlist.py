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
import concurrent.futures
import contextlib
import datetime
import heapq
import io
import itertools
import marshal
import operator
import tempfile

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
    for record in iter_gib_records(spool, unit, document_type=document_type, since=since):
        yield _user((record,))


def iter_gib_records(spool, unit, *, document_type="ALL", since=None):
    """What :func:`iter_gib_users` reads, as the plain records :func:`merge_records` spills.

    Several lists are merged through a sort on disk, so their users are kept as tuples and
    strings (times as ISO text) from the start: building objects only to take them apart again
    cost a third of a million-user merge. The loop is written out flat: it runs for millions of
    elements and each call costs.
    """
    since = local_since(since)
    names = {}
    times = {}

    def when(text):
        # A taxpayer's registration is usually its first alias's creation time: parse it once.
        try:
            return times[text]
        except KeyError:
            if len(times) > 64:
                times.clear()
            moment = parse_time(text)
            value = times[text] = (moment, _stamp(moment))
            return value

    for element in iter_elements(spool, "User"):
        identifier = title = user_type = registered = ""
        aliases = []
        for child in element:
            tag = child.tag
            name = names.get(tag) or _local(tag, names)
            if name == "Documents":
                for document in child:
                    kind = DOCUMENT_TYPES.get(document.get("type") or "")
                    if kind is None or document_type not in ("ALL", kind):
                        continue
                    for alias in document:
                        alias_names, created, deleted = [], _NO_TIME, _NO_TIME
                        for part in alias:
                            tag = part.tag
                            part_name = names.get(tag) or _local(tag, names)
                            if part_name == "Name":
                                text = part.text
                                if text and (text := text.strip()):
                                    alias_names.append(text)
                            elif part_name == "CreationTime":
                                created = times.get(text := part.text) or when(text)
                            elif part_name == "DeletionTime":
                                deleted = times.get(text := part.text) or when(text)
                        if since is not None and not (
                            (created[0] and created[0] > since) or (deleted[0] and deleted[0] > since)
                        ):
                            continue
                        aliases.extend(
                            (alias_name, unit, kind, created[1], deleted[0] is not None, deleted[1])
                            for alias_name in alias_names
                        )
            elif name == "Identifier":
                identifier = (child.text or "").strip()
            elif name == "Title":
                title = (child.text or "").strip()
            elif name == "Type":
                user_type = (child.text or "").strip()
            elif name == "FirstCreationTime":
                registered = child.text
        if since is not None and not aliases:
            continue
        yield (identifier, title, user_type, when(registered)[1], tuple(aliases))


_NO_TIME = (None, None)


SPILL_USERS = 50_000
"""Taxpayers sorted in memory at a time before their run goes to disk (a few tens of MB)."""
_BLOCK = 256
"""Records per ``marshal`` block of a run: the merge holds one block per run."""


def merge_users(*streams, run_size=SPILL_USERS):
    """:class:`GibUser` of several lists of :class:`GibUser`, one per taxpayer (see :func:`merge_records`)."""
    if len(streams) == 1:
        yield from streams[0]
        return
    yield from merge_records(*(map(_record, stream) for stream in streams), run_size=run_size)


def merge_records(*streams, run_size=SPILL_USERS):
    """:class:`GibUser` of several lists (PK and GB, or one per document type), one per taxpayer.

    The lists are streams of records (:func:`iter_gib_records`). GİB's lists come in no order
    (its sample PK list is not sorted by identifier), so a taxpayer met in several lists is only
    found by sorting: each list is cut into runs of ``run_size`` taxpayers, sorted by identifier
    and spilled to a temporary file, then the runs are merged. Every taxpayer comes out once, in
    identifier order, with the aliases of all lists (in list order) and the earliest
    registration; memory holds one run while spilling and one block per run while merging,
    whatever the lists' size.
    """
    if len(streams) == 1:
        for record in streams[0]:
            yield _user((record,))
        return
    with contextlib.ExitStack() as stack:
        runs = []
        for stream in streams:
            while chunk := list(itertools.islice(stream, run_size)):
                chunk.sort(key=_IDENTIFIER)
                spill = stack.enter_context(tempfile.TemporaryFile())
                for start in range(0, len(chunk), _BLOCK):
                    block = marshal.dumps(chunk[start : start + _BLOCK])
                    spill.write(len(block).to_bytes(4, "big") + block)
                del chunk
                spill.seek(0)
                runs.append(_read_run(spill))
        merged = heapq.merge(*runs, key=_IDENTIFIER)
        for _identifier, grouped in itertools.groupby(merged, key=_IDENTIFIER):
            yield _user(list(grouped))


@contextlib.contextmanager
def read_ahead(loaders):
    """Record streams of ``loaders`` (callables that each fetch one list and return its stream).

    The lists are fetched one after the other in a background thread, so the next list is
    downloaded while the merge reads the previous one; a stream waits for its own list on its
    first read and raises what the fetching raised. On exit nothing is left running.
    """
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="l10n_tr_edoc.gib_list") as pool:
        futures = [pool.submit(loader) for loader in loaders]
        try:
            yield [_awaited(future) for future in futures]
        finally:
            for future in futures:
                future.cancel()


def _awaited(future):
    yield from future.result()


_IDENTIFIER = operator.itemgetter(0)


def _stamp(moment):
    return moment.isoformat() if moment is not None else None


def _record(user):
    """A :class:`GibUser` as plain tuples and strings, which ``marshal`` writes and reads fast."""
    return (
        user.identifier,
        user.title,
        user.type,
        _stamp(user.registered_at),
        tuple(
            (
                alias.name,
                alias.unit,
                alias.document_type,
                _stamp(alias.created_at),
                alias.deleted,
                _stamp(alias.deleted_at),
            )
            for alias in user.aliases
        ),
    )


def _read_run(spill):
    # ``marshal.load`` reads a Python file in tiny pieces: a sized block and ``loads`` is far faster.
    while size := spill.read(4):
        yield from marshal.loads(spill.read(int.from_bytes(size, "big")))


def _time(text):
    return datetime.datetime.fromisoformat(text) if text is not None else None


def _user(group):
    """One taxpayer from its records in every list: the first list's fields, the earliest registration.

    Positional arguments: a million users and their aliases are built here, keywords cost.
    """
    identifier, title, kind, registered, _aliases = group[0]
    registered = _time(registered)
    if len(group) > 1:
        registered = min((_time(record[3]) for record in group if record[3] is not None), default=None)
    return GibUser(
        identifier,
        title,
        kind,
        registered,
        tuple(
            GibAlias(name, unit, document_type, _time(created), deleted, _time(deleted_at))
            for record in group
            for name, unit, document_type, created, deleted, deleted_at in record[4]
        ),
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
        if not self._head:
            return self._stream.read(size)
        chunk = bytearray(size)
        count = self.readinto(chunk)
        return bytes(chunk[:count])
