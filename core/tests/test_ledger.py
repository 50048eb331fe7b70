"""e-Defter source rows and checks, safe-keeping through the sandbox proxy, and Z-Rapor uploads."""

import csv
import io
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from core.errors import RemoteRejected, ValidationFailed
from core.ledger import (
    FIELDS,
    PeriodState,
    SourceEntry,
    SourceLine,
    SourceWriter,
    archive_filename,
    check_period_order,
    inspect_archive,
)
from core.providers.izibiz import IzibizProvider
from core.providers.izibiz_zreport import zreport_error
from core.providers.kolaysoft import KolaysoftSandboxProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.zreport import zdesk
from core.zreport import ZReport, check_zreport, parse_amount, parse_csv

A = DEMO_COMPANIES[0]
D = Decimal
NOW = datetime(2026, 10, 31, 18, 0)


def line(ref, code, debit="0", credit="0", name="Hesap"):
    return SourceLine(ref, code, name, f"Kebir {code[:3]}", D(debit), D(credit))


def entry(ref, kind, lines, **values):
    base = {"number": f"MISC/{ref}", "date": date(2026, 10, 5), "entered_by": "Muhasebe", "entered_at": NOW}
    base.update(values)
    return SourceEntry(ref=ref, kind=kind, lines=tuple(lines), **base)


def rows_of(writer, stream):
    writer.close()
    return list(csv.DictReader(io.StringIO(stream.getvalue().decode("utf-8"))))


def test_rows_follow_the_seed_layout():
    stream = io.BytesIO()
    writer = SourceWriter(stream, first_entry_number=41)
    writer.add(entry(1, "opening", [line(10, "100", "500"), line(11, "500", credit="500")], number="OPEN"))
    writer.add(
        entry(
            2,
            "invoice",
            [line(20, "120001", "1200"), line(21, "600", credit="1000"), line(22, "391001", credit="200")],
            number="INV/2026/0001",
            document_number="INV/2026/0001",
            document_date=date(2026, 10, 4),
        )
    )
    # a negative credit is a debit: never a negative amount
    writer.add(
        entry(3, "bank_slip", [line(30, "102001", "300"), line(31, "120001", credit="-0", debit="-300")])
    )
    writer.add(entry(4, "accounting_voucher", [line(40, "770", "0"), line(41, "100", credit="0")]))
    rows = rows_of(writer, stream)
    assert list(rows[0]) == list(FIELDS)
    assert [r["linenumber"] for r in rows] == [str(n) for n in range(1, 8)]
    assert [r["linenumbercounter"] for r in rows] == ["41", "41", "42", "42", "42", "43", "43"]
    assert all(D(r["amount"]) > 0 for r in rows)
    assert [r["debitcreditcode"] for r in rows] == ["D", "C", "D", "C", "C", "D", "C"]
    opening = rows[0]
    assert (opening["documenttype"], opening["documentnumber"], opening["documentdate"]) == ("", "", "")
    invoice = rows[2]
    assert (invoice["documenttype"], invoice["documentnumber"], invoice["documentdate"]) == (
        "invoice",
        "INV/2026/0001",
        "2026-10-04",
    )
    assert (invoice["accmainid"], invoice["accsubid"], invoice["erpno"], invoice["divisionno"]) == (
        "120",
        "120001",
        "001",
        "0",
    )
    slip = rows[5]
    assert (slip["documenttype"], slip["documenttypedesc"], slip["documentnumber"]) == (
        "other",
        "dekont",
        "MISC/3",
    )
    assert writer.skipped == 1 and writer.entry_count == 3 and not writer.problems


def test_problems_name_their_entry_and_parts_never_cut_an_entry():
    stream = io.BytesIO()
    writer = SourceWriter(stream, part_max_lines=4)
    writer.add(
        entry(1, "invoice", [line(1, "120", "10"), line(2, "600", credit="9")])
    )  # unbalanced, no number
    writer.add(entry(2, "check", [line(3, "1", "5"), line(4, "101", credit="5")], document_number="Ç-1"))
    writer.add(entry(3, "z_report", [line(n, "100", "1") for n in range(5)] + [line(9, "600", credit="5")]))
    writer.add(entry(4, "opening", [line(10, "100", "1"), line(11, "500", credit="1")]))
    writer.add(entry(5, "opening", [line(12, "100", "1"), line(13, "500", credit="1")]))
    writer.add(entry(6, "opening", [line(14, "100", "1"), line(15, "500", credit="1")]))
    writer.close()
    got = {(p.entry, p.code) for p in writer.problems}
    assert got == {
        (1, "unbalanced"),
        (1, "document"),
        (2, "document"),  # a cheque needs its date too
        (2, "main_account"),
        (3, "document"),
        (3, "too_long"),
    }
    assert writer.parts == [4, 6, 4, 2] and sum(writer.parts) == writer.line_number


def test_period_order_overlap_and_approved_berats():
    sep = PeriodState(date(2026, 9, 1), date(2026, 9, 30), True, "sep")
    assert check_period_order(date(2026, 10, 1), date(2026, 10, 31), [sep]) == []
    open_sep = PeriodState(date(2026, 9, 1), date(2026, 9, 30), False, "sep")
    assert [p.code for p in check_period_order(date(2026, 10, 1), date(2026, 10, 31), [open_sep])] == [
        "previous_not_approved"
    ]
    nov = PeriodState(date(2026, 11, 1), date(2026, 11, 30), True, "nov")
    codes = {p.code for p in check_period_order(date(2026, 10, 1), date(2026, 10, 31), [sep, nov])}
    assert codes == {"later_approved"}
    odd = PeriodState(date(2026, 10, 15), date(2026, 11, 14), False, "odd")
    assert "overlap" in {
        p.code for p in check_period_order(date(2026, 10, 1), date(2026, 10, 31), [sep, odd])
    }
    oct_done = PeriodState(date(2026, 10, 1), date(2026, 10, 31), True, "oct")
    assert "approved" in {
        p.code for p in check_period_order(date(2026, 10, 1), date(2026, 10, 31), [sep, oct_done])
    }
    # the company's first e-Defter month needs no predecessor
    assert check_period_order(date(2026, 1, 1), date(2026, 1, 31), [], first_period=date(2026, 1, 1)) == []


def books_zip(vkn=A.vkn, period="202610"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("Y", "K", "YB", "KB", "DR"):
            archive.writestr(f"{vkn}-{period}-{part}-000000.xml", f"<defter part='{part}'/>")
        archive.writestr(f"GIB-{vkn}-{period}-YB-000000.xml", "<berat/>")
    return buffer.getvalue()


def test_archive_checks_refuse_what_is_not_a_books_zip():
    assert len(inspect_archive(books_zip())) == 6
    with pytest.raises(ValidationFailed):
        inspect_archive(b"not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../evil.xml", "<x/>")
    with pytest.raises(ValidationFailed):
        inspect_archive(buffer.getvalue())
    assert archive_filename(A.vkn, "202610") == f"{A.vkn}-202610-0000.zip"
    with pytest.raises(ValidationFailed):
        archive_filename(A.vkn, "2026-10")


@pytest.fixture
def provider(sandbox):
    made = IzibizProvider(
        username=A.username, password=A.password, base_url=sandbox.url, wsdl_dir=None, timeout=10
    )
    yield made
    made.proxy_logout()


def test_archive_download_cancel_through_the_proxy(sandbox, provider):
    content = books_zip(period="202609")
    name = archive_filename(A.vkn, "202609")
    result = provider.archive_ledger(name, content)
    assert result.txn_id and [e.operation for e in result.exchanges] == ["Login", "ArchiveELedger"]
    with pytest.raises(RemoteRejected) as again:
        provider.archive_ledger(name, content)
    assert "daha önce yedeklenmiştir" in again.value.params["remote_message"]
    got = provider.get_ledger(A.vkn, "202609")
    assert got.content == content and len(got.sha256) == 64
    provider.cancel_ledger(A.vkn, "202609")
    with pytest.raises(RemoteRejected):
        provider.get_ledger(A.vkn, "202609")
    provider.archive_ledger(name, content)  # a cancelled period must be archived again
    assert sandbox.request_count("Login") >= 1
    # an expired proxy session is renewed once, transparently
    sandbox.faults.inject("GetELedger", "expire_session")
    assert provider.get_ledger(A.vkn, "202609").content == content


def z(number, **values):
    base = {
        "okc_serial": "LH0001",
        "eku_no": "EKU-7",
        "number": number,
        "date": date(2026, 10, 5),
        "sales_total": D("1180.00"),
        "vat": D("180.00"),
    }
    base.update(values)
    return ZReport(**base)


def test_csv_import_keeps_good_rows_and_names_the_bad_one():
    data = (
        b"sube_kodu;okc_sicil_no;eku_no;zrapor_no;zrapor_tarih;satis_tutar;vergi_kdv;vergi_otv\n"
        b"001;LH0001;EKU-7;0101;2026-10-01;1.180,00;180,00;\n"
        b"001;LH0001;EKU-7;0102;2026-10-32;900;150;\n"
        b"002;LH0002;EKU-9;0007;2026-10-01;500.50;83.42;10\n"
    )
    reports, errors = parse_csv(data)
    assert [(line_no, r.number, r.sales_total) for line_no, r in reports] == [
        (2, "0101", D("1180.00")),
        (4, "0007", D("500.50")),
    ]
    assert [(e.line, e.column, e.code) for e in errors] == [(3, "ZRAPOR_TARIH", "date")]
    assert parse_amount("abc") is None
    assert check_zreport(z("1", vat=D("2000"))) == [(240, "vat")]


def test_zreports_loaded_in_bulk_and_read_back(sandbox, provider):
    outcome = provider.load_zreports([z("Z1"), z("Z2", otv=D("12.50"))])
    assert outcome.loaded == [("LH0001", "Z1"), ("LH0001", "Z2")] and not outcome.refused
    assert sum(e.operation == "LoadZReport" for e in outcome.exchanges) == 1
    # a duplicate in a bulk upload: the batch is retried one by one, the held one counts as loaded
    outcome = provider.load_zreports([z("Z2", otv=D("12.50")), z("Z3", vat=D("5000"))])
    assert outcome.loaded == [("LH0001", "Z2")]
    assert zreport_error(outcome.refused[("LH0001", "Z3")]) == 240
    (last,), _ = provider.get_zreports(last=True)
    assert last.report.number == "Z2" and last.report.otv == D("12.50") and last.status_code == 100
    sandbox.clock.advance(timedelta(hours=2))
    found, _ = provider.get_zreports(okc_serial="LH0001", number="Z1")
    assert [(i.report.number, i.status_code, bool(i.report_identifier)) for i in found] == [("Z1", 120, True)]


def test_kolaysoft_send_zreport_behind_the_same_interface(sandbox):
    client = KolaysoftSandboxProvider(username=A.username, password=A.password, base_url=sandbox.url)
    outcome = client.load_zreports([z("K1", okc_serial="KS0009"), z("K1", okc_serial="KS0009")])
    assert outcome.loaded == [("KS0009", "K1")]
    assert "BELGE SİSTEMDE MEVCUT" in str(outcome.refused[("KS0009", "K1")])
    assert any(h.source == "kolaysoft" for h in zdesk(sandbox).held.values())
