"""Corpus → per-document pass → tidy tables.

The per-document pass is one NLP pass, then terms, sentences with VADER scores,
framing-marker matches with their masked tone, and actor mentions, all from that single pass
(:func:`process_parsed`). :func:`process_batch` runs it on a batch of ``(doc_id, text)`` pairs
— a picklable top-level function, the unit that other engines ship to workers — optionally
through the content-hash cache of :mod:`analysis.cache`. :func:`run_batches` streams batches
through ``jobs`` worker processes (results in document order, bounded in-flight batches) and
:func:`assemble` turns documents + results into the corpus tables, independently of how the
results were produced: outputs are byte-identical whatever ``jobs`` and the cache.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import multiprocessing as mp
import os
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis import markers as mk
from analysis import sentiment as st
from analysis.cache import CacheStats, DocCache, text_key
from analysis.config import DEFAULT_ORIGINS
from analysis.corpus import Document, read_corpus
from analysis.lexicon import Lexicon, load_lexicon
from analysis.nlp import Parsed, parse, parse_many

__all__ = [
    "BATCH_CHARS",
    "BATCH_DOCS",
    "TABLE_COLUMNS",
    "DocResult",
    "Results",
    "analyze",
    "assemble",
    "corpus_tables",
    "gc_paused",
    "process",
    "process_batch",
    "process_parsed",
    "resolve_jobs",
    "run_batches",
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
    #: The document's rows of ``terms.csv`` as written (set by pool workers, see
    #: :func:`render_terms`), so the main process does not format them again.
    terms_csv: str | None = None


def _terms(parsed: Parsed) -> list[tuple[str, int]]:
    counts = Counter(lem for lem, num in zip(parsed.lemma, parsed.is_num, strict=True) if not num)
    return sorted(counts.items())


def _sentences(parsed: Parsed) -> list[tuple[int, int, str, float, float, float, float]]:
    text = parsed.text
    return [(s, e, text[s:e], *st.score(text[s:e])) for s, e in parsed.sentences]


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
        cache_dir: Per-document cache directory (:mod:`analysis.cache`); ``None``: no cache.

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
    _WORKER["cache_dir"] = cache_dir
    # The loaded pipeline is long-lived: keep the cyclic GC from re-scanning it (and undo a
    # paused collector inherited through fork).
    gc.freeze()
    gc.enable()


def render_terms(doc_id: str, terms: Sequence[tuple[str, int]]) -> str:
    """A document's rows of ``terms.csv``, exactly as :func:`analysis.outputs.write_csv`
    writes them (``csv`` module, minimal quoting, ``\\n`` line ends)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows((doc_id, t, c) for t, c in terms)
    return buf.getvalue()


def _worker_batch(batch: list[tuple[str, str]]) -> tuple[list[DocResult], CacheStats]:
    texts = [t for _, t in batch]
    compiled = _WORKER["compiled"]
    cache_dir = _WORKER["cache_dir"]
    cache = None
    if cache_dir is not None:
        cache = DocCache(cache_dir, lexicon_fingerprint=compiled.lexicon.fingerprint)
    with gc_paused():
        results = _run_batch(texts, compiled, cache)
        # formatted here, in parallel, instead of serially when the tables are written
        for (doc_id, _), r in zip(batch, results, strict=True):
            if doc_id is not None:
                r.terms_csv = render_terms(doc_id, r.terms)
    return results, (cache.stats if cache is not None else CacheStats())


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


def resolve_jobs(jobs: int | None) -> int:
    """Worker processes to use: ``None`` or ``0`` means one per available CPU core.

    Raises:
        ValueError: ``jobs`` is negative or not an integer.
    """
    if jobs is None or jobs == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"jobs must be a positive integer (or 0 for all cores), got {jobs!r}")
    return jobs


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


def _pool_context() -> mp.context.BaseContext:
    # fork: workers start in milliseconds and share the already loaded pipeline pages.
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else methods[0])


def run_batches(
    texts: Iterable[str],
    compiled: mk.CompiledLexicon,
    *,
    jobs: int = 1,
    cache: DocCache | None = None,
    doc_ids: Iterable[str] | None = None,
) -> Iterator[DocResult]:
    """Per-document results of ``texts``, in order, on ``jobs`` processes (streaming).

    At most ``2 * jobs`` batches are in flight, so memory stays bounded whatever the corpus
    size. Results do not depend on ``jobs`` or on the cache, except that with ``jobs >= 2``
    each result also carries its ``terms.csv`` rows (:attr:`DocResult.terms_csv`, for the
    ids in ``doc_ids``; without ids the rows are left to the writer).
    """
    if jobs <= 1:
        for batch in _batches(texts):
            yield from _run_batch(batch, compiled, cache)
        return
    pairs = ((None, t) for t in texts) if doc_ids is None else zip(doc_ids, texts, strict=True)
    batches = _batches(pairs)
    _warm_up(compiled)
    cache_dir = str(cache.directory) if cache is not None else None
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=_pool_context(),
        initializer=_init_worker,
        initargs=(compiled, cache_dir),
    ) as pool:
        pending: deque = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(_worker_batch, batch))
                if len(pending) >= 2 * jobs:
                    yield from _collect(pending.popleft(), cache)
            while pending:
                yield from _collect(pending.popleft(), cache)
        except BrokenProcessPool as e:
            raise RuntimeError(
                "a worker process died (out of memory?); re-run with fewer --jobs"
            ) from e
        finally:
            for f in pending:
                f.cancel()


def _collect(future, cache: DocCache | None) -> list[DocResult]:
    results, stats = future.result()
    if cache is not None:
        cache.stats.add(stats)
    return results


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
    #: table order, equal to what :func:`analysis.outputs.write_csv` writes after the
    #: header); :func:`analysis.outputs.write_tables` uses them instead of formatting again.
    rendered: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in TABLE_COLUMNS}


def assemble(docs: Iterable[Document], results: Iterable[DocResult], lexicon: Lexicon) -> Results:
    """Build the corpus tables from documents and their per-document results (streaming).

    Columns are filled directly (one list per column, extended per document), so the cost
    per row is a few C-level list operations.
    """
    cols: dict[str, dict[str, list]] = {
        name: {c: [] for c in columns} for name, columns in TABLE_COLUMNS.items()
    }
    doc_ids = []
    terms_csv: list[str] | None = []
    D, T, S = cols["documents"], cols["terms"], cols["sentences"]
    M, MS, A = cols["matches"], cols["marker_sentiment"], cols["actor_sentiment"]
    for d, r in zip(docs, results, strict=True):
        doc_ids.append(d.doc_id)
        if terms_csv is not None:
            if r.terms_csv is None:
                terms_csv = None  # rows not formatted by the workers: the writer formats
            else:
                terms_csv.append(r.terms_csv)
        compounds = [s[3] for s in r.sentences]
        n = len(compounds)
        for c, v in zip(
            TABLE_COLUMNS["documents"],
            (
                d.doc_id,
                d.file,
                d.outlet,
                d.origin,
                d.affiliation,
                d.title,
                d.date,
                r.n_tokens,
                n,
                sum(compounds) / n if n else float("nan"),
                sum(c >= 0.05 for c in compounds) / n if n else float("nan"),
                sum(c <= -0.05 for c in compounds) / n if n else float("nan"),
                d.duplicate_of,
                d.sha256,
            ),
            strict=True,
        ):
            D[c].append(v)
        _extend(T, d.doc_id, r.terms, ("term", "count"))
        if n:
            S["doc_id"].extend([d.doc_id] * n)
            S["sent_id"].extend(range(n))
            for c, values in zip(
                TABLE_COLUMNS["sentences"][2:], zip(*r.sentences, strict=True), strict=True
            ):
                S[c].extend(values)
        _extend(M, d.doc_id, r.matches, TABLE_COLUMNS["matches"][1:])
        if r.matches:
            sids = [m[0] for m in r.matches]
            MS["doc_id"].extend([d.doc_id] * len(sids))
            MS["sent_id"].extend(sids)
            MS["frame"].extend(m[1] for m in r.matches)
            MS["marker"].extend(m[2] for m in r.matches)
            MS["compound"].extend(compounds[i] for i in sids)
            MS["compound_masked"].extend(r.masked)
        seen = sorted({(a[0], a[1]) for a in r.actors})
        _extend(
            A,
            d.doc_id,
            [(sid, a, compounds[sid]) for sid, a in seen],
            ("sent_id", "actor", "compound"),
        )
    tables = {
        name: pd.DataFrame(cols[name], columns=list(columns))
        for name, columns in TABLE_COLUMNS.items()
        if name != "markers"
    }
    tables["markers"] = mk.marker_counts(tables["matches"], doc_ids, lexicon)
    rendered = {"terms": terms_csv} if terms_csv else {}
    return Results(**tables, rendered=rendered)


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
) -> Results:
    """Analyse a corpus: read and clean it, run the per-document pass, build the tables.

    Documents stream through the per-document pass in batches (no spaCy ``Doc`` is kept);
    the tables are identical, byte for byte once written, whatever ``jobs`` and ``cache``.

    Args:
        corpus: A corpus directory or table file, or already loaded documents.
        lexicon: A lexicon TOML file or :class:`~analysis.lexicon.Lexicon`; default: the
            lexicon shipped with the package.
        origins: Allowed origins.
        outlets: Optional TOML file extending the outlet registry.
        progress: Show a progress bar on stderr; default: only when stderr is a terminal.
        jobs: Worker processes; ``None`` or ``0``: one per CPU core. A corpus of a single
            batch (:data:`BATCH_DOCS` documents) always runs in this process.
        cache: Per-document cache directory, or a :class:`~analysis.cache.DocCache` (whose
            ``stats`` then count this run's hits and misses); ``None``: no cache. The
            command line uses :func:`analysis.cache.default_cache_dir` unless ``--no-cache``.

    Returns:
        The :class:`Results` tables.
    """
    if isinstance(corpus, str | Path):
        docs = read_corpus(corpus, origins=origins, outlets=outlets)
    else:
        docs = corpus if isinstance(corpus, Sequence) else list(corpus)
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
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
    results = tqdm(
        run_batches(
            (d.text for d in docs),
            compiled,
            jobs=n_jobs,
            cache=cache,
            doc_ids=(d.doc_id for d in docs),
        ),
        total=len(docs),
        desc="documents",
        unit="doc",
        disable=disable,
        file=sys.stderr,
    )
    with gc_paused():
        return assemble(docs, results, lex)


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
    (:func:`analysis.compare.keyness`); ``frame_rates`` are by origin × ``period``
    (:func:`analysis.compare.frame_rates`).
    """
    from analysis import compare

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
