"""Sentence attribution rules: what is quoted or reported, by which speaker phrase.

:func:`find_claims` returns one :class:`Claim` per quotation (from :mod:`.quotes`) and one per
reported span, each with its cue and the words of its speaker phrase (resolved afterwards by
:class:`~analysis.document.voice.speakers.SpeakerTracker`). Per sentence, for each cue of
:data:`~analysis.document.voice.cues.SPEECH_VERBS` outside quotes:

1. right after a closing mark (``"…," Putin said``; ``"…," said Putin``) or right before an
   opening one (``Putin said: "…"``; ``He continued, "…"``; ``told the despot: "…"``) it
   attributes that quote; narrator text before such a quote in the same sentence is reported
   (``The talks were "very successful," Le told media.``);
2. otherwise its content is reported: after "that" (within a few words of the cue, or of its
   object for "told", "assured", "informed"; for these also from a pronoun after the object
   and a time word: "told Xi on Friday he was keen…", and past a quoted title: 'told
   "Comrade" Wang that…', 'told his "old friend" Putin that…'; after a stance noun: "restated
   his stance that…"; a that-clause opening with a quote is reported when narrator words
   follow the quote: 'said that "all agreements" had been reached'), after a colon (then to
   the end of the paragraph), or right after the cue for
   :data:`~analysis.document.voice.cues.BARE_CUES` (and for
   :data:`~analysis.document.voice.cues.CLAUSE_CUES` when an auxiliary soon follows); for
   "asked", after "if" / "whether" or from a wh-word ("Reporters asked how Moscow…"; "was
   asked if" names no asker; "Asked by X whether …, Y said" stops at Y's comma). The content
   ends at the end of the sentence, before the clause of a later cue (", adding that…", "but
   claimed…"), before a spaced dash opening a comment ("… - a move that…") or a closing
   ", without elaborating"; "said this / so / it" before a tail reports nothing; "said X and
   that Y" reports both clauses; a cue inside another's content that reports nothing itself
   ("He said China urged the US…") leaves the main speaker to a later ", saying…";
3. when nothing follows it but an attribution tail ("in an interview…", "on Friday"), a cue
   after a comma attributes what precedes the comma ("Relations … level, Putin said.";
   the first such cue of a sentence only); between two commas it attributes what follows
   ("At such a time, the expert believes, it is…"), and a noun phrase before them too ("China
   and Russia, they stressed, both…"); "According to X, …" (at most a few words into the
   sentence) attributes what follows
   its comma and ", according to X." what precedes it; so do "As X said, …" and "As noted by
   X, …" near the start of a sentence, and "…, as X said." at its end; after another cue's
   content, a trailing ", according to …" only ends that content ("Xi said ties grow,
   according to a translation of his words");
4. a cue with no content attributes a quote of its own clause ("Xi Jinping noted the "positive
   development""), as do the verbs of :data:`~analysis.document.voice.cues.NAMING_VERBS`
   ("praised his 'dear friend'").

A cue after "and" with no speaker of its own takes the sentence's subject ("Xi addressed
Putin … and said …"), and one after a relative clause holding a quote the phrase before it
("Xi, who called Putin "my friend", said …").

The sentence rules are implemented in :mod:`.clauses` (the lead and closing cues in
:mod:`.leads`); the paragraph rules (labels,
transcripts, headlines, impersonal and backward reports, readouts) in :mod:`.discourse`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from analysis.document.voice.clauses import SentenceRules
from analysis.document.voice.cues import (
    NAMING_VERBS,
    SPEECH_VERBS,
    Token,
    is_name,
    right_speaker,
    trie_pattern,
    word_tokens,
)
from analysis.document.voice.discourse import apply_discourse, prepare_paragraphs
from analysis.document.voice.quotes import Quote

__all__ = ["Claim", "ClaimFinder", "Sentence", "Sentences", "find_claims"]


@dataclass(eq=False, slots=True)
class Claim:
    """A quoted or reported span with its attribution (filled in stages)."""

    start: int
    end: int
    voice: str  # "quote" or "reported"
    sentence: int
    para: int
    cue: str = ""
    words: tuple[str, ...] = ()
    pos: int = 0
    mention: str = ""
    mentions: tuple[str, ...] = ()
    host: Claim | None = None
    same_as: Claim | None = None
    leading: bool = False
    speaker: str = ""
    head: str = ""
    actor: str = ""


@dataclass(slots=True)
class Sentence:
    """A sentence with its tokens and, for each token, the quote it is in (-1: none)."""

    idx: int
    start: int
    end: int
    para: int
    toks: list[Token]
    inq: list[int]
    cues: list[tuple[int, int, str]] = field(default_factory=list)
    naming: list[tuple[int, int, str]] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    speakers: list[tuple[tuple[str, ...], int]] = field(default_factory=list)


_NAMING_SET = frozenset(NAMING_VERBS)
_CUE_BODY = trie_pattern(sorted(set(SPEECH_VERBS) | _NAMING_SET))
#: Cues after a whitespace character (a charset prefix lets the regex engine skip fast); the
#: text is searched with a space in front, so a cue may open it.
#: A lookahead on the cues' first letters rejects most words before the trie is tried.
_CUE_FIRST = "".join(sorted({c[0] for c in set(SPEECH_VERBS) | _NAMING_SET}))
_CUE_LOWER = re.compile(r"\s(?=[" + _CUE_FIRST + "])(" + _CUE_BODY + r")(?![\w’'-])")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[^\W_]")
_PUNCT_GAP = set(",.:;–—-")
#: Characters tokenized after a sentence's last cue (the rules look at most 25 tokens ahead).
_WINDOW = 300


#: Cues that are a word of a name when capitalised ("the United States", "Member States").
_NAME_CUES = frozenset({"states"})


def _in_name(text: str, a: int, cue: str) -> bool:
    """Whether the cue at offset ``a`` is a capitalised word of a name, never a cue."""
    return cue in _NAME_CUES and text[a].isupper()


class Sentences:
    """The sentences of a document as a sequence, each :class:`Sentence` built on first use."""

    def __init__(self, finder: ClaimFinder, bounds: list[tuple[int, int]]) -> None:
        self.finder = finder
        self.bounds = bounds
        self.items: list[Sentence | None] = [None] * len(bounds)

    def __len__(self) -> int:
        return len(self.bounds)

    def __getitem__(self, k: int) -> Sentence:
        s = self.items[k]
        if s is None:
            a, b = self.bounds[k]
            s = self.items[k] = Sentence(k, a, b, self.finder.para_of(a), [], [])
        return s

    def para(self, k: int) -> int:
        """Paragraph of sentence ``k`` (without building it)."""
        return self.finder.para_of(self.bounds[k][0])

    def built(self) -> list[Sentence]:
        """The sentences built so far, in order."""
        return [s for s in self.items if s is not None]


class ClaimFinder:
    """Applies the sentence rules of the module docstring to one document.

    Only sentences with a cue are tokenized, and only outside quotations: a quotation is one
    placeholder token (its opening mark, spanning the whole quote), so the rules see ``"…"``
    as a unit and the cost follows the narrator text around cues, not the document.
    """

    def __init__(self, text: str, quotes: list[Quote], sentences, paragraphs) -> None:
        self.text = text
        self.quotes = quotes
        self.qstarts = [q.start for q in quotes]
        self.paras = paragraphs
        self.pstarts = [a for a, _ in paragraphs]
        self.sstarts = [a for a, _ in sentences]
        self.qclaims = [
            Claim(q.start, q.end, "quote", self.sentence_of(q.start), self.para_of(q.start))
            for q in quotes
        ]
        self.sentences = Sentences(self, sentences)
        self.built: set[int] = set()
        low = text.lower()
        if len(low) != len(text):  # a character whose lower case is longer: keep offsets
            low = text.translate(_ASCII_LOWER)
        self.low = low
        hits: dict[int, list[tuple[int, int, str]]] = {}
        for m in _CUE_LOWER.finditer(" " + low):
            a, b = m.start(1) - 1, m.end(1) - 1
            if self.quote_at(a) < 0 and not _in_name(text, a, m[1]):
                hits.setdefault(self.sentence_of(a), []).append((a, b, m[1]))
        for k, found in hits.items():
            s = self.sentences[k]
            self.tokens(s, found[-1][1] + _WINDOW)
            for a, b, cue in found:
                i, j = bisect_left(s.toks, (a,)), bisect_left(s.toks, (b,))
                cue = " ".join(cue.split())
                (s.naming if cue in _NAMING_SET else s.cues).append((i, j, cue))
        self.claims: list[Claim] = []
        self.clip: dict[int, int] = {}  # paragraph -> end of its headline content
        self.heads: list = []  # per paragraph: its headline source, or None

    def tokens(self, s: Sentence, upto: int = 0) -> Sentence:
        """Tokenize ``s`` once: narrator tokens, one placeholder token per quotation, up to
        ``upto`` (default: :data:`_WINDOW` characters into the sentence) at the most."""
        if s.idx in self.built:
            return s
        self.built.add(s.idx)
        pos = s.start
        end = min(s.end, max(upto, s.start + _WINDOW))
        k = max(bisect_right(self.qstarts, s.start) - 1, 0)
        while k < len(self.quotes) and self.quotes[k].start < end:
            q = self.quotes[k]
            if q.end > s.start:
                if q.start > pos:
                    s.toks += word_tokens(self.text, pos, q.start)
                    s.inq += [-1] * (len(s.toks) - len(s.inq))
                s.toks.append((q.start, q.end, self.text[q.start]))
                s.inq.append(k)
                pos = max(pos, q.end)
            k += 1
        if pos < end:
            s.toks += word_tokens(self.text, pos, end)
            s.inq += [-1] * (len(s.toks) - len(s.inq))
        return s

    def token_range(self, s: Sentence, a: int, b: int) -> tuple[int, int]:
        """Token indices of the characters ``[a, b)`` of sentence ``s`` (tokenizing it)."""
        toks = self.tokens(s).toks
        return bisect_left(toks, (a,)), bisect_left(toks, (b,))

    def para_of(self, off: int) -> int:
        return max(bisect_right(self.pstarts, off) - 1, 0)

    def sentence_of(self, off: int) -> int:
        return max(bisect_right(self.sstarts, off) - 1, 0)

    def quote_at(self, off: int) -> int:
        """Index of the quote containing offset ``off`` (-1: none)."""
        k = bisect_right(self.qstarts, off) - 1
        return k if k >= 0 and off < self.quotes[k].end else -1

    def claim(self, s: Sentence, a: int, b: int, cue: str, words, pos: int) -> Claim | None:
        """Add a reported claim over ``[a, b)`` unless it holds no narrator word."""
        b = min(b, self.clip.get(s.para, b))
        qi = self.quote_at(b - 1) if b > a else -1
        if qi >= 0 and self.quotes[qi].start >= a:  # never cut a quote in two
            b = max(b, self.quotes[qi].end)
        while b > a and self.text[b - 1].isspace():
            b -= 1
        if b <= a or not self.narrated(a, b):
            k = bisect_left(self.qstarts, a)
            while k < len(self.quotes) and self.quotes[k].start < s.end:
                self.attribute(k, cue, words, pos)
                k += 1
            return None
        c = Claim(a, b, "reported", s.idx, s.para, cue, tuple(words), pos)
        s.claims.append(c)
        self.claims.append(c)
        return c

    def quote_in(self, a: int, b: int) -> bool:
        """Whether a quotation starts in ``[a, b)`` or covers ``a``."""
        k = bisect_left(self.qstarts, a)
        return (k < len(self.quotes) and self.quotes[k].start < b) or self.quote_at(a) >= 0

    def narrated(self, a: int, b: int) -> bool:
        """Whether ``text[a:b]`` has a letter or digit outside quotations."""
        k = max(bisect_right(self.qstarts, a) - 1, 0)
        pos = a
        while pos < b:
            while k < len(self.quotes) and self.quotes[k].end <= pos:
                k += 1
            nxt = self.quotes[k].start if k < len(self.quotes) else b
            if nxt > pos and _WORD.search(self.text, pos, min(nxt, b)):
                return True
            if k >= len(self.quotes):
                return False
            pos = max(pos, self.quotes[k].end)
        return False

    def attribute(self, qi: int, cue: str, words, pos: int) -> None:
        """Give quote ``qi`` its cue and speaker phrase (the first attribution wins)."""
        q = self.qclaims[qi]
        if not q.cue:
            q.cue, q.words, q.pos = cue, tuple(words), pos

    def cues(self, s: Sentence) -> list[tuple[int, int, str]]:
        """``(first token, token after, cue)`` of each speech cue of ``s`` outside quotes."""
        return s.cues

    def naming_cues(self, s: Sentence) -> list[tuple[int, int, str]]:
        """Like :meth:`cues` for :data:`~analysis.document.voice.cues.NAMING_VERBS`."""
        return s.naming

    def words(self, s: Sentence, rng) -> tuple[tuple[str, ...], int]:
        if rng is None:
            return (), 0
        return tuple(t[2] for t in s.toks[rng[0] : rng[1]]), s.toks[rng[0]][0]

    def lo_bound(self, s: Sentence, k: int) -> int:
        """First token after the last quoted token before ``k`` (speaker phrases stop there)."""
        j = k
        while j > 0 and s.inq[j - 1] < 0 and j > k - 40:
            j -= 1
        return j

    def quote_before(self, s: Sentence, j: int) -> int:
        """The quote whose closing mark directly precedes token ``j`` (punctuation allowed)."""
        while j > 0 and s.inq[j - 1] < 0 and s.toks[j - 1][2] in _PUNCT_GAP:
            j -= 1
        if j > 0 and s.inq[j - 1] >= 0 and self.quotes[s.inq[j - 1]].end == s.toks[j - 1][1]:
            return s.inq[j - 1]
        return -1

    def quote_after(self, s: Sentence, j: int, *, reach: int = 1) -> int:
        """The quote opening after at most ``reach - 1`` words (then ``:`` or ``,``) from ``j``."""
        seen, last = 0, ""
        while j < len(s.toks) and s.inq[j] < 0:
            w = s.toks[j][2]
            if w not in ",:–—-." and w.lower() != "that":
                seen += 1
                if seen >= reach:
                    return -1
            last = w
            j += 1
        if j >= len(s.toks) or self.quotes[s.inq[j]].start != s.toks[j][0]:
            return -1
        return s.inq[j] if seen == 0 or last in ",:" or last.lower() == "that" else -1

    def subject(self, s: Sentence, k: int = 0) -> tuple[int, int] | None:
        """The first speaker phrase from token ``k``, after a leading adverbial phrase."""
        toks = self.tokens(s).toks
        w = toks[k][2] if k < len(toks) else ""
        adverbial = w.endswith(("ing", "ly")) and w.lower() not in _DET
        if w and (adverbial or not (is_name(w) or w.lower() in _DET)):
            k = next((i + 1 for i in range(k, len(toks)) if toks[i][2] == ","), len(toks))
        return right_speaker(toks, k) if k < len(toks) else None

    def link(self) -> list[Claim]:
        """Hosts (the innermost reported claim around each claim); all claims in order."""
        claims = sorted(self.qclaims + self.claims, key=lambda c: (c.start, -c.end))
        open_: list[Claim] = []  # reported claims that may still contain later ones
        for c in claims:
            while open_ and open_[-1].end <= c.start:
                open_.pop()
            c.host = next((h for h in reversed(open_) if c.end <= h.end), None)
            if c.voice == "reported":
                open_.append(c)
        for q in self.qclaims:
            q.leading = q.start <= self.sentences.bounds[q.sentence][0]
        return claims


_DET = frozenset({"the", "a", "an", "he", "she", "it", "they", "we"})


def find_claims(
    text: str,
    quotes: list[Quote],
    sentences: list[tuple[int, int]],
    paragraphs: list[tuple[int, int]],
) -> list[Claim]:
    """Quote and reported claims of a document, in order (see the module docstring)."""
    finder = ClaimFinder(text, quotes, sentences, paragraphs)
    prepare_paragraphs(finder)
    for s in finder.sentences.built():  # the sentences with a cue
        if s.cues or s.naming:
            SentenceRules(finder, s).run()
    apply_discourse(finder)
    return finder.link()
