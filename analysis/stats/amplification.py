"""Who carries whose copy: amplification between origins or outlets, and a dedupe policy.

Both read the per-document table of :func:`analysis.stats.reuse.find_reuse`
(:data:`~analysis.stats.reuse.REUSE_DOC_COLUMNS`) next to the documents (``doc_id``, ``date``
``YYYY-MM-DD``, ``outlet``, ``origin``).

**Amplification.** For an ordered pair of different sides (origins, or outlets with
``by="outlet"``), the **source** side ``S`` is the one whose copy may be carried and the
**receiving** side ``R`` the one that may carry it; every pair appears in both orders. Within a
reuse cluster, a side's *first date* is the date of its earliest document there. Then:

* ``clusters_shared`` — clusters with documents of both ``S`` and ``R``;
* ``source_first`` — shared clusters where ``S``'s first date is before ``R``'s;
* ``same_day`` — shared clusters where both first dates are the same day;
* ``median_lag_days`` — median of ``R``'s first date minus ``S``'s over the shared clusters
  where ``S`` published first or the same day (``NaN`` when there is none);
* ``receiving_docs`` — all documents of ``R`` in ``documents`` (in a cluster or not);
* ``reprints`` — documents of ``R`` in a cluster where ``S`` has a document dated on or before
  them (a same-day copy counts for both sides: the dates cannot tell who was first);
* ``share_reprints`` — ``reprints / receiving_docs``.

Every ordered pair of the sides present in ``documents`` has a row (zeros included), sorted by
``source`` then ``receiving``. A corpus of one side has no pair and gives an empty table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

from analysis.schema import AMPLIFICATION_TABLE_COLUMNS

__all__ = ["AMPLIFICATION_COLUMNS", "POLICIES", "amplification", "dedupe"]

#: Columns of :func:`amplification` (see the module docstring).
AMPLIFICATION_COLUMNS = AMPLIFICATION_TABLE_COLUMNS[1:]  # without ``level``
#: Values of ``policy`` in :func:`dedupe`.
POLICIES = ("none", "exact", "near")

_COUNTS = ("clusters_shared", "source_first", "same_day", "reprints")


def _joined(documents: pd.DataFrame, reuse_docs: pd.DataFrame, columns: list[str]):
    """``documents[columns]`` (index reset) with the reuse columns, raising when a document
    has no row or a doc_id repeats (looked up by position: a million documents are not
    merged on their string ids)."""
    import pandas as pd

    docs = documents[columns].astype({"doc_id": str}).reset_index(drop=True)
    if docs["doc_id"].duplicated().any():
        repeated = docs.loc[docs["doc_id"].duplicated(), "doc_id"].unique()
        raise ValueError(f"documents repeat doc_id(s) {', '.join(sorted(repeated)[:5])}")
    reuse = reuse_docs.astype({"doc_id": str}).drop_duplicates("doc_id")
    at = pd.Index(reuse["doc_id"]).get_indexer(docs["doc_id"])
    if (at < 0).any():
        missing = sorted(docs.loc[at < 0, "doc_id"])
        raise ValueError(f"reuse_docs has no row for doc_id(s) {', '.join(missing[:5])}")
    found = reuse.drop(columns="doc_id").iloc[at].reset_index(drop=True)
    return pd.concat([docs, found], axis=1)


def amplification(
    documents: pd.DataFrame,
    reuse_docs: pd.DataFrame,
    *,
    by: Literal["origin", "outlet"] = "origin",
) -> pd.DataFrame:
    """Amplification table between the sides ``by`` (:data:`AMPLIFICATION_COLUMNS`).

    Args:
        documents: ``doc_id``, ``date`` (``YYYY-MM-DD``) and the ``by`` column.
        reuse_docs: ``Reuse.documents`` of :func:`analysis.stats.reuse.find_reuse`.
        by: Compare origins or outlets.
    """
    import pandas as pd

    if by not in ("origin", "outlet"):
        raise ValueError(f"by must be 'origin' or 'outlet', got {by!r}")
    t = _joined(documents, reuse_docs[["doc_id", "reuse_cluster"]], ["doc_id", "date", by])
    t = t.rename(columns={by: "side"}).astype({"side": str, "date": str})
    sides = sorted(t["side"].unique())
    grid = pd.DataFrame(
        [(s, r) for s in sides for r in sides if s != r], columns=["source", "receiving"]
    )
    clustered = t[t["reuse_cluster"] != ""]
    first = clustered.groupby(["reuse_cluster", "side"], as_index=False)["date"].min()
    pairs = first.merge(first, on="reuse_cluster", suffixes=("_s", "_r"))
    pairs = pairs[pairs["side_s"] != pairs["side_r"]]
    lag = pd.to_datetime(pairs["date_r"], format="%Y-%m-%d") - pd.to_datetime(
        pairs["date_s"], format="%Y-%m-%d"
    )
    pairs = pairs.assign(
        source=pairs["side_s"],
        receiving=pairs["side_r"],
        source_first=pairs["date_s"] < pairs["date_r"],
        same_day=pairs["date_s"] == pairs["date_r"],
        lag=lag.dt.days.where(pairs["date_s"] <= pairs["date_r"]).astype("float64"),
    )
    stats = pairs.groupby(["source", "receiving"]).agg(
        clusters_shared=("reuse_cluster", "size"),
        source_first=("source_first", "sum"),
        same_day=("same_day", "sum"),
        median_lag_days=("lag", "median"),
    )
    reprints = _reprints(clustered, first)
    out = grid.merge(stats.reset_index(), on=["source", "receiving"], how="left")
    out = out.merge(reprints, on=["source", "receiving"], how="left")
    out["receiving_docs"] = out["receiving"].map(t["side"].value_counts()).astype("int64")
    out[list(_COUNTS)] = out[list(_COUNTS)].fillna(0).astype("int64")
    out["median_lag_days"] = out["median_lag_days"].astype("float64")
    out["share_reprints"] = out["reprints"] / out["receiving_docs"]
    return out[list(AMPLIFICATION_COLUMNS)].reset_index(drop=True)


def _reprints(clustered: pd.DataFrame, first: pd.DataFrame) -> pd.DataFrame:
    """``source, receiving, reprints``: receiving documents with a source copy on or before.

    Counted per cluster and side pair, never per document and side: the receiving side's
    dates in a cluster, sorted, against each other side's first date there (one
    ``searchsorted`` per cluster × source × receiving; a cluster of 500,000 documents of 24
    outlets is 576 of them, not 12 million merged rows).
    """
    import numpy as np
    import pandas as pd

    if clustered.empty:
        return pd.DataFrame(columns=["source", "receiving", "reprints"])
    day, _ = pd.factorize(pd.concat([clustered["date"], first["date"]]), sort=True)
    docs = pd.DataFrame(
        {"reuse_cluster": clustered["reuse_cluster"].to_numpy(), "receiving": clustered["side"]}
    )
    group, cells = pd.factorize(pd.MultiIndex.from_frame(docs))  # (cluster, receiving)
    doc_day = day[: len(clustered)]
    width = int(day.max()) + 2
    keys = np.sort(group.astype("int64") * width + doc_day)
    ends = np.searchsorted(keys, (np.arange(len(cells)) + 1) * width)
    cells = cells.to_frame(index=False, name=["reuse_cluster", "receiving"])
    cells = cells.assign(cell=np.arange(len(cells)), end=ends)
    pairs = first.assign(first_day=day[len(clustered) :]).rename(columns={"side": "source"})
    pairs = pairs.merge(cells, on="reuse_cluster")
    pairs = pairs[pairs["source"] != pairs["receiving"]]
    start = np.searchsorted(keys, pairs["cell"].to_numpy() * width + pairs["first_day"])
    pairs = pairs.assign(reprints=pairs["end"].to_numpy() - start)
    counts = pairs.groupby(["source", "receiving"])["reprints"].sum()
    return counts[counts > 0].reset_index()


def dedupe(
    documents: pd.DataFrame,
    reuse_docs: pd.DataFrame,
    policy: Literal["none", "exact", "near"],
) -> pd.DataFrame:
    """The documents kept under a dedupe ``policy`` (rows in their order, index kept).

    ``none`` keeps every document; ``exact`` one per exact-copy group (its first, by date then
    doc_id: ``first_in_exact_group``); ``near`` one per reuse cluster of any kind (its first:
    ``first_in_cluster``). Documents in no group or cluster are always kept. Pure: neither
    input is changed.

    Args:
        documents: Any table with ``doc_id``.
        reuse_docs: ``Reuse.documents`` of :func:`analysis.stats.reuse.find_reuse`, with a row
            for every document.
        policy: One of :data:`POLICIES`.
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    if policy == "none":
        return documents.copy()
    flag = "first_in_exact_group" if policy == "exact" else "first_in_cluster"
    t = _joined(documents, reuse_docs[["doc_id", flag]], ["doc_id"])
    return documents.loc[t[flag].astype(bool).to_numpy()].copy()
