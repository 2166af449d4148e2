"""The sentence rules of :mod:`.attribution`: each cue's speaker, quote and content."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from analysis.document.voice.cues import (
    BARE_CUES,
    CLAUSE_CUES,
    is_name,
    left_speaker,
    right_speaker,
    word_set,
)
from analysis.document.voice.leads import PASSIVE as _PASSIVE
from analysis.document.voice.leads import LeadRules
from analysis.document.voice.leads import Plan as _Plan

if TYPE_CHECKING:
    from analysis.document.voice.attribution import ClaimFinder, Sentence

__all__ = ["SentenceRules"]

_OBJECT_CUES = frozenset({"told", "tells", "telling", "assured", "informed"})
_INVERTIBLE = word_set(
    """
    said says added adds told noted stressed continued concluded emphasized emphasised
    remarked explained declared replied wrote writes
    """
)
_NO_CONTENT = word_set(
    """
    in at on during after before without through via by with as when while ahead earlier
    later last to from for about of into over under against among between since until
    upon here then also again repeatedly recently yesterday today tomorrow and or but so
    not nothing monday tuesday wednesday thursday friday saturday sunday
    """
)
#: Words that may follow a cue in an attribution tail (", Putin said in an interview").
_TAIL = word_set(
    """
    in at on during after before ahead without through via when while as earlier later
    last this yesterday today tonight monday tuesday wednesday thursday friday saturday
    sunday , . ; ( — – -
    """
)
_AUX = word_set(
    """
    is are was were will would should must can could has have had may might does did
    remains remain
    """
)
_PUNCT_GAP = set(",.:;–—-")
_SUBJECTS = word_set("the a an this these those his her its their he she it they we i there")
_TIME = word_set(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december earlier later last this"
    " week month year yesterday today"
)
#: Nouns of a stated view whose that-clause is a cue's content ("restated his stance that…").
_STANCE = word_set("stance position view belief conviction assertion call demand commitment")
_POSSESSIVES = frozenset({"his", "her", "their", "its", "our"})
_COMMENT_DASH = re.compile(r"\s[-–—]\s+(?:a|an)\s")
#: A narrator's comment closing a sentence (", without elaborating.", ", without giving details").
_COMMENT_TAIL = re.compile(r",\s+without\s+(?:elaborating|giving|providing|offering)\b")
_BACKWARD = re.compile(r"(?:This|It) (?:was|is|has been) \w+ by\s")


def _participle(cue: str) -> bool:
    return cue.split()[0].endswith("ing") and cue != "according to"


class SentenceRules(LeadRules):
    """Rules 1-4 of :mod:`.attribution` for one sentence."""

    def __init__(self, finder: ClaimFinder, s: Sentence) -> None:
        self.f, self.s, self.toks = finder, s, s.toks
        self.trailing = False
        self.weak: set[int] = set()  # participles whose speaker is only the sentence subject

    def tok(self, j: int) -> str:
        return self.toks[j][2] if 0 <= j < len(self.toks) else ""

    def speaker(self, k: int, e: int, cue: str):
        """``(words, pos, token range, inverted)`` of the speaker of the cue at ``[k, e)``."""
        f, s = self.f, self.s
        lo = f.lo_bound(s, k)
        rng = left_speaker(self.toks, k, lo, loose=not _participle(cue))
        prev = self.tok(k - 1)
        passive = prev in _PASSIVE or self.tok(k - 2) in _PASSIVE  # "it is also noted"
        if rng and rng[1] - rng[0] == 1 and self.tok(rng[0]).lower() == "it" and passive:
            return (), 0, None, False  # "it is reported that": impersonal
        if _participle(cue) and (prev == "," or rng is None):
            if prev == "," and s.speakers:
                return (*s.speakers[-1], None, False)
            self.weak.add(k)
            return (*f.words(s, f.subject(s)), None, False)
        if rng is None and prev.lower() in ("and", "but") and s.speakers:
            return (*s.speakers[-1], None, False)
        if rng is None and prev.lower() in ("and", "but"):  # "Xi addressed Putin … and said"
            return (*f.words(s, f.subject(s)), None, False)
        if rng is None and prev == "," and lo > 0:  # 'Xi, who called Putin "my friend", said'
            rng = self.relative_subject(k)
        between = self.toks[lo:k]
        if (
            rng is None
            and 0 < lo < k <= lo + 3
            and self.after_comma_quote(lo)
            and all(t[2].isalpha() and t[2].lower() not in _AUX for t in between)
        ):
            rng = (lo, k)  # '"…," driver says': the words between a quote and its cue
        elif rng and lo < rng[0] and k <= lo + 12 and self.titled_speaker(lo, rng[0]):
            rng = (lo, rng[1])  # '"…," Russia's deputy premier and top energy official X said'
        if rng is None and cue in _INVERTIBLE and (k == lo or prev in _PUNCT_GAP):
            rng = right_speaker(self.toks, e)
            return (*f.words(s, rng), rng, rng is not None)
        return (*f.words(s, rng), rng, False)

    def titled_speaker(self, lo: int, i: int) -> bool:
        """Whether tokens ``[lo, i)``, right after a quote closing with a comma, are words of
        a long title before the speaker phrase at ``i`` (no punctuation, auxiliary, time word
        or cue, and no conjunction or preposition first)."""
        first = self.tok(lo).lower()
        if lo == 0 or self.s.inq[lo - 1] < 0 or first in _NO_CONTENT:
            return False
        return self.after_comma_quote(lo) and all(
            (t[2].isalpha() or t[2][-2:] in ("'s", "’s"))
            and t[2].lower() not in _AUX and t[2].lower() not in _TIME
            and not self.is_cue(j)
            for j, t in enumerate(self.toks[lo:i], lo)
        )  # fmt: skip

    def relative_subject(self, k: int) -> tuple[int, int] | None:
        """The speaker before a relative clause that holds a quote ("Xi, who …, said")."""
        rng = left_speaker(self.toks, k, 0)
        if rng and self.tok(rng[1]) == "," and self.tok(rng[1] + 1).lower() in ("who", "which"):
            return rng
        return None

    def after_comma_quote(self, lo: int) -> bool:
        """Whether token ``lo`` follows a quote that ends with a comma (``"…," driver``)."""
        q = self.f.quotes[self.s.inq[lo - 1]]
        return self.f.text[q.end - 2 : q.end - 1] in (",", "!", "?")

    def forward(self, e: int, cue: str, words) -> tuple[int, bool] | None:
        """``(token where the content starts, after a colon)`` for the cue ending at ``e``."""
        toks, inq, n = self.toks, self.s.inq, len(self.toks)
        reach = 25 if cue in _OBJECT_CUES else 12
        if cue not in _OBJECT_CUES and e < n and self.subject_like(e):
            reach = 0  # "Xi said China welcomes efforts that…": that "that" is a relative
            stance = self.stance_that(e)
            if stance is not None:
                return stance  # "restated South Africa's stance that…"
        for j in range(e, min(n, e + reach)):
            if cue in _OBJECT_CUES and self.object_title(e) == j:
                continue  # 'told "Comrade" Wang that…', 'told his "old friend" Putin that…'
            if inq[j] >= 0 or toks[j][2] in ".;!?" or (j > e and self.is_cue(j)):
                break
            if toks[j][2].lower() == "that" and toks[j - 1][2].lower() == "and" and j > e:
                break  # "said relations grow and that…": both clauses are the content
            if toks[j][2].lower() == "that":
                return (j + 1, False) if j + 1 < n else None
        if e >= n or inq[e] >= 0:
            return None
        w = toks[e][2]
        if w == ":":
            return (e + 1, True) if e + 1 < n else None
        if cue in _OBJECT_CUES and words:
            return self.told_clause(e)
        if cue == "continued" or not words or cue in _OBJECT_CUES:
            return None
        if not w[0].isalnum() or w.lower() in _NO_CONTENT:
            return None
        if w.lower() in ("this", "so", "it") and self.tok(e + 1).lower() in _TAIL | {""}:
            return None  # "He said this during a press conference": nothing is reported
        if cue in BARE_CUES:
            return e, False
        ahead = []
        for t, q in zip(toks[e : e + 7], inq[e : e + 7], strict=True):
            if q >= 0 or t[2] == ",":
                break
            ahead.append(t[2].lower())
        if cue in CLAUSE_CUES and any(a in _AUX for a in ahead):
            return e, False
        return None

    def stance_that(self, e: int) -> tuple[int, bool] | None:
        """The content after "<cue> his / X's stance that…" (a noun of :data:`_STANCE`)."""
        for j in range(e, min(len(self.toks) - 2, e + 5)):
            if self.s.inq[j] >= 0:
                return None
            if self.tok(j).lower() in _STANCE and self.tok(j + 1).lower() == "that":
                return j + 2, False
        return None

    def title_quote(self, j: int) -> bool:
        """Whether token ``j`` is a quoted word before a name ('"Comrade" Wang')."""
        q = self.s.inq[j] if j < len(self.toks) else -1
        return q >= 0 and self.f.quotes[q].start == self.toks[j][0] and is_name(self.tok(j + 1))

    def object_title(self, e: int) -> int:
        """Token of a quoted title opening the object at token ``e`` ('"Comrade" Wang', 'his
        "old friend" Putin'), else -1."""
        j = e + 1 if self.tok(e).lower() in _POSSESSIVES else e
        return j if self.title_quote(j) else -1

    def told_clause(self, e: int) -> tuple[int, bool] | None:
        """The that-less clause after the object of "told" ("told Xi on Friday he was keen"):
        from a personal pronoun after the object and a time phrase."""
        obj = right_speaker(self.toks, e)
        j = obj[1] if obj else e
        if self.tok(j).lower() in ("on", "last", "this") and self.tok(j + 1).lower() in _TIME:
            j += 2
        elif self.tok(j).lower() in _TIME:
            j += 1
        if self.tok(j).lower() in ("he", "she", "they", "we", "i") and self.s.inq[j] < 0:
            return j, False
        return None

    def subject_like(self, j: int) -> bool:
        """Whether token ``j`` can open a clause's subject (not a time word or preposition)."""
        w = self.toks[j][2]
        low = w.lower()
        if self.s.inq[j] >= 0 or low in _NO_CONTENT or low in _TIME:
            return False
        return low in _SUBJECTS or is_name(w)

    def is_cue(self, j: int) -> bool:
        return any(c[0] == j for c in self.cues)

    def tail_ok(self, t: int, cue: str = "") -> bool:
        """Whether only an attribution tail follows token ``t`` (after an object for "told")."""
        if cue in _OBJECT_CUES and t < len(self.toks):
            obj = right_speaker(self.toks, t)
            t = obj[1] if obj else t
        return t >= len(self.toks) or self.toks[t][2].lower() in _TAIL

    def plan(self, k: int, e: int, cue: str) -> _Plan | None:
        """The plan of the verb cue at tokens ``[k, e)`` (rules 1-3)."""
        f, s = self.f, self.s
        words, pos, rng, inverted = self.speaker(k, e, cue)
        if words:
            s.speakers.append((words, pos))
        head = rng[0] if rng and not inverted else k
        after = rng[1] if inverted and rng else e
        qi = f.quote_before(s, head) if not _participle(cue) else -1
        if qi >= 0:
            f.attribute(qi, cue, words, pos)
            before = [q for q in s.inq[:head] if q >= 0]
            if s.inq[0] < 0 and before and set(before) == {qi} and not self.cues_before(qi):
                return _Plan("post", f.quotes[qi].end, cue, words, pos, k=k)
            return None
        qi = f.quote_after(s, after, reach=6 if cue in _OBJECT_CUES else 1)
        if qi >= 0:
            f.attribute(qi, cue, words, pos)
            j = s.inq.index(qi)
            that = self.tok(j - 1).lower() == "that" and self.narration_after(j)
            if not (cue in _OBJECT_CUES and self.title_quote(after)) and not that:
                return None
        if cue in _OBJECT_CUES and self.object_title(after) > after:
            f.attribute(s.inq[after + 1], cue, words, pos)  # 'told his "old friend" Putin'
        fwd = self.forward(after, cue, words)
        if fwd is not None:
            qi = s.inq[fwd[0]]
            if qi >= 0 and f.quotes[qi].start == self.toks[fwd[0]][0]:
                f.attribute(qi, cue, words, pos)  # 'told Sky News that "what you see…"'
                if not self.narration_after(fwd[0]):
                    return None
            return _Plan("fwd", fwd[0], cue, words, pos, fwd[1], k=k)
        comma_before = head > 0 and self.tok(head - 1) == ","
        if comma_before and not _participle(cue) and self.tail_ok(after, cue):
            if self.tok(after) == "," and after + 1 < len(self.toks) and head - 1 <= 8:
                return _Plan("paren", after + 1, cue, words, pos, k=k)
            text = f.text[self.content_start() : self.toks[head - 1][0]]
            if s.inq[0] < 0 and not self.trailing and not _BACKWARD.match(text):
                self.trailing = True
                return _Plan("trail", head - 1, cue, words, pos, k=k)
        self.embed(after, cue, words, pos)
        return None

    def narration_after(self, j: int) -> bool:
        """Whether the quote at token ``j`` goes on in narrator words that are no cue ('said
        that "all agreements" on the pipeline had been reached')."""
        w = self.tok(j + 1)
        return w[:1].isalnum() and self.s.inq[j + 1] < 0 and not self.is_cue(j + 1)

    def cues_before(self, qi: int) -> bool:
        start = self.f.quotes[qi].start
        return any(self.toks[c[0]][0] < start for c in self.cues)

    def embed(self, after: int, cue: str, words, pos: int) -> None:
        """Rule 4: attribute the first quote of the cue's clause (within 15 tokens)."""
        s = self.s
        if cue in _OBJECT_CUES:
            return
        for j in range(after, min(len(self.toks), after + 15)):
            if s.inq[j] >= 0:
                if words:
                    self.f.attribute(s.inq[j], cue, words, pos)
                return
            if self.toks[j][2] in ".;" or self.is_cue(j):
                return

    def inside(self, k: int, p: _Plan) -> bool:
        """Whether token ``k`` lies in the content of plan ``p``."""
        if p.kind == "trail":
            return k < p.j
        return p.kind in ("fwd", "paren") and k >= p.j

    def content_start(self) -> int:
        k = 0
        while k < len(self.toks) and self.toks[k][2] in "-–—•*":
            k += 1
        return self.toks[k][0] if k < len(self.toks) else self.s.start

    def cuts(self, plans: list[_Plan]) -> list[tuple[int, tuple[str, ...] | None]]:
        """Where forward contents stop: a trailing attribution, or the clause of a later cue of
        the same speaker (", adding that…", "but claimed…"): ``(token, speaker or None)``."""
        out: list[tuple[int, tuple[str, ...] | None]] = [
            (p.j, None) for p in plans if p.kind == "trail"
        ]
        out += [(p.k - 1, None) for p in plans if p.kind == "paren"]
        out += [(k - 1, None) for k, _, cue in self.cues if cue == "according to" and k > 0
                and self.tok(k - 1) == ","]  # fmt: skip
        for p in plans:
            rng = left_speaker(self.toks, p.k, self.f.lo_bound(self.s, p.k))
            start = rng[0] if rng else p.k
            if p.kind == "fwd" and self.tok(start - 1).lower() in (",", "and", "but", ";"):
                out.append((start - 1, p.words))
        return out

    def apply(self, p: _Plan, cuts: list[int]) -> None:
        f, s, toks = self.f, self.s, self.toks
        if p.kind in ("fwd", "paren"):
            later = [c for c, who in cuts if c > p.j and (who is None or who == p.words)]
            end = f.paras[s.para][1] if p.colon else (toks[min(later)][0] if later else s.end)
            end = toks[p.stop][0] if p.stop >= 0 else end
            m = _COMMENT_DASH.search(f.text, toks[p.j][0], end)
            end = m.start() if m else end
            m = _COMMENT_TAIL.search(f.text, toks[p.j][0], end)
            f.claim(s, toks[p.j][0], m.start() if m else end, p.cue, p.words, p.pos)
            if p.kind == "paren":
                self.paren_subject(p)
        elif p.kind == "trail":
            f.claim(s, self.content_start(), toks[p.j][0], p.cue, p.words, p.pos)
        else:  # "post": the narrator words before an attributed quote
            f.claim(s, self.content_start(), p.j, p.cue, p.words, p.pos)

    def paren_subject(self, p: _Plan) -> None:
        """The noun phrase before a parenthetical cue is its content too ("China and Russia,
        they stressed, both reject…"), unlike an adverbial ("At such a time, X believes, …")."""
        comma = next((i for i in range(p.k) if self.tok(i) == ","), -1)
        rng = right_speaker(self.toks, 0, comma) if comma > 0 else None
        if rng and rng == (0, comma) and self.s.inq[0] < 0:
            self.f.claim(self.s, self.toks[0][0], self.toks[comma][0], p.cue, p.words, p.pos)

    def run(self) -> None:
        self.cues = self.s.cues
        if not self.cues and not self.s.naming:
            return
        plans = []
        for k, e, cue in self.cues:
            lead = cue == "according to" or cue.startswith("in ")
            p = self.asked(k, e, cue) if cue in ("asked", "asks") else None
            p = p or (self.according(k, e, cue) if lead else self.as_lead(k, e, cue))
            n = len(self.s.speakers)
            p = p if lead or p is not None else self.plan(k, e, cue)
            if p is None and any(q.kind == "fwd" and k > q.j for q in plans):
                del self.s.speakers[n:]  # "He said China urged …, saying": "He" says it
            if p is not None:
                plans.append(p)
        for p in plans:  # "signs saying …" inside someone's content: the host speaks
            if p.k in self.weak and any(self.inside(p.k, q) for q in plans if q is not p):
                p.words, p.pos = (), 0
        for k, e, _ in self.s.naming:
            rng = left_speaker(self.toks, k, self.f.lo_bound(self.s, k))
            if self.tok(k - 1).lower() == "and":  # "Putin waved to Xi and addressed Xi as…"
                rng = self.f.subject(self.s)
            words, pos = self.f.words(self.s, rng)
            self.embed(e, self.toks[k][2].lower(), words, pos)
        cuts = self.cuts(plans)
        for p in plans:
            if not self.redundant(p, plans):
                self.apply(p, cuts)

    def redundant(self, p: _Plan, plans: list[_Plan]) -> bool:
        """Whether ``p`` is a trailing "according to" after another cue's content ("Xi said
        relations grow, according to a translation of his words"): it only ends that content."""
        return (
            p.kind == "trail"
            and p.cue == "according to"
            and any(q.kind == "fwd" and q.j < p.j for q in plans)
        )
