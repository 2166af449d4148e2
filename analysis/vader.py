"""VADER's analyzer with its redundant work removed: the same scores, faster.

``vaderSentiment`` 3.3.2 spends most of a sentence's time on work that does not change the
result: it rebuilds the sentence character by character to translate emoji (even when there
is none), and it lowercases the *whole* sentence again in every negation and idiom check
(up to four times per sentiment word). :class:`FastAnalyzer` subclasses the stock
``SentimentIntensityAnalyzer`` and overrides only those steps:

- :meth:`FastAnalyzer.polarity_scores` skips the emoji pass when no character of the text is
  an emoji of VADER's emoji lexicon (the pass would return the text unchanged) and otherwise
  calls the stock method;
- :meth:`FastAnalyzer._negation_check` and :meth:`FastAnalyzer._special_idioms_check` lowercase
  only the neighbouring words they read.

Everything else (lexicons, valences, boosters, "but", punctuation emphasis, rounding) is the
stock code. ``tests/test_vader.py`` checks that both analyzers return identical dictionaries
on every sentence of the seeds and on sentences built to exercise each rule; it fails if a
new ``vaderSentiment`` release changes the internals these overrides mirror.
"""

from __future__ import annotations

import string

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
)

__all__ = ["FastAnalyzer"]

_NEGATE = frozenset(NEGATE)
_PUNCT = string.punctuation


class _SentiText(SentiText):
    """Stock ``SentiText``; the words are stripped in one loop instead of a method per word."""

    def _words_and_emoticons(self):
        out = []
        for token in self.text.split():
            stripped = token.strip(_PUNCT)
            out.append(token if len(stripped) <= 2 else stripped)
        return out


def _negated(lower: str) -> bool:
    """Stock ``negated([word])`` for one already lowercased word."""
    return lower in _NEGATE or "n't" in lower


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
        # returned ``text`` unchanged).
        text = text.strip()
        sentitext = _SentiText(text)
        sentiments = []
        words_and_emoticons = sentitext.words_and_emoticons
        lexicon = self.lexicon
        last = len(words_and_emoticons) - 1
        for i, item in enumerate(words_and_emoticons):
            low = item.lower()
            # A word outside the lexicon gets valence 0 from the stock sentiment_valence.
            if low in BOOSTER_DICT or low not in lexicon:
                sentiments.append(0)
                continue
            if i < last and low == "kind" and words_and_emoticons[i + 1].lower() == "of":
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)

    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        """Stock check, lowercasing only the (at most three) words before ``i``."""
        w1 = words_and_emoticons[i - 1].lower()
        if start_i == 0:
            if _negated(w1):
                valence = valence * N_SCALAR
        elif start_i == 1:
            w2 = words_and_emoticons[i - 2].lower()
            if w2 == "never" and (w1 == "so" or w1 == "this"):
                valence = valence * 1.25
            elif w2 == "without" and w1 == "doubt":
                pass
            elif _negated(w2):
                valence = valence * N_SCALAR
        elif start_i == 2:
            w2 = words_and_emoticons[i - 2].lower()
            w3 = words_and_emoticons[i - 3].lower()
            if w3 == "never" and (w2 == "so" or w2 == "this") or (w1 == "so" or w1 == "this"):
                valence = valence * 1.25
            elif w3 == "without" and (w2 == "doubt" or w1 == "doubt"):
                pass
            elif _negated(w3):
                valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        """Stock check (called with ``i >= 3``), lowercasing only words ``i-3 … i+2``."""
        n = len(words_and_emoticons)
        w = [words_and_emoticons[k].lower() for k in range(i - 3, min(n, i + 3))]
        w3, w2, w1, w0 = w[0], w[1], w[2], w[3]
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
            zeroone = f"{w0} {w[4]}"
            if zeroone in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroone]
        if n - 1 > i + 1:
            zeroonetwo = f"{w0} {w[4]} {w[5]}"
            if zeroonetwo in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in BOOSTER_DICT:
                valence = valence + BOOSTER_DICT[n_gram]
        return valence
