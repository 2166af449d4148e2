"""The single per-document NLP pass.

Each cleaned document is tokenized **once** by a cached spaCy pipeline
(``spacy.blank("en")`` + paragraph-break rule + punctuation rule, spaCy's ``sentencizer``
computed on arrays: see :func:`_punctuation_breaks`). The result is a
:class:`Parsed` record of plain Python lists (word tokens, their lowercased forms and
lookup lemmas, character offsets, sentence ids, sentence spans). Everything downstream
(terms, sentences, sentiment, marker matches) is computed from that record, which is
also what the cache stores.

Word tokens are tokens that are neither punctuation nor whitespace and contain at least
one letter or digit. Their lowercased form writes the typographic apostrophe ``’`` as ``'``
("People’s" and "People's" are the same words). Lemmas are the lookup lemma
(``spacy-lookups-data``) of that lowercased form (the lookup table is case-sensitive), with
three corrections: the clitic ``'s`` (possessive, "is" or "has") stays ``'s`` instead of the
table's "have"; hyphens at the edges of a token ("high -level") are dropped ("level"); and
the forms listed in ``analysis/data/lemmas.toml`` get the lemma given there instead of the
table's (``armed`` → armed, not arm; ``media`` → media, not medium; see
:func:`lemma_overrides`).

**Numbers** (``Parsed.is_num``, excluded from terms by :func:`term_counts`; still word tokens,
so counted in ``n_tokens``): a token is a number when spaCy's ``like_num`` says so (digits
with ``,`` or ``.``, one ``/`` fraction, a leading ``+ - ± ~``, number words and ordinal
words: "2,000", "-3", "9/11", "one", "million", "first", "twentieth") **or** its lowercased
form is an optional sign (``+ - − ± ~``), digits joined by ``, . : / h -`` or ``–`` (or a
vulgar fraction "½"), and an optional suffix:

==========================  ===========================================================
form                        examples
==========================  ===========================================================
times, dates, scores        12:40, 12.30, 12h40, 4/15/22, 24.02.2022, 2022-23, 3–2
signs                       −3 (U+2212 minus)
ordinals                    75th, 1st, 21st, 10,000th
decades                     1990s, 90s ("'90s" and "1990's" are split by the tokenizer)
magnitudes                  10k, 1.5m, 3.5bn, 2mn, 1.2tn, 1.2trn
per cent                    0.5pc; "75%" is the number "75" and the symbol "%"
clock times                 10:30am, 17:00gmt ("9am" is split: "9" + "am")
==========================  ===========================================================

Tokens mixing digits with other letters are **not** numbers: names such as "G20", "F-16",
"COVID-19", "S-400", "MH17", "4x4" stay terms, and so do roman numerals ("World War II").

Longer than ~400 lines because the single spaCy pass with its token rules, number rule, lemma
overrides and term counting, which share the token record.
"""

from __future__ import annotations

import operator
import os
import re
import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from itertools import compress, repeat
from types import MappingProxyType
from typing import Literal

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from analysis.config import (  # noqa: F401 (versions re-exported)
    PIPELINE_VERSION,
    RULES_VERSION,
    data_file,
)

__all__ = [
    "PIPELINE_VERSION",
    "TERM_MODES",
    "Parsed",
    "TermMode",
    "case_moves",
    "get_nlp",
    "is_number",
    "lemma_overrides",
    "lemmatize",
    "move_terms",
    "parse",
    "parse_many",
    "term_counts",
    "word_forms",
]

#: What a term is: the lemma of a word token, or its lowercased form.
TermMode = Literal["lemma", "form"]
#: The values of :data:`TermMode`.
TERM_MODES: tuple[str, ...] = ("lemma", "form")


_MODEL_ENV = "FRAMING_SPACY_MODEL"


@dataclass(slots=True)
class Parsed:
    """One document after the NLP pass.

    Attributes:
        text: The cleaned text that offsets refer to.
        lower: Lowercased form of each word token (``’`` written as ``'``).
        lemma: Lookup lemma of each word token's lowercased form (see the module docstring).
        start: Character offset where each word token starts.
        end: Character offset where each word token ends.
        sent: Sentence id (index into ``sentences``) of each word token.
        is_num: Whether each word token is a number ("2,000", "12:40", "75th", "1990s"; see
            the module docstring).
        sentences: ``(start, end)`` character span of each sentence, whitespace trimmed.
    """

    text: str
    lower: list[str]
    lemma: list[str]
    start: list[int]
    end: list[int]
    sent: list[int]
    is_num: list[bool]
    sentences: list[tuple[int, int]]

    @property
    def n_tokens(self) -> int:
        """Number of word tokens."""
        return len(self.lower)

    def to_dict(self) -> dict:
        """Plain-JSON representation (used by the cache)."""
        d = asdict(self)
        d["sentences"] = [list(s) for s in self.sentences]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Parsed:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**d, "sentences": [tuple(s) for s in d["sentences"]]})


@Language.component("framing_paragraphs")
def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a new sentence after a blank line (headlines and datelines have no full stop)."""
    if len(doc) < 2:
        return doc
    # Only whitespace tokens can hold a blank line: find them in one array pass. The flags
    # are written back in one from_array: spaCy's is_sent_start setter scans the whole
    # document on every call (quadratic in paragraphs).
    starts = [
        i + 1
        for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist()
        if doc[i].text.count("\n") >= 2
    ]
    if starts:
        flags = doc.to_array(SENT_START)
        flags[starts] = 1
        doc.from_array([SENT_START], flags)
    return doc


@cache
def _sentence_punct(vocab_strings) -> np.ndarray:
    """The ORTH hashes of spaCy's sentencizer's default sentence-final characters."""
    from spacy.pipeline import Sentencizer

    return np.array(sorted(vocab_strings[c] for c in Sentencizer.default_punct_chars), "uint64")


@Language.component("framing_sentencizer")
def _punctuation_breaks(doc: Doc) -> Doc:
    """spaCy's ``sentencizer`` (default punctuation, no overwrite) on arrays, same result.

    The sentencizer makes a Token object per token, a third of the whole pass on news text.
    Its rule: a token that is neither punctuation nor a sentence-final character starts a
    sentence when such a character came after the previous such token (and the first token
    starts one); starts already set (the paragraph rule) are kept.
    """
    if not len(doc):
        return doc
    arr = doc.to_array([ORTH, IS_PUNCT, SENT_START]).astype("int64")
    orths = arr[:, 0].astype("uint64")
    punct = _sentence_punct(doc.vocab.strings)  # sorted: a bisection per token (np.isin sorts)
    final = punct[np.minimum(np.searchsorted(punct, orths), len(punct) - 1)] == orths
    other = np.flatnonzero(~(final | (arr[:, 1] == 1)))
    seen = np.cumsum(final)[other]
    starts = other[1:][seen[1:] > seen[:-1]]
    guess = np.full(len(doc), -1, "int64")
    guess[0] = 1
    guess[starts] = 1
    if len(other) and seen[0] > 0:  # a final character before the first other token
        guess[other[0]] = 1
    flags = np.where(arr[:, 2] == 0, guess, arr[:, 2])
    doc.from_array([SENT_START], flags.astype("uint64"))
    return doc


@cache
def get_nlp() -> Language:
    """Return the process-wide spaCy pipeline (built once, then cached).

    The default is ``spacy.blank("en")`` with the paragraph rule and a sentencizer: no
    download, no model. If the environment variable ``FRAMING_SPACY_MODEL`` names an
    installed spaCy package (e.g. ``en_core_web_sm``), it is loaded instead, with only its
    tokenizer and sentence boundaries used.
    """
    import spacy

    model = os.environ.get(_MODEL_ENV)
    if model:
        nlp = spacy.load(model, exclude=["ner", "lemmatizer", "textcat"])
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("framing_paragraphs")
        nlp.add_pipe("framing_sentencizer")
    nlp.max_length = 10_000_000
    return nlp


@cache
def _lemma_table():
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@cache
def lemma_overrides() -> Mapping[str, str]:
    """The lemma overrides of ``analysis/data/lemmas.toml``: lowercased form → lemma.

    Read once per process.

    Raises:
        ValueError: the file is not a ``[lemmas]`` table of lowercase, non-empty,
            single-word strings (the message names each bad entry).
    """
    path = data_file("lemmas.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table = data.get("lemmas")
    problems = [f"unknown key {k!r} (allowed: lemmas)" for k in data if k != "lemmas"]
    if not isinstance(table, dict):
        problems.append("no [lemmas] table")
        table = {}
    for form, lemma in table.items():
        for what, value in (("form", form), ("lemma", lemma)):
            if not isinstance(value, str) or not value or value != value.lower():
                problems.append(f"{form!r}: the {what} must be a non-empty lowercase string")
            elif value.split() != [value]:
                problems.append(f"{form!r}: the {what} must be one word without spaces")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return MappingProxyType(dict(table))


@lru_cache(maxsize=200_000)
def lemmatize(lower: str) -> str:
    """Lemma of an already lowercased word: its override (:func:`lemma_overrides`), else its
    lookup lemma, else the word itself."""
    override = lemma_overrides().get(lower)
    if override is not None:
        return override
    return _lemma_table().get(lower, lower)


#: Hyphens stripped from the edges of a token for its lemma.
_EDGE_HYPHENS = "-\u2010\u2011"


def word_forms(lowered: str) -> tuple[str, str]:
    """``(lower, lemma)`` of a word token from its lowercased text (see the module docstring).

    ``lower`` writes ``’`` as ``'``; ``lemma`` is its lookup lemma, except that ``'s`` stays
    ``'s`` and hyphens at the edges are dropped first.
    """
    low = lowered.replace("\u2019", "'")
    if low == "'s":
        return low, low
    core = low.strip(_EDGE_HYPHENS)
    return low, lemmatize(core or low)


def _is_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


_NUMBER = re.compile(
    r"[-+\u2212±~]?"
    r"(?:\d+(?:[.,:/h\-\u2013]\d+)*|[.,]\d+|[\u00bc-\u00be\u2150-\u215e])"
    r"(?:st|nd|rd|th|s|k|m|bn|mn|tn|trn|pc|am|pm|gmt|utc)?"
)


def is_number(lower: str) -> bool:
    """Whether a lowercased word token is a number by this module's rule (see the module
    docstring; spaCy's ``like_num`` is the other half of ``Parsed.is_num``)."""
    return _NUMBER.fullmatch(lower) is not None


class _Lexemes:
    """Per-lexeme facts, one row per ORTH hash seen by the process, in arrays: ``kind`` (0
    whitespace, 1 punctuation or other non-word, 2 word), ``length``, ``lower``, ``lemma`` and
    ``num`` (words only). They depend only on the token text, so each distinct text is
    examined once per process."""

    def __init__(self) -> None:
        self.row: dict[int, int] = {}
        self.kind = np.zeros(0, "int8")
        self.length = np.zeros(0, "int64")
        self.lower = np.empty(0, object)
        self.lemma = np.empty(0, object)
        self.num = np.zeros(0, bool)

    def rows(self, doc: Doc, orths: list[int]) -> np.ndarray:
        """The row of each ORTH hash of ``doc`` (adding the new ones)."""
        get = self.row.get
        rows = np.fromiter(map(get, orths, repeat(-1)), "int64", len(orths))
        for j in np.flatnonzero(rows < 0).tolist():
            # a new ORTH seen twice in the document is added at its first occurrence
            rows[j] = self.row[orths[j]] if orths[j] in self.row else self._add(doc, orths[j])
        return rows

    def _add(self, doc: Doc, orth: int) -> int:
        r = self.row[orth] = len(self.row)
        if r == len(self.kind):  # double the arrays
            for name in ("kind", "length", "lower", "lemma", "num"):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros_like(old, shape=max(r, 1024))]))
        lex = doc.vocab[orth]
        text = lex.orth_
        self.length[r] = len(text)
        if lex.is_space:
            self.kind[r] = 0
        elif lex.is_punct or not _is_word(text):
            self.kind[r] = 1
        else:
            low, lemma = word_forms(lex.lower_)
            self.kind[r] = 2
            self.lower[r], self.lemma[r] = low, lemma
            self.num[r] = bool(lex.like_num) or is_number(low)
        return r


_LEXEMES = _Lexemes()


def _sentence_starts(doc: Doc) -> np.ndarray:
    """Token index where each sentence starts (what ``doc.sents`` iterates, without Spans)."""
    if "sents" in doc.user_hooks:  # pragma: no cover - custom pipelines only
        return np.array([s.start for s in doc.sents], "int64")
    flags = doc.to_array(SENT_START)
    flags[0] = 1
    return np.flatnonzero(flags == 1)


def _to_parsed(doc: Doc, text: str) -> Parsed:
    """The word tokens and sentences of ``doc``, in array passes (no Token objects).

    ``text`` is the text the tokenizer was given (which ``doc.text`` rebuilds token by
    token). A sentence runs from its first to its last token that is not whitespace; a
    sentence of whitespace only gets no id.
    """
    if not len(doc):
        return Parsed(text, [], [], [], [], [], [], [])
    arr = doc.to_array([ORTH, IDX])
    lexemes = _LEXEMES
    rows = lexemes.rows(doc, arr[:, 0].tolist())
    shown = np.flatnonzero(lexemes.kind[rows] > 0)  # the tokens that are not whitespace
    rows = rows[shown]
    raw_sent = np.searchsorted(_sentence_starts(doc), shown, "right")
    first = np.ones(len(shown), bool)  # the first shown token of its sentence
    first[1:] = raw_sent[1:] != raw_sent[:-1]
    last = np.ones(len(shown), bool)
    last[:-1] = first[1:]
    starts = arr[shown, 1].astype("int64")
    ends = starts + lexemes.length[rows]
    word = lexemes.kind[rows] == 2
    words = rows[word]
    return Parsed(
        text,
        lexemes.lower[words].tolist(),
        lexemes.lemma[words].tolist(),
        starts[word].tolist(),
        ends[word].tolist(),
        (np.cumsum(first) - 1)[word].tolist(),
        lexemes.num[words].tolist(),
        list(zip(starts[first].tolist(), ends[last].tolist(), strict=True)),
    )


def parse(text: str) -> Parsed:
    """Run the NLP pass on one cleaned text."""
    return _to_parsed(get_nlp()(text), text)


def parse_many(
    texts: Iterable[str], *, batch_size: int = 64, nlp: Language | None = None
) -> Iterator[Parsed]:
    """Run the NLP pass on many texts (streaming, in order).

    Args:
        texts: Cleaned texts.
        batch_size: Texts per spaCy batch.
        nlp: A spaCy pipeline to use instead of :func:`get_nlp`'s (its tokens and sentence
            boundaries are used).
    """
    pairs = ((text, text) for text in texts)
    pipeline = get_nlp() if nlp is None else nlp
    for doc, text in pipeline.pipe(pairs, batch_size=batch_size, as_tuples=True):
        yield _to_parsed(doc, text)


# --------------------------------------------------------------------------- terms


@lru_cache(maxsize=64)
def _case_rules(names: frozenset[str]) -> tuple[re.Pattern[str], frozenset[str], tuple[str, ...]]:
    """A regex finding the case-sensitive names in a text, the exact names and the prefixes."""
    exact = frozenset(n for n in names if not n.endswith("*"))
    prefixes = tuple(sorted(n[:-1] for n in names if n.endswith("*")))
    literals = sorted({*exact, *prefixes}, key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, literals))), exact, prefixes


def _source(parsed: Parsed, terms: TermMode) -> list[str]:
    """The term of each word token (numbers included) for ``terms``."""
    if terms == "lemma":
        return parsed.lemma
    if terms == "form":
        return [w.strip(_EDGE_HYPHENS) or w for w in parsed.lower]
    raise ValueError(f"terms must be one of {', '.join(TERM_MODES)}, got {terms!r}")


def case_moves(
    parsed: Parsed, case_sensitive: Collection[str], *, terms: TermMode = "lemma"
) -> list[tuple[str, str, int]]:
    """The counts that the case-sensitive names move from one term to another.

    ``term_counts(p, terms=t, case_sensitive=names)`` is
    ``move_terms(term_counts(p, terms=t), case_moves(p, names, terms=t))``: the terms
    without names stay lexicon-independent (and cacheable as such), and the few moves are
    the lexicon-dependent part.

    Returns:
        ``(from_term, to_term, count)`` triples, sorted: e.g. ``("us", "US", 2)``.
    """
    return _moves(parsed, case_sensitive, _source(parsed, terms))


def _moves(
    parsed: Parsed, case_sensitive: Collection[str], source: list[str]
) -> list[tuple[str, str, int]]:
    """:func:`case_moves` with the tokens' terms already listed (``source``)."""
    if not case_sensitive:
        return []
    regex, exact, prefixes = _case_rules(frozenset(case_sensitive))
    text, starts, ends, is_num = parsed.text, parsed.start, parsed.end, parsed.is_num
    moves: Counter = Counter()
    for m in regex.finditer(text):
        i = bisect_left(starts, m.start())
        if i == len(starts) or starts[i] != m.start() or is_num[i]:
            continue
        token = text[starts[i] : ends[i]].replace("\u2019", "'")
        if token in exact or (prefixes and token.startswith(prefixes)):
            moves[(source[i], token)] += 1
    return sorted((a, b, n) for (a, b), n in moves.items())


def move_terms(
    terms: Iterable[tuple[str, int]], moves: Iterable[tuple[str, str, int]]
) -> list[tuple[str, int]]:
    """Apply :func:`case_moves` to ``(term, count)`` pairs; sorted by term, no zero counts."""
    counts = Counter(dict(terms))
    for old, new, n in moves:
        counts[old] -= n
        counts[new] += n
    return sorted((t, c) for t, c in counts.items() if c)


def term_counts(
    parsed: Parsed,
    *,
    terms: TermMode = "lemma",
    case_sensitive: Collection[str] = (),
) -> list[tuple[str, int]]:
    """The terms of one document and their counts, sorted by term.

    A term is the lemma (``terms="lemma"``, :attr:`Parsed.lemma`) or the lowercased form
    (``terms="form"``, :attr:`Parsed.lower` without hyphens at its edges) of a word token
    that is not a number (:attr:`Parsed.is_num`). Stop words are kept.

    Args:
        parsed: The document after the NLP pass.
        terms: ``"lemma"`` or ``"form"``.
        case_sensitive: Names whose exact capitalisation is a term of its own, as the
            lexicon's ``case_sensitive`` actor names (``US``; a trailing ``*`` is a prefix,
            ``Western*``). A token written exactly so (a prefix name: starting so) counts as
            that token as written ("US", "Westerners"), apart from its lowercase twin
            ("us"). Only whole tokens: "US-led" stays "us-led", and a name of several
            tokens ("White House") changes no term.

    Returns:
        ``(term, count)`` pairs, sorted by term (capitalised terms sort first).

    Raises:
        ValueError: ``terms`` is not ``"lemma"`` or ``"form"``.
    """
    source = _source(parsed, terms)
    counts = Counter(compress(source, map(operator.not_, parsed.is_num)))
    if case_sensitive:
        return move_terms(counts.items(), _moves(parsed, case_sensitive, source))
    return sorted(counts.items())
