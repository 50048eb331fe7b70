import datetime as dt

import pytest

from core import states
from core.errors import EdocError


def test_every_edge_leads_to_a_state_of_its_machine_or_a_known_terminal():
    for machine, table in states.TRANSITIONS.items():
        reachable = {states.INITIAL_STATE[machine]} | set(table.values())
        sources = {source for source, _event in table}
        assert sources <= reachable, f"{machine}: unreachable source states {sources - reachable}"


def test_outgoing_invoice_happy_path_and_unknown_outcome():
    machine = states.machine_for("einvoice", "out")
    state = states.INITIAL_STATE[machine]
    for event in ("generate", "submit", "timeout"):
        state = states.next_state(machine, state, event)
    assert state == "unknown"
    assert "submit" not in states.allowed_events(machine, "unknown"), "no blind resend after a timeout"
    state = states.next_state(machine, state, "found")
    for event in ("gib_delivered", "recipient_rejected"):
        state = states.next_state(machine, state, event)
    assert state == "rejected"


def test_invalid_transition_is_refused_with_a_stable_code():
    with pytest.raises(states.InvalidTransition) as error:
        states.next_state(states.OUTGOING_INVOICE, "delivered", "submit")
    assert isinstance(error.value, EdocError)
    assert error.value.code == "tr_edoc.state.invalid_transition"
    assert error.value.params == {"machine": "outgoing_invoice", "state": "delivered", "event": "submit"}


def test_commercial_response_can_not_follow_a_closed_window():
    machine = states.INCOMING_INVOICE
    closed = states.next_state(machine, "awaiting_response", "window_closed")
    with pytest.raises(states.InvalidTransition):
        states.next_state(machine, closed, "respond")


def test_deadline_is_eight_days_after_receipt_not_after_issue():
    received = dt.datetime(2026, 3, 10, 21, 30, tzinfo=dt.UTC)  # 00:30 on the 11th in Istanbul
    deadline = states.commercial_response_deadline(received)
    assert deadline == dt.datetime(2026, 3, 18, 21, 30, tzinfo=dt.UTC)
    assert states.response_window_open(received, received + dt.timedelta(days=7, hours=23))
    assert not states.response_window_open(received, received + dt.timedelta(days=8, minutes=1))
    naive = received.replace(tzinfo=None)
    assert states.commercial_response_deadline(naive, days=3) == received + dt.timedelta(days=3)


def test_remaining_time_counts_down_to_zero():
    received = dt.datetime(2026, 1, 1, 12, 0)
    assert states.remaining_response_time(received, received + dt.timedelta(days=6)) == dt.timedelta(days=2)
    assert states.remaining_response_time(received, received + dt.timedelta(days=9)) == dt.timedelta(0)
