"""Engine speed against a bare, hand-written SimPy model of the same work, in one process.

    python benchmarks/bench_engine.py [--years 10] [--rounds 7]

The work: one supplier, one site, daily Poisson(20) demand, an (s, S) = (210, 350) policy in
units reviewed daily, backorders, and an integer lead time of 4..8 days in this project's timing
(review at the start of the day, demand at d + 0.5, receipts at the start of a day) — which is
5..9 days in the bare model's timing (demand first, then the review, receipts the next morning).
Both run ``--years`` × 365 days; they are alternated ``--rounds`` times after one warm-up each
and the medians of CPU seconds per simulated year are printed with their ratio (and the median
of the rounds' own ratios, which drifts less with the machine's speed), and the fill rates, so
that nobody wins by doing less work.

Round k runs replication k of ours and seed k of the bare model, so both fill rates are means
over the same number of independent runs. Also printed: the events per simulated day of ours, the
CPU of one default replication of ``scenarios/red_sea_crisis.yaml`` (all policies) and the
start-up time of ``python -c "import simulator"`` and ``diversim --help``.

``--scaling`` adds how the cost grows: CPU per run at 1× and 10× the horizon, and at 1×1 and
20 suppliers × 10 sites (every site splits its orders equally over every supplier), each as a
ratio of medians of alternating rounds — linear is 10× and 200×.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import simpy

import simulator
from simulator.network.graph import Network

ROOT = Path(__file__).resolve().parents[1]
S_LOW, S_HIGH, MEAN = 210, 350, 20


def bare_model(days: int, seed: int) -> float:
    """The hand-written SimPy model: returns its fill rate."""
    rng = np.random.default_rng(seed)
    demand = rng.poisson(MEAN, days)
    leads = rng.integers(5, 10, days)  # 5..9 in review-after-demand timing
    env = simpy.Environment()
    state = {"on_hand": S_HIGH, "backlog": 0, "on_order": 0, "met": 0, "asked": 0}

    def deliver(env, qty, lead):
        yield env.timeout(lead)
        state["on_hand"] += qty
        state["on_order"] -= qty

    def days_loop(env):
        timeout = env.timeout
        for d in range(days):
            # Receipts of the morning have arrived (their processes ran before this one).
            oh = state["on_hand"]
            if state["backlog"]:
                served = min(oh, state["backlog"])
                state["backlog"] -= served
                oh -= served
            q = int(demand[d])
            met = q if q <= oh else oh
            state["on_hand"] = oh - met
            state["backlog"] += q - met
            state["met"] += met
            state["asked"] += q
            position = state["on_hand"] + state["on_order"] - state["backlog"]
            if position <= S_LOW:
                qty = S_HIGH - position
                state["on_order"] += qty
                env.process(deliver(env, qty, int(leads[d])))
            yield timeout(1)

    env.process(days_loop(env))
    env.run(until=days)
    return state["met"] / state["asked"]


def our_scenario(days: int) -> simulator.Scenario:
    return simulator.scenario_from_dict(
        {
            "name": "bench_engine",
            "horizon_days": days,
            "nodes": {
                "S": {
                    "kind": "supplier",
                    "country": "CN",
                    "lead_time_days": {"dist": "empirical", "values": [4, 5, 6, 7, 8]},
                },
                "D": {
                    "kind": "site",
                    "country": "DE",
                    "demand": {"kind": "daily", "quantity": {"dist": "poisson", "mean": MEAN}},
                    "inventory": {
                        "kind": "s_S",
                        "reorder_point": S_LOW,
                        "order_up_to": S_HIGH,
                        "review_period_days": 1,
                    },
                },
            },
            "legs": {"S_D": {"from": "S", "to": "D", "mode": "road", "transit_days": 0}},
            "sourcing": {"single": {"kind": "single", "supplier": "S"}},
        }
    )


def cpu(fn, *args) -> tuple[float, object]:
    gc.collect()
    t0 = time.process_time()
    out = fn(*args)
    return time.process_time() - t0, out


def grid_scenario(days: int, suppliers: int, sites: int) -> simulator.Scenario:
    """The model above with ``suppliers`` × ``sites``: each site splits equally over all."""
    base = our_scenario(days)
    raw = {
        "name": "bench_grid",
        "horizon_days": days,
        "nodes": {},
        "legs": {},
        "sourcing": {
            "split": {"kind": "split", "shares": {f"S{i}": 1 / suppliers for i in range(suppliers)}}
        },
    }
    s_node = base.nodes["S"].model_dump(mode="json", by_alias=True, exclude_none=True)
    d_node = base.nodes["D"].model_dump(mode="json", by_alias=True, exclude_none=True)
    for i in range(suppliers):
        raw["nodes"][f"S{i}"] = s_node
    for j in range(sites):
        raw["nodes"][f"D{j}"] = d_node
        for i in range(suppliers):
            raw["legs"][f"S{i}_D{j}"] = {
                "from": f"S{i}",
                "to": f"D{j}",
                "mode": "road",
                "transit_days": 0,
            }
    return simulator.scenario_from_dict(raw)


def ours(sc, net, replication: int = 0) -> float:
    r = simulator.run_replication(sc, next(iter(sc.sourcing)), replication, network=net)
    met = sum(a["met"].sum() for a in r.sites.values())
    return float(met / sum(a["demand"].sum() for a in r.sites.values())), r.events


def ratio_of_medians(a, b, rounds: int) -> float:
    """Median CPU of ``a()`` over median CPU of ``b()``, alternated ``rounds`` times."""
    a(), b()
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(cpu(a)[0])
        tb.append(cpu(b)[0])
    return statistics.median(ta) / statistics.median(tb)


def scaling(rounds: int) -> None:
    """Print how the CPU grows with the horizon and with suppliers × sites."""
    small, long = grid_scenario(730, 1, 1), grid_scenario(7300, 1, 1)
    wide = grid_scenario(730, 20, 10)
    nets = {id(sc): Network(sc) for sc in (small, long, wide)}

    def run(sc):
        return lambda: ours(sc, nets[id(sc)])

    h = ratio_of_medians(run(long), run(small), rounds)
    g = ratio_of_medians(run(wide), run(small), max(3, rounds // 2))
    print(f"horizon 7300 d / 730 d: {h:.1f}× the CPU (linear: 10×)")
    print(f"20 suppliers × 10 sites / 1 × 1 (730 d): {g:.0f}× the CPU (linear: 200×)\n")


def startup(cmd: list[str], rounds: int = 5) -> float:
    """Median wall seconds of a fresh process running ``cmd``."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=10, help="simulated years per run (default 10)")
    ap.add_argument("--rounds", type=int, default=7, help="alternating rounds (default 7)")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    ap.add_argument(
        "--scaling", action="store_true", help="also time 10× the horizon and 20×10 suppliers×sites"
    )
    args = ap.parse_args()
    days = 365 * args.years
    sc = our_scenario(days)
    net = Network(sc)
    ours(sc, net), bare_model(days, 0)  # warm-up
    mine, bare, fr_mine, fr_bare, events = [], [], [], [], []
    for k in range(args.rounds):
        s, (fr, ev) = cpu(ours, sc, net, k)
        mine.append(s / args.years)
        fr_mine.append(fr)
        events.append(ev / days)
        s, fr = cpu(bare_model, days, k)
        bare.append(s / args.years)
        fr_bare.append(fr)
    m, b = statistics.median(mine), statistics.median(bare)
    print(f"Python {platform.python_version()}, SimPy {simpy.__version__}, {platform.machine()}")
    print(f"{args.years} simulated years per run, median of {args.rounds} alternating rounds\n")
    print(f"{'model':<26} {'CPU s / year':>13} {'fill rate':>10}")
    print(f"{'diversim':<26} {m:>13.5f} {statistics.mean(fr_mine):>10.5f}")
    print(f"{'bare SimPy (hand-written)':<26} {b:>13.5f} {statistics.mean(fr_bare):>10.5f}")
    print(f"{'ratio diversim / bare':<26} {m / b:>13.2f}")
    # Each round's two runs are back to back, so their quotient drifts less with the machine.
    paired = statistics.median(x / y for x, y in zip(mine, bare, strict=True))
    print(f"{'  median of round ratios':<26} {paired:>13.2f}")
    print(f"diversim events per simulated day: {statistics.median(events):.2f}\n")

    if args.scaling:
        scaling(args.rounds)

    red = simulator.load_scenario(ROOT / "scenarios" / "red_sea_crisis.yaml")
    rnet = Network(red)

    def red_sea_all():
        for p in red.sourcing:
            simulator.run_replication(red, p, network=rnet)

    red_sea_all()
    reds = [cpu(red_sea_all)[0] for _ in range(3)]
    print(
        f"red_sea_crisis, one replication of all {len(red.sourcing)} policies: "
        f"{statistics.median(reds):.3f} CPU s (median of 3)"
    )
    if not args.no_startup:
        py = sys.executable
        imp = startup([py, "-c", "import simulator"])
        helpcmd = startup([py, "-m", "simulator", "--help"])
        print(
            f"start-up: import simulator {imp:.3f} s, diversim --help {helpcmd:.3f} s "
            "(median wall of 5 fresh processes)"
        )


if __name__ == "__main__":
    main()
