"""Failure cases: the elements that can fail, effects, and the scenario's own plausibility."""

from __future__ import annotations

import math

import pytest

from simulator.errors import UsageError
from simulator.experiment.failures import (
    Element,
    ElementKind,
    Failure,
    element_probability,
    elements,
    failure_scenario,
    own_mean_duration,
    parse_effect,
    parse_element_kinds,
    parse_label,
)
from simulator.scenario.loader import validate_data


def test_elements_of_each_kind(tiny):
    labels = lambda kinds: [e.label for e in elements(tiny, kinds)]  # noqa: E731
    assert labels([ElementKind.NODES]) == [
        "node:cn",
        "node:vn",
        "node:port_cn",
        "node:port_vn",
        "node:rotterdam",
    ]  # no site, no chokepoint
    assert labels([ElementKind.CHOKEPOINTS]) == ["chokepoint:suez", "chokepoint:cape"]
    # The site's country (NL) is also Rotterdam's, so it stays; a site-only country would not.
    assert labels([ElementKind.COUNTRIES]) == [
        "country:CN",
        "country:VN",
        "country:EG",
        "country:ZA",
        "country:NL",
    ]
    assert len(labels([ElementKind.LEGS])) == len(tiny.legs)
    assert Element(ElementKind.CHOKEPOINTS, "suez").target == {"node": "suez"}
    assert parse_label("country:CN") == Element(ElementKind.COUNTRIES, "CN")
    with pytest.raises(UsageError):
        parse_label("planet:mars")


def test_kinds_and_effects_from_the_command_line():
    assert parse_element_kinds(None) == [
        ElementKind.NODES,
        ElementKind.LEGS,
        ElementKind.COUNTRIES,
    ]
    assert parse_element_kinds("tags, legs,tags") == [ElementKind.TAGS, ElementKind.LEGS]
    with pytest.raises(UsageError, match="unknown kind 'ports'"):
        parse_element_kinds("nodes,ports")
    assert parse_effect(None) == {"closed": True}
    assert parse_effect(["capacity_factor=0.3", "extra_days=4"]) == {
        "capacity_factor": 0.3,
        "extra_days": 4,
    }
    with pytest.raises(UsageError, match="capacity_factor"):
        parse_effect(["capacity_factor=3"])
    with pytest.raises(UsageError, match="--effect"):
        parse_effect(["sunk=true"])


def test_failure_scenario_replaces_or_keeps_the_own_disruptions(tiny):
    f = Failure((Element(ElementKind.LEGS, "rtm_dc"),), 50, 10)
    alone = failure_scenario(tiny, f, {"closed": True}, keep_disruptions=False)
    assert list(alone.disruptions) == ["stress_1"]
    d = alone.disruptions["stress_1"]
    assert d.target.leg == "rtm_dc" and d.timing.start_day == 50 and d.effect.closed
    kept = failure_scenario(tiny, f, {"closed": True}, keep_disruptions=True)
    assert set(kept.disruptions) == {*tiny.disruptions, "stress_1"}


def test_own_duration_and_plausibility(tiny_data):
    sc = validate_data(tiny_data)
    cn = Element(ElementKind.NODES, "cn")
    # cn is hit by the China outage (a country target): uniform 10–40 days, mean 25.
    assert own_mean_duration(sc, cn) == 25
    assert own_mean_duration(sc, Element(ElementKind.CHOKEPOINTS, "suez")) == 6  # scheduled
    assert math.isnan(own_mean_duration(sc, Element(ElementKind.LEGS, "rtm_dc")))
    # Scheduled: certain if at least as long; random: 1 − exp(−rate × P(duration ≥ d)) with
    # rate = 365 / (MTTF + mean duration) per year.
    assert element_probability(sc, Element(ElementKind.CHOKEPOINTS, "suez"), 6) == 1.0
    assert element_probability(sc, Element(ElementKind.LEGS, "rtm_dc"), 1) == 0.0
    rate = 365 / (90 + 25)
    for d, tail in ((10, 1.0), (25, 0.5), (34, 0.2), (40, 0.0)):
        expected = 1 - math.exp(-rate * tail)
        # The tail is estimated from 4000 seeded draws: allow 4 of its standard errors.
        se = math.sqrt(tail * (1 - tail) / 4000) * rate * math.exp(-rate * tail)
        assert element_probability(sc, cn, d) == pytest.approx(expected, abs=4 * se + 1e-12)
