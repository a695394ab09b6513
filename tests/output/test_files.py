"""Atomic writes of tables: a CSV written in chunks is the same bytes as pandas' own."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.output import files
from simulator.output.files import table_csv, write_atomic


def _table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "policy": [f"p{i % 3}" for i in range(rows)],
            "replication": np.arange(rows),
            "fill_rate": rng.random(rows),
            "tts_days": np.where(rng.random(rows) < 0.3, np.nan, rng.random(rows) * 40),
            "censored": rng.random(rows) < 0.5,
        }
    )


def test_a_table_in_chunks_is_the_same_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CSV_CHUNK_ROWS", 7)
    df = _table(100)
    want = df.to_csv(index=False)
    assert table_csv(df) == want
    table_csv(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text() == want
    write_atomic(tmp_path / "a.csv", df)
    assert (tmp_path / "a.csv").read_text() == want
    assert want.count("\n") == 101


def test_an_empty_table_is_its_header():
    assert table_csv(pd.DataFrame(columns=["a", "b"])) == "a,b\n"
