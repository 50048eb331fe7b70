"""GİB's XSD + schematron package at run time: download, check, unpack, and validate in a child process.

GİB publishes the package as two zips on ebelge.gib.gov.tr. They come from the network, so every member
is checked before anything touches the disk: no absolute paths, no ``..``, no links, bounded sizes.
Saxon's native runtime cannot start under the address-space limit an Odoo worker runs with, so the
XSD + schematron check runs in child Pythons without that limit, a batch split over the cores.
"""

import collections
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import requests

from .. import codes, zipsafe
from ..errors import ConfigurationError, EdocError, ParseError, XmlSecurityError

UBL_FOLDER, EFATURA_FOLDER = "UBLTR_1.2.1_Paketi", "e-FaturaPaketi"
DEFAULT_URLS = {
    "ubl": "https://ebelge.gib.gov.tr/dosyalar/kilavuzlar/UBL-TR1.2.1_Paketi.zip",
    "efatura": "https://ebelge.gib.gov.tr/dosyalar/kilavuzlar/e-FaturaPaketi.zip",
}
# zip key -> (folder the core expects, a member that proves it is the right zip)
LAYOUT = {
    "ubl": (UBL_FOLDER, "xsdrt/maindoc/UBL-Invoice-2.1.xsd"),
    "efatura": (EFATURA_FOLDER, "schematron/UBL-TR_Main_Schematron.xml"),
}
SCHEMATRON_DIR = Path(EFATURA_FOLDER, "schematron")
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 5000
CORE_PARENT = Path(__file__).resolve().parents[2]


class PackageError(EdocError):
    """A downloaded GİB zip that is unreachable, not a zip, not GİB's, or hostile; nothing was changed."""

    code = "tr_edoc.package"


@dataclass(frozen=True)
class ZipRecord:
    key: str
    url: str
    size: int
    sha256: str
    downloaded_at: str


def fetch(url, *, timeout=60, max_bytes=None):
    """The zip's bytes, read in chunks so a huge or endless answer is cut off at ``max_bytes``."""
    max_bytes = max_bytes or MAX_ZIP_BYTES
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise PackageError(
                        f"{url} is larger than {max_bytes} bytes.",
                        params={"url": url, "max_bytes": max_bytes},
                    )
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise PackageError(f"{url} could not be downloaded: {exc}", params={"url": url}) from exc
    return b"".join(chunks)


def _member_parts(info):
    """The member's path parts, refusing anything that could land outside the target folder."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and path.parts[0].endswith(":")) or ".." in path.parts:
        raise PackageError(f"The zip member {info.filename!r} points outside the package.", params={})
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageError(f"The zip member {info.filename!r} is a link.", params={})
    return tuple(part for part in path.parts if part not in ("", "."))


def checked_members(data, key):
    """``(zip, [(info, relative parts)])`` for the members under the folder that holds GİB's marker file."""
    folder, marker = LAYOUT[key]
    try:
        archive = zipsafe.open_zip(data, label=f"The {folder} download", max_members=MAX_MEMBERS)
        zipsafe.files(archive)
    except XmlSecurityError as exc:
        raise PackageError(f"The {folder} zip has too many members.", params={"key": key}) from exc
    except EdocError as exc:
        raise PackageError(f"The {folder} download is not a zip file: {exc}", params={"key": key}) from exc
    infos = archive.infolist()
    members, total = [], 0
    for info in infos:
        parts = _member_parts(info)
        if info.file_size > MAX_MEMBER_BYTES:
            raise PackageError(f"The zip member {info.filename!r} is too large.", params={"key": key})
        total += info.file_size
        members.append((info, parts))
    if total > MAX_TOTAL_BYTES:
        raise PackageError(f"The {folder} zip unpacks to too many bytes.", params={"key": key})
    marker_parts = tuple(marker.split("/"))
    prefixes = [
        parts[: -len(marker_parts)] for _info, parts in members if parts[-len(marker_parts) :] == marker_parts
    ]
    if len(prefixes) != 1:
        raise PackageError(
            f"The download is not GİB's {folder} package: it lacks {marker}.", params={"key": key}
        )
    (prefix,) = prefixes
    inside = [
        (info, parts[len(prefix) :])
        for info, parts in members
        if parts[: len(prefix)] == prefix and len(parts) > len(prefix) and not info.is_dir()
    ]
    return archive, inside


def _extract(archive, members, target):
    for info, parts in members:
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            stamp = zipsafe.member_datetime(info).timestamp()
            with zipsafe.open_member(archive, info) as source, path.open("wb") as sink:
                while chunk := source.read(64 * 1024):
                    written += len(chunk)
                    if written > info.file_size or written > MAX_MEMBER_BYTES:
                        raise PackageError(
                            f"The zip member {info.filename!r} is larger than it says.", params={}
                        )
                    sink.write(chunk)
        except ParseError as exc:
            raise PackageError(exc.message, params={"member": info.filename}) from exc
        os.utime(path, (stamp, stamp))


def install(zips, dest_root, *, now=None):
    """Check both zips, then unpack them into a fresh folder under ``dest_root``; returns its path.

    ``zips`` maps ``ubl``/``efatura`` to bytes. Everything is unpacked into a temporary folder first
    and renamed at the end, so a refused zip leaves no half-written package behind.
    """
    now = now or dt.datetime.now(dt.UTC)
    checked = {key: checked_members(zips[key], key) for key in LAYOUT}
    digest = hashlib.sha256(b"".join(hashlib.sha256(zips[key]).digest() for key in LAYOUT)).hexdigest()
    dest_root = Path(dest_root)
    dest_root.mkdir(parents=True, exist_ok=True)
    final = dest_root / f"{now:%Y%m%d}-{digest[:12]}"
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=dest_root))
    try:
        for key, (archive, members) in checked.items():
            _extract(archive, members, staging / LAYOUT[key][0])
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def download(urls, dest_root, *, now=None, timeout=60):
    """Fetch GİB's two zips and install them; returns ``(package folder, [ZipRecord])``."""
    now = now or dt.datetime.now(dt.UTC)
    zips, records = {}, []
    for key in LAYOUT:
        url = urls.get(key) or DEFAULT_URLS[key]
        data = fetch(url, timeout=timeout)
        zips[key] = data
        records.append(
            ZipRecord(
                key, url, len(data), hashlib.sha256(data).hexdigest(), now.isoformat(timespec="seconds")
            )
        )
    return install(zips, dest_root, now=now), records


def records_json(records):
    return json.dumps([asdict(record) for record in records])


def is_package(package_dir):
    """True when the folder holds both parts the XSD and schematron checks read."""
    if not package_dir:
        return False
    root = Path(package_dir)
    return all((root / folder / marker).is_file() for folder, marker in LAYOUT.values())


def package_date(package_dir):
    """The date of the newest schematron file: GİB's release, as far as the folder tells."""
    files = [path for path in (Path(package_dir) / SCHEMATRON_DIR).iterdir() if path.is_file()]
    if not files:
        return None
    return dt.date.fromtimestamp(max(path.stat().st_mtime for path in files))


HISTORY = SCHEMATRON_DIR / "History.txt"
_RELEASE_LINE = re.compile(rb"^\s*(20\d{6})\s*$", re.MULTILINE)


def release_of(package_dir):
    """GİB's release number of the package: the last ``YYYYMMDD`` heading of its ``History.txt``."""
    try:
        text = (Path(package_dir) / HISTORY).read_bytes()
    except OSError:
        return None
    found = _RELEASE_LINE.findall(text)
    return found[-1].decode("ascii") if found else None


def release_since(release):
    """The first IssueDate a release applies to: GİB's enforcement date where the core knows it (20260701
    from 14.09.2026), else the release date itself."""
    known = dict(codes.RELEASES)
    if release in known:
        return known[release] or dt.date.min
    try:
        return dt.datetime.strptime(release, "%Y%m%d").date()
    except (TypeError, ValueError):
        return dt.date.min


@dataclass(frozen=True)
class StoredRelease:
    release: str
    since: dt.date
    folder: Path


class PackageStore:
    """Several GİB packages side by side, each with the date from which it applies.

    A configured folder is either one package (its sibling packages, e.g. earlier downloads, join it) or a
    folder of packages. Each document is checked with the release in force on its IssueDate; before the
    oldest release's date the oldest one applies, so a store of one package checks everything with it.
    """

    def __init__(self, folders):
        by_release = {}
        for folder in sorted(Path(f) for f in folders):
            release = release_of(folder) or package_date(folder).strftime("%Y%m%d")
            by_release[release] = folder  # the newest download of a release wins (folders sort by date)
        self.releases = tuple(
            sorted(
                (
                    StoredRelease(release, release_since(release), folder)
                    for release, folder in by_release.items()
                ),
                key=lambda entry: (entry.since, entry.release),
            )
        )

    @classmethod
    def discover(cls, path):
        """The store around ``path``, or an empty store when there is no package there."""
        if not path:
            return cls(())
        path = Path(path)
        if is_package(path):
            siblings = [p for p in path.parent.iterdir() if p != path and p.is_dir() and is_package(p)]
            return cls([path, *siblings])
        if path.is_dir():
            return cls(p for p in path.iterdir() if p.is_dir() and is_package(p))
        return cls(())

    def __bool__(self):
        return bool(self.releases)

    def for_date(self, issue_date):
        """The stored release in force on ``issue_date`` (the newest for an unknown date)."""
        if not self.releases:
            return None
        if issue_date is None:
            return self.releases[-1]
        in_force = [entry for entry in self.releases if entry.since <= issue_date]
        return in_force[-1] if in_force else self.releases[0]


_ISSUE_DATE = re.compile(rb"<(?:\w+:)?IssueDate>\s*(\d{4}-\d{2}-\d{2})\s*<")


def _issue_date(xml):
    """The document's first IssueDate, read without parsing (the child parses it safely later)."""
    match = _ISSUE_DATE.search(xml[:200_000])
    try:
        return dt.date.fromisoformat(match.group(1).decode("ascii")) if match else None
    except ValueError:
        return None


def _lift_address_space_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def validate_in_child(xmls, package_dir, *, rules=False, timeout=300):
    """XSD + schematron (and with ``rules`` our own rules) results for ``xmls``: the CLI's JSON dicts,
    in order. The documents are grouped by the GİB release their IssueDate selects, and each group is
    split over the available cores, one child process per share, all running at once."""
    store = PackageStore.discover(package_dir) if is_package(package_dir) else None
    if not store:
        raise ConfigurationError(
            f"{package_dir} is not a GİB package folder.", params={"package_dir": str(package_dir)}
        )
    groups = {}
    for index, xml in enumerate(xmls):
        groups.setdefault(store.for_date(_issue_date(xml)), []).append(index)
    shares = [
        (entry, indexes[start : start + size])
        for entry, indexes in groups.items()
        for size in [-(-len(indexes) // _children_for(len(indexes)))]
        for start in range(0, len(indexes), size)
    ]
    results = [None] * len(xmls)
    with tempfile.TemporaryDirectory(prefix="l10n_tr_edoc-validate-") as tmp:
        running = [
            (entry, indexes, _start_child([xmls[i] for i in indexes], entry.folder, Path(tmp, str(n)), rules))
            for n, (entry, indexes) in enumerate(shares)
        ]
        try:
            for entry, indexes, child in running:
                for index, result in zip(indexes, _child_results(child, timeout), strict=True):
                    results[index] = {**result, "gib_release": entry.release}
        finally:
            for _entry, _indexes, child in running:
                if child.poll() is None:
                    child.kill()
                    child.wait()
    return results


MIN_SHARE = 20
"""Fewer documents than this per child are not worth another child's start (about a second)."""


def _children_for(count):
    """How many children check ``count`` documents: one per core this process may run on, each with
    at least :data:`MIN_SHARE` documents."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, count // MIN_SHARE))


def _start_child(xmls, package_dir, folder, rules):
    folder.mkdir()
    files = []
    for index, xml in enumerate(xmls):
        path = folder / f"{index:05d}.xml"
        path.write_bytes(xml)
        files.append(str(path))
    command = [sys.executable, "-m", "core", "validate", "--json", *(() if rules else ("--no-rules",))]
    return subprocess.Popen(
        [*command, "--package", str(package_dir), *files],
        cwd=CORE_PARENT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # only setrlimit between fork and exec, as subprocess.run(preexec_fn=...) did here before
        preexec_fn=_lift_address_space_limit,  # noqa: PLW1509
    )


def _child_results(child, timeout):
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise ConfigurationError(
            f"The XSD and schematron check did not finish within {timeout} seconds.",
            code="tr_edoc.package.timeout",
            params={"timeout": timeout},
        ) from exc
    try:
        return json.loads(stdout)
    except ValueError as exc:
        raise ConfigurationError(
            f"The XSD and schematron check failed: {stderr.decode(errors='replace')[-2000:]}",
            code="tr_edoc.package.child",
            params={},
        ) from exc


STREAM_CHILD_DOCUMENTS = 400
"""Documents one streaming child checks before a fresh one takes its place: Saxon's memory grows with
every document it parses and is not given back (about 440 MB after 2,500), a restart costs about a
second of the other core."""


class ValidationStream:
    """Children checking documents while the caller builds the next ones (``python -m core validate
    --stream``): each XML goes to the least busy child as soon as it exists.

    At month end the worker builds invoice after invoice on one core; GİB's checks then run on the
    other cores meanwhile instead of after the batch, and the children (Saxon, GİB's compiled
    schematron) start once per run, not once per batch. Results come back in submission order per child.
    """

    def __init__(self, package_dir, *, expected=None, rules=False, children=None, timeout=300):
        """``expected`` documents (unknown: many) decide how many children start, as for a batch."""
        if not (is_package(package_dir) and PackageStore.discover(package_dir)):
            raise ConfigurationError(
                f"{package_dir} is not a GİB package folder.", params={"package_dir": str(package_dir)}
            )
        self.timeout = timeout
        self._folder = tempfile.TemporaryDirectory(prefix="l10n_tr_edoc-validate-")
        self._count = 0
        command = [
            sys.executable,
            "-m",
            "core",
            "validate",
            "--stream",
            "--json",
            "--package",
            str(package_dir),
        ]
        if not rules:
            command.append("--no-rules")
        self._command = command
        self._started = itertools.count()
        self._children = [
            self._start() for _n in range(children or _children_for(expected or MIN_SHARE * os.cpu_count()))
        ]
        self._retired = []

    def _start(self):
        return _StreamChild(self._command, Path(self._folder.name, f"child{next(self._started)}.err"))

    def submit(self, xml):
        """Queue ``xml`` for checking; returns the ticket :meth:`result` takes."""
        self._count += 1
        path = Path(self._folder.name, f"{self._count:06d}.xml")
        path.write_bytes(xml)
        index, child = min(enumerate(self._children), key=lambda pair: len(pair[1].waiting))
        if child.sent >= STREAM_CHILD_DOCUMENTS:
            child.retire()  # it still answers what it was given
            self._retired.append(child)
            child = self._children[index] = self._start()
        return child.send(path)

    def result(self, ticket):
        """The CLI's JSON dict for the ticket's document, waiting for it at most ``timeout`` seconds."""
        if not ticket.done.wait(self.timeout):
            raise ConfigurationError(
                f"The XSD and schematron check did not finish within {self.timeout} seconds.",
                code="tr_edoc.package.timeout",
                params={"timeout": self.timeout},
            )
        ticket.path.unlink(missing_ok=True)
        if ticket.value is None:
            raise ConfigurationError(
                f"The XSD and schematron check failed: {ticket.failure}",
                code="tr_edoc.package.child",
                params={},
            )
        return ticket.value

    def close(self):
        for child in (*self._retired, *self._children):
            child.close()
        self._folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()


class _Ticket:
    def __init__(self, path):
        self.path = path
        self.done = threading.Event()
        self.value = self.failure = None


class _StreamChild:
    """One ``validate --stream`` process, and the thread that hands its output lines to the tickets."""

    def __init__(self, command, stderr_path):
        self._stderr_path = stderr_path
        with open(stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                command,
                cwd=CORE_PARENT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                preexec_fn=_lift_address_space_limit,  # noqa: PLW1509
            )
        self.waiting = collections.deque()
        self.sent = 0
        self._lock = threading.Lock()
        self._failure = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def send(self, path):
        self.sent += 1
        ticket = _Ticket(path)
        with self._lock:
            if self._failure is None:
                self.waiting.append(ticket)
        if self._failure is not None:
            ticket.failure = self._failure
            ticket.done.set()
            return ticket
        try:
            self.process.stdin.write(f"{path}\n".encode())
            self.process.stdin.flush()
        except OSError:
            pass  # the child is gone: the reader fails the waiting tickets
        return ticket

    def _read(self):
        for line in self.process.stdout:
            with self._lock:
                ticket = self.waiting.popleft()
            try:
                ticket.value = json.loads(line)
            except ValueError:
                ticket.failure = line[-2000:].decode(errors="replace")
            ticket.done.set()
        self.process.wait()
        failure = self._stderr_path.read_bytes()[-2000:].decode(errors="replace") or "the child stopped"
        with self._lock:
            self._failure = failure
            stranded, self.waiting = list(self.waiting), collections.deque()
        for ticket in stranded:
            ticket.failure = failure
            ticket.done.set()

    def retire(self):
        """No more documents: the child answers those it has, then ends."""
        with contextlib.suppress(OSError):  # already gone
            self.process.stdin.close()

    def close(self):
        self.retire()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=30)


def result_messages(result):
    """The failed XSD/schematron messages of one CLI result, as plain lines."""
    if "error" in result:
        return [result["error"]["message"]]
    return [
        issue["message"]
        for check in ("xsd", "schematron")
        for issue in result.get(check, ())
        if issue["severity"] == "error"
    ]
