"""The order of events that fall on the same instant (days), fixed by kind, not by creation.

SimPy runs same-time events by priority, then in the order they were scheduled. The model gives
the kinds whose order matters their own priority, so that at one instant the order is always:

1. disruption changes (:data:`CHANGE`): an episode over [start, end) is in force for everything
   at ``start`` and over for everything at ``end``;
2. everything else — arrivals, production, detection, warnings (SimPy's ``NORMAL``);
3. a site's periodic review (:data:`REVIEW`): it sees every receipt of the instant;
4. demand (:data:`DEMAND`): last, so stock received at the same instant serves it.
"""

from __future__ import annotations

from heapq import heappush

import simpy

CHANGE = simpy.events.URGENT  # 0
NORMAL = simpy.events.NORMAL  # 1
REVIEW = 2
DEMAND = 3


class At(simpy.events.Event):
    """A timeout of ``delay`` days processed with ``priority`` among same-time events."""

    def __init__(self, env: simpy.Environment, delay: float, priority: int):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority, delay)


def at_time(env: simpy.Environment, t: float, priority: int = NORMAL) -> simpy.Event:
    """An event processed at exactly time ``t`` (days, not before now) with ``priority``.

    ``env.timeout(t - env.now)`` can land an ulp off ``t``, because SimPy adds the delay to now;
    this puts the event in SimPy's queue at ``t`` itself, as ``Environment.schedule`` would.
    """
    if t < env.now:
        raise ValueError(f"cannot schedule at {t} before now ({env.now})")
    event = simpy.events.Event(env)
    event._ok = True
    event._value = None
    heappush(env._queue, (t, priority, next(env._eid), event))
    return event


def after(env: simpy.Environment, delay: float) -> simpy.Event:
    """An event processed ``delay`` days from now (>= 0): ``env.timeout(delay)`` with the same
    time, priority and place in SimPy's queue, without a Timeout object's overhead."""
    if delay < 0:
        raise ValueError(f"negative delay {delay}")
    event = simpy.events.Event(env)
    event._ok = True
    event._value = None
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), event))
    return event


def call_at(env: simpy.Environment, t: float, fn, arg=None, priority: int = NORMAL) -> None:
    """Call ``fn(arg)`` at exactly time ``t`` (days, not before now) with ``priority``: the
    cheapest event there is, a queue entry ``(t, priority, id, fn, arg)`` (one longer than
    SimPy's own ``(t, priority, id, event)``) that
    :meth:`~simulator.model.replication.ModelEnvironment.run_to` calls directly (no Event, no
    callback list). It takes its place in the queue as :func:`at_time` does, so the order of
    everything is the same; a caller that may change its mind lets ``fn`` tell a stale call
    from the current one by ``arg``. Only for a ModelEnvironment, and never yielded by a
    process."""
    if t < env._now:
        raise ValueError(f"cannot schedule at {t} before now ({env._now})")
    heappush(env._queue, (t, priority, next(env._eid), fn, arg))


def runs_next(env: simpy.Environment, priority: int) -> bool:
    """Whether an event scheduled now with ``priority`` would be the next one SimPy processes
    (nothing queued for now at that priority or a more urgent one). Used at the end of an
    event's only callback to carry on at once instead of scheduling a zero-delay hop."""
    queue = env._queue
    if not queue:
        return True
    t, p = queue[0][0], queue[0][1]
    return t > env._now or (t == env._now and p > priority)


def timeout_or(env: simpy.Environment, delay: float, changed: simpy.Event, then) -> None:
    """``yield env.timeout(delay) | changed`` without a process: call ``then()`` one queue turn
    after whichever of the two SimPy processes first, at normal priority (or at once, when that
    turn would be the very next event anyway: the same order of everything, one event fewer).
    ``changed`` must not have been processed yet."""
    first = _FirstOf(env, changed, then)
    after(env, delay).callbacks.append(first)
    changed.callbacks.append(first)


class _FirstOf:
    """The callback of :func:`timeout_or` on both its events (an object rather than a closure
    that names itself, which would be a reference cycle left for the garbage collector)."""

    __slots__ = ("changed", "env", "fired", "then")

    def __init__(self, env: simpy.Environment, changed: simpy.Event, then) -> None:
        self.env, self.changed, self.then, self.fired = env, changed, then, False

    def __call__(self, event: object) -> None:
        if self.fired:
            return
        self.fired = True
        env, then = self.env, self.then
        if event is not self.changed:  # the timeout came first
            if self.changed.callbacks is not None:
                self.changed.callbacks.remove(self)  # as the condition drops its check
            if runs_next(env, NORMAL):  # the timeout's only callback: nothing else runs first
                then()
                return
        resume = simpy.events.Event(env)
        resume.callbacks.append(lambda _: then())
        resume.succeed()
