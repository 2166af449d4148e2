"""The sparse ``markers`` table (absent = 0) and its dense reconstruction
(analysis.stats.marker_table, Results/StoredResults.markers_dense, the written files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.document.lexicon import load_lexicon
from analysis.document.markers import marker_counts, marker_pairs
from analysis.runner import pool
from analysis.runner.pipeline import analyze
from analysis.runner.store import STORE_VERSION, load_results
from analysis.stats.marker_table import dense_markers, sparse_markers

LEXICON = """
version = "t1"
[frames.coop]
markers = ["win-win", "mutual trust"]
[frames.heg]
markers = ["hegemon*"]
"""
CORPUS = (
    "id,date,outlet,text\n"
    "a1,2024-01-02,TASS,Win-win deals and win-win talks. Mutual trust grows.\n"
    "a2,2024-01-03,Xinhua,Nothing of the kind was said here.\n"
)


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """A two-document table corpus (``a2`` holds no marker) and its lexicon file."""
    corpus, lexicon = tmp_path / "two.csv", tmp_path / "lex.toml"
    corpus.write_text(CORPUS, encoding="utf-8")
    lexicon.write_text(LEXICON, encoding="utf-8")
    return corpus, lexicon


def _analyze(corpus: Path, out: Path, *opts: str) -> Path:
    assert main(["analyze", str(corpus), "--out", str(out), "--keep-boilerplate", *opts]) == 0
    return out


def test_only_non_zero_counts_are_written_a_document_without_markers_has_no_rows(small, tmp_path):
    corpus, lexicon = small
    out = _analyze(corpus, tmp_path / "csv", "--lexicon", str(lexicon), "--no-cache")
    assert (out / "markers.csv").read_text(encoding="utf-8") == (
        "doc_id,frame,marker,count\na1,coop,mutual trust,1\na1,coop,win-win,2\n"
    )
    store = load_results(out)
    assert store.version == STORE_VERSION == 2 and store.stale() is None
    assert store.provenance["lexicon"]["markers"] == [
        ["coop", "mutual trust"],
        ["coop", "win-win"],
        ["heg", "hegemon*"],
    ]
    assert store.markers_dense().values.tolist() == [
        ["a1", "coop", "mutual trust", 1],
        ["a1", "coop", "win-win", 2],
        ["a1", "heg", "hegemon*", 0],
        ["a2", "coop", "mutual trust", 0],
        ["a2", "coop", "win-win", 0],
        ["a2", "heg", "hegemon*", 0],
    ]
    # the statistics still give the never found marker (and frame) its row of zeros
    rates = store.frame_rates
    heg = rates[(rates["frame"] == "heg") & (rates["voice"] == "all")]
    assert heg[["origin", "marker", "count"]].values.tolist() == [
        ["chinese", "", 0],
        ["chinese", "hegemon*", 0],
        ["russian", "", 0],
        ["russian", "hegemon*", 0],
    ]
    pq = load_results(
        _analyze(
            corpus, tmp_path / "pq", "--lexicon", str(lexicon), "--no-cache", "--format", "parquet"
        )
    )
    pd.testing.assert_frame_equal(pq.markers, store.markers, check_dtype=False)
    pd.testing.assert_frame_equal(pq.markers_dense(), store.markers_dense())


def test_a_corpus_without_any_marker_writes_the_header_only(small, tmp_path):
    corpus, lexicon = small
    corpus.write_text(CORPUS.splitlines()[0] + "\n" + CORPUS.splitlines()[2] + "\n", "utf-8")
    out = _analyze(corpus, tmp_path / "csv", "--lexicon", str(lexicon), "--no-cache")
    assert (out / "markers.csv").read_text(encoding="utf-8") == "doc_id,frame,marker,count\n"
    assert load_results(out).markers_dense()["count"].tolist() == [0, 0, 0]


def test_the_dense_reconstruction_equals_the_dense_marker_counts(tmp_path):
    lexicon = load_lexicon(None)
    results = analyze(SEEDS_DIR, progress=False, jobs=1)
    ids = results.documents["doc_id"]
    dense = marker_counts(results.matches, ids, lexicon)  # the table as written before
    assert len(dense) == 5 * len(marker_pairs(lexicon)) and (dense["count"] == 0).mean() > 0.8
    expected = dense[dense["count"] > 0].reset_index(drop=True)
    assert results.markers.astype(object).equals(expected.astype(object))
    assert results.marker_pairs == tuple(marker_pairs(lexicon))
    assert results.markers_dense().equals(dense)
    assert dense_markers(sparse_markers(dense), ids, marker_pairs(lexicon)).equals(dense)
    assert dense_markers(dense, ids[::-1], marker_pairs(lexicon)[::-1]).equals(dense)
    for fmt in ("csv", "parquet"):
        out = _analyze(SEEDS_DIR, tmp_path / fmt, "--no-cache", "--format", fmt)
        assert load_results(out).markers_dense().equals(dense), fmt


def test_markers_are_byte_identical_across_jobs_and_cache_states(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "BATCH_DOCS", 2)  # the five seeds: three batches, the pool
    cache = ["--cache-dir", str(tmp_path / "cache")]
    runs = {
        "jobs1": ("--jobs", "1", "--no-cache"),
        "jobs2": ("--jobs", "2", "--no-cache"),
        "cold": ("--jobs", "2", *cache),
        "warm": ("--jobs", "2", *cache),
    }
    for fmt in ("csv", "parquet"):
        written = {}
        for name, opts in runs.items():
            out = _analyze(SEEDS_DIR, tmp_path / f"{fmt}-{name}", *opts, "--format", fmt)
            shutil.rmtree(tmp_path / "cache" / "runs", ignore_errors=True)  # not restored
            path = out / ("markers.csv" if fmt == "csv" else "markers/part-00000.parquet")
            written[name] = path.read_bytes()
        assert len(set(written.values())) == 1, fmt
    text = (tmp_path / "csv-jobs1" / "markers.csv").read_text(encoding="utf-8").splitlines()
    # the 200-copy benchmark corpus of the seeds: 7,800 non-zero rows of 56,000
    assert len(text) == 1 + 39 and all(not line.endswith(",0") for line in text)


def test_dense_markers_rejects_unknown_and_repeated_rows():
    rows = pd.DataFrame({"doc_id": ["a"], "frame": ["coop"], "marker": ["win-win"], "count": [2]})
    pairs = [("coop", "win-win")]
    with pytest.raises(ValueError, match="document 'a' of the markers is not in doc_ids"):
        dense_markers(rows, ["b"], pairs)
    with pytest.raises(ValueError, match="frame 'coop' marker 'win-win' .* not one of the"):
        dense_markers(rows, ["a"], [("heg", "x")])
    with pytest.raises(ValueError, match="two rows for document 'a', frame 'coop'"):
        dense_markers(pd.concat([rows, rows]), ["a"], pairs)
    with pytest.raises(ValueError, match="doc_ids has duplicates"):
        dense_markers(rows, ["a", "a"], pairs)
    with pytest.raises(ValueError, match="markers table is missing column"):
        dense_markers(rows.drop(columns="count"), ["a"], pairs)


def test_a_version_1_store_is_stale_and_read_as_sparse(small, tmp_path):
    corpus, lexicon = small
    out = _analyze(corpus, tmp_path / "csv", "--lexicon", str(lexicon), "--no-cache")
    new = load_results(out)
    dense = new.markers_dense()
    # what the previous code wrote: every document × marker, no version, no marker pairs
    dense.to_csv(out / "markers.csv", index=False, lineterminator="\n")
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    del prov["store_version"], prov["lexicon"]["markers"]
    (out / "provenance.json").write_text(json.dumps(prov), encoding="utf-8")
    old = load_results(out)
    assert old.version == 1
    assert old.stale() == "the store's format changed (version 1, now 2)"
    pd.testing.assert_frame_equal(old.markers, new.markers)
    assert old.marker_pairs == new.marker_pairs == tuple(marker_pairs(load_lexicon(lexicon)))
    pd.testing.assert_frame_equal(old.markers_dense(), dense)
