"""Framing lexicons: frames of markers and actors of names, read from TOML.

A lexicon file looks like this (see the README section on the lexicon for the full rules)::

    version = "2026.1"            # optional, echoed in provenance.json

    [frames.partnership]
    label = "Partnership and friendship"     # optional, defaults to the key
    markers = ["friendship", "strategic partnership", "mutual trust", "good neighbour*"]
    exclude = ["no limits to"]    # optional: a marker hit inside one of these does not count

    [actors.united_states]        # optional section
    label = "United States"
    names = ["United States", "U.S.", "Washington"]
    case_sensitive = ["US"]       # optional: names matched with their exact capitalisation
    exclude = ["Latin America"]   # optional, as for frames

A marker (or actor name, or exclude phrase) is split into words on whitespace and hyphens; a
word may end in ``*`` (prefix match). Loading only validates the file; matching lives in
:mod:`analysis.document.markers`.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from analysis.config import data_file

__all__ = [
    "DEFAULT_LEXICON",
    "Actor",
    "Frame",
    "Lexicon",
    "LexiconError",
    "default_lexicon_path",
    "load_lexicon",
    "marker_words",
    "parse_lexicon",
]

#: Characters that separate the words of a marker (besides whitespace): ASCII hyphen-minus,
#: Unicode hyphen (U+2010) and non-breaking hyphen (U+2011).
HYPHENS = "-\u2010\u2011"
#: :data:`HYPHENS` escaped for use inside a regex character class.
HYPHEN_CLASS = re.escape(HYPHENS)
_SPLIT = re.compile(rf"[\s{HYPHEN_CLASS}]+")

_TOP_KEYS = ("version", "frames", "actors")
_FRAME_KEYS = ("label", "markers", "exclude")
_ACTOR_KEYS = ("label", "names", "case_sensitive", "exclude")


def default_lexicon_path() -> Path:
    """Path of the lexicon shipped with the package (``analysis/data/lexicon.toml``)."""
    return data_file("lexicon.toml")


#: The lexicon shipped with the package.
DEFAULT_LEXICON: Path = default_lexicon_path()


class LexiconError(ValueError):
    """A lexicon is invalid; the message names the file, the frame/actor and the marker."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problems in the lexicon:" if len(self.problems) > 1 else ""
        super().__init__("\n".join([head, *self.problems]).strip())


@dataclass(frozen=True)
class Frame:
    """A frame: a named group of markers (counted together).

    ``exclude`` phrases are matched like markers; a marker hit lying inside one of their
    occurrences does not count.
    """

    name: str
    label: str
    markers: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    """An actor: a named group of names (``case_sensitive`` ones keep their capitalisation;
    ``exclude`` as for :class:`Frame`)."""

    name: str
    label: str
    names: tuple[str, ...]
    case_sensitive: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon.

    Attributes:
        version: The file's ``version`` string, or ``None``.
        frames: Frames by key, in file order.
        actors: Actors by key, in file order (may be empty).
        source: Where the lexicon came from (a file path, or ``"<dict>"``).
    """

    version: str | None
    frames: dict[str, Frame]
    actors: dict[str, Actor] = field(default_factory=dict)
    source: str = "<dict>"

    def to_dict(self) -> dict:
        """Plain data in canonical form (the inverse of :func:`parse_lexicon`)."""
        out: dict = {}
        if self.version is not None:
            out["version"] = self.version
        frames = {}
        for f in self.frames.values():
            frames[f.name] = {"label": f.label, "markers": list(f.markers)}
            if f.exclude:  # only when given: older lexicons keep their fingerprint
                frames[f.name]["exclude"] = list(f.exclude)
        out["frames"] = frames
        actors = {}
        for a in self.actors.values():
            actors[a.name] = {"label": a.label, "names": list(a.names)}
            if a.case_sensitive:
                actors[a.name]["case_sensitive"] = list(a.case_sensitive)
            if a.exclude:
                actors[a.name]["exclude"] = list(a.exclude)
        if actors:
            out["actors"] = actors
        return out

    @property
    def fingerprint(self) -> str:
        """SHA-256 hex digest of the canonical JSON of version, frames and actors.

        Independent of the file's comments, formatting and ``source``; changes when any
        label, marker, name, exclude phrase or their order changes (order decides ties, so
        it matters). A lexicon without ``exclude`` keeps the fingerprint it had before
        ``exclude`` existed.
        """
        data = self.to_dict()
        data["frames"] = [[k, v] for k, v in data["frames"].items()]
        data["actors"] = [[k, v] for k, v in data.get("actors", {}).items()]
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @property
    def markers(self) -> list[tuple[str, str]]:
        """All ``(frame, marker)`` pairs in file order."""
        return [(f.name, m) for f in self.frames.values() for m in f.markers]


def marker_words(marker: str) -> list[str]:
    """Split a marker into its words (on whitespace and hyphens), keeping case and ``*``."""
    return [w for w in _SPLIT.split(marker) if w]


def _word_problem(word: str) -> str | None:
    if word == "*":
        return "'*' must follow a prefix (a word cannot be just '*')"
    if "*" in word[:-1]:
        return f"'*' is only allowed at the end of a word (word {word!r})"
    return None


def _check_entries(
    values: object,
    *,
    key: str,
    toml_key: str,
    where: str,
    problems: list[str],
    case_sensitive: bool = False,
    seen: dict | None = None,
) -> tuple[str, ...]:
    """Validate a list of markers/names; return them stripped."""
    if not isinstance(values, list):
        problems.append(
            f"{where}: '{toml_key}' must be a list of strings, got {type(values).__name__}"
        )
        return ()
    seen = {} if seen is None else seen
    out = []
    for i, value in enumerate(values, start=1):
        if not isinstance(value, str):
            problems.append(f"{where}: {key} #{i} must be a string, got {value!r}")
            continue
        words = marker_words(value)
        if not words:
            problems.append(f"{where}: {key} #{i} is empty ({value!r})")
            continue
        bad = [p for p in map(_word_problem, words) if p]
        if bad:
            problems.extend(f"{where}: {key} {value!r}: {p}" for p in bad)
            continue
        norm = (case_sensitive, tuple(words if case_sensitive else (w.lower() for w in words)))
        if norm in seen:
            same = "" if seen[norm] == value.strip() else f" (same words as {seen[norm]!r})"
            problems.append(f"{where}: {key} {value!r} is listed twice{same}")
            continue
        seen[norm] = value.strip()
        out.append(value.strip())
    return tuple(out)


def _exclude(
    spec: Mapping, entries: Sequence[str], what: str, where: str, problems: list[str]
) -> tuple[str, ...]:
    """Validate the ``exclude`` phrases of a frame or actor (``entries``: its markers/names)."""
    if "exclude" not in spec:
        return ()
    phrases = _check_entries(
        spec["exclude"], key="exclude phrase", toml_key="exclude", where=where, problems=problems
    )
    own = {tuple(w.lower() for w in marker_words(e)): e for e in entries}
    for phrase in phrases:
        same = own.get(tuple(w.lower() for w in marker_words(phrase)))
        if same is not None:
            problems.append(
                f"{where}: exclude phrase {phrase!r} is the {what} {same!r} itself "
                "(it would remove every hit of it)"
            )
    return phrases


def _label(spec: Mapping, name: str, where: str, problems: list[str]) -> str:
    label = spec.get("label", name)
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}: 'label' must be a non-empty string, got {label!r}")
        return name
    return label.strip()


def _unknown(spec: Mapping, allowed: Sequence[str], where: str, problems: list[str]) -> None:
    for k in spec:
        if k not in allowed:
            problems.append(f"{where}: unknown key {k!r} (allowed: {', '.join(allowed)})")


def parse_lexicon(data: Mapping, *, source: str = "<dict>") -> Lexicon:
    """Validate lexicon data (as read from TOML) and build a :class:`Lexicon`.

    Raises:
        LexiconError: listing every problem, each naming ``source``, the frame or actor and
            the marker: unknown keys, a frame with no markers, an empty marker, ``*`` not at
            the end of a word, a marker listed twice in the same frame (also when spelt
            differently, e.g. ``win-win`` and ``Win win``), wrong types; the same checks for
            ``exclude`` phrases, and an exclude phrase that is one of the frame's markers
            (or the actor's names). An exclude phrase that contains none of the frame's
            markers is found when the lexicon is compiled for matching.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise LexiconError([f"{source}: a lexicon must be a table, got {type(data).__name__}"])
    _unknown(data, _TOP_KEYS, source, problems)
    version = data.get("version")
    if version is not None and not isinstance(version, str):
        problems.append(
            f"{source}: 'version' must be a string such as \"2026.1\" (quote it), got {version!r}"
        )
        version = str(version)

    frames: dict[str, Frame] = {}
    raw_frames = data.get("frames")
    if raw_frames is None or raw_frames == {}:
        problems.append(f"{source}: no frames (add at least one [frames.NAME] table)")
    elif not isinstance(raw_frames, Mapping):
        problems.append(f"{source}: 'frames' must be a table of [frames.NAME] tables")
    else:
        for name, spec in raw_frames.items():
            where = f"{source}: frame {name!r}"
            if not isinstance(spec, Mapping):
                problems.append(f"{where}: must be a table with 'label' and 'markers'")
                continue
            _unknown(spec, _FRAME_KEYS, where, problems)
            label = _label(spec, name, where, problems)
            if "markers" not in spec or spec["markers"] == []:
                problems.append(f"{where}: has no markers (give a non-empty 'markers' list)")
                continue
            markers = _check_entries(
                spec["markers"], key="marker", toml_key="markers", where=where, problems=problems
            )
            exclude = _exclude(spec, markers, "marker", where, problems)
            frames[name] = Frame(name, label, markers, exclude)

    actors: dict[str, Actor] = {}
    raw_actors = data.get("actors", {})
    if not isinstance(raw_actors, Mapping):
        problems.append(f"{source}: 'actors' must be a table of [actors.NAME] tables")
        raw_actors = {}
    for name, spec in raw_actors.items():
        where = f"{source}: actor {name!r}"
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: must be a table with 'label' and 'names'")
            continue
        _unknown(spec, _ACTOR_KEYS, where, problems)
        label = _label(spec, name, where, problems)
        if not spec.get("names") and not spec.get("case_sensitive"):
            problems.append(f"{where}: has no names (give a non-empty 'names' list)")
            continue
        seen: dict = {}
        names = _check_entries(
            spec.get("names", []),
            key="name",
            toml_key="names",
            where=where,
            problems=problems,
            seen=seen,
        )
        exact = _check_entries(
            spec.get("case_sensitive", []),
            key="case_sensitive name",
            toml_key="case_sensitive",
            where=where,
            problems=problems,
            case_sensitive=True,
            seen=seen,
        )
        exclude = _exclude(spec, [*names, *exact], "name", where, problems)
        actors[name] = Actor(name, label, names, exact, exclude)

    if problems:
        raise LexiconError(problems)
    return Lexicon(version, frames, actors, source)


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a lexicon TOML file.

    Args:
        path: The TOML file; ``None`` loads the lexicon shipped with the package
            (:data:`DEFAULT_LEXICON`).

    Returns:
        The validated :class:`Lexicon` (``source`` is the file path).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        LexiconError: the file is not valid TOML or not a valid lexicon (see
            :func:`parse_lexicon`).
    """
    if path is None:
        source = str(DEFAULT_LEXICON)
        raw = files("analysis").joinpath("data", "lexicon.toml").read_bytes()
    else:
        source = str(path)
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"lexicon file {source} does not exist")
        raw = p.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise LexiconError([f"{source}: not valid UTF-8 ({e.reason} at byte {e.start})"]) from e
    except tomllib.TOMLDecodeError as e:
        raise LexiconError([f"{source}: not valid TOML: {e}"]) from e
    return parse_lexicon(data, source=source)
