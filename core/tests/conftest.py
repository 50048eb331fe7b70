import os
from pathlib import Path

import pytest

from core import codes
from core.sandbox import Sandbox
from core.ubl import build_invoice
from core.validation import rules
from core.validation.schematron import SchematronValidator
from core.validation.xsd import XsdValidator

REPO = Path(__file__).resolve().parents[2]


def reference_dir():
    """The shared, read-only GİB/integrator artefacts; never copied into the project."""
    return Path(os.environ.get("L10N_TR_EDOC_REFERENCE", REPO.parent / "shared" / "reference"))


def reference_path(*parts):
    path = reference_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: set L10N_TR_EDOC_REFERENCE to the shared reference directory"
        )
    return path


@pytest.fixture(scope="session", name="reference_dir")
def reference_dir_fixture():
    return reference_path()


@pytest.fixture(scope="module")
def sandbox():
    """A seeded sandbox integrator on 127.0.0.1 for one test module; it must end without a bug of its own."""
    sb = Sandbox(wsdl_dir=reference_path("wsdl", "izibiz"))
    sb.seed_demo()
    with sb.serve(host="127.0.0.1", port=0) as server:
        sb.url = server.url
        yield sb
    assert not sb.internal_errors, sb.internal_errors


@pytest.fixture(scope="session")
def gib():
    """GİB's XSD and the schematron in force, compiled once for every test that asks GİB's verdict."""
    return (
        XsdValidator(reference_path("gib-ubl-tr")),
        SchematronValidator(reference_path("gib-ubl-tr", "schematron-20260701")),
    )


def gib_verdicts(gib, invoice, errors_only=False):
    """(XSD messages, GİB rules broken, our rule codes) for one invoice: what "GİB and we agree" compares."""
    xsd, schematron = gib
    root = build_invoice(invoice)
    doc_type = "earchive" if invoice.profile_id == "EARSIVFATURA" else "efatura"
    ours = rules.check_invoice(invoice, today=invoice.issue_date, release=codes.R20260701)
    return (
        [i.message for i in xsd.validate(root)],
        sorted({i.params.get("rule", i.code) for i in schematron.validate(root, doc_type=doc_type)}),
        [i.code for i in ours if i.is_error or not errors_only],
    )
