"""Corpus → per-document pass → tidy tables.

The per-document pass is one NLP pass, then terms, sentences with VADER scores,
framing-marker matches with their masked tone, and actor mentions, all from that single pass
(:func:`process_parsed`). :func:`process_batch` runs it on a batch of ``(doc_id, text)`` pairs
— a picklable top-level function, the unit that other engines ship to workers — optionally
through the content-hash cache of :mod:`analysis.run.cache`. :func:`run_batches` streams batches
through ``jobs`` worker processes (results in document order, bounded in-flight batches) and
:func:`assemble` turns documents + results into the corpus tables, independently of how the
results were produced: outputs are byte-identical whatever ``jobs`` and the cache.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import sys
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.config import DEFAULT_ORIGINS, process_context, resolve_jobs
from analysis.document import markers as mk
from analysis.document import tone as st
from analysis.document.lexicon import Lexicon, load_lexicon
from analysis.document.nlp import Parsed, TermMode, parse, parse_many, term_counts
from analysis.read.corpus import Document, read_corpus
from analysis.run.cache import CacheStats, DocCache, text_key

__all__ = [
    "BATCH_CHARS",
    "BATCH_DOCS",
    "TABLE_COLUMNS",
    "DocResult",
    "Results",
    "analyze",
    "BatchTables",
    "DOC_TABLES",
    "KEEP_WHEN_STREAMED",
    "assemble",
    "assemble_batches",
    "batch_tables",
    "corpus_tables",
    "gc_paused",
    "process",
    "process_batch",
    "prepare",
    "process_parsed",
    "resolve_jobs",
    "run_batches",
    "run_tables",
]

#: Columns of every table :func:`analyze` produces (also the CSV headers).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "doc_id",
        "file",
        "outlet",
        "origin",
        "affiliation",
        "title",
        "date",
        "n_tokens",
        "n_sentences",
        "sentiment",
        "share_positive",
        "share_negative",
        "duplicate_of",
        "sha256",
    ),
    "terms": ("doc_id", "term", "count"),
    "sentences": ("doc_id", "sent_id", "start", "end", "text", "compound", "pos", "neu", "neg"),
    "matches": ("doc_id", "sent_id", "frame", "marker", "start", "end", "text"),
    "markers": ("doc_id", "frame", "marker", "count"),
    "marker_sentiment": ("doc_id", "sent_id", "frame", "marker", "compound", "compound_masked"),
    "actor_sentiment": ("doc_id", "sent_id", "actor", "compound"),
}


@dataclass(slots=True)
class DocResult:
    """Everything the per-document pass produces for one document (plain data).

    ``sentences`` rows are ``(start, end, text, compound, pos, neu, neg)``; ``matches`` and
    ``actors`` rows are ``(sent_id, group, marker, start, end, text)``; ``masked`` holds the
    masked compound of each frame match, in the order of ``matches``.
    """

    n_tokens: int
    terms: list[tuple[str, int]]
    sentences: list[tuple[int, int, str, float, float, float, float]]
    matches: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)
    masked: list[float] = field(default_factory=list)
    actors: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)


def _terms(
    parsed: Parsed, *, terms: TermMode = "lemma", case_sensitive: Collection[str] = ()
) -> list[tuple[str, int]]:
    return term_counts(parsed, terms=terms, case_sensitive=case_sensitive)


def _sentences(parsed: Parsed) -> list[tuple[int, int, str, float, float, float, float]]:
    """Each sentence with its VADER scores (as :func:`analysis.document.tone.score` gives them)."""
    text = parsed.text
    polarity = st.get_analyzer().polarity_scores
    out = []
    for s, e in parsed.sentences:
        sent = text[s:e]
        v = polarity(sent)
        out.append((s, e, sent, v["compound"], v["pos"], v["neu"], v["neg"]))
    return out


def _lexicon_part(
    parsed: Parsed, compiled: mk.CompiledLexicon
) -> tuple[list[tuple], list[float], list[tuple]]:
    """Frame matches, their masked compounds and actor matches (the lexicon-dependent part)."""
    text = parsed.text
    frame_matches = mk.match_frames(parsed, compiled)
    masked = []
    done: dict[tuple[int, str, str], float] = {}
    for m in frame_matches:
        # Every occurrence of one marker in one sentence is masked together, so the masked
        # compound is the same for all of them: score the sentence once.
        k = (m.sent_id, m.group, m.marker)
        if k not in done:
            s, e = parsed.sentences[m.sent_id]
            spans = [
                (o.start - s, o.end - s)
                for o in frame_matches
                if o.sent_id == m.sent_id and o.marker == m.marker and o.group == m.group
            ]
            done[k] = st.score_masked(text[s:e], spans)
        masked.append(done[k])
    return (
        [(m.sent_id, m.group, m.marker, m.start, m.end, m.text) for m in frame_matches],
        masked,
        [
            (m.sent_id, m.group, m.marker, m.start, m.end, m.text)
            for m in mk.match_actors(parsed, compiled)
        ],
    )


def process_parsed(parsed: Parsed, compiled: mk.CompiledLexicon) -> DocResult:
    """The per-document work that follows the NLP pass."""
    matches, masked, actors = _lexicon_part(parsed, compiled)
    return DocResult(
        n_tokens=parsed.n_tokens,
        terms=_terms(parsed),
        sentences=_sentences(parsed),
        matches=matches,
        masked=masked,
        actors=actors,
    )


def process(texts: Iterable[str], compiled: mk.CompiledLexicon) -> Iterator[DocResult]:
    """Run the whole per-document pass on cleaned texts, streaming, in order (no cache)."""
    for parsed in parse_many(texts):
        yield process_parsed(parsed, compiled)


# --------------------------------------------------------------------------- batches


def _compiled(lexicon: Lexicon | mk.CompiledLexicon) -> mk.CompiledLexicon:
    """The compiled lexicon, compiled once per process and lexicon fingerprint."""
    if isinstance(lexicon, mk.CompiledLexicon):
        return lexicon
    key = lexicon.fingerprint
    got = _COMPILED.get(key)
    if got is None:
        if len(_COMPILED) >= 8:
            _COMPILED.clear()
        got = _COMPILED[key] = mk.compile_lexicon(lexicon)
    return got


_COMPILED: dict[str, mk.CompiledLexicon] = {}


def _from_cache(nlp: dict, lex: dict) -> DocResult:
    return DocResult(
        n_tokens=nlp["n_tokens"],
        terms=[(t, c) for t, c in nlp["terms"]],
        sentences=[tuple(x) for x in nlp["sentences"]],
        matches=[tuple(x) for x in lex["matches"]],
        masked=list(lex["masked"]),
        actors=[tuple(x) for x in lex["actors"]],
    )


def _run_batch(
    texts: Sequence[str],
    lexicon: Lexicon | mk.CompiledLexicon,
    cache: DocCache | None,
) -> list[DocResult]:
    compiled = _compiled(lexicon)
    if cache is None:
        return list(process(texts, compiled))
    keys = [text_key(t) for t in texts]
    nlp_parts: list[dict | None] = [cache.get_nlp(k) for k in keys]
    lex_parts: list[dict | None] = [cache.get_lex(k) for k in keys]
    todo = [i for i, part in enumerate(nlp_parts) if part is None]
    parsed_of: dict[int, Parsed] = {}
    for i, parsed in zip(todo, parse_many(texts[i] for i in todo), strict=True):
        part = {
            "n_tokens": parsed.n_tokens,
            "terms": _terms(parsed),
            "sentences": _sentences(parsed),
        }
        cache.put_nlp(keys[i], part, parsed)
        nlp_parts[i] = part
        parsed_of[i] = parsed
    for i, lex in enumerate(lex_parts):
        if lex is not None:
            continue
        parsed = parsed_of.get(i) or cache.get_parsed(keys[i])
        if parsed is None:  # the token record is unusable: rebuild the whole entry
            parsed = parse(texts[i])
            cache.put_nlp(keys[i], nlp_parts[i], parsed)
        matches, masked, actors = _lexicon_part(parsed, compiled)
        lex_parts[i] = {"matches": matches, "masked": masked, "actors": actors}
        cache.put_lex(keys[i], lex_parts[i])
    return [_from_cache(n, x) for n, x in zip(nlp_parts, lex_parts, strict=True)]


def process_batch(
    items: Sequence[tuple[str, str]],
    lexicon: Lexicon | mk.CompiledLexicon,
    *,
    cache_dir: str | Path | None = None,
) -> list[DocResult]:
    """Run the per-document pass on one batch of documents (picklable, for any engine).

    The unit of work of :func:`analyze` and of other engines: a top-level function of plain
    data, so it can be shipped to a worker process or a cluster. The lexicon is compiled once
    per process (by fingerprint) and spaCy/VADER are loaded once per process.

    Args:
        items: ``(doc_id, cleaned text)`` pairs (``doc_id`` is only carried for the caller).
        lexicon: The lexicon (or an already compiled one).
        cache_dir: Per-document cache directory (:mod:`analysis.run.cache`); ``None``: no cache.

    Returns:
        One :class:`DocResult` per item, in order; identical with or without the cache.
    """
    texts = [t for _, t in items]
    cache = None
    if cache_dir is not None:
        lex = lexicon.lexicon if isinstance(lexicon, mk.CompiledLexicon) else lexicon
        cache = DocCache(cache_dir, lexicon_fingerprint=lex.fingerprint)
    return _run_batch(texts, lexicon, cache)


# Worker-process state of the local pool (set by _init_worker).
_WORKER: dict = {}


def _init_worker(compiled: mk.CompiledLexicon, cache_dir: str | None) -> None:
    _WORKER["compiled"] = compiled
    _WORKER["pairs"] = mk.marker_pairs(compiled)
    _WORKER["cache_dir"] = cache_dir
    # The loaded pipeline is long-lived: keep the cyclic GC from re-scanning it (and undo a
    # paused collector inherited through fork).
    gc.freeze()
    gc.enable()


def _worker_cache() -> DocCache | None:
    cache_dir = _WORKER["cache_dir"]
    if cache_dir is None:
        return None
    return DocCache(cache_dir, lexicon_fingerprint=_WORKER["compiled"].lexicon.fingerprint)


def _worker_batch(texts: list[str]) -> tuple[list[DocResult], CacheStats]:
    cache = _worker_cache()
    with gc_paused():
        results = _run_batch(texts, _WORKER["compiled"], cache)
    return results, (cache.stats if cache is not None else CacheStats())


def _worker_tables(
    batch: list[tuple[str, str]], keep: Collection[str] | None = None
) -> tuple[BatchTables, CacheStats]:
    cache = _worker_cache()
    with gc_paused():
        results = _run_batch([t for _, t in batch], _WORKER["compiled"], cache)
        # the rows are laid out and formatted here, in parallel, not in the main process
        tables = batch_tables(
            [d for d, _ in batch], results, pairs=_WORKER["pairs"], render=True, keep=keep
        )
    return tables, (cache.stats if cache is not None else CacheStats())


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (restored on exit).

    The pass allocates millions of small, acyclic objects (token lists, table rows); with
    the collector on, its repeated full scans of the growing heap cost about a third of a
    warm run. Nothing in the pass creates reference cycles, so reference counting frees
    everything as usual meanwhile.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _batches(texts: Iterable[str]) -> Iterator[list[str]]:
    """Texts (or ``(doc_id, text)`` pairs) grouped into batches (see :data:`BATCH_DOCS`)."""
    batch: list = []
    size = 0
    for t in texts:
        batch.append(t)
        size += len(t) if isinstance(t, str) else len(t[1])
        if len(batch) >= BATCH_DOCS or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


#: A batch (the unit sent to a worker) holds at most this many documents ...
BATCH_DOCS = 32
#: ... or this many characters of text.
BATCH_CHARS = 200_000


def _warm_up(compiled: mk.CompiledLexicon) -> None:
    """Load spaCy, the lemma table and VADER in this process (forked workers inherit them)."""
    parse("Warm up.")
    st.score("Warm up.")


def prepare(lexicon: Lexicon) -> None:
    """Load everything the per-document pass needs in this process: spaCy, the lookup
    tables, VADER and the compiled lexicon (done once; forked workers inherit it).

    :func:`analyze` does it when needed; calling it earlier, e.g. while worker processes
    read the corpus (``read_corpus(..., while_reading=...)``), takes it off the critical path.
    """
    _warm_up(_compiled(lexicon))


def _pool_map(
    local: Callable[[list], object],
    worker: Callable[[list], tuple[object, CacheStats]],
    batches: Iterable[list],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int,
    cache: DocCache | None,
) -> Iterator:
    """``local(batch)`` for each batch in order, or ``worker(batch)`` on ``jobs`` processes.

    At most ``2 * jobs`` batches are in flight, so memory stays bounded whatever the corpus
    size; the workers' cache counters are added to ``cache.stats``.
    """
    if jobs <= 1:
        for batch in batches:
            yield local(batch)
        return
    _warm_up(compiled)
    cache_dir = str(cache.directory) if cache is not None else None
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=process_context(),
        initializer=_init_worker,
        initargs=(compiled, cache_dir),
    ) as pool:
        pending: deque = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(worker, batch))
                if len(pending) >= 2 * jobs:
                    yield _collect(pending.popleft(), cache)
            while pending:
                yield _collect(pending.popleft(), cache)
        except BrokenProcessPool as e:
            raise RuntimeError(
                "a worker process died (out of memory?); re-run with fewer --jobs"
            ) from e
        finally:
            for f in pending:
                f.cancel()


def _collect(future, cache: DocCache | None):
    out, stats = future.result()
    if cache is not None:
        cache.stats.add(stats)
    return out


def run_batches(
    texts: Iterable[str],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int = 1,
    cache: DocCache | None = None,
) -> Iterator[DocResult]:
    """Per-document results of ``texts``, in order, on ``jobs`` processes (streaming).

    Results do not depend on ``jobs`` or on the cache.
    """
    for results in _pool_map(
        lambda b: _run_batch(b, compiled, cache),
        _worker_batch,
        _batches(texts),
        compiled,
        jobs=jobs,
        cache=cache,
    ):
        yield from results


def run_tables(
    docs: Iterable[Document],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int = 1,
    cache: DocCache | None = None,
    keep: Collection[str] | None = None,
) -> Iterator[BatchTables]:
    """:func:`batch_tables` of each batch of ``docs``, in order, on ``jobs`` processes.

    With ``jobs >= 2`` the workers also format the rows as CSV (:attr:`BatchTables.csv`)
    and return the columns of the ``keep`` tables only (all if ``None``).
    """

    pairs = mk.marker_pairs(compiled)

    def local(batch: list[tuple[str, str]]) -> BatchTables:
        return batch_tables(
            [d for d, _ in batch], _run_batch([t for _, t in batch], compiled, cache), pairs=pairs
        )

    yield from _pool_map(
        local,
        partial(_worker_tables, keep=keep),
        _batches((d.doc_id, d.text) for d in docs),
        compiled,
        jobs=jobs,
        cache=cache,
    )


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
    #: CSV rows already formatted by the pool workers, by table name (a list of chunks in
    #: table order, equal to what :func:`analysis.write.outputs.write_csv` writes after the
    #: header); :func:`analysis.write.outputs.write_tables` uses them instead of formatting again.
    rendered: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)
    #: The tables whose every CSV row went to the ``sink`` of :func:`analyze` (formatted
    #: by the pool workers as the batches came back); write the others
    #: (:meth:`analysis.write.outputs.TableWriter.write`).
    streamed: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in TABLE_COLUMNS}


#: The tables whose rows come straight from the per-document pass (documents are built in
#: the main process; ``markers`` needs the lexicon's marker pairs, see :func:`batch_tables`).
DOC_TABLES: tuple[str, ...] = (
    "terms",
    "sentences",
    "matches",
    "markers",
    "marker_sentiment",
    "actor_sentiment",
)


#: The tables :func:`corpus_tables` reads (and ``matches``, from which ``markers`` is
#: recounted when the batches' rows cannot be used): with a ``sink``, the only per-document
#: tables :func:`analyze` keeps in memory when the pool workers stream the others' rows.
KEEP_WHEN_STREAMED: tuple[str, ...] = ("terms", "matches", "markers")


@dataclass(slots=True)
class BatchTables:
    """A batch of documents' rows of the :data:`DOC_TABLES`, column-wise (plain data).

    ``stats`` holds, per document, ``(n_tokens, n_sentences, sentiment, share_positive,
    share_negative)``; ``csv`` (when formatted by a pool worker) the same rows of each table
    as :func:`analysis.write.outputs.write_csv` writes them after the header.
    """

    stats: list[tuple[int, int, float, float, float]]
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
    per pair, as :func:`analysis.document.markers.marker_counts` counts them (no pairs: no rows).
    With ``render``, ``keep`` (if given) names the tables whose columns are also returned;
    the others have only their CSV rows.
    """
    cols = {name: {c: [] for c in TABLE_COLUMNS[name]} for name in DOC_TABLES}
    stats = []
    T, S, M = cols["terms"], cols["sentences"], cols["matches"]
    MS, A, K = cols["marker_sentiment"], cols["actor_sentiment"], cols["markers"]
    frames, names = [f for f, _ in pairs], [m for _, m in pairs]
    for doc_id, r in zip(doc_ids, results, strict=True):
        compounds = [s[3] for s in r.sentences]
        n = len(compounds)
        stats.append(
            (
                r.n_tokens,
                n,
                sum(compounds) / n if n else float("nan"),
                sum(c >= 0.05 for c in compounds) / n if n else float("nan"),
                sum(c <= -0.05 for c in compounds) / n if n else float("nan"),
            )
        )
        _extend(T, doc_id, r.terms, ("term", "count"))
        if n:
            S["doc_id"].extend([doc_id] * n)
            S["sent_id"].extend(range(n))
            for c, values in zip(
                TABLE_COLUMNS["sentences"][2:], zip(*r.sentences, strict=True), strict=True
            ):
                S[c].extend(values)
        _extend(M, doc_id, r.matches, TABLE_COLUMNS["matches"][1:])
        if pairs:
            found = Counter((m[1], m[2]) for m in r.matches)
            counts = [found.get(p, 0) for p in pairs]
            if sum(counts) != len(r.matches):
                raise ValueError(f"batch_tables: a match of {doc_id!r} is not in the lexicon")
            K["doc_id"].extend([doc_id] * len(pairs))
            K["frame"].extend(frames)
            K["marker"].extend(names)
            K["count"].extend(counts)
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
            A,
            doc_id,
            [(sid, a, compounds[sid]) for sid, a in seen],
            ("sent_id", "actor", "compound"),
        )
    rendered = None
    if render:
        rendered = {}
        for name, columns in cols.items():
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(zip(*columns.values(), strict=True))
            rendered[name] = buf.getvalue()
        # typed arrays cross process boundaries as buffers (cheap to unpickle)
        cols = {
            name: {c: _array(v) if keep is None or name in keep else [] for c, v in columns.items()}
            for name, columns in cols.items()
        }
    return BatchTables(stats, cols, rendered)


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
        if not self.arrays:
            return self.values
        if isinstance(self.arrays[0], np.ndarray):
            return np.concatenate(self.arrays)
        return type(self.arrays[0])._concat_same_type(self.arrays)


def assemble_batches(
    docs: Iterable[Document],
    batches: Iterable[BatchTables],
    lexicon: Lexicon,
    *,
    sink: Callable[[str, Sequence[str], str], None] | None = None,
) -> Results:
    """Build the corpus tables from documents and the :class:`BatchTables` of their batches.

    The workers' CSV rows of each batch go to ``sink(table, columns, rows)`` as the batch
    comes (e.g. :meth:`analysis.write.outputs.TableWriter.stream`; ``Results.streamed`` then names
    the tables whose rows all went there) or, without a sink, are kept in
    ``Results.rendered`` when every batch has them.
    """
    parts = {name: {c: _Column() for c in TABLE_COLUMNS[name]} for name in DOC_TABLES}
    D = {c: [] for c in TABLE_COLUMNS["documents"]}
    rendered: dict[str, list[str]] | None = {name: [] for name in DOC_TABLES}
    doc_ids: list[str] = []
    docs = iter(docs)
    for b in batches:
        for name, columns in b.columns.items():
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
        for stat in b.stats:
            d = next(docs, None)
            if d is None:
                raise ValueError("assemble_batches: more results than documents")
            doc_ids.append(d.doc_id)
            meta = (d.doc_id, d.file, d.outlet, d.origin, d.affiliation, d.title, d.date)
            tail = (d.duplicate_of, d.sha256)
            for c, v in zip(TABLE_COLUMNS["documents"], (*meta, *stat, *tail), strict=True):
                D[c].append(v)
    if next(docs, None) is not None:
        raise ValueError("assemble_batches: more documents than results")
    tables = {"documents": pd.DataFrame(D, columns=list(TABLE_COLUMNS["documents"]))}
    for name in DOC_TABLES:
        columns = {c: col.result() for c, col in parts[name].items()}
        tables[name] = pd.DataFrame(columns, columns=list(TABLE_COLUMNS[name]))
    pairs = mk.marker_pairs(lexicon)
    in_order = all(a < b for a, b in pairwise(doc_ids))
    if not (in_order and len(tables["markers"]) == len(doc_ids) * len(pairs)):
        # the batches' rows are the table only when the documents come sorted by doc_id
        tables["markers"] = mk.marker_counts(tables["matches"], doc_ids, lexicon)
        if rendered is not None:
            rendered.pop("markers")
    complete = rendered is not None and bool(doc_ids)
    return Results(
        **{name: tables[name] for name in TABLE_COLUMNS},
        rendered=rendered if complete and sink is None else {},
        streamed=frozenset(rendered) if complete and sink is not None else frozenset(),
    )


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


def analyze(
    corpus: str | Path | Sequence[Document],
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    progress: bool | None = None,
    jobs: int | None = 1,
    cache: str | Path | DocCache | None = None,
    sink: Callable[[str, Sequence[str], str], None] | None = None,
) -> Results:
    """Analyse a corpus: read and clean it, run the per-document pass, build the tables.

    Documents stream through the per-document pass in batches (no spaCy ``Doc`` is kept);
    the tables are identical, byte for byte once written, whatever ``jobs`` and ``cache``.

    Args:
        corpus: A corpus directory or table file, or already loaded documents.
        lexicon: A lexicon TOML file or :class:`~analysis.document.lexicon.Lexicon`; default: the
            lexicon shipped with the package.
        origins: Allowed origins.
        outlets: Optional TOML file extending the outlet registry.
        progress: Show a progress bar on stderr; default: only when stderr is a terminal.
        jobs: Worker processes; ``None`` or ``0``: one per CPU core. A corpus of a single
            batch (:data:`BATCH_DOCS` documents) always runs in this process.
        cache: Per-document cache directory, or a :class:`~analysis.run.cache.DocCache` (whose
            ``stats`` then count this run's hits and misses); ``None``: no cache. The
            command line uses :func:`analysis.run.cache.default_cache_dir` unless ``--no-cache``.
        sink: Receives the CSV rows the pool workers formatted, batch by batch (see
            :func:`assemble_batches`); the command line streams them into the output files.
            When the workers do (``Results.streamed``), only the tables in
            :data:`KEEP_WHEN_STREAMED` are also kept in ``Results``; the other streamed
            tables are empty there (their rows went to the sink).

    Returns:
        The :class:`Results` tables.
    """
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    if isinstance(corpus, str | Path):
        docs = read_corpus(
            corpus,
            origins=origins,
            outlets=outlets,
            jobs=resolve_jobs(jobs),
            while_reading=lambda: prepare(lex),
        )
    else:
        docs = corpus if isinstance(corpus, Sequence) else list(corpus)
    compiled = _compiled(lex)
    if cache is not None and not isinstance(cache, DocCache):
        cache = DocCache(cache, lexicon_fingerprint=lex.fingerprint)
    elif cache is not None and cache.lexicon_fingerprint != lex.fingerprint:
        raise ValueError(
            f"cache {cache!r} belongs to another lexicon than {lex.source}; "
            "use DocCache(directory, lexicon_fingerprint=lexicon.fingerprint)"
        )
    n_jobs = resolve_jobs(jobs)
    if len(docs) <= BATCH_DOCS:
        n_jobs = 1
    disable = not sys.stderr.isatty() if progress is None else not progress
    with tqdm(
        total=len(docs), desc="documents", unit="doc", disable=disable, file=sys.stderr
    ) as bar:

        def counted(batches: Iterable[BatchTables]) -> Iterator[BatchTables]:
            for b in batches:
                bar.update(len(b.stats))
                yield b

        with gc_paused():
            # streamed rows of tables nothing else reads need not come back as columns
            keep = None if sink is None else KEEP_WHEN_STREAMED
            batches = run_tables(docs, compiled, jobs=n_jobs, cache=cache, keep=keep)
            return assemble_batches(docs, counted(batches), lex, sink=sink)


# --------------------------------------------------------------------------- corpus tables


def corpus_tables(
    results: Results,
    *,
    period: str = "year",
    min_count: int = 0,
    stop_words: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every output table: the per-document tables, ``keyness`` and ``frame_rates``.

    ``keyness`` compares origins one-vs-rest and pairwise
    (:func:`analysis.stats.compare.keyness`); ``frame_rates`` are by origin × ``period``
    (:func:`analysis.stats.compare.frame_rates`).
    """
    from analysis.stats import compare

    tables = results.tables()
    tables["keyness"] = compare.keyness(
        results.terms,
        results.documents,
        by="origin",
        min_count=min_count,
        stop_words=stop_words,
    )
    tables["frame_rates"] = compare.frame_rates(results.markers, results.documents, period=period)
    return tables
