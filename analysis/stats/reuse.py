"""Text reuse: exact copies, near-duplicates and texts contained in others (issue 22).

Texts become word-shingle sets and MinHash sketches (:mod:`.shingles`). Candidate pairs come
from LSH bands (:mod:`.candidates`), never from all pairs: an LSH at Jaccard
``jaccard - margin`` for near-duplicates, and bands by size for a short text inside a long one
at containment ``containment - margin`` (a Jaccard LSH at a lower threshold cannot bound
containment: a text wholly inside one three times as long has a Jaccard index of 1/3).
Candidates are verified and joined into clusters as they come; pairs inside a cluster already
larger than ``max_cluster`` are not generated, so memory grows with documents, not pairs.

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
from itertools import combinations, product
from typing import TYPE_CHECKING, Literal

import numpy as np

from analysis.config import REUSE_CONTAINMENT, REUSE_JACCARD
from analysis.stats.candidates import Components, contained_ratio, link
from analysis.stats.shingles import Sketch
from analysis.stats.sketches import SketchStore

if TYPE_CHECKING:
    import pandas as pd

from analysis.schema import REUSE_TABLE_COLUMNS

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
    meta = _metadata(documents)
    sketches = _collect(texts, meta, shingle=shingle, num_perm=num_perm, seed=seed)
    order = {d: (meta[d][0], d) for d in meta}
    groups = _exact_groups(sketches, order)
    by_key = sorted(groups, key=lambda g: g[0])  # one key per group: its first document
    edges, comps = _verified_edges(by_key, sketches, opts)
    clusters = _clusters(by_key, comps, order)
    rows = _pair_rows(clusters, groups, edges, sketches, opts)
    return Reuse(pairs=_pair_table(rows, meta), documents=_document_table(meta, clusters, groups))


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
    meta = _metadata(documents)
    order = {d: (meta[d][0], d) for d in meta}
    by_digest: dict[str, list[str]] = {}
    for doc_id, digest in digests:
        if str(doc_id) not in meta:
            raise ValueError(f"digest of unknown doc_id {doc_id!r} (not in documents)")
        by_digest.setdefault(str(digest), []).append(str(doc_id))
    groups = sorted(
        (sorted(g, key=order.__getitem__) for g in by_digest.values()), key=lambda g: order[g[0]]
    )
    clusters = [g for g in groups if len(g) > 1]
    opts = _Options(1.0, 1.0, 0, 0.0, max_cluster, 0)
    rows = _pair_rows(clusters, groups, {}, None, opts)
    return Reuse(pairs=_pair_table(rows, meta), documents=_document_table(meta, clusters, groups))


def _metadata(documents: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """``doc_id -> (date, outlet, origin)``; raises on missing columns or repeated doc_ids."""
    missing = [c for c in INPUT_COLUMNS if c not in documents.columns]
    if missing:
        raise ValueError(f"documents lack column(s) {', '.join(missing)}")
    ids = documents["doc_id"].astype(str)
    if ids.duplicated().any():
        raise ValueError(f"repeated doc_id(s): {', '.join(sorted(set(ids[ids.duplicated()])))}")
    cols = [documents[c].astype(str).tolist() for c in ("date", "outlet", "origin")]
    return dict(zip(ids.tolist(), zip(*cols, strict=True), strict=True))


def _collect(texts, meta, *, shingle: int, num_perm: int, seed: int) -> SketchStore:
    if isinstance(texts, SketchStore):
        if (texts.shingle, texts.num_perm, texts.seed) != (shingle, num_perm, seed):
            raise ValueError("sketches made with other shingle/num_perm/seed")
        unknown = [k for k in texts.ids if k not in meta]
        if unknown:
            raise ValueError(f"text of unknown doc_id {unknown[0]!r} (not in documents)")
        return texts
    store = SketchStore(shingle=shingle, num_perm=num_perm, seed=seed)
    for doc_id, value in texts:
        doc_id = str(doc_id)
        if doc_id not in meta:
            raise ValueError(f"text of unknown doc_id {doc_id!r} (not in documents)")
        if isinstance(value, Sketch):
            store.add_sketch(doc_id, value)
        else:
            store.add_text(doc_id, value)
    return store.finish()


def _exact_groups(store: SketchStore, order: dict) -> list[list[str]]:
    """Texts with a word grouped by identical text, each group sorted by (date, doc_id)."""
    rows = np.flatnonzero(store.sizes)
    _, label = np.unique(store.digests[rows], return_inverse=True)
    by_digest: list[list[str]] = [[] for _ in range(int(label.max(initial=-1)) + 1)]
    for row, g in zip(rows.tolist(), label.tolist(), strict=True):
        by_digest[g].append(store.ids[row])
    groups = (sorted(g, key=order.__getitem__) for g in by_digest)
    return sorted(groups, key=lambda g: order[g[0]])


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


def _kind(store: SketchStore, a: int, b: int, opts: _Options) -> tuple:
    """``(kind, jaccard, containment)`` of the texts of rows ``a`` and ``b`` of ``store``."""
    j, c = store.similarity(a, b)
    return _classified(j, c, int(min(store.sizes[a], store.sizes[b])), opts), j, c


def _kinds(store: SketchStore, a: np.ndarray, b: np.ndarray, opts: _Options) -> list[tuple]:
    """:func:`_kind` of rows ``a[k]`` and ``b[k]``, for each ``k`` (measured at once)."""
    smaller = np.minimum(store.sizes[a], store.sizes[b]).tolist()
    measured = zip(store.similarities(a, b), smaller, strict=True)
    return [(_classified(j, c, s, opts), j, c) for (j, c), s in measured]


def _classified(jaccard: float, containment: float, smaller: int, opts: _Options) -> str | None:
    return classify(
        jaccard,
        containment,
        smaller,
        near_at=opts.jaccard,
        contained_at=opts.containment,
        min_contained=opts.min_contained,
    )


def _verified_edges(by_key, store: SketchStore, opts: _Options) -> tuple[dict, Components]:
    """``(a, b) -> (kind, jaccard, containment)`` of the verified candidates, and components.

    One key per exact group of ``by_key`` (groups sorted by their first document, which stands
    for the group's documents); the components are over the positions in ``by_key``. Pairs
    inside a component of more than ``max_cluster`` documents are not verified
    (:func:`~analysis.stats.candidates.link`): such a cluster's rows go to its earliest
    document (``to_earliest``), so the pair would not be listed.
    """
    keys = [g[0] for g in by_key]
    rows = np.array([store.index[k] for k in keys], dtype=np.int64)

    def verify(a: int, b: int) -> tuple | None:
        value = _kind(store, int(rows[a]), int(rows[b]), opts)
        return None if value[0] is None else value

    def verify_pairs(a: np.ndarray, b: np.ndarray) -> list[tuple | None]:
        kinds = _kinds(store, rows[a], rows[b], opts)
        return [None if value[0] is None else value for value in kinds]

    edges, comps = link(
        store.values,
        rows,
        store.sizes[rows],
        [len(g) for g in by_key],
        verify,
        verify_pairs,
        near_at=opts.jaccard - opts.margin,
        contained_at=opts.containment - opts.margin,
        ratio=contained_ratio(opts.jaccard, opts.containment),
        min_contained=opts.min_contained,
        max_cluster=opts.max_cluster,
    )
    return {(keys[a], keys[b]): value for (a, b), value in edges.items()}, comps


def _clusters(by_key: list[list[str]], comps: Components, order: dict) -> list[list[str]]:
    """Reuse clusters of two or more documents, members sorted by (date, doc_id)."""
    members: dict[int, list[str]] = {}
    for i, g in enumerate(by_key):
        members.setdefault(comps.root(i), []).extend(g)
    clusters = [sorted(m, key=order.__getitem__) for m in members.values() if len(m) > 1]
    return sorted(clusters, key=lambda m: order[m[0]])


def _pair_rows(clusters, groups, edges, store: SketchStore | None, opts) -> list[tuple]:
    """``(a, b, kind, jaccard, containment, link)`` rows, ``a < b``, cluster by cluster."""
    group_of = {d: g for g in groups for d in g}
    cluster_of = {d: i for i, members in enumerate(clusters) for d in members}
    cluster_edges: dict[int, list] = {}
    for (a, b), value in edges.items():
        cluster_edges.setdefault(cluster_of[a], []).append((a, b, *value))
    rows: list[tuple] = []
    for i, members in enumerate(clusters):
        if len(members) <= opts.max_cluster:
            for g in {id(group_of[d]): group_of[d] for d in members}.values():
                rows.extend((*sorted(p), "exact", 1.0, 1.0, "verified") for p in combinations(g, 2))
            for a, b, kind, j, c in cluster_edges.get(i, ()):
                pairs = product(group_of[a], group_of[b])
                rows.extend((*sorted(p), kind, j, c, "verified") for p in pairs)
            continue
        first = members[0]
        others = [d for d in members[1:] if group_of[d] is not group_of[first]]
        rows.extend(
            (*sorted((d, first)), "exact", 1.0, 1.0, "to_earliest")
            for d in members[1:]
            if group_of[d] is group_of[first]
        )
        at = np.array([store.index[d] for d in others], dtype=np.int64)
        kinds = _kinds(store, at, np.full(len(at), store.index[first]), opts) if others else []
        for d, (kind, j, c) in zip(others, kinds, strict=True):
            rows.append((*sorted((d, first)), kind or "linked", j, c, "to_earliest"))
    return sorted(rows)


def _pair_table(rows: list[tuple], meta: dict) -> pd.DataFrame:
    """The pair table (:data:`REUSE_COLUMNS`) from :func:`_pair_rows`."""
    import pandas as pd

    cols = ["doc_id", "other_doc_id", "kind", "jaccard", "containment", "link"]
    t = pd.DataFrame(rows, columns=cols)
    t = t.astype({"jaccard": "float64", "containment": "float64"})
    date_a = t["doc_id"].map(lambda d: meta[d][0])
    date_b = t["other_doc_id"].map(lambda d: meta[d][0])
    a_first = (date_a < date_b) | ((date_a == date_b) & (t["doc_id"] < t["other_doc_id"]))
    t["earlier"] = t["doc_id"].where(a_first, t["other_doc_id"]).astype(object)
    days = pd.to_datetime(date_a, format="%Y-%m-%d") - pd.to_datetime(date_b, format="%Y-%m-%d")
    t["lag_days"] = days.dt.days.abs().astype("int64")
    for flag, k in (("same_outlet", 1), ("same_origin", 2)):
        side_a = t["doc_id"].map(lambda d, k=k: meta[d][k])
        t[flag] = (side_a == t["other_doc_id"].map(lambda d, k=k: meta[d][k])).astype(bool)
    return t[list(REUSE_COLUMNS)]


def _document_table(meta: dict, clusters: list[list[str]], groups) -> pd.DataFrame:
    """The per-document table (:data:`REUSE_DOC_COLUMNS`), sorted by doc_id."""
    import pandas as pd

    cluster = {d: members for members in clusters for d in members}
    exact = {d: g for g in groups if len(g) > 1 for d in g}
    rows = []
    for d in sorted(meta):
        members, g = cluster.get(d), exact.get(d)
        rows.append(
            (
                members[0] if members else "",
                members is None or members[0] == d,
                len(members) if members else 1,
                g[0] if g else "",
                g is None or g[0] == d,
            )
        )
    t = pd.DataFrame(rows, columns=list(REUSE_DOC_COLUMNS[1:]))
    t.insert(0, "doc_id", sorted(meta))
    return t.astype(
        {"first_in_cluster": bool, "first_in_exact_group": bool, "cluster_size": "int64"}
    )
