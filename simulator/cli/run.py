"""``diversim run`` (simulate, then write the results folder) and ``diversim compare``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError
from . import options
from .exits import EXIT_INTERRUPTED


def add_commands(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run every policy of a scenario on common random numbers and write a results folder",
    )
    p.add_argument("scenario", metavar="SCENARIO.yaml")
    p.add_argument(
        "--replications",
        "-n",
        type=options.REPLICATIONS,
        help="replications per policy, >= 1 (default: the scenario's)",
    )
    p.add_argument("--seed", type=options.SEED, help="root seed >= 0 (default: the scenario's)")
    p.add_argument(
        "--out",
        type=options.out_path,
        help="results folder (default: results/<scenario name as a safe folder name>)",
    )
    p.add_argument("--jobs", "-j", type=options.JOBS, help="worker processes (default: all cores)")
    p.add_argument(
        "--policy",
        action="append",
        metavar="P",
        help="run only this policy (repeatable; default: all)",
    )
    p.add_argument(
        "--target-halfwidth",
        type=options.number(0, 1, open_low=True),
        metavar="H",
        help="add replications until the 95%% CI of the fill rate is ±H (fraction)",
    )
    p.add_argument(
        "--max-replications",
        type=options.REPLICATIONS,
        default=None,
        help="cap for --target-halfwidth (default 1000)",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="PATH=VALUE",
        help="override one scenario field for this run (repeatable), e.g. --set horizon_days=365",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing results folder (only a folder diversim wrote: it has a "
        "manifest.json)",
    )
    options.add_scenario_options(p)
    p.add_argument("--no-report", action="store_true", help="skip plots and the HTML report")
    p.add_argument(
        "--no-alternatives",
        action="store_true",
        help="skip the stock-only alternative (the baseline with more stock, to match the best "
        "policy's fill rate)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="side-by-side table of two or more results folders")
    p.add_argument("folders", nargs="+", type=Path, metavar="DIR")
    p.add_argument(
        "--out", type=options.out_path, help="folder for comparison.csv (default: results/compare)"
    )
    p.add_argument(
        "--figure",
        action="append",
        metavar="F",
        help="figures to compare (default: headline figures)",
    )
    p.set_defaults(func=cmd_compare)


def cmd_run(args: argparse.Namespace) -> int:
    from ..experiment.runner import run
    from ..output.locations import default_out
    from ..output.results_folder import check_writable, write_run

    sc = options.load_batch_scenario(args)
    out = args.out or default_out(sc.name)
    check_writable(out, args.force)
    n = args.replications or sc.replications
    print(
        f"running '{sc.name}': {len(args.policy or sc.sourcing)} policies × {n} replications "
        f"({sc.horizon_days} days each)",
        file=sys.stderr,
    )
    notes = []
    if args.max_replications is not None and args.target_halfwidth is None:
        notes.append("--max-replications is ignored without --target-halfwidth")
    try:
        result = run(
            sc,
            replications=args.replications,
            seed=args.seed,
            jobs=args.jobs,
            policies=args.policy,
            progress=not args.quiet,
            target_halfwidth=args.target_halfwidth,
            max_replications=args.max_replications or 1000,
            alternatives=not args.no_alternatives,
        )
        result.notes[:0] = notes
        folder = write_run(result, out, force=args.force, report=not args.no_report)
    except KeyboardInterrupt:
        print(f"interrupted: no results written ('{out}' left as it was)", file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED) from None
    show_run(result)
    print(f"results: {folder}/ ({result.n_replications} replications, {result.wall_seconds:.1f} s)")
    return 0


def show_run(result) -> None:
    """The decision table (a real table), the recommendation, the warnings, then the paired
    comparisons and the value of early warnings, on the terminal."""
    from ..experiment.runner import warning_lines
    from ..output.decision_view import print_decision

    rec = result.recommendation
    print_decision(
        result.decision_table(),
        {"policy": rec.policy, "reason": rec.reason, "meets_target": rec.meets_target},
        result.warnings(),
        result.baseline,
    )
    for line in result.verdict():
        if " vs " in line:
            print(line)
    for line in warning_lines(result.warning_value):
        print(line)


def cmd_compare(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analysis.figures import HEADLINE_FIGURES
    from ..output.compare import comparison_table, differences, load_comparison
    from ..output.files import write_atomic
    from ..output.render import write_comparison_plots

    if len(args.folders) < 2:
        raise UsageError("compare needs two or more results folders")
    allf = load_comparison(args.folders)
    figures = args.figure or HEADLINE_FIGURES
    unknown = [f for f in figures if f not in set(allf["figure"])]
    if unknown:
        raise UsageError(f"--figure: unknown figure(s) {', '.join(unknown)}")
    allf = allf[allf["figure"].isin(figures)]
    differ = differences(args.folders)
    if differ:
        print("warning: the runs differ, so their figures are not like for like:", file=sys.stderr)
        for line in differ:
            print(f"  {line}", file=sys.stderr)
    # The files first: a reader that stops early (`| head`) must not cost them.
    out = args.out or Path("results") / "compare"
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_atomic(
            out / "comparison.csv",
            allf[["run", "policy", "figure", "n", "mean", "sd", "se", "ci_low", "ci_high"]],
        ),
        *write_comparison_plots(allf, figures, out),
    ]
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.max_colwidth", 40
    ):
        print(comparison_table(allf).to_string())
    for path in written:
        print(f"written: {path}")
    return 0
