"""Paragraph rules of :mod:`.attribution`: labels, transcripts, headlines, reports, readouts.

- **Labels and transcripts**: a paragraph "Label: text" (:func:`.headlines.paragraph_label`)
  reports its first sentence as the label's ("Putin: Russia and China are…"); in a transcript
  (two labelled paragraphs or more) the whole paragraph, and the unlabelled paragraphs after it
  until the next label, are the label's ("Wang Wenbin: …"). A question label ("Question:",
  "Q:", "Journalist:", :func:`.headlines.question_label`) names nobody: the question is
  reported without a speaker, and the unlabelled paragraphs after it (or an "A:" paragraph)
  are the answer of the last label that named a speaker.
- **Headlines**: "… — Xi" and "…: Chinese vice FM" report the headline as the source's
  (:func:`.headlines.headline_source`) unless the headline has a cue of its own ("Wang says
  … - CNA": the outlet); "‘…’: Putin on …" attributes the quote.
- **Impersonal reports** ("It is reported that…", "it is also noted that…", "…, it has been
  claimed.") have no speaker.
- **Backward attribution**: "This was stated by X." / "It is reported by X." makes the previous
  sentence of the paragraph X's.
- **Readouts**: when a paragraph opens with "X stressed that …" (a finite cue within its first
  twelve words, content to the end of the sentence), its next sentences stay X's until one has a
  quote or a cue, starts with a pronoun other than "it", or names X; a medium's report ("The
  Journal reported that …", "The material states that …") opens no readout.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.document.voice.cues import PERSON_NOUNS, right_speaker, speaker_head, word_tokens
from analysis.document.voice.headlines import (
    headline_source,
    paragraph_label,
    question_label,
    quote_headline,
)

if TYPE_CHECKING:
    from analysis.document.voice.attribution import Claim, ClaimFinder, Sentence

__all__ = ["apply_discourse", "prepare_paragraphs"]

#: Impersonal reports and backward attributions, matched on the lower-cased text.
_REPORT = re.compile(
    r"(?P<pro>it|this) (?:is|was|has been|had been)(?: also| further| now| unanimously)?"
    r" (?P<verb>reported|noted|claimed|alleged|said|stated|agreed|announced)(?P<how> that| by|\b)"
)
#: Two capitalised words or more (opening with a character set, for the engine's fast scan).
_NAME_RUN = re.compile(r"[A-Z][\w’'\-]+\s+(?:[A-Z][\w’'\-]+\s+)*[A-Z][\w’'\-]+")
_STOP_READOUT = frozenset({"he", "she", "they", "we", "i"})
#: Cues that open no readout: attributions, and a medium's report ("The Journal reported that
#: …", "The material states that …"), after which the narrator goes on.
_NO_READOUT = frozenset(
    {"according to", ":", "—", "reported", "reports", "states", "wrote", "writes"}
)


def prepare_paragraphs(f: ClaimFinder) -> None:
    """Before the sentence rules: where each headline's content ends (contents stop there)."""
    f.heads = [headline_source(f.text, a, b) for a, b in f.paras]
    for p, src in enumerate(f.heads):
        if src is not None:
            f.clip[p] = src[0]


def _reports(f: ClaimFinder) -> None:
    """Impersonal reports and backward attributions (found from each "it " and "this ")."""
    text, low = f.text, f.low
    for word in ("it ", "this "):
        a = low.find(word)
        while a >= 0:
            m = _REPORT.match(low, a)
            if m and not (a > 0 and low[a - 1].isalnum()) and f.quote_at(a) < 0:
                _report(f, text, m)
            a = low.find(word, a + 1)


def _report(f: ClaimFinder, text: str, m: re.Match[str]) -> None:
    a = m.start()
    k = f.sentence_of(a)
    s = f.sentences[k]
    if m["how"] == " that":
        if m["pro"] == "it":
            f.claim(s, _skip_space(text, m.end()), s.end, f"it is {m['verb']}", (), 0)
    elif m["how"] == " by":
        if a == s.start and k > 0 and f.sentences.para(k - 1) == s.para:
            _backward(f, s, f.sentences[k - 1], m.end(), m["verb"])
    elif (
        m["pro"] == "it"
        and text[a - 2 : a] == ", "
        and f.quote_at(s.start) < 0
        and not s.claims
        and text[m.end() : s.end].strip(".!? ") == ""
    ):
        f.claim(s, s.start, a - 2, "it has been claimed", (), 0)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _backward(f: ClaimFinder, s: Sentence, prev: Sentence, end: int, verb: str) -> None:
    """'This was stated by X.' makes the previous sentence X's."""
    f.tokens(s)
    j = next((i for i, t in enumerate(s.toks) if t[0] >= end), None)
    words, pos = f.words(s, right_speaker(s.toks, j) if j is not None else None)
    if words and not prev.claims:
        f.claim(prev, prev.start, prev.end, verb, words, pos)


def _labels(f: ClaimFinder) -> None:
    labels = [paragraph_label(f.text, a, b) for a, b in f.paras]
    asks = [question_label(f.text, a, b, lab) for (a, b), lab in zip(f.paras, labels, strict=True)]
    transcript = sum(lab is not None for lab in labels) + sum(q is not None for q in asks) >= 2
    current: Claim | None = None
    named: tuple[tuple[str, ...], int] = ((), 0)  # the last label that names a speaker
    for p, (a, b) in enumerate(f.paras):
        lab, ask = labels[p], asks[p]
        if ask is not None:
            if lab is not None and lab[2] < ask[0]:  # "Maria Zakharova: Question: …"
                named = (tuple(t[2] for t in word_tokens(f.text, lab[0], lab[1])), lab[0])
            current = _question(f, a, b, ask, named)
            continue
        if lab is None:
            if transcript and current is None and named[0] and p and asks[p - 1]:
                current = f.claim(f.sentences[f.sentence_of(a)], a, b, ":", *named)
            elif transcript and current is not None:
                c = f.claim(f.sentences[f.sentence_of(a)], a, b, ":", (), a)
                if c is not None:
                    c.same_as = current
            else:
                _headline(f, a, b, f.heads[p])
            continue
        s = f.sentences[f.sentence_of(a)]
        words = tuple(t[2] for t in word_tokens(f.text, lab[0], lab[1]))
        named = (words, lab[0])
        qi = f.quote_at(lab[2])
        if qi >= 0 and f.quotes[qi].start == lab[2]:
            f.attribute(qi, ":", words, lab[0])
            current = None
            continue
        end = b if transcript else f.sentences[f.sentence_of(lab[2])].end
        current = f.claim(s, lab[2], end, ":", words, lab[0])


def _question(
    f: ClaimFinder, a: int, b: int, ask: tuple[int, bool], named: tuple[tuple[str, ...], int]
) -> Claim | None:
    """A question ("Question: …") is reported without a speaker; an answer ("A: …") is the
    last named label's and, like a label, is continued by the next unlabelled paragraphs."""
    start, answer = ask
    s = f.sentences[f.sentence_of(a)]
    if not answer:
        f.claim(s, start, b, ":", (), a)
        return None
    return f.claim(s, start, b, ":", *named) if named[0] else None


def _headline(f: ClaimFinder, a: int, b: int, src) -> None:
    if src is not None and f.sentences[f.sentence_of(a)].claims:
        return  # "China's top diplomat says … - CNA": the headline's own cue names the source
    if src is not None:
        words = tuple(t[2] for t in word_tokens(f.text, src[1], src[2]))
        f.claim(f.sentences[f.sentence_of(a)], a, src[0], "—", words, src[1])
        return
    qh = quote_headline(f.text, a, b, f.quotes, f.quote_at(a))
    if qh is not None:
        qi, sa, sb = qh
        f.attribute(qi, ":", tuple(t[2] for t in word_tokens(f.text, sa, sb)), sa)


def _readout(f: ClaimFinder) -> None:
    for s in f.sentences.built():
        k = s.idx
        if not s.claims or (k > 0 and f.sentences.para(k - 1) == s.para):
            continue
        lead = [
            c for c in s.claims
            if c.cue not in _NO_READOUT and not c.cue.endswith("ing")
            and c.words and c.end >= s.end - 1 and f.text.count(" ", s.start, c.start) < 12
        ]  # fmt: skip
        if not lead or any(c.cue == ":" for c in s.claims):
            continue
        c0 = lead[-1]
        names = set(speaker_head(c0.words).split()) | {c0.words[-1]}
        named = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")
        for j in range(k + 1, len(f.sentences)):
            if f.sentences.para(j) != s.para:
                break
            t = f.sentences[j]
            if t.claims or t.cues or f.quote_in(t.start, t.end):
                break
            first = f.text[t.start : t.end].split(maxsplit=1)[0].lower()
            if first in _STOP_READOUT or named.search(f.text, t.start, t.end):
                break
            c = f.claim(t, t.start, t.end, c0.cue, (), t.start)
            if c is not None:
                c.same_as = c0


class _Names:
    """Names of two words or more written outside quotes, per paragraph, found on demand."""

    def __init__(self, f: ClaimFinder) -> None:
        self.f = f
        self.cache: dict[int, list[tuple[int, str]]] = {}

    def para(self, p: int) -> list[tuple[int, str]]:
        if p not in self.cache:
            a, b = self.f.paras[p]
            self.cache[p] = [
                (m.start(), m.group())
                for m in _NAME_RUN.finditer(self.f.text, a, b)
                if self.f.quote_at(m.start()) < 0
                and len(speaker_head(m.group().split()).split()) >= 2
            ]
        return self.cache[p]

    def before(self, p: int, pos: int, *, previous: bool = False) -> tuple[str, ...]:
        names = self.para(p)
        if previous and p > 0:
            names = self.para(p - 1) + names
        return tuple(n for off, n in names if off < pos)


def _mentions(f: ClaimFinder) -> None:
    """Antecedent candidates: for "he"/"she" the sentence's subject, else the last name of the
    paragraph; for a nameless phrase ("the Chinese president") the names before it (this and
    the previous paragraph)."""
    names = _Names(f)
    for c in f.qclaims + f.claims:
        if not c.words:
            continue
        pronoun = len(c.words) == 1 and c.words[0].lower() in ("he", "she", "him", "her")
        if not pronoun:
            if not speaker_head(c.words) and c.words[-1].lower() in PERSON_NOUNS:
                c.mentions = names.before(c.para, c.pos, previous=True)
            continue
        s = f.sentences[f.sentence_of(c.pos)]
        subj = f.subject(s)
        words = tuple(t[2] for t in s.toks[subj[0] : subj[1]]) if subj else ()
        if words and words != c.words and s.toks[subj[0]][0] < min(c.pos, c.start):
            c.mention = " ".join(words)
        else:  # the last name before the pronoun, outside the words it introduces
            before = [n for off, n in names.para(c.para) if off < c.pos
                      and not (c.voice == "reported" and c.start <= off < c.end)]  # fmt: skip
            c.mention = before[-1] if before else ""


def apply_discourse(f: ClaimFinder) -> None:
    """Apply the paragraph rules of the module docstring (after the sentence rules)."""
    _reports(f)
    _labels(f)
    _readout(f)
    _mentions(f)
