"""`reroute: when_faster`: a shipment detours round a closure only when the detour is expected to
arrive before waiting for the reopening would.

Corridor (see test_transport): S →3.5→ P1 →10→ Suez →10→ P2 →2→ D (25.5 days); the Cape
alternative from P1 takes 20 + 15 + 2 = 37 days to D (40.5 from S).
"""

from __future__ import annotations

import pytest
from test_transport import by_dispatch, corridor, scheduled

from simulator import run_replication


def suez_closed(duration: float) -> dict:
    return {"suez": scheduled({"node": "suez"}, {"closed": True}, start=100, duration=duration)}


def test_a_short_closure_is_waited_out():
    ships = by_dispatch(
        run_replication(corridor(suez_closed(6), reroute="when_faster", cape=True), "single")
    )
    # Dispatched on day 97, at P1 on 100.5: the Cape would arrive at 100.5 + 37 = 137.5, waiting
    # for the reopening at 106 and going on via Suez arrives at 106 + 22 = 128: it waits.
    assert ships[97].arrived_at == pytest.approx(128.0)
    assert ships[97].rerouted == 0 and ships[97].chokepoints == ("suez",)
    # Dispatched during the closure (day 101): via the Cape 141.5, by waiting 131.5 → waits at P1.
    assert ships[101].arrived_at == pytest.approx(128.0)
    # With plain re-routing the same shipment goes round the Cape and arrives later.
    always = by_dispatch(
        run_replication(corridor(suez_closed(6), reroute=True, cape=True), "single")
    )
    assert always[97].arrived_at == pytest.approx(137.5)


def test_a_long_closure_is_detoured():
    ships = by_dispatch(
        run_replication(corridor(suez_closed(60), reroute="when_faster", cape=True), "single")
    )
    # At P1 on 100.5: the Cape arrives at 137.5, waiting would take until 160 + 22 = 182.
    assert ships[97].arrived_at == pytest.approx(137.5)
    assert ships[97].rerouted == 1 and ships[97].chokepoints == ("cape",)
    # Dispatched on day 101 from S: 101 + 40.5 = 141.5 via the Cape from the start.
    assert ships[101].arrived_at == pytest.approx(141.5)
    assert ships[101].chokepoints == ("cape",)
