"""report.html: self-contained, every section present, every scenario string escaped."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

from simulator.output.report import SECTIONS


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.imgs: list[dict] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "img":
            self.imgs.append(a)
        for k in ("href", "src"):
            if k in a:
                self.links.append(a[k])

    def handle_data(self, data):
        self.text.append(data)


def parse(path) -> tuple[str, Collect]:
    text = path.read_text(encoding="utf-8")
    c = Collect()
    c.feed(text)
    c.close()
    return text, c


def test_report_has_every_section_and_embeds_every_plot(results_dir):
    text, c = parse(results_dir / "report.html")
    assert text.startswith("<!DOCTYPE html>")
    for s in SECTIONS:
        assert s in c.ids, s
    plots = {i for i in c.ids if i.startswith("plot-")}
    assert plots == {f"plot-{p.stem}" for p in (results_dir / "plots").glob("*.png")}
    assert len(c.imgs) == len(plots)
    for img in c.imgs:
        src = img["src"]
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
        assert img["alt"]


def test_report_needs_no_network_and_runs_only_inline_scripts(results_dir):
    # Scripts only with plotly installed (the interactive figures; the static report has none:
    # tests/output/test_interactive.py), and only inline ones.
    import re

    text, c = parse(results_dir / "report.html")
    assert "link" not in c.tags and "iframe" not in c.tags
    assert all(link.startswith(("#", "data:")) for link in c.links), c.links
    assert not re.search(r"<script[^>]*\bsrc=", text)
    outside = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
    assert "http://" not in outside.replace("http-equiv", "") and "https://" not in outside
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_hostile_names_are_escaped_everywhere(results_dir, names):
    text, c = parse(results_dir / "report.html")
    assert names["scenario"] not in text  # never raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(2)&gt;" in text
    assert "<b>2</b>" not in text and "split $1$ &amp; &lt;b&gt;2&lt;/b&gt;" in text
    # The parsed text gives the names back exactly as written.
    joined = "".join(c.text)
    assert names["scenario"] in joined and names["policy"] in joined


def test_report_shows_the_verdict_tables_scenario_and_manifest(results_dir):
    _, c = parse(results_dir / "report.html")
    joined = "".join(c.text)
    verdict = (results_dir / "verdict.txt").read_text().splitlines()[0]
    assert verdict in joined
    assert "Fill rate" in joined and "Δ Fill rate" in joined
    assert "suez_block" in joined and "TTS given a shortage" in joined
    # the decision section names the recommended policy, met target or not
    assert "Decision" in joined
    assert "Recommendation: " in joined or "No policy meets the target: " in joined
    assert "horizon_days: 150" in joined  # the resolved scenario
    assert "root_seed" in joined and "scenario_hash" in joined
