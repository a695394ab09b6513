"""The route map: offline (sockets blocked), sea lanes with searoute or great circles without,
nodes without coordinates skipped with a note, disruption targets resolved."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from simulator.output import route_map as rm
from simulator.output.style import figure_bytes, mpl_text


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _leg_lines(fig) -> dict[str, list]:
    out: dict[str, list] = {}
    for ax in fig.axes:
        for ln in ax.get_lines():
            gid = ln.get_gid() or ""
            if gid.startswith("leg:"):
                out.setdefault(gid[4:], []).append(ln)
    return out


def test_land_outline_is_small_and_sane():
    assert rm.LAND_FILE.stat().st_size < 300_000
    data = json.loads(rm.LAND_FILE.read_text())
    assert "Natural Earth" in data["source"]
    rings = rm.land_rings()
    assert len(rings) > 100
    pts = np.vstack(rings)
    assert pts[:, 0].min() >= -180 and pts[:, 0].max() <= 180
    assert pts[:, 1].min() >= -90 and pts[:, 1].max() <= 90


def test_map_renders_offline_with_one_panel_per_policy(data, names, no_network):
    rm.sea_lane.cache_clear()
    fig = rm.route_map(data)
    png = figure_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "single (baseline)",
        mpl_text(names["policy"]),
        "backup",
    ]
    assert all(any(c.get_gid() == "land" for c in ax.collections) for ax in panels)
    # Every leg is drawn in every panel, the legs of the node without coordinates too (through
    # its neighbours), and the note says whose position was inferred.
    lines = _leg_lines(fig)
    assert set(lines) == {
        "cn_port",
        "vn_port",
        "cn_suez",
        "vn_suez",
        "cn_cape",
        "vn_cape",
        "suez_rtm",
        "cape_rtm",
        "rtm_hub",
        "hub_dc",
    }
    assert all(len(v) == 3 for v in lines.values())
    note = next(
        t.get_text()
        for t in fig.findobj()
        if getattr(t, "get_gid", None) and t.get_gid() == "map-notes"
    )
    assert "Position inferred" in note and data.scenario.label_of(names["no_coords"]) in note
    assert "Natural Earth" in note


def test_width_follows_each_policys_share_of_flow(data):
    fig = rm.route_map(data)
    lines = _leg_lines(fig)
    # 'single' orders only from cn: the vn legs are unused (thin, dotted) in its panel.
    single, split = 0, 1
    assert lines["vn_port"][single].get_linestyle() != "-"
    assert lines["vn_port"][split].get_linestyle() == "-"
    assert lines["cn_port"][single].get_linewidth() > lines["vn_port"][single].get_linewidth()


def test_sea_legs_follow_sea_lanes_when_searoute_is_installed(data, no_network):
    pytest.importorskip("searoute")
    rm.sea_lane.cache_clear()
    fig = rm.route_map(data)
    lane = _leg_lines(fig)["cn_suez"][0].get_xydata()
    assert len(lane) > 10
    # Shanghai → Suez by sea passes south of Sri Lanka (lat < 8°N somewhere past 80°E).
    assert (lane[(lane[:, 0] > 75) & (lane[:, 0] < 95), 1] < 8).any()
    road = _leg_lines(fig)["cn_port"][0].get_xydata()
    assert len(road) == 2  # land legs are straight


def test_without_searoute_sea_legs_are_great_circles_and_the_map_says_so(data, monkeypatch):
    monkeypatch.setattr(rm, "sea_lane", lambda a, b: None)
    monkeypatch.setattr(rm, "has_searoute", lambda: False)
    fig = rm.route_map(data)
    lane = _leg_lines(fig)["cn_suez"][0].get_xydata()
    assert len(lane) == 64
    np.testing.assert_allclose(lane[0], (122.0, 31.0), atol=1e-6)
    np.testing.assert_allclose(lane[-1], (32.5, 30.0), atol=1e-6)
    note = next(
        t.get_text()
        for t in fig.findobj()
        if getattr(t, "get_gid", None) and t.get_gid() == "map-notes"
    )
    assert "great circles" in note


def test_great_circle_and_antimeridian():
    gc = rm.great_circle((0.0, 0.0), (90.0, 0.0), n=7)
    np.testing.assert_allclose(gc[:, 1], 0.0, atol=1e-9)
    np.testing.assert_allclose(gc[:, 0], np.linspace(0, 90, 7), atol=1e-9)
    # Tokyo → Los Angeles crosses the antimeridian: drawn as two pieces, never across the map.
    parts = rm.split_antimeridian(rm.great_circle((139.7, 35.7), (-118.2, 34.0)))
    assert len(parts) == 2
    assert all(np.abs(np.diff(p[:, 0])).max() < 180 for p in parts)


def test_disruption_targets_resolve_country_tag_mode():
    from simulator import scenario_from_dict

    def node(kind: str, country: str, **kw) -> dict:
        return {"kind": kind, "country": country, **kw}

    def disruption(target: dict, kind: str) -> dict:
        if kind == "scheduled":
            timing = {"kind": "scheduled", "start_day": 10, "duration_days": 5}
        else:
            timing = {"kind": "random", "mttf_days": 50, "duration_days": 5}
        return {"target": target, "timing": timing, "effect": {"closed": True}}

    sc = scenario_from_dict(
        {
            "name": "targets",
            "nodes": {
                "a": node("supplier", "CN", tags=["x"]),
                "b": node("port", "VN"),
                "c": node("port", "cn"),
                "dc": node(
                    "site",
                    "NL",
                    demand={"kind": "poisson", "rate_per_day": 1},
                    inventory={"kind": "base_stock", "order_up_to": 5},
                ),
            },
            "legs": {
                "l1": {"from": "a", "to": "b", "mode": "sea", "transit_days": 1},
                "l2": {"from": "b", "to": "dc", "mode": "road", "transit_days": 1},
            },
            "sourcing": {"only": {"kind": "single", "supplier": "a"}},
            "disruptions": {
                "d1": disruption({"country": "CN"}, "scheduled"),
                "d2": disruption({"mode": "sea"}, "scheduled"),
                "d3": disruption({"tag": "x"}, "random"),
                "d4": disruption({"node": "b"}, "random"),
            },
        }
    )
    t = rm.disruption_targets(sc)
    assert t.scheduled_nodes == {"a", "c"} and t.scheduled_legs == {"l1"}
    assert t.random_nodes == {"b"}  # 'a' is already marked as scheduled
    assert t.random_legs == frozenset()


def test_no_coordinates_at_all_gives_a_placeholder(data):
    import dataclasses

    nodes = {
        k: n.model_copy(update={"lat": None, "lon": None}) for k, n in data.scenario.nodes.items()
    }
    sc = data.scenario.model_copy(update={"nodes": nodes})
    fig = rm.route_map(dataclasses.replace(data, scenario=sc))
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("no node has coordinates" in t for t in texts)
