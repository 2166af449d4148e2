"""What the statistics share: the error type, document groups, count, id and integer checks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.schema import require_columns

__all__ = [
    "GROUP_SEPARATOR",
    "REST",
    "CompareError",
    "check_known",
    "combined_group",
    "count_column",
    "document_groups",
    "empty_table",
    "is_integer",
    "Labels",
    "labels",
    "row_slices",
    "slice_bincount",
    "sorted_labels",
]


#: Rows counted at once by :func:`slice_bincount` and the keyness moments (bounds their
#: temporaries to tens of MB).
ROWS_AT_ONCE = 1 << 20

#: The ``reference`` label of one-vs-rest comparisons ("russian vs rest").
REST = "rest"


#: Between the parts of a combined group label ("chinese / state").
GROUP_SEPARATOR = " / "


class CompareError(ValueError):
    """A table passed to a comparison function is malformed."""


def is_integer(value: object) -> bool:
    """Whether ``value`` is a Python or numpy integer (a ``bool`` is not)."""
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


class Labels(NamedTuple):
    """A column of labels as per-row ``raw`` codes (a categorical column's own: no copy)
    and a ``lookup`` from raw code to code; ``uniques`` are the values coded ``0, 1, …``
    (an object array of ``str``), a missing value is coded ``-1``."""

    raw: np.ndarray
    lookup: np.ndarray
    uniques: np.ndarray

    def codes(self, rows: slice = slice(None)) -> np.ndarray:
        """The codes of ``rows`` (a slice of a long column at a time bounds the copy)."""
        return self.lookup[self.raw[rows]]


def labels(column: pd.Series) -> Labels:
    """The :class:`Labels` of a column, its distinct values in no particular order.

    ``pd.factorize`` of the column as strings; a categorical column (the ``terms`` of a run:
    25 million rows at a million headlines) from its own codes, with no string or 64-bit
    code per row. Only the values present are distinct values.
    """
    if not isinstance(column.dtype, pd.CategoricalDtype):
        raw, uniques = pd.factorize(column.astype(str))
        return Labels(raw, np.r_[np.arange(len(uniques)), -1], np.asarray(uniques, dtype=object))
    raw = column.array.codes  # (a view; `.cat.codes.to_numpy()` is a copy)
    categories = column.cat.categories
    present = raw if not len(raw) or raw.min() >= 0 else raw[raw >= 0]  # (no copy)
    used = np.flatnonzero(slice_bincount(present, minlength=len(categories)))
    lookup = np.full(len(categories) + 1, -1, dtype=np.int32)  # the last: a missing value
    lookup[used] = np.arange(len(used), dtype=np.int32)
    return Labels(raw, lookup, np.asarray(categories[used].astype(str), dtype=object))


def sorted_labels(column: pd.Series, dtype: type = np.int64) -> Labels:
    """:func:`labels` with the values sorted, each code (as ``dtype``) the rank of its value."""
    found = labels(column)
    order = np.argsort(found.uniques, kind="stable")
    rank = np.empty(len(order) + 1, dtype=dtype)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # (a missing value stays missing)
    return Labels(found.raw, rank[found.lookup], found.uniques[order])


def row_slices(n: int, step: int = 0) -> Iterator[slice]:
    """Slices of ``n`` rows, ``max(step, ROWS_AT_ONCE)`` at a time."""
    step = max(step, ROWS_AT_ONCE)
    return (slice(lo, lo + step) for lo in range(0, n, step))


def slice_bincount(
    codes: np.ndarray, weights: np.ndarray | None = None, *, minlength: int = 0
) -> np.ndarray:
    """``np.bincount(codes, weights, minlength=minlength)``, :data:`ROWS_AT_ONCE` rows at a
    time (int64 counts; float64 sums with ``weights``).

    ``np.bincount`` makes a 64-bit copy of 32-bit codes and a float copy of the weights: 16
    bytes a row of the 25 million terms rows of a million headlines. The sums are the same
    (counts, or weights that are whole numbers: exact in any order).
    """
    length = max(minlength, int(codes.max()) + 1 if len(codes) else 0)
    total = np.zeros(length, dtype="float64" if weights is not None else "int64")
    for rows in row_slices(len(codes), length):  # (each slice's sums are ``length`` long)
        w = None if weights is None else weights[rows]
        total += np.bincount(codes[rows], weights=w, minlength=length)
    return total


def count_column(values: pd.Series, name: str, column: str) -> np.ndarray:
    """Validate a column of non-negative whole numbers; return it as int64."""
    if values.dtype == "int64":  # the pipeline's tables: only the sign to check, no copy
        arr = values.to_numpy()
        if not (arr < 0).any():
            return arr
    num = pd.to_numeric(values, errors="coerce")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr != np.floor(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CompareError(
            f"{name} table: column {column!r} must hold non-negative whole numbers; "
            f"{int(bad.sum())} bad value(s), first {values.iloc[i]!r} in row {i}"
        )
    return arr.astype("int64")


def document_groups(documents: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """``doc_id`` + the ``by`` columns of ``documents``, validated (unique ids, no missing)."""
    require_columns(documents, ["doc_id", *by], name="documents", error=CompareError)
    docs = documents[["doc_id", *by]]
    dup = docs["doc_id"].duplicated()
    if dup.any():
        raise CompareError(
            f"documents table: duplicate doc_id {docs['doc_id'][dup].iloc[0]!r} "
            f"({int(dup.sum())} duplicate row(s))"
        )
    for col in by:
        miss = docs[col].isna()
        if miss.any():
            raise CompareError(
                f"documents table: column {col!r} is empty for document "
                f"{docs['doc_id'][miss].iloc[0]!r} ({int(miss.sum())} document(s)); "
                f"every document needs a {col} to be compared"
            )
    return docs


def check_known(ids: pd.Series, known: pd.Series, name: str) -> None:
    unknown = ~ids.isin(known)
    if unknown.any():
        examples = sorted(map(str, pd.unique(ids[unknown])))[:3]
        raise CompareError(
            f"{name} table: {int(unknown.sum())} row(s) have a doc_id not in the documents "
            f"table, e.g. {examples}"
        )


def empty_table(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def combined_group(
    documents: pd.DataFrame,
    by: Sequence[str] = ("origin", "affiliation"),
    *,
    column: str = "group",
    missing: str = "unknown",
) -> pd.DataFrame:
    """Add a ``column`` combining several document columns: ``"chinese / state"``.

    Use it to group by origin × affiliation (or any columns) with any function that takes a
    ``by`` column; the figures give each ``"origin / …"`` group its origin's colour with its
    own marker and line style (:func:`analysis.plots.style.group_styles`).

    Args:
        documents: The documents table with the ``by`` columns.
        by: Columns to combine, in label order (at least one).
        column: Name of the new column (replaced if present).
        missing: Label of a missing or empty value (``"russian / unknown"``).

    Returns:
        A copy of ``documents`` with ``column`` (strings).

    Raises:
        CompareError: No ``by`` column, a missing one, or ``column`` named among ``by``.
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by or column in by:
        raise CompareError(f"combined_group: bad by {by!r} for column {column!r}")
    require_columns(documents, by, where="combined_group", error=CompareError)
    parts = [
        documents[c].astype(object).where(documents[c].notna(), missing).astype(str) for c in by
    ]
    parts = [p.where(p.str.strip() != "", missing) for p in parts]
    label = parts[0]
    for p in parts[1:]:
        label = label + GROUP_SEPARATOR + p
    out = documents.copy()
    out[column] = label.to_numpy(dtype=object)
    return out
