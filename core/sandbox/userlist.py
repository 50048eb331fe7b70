"""GİB registered-user list of the sandbox, written as İzibiz's zipped GetGibUserList file.

The list is streamed into a ZIP on disk a few thousand entries at a time, so a million synthetic
users cost disk space, not memory; the HTTP layer then Base64-encodes that file in chunks.
"""

import csv
import io
import itertools
import tempfile
import threading
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from .clock import TR_TZ

LIST_NS = "http://schemas.i2i.com/ei/wsdl"
GIB_DESPATCH_VKN = "3900892152"
GIB_DESPATCH_ALIAS = "urn:mail:irsaliyepk@gib.gov.tr"
_FIELDS = (
    "IDENTIFIER",
    "ALIAS",
    "TITLE",
    "TYPE",
    "REGISTER_TIME",
    "UNIT",
    "DOCUMENT_TYPE",
    "ALIAS_CREATION_TIME",
    "DELETED",
    "ALIAS_DELETION_TIME",
)


def _naive_tr(moment):
    return moment and moment.astimezone(TR_TZ).replace(tzinfo=None)


def _stamp(moment):
    if not moment:
        return ""
    return moment.astimezone(TR_TZ).replace(tzinfo=None).isoformat(timespec="seconds")


@dataclass(frozen=True)
class GibUser:
    """One alias of one taxpayer, as a line of the list (a firm has one entry per alias)."""

    identifier: str
    title: str
    alias: str
    unit: str
    document_type: str
    register_time: datetime
    alias_creation_time: datetime
    type: str = "OZEL"
    deletion_time: datetime | None = None

    def row(self):
        return {
            "IDENTIFIER": self.identifier,
            "ALIAS": self.alias,
            "TITLE": self.title,
            "TYPE": self.type,
            "REGISTER_TIME": _stamp(self.register_time),
            "UNIT": self.unit,
            "DOCUMENT_TYPE": self.document_type,
            "ALIAS_CREATION_TIME": _stamp(self.alias_creation_time),
            "DELETED": "Y" if self.deletion_time else "",
            "ALIAS_DELETION_TIME": _stamp(self.deletion_time),
        }


@dataclass(frozen=True)
class ListQuery:
    document_type: str | None = None
    alias_type: str | None = None
    register_time_start: datetime | None = None
    alias_modify_date: datetime | None = None
    file_type: str = "XML"

    def matches(self, user):
        if self.document_type not in (None, "", "ALL") and user.document_type != self.document_type:
            return False
        if (self.alias_type or "PK") != "ALL" and user.unit != (self.alias_type or "PK"):
            return False
        if self.register_time_start and user.register_time < self.register_time_start:
            return False
        if self.alias_modify_date is None:
            return user.deletion_time is None
        changed = user.alias_creation_time
        if user.deletion_time:
            changed = max(changed, user.deletion_time)
        return changed > self.alias_modify_date


class SyntheticUsers:
    """A deterministic crowd of taxpayers computed from their index, never held in memory.

    Each has an e-Fatura PK alias and, with ``despatch=True``, an e-İrsaliye PK alias too. The
    first ``churn`` users changed at ``churn_at``: their e-Fatura alias was closed and a new one
    opened, so a delta list since before that moment holds ``2 * churn`` rows.
    """

    FIRST_VKN = 7_000_000_000
    EPOCH = datetime(2014, 1, 1, 9, 0, tzinfo=TR_TZ)

    def __init__(self, count, *, despatch=False, churn=0, churn_at=None):
        self.count = count
        self.despatch = despatch
        self.churn = churn if churn_at else 0
        self.churn_at = churn_at

    def __iter__(self):
        for index in range(self.count):
            registered = self.EPOCH + timedelta(minutes=5 * index)
            user = GibUser(
                identifier=str(self.FIRST_VKN + index),
                title=f"SENTETİK MÜKELLEF {index} A.Ş.",
                alias=f"urn:mail:defaultpk@s{index}.sandbox.example",
                unit="PK",
                document_type="INVOICE",
                register_time=registered,
                alias_creation_time=registered,
            )
            if index < self.churn:
                yield replace(user, deletion_time=self.churn_at)
                yield replace(
                    user,
                    alias=f"urn:mail:yenipk@s{index}.sandbox.example",
                    alias_creation_time=self.churn_at,
                )
            else:
                yield user
            if self.despatch:
                yield replace(
                    user,
                    alias=f"urn:mail:irsaliyepk@s{index}.sandbox.example",
                    document_type="DESPATCHADVICE",
                )

    def xml_chunks(self, query, size=2000):
        """(entries, XML) of the matching entries as the generic path writes them, ``size`` per string.

        The same bytes as ``_xml_user(user.row())`` for each entry of ``iter(self)`` that
        ``query`` matches, computed without building the entries: a million users take seconds.
        The synthetic values need no escaping.
        """
        epoch = self.EPOCH.replace(tzinfo=None)
        step = timedelta(minutes=5)
        start = _naive_tr(query.register_time_start)
        modified = _naive_tr(query.alias_modify_date)
        churn_at = _naive_tr(self.churn_at)
        churn_stamp = _stamp(self.churn_at)
        unit_ok = (query.alias_type or "PK") in ("ALL", "PK")
        invoice = query.document_type in (None, "", "ALL", "INVOICE")
        despatch = self.despatch and query.document_type in (None, "", "ALL", "DESPATCHADVICE")
        if not unit_ok or not (invoice or despatch):
            return
        first = 0
        if start is not None and start > epoch:
            first = -((epoch - start) // step)
        indices = range(first, self.count)
        if modified is not None:
            # Only churned users changed before the first user registered after ``modified``.
            fresh_from = max(first, (modified - epoch) // step + 1 if modified >= epoch else 0)
            churned = range(first, min(self.churn, fresh_from)) if invoice else ()
            indices = itertools.chain(churned, range(fresh_from, self.count))
        parts = []
        for index in indices:
            registered = epoch + step * index
            stamp = registered.isoformat()
            common = (
                f'\n<USER xmlns=""><IDENTIFIER>{self.FIRST_VKN + index}</IDENTIFIER>'
                f"<ALIAS>urn:mail:%spk@s{index}.sandbox.example</ALIAS>"
                f"<TITLE>SENTETİK MÜKELLEF {index} A.Ş.</TITLE><TYPE>OZEL</TYPE>"
                f"<REGISTER_TIME>{stamp}</REGISTER_TIME><UNIT>PK</UNIT><DOCUMENT_TYPE>%s</DOCUMENT_TYPE>"
                "<ALIAS_CREATION_TIME>%s</ALIAS_CREATION_TIME>%s</USER>"
            )
            fresh = modified is None or registered > modified
            if invoice:
                if index < self.churn:
                    if modified is not None and max(registered, churn_at) > modified:
                        parts.append(
                            common
                            % (
                                "default",
                                "INVOICE",
                                stamp,
                                f"<DELETED>Y</DELETED><ALIAS_DELETION_TIME>{churn_stamp}</ALIAS_DELETION_TIME>",
                            )
                        )
                    if modified is None or churn_at > modified:
                        parts.append(common % ("yeni", "INVOICE", churn_stamp, ""))
                elif fresh:
                    parts.append(common % ("default", "INVOICE", stamp, ""))
            if despatch and fresh:
                parts.append(common % ("irsaliye", "DESPATCHADVICE", stamp, ""))
            if len(parts) >= size:
                yield len(parts), "".join(parts)
                parts.clear()
        if parts:
            yield len(parts), "".join(parts)


class UserRegistry:
    """Every alias the simulated GİB knows, including closed ones (kept for delta lists)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._users = []
        self.synthetic = SyntheticUsers(0)

    def add(self, user):
        with self._lock:
            self._users.append(user)

    def close_alias(self, alias, at):
        """GİB closes an alias: it disappears from full lists and shows as DELETED in deltas."""
        with self._lock:
            hits = [u for u in self._users if u.alias == alias and u.deletion_time is None]
            if not hits:
                raise KeyError(alias)
            self._users = [replace(u, deletion_time=at) if u in hits else u for u in self._users]

    def set_synthetic_count(self, count, *, despatch=False):
        self.synthetic = SyntheticUsers(count, despatch=despatch)

    def churn_synthetic(self, count, at):
        """The first ``count`` synthetic users swap their e-Fatura PK alias at ``at`` (a delta)."""
        self.synthetic = SyntheticUsers(
            self.synthetic.count, despatch=self.synthetic.despatch, churn=count, churn_at=at
        )

    def lookup(self, identifier, document_type=None, *, unit=None):
        with self._lock:
            return [
                u
                for u in self._users
                if u.identifier == identifier
                and u.deletion_time is None
                and document_type in (None, u.document_type)
                and unit in (None, u.unit)
            ]

    def has_alias(self, identifier, alias, document_type, unit):
        return any(u.alias == alias for u in self.lookup(identifier, document_type, unit=unit))

    def own_entries(self):
        with self._lock:
            return list(self._users)

    def entries(self):
        yield from self.own_entries()
        yield from self.synthetic

    def write_zip(self, query, directory=None):
        """Stream the matching entries into a temporary ZIP; the caller deletes the file."""
        count = 0
        with (
            tempfile.NamedTemporaryFile(
                prefix="sandbox-users-", suffix=".zip", dir=directory, delete=False
            ) as handle,
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        ):
            name = "users.csv" if query.file_type == "CSV" else "users.xml"
            with archive.open(name, "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                if query.file_type == "CSV":
                    writer = csv.DictWriter(out, fieldnames=_FIELDS)
                    writer.writeheader()
                else:
                    out.write(
                        f'<?xml version="1.0" encoding="UTF-8"?>\n<GetUserListResponse xmlns="{LIST_NS}">'
                    )
                csv_file = query.file_type == "CSV"
                for user in self.own_entries() if not csv_file else self.entries():
                    if not query.matches(user):
                        continue
                    count += 1
                    if csv_file:
                        writer.writerow(user.row())
                    else:
                        out.write(_xml_user(user.row()))
                if not csv_file:
                    for entries, chunk in self.synthetic.xml_chunks(query):
                        count += entries
                        out.write(chunk)
                    out.write("</GetUserListResponse>\n")
                out.flush()
                out.detach()
        return handle.name, count


def _xml_user(row):
    parts = "".join(f"<{key}>{escape(value)}</{key}>" for key, value in row.items() if value)
    return f'\n<USER xmlns="">{parts}</USER>'


GIB_DOCUMENT_TYPES = {"INVOICE": "Invoice", "DESPATCHADVICE": "DespatchAdvice"}


def gib_user_xml(users, unit, document_type=None):
    """One VKN/TCKN's entries as a ``User`` of GİB's own list (``NewUserList.xsd``).

    Only aliases of ``unit`` (and of ``document_type`` when given) are listed, closed ones with
    their ``DeletionTime`` as GİB does; ``""`` when none is left.
    """
    documents = []
    for kind, label in GIB_DOCUMENT_TYPES.items():
        aliases = [
            user
            for user in users
            if user.unit == unit and user.document_type == kind and document_type in (None, kind)
        ]
        if not aliases:
            continue
        parts = "".join(
            f"<Alias><Name>{escape(user.alias)}</Name>"
            f"<CreationTime>{_stamp(user.alias_creation_time)}</CreationTime>"
            + (f"<DeletionTime>{_stamp(user.deletion_time)}</DeletionTime>" if user.deletion_time else "")
            + "</Alias>"
            for user in aliases
        )
        documents.append(f'<Document type="{label}">{parts}</Document>')
    if not documents:
        return ""
    first = users[0]
    return (
        f"\n<User><Identifier>{escape(first.identifier)}</Identifier><Title>{escape(first.title)}</Title>"
        f"<Type>{first.type}</Type><FirstCreationTime>{_stamp(first.register_time)}</FirstCreationTime>"
        f"<AccountType>OZELENTEGRASYON</AccountType><Documents>{''.join(documents)}</Documents></User>"
    )


def synthetic_gib_chunks(synthetic, unit, document_type=None, size=2000):
    """(users, XML) of the synthetic crowd in GİB's format: ``gib_user_xml`` per user, fast.

    The synthetic users have PK aliases only; the values need no escaping.
    """
    if unit != "PK":
        return
    invoice = document_type in (None, "INVOICE")
    despatch = synthetic.despatch and document_type in (None, "DESPATCHADVICE")
    if not (invoice or despatch):
        return
    epoch = synthetic.EPOCH.replace(tzinfo=None)
    step = timedelta(minutes=5)
    churn_stamp = _stamp(synthetic.churn_at)
    parts = []
    for index in range(synthetic.count):
        stamp = (epoch + step * index).isoformat()
        documents = ""
        if invoice:
            if index < synthetic.churn:
                documents += (
                    '<Document type="Invoice"><Alias>'
                    f"<Name>urn:mail:defaultpk@s{index}.sandbox.example</Name>"
                    f"<CreationTime>{stamp}</CreationTime><DeletionTime>{churn_stamp}</DeletionTime></Alias>"
                    f"<Alias><Name>urn:mail:yenipk@s{index}.sandbox.example</Name>"
                    f"<CreationTime>{churn_stamp}</CreationTime></Alias></Document>"
                )
            else:
                documents += (
                    '<Document type="Invoice"><Alias>'
                    f"<Name>urn:mail:defaultpk@s{index}.sandbox.example</Name>"
                    f"<CreationTime>{stamp}</CreationTime></Alias></Document>"
                )
        if despatch:
            documents += (
                f'<Document type="DespatchAdvice"><Alias><Name>urn:mail:irsaliyepk@s{index}.sandbox.example'
                f"</Name><CreationTime>{stamp}</CreationTime></Alias></Document>"
            )
        parts.append(
            f"\n<User><Identifier>{synthetic.FIRST_VKN + index}</Identifier>"
            f"<Title>SENTETİK MÜKELLEF {index} A.Ş.</Title><Type>OZEL</Type>"
            f"<FirstCreationTime>{stamp}</FirstCreationTime><AccountType>OZELENTEGRASYON</AccountType>"
            f"<Documents>{documents}</Documents></User>"
        )
        if len(parts) >= size:
            yield len(parts), "".join(parts)
            parts.clear()
    if parts:
        yield len(parts), "".join(parts)


def write_gib_zip(registry, unit, document_type=None, directory=None, name=None):
    """GİB's zipped ``UserList`` of one unit (the ``newUserPkList``/``newUserGbList`` file), streamed.

    Kolaysoft and Nilvera pass this file on; the caller deletes it. Returns (path, users).
    """
    count = 0
    name = name or f"newUser{unit.capitalize()}List.xml"
    with (
        tempfile.NamedTemporaryFile(
            prefix="sandbox-gib-users-", suffix=".zip", dir=directory, delete=False
        ) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(name, "w", force_zip64=True) as raw,
    ):
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<UserList>')
        own = sorted(registry.own_entries(), key=lambda user: user.identifier)
        groups = [
            list(group) for _identifier, group in itertools.groupby(own, key=lambda user: user.identifier)
        ]
        # GİB promises no order, and each list (unit, document type) comes in its own.
        groups.sort(key=lambda group: zlib.crc32(f"{unit}/{document_type}/{group[0].identifier}".encode()))
        for group in groups:
            text = gib_user_xml(group, unit, document_type)
            if text:
                count += 1
                out.write(text)
        for users, chunk in synthetic_gib_chunks(registry.synthetic, unit, document_type):
            count += users
            out.write(chunk)
        out.write("\n</UserList>\n")
        out.flush()
        out.detach()
    return handle.name, count
