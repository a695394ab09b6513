"""``diversim worst-case``: per policy, the most damaging disruption within a plausibility budget.

An adversarial search on common random numbers (:mod:`simulator.experiment.worst_case`): screen,
greedy, swap, then differential evolution over start and duration; seeded, resumable from the
output folder, local processes or Dask. Each scenario found is written as an ``extends:`` overlay.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .options import batch_output, batch_settings, load_batch_scenario, resumable
from .stress import add_failure_options, add_run_options


def add_commands(sub) -> None:
    p = sub.add_parser(
        "worst-case",
        help="search, per policy, for the worst disruption within a plausibility budget",
        description="Adversarial search for the failure of up to k elements together (start "
        "day, duration up to a cap; optionally only combinations at least min_probability "
        "likely under the scenario's own random disruptions) that loses the most value, per "
        "policy: screen every element, grow the set greedily, swap, then differential evolution "
        "over start and duration. Candidates are compared paired (common random numbers); the "
        "search is seeded. Writes the top scenarios as overlay files for diversim run.",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--budget",
        required=True,
        metavar="k=K,max_duration=D[,start=LOW:HIGH][,min_duration=D][,min_probability=P]",
        help="what may fail: k elements together, for up to max_duration days, starting in "
        "start=LOW:HIGH (default: after the warm-up), at least min_probability likely "
        "(default 0: any)",
    )
    add_failure_options(p)
    p.add_argument("--top", type=int, default=3, help="scenarios kept per policy (default 3)")
    p.add_argument(
        "--beam", type=int, default=6, help="elements tried when growing a set (default 6)"
    )
    p.add_argument("--starts", type=int, default=3, help="start days screened (default 3)")
    p.add_argument("--refine", type=int, default=1, help="sets whose timing is refined (default 1)")
    p.add_argument(
        "--generations", type=int, default=4, help="differential-evolution generations (default 4)"
    )
    p.add_argument(
        "--popsize",
        type=int,
        default=4,
        help="differential-evolution population factor (default 4)",
    )
    p.add_argument(
        "--search-seed", type=int, default=0, help="seed of the differential evolution (default 0)"
    )
    add_run_options(p, "worst-case")
    p.set_defaults(func=cmd_worst_case)


def cmd_worst_case(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from ..experiment.designs import parse_value
    from ..experiment.failures import parse_effect, parse_element_kinds
    from ..experiment.worst_case import SearchSettings, parse_budget, worst_case
    from ..output.worst_case_folder import write_worst_case

    sc = load_batch_scenario(args)
    budget = parse_budget(args.budget)
    for name in ("top", "beam", "starts", "refine", "generations", "popsize"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name} must be at least 1")
    settings = SearchSettings(
        starts=args.starts,
        beam=args.beam,
        refine=args.refine,
        popsize=args.popsize,
        generations=args.generations,
        search_seed=args.search_seed,
    )
    out = batch_output(args, sc, "-worst-case")
    with resumable(out, "candidates"):
        result = worst_case(
            sc,
            budget,
            parse_element_kinds(args.elements),
            effect=parse_effect(args.effect),
            keep_disruptions=args.keep_disruptions,
            top=args.top,
            settings=settings,
            **batch_settings(args, out),
        )
        overrides = {}
        for opt in args.set or ():
            path, _, value = opt.partition("=")
            overrides[path.strip()] = parse_value(value)
        write_worst_case(result, out, Path(args.scenario), overrides, report=not args.no_report)
    cur = sc.currency
    print(
        f"worst cases found ({len(result.evaluations)} candidates evaluated; lost value vs no "
        f"failure, {cur}, 95% interval):"
    )
    for p in result.policies:
        print(f"  {p}:")
        for _, r in result.top[result.top["policy"] == p].iterrows():
            print(
                f"    {int(r['rank'])}. {r['elements']} from day {r['start_day']:g} for "
                f"{r['duration_days']:g} days: {r['lost_value']:,.0f} "
                f"[{r['lost_value_low']:,.0f}, {r['lost_value_high']:,.0f}]"
                f" · plausibility {r['probability']:.3g}"
            )
    print(f"overlays: {out}/overlays/ (run one with diversim run FILE)")
    print(
        f"results: {out}/ ({result.computed} candidates computed now, {result.wall_seconds:.1f} s)"
    )
    return 0
