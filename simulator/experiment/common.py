"""What a run, a sweep and the searches share: choosing the policies, the progress bar and
the fingerprint of a resumable batch."""

from __future__ import annotations

import difflib
import hashlib
import json
import sys
from typing import Any

from ..errors import UsageError
from ..scenario.schema import Scenario
from .parameters import scenario_data


def check_policies(sc: Scenario, policies: list[str] | None) -> list[str]:
    """The policies to run, in the order given (default: all, in the scenario's order); an
    unknown name is a UsageError with a did-you-mean."""
    if not policies:
        return list(sc.sourcing)
    for p in policies:
        if p not in sc.sourcing:
            close = difflib.get_close_matches(p, list(sc.sourcing), n=1)
            hint = f" — did you mean '{close[0]}'?" if close else ""
            raise UsageError(
                f"--policy: unknown policy '{p}'{hint} (the scenario has: {', '.join(sc.sourcing)})"
            )
    return list(dict.fromkeys(policies))


def progress_bar(total: int, enabled: bool, desc: str):
    """A tqdm bar of ``total`` tasks on stderr (a silent one when not ``enabled``)."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        disable=not enabled,
        desc=desc,
        unit="rep",
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )


def settings_fingerprint(sc: Scenario, **settings: Any) -> str:
    """A stable hash of a scenario and the settings of a batch of runs: a resumable store keeps
    its finished work only while this stays the same."""
    blob = json.dumps({"scenario": scenario_data(sc), **settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()
