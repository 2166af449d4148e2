"""Speech cues and speaker phrases (for :mod:`.voice`): the word lists and the token walks.

A **speech cue** is a verb or phrase of :data:`SPEECH_VERBS` ("said", "stressed", "pointed
out", "according to", "was quoted as saying", …). The **speaker** is the noun phrase the cue
governs, found by a bounded walk over word tokens without a parser:

- before a finite cue (:func:`left_speaker`: "Russian President Vladimir Putin said", "the
  Russian leader also stressed", "Putin, who took office on May 7, concluded": an appositive
  between commas is skipped; auxiliaries and adverbs such as "has", "also", "on Friday" too);
- after it when inverted (:func:`right_speaker`: ", said Russian President Vladimir Putin",
  "said the letter").

A lower-case compound before a source noun is part of the phrase ("Putin's foreign-policy
aide").

A speaker phrase is made of capitalised words, determiners, possessives and the source nouns
of :data:`SOURCE_NOUNS` ("spokeswoman", "statement", "ministry", "officials", …). Its **head**
(:func:`speaker_head`) is its last run of capitalised words that are not titles or
nationalities ("Russian President Vladimir Putin" → "Vladimir Putin", "Mr Putin" → "Putin",
"Chinese Ambassador to Russia Zhang Hanhui" → "Zhang Hanhui", "the Kremlin press service" →
"Kremlin", "Putin's aide" → "": a possessor is not the head). :func:`is_person` tells people
("Dmitry Peskov", "the official") from institutions and documents ("the MEA", "the letter").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words`` as a set (for the word lists below)."""
    return frozenset(words.split())


__all__ = [
    "NAMING_VERBS",
    "PERSON_NOUNS",
    "PRONOUNS",
    "SOURCE_NOUNS",
    "SPEECH_VERBS",
    "Token",
    "is_name",
    "is_person",
    "left_speaker",
    "right_speaker",
    "speaker_head",
    "trie_pattern",
    "word_set",
    "word_tokens",
]

#: Speech cues, as written (a verb in its inflected forms, or a fixed phrase).
SPEECH_VERBS: tuple[str, ...] = (
    "said", "says", "say", "saying", "told", "tells", "telling",
    "noted", "notes", "noting", "stressed", "stresses", "stressing",
    "emphasized", "emphasised", "emphasizes", "emphasises", "emphasizing", "emphasising",
    "stated", "states", "stating", "added", "adds", "adding",
    "announced", "announces", "announcing", "warned", "warns", "warning",
    "pointed out", "points out", "pointing out", "according to",
    "explained", "explains", "declared", "declares", "claimed", "claims", "claiming",
    "insisted", "insists", "argued", "argues", "remarked", "concluded", "continued",
    "underlined", "underscored", "reiterated", "recalled", "confirmed", "asserted",
    "acknowledged", "admitted", "revealed", "reported", "reports", "wrote", "writes",
    "replied", "responded", "commented", "observed", "elaborated", "affirmed", "mentioned",
    "believes", "believe", "agreed", "assured", "went on to say", "was quoted as saying",
    "were quoted as saying", "quoted as saying", "expressed confidence", "expressed hope",
    "in his view", "in her view", "in his opinion", "in her opinion", "in his words",
    "in her words",
    "specified", "specifies", "clarified", "clarifies", "reiterates", "underlines",
    "confirms", "explaining", "insisting", "arguing", "acknowledges", "admits", "asserts",
    "recalls", "replies", "responds", "remarks", "denied", "denies", "suggested",
    "suggests", "urged", "urges", "vowed", "vows", "pledged", "pledges", "predicted",
    "predicts", "believed", "asked", "asks",
    "informed", "informs", "restated", "restates",
)  # fmt: skip

#: Verbs that attribute a quoted phrase in their clause but report no content ("praised his
#: 'dear friend'", "described … as his “best friend”", "called … "an old friend"").
NAMING_VERBS: tuple[str, ...] = (
    "praised", "praises", "praising", "described", "describes", "describing", "called",
    "calls", "calling", "hailed", "hails", "hailing", "dubbed", "termed", "characterized",
    "characterised", "referred to", "spoke of", "branded", "labelled", "labeled",
    "addressed", "terms", "proclaimed", "proclaims",
)  # fmt: skip

#: Cues whose content may follow without "that" ("Xi said China welcomes…").
BARE_CUES = word_set(
    """
    said says say saying added adds adding claimed claims claiming believes believe
    wrote writes insisted insists argued argues warned warns warning
    """
)
#: Cues that need "that" unless an auxiliary soon shows a clause ("stressing the Duma is").
CLAUSE_CUES = word_set(
    """
    noted notes noting stressed stresses stressing emphasized emphasised emphasizes
    emphasises emphasizing emphasising stated states stating announced announces
    confirmed reiterated underlined underscored declared declares explained explains
    agreed
    """
)

#: Lower-case nouns that can head a speaker phrase ("the statement", "officials").
SOURCE_NOUNS = word_set(
    """
    spokesman spokeswoman spokesperson spokespeople minister ministry president leader
    leaders presidents aide adviser advisor advisers expert experts analyst analysts
    strategist strategists economist economists diplomat diplomats ambassador envoy
    source sources statement statements letter report reports media newspaper
    publication agency channel service government department office official officials
    correspondent reporter reporters journalist journalists editor commentator observers
    critics residents witnesses police authorities military army head chief chairman
    secretary mayor governor commander researcher professor scholar embassy sides side
    parties party readout communique declaration document update intelligence team
    friend employee representative premier counterpart medics spokesmen delegation
    council committee commission board court prosecutors lawmakers heads
    outlet outlets article broadcaster network
    """
)
#: Pronouns resolved by :class:`SpeakerTracker` ("I" and "we" take the enclosing speaker).
PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "we", "i"})

_DETERMINERS = frozenset(
    ["the", "a", "an", "his", "her", "its", "their", "our", "this", "these", "those"]
)
_ADJECTIVES = word_set(
    """
    former senior top deputy unnamed unidentified political foreign state official chief
    prime vice high ranking high-ranking presidential press news security defence
    defense armed forces two three four both
    """
)
_TITLES = word_set(
    """
    President Vice Prime Minister Foreign Secretary Spokesman Spokeswoman Spokesperson
    Ambassador Chairman Premier Deputy Aide Presidential Director Head Chief General Mr
    Mrs Ms Dr Sir Lord Chancellor King Queen Leader Envoy Adviser Advisor Member Senator
    Governor Mayor Commander Defence Defense Business Home Trade Energy Finance Economy
    State Councilor Press Ministry Office Commission Committee Bureau Council Department
    Affairs Party Political Central Politburo Secretary-General Officer Assistant
    Representative Permanent Special Executive Justice Interior External Security
    Parliament Speaker
    """
)
_NATIONALITIES = word_set(
    """
    Russian Chinese American British Ukrainian French German Indian Turkmen Japanese
    Korean Iranian Turkish Western European Soviet Kazakh Belarusian Polish Italian
    Brazilian Cuban Israeli Palestinian Syrian Hungarian Serbian US U.S. UK EU
    """
)
_INSTITUTIONS = word_set(
    """
    Kremlin Xinhua TASS Reuters AFP AP Sputnik MFA BBC CGTN RT Telegram Ministry
    Government Embassy Times Post Daily News Agency Service Institute University Center
    Centre Foundation Council Academy School Zoo Committee Commission Office Department
    Bureau Court Parliament Duma Congress Forum Organization Organisation Union Bank
    """
)
_INNER = frozenset({"of", "to", "and", "-", "for"})
_APPOSITIVE = word_set(
    "who which whose a an the also in for himself herself his her its their then now once "
    "formerly currently speaking"
)
_STOP_SUBJECT = word_set(
    """
    However Meanwhile Earlier Later Also And But Then Now Today Yesterday Separately
    Previously Indeed Yet So Still Moreover Furthermore Finally Thus Therefore The A An
    This That These Those His Her Its Their Our We I It He She They In On At For With By
    From To Of As If When While After Before During Under Over Despite Following
    According Speaking Asked Commenting Responding Addressing Regarding Lauding
    """
)
_SKIP = word_set(
    """
    also further then later earlier again once has have had was were is are will would
    recently reportedly previously repeatedly separately in turn for part his her on
    monday tuesday wednesday thursday friday saturday sunday today yesterday last this
    morning night
    """
)

_NOT_NOUN = word_set(
    """
    in on at of to from by with for as and or but that which who was were is are has
    have had will would not also
    """
)

#: A word token ``(start, end, text)``.
Token = tuple[int, int, str]
_TOKEN = r"\w+(?:[’'\-‐]\w+)*(?:\.(?:[A-Z]\.)+)?|[^\w\s]"
#: A token with the whitespace before it: every character that is not whitespace starts a
#: token, so the whitespace groups and tokens tile the text and offsets are running sums.
_SPACED_TOKEN = re.compile(rf"(\s*)({_TOKEN})")


def word_tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and punctuation tokens of ``text[start:end]`` with absolute offsets."""
    end = len(text) if end is None else end
    out: list[Token] = []
    append = out.append
    pos = start
    for space, word in _SPACED_TOKEN.findall(text, start, end):
        pos += len(space)
        after = pos + len(word)
        append((pos, after, word))
        pos = after
    return out


def _bare(word: str) -> str:
    """A word without its possessive ending ("Sky's" → "Sky")."""
    return word[:-2] if word[-2:] in ("'s", "’s", "'S", "’S") else word


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regex matching any of ``phrases`` (lower case; spaces match any whitespace), written
    as a character trie so that the regex engine tests one branch per letter, longest first."""
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(sub)
                for ch, sub in sorted(node.items()) if ch]  # fmt: skip
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return body + "?" if len(alts) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return emit(root)


def is_name(word: str) -> bool:
    """Whether a token is a capitalised word (not a sentence adverb)."""
    return word[:1].isupper() and word not in _STOP_SUBJECT


def _np_word(word: str) -> bool:
    low = word.lower()
    return (
        is_name(word)
        or low in _DETERMINERS
        or low in SOURCE_NOUNS
        or low in _ADJECTIVES
        or _bare(low) != low
    )


def _np_final(word: str) -> bool:
    """Whether a phrase may end with this word (a name or a source noun)."""
    return is_name(word) or _bare(word.lower()) in SOURCE_NOUNS


def _modifier(toks: Sequence[Token], i: int) -> bool:
    """Whether token ``i`` is a lower-case compound before a source noun ("foreign-policy
    aide", "long-time adviser")."""
    w = toks[i][2]
    return "-" in w and w.islower() and i + 1 < len(toks) and toks[i + 1][2] in SOURCE_NOUNS


def _trim(toks: Sequence[Token], i: int, j: int) -> tuple[int, int] | None:
    """Drop function words at the edges of ``toks[i:j]``; ``None`` if nothing is left."""
    while i < j and (
        toks[i][2] in _INNER
        or (toks[i][2] in _STOP_SUBJECT and toks[i][2].lower() not in _DETERMINERS)
    ):
        i += 1
    while j > i and not _np_final(toks[j - 1][2]):
        j -= 1
    return (i, j) if i < j else None


def _phrase_left(
    toks: Sequence[Token], j: int, lo: int, loose: bool = True
) -> tuple[int, int] | None:
    """The speaker phrase ending at token ``j`` (exclusive), not before token ``lo``."""
    if j > lo and toks[j - 1][2].lower() in PRONOUNS:
        return (j - 1, j)
    i = j
    while (
        i > lo
        and i > j - 12
        and (_np_word(toks[i - 1][2]) or toks[i - 1][2] in _INNER or _modifier(toks, i - 1))
    ):
        i -= 1
    found = _trim(toks, i, j)
    if found is None and loose and j > lo and toks[j - 1][2].isalpha():
        # "The Russian despot said": any nouns after a determiner, up to five words
        for i in range(j - 2, max(lo, j - 6) - 1, -1):
            w = toks[i][2]
            if w.lower() in _DETERMINERS and w.lower() not in ("this", "these", "those"):
                return (i, j)
            if not (w.isalpha() or _bare(w).isalpha()) or w.lower() in _NOT_NOUN:
                break
    return found


def left_speaker(
    toks: Sequence[Token], k: int, lo: int = 0, *, loose: bool = True
) -> tuple[int, int] | None:
    """Token range of the speaker phrase before the cue at token ``k`` (see the docstring).

    With ``loose``, a phrase may also be a determiner and up to four nouns ("the Russian
    despot"); without it, only names and source nouns count (for participles: "signs saying").
    """
    j = k
    while j > lo and toks[j - 1][2].lower() in _SKIP:
        j -= 1
    if j - 3 >= lo and toks[j - 1][2] == ")" and toks[j - 3][2] == "(":  # "(MEA) said"
        j -= 3
    found = _phrase_left(toks, j, lo, loose)
    if found or j <= lo or toks[j - 1][2] != ",":
        return found
    # "Putin, who took office as president on May 7, concluded": skip comma groups.
    comma = j - 1
    for _ in range(3):
        prev = next((c for c in range(comma - 1, max(lo, comma - 40) - 1, -1)
                     if toks[c][2] == ","), None)  # fmt: skip
        if prev is None or not _appositive(toks[prev + 1 : comma]):
            return None
        found = _phrase_left(toks, prev, lo)
        if found and is_name(toks[found[1] - 1][2]):
            return found
        comma = prev
    return None


def _appositive(group: Sequence[Token]) -> bool:
    """Whether tokens between two commas can describe a speaker ("who took office…", "an
    economist…", "in turn", "Bridgewater Associates") rather than continue a clause."""
    if not group:
        return False
    first = group[0][2]
    return (
        first.lower() in _APPOSITIVE
        or is_name(first)
        or any(_bare(t[2].lower()) in PERSON_NOUNS | SOURCE_NOUNS for t in group)
    )


def right_speaker(toks: Sequence[Token], k: int, hi: int | None = None) -> tuple[int, int] | None:
    """Token range of the speaker phrase starting at token ``k`` ("said the letter")."""
    hi = len(toks) if hi is None else hi
    if k < hi and toks[k][2].lower() in PRONOUNS:
        return (k, k + 1)
    j = k
    while j < hi and j < k + 12:
        w = toks[j][2]
        if w.lower() in ("who", "which", "that") or not (
            _np_word(w) or w in _INNER or _modifier(toks, j)
        ):
            break
        j += 1
    return _trim(toks, k, j)


def speaker_head(words: Sequence[str]) -> str:
    """The proper-name part of a speaker phrase's words (see the module docstring)."""
    return _head(tuple(words))


@lru_cache(maxsize=4096)
def _head(words: tuple[str, ...]) -> str:
    best: list[str] = []
    run: list[str] = []
    before = run_before = ""
    possessive = False
    for w in [*words, ""]:
        b = _bare(w)
        name = bool(b) and is_name(b) and b not in _TITLES and b not in _NATIONALITIES
        if run and (not name or possessive):
            if not (possessive and w):  # "Putin's aide": a possessor is not the head
                best = run[1:] if run_before in ("to", "of", "for", "at") and len(run) > 1 else run
            run = []
        if name:
            if not run:
                run_before = before
            run.append(b)
            possessive = b != w
        before = w
    return " ".join(best)


def _named_person(head: str, words: Sequence[str]) -> bool:
    """Whether a speaker is a person: a name that is no institution, acronym or document."""
    if not head or any(_bare(w.lower()) in SOURCE_NOUNS - PERSON_NOUNS for w in words[-1:]):
        return False
    parts = head.split()
    if any(h in _INSTITUTIONS for h in parts):
        return False
    titled = any(w in _TITLES or w.lower() in PERSON_NOUNS for w in words)
    return titled or len(parts) > 1 or not parts[0].isupper()


@lru_cache(maxsize=4096)
def is_person(head: str, words: tuple[str, ...]) -> bool:
    """Whether a speaker phrase (its ``head`` and ``words``) names a person: a personal name
    that is no institution, acronym or document, or a description ending in a person noun
    ("the official", "a former friend of the Russian President")."""
    if words and _bare(words[-1].lower()) in PERSON_NOUNS:
        return True
    return _named_person(head, words)


#: Source nouns that name a person ("the spokesman", "an official"): their pronoun is "he/she".
PERSON_NOUNS = word_set(
    """
    spokesman spokeswoman spokesperson minister president leader aide adviser advisor
    expert analyst strategist economist diplomat ambassador envoy official correspondent
    reporter journalist editor head chief chairman secretary mayor governor commander
    researcher professor scholar friend employee representative premier counterpart officer
    """
)
