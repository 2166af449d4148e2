"""Whose words carry the frame: frame rates by voice (:func:`frame_rates_by_voice`), the most
quoted speakers (:func:`top_speakers`) and the frames in their mouths (:func:`speaker_frames`).

Table in, table out, from the run's ``markers``, ``matches``, ``quotes`` and ``documents``
(the voices come from :func:`analysis.document.voice.voice_spans`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd

from analysis.schema import RATE_VOICES, require_columns
from analysis.stats.groups import CompareError, document_groups

__all__ = [
    "SPEAKER_COLUMNS",
    "SPEAKER_FRAME_COLUMNS",
    "frame_rates_by_voice",
    "speaker_frames",
    "top_speakers",
]

#: Columns of :func:`top_speakers` after the group column.
SPEAKER_COLUMNS: tuple[str, ...] = (
    "rank",
    "speaker",
    "speaker_actor",
    "n_spans",
    "n_quote",
    "n_reported",
    "n_docs",
)
#: Columns of :func:`speaker_frames` after the group column.
SPEAKER_FRAME_COLUMNS: tuple[str, ...] = ("speaker", "frame", "count", "n_docs")


def frame_rates_by_voice(
    markers: pd.DataFrame,
    matches: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    period: Literal["year", "quarter", "month"] | None = "year",
    by: Sequence[str] = ("origin",),
    voices: Sequence[str] = RATE_VOICES,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`analysis.stats.rates.frame_rates` of each voice, stacked (``frame_rates.csv``).

    ``period=None`` puts the whole period in one cell (``period`` ``"all"``).

    Returns:
        ``*by, voice, period, frame, marker, count, n_tokens, rate, ci_low, ci_high, n_docs``,
        sorted by ``*by``, voice (in the order of ``voices``), period, frame, marker. A cell
        whose documents have no word token of a voice has NaN rates in that voice.
    """
    from analysis.stats.rates import frame_rates_in_voices

    by = [by] if isinstance(by, str) else list(by)
    whole = period is None
    if whole:  # one cell per group: every document gets the same date
        require_columns(documents, ["date"], name="documents", error=CompareError)
        documents = documents.assign(date=documents["date"].min())
    parts = frame_rates_in_voices(
        markers,
        documents,
        voices=voices,
        matches=matches,
        period="year" if whole else period,
        by=by,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
    )
    out = pd.concat(parts, ignore_index=True)
    if whole:
        out["period"] = "all"
    if by and len(out):  # stable: each voice's rows keep their order within a group
        order = out[by].copy()
        order["_voice"] = out["voice"].map({v: i for i, v in enumerate(voices)})
        out = out.iloc[order.sort_values([*by, "_voice"], kind="mergesort").index]
    return out.reset_index(drop=True)


def _with_group(table: pd.DataFrame, documents: pd.DataFrame, by: str, name: str) -> pd.DataFrame:
    """``table`` with the ``by`` column of its documents (each doc_id must be known)."""
    docs = document_groups(documents, [by])
    out = table.merge(docs, on="doc_id", how="left", validate="many_to_one")
    if out[by].isna().any():
        raise CompareError(f"{name} table: a doc_id is not in the documents table")
    return out


def top_speakers(
    quotes: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    n: int = 10,
    partial: bool = False,
) -> pd.DataFrame:
    """The ``n`` most quoted or reported speakers of each group.

    Speakers are as the text writes them (``Putin`` and ``Vladimir Putin`` are two);
    spans without a speaker and (unless ``partial``) partial quotes are left out.

    Returns:
        ``by, rank, speaker, speaker_actor, n_spans, n_quote, n_reported, n_docs``: the spans
        of the speaker (quote, reported), the documents they are in; ``speaker_actor`` is
        the speaker's most frequent actor ("" if none). Ranked by ``n_spans`` (then speaker).
    """
    cols = ["doc_id", "voice", "partial", "speaker", "speaker_actor"]
    require_columns(quotes, cols, name="quotes", error=CompareError)
    q = quotes[cols]
    q = q[(q["speaker"] != "") & (partial | ~q["partial"].astype(bool))]
    q = _with_group(q, documents, by, "quotes")
    rows = []
    for (group, speaker), g in q.groupby([by, "speaker"], sort=True):
        actors = g["speaker_actor"].value_counts()
        top = sorted(actors.index[actors == actors.max()])[0]
        n_quote = int((g["voice"] == "quote").sum())
        rows.append((group, speaker, top, len(g), n_quote, len(g) - n_quote, g["doc_id"].nunique()))
    out = pd.DataFrame(rows, columns=[by, *SPEAKER_COLUMNS[1:]])
    out = out.sort_values([by, "n_spans", "speaker"], ascending=[True, False, True])
    out["rank"] = out.groupby(by).cumcount() + 1
    out = out[out["rank"] <= n]
    return out[[by, *SPEAKER_COLUMNS]].reset_index(drop=True)


def speaker_frames(
    matches: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str = "origin",
    voices: Sequence[str] = ("quote", "reported"),
    speakers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The frame matches in each speaker's mouth: matches of ``voices`` with a speaker.

    Args:
        matches: ``doc_id,frame,voice,speaker`` (the pipeline's ``matches``).
        documents: ``doc_id`` and the ``by`` column.
        by: Document column defining the groups.
        voices: The voices counted (default: quoted and reported speech).
        speakers: Optional ``by, speaker`` rows (e.g. :func:`top_speakers`) to keep only.

    Returns:
        ``by, speaker, frame, count, n_docs``, sorted by ``by``, count (most first), speaker,
        frame.
    """
    require_columns(
        matches, ["doc_id", "frame", "voice", "speaker"], name="matches", error=CompareError
    )
    m = matches.loc[
        matches["voice"].isin(list(voices)) & (matches["speaker"] != ""),
        ["doc_id", "frame", "speaker"],
    ]
    m = _with_group(m, documents, by, "matches")
    if speakers is not None:
        m = m.merge(speakers[[by, "speaker"]].drop_duplicates(), on=[by, "speaker"])
    out = m.groupby([by, "speaker", "frame"], sort=True).agg(
        count=("doc_id", "size"), n_docs=("doc_id", "nunique")
    )
    out = out.reset_index().sort_values(
        [by, "count", "speaker", "frame"], ascending=[True, False, True, True], kind="mergesort"
    )
    return out[[by, *SPEAKER_FRAME_COLUMNS]].reset_index(drop=True)
