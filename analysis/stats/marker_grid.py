"""Per-document marker counts as one matrix: the input of the rate models.

:func:`marker_grid` validates the tidy ``markers`` and ``documents`` tables and turns them
into a document × (frame, marker) count matrix (frame totals included, documents sorted by
id, so every model sees its documents in the same order whatever the input order);
:func:`model_grid` adds the group and cluster labels the models of
:mod:`analysis.stats.models` need and leaves out documents of 0 tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analysis.stats.groups import CompareError, count_column
from analysis.stats.groups import labels as column_labels
from analysis.stats.marker_table import label_counts

__all__ = [
    "MarkerGrid",
    "ModelError",
    "document_dates",
    "marker_grid",
    "model_grid",
    "split_masks",
]


class ModelError(ValueError):
    """A table or option passed to a rate model is malformed."""


@dataclass(frozen=True)
class MarkerGrid:
    """Per-document marker counts.

    Attributes:
        docs: The requested document columns (``doc_id`` first), one row per document,
            sorted by ``doc_id`` (as strings), index ``0..n-1``.
        labels: ``(frame, marker)`` column labels, sorted; ``marker == ""`` is the frame
            total (the sum of the frame's markers), first within its frame.
        counts: ``n_docs × n_labels`` int64 counts (0 for a document without marker rows),
            a sparse CSC matrix (a million headlines × 70 labels would be 560 MB dense); read
            a label's counts with :meth:`column`.
        n_tokens: ``n_docs`` int64 token counts.
    """

    docs: pd.DataFrame
    labels: tuple[tuple[str, str], ...]
    counts: sparse.csc_matrix
    n_tokens: np.ndarray

    def column(self, k: int, rows: np.ndarray) -> np.ndarray:
        """The int64 counts of label ``k`` in the documents ``rows`` (positions in ``docs``)."""
        start, end = self.counts.indptr[k], self.counts.indptr[k + 1]
        dense = np.zeros(self.counts.shape[0], dtype="int64")
        dense[self.counts.indices[start:end]] = self.counts.data[start:end]
        return dense[rows]


# --------------------------------------------------------------------------- tables


def _require(df: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ModelError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        raise ModelError(f"{name} table is missing column(s) {missing}; it has {list(df.columns)}")


def _whole(values: pd.Series, name: str, column: str) -> np.ndarray:
    """A column of non-negative whole numbers as a new int64 array (ModelError otherwise):
    :func:`analysis.stats.groups.count_column`'s check, raised as this module's error."""
    try:
        return np.array(count_column(values, name, column), dtype="int64")
    except CompareError as e:
        raise ModelError(str(e)) from None


def _documents(documents: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    _require(documents, "documents", ["doc_id", "n_tokens", *columns])
    docs = documents[list(dict.fromkeys(["doc_id", *columns]))].copy()
    docs["doc_id"] = docs["doc_id"].astype(str)
    dup = docs["doc_id"].duplicated()
    if dup.any():
        raise ModelError(f"documents table: duplicate doc_id {docs['doc_id'][dup].iloc[0]!r}")
    for col in columns:
        if docs[col].isna().any():
            first = docs["doc_id"][docs[col].isna()].iloc[0]
            raise ModelError(f"documents table: column {col!r} is empty for document {first!r}")
    docs["_tokens"] = _whole(documents["n_tokens"], "documents", "n_tokens")
    return docs.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _distinct_pairs(markers: pd.DataFrame) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The distinct ``(frame, marker)`` pairs of the rows (as strings) and each row's index
    into them: the columns' :func:`~analysis.stats.groups.labels` combined, no Python tuple
    per row (a run's string columns are Arrow arrays, slow to iterate: 1.8 of 3.7 s at
    100,000 articles)."""
    frame, marker = column_labels(markers["frame"]), column_labels(markers["marker"])
    width = len(marker.uniques)
    key = frame.codes().astype(np.int64) * width + marker.codes()
    keys, pair_of_row = np.unique(key, return_inverse=True)
    f_of, m_of = np.divmod(keys, max(width, 1))
    pairs = [(frame.uniques[f], marker.uniques[m]) for f, m in zip(f_of, m_of, strict=True)]
    return pairs, pair_of_row.ravel()


def marker_grid(
    markers: pd.DataFrame, documents: pd.DataFrame, *, columns: Sequence[str]
) -> MarkerGrid:
    """The document × (frame, marker) count matrix of ``markers`` over ``documents``.

    Args:
        markers: ``doc_id,frame,marker,count``, sparse (absent = 0: the run's table) or
            dense; a (frame, marker) without any row gets no output row, so pass
            ``results.markers_dense()`` for rows of markers never found.
        documents: ``doc_id,n_tokens`` and ``columns``; every document counts, also one
            without rows in ``markers``.
        columns: Document columns to keep in :attr:`MarkerGrid.docs` (must not be empty).

    Raises:
        ModelError: Missing columns, duplicate or unknown ``doc_id``, an empty value in
            ``columns``, bad counts, an empty marker name, a duplicate (doc_id, frame,
            marker) row, or a marker count above 0 in a document of 0 tokens.
    """
    docs = _documents(documents, columns)
    _require(markers, "markers", ["doc_id", "frame", "marker", "count"])
    for col in ("frame", "marker"):
        if markers[col].isna().any():
            raise ModelError(f"markers table: column {col!r} has empty values")
    if (markers["marker"].astype(str) == "").any():
        raise ModelError("markers table: empty marker name (reserved for frame totals)")
    counts = _whole(markers["count"], "markers", "count")
    row_doc = pd.Index(docs["doc_id"]).get_indexer(markers["doc_id"].astype(str))
    if (row_doc < 0).any():
        first = markers["doc_id"].iloc[int(np.flatnonzero(row_doc < 0)[0])]
        raise ModelError(f"markers table: doc_id {first!r} is not in the documents table")
    pairs, pair_of_row = _distinct_pairs(markers)
    labels = tuple(sorted({(f, "") for f, _ in pairs} | set(pairs)))
    column = {label: k for k, label in enumerate(labels)}
    pair_col = np.array([column[p] for p in pairs], dtype="int64")[pair_of_row]
    cell = row_doc.astype("int64") * len(labels) + pair_col
    ordered = np.sort(cell)  # (numpy's hash-based np.unique of int64 is several times slower)
    if (ordered[1:] == ordered[:-1]).any():
        _, first, n_seen = np.unique(cell, return_index=True, return_counts=True)
        r = markers.iloc[int(first[n_seen > 1].min())]
        raise ModelError(
            f"markers table: duplicate row for document {r['doc_id']!r}, frame "
            f"{r['frame']!r}, marker {r['marker']!r}"
        )
    total_col = np.array([column[(f, "")] for f, _ in labels], dtype="int64")[pair_col]
    grid = label_counts(row_doc, pair_col, total_col, counts, (len(docs), len(labels))).tocsc()
    n_tokens = docs.pop("_tokens").to_numpy()
    empty = (n_tokens == 0) & (np.asarray(grid.sum(axis=1)).ravel() > 0)
    if empty.any():
        first = docs["doc_id"].iloc[int(np.flatnonzero(empty)[0])]
        raise ModelError(f"document {first!r} has marker counts but n_tokens 0")
    return MarkerGrid(docs=docs, labels=labels, counts=grid, n_tokens=n_tokens)


def model_grid(
    markers: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: str,
    cluster: str | None,
    dated: bool,
) -> MarkerGrid:
    """:func:`marker_grid` over the documents with tokens, with group and cluster labels.

    :attr:`MarkerGrid.docs` gets ``_group`` (``documents[by]`` as strings) and ``_cluster``
    (``documents[cluster]`` as strings, ``""`` without ``cluster``) with ``_cluster_code``
    (its index among the sorted clusters: codes of a subset number its clusters in the same
    order as their names); with ``dated`` the
    ``date`` column is required and kept.
    """
    if not isinstance(by, str):
        raise ModelError(f"by must be one column name, got {by!r}")
    columns = [by, *([cluster] if cluster else []), *(["date"] if dated else [])]
    grid = marker_grid(markers, documents, columns=columns)
    keep = grid.n_tokens > 0
    docs = grid.docs[keep].reset_index(drop=True)
    docs["_group"] = docs[by].astype(str)
    docs["_cluster"] = docs[cluster].astype(str) if cluster else ""
    docs["_cluster_code"] = pd.factorize(docs["_cluster"], sort=True)[0]
    counts = grid.counts if keep.all() else grid.counts[np.flatnonzero(keep)]
    return MarkerGrid(docs, grid.labels, counts, grid.n_tokens[keep])


def document_dates(docs: pd.DataFrame) -> pd.Series:
    """``docs["date"]`` (ISO ``YYYY-MM-DD``) as timestamps; ModelError naming a bad one."""
    dates = pd.to_datetime(docs["date"].astype("string"), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ModelError(
            f"documents table: document {docs['doc_id'].iloc[i]!r} has date "
            f"{docs['date'].iloc[i]!r}, not an ISO date YYYY-MM-DD"
        )
    return dates


def split_masks(docs: pd.DataFrame, split: str, window: int | None):
    """``(after, inside)`` boolean arrays: date ≥ split, and within ``window`` days of it."""
    when = pd.to_datetime(pd.Series([split], dtype="string"), format="%Y-%m-%d", errors="coerce")
    if not isinstance(split, str) or when.isna().iloc[0]:
        raise ModelError(f"split must be an ISO date YYYY-MM-DD, got {split!r}")
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1
    ):
        raise ModelError(f"window must be a positive number of days, got {window!r}")
    dates, cut = document_dates(docs), when.iloc[0]
    after = (dates >= cut).to_numpy()
    if window is None:
        return after, np.ones(len(docs), dtype=bool)
    span = pd.Timedelta(days=int(window))
    return after, ((dates >= cut - span) & (dates < cut + span)).to_numpy()
