"""The discrete-event model (SimPy): suppliers, transport, sites, disruptions. No I/O here."""

from .calendar import Episode, draw_calendar
from .randomness import Streams
from .replication import ReplicationModel, run_replication
from .results import ReplicationResult

__all__ = [
    "Episode",
    "ReplicationModel",
    "ReplicationResult",
    "Streams",
    "draw_calendar",
    "run_replication",
]
