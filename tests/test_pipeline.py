"""The per-document pass, its batches and workers, and the cache in the pipeline."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR, resolve_jobs
from analysis.document.lexicon import load_lexicon
from analysis.document.process import DocResult
from analysis.read.directory import read_documents
from analysis.runner import pipeline, pool
from analysis.runner.batch import process_batch
from analysis.runner.doc_cache import DocCache, text_key
from analysis.runner.pipeline import analyze
from analysis.schema import MODEL_TABLE_COLUMNS, TABLE_COLUMNS
from analysis.write.tables import write_tables

LEXICON_A = """
version = "t1"
[frames.partnership]
markers = ["friendship", "win-win"]
[actors.china]
names = ["China"]
"""
# Same frames as the shipped lexicon would not matter: any change of markers is a new lexicon.
LEXICON_B = """
version = "t2"
[frames.partnership]
markers = ["friendship", "partnership"]
[frames.sovereignty]
markers = ["sovereignty"]
[actors.china]
names = ["China", "Beijing"]
"""

TEXT = "China values friendship. Win-win deals, 2 sides agree."


@pytest.fixture
def lex_a(tmp_path):
    p = tmp_path / "a.toml"
    p.write_text(LEXICON_A, encoding="utf-8")
    return load_lexicon(p)


@pytest.fixture
def lex_b(tmp_path):
    p = tmp_path / "b.toml"
    p.write_text(LEXICON_B, encoding="utf-8")
    return load_lexicon(p)


@pytest.fixture
def small_batches(monkeypatch):
    """Two documents per batch, so the five seeds make three batches and use the pool."""
    monkeypatch.setattr(pool, "BATCH_DOCS", 2)


@pytest.fixture(scope="module")
def seeds():
    return read_documents(SEEDS_DIR)


def test_process_batch_exact_values(lex_a):
    (r,) = process_batch([("d1", TEXT)], lex_a)
    assert r.n_tokens == 9  # China values friendship Win win deals 2 sides agree
    # lemmas, the number "2" left out
    assert r.terms == [
        ("agree", 1),
        ("china", 1),
        ("deal", 1),
        ("friendship", 1),
        ("side", 1),
        ("value", 1),
        ("win", 2),
    ]
    assert [s[:3] for s in r.sentences] == [
        (0, 24, "China values friendship."),
        (25, 54, "Win-win deals, 2 sides agree."),
    ]
    # VADER: "friendship" (+) and "values" (+); "agree" (+)
    assert [s[3] for s in r.sentences] == [0.6808, 0.3612]
    assert r.matches == [
        (0, "partnership", "friendship", 13, 23, "friendship"),
        (1, "partnership", "win-win", 25, 32, "Win-win"),
    ]
    # VADER of "China values." and of "deals, 2 sides agree." ("win" has no valence)
    assert r.masked == [0.4019, 0.3612]
    assert r.actors == [(0, "china", "China", 0, 5, "China")]


def test_process_batch_same_with_cache_and_for_duplicates(tmp_path, lex_a):
    plain = process_batch([("a", TEXT), ("b", "Beijing.")], lex_a)
    cold = process_batch([("a", TEXT), ("b", "Beijing.")], lex_a, cache_dir=tmp_path)
    warm = process_batch([("a", TEXT), ("b", "Beijing.")], lex_a, cache_dir=tmp_path)
    assert plain == cold == warm
    assert all(isinstance(r, DocResult) for r in warm)
    assert isinstance(warm[0].sentences[0], tuple) and isinstance(warm[0].terms[0], tuple)


def test_batches_by_count_and_characters(monkeypatch):
    monkeypatch.setattr(pool, "BATCH_DOCS", 2)
    monkeypatch.setattr(pool, "BATCH_CHARS", 10)
    texts = ["aaaa", "bbbb", "c" * 12, "d", "e", "f"]
    assert list(pool.batched(texts)) == [["aaaa", "bbbb"], ["c" * 12], ["d", "e"], ["f"]]
    assert list(pool.batched([])) == []
    pairs = [("a", "aaaa"), ("b", "bbbbbb"), ("c", "c")]  # (doc_id, text): the texts counted
    assert list(pool.batched(pairs, max_docs=3, max_chars=10)) == [pairs[:2], pairs[2:]]
    assert list(pool.batched(texts, max_docs=4, max_chars=100)) == [texts[:4], texts[4:]]


def test_ordered_map_keeps_the_order_on_processes():
    items = list(range(20))
    assert list(pool.ordered_map(_square_after, items, jobs=2)) == [i * i for i in items]
    assert list(pool.ordered_map(_square_after, items[:3], jobs=1)) == [0, 1, 4]


def _square_after(i: int) -> int:
    """``i * i``, the early items the slowest (they finish after later ones)."""
    import time

    time.sleep(0.01 * (i < 4))
    return i * i


def test_resolve_jobs(monkeypatch):
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert resolve_jobs(None) == 3
    assert resolve_jobs(0) == 3
    assert resolve_jobs(2) == 2
    for bad in (-1, True, 1.5, "2"):
        with pytest.raises(ValueError, match="jobs must be a positive integer"):
            resolve_jobs(bad)


def _written(results, out: Path) -> dict[str, bytes]:
    write_tables(out, results.tables())
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_outputs_identical_for_jobs_and_cache(tmp_path, seeds, lex_a, lex_b, small_batches):
    ref = _written(analyze(seeds, lexicon=lex_a, jobs=1), tmp_path / "ref")
    assert len(ref) == 8 and b"friendship" in ref["matches.csv"]
    assert _written(analyze(seeds, lexicon=lex_a, jobs=2), tmp_path / "j2") == ref

    cache_dir = tmp_path / "cache"
    cold = DocCache(cache_dir, lexicon_fingerprint=lex_a.fingerprint)
    assert _written(analyze(seeds, lexicon=lex_a, jobs=1, cache=cold), tmp_path / "cold") == ref
    assert cold.stats.as_dict() == {
        "nlp_hits": 0,
        "nlp_misses": 5,
        "lex_hits": 0,
        "lex_misses": 5,
        "parsed_hits": 0,
        "corrupt": 0,
        "writes": 10,
    }

    warm = DocCache(cache_dir, lexicon_fingerprint=lex_a.fingerprint)  # counters of 2 workers
    assert _written(analyze(seeds, lexicon=lex_a, jobs=2, cache=warm), tmp_path / "warm") == ref
    assert (warm.stats.nlp_hits, warm.stats.lex_hits, warm.stats.writes) == (5, 5, 0)

    # a truncated NLP entry and a garbled lexicon entry: ignored, rebuilt, same output
    k0, k1 = text_key(seeds[0].text), text_key(seeds[1].text)
    nlp_file, lex_file = warm.nlp_path(k0), warm.lex_path(k1)
    nlp_file.write_bytes(nlp_file.read_bytes()[:100])
    raw = bytearray(lex_file.read_bytes())
    raw[80] = ord("#") if raw[80] != ord("#") else ord("%")
    lex_file.write_bytes(bytes(raw))
    bad = DocCache(cache_dir, lexicon_fingerprint=lex_a.fingerprint)
    assert _written(analyze(seeds, lexicon=lex_a, jobs=2, cache=bad), tmp_path / "bad") == ref
    s = bad.stats
    assert (s.corrupt, s.nlp_misses, s.nlp_hits, s.lex_misses, s.lex_hits) == (2, 1, 4, 1, 4)
    assert s.writes == 2  # both entries rebuilt ...
    again = DocCache(cache_dir, lexicon_fingerprint=lex_a.fingerprint)
    analyze(seeds, lexicon=lex_a, jobs=1, cache=again)
    assert (again.stats.corrupt, again.stats.nlp_hits, again.stats.lex_hits) == (0, 5, 5)

    # a changed lexicon: only the lexicon part is recomputed, from the stored token records
    ref_b = _written(analyze(seeds, lexicon=lex_b, jobs=1), tmp_path / "ref_b")
    assert ref_b["matches.csv"] != ref["matches.csv"]
    before = {p: p.stat().st_mtime_ns for p in cache_dir.glob("nlp-*/*/*.json")}
    changed = DocCache(cache_dir, lexicon_fingerprint=lex_b.fingerprint)
    out_b = _written(analyze(seeds, lexicon=lex_b, jobs=2, cache=changed), tmp_path / "b")
    assert out_b == ref_b
    s = changed.stats
    assert (s.nlp_hits, s.nlp_misses, s.lex_misses, s.parsed_hits, s.writes) == (5, 0, 5, 5, 5)
    assert {p: p.stat().st_mtime_ns for p in cache_dir.glob("nlp-*/*/*.json")} == before
    # ... and the first lexicon's entries are still there
    back = DocCache(cache_dir, lexicon_fingerprint=lex_a.fingerprint)
    assert _written(analyze(seeds, lexicon=lex_a, jobs=1, cache=back), tmp_path / "back") == ref
    assert (back.stats.nlp_hits, back.stats.lex_hits, back.stats.writes) == (5, 5, 0)


def test_cache_of_another_lexicon_is_refused(tmp_path, seeds, lex_a, lex_b):
    with pytest.raises(ValueError, match="belongs to another lexicon"):
        analyze(seeds, lexicon=lex_b, cache=DocCache(tmp_path, lexicon_fingerprint="x"))


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_cli_jobs_and_caches_byte_identical(tmp_path, capsys, small_batches):
    cache = str(tmp_path / "cache")
    seeds = str(SEEDS_DIR)

    def run(name, *opts):
        assert main(["analyze", seeds, "--out", str(tmp_path / name), *opts]) == 0
        return _files(tmp_path / name), capsys.readouterr().err

    ref, _ = run("ref", "--jobs", "1", "--no-cache")
    assert "provenance.json" in ref and "keyness.csv" in ref
    assert run("j2", "--jobs", "2", "--no-cache")[0] == ref
    out, err = run("cold", "--jobs", "2", "--cache-dir", cache)
    assert out == ref and "unchanged run" not in err
    out, err = run("warm", "--jobs", "1", "--cache-dir", cache)
    assert out == ref and "unchanged run: outputs copied from the cache" in err
    # a damaged whole-run entry: ignored, the run is recomputed from the document cache
    (entry,) = (tmp_path / "cache" / "runs").iterdir()
    (entry / "files" / "terms.csv").write_text("doc_id,term,count\n")
    out, err = run("rebuilt", "--cache-dir", cache)
    assert out == ref and "unchanged run" not in err
    assert run("warm2", "--cache-dir", cache)[1].count("unchanged run") == 1
    # another option is another run
    out, err = run("month", "--cache-dir", cache, "--period", "month")
    assert "unchanged run" not in err and out["terms.csv"] == ref["terms.csv"]


def test_cli_rejects_negative_jobs(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["analyze", str(SEEDS_DIR), "--out", str(tmp_path / "o"), "--jobs", "-1"])
    assert e.value.code == 2
    assert "expected a number of processes >= 0, got '-1'" in capsys.readouterr().err


def test_default_cache_dir_is_used_by_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "envcache"))
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    assert main(["analyze", str(corpus), "--out", str(tmp_path / "o"), "--jobs", "1"]) == 0
    assert len(list((tmp_path / "envcache").glob("nlp-*/*/*.json"))) == 5
    assert len(list((tmp_path / "envcache").glob("runs/*/manifest.json"))) == 1


def test_corpus_tables_adds_keyness_and_frame_rates(seeds, lex_a):
    from analysis.runner.pipeline import corpus_tables
    from analysis.stats.keyness import keyness

    res = analyze(seeds, lexicon=lex_a)
    tables = corpus_tables(res, min_count=2, period="quarter")
    assert list(tables) == [*TABLE_COLUMNS, "keyness", "frame_rates", *MODEL_TABLE_COLUMNS]
    key = keyness(res.terms, res.documents, min_count=2)
    pd.testing.assert_frame_equal(tables["keyness"][list(key.columns)], key)
    assert (tables["keyness"]["count_group"] + tables["keyness"]["count_reference"] >= 2).all()
    assert sorted(set(tables["frame_rates"]["period"])) == ["2017Q4", "2024Q2", "2025Q2"]


def test_unchanged_directory_is_restored_without_reading_it(tmp_path, capsys, monkeypatch):
    from analysis.read import corpus as corpus_module

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "copy.txt").write_bytes((corpus / "000_b1957c8600ddd4d8.txt").read_bytes())
    with open(corpus / "sources.csv", "a", encoding="utf-8") as f:
        f.write("copy.txt,TASS,russian\n")
    args = ["analyze", str(corpus), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    first = capsys.readouterr().err

    def no_reading(*a, **k):
        raise AssertionError("the corpus was read")

    monkeypatch.setattr(corpus_module, "read_corpus", no_reading)
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    second = capsys.readouterr().err
    assert "unchanged run: outputs copied from the cache" in second
    warning = "framing: warning: 1 exact duplicate document(s) kept and flagged in duplicate_of: "
    assert warning + "copy = 000_b1957c8600ddd4d8" in first
    assert warning + "copy = 000_b1957c8600ddd4d8" in second
    assert _files(tmp_path / "b") == _files(tmp_path / "a")
    # a changed file is a changed run: the corpus is read again
    (corpus / "copy.txt").write_text(" date 2024-05-14 Changed.", encoding="utf-8")
    with pytest.raises(AssertionError, match="the corpus was read"):
        main([*args, "--out", str(tmp_path / "c")])


def test_workers_format_the_rows_as_the_writer_would(tmp_path, seeds, lex_a, small_batches):
    from analysis.runner.assemble import DOC_TABLES
    from analysis.write.tables import write_csv

    one = analyze(seeds, lexicon=lex_a, jobs=1)
    two = analyze(seeds, lexicon=lex_a, jobs=2)
    assert one.rendered == {} and list(two.rendered) == list(DOC_TABLES)
    assert len(two.rendered["terms"]) == 3  # one chunk per batch of 2 documents
    for name in DOC_TABLES:
        pd.testing.assert_frame_equal(getattr(two, name), getattr(one, name))
        write_csv(getattr(one, name), tmp_path / f"{name}.csv")
        text = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        assert header == ",".join(TABLE_COLUMNS[name])
        assert "".join(two.rendered[name]) == body, name
    assert "".join(two.rendered["terms"]).startswith("000_b1957c8600ddd4d8,'s,")


def test_python_floats_are_written_as_numpy_writes_them():
    # rows formatted by the workers (csv module: repr) and by write_csv (numpy str) agree
    import numpy as np

    rng = np.random.default_rng(1)
    values = np.concatenate(
        [rng.normal(size=2000), rng.random(500) * 1e-6, rng.random(200) * 1e17, [0.0, -0.0]]
    )
    values = np.concatenate([values, np.round(values[:500], 4)])
    assert [repr(float(v)) for v in values] == values.astype(str).tolist()


def test_markers_rows_of_the_batches_are_the_non_zero_marker_counts(seeds, lex_a, small_batches):
    from analysis.document.markers import marker_counts
    from analysis.document.process import compiled_lexicon
    from analysis.runner.assemble import assemble_batches
    from analysis.runner.pool import run_tables

    docs = list(seeds)
    dense = marker_counts(analyze(docs, lexicon=lex_a).matches, [d.doc_id for d in docs], lex_a)
    assert len(dense) == 5 * 2  # 2 markers in lex_a
    expected = dense[dense["count"] > 0].reset_index(drop=True)
    assert expected[["doc_id", "marker", "count"]].values.tolist() == [
        ["000_b1957c8600ddd4d8", "friendship", 1],
        ["002_0ff1c1c90e3f4af4", "friendship", 2],
        ["002_0ff1c1c90e3f4af4", "win-win", 1],
    ]
    for order in (docs, docs[::-1]):  # sorted by doc_id (the batches' rows), and not
        for jobs in (1, 2):
            batches = list(run_tables(order, compiled_lexicon(lex_a), jobs=jobs))
            got = assemble_batches(order, batches, lex_a)
            assert got.markers.astype(object).equals(expected.astype(object)), (order, jobs)
            assert got.markers_dense().astype(object).equals(dense.astype(object))
            # the workers' rows are used only when they are the table
            assert ("markers" in got.rendered) == (jobs == 2 and order is docs)


def test_cli_streams_the_workers_rows_and_leaves_nothing_when_a_later_step_fails(
    tmp_path, monkeypatch, capsys, small_batches
):
    from analysis.runner.assemble import DOC_TABLES
    from analysis.write import tables as outputs

    streamed = []
    stream = outputs.TableWriter.stream

    def spy(self, name, columns, chunk):
        streamed.append((name, self.directory.name.startswith(".ok.tmp-")))
        stream(self, name, columns, chunk)

    monkeypatch.setattr(outputs.TableWriter, "stream", spy)
    args = ["analyze", str(SEEDS_DIR), "--jobs", "2", "--no-cache"]
    assert main([*args, "--out", str(tmp_path / "ok")]) == 0
    # three batches of the five seeds, each table's rows into the temporary directory
    assert streamed == [(name, True) for _ in range(3) for name in DOC_TABLES]

    def fail(*a, **k):
        raise RuntimeError("keyness failed")

    monkeypatch.setattr(pipeline, "corpus_tables", fail)
    with pytest.raises(RuntimeError, match="keyness failed"):
        main([*args, "--out", str(tmp_path / "out")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok"]  # no out, no temporary dir


def test_a_sink_receives_the_rows_and_only_the_tables_the_statistics_read_are_kept(
    seeds, lex_a, small_batches
):
    from analysis.runner.assemble import DOC_TABLES, KEEP_WHEN_STREAMED

    ref = analyze(seeds, lexicon=lex_a, jobs=1)
    chunks: dict[str, list[str]] = {}
    got = analyze(
        seeds,
        lexicon=lex_a,
        jobs=2,
        sink=lambda name, cols, rows: chunks.setdefault(name, []).append(rows),
    )
    assert got.streamed == frozenset(DOC_TABLES) and got.rendered == {}
    assert KEEP_WHEN_STREAMED == ("terms", "matches", "markers")
    for name in DOC_TABLES:
        assert len(chunks[name]) == 3  # one chunk per batch
        if name in KEEP_WHEN_STREAMED:
            pd.testing.assert_frame_equal(getattr(got, name), getattr(ref, name))
        else:
            assert getattr(got, name).empty and list(getattr(got, name).columns) == list(
                TABLE_COLUMNS[name]
            )
    pd.testing.assert_frame_equal(got.documents, ref.documents)
    # without a sink, every table is kept whatever the jobs
    pd.testing.assert_frame_equal(analyze(seeds, lexicon=lex_a, jobs=2).sentences, ref.sentences)


def test_case_sensitive_names_of_the_lexicon_are_terms_of_their_own(tmp_path):
    """'US' (a case-sensitive actor name) and 'us' stay apart in terms, with and without the
    cache (the moves are stored with the lexicon part)."""
    from analysis.read.corpus import Document

    text = "The US told us. The US and the West met. Let us go west."
    docs = [Document("d", "d.txt", "TASS", "russian", "state", "2024-01-01", text)]
    plain = analyze(docs, jobs=1)
    cached = analyze(docs, jobs=1, cache=tmp_path / "cache")
    again = analyze(docs, jobs=1, cache=tmp_path / "cache")
    for res in (plain, cached, again):
        counts = dict(zip(res.terms["term"], res.terms["count"], strict=True))
        assert (counts["US"], counts["us"], counts["West"], counts["west"]) == (2, 2, 1, 1)


def test_terms_form_keeps_word_forms_and_has_its_own_cache_entries(tmp_path):
    from analysis.read.corpus import Document

    docs = [Document("d", "d.txt", "TASS", "russian", "state", "2024-01-01", "Talks were held.")]
    lemmas = analyze(docs, jobs=1, cache=tmp_path / "c")
    forms = analyze(docs, jobs=1, cache=tmp_path / "c", terms="form")
    assert list(lemmas.terms["term"]) == ["be", "hold", "talk"]
    assert list(forms.terms["term"]) == ["held", "talks", "were"]
    assert list(analyze(docs, jobs=1, terms="form").terms["term"]) == ["held", "talks", "were"]
    assert list(analyze(docs, jobs=1, cache=tmp_path / "c").terms["term"]) == ["be", "hold", "talk"]


def test_a_document_that_breaks_the_pass_is_named_by_the_start_of_its_text(monkeypatch):
    import analysis.document.process as process_module
    from analysis.document.lexicon import load_lexicon
    from analysis.runner.batch import run_batch

    real = process_module.voice_part

    def fragile(parsed, compiled, matches):
        if parsed.text.startswith("Broken"):
            raise IndexError("list index out of range")
        return real(parsed, compiled, matches)

    monkeypatch.setattr(process_module, "voice_part", fragile)
    texts = ["Ties are strong.", "Broken headline cut after asked whether", "Trade grew."]
    with pytest.raises(RuntimeError) as caught:
        run_batch(texts, load_lexicon(), None)
    assert str(caught.value) == (
        "the per-document pass failed on the document whose text begins "
        "'Broken headline cut after asked whether': IndexError: list index out of range "
        "(a bug in framing: please report it with that text)"
    )
    assert len(run_batch(texts[::2], load_lexicon(), None)) == 2
