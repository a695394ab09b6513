"""The engine benchmark of two checkouts side by side: which version is faster, and by how much.

    python benchmarks/bench_versions.py OLD_TREE NEW_TREE [--rounds 40] [--workers 3]

Each tree (a checkout of this repository, e.g. ``git worktree add /tmp/old <commit>``) gets
``--workers`` worker processes that import *its* ``simulator`` (``PYTHONPATH``, each worker with
its own hash seed, so no one memory layout decides). The workers are driven one at a time, in
turn and in alternating order; each round a worker times one replication of
``bench_engine``'s model and then the bare SimPy model of the same work, back to back. Printed
per tree: the medians of both, the ratio of the medians, and the median of the rounds' own
ratios (drifts least with the machine); then the new tree's model CPU over the old one's.

Run it from outside the checkouts (``python -m`` or a script inside one would import that one).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAYS = 3650


def worker() -> None:
    """Answer each line on stdin with the CPU seconds of ours and of the bare model."""
    sys.path.insert(0, str(HERE))
    import bench_engine as b  # this folder's; simulator comes from PYTHONPATH (the tree timed)

    import simulator
    from simulator.network.graph import Network

    sc = b.our_scenario(DAYS)
    net = Network(sc)
    policy = next(iter(sc.sourcing))
    simulator.run_replication(sc, policy, 10_000, network=net)
    b.bare_model(DAYS, 10_000)
    for k, _ in enumerate(sys.stdin):
        gc.collect()
        t0 = time.process_time()
        simulator.run_replication(sc, policy, k, network=net)
        t1 = time.process_time()
        b.bare_model(DAYS, k)
        t2 = time.process_time()
        print(f"{t1 - t0:.6f} {t2 - t1:.6f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path, help="checkout of the old version")
    ap.add_argument("new", type=Path, help="checkout of the new version")
    ap.add_argument("--rounds", type=int, default=40, help="rounds per worker (default 40)")
    ap.add_argument("--workers", type=int, default=3, help="workers per tree (default 3)")
    args = ap.parse_args()
    trees = [args.old.resolve(), args.new.resolve()]
    for t in trees:
        if not (t / "simulator" / "__init__.py").is_file():
            ap.error(f"{t} is not a checkout of this repository (no simulator/__init__.py)")
    if args.rounds < 1 or args.workers < 1:
        ap.error("--rounds and --workers must be at least 1")
    workers = []
    for i in range(args.workers):
        for t in trees:
            env = dict(os.environ, PYTHONPATH=str(t), PYTHONHASHSEED=str(i))
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker"]
            p = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
            )
            workers.append((t, p))
    times = {t: ([], []) for t in trees}
    for r in range(args.rounds):
        for t, p in workers if r % 2 == 0 else workers[::-1]:
            p.stdin.write("go\n")
            p.stdin.flush()
            ours, bare = map(float, p.stdout.readline().split())
            times[t][0].append(ours)
            times[t][1].append(bare)
    for _, p in workers:
        p.stdin.close()
        p.wait()
    years, w, r = DAYS // 365, args.workers, args.rounds
    print(f"{years} simulated years per run; {w} workers × {r} rounds per tree")
    print(f"{'tree':<28} {'model ms':>9} {'bare ms':>8} {'ratio':>6} {'rounds':>7}")
    for t in trees:
        ours, bare = times[t]
        mo, mb = statistics.median(ours), statistics.median(bare)
        paired = statistics.median(x / y for x, y in zip(ours, bare, strict=True))
        print(
            f"{str(t)[-28:]:<28} {mo * 1e3:>9.2f} {mb * 1e3:>8.2f} {mo / mb:>6.2f} {paired:>7.2f}"
        )
    old, new = (statistics.median(times[t][0]) for t in trees)
    print(f"new model CPU / old: {new / old:.3f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        main()
