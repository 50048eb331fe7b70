"""One finding of any checker, in a shape the ORM can store, translate and show next to a field."""

from dataclasses import dataclass, field
from types import MappingProxyType

SOURCES = ("xsd", "schematron", "rule", "signature")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Issue:
    """``code`` stays stable across releases so translations and filters can key on it."""

    code: str
    path: str
    message: str
    params: object = field(default_factory=dict)
    source: str = "rule"
    severity: str = "error"

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"Issue.source must be one of {SOURCES}, got {self.source!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"Issue.severity must be one of {SEVERITIES}, got {self.severity!r}")
        # A read-only view keeps the frozen promise for mapping params too.
        if isinstance(self.params, dict):
            object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def is_error(self):
        return self.severity == "error"

    def __str__(self):
        return f"[{self.code}] {self.path}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """Everything one validation run found, plus which checks could not run (no GİB package configured)."""

    xsd: tuple = ()
    schematron: tuple = ()
    rules: tuple = ()
    skipped: tuple = ()

    @property
    def issues(self):
        return self.xsd + self.schematron + self.rules

    @property
    def errors(self):
        return tuple(issue for issue in self.issues if issue.is_error)

    @property
    def ok(self):
        return not self.errors

    @property
    def xsd_checked(self):
        return "xsd" not in self.skipped

    @property
    def schematron_checked(self):
        return "schematron" not in self.skipped
