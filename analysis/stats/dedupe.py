"""What each dedupe policy removes, and how it moves the headline frame rates (issue 22).

:func:`policy_effect` applies every policy of :func:`analysis.stats.amplification.dedupe`
(``none``, ``exact``, ``near``) to the same documents and reports, per policy × origin ×
frame, the documents kept and removed and the frame's rate per 1,000 word tokens
``rate = 1000 · Σ count / Σ n_tokens`` over the kept documents of the origin (the point
estimate of ``frame_rates.csv`` over all periods; ``NaN`` when the kept documents have no
token). ``rate_change`` is the rate minus the ``none`` rate of the same origin and frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["POLICY_EFFECT_COLUMNS", "policy_effect"]

#: Columns of :func:`policy_effect` (see the module docstring).
POLICY_EFFECT_COLUMNS = (
    "policy",
    "origin",
    "n_docs",
    "n_removed",
    "frame",
    "count",
    "n_tokens",
    "rate",
    "rate_change",
)


def policy_effect(
    documents: pd.DataFrame, markers: pd.DataFrame, reuse_docs: pd.DataFrame
) -> pd.DataFrame:
    """Documents removed and frame rates per origin under each dedupe policy.

    Args:
        documents: ``doc_id``, ``origin``, ``n_tokens`` (the run's documents table).
        markers: ``doc_id, frame, marker, count`` (the run's markers table).
        reuse_docs: The reuse columns per document: ``doc_id``, ``first_in_cluster`` and,
            for the ``exact`` policy, ``first_in_exact_group`` (``Reuse.documents``). When
            the latter is missing (a stored run), ``exact`` is left out.

    Returns:
        :data:`POLICY_EFFECT_COLUMNS`, sorted by policy (``none``, ``exact``, ``near``),
        origin and frame; every origin × frame of ``documents`` and ``markers`` has a row.
    """
    import pandas as pd

    from analysis.stats.amplification import POLICIES, dedupe

    docs = documents[["doc_id", "origin", "n_tokens"]].astype({"doc_id": str, "origin": str})
    frames = sorted(markers["frame"].astype(str).unique())
    counts = markers.astype({"doc_id": str, "frame": str}).groupby(["doc_id", "frame"])["count"]
    per_doc = counts.sum().unstack("frame", fill_value=0).reindex(columns=frames, fill_value=0)
    origins = sorted(docs["origin"].unique())
    total = docs.groupby("origin").size()
    parts = []
    for policy in POLICIES:
        if policy == "exact" and "first_in_exact_group" not in reuse_docs.columns:
            continue
        kept = dedupe(docs, reuse_docs, policy)
        parts.append(_policy_rows(policy, kept, per_doc, origins, frames, total))
    out = pd.concat(parts, ignore_index=True)
    base = out[out["policy"] == "none"].set_index(["origin", "frame"])["rate"]
    keys = pd.MultiIndex.from_frame(out[["origin", "frame"]])
    out["rate_change"] = out["rate"].to_numpy() - base.reindex(keys).to_numpy()
    return out[list(POLICY_EFFECT_COLUMNS)]


def _policy_rows(policy, kept, per_doc, origins, frames, total) -> pd.DataFrame:
    """One policy's rows: kept documents, removed ones and frame rates per origin × frame."""
    import numpy as np
    import pandas as pd

    counts = per_doc.reindex(kept["doc_id"], fill_value=0)
    counts.index = kept["origin"].to_numpy()
    by_origin = counts.groupby(level=0).sum().reindex(origins, fill_value=0)
    tokens = kept.groupby("origin")["n_tokens"].sum().reindex(origins, fill_value=0)
    n_docs = kept.groupby("origin").size().reindex(origins, fill_value=0)
    rows = []
    for origin in origins:
        n_tok = int(tokens[origin])
        for frame in frames:
            c = int(by_origin.loc[origin, frame]) if frame in by_origin.columns else 0
            rate = 1000.0 * c / n_tok if n_tok else np.nan
            rows.append(
                (
                    policy,
                    origin,
                    int(n_docs[origin]),
                    int(total[origin] - n_docs[origin]),
                    frame,
                    c,
                    n_tok,
                    rate,
                )
            )
    return pd.DataFrame(rows, columns=list(POLICY_EFFECT_COLUMNS[:-1]))
