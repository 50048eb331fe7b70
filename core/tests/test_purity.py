"""core/ must stay importable without Odoo: no module under it may import odoo."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.lineno, node.module or ""


def _odoo_imports(path):
    return [f"{path}:{line} imports {name}" for line, name in _imports(path) if name.split(".")[0] == "odoo"]


def _core_sources():
    return [p for p in CORE.rglob("*.py") if "tests" not in p.relative_to(CORE).parts]


def test_core_never_imports_odoo():
    offenders = [hit for path in CORE.rglob("*.py") for hit in _odoo_imports(path)]
    assert not offenders, "\n".join(offenders)


def test_core_uses_relative_imports_only():
    offenders = [
        f"{path}:{line} imports {name} absolutely"
        for path in _core_sources()
        for line, name in _imports(path)
        if name.split(".")[0] == "core"
    ]
    assert not offenders, "\n".join(offenders)


def test_detector_is_not_blind(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from odoo import models\nimport odoo.tools\nimport odoorpc\n", encoding="utf-8")
    assert len(_odoo_imports(probe)) == 2
