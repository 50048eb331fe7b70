"""GİB's official UBL-TR schematron, compiled by our own compiler and run with Saxon (XPath 2.0+)."""

import threading
from pathlib import Path

from lxml import etree

from ..errors import ConfigurationError, EdocError
from ..states import gib_today
from ._doc import as_root
from .issue import Issue
from .sch_compiler import OUT, TODAY_PARAM, compile_schematron

MAIN_SCHEMATRON = Path("e-FaturaPaketi", "schematron", "UBL-TR_Main_Schematron.xml")
DOC_TYPES = ("efatura", "earchive")
_WARNING_ROLES = {"warning", "warn", "information", "info"}

_SAXON_LOCK = threading.Lock()
"""Saxon objects are shared by the whole process; one lock keeps parameter setting and runs atomic."""
_STATE = {}


def _processor():
    processor = _STATE.get("processor")
    if processor is None:
        try:
            from saxonche import PySaxonProcessor
        except ImportError as exc:
            raise ConfigurationError(
                "The schematron check needs the Python package 'saxonche' (Saxon-HE, XPath 2.0+). "
                "Install it with: pip install saxonche",
                code="tr_edoc.config.saxonche_missing",
            ) from exc
        processor = _STATE["processor"] = PySaxonProcessor(license=False)
    return processor


class CompiledSchematron:
    """Any ISO schematron file, compiled to XSLT once per process and run on lxml documents."""

    _cache = {}

    def __init__(self, path):
        self.path = Path(path).resolve()
        with _SAXON_LOCK:
            cached = self._cache.get(self.path)
            if cached is None:
                xslt = compile_schematron(self.path)
                processor = _processor()
                compiler = processor.new_xslt30_processor()
                try:
                    executable = compiler.compile_stylesheet(stylesheet_text=xslt)
                except Exception as exc:  # saxonche raises a bare PySaxonApiError
                    raise ConfigurationError(
                        f"The schematron {self.path} could not be compiled by Saxon: {exc}",
                        code="tr_edoc.config.schematron_broken",
                        params={"path": str(self.path)},
                    ) from exc
                cached = self._cache[self.path] = (xslt, executable)
        self.xslt, self._executable = cached

    def run(self, root, parameters=None):
        """Return the issues of the failed asserts and fired reports, in document order per pattern."""
        text = etree.tostring(root, encoding="unicode")
        with _SAXON_LOCK:
            processor = _processor()
            node = processor.parse_xml(xml_text=text)
            executable = self._executable
            executable.clear_parameters()
            for name, value in (parameters or {}).items():
                executable.set_parameter(name, processor.make_string_value(value))
            executable.set_global_context_item(xdm_item=node)
            try:
                output = executable.transform_to_string(xdm_node=node)
            except Exception as exc:  # saxonche raises a bare PySaxonApiError
                raise EdocError(
                    f"The schematron {self.path.name} stopped with an XPath error on this document: {exc}",
                    code="tr_edoc.validation.schematron_runtime",
                    params={"schematron": str(self.path), "error": str(exc)},
                ) from exc
        return [_issue(hit) for hit in etree.fromstring(output.encode("utf-8")).iter(f"{{{OUT}}}issue")]


def _issue(hit):
    text = " ".join("".join(hit.itertext()).split())
    rule = hit.get("rule")
    role = hit.get("role", "").lower()
    verb = "failed" if hit.get("kind") == "assert" else "reported"
    return Issue(
        code=f"tr_edoc.sch.{rule}",
        path=hit.get("location"),
        message=f"GİB schematron check {rule} {verb}: {text}",
        params={
            "rule": rule,
            "pattern": hit.get("pattern"),
            "number": int(hit.get("number")),
            "kind": hit.get("kind"),
            "test": hit.get("test"),
            "text": text,
        },
        source="schematron",
        severity="warning" if role in _WARNING_ROLES else "error",
    )


class SchematronValidator:
    """``UBL-TR_Main_Schematron.xml`` of the configured GİB package (``type='earchive'`` for e-Arşiv)."""

    def __init__(self, package_dir):
        path = Path(package_dir or "").resolve() / MAIN_SCHEMATRON
        if package_dir is None or not path.is_file():
            raise ConfigurationError(
                f"GİB's schematron was not found at {path}. Download e-FaturaPaketi.zip from "
                "https://ebelge.gib.gov.tr (e-Fatura > Kılavuzlar) and extract it unchanged into the package "
                "folder, so that it contains e-FaturaPaketi/schematron/UBL-TR_Main_Schematron.xml.",
                code="tr_edoc.config.gib_package_missing",
                params={"path": str(path)},
            )
        self.compiled = CompiledSchematron(path)

    def validate(self, root_or_bytes, doc_type="efatura", today=None):
        """GİB's verdict on the document as of ``today`` (default: today in Istanbul, as GİB checks it)."""
        if doc_type not in DOC_TYPES:
            raise ValueError(f"doc_type must be one of {DOC_TYPES}, got {doc_type!r}")
        parameters = {"type": doc_type, TODAY_PARAM: (today or gib_today()).isoformat()}
        return self.compiled.run(as_root(root_or_bytes), parameters)
