"""e-Mutabakat figures, the İzibiz ReconciliationWS/BillingWS client and the sandbox that serves them."""

import uuid as uuidlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests

from core.errors import RemoteRejected, ValidationFailed
from core.providers.izibiz import IzibizProvider
from core.providers.izibiz_reconciliation import reconciliation_error
from core.reconciliation import (
    PURCHASE,
    PURCHASE_RETURN,
    SALE,
    SALE_RETURN,
    BabsDocument,
    LedgerItem,
    Reconciliation,
    check_reconciliation,
    check_usage_request,
    compute_babs,
    compute_cari,
)
from core.sandbox.demo import DEMO_COMPANIES
from core.sandbox.reconciliation import desk
from core.tests.conftest import reference_path

A = DEMO_COMPANIES[0]
D = Decimal


def doc(partner, kind, amount, ref=None):
    return BabsDocument(ref or f"{partner}-{amount}", partner, kind, D(amount))


def test_babs_threshold_is_the_monthly_total_per_counterparty_and_form():
    lines = compute_babs(
        [
            doc("p1", SALE, "3000"),
            doc("p1", SALE, "2000"),  # two small invoices reach 5,000 together: reported
            doc("p1", SALE_RETURN, "600"),  # a customer's return goes to Ba, alone under the limit
            doc("p2", SALE, "4999.99"),  # under the limit: not reported
            doc("p3", PURCHASE, "7000"),
            doc("p3", PURCHASE_RETURN, "5000"),  # our return to the supplier: Bs, exactly 5,000
        ]
    )
    got = {line.partner_key: (line.ba_count, line.ba_amount, line.bs_count, line.bs_amount) for line in lines}
    assert got == {"p1": (0, D("0"), 2, D("5000")), "p3": (1, D("7000"), 1, D("5000"))}
    (p1,) = [line for line in lines if line.partner_key == "p1"]
    assert p1.bs_refs == ["p1-3000", "p1-2000"] and p1.ba_refs == []


def test_cari_balance_per_allowed_currency():
    lines = compute_cari(
        [
            LedgerItem("i1", "p1", D("1000")),
            LedgerItem("i2", "p1", D("-250")),
            LedgerItem("i3", "p1", D("3400"), "USD", D("100")),
            LedgerItem("i4", "p2", D("-800")),
            LedgerItem("i5", "p2", D("50"), "JPY", D("1000")),  # not an İzibiz currency: in TRY
        ]
    )
    got = {(line.partner_key, line.currency): (line.amount_type, line.amount) for line in lines}
    assert got == {
        ("p1", "TRY"): ("B", D("750")),
        ("p1", "USD"): ("B", D("100")),
        ("p2", "TRY"): ("A", D("750")),
    }


def rec(**values):
    base = {
        "type": "EM",
        "uuid": str(uuidlib.uuid4()),
        "identifier": "1234567801",
        "name": "Alıcı A.Ş.",
        "address": "Kadıköy İstanbul",
        "email": "muhasebe@alici.com.tr",
        "period": "202611",
        "bs_count": 2,
        "bs_amount": D("12000.50"),
    }
    base.update(values)
    return Reconciliation(**base)


def test_checks_before_sending():
    assert check_reconciliation(rec()) == []
    assert (250, "email") in check_reconciliation(rec(email="no-at-sign"))
    assert (240, "amount") in check_reconciliation(rec(bs_amount=D("4000")))
    assert (200, "period") in check_reconciliation(rec(period="2026-11"))
    assert (200, "cm_amount_type") in check_reconciliation(rec(type="CM", cm_date=date(2026, 11, 30)))
    with pytest.raises(ValidationFailed) as caught:
        check_usage_request("EARSIV", "INBOX")
    assert caught.value.code == "tr_edoc.billing.inbox_outbound_only"
    check_usage_request("EFATURA", "INBOX", "202611")


@pytest.fixture
def provider(sandbox):
    made = IzibizProvider(
        username=A.username,
        password=A.password,
        base_url=sandbox.url,
        wsdl_dir=reference_path("wsdl", "izibiz"),
        validate_requests=True,
        timeout=10,
    )
    yield made
    made.logout()


def test_bulk_send_status_progression_and_disagreeing_counterparty(sandbox, provider):
    agreeing, disagreeing = "9000000001", "9000000002"
    desk(sandbox).script(disagreeing, "disagree")
    first = rec(identifier=agreeing, period="202610")
    second = rec(identifier=disagreeing, period="202610", ba_count=1, ba_amount=D("6000"))
    cari = rec(
        type="CM",
        identifier=agreeing,
        period="",
        cm_date=date(2026, 10, 31),
        cm_amount_type="A",
        cm_amount=D("1500.25"),
        currency="EUR",
        bs_count=0,
        bs_amount=D("0"),
    )
    outcome = provider.send_reconciliations([first, second, cari])
    assert outcome.sent == [first.uuid, second.uuid, cari.uuid] and not outcome.refused
    assert sum(e.operation == "SendReconciliation" for e in outcome.exchanges) == 1

    statuses, _ = provider.reconciliation_statuses([first.uuid, second.uuid, cari.uuid])
    assert {s.status_code for s in statuses} == {"100"} and not any(s.final for s in statuses)
    sandbox.clock.advance(timedelta(minutes=10))
    statuses, _ = provider.reconciliation_statuses([first.uuid])
    assert (statuses[0].status_code, statuses[0].email_status_code) == ("120", "130")
    sandbox.clock.advance(timedelta(hours=1))
    statuses = {s.uuid: s for s in provider.reconciliation_statuses([first.uuid, second.uuid, cari.uuid])[0]}
    assert (statuses[first.uuid].status_code, statuses[first.uuid].answer) == ("125", "agreed")
    assert (statuses[second.uuid].status, statuses[second.uuid].answer) == ("REJECTED", "disagreed")
    assert statuses[cari.uuid].type == "CM" and statuses[cari.uuid].final

    babs, _ = provider.babs_reconciliation_statuses("202610")
    assert {(s.identifier, s.status_code) for s in babs} == {(agreeing, "125"), (disagreeing, "126")}
    babs, _ = provider.babs_reconciliation_statuses("202610", disagreeing)
    assert [s.identifier for s in babs] == [disagreeing]

    provider.resend_reconciliation_mail([second.uuid])
    assert len(desk(sandbox).sent[(A.vkn, second.uuid)].mails) == 2


def test_refusals_are_pinned_on_each_reconciliation(sandbox, provider):
    good = rec(identifier="9000000011", period="202609")
    bad_mail = rec(identifier="9000000012", period="202609", email="muhasebe at alici")
    outcome = provider.send_reconciliations([good, bad_mail])
    assert outcome.sent == [good.uuid]
    assert reconciliation_error(outcome.refused[bad_mail.uuid]) == 250
    # the same counterparty and period again: 230, and the first send counts for a resend of itself
    again = rec(identifier="9000000011", period="202609")
    outcome = provider.send_reconciliations([again])
    assert reconciliation_error(outcome.refused[again.uuid]) == 230
    assert provider.send_reconciliations([good]).sent == [good.uuid]
    under = rec(identifier="9000000013", period="202609", bs_amount=D("100"))
    assert reconciliation_error(provider.send_reconciliations([under]).refused[under.uuid]) == 240
    with pytest.raises(RemoteRejected):
        provider.resend_reconciliation_mail([str(uuidlib.uuid4())])


def test_every_request_is_checked_against_the_wsdl(sandbox, provider):
    calls = provider.schema_check("reconciliation").checked
    provider.reconciliation_statuses([str(uuidlib.uuid4())])
    assert provider.schema_check("reconciliation").checked == calls + 1


def test_balance_and_usage(sandbox, provider):
    desk(sandbox).add_debt(A.vkn, "IZB2026000000042", "2026-11-01", "202611", "1180.00")
    balance = provider.get_balance()
    assert balance.total == D("1180.00") and balance.invoice_count == 1
    assert balance.invoices[0].number == "IZB2026000000042"
    rec_one = rec(identifier="9000000021", period="202608")
    provider.send_reconciliations([rec_one])
    month = sandbox.clock.now().strftime("%Y%m")
    usage = provider.get_usage(period=month)
    (only,) = usage.months
    assert only.products["EMUTABAKAT"] >= 1 and only.products["MAIL"] >= 1
    assert only.total == sum(only.products.values())
    assert len(provider.get_usage().months) == 6
    sent = sandbox.request_count("GetUsage")
    with pytest.raises(ValidationFailed):
        provider.get_usage(product="EMUTABAKAT", direction="INBOX")
    assert sandbox.request_count("GetUsage") == sent


def test_every_status_of_both_tables(sandbox, provider):
    """Each scripted counterparty ends in its own status; the sandbox walks 100 → 110 → 120 first."""
    outcomes = {
        "agree": ("125", "ACCEPTED", "agreed"),
        "disagree": ("126", "REJECTED", "disagreed"),
        "draft": ("105", "DRAFT", None),
        "fail": ("120", "FAILED", None),
        "cancel": ("120", "CANCEL", None),
        "silent": ("120", "WAIT_APPROVAL_CUSTOMER", None),
    }
    recs = {}
    for number, outcome in enumerate(outcomes):
        identifier = f"90000001{number:02d}"
        desk(sandbox).script(identifier, outcome)
        recs[outcome] = rec(identifier=identifier, period="202605")
    provider.send_reconciliations(list(recs.values()))
    seen = set()
    for step in (timedelta(0), timedelta(minutes=2), timedelta(minutes=5), timedelta(hours=1)):
        sandbox.clock.advance(step)
        statuses, _ = provider.reconciliation_statuses([r.uuid for r in recs.values()])
        seen |= {s.status_code for s in statuses}
    assert seen == {"100", "105", "110", "120", "125", "126"}
    final = {s.uuid: s for s in statuses}
    for outcome, (code, status, answer) in outcomes.items():
        got = final[recs[outcome].uuid]
        assert (got.status_code, got.status, got.answer) == (code, status, answer), outcome
        assert got.final == (status in {"ACCEPTED", "REJECTED", "FAILED", "CANCEL"})


def test_authorisation_and_daily_limit_codes(sandbox, provider):
    reconciliation_desk = desk(sandbox)
    reconciliation_desk.refused_vkns.add(A.vkn)
    try:
        with pytest.raises(RemoteRejected) as caught:
            provider.reconciliation_statuses([str(uuidlib.uuid4())])
        assert reconciliation_error(caught.value) == 210
    finally:
        reconciliation_desk.refused_vkns.discard(A.vkn)
    limit = reconciliation_desk.daily_limit
    reconciliation_desk.daily_limit = 0
    try:
        one = rec(identifier="9000000031", period="202604")
        assert reconciliation_error(provider.send_reconciliations([one]).refused[one.uuid]) == 220
    finally:
        reconciliation_desk.daily_limit = limit


def test_documented_calls_are_checked_too(sandbox, provider):
    """GetBABSReconciliationStatus and GetUsage have no WSDL: the sandbox checks their documented fields."""
    provider.login()
    header = (
        f"<REQUEST_HEADER><SESSION_ID>{provider._session_id}</SESSION_ID>"
        "<APPLICATION_NAME>t</APPLICATION_NAME><CHANNEL_NAME>t</CHANNEL_NAME></REQUEST_HEADER>"
    )
    envelope = (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        "{}</soapenv:Body></soapenv:Envelope>"
    )
    bad_babs = (
        '<ns:GetBABSReconciliationStatusRequest xmlns:ns="http://schemas.izibiz.com/ei/wsdl/reconciliation">'
        f"{header}<RECONCILIATION_SEARCHING><SEARCH_KEY><PERIOD>202601</PERIOD></SEARCH_KEY>"
        "</RECONCILIATION_SEARCHING></ns:GetBABSReconciliationStatusRequest>"
    )
    answer = requests.post(
        f"{sandbox.url}/ReconciliationWS", data=envelope.format(bad_babs).encode(), timeout=10
    )
    assert answer.status_code == 500 and b"<ERROR_CODE>10013</ERROR_CODE>" in answer.content
    inbox = (
        f'<ns:GetUsageRequest xmlns:ns="http://schemas.i2i.com/ei/wsdl">{header}'
        "<PRODUCT_TYPE>SMS</PRODUCT_TYPE><DIRECTION>INBOX</DIRECTION></ns:GetUsageRequest>"
    )
    answer = requests.post(f"{sandbox.url}/BillingWS", data=envelope.format(inbox).encode(), timeout=10)
    assert answer.status_code == 500 and b"INBOX" in answer.content
