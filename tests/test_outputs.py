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


def _pandas_bytes(df, path):
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
    return path.read_bytes()


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame(
            {
                "s": pd.array(["x,y", 'q"z', "l\nm", None, "", " s ", "é"], dtype="str"),
                "f": [1e-300, float("nan"), 1e16, -0.0, 1 / 3, float("inf"), 2.0],
                "i": [1, -2, 3, 4, 5, 6, 2**40],
                "o": pd.Series(["a", None, "c", "d", "e", "f", "g"], dtype=object),
            }
        ),
        pd.DataFrame({"only": [""]}),  # a row of one empty field is written as ""
        pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float64")}),
        # not handled directly (booleans, dates): pandas writes them
        pd.DataFrame({"b": [True, False], "d": pd.to_datetime(["2024-01-02", None])}),
    ],
)
def test_write_csv_same_bytes_as_pandas(tmp_path, df):
    from analysis.outputs import write_csv

    write_csv(df, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == _pandas_bytes(df, tmp_path / "pandas.csv")


def test_write_csv_exact_bytes(tmp_path):
    from analysis.outputs import write_csv

    df = pd.DataFrame({"t": pd.array(['a "b"', None], dtype="str"), "x": [0.1, float("nan")]})
    write_csv(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b't,x\n"a ""b""",0.1\n,\n'
