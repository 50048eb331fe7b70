"""XSD validation against GİB's UBL-TR 1.2.1 package: real lxml, real schemas, real samples."""

import threading

import pytest
from lxml import etree

from core.errors import ConfigurationError
from core.tests.conftest import reference_path
from core.validation import Issue
from core.validation.xsd import XsdValidator

UBL_SAMPLES = reference_path("gib-ubl-tr", "UBLTR_1.2.1_Paketi", "xml")
# GİB stripped the signatures from these two and left ext:ExtensionContent empty, which the XSD refuses.
STRIPPED_SIGNATURE = {"HKS-Ornek1.xml", "HKS-Ornek2.xml"}
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture(scope="module")
def validator():
    return XsdValidator(reference_path("gib-ubl-tr"))


def _sample(name):
    return (UBL_SAMPLES / name).read_bytes()


@pytest.mark.parametrize(
    "name", sorted(p.name for p in UBL_SAMPLES.glob("*.xml") if p.name not in STRIPPED_SIGNATURE)
)
def test_gib_samples_are_valid(validator, name):
    assert validator.validate(_sample(name)) == []


def test_empty_extension_content_is_reported_with_line_and_xpath(validator):
    issues = validator.validate(_sample("HKS-Ornek1.xml"))
    assert [i.code for i in issues] == ["tr_edoc.xsd.element_content"]
    issue = issues[0]
    assert issue.source == "xsd" and issue.severity == "error"
    assert issue.path.startswith("line 6: ") and issue.path.endswith("ext:ExtensionContent")
    assert "ExtensionContent" in issue.message
    assert issue.params["schema"] == "UBL-Invoice-2.1.xsd"


def test_missing_mandatory_element_is_reported(validator):
    root = etree.fromstring(_sample("TicariFaturaOrnegi.xml"))
    issue_date = root.find(f"{{{CBC}}}IssueDate")
    root.remove(issue_date)
    issues = validator.validate(root)
    assert issues, "an invoice without IssueDate must not pass the XSD"
    assert all(isinstance(i, Issue) for i in issues)
    assert any("IssueDate" in i.message for i in issues)


def test_wrong_value_type_is_reported(validator):
    root = etree.fromstring(_sample("TicariFaturaOrnegi.xml"))
    root.find(f"{{{CBC}}}IssueDate").text = "31.12.2026"
    messages = [i.message for i in validator.validate(root)]
    assert any("31.12.2026" in m for m in messages)


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("Irsaliye-Ornek1.xml", "UBL-DespatchAdvice-2.1.xsd"),
        ("IrsaliyeYaniti-Ornek1.xml", "UBL-ReceiptAdvice-2.1.xsd"),
        ("KabulUygulamaYanitiOrnegi.xml", "UBL-ApplicationResponse-2.1.xsd"),
    ],
)
def test_schema_is_chosen_by_root_namespace(validator, name, schema):
    root = etree.fromstring(_sample(name))
    root.insert(0, etree.Element("{urn:example:stray}Unexpected"))
    issues = validator.validate(root)
    assert issues and {i.params["schema"] for i in issues} == {schema}


def test_unknown_root_is_an_issue_not_a_crash(validator):
    issues = validator.validate(b"<Order xmlns='urn:example'/>")
    assert [i.code for i in issues] == ["tr_edoc.xsd.unknown_document"]


def test_hostile_bytes_go_through_the_hardened_parser(validator):
    from core.errors import XmlSecurityError

    with pytest.raises(XmlSecurityError):
        validator.validate(b"<!DOCTYPE x [<!ENTITY e 'boom'>]><Invoice>&e;</Invoice>")


def test_missing_package_says_what_to_download(tmp_path):
    with pytest.raises(ConfigurationError) as caught:
        XsdValidator(tmp_path)
    assert caught.value.code == "tr_edoc.config.gib_package_missing"
    assert "UBL-TR1.2.1_Paketi.zip" in caught.value.message
    assert "UBL-Invoice-2.1.xsd" in caught.value.params["missing"]
    with pytest.raises(ConfigurationError):
        XsdValidator(None)


def test_incomplete_package_names_the_missing_schema(tmp_path):
    maindoc = tmp_path / "UBLTR_1.2.1_Paketi" / "xsdrt" / "maindoc"
    maindoc.mkdir(parents=True)
    for name in ("Invoice", "DespatchAdvice", "ReceiptAdvice", "ApplicationResponse"):
        (maindoc / f"UBL-{name}-2.1.xsd").write_text("<x/>")
    with pytest.raises(ConfigurationError) as caught:
        XsdValidator(tmp_path)
    assert caught.value.params["missing"] == ["UBL-CreditNote-2.1.xsd"]


def test_schemas_never_reach_the_network(tmp_path):
    maindoc = tmp_path / "UBLTR_1.2.1_Paketi" / "xsdrt" / "maindoc"
    maindoc.mkdir(parents=True)
    remote = (
        "<xsd:schema xmlns:xsd='http://www.w3.org/2001/XMLSchema' "
        "targetNamespace='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'>"
        "<xsd:import namespace='urn:x' schemaLocation='http://127.0.0.1:9/remote.xsd'/></xsd:schema>"
    )
    for name in ("Invoice", "DespatchAdvice", "ReceiptAdvice", "ApplicationResponse", "CreditNote"):
        (maindoc / f"UBL-{name}-2.1.xsd").write_text(remote)
    validator = XsdValidator(tmp_path)
    with pytest.raises(ConfigurationError) as caught:
        validator.validate(b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>")
    assert caught.value.code in {"tr_edoc.config.xsd_remote_import", "tr_edoc.config.xsd_broken"}


def test_compiled_schema_is_shared_and_threads_get_their_own_results():
    first = XsdValidator(reference_path("gib-ubl-tr"))
    second = XsdValidator(reference_path("gib-ubl-tr"))
    assert first._compiled("Invoice") is second._compiled("Invoice")

    good = _sample("TicariFaturaOrnegi.xml")
    bad = _sample("HKS-Ornek2.xml")
    results, errors = [], []

    def work(data, expected):
        try:
            for _ in range(5):
                results.append(len(first.validate(data)) == expected)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(good, 0) if n % 2 else (bad, 1)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 40 and all(results)
