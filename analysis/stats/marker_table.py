"""The ``markers`` table, sparse (as written and held) and dense (as some statistics need it).

A run's ``markers`` table (``markers.csv``, ``markers/``, ``Results.markers``) has one row per
document × (frame, marker) of the lexicon **with a non-zero count**: a pair that has no row for
a document counts 0 there, and a document without any marker has no row at all. The full
document × marker table, zeros included (what
:func:`analysis.document.markers.marker_counts` returns), is rebuilt by :func:`dense_markers`
from those rows, every document id and the lexicon's marker pairs;
:func:`sparse_markers` goes the other way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis.schema import TABLE_COLUMNS, require_columns

__all__ = ["dense_markers", "every_pair", "label_counts", "sparse_markers"]

#: ``doc_id, frame, marker, count``.
COLUMNS: tuple[str, ...] = TABLE_COLUMNS["markers"]


def sparse_markers(markers: pd.DataFrame) -> pd.DataFrame:
    """The rows of a (dense or sparse) markers table with a non-zero ``count``, in order."""
    require_columns(markers, COLUMNS, where="sparse_markers", name="markers")
    return markers[markers["count"].to_numpy() != 0].reset_index(drop=True)


def every_pair(
    markers: pd.DataFrame, pairs: Iterable[tuple[str, str]], *, doc_id: str
) -> pd.DataFrame:
    """Sparse ``markers`` rows plus one zero-count row for each pair of ``pairs`` without any.

    For the statistics that give a row to every marker of the lexicon, also one never found
    (:func:`analysis.stats.rates.frame_rates`), at the cost of one row per missing pair
    instead of the dense table's documents × markers (a million documents × 56 markers is
    56 million rows). Each added row is on the document ``doc_id`` (one of the documents the
    statistic counts); a zero count changes no sum.
    """
    require_columns(markers, COLUMNS, where="every_pair", name="markers")
    found = set(zip(markers["frame"].astype(str), markers["marker"].astype(str), strict=True))
    missing = [p for p in dict.fromkeys(pairs) if p not in found]
    if not missing:
        return markers
    zeros = pd.DataFrame(
        {
            "doc_id": [doc_id] * len(missing),
            "frame": [f for f, _ in missing],
            "marker": [m for _, m in missing],
            "count": np.zeros(len(missing), dtype="int64"),
        }
    )
    return pd.concat([markers[list(COLUMNS)], zeros], ignore_index=True)


def dense_markers(
    markers: pd.DataFrame,
    doc_ids: Iterable[str],
    pairs: Iterable[tuple[str, str]],
) -> pd.DataFrame:
    """The dense markers table: every document × marker pair, zeros included.

    Args:
        markers: ``doc_id, frame, marker, count`` rows (sparse or already dense).
        doc_ids: Every document of the corpus (e.g. ``documents["doc_id"]``); documents
            without rows get zeros.
        pairs: Every ``(frame, marker)`` pair of the lexicon
            (:func:`analysis.document.markers.marker_pairs`); pairs without rows get zeros.

    Returns:
        Columns ``doc_id, frame, marker, count``: one row per document × pair, sorted by
        ``doc_id`` then ``(frame, marker)``, equal to
        :func:`analysis.document.markers.marker_counts` of the run's matches.

    Raises:
        ValueError: ``doc_ids`` has duplicates, or a row names a document not in ``doc_ids``,
            a pair not in ``pairs``, or the same document and pair as another row.
    """
    require_columns(markers, COLUMNS, where="dense_markers", name="markers")
    ids = sorted(str(d) for d in doc_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("dense_markers: doc_ids has duplicates")
    labels = sorted({(str(f), str(m)) for f, m in pairs})
    doc_pos = pd.Index(ids, dtype=object).get_indexer(markers["doc_id"].astype(str))
    pair_of = {p: k for k, p in enumerate(labels)}
    rows = zip(markers["frame"].astype(str), markers["marker"].astype(str), strict=True)
    pair_pos = np.fromiter((pair_of.get(p, -1) for p in rows), dtype="int64", count=len(markers))
    _check_known(markers, doc_pos, pair_pos)
    flat = doc_pos.astype("int64") * len(labels) + pair_pos
    if len(np.unique(flat)) != len(flat):
        r = markers.iloc[_first_repeat(flat)]
        raise ValueError(
            f"dense_markers: two rows for document {r['doc_id']!r}, frame {r['frame']!r}, "
            f"marker {r['marker']!r}"
        )
    counts = np.zeros(len(ids) * len(labels), dtype="int64")
    counts[flat] = markers["count"].to_numpy(dtype="int64")
    return pd.DataFrame(
        {
            "doc_id": np.repeat(np.array(ids, dtype=object), len(labels)),
            "frame": np.tile(np.array([f for f, _ in labels], dtype=object), len(ids)),
            "marker": np.tile(np.array([m for _, m in labels], dtype=object), len(ids)),
            "count": counts,
        },
        columns=list(COLUMNS),
    )


def _check_known(markers: pd.DataFrame, doc_pos: np.ndarray, pair_pos: np.ndarray) -> None:
    """Raise for the first row whose document or pair is unknown."""
    if (doc_pos < 0).any():
        d = markers["doc_id"].iloc[int(np.flatnonzero(doc_pos < 0)[0])]
        raise ValueError(f"dense_markers: document {d!r} of the markers is not in doc_ids")
    if (pair_pos < 0).any():
        r = markers.iloc[int(np.flatnonzero(pair_pos < 0)[0])]
        raise ValueError(
            f"dense_markers: frame {r['frame']!r} marker {r['marker']!r} of the markers is not "
            "one of the lexicon's pairs"
        )


def _first_repeat(codes: Sequence[int]) -> int:
    """Position of the first code seen before."""
    seen: set[int] = set()
    for k, c in enumerate(codes):
        if c in seen:
            return k
        seen.add(c)
    raise AssertionError("no repeated code")  # pragma: no cover - called only with one


def label_counts(
    rows: np.ndarray, columns: np.ndarray, totals: np.ndarray, counts: np.ndarray, shape
):
    """The documents × labels counts of the models and frame rates, sparse (scipy CSR).

    Each count is put at its document's ``rows`` entry and its marker's ``columns`` entry,
    and once more at its frame total's ``totals`` entry (duplicates summed): a frame total is
    the sum of its markers. Dense, a million headlines × 70 labels would be 560 MB.
    """
    from scipy import sparse

    values = np.concatenate([counts, counts]).astype("int64")
    where = (np.concatenate([rows, rows]), np.concatenate([columns, totals]))
    grid = sparse.csr_matrix((values, where), shape=shape)
    grid.sum_duplicates()
    return grid
