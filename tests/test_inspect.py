"""framing inspect (analysis.read.inspect, analysis.cli.inspect)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.read.corpus import CorpusError
from analysis.read.dateorder import DateFormat
from analysis.read.inspect import BadRowGroup, OutletCount, RoleChoice, inspect_corpus

# A small export with each kind of problem: month-first dates in two formats and one that
# is no date, a name known only by normalisation, a domain as the name, an unknown outlet
# (whose URL suggests a country), an empty text, an outlet known only by its URL, and two
# rows with the same text.
ROWS = [
    ("XINHUA English", "02/28/2022", "https://english.news.cn/1", "Xi met Putin."),
    ("TASS", "03/01/2022", "https://tass.com/2", "Same text."),
    ("tass.com", "Mar 2, 2022", "https://tass.com/3", "Same text."),
    ("Ria Vesti", "Mar 2, 2022", "https://vesti-ria.ru/4", "Unknown."),
    ("TASS", "someday", "https://tass.com/5", "Bad date."),
    ("TASS", "03/03/2022", "https://tass.com/6", "   "),
    ("", "03/04/2022", "https://www.globaltimes.cn/7", "By domain."),
]
HEADER = ["Source Name", "Date", "Original URL", "Title", "Content"]


def export(tmp_path: Path, rows=ROWS) -> Path:
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i, (source, date, url, text) in enumerate(rows, start=1):
            w.writerow([source, date, url, f"T{i}", text])
    return path


def test_inspection_of_an_export_with_every_kind_of_problem(tmp_path):
    ins = inspect_corpus(export(tmp_path))
    assert (ins.kind, ins.format, ins.n_rows, ins.n_documents) == ("table", "csv", 7, 4)
    assert not ins.runnable and ins.problems == ()
    assert ins.columns[:3] == (
        RoleChoice("text", "Content", "its name matches 'content'"),
        RoleChoice("date", "Date", "its name matches 'date'"),
        RoleChoice("outlet", "Source Name", "its name matches 'source_name'"),
    )
    assert ins.columns[3] == RoleChoice("origin", None, "no column named origin")
    assert [c.column for c in ins.columns[4:]] == ["Original URL", "Original URL", "Title", None]
    assert ins.samples[1] == (
        ("Content", "Same text."),
        ("Date", "03/01/2022"),
        ("Source Name", "TASS"),
        ("Original URL", "https://tass.com/2"),
        ("Title", "T2"),
    )
    assert ins.date_order == "month-first: row 1 '02/28/2022' has its second field over 12"
    assert ins.date_formats == (
        DateFormat("MM/DD/YYYY", 4, "02/28/2022", 1),
        DateFormat("Mon DD, YYYY", 2, "Mar 2, 2022", 3),
        DateFormat("someday", 1, "someday", 5, readable=False),
    )
    assert ins.outlets == (
        OutletCount("Global Times", "chinese", "CN", "domain", 1),
        OutletCount("TASS", "russian", "RU", "domain", 1),
        OutletCount("TASS", "russian", "RU", "name", 1),
        OutletCount("Xinhua", "chinese", "CN", "name", 1),
    )
    (unknown,) = ins.unknown_outlets
    assert (unknown.name, unknown.n_rows, unknown.domain) == ("Ria Vesti", 1, "vesti-ria.ru")
    assert unknown.suggestion == (
        '[outlets."Ria Vesti"]\n'
        'country = "RU"   # from the domain vesti-ria.ru\n'
        'affiliation = "other"   # check and cite a source\n'
        'domains = ["vesti-ria.ru"]\n'
    )
    assert ins.bad_rows == (
        BadRowGroup(
            "bad_date",
            ("Date",),
            1,
            (
                "row 5 (id 'https://tass.com/5'): unparsable date 'someday' (not a date in a known "
                "form)",
            ),
        ),
        BadRowGroup(
            "empty_text", ("Content",), 1, ("row 6 (id 'https://tass.com/6'): empty text",)
        ),
    )
    assert ins.counts() == {"bad_date": 1, "empty_text": 1, "unknown_outlet": 1}
    assert (ins.n_bad_rows, ins.n_duplicates) == (3, 1)


def test_inspection_text(tmp_path):
    path = export(tmp_path)
    text = inspect_corpus(path).to_text()
    lines = text.splitlines()
    assert lines[0] == f"{path}: table (csv), 7 row(s), 4 document(s) analyze would read"
    assert "  outlet  'Source Name': its name matches 'source_name'" in lines
    assert lines[lines.index("sample rows:") + 1] == (
        "  row 1: Content='Xi met Putin.', Date='02/28/2022', Source Name='XINHUA English', "
        "Original URL='https://english.news.cn/1', Title='T1'"
    )
    start = lines.index(
        "dates (column 'Date'); day/month order: month-first: row 1 '02/28/2022' has its "
        "second field over 12"
    )
    assert lines[start + 1 : start + 4] == [
        "          4  MM/DD/YYYY  (e.g. row 1: '02/28/2022')",
        "          2  Mon DD, YYYY  (e.g. row 3: 'Mar 2, 2022')",
        "          1  someday  (not a date: e.g. row 5: 'someday')",
    ]
    assert lines[start + 4 :] == [
        "outlets of the documents (origin, country, found by):",
        "          1  Global Times  (chinese, CN, domain)",
        "          1  TASS  (russian, RU, domain)",
        "          1  TASS  (russian, RU, name)",
        "          1  Xinhua  (chinese, CN, name)",
        "unknown outlets (1 row(s), not in the registry, no origin):",
        "          1  'Ria Vesti'; domain vesti-ria.ru",
        "  entries to check and paste into a TOML file passed with --outlets FILE.toml:",
        '    [outlets."Ria Vesti"]',
        '    country = "RU"   # from the domain vesti-ria.ru',
        '    affiliation = "other"   # check and cite a source',
        '    domains = ["vesti-ria.ru"]',
        "bad rows: 3 (bad_date 1, empty_text 1, unknown_outlet 1)",
        "  bad_date in column 'Date': 1 row(s)",
        "    row 5 (id 'https://tass.com/5'): unparsable date 'someday' (not a date in a known "
        "form)",
        "  empty_text in column 'Content': 1 row(s)",
        "    row 6 (id 'https://tass.com/6'): empty text",
        "exact duplicates: 1 document(s) (kept; flagged in duplicate_of)",
        "framing analyze would stop:",
        "  3 bad row(s) (above); --on-bad-row skip skips them and lists every one in skipped.csv",
    ]


def test_exit_status_says_whether_analyze_would_run_and_nothing_is_written(tmp_path, capsys):
    path = export(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["inspect", str(path)]) == 2
    assert capsys.readouterr().out.splitlines()[-1].startswith("  3 bad row(s) (above)")
    assert main(["inspect", str(path), "--on-bad-row", "skip"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "framing analyze would run, skipping 3 bad row(s)."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_problems_that_stop_analyze_before_the_rows(tmp_path):
    rows = [("TASS", "02/03/2022", "https://tass.com/1", "One."), *ROWS[1:2]]
    path = export(tmp_path, rows)
    ins = inspect_corpus(path)
    assert (
        ins.date_order == "error: no day over 12 tells the order; pass --dayfirst or --monthfirst"
    )
    assert ins.problems == (
        f"{path}: column 'Date' has 2 numeric date(s) such as row 1 '02/03/2022' and no day over "
        "12 that tells whether the day or the month comes first; pass --dayfirst or --monthfirst",
    )
    assert not ins.runnable
    ins = inspect_corpus(path, date_order="dayfirst")
    assert (ins.runnable, ins.date_order, ins.n_documents) == (True, "day-first (given)", 2)
    missing = inspect_corpus(path, text_col="body")
    assert not missing.runnable and "--text-col 'body' is not a column" in missing.problems[0]
    assert missing.columns[0] == RoleChoice("text", None, "given (--text-col 'body')")


def test_a_directory_is_inspected_too():
    ins = inspect_corpus(SEEDS_DIR)
    assert (ins.kind, ins.n_rows, ins.n_documents, ins.runnable) == ("directory", 5, 5, True)
    assert ins.outlets == (
        OutletCount("TASS", "russian", "RU", "column", 3),
        OutletCount("Chinese MFA", "chinese", "CN", "column", 1),
        OutletCount("MENAFN", "third-party", "JO", "column", 1),
    )
    with pytest.raises(CorpusError, match="neither a table file nor a corpus directory"):
        inspect_corpus(SEEDS_DIR / "missing")
