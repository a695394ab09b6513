"""Fixtures of the weak-point tests (networks in :mod:`conftest_weak`)."""

from __future__ import annotations

import copy

import pytest
from conftest_weak import HAND4, HUB


@pytest.fixture
def hand4_data() -> dict:
    return copy.deepcopy(HAND4)


@pytest.fixture
def hub_data() -> dict:
    return copy.deepcopy(HUB)
