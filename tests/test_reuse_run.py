"""Text reuse wired into ``framing analyze`` (issue 22): reuse.csv, amplification.csv, the
documents' reuse columns, the dedupe policy, provenance, options and the display API."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.runner.project import RunOptions, run
from analysis.runner.reuse_pass import check_reuse_options, digest_reuse
from analysis.stats.dedupe import POLICY_EFFECT_COLUMNS, policy_effect
from analysis.stats.reuse import REUSE_DOC_COLUMNS, find_reuse


def _words(prefix: str, n: int, change: dict[int, str] | None = None) -> list[str]:
    change = change or {}
    return [change.get(i, f"{prefix}{i}") for i in range(n)]


def _text(ws: list[str]) -> str:
    """Sentences of ten words."""
    return " ".join(" ".join(ws[i : i + 10]) + "." for i in range(0, len(ws), 10))


FRIENDS = {5: "friendship", 25: "friendship"}
A = _words("alpha", 60, FRIENDS)
W = _words("wire", 40, {3: "sanctions"})
ROWS = [
    # an exact copy (a2), a near copy with one word changed (a3), a wire story (w1) embedded in
    # a text three times as long (w2), an unrelated text (u1)
    ("a1", "2024-01-01", "TASS", "russian", _text(A)),
    ("a2", "2024-01-03", "Xinhua", "chinese", _text(A)),
    (
        "a3",
        "2024-01-05",
        "Reuters",
        "third-party",
        _text(_words("alpha", 60, {**FRIENDS, 40: "x"})),
    ),
    ("w1", "2024-02-01", "RT", "russian", _text(W)),
    ("w2", "2024-02-02", "MENAFN", "third-party", _text(_words("host", 40) + W + _words("h", 40))),
    ("u1", "2024-03-01", "Global Times", "chinese", _text(_words("other", 50, {7: "friendship"}))),
]


def _corpus(path: Path, rows=ROWS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "outlet", "origin", "text"])
        w.writerows(rows)
    return path


def _read(out: Path, name: str) -> pd.DataFrame:
    """A written table with the store's dtypes (ints, floats, booleans, strings)."""
    from analysis.runner.store import load_results

    return load_results(out).table(name)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """One run per dedupe policy (and ``none`` again with 2 jobs, rows reversed)."""
    root = tmp_path_factory.mktemp("reuse_run")
    corpus = _corpus(root / "corpus.csv")
    base = RunOptions(corpus=corpus, no_cache=True, jobs=1, progress=False, reuse=True)
    outs = {}
    with pytest.warns(UserWarning, match="exact duplicate"):
        for policy in ("none", "exact", "near"):
            outs[policy] = root / policy
            run(replace(base, out=outs[policy], dedupe=policy))
        reversed_corpus = _corpus(root / "reversed.csv", ROWS[::-1])
        outs["jobs2"] = root / "jobs2"
        run(replace(base, corpus=reversed_corpus, out=outs["jobs2"], jobs=2))
    return outs


def test_reuse_csv_pairs(runs):
    t = _read(runs["none"], "reuse")
    assert t[["doc_id", "other_doc_id", "kind", "earlier", "lag_days"]].values.tolist() == [
        ["a1", "a2", "exact", "a1", 2],
        ["a1", "a3", "near", "a1", 4],
        ["a2", "a3", "near", "a2", 2],
        ["w1", "w2", "contained", "w1", 1],
    ]
    # 60 words, 56 five-word shingles; one word changed replaces 5: 51 shared of 61 / of 56
    assert t["jaccard"].tolist()[1:3] == [51 / 61, 51 / 61]
    assert t["containment"].tolist() == [1.0, 51 / 56, 51 / 56, 1.0]
    # the wire story's 36 shingles are all in the 116 of the host text
    assert t["jaccard"].tolist()[3] == 36 / 116
    assert t["same_outlet"].tolist() == [False] * 4
    assert t["same_origin"].tolist() == [False] * 4
    assert set(t["link"]) == {"verified"}


def test_documents_reuse_columns(runs):
    d = _read(runs["none"], "documents")
    assert list(d.columns[-2:]) == ["reuse_cluster", "first_in_cluster"]
    pairs = zip(d["reuse_cluster"], d["first_in_cluster"], strict=True)
    got = dict(zip(d["doc_id"], pairs, strict=True))
    assert got == {
        "a1": ("a1", True),
        "a2": ("a1", False),
        "a3": ("a1", False),
        "w1": ("w1", True),
        "w2": ("w1", False),
        "u1": ("", True),
    }


def test_amplification_by_origin_and_outlet(runs):
    t = _read(runs["none"], "amplification")
    assert t["level"].unique().tolist() == ["origin", "outlet"]
    o = t[t["level"] == "origin"].set_index(["source", "receiving"])
    # russian first in both clusters (a1 before a3; w1 a day before w2)
    assert o.loc[
        ("russian", "third-party"), ["clusters_shared", "source_first", "reprints"]
    ].tolist() == [2, 2, 2]
    assert o.loc[("russian", "third-party"), "median_lag_days"] == 2.5  # lags 4 and 1
    assert o.loc[("russian", "third-party"), "share_reprints"] == 1.0
    assert math.isnan(o.loc[("third-party", "russian"), "median_lag_days"])
    assert len(t[t["level"] == "outlet"]) == 6 * 5


def test_outputs_do_not_depend_on_jobs_or_document_order(runs):
    for name in ("reuse", "amplification", "keyness", "frame_rates"):
        a = (runs["none"] / f"{name}.csv").read_bytes()
        assert a == (runs["jobs2"] / f"{name}.csv").read_bytes(), name
    docs = _read(runs["none"], "documents").sort_values("doc_id", ignore_index=True)
    again = _read(runs["jobs2"], "documents").sort_values("doc_id", ignore_index=True)
    pd.testing.assert_frame_equal(docs.drop(columns="file"), again.drop(columns="file"))


def _partnership(out: Path) -> dict[str, tuple]:
    r = _read(out, "frame_rates")
    r = r[(r["frame"] == "partnership") & (r["marker"] == "") & (r["voice"] == "all")]
    return {
        o: (c, n, rate, d)
        for o, c, n, rate, d in r[["origin", "count", "n_tokens", "rate", "n_docs"]].values.tolist()
    }


def test_dedupe_policy_on_frame_rates(runs):
    # documents: a1 60 tokens, a2 60, a3 60, w1 40, w2 120, u1 50; "friendship" twice in
    # each a*, once in u1
    assert _partnership(runs["none"]) == {
        "chinese": (3, 110, 3000 / 110, 2),
        "russian": (2, 100, 20.0, 2),
        "third-party": (2, 180, 2000 / 180, 2),
    }
    # exact: a2 (the later copy of a1) goes
    assert _partnership(runs["exact"]) == {
        "chinese": (1, 50, 20.0, 1),
        "russian": (2, 100, 20.0, 2),
        "third-party": (2, 180, 2000 / 180, 2),
    }
    # near: a2, a3 and w2 go; third-party has no document left
    assert _partnership(runs["near"]) == {"chinese": (1, 50, 20.0, 1), "russian": (2, 100, 20.0, 2)}
    one = _read(runs["exact"], "frame_rates")
    assert one[one["origin"] == "chinese"]["ci_low"].isna().all()  # one document: no interval


def test_dedupe_policy_on_keyness(runs):
    def counts(out):
        k = _read(out, "keyness")
        k = k[(k["comparison"] == "chinese vs rest") & (k["term"] == "friendship")]
        return k[["count_group", "count_reference"]].values.tolist()

    assert counts(runs["none"]) == [[3, 4]]
    assert counts(runs["exact"]) == [[1, 4]]
    assert counts(runs["near"]) == [[1, 2]]


def test_per_document_tables_stay_complete(runs):
    for policy in ("exact", "near"):
        assert len(_read(runs[policy], "documents")) == 6
        assert set(_read(runs[policy], "markers")["doc_id"]) == {r[0] for r in ROWS}


def test_provenance_records_reuse_and_policy(runs):
    prov = json.loads((runs["near"] / "provenance.json").read_text())
    assert prov["options"]["dedupe"] == "near"
    assert prov["options"]["reuse"] == {
        "kinds": "exact,near,contained",
        "jaccard": 0.35,
        "containment": 0.9,
    }


def test_no_reuse(tmp_path):
    corpus = _corpus(tmp_path / "corpus.csv", ROWS[3:])
    out = tmp_path / "out"
    run(RunOptions(corpus=corpus, out=out, no_cache=True, jobs=1, progress=False, reuse=False))
    assert not (out / "reuse.csv").exists() and not (out / "amplification.csv").exists()
    d = _read(out, "documents")
    assert d["reuse_cluster"].tolist() == ["", "", ""]
    assert d["first_in_cluster"].tolist() == [True, True, True]
    assert json.loads((out / "provenance.json").read_text())["options"]["reuse"] is None


def test_reuse_option_checks():
    from analysis.runner.engines import EngineError
    from analysis.runner.projectfile import ProjectError

    base = RunOptions(corpus=Path("c"), reuse=True)
    check_reuse_options(base)
    with pytest.raises(ProjectError, match="needs the reuse pass"):
        check_reuse_options(replace(base, reuse=False, dedupe="exact"))
    with pytest.raises(ProjectError, match="reuse_jaccard"):
        check_reuse_options(replace(base, reuse_jaccard=1.5))
    with pytest.raises(EngineError, match="--dedupe near needs the texts"):
        check_reuse_options(replace(base, engine="dask", dedupe="near"))
    check_reuse_options(replace(base, engine="dask", dedupe="exact"))
    with pytest.raises(EngineError, match="parquet"):
        check_reuse_options(replace(base, engine="dask", format="parquet", dedupe="exact"))


def test_cli_and_project_file_options(tmp_path):
    from analysis.cli import build_parser
    from analysis.cli.analyze import run_options
    from analysis.runner.projectfile import ProjectError, load_project

    args = build_parser().parse_args(
        ["analyze", "c", "--reuse", "--reuse-jaccard", "0.7", "--dedupe", "exact"]
    )
    o = run_options(args)
    assert (o.reuse, o.reuse_jaccard, o.reuse_containment, o.dedupe) == (True, 0.7, 0.9, "exact")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["analyze", "c", "--reuse-containment", "0"])
    # the pass is on by default, at Jaccard 0.35 and containment 0.9; --no-reuse turns it off
    o = run_options(build_parser().parse_args(["analyze", "c"]))
    assert (o.reuse, o.reuse_jaccard, o.reuse_containment) == (True, 0.35, 0.9)
    assert RunOptions(corpus=Path("c")).reuse is True
    assert run_options(build_parser().parse_args(["analyze", "c", "--no-reuse"])).reuse is False
    toml = tmp_path / "framing.toml"
    toml.write_text(
        '[corpus]\npath = "c"\n[analysis]\nreuse = true\nreuse_jaccard = 0.75\ndedupe = "near"\n'
    )
    o = load_project(toml)
    assert (o.reuse, o.reuse_jaccard, o.dedupe) == (True, 0.75, "near")
    toml.write_text('[corpus]\npath = "c"\n[analysis]\nreuse = false\n')
    assert load_project(toml).reuse is False
    toml.write_text('[corpus]\npath = "c"\n[analysis]\nreuse_containment = 2\n')
    with pytest.raises(ProjectError, match=r"reuse_containment: must be a number in \(0, 1\]"):
        load_project(toml)


def test_digest_reuse_is_the_exact_part_of_find_reuse():
    docs = pd.DataFrame(ROWS, columns=["doc_id", "date", "outlet", "origin", "text"])
    full = find_reuse(docs, docs[["doc_id", "text"]].itertuples(index=False))
    docs["sha256"] = docs["text"].map(
        lambda t: __import__("hashlib").sha256(t.encode()).hexdigest()
    )
    exact = digest_reuse(docs)
    assert exact.pairs[["doc_id", "other_doc_id", "kind"]].values.tolist() == [
        ["a1", "a2", "exact"]
    ]
    cols = ["doc_id", "exact_group", "first_in_exact_group"]
    pd.testing.assert_frame_equal(exact.documents[cols], full.documents[cols])
    assert exact.documents["reuse_cluster"].tolist() == ["a1", "a1", "", "", "", ""]
    assert list(exact.documents.columns) == list(REUSE_DOC_COLUMNS)


def test_policy_effect_hand_checked():
    documents = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "origin": ["x", "x", "y", "y"],
            "n_tokens": [100, 100, 50, 200],
        }
    )
    markers = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "frame": ["f"] * 4,
            "marker": ["m"] * 4,
            "count": [4, 4, 1, 0],
        }
    )
    # b is an exact copy of a; d near-copies c
    reuse = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "first_in_exact_group": [True, False, True, True],
            "first_in_cluster": [True, False, True, False],
        }
    )
    t = policy_effect(documents, markers, reuse)
    assert list(t.columns) == list(POLICY_EFFECT_COLUMNS)
    assert t[["policy", "origin", "n_docs", "n_removed", "count", "n_tokens"]].values.tolist() == [
        ["none", "x", 2, 0, 8, 200],
        ["none", "y", 2, 0, 1, 250],
        ["exact", "x", 1, 1, 4, 100],
        ["exact", "y", 2, 0, 1, 250],
        ["near", "x", 1, 1, 4, 100],
        ["near", "y", 1, 1, 1, 50],
    ]
    assert t["rate"].tolist() == [40.0, 4.0, 40.0, 4.0, 40.0, 20.0]
    assert t["rate_change"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 16.0]


def test_policy_effect_of_a_group_of_one_without_tokens():
    documents = pd.DataFrame({"doc_id": ["a"], "origin": ["x"], "n_tokens": [0]})
    markers = pd.DataFrame({"doc_id": ["a"], "frame": ["f"], "marker": ["m"], "count": [0]})
    reuse = pd.DataFrame({"doc_id": ["a"], "first_in_cluster": [True]})
    t = policy_effect(documents, markers, reuse)
    assert t["policy"].tolist() == ["none", "near"]  # no exact column: exact left out
    assert t["rate"].isna().all()


def test_store_shared_passages(runs):
    from analysis import shared_passages
    from analysis.runner.store import load_results

    corpus = runs["none"].parent / "corpus.csv"
    store = load_results(RunOptions(corpus=corpus, out=runs["none"], no_cache=True))
    assert store.reuse["kind"].tolist() == ["exact", "near", "near", "contained"]
    assert store.documents["first_in_cluster"].dtype == bool
    with pytest.warns(UserWarning, match="exact duplicate"):
        passages = store.shared_passages("w1", "w2")
    wire = _text(W)
    assert [p[4] for p in passages] == [wire[:-1]]  # the whole story, to its last word
    assert passages[0][:2] == (0, len(wire) - 1)
    assert shared_passages("a b c", "a b c", min_words=3) == [(0, 5, 0, 5, "a b c")]


def test_reuse_pass_sketched_in_processes_equals_one_process(monkeypatch):
    from analysis.read.corpus import Document
    from analysis.runner.reuse_pass import document_reuse

    docs = [
        Document(doc_id=i, file="", outlet=o, origin=g, affiliation="", date=d, text=t)
        for i, d, o, g, t in ROWS
    ]
    monkeypatch.setattr("analysis.runner.reuse_pass.SKETCH_BATCH_DOCS", 2)  # three batches
    one, two = (document_reuse(docs, jobs=jobs) for jobs in (1, 2))
    pd.testing.assert_frame_equal(one.pairs, two.pairs)
    pd.testing.assert_frame_equal(one.documents, two.documents)
    got = one.pairs[["doc_id", "other_doc_id", "kind"]].itertuples(index=False, name=None)
    assert list(got) == [
        ("a1", "a2", "exact"),
        ("a1", "a3", "near"),
        ("a2", "a3", "near"),
        ("w1", "w2", "contained"),
    ]
