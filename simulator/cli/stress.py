"""``diversim stress``: the n−1 stress test — every element fails alone, per duration and policy.

Runs on the sweep machinery (:mod:`simulator.experiment.stress`): common random numbers across
every case, local processes or Dask, resumable from the output folder, a progress bar.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .exits import EXIT_INTERRUPTED


def add_run_options(p, what: str) -> None:
    """The options every weak-point command shares (replications, seed, executors, output)."""
    p.add_argument(
        "--replications", "-n", type=int, help="replications per case (default: the scenario's)"
    )
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    p.add_argument("--policy", action="append", metavar="P", help="only this policy (repeatable)")
    p.add_argument("--out", type=Path, help=f"folder (default: results/<scenario>-{what})")
    p.add_argument("--jobs", "-j", type=int, help="workers (default: all cores)")
    p.add_argument(
        "--executor", choices=["local", "dask"], default="local", help="local processes or Dask"
    )
    p.add_argument(
        "--dask-scheduler",
        metavar="tcp://HOST:PORT",
        help="Dask scheduler address (default: a local Dask cluster)",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one scenario field (repeatable)",
    )
    p.add_argument(
        "--force", action="store_true", help="discard stored results of a run with other settings"
    )
    p.add_argument("--no-report", action="store_true", help="skip the plots and report.html")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def add_failure_options(p) -> None:
    """What fails and how (shared by stress and worst-case)."""
    p.add_argument(
        "--elements",
        default="nodes,legs,countries",
        metavar="KINDS",
        help="kinds of element that fail: nodes, legs, countries, chokepoints, tags "
        "(comma-separated; default nodes,legs,countries)",
    )
    p.add_argument(
        "--effect",
        action="append",
        metavar="NAME[=VALUE]",
        help="the failure's effect (repeatable; default closed), e.g. --effect capacity_factor=0.3",
    )
    p.add_argument(
        "--keep-disruptions",
        action="store_true",
        help="stack the failure on the scenario's own disruptions (default: no other disruption)",
    )


def add_commands(sub) -> None:
    p = sub.add_parser(
        "stress",
        help="n−1 stress test: every node, leg, country… fails alone; rank by lost value, "
        "flag TTS < TTR",
        description="For each policy, every element of the chosen kinds fails alone (closed, or "
        "--effect) for each duration, with no other disruption unless --keep-disruptions. Per "
        "element × duration × policy: time to survive, time to recover, loss, unmet units, fill "
        "rate during, lost value against the no-failure baseline (paired, common random "
        "numbers) with 95%% intervals, the risk exposure index and the TTS < TTR flag.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--duration",
        default="30,90",
        metavar="D1,D2",
        help="failure durations in days (default 30,90)",
    )
    add_failure_options(p)
    p.add_argument(
        "--start-day",
        type=float,
        metavar="DAY",
        help="day every failure starts (default: the end of the warm-up)",
    )
    p.add_argument(
        "--random-starts",
        type=int,
        default=0,
        metavar="K",
        help="instead, K start days drawn at random (seeded); each failure is run from each",
    )
    add_run_options(p, "stress")
    p.set_defaults(func=cmd_stress)


def load_with_overrides(args):
    from ..scenario import load_scenario
    from .run import apply_overrides

    sc = load_scenario(args.scenario)
    if args.set:
        sc = apply_overrides(sc, args.set)
    return sc


def cmd_stress(args: argparse.Namespace) -> int:
    from ..experiment.failures import parse_effect, parse_element_kinds
    from ..experiment.stress import parse_durations, stress_test
    from ..output.stress_folder import write_stress
    from ..output.sweep_folder import SweepStore

    sc = load_with_overrides(args)
    kinds = parse_element_kinds(args.elements)
    durations = parse_durations(args.duration)
    effect = parse_effect(args.effect)
    out = args.out or Path("results") / f"{sc.name}-stress"
    try:
        result = stress_test(
            sc,
            kinds,
            durations=durations,
            effect=effect,
            start_day=args.start_day,
            random_starts=args.random_starts,
            keep_disruptions=args.keep_disruptions,
            policies=args.policy,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.dask_scheduler,
            store=SweepStore(out),
            force=args.force,
            progress=not args.quiet,
        )
        write_stress(result, out, report=not args.no_report)
    except KeyboardInterrupt:
        print(
            f"interrupted: finished cases are kept in '{out}/points'; rerun the same command "
            "to resume",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
    show_stress(result)
    for note in result.skipped:
        print(f"skipped: {note}", file=sys.stderr)
    print(f"results: {out}/ ({result.computed} cases computed now, {result.wall_seconds:.1f} s)")
    return 0


def show_stress(result, top: int = 5) -> None:
    """Per policy, the most damaging single failures of the longest duration."""
    t = result.table
    if t.empty:
        return
    longest = t["duration_days"].max()
    cur = result.scenario.currency
    n_el = t["element"].nunique()
    print(
        f"stress test: {n_el} elements × {len(result.durations)} durations × "
        f"{len(result.policies)} policies; the worst {longest:g}-day single failures "
        f"(lost value vs no failure, {cur}, 95% interval; * = TTS < TTR):"
    )
    for p in result.policies:
        g = t[(t["policy"] == p) & (t["duration_days"] == longest)].nsmallest(top, "rank")
        print(f"  {p}:")
        for _, r in g.iterrows():
            tts = r["tts_days"]
            tts_s = f"TTS {tts:.0f} d" if math.isfinite(tts) else "no shortage"
            print(
                f"    {int(r['rank'])}. {r['element']}{' *' if r['at_risk'] else ''}: "
                f"{r['lost_value']:,.0f} [{r['lost_value_low']:,.0f}, {r['lost_value_high']:,.0f}]"
                f" · index {r['risk_exposure_index']:.2f} · {tts_s}"
            )
