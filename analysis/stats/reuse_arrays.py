"""The documents, exact-copy groups and pairs of the reuse pass as numpy arrays (for :mod:`.reuse`).

A document is its position among the doc_ids sorted (:class:`Catalog`, which also holds each
one's place in (date, doc_id) order and codes of its date, outlet and origin); an exact-copy
group is a run of positions (:class:`Groups`); the pair rows are columns of positions, codes
and floats (:class:`Pairs`, :func:`cluster_pairs`), about 35 bytes a pair. The tables are
built column by column from them with vectorised lookups (:func:`pair_table`,
:func:`document_table`): no Python object per document or pair is made on the way, where
dictionaries of tuples of strings took about 3 GB at a million headlines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

__all__ = [
    "Catalog",
    "Clusters",
    "Groups",
    "Pairs",
    "cluster_pairs",
    "document_table",
    "pair_table",
]

#: A function of two arrays of document positions: ``(codes, jaccard, containment)`` of each
#: pair (code -1: not reuse).
Measure = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Catalog:
    """The documents of a reuse pass, by position in doc_id order (see :meth:`of`).

    Attributes:
        ids: The doc_ids, sorted (a pandas string array).
        rank: Place of each document in (date, doc_id) order.
        dates: Code of each document's date in ``date_values`` (the distinct dates, sorted).
        date_values: The distinct dates.
        outlets: Codes of the outlets (equal codes: equal outlets).
        origins: Codes of the origins.
    """

    ids: pd.api.extensions.ExtensionArray
    rank: np.ndarray
    dates: np.ndarray
    date_values: np.ndarray
    outlets: np.ndarray
    origins: np.ndarray

    @classmethod
    def of(cls, documents: pd.DataFrame, columns: Sequence[str]) -> Catalog:
        """The catalog of ``documents`` (``columns``: doc_id, date, outlet, origin).

        Raises:
            ValueError: A column is missing, or a doc_id repeats.
        """
        missing = [c for c in columns if c not in documents.columns]
        if missing:
            raise ValueError(f"documents lack column(s) {', '.join(missing)}")
        ids = documents["doc_id"].astype(str)
        if ids.duplicated().any():
            repeated = sorted(set(ids[ids.duplicated()]))
            raise ValueError(f"repeated doc_id(s): {', '.join(repeated)}")
        order = ids.array.argsort(kind="stable")  # code point order, as Python sorts str
        dates = documents["date"].astype(str).array.take(order)
        dates, date_values = pd.factorize(dates, sort=True)
        places = np.lexsort((np.arange(len(order)), dates))  # documents in (date, doc_id) order
        rank = np.empty(len(order), dtype=np.int64)
        rank[places] = np.arange(len(order))
        outlets, origins = (pd.factorize(documents[c].astype(str))[0][order] for c in columns[2:4])
        return cls(ids.array.take(order), rank, dates, np.asarray(date_values), outlets, origins)

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def known(self) -> frozenset[str]:
        """The doc_ids as a set (``key in catalog.known``: Python strings, made when asked)."""
        return frozenset(self.ids)

    def positions(self, keys: Sequence[str]) -> np.ndarray:
        """The position of each doc_id of ``keys`` (-1 for an unknown one), looked up in
        Arrow (no Python string per document is made)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        ids = pa.array(self.ids)
        found = pc.index_in(pa.array(keys, type=ids.type), value_set=ids)
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)

    def days(self, docs: np.ndarray) -> np.ndarray:
        """Days since 1970-01-01 of each date of ``docs`` (positions; dates ``YYYY-MM-DD``)."""
        used, where = np.unique(self.dates[docs], return_inverse=True)
        parsed = pd.to_datetime(pd.Series(self.date_values[used]), format="%Y-%m-%d")
        return parsed.to_numpy().astype("datetime64[D]").astype(np.int64)[where]


@dataclass(frozen=True)
class Groups:
    """Groups of documents: group ``g`` is ``members[starts[g] : starts[g + 1]]``, sorted by
    (date, doc_id); groups come in the doc_id order of their first document.

    Attributes:
        members: Positions of the documents, group after group.
        starts: Where each group starts in ``members``, and ``len(members)`` last.
        of: The group of each document of the catalog (-1: in none).
    """

    members: np.ndarray
    starts: np.ndarray
    of: np.ndarray

    @classmethod
    def of_labels(cls, catalog: Catalog, docs: np.ndarray, labels: np.ndarray) -> Groups:
        """Documents ``docs`` (positions) grouped by equal ``labels``."""
        of = np.full(len(catalog), -1, dtype=np.int64)
        if not len(docs):
            return cls(docs.astype(np.int64), np.zeros(1, dtype=np.int64), of)
        order = np.lexsort((catalog.rank[docs], labels))
        docs, labels = docs[order], labels[order]
        change = np.r_[True, labels[1:] != labels[:-1]]
        old = np.cumsum(change) - 1  # the group of each, numbered by label
        first = docs[change]
        renumber = np.empty(len(first), dtype=np.int64)
        renumber[np.argsort(first, kind="stable")] = np.arange(len(first))
        group = renumber[old]
        order = np.argsort(group, kind="stable")  # keeps each group's (date, doc_id) order
        sizes = np.bincount(group, minlength=len(first))
        of[docs] = group
        return cls(docs[order], np.concatenate(([0], np.cumsum(sizes))), of)

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def sizes(self) -> np.ndarray:
        """Documents of each group."""
        return np.diff(self.starts)

    @property
    def first(self) -> np.ndarray:
        """The first document of each group (by date, then doc_id)."""
        return self.members[self.starts[:-1]]


@dataclass(frozen=True)
class Pairs:
    """Pair rows as columns: positions ``a < b``, ``kind`` (codes of ``KINDS``), ``jaccard``,
    ``containment`` and ``link`` (codes of ``LINKS``), sorted by ``(a, b)``."""

    a: np.ndarray
    b: np.ndarray
    kind: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    link: np.ndarray


@dataclass(frozen=True)
class Clusters:
    """Reuse clusters by group: the cluster's documents (``size``) and first document
    (``first``, by date then doc_id) of each group's cluster (a group's cluster is the
    component of its key; a document in no group is in no cluster)."""

    size: np.ndarray
    first: np.ndarray

    @classmethod
    def of(cls, catalog: Catalog, groups: Groups, roots: np.ndarray, sizes: np.ndarray):
        """From the component root and size of each group's key."""
        best = np.full(len(groups), len(catalog), dtype=np.int64)
        np.minimum.at(best, roots, catalog.rank[groups.first])
        by_rank = np.empty(len(catalog), dtype=np.int64)
        by_rank[catalog.rank] = np.arange(len(catalog))
        return cls(sizes, by_rank[best[roots]] if len(groups) else roots)


def cluster_pairs(
    groups: Groups, clusters: Clusters, edges: tuple, measure: Measure | None, max_cluster: int
) -> Pairs:
    """The pair rows of the clusters of two or more documents (``LINKS`` of :mod:`.reuse`).

    In a cluster of at most ``max_cluster`` documents: every pair of copies in one group
    (``exact``), and for each verified pair of keys every pair of their groups' documents; in
    a larger one each member against the cluster's first document (``exact`` in its group,
    else measured with ``measure``, ``linked`` where not alike).

    Args:
        groups: The exact-copy groups (group ``g`` is key ``g``).
        clusters: The cluster of each group.
        edges: ``(a, b, kind, jaccard, containment)`` arrays of the verified pairs of keys.
        measure: Codes and measures of pairs of documents (``None``: no cluster larger than
            ``max_cluster`` has two groups).
        max_cluster: Largest cluster whose verified pairs are listed.
    """
    small = clusters.size <= max_cluster
    parts = [_exact_pairs(groups, small), _edge_pairs(groups, small, edges)]
    parts += _earliest_pairs(groups, clusters, ~small, measure)
    a, b = (np.concatenate([p[i] for p in parts]).astype(np.int64) for i in (0, 1))
    a, b = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((b, a))
    kind, jaccard, containment, link = (
        np.concatenate([p[i] for p in parts])[order] for i in range(2, 6)
    )
    return Pairs(a[order], b[order], kind, jaccard, containment, link)


def _rows(a, b, kind, jaccard=1.0, containment=1.0, link=0) -> tuple[np.ndarray, ...]:
    """``(a, b, kind, jaccard, containment, link)`` columns, scalars repeated."""
    n = len(a)
    full = np.full
    return (
        a,
        b,
        full(n, kind, dtype=np.int8) if np.isscalar(kind) else kind.astype(np.int8),
        full(n, jaccard, dtype=np.float64) if np.isscalar(jaccard) else jaccard,
        full(n, containment, dtype=np.float64) if np.isscalar(containment) else containment,
        full(n, link, dtype=np.int8),
    )


def _exact_pairs(groups: Groups, keep: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every pair of documents of each group of two or more with ``keep``."""
    sizes, starts, members = groups.sizes, groups.starts[:-1], groups.members
    a, b = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for n in np.unique(sizes[keep & (sizes > 1)]).tolist():
        first, second = np.triu_indices(n, 1)
        at = starts[keep & (sizes == n)][:, None]
        a.append(members[at + first].ravel())
        b.append(members[at + second].ravel())
    return _rows(np.concatenate(a), np.concatenate(b), 0)


def _edge_pairs(groups: Groups, keep: np.ndarray, edges: tuple) -> tuple[np.ndarray, ...]:
    """For each edge of keys with ``keep``, every pair of a document of each of the groups."""
    ka, kb, kind, jaccard, containment = edges
    sel = keep[ka]
    ka, kb = ka[sel], kb[sel]
    sizes, starts, members = groups.sizes, groups.starts, groups.members
    count = sizes[ka] * sizes[kb]
    edge = np.repeat(np.arange(len(ka)), count)
    step = np.arange(len(edge)) - np.repeat(np.cumsum(count) - count, count)
    wide = sizes[kb][edge]
    a = members[starts[ka][edge] + step // wide]
    b = members[starts[kb][edge] + step % wide]
    return _rows(a, b, kind[sel][edge], jaccard[sel][edge], containment[sel][edge])


def _earliest_pairs(
    groups: Groups, clusters: Clusters, big: np.ndarray, measure: Measure | None
) -> list[tuple[np.ndarray, ...]]:
    """Each member of a cluster with ``big`` against the cluster's first document."""
    group = np.repeat(np.arange(len(groups)), groups.sizes)
    inside = big[group]
    docs, group = groups.members[inside], group[inside]
    first = clusters.first[group]
    docs, group, first = docs[docs != first], group[docs != first], first[docs != first]
    same = groups.of[first] == group
    exact = _rows(docs[same], first[same], 0, link=1)
    docs, first = docs[~same], first[~same]
    if not len(docs):
        return [exact]
    codes, jaccard, containment = measure(docs, first)
    kind = np.where(codes < 0, 3, codes)  # linked
    return [exact, _rows(docs, first, kind, jaccard, containment, link=1)]


def pair_table(
    catalog: Catalog, pairs: Pairs, columns: Sequence[str], kinds: Sequence[str], links
) -> pd.DataFrame:
    """The pair table (columns ``columns``, ``kind`` and ``link`` named by ``kinds`` and
    ``links``) of :func:`cluster_pairs`; string columns as ``str`` (``object`` when empty
    and for ``earlier``, as the table always had them)."""
    a, b = pairs.a, pairs.b
    rank, ids = catalog.rank, catalog.ids
    earlier = np.where(rank[a] < rank[b], a, b)
    used, where = np.unique(earlier, return_inverse=True)
    days = catalog.days(np.concatenate([a, b])) if len(a) else np.empty(0, dtype=np.int64)
    t = pd.DataFrame(
        {
            "doc_id": _text(ids.take(a)),
            "other_doc_id": _text(ids.take(b)),
            "kind": _text(pd.array(list(kinds), dtype=ids.dtype).take(pairs.kind)),
            "jaccard": pairs.jaccard.astype(np.float64),
            "containment": pairs.containment.astype(np.float64),
            "earlier": pd.Series(ids.take(used).to_numpy(dtype=object)[where], dtype=object),
            "lag_days": np.abs(days[: len(a)] - days[len(a) :]),
            "same_outlet": catalog.outlets[a] == catalog.outlets[b],
            "same_origin": catalog.origins[a] == catalog.origins[b],
            "link": _text(pd.array(list(links), dtype=ids.dtype).take(pairs.link)),
        }
    )
    return t[list(columns)]


def document_table(catalog: Catalog, groups: Groups, clusters: Clusters) -> pd.DataFrame:
    """The per-document table (``REUSE_DOC_COLUMNS`` of :mod:`.reuse`), by doc_id."""
    n = len(catalog)
    docs, group = np.arange(n), groups.of
    has = group >= 0
    size, first, exact = np.ones(n, dtype=np.int64), np.full(n, -1), np.full(n, -1)
    size[has] = clusters.size[group[has]]
    linked = size > 1
    first[linked] = clusters.first[group[linked]]
    copied = has.copy()
    copied[has] = groups.sizes[group[has]] > 1
    exact[copied] = groups.first[group[copied]]
    return pd.DataFrame(
        {
            # no document: float64, as the table built row by row always had it
            "doc_id": _text(catalog.ids) if n else np.empty(0, dtype=np.float64),
            "reuse_cluster": _text(catalog.ids.take(first, allow_fill=True, fill_value="")),
            "first_in_cluster": (first < 0) | (first == docs),
            "cluster_size": size,
            "exact_group": _text(catalog.ids.take(exact, allow_fill=True, fill_value="")),
            "first_in_exact_group": (exact < 0) | (exact == docs),
        }
    )


def _text(values) -> pd.Series:
    """A string column: ``values`` as they are, ``object`` when empty."""
    return pd.Series(values if len(values) else np.empty(0, dtype=object))
