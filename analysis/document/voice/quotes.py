"""Quotation marks, paragraphs and sentences of one cleaned text (for :mod:`.voice`).

**Quotes.** One left-to-right pass over the quotation marks (a single regex) with a small
state machine. A mark's role comes from its neighbours, not from its shape, because news text
uses every shape in every role (``”Had a good conversation…”``, ``“…near future“``):

- outside a quote, a double mark (``" “ ” „ « »``) *opens* when the next character is not a
  space or closing punctuation; a single mark (``' ‘ ’ ‚ ‹ ›``) opens only if, in addition, the
  previous character is not a letter or digit (so ``Putin's`` and ``Russia‘s`` are apostrophes);
  a left single mark ``‘`` typed with a space after it, between a space and a word, opens too
  (``as ‘ dear friend’``);
- inside a double quote, the next double mark *closes* it when the previous character is not a
  space; one preceded by a space and followed by a word opens a new quote instead (the first
  one lost its closing mark and ends there). Single marks inside a double quote are nested
  quotes and stay part of it, except a ``’`` or ``'`` after ``, . ! ?`` and before a space
  while no nested single quote is open: a typist's closing mark (``…in the new era,’ the
  Russian leader stressed``), which closes the double quote;
- inside a single quote (UK style ``'We are always open to negotiations,' Putin told Xi``), a
  single mark closes it when the previous character is not a space and the next is not a letter
  or digit (``It’s`` stays inside).

**Paragraph chains.** Paragraphs are separated by newlines. A double quote still open at the
end of a paragraph continues into the next one if that paragraph starts with an opening double
mark (the news convention of reopening without closing). Otherwise it ends at the end of its
paragraph, marked ``closed=False``: an unbalanced mark never swallows more than its paragraph
chain. An unclosed single quote is not a quote at all (it is dropped).

**Sentences.** :func:`sentence_bounds` splits each paragraph after ``. ! ? …`` (and any closing
marks) before a capital letter, digit or opening mark, except after common abbreviations
("Mr.", "St.", "Feb.", "U.S."): a light rule that never crosses a newline. A full stop after
a lower-case letter or a closing mark ends a sentence without a space too, before a capitalised
word or an opening mark ("…in Ukraine.It is…", "…peace”.“China is…": scraped text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DOUBLE_MARKS",
    "SINGLE_MARKS",
    "Quote",
    "find_quotes",
    "paragraph_bounds",
    "sentence_bounds",
]

#: Double quotation marks (straight, curly, low-9, guillemets).
DOUBLE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
#: Single quotation marks (straight, curly, low-9, single guillemets).
SINGLE_MARKS = "'\u2018\u2019\u201a\u2039\u203a"
_MARK = re.compile(f"[{re.escape(DOUBLE_MARKS + SINGLE_MARKS)}\n]")
_PARAGRAPH = re.compile(r"[^\s](?:[^\n]*[^\s])?")
_CLOSING_PUNCT = set(",.;:!?)]}")
_TYPO_CLOSE = set(",.!?")


@dataclass(frozen=True, slots=True)
class Quote:
    """A top-level quotation: ``start`` is its opening mark, ``end`` follows its closing mark.

    Attributes:
        start: Offset of the opening mark.
        end: Offset after the closing mark (after the paragraph when ``closed`` is false).
        single: Whether it is a single-quoted quotation (UK style).
        closed: Whether a closing mark was found.
        paragraphs: Number of paragraphs it spans (continued quotes span several).
    """

    start: int
    end: int
    single: bool
    closed: bool
    paragraphs: int = 1


def _spaced_open(text: str, i: int) -> bool:
    """Whether ``text[i]`` is a left single mark typed with a space after it, between spaces
    and a word (``as ‘ dear friend’``): it can only open."""
    return (
        text[i] == "\u2018"
        and (i == 0 or text[i - 1].isspace())
        and text[i + 1 : i + 2] == " "
        and text[i + 2 : i + 3].isalpha()
    )


def _opens(text: str, i: int, single: bool) -> bool:
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() or nxt in _CLOSING_PUNCT:
        return _spaced_open(text, i)
    return not (single and i > 0 and text[i - 1].isalnum())


def _para_end(text: str, i: int) -> int:
    """End of the paragraph containing ``i`` with trailing spaces removed."""
    j = text.find("\n", i)
    j = len(text) if j < 0 else j
    while j > i and text[j - 1] in " \t\r":
        j -= 1
    return j


def _reopens(text: str, nl: int) -> int:
    """Offset of the reopening double mark that starts the paragraph after ``nl``, or -1."""
    j = nl
    while j < len(text) and text[j].isspace():
        j += 1
    if j < len(text) and text[j] in DOUBLE_MARKS and _opens(text, j, False):
        return j
    return -1


class _Scanner:
    """The state machine of the module docstring (one instance per text)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quotes: list[Quote] = []
        self.start = -1  # opening mark of the current quote, -1 when outside
        self.single = False
        self.nested = False  # a nested single quote is open inside a double one
        self.paras = 1

    def close(self, end: int, closed: bool) -> None:
        if closed or not self.single:
            self.quotes.append(Quote(self.start, end, self.single, closed, self.paras))
        self.start, self.nested, self.paras = -1, False, 1

    def open(self, i: int, single: bool) -> None:
        self.start, self.single, self.nested, self.paras = i, single, False, 1

    def newline(self, i: int) -> int:
        """Handle a newline inside a quote; return where scanning resumes."""
        j = _reopens(self.text, i) if not self.single else -1
        if j >= 0:
            self.paras += 1
            self.nested = False
            return j + 1
        self.close(_para_end(self.text, self.start), False)
        return i + 1

    def inside_double(self, i: int, ch: str) -> None:
        text = self.text
        prev = text[i - 1]
        if ch in DOUBLE_MARKS:
            if not prev.isspace():
                self.close(i + 1, True)
            elif _opens(text, i, False):
                self.close(_trim_end(text, i), False)
                self.open(i, False)
            return
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if self.nested:
            if not prev.isspace() and not nxt.isalnum():
                self.nested = False
        elif ch in "\u2019'" and prev in _TYPO_CLOSE and nxt.isspace():
            self.close(i + 1, True)
        elif _opens(text, i, True):
            self.nested = True

    def feed(self, i: int, ch: str) -> int:
        """Process the mark or newline at ``i``; return where scanning resumes."""
        if self.start < 0:
            if ch != "\n" and _opens(self.text, i, ch in SINGLE_MARKS):
                self.open(i, ch in SINGLE_MARKS)
            return i + 1
        if ch == "\n":
            return self.newline(i)
        if not self.single:
            self.inside_double(i, ch)
        elif ch in SINGLE_MARKS:
            nxt = self.text[i + 1] if i + 1 < len(self.text) else " "
            if not self.text[i - 1].isspace() and not nxt.isalnum():
                self.close(i + 1, True)
        return i + 1


def _trim_end(text: str, i: int) -> int:
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return i


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations of ``text`` in order (see the module docstring for the rules)."""
    scanner = _Scanner(text)
    pos = 0
    while True:
        m = _MARK.search(text, pos)
        if m is None:
            break
        pos = scanner.feed(m.start(), m.group())
    if scanner.start >= 0:
        scanner.close(_para_end(text, scanner.start), False)
    return scanner.quotes


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line (paragraph), surrounding spaces trimmed."""
    return [m.span() for m in _PARAGRAPH.finditer(text)]


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ABBREVIATIONS = _words(
    """
    mr mrs ms dr st jr sr prof gen col lt sgt rep sen gov no vs etc inc ltd co corp dept
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
#: A sentence end (written ``[.!?…][.!?…]*`` rather than ``[.!?…]+``: a pattern opening with a
#: character set lets the regex engine skip to candidate positions).
_SENT_END = re.compile(
    "[.!?\u2026][.!?\u2026]*["
    + re.escape(DOUBLE_MARKS + SINGLE_MARKS)
    + r")\]]*(?:[ \t]+(?=[\"“‘'«(\[A-Z0-9])|(?<=[a-z”’]\.)[”’»]*(?=[A-Z][a-z]|[“«][A-Z]))"
)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation ("Mr.", "U.S.", "Feb.", "A.")."""
    tail = text[dot - 5 : dot]
    if len(tail) == 5 and tail.isalpha() and tail.islower():  # "…relations." (the usual case)
        return False
    start = max(text.rfind(" ", dot - 12, dot), text.rfind("\n", dot - 12, dot)) + 1
    word = text[max(start, dot - 12) : dot].lstrip("\"“‘'«([")
    if "." in word:  # "U.S." "U.K."
        return True
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def sentence_bounds(
    text: str, paragraphs: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence (see the module docstring), whitespace trimmed;
    ``paragraphs`` are the text's :func:`paragraph_bounds` when already known."""
    out = []
    ends = [m for m in _SENT_END.finditer(text)
            if text[m.start()] != "." or not _is_abbreviation(text, m.start())]  # fmt: skip
    k = 0
    for a, b in paragraph_bounds(text) if paragraphs is None else paragraphs:
        start = a
        while k < len(ends) and ends[k].start() < a:
            k += 1
        while k < len(ends) and ends[k].end() <= b:
            out.append((start, _trim_end(text, ends[k].end())))
            start = ends[k].end()
            k += 1
        if start < b:
            out.append((start, b))
    return out
