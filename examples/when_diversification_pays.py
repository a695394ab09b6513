"""When does diversification pay? Short frequent outages vs rare long ones, at equal downtime.

A China-wide outage (every node in CN closed) is swept over its duration and its frequency such
that the expected share of time China is down stays the same: for downtime share f and duration
d, disruptions start at rate r = 365·f / (d·(1 − f)) per year. Every point runs every policy of
``scenarios/china_plus_one.yaml`` on common random numbers; the script prints which policy has
the best fill rate (ties: lowest cost per unit) at each point, and writes the sweep's tables and
plots to ``results/when_diversification_pays/``.

    python examples/when_diversification_pays.py            # ~1–2 minutes on two cores
    python examples/when_diversification_pays.py --quick    # a smoke run (seconds)
"""

from __future__ import annotations

import argparse
from pathlib import Path

import simulator
from simulator.analysis.ranking import best_policies

ROOT = Path(__file__).resolve().parents[1]
OUTAGE = "disruptions.china_outage.timing"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few replications, short horizon")
    ap.add_argument("--out", type=Path, default=ROOT / "results" / "when_diversification_pays")
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()

    overrides = {
        # A common-cause outage: one disruption hits every Chinese node at once.
        "disruptions": {
            "china_outage": {
                "target": {"country": "CN"},
                "timing": {"kind": "random", "rate_per_year": 1.0, "duration_days": 30},
                "effect": {"closed": True},
            }
        }
    }
    if args.quick:
        overrides |= {"horizon_days": 300, "warmup_days": 60}
    scenario = simulator.load_scenario(ROOT / "scenarios" / "china_plus_one.yaml", overrides)

    durations = [15, 45] if args.quick else [10, 30, 90]
    downtime = [0.05] if args.quick else [0.02, 0.05]
    points = [
        {
            f"{OUTAGE}.duration_days": d,
            f"{OUTAGE}.rate_per_year": round(365 * f / (d * (1 - f)), 6),
            "description": f"downtime {f:.0%}",
        }
        for f in downtime
        for d in durations
    ]
    result = simulator.sweep(
        scenario,
        points=points,
        replications=2 if args.quick else 12,
        jobs=args.jobs,
        store=args.out,
        force=True,
        progress=not args.quick,
    )
    simulator.write_sweep(result, args.out)

    best = best_policies(result.summary, ["point", *result.parameters])
    print("Equal expected downtime; which policy serves best?")
    for _, row in best.iterrows():
        print(
            f"  {row['description']:>13}, outages of {row[f'{OUTAGE}.duration_days']:>3g} days "
            f"{row[f'{OUTAGE}.rate_per_year']:.2f}×/year: best is {row['policy']} "
            f"(fill rate {row['mean']:.3f})"
        )
    print(f"tables and plots: {args.out}/")


if __name__ == "__main__":
    main()
