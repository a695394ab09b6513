"""Where tasks run: the same outputs in this process and in worker processes, and the garbage
collector's frozen heap undone after every batch."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import simulator
from simulator.experiment.executors import run_local, steady_heap
from simulator.experiment.tasks import TaskKey

ROOT = Path(__file__).resolve().parents[2]


def test_steady_heap_freezes_once_for_nested_batches_and_unfreezes_after():
    assert gc.get_freeze_count() == 0
    with steady_heap():
        frozen = gc.get_freeze_count()
        assert frozen > 0
        garbage = [[]]  # allocated in the batch: not frozen, collected as usual
        garbage[0].append(garbage)
        del garbage
        with steady_heap():
            assert gc.get_freeze_count() == frozen  # the inner block freezes nothing more
        assert gc.get_freeze_count() == frozen
        assert gc.collect() >= 1
    assert gc.get_freeze_count() == 0


def test_steady_heap_is_undone_when_a_batch_fails():
    with pytest.raises(RuntimeError), steady_heap():
        raise RuntimeError("a task failed")
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_local_unfreezes_when_consumed_or_abandoned(jobs):
    sc = simulator.load_scenario(ROOT / "scenarios" / "red_sea_crisis.yaml")
    sc = sc.model_copy(update={"horizon_days": 240})
    keys = [TaskKey(p, r) for p in list(sc.sourcing)[:2] for r in range(2)]
    outputs = sorted(
        run_local({0: sc}, keys, 7, jobs), key=lambda o: (o.key.policy, o.key.replication)
    )
    assert gc.get_freeze_count() == 0
    assert [(o.key.policy, o.key.replication) for o in outputs] == sorted(
        (k.policy, k.replication) for k in keys
    )
    running = run_local({0: sc}, keys, 7, jobs)
    first = next(running)
    assert gc.get_freeze_count() > 0  # frozen while the batch runs
    running.close()
    assert gc.get_freeze_count() == 0
    again = [o for o in outputs if o.key == first.key]
    assert again and again[0].figures == first.figures  # same task, same numbers
