"""Shared statistics: document-resampling bootstrap of ratios, calendar periods.

:func:`bootstrap_ratio` is the one interval estimator of the toolkit. Sentences, words and
marker occurrences cluster within articles, so the unit that is resampled is the
**document**: each resample draws the group's documents with replacement and recomputes the
ratio ``Σ numerator / Σ denominator`` over the drawn documents. The interval is the
percentile interval of those resampled ratios. A group of one document has no interval
(``NaN``), never a fake one.

:func:`add_period` (year / quarter / month labels of ISO dates, used for grouping) lives in
:mod:`analysis.stats.periods` and is re-exported here.

Longer than ~400 lines because the resampling primitives and the bootstrap they serve.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from analysis.schema import BOOTSTRAP_COLUMNS
from analysis.stats.groups import is_integer
from analysis.stats.periods import PERIODS, add_period

__all__ = [
    "BOOTSTRAP_COLUMNS",
    "PERIODS",
    "add_period",
    "bootstrap_ratio",
    "resampled_ratio_matrix",
    "resample_weights",
    "resampled_ratios",
    "shared_intervals",
    "shared_intervals_of",
]

# Upper bound on the number of cells of one index matrix block (n_resamples x n_docs); larger
# groups are resampled in blocks of rows so memory stays bounded (~16 MB of indexes).
_BLOCK_CELLS = 2_000_000


def _plain(value):
    """A group key value as a plain Python scalar (stable ``repr`` across numpy versions)."""
    return value.item() if isinstance(value, np.generic) else value


def _group_rng(seed: int, key: tuple) -> np.random.Generator:
    """RNG of one group: seeded from ``seed`` and a stable hash of the group key."""
    crc = zlib.crc32(repr(tuple(_plain(v) for v in key)).encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([seed, crc]))


def resampled_ratios(
    num: np.ndarray, den: np.ndarray, *, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """``Σnum/Σden`` of ``n_resamples`` document resamples of one group.

    ``num``/``den`` hold one value per document; each resample draws ``len(num)`` documents
    with replacement (one row of ``rng.integers(0, n_docs, ...)``, drawn in blocks of rows so
    memory stays bounded). NaN where a resample's ``Σden == 0``.
    """
    n = len(num)
    rows = max(1, _BLOCK_CELLS // n)
    out = np.empty(n_resamples, dtype="float64")
    for lo in range(0, n_resamples, rows):
        hi = min(n_resamples, lo + rows)
        idx = rng.integers(0, n, size=(hi - lo, n))
        s_num = num[idx].sum(axis=1)
        s_den = den[idx].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[lo:hi] = np.where(s_den != 0, s_num / np.where(s_den != 0, s_den, 1.0), np.nan)
    return out


def resampled_ratio_matrix(
    num: np.ndarray, den: np.ndarray, *, n_resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Like :func:`resampled_ratios` for several groups over the same documents at once.

    ``num`` is ``n_docs × n_groups``, ``den`` the same or ``n_docs × 1`` (one denominator
    shared by every group); every resample draws one set of documents (one row of the index
    matrix) and applies it to all groups, as a matrix product of the resample's document
    multiplicities with ``num`` and ``den``. The same ``rng`` draws the same documents as
    :func:`resampled_ratios`. Returns ``n_resamples × n_groups`` ratios.
    """
    return _ratio_rows(_weight_blocks(rng, len(num), n_resamples), num, den, n_resamples)


def _weight_blocks(
    rng: np.random.Generator, n_docs: int, n_resamples: int
) -> Iterator[tuple[int, np.ndarray]]:
    """``(start, weights)``: the float64 document multiplicities of blocks of resamples
    (the draws of :func:`resample_weights`; a block holds at most ``_BLOCK_CELLS`` cells)."""
    rows = max(1, _BLOCK_CELLS // n_docs)
    for lo in range(0, n_resamples, rows):
        hi = min(n_resamples, lo + rows)
        idx = rng.integers(0, n_docs, size=(hi - lo, n_docs))
        flat = (idx + n_docs * np.arange(hi - lo)[:, None]).ravel()
        weights = np.bincount(flat, minlength=(hi - lo) * n_docs).reshape(hi - lo, n_docs)
        yield lo, weights.astype("float64")


def _ratio_rows(blocks, num: np.ndarray, den: np.ndarray, n_resamples: int) -> np.ndarray:
    """``Σnum/Σden`` of every resample (rows) and group (columns) from weight ``blocks``."""
    out = np.empty((n_resamples, num.shape[1]), dtype="float64")
    for lo, weights in blocks:
        out[lo : lo + len(weights)] = _block_ratios(weights, num, den)
    return out


def _block_ratios(weights: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``Σnum/Σden`` of one block of resamples (NaN where a resample's ``Σden`` is 0)."""
    s_num = weights @ num
    s_den = weights @ den
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(s_den != 0, s_num / np.where(s_den != 0, s_den, 1.0), np.nan)


def resample_weights(
    n_docs: int, *, n_resamples: int, seed: int, key: tuple
) -> Iterator[tuple[int, np.ndarray]]:
    """The document multiplicities of the resamples :func:`shared_intervals` draws.

    The same generator (seeded from ``seed`` and the cell ``key``), the same draws and the
    same blocks of resamples as :func:`shared_intervals` over ``n_docs`` documents, for
    callers that recompute a statistic other than a ratio of sums on each resample (e.g. a
    log-odds ratio, :func:`analysis.stats.keyness_ci.keyness_intervals`).

    Yields:
        ``(start, weights)``: ``weights`` is a ``rows × n_docs`` int64 block, row ``r`` the
        number of times each document is drawn in resample ``start + r`` (each row sums to
        ``n_docs``); the blocks cover resamples ``0 .. n_resamples - 1`` in order.
    """
    rng = _group_rng(seed, key)
    rows = max(1, _BLOCK_CELLS // n_docs)
    for lo in range(0, n_resamples, rows):
        hi = min(n_resamples, lo + rows)
        idx = rng.integers(0, n_docs, size=(hi - lo, n_docs))
        flat = (idx + n_docs * np.arange(hi - lo)[:, None]).ravel()
        yield lo, np.bincount(flat, minlength=(hi - lo) * n_docs).reshape(hi - lo, n_docs)


def shared_intervals(
    num: np.ndarray,
    den: np.ndarray,
    *,
    key: tuple,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> np.ndarray:
    """Percentile intervals of several ratios over the same documents, from one bootstrap.

    ``num`` is ``n_docs × n_groups`` per-document sums (documents in a fixed order, e.g.
    sorted by id), ``den`` the same or ``n_docs × 1`` (a denominator shared by every group,
    e.g. the tokens of each document); the generator is seeded from ``seed`` and the cell
    ``key`` (:func:`_group_rng`). This is the ``resample_by`` path of
    :func:`bootstrap_ratio`, for callers that hold the matrices already.

    Memory stays bounded whatever the number of groups (a lexicon of 100,000 markers): the
    groups are taken in blocks of ``_BLOCK_CELLS / n_resamples`` columns, each block on the
    same resamples (drawn once when they fit in one block, else drawn again from a new
    generator with the same seed), so no ``n_resamples × n_groups`` matrix is ever held.

    Returns:
        ``n_groups × 2`` unscaled ``(low, high)`` bounds; NaN for a group none of whose
        resamples had a non-zero denominator.
    """
    n_docs, n_groups = num.shape
    kept, den, back = _zero_repeats_dropped(num, den)
    if kept.shape[1] < n_groups:  # ratios of zero counts: all alike, computed once
        options = {"key": key, "n_resamples": n_resamples, "confidence": confidence, "seed": seed}
        return back(shared_intervals(kept, den, **options))
    bounds = np.full((n_groups, 2), np.nan)
    q = 50.0 * (1.0 - confidence)
    width = max(1, _BLOCK_CELLS // n_resamples)
    stored = None  # the resamples, when they fit in one block and several blocks use them
    if n_groups > width and n_resamples * n_docs <= _BLOCK_CELLS:
        stored = list(_weight_blocks(_group_rng(seed, key), n_docs, n_resamples))
    for lo in range(0, n_groups, width):
        cols = slice(lo, min(n_groups, lo + width))
        blocks = stored or _weight_blocks(_group_rng(seed, key), n_docs, n_resamples)
        shared_den = den if den.shape[1] == 1 else den[:, cols]
        ratios = _ratio_rows(blocks, num[:, cols], shared_den, n_resamples)
        bounds[cols] = _percentiles(ratios, q)
    return bounds


def shared_intervals_of(
    tables: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    key: tuple,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> list[np.ndarray]:
    """:func:`shared_intervals` of several ``(num, den)`` over the same documents (e.g. a
    cell's counts and tokens in each voice), every block of resamples drawn once for all of
    them: the same bounds as one call per table, for a fraction of the draws (most of the
    cost on large cells). Tables whose groups do not fit one block together are done one
    by one."""
    reduced = [_zero_repeats_dropped(num, den) for num, den in tables]
    if not tables or sum(r[0].shape[1] for r in reduced) > max(1, _BLOCK_CELLS // n_resamples):
        options = {"key": key, "n_resamples": n_resamples, "confidence": confidence, "seed": seed}
        return [shared_intervals(num, den, **options) for num, den in tables]
    ratios = [np.empty((n_resamples, num.shape[1])) for num, _, _ in reduced]
    for lo, weights in _weight_blocks(_group_rng(seed, key), len(tables[0][0]), n_resamples):
        for (num, den, _), out in zip(reduced, ratios, strict=True):
            out[lo : lo + len(weights)] = _block_ratios(weights, num, den)
    q = 50.0 * (1.0 - confidence)
    return [back(_percentiles(out, q)) for (_, _, back), out in zip(reduced, ratios, strict=True)]


def _zero_repeats_dropped(num: np.ndarray, den: np.ndarray):
    """``(num, den, back)``: over a shared denominator, the groups counting zero in every
    document but the first dropped; ``back`` maps the bounds of what is kept to every group.

    Over a shared denominator the resampled ratios of such groups are the same (0, or NaN
    where a resample's denominator is 0), so one of them stands for all (most markers of a
    cell of short documents are never found there). ``num`` is returned as it is when
    nothing is dropped."""
    zero = ~num.any(axis=0)
    if den.shape[1] != 1 or zero.sum() <= 1:
        return num, den, lambda bounds: bounds
    keep = ~zero
    first = int(np.flatnonzero(zero)[0])
    keep[first] = True

    def back(some: np.ndarray) -> np.ndarray:
        bounds = np.empty((num.shape[1], 2))
        bounds[keep] = some
        bounds[zero] = some[int(keep[:first].sum())]
        return bounds

    return num[:, keep], den, back


def _percentiles(ratios: np.ndarray, q: float) -> np.ndarray:
    """``(q, 100 - q)`` percentiles of each column ignoring NaN (all NaN: NaN), computed at
    once for the columns without NaN (the same numbers as ``nanpercentile``, which goes
    column by column)."""
    bounds = np.full((ratios.shape[1], 2), np.nan)
    nan = np.isnan(ratios)
    full = ~nan.any(axis=0)
    if full.any():
        bounds[full] = np.percentile(ratios[:, full], [q, 100.0 - q], axis=0).T
    some = ~full & ~nan.all(axis=0)  # all-NaN: no resample had a denominator
    if some.any():
        bounds[some] = np.nanpercentile(ratios[:, some], [q, 100.0 - q], axis=0).T
    return bounds


def _boundaries(index: pd.MultiIndex, n_levels: int) -> tuple[list[int], list[int]]:
    """Start and stop positions of the runs of equal values of the first ``n_levels`` levels."""
    n = len(index)
    if not n_levels:
        return [0], [n]
    codes = np.vstack([np.asarray(c) for c in index.codes[:n_levels]])
    change = (np.flatnonzero((codes[:, 1:] != codes[:, :-1]).any(axis=0)) + 1).tolist()
    return [0, *change], [*change, n]


def _group_slices(index: pd.MultiIndex, n_by: int):
    """``(key, start, stop)`` of each group of a sorted ``[*by, doc]`` index (by its codes).

    The same groups, keys and order as ``groupby(level=by, sort=True, dropna=False)`` on
    the index, without building a sub-frame per group (which dominated the cost).
    """
    starts, stops = _boundaries(index, n_by)
    values = [index.get_level_values(k)[starts] for k in range(n_by)]
    for g, (a, b) in enumerate(zip(starts, stops, strict=True)):
        yield tuple(v[g] for v in values), a, b


def _cell_members(index: pd.MultiIndex, groups: list, n_cell: int):
    """Positions in ``groups`` of the groups of each cell (runs of the first ``n_cell`` levels)."""
    g = 0
    for b in _boundaries(index, n_cell)[1]:
        members = []
        while g < len(groups) and groups[g][2] <= b:
            members.append(g)
            g += 1
        yield members


def _numeric(table: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(table[column], errors="coerce").astype("float64").to_numpy()
    bad = np.isnan(values) | np.isinf(values)
    if bad.any():
        first = table[column].iloc[int(np.flatnonzero(bad)[0])]
        raise ValueError(
            f"bootstrap_ratio: column {column!r} must hold finite numbers; "
            f"{int(bad.sum())} row(s) do not (first: {first!r})"
        )
    return values


def _check_columns(table, by: list[str], doc_col: str, value_cols: list[str]) -> None:
    """Raise unless ``table`` is a DataFrame with distinct ``by`` columns and the others."""
    if not isinstance(table, pd.DataFrame):
        raise ValueError(
            f"bootstrap_ratio: expected a pandas DataFrame, got {type(table).__name__}"
        )
    needed = [*by, doc_col, *value_cols]
    missing = [c for c in dict.fromkeys(needed) if c not in table.columns]
    if missing:
        raise ValueError(
            f"bootstrap_ratio: table is missing column(s) {missing}; it has {list(table.columns)}"
        )
    if len(set(by)) != len(by) or {doc_col, *value_cols} & set(by):
        raise ValueError(
            f"bootstrap_ratio: by={by!r} repeats a column or names the document/value column"
        )


def _check_options(
    by: list[str], n_resamples: int, confidence: float, seed: int, resample_by
) -> list[str] | None:
    """Raise for a bad bootstrap option; return ``resample_by`` as a list (or ``None``)."""
    if not is_integer(n_resamples):
        raise ValueError(f"bootstrap_ratio: n_resamples must be an integer, got {n_resamples!r}")
    if n_resamples < 1:
        raise ValueError(f"bootstrap_ratio: n_resamples must be >= 1, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"bootstrap_ratio: confidence must be in (0, 1), got {confidence!r}")
    if not is_integer(seed) or seed < 0:
        raise ValueError(f"bootstrap_ratio: seed must be a non-negative integer, got {seed!r}")
    if resample_by is None:
        return None
    resample_by = [resample_by] if isinstance(resample_by, str) else list(resample_by)
    if by[: len(resample_by)] != resample_by:
        raise ValueError(
            f"bootstrap_ratio: resample_by={resample_by!r} must be the first column(s) of by={by!r}"
        )
    return resample_by


def _empty_result(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The result of an empty ``table``: no rows, the ``by`` dtypes and typed statistics."""
    out = pd.DataFrame({c: table[c].iloc[:0] for c in by})
    for c in ("estimate", "ci_low", "ci_high"):
        out[c] = pd.Series(dtype="float64")
    for c in ("n_docs", "n_rows"):
        out[c] = pd.Series(dtype="int64")
    return out[[*by, *BOOTSTRAP_COLUMNS]]


def _per_document(
    table: pd.DataFrame, by: list[str], doc_col: str, numerator: str, denominator: str | None
) -> pd.DataFrame:
    """Columns ``_num``, ``_den``, ``_rows``: sums per document within each group.

    Indexed by ``[*by, doc_col]``, sorted; missing key values are kept as their own group.
    """
    work = table[[*by, doc_col]].copy()
    work["_num"] = _numeric(table, numerator)
    work["_den"] = _numeric(table, denominator) if denominator is not None else 1.0
    work["_rows"] = 1
    return work.groupby([*by, doc_col], sort=True, dropna=False)[["_num", "_den", "_rows"]].sum()


def _interval_bounds(
    index: pd.MultiIndex,
    groups: list,
    num: np.ndarray,
    den: np.ndarray,
    *,
    n_by: int,
    n_cell: int,
    n_resamples: int,
    confidence: float,
    seed: int,
) -> np.ndarray:
    """Unscaled ``(low, high)`` of each group, cell by cell (NaN below two documents).

    The groups of a cell that hold the same documents share one joint bootstrap
    (:func:`shared_intervals`); otherwise each group is resampled with its own generator.
    """
    q = 50.0 * (1.0 - confidence)
    bounds = np.full((len(groups), 2), np.nan)
    docs_codes = np.asarray(index.codes[n_by]) if n_by else None
    for members in _cell_members(index, groups, n_cell):
        spans = [slice(groups[m][1], groups[m][2]) for m in members]
        if max(span.stop - span.start for span in spans) < 2:
            continue
        if len(members) > 1 and all(
            np.array_equal(docs_codes[spans[0]], docs_codes[span]) for span in spans[1:]
        ):
            n = spans[0].stop - spans[0].start
            bounds[members] = shared_intervals(
                np.column_stack([num[span] for span in spans]).reshape(n, -1),
                np.column_stack([den[span] for span in spans]).reshape(n, -1),
                key=groups[members[0]][0][:n_cell],
                n_resamples=n_resamples,
                confidence=confidence,
                seed=seed,
            )
            continue
        for m, span in zip(members, spans, strict=True):
            if span.stop - span.start < 2:
                continue
            rng = _group_rng(seed, groups[m][0])
            ratios = resampled_ratios(num[span], den[span], n_resamples=n_resamples, rng=rng)
            if not np.isnan(ratios).all():
                bounds[m] = np.nanpercentile(ratios, [q, 100.0 - q])
    return bounds


def _result_table(
    groups: list,
    bounds: np.ndarray,
    per_doc: pd.DataFrame,
    *,
    by: list[str],
    scale: float,
) -> pd.DataFrame:
    """One typed row per group: key, scaled estimate and bounds, documents and rows."""
    num = per_doc["_num"].to_numpy(dtype="float64")
    den = per_doc["_den"].to_numpy(dtype="float64")
    rows = per_doc["_rows"].to_numpy(dtype="int64")
    records = []
    for (key, lo_i, hi_i), (lo, hi) in zip(groups, bounds, strict=True):
        total_den = den[lo_i:hi_i].sum()
        num_sum = num[lo_i:hi_i].sum()
        estimate = scale * (num_sum / total_den) if total_den != 0 else np.nan
        records.append(
            (*key, estimate, scale * lo, scale * hi, hi_i - lo_i, int(rows[lo_i:hi_i].sum()))
        )
    out = pd.DataFrame.from_records(records, columns=[*by, *BOOTSTRAP_COLUMNS])
    for c in ("estimate", "ci_low", "ci_high"):
        out[c] = out[c].astype("float64")
    for c in ("n_docs", "n_rows"):
        out[c] = out[c].astype("int64")
    return out


def bootstrap_ratio(
    table: pd.DataFrame,
    *,
    by: Sequence[str],
    numerator: str,
    denominator: str | None = None,
    doc_col: str = "doc_id",
    scale: float = 1.0,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    resample_by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Ratio per group with a percentile bootstrap interval that resamples documents.

    Within each group (the rows sharing the ``by`` values) the numerator and the denominator
    are summed per document; ``estimate = scale · Σnum / Σden`` over the group's documents
    (``NaN`` when ``Σden == 0``). With ``denominator=None`` the denominator is the number of
    rows, so the estimate is the mean of ``numerator`` over the group's rows (e.g. the mean
    compound of its sentences, every sentence weighing the same).

    The interval draws the group's documents with replacement ``n_resamples`` times (one
    ``n_resamples × n_docs`` index matrix from a numpy ``Generator``), recomputes the ratio on
    each resample (``NaN`` for a resample whose denominator sums to 0, ignored by the
    percentiles) and takes the ``(1 ± confidence) / 2`` percentiles (numpy's default linear
    interpolation). Each group's generator is seeded from ``seed`` and the CRC-32 of the
    ``repr`` of its key, so a group's interval does not change when other groups are added,
    removed or reordered. With fewer than two documents ``ci_low``/``ci_high`` are ``NaN``.

    With ``resample_by`` (a leading part of ``by``, e.g. ``["origin", "period"]`` when ``by``
    adds ``frame`` and ``marker``), the groups of one *cell* (rows sharing the
    ``resample_by`` values) share their resamples: the cell's generator, seeded from the cell
    key, draws one set of documents per resample and every group of the cell is recomputed
    on it (one joint bootstrap, as the groups describe the same documents). This needs every
    group of the cell to hold the same documents; a cell where they differ falls back to one
    generator per group.

    Args:
        table: One row per observation (sentence, document × marker, …) with ``doc_col``,
            the ``by`` columns, ``numerator`` and (optionally) ``denominator``.
        by: Grouping columns; ``[]`` gives one overall group.
        numerator: Column summed in the numerator.
        denominator: Column summed in the denominator; ``None`` counts rows.
        doc_col: Column naming the resampling unit.
        scale: Factor applied to the ratio (e.g. 1000 for a rate per 1,000 tokens).
        n_resamples: Number of bootstrap resamples (≥ 1).
        confidence: Coverage of the interval, strictly between 0 and 1.
        seed: Base seed (non-negative integer).
        resample_by: Leading columns of ``by`` whose groups share resamples (see above);
            ``None``: every group is resampled on its own.

    Returns:
        Columns ``*by, estimate, ci_low, ci_high, n_docs, n_rows``: one row per group, sorted
        by ``by`` (missing key values last). ``n_docs`` is the number of distinct documents
        and ``n_rows`` the number of rows of the group (ints); the other columns are floats.
        An empty ``table`` gives an empty frame with these columns.

    Raises:
        ValueError: ``table`` is not a DataFrame or lacks a column, a value column holds a
            non-number, NaN or infinity, a document id is missing, or an option is invalid.
    """
    by = [by] if isinstance(by, str) else list(by)
    value_cols = [numerator] + ([denominator] if denominator is not None else [])
    _check_columns(table, by, doc_col, value_cols)
    resample_by = _check_options(by, n_resamples, confidence, seed, resample_by)
    if table.empty:
        return _empty_result(table, by)
    if table[doc_col].isna().any():
        raise ValueError(f"bootstrap_ratio: column {doc_col!r} has missing document ids")
    per_doc = _per_document(table, by, doc_col, numerator, denominator)
    groups = list(_group_slices(per_doc.index, len(by)))
    bounds = _interval_bounds(
        per_doc.index,
        groups,
        per_doc["_num"].to_numpy(dtype="float64"),
        per_doc["_den"].to_numpy(dtype="float64"),
        n_by=len(by),
        n_cell=len(resample_by) if resample_by is not None else len(by),
        n_resamples=n_resamples,
        confidence=confidence,
        seed=int(seed),
    )
    return _result_table(groups, bounds, per_doc, by=by, scale=scale)
