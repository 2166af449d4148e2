"""Sentence-level VADER sentiment and its honest aggregates.

VADER's compound score saturates on long texts (a whole TASS article scores about +0.997), so
every sentence is scored on its own and documents and groups are described by the **mean
sentence compound** and the shares of positive / negative sentences (VADER's thresholds:
compound ≥ 0.05 positive, ≤ −0.05 negative). Sentences are scored on their original-case text
with punctuation: VADER uses capitals ("GREAT") and "!" as intensifiers.

Tone around framing markers is the compound of the marker's sentence with the marker's own
words removed (:func:`mask`), so "friendship" does not make its own context positive. Tone
toward actors is the compound of the sentences that mention them.

Group means come with a percentile bootstrap interval that resamples *documents*
(:func:`aggregate_sentiment`, built on :func:`~analysis.stats.bootstrap.bootstrap_ratio`): sentences
of one
article are not independent, and with a handful of articles the question is how much the mean
depends on which articles were collected. A group of one document has no interval.

The VADER analyzer is built once per process (:func:`get_analyzer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from analysis.document.vader import FastAnalyzer

__all__ = [
    "ACTOR_SENTIMENT_COLUMNS",
    "AGGREGATE_COLUMNS",
    "DOCUMENT_SENTIMENT_COLUMNS",
    "MARKER_SENTIMENT_COLUMNS",
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "SCORE_COLUMNS",
    "actor_sentiment",
    "aggregate_sentiment",
    "document_sentiment",
    "get_analyzer",
    "marker_sentiment",
    "mask",
    "score",
    "score_masked",
    "score_sentences",
    "summarize_compounds",
]

#: A sentence is positive when its compound is at least this (VADER's threshold).
POSITIVE_THRESHOLD = 0.05
#: A sentence is negative when its compound is at most this (VADER's threshold).
NEGATIVE_THRESHOLD = -0.05
#: Columns :func:`score_sentences` appends.
SCORE_COLUMNS: tuple[str, ...] = ("compound", "pos", "neu", "neg")
#: Columns of :func:`document_sentiment`.
DOCUMENT_SENTIMENT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "sentiment",
    "share_positive",
    "share_negative",
)
#: Columns of :func:`marker_sentiment` (and ``marker_sentiment.csv``).
MARKER_SENTIMENT_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "sent_id",
    "frame",
    "marker",
    "compound",
    "compound_masked",
)
#: Columns of :func:`actor_sentiment` (and ``actor_sentiment.csv``).
ACTOR_SENTIMENT_COLUMNS: tuple[str, ...] = ("doc_id", "sent_id", "actor", "compound")
#: Columns of :func:`aggregate_sentiment` after the ``by`` columns.
AGGREGATE_COLUMNS: tuple[str, ...] = ("mean", "ci_low", "ci_high", "n_docs", "n_sentences")


# --------------------------------------------------------------------------- scoring


@cache
def get_analyzer() -> FastAnalyzer:
    """Return the process-wide VADER analyzer (built on first use, then cached).

    It is :class:`analysis.document.vader.FastAnalyzer`: VADER's own analyzer with redundant work
    removed, giving identical scores.
    """
    from analysis.document.vader import FastAnalyzer

    return FastAnalyzer()


def score(text: str) -> tuple[float, float, float, float]:
    """VADER scores of one text, as written (no lowercasing, punctuation kept).

    Args:
        text: A sentence in its original case.

    Returns:
        ``(compound, pos, neu, neg)`` of ``polarity_scores(text)`` (VADER rounds compound to
        4 and the proportions to 3 decimals). An empty text scores ``(0.0, 0.0, 0.0, 0.0)``.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"score: expected a str, got {type(text).__name__}")
    s = get_analyzer().polarity_scores(text)
    return float(s["compound"]), float(s["pos"]), float(s["neu"]), float(s["neg"])


def _is_punct(chunk: str) -> bool:
    return bool(chunk) and not any(ch.isalnum() for ch in chunk)


def _join(left: str, right: str) -> str:
    """Join the text before and after a removed span (see :func:`mask`)."""
    lead = trail = ""
    if left and not left[-1].isspace():  # punctuation glued to the span's start: '"friendship'
        chunk = left.split()[-1]
        if _is_punct(chunk):
            lead, left = chunk, left[: -len(chunk)]
    if right and not right[0].isspace():  # punctuation glued to the span's end: 'friendship,'
        chunk = right.split()[0]
        if _is_punct(chunk):
            trail, right = chunk, right[len(chunk) :]
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return lead + trail + right
    if not right:
        return left + lead + trail
    return left + trail + " " + lead + right


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Remove the words in ``spans`` from ``text`` (the masking of :func:`score_masked`).

    Each ``[start, end)`` span is deleted and the whitespace around it collapses to one space,
    so the sentence reads as if the marker had not been written. Punctuation that was glued to
    the span moves to the neighbouring word on its side ("Our friendship, strong" →
    "Our, strong"; 'a "friendship" pact' → 'a" "pact'; "Friendship, they said" →
    ",they said"), so it does not become a stray token (VADER strips it from the word).
    Overlapping or touching spans, and spans separated only by whitespace, are removed as one.

    Removal (rather than a placeholder word) is deliberate: VADER looks back up to three
    tokens from each sentiment word for negations ("not") and boosters ("very"); without the
    marker those look-backs see the words that are actually there, and a placeholder could be
    mistaken for a capitalised or lexicon word. The only changed windows are those that
    spanned the marker, where the removal shifts them by the marker's length.

    Args:
        text: The text (e.g. one sentence).
        spans: ``(start, end)`` character offsets relative to ``text``.

    Returns:
        The masked text (``text`` unchanged when ``spans`` is empty).

    Raises:
        ValueError: A span is not within ``text`` or has ``start >= end``.
    """
    merged: list[list[int]] = []
    for span in sorted((int(s), int(e)) for s, e in spans):
        s, e = span
        if not 0 <= s < e <= len(text):
            raise ValueError(
                f"mask: span {span} is not a non-empty range within the text "
                f"(length {len(text)}): {text[:60]!r}"
            )
        if merged and text[merged[-1][1] : s].strip() == "":
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not merged:
        return text
    out = text[: merged[0][0]]
    for (_, e), (s, _) in zip(merged, merged[1:], strict=False):
        out = _join(out, text[e:s])
    return _join(out, text[merged[-1][1] :])


def score_masked(text: str, spans: Sequence[tuple[int, int]]) -> float:
    """VADER compound of ``text`` with the words in ``spans`` removed (see :func:`mask`).

    Args:
        text: The text (e.g. the sentence holding a marker), original case.
        spans: ``(start, end)`` character offsets relative to ``text``.

    Returns:
        The compound score of the masked text (``0.0`` when nothing with a sentiment is left).

    Raises:
        ValueError: A span is not within ``text``.
    """
    return score(mask(text, spans))[0]


# --------------------------------------------------------------------------- tables


def _require(df: pd.DataFrame, where: str, name: str, columns: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{where}: {name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{where}: {name} table is missing column(s) {missing}; it has {list(df.columns)}"
        )


def _ints(df: pd.DataFrame, where: str, name: str, column: str) -> np.ndarray:
    num = pd.to_numeric(df[column], errors="coerce")
    bad = num.isna() | (num != num.round())
    if bad.any():
        first = df[column][bad].iloc[0]
        raise ValueError(
            f"{where}: {name} table column {column!r} must hold whole numbers, got {first!r}"
        )
    return num.astype("int64").to_numpy()


def _sentence_index(sentences: pd.DataFrame, where: str, columns: Sequence[str]) -> pd.DataFrame:
    """``sentences`` validated and keyed by ``(doc_id, sent_id)``."""
    _require(sentences, where, "sentences", ["doc_id", "sent_id", *columns])
    idx = sentences[["doc_id", "sent_id", *columns]].copy()
    idx["sent_id"] = _ints(sentences, where, "sentences", "sent_id")
    dup = idx.duplicated(["doc_id", "sent_id"])
    if dup.any():
        r = idx[dup].iloc[0]
        raise ValueError(
            f"{where}: sentences table has duplicate sentence {r['sent_id']} of document "
            f"{r['doc_id']!r}"
        )
    return idx


def score_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """Score every sentence with VADER.

    Args:
        sentences: ``doc_id,sent_id,start,end,text`` (``text`` = original-case sentence).

    Returns:
        A copy of ``sentences`` with ``compound,pos,neu,neg`` (floats) appended (replacing
        existing columns of those names): VADER's compound in [−1, 1] and the proportions
        of positive, neutral and negative words (sum ≈ 1; all 0 for a sentence with no words).

    Raises:
        ValueError: A column is missing or a ``text`` value is not a string (the message
            names the document and sentence).
    """
    where = "score_sentences"
    _require(sentences, where, "sentences", ["doc_id", "sent_id", "start", "end", "text"])
    texts = sentences["text"].tolist()
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            r = sentences.iloc[i]
            raise ValueError(
                f"{where}: sentence {r['sent_id']} of document {r['doc_id']!r} has text {t!r}, "
                "not a string"
            )
    scores = np.array([score(t) for t in texts], dtype="float64").reshape(len(texts), 4)
    out = sentences.drop(columns=[c for c in SCORE_COLUMNS if c in sentences.columns])
    for j, col in enumerate(SCORE_COLUMNS):
        out[col] = scores[:, j]
    return out


def summarize_compounds(compounds: Sequence[float]) -> tuple[float, float, float]:
    """Mean compound and shares of positive / negative sentences of one document.

    Args:
        compounds: The sentence compounds of one document, in sentence order.

    Returns:
        ``(sentiment, share_positive, share_negative)``: ``sum(compounds) / n`` (summed in
        order), the share with compound ≥ 0.05 and the share with compound ≤ −0.05. All
        three are NaN for a document without sentences.
    """
    values = [float(c) for c in compounds]
    n = len(values)
    if not n:
        return float("nan"), float("nan"), float("nan")
    return (
        sum(values) / n,
        sum(c >= POSITIVE_THRESHOLD for c in values) / n,
        sum(c <= NEGATIVE_THRESHOLD for c in values) / n,
    )


def document_sentiment(
    sentences_scored: pd.DataFrame, *, doc_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Document tone from its sentences: mean compound and shares of positive/negative ones.

    Args:
        sentences_scored: ``doc_id,sent_id,compound`` (e.g. from :func:`score_sentences`).
        doc_ids: Every document to report, in output order; documents without sentences get
            NaN. Default: the documents of ``sentences_scored`` in order of first appearance.

    Returns:
        ``doc_id,sentiment,share_positive,share_negative``: one row per document.
        ``sentiment`` is the mean sentence compound, ``share_positive`` the share of
        sentences with compound ≥ 0.05, ``share_negative`` with compound ≤ −0.05 (see
        :func:`summarize_compounds`); all NaN (never 0) for a document with no sentences.

    Raises:
        ValueError: A column is missing, a compound is not a finite number, ``doc_ids`` has
            duplicates or misses a document of ``sentences_scored``.
    """
    where = "document_sentiment"
    idx = _sentence_index(sentences_scored, where, ["compound"])
    comp = pd.to_numeric(idx["compound"], errors="coerce")
    if comp.isna().any() or np.isinf(comp.to_numpy(dtype="float64")).any():
        r = idx[comp.isna() | np.isinf(comp.fillna(0).to_numpy(dtype="float64"))].iloc[0]
        raise ValueError(
            f"{where}: sentence {r['sent_id']} of document {r['doc_id']!r} has compound "
            f"{r['compound']!r}, not a finite number"
        )
    idx["compound"] = comp.astype("float64")
    idx = idx.sort_values("sent_id", kind="mergesort")
    by_doc = {d: g["compound"].tolist() for d, g in idx.groupby("doc_id", sort=False)}
    if doc_ids is None:
        ids = list(pd.unique(sentences_scored["doc_id"]))
    else:
        ids = list(doc_ids)
        if len(set(ids)) != len(ids):
            raise ValueError(f"{where}: doc_ids has duplicates")
        unknown = sorted(set(by_doc) - set(ids), key=str)
        if unknown:
            raise ValueError(
                f"{where}: sentences of document(s) not in doc_ids, e.g. {unknown[:3]!r}"
            )
    rows = [(d, *summarize_compounds(by_doc.get(d, []))) for d in ids]
    out = pd.DataFrame(rows, columns=list(DOCUMENT_SENTIMENT_COLUMNS))
    for c in DOCUMENT_SENTIMENT_COLUMNS[1:]:
        out[c] = out[c].astype("float64")
    return out


def marker_sentiment(matches: pd.DataFrame, sentences_scored: pd.DataFrame) -> pd.DataFrame:
    """Tone of the sentences holding framing markers, with and without the marker's words.

    ``compound_masked`` is the compound of the sentence with the marker's words removed
    (:func:`mask`). When a sentence holds the same marker (same frame) more than once, all
    of its occurrences are removed for each of those rows: otherwise the second
    "friendship" would still colour the "masked" context. Other markers in the sentence stay.

    Args:
        matches: ``doc_id,sent_id,frame,marker,start,end`` (and optionally ``text``), with
            ``start``/``end`` offsets into the *document* text (as in ``matches.csv``).
        sentences_scored: ``doc_id,sent_id,start,text,compound`` (``start`` = offset of the
            sentence in the document text).

    Returns:
        ``doc_id,sent_id,frame,marker,compound,compound_masked``: one row per match, in the
        order of ``matches``. ``compound`` is the sentence's compound (from
        ``sentences_scored``), ``compound_masked`` the compound with the marker removed.

    Raises:
        ValueError: A column is missing, a match names a sentence not in
            ``sentences_scored``, lies outside its sentence, or its ``text`` differs from
            the sentence text at its offsets.
    """
    where = "marker_sentiment"
    _require(matches, where, "matches", ["doc_id", "sent_id", "frame", "marker", "start", "end"])
    sents = _sentence_index(sentences_scored, where, ["start", "text", "compound"])
    sents["start"] = _ints(sentences_scored, where, "sentences", "start")
    cols = list(MARKER_SENTIMENT_COLUMNS)
    if matches.empty:
        return pd.DataFrame(
            {
                "doc_id": pd.Series(dtype="object"),
                "sent_id": pd.Series(dtype="int64"),
                "frame": pd.Series(dtype="object"),
                "marker": pd.Series(dtype="object"),
                "compound": pd.Series(dtype="float64"),
                "compound_masked": pd.Series(dtype="float64"),
            }
        )[cols]
    m = matches[["doc_id", "frame", "marker"]].copy()
    for c in ("sent_id", "start", "end"):
        m[c] = _ints(matches, where, "matches", c)
    lookup = {
        (d, s): (st, t, c)
        for d, s, st, t, c in zip(
            sents["doc_id"],
            sents["sent_id"],
            sents["start"],
            sents["text"],
            sents["compound"],
            strict=True,
        )
    }
    texts = matches["text"].tolist() if "text" in matches.columns else [None] * len(m)
    spans: dict[tuple, list[tuple[int, int]]] = {}
    keys = []
    for (d, f, mk, sid, s, e), shown in zip(
        m[["doc_id", "frame", "marker", "sent_id", "start", "end"]].itertuples(index=False),
        texts,
        strict=True,
    ):
        what = f"match of marker {mk!r} (frame {f!r}) in document {d!r}, sentence {sid}"
        if (d, sid) not in lookup:
            raise ValueError(f"{where}: {what}: no such sentence in the sentences table")
        sent_start, sent_text, _ = lookup[(d, sid)]
        rel = (s - sent_start, e - sent_start)
        if not 0 <= rel[0] < rel[1] <= len(sent_text):
            raise ValueError(
                f"{where}: {what}: offsets {s}-{e} are outside the sentence "
                f"({sent_start}-{sent_start + len(sent_text)})"
            )
        if shown is not None and sent_text[rel[0] : rel[1]] != shown:
            raise ValueError(
                f"{where}: {what}: text {shown!r} differs from the sentence text at its offsets "
                f"{sent_text[rel[0] : rel[1]]!r} (matches and sentences of different corpora?)"
            )
        key = (d, sid, f, mk)
        spans.setdefault(key, []).append(rel)
        keys.append(key)
    masked = {k: score_masked(lookup[(k[0], k[1])][1], v) for k, v in spans.items()}
    out = m[["doc_id", "sent_id", "frame", "marker"]].reset_index(drop=True)
    out["compound"] = np.array([lookup[(k[0], k[1])][2] for k in keys], dtype="float64")
    out["compound_masked"] = np.array([masked[k] for k in keys], dtype="float64")
    return out[cols]


def actor_sentiment(actor_matches: pd.DataFrame, sentences_scored: pd.DataFrame) -> pd.DataFrame:
    """Tone of the sentences that mention each actor.

    Args:
        actor_matches: ``doc_id,sent_id,actor,…`` (one row per name occurrence, e.g. from
            :func:`analysis.document.markers.find_markers` with ``kind="actors"``).
        sentences_scored: ``doc_id,sent_id,compound``.

    Returns:
        ``doc_id,sent_id,actor,compound``: one row per (sentence, actor) pair, however often
        the actor is named in the sentence; documents in order of first appearance in
        ``actor_matches``, then by ``sent_id`` and ``actor``. ``compound`` is the sentence's.

    Raises:
        ValueError: A column is missing or a match names a sentence not in
            ``sentences_scored``.
    """
    where = "actor_sentiment"
    _require(actor_matches, where, "actor_matches", ["doc_id", "sent_id", "actor"])
    sents = _sentence_index(sentences_scored, where, ["compound"])
    a = actor_matches[["doc_id", "actor"]].copy()
    a["sent_id"] = _ints(actor_matches, where, "actor_matches", "sent_id")
    a = a.drop_duplicates(["doc_id", "sent_id", "actor"])
    a["_doc"] = pd.factorize(a["doc_id"])[0]
    a = a.sort_values(["_doc", "sent_id", "actor"], kind="mergesort")
    out = a[["doc_id", "sent_id", "actor"]].merge(
        sents[["doc_id", "sent_id", "compound"]],
        on=["doc_id", "sent_id"],
        how="left",
        indicator=True,
    )
    miss = out["_merge"] != "both"
    if miss.any():
        r = out[miss].iloc[0]
        raise ValueError(
            f"{where}: mention of actor {r['actor']!r} in document {r['doc_id']!r}, sentence "
            f"{r['sent_id']}: no such sentence in the sentences table"
        )
    out["sent_id"] = out["sent_id"].astype("int64")
    out["compound"] = out["compound"].astype("float64")
    return out[list(ACTOR_SENTIMENT_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- aggregation


def aggregate_sentiment(
    table: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str],
    value: str = "compound",
    period: Literal["year", "quarter", "month"] | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean tone by group with a document-bootstrap confidence interval.

    ``mean`` is the mean of ``value`` over the group's rows (sentences, marker matches or
    actor mentions: every row weighs the same, so a long article weighs more than a short
    one). The interval resamples the group's *documents* with replacement ``n_resamples``
    times (:func:`~analysis.stats.bootstrap.bootstrap_ratio`, percentile interval, fixed
    ``seed``); it is
    NaN (empty in a CSV) when the group has fewer than two documents.

    Args:
        table: ``doc_id`` and ``value`` per row (``sentences.csv``, ``marker_sentiment.csv``,
            ``actor_sentiment.csv``), plus any ``by`` columns it holds (``frame``, ``actor``).
        documents: ``doc_id`` (unique), ``date`` (ISO ``YYYY-MM-DD``, needed with ``period``)
            and the document columns named in ``by`` (``origin``, ``outlet``, …). ``by``
            columns present in ``table`` are taken from ``table``.
        by: Grouping columns, in output order; may name ``"period"``. ``[]`` = one group.
        value: The column averaged (e.g. ``"compound_masked"``).
        period: Add a ``period`` column (``"2024"``, ``"2024Q2"``, ``"2024-05"``; see
            :func:`~analysis.stats.bootstrap.add_period`); it is appended to ``by`` if ``by``
            does not
            name it.
        n_resamples: Bootstrap resamples.
        confidence: Interval coverage.
        seed: Base seed of the bootstrap.

    Returns:
        ``*by, mean, ci_low, ci_high, n_docs, n_sentences``: one row per group, sorted by
        ``by``; ``n_docs`` documents and ``n_sentences`` rows of ``table`` in the group.

    Raises:
        ValueError: Missing columns, duplicate or unknown ``doc_id``, ``by`` names
            ``"period"`` without ``period``, a bad date, or a non-finite ``value``.
    """
    from analysis.stats.bootstrap import add_period, bootstrap_ratio

    where = "aggregate_sentiment"
    by = [by] if isinstance(by, str) else list(by)
    _require(table, where, "table", ["doc_id", value])
    if period is not None and "period" not in by:
        by.append("period")
    if (
        "period" in by
        and period is None
        and "period" not in table.columns
        and "period" not in getattr(documents, "columns", ())
    ):
        raise ValueError(
            f"{where}: by names 'period' but period=None; pass period='year', 'quarter' or 'month'"
        )
    from_docs = [c for c in by if c not in table.columns and not (c == "period" and period)]
    doc_cols = [*from_docs, *(["date"] if period is not None else [])]
    _require(documents, where, "documents", ["doc_id", *doc_cols])
    docs = documents[["doc_id", *dict.fromkeys(doc_cols)]]
    dup = docs["doc_id"].duplicated()
    if dup.any():
        raise ValueError(
            f"{where}: documents table has duplicate doc_id {docs['doc_id'][dup].iloc[0]!r}"
        )
    unknown = sorted(set(table["doc_id"]) - set(docs["doc_id"]), key=str)
    if unknown:
        raise ValueError(
            f"{where}: table has rows of {len(unknown)} document(s) not in the documents "
            f"table, e.g. {unknown[:3]!r}"
        )
    if period is not None:
        docs = add_period(docs, freq=period, date_col="date")
        if "period" in table.columns:
            table = table.drop(columns="period")
    keep = ["doc_id", *[c for c in by if c in docs.columns]]
    work = table[["doc_id", value, *[c for c in by if c not in keep]]]
    work = work.merge(docs[keep], on="doc_id", how="left", validate="many_to_one")
    try:
        boot = bootstrap_ratio(
            work,
            by=by,
            numerator=value,
            denominator=None,
            doc_col="doc_id",
            n_resamples=n_resamples,
            confidence=confidence,
            seed=seed,
        )
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
    boot = boot.rename(columns={"estimate": "mean", "n_rows": "n_sentences"})
    return boot[[*by, *AGGREGATE_COLUMNS]]
