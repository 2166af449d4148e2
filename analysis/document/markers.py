"""Exact matching of framing markers and actor names, marker counts and KWIC.

Matching rules (pinned by ``tests/test_markers.py``; see the README section on the lexicon):

* A marker is split into words on whitespace and hyphens; matching is case-insensitive.
* A marker word matches a word token when their lowercased forms are equal or their lookup
  lemmas are equal ("Friendships" matches ``friendship``; "sovereign" does not match
  ``sovereignty``).
* A word ending in ``*`` matches any token whose lowercased form starts with the prefix.
* Marker words are split further the way the tokenizer splits text ("People's" is the
  two words ``People`` + ``'s``).
* The words of a multi-word marker match consecutive word tokens of one sentence, with
  nothing but whitespace (newlines included) and hyphens between them. Tokens that the
  tokenizer left joined by a hyphen ("U.S.-China") are split at the hyphen first, so
  ``china`` matches inside "U.S.-China" just as ``sovereignty`` matches inside
  "sovereignty-based".
* Within one frame (or actor), matches are leftmost-longest and never overlap; a tie
  between markers of the same length goes to the one listed first. Frames are independent.
* Actor names listed under ``case_sensitive`` match only tokens with exactly that
  capitalisation (``US`` matches "US" but not the pronoun "us").
* ``exclude`` phrases of a frame (or actor) are found with the same rules (case-insensitive,
  hyphens and whitespace, lemmas, ``*`` prefixes, one sentence), every occurrence, overlaps
  included (looked for only around a hit of their frame). A marker hit whose span lies inside
  an occurrence (``start >= ex.start`` and ``end <= ex.end``) is not a hit: it neither counts
  nor blocks another marker of the frame from matching there. A hit that only overlaps an
  occurrence still counts. Exclusions apply to their own frame (or actor) only.

The compiled lexicon indexes the first word of every pattern by lowercased form, lemma and
prefix, so matching costs a few dictionary look-ups per token, whatever the lexicon size.

Longer than ~400 lines because one matcher (frames, actors, exclusions) whose index, memo and
match loop share private structures; splitting it would make them public.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import itemgetter
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis.document.lexicon import (
    HYPHEN_CLASS,
    Lexicon,
    LexiconError,
    load_lexicon,
    marker_words,
)
from analysis.document.nlp import Parsed, lemmatize, parse_many

__all__ = [
    "ACTOR_COLUMNS",
    "COUNT_COLUMNS",
    "KWIC_COLUMNS",
    "MATCH_COLUMNS",
    "CompiledLexicon",
    "Match",
    "actor_rows",
    "compile_lexicon",
    "find_markers",
    "frame_rows",
    "kwic",
    "marker_counts",
    "marker_pairs",
    "match_actors",
    "match_frames",
]

#: Columns of the matches table (``matches.csv``).
MATCH_COLUMNS = ("doc_id", "sent_id", "frame", "marker", "start", "end", "text")
#: Columns of the actor-mentions table (``find_markers(..., kind="actors")``).
ACTOR_COLUMNS = ("doc_id", "sent_id", "actor", "name", "start", "end", "text")
#: Columns of the marker-counts table (``markers.csv``).
COUNT_COLUMNS = ("doc_id", "frame", "marker", "count")
#: Columns of the KWIC table.
KWIC_COLUMNS = ("doc_id", "sent_id", "frame", "marker", "left", "match", "right")

# Kinds of pattern word.
_EXACT, _PREFIX, _CASE, _CASE_PREFIX = 0, 1, 2, 3
# Text between two words of a multi-word match may contain only whitespace and hyphens.
_GAP = re.compile(rf"[\s{HYPHEN_CLASS}]*")
_PART = re.compile(rf"[^{HYPHEN_CLASS}]+")
_WS = re.compile(r"\s+")
_HYPHEN = re.compile(rf"[{HYPHEN_CLASS}]")


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a marker (or actor name) in a parsed document.

    Attributes:
        sent_id: Sentence id (index into ``Parsed.sentences``).
        group: Frame name (or actor name for actor matches).
        marker: The marker (or name) as written in the lexicon.
        start: Character offset of the first matched token in ``Parsed.text``.
        end: Character offset where the last matched token ends.
        text: ``Parsed.text[start:end]``, the match as it appears.
    """

    sent_id: int
    group: str
    marker: str
    start: int
    end: int
    text: str


# A pattern word is (kind, text, lemma): text is the lowercased word or prefix (kept as
# written for case-sensitive kinds); lemma is set for _EXACT only.
_Word = tuple[int, str, str]


@dataclass(frozen=True, slots=True)
class _Pattern:
    group: str
    marker: str
    order: int  # position in the lexicon: ties between equally long markers go to the first
    words: tuple[_Word, ...]


@dataclass(frozen=True, slots=True)
class _Index:
    """Patterns of one kind (frames or actors), indexed by their first word."""

    patterns: tuple[_Pattern, ...]
    by_lower: dict[str, tuple[int, ...]]
    by_lemma: dict[str, tuple[int, ...]]
    by_prefix: dict[str, tuple[int, ...]]
    prefix_lengths: tuple[int, ...]
    groups: frozenset[str]  # the groups that have patterns
    max_words: int  # words of the longest pattern
    # lowercased word -> ids of the patterns whose first word it may match (filled lazily;
    # the candidates depend on the lowercased form only, as the lemma is that form's lemma)
    memo: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, low: str) -> tuple[int, ...]:
        """Ids of the patterns whose first word may match a token of lowercased form ``low``."""
        cands = self.by_lower.get(low, ())
        c2 = self.by_lemma.get(lemmatize(low))
        if c2:
            cands = cands + c2
        for ln in self.prefix_lengths:
            if ln > len(low):
                break
            c3 = self.by_prefix.get(low[:ln])
            if c3:
                cands = cands + c3
        return cands


@dataclass(frozen=True, slots=True)
class CompiledLexicon:
    """A lexicon prepared for fast matching (build with :func:`compile_lexicon`).

    Attributes:
        lexicon: The lexicon.
        frames: Index of the frame markers.
        actors: Index of the actor names.
        frame_excludes: Index of the frames' ``exclude`` phrases (group = frame).
        actor_excludes: Index of the actors' ``exclude`` phrases (group = actor).
        case_sensitive_terms: The ``case_sensitive`` actor names that are one token ("US",
            "Western*"): give them to :func:`analysis.document.nlp.term_counts` to keep
            "US" apart from "us" in terms.
    """

    lexicon: Lexicon
    frames: _Index
    actors: _Index
    frame_excludes: _Index
    actor_excludes: _Index
    case_sensitive_terms: frozenset[str] = frozenset()


def _word(raw: str, case_sensitive: bool) -> _Word:
    prefix = raw.endswith("*")
    text = raw[:-1] if prefix else raw
    if case_sensitive:
        return (_CASE_PREFIX if prefix else _CASE, text, "")
    low = text.lower().replace("\u2019", "'")  # as the tokens' lowercased forms
    if prefix:
        return (_PREFIX, low, "")
    # Lemmas only for plain words: the lookup table maps "'s" to "have".
    return (_EXACT, low, lemmatize(low) if low.isalpha() else low)


def _split_word(raw: str, where: str, problems: list[str]) -> list[str]:
    """Split a marker word the way the tokenizer splits text ("People's" → People, 's).

    Parts without a letter or digit (which are never word tokens) are dropped; a trailing
    ``*`` stays on the last part.
    """
    from analysis.document.nlp import get_nlp

    prefix = raw.endswith("*")
    text = raw[:-1] if prefix else raw
    parts = [t.text for t in get_nlp().tokenizer(text) if any(ch.isalnum() for ch in t.text)]
    if not parts:
        problems.append(f"{where}: word {raw!r} has no letter or digit, so it can never match")
        return []
    if prefix:
        parts[-1] += "*"
    return parts


def _build_index(entries: Iterable[tuple[str, str, bool]], source: str, kind: str) -> _Index:
    patterns: list[_Pattern] = []
    by_lower: dict[str, list[int]] = {}
    by_lemma: dict[str, list[int]] = {}
    by_prefix: dict[str, list[int]] = {}
    problems: list[str] = []
    for group, marker, case_sensitive in entries:
        where = f"{source}: {kind} {group!r}: marker {marker!r}"
        raw_words = [p for w in marker_words(marker) for p in _split_word(w, where, problems)]
        if not raw_words:
            continue
        words = tuple(_word(w, case_sensitive) for w in raw_words)
        pid = len(patterns)
        patterns.append(_Pattern(group, marker, pid, words))
        k, text, lemma = words[0]
        if k in (_PREFIX, _CASE_PREFIX):
            by_prefix.setdefault(text.lower(), []).append(pid)
        else:
            by_lower.setdefault(text.lower(), []).append(pid)
            if k == _EXACT:
                by_lemma.setdefault(lemma, []).append(pid)
    if problems:
        raise LexiconError(problems)
    return _Index(
        tuple(patterns),
        {k: tuple(v) for k, v in by_lower.items()},
        {k: tuple(v) for k, v in by_lemma.items()},
        {k: tuple(v) for k, v in by_prefix.items()},
        tuple(sorted({len(p) for p in by_prefix})),
        frozenset(p.group for p in patterns),
        max((len(p.words) for p in patterns), default=0),
    )


def compile_lexicon(lexicon: Lexicon | CompiledLexicon | str | Path | None) -> CompiledLexicon:
    """Prepare a lexicon for matching.

    Args:
        lexicon: A :class:`~analysis.document.lexicon.Lexicon`, a lexicon TOML path, or ``None`` for
            the shipped lexicon (an already compiled lexicon is returned as is).

    Marker words are split further the way the tokenizer splits text, so ``People's``
    matches the two tokens "People" + "'s".

    Raises:
        LexiconError: a marker word has no letter or digit, so it can never match; an
            exclude phrase (without ``*``) contains no marker of its frame (or name of its
            actor), so it can never change a count.
    """
    if isinstance(lexicon, CompiledLexicon):
        return lexicon
    if not isinstance(lexicon, Lexicon):
        lexicon = load_lexicon(lexicon)
    src = lexicon.source
    frames_ = lexicon.frames.values()
    actors_ = lexicon.actors.values()
    frames = [(f.name, m, False) for f in frames_ for m in f.markers]
    actors = [(a.name, n, False) for a in actors_ for n in a.names]
    exact = [(a.name, n, True) for a in actors_ for n in a.case_sensitive]
    compiled = CompiledLexicon(
        lexicon,
        _build_index(frames, src, "frame"),
        _build_index(actors + exact, src, "actor"),
        _build_index([(f.name, x, False) for f in frames_ for x in f.exclude], src, "frame"),
        _build_index([(a.name, x, False) for a in actors_ for x in a.exclude], src, "actor"),
        frozenset(n for _, n, _ in exact if _one_token(n)),
    )
    _check_excludes(compiled)
    return compiled


def _one_token(name: str) -> bool:
    """Whether a name is one word token for the tokenizer ("US" is, "White House" is not)."""
    problems: list[str] = []
    return len([p for w in marker_words(name) for p in _split_word(w, "", problems)]) == 1


def _check_excludes(compiled: CompiledLexicon) -> None:
    """Every exclude phrase without ``*`` must contain a hit of its own frame (or actor)."""
    from analysis.document.nlp import parse

    problems = []
    for kind, index, excludes in (
        ("frame", compiled.frames, compiled.frame_excludes),
        ("actor", compiled.actors, compiled.actor_excludes),
    ):
        for p in excludes.patterns:
            if "*" in p.marker:
                continue
            if not any(m[1] == p.group for m in _match(parse(p.marker), index)):
                problems.append(
                    f"{compiled.lexicon.source}: {kind} {p.group!r}: exclude phrase "
                    f"{p.marker!r} contains none of its {'markers' if kind == 'frame' else 'names'}"
                    ", so it can never change a count"
                )
    if problems:
        raise LexiconError(problems)


def _tokens(parsed: Parsed) -> tuple[list[str], list[str], list[int], list[int], list[int]]:
    """Word tokens, with tokens the tokenizer left hyphenated split into their parts.

    Frames and actors are matched on the same document one after the other, so the last
    result is kept (keyed by the identity of ``parsed``, which it holds alive).
    """
    if _LAST_TOKENS[0] is parsed:
        return _LAST_TOKENS[1]
    lower = parsed.lower
    hyphenated = _with_hyphen(lower)
    if not hyphenated:
        toks = (lower, parsed.lemma, parsed.start, parsed.end, parsed.sent)
    else:
        text = parsed.text
        lo: list[str] = []
        le: list[str] = []
        st: list[int] = []
        en: list[int] = []
        se: list[int] = []
        prev = 0
        for i in hyphenated:
            lo += lower[prev:i]
            le += parsed.lemma[prev:i]
            st += parsed.start[prev:i]
            en += parsed.end[prev:i]
            se += parsed.sent[prev:i]
            sid = parsed.sent[i]
            for m in _PART.finditer(text, parsed.start[i], parsed.end[i]):
                part = m.group()
                if any(ch.isalnum() for ch in part):
                    pl = part.lower().replace("\u2019", "'")
                    lo.append(pl)
                    le.append(lemmatize(pl))
                    st.append(m.start())
                    en.append(m.end())
                    se.append(sid)
            prev = i + 1
        lo += lower[prev:]
        le += parsed.lemma[prev:]
        st += parsed.start[prev:]
        en += parsed.end[prev:]
        se += parsed.sent[prev:]
        toks = (lo, le, st, en, se)
    _LAST_TOKENS[:] = [parsed, toks]
    return toks


def _with_hyphen(lower: list[str]) -> list[int]:
    """Indices of the words that contain a hyphen (found in the words joined, by offset)."""
    joined = "".join(lower)
    found = [m.start() for m in _HYPHEN.finditer(joined)]
    if not found:
        return []
    ends = list(accumulate(map(len, lower)))
    return sorted({bisect_right(ends, at) for at in found})


_LAST_TOKENS: list = [None, None]
#: Upper bound on the words remembered by an index's candidate memo (then it starts afresh).
_MEMO_MAX = 500_000


def _memo(index: _Index, lower: list[str]) -> dict[str, tuple[int, ...]]:
    """The index's candidate memo, filled for every word of ``lower``."""
    memo = index.memo
    new = set(lower).difference(memo)
    if len(memo) + len(new) > _MEMO_MAX:
        memo.clear()
        new = set(lower)
    for w in new:
        memo[w] = index.candidates(w)
    return memo


def _fits(words: tuple[_Word, ...], i: int, toks: tuple, text: str) -> bool:
    """Whether the pattern ``words`` matches the tokens from ``i`` on (rules: module doc)."""
    lower, lemma, start, end, sent = toks
    if i + len(words) > len(lower):
        return False
    k = i
    for kind, wt, wl in words:  # the word first: it is cheaper and fails more often
        if kind == _EXACT:
            ok = lower[k] == wt or lemma[k] == wl
        elif kind == _PREFIX:
            ok = lower[k].startswith(wt)
        else:
            tok = text[start[k] : end[k]]
            ok = tok == wt if kind == _CASE else tok.startswith(wt)
        if not ok:
            return False
        if k > i and (sent[k] != sent[i] or _GAP.fullmatch(text, end[k - 1], start[k]) is None):
            return False
        k += 1
    return True


def _excluded(group: str, i: int, last: int, excludes: _Index, toks: tuple, text: str) -> bool:
    """Whether tokens ``i..last`` lie inside an occurrence of an exclude phrase of ``group``.

    Only the occurrences that can contain them are tried: those starting at most
    ``max_words - 1`` tokens before ``i``.
    """
    lower = toks[0]
    memo = excludes.memo
    for j in range(max(0, i - excludes.max_words + 1), i + 1):
        cands = memo.get(lower[j])
        if cands is None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            cands = memo[lower[j]] = excludes.candidates(lower[j])
        for pid in cands:
            p = excludes.patterns[pid]
            k = j + len(p.words) - 1
            # tokens are consecutive: a pattern from j <= i to k >= last contains the hit
            if p.group == group and k >= last and _fits(p.words, j, toks, text):
                return True
    return False


def _match(parsed: Parsed, index: _Index, excludes: _Index | None = None) -> list[tuple]:
    """The matches as ``(sent_id, group, marker, start, end, text)`` rows (see :class:`Match`),
    sorted by (start, group, marker)."""
    patterns = index.patterns
    if not patterns:
        return []
    toks = _tokens(parsed)
    lower, start, end, sent = toks[0], toks[2], toks[3], toks[4]
    text = parsed.text
    groups_out = excludes.groups if excludes is not None else frozenset()
    next_free: dict[str, int] = {}
    out: list[tuple] = []
    memo = _memo(index, lower)
    for i in compress(range(len(lower)), map(memo.__getitem__, lower)):
        best: dict[str, tuple[int, int]] = {}  # group -> (-n_words, order)
        for pid in memo[lower[i]]:
            p = patterns[pid]
            if next_free.get(p.group, 0) > i or not _fits(p.words, i, toks, text):
                continue
            last = i + len(p.words) - 1
            if p.group in groups_out and _excluded(p.group, i, last, excludes, toks, text):
                continue
            key = (-len(p.words), p.order)
            if p.group not in best or key < best[p.group]:
                best[p.group] = key
        for group, (neg_nw, order) in best.items():
            last = i - neg_nw - 1
            s, e = start[i], end[last]
            out.append((sent[i], group, patterns[order].marker, s, e, text[s:e]))
            next_free[group] = last + 1
    out.sort(key=_ORDER)
    return out


_ORDER = itemgetter(3, 1, 2)  # start, group, marker


def frame_rows(parsed: Parsed, compiled: CompiledLexicon) -> list[tuple]:
    """:func:`match_frames` as ``(sent_id, group, marker, start, end, text)`` tuples."""
    return _match(parsed, compiled.frames, compiled.frame_excludes)


def actor_rows(parsed: Parsed, compiled: CompiledLexicon) -> list[tuple]:
    """:func:`match_actors` as ``(sent_id, group, marker, start, end, text)`` tuples."""
    return _match(parsed, compiled.actors, compiled.actor_excludes)


def match_frames(parsed: Parsed, compiled: CompiledLexicon) -> list[Match]:
    """All frame-marker matches in one parsed document, sorted by (start, group, marker).

    Hits inside an occurrence of one of the frame's ``exclude`` phrases are left out.
    """
    return [Match(*row) for row in frame_rows(parsed, compiled)]


def match_actors(parsed: Parsed, compiled: CompiledLexicon) -> list[Match]:
    """All actor-name matches (``group`` = actor key), sorted by (start, group, marker).

    Hits inside an occurrence of one of the actor's ``exclude`` phrases are left out.
    """
    return [Match(*row) for row in actor_rows(parsed, compiled)]


# --------------------------------------------------------------------------- tables


def _check_docs(docs: pd.DataFrame, what: str = "docs") -> None:
    missing = [c for c in ("doc_id", "text") if c not in docs.columns]
    if missing:
        raise ValueError(f"{what} table lacks column(s) {', '.join(missing)} (needs doc_id, text)")
    dup = docs["doc_id"][docs["doc_id"].duplicated()]
    if len(dup):
        raise ValueError(f"{what} table has duplicate doc_id(s): {', '.join(map(str, dup[:5]))}")


def find_markers(
    docs: pd.DataFrame,
    lexicon: Lexicon | CompiledLexicon | str | Path | None = None,
    *,
    kind: Literal["frames", "actors"] = "frames",
) -> pd.DataFrame:
    """Find every marker occurrence in a table of cleaned documents.

    Args:
        docs: Columns ``doc_id`` (unique) and ``text`` (cleaned text).
        lexicon: A lexicon, a lexicon TOML path, or ``None`` for the shipped lexicon.
        kind: ``"frames"`` for framing markers, ``"actors"`` for actor names.

    Returns:
        For frames, one row per occurrence with columns ``doc_id``, ``sent_id`` (sentence
        id in the document, 0-based), ``frame``, ``marker`` (as written in the lexicon),
        ``start``, ``end`` (character offsets into the cleaned text) and ``text`` (the match
        as it appears). For actors the group columns are ``actor`` and ``name`` instead.
        Rows are in document order, then by (start, frame, marker).
    """
    _check_docs(docs)
    compiled = compile_lexicon(lexicon)
    match = match_frames if kind == "frames" else match_actors
    columns = MATCH_COLUMNS if kind == "frames" else ACTOR_COLUMNS
    rows = []
    for doc_id, parsed in zip(docs["doc_id"], parse_many(docs["text"].tolist()), strict=True):
        rows.extend(
            (doc_id, m.sent_id, m.group, m.marker, m.start, m.end, m.text)
            for m in match(parsed, compiled)
        )
    return _matches_frame(rows, columns)


def _matches_frame(rows: list[tuple], columns: Sequence[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    for c in ("sent_id", "start", "end"):
        df[c] = df[c].astype("int64")
    return df


def marker_pairs(lexicon: Lexicon | CompiledLexicon) -> list[tuple[str, str]]:
    """The lexicon's ``(frame, marker)`` pairs, sorted: the rows of one document in
    :func:`marker_counts`."""
    if isinstance(lexicon, CompiledLexicon):
        lexicon = lexicon.lexicon
    return sorted(set(lexicon.markers))


def marker_counts(
    matches: pd.DataFrame,
    doc_ids: Iterable[str],
    lexicon: Lexicon | CompiledLexicon,
) -> pd.DataFrame:
    """Count matches per document and marker, zeros included.

    Args:
        matches: A matches table (columns ``doc_id``, ``frame``, ``marker``).
        doc_ids: Every document of the corpus (documents without matches get zeros).
        lexicon: The lexicon the matches were found with.

    Returns:
        Columns ``doc_id``, ``frame``, ``marker``, ``count``: one row for every document ×
        (frame, marker) of the lexicon, sorted alphabetically by doc_id, frame, marker.

    Raises:
        ValueError: a match names a document not in ``doc_ids`` or a marker not in the
            lexicon, or ``doc_ids`` has duplicates.
    """
    if isinstance(lexicon, CompiledLexicon):
        lexicon = lexicon.lexicon
    ids = list(doc_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("marker_counts: doc_ids has duplicates")
    pairs = marker_pairs(lexicon)
    pair_pos = {pair: k for k, pair in enumerate(pairs)}
    ids = sorted(ids)
    doc_pos = {d: k for k, d in enumerate(ids)}
    counts = np.zeros(len(ids) * len(pairs), dtype="int64")
    if len(matches):
        grouped = matches.groupby(["doc_id", "frame", "marker"], sort=True).size()
        for (doc_id, frame, marker), c in grouped.items():
            if doc_id not in doc_pos:
                raise ValueError(f"marker_counts: match in unknown document {doc_id!r}")
            if (frame, marker) not in pair_pos:
                raise ValueError(
                    f"marker_counts: frame {frame!r} marker {marker!r} of the matches is not in "
                    f"the lexicon {lexicon.source}"
                )
            counts[doc_pos[doc_id] * len(pairs) + pair_pos[(frame, marker)]] = int(c)
    frames = np.array([f for f, _ in pairs], dtype=object)
    markers = np.array([m for _, m in pairs], dtype=object)
    return pd.DataFrame(
        {
            "doc_id": np.repeat(np.array(ids, dtype=object), len(pairs)),
            "frame": np.tile(frames, len(ids)),
            "marker": np.tile(markers, len(ids)),
            "count": counts,
        },
        columns=list(COUNT_COLUMNS),
    )


def _collapse(s: str) -> str:
    return _WS.sub(" ", s)


def kwic(matches: pd.DataFrame, docs: pd.DataFrame, *, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context view of matches.

    Args:
        matches: A matches table from :func:`find_markers` (frames or actors).
        docs: Columns ``doc_id`` and ``text`` (the cleaned texts the matches refer to).
        window: Characters of context on each side.

    Returns:
        Columns ``doc_id``, ``sent_id``, ``frame``, ``marker``, ``left`` (up to ``window``
        characters before the match), ``match`` and ``right`` (up to ``window`` characters
        after), in the order of ``matches``; runs of whitespace (newlines included) are
        collapsed to one space. For an actors table the group columns are ``actor``, ``name``.

    Raises:
        ValueError: a match's document is missing from ``docs``, or its offsets do not
            point at its text (the matches come from other texts).
    """
    if window < 0:
        raise ValueError(f"kwic: window must be >= 0, got {window}")
    _check_docs(docs)
    group, label = ("actor", "name") if "actor" in matches.columns else ("frame", "marker")
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    rows = []
    for doc_id, sid, g, m, s, e, t in zip(
        matches["doc_id"],
        matches["sent_id"],
        matches[group],
        matches[label],
        matches["start"],
        matches["end"],
        matches["text"],
        strict=True,
    ):
        if doc_id not in texts:
            raise ValueError(f"kwic: document {doc_id!r} of the matches is not in docs")
        text = texts[doc_id]
        s, e = int(s), int(e)
        if text[s:e] != t:
            raise ValueError(
                f"kwic: document {doc_id!r}: characters {s}:{e} are {text[s:e]!r}, not the "
                f"match text {t!r} (were the matches found in differently cleaned texts?)"
            )
        rows.append(
            (
                doc_id,
                int(sid),
                g,
                m,
                _collapse(text[max(0, s - window) : s]),
                _collapse(t),
                _collapse(text[e : e + window]),
            )
        )
    columns = ["doc_id", "sent_id", group, label, "left", "match", "right"]
    df = pd.DataFrame(rows, columns=columns)
    df["sent_id"] = df["sent_id"].astype("int64")
    return df
