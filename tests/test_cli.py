"""End-to-end: ``framing analyze`` on the seeds and on bad input (analysis.cli)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR

TABLES = [
    "actor_sentiment.csv",
    "amplification.csv",
    "documents.csv",
    "frame_rates.csv",
    "keyness.csv",
    "marker_sentiment.csv",
    "markers.csv",
    "matches.csv",
    "provenance.json",
    "quotes.csv",
    "rate_models.csv",
    "rate_trends.csv",
    "reuse.csv",
    "sentences.csv",
    "terms.csv",
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    assert main(["analyze", str(SEEDS_DIR), "--out", str(out), "--no-progress", "--no-cache"]) == 0
    return out


def test_writes_every_table(seeds_out):
    assert sorted(p.name for p in seeds_out.iterdir()) == TABLES


# The documented header of every CSV (README "Output tables"), written out literally.
HEADERS = {
    "documents.csv": "doc_id,file,outlet,origin,affiliation,title,date,n_tokens,n_sentences,"
    "sentiment,share_positive,share_negative,duplicate_of,sha256,date_precision,country,"
    "outlet_source,n_tokens_narrator,n_tokens_quote,n_tokens_reported,reuse_cluster,first_in_cluster",
    "terms.csv": "doc_id,term,count",
    "sentences.csv": "doc_id,sent_id,start,end,text,compound,pos,neu,neg,voice,mixed,speaker",
    "matches.csv": "doc_id,sent_id,frame,marker,start,end,text,voice,speaker",
    "markers.csv": "doc_id,frame,marker,count",
    "marker_sentiment.csv": "doc_id,sent_id,frame,marker,compound,compound_masked",
    "actor_sentiment.csv": "doc_id,sent_id,actor,compound",
    "keyness.csv": "comparison,group,reference,term,count_group,count_reference,rate_group,"
    "rate_reference,log_odds,z,g2,p,q,log_odds_ci_low,log_odds_ci_high,ci_method,"
    "doc_share_group,doc_share_reference",
    "frame_rates.csv": "origin,voice,period,frame,marker,count,n_tokens,rate,ci_low,ci_high,n_docs",
    "quotes.csv": "doc_id,span_id,voice,partial,start,end,speaker,speaker_actor,cue,text",
    "rate_models.csv": "frame,marker,contrast,group,reference,period,rate_ratio,ci_low,ci_high,"
    "p,q,n_docs_group,n_docs_reference,model,se_type",
    "rate_trends.csv": "frame,marker,group,period,reference_period,rate_ratio,ci_low,ci_high,p,"
    "q,n_docs_period,n_docs_reference_period,model,se_type",
    # the reuse pass (on by default; tests/test_reuse_run.py checks the rows)
    "reuse.csv": "doc_id,other_doc_id,kind,jaccard,containment,earlier,lag_days,same_outlet,"
    "same_origin,link",
    "amplification.csv": "level,source,receiving,clusters_shared,source_first,same_day,"
    "median_lag_days,receiving_docs,reprints,share_reprints",
}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_csv_headers_exact(seeds_out, name):
    with open(seeds_out / name, encoding="utf-8") as f:
        assert f.readline() == HEADERS[name] + "\n"


def test_stop_words_option_filters_keyness_only(tmp_path):
    out = tmp_path / "sw"
    args = ["analyze", str(SEEDS_DIR), "--out", str(out), "--no-progress", "--no-cache"]
    assert main([*args, "--stop-words"]) == 0
    key = read_csv(out / "keyness.csv")
    terms = {r["term"] for r in read_csv(out / "terms.csv")}
    assert "the" in terms  # terms.csv keeps stop words
    assert {"the", "and", "of"}.isdisjoint({r["term"] for r in key})
    assert "russian" in {r["term"] for r in key}
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["options"]["stop_words"] is True


def test_documents_table(seeds_out):
    rows = read_csv(seeds_out / "documents.csv")
    assert list(rows[0])[:7] == [
        "doc_id",
        "file",
        "outlet",
        "origin",
        "affiliation",
        "title",
        "date",
    ]
    assert [(r["doc_id"][:3], r["origin"], r["date"]) for r in rows] == [
        ("000", "russian", "2024-05-14"),
        ("001", "russian", "2024-05-14"),
        ("002", "chinese", "2025-05-08"),
        ("003", "russian", "2017-11-01"),
        ("004", "third-party", "2024-05-16"),
    ]
    for r in rows:
        assert int(r["n_tokens"]) > 200
        assert -1 <= float(r["sentiment"]) <= 1


def test_terms_sum_to_non_numeric_tokens(seeds_out):
    docs = {r["doc_id"]: int(r["n_tokens"]) for r in read_csv(seeds_out / "documents.csv")}
    totals: dict[str, int] = {}
    for r in read_csv(seeds_out / "terms.csv"):
        totals[r["doc_id"]] = totals.get(r["doc_id"], 0) + int(r["count"])
    assert set(totals) == set(docs)
    for doc_id, n in totals.items():
        assert 0 < docs[doc_id] - n < 40  # only number tokens are left out of terms


def test_sentence_offsets_point_into_cleaned_text(seeds_out):
    from analysis.read.corpus import load_corpus

    texts = dict(zip(*load_corpus(SEEDS_DIR)[["doc_id", "text"]].T.values, strict=True))
    for r in read_csv(seeds_out / "sentences.csv"):
        assert texts[r["doc_id"]][int(r["start"]) : int(r["end"])] == r["text"]


def test_rerun_is_byte_identical(seeds_out, tmp_path):
    again = tmp_path / "again"
    assert (
        main(["analyze", str(SEEDS_DIR), "--out", str(again), "--no-progress", "--no-cache"]) == 0
    )
    for name in TABLES:
        assert (again / name).read_bytes() == (seeds_out / name).read_bytes(), name


def test_provenance(seeds_out):
    prov = json.loads((seeds_out / "provenance.json").read_text())
    assert sorted(prov["inputs"]) == sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert prov["manifest"] is not None
    assert prov["n_documents"] == 5
    assert prov["options"]["reuse"] == {
        "kinds": "exact,near,contained",
        "jaccard": 0.35,
        "containment": 0.9,
    }


def test_bad_input_exits_nonzero_and_leaves_out_untouched(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bad.txt").write_bytes(" date 2020-01-01 (MENAFN) it’s".encode("cp1252"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.csv").write_text("keep\n")
    (out / "provenance.json").write_text('{"package": "framing"}\n')  # a previous output
    assert main(["analyze", str(corpus), "--out", str(out), "--no-progress", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "framing: error:" in err and "bad.txt: not valid UTF-8" in err
    assert sorted(p.name for p in out.iterdir()) == ["previous.csv", "provenance.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]


def test_duplicate_is_a_warning_not_an_error(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b"):
        (corpus / f"{name}.txt").write_text(" date 2020-01-01 (MENAFN) Same words here.")
    assert (
        main(["analyze", str(corpus), "--out", str(tmp_path / "o"), "--no-progress", "--no-cache"])
        == 0
    )
    assert "framing: warning: 1 exact duplicate document(s)" in capsys.readouterr().err


def test_python_m_analysis_is_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True, check=True
    )
    assert "analyze" in proc.stdout and "audit" in proc.stdout


def test_exit_now_flushes_runs_the_exit_handlers_and_keeps_the_status():
    # stdout is a pipe here, so block-buffered: without the flush "out" would be lost
    script = (
        "import atexit; from analysis.cli import exit_now; "
        "atexit.register(lambda: print('handler')); print('out', end=''); exit_now(3)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (3, "outhandler\n", "")


# ---------------------------------------------------------------- --out safety


def listing(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (``None`` for directories)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    corpus = tmp_path / "data" / "corpus"
    corpus.mkdir(parents=True)
    for p in SEEDS_DIR.iterdir():
        (corpus / p.name).write_bytes(p.read_bytes())
    return corpus


def analyze_cli(*args: str) -> int:
    return main(["analyze", *map(str, args), "--no-progress", "--no-cache"])


@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("data/corpus", "is the corpus itself (data/corpus); choose another output path"),
        ("data/corpus/", "is the corpus itself (data/corpus); choose another output path"),
        (
            "data",
            "contains the corpus (data/corpus), which writing the output would delete; choose "
            "another output path",
        ),
        (
            ".",
            "contains the corpus (data/corpus), which writing the output would delete; "
            "choose another output path",
        ),
        (
            "data/corpus/out",
            "lies inside the corpus directory (data/corpus); write the output outside it",
        ),
    ],
)
@pytest.mark.parametrize("engine", ["local", "dask"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_out_never_deletes_the_corpus(
    corpus_copy, monkeypatch, capsys, out, problem, engine, force
):
    root = corpus_copy.parent.parent
    monkeypatch.chdir(root)
    before = listing(root)
    assert analyze_cli("data/corpus", "--out", out, "--engine", engine, *force) == 2
    assert capsys.readouterr().err == f"framing: error: output directory {Path(out)} {problem}\n"
    assert listing(root) == before


def test_out_refuses_a_foreign_directory_unless_forced(corpus_copy, tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.tex").write_text("precious")
    assert analyze_cli(corpus_copy, "--out", out) == 2
    assert capsys.readouterr().err == (
        f"framing: error: output directory {out} is not empty and is not a previous framing "
        "output (it has no provenance.json); the output directory is replaced as a whole, "
        "which would delete its files. Choose a new or empty directory, or pass --force to "
        "replace it\n"
    )
    assert listing(out) == {"chapter1.tex": b"precious"}
    assert analyze_cli(corpus_copy, "--out", out, "--force") == 0
    assert sorted(p.name for p in out.iterdir()) == TABLES


def test_out_replaces_a_previous_output_without_force(seeds_out, corpus_copy, tmp_path):
    out = tmp_path / "previous"
    out.mkdir()
    for name in TABLES:
        (out / name).write_bytes((seeds_out / name).read_bytes())
    (out / "stale.csv").write_text("from an older version\n")
    assert analyze_cli(corpus_copy, "--out", out) == 0
    assert sorted(p.name for p in out.iterdir()) == TABLES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "previous"]
    # and a Parquet output replaces it again (Parquet outputs hold provenance.json too)
    assert analyze_cli(corpus_copy, "--out", out, "--format", "parquet") == 0
    assert analyze_cli(corpus_copy, "--out", out) == 0
    assert sorted(p.name for p in out.iterdir()) == TABLES


def test_out_existing_file(corpus_copy, tmp_path, capsys):
    out = tmp_path / "out"
    out.write_text("mine")
    assert analyze_cli(corpus_copy, "--out", out, "--force") == 2
    assert capsys.readouterr().err == (
        f"framing: error: output directory {out} exists and is not a directory; choose another "
        "output path\n"
    )
    assert out.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


@pytest.mark.parametrize(("cwd", "out"), [("work", "."), ("work", ".."), ("", "work/..")])
def test_out_current_directory(corpus_copy, tmp_path, monkeypatch, capsys, cwd, out):
    base = tmp_path / "elsewhere"  # holds the current directory, not the corpus
    (base / "work").mkdir(parents=True)
    (base / "work" / "notes.txt").write_text("keep")
    monkeypatch.chdir(base / cwd)
    before = listing(tmp_path)
    assert analyze_cli(corpus_copy, "--out", out, "--force") == 2
    assert capsys.readouterr().err == (
        f"framing: error: output directory {out} is the current directory or contains it, and "
        "the output directory is replaced as a whole; name a new subdirectory instead (e.g. "
        "--out out)\n"
    )
    assert listing(tmp_path) == before  # no .NAME.tmp-* left behind


def test_out_has_normal_permissions(corpus_copy, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        assert analyze_cli(corpus_copy, "--out", tmp_path / "out") == 0
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o755


# ---------------------------------------------------------------- --origins


def test_origins_need_not_cover_the_outlet_registry(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2024-05-16 A win-win deal for both sides.")
    (corpus / "b.txt").write_text(" date 2024-05-17 MOSCOW, May 1. /TASS/. Mutual trust grows.")
    (corpus / "sources.csv").write_text("file,outlet,origin\na.txt,Alpha,a\nb.txt,TASS,b\n")
    out = tmp_path / "out"
    assert analyze_cli(corpus, "--out", out, "--origins", "a,b") == 0
    docs = read_csv(out / "documents.csv")
    assert [(d["doc_id"], d["outlet"], d["origin"], d["affiliation"]) for d in docs] == [
        ("a", "Alpha", "a", ""),
        ("b", "TASS", "b", "state"),
    ]
    assert json.loads((out / "provenance.json").read_text())["options"]["origins"] == ["a", "b"]


def test_narrower_origins_name_the_seed_file_outside_them(tmp_path, capsys):
    assert analyze_cli(SEEDS_DIR, "--out", tmp_path / "o", "--origins", "russian,chinese") == 2
    assert capsys.readouterr().err == (
        f"framing: error: {SEEDS_DIR / 'sources.csv'}:6: origin 'third-party' for "
        "'004_08d902e5f25b5a72.txt' is not allowed (allowed: russian, chinese)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_run_ends_with_its_outcome_and_hides_resource_warnings(monkeypatch, capsys):
    import argparse
    import warnings

    import analysis.cli as cli

    def interrupted(args: argparse.Namespace) -> int:
        warnings.warn("an open file", ResourceWarning, stacklevel=1)
        warnings.warn("2 dates read as day first", UserWarning, stacklevel=1)
        raise cli.Terminated(15)

    parser = argparse.ArgumentParser()
    parser.set_defaults(func=interrupted)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert main([]) == 143
    assert capsys.readouterr().err.splitlines() == [
        "framing: warning: 2 dates read as day first",
        "framing: interrupted (SIGTERM)",
    ]
