"""Cost of a stress test: wall time and parallel efficiency, local processes against Dask.

    python benchmarks/bench_stress.py [SCENARIO.yaml] [--replications N] [--durations 30,90]
        [--elements nodes,legs,countries] [--rounds R] [--configs 1,2,dask]

Runs the same stress test (every element of the chosen kinds, each duration, every policy) with
each configuration in turn — ``1``: one local process, ``2``: two local worker processes,
``dask``: a local Dask cluster of two single-threaded workers — ``--rounds`` times, alternating,
and reports per configuration the median wall time, replications per second, speed-up over one
process and parallel efficiency (speed-up ÷ workers). Every configuration must give the same
stress table to the last digit; the script says so or fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.experiment.failures import parse_element_kinds  # noqa: E402
from simulator.experiment.stress import parse_durations, stress_test  # noqa: E402
from simulator.scenario import load_scenario  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "china_plus_one.yaml"))
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--durations", default="30,90")
    ap.add_argument("--elements", default="nodes,legs,countries")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--configs", default="1,2,dask")
    args = ap.parse_args()
    sc = load_scenario(args.scenario)
    kinds = parse_element_kinds(args.elements)
    durations = parse_durations(args.durations)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    times: dict[str, list[float]] = {c: [] for c in configs}
    tables: dict[str, pd.DataFrame] = {}
    tasks = 0
    for _ in range(args.rounds):
        for c in configs:
            executor, jobs = ("dask", 2) if c == "dask" else ("local", int(c))
            started = time.perf_counter()
            r = stress_test(
                sc,
                kinds,
                durations=durations,
                replications=args.replications,
                jobs=jobs,
                executor=executor,
            )
            times[c].append(time.perf_counter() - started)
            tasks = len(r.rows)
            tables.setdefault(c, r.table)
            print(f"  {c:>4}: {times[c][-1]:8.1f} s", file=sys.stderr, flush=True)
    first = tables[configs[0]]
    for c in configs[1:]:
        pd.testing.assert_frame_equal(first, tables[c])
    cases = first.groupby(["element", "duration_days"]).ngroups
    print(
        f"scenario {sc.name}: {first['element'].nunique()} elements × {len(durations)} durations "
        f"+ baseline = {cases + 1} cases × {len(sc.sourcing)} policies × {args.replications} "
        f"replications = {tasks} replications; {args.rounds} round(s)"
    )
    print(
        f"{'config':<10}{'workers':>8}{'median s':>11}{'min s':>9}{'max s':>9}{'reps/s':>9}"
        f"{'speed-up':>10}{'efficiency':>12}"
    )
    base = statistics.median(times[configs[0]]) if configs[0] == "1" else None
    for c in configs:
        med = statistics.median(times[c])
        workers = 2 if c == "dask" else int(c)
        speed = base / med if base else float("nan")
        print(
            f"{('dask' if c == 'dask' else 'local'):<10}{workers:>8}{med:>11.1f}"
            f"{min(times[c]):>9.1f}{max(times[c]):>9.1f}{tasks / med:>9.1f}{speed:>10.2f}"
            f"{speed / workers:>12.2f}"
        )
    print("identical stress tables across configurations: yes")


if __name__ == "__main__":
    main()
