"""Deterministic, all-or-nothing output writing (analysis.outputs)."""

import pandas as pd
import pytest

from analysis.outputs import atomic_dir, write_tables


def test_write_tables_bytes(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x,y", None], "c": [0.5, float("nan")]})
    write_tables(tmp_path / "out", {"t": df}, {"z": 1, "a": [1]})
    assert (tmp_path / "out" / "t.csv").read_bytes() == b'a,b,c\n1,"x,y",0.5\n2,,\n'
    assert (tmp_path / "out" / "provenance.json").read_text() == (
        '{\n  "a": [\n    1\n  ],\n  "z": 1\n}\n'
    )


def test_failure_leaves_existing_output_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.csv").write_text("old\n")
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "half.csv").write_text("partial")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["keep.csv"]


def test_success_replaces_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.csv").write_text("old\n")
    write_tables(out, {"new": pd.DataFrame({"x": [1]})})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["new.csv"]
