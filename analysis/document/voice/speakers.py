"""Who speaks: pronouns and descriptions resolved across a document, and lexicon actors.

:class:`SpeakerTracker` remembers the speakers found so far and resolves:

- "he" / "she": the last person speaker of the paragraph, else the name the paragraph last
  mentions (given by the caller), else the last person speaker of the three paragraphs before;
- "it": the last non-person speaker ("it said" after "the MEA said"); "they": the last speaker;
- "I" / "we": nobody here (they take the enclosing speaker later);
- a description without a name ("the Russian leader"): its text stays the speaker, and
  :meth:`SpeakerTracker.describe` gives it the head of the last person speaker of the same actor.

Nothing is invented: with no antecedent the speaker stays empty. :class:`ActorMatcher` maps a
speaker to a lexicon actor through the actors' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from analysis.document.voice.cues import is_person, speaker_head

__all__ = ["ActorMatcher", "SpeakerTracker"]


@dataclass
class _Known:
    para: int
    speaker: str
    head: str
    person: bool
    actor: str


@dataclass
class SpeakerTracker:
    """Speakers seen so far in a document, for pronouns and descriptions (docstring rules)."""

    known: list[_Known] = field(default_factory=list)
    window: int = 3

    def add(self, para: int, speaker: str, head: str, actor: str, words: Sequence[str]) -> None:
        """Remember a speaker found in paragraph ``para``."""
        if speaker:
            person = is_person(head, tuple(words))
            self.known.append(_Known(para, speaker, head, person, actor))

    def _last(
        self, para: int, *, person: bool | None, actor: str = "", named: bool = False
    ) -> _Known | None:
        for k in reversed(self.known):
            if k.para < para - self.window:
                return None
            if person is not None and k.person != person:
                continue
            if (actor and k.actor != actor) or (named and not k.head):
                continue
            return k
        return None

    def resolve(self, para: int, words: Sequence[str], mention: str = "") -> tuple[str, str]:
        """``(speaker, head)`` for a phrase; ``mention`` is the last name of the paragraph."""
        low = words[0].lower() if len(words) == 1 else ""
        if low in ("we", "i"):
            return "", ""
        if low in ("he", "she", "him", "her"):
            k = self._last(para, person=True)
            if k and k.para == para:
                return k.speaker, k.head
            if mention:
                return mention, speaker_head(mention.split())
            return (k.speaker, k.head) if k else ("", "")
        if low in ("it", "they"):
            k = self._last(para, person=None if low == "they" else False)
            return (k.speaker, k.head) if k else ("", "")
        text = " ".join(words)
        return text, speaker_head(words)

    def describe(self, para: int, actor: str) -> str:
        """Head of the last person speaker a nameless description refers to ("" if none)."""
        k = self._last(para, person=True, actor=actor, named=True)
        return k.head if k else ""


class ActorMatcher:
    """Map a speaker to a lexicon actor through the actors' names (leftmost match wins).

    Args:
        actors: Mapping actor → names: either :class:`analysis.document.lexicon.Actor` objects
            (``names`` case-insensitive, ``case_sensitive`` exact) or plain sequences of names.
            A name is split into words on spaces and hyphens; a word ending in ``*`` is a prefix.
    """

    def __init__(self, actors: Mapping[str, object] | None) -> None:
        folded: list[str] = []
        exact: list[str] = []
        self.keys: dict[str, str] = {}  # regex group -> actor
        self.memo: dict[tuple[str, ...], str] = {}
        for key, spec in (actors or {}).items():
            names = getattr(spec, "names", spec)
            for name, out in [(n, folded) for n in _as_names(names)] + [
                (n, exact) for n in _as_names(getattr(spec, "case_sensitive", ()))
            ]:
                group = f"a{len(self.keys)}"
                self.keys[group] = key
                out.append(f"(?P<{group}>{_name_body(name)})")
        self.patterns = [
            re.compile(rf"(?<![\w.])(?:{'|'.join(parts)})(?!\w)", flags)
            for parts, flags in ((folded, re.IGNORECASE), (exact, 0))
            if parts
        ]

    def actor(self, *texts: str) -> str:
        """The actor of the first text that names one ("" when none does)."""
        if texts in self.memo:
            return self.memo[texts]
        if len(self.memo) > 10_000:
            self.memo.clear()
        self.memo[texts] = found = self._actor(texts)
        return found

    def _actor(self, texts: tuple[str, ...]) -> str:
        for text in texts:
            hits = [m for p in self.patterns if (m := p.search(text))]
            if hits:
                m = min(hits, key=lambda m: (m.start(), int(m.lastgroup[1:])))
                return self.keys[m.lastgroup]
        return ""


def _as_names(names: object) -> Iterable[str]:
    return [names] if isinstance(names, str) else list(names)  # type: ignore[arg-type]


def _name_body(name: str) -> str:
    words = [w for w in re.split(r"[\s\-‐‑]+", name.strip()) if w]
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return r"[\s\-‐‑]+".join(parts)
