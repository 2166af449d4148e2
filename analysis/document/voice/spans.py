"""Whose words carry the frame: narrator, quoted or reported speech, and who speaks.

:func:`voice_spans` cuts one cleaned document text into spans that cover it without overlap,
in order, each with a voice:

- ``quote``: inside quotation marks (rules in :mod:`.quotes`: straight, curly, guillemets and
  UK single quotes; continued paragraphs; nested single quotes; an unbalanced mark is capped at
  its paragraph chain). A quote is ``partial`` when it has fewer than :data:`FULL_QUOTE_WORDS`
  words or no speech cue nearby (scare quotes, names, titles);
- ``reported``: indirect speech governed by a cue of :data:`.cues.SPEECH_VERBS` with its
  speaker: the that-clause or bare clause after the cue ("Putin said that relations…", "Xi said
  China welcomes…"), the content before a trailing attribution ("Relations … level, Putin
  said."; "…, according to Xi."), the clause after a leading one ("According to Yury Ushakov,
  …"), the content after a colon without quotation marks ("X said: This decision…"),
  impersonal reports ("It is reported that…", "…, it has been claimed."), a sentence
  attributed by the next one ("This was stated by Sergei Lavrov."), labelled paragraphs of
  transcripts and headlines ("Wang Wenbin: …", "Putin: …", "… — Xi"), and the readout
  convention: the sentences after "X stressed that …" at the start of a paragraph stay X's
  until one names a speaker or has a cue of its own;
- ``narrator``: everything else, the attributions included ("Putin said" in ``"…," Putin
  said``).

Each quote and reported span carries its speaker as written (a pronoun is replaced by its
antecedent), the speaker's head name and lexicon actor (:mod:`.cues`, :mod:`.speakers`), and
the cue. A quote without its own cue takes the speaker of the reported speech it sits in, or
(when it opens its sentence) of an adjacent sentence; its ``cue`` is then that speaker's cue.
:func:`sentence_voices` and :func:`match_voices` label the pipeline's sentences and marker
matches from the spans (a sentence's voice is the majority voice of its letters and digits).

The modules: :mod:`.quotes` (quotation marks, paragraphs, sentences), :mod:`.cues` (cue words,
speaker phrases), :mod:`.attribution` with :mod:`.clauses` (sentence rules), :mod:`.discourse`
with :mod:`.headlines` (paragraph rules), :mod:`.speakers` (pronouns, actors). Everything is
regular expressions and bounded walks over the narrator tokens near a cue: no model, no parser,
time linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from analysis.document.voice.attribution import Claim, find_claims
from analysis.document.voice.cues import speaker_head
from analysis.document.voice.quotes import find_quotes, paragraph_bounds, sentence_bounds
from analysis.document.voice.speakers import ActorMatcher, SpeakerTracker

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FULL_QUOTE_WORDS",
    "SPAN_COLUMNS",
    "VOICES",
    "Span",
    "Voice",
    "match_voices",
    "sentence_voices",
    "spans_frame",
    "voice_at",
    "voice_spans",
]

Voice = Literal["narrator", "quote", "reported"]
#: The voices, in the order used to break ties.
VOICES: tuple[str, ...] = ("quote", "reported", "narrator")
#: A quote of fewer words than this is partial.
FULL_QUOTE_WORDS = 4


class Span(NamedTuple):
    """A run of text in one voice (an immutable named tuple, in :data:`SPAN_COLUMNS` order).

    Attributes:
        span_id: Position of the span in the document (0, 1, 2, …).
        voice: ``narrator``, ``quote`` or ``reported``.
        partial: For quotes, whether it is a short or uncued quote (scare quotes); else false.
        start: Offset of the first character.
        end: Offset after the last character.
        speaker: The speaker as written ("Russian President Vladimir Putin", "the statement"),
            "" for narrator spans and when the text names nobody.
        speaker_head: The proper-name part of the speaker ("Vladimir Putin"), "" if none.
        speaker_actor: The lexicon actor the speaker maps to ("russia"), "" if unknown.
        cue: The speech cue that attributes the span ("said", "according to"), "" if none.
        text: ``document[start:end]``.
    """

    span_id: int
    voice: Voice
    partial: bool
    start: int
    end: int
    speaker: str
    speaker_head: str
    speaker_actor: str
    cue: str
    text: str


#: Columns of :func:`spans_frame` (the fields of :class:`Span`).
SPAN_COLUMNS: tuple[str, ...] = Span._fields

_WORD = re.compile(r"[^\W_]+")


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _resolve(text: str, claims: list[Claim], matcher: ActorMatcher) -> None:
    """Fill each claim's speaker, head and actor, in document order of the speaker phrases."""
    tracker = SpeakerTracker()
    for c in sorted((c for c in claims if c.words), key=lambda c: c.pos):
        speaker, head = tracker.resolve(c.para, c.words, c.mention)
        actor = matcher.actor(head, speaker) if speaker else ""
        if speaker and not head:
            head = tracker.describe(c.para, actor) or _named(c.mentions, actor, matcher)
        c.speaker, c.head, c.actor = speaker, head, actor
        tracker.add(c.para, speaker, speaker_head(c.words) or head, actor, c.words)


def _copy(c: Claim, d: Claim) -> None:
    c.speaker, c.head, c.actor = d.speaker, d.head, d.actor
    c.cue = c.cue or d.cue


_MATCHERS: dict[int, tuple[object, ActorMatcher]] = {}


def _matcher(actors: Mapping[str, object] | None) -> ActorMatcher:
    """The :class:`ActorMatcher` of ``actors``, compiled once per mapping object (at most 8)."""
    hit = _MATCHERS.get(id(actors))
    if hit is not None and hit[0] is actors:
        return hit[1]
    if len(_MATCHERS) >= 8:
        _MATCHERS.clear()
    matcher = ActorMatcher(actors)
    _MATCHERS[id(actors)] = (actors, matcher)
    return matcher


def _named(mentions: Sequence[str], actor: str, matcher: ActorMatcher) -> str:
    """Head of the last name mentioned before a nameless speaker, of the same actor."""
    for name in reversed(mentions):
        head = speaker_head(name.split())
        if actor and matcher.actor(head, name) == actor:
            return head
    return ""


def _inherit(claims: list[Claim]) -> None:
    """Claims without a speaker take that of the claim they continue, of the reported speech
    they sit in, or (a quote opening its sentence, with no cue) of an adjacent sentence."""
    by_sentence: dict[int, list[Claim]] = {}
    for c in claims:
        by_sentence.setdefault(c.sentence, []).append(c)
    for c in claims:  # in document order: hosts and continued claims come first
        if c.speaker:
            continue
        if c.same_as is not None:
            _copy(c, c.same_as)
            continue
        if c.host is not None and c.host.speaker:
            _copy(c, c.host)
            continue
        if c.voice != "quote" or c.cue or not c.leading:
            continue
        for s in (c.sentence - 1, c.sentence + 1):
            near = [d for d in by_sentence.get(s, ()) if d.speaker and d.cue and d is not c]
            if near and (s < c.sentence or near[0].para == c.para):
                _copy(c, near[-1] if s < c.sentence else near[0])
                break


def voice_spans(text: str, *, actors: Mapping[str, object] | None = None) -> list[Span]:
    """Cut ``text`` into narrator, quote and reported spans (see the module docstring).

    Args:
        text: One cleaned document text (paragraphs separated by newlines).
        actors: Actor → names, e.g. ``load_lexicon().actors``, to fill ``speaker_actor``.

    Returns:
        Spans covering ``text`` in order without overlap (an empty text gives ``[]``).
    """
    if not text:
        return []
    quotes = find_quotes(text)
    paragraphs = paragraph_bounds(text)
    claims = find_claims(text, quotes, sentence_bounds(text, paragraphs), paragraphs)
    _resolve(text, claims, _matcher(actors))
    _inherit(claims)
    return _assemble(text, claims)


def _rank(c: Claim) -> tuple[int, int, bool]:
    """Which claim owns a character where several overlap: the innermost (a quote on ties)."""
    return (c.start, -c.end, c.voice != "reported")


def _assemble(text: str, claims: list[Claim]) -> list[Span]:
    """Flatten nested claims (the innermost wins) and fill the gaps with narrator spans."""
    points = sorted({0, len(text), *(c.start for c in claims), *(c.end for c in claims)})
    starts = sorted(claims, key=lambda c: c.start)
    active: list[Claim] = []
    pieces: list[tuple[int, int, Claim | None]] = []
    k = 0
    for a, b in zip(points, points[1:], strict=False):
        while k < len(starts) and starts[k].start <= a:
            active.append(starts[k])
            k += 1
        if active and any(c.end <= a for c in active):
            active = [c for c in active if c.end > a]
        owner = (active[0] if len(active) == 1 else max(active, key=_rank)) if active else None
        if pieces and pieces[-1][2] is owner:
            pieces[-1] = (pieces[-1][0], b, owner)
        else:
            pieces.append((a, b, owner))
    partial: dict[int, bool] = {}
    spans = []
    for i, (a, b, c) in enumerate(pieces):
        if c is None:
            spans.append(Span(i, "narrator", False, a, b, "", "", "", "", text[a:b]))
            continue
        short = False
        if c.voice == "quote":
            short = partial.get(id(c))
            if short is None:
                head = text[c.start : min(c.end, c.start + 80)]
                short = partial[id(c)] = not c.cue or _word_count(head) < FULL_QUOTE_WORDS
        voice: Voice = "quote" if c.voice == "quote" else "reported"
        spans.append(Span(i, voice, short, a, b, c.speaker, c.head, c.actor, c.cue, text[a:b]))
    return spans


# --------------------------------------------------------------------------- lookups


def voice_at(spans: Sequence[Span], offsets: Sequence[int]) -> list[Span | None]:
    """The span containing each character offset (``None`` outside the text)."""
    starts = [s.start for s in spans]
    out: list[Span | None] = []
    for off in offsets:
        k = bisect_right(starts, off) - 1
        out.append(spans[k] if k >= 0 and off < spans[k].end else None)
    return out


_NOT_ALNUM = re.compile(r"[\W_]+")


def _alnum(chunk: str) -> int:
    return len(chunk) - sum(map(len, _NOT_ALNUM.findall(chunk)))


def _mixed(spans: Sequence[Span], k: int, a: int, b: int) -> tuple[str, bool, str]:
    """The majority voice of ``[a, b)``, which starts in span ``k`` and crosses its end.

    Each overlapped span counts its letters and digits in ``[a, b)`` (all its characters
    there when no span has any); ties go to the voice first in :data:`VOICES`, then to the
    first span.
    """
    pieces: list[tuple[int, int]] = []  # (span index, letters and digits)
    chars: list[tuple[int, int]] = []  # (span index, characters) in case no span has letters
    n = len(spans)
    while k < n and spans[k].start < b:
        s = spans[k]
        lo, hi = max(a, s.start), min(b, s.end)
        if hi > lo:
            count = _alnum(s.text[lo - s.start : hi - s.start])
            if count:
                pieces.append((k, count))
            elif not pieces:
                chars.append((k, hi - lo))
        k += 1
    pieces = pieces or chars
    if not pieces:
        return "narrator", False, ""
    per_voice = {"quote": 0, "reported": 0, "narrator": 0}
    for i, count in pieces:
        per_voice[spans[i].voice] += count
    voice = max(VOICES, key=per_voice.__getitem__)  # max keeps the first of equal counts
    best, most = -1, 0
    for i, count in pieces:
        if count > most and spans[i].voice == voice:
            best, most = i, count
    mixed = sum(1 for v in per_voice.values() if v) > 1
    return voice, mixed, spans[best].speaker


def sentence_voices(
    spans: Sequence[Span], sentence_spans: Sequence[tuple[int, int]]
) -> list[tuple[str, bool, str]]:
    """``(voice, mixed, speaker)`` of each ``(start, end)`` sentence.

    The voice is the one with the most letters and digits in the sentence (ties: quote,
    reported, narrator); ``mixed`` is true when the sentence has letters in two voices;
    ``speaker`` is the speaker of the largest span of that voice ("" for narrator). A
    sentence inside one span (the usual case) costs one bisection.
    """
    if not spans:
        return [("narrator", False, "")] * len(sentence_spans)
    starts = [s.start for s in spans]
    out: list[tuple[str, bool, str]] = []
    for a, b in sentence_spans:
        k = max(bisect_right(starts, a) - 1, 0)
        s = spans[k]
        out.append((s.voice, False, s.speaker) if s.end >= b else _mixed(spans, k, a, b))
    return out


def match_voices(
    spans: Sequence[Span], match_spans: Sequence[tuple[int, int]]
) -> list[tuple[str, str]]:
    """``(voice, speaker)`` of each ``(start, end)`` match (a marker or an actor name)."""
    return [(v, sp) for v, _, sp in sentence_voices(spans, match_spans)]


def spans_frame(spans: Sequence[Span], *, doc_id: str | None = None) -> pd.DataFrame:
    """The spans as a table with :data:`SPAN_COLUMNS` (and ``doc_id`` first when given)."""
    import pandas as pd

    df = pd.DataFrame([tuple(s) for s in spans], columns=list(SPAN_COLUMNS))
    if doc_id is not None:
        df.insert(0, "doc_id", doc_id)
    return df
