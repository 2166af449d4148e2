"""The per-document pass: one NLP pass, then terms, scored sentences, marker matches with
their masked tone and actor mentions (:func:`process_parsed`).

Everything a document yields is one :class:`DocResult` of plain data, the unit that is
cached (:mod:`analysis.runner.doc_cache`) and shipped between processes.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from analysis.document import markers as mk
from analysis.document import tone as st
from analysis.document.lexicon import Lexicon
from analysis.document.nlp import (
    Parsed,
    TermMode,
    case_moves,
    move_terms,
    parse_many,
    term_counts,
)
from analysis.document.voice import match_voices, sentence_voices, voice_spans

__all__ = [
    "DocResult",
    "compiled_lexicon",
    "lexicon_part",
    "process",
    "process_parsed",
    "sentences",
    "terms",
    "voice_part",
]


@dataclass(slots=True)
class DocResult:
    """Everything the per-document pass produces for one document (plain data).

    ``sentences`` rows are ``(start, end, text, compound, pos, neu, neg)``; ``matches`` and
    ``actors`` rows are ``(sent_id, group, marker, start, end, text)``; ``masked`` holds the
    masked compound of each frame match, in the order of ``matches``. The voice results
    (:func:`voice_part`): ``voices`` per sentence ``(voice, mixed, speaker)``,
    ``match_voices`` per frame match ``(voice, speaker)``, ``quotes`` the non-narrator spans
    ``(span_id, voice, partial, start, end, speaker, speaker_actor, cue, text)`` and
    ``voice_tokens`` the word tokens ``(narrator, quote, reported)``.
    """

    n_tokens: int
    terms: list[tuple[str, int]]
    sentences: list[tuple[int, int, str, float, float, float, float]]
    matches: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)
    masked: list[float] = field(default_factory=list)
    actors: list[tuple[int, str, str, int, int, str]] = field(default_factory=list)
    voices: list[tuple[str, bool, str]] = field(default_factory=list)
    match_voices: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[tuple] = field(default_factory=list)
    voice_tokens: tuple[int, int, int] = (0, 0, 0)


def terms(
    parsed: Parsed, *, terms: TermMode = "lemma", case_sensitive: Collection[str] = ()
) -> list[tuple[str, int]]:
    """The document's term counts, sorted (see :func:`analysis.document.nlp.term_counts`).

    The per-document pass counts terms without the lexicon's case-sensitive names (so they
    are cached independently of the lexicon) and applies the lexicon's moves ("us" → "US",
    :func:`analysis.document.nlp.case_moves`) with the lexicon part.
    """
    return term_counts(parsed, terms=terms, case_sensitive=case_sensitive)


def sentences(parsed: Parsed) -> list[tuple[int, int, str, float, float, float, float]]:
    """Each sentence with its VADER scores (as :func:`analysis.document.tone.score` gives them)."""
    text = parsed.text
    polarity = st.get_analyzer().polarity_scores
    out = []
    for s, e in parsed.sentences:
        sent = text[s:e]
        v = polarity(sent)
        out.append((s, e, sent, v["compound"], v["pos"], v["neu"], v["neg"]))
    return out


def lexicon_part(
    parsed: Parsed, compiled: mk.CompiledLexicon
) -> tuple[list[tuple], list[float], list[tuple]]:
    """Frame matches, their masked compounds and actor matches (the lexicon-dependent part).

    Linear in the number of matches: the spans of each (sentence, frame, marker) are grouped
    in one pass, in match order, then each group's sentence is scored once.
    """
    text = parsed.text
    frames = mk.frame_rows(parsed, compiled)  # (sent_id, group, marker, start, end, text)
    # Every occurrence of one marker in one sentence is masked together, so the masked
    # compound is the same for all of them: score the sentence once per key.
    spans: dict[tuple[int, str, str], list[tuple[int, int]]] = {}
    for sent_id, group, marker, start, end, _ in frames:
        s = parsed.sentences[sent_id][0]
        spans.setdefault((sent_id, group, marker), []).append((start - s, end - s))
    done: dict[tuple[int, str, str], float] = {}
    for k, key_spans in spans.items():
        s, e = parsed.sentences[k[0]]
        done[k] = st.score_masked(text[s:e], key_spans)
    masked = [done[m[:3]] for m in frames]
    return frames, masked, mk.actor_rows(parsed, compiled)


#: The voices of :attr:`DocResult.voice_tokens`, in order.
TOKEN_VOICES = ("narrator", "quote", "reported")


def voice_part(parsed: Parsed, compiled: mk.CompiledLexicon, matches: list[tuple]) -> dict:
    """Whose words: the voice results of one document (see :class:`DocResult`).

    The spans are computed once (:func:`analysis.document.voice.voice_spans`, with the
    lexicon's actors, so the result belongs to the lexicon part of the cache). A word token
    counts in the voice of the span holding its first character.

    Returns:
        ``{"voices": ..., "match_voices": ..., "quotes": ..., "voice_tokens": ...}``.
    """
    spans = voice_spans(parsed.text, actors=compiled.lexicon.actors)
    starts = parsed.start
    tokens = dict.fromkeys(TOKEN_VOICES, 0)
    for s in spans:  # token starts are sorted: two bisections per span
        tokens[s.voice] += bisect_left(starts, s.end) - bisect_left(starts, s.start)
    return {
        "voices": sentence_voices(spans, parsed.sentences),
        "match_voices": match_voices(spans, [(m[3], m[4]) for m in matches]),
        "quotes": [
            (s.span_id, s.voice, s.partial, s.start, s.end, s.speaker, s.speaker_actor)
            + (s.cue, s.text)
            for s in spans
            if s.voice != "narrator"
        ],
        "voice_tokens": tuple(tokens[v] for v in TOKEN_VOICES),
    }


def process_parsed(
    parsed: Parsed, compiled: mk.CompiledLexicon, *, terms_mode: TermMode = "lemma"
) -> DocResult:
    """The per-document work that follows the NLP pass (``terms_mode``: lemmas or word
    forms as terms)."""
    matches, masked, actors = lexicon_part(parsed, compiled)
    moves = case_moves(parsed, compiled.case_sensitive_terms, terms=terms_mode)
    return DocResult(
        n_tokens=parsed.n_tokens,
        terms=move_terms(terms(parsed, terms=terms_mode), moves),
        sentences=sentences(parsed),
        matches=matches,
        masked=masked,
        actors=actors,
        **voice_part(parsed, compiled, matches),
    )


def process(
    texts: Iterable[str], compiled: mk.CompiledLexicon, *, terms_mode: TermMode = "lemma"
) -> Iterator[DocResult]:
    """Run the whole per-document pass on cleaned texts, streaming, in order (no cache)."""
    for parsed in parse_many(texts):
        yield process_parsed(parsed, compiled, terms_mode=terms_mode)


def compiled_lexicon(lexicon: Lexicon | mk.CompiledLexicon) -> mk.CompiledLexicon:
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
