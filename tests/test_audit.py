"""Lexicon audit: KWIC sample sheet and precision scoring (analysis.audit)."""

from __future__ import annotations

import argparse
import math

import pandas as pd
import pytest

from analysis import audit
from analysis.audit import AUDIT_COLUMNS, AuditError, audit_sheet, parse_relevant, score_audit
from analysis.lexicon import parse_lexicon
from analysis.markers import find_markers

LEX = parse_lexicon(
    {"frames": {"coop": {"markers": ["win-win", "mutual trust"]}, "heg": {"markers": ["hegemon*"]}}}
)
DOCS = pd.DataFrame(
    {
        "doc_id": ["d1", "d2"],
        "text": [
            "win-win one. win-win two. win-win three. Hegemony.",
            "win-win four. win-win five. Mutual trust.",
        ],
    }
)


@pytest.fixture(scope="module")
def matches() -> pd.DataFrame:
    return find_markers(DOCS, LEX)


def test_sheet_takes_all_hits_when_few(matches):
    sheet = audit_sheet(matches, DOCS, per_marker=20, window=5)
    assert list(sheet.columns) == list(AUDIT_COLUMNS)
    assert sheet[["frame", "marker", "n_hits", "doc_id", "start", "match"]].values.tolist() == [
        ["coop", "mutual trust", 1, "d2", 28, "Mutual trust"],
        ["coop", "win-win", 5, "d1", 0, "win-win"],
        ["coop", "win-win", 5, "d1", 13, "win-win"],
        ["coop", "win-win", 5, "d1", 26, "win-win"],
        ["coop", "win-win", 5, "d2", 0, "win-win"],
        ["coop", "win-win", 5, "d2", 14, "win-win"],
        ["heg", "hegemon*", 1, "d1", 41, "Hegemony"],
    ]
    assert sheet.loc[2, "left"] == "one. " and sheet.loc[2, "right"] == " two."
    assert (sheet["relevant"] == "").all()


def test_sheet_samples_per_marker_deterministically(matches):
    a = audit_sheet(matches, DOCS, per_marker=2, seed=0)
    b = audit_sheet(matches, DOCS, per_marker=2, seed=0)
    pd.testing.assert_frame_equal(a, b)
    win = a[a["marker"] == "win-win"]
    assert win[["doc_id", "start"]].values.tolist() == [["d1", 26], ["d2", 0]]
    assert win["n_hits"].tolist() == [5, 5]
    assert len(a) == 4  # 2 win-win + mutual trust + hegemon*
    other = audit_sheet(matches, DOCS, per_marker=2, seed=7)
    assert other[other["marker"] == "win-win"][["doc_id", "start"]].values.tolist() == [
        ["d1", 0],
        ["d2", 0],
    ]


def test_sample_is_stable_when_documents_are_added(matches):
    a = audit_sheet(matches, DOCS, per_marker=2, seed=0)
    one_doc = DOCS.iloc[:1]
    b = audit_sheet(find_markers(one_doc, LEX), one_doc, per_marker=2, seed=0)
    # d1 alone keeps its lowest-ranked hits; with d2 added, the kept d1 hit is one of them
    kept_a = set(map(tuple, a[a["doc_id"] == "d1"][["marker", "start"]].values.tolist()))
    kept_b = set(map(tuple, b[["marker", "start"]].values.tolist()))
    assert kept_a <= kept_b


def test_sheet_bad_and_empty_input(matches):
    empty = audit_sheet(matches.iloc[:0], DOCS)
    assert list(empty.columns) == list(AUDIT_COLUMNS) and len(empty) == 0
    with pytest.raises(ValueError, match="per_marker must be >= 1"):
        audit_sheet(matches, DOCS, per_marker=0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        (" Yes ", True),
        ("y", True),
        ("TRUE", True),
        (1, True),
        (True, True),
        (1.0, True),
        ("0", False),
        ("n", False),
        ("No", False),
        ("false", False),
        (0, False),
        ("", None),
        ("  ", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_parse_relevant(value, expected):
    assert parse_relevant(value) is expected


@pytest.mark.parametrize("value", ["maybe", "2", 2, "?", "yess"])
def test_parse_relevant_rejects(value):
    with pytest.raises(ValueError):
        parse_relevant(value)


def sheet_of(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"frame": f, "marker": m, "n_hits": n, "doc_id": "d", "relevant": r}
            for f, m, n, r in rows
        ]
    )


def test_score_marker_and_frame_precision():
    sheet = sheet_of(
        [
            ("coop", "win-win", 10, "1"),
            ("coop", "win-win", 10, "yes"),
            ("coop", "win-win", 10, "0"),
            ("coop", "win-win", 10, ""),  # not judged
            ("coop", "mutual trust", 2, "n"),
            ("coop", "mutual trust", 2, "n"),
            ("heg", "hegemon*", 1, "true"),
            ("sov", "sovereignty", 3, ""),
        ]
    )
    s = score_audit(sheet)
    assert s[["level", "frame", "marker", "n_hits", "n_judged", "n_relevant"]].values.tolist() == [
        ["marker", "coop", "mutual trust", 2, 2, 0],
        ["marker", "coop", "win-win", 10, 3, 2],
        ["marker", "heg", "hegemon*", 1, 1, 1],
        ["marker", "sov", "sovereignty", 3, 0, 0],
        ["frame", "coop", "", 12, 5, 2],
        ["frame", "heg", "", 1, 1, 1],
        ["frame", "sov", "", 3, 0, 0],
    ]
    p = s["precision"].tolist()
    assert p[0] == 0.0
    assert p[1] == pytest.approx(2 / 3)
    assert p[2] == 1.0
    assert math.isnan(p[3])
    # frame: (10 * 2/3 + 2 * 0) / 12, not the pooled 2/5
    assert p[4] == pytest.approx(10 * (2 / 3) / 12)
    assert p[5] == 1.0
    assert math.isnan(p[6])
    # Wilson 95%: 0/2 -> [0, z²/(2+z²)]; 1/1 -> [0.2065, 1]
    assert s.loc[0, "ci_low"] == 0.0 and s.loc[0, "ci_high"] == pytest.approx(0.65762, abs=1e-5)
    assert s.loc[2, "ci_low"] == pytest.approx(0.20654, abs=1e-5) and s.loc[2, "ci_high"] == 1.0
    assert s.loc[1, "ci_low"] == pytest.approx(0.20765, abs=1e-5)
    assert s.loc[1, "ci_high"] == pytest.approx(0.93851, abs=1e-5)
    assert s.loc[3:, "ci_low"].isna().all()  # nothing judged / frame rows: no interval


def test_score_without_n_hits_counts_sheet_rows():
    sheet = sheet_of([("a", "x", 0, "1"), ("a", "x", 0, "0"), ("a", "y", 0, "1")])
    s = score_audit(sheet.drop(columns="n_hits"))
    assert s[["marker", "n_hits", "precision"]].values.tolist() == [
        ["x", 2, 0.5],
        ["y", 1, 1.0],
        ["", 3, pytest.approx((2 * 0.5 + 1 * 1.0) / 3)],
    ]


def test_score_errors_name_the_row():
    sheet = sheet_of([("a", "x", 1, "1"), ("a", "y", 1, "maybe")])
    with pytest.raises(
        AuditError, match=r"row 2 \(CSV line 3; doc_id=d, frame=a, marker=y\).*'maybe'"
    ):
        score_audit(sheet)
    with pytest.raises(AuditError, match="lacks column.*relevant"):
        score_audit(sheet.drop(columns="relevant"))


# --------------------------------------------------------------------------- CLI


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="framing")
    audit.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_sheet_then_score(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(audit, "_load_docs", lambda corpus: DOCS.assign(origin="x"))
    lex = tmp_path / "lex.toml"
    lex.write_text(
        '[frames.coop]\nmarkers = ["win-win", "mutual trust"]\n'
        '[frames.heg]\nmarkers = ["hegemon*"]\n'
    )
    out = tmp_path / "audit.csv"
    argv = ["audit", "corpus", "--lexicon", str(lex), "--out", str(out), "--per-marker", "2"]
    assert cli(argv) == 0
    first = out.read_bytes()
    assert (
        first.splitlines()[0]
        == b"frame,marker,n_hits,doc_id,sent_id,start,end,left,match,right,relevant"
    )
    assert len(first.splitlines()) == 5
    # never overwrite a sheet that may hold judgements
    assert cli(argv) == 2
    assert "already exists" in capsys.readouterr().err
    assert cli([*argv, "--force"]) == 0
    assert out.read_bytes() == first

    sheet = pd.read_csv(out, dtype=str, keep_default_na=False)
    sheet["relevant"] = ["1", "y", "0", ""]
    sheet.to_csv(out, index=False)
    scores = tmp_path / "precision.csv"
    assert cli(["audit", "--score", str(out), "--out", str(scores)]) == 0
    printed = capsys.readouterr().out
    assert "win-win" in printed and "precision" in printed
    s = pd.read_csv(scores, keep_default_na=False)
    assert s[["level", "frame", "marker", "n_judged", "n_relevant"]].values.tolist() == [
        ["marker", "coop", "mutual trust", 1, 1],
        ["marker", "coop", "win-win", 2, 1],
        ["marker", "heg", "hegemon*", 0, 0],
        ["frame", "coop", "", 3, 2],
        ["frame", "heg", "", 0, 0],
    ]


def test_cli_usage_errors(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    sheet_of([("a", "x", 1, "perhaps")]).to_csv(bad, index=False)
    assert cli(["audit", "--score", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "'perhaps' is not understood" in err
    assert cli(["audit", "corpus", "--score", str(bad)]) == 2
    assert cli(["audit"]) == 2
    assert cli(["audit", "corpus"]) == 2
    assert "--out" in capsys.readouterr().err
    assert cli(["audit", "--score", str(tmp_path / "missing.csv")]) == 2
