"""The sentence rules of :mod:`.attribution` for lead and special cues: "According to X, …",
"…, according to X.", "As X said, …", "X asked whether …" (a mixin of
:class:`.clauses.SentenceRules`), and :class:`Plan`, what one cue does to its sentence."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.document.voice.cues import is_name, left_speaker, right_speaker, word_set

__all__ = ["PASSIVE", "LeadRules", "Plan"]

#: Auxiliaries of a passive cue ("it is also noted", "was asked if").
PASSIVE = frozenset({"is", "was", "been", "be"})
_WH = word_set("how what why when where who which")


@dataclass
class Plan:
    """What one cue does to its sentence."""

    kind: str  # "fwd" (content from token j), "trail" (before comma j), "post", "paren"
    j: int
    cue: str
    words: tuple[str, ...]
    pos: int
    colon: bool = False
    k: int = 0  # the cue's first token
    stop: int = -1  # for "fwd": the token the content stops at (-1: the usual cuts)


class LeadRules:
    """Rules for cues that lead or close a sentence (mixed into ``SentenceRules``)."""

    def according(self, k: int, e: int, cue: str) -> Plan | None:
        """'According to X, …' (content after X's comma) or '…, according to X.'; also
        'In his view, …' (the pronoun is the speaker)."""
        f, s, toks = self.f, self.s, self.toks
        rng = right_speaker(toks, e) if cue == "according to" else (k + 1, k + 2)
        words, pos = f.words(s, rng)
        end = rng[1] if cue == "according to" and rng else e
        comma = next((j for j in range(end, len(toks)) if toks[j][2] == ","), None)
        lead = all(t[2] in "-–—•" for t in toks[:k]) or (self.tok(k - 1) == "," and k <= 4)
        if comma is not None and lead and comma + 1 < len(toks) and comma <= end + 2:
            qi = s.inq[comma + 1]
            if qi >= 0 and f.quotes[qi].start == toks[comma + 1][0]:
                f.attribute(qi, cue, words, pos)  # 'In his view, "it is important…"'
                return None
            return Plan("fwd", comma + 1, cue, words, pos, k=k)
        if self.tok(k - 1) == "," and s.inq[0] < 0 and self.tail_ok(end) and cue == "according to":
            return Plan("trail", k - 1, cue, words, pos, k=k)
        return None

    def as_lead(self, k: int, e: int, cue: str) -> Plan | None:
        """'As X said, …' / 'As noted by X, …' near the start of a sentence: what follows the
        comma is X's; '…, as X said.' at its end: what precedes the comma."""
        f, s, toks = self.f, self.s, self.toks
        if "as " not in f.low[max(s.start, toks[k][0] - 120) : toks[k][0]]:
            return None  # the usual case, tested on the text
        if self.tok(k - 1).lower() == "as" and self.tok(e) == "by":  # "As noted by X"
            i, rng = k - 1, right_speaker(toks, e + 1)
            after = rng[1] if rng else e
        else:
            rng = left_speaker(toks, k, f.lo_bound(s, k))
            i, after = (rng[0] if rng else k) - 1, e
            if rng is None or self.tok(i).lower() != "as":
                return None
        words, pos = f.words(s, rng)
        lead = i == 0 or (self.tok(i - 1) == "," and i <= 4)
        comma = next((j for j in range(after, min(len(toks), after + 8)) if toks[j][2] == ","), -1)
        if lead and comma >= 0 and comma + 1 < len(toks) and self.tail_ok(after):
            if words:
                s.speakers.append((words, pos))
            qi = s.inq[comma + 1]
            if qi >= 0 and f.quotes[qi].start == toks[comma + 1][0]:
                f.attribute(qi, cue, words, pos)  # 'As Putin said, "…"'
                return None
            return Plan("fwd", comma + 1, cue, words, pos, k=k)
        end = all(t[2] in ".!?" for t in toks[after:])  # "…, as Putin said."
        if end and i > 0 and self.tok(i - 1) == "," and s.inq[0] < 0 and not self.trailing:
            self.trailing = True
            return Plan("trail", i - 1, cue, words, pos, k=k)
        return None

    def asked(self, k: int, e: int, cue: str) -> Plan | None:
        """'X asked if / whether …' (content after it), 'asked how …' (from it), 'Asked by X
        whether …, Y said' (to the comma before Y); 'was asked if …' names no asker."""
        f, s, toks = self.f, self.s, self.toks
        if self.tok(e) == "by":
            rng = right_speaker(toks, e + 1)
            j = rng[1] if rng else e + 1
        else:
            passive = PASSIVE & {self.tok(k - 1).lower(), self.tok(k - 2).lower()}
            rng = None if passive else left_speaker(toks, k, f.lo_bound(s, k))
            obj = right_speaker(toks, e) if e < len(toks) and is_name(self.tok(e)) else None
            j = obj[1] if obj else e
        w = self.tok(j).lower()
        if w not in ("if", "whether") and w not in _WH or s.inq[j] >= 0:
            return None
        start = j + 1 if w in ("if", "whether") else j
        if start >= len(toks):  # "… it may well be asked whether" ends the text: no content
            return None
        words, pos = f.words(s, rng)
        if words:
            s.speakers.append((words, pos))
        later = [c[0] for c in self.cues if c[0] > start]
        comma = [i for i in range(start, later[-1]) if toks[i][2] == ","] if later else []
        # "Asked by journalists whether …, Peskov said: …": up to the comma before Peskov
        return Plan("fwd", start, cue, words, pos, k=k, stop=comma[-1] if comma else -1)
