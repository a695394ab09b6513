"""The value of each day of warning: the lead-time sweep on a hand-computable case."""

from __future__ import annotations

import pytest

from simulator import scenario_from_dict
from simulator.errors import UsageError
from simulator.experiment.warning_lead import warning_lead_sweep
from simulator.output.warning_folder import per_day, value_lines, write_warning_lead


@pytest.fixture
def plant(warned_plant):
    """The hand case of tests/conftest.py (``warned_plant_data``), as a scenario."""
    return lambda **kwargs: scenario_from_dict(warned_plant(**kwargs))


def test_a_day_of_warning_buys_the_whole_closure_here(plant):
    """20 extra days of cover (200 units) ordered ℓ ≥ 1 days ahead ship before S closes and
    cover the 160 units short; a warning on the day of the closure (ℓ = 0) comes too late: the
    extra order is held at S with the rest."""
    r = warning_lead_sweep(plant(), [0, 1, 5, 10], replications=2, jobs=1)
    ignored = r.replications[r.replications["warnings"] == "ignored"]
    assert set(ignored["policy"]) == {"p"}  # only policies that react are swept
    assert (ignored["unmet_demand"] == 160).all()
    v = r.value.set_index(["lead_days", "figure"])["mean"]
    assert v[(0.0, "unmet_demand")] == 0
    for lead in (1.0, 5.0, 10.0):
        assert v[(lead, "unmet_demand")] == -160
        assert v[(lead, "fill_rate")] > 0.1
    # Longer notice → the extra stock is held longer → it costs a little more to hold.
    assert v[(1.0, "cost_per_unit")] < v[(5.0, "cost_per_unit")] < v[(10.0, "cost_per_unit")]
    step = per_day(r.value, "p", "unmet_demand")
    assert step == (pytest.approx(-16.0), 0.0, 10.0)
    text = "\n".join(value_lines(r))
    assert "p, 1 days ahead" in text and "each day of warning" in text
    assert "0→1 d +11.429 pp/day; 1→5 d +0.000 pp/day" in text  # 16 of 140 days short, gone


def test_common_random_numbers_make_the_reference_independent_of_the_lead(tiny_data):
    tiny_data["disruptions"]["cn_outage"]["warning"] = {
        "probability": 0.8,
        "lead_days": {"dist": "uniform", "low": 2, "high": 8},
        "false_alarms_per_year": 2,
    }
    tiny_data["sourcing"]["backup"]["on_warning"] = {"switch": True}
    sc = scenario_from_dict(tiny_data)
    a = warning_lead_sweep(sc, [2, 6], replications=3, jobs=1, disruption="cn_outage")
    b = warning_lead_sweep(sc, [6, 4], replications=3, jobs=2, disruption="cn_outage")
    ref = a.replications[a.replications["warnings"] == "ignored"].reset_index(drop=True)
    ref_b = b.replications[b.replications["warnings"] == "ignored"].reset_index(drop=True)
    assert ref.equals(ref_b)  # same streams whatever leads are swept and however many workers
    six_a = a.replications[a.replications["lead_days"] == 6].drop(columns="lead_days")
    six_b = b.replications[b.replications["lead_days"] == 6].drop(columns="lead_days")
    assert six_a.reset_index(drop=True).equals(six_b.reset_index(drop=True))


def test_refuses_what_it_cannot_sweep(plant):
    with pytest.raises(UsageError, match="no disruption with a warning"):
        warning_lead_sweep(plant(warned=False), [1])
    with pytest.raises(UsageError, match="no policy of 'warned' reacts"):
        warning_lead_sweep(plant(on_warning=None), [1])
    with pytest.raises(UsageError, match="no disruption 'nope'"):
        warning_lead_sweep(plant(), [1], disruption="nope")
    with pytest.raises(UsageError, match="0 or more days"):
        warning_lead_sweep(plant(), [-1])


def test_written_folder_and_plot(plant, tmp_path):
    r = warning_lead_sweep(plant(), [0, 2], replications=2, jobs=1)
    out = write_warning_lead(r, tmp_path / "w")
    assert (out / "warning_value.csv").exists() and (out / "replications.csv").exists()
    assert (out / "plots" / "value_of_warning_days.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "each day of warning" in (out / "value_of_warning.txt").read_text()
