"""The integrators' published WSDL contracts, obtained from their public endpoints and cached on disk.

The sandbox parses requests and renders answers with İzibiz's and Kolaysoft's own WSDLs. The project
ships none of them: at first use they are read from the integrators' public test endpoints
(``<service>?wsdl`` and the ``?xsd=N`` schemas it imports), stored in a cache folder laid out like a
hand-made WSDL folder (``<Folder>/local/`` for İzibiz, ``<Folder>/`` for Kolaysoft) with every
reference rewritten to the local file, and loaded offline from then on.

What comes back is hostile like any answer from the network: only references on the endpoint's own
origin are followed, every file and the whole download are size-capped, the run has a total
deadline, and a partial download never replaces a complete cache (it is written aside and renamed).
"""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
from lxml import etree

from .errors import ConfigurationError

IZIBIZ_CONTRACT_HOST = "https://efaturatest.izibiz.com.tr"
KOLAYSOFT_CONTRACT_HOST = "https://servis.kolayentegrasyon.net"
IZIBIZ_HOST_ENV = "L10N_TR_EDOC_IZIBIZ_CONTRACT_HOST"
KOLAYSOFT_HOST_ENV = "L10N_TR_EDOC_KOLAYSOFT_CONTRACT_HOST"
CACHE_ENV = "L10N_TR_EDOC_CONTRACT_CACHE"

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_FILES = 60
DEADLINE_SECONDS = 120
COMPLETE_MARKER = ".complete"

XSD_NS = "http://www.w3.org/2001/XMLSchema"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class ContractUnavailable(ConfigurationError):
    """The contracts are neither cached nor obtainable; the message says what to do instead."""

    code = "tr_edoc.contracts.unavailable"


def _origin(url):
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _Download:
    """One run's budget: files, bytes and a wall-clock deadline shared by every request of the run."""

    def __init__(self, origin_url, session):
        self.origin = _origin(origin_url)
        self.session = session
        self.deadline = time.monotonic() + DEADLINE_SECONDS
        self.files = 0
        self.bytes = 0

    def get(self, url):
        if _origin(url) != self.origin:
            raise ContractUnavailable(f"{url} is not on {self.origin[1]}: contracts follow no other origin")
        self.files += 1
        if self.files > MAX_FILES:
            raise ContractUnavailable(
                f"more than {MAX_FILES} contract files referenced from {self.origin[1]}"
            )
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise ContractUnavailable(f"downloading the contracts took longer than {DEADLINE_SECONDS} s")
        try:
            with self.session.get(
                url, stream=True, timeout=min(30, remaining), allow_redirects=False
            ) as answer:
                if answer.status_code != 200:
                    raise ContractUnavailable(f"{url} answered HTTP {answer.status_code}")
                chunks, size = [], 0
                for chunk in answer.iter_content(64 * 1024):
                    size += len(chunk)
                    self.bytes += len(chunk)
                    if size > MAX_FILE_BYTES or self.bytes > MAX_TOTAL_BYTES:
                        raise ContractUnavailable(f"{url} is larger than the contracts can be")
                    if time.monotonic() > self.deadline:
                        raise ContractUnavailable(
                            f"downloading the contracts took longer than {DEADLINE_SECONDS} s"
                        )
                    chunks.append(chunk)
        except requests.RequestException as exc:
            raise ContractUnavailable(f"{url} could not be read ({type(exc).__name__})") from exc
        try:
            return etree.fromstring(b"".join(chunks), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise ContractUnavailable(f"{url} is not XML") from exc


def _reference_attributes(root):
    """``(element, attribute)`` of every reference a WSDL or XSD makes to another file."""
    for tag in (f"{{{XSD_NS}}}import", f"{{{XSD_NS}}}include", f"{{{XSD_NS}}}redefine"):
        for element in root.iter(tag):
            if element.get("schemaLocation"):
                yield element, "schemaLocation"
    for element in root.iter(f"{{{WSDL_NS}}}import"):
        if element.get("location"):
            yield element, "location"


def _local_name(stem, url, taken):
    query = urlsplit(url).query
    match = re.fullmatch(r"xsd=(\w+)", query)
    base = f"{stem}-xsd{match.group(1)}.xsd" if match else _SAFE_NAME.sub("_", Path(urlsplit(url).path).name)
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{Path(base).stem}-{counter}{Path(base).suffix or '.xsd'}"
    return name


def _fetch_service(download, wsdl_url, wsdl_name, folder):
    """The WSDL and everything it imports into ``folder``, references rewritten to the local names."""
    stem = Path(wsdl_name).stem
    names = {wsdl_url: wsdl_name}
    pending = [wsdl_url]
    while pending:
        url = pending.pop()
        root = download.get(url)
        for element, attribute in _reference_attributes(root):
            target = urljoin(url, element.get(attribute))
            if target not in names:
                names[target] = _local_name(stem, target, set(names.values()))
                pending.append(target)
            element.set(attribute, names[target])
        (folder / names[url]).write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def obtain(services, host, target, *, local_subfolder, session=None):
    """Fill ``target`` with the WSDLs of ``services`` (key → (folder, wsdl file, path on the host)).

    Does nothing when ``target`` already holds a complete download of every service (a cache made
    before a service was added is downloaded again); raises ContractUnavailable with a
    one-line reason otherwise, leaving no half-written folder behind.
    """
    target = Path(target)
    if (target / COMPLETE_MARKER).is_file() and all(
        (target / folder / ("local" if local_subfolder else "") / wsdl_name).is_file()
        for folder, wsdl_name, _path in services.values()
    ):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with session or requests.Session() as http:
            download = _Download(host, http)
            for folder_name, wsdl_name, path in services.values():
                folder = staging / folder_name / "local" if local_subfolder else staging / folder_name
                folder.mkdir(parents=True, exist_ok=True)
                _fetch_service(download, f"{host.rstrip('/')}{path}?wsdl", wsdl_name, folder)
        (staging / COMPLETE_MARKER).write_text(host, encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def default_cache_dir():
    """``$L10N_TR_EDOC_CONTRACT_CACHE``, else beside Odoo's own data (``~/.local/share/Odoo``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base, "Odoo", "l10n_tr_edoc", "contracts")


def _integrator_contracts(name, services, host, target, *, local_subfolder, hint):
    """``services`` of integrator ``name`` from the cache in ``target``, filled from ``host`` when absent."""
    try:
        return obtain(services, host, target, local_subfolder=local_subfolder)
    except ContractUnavailable as exc:
        raise ContractUnavailable(
            f"{name}'s WSDL contracts are not cached in {target} and could not be downloaded from {host}: "
            f"{exc}. {hint}"
        ) from exc


def izibiz_wsdl_dir(cache_dir=None, host=None):
    """İzibiz's contracts for the sandbox: the cache, filled from İzibiz's test endpoint on first use."""
    from .sandbox.soap import SERVICE_FILES

    services = {path: (folder, wsdl, path) for path, (folder, wsdl) in SERVICE_FILES.items()}
    host = host or os.environ.get(IZIBIZ_HOST_ENV) or IZIBIZ_CONTRACT_HOST
    return _integrator_contracts(
        "İzibiz",
        services,
        host,
        Path(cache_dir or default_cache_dir()) / "izibiz",
        local_subfolder=True,
        hint="Point the sandbox at a folder of them with --wsdl-dir or L10N_TR_EDOC_IZIBIZ_WSDL_DIR.",
    )


def kolaysoft_wsdl_dir(cache_dir=None, host=None):
    """Kolaysoft's contracts, likewise; the sandbox runs without its Kolaysoft front-end when absent."""
    from .providers.kolaysoft import SERVICES

    host = host or os.environ.get(KOLAYSOFT_HOST_ENV) or KOLAYSOFT_CONTRACT_HOST
    return _integrator_contracts(
        "Kolaysoft",
        SERVICES,
        host,
        Path(cache_dir or default_cache_dir()) / "kolaysoft",
        local_subfolder=False,
        hint="Point the sandbox at a folder of them with --kolaysoft-wsdl-dir.",
    )
