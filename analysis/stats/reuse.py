"""Text reuse: exact copies, near-duplicates and texts contained in others (issue 22).

Texts become word-shingle sets and MinHash sketches (:mod:`.shingles`). Candidate pairs come
from LSH bands (:mod:`.candidates`), never from all pairs: an LSH at Jaccard
``jaccard - margin`` for near-duplicates, and bands by size for a short text inside a long one
at containment ``containment - margin`` (a Jaccard LSH at a lower threshold cannot bound
containment: a text wholly inside one three times as long has a Jaccard index of 1/3).
Candidates are verified and joined into clusters as they come; pairs inside a cluster already
larger than ``max_cluster`` are not generated, so memory grows with documents, not pairs.
Besides the sketches, documents, exact-copy groups, clusters, verified pairs and pair rows are
held as numpy arrays of positions, codes and floats (:mod:`.reuse_arrays`, :mod:`.graph`), and
the tables are built from them column by column: at a million headlines (1.25 million pairs)
the sketches take about 1.1 GB and the pass peaks at about 2.3 GB, most of the difference the
bands' numpy temporaries while candidates are verified (4.7 GB with dictionaries of tuples).

Every candidate is verified on the exact shingle sets: ``jaccard = |A∩B| / |A∪B|``,
``containment = |A∩B| / min(|A|, |B|)``. Kinds: ``exact`` (identical cleaned texts, by SHA-256
of the text, not by LSH), ``near`` (Jaccard ≥ ``jaccard``), ``contained`` (containment ≥
``containment``, Jaccard below, the smaller text having ≥ ``min_contained`` shingles). One
document per exact-copy group is indexed and its pairs stand for the group's. Documents linked
by any kind form a **reuse cluster** (connected components: a chain A~B~C is one cluster even
when A and C are not alike). Clusters and "first" go by date, then doc_id.

Results do not depend on the order of the documents or texts, nor on where the sketches were
computed (:func:`~analysis.stats.shingles.sketch_text` in worker batches, or here): texts are
banded in doc_id order, the clusters are the components of the graph of verified candidates
(see :mod:`.candidates` for why skipping pairs inside large clusters keeps them so), tables
are sorted by doc_id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analysis.config import REUSE_CONTAINMENT, REUSE_JACCARD
from analysis.schema import REUSE_TABLE_COLUMNS
from analysis.stats.candidates import contained_ratio, link
from analysis.stats.reuse_arrays import (
    Catalog,
    Clusters,
    Groups,
    Pairs,
    cluster_pairs,
    document_table,
    pair_table,
)
from analysis.stats.shingles import Sketch
from analysis.stats.sketches import SketchStore

__all__ = [
    "INPUT_COLUMNS",
    "KINDS",
    "LINKS",
    "REUSE_COLUMNS",
    "REUSE_DOC_COLUMNS",
    "Reuse",
    "classify",
    "exact_reuse",
    "find_reuse",
]

#: Columns :func:`find_reuse` reads from ``documents``.
INPUT_COLUMNS = ("doc_id", "date", "outlet", "origin")
#: Columns of the pair table (:attr:`Reuse.pairs`), one row per pair, ``doc_id < other_doc_id``:
#: ``kind`` (:data:`KINDS`), exact ``jaccard`` and ``containment`` of the shingle sets,
#: ``earlier`` (doc_id of the earlier document, by date then doc_id), ``lag_days`` (≥ 0),
#: ``same_outlet``, ``same_origin`` and ``link`` (:data:`LINKS`).
REUSE_COLUMNS = REUSE_TABLE_COLUMNS
#: Columns of the per-document table (:attr:`Reuse.documents`), one row per document:
#: ``reuse_cluster`` (doc_id of the cluster's first document, ``""`` when in no cluster),
#: ``first_in_cluster`` (earliest by date then doc_id; ``True`` for a document in no cluster),
#: ``cluster_size`` (1 in no cluster), ``exact_group`` (doc_id of the first document with the
#: same cleaned text, ``""`` when the text is unique) and ``first_in_exact_group`` (``True``
#: for a unique text).
REUSE_DOC_COLUMNS = (
    "doc_id",
    "reuse_cluster",
    "first_in_cluster",
    "cluster_size",
    "exact_group",
    "first_in_exact_group",
)
#: Values of ``kind``; ``linked`` only on ``to_earliest`` rows (see :data:`LINKS`) whose two
#: documents are joined through other members but are not alike themselves.
KINDS = ("exact", "near", "contained", "linked")
#: Values of ``link``: ``verified`` — a candidate pair verified on the shingle sets (all of them
#: for a cluster of at most ``max_cluster`` documents); ``to_earliest`` — in a larger cluster,
#: each member measured against the cluster's first document instead (n - 1 rows, not n²).
LINKS = ("verified", "to_earliest")
_NEAR, _CONTAINED = KINDS.index("near"), KINDS.index("contained")


@dataclass(frozen=True)
class Reuse:
    """Result of :func:`find_reuse`: ``pairs`` (:data:`REUSE_COLUMNS`) and ``documents``
    (:data:`REUSE_DOC_COLUMNS`), both sorted by doc_id."""

    pairs: pd.DataFrame
    documents: pd.DataFrame


@dataclass(frozen=True, slots=True)
class _Options:
    jaccard: float
    containment: float
    min_contained: int
    margin: float
    max_cluster: int
    num_perm: int


def find_reuse(
    documents: pd.DataFrame,
    texts: Iterable[tuple[str, str | Sketch]] | SketchStore,
    *,
    jaccard: float = REUSE_JACCARD,
    containment: float = REUSE_CONTAINMENT,
    shingle: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    min_contained: int = 10,
    margin: float = 0.1,
    max_cluster: int = 50,
) -> Reuse:
    """Find exact copies, near-duplicates and contained texts among ``documents``.

    ``texts`` is read once, as a stream: only each text's sketch is held, in flat arrays
    (:class:`~analysis.stats.sketches.SketchStore`: its distinct shingle hashes, 8 bytes each,
    a SHA-256 and ``num_perm`` 4-byte MinHash values), never the texts. Documents without a
    text in ``texts``, or whose text has no word, are in no cluster.

    The defaults (Jaccard 0.35, containment 0.9) come from ``bench/bench_reuse.py``. With
    5-word shingles every changed word breaks up to five shingles: a copy with 5 % of its
    words changed (in runs of 1-6) keeps a Jaccard index of about 0.80, with 10 % 0.65, with
    20 % 0.44 (lowest 0.38 in 3,000 documents), so the former default 0.8 missed every copy
    edited by 10 % or more. A new first paragraph keeps 0.73-0.92 and the first half of a text
    0.50-0.57 (both ``near``); a text inside one three times as long has 0.31-0.34, below
    0.35, and a containment of 1 (``contained``). Different pieces of one country's speeches
    (same topics and formulas) stay below a Jaccard index of 0.06 and a containment of 0.14
    (maxima over 20,000 sampled pairs), far below both thresholds. At these defaults every
    planted kind reaches precision and recall of at least 0.99 (``bench/RESULTS.md``).

    Args:
        documents: One row per document with :data:`INPUT_COLUMNS` (``date`` ``YYYY-MM-DD``).
        texts: ``(doc_id, cleaned_text)`` pairs, or ``(doc_id, Sketch)`` from
            :func:`~analysis.stats.shingles.sketch_text` with the same ``shingle``,
            ``num_perm`` and ``seed``, or a finished
            :class:`~analysis.stats.sketches.SketchStore` of them made with those.
        jaccard: Jaccard index from which a pair is ``near``.
        containment: Containment from which a pair is ``contained`` (when not ``near``).
        shingle: Tokens per shingle.
        num_perm: MinHash permutations.
        seed: MinHash seed.
        min_contained: Fewest shingles of the smaller text of a ``contained`` pair (a title or
            a caption inside an article is not reuse).
        margin: The LSH indexes look for candidates ``margin`` below both thresholds, for
            recall; verification then applies the thresholds exactly.
        max_cluster: Largest cluster whose verified pairs are all listed (see :data:`LINKS`).

    Returns:
        :class:`Reuse` with the pair and the per-document table.
    """
    for name, value in (("jaccard", jaccard), ("containment", containment)):
        if not 0.0 < value <= 1.0:
            raise ValueError(f"{name} must be in (0, 1], got {value}")
    opts = _Options(jaccard, containment, min_contained, margin, max_cluster, num_perm)
    catalog = Catalog.of(documents, INPUT_COLUMNS)
    store, docs = _collect(texts, catalog, shingle=shingle, num_perm=num_perm, seed=seed)
    rows = np.flatnonzero(store.sizes)  # texts with a word
    _, label = np.unique(store.digests[rows], return_inverse=True)
    groups = Groups.of_labels(catalog, docs[rows], label)
    row_of = np.full(len(catalog), -1, dtype=np.int64)
    row_of[docs] = np.arange(len(docs))
    comps, edges = _verified_edges(row_of[groups.first], groups.sizes, store, opts)
    clusters = Clusters.of(catalog, groups, comps.roots(), comps.sizes())
    del comps

    def measure(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        return _measured(store, row_of[a], row_of[b], opts)

    pairs = cluster_pairs(groups, clusters, edges.arrays(), measure, max_cluster)
    del edges
    return _result(catalog, groups, clusters, pairs)


def exact_reuse(
    documents: pd.DataFrame, digests: Iterable[tuple[str, str]], *, max_cluster: int = 50
) -> Reuse:
    """The exact-copy part of :func:`find_reuse` from text digests alone (no text, no LSH).

    Documents with the same digest (e.g. the ``sha256`` of the cleaned text) form an exact
    group, which is also their reuse cluster; pairs are ``exact`` rows as in
    :func:`find_reuse` (``to_earliest`` above ``max_cluster`` documents). Used where the
    texts are not at hand (``--engine dask``). Unlike :func:`find_reuse`, a text without a
    word is not told apart (the readers reject empty texts).

    Args:
        documents: One row per document with :data:`INPUT_COLUMNS`.
        digests: ``(doc_id, digest)`` pairs; documents without one are in no group.
        max_cluster: As in :func:`find_reuse`.
    """
    catalog = Catalog.of(documents, INPUT_COLUMNS)
    keys, values = [], []
    for doc_id, digest in digests:
        keys.append(str(doc_id))
        values.append(str(digest))
    docs = catalog.positions(keys)
    if (docs < 0).any():
        unknown = keys[int(np.flatnonzero(docs < 0)[0])]
        raise ValueError(f"digest of unknown doc_id {unknown!r} (not in documents)")
    groups = Groups.of_labels(catalog, docs, pd.factorize(np.asarray(values, dtype=object))[0])
    clusters = Clusters.of(catalog, groups, np.arange(len(groups)), groups.sizes)
    no_edges = tuple(np.empty(0, dtype=t) for t in (np.int64, np.int64, np.int8, float, float))
    pairs = cluster_pairs(groups, clusters, no_edges, None, max_cluster)
    return _result(catalog, groups, clusters, pairs)


def _result(catalog: Catalog, groups: Groups, clusters: Clusters, pairs: Pairs) -> Reuse:
    return Reuse(
        pairs=pair_table(catalog, pairs, REUSE_COLUMNS, KINDS, LINKS),
        documents=document_table(catalog, groups, clusters),
    )


def _collect(texts, catalog: Catalog, *, shingle: int, num_perm: int, seed: int):
    """The store of the sketches of ``texts`` and the document of each of its rows."""
    if isinstance(texts, SketchStore):
        if (texts.shingle, texts.num_perm, texts.seed) != (shingle, num_perm, seed):
            raise ValueError("sketches made with other shingle/num_perm/seed")
        store = texts
    else:
        store = SketchStore(shingle=shingle, num_perm=num_perm, seed=seed)
        for doc_id, value in texts:
            doc_id = str(doc_id)
            if doc_id not in catalog.known:
                raise ValueError(f"text of unknown doc_id {doc_id!r} (not in documents)")
            if isinstance(value, Sketch):
                store.add_sketch(doc_id, value)
            else:
                store.add_text(doc_id, value)
        store.finish()
    docs = catalog.positions(store.ids)
    if (docs < 0).any():
        unknown = store.ids[int(np.flatnonzero(docs < 0)[0])]
        raise ValueError(f"text of unknown doc_id {unknown!r} (not in documents)")
    return store, docs


def classify(
    jaccard: float,
    containment: float,
    smaller: int,
    *,
    near_at: float = REUSE_JACCARD,
    contained_at: float = REUSE_CONTAINMENT,
    min_contained: int = 10,
) -> Literal["near", "contained"] | None:
    """The kind of a pair of different texts from its exact measures, or ``None``.

    Args:
        jaccard: Jaccard index of the two shingle sets.
        containment: ``|A∩B| / min(|A|, |B|)``.
        smaller: Number of shingles of the smaller set.
        near_at: ``near`` from this Jaccard index.
        contained_at: ``contained`` from this containment (when not ``near``).
        min_contained: Fewest shingles of the smaller set for ``contained``.
    """
    if jaccard >= near_at:
        return "near"
    if containment >= contained_at and smaller >= min_contained:
        return "contained"
    return None


def _classified(jaccard: float, containment: float, smaller: int, opts: _Options) -> str | None:
    return classify(
        jaccard,
        containment,
        smaller,
        near_at=opts.jaccard,
        contained_at=opts.containment,
        min_contained=opts.min_contained,
    )


def _measured(store: SketchStore, a: np.ndarray, b: np.ndarray, opts: _Options):
    """``(codes, jaccard, containment)`` of rows ``a[k]`` and ``b[k]`` of ``store`` (codes
    of :data:`KINDS`, -1: not reuse, by the rule of :func:`_classified`; the floats of
    :meth:`SketchStore.similarities`)."""
    jaccard, containment = store.similarities(a, b)
    smaller = np.minimum(store.sizes[a], store.sizes[b])
    near = jaccard >= opts.jaccard
    contained = (containment >= opts.containment) & (smaller >= opts.min_contained)
    codes = np.where(near, _NEAR, np.where(contained, _CONTAINED, -1)).astype(np.int8)
    return codes, jaccard, containment


def _verified_edges(rows: np.ndarray, docs: np.ndarray, store: SketchStore, opts: _Options):
    """Components and edges (:func:`~analysis.stats.candidates.link`) of the keys whose texts
    are ``rows`` of ``store`` and which stand for ``docs`` documents each.

    One key per exact group (groups sorted by their first document, which stands for the
    group's documents). Pairs inside a component of more than ``max_cluster`` documents are
    not verified: such a cluster's rows go to its earliest document (``to_earliest``), so the
    pair would not be listed. An edge's value is ``(code, jaccard, containment)``, the code
    of its kind in :data:`KINDS`.
    """

    def verify(a: int, b: int) -> tuple | None:
        ra, rb = int(rows[a]), int(rows[b])
        j, c = store.similarity(ra, rb)
        smaller = int(min(store.sizes[ra], store.sizes[rb]))
        kind = _classified(j, c, smaller, opts)
        return None if kind is None else (KINDS.index(kind), j, c)

    def verify_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        return _measured(store, rows[a], rows[b], opts)

    edges, comps = link(
        store.values,
        rows,
        store.sizes[rows],
        docs,
        verify,
        verify_pairs,
        near_at=opts.jaccard - opts.margin,
        contained_at=opts.containment - opts.margin,
        ratio=contained_ratio(opts.jaccard, opts.containment),
        min_contained=opts.min_contained,
        max_cluster=opts.max_cluster,
    )
    return comps, edges
