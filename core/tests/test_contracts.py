"""The sandbox needs nothing beside the clone: WSDLs from the integrators' endpoints, then a cache."""

import subprocess
import sys

import pytest
from lxml import etree

from core import contracts
from core.providers.izibiz import IzibizProvider
from core.providers.kolaysoft import SERVICES as KOLAYSOFT_SERVICES
from core.sandbox import Sandbox
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.soap import SERVICE_FILES
from core.tests.conftest import REPO, reference_path
from core.tests.standins import IZIBIZ_PREFIX, KOLAYSOFT_PREFIX, StandIns


@pytest.fixture(name="standins")
def standins_fixture():
    standins = StandIns(reference_path())
    server = standins.serve()
    standins.url = server.url
    yield standins
    server.shutdown()


def test_izibiz_contracts_obtained_cached_and_served(standins, tmp_path):
    host = standins.url + IZIBIZ_PREFIX
    folder = contracts.izibiz_wsdl_dir(tmp_path, host=host)
    for service_folder, wsdl_name in SERVICE_FILES.values():
        for file in (folder / service_folder / "local").iterdir():
            root = etree.parse(str(file)).getroot()
            for element, attribute in contracts._reference_attributes(root):
                assert (file.parent / element.get(attribute)).is_file(), "imports point at the local copies"
        assert (folder / service_folder / "local" / wsdl_name).is_file()
    fetched = len(standins.requests)
    assert fetched > len(SERVICE_FILES), "every imported schema is fetched too"

    sandbox = Sandbox(wsdl_dir=folder, kolaysoft_wsdl_dir=tmp_path / "none")
    sandbox.seed_demo()
    company = DEMO_COMPANIES[0]
    with sandbox.serve(host="127.0.0.1", port=0) as server:
        provider = IzibizProvider(
            username=company.username,
            password=company.password,
            base_url=server.url,
            cache_dir=tmp_path / "zeep",
        )
        assert provider.check_connection().ok

    assert contracts.izibiz_wsdl_dir(tmp_path, host=host) == folder
    assert len(standins.requests) == fetched, "a complete cache is used without asking again"


def test_cache_without_a_newer_service_is_obtained_again(standins, tmp_path):
    """A cache filled before a service (e.g. ReconciliationWS) was added is not taken as complete."""
    host = standins.url + IZIBIZ_PREFIX
    folder = contracts.izibiz_wsdl_dir(tmp_path, host=host)
    (folder / "ReconciliationWS" / "local" / "Reconciliation1.wsdl").unlink()
    fetched = len(standins.requests)
    assert contracts.izibiz_wsdl_dir(tmp_path, host=host) == folder
    assert (folder / "ReconciliationWS" / "local" / "Reconciliation1.wsdl").is_file()
    assert len(standins.requests) > fetched


def test_kolaysoft_contracts_obtained(standins, tmp_path):
    folder = contracts.kolaysoft_wsdl_dir(tmp_path, host=standins.url + KOLAYSOFT_PREFIX)
    for service_folder, wsdl_name, _path in KOLAYSOFT_SERVICES.values():
        assert (folder / service_folder / wsdl_name).is_file()
    assert len(standins.requests) == len(KOLAYSOFT_SERVICES)


def test_offline_without_cache_says_what_to_do_and_leaves_nothing(tmp_path):
    with pytest.raises(contracts.ContractUnavailable) as caught:
        contracts.izibiz_wsdl_dir(tmp_path, host="http://127.0.0.1:9")
    message = str(caught.value)
    assert "L10N_TR_EDOC_IZIBIZ_WSDL_DIR" in message and "\n" not in message
    assert not any(tmp_path.iterdir()) or not (tmp_path / "izibiz").exists()


def test_foreign_origin_reference_is_not_followed(standins, tmp_path, monkeypatch):
    """A WSDL that imports from another host is refused, not fetched from there."""
    original = standins.answer

    def answer(path, query, base):
        found = original(path, query, base)
        if found and query == "wsdl":
            return found[0].replace(b"http://127.0.0.1", b"http://localhost"), found[1]
        return found

    monkeypatch.setattr(standins, "answer", answer)
    with pytest.raises(contracts.ContractUnavailable, match="no other origin"):
        contracts.izibiz_wsdl_dir(tmp_path, host=standins.url + IZIBIZ_PREFIX)
    assert not (tmp_path / "izibiz").exists()


def test_sandbox_command_offline_is_one_line_without_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "core.sandbox", "--port", "0", "--cache-dir", str(tmp_path)],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "L10N_TR_EDOC_IZIBIZ_CONTRACT_HOST": "http://127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().count("\n") == 0
    assert "--wsdl-dir" in run.stderr
