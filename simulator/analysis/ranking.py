"""Which policy is best where: the ranking behind a sweep's best-policy map (pure functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import HEADLINE


def best_policies(s: pd.DataFrame, by: list[str], figure: str = HEADLINE) -> pd.DataFrame:
    """Per group of ``by`` in a summary table: the policy with the highest mean ``figure``; ties
    (within 1e-9) go to the lower cost per unit, then to the policy listed first."""
    d = s[s["figure"] == figure].groupby([*by, "policy"], as_index=False, sort=False)["mean"]
    d = d.mean()
    cost = s[s["figure"] == "cost_per_unit"].groupby([*by, "policy"], sort=False)["mean"].mean()
    d["cost"] = [cost.get(tuple(r), np.nan) for r in d[[*by, "policy"]].itertuples(index=False)]
    d["order"] = range(len(d))
    rows = []
    for _, g in d.groupby(by, sort=True):
        top = g[g["mean"] >= g["mean"].max() - 1e-9]
        rows.append(top.sort_values(["cost", "order"], na_position="last").iloc[0])
    return pd.DataFrame(rows).drop(columns=["cost", "order"]).reset_index(drop=True)
