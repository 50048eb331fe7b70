"""XSD validation against GİB's UBL-TR 1.2.1 package, offline and compiled once per process."""

import threading
from pathlib import Path

from lxml import etree

from ..errors import ConfigurationError
from ._doc import UBL_NAMESPACES, as_root
from .issue import Issue

UBL_PACKAGE = "UBLTR_1.2.1_Paketi"
MAINDOC = Path(UBL_PACKAGE, "xsdrt", "maindoc")
_DOWNLOAD_HINT = (
    "Download UBL-TR1.2.1_Paketi.zip from https://ebelge.gib.gov.tr (e-Fatura > Kılavuzlar) and extract it "
    "unchanged into that folder, so that it contains UBLTR_1.2.1_Paketi/xsdrt/maindoc/."
)


class _OfflineResolver(etree.Resolver):
    """Schema imports are all relative in GİB's package; anything remote means a broken or tampered copy."""

    def resolve(self, system_url, public_id, context):
        if "://" in (system_url or "") and not system_url.startswith("file:"):
            raise ConfigurationError(
                f"The XSD package tries to load {system_url} from the network; only local files are allowed.",
                code="tr_edoc.config.xsd_remote_import",
                params={"url": system_url},
            )


def _schema_parser():
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_OfflineResolver())
    return parser


class _Compiled:
    """A compiled schema plus the lock that keeps its shared error log consistent between threads."""

    def __init__(self, schema):
        self.schema = schema
        self.lock = threading.Lock()


_CACHE = {}
_CACHE_LOCK = threading.Lock()


def _error_code(entry):
    name = entry.type_name or "invalid"
    return "tr_edoc.xsd." + name.removeprefix("SCHEMAV_").removeprefix("SCHEMAP_").lower()


class XsdValidator:
    """Picks the maindoc XSD from the root namespace and reports every schema error as an ``Issue``."""

    def __init__(self, package_dir):
        if package_dir is None:
            raise ConfigurationError(
                "No GİB UBL-TR package folder is configured. " + _DOWNLOAD_HINT,
                code="tr_edoc.config.gib_package_missing",
            )
        self.package_dir = Path(package_dir).resolve()
        maindoc = self.package_dir / MAINDOC
        missing = [
            f"UBL-{name}-2.1.xsd"
            for name in UBL_NAMESPACES.values()
            if not (maindoc / f"UBL-{name}-2.1.xsd").is_file()
        ]
        if missing:
            raise ConfigurationError(
                f"The GİB UBL-TR package in {self.package_dir} is missing or incomplete "
                f"(not found: {', '.join(missing)}). " + _DOWNLOAD_HINT,
                code="tr_edoc.config.gib_package_missing",
                params={"package_dir": str(self.package_dir), "missing": missing},
            )

    def schema_path(self, document_name):
        return self.package_dir / MAINDOC / f"UBL-{document_name}-2.1.xsd"

    def _compiled(self, document_name):
        key = (self.package_dir, document_name)
        with _CACHE_LOCK:
            compiled = _CACHE.get(key)
            if compiled is None:
                path = self.schema_path(document_name)
                try:
                    schema = etree.XMLSchema(etree.parse(str(path), _schema_parser()))
                except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as exc:
                    raise ConfigurationError(
                        f"The XSD {path} does not compile ({exc}). " + _DOWNLOAD_HINT,
                        code="tr_edoc.config.xsd_broken",
                        params={"path": str(path)},
                    ) from exc
                compiled = _CACHE[key] = _Compiled(schema)
            return compiled

    def validate(self, root_or_bytes):
        root = as_root(root_or_bytes)
        namespace = etree.QName(root).namespace
        document_name = UBL_NAMESPACES.get(namespace)
        if document_name is None:
            return [
                Issue(
                    code="tr_edoc.xsd.unknown_document",
                    path="/" + root.tag,
                    message=(
                        f"The root element {root.tag} is not a UBL-TR document "
                        "(Invoice, DespatchAdvice, ReceiptAdvice, ApplicationResponse or CreditNote)."
                    ),
                    params={"tag": root.tag},
                    source="xsd",
                )
            ]
        compiled = self._compiled(document_name)
        with compiled.lock:
            if compiled.schema.validate(root.getroottree()):
                return []
            entries = list(compiled.schema.error_log)
        return [
            Issue(
                code=_error_code(entry),
                path=f"line {entry.line}: {entry.path}" if entry.path else f"line {entry.line}",
                message=entry.message,
                params={
                    "line": entry.line,
                    "xpath": entry.path or "",
                    "schema": f"UBL-{document_name}-2.1.xsd",
                },
                source="xsd",
            )
            for entry in entries
        ]
