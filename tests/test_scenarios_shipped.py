"""The scenarios shipped in ``scenarios/``: they validate, conserve units, and tell the truths a
planner expects.

Each scenario is loaded with a shorter horizon (the disruptions of interest still fall inside it)
and two or three replications of every policy are run. Policy comparisons are *paired*: the same
replication index means the same demand and the same disruption calendar (common random numbers),
so a directional claim is checked replication by replication, not only on average.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.cli import main as cli_main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
REPS = 3

# Shorter horizons for the tests: each keeps the scenario's disruption(s) and the late wave they
# cause inside the simulated time.
HORIZON = {
    "china_europe_rail_cut": 300,
    "china_plus_one": 400,
    "export_ban": 320,
    "hidden_concentration": 300,
    "red_sea_crisis": 330,
    "shanghai_lockdown_2022": 230,
    "suez_blockage_2021": 230,
    "typhoon_season": 400,
}

EXPECTED = {
    "china_europe_rail_cut",
    "china_plus_one",
    "export_ban",
    "hidden_concentration",
    "red_sea_crisis",
    "shanghai_lockdown_2022",
    "suez_blockage_2021",
    "typhoon_season",
}


@cache
def scenario(name: str) -> simulator.Scenario:
    return simulator.load_scenario(
        SCENARIOS / f"{name}.yaml",
        overrides={"horizon_days": HORIZON[name], "replications": 2},
    )


@cache
def result(name: str, policy: str, rep: int) -> simulator.ReplicationResult:
    return simulator.run_replication(scenario(name), policy, replication=rep)


def fill(res: simulator.ReplicationResult, start: int | None = None) -> float:
    """Units met on the day ÷ units demanded, from ``start`` (default: warm-up) to the horizon."""
    s = res.warmup_days if start is None else start
    met = sum(a["met"][s:].sum() for a in res.sites.values())
    demand = sum(a["demand"][s:].sum() for a in res.sites.values())
    return float(met / demand)


def fills(name: str, policy: str, start: int | None = None) -> np.ndarray:
    return np.array([fill(result(name, policy, r), start) for r in range(REPS)])


# --------------------------------------------------------------------------- every file


def test_the_library_is_complete():
    assert {p.stem for p in SHIPPED} == EXPECTED


def test_every_file_validates():
    assert cli_main(["validate", *map(str, SHIPPED)]) == 0


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_file_shape(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "each file opens with a header comment"
    assert "QUESTION" in text
    sc = simulator.load_scenario(path)
    assert sc.name == path.stem
    # A single-source baseline against at least two diversified policies.
    kinds = [p.kind for p in sc.sourcing.values()]
    assert sc.sourcing[sc.baseline_policy].kind == "single"
    assert sum(k != "single" for k in kinds) >= 2
    assert len(sc.disruptions) >= 1
    assert sc.warmup_days < HORIZON[sc.name] <= sc.horizon_days


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_balances_and_common_random_numbers(name: str):
    sc = scenario(name)
    for rep in range(REPS):
        base = result(name, sc.baseline_policy, rep)
        for policy in sc.sourcing:
            res = result(name, policy, rep)
            b = res.balance
            in_flight = b["received"] + b["in_transit"] + b["at_suppliers"]
            assert b["ordered"] == pytest.approx(in_flight + b["destroyed_in_transit"], abs=1e-6)
            for site, a in res.sites.items():
                assert (a["met"] <= a["demand"] + 1e-9).all()
                assert (a["on_hand_end"] >= 0).all()
                # Same replication, same demand and same disruptions, whatever the policy.
                np.testing.assert_array_equal(a["demand"], base.sites[site]["demand"])
            assert [(e.disruption, e.start, e.end) for e in res.episodes] == [
                (e.disruption, e.start, e.end) for e in base.episodes
            ]


# --------------------------------------------------------------------------- directional truths


def test_red_sea_diversified_beats_single_sea_source():
    """Ships at sea turn round for the Cape at once, so the single source loses service only in
    the weeks the detour adds (not for the whole closure); a share on a route that avoids the
    strait keeps it, replication by replication."""
    single = fills("red_sea_crisis", "single_cn_sea")
    assert single.min() < 0.99, "the crisis must cost the single sea source service"
    for policy in ("split_sea_rail", "split_cn_tr", "adaptive_cn_vn_tr"):
        diversified = fills("red_sea_crisis", policy)
        assert (diversified >= single).all() and diversified.mean() > single.mean(), policy


def test_red_sea_contingent_sourcing_needs_a_delay_trigger():
    """The Cape keeps China's path open, only slower: a closure-only backup never switches, one
    with a delay trigger does, and serves better on the same random numbers."""
    closure_only = fills("red_sea_crisis", "backup_tr")
    np.testing.assert_array_equal(closure_only, fills("red_sea_crisis", "single_cn_sea"))
    triggered = fills("red_sea_crisis", "backup_tr_on_delay")
    assert (triggered >= closure_only).all() and triggered.mean() > closure_only.mean()


def test_red_sea_ships_go_round_the_cape():
    closed_from = 136
    for rep in range(REPS):
        sf = result("red_sea_crisis", "single_cn_sea", rep).shipment_frame()
        late = sf[sf.dispatched_at > closed_from]
        assert len(late) > 0
        assert all("cape_good_hope" in c for c in late.chokepoints)
        assert not any("bab_el_mandeb" in c for c in late.chokepoints)


def test_suez_only_non_canal_routes_soften_the_blockage():
    single = fills("suez_blockage_2021", "single_cn_sea")
    assert single.min() < 1.0
    rail = fills("suez_blockage_2021", "split_sea_rail")
    turkey = fills("suez_blockage_2021", "split_cn_tr")
    vietnam = fills("suez_blockage_2021", "split_cn_vn")
    assert (rail >= single).all() and (turkey >= single).all()
    # Vietnam ships through the same canal: it buys less than a route that avoids it.
    assert (vietnam - single).mean() < (turkey - single).mean()


def test_rail_cut_second_chinese_rail_source_does_not_help():
    single = fills("china_europe_rail_cut", "single_cn_rail")
    xian = fills("china_europe_rail_cut", "split_cq_xian")
    turkey = fills("china_europe_rail_cut", "split_cn_tr_half")
    assert single.max() < 0.95
    assert (xian <= single + 0.03).all()
    assert (turkey > single + 0.1).all()


def test_shanghai_lockdown_any_second_port_or_country_helps():
    single = fills("shanghai_lockdown_2022", "single_shanghai")
    assert single.max() < 0.95
    for policy in ("split_sha_ningbo", "split_cn_vn", "split_three"):
        assert (fills("shanghai_lockdown_2022", policy) > single).all(), policy


def test_export_ban_splitting_inside_the_banned_country_does_not_help():
    single = fills("export_ban", "single_cn")
    inside = fills("export_ban", "split_cn_cn")
    assert single.max() < 0.95
    assert (inside <= single + 0.01).all()
    for policy in ("adaptive_cn_vn_in", "backup_vn_in"):
        assert (fills("export_ban", policy) > single + 0.1).all(), policy
    # The ban stops every Chinese node: nothing leaves China while it lasts.
    for rep in range(REPS):
        sf = result("export_ban", "split_cn_cn", rep).shipment_frame()
        assert not ((sf.dispatched_at > 150) & (sf.dispatched_at < 270)).any()


def test_hidden_concentration_all_routes_through_one_chokepoint():
    before = 150
    for policy in ("single_cn", "split_cn_in"):
        for rep in range(REPS):
            sf = result("hidden_concentration", policy, rep).shipment_frame()
            sf = sf[sf.arrived_at < before]
            assert len(sf) > 0
            assert all("bab_el_mandeb" in c for c in sf.chokepoints), policy
    sf = result("hidden_concentration", "split_cn_in", 0).shipment_frame()
    assert set(sf.supplier) == {"cn_shenzhen", "in_pune"}  # two countries on paper
    sf = result("hidden_concentration", "split_cn_tr", 0).shipment_frame()
    assert (sf.chokepoints.map(len) == 0).any()  # the Turkish share passes no chokepoint

    single = fills("hidden_concentration", "single_cn")
    paper = fills("hidden_concentration", "split_cn_in")
    real = fills("hidden_concentration", "split_cn_tr")
    assert (real >= paper).all()
    # The second country buys much less than the route that avoids the strait (its ships turn
    # round for the Cape like China's).
    assert (paper - single).mean() < 0.75 * (real - single).mean()


def test_hidden_concentration_shows_in_the_chokepoint_hhi():
    """Before the strait closes, China + India halves the country HHI but the chokepoint HHI of
    the 'diversified' policy stays 1 (every unit through the same straits); Türkiye lowers it."""
    from simulator.analysis.metrics import replication_figures

    sc = simulator.load_scenario(
        SCENARIOS / "hidden_concentration.yaml", overrides={"horizon_days": 150}
    )
    for rep in range(REPS):
        paper = replication_figures(simulator.run_replication(sc, "split_cn_in", rep), sc)
        real = replication_figures(simulator.run_replication(sc, "split_cn_tr", rep), sc)
        assert paper["hhi_country"] == pytest.approx(0.5, abs=0.02)
        assert paper["hhi_chokepoint"] == 1.0 and paper["chokepoint_exposure"] == 1.0
        assert real["hhi_chokepoint"] < 0.7 and real["chokepoint_exposure"] < 0.8


def test_typhoon_season_splits_soften_the_closures():
    single = fills("typhoon_season", "single_prd")
    assert single.max() < 1.0
    for policy in ("split_prd_vn", "adaptive_prd_vn"):
        assert (fills("typhoon_season", policy) >= single).all(), policy


def test_china_plus_one_adaptive_beats_single_on_average():
    single = fills("china_plus_one", "single_cn")
    adaptive = fills("china_plus_one", "adaptive_plus_two")
    assert adaptive.mean() >= single.mean()
