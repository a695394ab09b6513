"""The one-file HTML report of a results folder.

Self-contained: styles inline, images embedded as base64 PNG, no network needed to view it (a
Content-Security-Policy forbids it). No script either, unless plotly is installed: then
plotly.js is inline too and the map and time series are interactive (:mod:`.interactive`).
Every string that comes from the scenario or a table goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import html
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..scenario.schema import Scheduled
from .decision_view import decision_html
from .warning_view import warning_html

if TYPE_CHECKING:
    from .interactive import InteractiveParts
    from .loading import ResultsData


@dataclass(frozen=True)
class RenderedPlot:
    """One drawn plot: its file stem, title and PNG bytes (for embedding in the report)."""

    stem: str
    title: str
    png: bytes
    width: int
    height: int


#: Section ids of the report, in order (tests and links rely on them).
SECTIONS = (
    "decision",
    "verdict",
    "summary",
    "paired",
    "disruptions",
    "early_warning",
    "plots",
    "map",
    "scenario",
    "manifest",
)

HEADLINE = (
    # figure, column title, kind of number
    ("fill_rate", "Fill rate", "pct"),
    ("cycle_service_level", "Cycle service level", "pct"),
    ("unmet_demand", "Unmet demand (units)", "int"),
    ("cost_per_unit", "Cost per unit ({cur})", "money"),
    ("hhi_supplier", "HHI supplier", "idx"),
    ("hhi_chokepoint", "HHI chokepoint", "idx"),
    ("worst_performance_loss", "Worst performance loss (demand-days)", "one"),
)

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 margin:0;color:#1d232a;background:#fafafa;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:0 24px 48px}
header{background:#1f3b57;color:#fff;padding:18px 24px}
header h1{margin:0;font-size:1.5em;max-width:1240px;margin:0 auto}
header p{margin:4px auto 0;max-width:1240px;opacity:.85;font-size:.92em}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 24px;z-index:1}
nav a{margin-right:16px;color:#1f5f9e;text-decoration:none;font-size:.93em}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;margin:20px 0;
 padding:6px 20px 16px}
h2{font-size:1.2em;border-bottom:2px solid #1f3b57;padding-bottom:4px}
table{border-collapse:collapse;font-size:.9em;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{padding:5px 10px;border-bottom:1px solid #e5e5e5;text-align:right;vertical-align:top}
th{background:#f0f3f6;font-weight:600}
td:first-child,th:first-child{text-align:left}
tbody tr:nth-child(even){background:#fafbfc}
.ci{color:#667;font-size:.88em;white-space:nowrap}
.pol{font-weight:600;white-space:nowrap}
.pol i{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:6px;
 vertical-align:-1px}
.up{color:#1a7f37}.down{color:#b42318}
.note{color:#556;font-size:.88em}
.nw{white-space:nowrap}
th.l{text-align:left}
#manifest th{text-align:left}
figure{margin:18px 0}
figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#445;font-size:.9em;margin-top:4px}
pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:10px;overflow:auto;font-size:.82em;
 max-height:520px}
ul.verdict li{margin:4px 0}
p.recommendation{font-size:1.05em;background:#eef6ee;border-left:4px solid #1a7f37;padding:8px 12px}
ul.warnings li{color:#8a5300;margin:3px 0}
table.decision tr.recommended td{background:#eef6ee;font-weight:600}
.scroll{overflow-x:auto}
"""

CAPTIONS = {
    "service": "Daily fill rate: mean across replications (line) and the 5–95% band; scheduled "
    "disruptions shaded and named, random ones of replication 0 ticked along the bottom; dashed: "
    "the recovery threshold.",
    "inventory": "On-hand inventory and backlog (units): mean and 5–95% band across replications.",
    "comparison": "Headline figures with 95% confidence intervals. TTS and TTR per disruption, "
    "from the per-disruption summary rows.",
    "paired": "Each policy minus the baseline, paired on the replication (common random "
    "numbers), with 95% CIs; an interval clear of the dashed zero line is a real difference.",
    "cost_resilience": "Cost per unit against fill rate with 95% CIs both ways; ringed policies "
    "are not beaten on both at once.",
    "performance_loss": "Performance loss of every scored episode, by disruption and policy, in "
    "demand-days: the days of demand not met on the day, summed over every dip until the lasting "
    "recovery (a day with half its demand unmet counts 0.5).",
    "cost_breakdown": "Cost per unit delivered, split into its parts (purchase and freight of "
    "the units delivered, then the window's other costs per unit); the shortage part is the "
    "scenario's penalty, an assumption.",
    "route_map": "Nodes and legs; line width is each policy's share of flow (mean units per "
    "replication); disruption targets marked.",
}

esc = html.escape


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def fmt(v: Any, kind: str, signed: bool = False) -> str:
    """A number as shown in the report ('pct' values are fractions, shown as %)."""
    v = _num(v)
    if not math.isfinite(v):
        return "–"
    sign = "+" if signed else ""
    if kind == "pct":
        return f"{100 * v:{sign}.1f}%"
    if kind == "pp":
        return f"{100 * v:{sign}.1f} pp"
    if kind == "int":
        return f"{v:{sign},.0f}"
    if kind == "money":
        return f"{v:{sign},.2f}" if abs(v) < 1e5 else f"{v:{sign},.0f}"
    if kind == "idx":
        return f"{v:{sign}.3f}"
    return f"{v:{sign},.1f}"


def _ci(row: pd.Series, kind: str, signed: bool = False) -> str:
    lo, hi = _num(row.get("ci_low")), _num(row.get("ci_high"))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    if kind in ("pct", "pp"):
        lo_s, hi_s = (
            f"{100 * lo:{'+' if signed else ''}.1f}",
            f"{100 * hi:{'+' if signed else ''}.1f}",
        )
    else:
        lo_s, hi_s = fmt(lo, kind, signed), fmt(hi, kind, signed)
    return f'<span class="ci">[{esc(lo_s)}, {esc(hi_s)}]</span>'


def _policy_cell(data: ResultsData, p: str) -> str:
    color = esc(data.colors.get(p, "#888"))
    base = " <span class='note'>(baseline)</span>" if p == data.baseline else ""
    return f'<td class="pol"><i style="background:{color}"></i>{esc(p)}{base}</td>'


def _summary_table(data: ResultsData) -> str:
    rows = data.summary_rows("replication")
    cur = data.currency
    cols = [h for h in HEADLINE if h[0] in set(rows["figure"])]
    head = "".join(
        f"<th>{esc(title.format(cur=cur).replace(' ()', ''))}</th>" for _, title, _ in cols
    )
    body = []
    for p in data.policies:
        cells = [_policy_cell(data, p)]
        for figure, _, kind in cols:
            r = rows[(rows["policy"] == p) & (rows["figure"] == figure)]
            if r.empty:
                cells.append("<td>–</td>")
                continue
            r = r.iloc[0]
            cells.append(f"<td>{esc(fmt(r['mean'], kind))}<br>{_ci(r, kind)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    n = data.n_replications
    note = (
        f"<p class='note'>Mean over {esc(str(n))} replications with its 95% confidence "
        "interval [low, high]. Cost per unit = total cost ÷ units delivered.</p>"
    )
    return (
        f"<div class='scroll'><table><thead><tr><th>policy</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{note}"
    )


def _paired_table(data: ResultsData) -> str:
    pr = data.paired
    if pr.empty or "figure" not in pr:
        return "<p class='note'>Only one policy: there is nothing to compare with a baseline.</p>"
    cur = data.currency
    cols = [h for h in HEADLINE if h[0] in set(pr["figure"])]
    head = "".join(
        f"<th>Δ {esc(title.format(cur=cur).replace(' ()', ''))}</th>" for _, title, _ in cols
    )
    # Which direction is better for the colouring of clear differences.
    higher_better = {"fill_rate", "cycle_service_level"}
    body = []
    for p in [q for q in data.policies if q in set(pr["policy"])]:
        cells = [_policy_cell(data, p)]
        for figure, _, kind in cols:
            r = pr[(pr["policy"] == p) & (pr["figure"] == figure)]
            if r.empty:
                cells.append("<td>–</td>")
                continue
            r = r.iloc[0]
            k = "pp" if kind == "pct" else kind
            lo, hi = _num(r["ci_low"]), _num(r["ci_high"])
            cls = ""
            if math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0):
                good = (lo > 0) == (figure in higher_better)
                cls = ' class="up"' if good else ' class="down"'
            rel = _num(r.get("relative"))
            rel_s = (
                f"<br><span class='ci'>{esc(f'{100 * rel:+.1f}%')} relative</span>"
                if math.isfinite(rel) and kind not in ("pct",)
                else ""
            )
            cells.append(
                f"<td{cls}>{esc(fmt(r['mean'], k, signed=True))}<br>"
                f"{_ci(r, k, signed=True)}{rel_s}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    base = esc(data.baseline or "the baseline")
    note = (
        f"<p class='note'>Policy − {base}, paired on the replication (every policy faces the "
        "same demand and disruptions: common random numbers), with a 95% confidence "
        "interval. Green / red: the interval excludes zero and the policy is better / worse "
        "than the baseline (for HHI and costs, lower counts as better).</p>"
    )
    return (
        f"<div class='scroll'><table><thead><tr><th>policy</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{note}"
    )


def _disruption_table(data: ResultsData) -> str:
    from .plots import disruption_order, disruption_scopes

    s = data.summary
    scopes = disruption_order(data, disruption_scopes(s))
    if not scopes:
        return "<p class='note'>This scenario has no disruption episodes.</p>"
    disruptions = data.scenario.disruptions if data.scenario is not None else {}
    described = {}
    for did, d in disruptions.items():
        hit = d.target.model_dump(mode="json", exclude_none=True)
        target = ", ".join(f"{k}: {v}" for k, v in hit.items())
        if isinstance(d.timing, Scheduled):
            when = f"day {_num(d.timing.start_day):g} for {_num(d.timing.duration_days):g} days"
        else:
            when = "random"
        described[did] = f"{target} · {when}"
    body = []
    for scope in scopes:
        rows = s[s["scope"] == scope]
        for i, p in enumerate(q for q in data.policies if q in set(rows["policy"])):

            def cell(figure: str, kind: str, rows=rows, p=p) -> str:
                r = rows[(rows["policy"] == p) & (rows["figure"] == figure)]
                if r.empty or not math.isfinite(_num(r.iloc[0]["mean"])):
                    return "–"
                r = r.iloc[0]
                return f"{esc(fmt(r['mean'], kind))}<br>{_ci(r, kind)}"

            def censored(figure: str, rows=rows, p=p) -> str:
                r = rows[(rows["policy"] == p) & (rows["figure"] == figure)]
                if r.empty or not math.isfinite(_num(r.iloc[0].get("censored"))):
                    return ""
                c, n = int(_num(r.iloc[0]["censored"])), int(_num(r.iloc[0]["n"]))
                return f"<br><span class='note nw'>{c}/{n} censored</span>" if c else ""

            first = (
                f"<td rowspan='{len(set(rows['policy']))}'><b>{esc(scope)}</b><br>"
                f"<span class='note'>{esc(described.get(scope, ''))}</span></td>"
                if i == 0
                else ""
            )
            scored = rows[(rows["policy"] == p) & (rows["figure"] == "p_shortage")]
            n_ep = int(_num(scored.iloc[0]["n"])) if len(scored) else 0
            body.append(
                f"<tr>{first}{_policy_cell(data, p)}<td>{n_ep}</td>"
                f"<td>{cell('p_shortage', 'pct')}</td>"
                f"<td>{cell('tts_days_median', 'one')}</td>"
                f"<td>{cell('ttr_days_median', 'one')}{censored('ttr_days_median')}</td>"
                f"<td>{cell('ttr_days_rmst', 'one')}</td>"
                f"<td>{cell('performance_loss', 'one')}</td>"
                f"<td>{cell('unmet_units', 'int')}</td>"
                f"<td>{cell('fill_rate_during', 'pct')}</td><td>{cell('nadir', 'pct')}</td></tr>"
            )
    head = (
        "<tr><th>disruption</th><th class='l'>policy</th><th>scored episodes</th>"
        "<th>P(shortage)</th><th>TTS given a shortage, median (days)</th>"
        "<th>TTR given a shortage, median (days)</th><th>TTR, restricted mean (days)</th>"
        "<th>performance loss (demand-days)</th><th>unmet units</th>"
        "<th>fill rate during</th><th>nadir (lowest daily fill rate)</th></tr>"
    )
    note = (
        "<p class='note'>Every policy is scored on the same (episode, site) pairs: each episode "
        "that starts in the window, at every site any policy exposes to it. P(shortage) with a "
        "Wilson interval. TTS and TTR are given a shortage: Kaplan–Meier median (interval from "
        "the survival band; – when the median is not reached) and restricted mean (to the "
        "longest observed time), counting TTR censored when recovery was not seen before the "
        "next episode or the horizon. TTR is the lasting recovery: service back at the recovery "
        "threshold with no backlog through the disruption's end plus the hold days. Loss "
        "(demand-days: days of demand not met on the day), unmet units, fill rate during the "
        "disruption and nadir over all scored episodes, zeros included; mean [95% CI].</p>"
    )
    return (
        f"<div class='scroll'><table><thead>{head}</thead><tbody>{''.join(body)}</tbody>"
        f"</table></div>{note}"
    )


def _figure(r: RenderedPlot, interactive: InteractiveParts | None = None) -> str:
    b64 = base64.b64encode(r.png).decode("ascii")
    caption = CAPTIONS.get(r.stem, "")
    img = (
        f"<img alt='{esc(r.title)}' width='{r.width}' "
        f"height='{r.height}' src='data:image/png;base64,{b64}'>"
    )
    live = interactive.figures.get(r.stem) if interactive is not None else None
    if live is not None:  # the interactive figure first, the static image folded away
        img = (
            f"<div class='interactive'>{live}</div>"
            f"<details><summary>static image</summary>{img}</details>"
        )
    return (
        f"<figure id='plot-{esc(r.stem)}'>{img}"
        f"<figcaption><b>{esc(r.title)}.</b> {esc(caption)} "
        f"<span class='note'>(also plots/{esc(r.stem)}.png and .svg)</span></figcaption>"
        "</figure>"
    )


def _manifest(data: ResultsData) -> str:
    if not data.manifest:
        return "<p class='note'>No manifest.json in this folder.</p>"
    rows = []
    for k, v in data.manifest.items():
        if isinstance(v, dict):
            val = ", ".join(f"{esc(str(a))} {esc(str(b))}" for a, b in v.items())
        elif isinstance(v, list):
            val = ", ".join(esc(str(x)) for x in v)
        else:
            val = esc(str(v))
        rows.append(f"<tr><th>{esc(str(k))}</th><td style='text-align:left'>{val}</td></tr>")
    raw = esc(json.dumps(data.manifest, indent=2))
    return (
        f"<table>{''.join(rows)}</table><details><summary>manifest.json</summary>"
        f"<pre>{raw}</pre></details>"
    )


def build_report(
    data: ResultsData, plots: list[RenderedPlot], interactive: InteractiveParts | None = None
) -> str:
    """The report as one HTML string (see the module docstring). With ``interactive``
    (:mod:`.interactive`), plotly.js goes inline into the head and the figures it has replace
    their static images (which stay, folded away)."""
    name = esc(data.name)
    m = data.manifest
    sub = []
    if m.get("replications") is not None:
        sub.append(f"{esc(str(m['replications']))} replications")
    if m.get("horizon_days") is not None:
        sub.append(
            f"{esc(str(m['horizon_days']))} days (warm-up {esc(str(m.get('warmup_days', 0)))})"
        )
    if m.get("root_seed") is not None:
        sub.append(f"seed {esc(str(m['root_seed']))}")
    if data.baseline:
        sub.append(f"baseline {esc(data.baseline)}")
    if m.get("created"):
        sub.append(f"created {esc(str(m['created']))}")
    desc = data.description
    verdict = (
        ("<ul class='verdict'>" + "".join(f"<li>{esc(v)}</li>" for v in data.verdict) + "</ul>")
        if data.verdict
        else "<p class='note'>No verdict (one policy).</p>"
    )
    by_stem = {r.stem: r for r in plots}
    other = "".join(_figure(r, interactive) for r in plots if r.stem != "route_map")
    route = (
        _figure(by_stem["route_map"], interactive)
        if "route_map" in by_stem
        else ("<p class='note'>No route map.</p>")
    )
    titles = {
        "decision": "Decision",
        "verdict": "Verdict",
        "summary": "Summary",
        "paired": "Paired differences",
        "disruptions": "Disruptions",
        "early_warning": "Early warning",
        "plots": "Plots",
        "map": "Route map",
        "scenario": "Scenario as run",
        "manifest": "Manifest",
    }
    nav = "".join(f"<a href='#{s}'>{titles[s]}</a>" for s in SECTIONS)
    parts = {
        "decision": decision_html(
            data.decision,
            data.manifest.get("recommendation") or {},
            data.manifest.get("warnings") or [],
        )
        or "<p class='note'>No decision table in this folder (made by an older version).</p>",
        "verdict": verdict,
        "summary": _summary_table(data),
        "paired": _paired_table(data),
        "disruptions": _disruption_table(data),
        "early_warning": warning_html(data.warning_value),
        "plots": other,
        "map": route,
        "scenario": (
            "<p class='note'>scenario.resolved.yaml: overlays applied, defaults filled.</p>"
            + (f"<p class='note'>{esc(data.scenario_note)}.</p>" if data.scenario_note else "")
            + f"<pre>{esc(data.scenario_text)}</pre>"
        ),
        "manifest": _manifest(data),
    }
    sections = "".join(
        f"<section id='{s}'><h2>{titles[s]}</h2>{parts[s]}</section>" for s in SECTIONS
    )
    # Weak-point results kept inside this folder (diversim stress/worst-case/sensitivity --out).
    from .weak_points_report import weak_point_sections

    extra = weak_point_sections(data.folder) if data.folder.is_dir() else []
    nav += "".join(f"<a href='#{sid}'>{esc(t)}</a>" for sid, t, _ in extra)
    sections += "".join(
        f"<section id='{sid}'><h2>{esc(t)}</h2>{h}</section>" for sid, t, h in extra
    )
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    script = ""
    if interactive is not None:  # inline scripts only: still nothing from the network
        csp += "; script-src 'unsafe-inline'"
        script = f"<script>{interactive.script}</script>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>diversim report — {name}</title><style>{STYLE}</style>{script}</head><body>"
        f"<header><h1>diversim report — {name}</h1>"
        f"<p>{' · '.join(sub)}</p>"
        + (f"<p>{esc(str(desc))}</p>" if desc else "")
        + f"</header><nav>{nav}</nav><main>{sections}</main></body></html>\n"
    )
