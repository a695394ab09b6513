"""``diversim stress``: the n−1 stress test — every element fails alone, per duration and policy.

Runs on the sweep machinery (:mod:`simulator.experiment.stress`): common random numbers across
every case, local processes or Dask, resumable from the output folder, a progress bar.
"""

from __future__ import annotations

import argparse
import math
import sys

from .options import add_batch_options, batch_output, batch_settings, load_batch_scenario, resumable


def add_run_options(p, what: str) -> None:
    """The options every weak-point command shares (replications, seed, executors, output,
    overrides): the batch options of :mod:`.options`, with their checked values."""
    add_batch_options(p, what, "results")


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


def cmd_stress(args: argparse.Namespace) -> int:
    from ..experiment.failures import parse_effect, parse_element_kinds
    from ..experiment.stress import parse_durations, stress_test
    from ..output.stress_folder import write_stress

    sc = load_batch_scenario(args)
    kinds = parse_element_kinds(args.elements)
    durations = parse_durations(args.duration)
    effect = parse_effect(args.effect)
    out = batch_output(args, sc, "-stress")
    with resumable(out, "cases"):
        result = stress_test(
            sc,
            kinds,
            durations=durations,
            effect=effect,
            start_day=args.start_day,
            random_starts=args.random_starts,
            keep_disruptions=args.keep_disruptions,
            **batch_settings(args, out),
        )
        write_stress(result, out, report=not args.no_report)
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
