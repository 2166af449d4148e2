"""Lexicon audit: KWIC sample sheet and precision scoring (analysis.stats.audit)."""

from __future__ import annotations

import argparse
import math

import pandas as pd
import pytest

from analysis.cli import audit
from analysis.document.lexicon import parse_lexicon
from analysis.document.markers import find_markers
from analysis.stats.audit import AUDIT_COLUMNS, AuditError, audit_sheet, parse_relevant, score_audit

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
    monkeypatch.setattr(audit, "_load_docs", lambda corpus, **options: DOCS.assign(origin="x"))
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


# --------------------------------------------------------------------------- corpus options


def framing(argv: list[str]) -> int:
    from analysis.cli import main

    return main(argv)


@pytest.fixture
def ab_corpus(tmp_path):
    """A corpus whose manifest origins a/b need --origins a,b, and a one-frame lexicon."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2024-05-16 A win-win deal.")
    (corpus / "b.txt").write_text(" date 2024-05-17 Mutual trust grows.")
    (corpus / "sources.csv").write_text("file,outlet,origin\na.txt,Alpha,a\nb.txt,TASS,b\n")
    lex = tmp_path / "lex.toml"
    lex.write_text('[frames.coop]\nmarkers = ["win-win", "mutual trust"]\n')
    return corpus, lex


SHEET_AB = (
    "frame,marker,n_hits,doc_id,sent_id,start,end,left,match,right,relevant\n"
    "coop,mutual trust,1,b,0,0,12,,Mutual trust, grows.,\n"
    "coop,win-win,1,a,0,2,9,A ,win-win, deal.,\n"
)


def test_cli_audit_takes_origins(ab_corpus, tmp_path, capsys):
    corpus, lex = ab_corpus
    out = tmp_path / "sheet.csv"
    argv = ["audit", str(corpus), "--lexicon", str(lex), "--out", str(out)]
    assert framing(argv) == 2
    assert capsys.readouterr().err == (
        "framing: error: 2 problem(s) in the corpus:\n"
        f"{corpus / 'sources.csv'}:2: origin 'a' for 'a.txt' is not allowed "
        "(allowed: russian, chinese, third-party)\n"
        f"{corpus / 'sources.csv'}:3: origin 'b' for 'b.txt' is not allowed "
        "(allowed: russian, chinese, third-party)\n"
    )
    assert not out.exists()
    assert framing([*argv, "--origins", "a,b"]) == 0
    assert out.read_text() == SHEET_AB


def test_cli_audit_takes_table_options(tmp_path, capsys):
    table = tmp_path / "articles.csv"
    table.write_text(
        "body_text,day,source,bloc\n"
        "A win-win deal.,2024-05-16,Alpha,a\n"
        "Mutual trust grows.,2024-05-17,TASS,b\n"
        ",2024-05-18,TASS,b\n"
    )
    lex = tmp_path / "lex.toml"
    lex.write_text('[frames.coop]\nmarkers = ["win-win", "mutual trust"]\n')
    out = tmp_path / "sheet.csv"
    argv = ["audit", str(table), "--lexicon", str(lex), "--out", str(out)]
    assert framing(argv) == 2
    assert "body_text" in capsys.readouterr().err  # no text column recognised
    argv += ["--text-col", "body_text", "--date-col", "day", "--origin-col", "bloc"]
    argv += ["--origins", "a,b", "--on-bad-row", "skip"]
    assert framing(argv) == 0
    assert f"framing: skipped 1 bad row(s) of {table} (--on-bad-row skip)" in (
        capsys.readouterr().err
    )
    assert out.read_text() == (
        "frame,marker,n_hits,doc_id,sent_id,start,end,left,match,right,relevant\n"
        "coop,mutual trust,1,000002,0,0,12,,Mutual trust, grows.,\n"
        "coop,win-win,1,000001,0,2,9,A ,win-win, deal.,\n"
    )


def test_cli_audit_never_writes_over_its_inputs(ab_corpus, tmp_path, capsys):
    corpus, lex = ab_corpus
    manifest = (corpus / "sources.csv").read_bytes()
    base = ["audit", str(corpus), "--lexicon", str(lex), "--origins", "a,b", "--force"]
    assert framing([*base, "--out", str(corpus / "sources.csv")]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: output file {corpus / 'sources.csv'} lies inside the corpus "
        f"directory ({corpus}); write the output outside it\n"
    )
    assert framing([*base, "--out", str(lex)]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: output file {lex} is the lexicon itself ({lex}); choose another "
        "output path\n"
    )
    assert (corpus / "sources.csv").read_bytes() == manifest
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt", "b.txt", "sources.csv"]

    table = tmp_path / "t.csv"
    table.write_text("text,date,outlet\nA win-win deal.,2024-05-16,TASS\n")
    assert framing(["audit", str(table), "--out", str(table), "--force"]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: output file {table} is the corpus itself ({table}); choose another "
        "output path\n"
    )
    assert table.read_text() == "text,date,outlet\nA win-win deal.,2024-05-16,TASS\n"

    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET_AB.replace(",\ncoop", ",1\ncoop"))
    judged = sheet.read_bytes()
    assert framing(["audit", "--score", str(sheet), "--out", str(sheet)]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: output file {sheet} is the audit sheet itself ({sheet}); choose "
        "another output path\n"
    )
    assert sheet.read_bytes() == judged


def test_audit_and_analyze_share_the_corpus_options():
    from analysis.cli import build_parser
    from analysis.cli.options import CORPUS_HELP

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {
        name: {a.dest: (a.option_strings, a.help, a.default) for a in p._actions}
        for name, p in sub.choices.items()
    }
    shared = ["corpus", "outlets", "origins", "on_bad_row", "include_title"]
    shared += [f"{r}_col" for r in ("text", "date", "outlet", "origin", "id", "title")]
    for dest in shared:
        assert helps["audit"][dest] == helps["analyze"][dest], dest
    assert helps["audit"]["corpus"][1] == CORPUS_HELP
    assert CORPUS_HELP == (
        "directory of dated .txt articles, or a .csv, .jsonl/.ndjson or .parquet table with one "
        "row per article"
    )
