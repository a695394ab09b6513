"""A map of the network: nodes at their latitude/longitude over a world outline, legs coloured by
mode and as wide as the policy's share of flow, disruption targets marked; one panel per policy.

Works offline. The land outline is Natural Earth 1:110m, shipped in ``data/land_110m.json`` (see
``data/README.md``). Sea legs follow real sea lanes from ``searoute`` (a dependency: its lane
network ships in its wheel); a great circle only where it finds no lane, with a note. Road and
rail legs are straight lines, air legs great circles. A node without coordinates is placed at
the mean of its placed neighbours (drawn hollow, its label starred, a note says so), so its legs
are drawn through its neighbours rather than dropped; ``diversim validate`` warns about it.
Labels are the nodes' readable names (:meth:`Scenario.label_of`), placed where they overlap no
other label or point. Rings and halos mark what a disruption physically hits (closure, capacity,
delay, stock loss); price- or demand-only disruptions are listed in the notes instead.
"""

from __future__ import annotations

import json
import math
import textwrap
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..scenario.schema import Scheduled
from .plots import place_labels, placeholder
from .style import WIDTH, mpl_text, new_figure, plot_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..scenario.schema import Effect, Leg, Scenario, Target
    from .loading import ResultsData

LAND_FILE = Path(__file__).with_name("data") / "land_110m.json"
LAND_COLOR, LAND_EDGE, SEA_COLOR = "#e6e2d6", "#cfc9b8", "#eef4f9"
MODE_COLORS = {"sea": "#1f5f9e", "rail": "#8c4a2f", "road": "#5f6b61", "air": "#8e44ad"}
KIND_STYLE = {  # marker, size, face colour
    "site": ("o", 80, "#111111"),
    "supplier": ("^", 70, "#2e7d32"),
    "port": ("s", 40, "#1f5f9e"),
    "chokepoint": ("D", 40, "#c05a00"),
    "rail_hub": ("P", 55, "#8c4a2f"),
    "border": ("h", 50, "#555555"),
}
NODE_ZORDER = {"site": 5.6, "supplier": 5.4}  # drawn over the ports beside them
SCHEDULED_COLOR, RANDOM_COLOR = "#d62728", "#ff9f1c"


@lru_cache(maxsize=1)
def land_rings() -> list[np.ndarray]:
    """The land outline as a list of (n, 2) arrays of (lon, lat), degrees."""
    data = json.loads(LAND_FILE.read_text(encoding="utf-8"))
    return [np.asarray(r, dtype=float) for r in data["rings"]]


# --------------------------------------------------------------------------- geometry


def great_circle(a: tuple[float, float], b: tuple[float, float], n: int = 64) -> np.ndarray:
    """Points (lon, lat) along the great circle from a to b (both (lon, lat) in degrees)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    p1 = np.array(
        [math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1)]
    )
    p2 = np.array(
        [math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2)]
    )
    omega = math.acos(max(-1.0, min(1.0, float(p1 @ p2))))
    if omega < 1e-9:
        return np.array([a, b], dtype=float)
    t = np.linspace(0, 1, n)[:, None]
    pts = (np.sin((1 - t) * omega) * p1 + np.sin(t * omega) * p2) / math.sin(omega)
    lat = np.degrees(np.arcsin(np.clip(pts[:, 2], -1, 1)))
    lon = np.degrees(np.arctan2(pts[:, 1], pts[:, 0]))
    return np.column_stack([lon, lat])


def has_searoute() -> bool:
    try:
        import searoute  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=512)
def sea_lane(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray | None:
    """The sea route from a to b (lon, lat) from ``searoute``, or None if it is not installed
    or finds no route."""
    try:
        import searoute
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            feat = searoute.searoute(list(a), list(b), append_orig_dest=True)
        coords = np.asarray(feat["geometry"]["coordinates"], dtype=float)
    except Exception:
        return None
    return coords if coords.ndim == 2 and len(coords) >= 2 else None


def split_antimeridian(line: np.ndarray) -> list[np.ndarray]:
    """Wrap longitudes into [-180, 180] and break the line where it crosses ±180°, extending
    each piece to the map's edge, so it is never drawn across the whole map. (searoute gives
    unwrapped longitudes beyond 180° for trans-Pacific lanes.)"""
    line = np.asarray(line, dtype=float)
    if len(line) < 2:
        return [line]
    lon = (line[:, 0] + 180.0) % 360.0 - 180.0
    lon[np.isclose(line[:, 0], 180.0)] = 180.0
    lat = line[:, 1]
    pieces, cur = [], [(lon[0], lat[0])]
    for x0, y0, x1, y1 in zip(lon[:-1], lat[:-1], lon[1:], lat[1:], strict=True):
        if abs(x1 - x0) > 180:
            edge = 180.0 if x0 > 0 else -180.0
            d0, d1 = abs(edge - x0), abs(x1 + edge)  # to the edge on each side
            yc = y0 + (d0 / (d0 + d1) if d0 + d1 else 0.5) * (y1 - y0)
            pieces.append([*cur, (edge, yc)])
            cur = [(-edge, yc)]
        cur.append((x1, y1))
    pieces.append(cur)
    return [np.asarray(pc, dtype=float) for pc in pieces if len(pc) >= 2]


def leg_path(mode: str, a: tuple[float, float], b: tuple[float, float]) -> tuple[np.ndarray, str]:
    """The drawn path of a leg and how it was made ('sea lane', 'great circle' or 'straight')."""
    if mode == "sea":
        lane = sea_lane(a, b)
        if lane is not None:
            return lane, "sea lane"
        return great_circle(a, b), "great circle"
    if mode == "air":
        return great_circle(a, b), "great circle"
    return np.array([a, b], dtype=float), "straight"


# --------------------------------------------------------------------------- disruption targets


@dataclass(frozen=True)
class Targets:
    """Nodes and legs physically hit by scheduled and by random disruptions (ringed on the map),
    every disruption hitting each element (``hits``: id → disruption ids, for hover text), and
    the disruptions that only change prices or demand (``not_marked``: id → what they do)."""

    scheduled_nodes: frozenset[str]
    scheduled_legs: frozenset[str]
    random_nodes: frozenset[str]
    random_legs: frozenset[str]
    hits: dict[str, tuple[str, ...]]
    not_marked: dict[str, str]


def physical(effect: Effect) -> bool:
    """True when an effect stops, slows or destroys flow (closure, capacity below 1, extra days,
    stock loss), False for a price or demand change alone."""
    return bool(
        effect.closed
        or (effect.capacity_factor is not None and effect.capacity_factor < 1)
        or (effect.extra_days or 0) > 0
        or (effect.inventory_loss or 0) > 0
    )


def _describe_effect(effect: Effect) -> str:
    parts = []
    if effect.cost_factor is not None:
        parts.append(f"cost ×{effect.cost_factor:g}")
    if effect.demand_factor is not None:
        parts.append(f"demand ×{effect.demand_factor:g}")
    return ", ".join(parts) or "no physical effect"


def target_elements(scenario: Scenario, t: Target) -> tuple[set[str], set[str]]:
    """The node ids and leg ids a target (node, leg, country, tag or mode) resolves to."""
    nodes, legs = scenario.nodes, scenario.legs
    ns: set[str] = set()
    ls: set[str] = set()
    if t.node is not None:
        ns.add(t.node)
    if t.leg is not None:
        ls.add(t.leg)
    if t.country is not None:
        c = t.country.upper()
        ns.update(k for k, n in nodes.items() if n.country.upper() == c)
    if t.tag is not None:
        ns.update(k for k, n in nodes.items() if t.tag in n.tags)
    if t.mode is not None:
        ls.update(k for k, leg in legs.items() if leg.mode == t.mode)
    return ns, ls


def disruption_targets(scenario: Scenario) -> Targets:
    """Resolve every disruption's target to nodes and legs; ring only the physical ones."""
    hit = {"scheduled": (set(), set()), "random": (set(), set())}
    hits: dict[str, list[str]] = {}
    not_marked = {}
    for did, d in scenario.disruptions.items():
        kind = "scheduled" if isinstance(d.timing, Scheduled) else "random"
        ns, ls = target_elements(scenario, d.target)
        for element in sorted(ns | ls):
            hits.setdefault(element, []).append(did)
        if not physical(d.effect):
            not_marked[did] = f"{_describe_effect(d.effect)} on {d.target.describe()}"
            continue
        hit[kind][0].update(ns)
        hit[kind][1].update(ls)
    return Targets(
        frozenset(hit["scheduled"][0]),
        frozenset(hit["scheduled"][1]),
        frozenset(hit["random"][0] - hit["scheduled"][0]),
        frozenset(hit["random"][1] - hit["scheduled"][1]),
        {k: tuple(v) for k, v in hits.items()},
        not_marked,
    )


# --------------------------------------------------------------------------- the map


def node_positions(
    scenario: Scenario,
) -> tuple[dict[str, tuple[float, float]], set[str], list[str]]:
    """(lon, lat) of every node that can be drawn, the ids whose position was inferred, and the
    ids left out.

    A node without coordinates is placed at the mean of its neighbours' positions (over the legs
    into and out of it), repeatedly, so a chain of such nodes is placed too; a node with no placed
    neighbour at all is left out."""
    placed: dict[str, tuple[float, float]] = {}
    for nid, n in scenario.nodes.items():
        if n.lat is not None and n.lon is not None:
            placed[nid] = (float(n.lon), float(n.lat))
    neighbours: dict[str, list[str]] = {nid: [] for nid in scenario.nodes}
    for leg in scenario.legs.values():
        if leg.from_node in neighbours and leg.to_node in neighbours:
            neighbours[leg.from_node].append(leg.to_node)
            neighbours[leg.to_node].append(leg.from_node)
    inferred: set[str] = set()
    todo = [nid for nid in scenario.nodes if nid not in placed]
    while todo:
        step = {}
        for nid in todo:
            known = [placed[k] for k in dict.fromkeys(neighbours[nid]) if k in placed]
            if known:
                step[nid] = (
                    float(np.mean([p[0] for p in known])),
                    float(np.mean([p[1] for p in known])),
                )
        if not step:
            break
        placed.update(step)
        inferred.update(step)
        todo = [nid for nid in todo if nid not in step]
    return placed, inferred, todo


def _extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """(lon0, lon1, lat0, lat1) around the points with a margin; the world for wide networks."""
    lon0, lat0 = points.min(axis=0)
    lon1, lat1 = points.max(axis=0)
    if lon1 - lon0 > 250:
        return -180.0, 180.0, max(-60.0, lat0 - 8), min(85.0, lat1 + 8)
    pad_x = max(4.0, 0.08 * (lon1 - lon0))
    pad_y = max(3.0, 0.1 * (lat1 - lat0))
    lon0, lon1 = max(-180.0, lon0 - pad_x), min(180.0, lon1 + pad_x)
    lat0, lat1 = max(-85.0, lat0 - pad_y), min(85.0, lat1 + pad_y)
    # Keep the panel from becoming a sliver: at least 1:2.2 either way (after the aspect).
    aspect = _aspect((lat0 + lat1) / 2)
    w, h = lon1 - lon0, (lat1 - lat0) * aspect
    if h < w / 2.2:
        extra = (w / 2.2 - h) / aspect / 2
        lat0, lat1 = max(-85.0, lat0 - extra), min(85.0, lat1 + extra)
    elif w < h / 1.6:
        extra = (h / 1.6 - w) / 2
        lon0, lon1 = max(-180.0, lon0 - extra), min(180.0, lon1 + extra)
    return lon0, lon1, lat0, lat1


def _aspect(mid_lat: float) -> float:
    """Data aspect that keeps shapes near the map's middle latitude (equirectangular)."""
    return 1.0 / max(0.35, math.cos(math.radians(mid_lat)))


def _draw_land(ax: Axes) -> None:
    from matplotlib.collections import PolyCollection

    land = PolyCollection(
        land_rings(),
        facecolors=LAND_COLOR,
        edgecolors=LAND_EDGE,
        linewidths=0.35,
        zorder=0,
        gid="land",
    )
    # Rasterised in SVG output: ~9,000 outline points per panel would make the SVG megabytes.
    land.set_rasterized(True)
    ax.add_collection(land)


def _flow_shares(data: ResultsData, policy: str) -> dict[str, float] | None:
    lf = data.leg_flows
    if lf.empty or not {"policy", "leg", "units"} <= set(lf.columns):
        return None
    g = lf[lf["policy"] == policy]
    if g.empty:
        return None
    top = float(g["units"].max())
    return {
        str(k): (float(u) / top if top > 0 else 0.0)
        for k, u in zip(g["leg"], g["units"], strict=True)
    }


def route_map(data: ResultsData) -> Figure:
    """One map panel per policy (see the module docstring)."""
    sc = data.scenario
    placed, inferred, missing = node_positions(sc) if sc is not None else ({}, set(), [])
    if not placed or len(inferred) == len(placed):
        msg = "no node has coordinates (add lat and lon to the nodes to draw the route map)"
        return placeholder("Route map", data.scenario_note or msg)
    legs = sc.legs
    targets = disruption_targets(sc)
    paths: dict[str, tuple[list[np.ndarray], str]] = {}
    for lid, leg in legs.items():
        a, b = placed.get(leg.from_node), placed.get(leg.to_node)
        if a is None or b is None:
            continue
        path, how = leg_path(str(leg.mode), a, b)
        paths[lid] = (split_antimeridian(path), how)
    pts = np.array(list(placed.values()), dtype=float)
    all_pts = np.vstack([pts, *[p for ps, _ in paths.values() for p in ps]]) if paths else pts
    lon0, lon1, lat0, lat1 = _extent(all_pts)
    aspect = _aspect((lat0 + lat1) / 2)
    pols = list(data.policies) or ["(no policy)"]
    ncols = 1 if len(pols) == 1 else 2
    nrows = math.ceil(len(pols) / ncols)
    panel_w = (WIDTH - 0.4) / ncols
    panel_h = panel_w * (lat1 - lat0) * aspect / (lon1 - lon0)
    handles, names = _legend_entries(sc, placed, legs, paths, targets, data.leg_flows.empty)
    notes = []
    if inferred:
        shown = ", ".join(mpl_text(sc.label_of(m)) for m in sorted(inferred))
        notes.append(
            f"* Position inferred (no lat/lon in the scenario; placed between its neighbours): "
            f"{shown}."
        )
    if missing:
        shown = ", ".join(mpl_text(m) for m in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        notes.append(
            f"{len(missing)} node(s) without coordinates or placed neighbours not shown: "
            f"{shown}{more}."
        )
    for did, what in targets.not_marked.items():
        notes.append(f"Not ringed (no physical effect): {mpl_text(did)}, {mpl_text(what)}.")
    hows = {how for _, how in paths.values()}
    sea_gc = [k for k, (_, how) in paths.items() if how == "great circle" and legs[k].mode == "sea"]
    if sea_gc:
        why = "searoute is not installed" if not has_searoute() else "searoute found no lane"
        notes.append(
            f"Sea leg(s) drawn as great circles ({why}): {', '.join(mpl_text(k) for k in sea_gc)}."
        )
    notes.append(
        "Land: Natural Earth 1:110m (public domain)."
        + (" Sea lanes: searoute (EUPL network data)." if "sea lane" in hows else "")
    )
    note = "\n".join(textwrap.wrap(" ".join(notes), 150))
    legend_cols = 4
    footer_h = 0.24 * math.ceil(len(handles) / legend_cols) + 0.15 * (note.count("\n") + 1) + 0.25
    with plot_style():
        fig = new_figure(WIDTH, nrows * (panel_h + 0.35) + 0.5 + footer_h)
        gs = fig.add_gridspec(nrows + 1, ncols, height_ratios=[panel_h + 0.35] * nrows + [footer_h])
        axes = np.array([[fig.add_subplot(gs[r, c]) for c in range(ncols)] for r in range(nrows)])
        for ax in axes.ravel()[len(pols) :]:
            ax.set_axis_off()
        labels = []
        for ax, p in zip(axes.ravel(), pols, strict=False):
            labels.append((ax, _panel(ax, data, p, placed, inferred, legs, paths, targets)))
            ax.set_xlim(lon0, lon1)
            ax.set_ylim(lat0, lat1)
            ax.set_aspect(aspect)
            ax.set_facecolor(SEA_COLOR)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for s in ax.spines.values():
                s.set_visible(True)
                s.set_color("0.7")
            color = data.colors.get(p, "0.1")
            ax.set_title(
                mpl_text(p) + (" (baseline)" if p == data.baseline else ""),
                loc="left",
                color=color,
                fontweight="bold",
                fontsize=10,
            )
        fig.suptitle(
            f"Route map — {mpl_text(data.name)}", x=0.01, ha="left", fontsize=12, fontweight="bold"
        )
        footer = fig.add_subplot(gs[nrows, :])
        footer.set_axis_off()
        footer.legend(
            handles, names, loc="upper center", ncols=legend_cols, frameon=False, fontsize=8
        )
        footer.text(
            0.0,
            0.0,
            note,
            transform=footer.transAxes,
            fontsize=7.5,
            color="0.3",
            ha="left",
            va="bottom",
            gid="map-notes",
        )
        place_labels(fig, labels, point_radius=4)
    return fig


def _panel(
    ax: Axes,
    data: ResultsData,
    policy: str,
    placed,
    inferred: set[str],
    legs: dict[str, Leg],
    paths,
    targets,
) -> list:
    """Draw one policy's map; return the node labels for :func:`place_labels`."""
    from matplotlib import patheffects as pe

    _draw_land(ax)
    shares = _flow_shares(data, policy)
    for lid, (parts, _how) in paths.items():
        color = MODE_COLORS.get(str(legs[lid].mode), "0.3")
        share = 1.0 if shares is None else shares.get(lid, 0.0)
        used = share > 0
        width = 0.7 + 4.3 * share if used else 0.8
        for part in parts:
            if lid in targets.scheduled_legs or lid in targets.random_legs:
                halo = SCHEDULED_COLOR if lid in targets.scheduled_legs else RANDOM_COLOR
                ax.plot(
                    part[:, 0],
                    part[:, 1],
                    color=halo,
                    lw=width + 5,
                    alpha=0.35,
                    solid_capstyle="round",
                    zorder=1,
                )
            ax.plot(
                part[:, 0],
                part[:, 1],
                color=color,
                lw=width,
                alpha=0.9 if used else 0.55,
                ls="-" if used else (0, (2, 2)),
                solid_capstyle="round",
                zorder=2,
                gid=f"leg:{lid}",
            )
    nodes = data.scenario.nodes
    for nid, (lon, lat) in placed.items():
        kind = str(nodes[nid].kind)
        marker, size, face = KIND_STYLE.get(kind, ("o", 40, "0.3"))
        if nid in targets.scheduled_nodes or nid in targets.random_nodes:
            ring = SCHEDULED_COLOR if nid in targets.scheduled_nodes else RANDOM_COLOR
            ax.scatter(
                [lon], [lat], s=size * 4.5, facecolors="none", edgecolors=ring, lw=2.0, zorder=4
            )
        hollow = nid in inferred
        ax.scatter(
            [lon],
            [lat],
            s=size,
            marker=marker,
            facecolors="white" if hollow else face,
            edgecolors=face if hollow else "white",
            lw=1.3 if hollow else 0.8,
            zorder=NODE_ZORDER.get(kind, 5),
            gid=f"node:{nid}",
        )
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    sc = data.scenario
    return [
        (
            lon,
            lat,
            mpl_text(sc.label_of(nid)) + ("*" if nid in inferred else ""),
            {"fontsize": 7.5, "zorder": 6, "color": "0.1", "path_effects": halo, "gid": nid},
        )
        for nid, (lon, lat) in placed.items()
    ]


def _target_handle(color):
    """Legend entry for a node or leg hit by a disruption: a ring on a thick faded line."""
    from matplotlib.lines import Line2D

    return Line2D(
        [],
        [],
        marker="o",
        ms=12,
        mfc="none",
        mec=color,
        mew=2,
        ls="-",
        color=color,
        lw=5,
        alpha=0.5,
    )


def _legend_entries(sc, placed, legs, paths, targets, no_flows: bool) -> tuple[list, list]:
    """Legend handles and labels: modes, flow width, node kinds present, disruption marks."""
    from matplotlib.lines import Line2D

    handles, labels = [], []
    modes = list(dict.fromkeys(str(legs[k].mode) for k in paths))
    for m in modes:
        handles.append(Line2D([], [], color=MODE_COLORS.get(m, "0.3"), lw=2.5))
        labels.append(f"{m} leg")
    if not no_flows:
        handles += [
            Line2D([], [], color="0.3", lw=5.0),
            Line2D([], [], color="0.3", lw=0.8, ls=(0, (2, 2))),
        ]
        labels += ["width ∝ policy's flow (widest = busiest leg)", "unused by the policy"]
    kinds = list(dict.fromkeys(str(sc.nodes[n].kind) for n in placed))
    for k in kinds:
        marker, size, face = KIND_STYLE.get(k, ("o", 40, "0.3"))
        handles.append(
            Line2D([], [], marker=marker, color=face, ls="", ms=math.sqrt(size), mec="white")
        )
        labels.append(k.replace("_", " "))
    if targets.scheduled_nodes & set(placed) or targets.scheduled_legs & set(paths):
        handles.append(_target_handle(SCHEDULED_COLOR))
        labels.append("hit by a scheduled disruption")
    if targets.random_nodes & set(placed) or targets.random_legs & set(paths):
        handles.append(_target_handle(RANDOM_COLOR))
        labels.append("hit by a random disruption")
    return handles, labels
