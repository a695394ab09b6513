"""Peak memory of a summary run against the number of replications.

    python benchmarks/bench_memory.py [SCENARIO.yaml] [--replications 8,64,256,1024] [--jobs 1]

Runs ``diversim run SCENARIO -n N -j JOBS --no-report --no-alternatives`` in a fresh process for
each N (into a temporary folder, removed afterwards) and prints its peak resident memory (the
parent's, the one that gathers every result; with ``--jobs`` above 1 the workers are separate
processes and not counted) and the growth per policy × replication against the smallest N.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_mib(cmd: list[str]) -> float:
    """Peak resident memory (MiB) of one child process running ``cmd``."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode()}")
    return usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "red_sea_crisis.yaml"))
    ap.add_argument("--replications", default="8,64,256,1024", help="comma-separated N")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    try:
        counts = sorted(int(n) for n in args.replications.split(","))
    except ValueError:
        ap.error("--replications: give comma-separated counts, e.g. 8,64,256")
    import simulator

    try:
        policies = len(simulator.load_scenario(args.scenario).sourcing)
    except simulator.ScenarioError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    if not counts or counts[0] < 1:
        ap.error("--replications: give positive counts, e.g. 8,64,256")
    print(f"scenario: {Path(args.scenario).name}; {policies} policies; --jobs {args.jobs}")
    print(f"{'N':>6} {'peak MiB':>9} {'KB per policy × replication':>28}")
    first = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in counts:
            cmd = [sys.executable, "-m", "simulator", "run", args.scenario, "-n", str(n)]
            cmd += ["-j", str(args.jobs), "--no-report", "--no-alternatives", "-q", "--force"]
            cmd += ["--out", str(Path(tmp) / f"n{n}")]
            mib = peak_mib(cmd)
            if first is None:
                first = (n, mib)
                per = ""
            else:
                per = f"{(mib - first[1]) * 1024 / ((n - first[0]) * policies):.2f}"
            print(f"{n:>6} {mib:>9.1f} {per:>28}", flush=True)


if __name__ == "__main__":
    main()
