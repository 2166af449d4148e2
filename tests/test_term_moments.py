"""The terms summed per origin as they stream (analysis.stats.term_moments), and keyness of them."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.document.lexicon import load_lexicon
from analysis.read.corpus import Document
from analysis.runner import pool, project
from analysis.runner.pipeline import analyze, corpus_tables
from analysis.stats import keyness_ci, term_moments
from analysis.stats.keyness import CompareError, keyness, keyness_of_moments
from analysis.stats.keyness_ci import keyness_intervals, keyness_intervals_of_moments
from analysis.stats.term_moments import TermMoments, moments_suffice


def _summed(docs: pd.DataFrame, terms: pd.DataFrame, per_batch: int, **options) -> TermMoments:
    """``terms`` added to a :class:`TermMoments` ``per_batch`` documents at a time."""
    tm = TermMoments(**options)
    for lo in range(0, len(docs), per_batch):
        b = docs.iloc[lo : lo + per_batch]
        t = terms[terms["doc_id"].isin(set(b["doc_id"]))]
        tm.add(*(list(b[c]) for c in ("doc_id", "origin")), *(list(t[c]) for c in terms.columns))
    return tm


def test_the_sums_of_each_group_by_hand():
    # a: d1 {x: 2, y: 1} (N = 3), d2 no terms; b: d3 {x: 1} (N = 1)
    tm = TermMoments()
    tm.add(["d1", "d2"], ["a", "a"], ["d1", "d1"], ["y", "x"], [1, 2])
    tm.add(["d3"], ["b"], ["d3"], ["x"], [1])
    groups, vocab, sides = tm.result()
    assert groups == ["a", "b"] and list(vocab) == ["x", "y"]
    a, b = sides["a"], sides["b"]
    assert (a.m, a.s_n, a.s_nn) == (2, 3.0, 9.0)
    assert list(a.s_c) == [2, 1] and list(a.s_cc) == [4, 1] and list(a.s_cn) == [6, 3]
    assert list(a.k) == [1, 1]
    assert (b.m, b.s_n, b.s_nn) == (1, 1.0, 1.0)
    assert list(b.s_c) == [1, 0] and list(b.s_cc) == [1, 0] and list(b.s_cn) == [1, 0]
    assert list(b.k) == [1, 0]


def test_stop_words_leave_the_totals_and_excluded_documents_every_sum():
    tm = TermMoments(stop_words=True, exclude={"d2"})
    tm.add(["d1", "d2"], ["a", "a"], ["d1", "d1", "d2"], ["the", "x", "z"], [5, 2, 7])
    groups, vocab, sides = tm.result()
    assert list(vocab) == ["x"]  # "the" is a stop word, "z" only in the excluded d2
    a = sides["a"]
    assert (a.m, a.s_n, a.s_nn, list(a.s_cn)) == (1, 2.0, 4.0, [4])


def test_terms_of_a_document_outside_the_batch_are_refused():
    with pytest.raises(ValueError, match="'d9', not of the batch"):
        TermMoments().add(["d1"], ["a"], ["d9"], ["x"], [1])


def test_moments_suffice_only_when_every_comparison_is_the_normal_approximation():
    assert moments_suffice({}, 2000) and moments_suffice({"a": 1}, 2000)
    assert moments_suffice({"a": 2001, "b": 2001}, 2000)
    assert not moments_suffice({"a": 2001, "b": 2000}, 2000)
    assert not moments_suffice({"a": 1, "b": 1}, 0)  # one document has no spread


@pytest.fixture(scope="module")
def corpus():
    rng = np.random.default_rng(7)
    n = 8000
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i:05d}" for i in range(n)],
            "origin": rng.choice(["chinese", "russian", "third-party"], n, p=[0.33, 0.33, 0.34]),
        }
    )
    words = ["the", "of", "win", "friend", "peace", "war", "sovereignty", "x", "y", "zz"]
    rows = [
        (d, t, int(rng.integers(1, 4)))
        for d in docs["doc_id"]
        for t in rng.choice(words, int(rng.integers(0, 7)), replace=False)
    ]
    return docs, pd.DataFrame(rows, columns=["doc_id", "term", "count"])


@pytest.mark.parametrize("stop_words", [False, True])
@pytest.mark.parametrize("dropped", [0, 8])
def test_keyness_of_the_sums_is_keyness_of_the_rows_to_the_last_bit(
    corpus, monkeypatch, stop_words, dropped
):
    monkeypatch.setattr(term_moments, "FLUSH_ROWS", 500)  # sums added in many steps
    docs, terms = corpus
    exclude = set(docs["doc_id"][::dropped]) if dropped else set()
    kept = docs[~docs["doc_id"].isin(exclude)]
    rows = terms[terms["doc_id"].isin(set(kept["doc_id"]))]
    moments = _summed(docs, terms, 37, stop_words=stop_words, exclude=exclude).result()
    for mc in (0, 50):
        want = keyness(rows, kept, min_count=mc, stop_words=stop_words)
        got = keyness_of_moments(moments, min_count=mc)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        want = keyness_intervals(rows, kept, min_count=mc, stop_words=stop_words)
        got = keyness_intervals_of_moments(moments, min_count=mc)
        assert set(got["ci_method"]) == {"normal"}
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_the_sums_cannot_bootstrap_a_small_side(corpus):
    docs, terms = corpus
    moments = _summed(docs, terms, 1000).result()
    with pytest.raises(CompareError, match="needs its rows"):
        keyness_intervals_of_moments(moments, bootstrap_max_docs=5000)


LEXICON = """
version = "t1"
[frames.partnership]
markers = ["friendship"]
"""


@pytest.fixture
def lexicon(tmp_path):
    p = tmp_path / "lex.toml"
    p.write_text(LEXICON, encoding="utf-8")
    return load_lexicon(p)


def _docs(n: int, origins=("chinese", "russian")) -> list[Document]:
    base = Document("", "f", "o", "", "", "2020-01-01", "")
    words = ["friendship", "peace", "trade", "war", "talks"]
    return [
        replace(
            base,
            doc_id=f"d{i:05d}",
            origin=origins[i % len(origins)],
            outlet=f"outlet {i % 3}",
            text=f"The {words[i % 5]} and {words[i % 3]} of {i % 7} talks. More {words[i % 2]}.",
        )
        for i in range(n)
    ]


def test_a_streamed_run_keeps_no_terms_rows_and_gives_the_same_keyness(lexicon, monkeypatch):
    monkeypatch.setattr(pool, "BATCH_DOCS", 8)
    docs = _docs(64)
    ref = analyze(docs, lexicon=lexicon, jobs=1)
    chunks: dict[str, list[str]] = {}
    got = analyze(
        docs,
        lexicon=lexicon,
        jobs=2,
        sink=lambda name, cols, rows: chunks.setdefault(name, []).append(rows),
        term_moments=TermMoments(),
    )
    assert got.terms.empty and len(chunks["terms"]) == 8 and len(ref.terms) > 64
    summed = got.term_moments.result()
    want = _summed(ref.documents, ref.terms, 64).result()
    assert summed.groups == want.groups == ["chinese", "russian"]
    assert list(summed.vocab) == list(want.vocab) == sorted(set(ref.terms["term"]))
    pd.testing.assert_frame_equal(
        keyness_of_moments(summed), keyness(ref.terms, ref.documents), check_exact=True
    )
    # the statistics refuse sums made with other options than theirs
    with pytest.raises(ValueError, match="other stop_words"):
        corpus_tables(got, stop_words=True)


def test_corpus_tables_of_the_sums_equal_those_of_the_rows(lexicon):
    docs = _docs(4010)  # 2,005 documents per origin: the normal approximation
    results = analyze(docs, lexicon=lexicon, jobs=1, term_moments=TermMoments())
    assert len(results.terms)  # (not streamed: kept)
    got = corpus_tables(results)
    ref = corpus_tables(replace(results, term_moments=None))
    assert set(ref["keyness"]["ci_method"]) == {"normal"}
    for name in ("keyness", "frame_rates"):
        pd.testing.assert_frame_equal(got[name], ref[name], check_exact=True)


def test_a_run_sums_the_terms_only_when_no_comparison_is_bootstrapped(monkeypatch):
    monkeypatch.setattr(keyness_ci, "BOOTSTRAP_MAX_DOCS", 2)
    options = project.RunOptions(corpus=Path("x"), stop_words=True)
    tm = project._term_moments(options, _docs(6), None)
    assert tm is not None and tm.stop_words and tm.exclude == frozenset()
    assert project._term_moments(options, _docs(5), None) is None  # 2 russian documents
    assert project._term_moments(options, _docs(3, origins=("chinese",)), None) is not None


def test_a_spilled_corpus_gives_fields_without_making_documents(tmp_path):
    from analysis.read.corpus import read_corpus

    table = tmp_path / "t.csv"
    table.write_text(
        "id,date,outlet,origin,text\n"
        "b,2020-01-02,Xinhua,chinese,Peace talks resumed today.\n"
        "a,2020-01-01,TASS,russian,Friendship was stressed again.\n",
        encoding="utf-8",
    )
    with read_corpus(table) as docs:
        assert list(docs.fields("doc_id", "origin")) == [("a", "russian"), ("b", "chinese")]
        with pytest.raises(ValueError, match="not a stored field: nope"):
            docs.fields("doc_id", "nope")


def test_the_documents_a_dedupe_policy_drops_are_left_out_of_the_sums(monkeypatch):
    from types import SimpleNamespace

    from analysis.runner.reuse_pass import dropped_ids

    reuse = SimpleNamespace(
        documents=pd.DataFrame(
            {
                "doc_id": [f"d{i:05d}" for i in range(6)],
                "first_in_exact_group": [True, False, True, True, True, True],
                "first_in_cluster": [True, False, False, True, True, False],
            }
        )
    )
    assert dropped_ids(reuse, "none") == frozenset() == dropped_ids(None, "near")
    assert dropped_ids(reuse, "exact") == {"d00001"}
    assert dropped_ids(reuse, "near") == {"d00001", "d00002", "d00005"}
    monkeypatch.setattr(keyness_ci, "BOOTSTRAP_MAX_DOCS", 1)
    options = project.RunOptions(corpus=Path("x"), dedupe="near")
    # chinese: d00000, d00002, d00004; russian: d00001, d00003, d00005
    assert project._term_moments(options, _docs(6), reuse) is None  # one russian left
    tm = project._term_moments(replace(options, dedupe="exact"), _docs(6), reuse)
    assert tm.exclude == {"d00001"}  # 3 chinese and 2 russian documents left
