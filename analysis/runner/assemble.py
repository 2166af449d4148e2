"""Per-document results → the corpus tables, column-wise, whatever produced them.

:func:`batch_tables` lays out one batch's rows (in a worker, optionally formatted as CSV);
:func:`assemble_batches` joins the batches with the documents into :class:`Results`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd

from analysis.document import markers as mk
from analysis.document.lexicon import Lexicon
from analysis.document.process import DocResult
from analysis.document.tone import summarize_compounds
from analysis.read.corpus import Document
from analysis.schema import DOC_TABLES, REUSE_DEFAULTS, TABLE_COLUMNS
from analysis.stats.marker_table import dense_markers, sparse_markers
from analysis.stats.term_moments import TermMoments

__all__ = [
    "DOC_TABLES",
    "KEEP_WHEN_STREAMED",
    "BatchTables",
    "Results",
    "assemble",
    "assemble_batches",
    "batch_tables",
]


@dataclass
class Results:
    """The tables of one analysis (see :data:`TABLE_COLUMNS` and the README)."""

    documents: pd.DataFrame
    terms: pd.DataFrame
    sentences: pd.DataFrame
    matches: pd.DataFrame
    markers: pd.DataFrame
    marker_sentiment: pd.DataFrame
    actor_sentiment: pd.DataFrame
    quotes: pd.DataFrame
    #: The lexicon's ``(frame, marker)`` pairs, sorted (``markers`` holds only the non-zero
    #: counts, see :meth:`markers_dense`); ``None``: the pairs of the ``markers`` rows.
    marker_pairs: tuple[tuple[str, str], ...] | None = field(default=None, repr=False)
    #: CSV rows already formatted by the pool workers, by table name (a list of chunks in
    #: table order, equal to what :func:`analysis.write.tables.write_csv` writes after the
    #: header); :func:`analysis.write.tables.write_tables` uses them instead of formatting again.
    rendered: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    #: The tables whose every CSV row went to the ``sink`` of :func:`analyze` (formatted
    #: by the pool workers as the batches came back); write the others
    #: (:meth:`analysis.write.tables.TableWriter.write`).
    streamed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    #: The terms summed per origin as they streamed (given to :func:`assemble_batches`), from
    #: which the corpus statistics compute keyness; ``terms`` is then empty when streamed.
    term_moments: TermMoments | None = field(default=None, repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in TABLE_COLUMNS}

    def markers_dense(self) -> pd.DataFrame:
        """The dense markers table: every document × marker pair of the lexicon, zeros
        included (:func:`analysis.stats.marker_table.dense_markers`)."""
        pairs = self.marker_pairs
        if pairs is None:
            pairs = zip(self.markers["frame"], self.markers["marker"], strict=True)
        return dense_markers(self.markers, self.documents["doc_id"], pairs)


#: The tables :func:`corpus_tables` reads (and ``matches``, from which ``markers`` is
#: recounted when the batches' rows cannot be used): with a ``sink``, the only per-document
#: tables :func:`analyze` keeps in memory when the pool workers stream the others' rows.
KEEP_WHEN_STREAMED: tuple[str, ...] = ("terms", "matches", "markers")


@dataclass(slots=True)
class BatchTables:
    """A batch of documents' rows of the :data:`DOC_TABLES`, column-wise (plain data).

    ``stats`` holds, per document, ``(n_tokens, n_sentences, sentiment, share_positive,
    share_negative, n_tokens_narrator, n_tokens_quote, n_tokens_reported)``; ``csv`` (when
    formatted by a pool worker) the same rows of each table
    as :func:`analysis.write.tables.write_csv` writes them after the header.
    """

    stats: list[tuple]
    columns: dict[str, dict[str, list]]
    csv: dict[str, str] | None = None


def batch_tables(
    doc_ids: Sequence[str],
    results: Iterable[DocResult],
    *,
    pairs: Sequence[tuple[str, str]] = (),
    render: bool = False,
    keep: Collection[str] | None = None,
) -> BatchTables:
    """Lay out the rows of a batch of documents (see :class:`BatchTables`).

    Columns are filled directly (one list per column, extended per document), so the cost
    per row is a few C-level list operations. ``pairs`` are the lexicon's sorted marker
    pairs (:func:`analysis.document.markers.marker_pairs`): each document gets one ``markers`` row
    per pair it holds, in pair order, with its non-zero count (no pairs: no rows).
    With ``render``, ``keep`` (if given) names the tables whose columns are also returned;
    the others have only their CSV rows.
    """
    cols = {name: {c: [] for c in TABLE_COLUMNS[name]} for name in DOC_TABLES}
    stats = [
        _add_document(cols, doc_id, r, pairs) for doc_id, r in zip(doc_ids, results, strict=True)
    ]
    if not render:
        return BatchTables(stats, cols, None)
    return BatchTables(stats, *_render(cols, keep))


def _add_document(
    cols: dict[str, dict[str, list]], doc_id: str, r: DocResult, pairs: Sequence[tuple[str, str]]
) -> tuple:
    """Append one document's rows to every table of ``cols``; its ``documents`` stats."""
    T, S, M = cols["terms"], cols["sentences"], cols["matches"]
    MS, A = cols["marker_sentiment"], cols["actor_sentiment"]
    compounds = [s[3] for s in r.sentences]
    n = len(compounds)
    _extend(T, doc_id, r.terms, ("term", "count"))
    if n:
        S["doc_id"].extend([doc_id] * n)
        S["sent_id"].extend(range(n))
        for c, values in zip(
            TABLE_COLUMNS["sentences"][2:-3], zip(*r.sentences, strict=True), strict=True
        ):
            S[c].extend(values)
        _add_voices(S, ("voice", "mixed", "speaker"), r.voices, n, doc_id)
    _extend(M, doc_id, r.matches, TABLE_COLUMNS["matches"][1:-2])
    _add_voices(M, ("voice", "speaker"), r.match_voices, len(r.matches), doc_id)
    _extend(cols["quotes"], doc_id, r.quotes, TABLE_COLUMNS["quotes"][1:])
    if pairs:
        _add_marker_counts(cols["markers"], doc_id, r.matches, pairs)
    if r.matches:
        sids = [m[0] for m in r.matches]
        MS["doc_id"].extend([doc_id] * len(sids))
        MS["sent_id"].extend(sids)
        MS["frame"].extend(m[1] for m in r.matches)
        MS["marker"].extend(m[2] for m in r.matches)
        MS["compound"].extend(compounds[i] for i in sids)
        MS["compound_masked"].extend(r.masked)
    seen = sorted({(a[0], a[1]) for a in r.actors})
    _extend(
        A, doc_id, [(sid, a, compounds[sid]) for sid, a in seen], ("sent_id", "actor", "compound")
    )
    return (r.n_tokens, n, *summarize_compounds(compounds), *r.voice_tokens)


def _add_voices(
    table: dict[str, list], columns: Sequence[str], rows: list[tuple], n: int, doc_id: str
) -> None:
    """Append the voice columns of a document's ``n`` sentences or matches."""
    if len(rows) != n:
        raise ValueError(f"batch_tables: {doc_id!r} has {len(rows)} voices for {n} rows")
    if not n:
        return
    for c, values in zip(columns, zip(*rows, strict=True), strict=True):
        table[c].extend(values)


def _add_marker_counts(
    K: dict[str, list], doc_id: str, matches: list[tuple], pairs: Sequence[tuple[str, str]]
) -> None:
    """The ``markers`` rows of one document: its marker pairs with a non-zero count, in the
    order of ``pairs`` (absent = 0)."""
    if not matches:
        return
    found = Counter((m[1], m[2]) for m in matches)
    rows = [(p, found[p]) for p in pairs if p in found]
    if sum(c for _, c in rows) != len(matches):
        raise ValueError(f"batch_tables: a match of {doc_id!r} is not in the lexicon")
    K["doc_id"].extend([doc_id] * len(rows))
    K["frame"].extend(f for (f, _), _ in rows)
    K["marker"].extend(m for (_, m), _ in rows)
    K["count"].extend(c for _, c in rows)


def _render(
    cols: dict[str, dict[str, list]], keep: Collection[str] | None
) -> tuple[dict[str, dict[str, list]], dict[str, str]]:
    """The batch's CSV rows of each table, and its columns as typed arrays (only the
    ``keep`` tables' when given: the others' rows go to the output files only)."""
    rendered = {}
    for name, columns in cols.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(zip(*columns.values(), strict=True))
        rendered[name] = buf.getvalue()
    # typed arrays cross process boundaries as buffers (cheap to unpickle)
    arrays = {
        name: {c: _array(v) if keep is None or name in keep else [] for c, v in columns.items()}
        for name, columns in cols.items()
    }
    return arrays, rendered


def _array(values: list):
    """A column as a typed array (str → pandas' Arrow strings, int → int64, float → float64).

    The same dtypes as a DataFrame infers from the list; empty or other columns stay lists.
    """
    if not values:
        return values
    first = values[0]
    if isinstance(first, str):
        return pd.array(values, dtype="str")
    if isinstance(first, bool):
        return values
    if isinstance(first, int):
        return np.array(values, dtype="int64")
    if isinstance(first, float):
        return np.array(values, dtype="float64")
    return values


#: Columns assembled as pandas categoricals: the codes and one copy of each distinct value.
#: A million headlines' terms are 25 million rows of 1,000,000 doc_ids and a few hundred
#: thousand terms: 16 bytes a row instead of about 45 as strings (same values, same order).
CODED_COLUMNS: dict[str, tuple[str, ...]] = {"terms": ("doc_id", "term")}


class _CodedColumn:
    """A column assembled as codes into the distinct values seen so far (in order of first
    appearance): each batch is factorized and its few distinct values looked up once."""

    __slots__ = ("codes", "index")

    def __init__(self) -> None:
        self.codes: list[np.ndarray] = []
        self.index: dict = {}

    def add(self, part) -> None:
        if not len(part):
            return
        local, uniques = pd.factorize(
            np.asarray(part, dtype=object) if isinstance(part, list) else part
        )
        index = self.index
        known = [index.setdefault(u, len(index)) for u in np.asarray(uniques, dtype=object)]
        self.codes.append(np.asarray(known, dtype=np.int32)[local])

    def result(self) -> pd.Categorical:
        """The whole column; its parts are let go."""
        codes = np.concatenate(self.codes) if self.codes else np.empty(0, dtype=np.int32)
        values, self.codes, self.index = list(self.index), [], {}
        return pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype="str"))


class _Column:
    """One column being assembled from batches: Python lists are extended in place (no
    second copy), typed arrays (:func:`_array`) are concatenated at the end."""

    __slots__ = ("values", "arrays")

    def __init__(self) -> None:
        self.values: list = []
        self.arrays: list = []

    def add(self, part) -> None:
        if not len(part):
            return
        if isinstance(part, list) and not self.arrays:
            self.values.extend(part)
            return
        if self.values:  # keep the order: what was gathered so far becomes an array
            self.arrays.append(_array(self.values))
            self.values = []
        self.arrays.append(_array(part) if isinstance(part, list) else part)

    def result(self):
        """The whole column; its parts are let go (a table's columns are joined one at a
        time, so at most one column exists twice)."""
        if not self.arrays:
            return self.values
        arrays, self.arrays = self.arrays, []
        if isinstance(arrays[0], np.ndarray):
            return np.concatenate(arrays)
        return type(arrays[0])._concat_same_type(arrays)


def assemble_batches(
    docs: Iterable[Document],
    batches: Iterable[BatchTables],
    lexicon: Lexicon,
    *,
    sink: Callable[[str, Sequence[str], str], None] | None = None,
    term_moments: TermMoments | None = None,
) -> Results:
    """Build the corpus tables from documents and the :class:`BatchTables` of their batches.

    The workers' CSV rows of each batch go to ``sink(table, columns, rows)`` as the batch
    comes (e.g. :meth:`analysis.write.tables.TableWriter.stream`; ``Results.streamed`` then names
    the tables whose rows all went there) or, without a sink, are kept in
    ``Results.rendered`` when every batch has them. ``term_moments`` sums each batch's terms
    per origin (``Results.term_moments``); a batch whose rows went to the sink then keeps no
    terms rows.
    """
    parts = {
        name: {
            c: _CodedColumn() if c in CODED_COLUMNS.get(name, ()) else _Column()
            for c in TABLE_COLUMNS[name]
        }
        for name in DOC_TABLES
    }
    # the reuse columns need the whole corpus: "no cluster" here, filled by corpus_tables
    doc_columns = [c for c in TABLE_COLUMNS["documents"] if c not in REUSE_DEFAULTS]
    D = {c: [] for c in doc_columns}
    rendered: dict[str, list[str]] | None = {name: [] for name in DOC_TABLES}
    doc_ids: list[str] = []
    once: dict[str, str] = {}  # see _document_row
    terms_left = False  # some batch's terms rows are in the sink only
    docs = iter(docs)
    for b in batches:
        batch_docs = [next(docs, None) for _ in b.stats]
        if batch_docs and batch_docs[-1] is None:
            raise ValueError("assemble_batches: more results than documents")
        summed = term_moments is not None
        if summed:
            T = b.columns["terms"]
            ids, origins = [d.doc_id for d in batch_docs], [d.origin for d in batch_docs]
            term_moments.add(ids, origins, T["doc_id"], T["term"], T["count"])
        for name, columns in b.columns.items():
            if name == "terms" and summed and sink is not None and b.csv is not None:
                terms_left = True  # its rows went to the sink, its sums to term_moments
                continue
            for c, values in columns.items():
                parts[name][c].add(values)
        if b.csv is None:
            rendered = None
        elif rendered is not None:
            for name in DOC_TABLES:
                if sink is None:
                    rendered[name].append(b.csv[name])
                else:
                    sink(name, TABLE_COLUMNS[name], b.csv[name])
        for d, stat in zip(batch_docs, b.stats, strict=True):
            doc_ids.append(d.doc_id)
            for c, v in zip(doc_columns, _document_row(d, stat, once), strict=True):
                D[c].append(v)
    if next(docs, None) is not None:
        raise ValueError("assemble_batches: more documents than results")
    for c, v in REUSE_DEFAULTS.items():
        D[c] = [v] * len(doc_ids)
    tables = {"documents": pd.DataFrame(D, columns=list(TABLE_COLUMNS["documents"]))}
    for name in DOC_TABLES:
        columns = {c: col.result() for c, col in parts.pop(name).items()}
        # not copied again: a million headlines' terms are 25 million rows
        tables[name] = pd.DataFrame(columns, columns=list(TABLE_COLUMNS[name]), copy=False)
    in_order = all(a < b for a, b in pairwise(doc_ids))
    # the batches' rows are the table only when the documents come sorted by doc_id and the
    # batches counted every match (made with the lexicon's pairs)
    counted = int(np.sum(tables["markers"]["count"])) == len(tables["matches"])
    if not (in_order and counted):
        tables["markers"] = sparse_markers(mk.marker_counts(tables["matches"], doc_ids, lexicon))
        if rendered is not None:
            rendered.pop("markers")
    complete = rendered is not None and bool(doc_ids)
    if terms_left and not complete:
        raise ValueError("assemble_batches: some batches' terms rows are neither kept nor streamed")
    return Results(
        **{name: tables[name] for name in TABLE_COLUMNS},
        marker_pairs=tuple(mk.marker_pairs(lexicon)),
        rendered=rendered if complete and sink is None else {},
        streamed=frozenset(rendered) if complete and sink is not None else frozenset(),
        term_moments=term_moments,
    )


def _document_row(d: Document, stat: tuple, once: dict[str, str]) -> tuple:
    """The ``documents`` row of ``d`` with its batch ``stat`` (without the reuse columns).

    A table corpus makes each document anew, with strings of its own: the values that repeat
    (file, outlet, origin, date, …) are taken from ``once``, so each is held once (a million
    documents: about 0.4 GB of copies otherwise).
    """
    o = once.setdefault
    meta = (d.doc_id, o(d.file, d.file), o(d.outlet, d.outlet), o(d.origin, d.origin))
    meta += (o(d.affiliation, d.affiliation), d.title, o(d.date, d.date))
    tail = (o(d.duplicate_of, d.duplicate_of), d.sha256, o(d.date_precision, d.date_precision))
    tail += (o(d.country, d.country), o(d.outlet_source, d.outlet_source))
    return (*meta, *stat[:5], *tail, *stat[5:])


def assemble(docs: Iterable[Document], results: Iterable[DocResult], lexicon: Lexicon) -> Results:
    """Build the corpus tables from documents and their per-document results."""
    docs = list(docs)
    batch = batch_tables([d.doc_id for d in docs], results, pairs=mk.marker_pairs(lexicon))
    return assemble_batches(docs, [batch], lexicon)


def _extend(table: dict[str, list], doc_id: str, rows: list[tuple], columns: Sequence[str]) -> None:
    """Append ``rows`` (tuples of ``columns``) of one document to a column-wise table."""
    if not rows:
        return
    table["doc_id"].extend([doc_id] * len(rows))
    for c, values in zip(columns, zip(*rows, strict=True), strict=True):
        table[c].extend(values)
