"""The route map is right by default: sea lanes stay at sea for every shipped scenario, a node
without coordinates is placed between its neighbours (and validate warns), rings mark only
what a disruption physically hits, labels are readable and never overlap."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from simulator import load_scenario
from simulator.cli import main
from simulator.output import route_map as rm

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
RED_SEA = next(p for p in SCENARIOS if p.stem == "red_sea_crisis")


def _deep_inland(line: np.ndarray, step: float = 0.25, coast: float = 1.5) -> np.ndarray:
    """Points along a drawn line (densified to ``step`` degrees) that are on land and more than
    ``coast`` degrees from every vertex of the 1:110m outline: the outline is coarse, so a lane
    hugging a coast or a canal may graze it, but a line across a continent goes deep inland."""
    pts = []
    for a, b in itertools.pairwise(line):
        n = max(2, int(np.hypot(*(b - a)) / step) + 1)
        pts.append(np.linspace(a, b, n))
    pts = np.vstack(pts)
    rings = rm.land_rings()
    on_land = np.zeros(len(pts), dtype=bool)
    for r in rings:
        on_land |= MplPath(r).contains_points(pts)
    land = pts[on_land]
    if not len(land):
        return land
    verts = np.vstack(rings)
    far = np.array([np.hypot(*(verts - p).T).min() > coast for p in land])
    return land[far]


def test_the_land_check_catches_a_line_across_a_continent():
    # Rotterdam → Cape of Good Hope as a great circle crosses West Africa.
    gc = rm.great_circle((4.44, 51.9), (18.47, -34.36))
    assert len(_deep_inland(gc)) > 20


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_sea_legs_of_shipped_scenarios_stay_at_sea(path):
    sc = load_scenario(path)
    placed, _, _ = rm.node_positions(sc)
    checked = 0
    for lid, leg in sc.legs.items():
        if leg.mode != "sea" or leg.from_node not in placed or leg.to_node not in placed:
            continue
        line, how = rm.leg_path("sea", placed[leg.from_node], placed[leg.to_node])
        assert how == "sea lane", lid  # searoute is a base dependency
        for part in rm.split_antimeridian(line):
            inland = _deep_inland(part)
            assert not len(inland), f"{path.stem}: {lid} crosses land at {inland[:3].round(1)}"
        checked += 1
    assert checked > 0


def test_a_node_without_coordinates_sits_between_its_neighbours():
    sc = load_scenario(RED_SEA)
    assert sc.nodes["kapikule"].lat is None
    placed, inferred, missing = rm.node_positions(sc)
    assert inferred == {"kapikule"} and missing == []
    bursa, plant = sc.nodes["tr_bursa"], sc.nodes["plant_duisburg"]
    np.testing.assert_allclose(
        placed["kapikule"], ((bursa.lon + plant.lon) / 2, (bursa.lat + plant.lat) / 2)
    )


def test_validate_warns_about_a_node_without_coordinates(capsys):
    assert main(["validate", str(RED_SEA)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "nodes.kapikule" in err and "add lat" in err
    assert "red_sea_crisis.yaml:" in err  # with its file and line


def test_rings_only_on_what_a_disruption_physically_hits():
    t = rm.disruption_targets(load_scenario(RED_SEA))
    # The closure rings its strait; the freight surge (cost only, on every sea leg) rings
    # nothing and is listed instead.
    assert t.scheduled_nodes == {"bab_el_mandeb"} and t.scheduled_legs == frozenset()
    assert set(t.not_marked) == {"asia_europe_freight_surge"}
    assert "cost ×3" in t.not_marked["asia_europe_freight_surge"]
    assert "asia_europe_freight_surge" in t.hits["suez_rtm"]


def test_readable_labels():
    sc = load_scenario(RED_SEA)
    assert sc.label_of("yantian") == "Yantian"  # the name up to its bracket
    assert sc.label_of("cn_chongqing") == "cn chongqing"  # name too long: the id, spaced
    labelled = sc.model_copy(
        update={
            "nodes": {**sc.nodes, "yantian": sc.nodes["yantian"].model_copy(update={"label": "YT"})}
        }
    )
    assert labelled.label_of("yantian") == "YT"


@pytest.fixture(scope="module")
def red_sea_map():
    import pandas as pd

    from simulator.output.loading import ResultsData

    sc = load_scenario(RED_SEA)
    empty = pd.DataFrame()
    tables = ("summary", "replications", "episodes", "paired", "timeseries", "leg_flows")
    data = ResultsData(
        folder=Path("."),
        **dict.fromkeys(tables, empty),
        decision=empty,
        warning_value=empty,
        scenario=sc,
        scenario_text="",
        manifest={},
        verdict=[],
        policies=list(sc.sourcing)[:2],
    )
    return rm.route_map(data)


def test_labels_never_overlap_each_other_or_a_node(red_sea_map):
    fig = red_sea_map
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = [t for t in ax.texts if t.get_gid()]
        if not labels:
            continue
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), (labels[boxes.index(a)].get_text(), b)
        nodes = [c for c in ax.collections if (c.get_gid() or "").startswith("node:")]
        for t, box in zip(labels, boxes, strict=True):
            for c in nodes:
                if c.get_gid() == f"node:{t.get_gid()}":
                    continue
                ((x, y),) = ax.transData.transform(c.get_offsets())
                assert not box.contains(x, y), (t.get_text(), c.get_gid())
