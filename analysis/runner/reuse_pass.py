"""Text reuse in a run (issue 22): the reuse pass, its tables and the dedupe policy.

The local engine runs :func:`analysis.stats.reuse.find_reuse` over the cleaned texts of the
documents just read (:func:`document_reuse`: one pass over the documents takes their metadata
and sketches their texts, no copy of the texts is kept); ``--engine dask``, whose client never
holds the texts, runs only its exact-copy part from the documents' ``sha256``
(:func:`digest_reuse`) and refuses ``--dedupe near``. :func:`reuse_tables` turns the result
into ``reuse``, ``amplification`` and the ``reuse_cluster`` / ``first_in_cluster`` columns of
``documents``; :func:`deduplicated` applies the dedupe policy to what keyness and frame rates
read (the per-document tables stay complete).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from analysis.config import REUSE_CONTAINMENT, REUSE_JACCARD
from analysis.schema import AMPLIFICATION_TABLE_COLUMNS, REUSE_DEFAULTS, REUSE_TABLE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from analysis.read.corpus import Document
    from analysis.stats.reuse import Reuse
    from analysis.stats.sketches import SketchPart, SketchStore

__all__ = [
    "AMPLIFICATION_LEVELS",
    "check_reuse_options",
    "deduplicated",
    "dropped_ids",
    "digest_reuse",
    "document_reuse",
    "reuse_setting",
    "reuse_tables",
]

#: Values of ``level`` in ``amplification.csv``, in row order.
AMPLIFICATION_LEVELS = ("origin", "outlet")


def check_reuse_options(options) -> None:
    """Check the reuse options of :class:`~analysis.runner.project.RunOptions` ``options``.

    Raises:
        ProjectError: A threshold outside (0, 1], or a dedupe policy without the reuse pass.
        EngineError: ``--dedupe near`` with ``--engine dask`` (whose client has no texts), or
            any dedupe policy with ``--engine dask --format parquet`` (no reuse pass there).
    """
    from analysis.runner.engines import EngineError
    from analysis.runner.projectfile import ProjectError

    for name in ("reuse_jaccard", "reuse_containment"):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ProjectError(f"{name} must be a number in (0, 1], got {value!r}")
    if options.dedupe == "none":
        return
    if not options.reuse:
        raise ProjectError(f"--dedupe {options.dedupe} needs the reuse pass (drop --no-reuse)")
    if options.engine == "dask" and options.format == "parquet":
        raise EngineError(
            f"--dedupe {options.dedupe} runs with --format csv or the local engine only "
            "(--engine dask --format parquet has no reuse pass)"
        )
    if options.engine == "dask" and options.dedupe == "near":
        raise EngineError(
            "--dedupe near needs the texts, which --engine dask keeps on the workers: use the "
            "local engine, or --dedupe exact (exact copies are found from the documents' sha256)"
        )


def reuse_setting(options) -> dict | None:
    """The reuse pass a run does, as its provenance records it (``None``: no pass).

    ``kinds`` is ``exact,near,contained`` with the local engine (thresholds given) and
    ``exact`` with ``--engine dask`` (CSV); ``--engine dask --format parquet`` has none.
    """
    if not options.reuse or (options.engine == "dask" and options.format == "parquet"):
        return None
    if options.engine == "dask":
        return {"kinds": "exact"}
    return {
        "kinds": "exact,near,contained",
        "jaccard": float(options.reuse_jaccard),
        "containment": float(options.reuse_containment),
    }


def _read(docs: Sequence[Document], jobs: int = 1) -> tuple[pd.DataFrame, SketchStore]:
    """The metadata the reuse pass reads and the texts' sketches, in one pass over ``docs``
    (a table corpus streams its documents from disk: each pass reads them all); with
    ``jobs >= 2`` the texts are sketched in batches on ``jobs`` processes.

    The metadata is gathered column by column, each distinct date, outlet and origin held
    once (a document of a table corpus is made anew on each read, with strings of its own).
    """
    import pandas as pd

    from analysis.stats.sketches import SketchStore

    columns: tuple[list, ...] = ([], [], [], [])
    ids, dates, outlets, origins = columns
    seen: dict[str, str] = {}

    def texts() -> Iterator[tuple[str, str]]:
        for d in docs:
            doc_id = str(d.doc_id)
            ids.append(doc_id)
            dates.append(seen.setdefault(d.date, d.date))
            outlets.append(seen.setdefault(d.outlet, d.outlet))
            origins.append(seen.setdefault(d.origin, d.origin))
            yield doc_id, d.text

    store = SketchStore()
    if jobs < 2:
        for doc_id, text in texts():
            store.add_text(doc_id, text)
    else:
        import datasketch  # noqa: F401  (before the workers fork: they inherit it)

        from analysis.runner.pool import batched, ordered_map

        settings = {"shingle": store.shingle, "num_perm": store.num_perm, "seed": store.seed}
        batches = batched(texts(), max_docs=SKETCH_BATCH_DOCS, max_chars=SKETCH_BATCH_CHARS)
        parts = ordered_map(partial(_sketch_batch, **settings), batches, jobs=jobs)
        for keys, part in parts:
            store.add_part(keys, part)
    names = ("doc_id", "date", "outlet", "origin")
    return pd.DataFrame(dict(zip(names, columns, strict=True))), store.finish()


#: A batch of texts sketched in a worker process holds at most this many texts ...
SKETCH_BATCH_DOCS = 4096
#: ... or this many characters.
SKETCH_BATCH_CHARS = 1 << 20


def _sketch_batch(batch: list[tuple[str, str]], **settings) -> tuple[list[str], SketchPart]:
    """The doc ids and sketches of a batch of ``(doc_id, text)`` (in a worker process)."""
    from analysis.stats.sketches import sketch_texts

    return [key for key, _ in batch], sketch_texts([text for _, text in batch], **settings)


def document_reuse(
    docs: Sequence[Document],
    *,
    jaccard: float = REUSE_JACCARD,
    containment: float = REUSE_CONTAINMENT,
    jobs: int = 1,
) -> Reuse:
    """:func:`~analysis.stats.reuse.find_reuse` over the documents' cleaned texts.

    The texts are streamed from ``docs`` (only each text's sketch is held), sketched on
    ``jobs`` processes; the result does not depend on the order of ``docs`` or on ``jobs``.
    """
    from analysis.stats.reuse import find_reuse

    meta, store = _read(docs, jobs)
    return find_reuse(meta, store, jaccard=jaccard, containment=containment)


def digest_reuse(documents: pd.DataFrame) -> Reuse:
    """The exact-copy part of the reuse pass from the ``sha256`` of a documents table."""
    from analysis.stats.reuse import exact_reuse

    digests = zip(documents["doc_id"].astype(str), documents["sha256"].astype(str), strict=True)
    return exact_reuse(documents, digests)


def reuse_tables(documents: pd.DataFrame, reuse: Reuse) -> dict[str, pd.DataFrame]:
    """``documents`` with its reuse columns filled, ``reuse`` and ``amplification``.

    ``amplification`` stacks :func:`analysis.stats.amplification.amplification` by origin,
    then by outlet, with a ``level`` column first.
    """
    import numpy as np
    import pandas as pd

    from analysis.stats.amplification import amplification

    docs = documents.copy(deep=False)  # new columns only: the others are shared, not copied
    found = reuse.documents
    at = pd.Index(found["doc_id"]).get_indexer(docs["doc_id"].astype(str))
    for column, default in REUSE_DEFAULTS.items():
        values = np.full(len(docs), default, dtype=object)
        values[at >= 0] = found[column].to_numpy(dtype=object)[at[at >= 0]]
        docs[column] = pd.Series(values, index=docs.index).astype(type(default))
    levels = [
        amplification(documents, reuse.documents, by=level).assign(level=level)
        for level in AMPLIFICATION_LEVELS
    ]
    amp = pd.concat(levels, ignore_index=True)[list(AMPLIFICATION_TABLE_COLUMNS)]
    pairs = reuse.pairs[list(REUSE_TABLE_COLUMNS)].reset_index(drop=True)
    return {"documents": docs, "reuse": pairs, "amplification": amp}


def deduplicated(
    documents: pd.DataFrame,
    terms: pd.DataFrame,
    markers: pd.DataFrame,
    reuse: Reuse,
    policy: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``documents``, ``terms`` and ``markers`` of the documents a dedupe ``policy`` keeps
    (:func:`analysis.stats.amplification.dedupe`); unchanged for ``none``."""
    from analysis.stats.amplification import dedupe

    if policy == "none":
        return documents, terms, markers
    kept = dedupe(documents, reuse.documents, policy)
    ids = set(kept["doc_id"])
    return kept, terms[terms["doc_id"].isin(ids)], markers[markers["doc_id"].isin(ids)]


def dropped_ids(reuse: Reuse | None, policy: str) -> frozenset[str]:
    """The doc_ids a dedupe ``policy`` leaves out of the corpus statistics (see
    :func:`deduplicated`): none without the reuse pass or for ``none``."""
    from analysis.stats.amplification import dedupe

    if reuse is None or policy == "none":
        return frozenset()
    ids = reuse.documents[["doc_id"]]
    return frozenset(ids["doc_id"]).difference(dedupe(ids, reuse.documents, policy)["doc_id"])
