"""The user-list details the Odoo sync relies on: deletion times in deltas, synthetic churn."""

from datetime import timedelta

from core.providers.izibiz import IzibizProvider
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.userlist import GibUser, ListQuery, UserRegistry
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
