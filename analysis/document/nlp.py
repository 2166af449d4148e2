"""The single per-document NLP pass.

Each cleaned document is tokenized **once** by a cached spaCy pipeline
(``spacy.blank("en")`` + paragraph-break rule + ``sentencizer``). The result is a
:class:`Parsed` record of plain Python lists (word tokens, their lowercased forms and
lookup lemmas, character offsets, sentence ids, sentence spans). Everything downstream
(terms, sentences, sentiment, marker matches) is computed from that record, which is
also what the cache stores.

Word tokens are tokens that are neither punctuation nor whitespace and contain at least
one letter or digit. Their lowercased form writes the typographic apostrophe ``’`` as ``'``
("People’s" and "People's" are the same words). Lemmas are the lookup lemma
(``spacy-lookups-data``) of that lowercased form (the lookup table is case-sensitive), with
two corrections: the clitic ``'s`` (possessive, "is" or "has") stays ``'s`` instead of the
table's "have", and hyphens at the edges of a token ("high -level") are dropped ("level").
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache, lru_cache

import numpy as np
from spacy.attrs import IDX, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from analysis.config import PIPELINE_VERSION, RULES_VERSION  # noqa: F401 (re-exported)

__all__ = [
    "PIPELINE_VERSION",
    "Parsed",
    "get_nlp",
    "lemmatize",
    "parse",
    "parse_many",
    "word_forms",
]


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
        is_num: Whether each word token is number-like ("2,000", "75th").
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
    # Only whitespace tokens can hold a blank line: find them in one array pass.
    for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
        if doc[i].text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
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
        nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


@cache
def _lemma_table():
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@lru_cache(maxsize=200_000)
def lemmatize(lower: str) -> str:
    """Lookup lemma of an already lowercased word (the word itself when not in the table)."""
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


#: Per-lexeme facts, keyed by the ORTH hash: ``None`` for whitespace, else
#: ``(length, lower, lemma, is_num)`` with ``lower = None`` for punctuation/non-words. They
#: depend only on the token text, so each distinct text is examined once per process.
_LEXEME_INFO: dict[int, tuple[int, str | None, str, bool] | None] = {}


def _lexeme_info(doc: Doc, orth: int) -> tuple[int, str | None, str, bool] | None:
    lex = doc.vocab[orth]
    text = lex.orth_
    if lex.is_space:
        info = None
    elif lex.is_punct or not _is_word(text):
        info = (len(text), None, "", False)
    else:
        low, lemma = word_forms(lex.lower_)
        info = (len(text), low, lemma, bool(lex.like_num))
    _LEXEME_INFO[orth] = info
    return info


def _sentence_starts(doc: Doc) -> list[int]:
    """Token index where each sentence starts (what ``doc.sents`` iterates, without Spans)."""
    if "sents" in doc.user_hooks:  # pragma: no cover - custom pipelines only
        return [s.start for s in doc.sents]
    flags = doc.to_array(SENT_START)
    flags[0] = 1
    return np.flatnonzero(flags == 1).tolist()


def _to_parsed(doc: Doc) -> Parsed:
    # Array passes instead of a Token object per token: ORTH is mapped to small ints with
    # np.unique, and the per-token facts come from the per-lexeme cache.
    lower: list[str] = []
    lemma: list[str] = []
    start: list[int] = []
    end: list[int] = []
    sent: list[int] = []
    is_num: list[bool] = []
    sentences: list[tuple[int, int]] = []
    n = len(doc)
    if not n:
        return Parsed(doc.text, lower, lemma, start, end, sent, is_num, sentences)
    arr = doc.to_array([ORTH, IDX])
    orths, inverse = np.unique(arr[:, 0], return_inverse=True)
    get = _LEXEME_INFO.get
    infos = [get(o, 0) for o in orths.tolist()]
    for j, info in enumerate(infos):
        if info == 0:
            infos[j] = _lexeme_info(doc, int(orths[j]))
    idxs = arr[:, 1].tolist()
    toks = [infos[j] for j in inverse.tolist()]
    bounds = [*_sentence_starts(doc), n]
    for b in range(len(bounds) - 1):
        sid = len(sentences)
        first = last_end = -1
        for i in range(bounds[b], bounds[b + 1]):
            info = toks[i]
            if info is None:
                continue
            ln, low, lem, num = info
            idx = idxs[i]
            if first < 0:
                first = idx
            last_end = idx + ln
            if low is None:
                continue
            lower.append(low)
            lemma.append(lem)
            start.append(idx)
            end.append(last_end)
            sent.append(sid)
            is_num.append(num)
        if first >= 0:
            sentences.append((first, last_end))
    return Parsed(doc.text, lower, lemma, start, end, sent, is_num, sentences)


def parse(text: str) -> Parsed:
    """Run the NLP pass on one cleaned text."""
    return _to_parsed(get_nlp()(text))


def parse_many(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Parsed]:
    """Run the NLP pass on many texts (streaming, in order)."""
    for doc in get_nlp().pipe(texts, batch_size=batch_size):
        yield _to_parsed(doc)
