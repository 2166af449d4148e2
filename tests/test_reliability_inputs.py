"""Reliability (issue 16): hostile inputs — lone surrogates, out-of-range date-times, named
pipes and devices, symbolic link loops, file names that are not UTF-8, unreadable files.

Each test reproduces one reported break (it failed before the fix it pins), unless its
docstring says it pins behaviour that was already right.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import analyze, rows

from analysis.read.corpus import CorpusError
from analysis.read.table import read_table


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_lone_surrogates_in_jsonl_are_bad_rows_naming_the_row(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"id": "a", "date": "2024-01-01", "outlet": "TASS", "text": "\\ud800 friendship"}\n'
        '{"id": "b\\udc00", "date": "2024-01-01", "outlet": "TASS", "text": "Fine."}\n'
        '{"id": "c", "date": "2024-01-01", "outlet": "TASS", "text": "Fine text."}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert str(e.value).splitlines() == [
        f"{path}: bad_cell in column 'text', 'id': 2 row(s):",
        "  row 1 (id 'a'): the text cell holds a lone surrogate (U+D800), which is not "
        "Unicode text; fix the escape in the export",
        "  row 2 (id 'b\\\\udc00'): the id cell holds a lone surrogate (U+DC00), which is not "
        "Unicode text; fix the escape in the export",
    ]
    out = tmp_path / "out"
    assert analyze(path, "--out", out, "--no-cache", "--on-bad-row", "skip") == 0
    assert [(r["row"], r["doc_id"], r["column"]) for r in rows(out / "skipped.csv")] == [
        ("1", "a", "text"),
        ("2", "b\\udc00", "id"),
    ]
    assert [r["doc_id"] for r in rows(out / "documents.csv")] == ["c"]


@pytest.mark.parametrize(
    ("value", "shifted"),
    [("0001-01-01T00:00:00+05:00", "before"), ("9999-12-31T23:00:00-05:00", "after")],
)
def test_date_times_whose_utc_date_leaves_years_1_to_9999_are_bad_rows(tmp_path, value, shifted):
    path = tmp_path / "t.csv"
    path.write_text(
        f"id,date,outlet,text\na,{value},TASS,Text one.\nb,2024-01-01,TASS,Text two.\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert str(e.value).splitlines() == [
        f"{path}: bad_date in column 'date': 1 row(s):",
        f"  row 1 (id 'a'): unparsable date {value!r} (its UTC date falls {shifted} the "
        "years 1–9999)",
    ]
    table = read_table(path, on_bad_row="skip")
    assert [d.doc_id for d in table] == ["b"]
    assert list(table.skipped["reason"]) == ["bad_date"]


def test_the_utc_shift_at_the_edges_of_the_calendar_is_exact():
    """Dates next to the limits still shift (pinned: right before the fix too)."""
    from analysis.read.dates import parse_date

    assert parse_date("0001-01-01T05:00:00+05:00") == "0001-01-01"
    assert parse_date("9999-12-31T18:59:00-05:00") == "9999-12-31"
    assert parse_date("2024-01-01T23:30:00-05:00") == "2024-01-02"
