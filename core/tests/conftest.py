import os
from pathlib import Path

import pytest

from core.sandbox import Sandbox

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
