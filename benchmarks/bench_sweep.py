"""Sweep throughput: replications per second with 1 and 2 local workers, measured side by side.

    python benchmarks/bench_sweep.py [SCENARIO.yaml] [--replications N] [--rounds R]

Runs the same small grid (2 points) with 1 worker and with 2 workers, alternating, ``--rounds``
times each, and reports the median replications per second of each and the parallel efficiency
(speed-up ÷ workers). Ratios measured in one run are what to compare across machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import simulator

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "red_sea_crisis.yaml"))
    ap.add_argument("--replications", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sc = simulator.load_scenario(args.scenario)
    first = next(iter(sc.disruptions), None)
    if first is not None and sc.disruptions[first].timing.kind == "scheduled":
        grid = {
            f"disruptions.{first}.timing.duration_days": [
                sc.disruptions[first].timing.duration_days,
                2 * sc.disruptions[first].timing.duration_days,
            ]
        }
    else:
        grid = {"warmup_days": [sc.warmup_days, sc.warmup_days + 1]}
    tasks = 2 * len(sc.sourcing) * args.replications
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for jobs in (1, 2):
            t0 = time.perf_counter()
            simulator.sweep(sc, grid=grid, replications=args.replications, jobs=jobs)
            rates[jobs].append(tasks / (time.perf_counter() - t0))
    r1, r2 = statistics.median(rates[1]), statistics.median(rates[2])
    print(
        f"scenario: {sc.name}; {tasks} replications per sweep (2 points × "
        f"{len(sc.sourcing)} policies × {args.replications}); median of {args.rounds} rounds"
    )
    print(f"{'workers':>8} {'replications/s':>15}")
    print(f"{1:>8} {r1:>15.1f}")
    print(f"{2:>8} {r2:>15.1f}")
    print(f"speed-up 2 vs 1: {r2 / r1:.2f}×; parallel efficiency: {r2 / r1 / 2:.0%}")


if __name__ == "__main__":
    main()
