"""Whose words carry the frame, in the run: voice columns, ``quotes``, frame rates by voice."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.config import SEEDS_DIR
from analysis.document.lexicon import load_lexicon
from analysis.read.corpus import Document
from analysis.read.directory import read_documents
from analysis.runner import pool
from analysis.runner.batch import process_batch
from analysis.runner.doc_cache import DocCache, code_modules
from analysis.runner.pipeline import analyze, corpus_tables
from analysis.schema import FRAME_RATE_COLUMNS, QUOTE_COLUMNS, TABLE_COLUMNS
from analysis.stats.groups import CompareError
from analysis.stats.rates import frame_rates
from analysis.stats.voice import frame_rates_by_voice, speaker_frames, top_speakers
from analysis.write.tables import write_csv, write_tables

TEXT = (
    "Russia and China signed a strategic partnership agreement.\n"
    '"Our comprehensive strategic partnership is at its best level in history," Putin said.\n'
    "Xi said that the two countries support a multipolar world."
)


def _docs():
    return [
        Document("d1", "d1.txt", "TASS", "russian", "state", "2024-01-01", TEXT),
        Document("d2", "d2.txt", "Xinhua", "chinese", "state", "2024-02-01", "Talks were held."),
    ]


@pytest.fixture(scope="module")
def res():
    return analyze(_docs())


def test_sentences_matches_and_quotes_carry_the_voice(res):
    s = res.sentences
    assert s[["doc_id", "voice", "mixed", "speaker"]].values.tolist() == [
        ["d1", "narrator", False, ""],
        ["d1", "quote", True, "Putin"],  # the attribution "Putin said." is narrator
        ["d1", "reported", True, "Xi"],  # "Xi said that" is narrator
        ["d2", "narrator", False, ""],
    ]
    m = res.matches
    assert m[["sent_id", "marker", "start", "voice", "speaker"]].values.tolist() == [
        [0, "strategic partnership", 26, "narrator", ""],
        [1, "strategic partnership", 78, "quote", "Putin"],
        [2, "multipolar world", 187, "reported", "Xi"],
    ]
    assert tuple(res.quotes.columns) == QUOTE_COLUMNS
    assert res.quotes.values.tolist() == [
        [
            "d1",
            1,
            "quote",
            False,
            59,
            133,
            "Putin",
            "russia",
            "said",
            '"Our comprehensive strategic partnership is at its best level in history,"',
        ],
        ["d1", 3, "reported", False, 159, 204, "Xi", "china", "said", TEXT[159:204]],
    ]
    assert TEXT[159:204] == "the two countries support a multipolar world."


def test_word_tokens_by_voice_add_up(res):
    d = res.documents
    cols = ["n_tokens", "n_tokens_narrator", "n_tokens_quote", "n_tokens_reported"]
    # narrator: "Russia ... agreement" (8) + "Putin said" (2) + "Xi said that" (3)
    # quote: the 11 words in quotation marks; reported: "the two ... world" (7)
    assert d[cols].values.tolist() == [[31, 13, 11, 7], [3, 3, 0, 0]]


def test_csv_booleans_are_written_as_pandas_writes_them(tmp_path, res):
    write_tables(tmp_path / "out", res.tables())
    lines = (tmp_path / "out" / "quotes.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(QUOTE_COLUMNS)
    assert lines[2] == "d1,3,reported,False,159,204,Xi,china,said," + TEXT[159:204]
    df = pd.DataFrame({"a": [True, False], "b": ["x", "y"]})
    write_csv(df, tmp_path / "b.csv")
    assert (tmp_path / "b.csv").read_text() == df.to_csv(index=False, lineterminator="\n")


def test_voice_results_are_cached_in_the_lexicon_part(tmp_path):
    lex = load_lexicon()
    items = [("d1", TEXT), ("d2", "Talks were held.")]
    plain = process_batch(items, lex)
    cold = process_batch(items, lex, cache_dir=tmp_path)
    warm = process_batch(items, lex, cache_dir=tmp_path)
    assert plain == cold == warm
    assert warm[0].voice_tokens == (13, 11, 7) and len(warm[0].quotes) == 2
    assert isinstance(warm[0].voices[1], tuple) and warm[0].voices[1][1] is True
    nlp, lex_modules = code_modules("nlp"), code_modules("lex")
    voice = [m for m in lex_modules if m.startswith("analysis.document.voice")]
    assert "analysis.document.voice.spans" in voice
    assert not set(voice) & set(nlp)
    cache = DocCache(tmp_path, lexicon_fingerprint=lex.fingerprint)
    from analysis.runner.doc_cache import text_key

    assert cache.get_lex(text_key(TEXT))["voice_tokens"] == [13, 11, 7]


def _written(tables, out):
    write_tables(out, tables)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_voice_tables_identical_for_jobs_and_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "BATCH_DOCS", 2)  # five seeds: three batches, the pool is used
    seeds = read_documents(SEEDS_DIR)
    ref = _written(corpus_tables(analyze(seeds, jobs=1)), tmp_path / "ref")
    assert ref["quotes.csv"].count(b"\n") > 1
    rates = pd.read_csv(tmp_path / "ref" / "frame_rates.csv")
    assert tuple(rates.columns) == FRAME_RATE_COLUMNS
    assert list(pd.unique(rates["voice"])) == ["all", "narrator", "quote", "reported"]
    assert _written(corpus_tables(analyze(seeds, jobs=2)), tmp_path / "j2") == ref
    cache = tmp_path / "cache"
    assert _written(corpus_tables(analyze(seeds, jobs=2, cache=cache)), tmp_path / "c") == ref
    warm = DocCache(cache, lexicon_fingerprint=load_lexicon().fingerprint)
    assert _written(corpus_tables(analyze(seeds, jobs=1, cache=warm)), tmp_path / "w") == ref
    assert warm.stats.lex_hits == 5 and warm.stats.writes == 0


# --------------------------------------------------------------------------- frame rates by voice

DOCS = pd.DataFrame(
    {
        "doc_id": ["d1", "d2", "d3"],
        "origin": ["russian", "russian", "chinese"],
        "date": ["2024-01-05", "2024-03-01", "2024-06-01"],
        "n_tokens": [100, 50, 20],
        "n_tokens_narrator": [60, 50, 10],
        "n_tokens_quote": [30, 0, 10],
        "n_tokens_reported": [10, 0, 0],
    }
)
MARKERS = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d2", "d2", "d3", "d3"],
        "frame": ["f"] * 6,
        "marker": ["a", "b"] * 3,
        "count": [2, 1, 1, 0, 0, 1],
    }
)
MATCHES = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d1", "d2", "d3"],
        "frame": ["f"] * 5,
        "marker": ["a", "a", "b", "a", "b"],
        "voice": ["narrator", "quote", "reported", "narrator", "quote"],
    }
)


def test_frame_rates_by_voice_hand_computed():
    out = frame_rates_by_voice(MARKERS, MATCHES, DOCS, n_resamples=200)
    assert tuple(out.columns) == FRAME_RATE_COLUMNS
    got = {
        (o, v, m): (c, n, r)
        for o, v, m, c, n, r in out[
            ["origin", "voice", "marker", "count", "n_tokens", "rate"]
        ].itertuples(index=False)
    }
    assert got[("russian", "all", "")] == (4, 150, pytest.approx(1000 * 4 / 150))
    assert got[("russian", "narrator", "a")] == (2, 110, pytest.approx(1000 * 2 / 110))
    assert got[("russian", "narrator", "b")] == (0, 110, 0.0)
    assert got[("russian", "quote", "a")] == (1, 30, pytest.approx(1000 / 30))
    assert got[("russian", "reported", "b")] == (1, 10, pytest.approx(100.0))
    assert got[("chinese", "quote", "b")] == (1, 10, pytest.approx(100.0))
    assert got[("chinese", "narrator", "")] == (0, 10, 0.0)
    c, n, r = got[("chinese", "reported", "b")]
    assert (c, n) == (0, 0) and math.isnan(r)  # no reported word: no rate
    # order: origin, voice (all, narrator, quote, reported), frame total first
    assert out[["origin", "voice", "marker"]].values.tolist()[:5] == [
        ["chinese", "all", ""],
        ["chinese", "all", "a"],
        ["chinese", "all", "b"],
        ["chinese", "narrator", ""],
        ["chinese", "narrator", "a"],
    ]
    one = out[out["origin"] == "chinese"]  # a group of one document: NaN intervals
    assert one["ci_low"].isna().all() and one["ci_high"].isna().all()
    assert (one["n_docs"] == 1).all()
    two = out[(out["origin"] == "russian") & (out["voice"] == "narrator") & (out["marker"] == "a")]
    assert two["ci_low"].notna().all()


def test_frame_rates_all_is_the_unvoiced_table():
    plain = frame_rates(MARKERS, DOCS, n_resamples=200)
    every = frame_rates(MARKERS, DOCS, n_resamples=200, voice="all")
    assert every.pop("voice").eq("all").all()
    pd.testing.assert_frame_equal(every, plain)
    with pytest.raises(CompareError, match="needs the matches"):
        frame_rates(MARKERS, DOCS, voice="quote")
    with pytest.raises(CompareError, match="voice must be one of"):
        frame_rates(MARKERS, DOCS, voice="quoted", matches=MATCHES)
    stray = pd.concat([MATCHES, MATCHES.iloc[:1].assign(marker="zzz")], ignore_index=True)
    with pytest.raises(CompareError, match="no \\(doc_id, frame, marker\\) markers row"):
        frame_rates(MARKERS, DOCS, voice="narrator", matches=stray)


def test_frame_rates_by_voice_sums_voices_to_all():
    out = frame_rates_by_voice(MARKERS, MATCHES, DOCS, n_resamples=50)
    by = out.groupby(["origin", "marker", "voice"])["count"].sum().unstack()
    assert np.array_equal(by["all"], by[["narrator", "quote", "reported"]].sum(axis=1))


# --------------------------------------------------------------------------- speakers

QUOTES = pd.DataFrame(
    {
        "doc_id": ["d1", "d1", "d2", "d1", "d3", "d3"],
        "voice": ["quote", "reported", "quote", "quote", "quote", "reported"],
        "partial": [False, False, False, True, False, False],
        "speaker": ["Putin", "Putin", "Putin", "Lavrov", "Wang Yi", ""],
        "speaker_actor": ["russia", "russia", "russia", "russia", "china", ""],
    }
)


def test_top_speakers():
    out = top_speakers(QUOTES, DOCS, n=10)
    assert out.values.tolist() == [
        ["chinese", 1, "Wang Yi", "china", 1, 1, 0, 1],
        ["russian", 1, "Putin", "russia", 3, 2, 1, 2],
    ]
    with_partial = top_speakers(QUOTES, DOCS, n=1, partial=True)
    assert with_partial["speaker"].tolist() == ["Wang Yi", "Putin"]
    assert top_speakers(QUOTES, DOCS, n=2, partial=True)["speaker"].tolist() == [
        "Wang Yi",
        "Putin",
        "Lavrov",
    ]


def test_speaker_frames():
    matches = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d2", "d3", "d1"],
            "frame": ["sovereignty", "partnership", "partnership", "partnership", "x"],
            "voice": ["quote", "reported", "quote", "quote", "narrator"],
            "speaker": ["Putin", "Putin", "Putin", "Wang Yi", ""],
        }
    )
    out = speaker_frames(matches, DOCS)
    assert out.values.tolist() == [
        ["chinese", "Wang Yi", "partnership", 1, 1],
        ["russian", "Putin", "partnership", 2, 2],
        ["russian", "Putin", "sovereignty", 1, 1],
    ]
    only = speaker_frames(matches, DOCS, voices=("reported",))
    assert only.values.tolist() == [["russian", "Putin", "partnership", 1, 1]]
    keep = pd.DataFrame({"origin": ["chinese"], "speaker": ["Wang Yi"]})
    assert len(speaker_frames(matches, DOCS, speakers=keep)) == 1


def test_quotes_in_the_table_columns():
    assert TABLE_COLUMNS["quotes"] == QUOTE_COLUMNS
    assert TABLE_COLUMNS["matches"][-2:] == ("voice", "speaker")
    assert TABLE_COLUMNS["sentences"][-3:] == ("voice", "mixed", "speaker")


def test_frame_rates_by_voice_over_the_whole_period():
    docs = DOCS.assign(date=["2023-01-05", "2024-03-01", "2025-06-01"])
    out = frame_rates_by_voice(MARKERS, MATCHES, docs, period=None, n_resamples=50)
    assert set(out["period"]) == {"all"}
    row = out[(out["origin"] == "russian") & (out["voice"] == "narrator") & (out["marker"] == "a")]
    assert row[["count", "n_tokens", "n_docs"]].values.tolist() == [[2, 110, 2]]


def test_frame_rates_of_one_voice_keep_the_seed():
    # frame_rates(voice=...) goes through frame_rates_in_voices: the seed must reach it
    rng = np.random.default_rng(5)
    n = 40
    docs = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(n)],
            "origin": "russian",
            "date": "2024-01-05",
            "n_tokens": rng.integers(20, 200, n),
        }
    )
    markers = pd.DataFrame(
        {"doc_id": docs["doc_id"], "frame": "f", "marker": "a", "count": rng.poisson(2.0, n)}
    )
    options = {"n_resamples": 200, "seed": 7}
    plain = frame_rates(markers, docs, **options)
    every = frame_rates(markers, docs, voice="all", **options)
    assert every.pop("voice").eq("all").all()
    pd.testing.assert_frame_equal(every, plain)
    other = frame_rates(markers, docs, n_resamples=200, seed=0)
    assert not np.array_equal(other["ci_low"], plain["ci_low"])  # the seed matters here
