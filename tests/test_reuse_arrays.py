"""The array structures of the reuse pass: union-find, edge list, catalog, groups, pair rows."""

import numpy as np
import pandas as pd
import pytest

from analysis.stats.graph import Components, Edges
from analysis.stats.reuse import INPUT_COLUMNS, KINDS, LINKS, REUSE_COLUMNS
from analysis.stats.reuse_arrays import (
    Catalog,
    Clusters,
    Groups,
    cluster_pairs,
    document_table,
    pair_table,
)


def test_components_join_count_and_close():
    comps = Components([1, 2, 1, 3], max_cluster=3)
    assert comps.union(2, 1) == 1 and comps.union(3, 0) == 0
    assert comps.roots().tolist() == [0, 1, 1, 0]
    assert comps.sizes().tolist() == [4, 3, 3, 4]
    assert comps.closed(0) and not comps.closed(1)
    assert comps.union(1, 3) == 0 and comps.root(2) == 0
    assert comps.sizes().tolist() == [7, 7, 7, 7]
    assert comps.union(2, 3) == 0  # already joined: nothing changes
    assert comps.sizes().tolist() == [7, 7, 7, 7]


def test_components_roots_follow_a_long_chain():
    comps = Components([1] * 6, max_cluster=50)
    for k in range(5, 0, -1):  # 5 -> 4 -> 3 -> 2 -> 1 -> 0, each joined to the next smaller
        comps.union(k, k - 1)
    assert list(comps.parent) == [0, 0, 1, 2, 3, 4]
    assert comps.roots().tolist() == [0] * 6
    assert comps.sizes().tolist() == [6] * 6
    assert list(comps.parent) == [0, 0, 1, 2, 3, 4]  # roots() leaves the pointers alone


def test_edges_membership_and_arrays():
    edges = Edges(10)
    edges.add(1, 2, 1, 0.5, 1.0)
    edges.add(3, 7, 2, 0.25, 0.9)
    edges.add(0, 9, 0, 1.0, 1.0)
    assert len(edges) == 3
    assert (1, 2) in edges and (3, 7) in edges and (0, 9) in edges
    assert (2, 1) not in edges and (1, 3) not in edges and (7, 3) not in edges
    a, b, code, x, y = edges.arrays()
    assert (a.tolist(), b.tolist(), code.tolist()) == ([1, 3, 0], [2, 7, 9], [1, 2, 0])
    assert (x.tolist(), y.tolist()) == ([0.5, 0.25, 1.0], [1.0, 0.9, 1.0])
    assert [v.dtype for v in (a, b, code, x, y)] == [np.int64, np.int64, np.int8, float, float]
    assert (1, 2) not in edges  # arrays() ends the additions and lets the set go


def test_empty_edges_give_empty_arrays():
    assert [len(v) for v in Edges(0).arrays()] == [0] * 5


def _catalog():
    docs = pd.DataFrame(
        {
            "doc_id": ["c", "a", "b", "d", "f", "e"],
            "date": ["2022-01-02", "2022-01-03", "2022-01-02", "2022-01-01", "2022-01-05"]
            + ["2022-01-04"],
            "outlet": ["x", "y", "x", "y", "x", "x"],
            "origin": ["p", "o", "p", "p", "o", "o"],
        }
    )
    return Catalog.of(docs, INPUT_COLUMNS)


def test_catalog_positions_ranks_and_days():
    cat = _catalog()
    assert list(cat.ids) == ["a", "b", "c", "d", "e", "f"]
    # (date, doc_id) order: d (01-01), b, c (01-02), a (01-03), e (01-04), f (01-05)
    assert cat.rank.tolist() == [3, 1, 2, 0, 4, 5]
    assert cat.positions(["d", "zz", "a"]).tolist() == [3, -1, 0]
    assert cat.days(np.array([3, 0, 3])).tolist() == [18993, 18995, 18993]
    outlets = cat.outlets.tolist()  # a y, b x, c x, d y, e x, f x
    assert outlets[0] == outlets[3] != outlets[1] == outlets[2] == outlets[4] == outlets[5]


def test_catalog_refuses_missing_columns_and_repeated_ids():
    with pytest.raises(ValueError, match="lack column"):
        Catalog.of(pd.DataFrame({"doc_id": ["a"]}), INPUT_COLUMNS)
    two = pd.DataFrame({c: ["a", "a"] for c in INPUT_COLUMNS})
    with pytest.raises(ValueError, match="repeated doc_id"):
        Catalog.of(two, INPUT_COLUMNS)


def test_groups_sorted_by_date_and_numbered_by_first_document():
    cat = _catalog()
    # a, c share label 5; b, d label 7; e alone (label 1)
    groups = Groups.of_labels(cat, np.array([0, 1, 2, 3, 4]), np.array([5, 7, 5, 7, 1]))
    # by (date, doc_id): c before a, d before b; groups in doc_id order of c, d, e
    assert groups.members.tolist() == [2, 0, 3, 1, 4]
    assert groups.starts.tolist() == [0, 2, 4, 5]
    assert groups.first.tolist() == [2, 3, 4] and groups.sizes.tolist() == [2, 2, 1]
    assert groups.of.tolist() == [0, 1, 0, 1, 2, -1]


def test_cluster_pairs_small_and_large_clusters():
    cat = _catalog()
    # groups: {b, c} (copies), {a}, {d}, {e}; f has no text
    groups = Groups.of_labels(cat, np.array([0, 1, 2, 3, 4]), np.array([1, 0, 0, 2, 3]))
    assert groups.members.tolist() == [0, 1, 2, 3, 4]  # groups a, {b, c}, d, e
    # clusters: {a, b, c} (3 documents, above max_cluster 2) and {d, e}
    roots, sizes = np.array([0, 0, 2, 2]), np.array([3, 3, 2, 2])
    clusters = Clusters.of(cat, groups, roots, sizes)
    assert clusters.first.tolist() == [1, 1, 3, 3]  # b (01-02, before c), d (01-01)
    edges = (np.array([0, 2]), np.array([1, 3]), np.array([1, 1], dtype=np.int8))
    edges += (np.array([0.5, 0.75]), np.array([0.8, 0.9]))

    def measure(a, b):
        assert (a.tolist(), b.tolist()) == ([0], [1])  # a against b, the cluster's first
        return np.array([-1], dtype=np.int8), np.array([0.125]), np.array([0.25])

    pairs = cluster_pairs(groups, clusters, edges, measure, max_cluster=2)
    rows = list(zip(*(getattr(pairs, k).tolist() for k in ("a", "b", "kind", "link")), strict=True))
    # (a, b) linked to the earliest, (b, c) exact to the earliest, (d, e) a verified near pair
    assert rows == [(0, 1, 3, 1), (1, 2, 0, 1), (3, 4, 1, 0)]
    assert pairs.jaccard.tolist() == [0.125, 1.0, 0.75]
    assert pairs.containment.tolist() == [0.25, 1.0, 0.9]

    table = pair_table(cat, pairs, REUSE_COLUMNS, KINDS, LINKS)
    assert list(table.columns) == list(REUSE_COLUMNS)
    assert table["kind"].tolist() == ["linked", "exact", "near"]
    assert table["link"].tolist() == ["to_earliest", "to_earliest", "verified"]
    assert table["earlier"].tolist() == ["b", "b", "d"] and table["earlier"].dtype == object
    assert table["lag_days"].tolist() == [1, 0, 3]
    assert table["same_outlet"].tolist() == [False, True, False]
    assert table["same_origin"].tolist() == [False, True, False]  # a o, b p, c p, d p, e o

    docs = document_table(cat, groups, clusters)
    assert docs["reuse_cluster"].tolist() == ["b", "b", "b", "d", "d", ""]
    assert docs["first_in_cluster"].tolist() == [False, True, False, True, False, True]
    assert docs["cluster_size"].tolist() == [3, 3, 3, 2, 2, 1]
    assert docs["exact_group"].tolist() == ["", "b", "b", "", "", ""]
    assert docs["first_in_exact_group"].tolist() == [True, True, False, True, True, True]


def test_cluster_pairs_expand_an_edge_between_groups():
    cat = _catalog()
    # groups {a, e} and {b, c, d}: one verified pair of keys stands for 2 x 3 document pairs
    groups = Groups.of_labels(cat, np.array([0, 4, 1, 2, 3]), np.array([0, 0, 1, 1, 1]))
    clusters = Clusters.of(cat, groups, np.array([0, 0]), np.array([5, 5]))
    edges = (np.array([0]), np.array([1]), np.array([2], dtype=np.int8))
    edges += (np.array([0.3]), np.array([0.95]))
    pairs = cluster_pairs(groups, clusters, edges, None, max_cluster=50)
    got = list(zip(pairs.a.tolist(), pairs.b.tolist(), pairs.kind.tolist(), strict=True))
    exact = [(0, 4, 0), (1, 2, 0), (1, 3, 0), (2, 3, 0)]
    contained = [(min(x, y), max(x, y), 2) for x in (0, 4) for y in (1, 2, 3)]
    assert got == sorted(exact + contained)
    assert pairs.link.tolist() == [0] * 10
