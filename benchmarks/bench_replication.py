"""Speed of one replication, next to raw SimPy on the same machine in the same run.

    python benchmarks/bench_replication.py [SCENARIO.yaml] [--policy P] [--replication I]
                                           [--rounds R] [--raw-events N]

Times one replication of a shipped scenario (default ``scenarios/red_sea_crisis.yaml``, its first
policy) and a bare SimPy loop of ``env.timeout`` events, alternating the two ``--rounds`` times,
and prints the median of each: the model's events per second (``ReplicationResult.events`` ÷
seconds), raw SimPy timeouts per second, and their ratio. The ratio is the part to compare
across machines and versions: it says what fraction of bare-SimPy speed the model keeps.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import time
from pathlib import Path

import simpy

import simulator
from simulator.network.graph import Network

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "red_sea_crisis.yaml"


def time_replication(sc, policy: str, rep: int, net: Network) -> tuple[int, float]:
    """(events, seconds) of one replication; the network is built once, as the runner does."""
    gc.collect()
    t0 = time.perf_counter()
    res = simulator.run_replication(sc, policy, replication=rep, network=net)
    return res.events, time.perf_counter() - t0


def time_raw_simpy(n: int) -> tuple[int, float]:
    """(events, seconds) of one process yielding ``n`` timeouts: SimPy's floor per event."""

    def loop(env: simpy.Environment):
        timeout = env.timeout
        for _ in range(n):
            yield timeout(1.0)

    gc.collect()
    t0 = time.perf_counter()
    env = simpy.Environment()
    env.process(loop(env))
    env.run()
    seconds = time.perf_counter() - t0
    return next(env._eid), seconds  # same counter as ReplicationResult.events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(DEFAULT))
    ap.add_argument("--policy", help="sourcing policy (default: the scenario's first)")
    ap.add_argument("--replication", type=int, default=0, help="replication index (default 0)")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved repetitions (default 7)")
    ap.add_argument(
        "--raw-events",
        type=int,
        default=300_000,
        help="timeouts in the raw SimPy loop (default 300000; at least the model's count)",
    )
    args = ap.parse_args()

    sc = simulator.load_scenario(args.scenario)
    policy = args.policy or next(iter(sc.sourcing))
    if policy not in sc.sourcing:
        ap.error(f"unknown policy '{policy}'; the scenario has {', '.join(sc.sourcing)}")
    net = Network(sc)

    # Warm up both (imports, route cache, allocator) before anything is timed.
    events, _ = time_replication(sc, policy, args.replication, net)
    n_raw = max(args.raw_events, events)
    time_raw_simpy(min(n_raw, 10_000))

    model_s: list[float] = []
    raw_rate: list[float] = []
    raw_events = 0
    for _ in range(args.rounds):
        ev, s = time_replication(sc, policy, args.replication, net)
        assert ev == events, "a replication must be deterministic"
        model_s.append(s)
        raw_events, rs = time_raw_simpy(n_raw)
        raw_rate.append(raw_events / rs)

    sec = statistics.median(model_s)
    model_rate = events / sec
    raw = statistics.median(raw_rate)
    print(
        f"scenario {sc.name} ({args.scenario}), policy {policy}, replication {args.replication}, "
        f"{sc.horizon_days} days"
    )
    print(
        f"Python {platform.python_version()}, SimPy {simpy.__version__}; median of "
        f"{args.rounds} interleaved rounds"
    )
    print()
    print(f"{'measurement':<24} {'events':>10} {'seconds':>10} {'events/s':>12}")
    print(f"{'model replication':<24} {events:>10,} {sec:>10.4f} {model_rate:>12,.0f}")
    print(f"{'raw SimPy timeouts':<24} {raw_events:>10,} {raw_events / raw:>10.4f} {raw:>12,.0f}")
    print(f"{'ratio model / raw':<24} {'':>10} {'':>10} {model_rate / raw:>12.3f}")
    print()
    print(
        f"one replication: {sec * 1000:.1f} ms (min {min(model_s) * 1000:.1f}, "
        f"max {max(model_s) * 1000:.1f}); ≈ {1 / sec:.1f} replications/s on one core"
    )


if __name__ == "__main__":
    main()
