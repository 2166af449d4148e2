"""VADER's analyzer with its redundant work removed: the same scores, faster.

``vaderSentiment`` 3.3.2 spends most of a sentence's time on work that does not change the
result: it rebuilds the sentence character by character to translate emoji (even when there
is none), builds a ``SentiText`` object, and lowercases words again and again — the whole
sentence in every negation and idiom check (up to four times per sentiment word), each
neighbouring word in every booster, "no" and "least" check. :class:`FastAnalyzer`
subclasses the stock ``SentimentIntensityAnalyzer`` and keeps its rules and constants:

- :meth:`FastAnalyzer.polarity_scores` skips the emoji pass when no character of the text is
  an emoji of VADER's emoji lexicon (the pass would return the text unchanged) and otherwise
  calls the stock method;
- without emoji, it splits and lowercases the sentence once and applies the stock
  ``sentiment_valence`` rules (lexicon valence, "no", ALL CAPS, boosters and dampeners with
  their distance weights, negations, "never so", "without doubt", special idioms and booster
  bigrams, "least") to that list (:meth:`FastAnalyzer._valence`), then the stock "but" rule
  and ``score_valence`` (punctuation emphasis, normalisation, rounding);
- the stock negation and idiom checks, still used on the emoji path, lowercase only the
  neighbouring words they read.

``tests/test_vader.py`` checks that both analyzers return identical dictionaries on every
sentence of the seeds and on tens of thousands of sentences built to exercise each rule; it
fails if a new ``vaderSentiment`` release changes the internals these overrides mirror.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

__all__ = ["FastAnalyzer"]

_NEGATE = frozenset(NEGATE)
_PUNCT = string.punctuation


def _negated(lower: str) -> bool:
    """Stock ``negated([word])`` for one already lowercased word."""
    return lower in _NEGATE or "n't" in lower


class _Lowered:
    """The lowercased words of a sentence, each lowercased only when read."""

    __slots__ = ("words",)

    def __init__(self, words: Sequence[str]) -> None:
        self.words = words

    def __getitem__(self, k: int) -> str:
        return self.words[k].lower()

    def __len__(self) -> int:
        return len(self.words)


def _negation(valence: float, low: Sequence[str], start_i: int, i: int) -> float:
    """Stock ``_negation_check`` on the lowercased words ``low``."""
    w1 = low[i - 1]
    if start_i == 0:
        if _negated(w1):
            valence = valence * N_SCALAR
    elif start_i == 1:
        w2 = low[i - 2]
        if w2 == "never" and (w1 == "so" or w1 == "this"):
            valence = valence * 1.25
        elif w2 == "without" and w1 == "doubt":
            pass
        elif _negated(w2):
            valence = valence * N_SCALAR
    elif start_i == 2:
        w2 = low[i - 2]
        w3 = low[i - 3]
        if w3 == "never" and (w2 == "so" or w2 == "this") or (w1 == "so" or w1 == "this"):
            valence = valence * 1.25
        elif w3 == "without" and (w2 == "doubt" or w1 == "doubt"):
            pass
        elif _negated(w3):
            valence = valence * N_SCALAR
    return valence


def _idioms(valence: float, low: Sequence[str], i: int) -> float:
    """Stock ``_special_idioms_check`` (called with ``i >= 3``) on the lowercased words."""
    n = len(low)
    w3, w2, w1, w0 = low[i - 3], low[i - 2], low[i - 1], low[i]
    onezero = f"{w1} {w0}"
    twoonezero = f"{w2} {w1} {w0}"
    twoone = f"{w2} {w1}"
    threetwoone = f"{w3} {w2} {w1}"
    threetwo = f"{w3} {w2}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if n - 1 > i:
        zeroone = f"{w0} {low[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{w0} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


class FastAnalyzer(SentimentIntensityAnalyzer):
    """``SentimentIntensityAnalyzer`` giving identical scores with less redundant work."""

    def __init__(self) -> None:
        super().__init__()
        # The stock emoji pass looks each *character* up, so only one-character keys can match.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)

    def polarity_scores(self, text):
        """Stock ``polarity_scores``; without emoji the text goes straight to scoring."""
        if not isinstance(text, str) or not self._emoji_chars.isdisjoint(text):
            return super().polarity_scores(text)
        # From here on, the stock method's body after its emoji pass (which would have
        # returned ``text`` unchanged), with SentiText's word split inlined.
        text = text.strip()
        words = [t if len(w := t.strip(_PUNCT)) <= 2 else w for t in text.split()]
        low = [w.lower() for w in words]
        lexicon = self.lexicon
        # a booster, a word outside the lexicon, "kind" before "of": valence 0 (stock code)
        sentiments = [0] * len(words)
        last = len(words) - 1
        is_cap_diff = None  # allcap_differential, computed when a lexicon word needs it
        for i in [i for i, w in enumerate(low) if w in lexicon]:
            w = low[i]
            if w in BOOSTER_DICT or (i < last and w == "kind" and low[i + 1] == "of"):
                continue
            if is_cap_diff is None:
                caps = sum(1 for x in words if x.isupper())
                is_cap_diff = 0 < len(words) - caps < len(words)
            sentiments[i] = self._valence(i, words, low, is_cap_diff)
        if "but" in low:
            sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    def _valence(self, i: int, words: list[str], low: list[str], is_cap_diff: bool) -> float:
        """Stock ``sentiment_valence`` of lexicon word ``i`` (``low``: the words lowercased)."""
        lexicon = self.lexicon
        w = low[i]
        valence = lexicon[w]
        if w == "no" and i != len(words) - 1 and low[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and low[i - 1] == "no")
            or (i > 1 and low[i - 2] == "no")
            or (i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[w] * N_SCALAR
        if is_cap_diff and words[i].isupper():
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(3):
            j = i - (start_i + 1)
            if j < 0 or low[j] in lexicon:
                continue
            # scalar_inc_dec
            s = 0.0
            if low[j] in BOOSTER_DICT:
                s = BOOSTER_DICT[low[j]]
                if valence < 0:
                    s *= -1
                if is_cap_diff and words[j].isupper():
                    if valence > 0:
                        s += C_INCR
                    else:
                        s -= C_INCR
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = _negation(valence, low, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, low, i)
        # _least_check
        if i > 1 and low[i - 1] not in lexicon and low[i - 1] == "least":
            if low[i - 2] != "at" and low[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and low[i - 1] not in lexicon and low[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        """Stock check, lowercasing only the (at most three) words before ``i``."""
        return _negation(valence, _Lowered(words_and_emoticons), start_i, i)

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        """Stock check (called with ``i >= 3``), lowercasing only words ``i-3 … i+2``."""
        return _idioms(valence, _Lowered(words_and_emoticons), i)
