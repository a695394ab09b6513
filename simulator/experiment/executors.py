"""Where tasks run: in this process, or in a pool of local worker processes.

Whatever the executor and worker count, each task's numbers depend only on its key and the root
seed, and results are re-ordered by key before anything is computed from them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from ..scenario.schema import Scenario
from . import tasks as task_module
from .tasks import TaskKey, TaskOutput


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


_frozen = 0  # depth of nested steady_heap() blocks


@contextmanager
def steady_heap():
    """Leave the objects that exist when a batch of tasks starts out of Python's cyclic garbage
    collections while it runs (``gc.freeze``, undone at the end of the outermost block): they
    outlive the batch anyway (modules, the scenario, earlier results), and every full
    collection would otherwise walk all of them — about 5% of a run's CPU (measured on
    red_sea_crisis). Forked workers inherit the frozen objects."""
    global _frozen
    if _frozen == 0:
        gc.freeze()
    _frozen += 1
    try:
        yield
    finally:
        _frozen -= 1
        if _frozen == 0:
            gc.unfreeze()


def _worker_init(scenarios: dict[int, Scenario]) -> None:
    # Ctrl-C is handled by the parent, which cancels pending work and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    task_module.install(scenarios)


def run_local(
    scenarios: dict[int, Scenario], keys: list[TaskKey], seed: int, jobs: int
) -> Iterator[TaskOutput]:
    """Yield task outputs as they finish, using ``jobs`` worker processes (1 = this process)."""
    with steady_heap():
        yield from _run_local(scenarios, keys, seed, jobs)


def _run_local(
    scenarios: dict[int, Scenario], keys: list[TaskKey], seed: int, jobs: int
) -> Iterator[TaskOutput]:
    jobs = max(1, min(jobs, len(keys)))
    if jobs == 1:
        task_module.install(scenarios)
        for key in keys:
            yield task_module.simulate(key, seed)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_worker_init, initargs=(scenarios,)
    )
    pending: set[Future] = set()
    todo = iter(keys)
    try:
        # Keep a bounded number of tasks in flight so Ctrl-C stops quickly.
        for key in todo:
            pending.add(pool.submit(task_module.simulate, key, seed))
            if len(pending) >= 4 * jobs:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(pool.submit(task_module.simulate, nxt, seed))
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


# --------------------------------------------------------------------------- Dask

_DASK_INSTALLED: list[int] = []


def _dask_task(scenarios: dict[int, Scenario], key: TaskKey, seed: int) -> TaskOutput:
    # Install the (broadcast) scenarios once per worker process, then run like a local task.
    if [id(scenarios)] != _DASK_INSTALLED:
        task_module.install(scenarios)
        _DASK_INSTALLED[:] = [id(scenarios)]
    return task_module.simulate(key, seed)


def run_dask(
    scenarios: dict[int, Scenario],
    keys: list[TaskKey],
    seed: int,
    jobs: int,
    address: str | None = None,
) -> Iterator[TaskOutput]:
    """Yield task outputs from a Dask cluster: the one at ``address`` (tcp://HOST:PORT) or,
    with no address, a local cluster of ``jobs`` single-threaded worker processes."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        from ..errors import UsageError

        raise UsageError(
            "the Dask executor needs the 'dask' extra: pip install '.[dask]'"
        ) from None
    cluster = None
    if address:
        try:
            client = Client(address, timeout="10s")
        except OSError as exc:
            from ..errors import UsageError

            raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    else:
        cluster = LocalCluster(
            n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        shared = client.scatter(scenarios, broadcast=True)
        futures = [client.submit(_dask_task, shared, key, seed, pure=False) for key in keys]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            client.cancel(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_tasks(
    scenarios: dict[int, Scenario],
    keys: list[TaskKey],
    seed: int,
    jobs: int,
    executor: str = "local",
    address: str | None = None,
) -> Iterator[TaskOutput]:
    """Dispatch to the chosen executor (``local`` processes or ``dask``)."""
    if executor == "local":
        if address:
            from ..errors import UsageError

            raise UsageError("--dask-scheduler needs --executor dask")
        return run_local(scenarios, keys, seed, jobs)
    if executor == "dask":
        return run_dask(scenarios, keys, seed, jobs, address)
    from ..errors import UsageError

    raise UsageError(f"unknown executor '{executor}': use local or dask")
