"""Command-line values checked as argparse reads them: a bad one stops with exit status 2 and a
message naming the flag (``argument --seed: must be a whole number >= 0, got '-1'``), before any
file is read."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from ..errors import shorten

MAX_SEED = 2**63 - 1
"""The largest root seed (the scenario's ``seed`` field has the same bound)."""


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number, got '{shorten(text, 40)}'"
            ) from None
        if value < low or (high is not None and value > high):
            bound = f">= {low}" if high is None else f"between {low} and {high}"
            raise argparse.ArgumentTypeError(
                f"must be a whole number {bound}, got {shorten(text, 40)}"
            )
        return value

    parse.__name__ = "whole number"
    return parse


def number(low: float, high: float, open_low: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in [low, high] (or (low, high] with ``open_low``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got '{shorten(text, 40)}'"
            ) from None
        below = value <= low if open_low else value < low
        if not math.isfinite(value) or below or value > high:
            lo = "above" if open_low else "from"
            raise argparse.ArgumentTypeError(
                f"must be a number {lo} {low:g} up to {high:g}, got {shorten(text, 40)}"
            )
        return value

    parse.__name__ = "number"
    return parse


def add_scenario_options(p: argparse.ArgumentParser) -> None:
    """The options every verb that reads a scenario file shares."""
    p.add_argument(
        "--allow-extends-outside",
        action="store_true",
        help="let 'extends:' name base files outside the scenario's folder (only for files "
        "you trust; by default a scenario may extend only files in its folder or below)",
    )


def out_path(text: str) -> Path:
    """An argparse type for --out: a path without NUL characters."""
    if not text or "\0" in text:
        raise argparse.ArgumentTypeError("give a folder name")
    return Path(text)


SEED = whole(0, MAX_SEED)
REPLICATIONS = whole(1, 1_000_000)
JOBS = whole(1, 4096)
