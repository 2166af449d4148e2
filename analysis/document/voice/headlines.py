"""Labelled paragraphs and headline attributions (for :mod:`.attribution`).

Four paragraph shapes attribute text without a speech verb:

- a **label**: ``Wang Wenbin: I responded to…``, ``Putin: Russia and China are…`` — a label of
  one to five capitalised words ("of", "and", "the" allowed inside) then a colon and text, the
  label not being a web word of :data:`LABEL_STOPWORDS` ("Source:", "Read more:");
- a **question label** (:func:`question_label`): ``Question: …``, ``Q: …``, ``Journalist:
  …`` name nobody (the question is reported without a speaker); ``A: …`` is an answer;
- a **headline source**: a short paragraph (at most :data:`HEADLINE_WORDS` words, no final full
  stop) ending ``… — Xi``, ``… - Kremlin`` or ``…: Chinese vice FM`` (one to four capitalised
  words, "vice", "deputy", "top", "former" allowed, and a closing noun: "— Kremlin aide");
- a **quote headline**: ``‘My closest friend’: China’s Xi hails…`` — a paragraph opening with a
  quote and a colon, followed by a speaker phrase and "on" or a headline verb.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from analysis.document.voice.cues import right_speaker, word_set, word_tokens
from analysis.document.voice.quotes import Quote

__all__ = [
    "HEADLINE_WORDS",
    "LABEL_STOPWORDS",
    "headline_source",
    "paragraph_label",
    "question_label",
    "quote_headline",
]

#: First words of a "Label:" that are web furniture, not speakers.
LABEL_STOPWORDS = word_set(
    """
    source sources read details note editor photo photos update updated watch video
    related advertisement by also original tags image credit caption subscribe share
    follow exclusive breaking live published comment comments contents topics q a see
    more listen click warning disclaimer copyright reporting writing editing additional
    """
)
#: Longest paragraph (in words) read as a headline.
HEADLINE_WORDS = 25

_LABEL = re.compile(
    r"(?P<label>[A-Z][\w’'.&\-]*(?: (?:[A-Z][\w’'.&\-]*|of|and|the|de)){0,4}):[ \t]+(?=\S)"
)
#: Lower-case words that may close a headline's source ("— Kremlin aide", "- Chinese envoy").
_SOURCE_WORDS = word_set(
    "aide spokesman spokeswoman spokesperson official officials envoy minister diplomat"
    " source sources media ministry"
)
_SOURCE = re.compile(
    r"(?:\s[—–-]|:)\s+(?P<src>(?:(?:vice|deputy|top|former|ex)\s+)?[A-Z][\w’'.\-]*"
    r"(?:\s+(?:[A-Z][\w’'.\-]*|vice|FM|" + "|".join(sorted(_SOURCE_WORDS)) + r")){0,3})\s*$"
)
#: Transcript labels of the questioner ("Question:", "Q:") and of an unnamed answer ("A:").
_QUESTION = re.compile(
    r"(?P<ask>Question|Q|Journalist|Reporter|Interviewer|Host|Moderator|Answer|A)[ \t]*:[ \t]+"
)
_HEADLINE_VERBS = word_set(
    "on says hails praises warns tells slams calls urges vows insists claims"
)


def paragraph_label(text: str, a: int, b: int) -> tuple[int, int, int] | None:
    """``(label start, label end, content start)`` of a "Label: text" paragraph, else ``None``."""
    colon = text.find(":", a, min(b, a + 80))
    if colon < 0:
        return None
    m = _LABEL.match(text, a, b)
    if m is None:
        return None
    first = m["label"].split()[0].lower().rstrip(".")
    if first in LABEL_STOPWORDS:
        return None
    return m.start("label"), m.end("label"), m.end()


def question_label(text: str, a: int, b: int, lab) -> tuple[int, bool] | None:
    """``(content start, whether it is an answer)`` of a paragraph opening with a transcript
    label that names nobody ("Question: …", "A: …"), also after a named label ("Maria
    Zakharova: Question: …"); ``lab`` is the paragraph's :func:`paragraph_label`."""
    m = _QUESTION.match(text, a, b) or (lab and _QUESTION.match(text, lab[2], b))
    return (m.end(), m["ask"] in ("Answer", "A")) if m else None


def headline_source(text: str, a: int, b: int) -> tuple[int, int, int] | None:
    """``(content end, source start, source end)`` of a "headline — Source" paragraph."""
    if b - a > 12 * HEADLINE_WORDS or text.count(" ", a, b) >= HEADLINE_WORDS:
        return None
    para = text[a:b]
    if para.endswith(".") or para.split()[0].lower().rstrip(":.") in LABEL_STOPWORDS:
        return None
    m = _SOURCE.search(text, a, b)
    if m is None or m.start() - a < 10 or "," in m["src"]:
        return None
    return m.start(), m.start("src"), m.end("src")


def quote_headline(
    text: str, a: int, b: int, quotes: Sequence[Quote], k: int
) -> tuple[int, int, int] | None:
    """``(quote index, speaker start, speaker end)`` of a "‘…’: Speaker on…" paragraph whose
    first quote is ``quotes[k]`` (``k`` < 0: none)."""
    if k < 0 or quotes[k].start != a or not text.startswith(":", quotes[k].end):
        return None
    toks = word_tokens(text, quotes[k].end + 1, b)
    rng = right_speaker(toks, 0)
    if rng is None or rng[1] >= len(toks) or toks[rng[1]][2].lower() not in _HEADLINE_VERBS:
        return None
    return k, toks[rng[0]][0], toks[rng[1] - 1][1]
