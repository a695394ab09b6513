"""Several sites competing for the same suppliers: per-site figures beside the totals."""

from __future__ import annotations

import copy

import pytest

import simulator
from simulator import scenario_from_dict


def two_sites(data: dict) -> dict:
    dc2 = copy.deepcopy(data["nodes"]["dc"])
    dc2["demand"] = {"kind": "daily", "quantity": {"dist": "poisson", "mean": 20}}
    data["nodes"]["dc2"] = dc2
    data["legs"]["rtm_dc2"] = {
        "from": "rotterdam",
        "to": "dc2",
        "mode": "road",
        "transit_days": 2,
        "cost_per_unit": 0.5,
    }
    return data


def test_per_site_figures_add_up_to_the_totals(tiny_data, tmp_path):
    sc = scenario_from_dict(two_sites(tiny_data))
    res = simulator.run(sc, replications=3, jobs=1)
    sites = res.sites
    assert set(sites["site"]) == {"dc", "dc2"} and len(sites) == 3 * 3 * 2
    by_rep = sites.groupby(["policy", "replication"])["unmet_demand"].sum()
    tot = res.replications.set_index(["policy", "replication"])["unmet_demand"]
    assert (by_rep - tot.loc[by_rep.index]).abs().max() == pytest.approx(0)
    assert {"site:dc", "site:dc2"} <= set(res.summary["scope"])
    folder = simulator.write_run(res, tmp_path / "r", report=False)
    assert (folder / "sites.csv").read_text().count("\n") == len(sites) + 1


def test_one_site_has_no_site_scopes(tiny):
    res = simulator.run(tiny, replications=2, jobs=1)
    assert not any(str(s).startswith("site:") for s in res.summary["scope"])


def test_report_with_two_sites_lists_only_disruptions_as_disruptions(tiny_data, tmp_path):
    sc = scenario_from_dict(two_sites(tiny_data))
    folder = simulator.write_run(simulator.run(sc, replications=2, jobs=1), tmp_path / "r")
    html = (folder / "report.html").read_text()
    assert "suez_block" in html
    assert "<b>site:dc</b>" not in html
