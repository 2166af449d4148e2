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
- a lexicon word that no rule can touch gets its lexicon value (and the ALL CAPS increment)
  directly: no negation, "no", "least", "so", "this" or booster among the three words before
  it, and no "n't", idiom or booster bigram in the sentence (the stock rules would add 0.0 to
  it and leave it as it is); a sentence without lexicon words scores as neutral at once;
- an ASCII sentence is lowercased whole, and the tokens stand in for SentiText's words where
  only their case is read (stripping punctuation changes no ``isupper``);
- ``score_valence`` adds only the non-zero valences (adding zeros changes no sum);
- the stock negation and idiom checks, still used on the emoji path, lowercase only the
  neighbouring words they read.

``tests/test_vader.py`` checks that both analyzers return identical dictionaries on every
sentence of the seeds and on tens of thousands of sentences built to exercise each rule; it
fails if a new ``vaderSentiment`` release changes the internals these overrides mirror.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence
from itertools import compress, count

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

__all__ = ["FastAnalyzer"]

_NEGATE = frozenset(NEGATE)
_PUNCT = string.punctuation
#: The words that can make a lexicon word's valence differ from its lexicon value (with the
#: ALL CAPS increment) when they stand up to three words before it or are the word itself:
#: negations, "no", "least", "so" and "this" (the stock "never so" rule also fires on "so"
#: alone) and boosters. The other rules need "n't" or an idiom or booster bigram in the
#: sentence (:data:`_PHRASES`).
_TRIGGERS = frozenset({*NEGATE, "no", "least", "so", "this", *BOOSTER_DICT})
#: Finds every idiom and booster bigram of the stock rules in the lowercased words joined by
#: spaces (and some non-matches: "the bombs"), and "n't".
_PHRASES = re.compile(
    "|".join(re.escape(k) for k in sorted({*SPECIAL_CASES, *BOOSTER_DICT}) if " " in k) + "|n't"
)
#: ``score_valence`` of a sentence without words, and of one whose words all have valence 0.
_EMPTY = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
_NEUTRAL = {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}


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


def _stock_words(text: str) -> list[str]:
    """SentiText's words: the tokens, stripped of punctuation unless that leaves 2 characters."""
    return [t if len(w := t.strip(_PUNCT)) <= 2 else w for t in text.split()]


def _split(text: str) -> tuple[list[str], list[str]]:
    """The tokens with the case of SentiText's words (the same ``isupper``: only punctuation
    is stripped), and those words lowercased."""
    if text.isascii():  # lowercasing is per character and keeps the punctuation
        return text.split(), _stock_words(text.lower())
    words = _stock_words(text)
    return words, [w.lower() for w in words]


def _score(n: int, values: list[float], text: str) -> dict[str, float]:
    """Stock ``score_valence`` of ``n`` valences whose non-zero ones are ``values`` (adding 0
    changes no sum)."""
    if not values:
        return dict(_NEUTRAL if n else _EMPTY)
    sum_s = float(sum(values))
    # _punctuation_emphasis
    ep_count = min(text.count("!"), 4)
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    amplifier = ep_count * 0.292 + qm_amplifier
    if sum_s > 0:
        sum_s += amplifier
    elif sum_s < 0:
        sum_s -= amplifier
    compound = normalize(sum_s)
    # _sift_sentiment_scores
    pos_sum = 0.0
    neg_sum = 0.0
    for v in values:
        if v > 0:
            pos_sum += float(v) + 1
        else:
            neg_sum += float(v) - 1
    neu_count = n - len(values)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }


class FastAnalyzer(SentimentIntensityAnalyzer):
    """``SentimentIntensityAnalyzer`` giving identical scores with less redundant work."""

    def __init__(self) -> None:
        super().__init__()
        # The stock emoji pass looks each *character* up, so only one-character keys can match.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        # whether an ASCII text can be told to have no emoji without looking at it
        self._emoji_non_ascii = all(not k.isascii() for k in self._emoji_chars)

    def polarity_scores(self, text):
        """Stock ``polarity_scores``; without emoji the text goes straight to scoring."""
        if not isinstance(text, str) or not (
            (text.isascii() and self._emoji_non_ascii) or self._emoji_chars.isdisjoint(text)
        ):
            return super().polarity_scores(text)
        # From here on, the stock method's body after its emoji pass (which would have
        # returned ``text`` unchanged), with SentiText's word split inlined.
        text = text.strip()
        cased, low = _split(text)
        lexicon = self.lexicon
        hits = list(compress(count(), map(lexicon.__contains__, low)))
        if not hits:  # every valence is 0
            return dict(_NEUTRAL if low else _EMPTY)
        # a booster, a word outside the lexicon, "kind" before "of": valence 0 (stock code)
        sentiments = [0] * len(low)
        values = []  # the non-zero valences, in order
        last = len(low) - 1
        is_cap_diff = None  # allcap_differential, computed when a lexicon word needs it
        plain = _PHRASES.search(" ".join(low)) is None  # see _TRIGGERS
        for i in hits:
            w = low[i]
            if w in BOOSTER_DICT or (i < last and w == "kind" and low[i + 1] == "of"):
                continue
            if is_cap_diff is None:
                is_cap_diff = 0 < len(low) - sum(map(str.isupper, cased)) < len(low)
            if plain and _TRIGGERS.isdisjoint(low[i - 3 if i > 3 else 0 : i + 1]):
                # no rule applies: the stock rules add 0.0 and leave the value as it is
                valence = lexicon[w]
                if is_cap_diff and cased[i].isupper():
                    valence = valence + C_INCR if valence > 0 else valence - C_INCR
            else:
                valence = self._valence(i, cased, low, is_cap_diff)
            sentiments[i] = valence
            if valence:
                values.append(valence)
        if "but" in low:
            sentiments = self._but_check(_stock_words(text), sentiments)
            values = [v for v in sentiments if v]
        return _score(len(sentiments), values, text)

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
