"""Report sections of the weak-point commands, read from their folders' files alone.

:func:`stress_section`, :func:`worst_case_section` and :func:`sensitivity_section` each turn one
folder (written by :mod:`.stress_folder`, :mod:`.worst_case_folder`, :mod:`.sensitivity_folder`)
into an HTML section: the tables a planner reads first and the plots embedded. Each command writes
them as its folder's own ``report.html`` (:func:`.weak_points_page.write_section_report`); a run's
report shows them
too when the folder is inside the run's results folder (``--out RUN/stress`` …), through
:func:`weak_point_sections`. Every string from a table goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path

import pandas as pd

esc = html.escape

#: (sub-folder or file name, section id, title) of each kind of weak-point folder.
KINDS = (
    ("stress.csv", "stress", "Stress test (n−1)"),
    ("worst_case.csv", "worst-case", "Worst case"),
    ("sensitivity.csv", "sensitivity", "Sensitivity"),
)


def _num(v) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _f(v, digits: int = 0, pct: bool = False) -> str:
    x = _num(v)
    if not math.isfinite(x):
        return "–"
    return f"{100 * x:.1f}%" if pct else f"{x:,.{digits}f}"


def _img(folder: Path, stem: str, caption: str) -> str:
    png = folder / "plots" / f"{stem}.png"
    if not png.exists():
        return ""
    b64 = base64.b64encode(png.read_bytes()).decode("ascii")
    return (
        f"<figure id='plot-{esc(stem)}'><img alt='{esc(stem)}' src='data:image/png;base64,{b64}'>"
        f"<figcaption>{esc(caption)} <span class='note'>(plots/{esc(stem)}.png and .svg)</span>"
        "</figcaption></figure>"
    )


def _meta(folder: Path) -> dict:
    path = folder / "weak_points.json"
    return json.loads(path.read_text()) if path.exists() else {}


def stress_section(folder: Path, top: int = 8) -> str:
    """The stress test: per policy the most damaging single failures of the longest duration
    (lost value with its interval, TTS, TTR, the flag), the single points of failure, the plots."""
    t = pd.read_csv(folder / "stress.csv")
    meta = _meta(folder)
    cur = esc(str(meta.get("currency", "")))
    parts = [
        "<p class='note'>Each element fails alone ("
        + esc(str(meta.get("effect", "closed")))
        + ") from day "
        + esc(", ".join(f"{s:g}" for s in meta.get("starts", [])))
        + "; lost value = unmet demand minus the no-failure baseline's in the same replication "
        "(common random numbers) × the unit value. ★ = time to survive shorter than time to "
        "recover: the policy runs short before the element is back.</p>"
    ]
    if t.empty:
        return "".join(parts) + "<p class='note'>No element could fail.</p>"
    longest = t["duration_days"].max()
    for policy in dict.fromkeys(t["policy"]):
        g = t[(t["policy"] == policy) & (t["duration_days"] == longest)].nsmallest(top, "rank")
        rows = "".join(
            "<tr>"
            f"<td>{int(r['rank'])}</td><td class='l'>{esc(str(r['element']))}"
            f"{' ★' if bool(r['at_risk']) else ''}</td>"
            f"<td>{_f(r['lost_value'])} <span class='ci'>[{_f(r['lost_value_low'])}, "
            f"{_f(r['lost_value_high'])}]</span></td>"
            f"<td>{_f(r['risk_exposure_index'], 2)}</td>"
            f"<td>{_f(r['tts_days'], 0) if math.isfinite(_num(r['tts_days'])) else 'not reached'}"
            f"</td><td>{_f(r['ttr_input_days'], 0)}</td>"
            f"<td>{_f(r['fill_rate_during'], pct=True)}</td></tr>"
            for _, r in g.iterrows()
        )
        parts.append(
            f"<h3>{esc(str(policy))} — {longest:g}-day failures</h3><div class='scroll'><table>"
            "<thead><tr><th>rank</th><th class='l'>element</th>"
            f"<th>lost value ({cur}) [95%]</th><th>risk exposure index</th>"
            "<th>TTS (days)</th><th>TTR (days)</th><th>fill rate during</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )
    spof = t[t["at_risk"].astype(bool)]
    if not spof.empty:
        items = "".join(
            f"<li><b>{esc(str(p))}</b>: "
            + esc(", ".join(g.sort_values("rank")["element"].astype(str).head(10)))
            + "</li>"
            for p, g in spof[spof["duration_days"] == longest].groupby("policy", sort=False)
        )
        parts.append(f"<p>Single points of failure (TTS &lt; TTR):</p><ul>{items}</ul>")
    for stem, caption in (
        ("stress_heat", "Exposure per element × policy (1 = the worst cell); ● = at risk."),
        ("tts_vs_ttr", "Time to survive against time to recover; below the diagonal: at risk."),
    ):
        parts.append(_img(folder, stem, caption))
    for png in sorted((folder / "plots").glob("ranking_*.png")):
        parts.append(_img(folder, png.stem, "The most damaging single failures, 95% intervals."))
    return "".join(parts)


def worst_case_section(folder: Path) -> str:
    """The worst-case search: the top scenarios per policy with their loss and the overlay file
    that reruns each, then the plot of the search."""
    t = pd.read_csv(folder / "worst_case.csv")
    meta = _meta(folder)
    cur = esc(str(meta.get("currency", "")))
    rows = "".join(
        "<tr>"
        f"<td class='l'>{esc(str(r['policy']))}</td><td>{int(r['rank'])}</td>"
        f"<td class='l'>{esc(str(r['elements']))}</td><td>{_f(r['start_day'])}</td>"
        f"<td>{_f(r['duration_days'])}</td><td>{_f(r['probability'], 4)}</td>"
        f"<td>{_f(r['lost_value'])} <span class='ci'>[{_f(r['lost_value_low'])}, "
        f"{_f(r['lost_value_high'])}]</span></td>"
        f"<td class='l'><code>{esc(str(r['overlay']))}</code></td></tr>"
        for _, r in t.iterrows()
    )
    budget = esc(json.dumps(meta.get("budget", {})))
    return (
        f"<p class='note'>Budget {budget}; search seed {esc(str(meta.get('search_seed', '')))}; "
        f"{esc(str(meta.get('evaluations', '')))} candidates evaluated on common random numbers. "
        "Run an overlay with <code>diversim run FILE</code>.</p>"
        "<div class='scroll'><table><thead><tr><th class='l'>policy</th><th>rank</th>"
        "<th class='l'>elements failing together</th><th>start day</th><th>days</th>"
        f"<th>plausibility</th><th>lost value ({cur}) [95%]</th><th class='l'>overlay</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>"
        + _img(folder, "search", "Every candidate evaluated and the best so far.")
    )


def sensitivity_section(folder: Path) -> str:
    """The sensitivity indices per policy, most important first, and the bar plot."""
    t = pd.read_csv(folder / "sensitivity.csv")
    meta = _meta(folder)
    method = str(t["method"].iloc[0]) if len(t) else ""
    key = "mu_star" if method == "morris" else "ST"
    cols = (
        [("mu_star", "μ*"), ("mu_star_conf", "± (95%)"), ("sigma", "σ")]
        if method == "morris"
        else [("S1", "first-order"), ("S1_conf", "±"), ("ST", "total"), ("ST_conf", "±")]
    )
    head = "".join(f"<th>{esc(c)}</th>" for _, c in cols)
    rows = "".join(
        f"<tr><td class='l'>{esc(str(r['policy']))}</td><td class='l'>{esc(str(r['parameter']))}"
        f"</td><td>{_f(r['low'], 3)} – {_f(r['high'], 3)}</td>"
        + "".join(f"<td>{_f(r[c], 4)}</td>" for c, _ in cols)
        + "</tr>"
        for _, r in t.sort_values(["policy", key], ascending=[True, False]).iterrows()
    )
    return (
        f"<p class='note'>{esc(method)} on {esc(str(meta.get('figure', '')))} over "
        f"{esc(str(meta.get('points', '')))} design points × "
        f"{esc(str(meta.get('replications', '')))} replications "
        "(common random numbers).</p><div class='scroll'><table><thead><tr>"
        f"<th class='l'>policy</th><th class='l'>parameter</th><th>range</th>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        + _img(folder, "sensitivity", "Sensitivity indices with their 95% intervals.")
    )


_BUILDERS = {"stress": stress_section, "worst-case": worst_case_section}
_BUILDERS["sensitivity"] = sensitivity_section


def sections_of(folder: str | Path) -> list[tuple[str, str, str]]:
    """(id, title, html) of each weak-point result in ``folder`` itself."""
    folder = Path(folder)
    return [
        (sid, title, _BUILDERS[sid](folder))
        for name, sid, title in KINDS
        if (folder / name).exists()
    ]


def weak_point_sections(run_folder: str | Path) -> list[tuple[str, str, str]]:
    """(id, title, html) of the weak-point folders inside a run's results folder (its direct
    sub-folders, in name order), for the run's report."""
    out = []
    for sub in sorted(p for p in Path(run_folder).iterdir() if p.is_dir()):
        for sid, title, body in sections_of(sub):
            out.append((f"{sid}-{sub.name}", f"{title} ({sub.name}/)", body))
    return out
