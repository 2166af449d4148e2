"""Sentiment tests. Every compound below was computed once with
``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer().polarity_scores`` (3.3.2) directly
on the quoted text and written here as a literal."""

import math

import pandas as pd
import pytest
import reference_tone as ref
from reference_tone import actor_sentiment, document_sentiment, marker_sentiment, score_sentences

from analysis.document.tone import get_analyzer, mask, score, score_masked
from analysis.stats.tone import AGGREGATE_COLUMNS, aggregate_sentiment

# --------------------------------------------------------------------------- scoring


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our friendship is strong.", (0.7351, 0.756, 0.244, 0.0)),
        ("He is not a good friend.", (-0.6167, 0.0, 0.443, 0.557)),
        ("The talks failed.", (-0.5106, 0.0, 0.377, 0.623)),
        ("The talks were held in Moscow.", (0.0, 0.0, 1.0, 0.0)),
        # original case and punctuation matter: VADER boosts CAPS and "!"
        ("The talks were GREAT!", (0.729, 0.631, 0.369, 0.0)),
        ("the talks were great", (0.6249, 0.577, 0.423, 0.0)),
        ("", (0.0, 0.0, 0.0, 0.0)),
    ],
)
def test_score_exact(text, expected):
    assert score(text) == expected


def test_score_rejects_non_text():
    with pytest.raises(TypeError, match="expected a str, got float"):
        score(float("nan"))


def test_analyzer_built_once_per_process(monkeypatch):
    from vaderSentiment import vaderSentiment as vs

    built = []
    original = vs.SentimentIntensityAnalyzer.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(vs.SentimentIntensityAnalyzer, "__init__", counting_init)
    get_analyzer.cache_clear()
    try:
        for text in ("Our friendship is strong.", "The talks failed.", "Fine."):
            score(text)
        score_masked("Our friendship is strong.", [(4, 14)])
        assert get_analyzer() is get_analyzer()
        assert len(built) == 1
    finally:
        get_analyzer.cache_clear()


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("Our friendship is strong.", [(4, 14)], "Our is strong."),
        # punctuation glued to the marker stays with the neighbouring word, no stray token
        ("Our friendship, strong", [(4, 14)], "Our, strong"),
        ('a "friendship" pact', [(3, 13)], 'a" "pact'),
        ("Friendship, they said, is not dead.", [(0, 10)], ",they said, is not dead."),
        ("Friendship!", [(0, 10)], "!"),
        # several spans; spans separated by whitespace only are removed as one
        (
            "a great friendship and a friendship of trust",
            [(25, 35), (8, 18)],
            "a great and a of trust",
        ),
        ("friendship friendship grows", [(0, 10), (11, 21)], "grows"),
        ("win-win and win-win", [(0, 7), (12, 19)], "and"),
        # overlapping spans
        ("Our friendship is strong.", [(4, 10), (8, 14)], "Our is strong."),
        # part of a hyphenated word: the rest stays (VADER strips the hyphen)
        ("sovereignty-based order", [(0, 11)], "-based order"),
        ("  untouched  ", [], "  untouched  "),
    ],
)
def test_mask(text, spans, expected):
    assert mask(text, spans) == expected


@pytest.mark.parametrize("span", [(-1, 3), (5, 5), (6, 4), (0, 99)])
def test_mask_bad_span(span):
    with pytest.raises(ValueError, match=r"span .* is not a non-empty range within the text"):
        mask("Our friendship.", [span])


@pytest.mark.parametrize(
    ("text", "spans", "unmasked", "masked"),
    [
        # "strong" alone: compound of "Our is strong."
        ("Our friendship is strong.", [(4, 14)], 0.7351, 0.5106),
        # the marker is the only sentiment word: nothing left
        ("Russia and China reaffirmed their friendship.", [(34, 44)], 0.4404, 0.0),
        # "not" still negates "good"; the removed "friend" no longer adds to the negative
        ("He is not a good friend.", [(17, 23)], -0.6167, -0.3412),
        # both occurrences of the marker removed; "great" and "trust" remain
        ("a great friendship and a friendship of trust", [(8, 18), (25, 35)], 0.9217, 0.8126),
        ("Xi praised the friendship.", [(15, 25)], 0.7269, 0.4939),
        # a neutral marker: masking changes nothing
        ("The sanctions hurt everyone.", [(4, 13)], -0.5267, -0.5267),
    ],
)
def test_score_masked_exact(text, spans, unmasked, masked):
    assert score(text)[0] == unmasked
    assert score_masked(text, spans) == masked


def test_score_masked_without_spans_is_the_score():
    assert score_masked("Our friendship is strong.", []) == 0.7351


# --------------------------------------------------------------------------- tables

#        0         1         2         3         4         5         6         7         8
#        012345678901234567890123456789012345678901234567890123456789012345678901234567890
D1 = "Our friendship is strong. He is not a good friend. The talks were held in Moscow."
D2 = "Russia and China reaffirmed their friendship. a great friendship and a friendship of trust"


def _sentences():
    spans = {"d1": [(0, 25), (26, 50), (51, 81)], "d2": [(0, 45), (46, 90)]}
    texts = {"d1": D1, "d2": D2}
    rows = [(d, i, s, e, texts[d][s:e]) for d, sp in spans.items() for i, (s, e) in enumerate(sp)]
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "start", "end", "text"])


def test_sentence_fixture_offsets():
    s = _sentences()
    assert s["text"].tolist() == [
        "Our friendship is strong.",
        "He is not a good friend.",
        "The talks were held in Moscow.",
        "Russia and China reaffirmed their friendship.",
        "a great friendship and a friendship of trust",
    ]


def test_score_sentences_appends_exact_scores():
    sents = _sentences()
    before = sents.copy()
    out = score_sentences(sents)
    assert list(out.columns) == ["doc_id", "sent_id", "start", "end", "text", *ref.SCORE_COLUMNS]
    assert out["compound"].tolist() == [0.7351, -0.6167, 0.0, 0.4404, 0.9217]
    assert out["pos"].tolist() == [0.756, 0.0, 0.0, 0.367, 0.767]
    assert out["neu"].tolist() == [0.244, 0.443, 1.0, 0.633, 0.233]
    assert out["neg"].tolist() == [0.0, 0.557, 0.0, 0.0, 0.0]
    pd.testing.assert_frame_equal(sents, before)  # input untouched
    # scoring again replaces the columns instead of duplicating them
    pd.testing.assert_frame_equal(score_sentences(out), out)


def test_score_sentences_bad_input():
    sents = _sentences()
    sents.loc[1, "text"] = None
    with pytest.raises(
        ValueError, match=r"sentence 1 of document 'd1' has text (None|nan), not a string"
    ):
        score_sentences(sents)
    with pytest.raises(ValueError, match=r"sentences table is missing column\(s\) \['text'\]"):
        score_sentences(_sentences().drop(columns="text"))


def test_document_mean_of_scored_sentences():
    out = document_sentiment(score_sentences(_sentences()))
    assert list(out.columns) == list(ref.DOCUMENT_SENTIMENT_COLUMNS)
    assert out["doc_id"].tolist() == ["d1", "d2"]
    # d1: (0.7351 - 0.6167 + 0.0) / 3; positive: 1 of 3, negative: 1 of 3
    # d2: (0.4404 + 0.9217) / 2 = 0.68105; both positive
    assert out["sentiment"].tolist() == pytest.approx([0.1184 / 3, 0.68105], abs=1e-15)
    assert out["share_positive"].tolist() == [1 / 3, 1.0]
    assert out["share_negative"].tolist() == [1 / 3, 0.0]


def test_document_sentiment_thresholds_and_empty_documents():
    t = pd.DataFrame(
        {
            "doc_id": ["a", "a", "b", "a", "a"],
            "sent_id": [3, 0, 0, 1, 2],
            "compound": [0.5, 0.05, -0.5, -0.05, 0.0],
        }
    )
    out = document_sentiment(t, doc_ids=["b", "empty", "a"])
    assert out["doc_id"].tolist() == ["b", "empty", "a"]
    b, empty, a = (out.iloc[i] for i in range(3))
    # a: (0.05 - 0.05 + 0.0 + 0.5) / 4; 0.05 counts as positive, -0.05 as negative
    assert (a["sentiment"], a["share_positive"], a["share_negative"]) == (0.125, 0.5, 0.25)
    assert (b["sentiment"], b["share_positive"], b["share_negative"]) == (-0.5, 0.0, 1.0)
    # no sentences: NaN, never 0
    assert empty[["sentiment", "share_positive", "share_negative"]].isna().all()


def test_document_sentiment_bad_input():
    t = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": [0, 0], "compound": [0.1, None]})
    with pytest.raises(ValueError, match="sentence 0 of document 'b' has compound"):
        document_sentiment(t)
    t = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 0], "compound": [0.1, 0.2]})
    with pytest.raises(ValueError, match="duplicate sentence 0 of document 'a'"):
        document_sentiment(t)
    t = pd.DataFrame({"doc_id": ["a", "b"], "sent_id": [0, 0], "compound": [0.1, 0.2]})
    with pytest.raises(ValueError, match=r"not in doc_ids, e\.g\. \['b'\]"):
        document_sentiment(t, doc_ids=["a"])


def _matches():
    rows = [
        ("d1", 0, "partnership", "friendship", 4, 14),
        ("d1", 1, "partnership", "friend", 43, 49),
        ("d2", 0, "partnership", "friendship", 34, 44),
        ("d2", 1, "partnership", "friendship", 54, 64),
        ("d2", 1, "partnership", "friendship", 71, 81),
        ("d2", 1, "trust", "trust", 85, 90),
    ]
    df = pd.DataFrame(rows, columns=["doc_id", "sent_id", "frame", "marker", "start", "end"])
    texts = {"d1": D1, "d2": D2}
    df["text"] = [
        texts[d][s:e] for d, s, e in zip(df["doc_id"], df["start"], df["end"], strict=True)
    ]
    return df


def test_marker_sentiment_masks_the_marker():
    out = marker_sentiment(_matches(), score_sentences(_sentences()))
    assert list(out.columns) == list(ref.MARKER_SENTIMENT_COLUMNS)
    assert out[["doc_id", "sent_id", "frame", "marker"]].values.tolist() == [
        ["d1", 0, "partnership", "friendship"],
        ["d1", 1, "partnership", "friend"],
        ["d2", 0, "partnership", "friendship"],
        ["d2", 1, "partnership", "friendship"],
        ["d2", 1, "partnership", "friendship"],
        ["d2", 1, "trust", "trust"],
    ]
    assert out["compound"].tolist() == [0.7351, -0.6167, 0.4404, 0.9217, 0.9217, 0.9217]
    # "Our is strong." / "He is not a good." / "Russia and China reaffirmed their." /
    # both friendships removed: "a great and a of trust" (0.8126) /
    # only "trust" removed: "a great friendship and a friendship of" (0.872)
    assert out["compound_masked"].tolist() == [0.5106, -0.3412, 0.0, 0.8126, 0.8126, 0.872]
    assert score("a great friendship and a friendship of") == (0.872, 0.712, 0.288, 0.0)


def test_marker_sentiment_keeps_input_order_and_empty_input():
    m = _matches().iloc[::-1]
    out = marker_sentiment(m, score_sentences(_sentences()))
    assert out["compound_masked"].tolist() == [0.872, 0.8126, 0.8126, 0.0, -0.3412, 0.5106]
    empty = marker_sentiment(_matches().iloc[:0], score_sentences(_sentences()))
    assert list(empty.columns) == list(ref.MARKER_SENTIMENT_COLUMNS) and len(empty) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sent_id": 7}, "in document 'd1', sentence 7: no such sentence"),
        ({"start": 20, "end": 30}, "offsets 20-30 are outside the sentence (0-25)"),
        ({"text": "amity"}, "text 'amity' differs from the sentence text"),
    ],
)
def test_marker_sentiment_bad_matches(change, message):
    m = _matches().iloc[:1].copy()
    for k, v in change.items():
        m[k] = v
    with pytest.raises(ValueError) as err:
        marker_sentiment(m, score_sentences(_sentences()))
    assert "marker 'friendship' (frame 'partnership')" in str(err.value)
    assert message in str(err.value)


def test_actor_sentiment_one_row_per_sentence_and_actor():
    actors = pd.DataFrame(
        [
            ("d2", 1, "china", "Xi"),  # fictitious, to test ordering within a document
            ("d2", 0, "russia", "Russia"),
            ("d2", 0, "china", "China"),
            ("d1", 2, "russia", "Moscow"),
            ("d2", 0, "russia", "Russian"),  # second mention in the same sentence
        ],
        columns=["doc_id", "sent_id", "actor", "name"],
    )
    out = actor_sentiment(actors, score_sentences(_sentences()))
    assert list(out.columns) == list(ref.ACTOR_SENTIMENT_COLUMNS)
    assert out.values.tolist() == [
        ["d2", 0, "china", 0.4404],
        ["d2", 0, "russia", 0.4404],
        ["d2", 1, "china", 0.9217],
        ["d1", 2, "russia", 0.0],
    ]
    with pytest.raises(ValueError, match="actor 'china' in document 'd2', sentence 9: no such"):
        actor_sentiment(actors.assign(sent_id=9), score_sentences(_sentences()))


def test_pipeline_style_end_to_end_with_parse_and_markers(tmp_path):
    """Sentences from the NLP pass, matches from the marker matcher, then the tone tables."""
    from analysis.document.markers import find_markers
    from analysis.document.nlp import parse

    lex = tmp_path / "lexicon.toml"
    lex.write_text(
        'version = "t"\n'
        '[frames.partnership]\nlabel = "P"\nmarkers = ["friendship", "friend"]\n'
        '[actors.russia]\nlabel = "Russia"\nnames = ["Russia", "Moscow"]\n',
        encoding="utf-8",
    )
    parsed = parse(D1)
    sents = pd.DataFrame(
        [("d1", i, s, e, parsed.text[s:e]) for i, (s, e) in enumerate(parsed.sentences)],
        columns=["doc_id", "sent_id", "start", "end", "text"],
    )
    scored = score_sentences(sents)
    docs = pd.DataFrame({"doc_id": ["d1"], "text": [D1]})
    frames = find_markers(docs, str(lex))
    ms = marker_sentiment(frames, scored)
    assert ms[["marker", "compound", "compound_masked"]].values.tolist() == [
        ["friendship", 0.7351, 0.5106],
        ["friend", -0.6167, -0.3412],
    ]
    acts = actor_sentiment(find_markers(docs, str(lex), kind="actors"), scored)
    assert acts.values.tolist() == [["d1", 2, "russia", 0.0]]


# --------------------------------------------------------------------------- aggregation

DOCS = pd.DataFrame(
    {
        "doc_id": ["r1", "c1", "r2"],
        "outlet": ["TASS", "Xinhua", "RIA"],
        "origin": ["russian", "chinese", "russian"],
        "date": ["2024-05-01", "2025-02-01", "2024-11-03"],
    }
)
# r1: 0.5, 0.25; r2: 0.375 -> russian mean 1.125 / 3 = 0.375, and r1's mean (0.375) equals
# r2's, so every document resample has mean 0.375: the interval is exactly [0.375, 0.375].
SENTS = pd.DataFrame(
    {
        "doc_id": ["r1", "r1", "c1", "r2"],
        "sent_id": [0, 1, 0, 0],
        "compound": [0.5, 0.25, -0.5, 0.375],
    }
)


def test_aggregate_by_origin():
    out = aggregate_sentiment(SENTS, DOCS, by=["origin"])
    assert list(out.columns) == ["origin", *AGGREGATE_COLUMNS]
    assert out["origin"].tolist() == ["chinese", "russian"]
    assert out["mean"].tolist() == [-0.5, 0.375]
    assert out["n_docs"].tolist() == [1, 2]
    assert out["n_sentences"].tolist() == [1, 3]
    assert math.isnan(out.loc[0, "ci_low"]) and math.isnan(out.loc[0, "ci_high"])
    assert (out.loc[1, "ci_low"], out.loc[1, "ci_high"]) == (0.375, 0.375)


def test_aggregate_overall_and_with_interval():
    out = aggregate_sentiment(SENTS, DOCS, by=[], n_resamples=500)
    assert list(out.columns) == list(AGGREGATE_COLUMNS)
    # (0.5 + 0.25 - 0.5 + 0.375) / 4 = 0.15625; resamples lie within the document means
    row = out.iloc[0]
    assert (row["mean"], row["n_docs"], row["n_sentences"]) == (0.15625, 3, 4)
    assert -0.5 <= row["ci_low"] < row["mean"] < row["ci_high"] <= 0.375


@pytest.mark.parametrize(
    ("by", "period", "keys"),
    [
        (
            ["origin"],
            "quarter",
            [["chinese", "2025Q1"], ["russian", "2024Q2"], ["russian", "2024Q4"]],
        ),
        (["period", "origin"], "year", [["2024", "russian"], ["2025", "chinese"]]),
        (
            ["outlet", "period"],
            "month",
            [["RIA", "2024-11"], ["TASS", "2024-05"], ["Xinhua", "2025-02"]],
        ),
    ],
)
def test_aggregate_by_period(by, period, keys):
    out = aggregate_sentiment(SENTS, DOCS, by=by, period=period)
    cols = by if "period" in by else [*by, "period"]
    assert list(out.columns) == [*cols, *AGGREGATE_COLUMNS]
    assert out[cols].values.tolist() == keys


def test_aggregate_by_table_column_and_other_value():
    ms = pd.DataFrame(
        {
            "doc_id": ["r1", "r1", "r2", "c1"],
            "sent_id": [0, 1, 0, 0],
            "frame": ["partnership", "sovereignty", "partnership", "partnership"],
            "marker": ["friendship", "sovereignty", "friend", "friendship"],
            "compound": [0.5, 0.25, 0.75, 0.0],
            "compound_masked": [0.25, 0.25, 0.5, -0.25],
        }
    )
    out = aggregate_sentiment(ms, DOCS, by=["frame", "origin"], value="compound_masked")
    assert out[["frame", "origin", "mean", "n_docs", "n_sentences"]].values.tolist() == [
        ["partnership", "chinese", -0.25, 1, 1],
        ["partnership", "russian", 0.375, 2, 2],
        ["sovereignty", "russian", 0.25, 1, 1],
    ]
    # the two russian partnership documents differ: 0.25 and 0.5 -> interval [0.25, 0.5]
    assert out.loc[1, ["ci_low", "ci_high"]].tolist() == [0.25, 0.5]


@pytest.mark.parametrize(
    ("table", "docs", "kwargs", "message"),
    [
        (SENTS, DOCS, {"by": ["period"]}, "by names 'period' but period=None"),
        (SENTS, DOCS.iloc[:2], {"by": ["origin"]}, "document(s) not in the documents table"),
        (SENTS, DOCS.drop(columns="outlet"), {"by": ["outlet"]}, "documents table is missing"),
        (SENTS, pd.concat([DOCS, DOCS.iloc[:1]]), {"by": []}, "duplicate doc_id 'r1'"),
        (SENTS, DOCS, {"by": [], "value": "nope"}, "table is missing column(s) ['nope']"),
        (SENTS.assign(compound=[0.1, None, 0.2, 0.3]), DOCS, {"by": []}, "finite numbers"),
        (SENTS, DOCS.assign(date="May 2024"), {"by": [], "period": "year"}, "not an ISO date"),
    ],
)
def test_aggregate_bad_input(table, docs, kwargs, message):
    with pytest.raises(ValueError) as err:
        aggregate_sentiment(table, docs, **kwargs)
    assert "aggregate_sentiment" in str(err.value) or "add_period" in str(err.value)
    assert message in str(err.value)


# ------------------------------------------------- the real tables vs the reference versions


def test_the_runs_tone_tables_equal_the_reference_implementations():
    """documents' tone columns, marker_sentiment and actor_sentiment are built in one place
    (runner.assemble.batch_tables); the independent reference versions agree on the seeds."""
    from analysis.config import SEEDS_DIR
    from analysis.document.markers import find_markers
    from analysis.read.corpus import load_corpus
    from analysis.runner.pipeline import analyze

    res = analyze(SEEDS_DIR, progress=False, jobs=1)
    scored = score_sentences(res.sentences[["doc_id", "sent_id", "start", "end", "text"]])
    pd.testing.assert_frame_equal(scored, res.sentences[list(scored.columns)])
    tone = document_sentiment(scored, doc_ids=list(res.documents["doc_id"]))
    cols = list(ref.DOCUMENT_SENTIMENT_COLUMNS)
    pd.testing.assert_frame_equal(tone, res.documents[cols])
    pd.testing.assert_frame_equal(marker_sentiment(res.matches, scored), res.marker_sentiment)
    actors = find_markers(load_corpus(SEEDS_DIR), kind="actors")
    pd.testing.assert_frame_equal(actor_sentiment(actors, scored), res.actor_sentiment)
    assert len(res.marker_sentiment) > 0 and len(res.actor_sentiment) > 0
