"""The user-list details the Odoo sync relies on: deletion times in deltas, synthetic churn."""

import zipfile
from datetime import timedelta
from pathlib import Path

from core.providers.izibiz import IzibizProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.userlist import LIST_NS, GibUser, ListQuery, SyntheticUsers, UserRegistry, _xml_user
from core.tests.conftest import reference_path

A = DEMO_COMPANIES[0]


def test_delta_carries_the_deletion_time(sandbox):
    provider = IzibizProvider(
        username=A.username,
        password=A.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "izibiz"),
    )
    start = sandbox.clock.now()
    at = sandbox.clock.advance(timedelta(minutes=5))
    sandbox.registry.add(
        GibUser("1112223339", "T A.Ş.", "urn:mail:pk@t.example", "PK", "INVOICE", start, start)
    )
    sandbox.registry.close_alias("urn:mail:pk@t.example", at)
    (user,) = [u for u in provider.iter_user_list(since=start) if u.identifier == "1112223339"]
    (alias,) = user.aliases
    assert alias.deleted
    assert alias.deleted_at == at.replace(tzinfo=None)


def test_synthetic_churn_is_a_delta_of_two_rows_per_user():
    registry = UserRegistry()
    registry.set_synthetic_count(50, despatch=True)
    full = list(registry.synthetic)
    assert len(full) == 100
    assert {u.document_type for u in full} == {"INVOICE", "DESPATCHADVICE"}
    base = registry.synthetic.EPOCH + timedelta(days=10_000)
    registry.churn_synthetic(5, base + timedelta(hours=1))
    delta = [u for u in registry.entries() if ListQuery(alias_type="ALL", alias_modify_date=base).matches(u)]
    assert len(delta) == 10
    assert sum(1 for u in delta if u.deletion_time) == 5
    live = [u for u in registry.entries() if ListQuery(alias_type="ALL").matches(u)]
    assert len(live) == 100


def _generic_xml(synthetic, query):
    return "".join(_xml_user(user.row()) for user in synthetic if query.matches(user))


def test_synthetic_xml_fast_path_writes_what_the_generic_path_writes():
    synthetic = SyntheticUsers(0)
    churn_at = synthetic.EPOCH + timedelta(minutes=5 * 30 + 2)
    for despatch in (False, True):
        for churn in (0, 12):
            synthetic = SyntheticUsers(40, despatch=despatch, churn=churn, churn_at=churn_at)
            for query in (
                ListQuery(),
                ListQuery(document_type="ALL", alias_type="ALL"),
                ListQuery(document_type="DESPATCHADVICE", alias_type="PK"),
                ListQuery(document_type="INVOICE", alias_type="GB"),
                ListQuery(alias_type="ALL", alias_modify_date=synthetic.EPOCH + timedelta(minutes=5 * 20)),
                ListQuery(alias_type="ALL", alias_modify_date=churn_at - timedelta(seconds=1)),
                ListQuery(alias_type="ALL", alias_modify_date=churn_at),
                ListQuery(alias_type="ALL", alias_modify_date=synthetic.EPOCH - timedelta(days=1)),
                ListQuery(
                    document_type="DESPATCHADVICE",
                    alias_modify_date=synthetic.EPOCH + timedelta(minutes=5 * 3),
                    register_time_start=synthetic.EPOCH + timedelta(minutes=5 * 9),
                ),
                ListQuery(register_time_start=synthetic.EPOCH + timedelta(minutes=5 * 7 - 1)),
                ListQuery(register_time_start=synthetic.EPOCH + timedelta(minutes=5 * 7)),
                ListQuery(register_time_start=synthetic.EPOCH - timedelta(days=1)),
            ):
                expected = _generic_xml(synthetic, query)
                chunks = list(synthetic.xml_chunks(query, size=7))
                assert "".join(text for _count, text in chunks) == expected, (despatch, churn, query)
                assert sum(count for count, _text in chunks) == expected.count("<USER ")
    assert expected.count("<USER ") == 80


def test_sandbox_zip_holds_own_and_synthetic_entries():
    registry = UserRegistry()
    start = registry.synthetic.EPOCH
    registry.add(GibUser("1112223339", "T & Co", "urn:mail:pk@t.example", "PK", "INVOICE", start, start))
    registry.set_synthetic_count(3, despatch=True)
    query = ListQuery(document_type="ALL", alias_type="ALL")
    path, count = registry.write_zip(query)
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read("users.xml").decode()
    finally:
        Path(path).unlink()
    assert count == 7
    assert text == (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<GetUserListResponse xmlns="{LIST_NS}">'
        + "".join(_xml_user(user.row()) for user in registry.entries())
        + "</GetUserListResponse>\n"
    )
    assert "<TITLE>T &amp; Co</TITLE>" in text
