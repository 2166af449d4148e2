"""The results store: a run's output directory, read back without re-running anything.

:func:`load_results` opens an output directory (or the one a project file names) and returns
:class:`StoredResults`: the same tables as :class:`~analysis.runner.assemble.Results`, read
from CSV or Parquet on first use (only the columns asked for, with :meth:`StoredResults.table`),
plus the run's provenance and options. :meth:`StoredResults.stale` says whether the store's
format, the corpus, lexicon, outlet registry or options changed since the run.

The ``markers`` table holds only the non-zero counts (absent = 0);
:meth:`StoredResults.markers_dense` rebuilds the full document × marker table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.schema import (
    AMPLIFICATION_TABLE_COLUMNS,
    BOOL_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    MODEL_TABLE_COLUMNS,
    REUSE_TABLE_COLUMNS,
    TABLE_COLUMNS,
)
from analysis.write.outdir import PROVENANCE_NAME

if TYPE_CHECKING:
    import pandas as pd

    from analysis.runner.project import RunOptions

__all__ = ["STORE_VERSION", "StoreError", "StoredResults", "load_results"]

#: The format of the tables a run writes, recorded in ``provenance.json`` as
#: ``store_version`` (a store without it is version 1). Bump it when a table's rows change
#: meaning, so that an older store is stale (:meth:`StoredResults.stale`), never misread.
#: 2: ``markers`` holds only the non-zero counts, and ``provenance.json`` the lexicon's
#: marker pairs (``lexicon.markers``).
STORE_VERSION = 2


class StoreError(ValueError):
    """An output directory is missing or is not a complete framing output."""


def _dtypes(columns) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``read_csv`` dtypes and NA values: ints, floats (empty = NaN), bools, strings (kept)."""
    dtype, na = {}, {}
    for c in columns:
        if c in BOOL_COLUMNS:
            dtype[c] = "bool"
        elif c in INT_COLUMNS:
            dtype[c] = "int64"
        elif c in FLOAT_COLUMNS:
            dtype[c] = "float64"
            na[c] = [""]
        else:
            dtype[c] = "str"
    return dtype, na


@dataclass
class StoredResults:
    """The tables of a stored run, read on first use (see the module docstring).

    Attributes:
        path: The output directory.
        provenance: ``provenance.json`` of the run.
        options: The run's options when opened from a project file, else ``None``.
    """

    path: Path
    provenance: dict
    options: RunOptions | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def format(self) -> str:
        """``"csv"`` or ``"parquet"``."""
        return "csv" if (self.path / "documents.csv").is_file() else "parquet"

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Table ``name`` (``documents``, ``terms``, …, ``keyness``, ``frame_rates``), only
        ``columns`` if given; read once per column set."""
        import pandas as pd

        key = (name, tuple(columns) if columns else None)
        if key not in self._cache:
            if self.format == "csv":
                path = self.path / f"{name}.csv"
                if not path.is_file() and name in _OPTIONAL:
                    self._cache[key] = _empty(_OPTIONAL[name], columns)
                    return self._cache[key]
                if not path.is_file():
                    raise StoreError(f"{self.path}: no table {name!r} ({path.name} is missing)")
                header = pd.read_csv(path, nrows=0).columns
                dtype, na = _dtypes(columns or header)
                self._cache[key] = pd.read_csv(
                    path,
                    usecols=columns,
                    dtype=dtype,
                    keep_default_na=False,
                    na_values=na,
                    encoding="utf-8",
                )
            else:
                path = self.path / name
                if not path.is_dir() and name in _OPTIONAL:
                    self._cache[key] = _empty(_OPTIONAL[name], columns)
                    return self._cache[key]
                if not path.is_dir():
                    raise StoreError(f"{self.path}: no table {name!r} ({name}/ is missing)")
                self._cache[key] = pd.read_parquet(path, columns=columns)
            if name == "markers" and self.version < 2 and "count" in self._cache[key]:
                from analysis.stats.marker_table import sparse_markers

                # version 1 wrote every document × marker: the zeros are left out here
                self._cache[key] = sparse_markers(self._cache[key])
        return self._cache[key]

    @property
    def version(self) -> int:
        """The store's format (:data:`STORE_VERSION` when written by this code)."""
        return int(self.provenance.get("store_version", 1))

    @property
    def marker_pairs(self) -> tuple[tuple[str, str], ...]:
        """The lexicon's ``(frame, marker)`` pairs of the run, sorted, as
        ``Results.marker_pairs`` (recorded in ``provenance.json``; a version 1 store: the
        pairs of its markers rows, which were all there)."""
        recorded = (self.provenance.get("lexicon") or {}).get("markers")
        if recorded is None:
            rows = self.table("markers", ["frame", "marker"])
            recorded = zip(rows["frame"], rows["marker"], strict=True)
        return tuple(sorted({(str(f), str(m)) for f, m in recorded}))

    def markers_dense(self) -> pd.DataFrame:
        """The dense markers table: every document × marker pair of the lexicon, zeros
        included, sorted by ``doc_id`` then ``(frame, marker)``
        (:func:`analysis.stats.marker_table.dense_markers` of ``markers``, the documents and
        :attr:`marker_pairs`)."""
        from analysis.stats.marker_table import dense_markers

        docs = self.table("documents", ["doc_id"])
        return dense_markers(self.markers, docs["doc_id"], self.marker_pairs)

    def summary(self) -> str:
        """One line: the corpus, its documents and word tokens."""
        docs = self.table("documents", ["doc_id", "n_tokens"])
        name = (
            Path(self.options.corpus).name if self.options else Path(self.provenance["corpus"]).name
        )
        return f"corpus {name!r}: {len(docs)} documents, {docs['n_tokens'].sum():,} word tokens"

    def texts(self) -> pd.DataFrame:
        """``doc_id, text`` of the cleaned documents, read again from the project's corpus
        (for KWIC: the store keeps sentences, not whole texts)."""
        if self.options is None:
            raise StoreError(f"{self.path}: texts need the project (open it with its framing.toml)")
        from analysis.read.corpus import load_corpus

        return load_corpus(self.options.corpus, **self.options.corpus_options())[["doc_id", "text"]]

    def shared_passages(
        self, doc_id: str, other_doc_id: str, *, min_words: int = 8
    ) -> list[tuple[int, int, int, int, str]]:
        """The passages two documents share (e.g. a pair of ``reuse``), for display.

        Reads both cleaned texts again from the project's corpus (:meth:`texts`) and returns
        :func:`analysis.stats.shingles.shared_passages` of them: ``(start, end, other_start,
        other_end, text)`` per passage of at least ``min_words`` words, offsets into each text.
        """
        from analysis.stats.shingles import shared_passages

        texts = self.texts().set_index("doc_id")["text"]
        missing = [d for d in (doc_id, other_doc_id) if d not in texts.index]
        if missing:
            raise StoreError(f"{self.path}: no document {missing[0]!r} in the corpus")
        return shared_passages(texts[doc_id], texts[other_doc_id], min_words=min_words)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The per-document tables by name, in a fixed order (as ``Results.tables()``)."""
        return {name: self.table(name) for name in TABLE_COLUMNS}

    def stale(self) -> str | None:
        """Why the store no longer matches its project (``None``: it does, or no project).

        Compares the hashes of the input files, the lexicon and the outlet registry, the
        options and the code recorded in ``provenance.json`` with the project's current ones
        (hashes only: the same project opened from another working directory is not stale).
        A store of another format (:data:`STORE_VERSION`) is stale, with a project or not.
        """
        if self.version != STORE_VERSION:
            return f"the store's format changed (version {self.version}, now {STORE_VERSION})"
        if self.options is None:
            return None
        from analysis.document.lexicon import load_lexicon
        from analysis.read.directory import relative_files
        from analysis.runner.provenance import provenance

        corpus = Path(self.options.corpus)
        files = relative_files(corpus) if corpus.is_dir() else []
        now = provenance(self.options, files, load_lexicon(self.options.lexicon))
        for key in ("inputs", "manifest", "lexicon", "outlets", "options", "code"):
            if _hashes(now.get(key)) != _hashes(self.provenance.get(key)):
                return f"the {key} changed since the run"
        return None


#: Tables a run writes only with an option (the reuse pass): read as empty tables otherwise.
_OPTIONAL = {"reuse": REUSE_TABLE_COLUMNS, "amplification": AMPLIFICATION_TABLE_COLUMNS}


def _empty(columns: tuple[str, ...], subset: list[str] | None) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=object) for c in (subset or columns)})


def _hashes(value: object) -> object:
    """A provenance entry without its recorded paths (``path`` keys)."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "path"}
    return value


def _table_property(name: str) -> property:
    return property(lambda self: self.table(name), doc=f"The ``{name}`` table.")


for _name in (*TABLE_COLUMNS, "keyness", "frame_rates", "reuse", "amplification"):
    setattr(StoredResults, _name, _table_property(_name))
for _name in MODEL_TABLE_COLUMNS:  # rate_models, rate_trends
    setattr(StoredResults, _name, _table_property(_name))


def load_results(path_or_config: str | Path | RunOptions) -> StoredResults:
    """Open a results store: an output directory, a project file, or run options.

    Raises:
        StoreError: The directory does not exist or holds no ``provenance.json``; the message
            says how to create it (``framing analyze``).
    """
    from analysis.runner.project import RunOptions

    options = None
    if isinstance(path_or_config, RunOptions):
        options = path_or_config
    elif str(path_or_config).endswith(".toml"):
        from analysis.runner.projectfile import load_project

        options = load_project(path_or_config)
    out = Path(options.out if options is not None else path_or_config)
    try:
        prov = json.loads((out / PROVENANCE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        how = f"framing analyze --config {path_or_config}" if options else "framing analyze"
        raise StoreError(f"{out} is not a complete framing output ({e}); run {how}") from e
    return StoredResults(out, prov, options)
