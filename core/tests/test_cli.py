"""``python -m core`` run as a real subprocess, the way an administrator or a CI job would run it."""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from lxml import etree

from core.tests.conftest import REPO, reference_path

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def run(*args, env_package=None):
    env = {k: v for k, v in os.environ.items() if k != "L10N_TR_EDOC_GIB_PACKAGE"}
    if env_package:
        env["L10N_TR_EDOC_GIB_PACKAGE"] = str(env_package)
    return subprocess.run(
        [sys.executable, "-m", "core", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def package():
    return reference_path("gib-ubl-tr")


def sample(name):
    return reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml", name)


BROKEN = ("gib-ubl-tr", "e-FaturaPaketi", "xml", "7_UYGULAMA_YANITI_IADE.xml")


@pytest.fixture
def bad_type_code(tmp_path):
    """A golden invoice with an invoice type GİB does not know: well-formed, parseable, but invalid."""
    root = etree.parse(str(sample("YTB_Satıs_Efatura.xml"))).getroot()
    root.find("cbc:InvoiceTypeCode", NS).text = "UYDURMA"
    path = tmp_path / "uydurma tür.xml"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def test_parse_prints_json_with_exact_amounts():
    path = sample("YTB_Tevkıfat_Efatura.xml")
    result = run("parse", path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    root = etree.parse(str(path)).getroot()
    document = payload["document"]
    assert payload["document_type"] == "Invoice"
    assert document["uuid"] == root.findtext("cbc:UUID", namespaces=NS)
    assert document["issue_date"] == root.findtext("cbc:IssueDate", namespaces=NS)
    payable = document["legal_monetary_total"]["payable_amount"]
    assert isinstance(payable, str)
    assert Decimal(payable) == Decimal(
        root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
    )
    withheld = document["withholding_tax_totals"][0]["subtotals"][0]
    assert withheld["tax_type_code"] == root.findtext(
        ".//cac:WithholdingTaxTotal//cbc:TaxTypeCode", namespaces=NS
    )


def test_parse_of_broken_file_fails_readably():
    result = run("parse", reference_path(*BROKEN))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "tr_edoc.xml.malformed" in result.stderr
    assert "Traceback" not in result.stderr


def test_parse_refuses_hostile_xml(tmp_path):
    path = tmp_path / "xxe.xml"
    path.write_bytes(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>')
    result = run("parse", path)
    assert result.returncode == 1
    assert "tr_edoc.xml.doctype" in result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_usage_error_exits_2():
    result = run("validate")
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_validate_good_sample_passes(package):
    """GİB's samples carry test VKNs and old dates, which our own pre-flight rules rightly refuse for
    sending; the official checks alone must pass."""
    result = run("validate", sample("TicariFaturaOrnegi.xml"), "--package", package, "--no-rules")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK")
    assert "1 passed, 0 failed" in result.stdout
    assert "    xsd         ok" in result.stdout
    assert "    schematron  ok" in result.stdout
    assert "    rules       skipped" in result.stdout


def test_own_rules_run_by_default_and_fail_the_file(package):
    result = run("validate", sample("TicariFaturaOrnegi.xml"), "--package", package)
    assert result.returncode == 1
    assert "    xsd         ok" in result.stdout
    assert "tr_edoc.rule.header.date_too_old" in result.stdout
    assert "0 passed, 1 failed" in result.stdout


def test_incoming_document_is_not_refused_by_the_own_rules(package):
    result = run("validate", sample("TicariFaturaOrnegi.xml"), "--package", package, "--incoming")
    assert result.returncode == 0, result.stdout
    assert "warning: [tr_edoc.rule.header.date_too_old]" in result.stdout
    assert "1 passed, 0 failed" in result.stdout


def test_validate_earchive_sample_picks_earchive_mode_from_env_package(package):
    result = run("validate", sample("YTB_Satıs_EArşiv.xml"), "--json", "--no-rules", env_package=package)
    assert result.returncode == 0, result.stdout + result.stderr
    (report,) = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["doc_type"] == "earchive"
    assert report["skipped"] == ["rules"]
    assert report["xsd"] == report["schematron"] == []


def test_validate_broken_and_invalid_files_exit_1_and_say_why(package, bad_type_code):
    good = sample("IrsaliyeYaniti-Ornek1.xml")
    result = run("validate", good, reference_path(*BROKEN), bad_type_code, "--package", package, "--no-rules")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"OK   {good}")
    assert any(line.startswith("FAIL") and "7_UYGULAMA_YANITI_IADE.xml" in line for line in lines)
    assert "tr_edoc.xml.malformed" in result.stdout
    assert any(line.startswith("FAIL") and "uydurma tür.xml" in line for line in lines)
    assert "UYDURMA" in result.stdout
    assert lines[-1] == "1 passed, 2 failed"
    assert "Traceback" not in result.stderr


def test_validate_json_lists_issues_per_check(package, bad_type_code):
    result = run("validate", bad_type_code, "--package", package, "--json")
    assert result.returncode == 1
    (report,) = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["kind"] == "invoice"
    found = report["xsd"] + report["schematron"] + report["rules"]
    assert found
    assert all({"code", "path", "message", "severity"} <= issue.keys() for issue in found)


def test_validate_without_package_says_which_checks_were_off():
    result = run("validate", sample("TicariFaturaOrnegi.xml"), "--json")
    (report,) = json.loads(result.stdout)
    assert {"xsd", "schematron"} <= set(report["skipped"])


def test_forced_efatura_mode_rejects_an_earchive_invoice(package):
    result = run(
        "validate", sample("YTB_Satıs_EArşiv.xml"), "--package", package, "--no-rules", "--type", "efatura"
    )
    assert result.returncode == 1
    assert "    xsd         ok" in result.stdout
    assert "    schematron  ok" not in result.stdout


def test_stream_reads_paths_until_its_input_closes(tmp_path):
    """One JSON line per path, as each is checked: what the month-end send feeds while it builds."""
    from core.tests import factories as f
    from core.ubl import build_invoice, serialize

    good, bad = tmp_path / "good.xml", tmp_path / "bad.xml"
    good.write_bytes(serialize(build_invoice(f.invoice())))
    bad.write_bytes(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "validate",
            "--stream",
            "--no-rules",
            "--package",
            str(reference_path("gib-ubl-tr")),
        ],
        input=f"{good}\n{bad}\n\n{good}\n",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["file"], line["ok"]) for line in lines] == [
        (str(good), True),
        (str(bad), False),
        (str(good), True),
    ]
    assert lines[1]["error"]["code"] == "tr_edoc.xml.doctype" and "root:" not in result.stdout
