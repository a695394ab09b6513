"""Count what ``diversim`` does with many hostile scenario files (a release check).

Generates ``--files`` mutated shipped scenarios (tests/scenario/fuzzing.py: deleted keys, wrong
types, bad numbers, unknown ids, odd names, duplicate keys, alias bombs, tags, deep nesting,
``extends`` escapes and cycles, garbage bytes), runs ``diversim validate`` on each in a forked
child with a memory cap and a time limit, and a one-month run of every file it accepts. Prints a
count per outcome and keeps every bad file (traceback, hang, crash, run failure, a write outside
the results folder) in ``--keep`` with a line saying what happened::

    python benchmarks/fuzz_scenarios.py --files 3000 --timeout 10 --keep /tmp/fuzz-bad
    python benchmarks/fuzz_scenarios.py --files 200 --seed 7 --no-run    # validate only
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scenario"))

import fuzzing
from hypothesis import HealthCheck, Phase, given, seed, settings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000, help="mutated files to try (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per validate (default 10)")
    ap.add_argument("--run-timeout", type=float, default=60.0, help="seconds per short run")
    ap.add_argument("--no-run", action="store_true", help="validate only")
    ap.add_argument("--keep", type=Path, help="folder for the files that went wrong")
    ap.add_argument("--json", type=Path, help="write the counts here as JSON")
    args = ap.parse_args()

    import simulator.cli
    import simulator.experiment.runner
    import simulator.output.results_folder  # noqa: F401

    counts: collections.Counter[str] = collections.Counter()
    slowest = [0.0]
    started = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)

    @seed(args.seed)
    @settings(
        max_examples=args.files,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzzing.cases())
    def one(case: fuzzing.Case) -> None:
        out = fuzzing.check(
            case, timeout=args.timeout, run_timeout=args.run_timeout, run=not args.no_run
        )
        counts[out.kind] += 1
        slowest[0] = max(slowest[0], out.seconds)
        n = sum(counts.values())
        if out.bad and args.keep:
            folder = args.keep / f"case-{n:05d}-{out.kind}"
            fuzzing.write_case(case, folder)
            (folder / "WHAT.txt").write_text(
                f"{out.kind}: {out.detail}\nmutations: {case.label}\n", encoding="utf-8"
            )
        if n % 100 == 0:
            print(f"{n} files: {dict(counts)}", file=sys.stderr, flush=True)

    one()
    total = sum(counts.values())
    summary = {
        "files": total,
        "counts": dict(counts),
        "slowest_validate_seconds": round(slowest[0], 2),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "seed": args.seed,
        "timeout": args.timeout,
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
