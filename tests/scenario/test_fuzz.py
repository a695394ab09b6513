"""Property-based fuzz of ``diversim validate`` (and a short ``diversim run``) over hostile
mutations of the shipped scenarios (see fuzzing.py): every file exits 0 or 2, never with a
traceback, a crash or a hang; every file validate accepts runs a month without error; nothing is
written outside the results folder.

The quick profile runs with the suite; the long one is a release check::

    pytest -n 0 -m fuzz tests/scenario/test_fuzz.py  # 3,000 files (DIVERSIM_FUZZ_EXAMPLES)
    python benchmarks/fuzz_scenarios.py --files 3000       # the same files, counted, not stopped
"""

from __future__ import annotations

import os

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings

import simulator.cli
import simulator.experiment.runner
import simulator.output.results_folder  # noqa: F401

HANG_SECONDS = float(os.environ.get("DIVERSIM_FUZZ_TIMEOUT", "15"))
COMMON = dict(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check(case: fuzzing.Case) -> None:
    out = fuzzing.check(case, timeout=HANG_SECONDS, run_timeout=4 * HANG_SECONDS)
    assert not out.bad, f"{out.kind}: {out.detail}\nmutations: {case.label}"


@settings(max_examples=20, **COMMON)
@given(fuzzing.cases())
def test_fuzz_quick(case):
    _check(case)


@pytest.mark.fuzz
@settings(max_examples=int(os.environ.get("DIVERSIM_FUZZ_EXAMPLES", "3000")), **COMMON)
@given(fuzzing.cases())
def test_fuzz_long(case):
    _check(case)


def test_the_sandbox_sees_a_traceback_and_a_hang(monkeypatch):
    """The checker itself can fail: what the old loader did to hostile files would be caught."""
    import time

    import simulator.cli.validate as v

    def boom(args):
        raise RecursionError("maximum recursion depth exceeded")

    def hang(args):
        time.sleep(60)

    case = fuzzing.Case({fuzzing.MAIN: b"name: x\n"})
    monkeypatch.setattr(v, "cmd_validate", boom)  # the forked child inherits the patch
    out = fuzzing.check(case, run=False)
    assert out.kind == "traceback" and "RecursionError" in out.detail
    monkeypatch.setattr(v, "cmd_validate", hang)
    assert fuzzing.check(case, timeout=1.0, run=False).kind == "hang"
