"""The interactive report: plotly figures inline (one file, offline), a map with hover, zoom and
a policy selector; the static report unchanged without plotly; and a check in a real headless
browser (Chromium) that the figures draw, hover and switch policy."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from simulator.output import interactive as ia
from simulator.output.render import draw_plots, report_parts
from simulator.output.report import build_report

plotly = pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def rendered(data):
    return draw_plots(data)


def test_without_plotly_the_report_is_the_static_one(data, rendered, monkeypatch):
    static = build_report(data, rendered)
    monkeypatch.setattr(ia, "has_plotly", lambda: False)
    assert report_parts(data) is None
    again = build_report(data, rendered, report_parts(data))
    assert again == static
    assert "<script" not in static and "script-src" not in static


def test_with_plotly_the_figures_are_inline_and_offline(data, rendered):
    parts = report_parts(data)
    assert set(parts.figures) == {"service", "inventory", "route_map"}
    page = build_report(data, rendered, parts)
    assert page.count("<script") == 1 + len(parts.figures)  # plotly.js once, one per figure
    assert "script-src 'unsafe-inline'" in page
    assert not re.search(r"<script[^>]+src=", page)  # nothing loaded from anywhere
    assert "connect-src" not in page  # default-src 'none' still forbids the network
    for stem in parts.figures:
        assert f'id="interactive-{stem}"' in page
    # The static images stay, folded away, and the other plots are unchanged.
    assert page.count("<summary>static image</summary>") == 3
    assert page.count("<figure") == len(rendered)


def test_names_from_the_scenario_are_escaped(data, rendered, names):
    fig = ia.map_figure(data)
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert "split $1$ &amp; &lt;b&gt;2&lt;/b&gt;" in labels  # shown as text, not as markup
    hovers = [
        t.hovertext if isinstance(t.hovertext, tuple | list) else [t.hovertext] for t in fig.data
    ]
    strings = [t.name for t in fig.data] + [h for hs in hovers for h in hs]
    assert not any(names["policy"] in str(x) for x in strings)
    page = build_report(data, rendered, report_parts(data))
    assert names["scenario"] not in page  # the <script> scenario name, escaped everywhere


def test_map_has_hover_zoom_and_a_policy_selector(data, names):
    fig = ia.map_figure(data)
    pols = data.policies
    (menu,) = fig.layout.updatemenus
    assert [b.label.replace(" (baseline)", "") for b in menu.buttons] == [
        ia.html.escape(p) for p in pols
    ]
    legs = [i for i, t in enumerate(fig.data) if t.meta and "leg" in t.meta]
    n_legs = len(data.scenario.legs)
    assert len(legs) == n_legs * len(pols)  # every leg, the inferred node's too, per policy
    for k, button in enumerate(menu.buttons):
        visible = button.args[0]["visible"]
        shown = {fig.data[i].meta["policy"] for i in legs if visible[i]}
        assert shown == {ia.html.escape(pols[k])}
        assert visible[0] is True  # the land
    # Widths follow the policy's flow: the busiest leg of the first policy is the widest.
    first = [fig.data[i] for i in legs if fig.data[i].meta["policy"] == ia.html.escape(pols[0])]
    flows = data.leg_flows[data.leg_flows["policy"] == pols[0]].set_index("leg")["units"]
    widest = max(first, key=lambda t: t.line.width)
    assert widest.meta["leg"] == flows.idxmax() and widest.line.width == pytest.approx(5.8)
    # Hover: nodes name their kind and the disruptions that hit them; the inferred one says so.
    hovers = [h for t in fig.data if t.mode == "markers+text" for h in t.hovertext]
    assert any("suez_block" in h and "chokepoint" in h for h in hovers)
    assert any("position inferred" in h for h in hovers)
    assert fig.layout.dragmode == "pan"


def _chromium() -> str | None:
    return next(
        (
            shutil.which(b)
            for b in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(b)
        ),
        None,
    )


PROBE = """<script>
window.addEventListener('load', function () {
  var out = document.createElement('pre'); out.id = 'probe'; document.body.appendChild(out);
  var gd = document.getElementById('interactive-route_map');
  var node = gd.data.findIndex(function (t) { return t.mode === 'markers+text'; });
  Plotly.Fx.hover(gd, [{curveNumber: node, pointNumber: 0}]);
  var hover = Array.from(gd.querySelectorAll('.hovertext')).map(function (e) {
    return e.textContent; });
  var b = gd.layout.updatemenus[0].buttons[1];
  Plotly.update(gd, b.args[0], b.args[1]).then(function () {
    out.textContent = JSON.stringify({
      drawn: Array.from(document.querySelectorAll('.js-plotly-plot')).map(function (e) {
        return e.id + ':' + e.querySelectorAll('.main-svg').length; }),
      hover: hover, menus: gd.querySelectorAll('.updatemenu-header').length,
      title: gd.layout.title.text });
  });
});
</script></body>"""


def test_the_report_draws_hovers_and_switches_policy_in_a_real_browser(data, rendered, tmp_path):
    import json

    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium to check the report in (apt-get install chromium)")
    page = build_report(data, rendered, report_parts(data)).replace("</body>", PROBE)
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=15000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    m = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stderr[-2000:]
    probe = json.loads(ia.html.unescape(m.group(1)))
    drawn = dict(d.split(":") for d in probe["drawn"])
    assert set(drawn) == {"interactive-service", "interactive-inventory", "interactive-route_map"}
    assert all(int(n) >= 1 for n in drawn.values())  # each drew its SVG
    assert probe["menus"] == 1  # the policy selector is on the page
    assert probe["hover"] and any(
        data.scenario.label_of(n) in " ".join(probe["hover"]) for n in data.scenario.nodes
    )
    assert ia.html.escape(data.policies[1]) in probe["title"]  # switched to the second policy
