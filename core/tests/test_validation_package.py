import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from core.documents import DocumentReference
from core.tests import factories as f
from core.ubl.invoice import build_invoice
from core.ubl.serialize import serialize
from core.validation import package
from core.validation.package import PackageError, install, is_package, package_date, validate_in_child

from .conftest import reference_path
from .package_zips import folder_zip, serve_files

GIB = reference_path("gib-ubl-tr")


@pytest.fixture(scope="module")
def zips():
    return {key: folder_zip(GIB, key) for key in ("ubl", "efatura")}


@pytest.fixture
def http_files():
    with contextlib.ExitStack() as stack:
        yield lambda files: stack.enter_context(serve_files(files))


def _listing(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_install_unpacks_both_zips_into_one_checked_folder(tmp_path, zips):
    folder = install(zips, tmp_path)
    assert is_package(folder)
    assert (folder / "UBLTR_1.2.1_Paketi" / "xsdrt" / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()
    assert package_date(folder) is not None
    assert _listing(tmp_path) == [folder.name, *(f"{folder.name}/{p}" for p in _listing(folder))]


def test_zip_without_top_folder_is_accepted(tmp_path, zips):
    flat = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zips["ubl"])) as source, zipfile.ZipFile(flat, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename.split("/", 1)[1], source.read(info))
    folder = install({**zips, "ubl": flat.getvalue()}, tmp_path)
    assert is_package(folder)


@pytest.mark.parametrize(
    "name",
    ["../evil.xsd", "UBLTR_1.2.1_Paketi/../../evil.xsd", "/etc/evil.xsd", "C:/evil.xsd", "..\\evil.xsd"],
)
def test_members_outside_the_package_are_refused_and_nothing_is_written(tmp_path, name):
    bad = folder_zip(GIB, "ubl", extra=[(name, b"<evil/>")])
    with pytest.raises(PackageError, match="outside the package"):
        install({"ubl": bad, "efatura": folder_zip(GIB, "efatura")}, tmp_path / "root")
    assert not (tmp_path / "evil.xsd").exists()
    assert not (tmp_path / "root").exists()


def test_links_are_refused(tmp_path, zips):
    info = zipfile.ZipInfo("UBLTR_1.2.1_Paketi/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO(zips["ubl"])
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(PackageError, match="is a link"):
        install({**zips, "ubl": buffer.getvalue()}, tmp_path)


def test_huge_member_is_refused(tmp_path, zips, monkeypatch):
    monkeypatch.setattr(package, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(PackageError, match="too large"):
        install(zips, tmp_path)


def test_wrong_zip_or_not_a_zip_is_refused(tmp_path, zips):
    with pytest.raises(PackageError, match="lacks xsdrt/maindoc"):
        install({"ubl": zips["efatura"], "efatura": zips["efatura"]}, tmp_path)
    with pytest.raises(PackageError, match="not a zip"):
        install({"ubl": b"<html>moved</html>", "efatura": zips["efatura"]}, tmp_path)


def test_download_records_url_size_and_sha256(tmp_path, zips, http_files):
    urls = http_files(zips)
    folder, records = package.download(urls, tmp_path)
    assert is_package(folder)
    assert [(r.key, r.url, r.size, r.sha256) for r in records] == [
        (key, urls[key], len(zips[key]), hashlib.sha256(zips[key]).hexdigest()) for key in ("ubl", "efatura")
    ]


def test_download_stops_at_the_size_limit(tmp_path, zips, http_files, monkeypatch):
    monkeypatch.setattr(package, "MAX_ZIP_BYTES", 1000)
    with pytest.raises(PackageError, match="larger than 1000 bytes"):
        package.download(http_files(zips), tmp_path)


def test_child_process_reports_schematron_and_xsd_errors_per_file():
    root = reference_path("gib-ubl-tr")
    good = (root / "UBLTR_1.2.1_Paketi" / "xml" / "TicariFaturaOrnegi.xml").read_bytes()
    wrong_version = good.replace(b"<cbc:UBLVersionID>2.1<", b"<cbc:UBLVersionID>2.0<")
    assert wrong_version != good
    results = validate_in_child([good, wrong_version], root)
    assert [r["ok"] for r in results] == [True, False]
    assert any("UBLVersionIDCheck" in m for m in package.result_messages(results[1]))


def test_a_batch_split_over_several_children_keeps_each_result_with_its_document(monkeypatch):
    monkeypatch.setattr(package, "_children_for", lambda count: 3)
    good = (GIB / "UBLTR_1.2.1_Paketi" / "xml" / "TicariFaturaOrnegi.xml").read_bytes()
    wrong_version = good.replace(b"<cbc:UBLVersionID>2.1<", b"<cbc:UBLVersionID>2.0<")
    refused = {1, 5, 6}
    xmls = [wrong_version if n in refused else good for n in range(8)]
    results = validate_in_child(xmls, GIB)
    assert [n for n, result in enumerate(results) if not result["ok"]] == sorted(refused)
    assert len({Path(result["file"]).parent for result in results}) == 3  # three children, three folders


def _package_copy(target, schematron):
    shutil.copytree(GIB / "UBLTR_1.2.1_Paketi" / "xsdrt", target / "UBLTR_1.2.1_Paketi" / "xsdrt")
    shutil.copytree(schematron, target / "e-FaturaPaketi" / "schematron")
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Two releases side by side, as two downloads leave them."""
    root = tmp_path_factory.mktemp("store")
    _package_copy(root / "20260401-aaaa", GIB / "e-FaturaPaketi" / "schematron")
    _package_copy(root / "20261001-bbbb", GIB / "schematron-20260701" / "e-FaturaPaketi" / "schematron")
    return root


def test_store_knows_each_release_and_the_date_it_applies_from(store):
    found = package.PackageStore.discover(store / "20260401-aaaa")
    assert [(e.release, e.since) for e in found.releases] == [
        ("20260312", dt.date.min),
        ("20260701", dt.date(2026, 9, 14)),
    ]
    assert found.for_date(dt.date(2026, 9, 13)).release == "20260312"
    assert found.for_date(dt.date(2026, 9, 14)).release == "20260701"
    assert package.PackageStore.discover(store).for_date(None).release == "20260701"
    alone = package.PackageStore.discover(GIB)
    assert [e.release for e in alone.releases] == ["20260312"]
    assert alone.for_date(dt.date(2026, 12, 1)).release == "20260312"


def test_child_checks_each_document_with_the_release_of_its_issue_date(store):
    reference = DocumentReference(id="ANM2026000000009", document_type_code="IADE", issue_date=f.ISSUE_DATE)
    before = f.invoice(profile="KAMU", type_code="IADE", billing_references=(reference,))
    after = dataclasses.replace(before, issue_date=dt.date(2026, 9, 20), id="ANM2026000000002")
    results = validate_in_child(
        [serialize(build_invoice(d)) for d in (before, after)], store / "20260401-aaaa"
    )
    assert [r["gib_release"] for r in results] == ["20260312", "20260701"]
    messages = [" ".join(package.result_messages(r)) for r in results]
    assert "InvoiceTypeCodeCheck" in messages[0]
    assert "InvoiceTypeCodeCheck" not in messages[1]


def test_stream_gives_each_document_the_result_a_batch_child_gives(store):
    """Documents streamed to the children as they are built: same verdicts, releases and order as
    the batch check, whichever child took each one."""
    reference = DocumentReference(id="ANM2026000000009", document_type_code="IADE", issue_date=f.ISSUE_DATE)
    before = f.invoice(profile="KAMU", type_code="IADE", billing_references=(reference,))
    after = dataclasses.replace(before, issue_date=dt.date(2026, 9, 20), id="ANM2026000000002")
    good = serialize(build_invoice(f.invoice()))
    xmls = [serialize(build_invoice(d)) for d in (before, after)] + [good, b"<Invoice>broken", good]
    batch = validate_in_child(xmls, store / "20260401-aaaa")
    with package.ValidationStream(store / "20260401-aaaa", children=2) as stream:
        tickets = [stream.submit(xml) for xml in xmls]
        streamed = [stream.result(ticket) for ticket in tickets]
    assert [r["gib_release"] for r in streamed[:2]] == ["20260312", "20260701"]
    assert [r["ok"] for r in streamed[2:]] == [True, False, True]

    def verdict(result):
        # an unreadable document has no IssueDate: the stream names no release for it
        ignored = {"file", "gib_release"} if "error" in result else {"file"}
        return {k: v for k, v in result.items() if k not in ignored}

    assert [verdict(r) for r in streamed] == [verdict(r) for r in batch]


def test_a_stream_child_that_dies_fails_its_documents_with_its_error(monkeypatch):
    with package.ValidationStream(GIB, children=1) as stream:
        ticket = stream.submit(serialize(build_invoice(f.invoice())))
        assert stream.result(ticket)["ok"]
        stream._children[0].process.kill()
        stream._children[0].process.wait()
        with pytest.raises(package.ConfigurationError, match="check failed"):
            stream.result(stream.submit(serialize(build_invoice(f.invoice()))))


def test_a_stream_that_is_not_answered_in_time_stops_waiting():
    xml = serialize(build_invoice(f.invoice()))
    with (
        package.ValidationStream(GIB, children=1, timeout=0.001) as stream,
        pytest.raises(package.ConfigurationError, match="did not finish within"),
    ):
        stream.result(stream.submit(xml))


def test_a_stream_child_hands_over_to_a_fresh_one_after_its_share(monkeypatch):
    """Saxon's memory only grows: after its share of documents a child is replaced, and still answers
    the documents it had."""
    monkeypatch.setattr(package, "STREAM_CHILD_DOCUMENTS", 2)
    good = serialize(build_invoice(f.invoice()))
    xmls = [good, b"<Invoice>broken", good, good, b"<Invoice>broken"]
    with package.ValidationStream(GIB, children=1) as stream:
        tickets = [stream.submit(xml) for xml in xmls]
        assert len(stream._retired) == 2 and all(child.sent == 2 for child in stream._retired)
        assert [stream.result(ticket)["ok"] for ticket in tickets] == [True, False, True, True, False]
    assert all(child.process.returncode == 0 for child in (*stream._retired, *stream._children))
