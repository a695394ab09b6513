"""Random streams derived from the root seed by stable keys (DESIGN §3).

``streams.generator("demand", site_id)`` gives the same numbers for the same (root seed,
replication, purpose, entity) on any machine, process or executor, and never touches global state.
Keys are hashed with BLAKE2 (Python's ``hash`` is salted per process and must not be used).
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np


@functools.lru_cache(maxsize=4096)
def stable_int(text: str) -> int:
    """A 32-bit integer that depends only on ``text``."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "little")


class Streams:
    """The random streams of one replication.

    ``point`` distinguishes design points of a sweep, so every task's numbers depend only on
    (root seed, point, replication, purpose, entity).
    """

    def __init__(self, root_seed: int, replication: int, point: int = 0):
        self.root_seed = int(root_seed)
        self.replication = int(replication)
        self.point = int(point)

    def seed_sequence(self, purpose: str, entity: str = "") -> np.random.SeedSequence:
        key = (self.point, self.replication, stable_int(purpose), stable_int(entity))
        return np.random.SeedSequence(self.root_seed, spawn_key=key)

    def generator(self, purpose: str, entity: str = "") -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.seed_sequence(purpose, entity)))
