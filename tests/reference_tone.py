"""Reference implementations of the tone tables, table in / table out, for the tests.

The toolkit builds ``documents``' tone columns, ``marker_sentiment`` and ``actor_sentiment``
in one place (:func:`analysis.runner.assemble.batch_tables`); these slower, independent
versions from the sentences and matches tables check it (``tests/test_sentiment.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.document.tone import score, score_masked, summarize_compounds
from analysis.schema import require_columns

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
    require_columns(sentences, ["doc_id", "sent_id", *columns], where=where, name="sentences")
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
    require_columns(
        sentences, ["doc_id", "sent_id", "start", "end", "text"], where=where, name="sentences"
    )
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
    require_columns(
        matches,
        ["doc_id", "sent_id", "frame", "marker", "start", "end"],
        where=where,
        name="matches",
    )
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
    require_columns(
        actor_matches, ["doc_id", "sent_id", "actor"], where=where, name="actor_matches"
    )
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
