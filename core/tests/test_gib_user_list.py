"""The user-list details the Odoo sync relies on: deletion times in deltas, synthetic churn."""

import base64
import io
import itertools
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.errors import ParseError
from core.providers.base import GibAlias as CoreAlias
from core.providers.base import GibUser as CoreUser
from core.providers.gib_userlist import (
    _record,
    iter_gib_users,
    merge_records,
    merge_users,
    read_ahead,
    spool_base64_string,
)
from core.providers.izibiz import IzibizProvider
from core.sandbox.clock import TR_TZ
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.userlist import (
    LIST_NS,
    GibUser,
    ListQuery,
    SyntheticUsers,
    UserRegistry,
    _xml_user,
    gib_user_xml,
    synthetic_gib_chunks,
    write_gib_zip,
)
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


def test_gib_format_sample_streams_every_user_with_deletions():
    """GİB's own test-environment PK list (NewUserList.xsd): every user, closed aliases kept."""
    path = reference_path("gib-userlist-samples", "UserPkList.zip")
    with path.open("rb") as spool:
        users = list(iter_gib_users(spool, "PK"))
    assert len(users) == 6718
    assert sum(1 for u in users for a in u.aliases if a.deleted) == 6132
    assert sum(1 for u in users for a in u.aliases if a.document_type == "DESPATCHADVICE") >= 917
    first = users[0]
    assert (first.identifier, first.type) == ("1111113261", "OZEL")
    assert first.registered_at == datetime(2014, 3, 19, 10, 54, 25)
    assert [(a.name, a.unit, a.document_type) for a in first.aliases] == [
        ("urn:mail:defaultpk@sakipaga.com.tr", "PK", "INVOICE")
    ]
    with path.open("rb") as spool:
        only_despatch = list(iter_gib_users(spool, "PK", document_type="DESPATCHADVICE"))
    assert {a.document_type for u in only_despatch for a in u.aliases} == {"DESPATCHADVICE"}
    since = datetime(2020, 1, 1, tzinfo=TR_TZ)
    with path.open("rb") as spool:
        recent = list(iter_gib_users(spool, "PK", since=since))
    assert recent and len(recent) < len(users)
    assert all(
        max(a.created_at, a.deleted_at or a.created_at) > since.replace(tzinfo=None)
        for u in recent
        for a in u.aliases
    )


def test_synthetic_gib_fast_path_writes_what_the_generic_path_writes():
    churn_at = SyntheticUsers.EPOCH + timedelta(minutes=5 * 30 + 2)
    for despatch in (False, True):
        for churn in (0, 12):
            synthetic = SyntheticUsers(40, despatch=despatch, churn=churn, churn_at=churn_at)
            for unit, kind in (("PK", None), ("PK", "INVOICE"), ("PK", "DESPATCHADVICE"), ("GB", None)):
                groups = itertools.groupby(synthetic, key=lambda user: user.identifier)
                expected = "".join(gib_user_xml(list(group), unit, kind) for _vkn, group in groups)
                chunks = list(synthetic_gib_chunks(synthetic, unit, kind, size=7))
                assert "".join(text for _count, text in chunks) == expected, (despatch, churn, unit, kind)
                assert sum(count for count, _text in chunks) == expected.count("<User>")


def test_base64_string_answer_is_decoded_in_pieces_and_bounded():
    data = bytes(range(256)) * 50
    body = b'  "' + base64.b64encode(data).replace(b"/", b"\\/") + b'"'
    for size in (1, 3, 7, 4096):
        sink = io.BytesIO()
        spool_base64_string((body[i : i + size] for i in range(0, len(body), size)), sink, limit=len(data))
        assert sink.read() == data
    raw = b"PK\x03\x04" + data
    sink = io.BytesIO()
    spool_base64_string(iter([raw[:5], raw[5:]]), sink, limit=len(raw))
    assert sink.read() == raw
    with pytest.raises(ParseError):
        spool_base64_string(iter([body]), io.BytesIO(), limit=len(data) - 1)
    with pytest.raises(ParseError):
        spool_base64_string(iter([body[:-5]]), io.BytesIO(), limit=len(data))


def test_lists_of_one_taxpayer_merge_into_one_user():
    one = CoreUser("1", "One", "OZEL", datetime(2020, 1, 2), (CoreAlias("urn:mail:pk@1", "PK", "INVOICE"),))
    despatch = (CoreAlias("urn:mail:i@1", "PK", "DESPATCHADVICE"),)
    one_despatch = CoreUser("1", "One", "OZEL", datetime(2020, 1, 1), despatch)
    two = CoreUser("2", "Two", "OZEL", None, (CoreAlias("urn:mail:pk@2", "PK", "INVOICE"),))
    merged = list(merge_users(iter([one, two]), iter([one_despatch])))
    assert [(u.identifier, len(u.aliases)) for u in merged] == [("1", 2), ("2", 1)]
    assert merged[0].registered_at == datetime(2020, 1, 1)


def test_lists_fetched_ahead_merge_in_list_order_and_a_failed_fetch_is_raised():
    """The next list downloads while the previous one is read: the merge is the same, errors surface."""
    pk = CoreAlias("urn:mail:pk@1", "PK", "INVOICE", datetime(2021, 1, 1))
    one = CoreUser("1", "One", "OZEL", None, (pk,))
    gb = CoreUser("1", "One", "OZEL", None, (CoreAlias("urn:mail:gb@1", "GB", "INVOICE", None, True),))
    fetched = []

    def loader(users):
        def fetch():
            fetched.append(users[0].aliases[0].unit)
            return map(_record, users)

        return fetch

    with read_ahead([loader([one]), loader([gb])]) as streams:
        merged = list(merge_records(*streams))
    assert fetched == ["PK", "GB"]
    assert merged == [CoreUser("1", "One", "OZEL", None, one.aliases + gb.aliases)]

    def cut_short():
        raise ParseError("The GİB user list answer was cut short.", code="tr_edoc.userlist.body")

    with read_ahead([loader([one]), cut_short]) as streams, pytest.raises(ParseError, match="cut short"):
        list(merge_records(*streams))


def test_unsorted_lists_merge_each_taxpayer_once_whatever_their_order():
    """Lists in different orders, cut into many runs: each taxpayer once, all its aliases in list order."""
    shuffle = random.Random(20).shuffle
    lists = []
    for list_index, (unit, kind) in enumerate(
        (("PK", "INVOICE"), ("PK", "DESPATCHADVICE"), ("GB", "INVOICE"))
    ):
        users = [
            CoreUser(
                str(1000 + number),
                f"Firm {number}",
                "OZEL",
                datetime(2020, 1, 1 + (number + list_index) % 3) if number % 5 else None,
                tuple(
                    CoreAlias(f"urn:mail:{unit}{kind}{n}@{number}", unit, kind, datetime(2021, 1, 1 + n))
                    for n in range(1 + number % 2)
                ),
            )
            for number in range(40)
            if (number + list_index) % 4
        ]
        shuffle(users)
        lists.append(users)
    merged = list(merge_users(*(iter(users) for users in lists), run_size=3))
    assert [user.identifier for user in merged] == sorted({u.identifier for users in lists for u in users})
    for user in merged:
        parts = [u for users in lists for u in users if u.identifier == user.identifier]
        assert user.aliases == tuple(alias for part in parts for alias in part.aliases)
        assert user.registered_at == min(filter(None, (part.registered_at for part in parts)), default=None)
        assert (user.title, user.type) == (parts[0].title, parts[0].type)


def test_sandbox_gib_lists_come_in_their_own_order():
    """The sandbox's GİB lists are not sorted, nor in the same order: what the merge must cope with."""
    registry = UserRegistry()
    start = SyntheticUsers.EPOCH
    for number in range(30):
        for kind in ("INVOICE", "DESPATCHADVICE"):
            alias = f"urn:mail:{kind.lower()}@{number}.example"
            registry.add(GibUser(str(3000000000 + number), "T", alias, "PK", kind, start, start))
    orders = []
    for kind in ("INVOICE", "DESPATCHADVICE"):
        path, count = write_gib_zip(registry, "PK", kind)
        try:
            with open(path, "rb") as spool:
                orders.append([user.identifier for user in iter_gib_users(spool, "PK")])
        finally:
            Path(path).unlink()
        assert count == 30
    assert orders[0] != sorted(orders[0])
    assert orders[0] != orders[1]
    assert sorted(orders[0]) == sorted(orders[1])
