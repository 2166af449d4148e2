"""Corpus → per-document pass → tidy tables.

:func:`process` is the per-document unit of work (the unit that is cached and run in
parallel): one NLP pass, then terms, sentences with VADER scores, framing-marker matches with
their masked tone, and actor mentions, all from that single pass. :func:`analyze` streams
documents through it and assembles the corpus-level tables.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis import markers as mk
from analysis import sentiment as st
from analysis.config import DEFAULT_ORIGINS
from analysis.corpus import Document, read_corpus
from analysis.lexicon import Lexicon, load_lexicon
from analysis.nlp import Parsed, parse_many

__all__ = [
    "TABLE_COLUMNS",
    "DocResult",
    "Results",
    "analyze",
    "assemble",
    "process",
    "process_parsed",
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


def _terms(parsed: Parsed) -> list[tuple[str, int]]:
    counts = Counter(lem for lem, num in zip(parsed.lemma, parsed.is_num, strict=True) if not num)
    return sorted(counts.items())


def process_parsed(parsed: Parsed, compiled: mk.CompiledLexicon) -> DocResult:
    """The per-document work that follows the NLP pass."""
    text = parsed.text
    sentences = []
    for s, e in parsed.sentences:
        sentences.append((s, e, text[s:e], *st.score(text[s:e])))
    frame_matches = mk.match_frames(parsed, compiled)
    masked = []
    for m in frame_matches:
        s, e = parsed.sentences[m.sent_id]
        spans = [
            (o.start - s, o.end - s)
            for o in frame_matches
            if o.sent_id == m.sent_id and o.marker == m.marker and o.group == m.group
        ]
        masked.append(st.score_masked(text[s:e], spans))
    return DocResult(
        n_tokens=parsed.n_tokens,
        terms=_terms(parsed),
        sentences=sentences,
        matches=[(m.sent_id, m.group, m.marker, m.start, m.end, m.text) for m in frame_matches],
        masked=masked,
        actors=[
            (m.sent_id, m.group, m.marker, m.start, m.end, m.text)
            for m in mk.match_actors(parsed, compiled)
        ],
    )


def process(texts: Iterable[str], compiled: mk.CompiledLexicon) -> Iterator[DocResult]:
    """Run the whole per-document pass on cleaned texts, streaming, in order."""
    for parsed in parse_many(texts):
        yield process_parsed(parsed, compiled)


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

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in TABLE_COLUMNS}


def assemble(docs: Iterable[Document], results: Iterable[DocResult], lexicon: Lexicon) -> Results:
    """Build the corpus tables from documents and their per-document results (streaming)."""
    rows: dict[str, list[tuple]] = {name: [] for name in TABLE_COLUMNS}
    doc_ids = []
    for d, r in zip(docs, results, strict=True):
        doc_ids.append(d.doc_id)
        compounds = [s[3] for s in r.sentences]
        n = len(compounds)
        rows["documents"].append(
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
            )
        )
        rows["terms"].extend((d.doc_id, t, c) for t, c in r.terms)
        rows["sentences"].extend((d.doc_id, i, *s) for i, s in enumerate(r.sentences))
        rows["matches"].extend((d.doc_id, *m) for m in r.matches)
        rows["marker_sentiment"].extend(
            (d.doc_id, m[0], m[1], m[2], compounds[m[0]], masked)
            for m, masked in zip(r.matches, r.masked, strict=True)
        )
        seen = sorted({(a[0], a[1]) for a in r.actors})
        rows["actor_sentiment"].extend((d.doc_id, sid, a, compounds[sid]) for sid, a in seen)
    tables = {
        name: pd.DataFrame(rows[name], columns=list(cols))
        for name, cols in TABLE_COLUMNS.items()
        if name != "markers"
    }
    tables["markers"] = mk.marker_counts(tables["matches"], doc_ids, lexicon)
    return Results(**tables)


def analyze(
    corpus: str | Path | Sequence[Document],
    *,
    lexicon: str | Path | Lexicon | None = None,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    progress: bool | None = None,
) -> Results:
    """Analyse a corpus: read and clean it, run the per-document pass, build the tables.

    Args:
        corpus: A corpus directory, or already loaded documents.
        lexicon: A lexicon TOML file or :class:`~analysis.lexicon.Lexicon`; default: the
            lexicon shipped with the package.
        origins: Allowed origins.
        outlets: Optional TOML file extending the outlet registry.
        progress: Show a progress bar on stderr; default: only when stderr is a terminal.

    Returns:
        The :class:`Results` tables.
    """
    docs = (
        list(corpus)
        if not isinstance(corpus, str | Path)
        else read_corpus(corpus, origins=origins, outlets=outlets)
    )
    lex = lexicon if isinstance(lexicon, Lexicon) else load_lexicon(lexicon)
    compiled = mk.compile_lexicon(lex)
    disable = not sys.stderr.isatty() if progress is None else not progress
    texts = (d.text for d in docs)
    results = tqdm(
        process(texts, compiled),
        total=len(docs),
        desc="documents",
        unit="doc",
        disable=disable,
        file=sys.stderr,
    )
    return assemble(docs, results, lex)
