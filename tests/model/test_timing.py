"""The model's own queue entries: calls run in the same order as SimPy events would."""

import pytest

from simulator.model.replication import ModelEnvironment
from simulator.model.timing import CHANGE, DEMAND, NORMAL, REVIEW, at_time, call_at


def test_calls_and_events_share_one_order_by_time_priority_and_scheduling():
    env = ModelEnvironment()
    seen = []

    def event_at(t, priority, name):
        at_time(env, t, priority).callbacks.append(lambda _e: seen.append((env.now, name)))

    def note(name):
        seen.append((env.now, name))

    call_at(env, 2.0, note, "call demand", DEMAND)
    event_at(2.0, REVIEW, "event review")
    call_at(env, 2.0, note, "call normal 1")
    event_at(2.0, NORMAL, "event normal 2")
    call_at(env, 2.0, note, "call normal 3")
    event_at(2.0, CHANGE, "event change")
    call_at(env, 1.5, note, "call earlier")
    env.run_to(3.0)
    assert seen == [
        (1.5, "call earlier"),
        (2.0, "event change"),
        (2.0, "call normal 1"),
        (2.0, "event normal 2"),
        (2.0, "call normal 3"),
        (2.0, "event review"),
        (2.0, "call demand"),
    ]
    assert env.now == 3.0


def test_a_call_at_the_stop_time_waits_for_the_next_run_unless_urgent():
    env = ModelEnvironment()
    seen = []
    call_at(env, 5.0, seen.append, "normal")
    call_at(env, 5.0, seen.append, "change", CHANGE)
    env.run_to(5.0)
    assert seen == ["change"]  # as SimPy's own stop event at 5 would let through
    env.run_to(6.0)
    assert seen == ["change", "normal"]


def test_a_call_can_schedule_more_calls_and_cannot_go_back_in_time():
    env = ModelEnvironment()
    seen = []

    def chain(k):
        seen.append((env.now, k))
        if k < 3:
            call_at(env, env.now + 1.0, chain, k + 1)

    call_at(env, 0.0, chain, 0)
    env.run_to(10.0)
    assert seen == [(0.0, 0), (1.0, 1), (2.0, 2), (3.0, 3)]
    with pytest.raises(ValueError, match="before now"):
        call_at(env, 9.0, chain, 0)
