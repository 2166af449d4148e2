"""Content-addressed cache of per-document results (JSON files, never pickle).

A document's results depend only on its cleaned text, the NLP/sentiment pipeline and — for
marker and actor matches — the lexicon. So each cleaned text gets two entries:

* ``nlp``: keyed by ``sha256(cleaned text)`` and :data:`NLP_VERSION` (spaCy, lookup tables,
  VADER and this toolkit's rules). Line 1 holds the lexicon-independent results (token count,
  term counts, sentences with their VADER scores); line 2 holds the
  :class:`~analysis.document.nlp.Parsed` token record, read only when the lexicon part must be
  recomputed.
* ``lex``: keyed additionally by :attr:`~analysis.document.lexicon.Lexicon.fingerprint`:
  frame matches, their masked compounds, actor matches and the voice results (whose speakers
  map to the lexicon's actors; :mod:`analysis.document.voice` is lexicon-only code).

A changed lexicon therefore re-runs only matching (no spaCy, one VADER call per frame match);
an unchanged text is never parsed twice. Layout under the cache directory::

    nlp-<version hash>/<sha[:2]>/<sha>.json
    lex-<version hash>-<lexicon fingerprint[:16]>/<sha[:2]>/<sha>.json

Every line is ``<sha256 of the rest of the line> <JSON>`` and the JSON repeats the key, the
version and the part, so a truncated, garbled, misplaced or stale entry is detected, counted in
:class:`CacheStats` ``corrupt``, ignored and rewritten — never trusted. Entries are written
atomically (temporary file + ``os.replace``), so concurrent workers and interrupted runs never
leave half-written entries. Deleting the directory is always safe.

Longer than ~400 lines because the entry format, its versions and the cache key in one place.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import warnings
from dataclasses import dataclass, fields
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.config import PIPELINE_VERSION, pipeline_version

if TYPE_CHECKING:
    from analysis.document.nlp import Parsed

__all__ = [
    "CACHE_DIR_ENV",
    "NLP_VERSION",
    "CacheStats",
    "CacheWarning",
    "DocCache",
    "code_modules",
    "default_cache_dir",
    "document_modules",
    "lex_version",
    "module_source",
    "nlp_version",
    "text_key",
]

#: Bump when the stored results or their computation change (terms, sentence scoring).
RESULTS_VERSION = "3"
#: What the ``nlp`` part depends on besides the text, with the default spaCy pipeline (the
#: source of the modules that compute it is hashed in too, and a ``$FRAMING_SPACY_MODEL``
#: pipeline, see :func:`nlp_version`).
NLP_VERSION = f"{PIPELINE_VERSION};vader={version('vaderSentiment')};results={RESULTS_VERSION}"
#: What the cache key covers besides the versions above: the source of every module of the
#: per-document pass (:mod:`analysis.document`), of this module (the entry format) and of
#: :mod:`analysis.runner.batch` (what is stored), and the data files the pass reads. Editing
#: statistics, writers, plots or the CLI never invalidates an entry. The ``nlp`` part leaves
#: out the lexicon-only modules (a changed matcher re-runs only matching).
_LEX_ONLY_MODULES = ("analysis.document.lexicon", "analysis.document.markers")
#: Packages whose every module is lexicon-only too: the voice spans name the lexicon's actors,
#: so they are stored in the ``lex`` part.
_LEX_ONLY_PACKAGES = ("analysis.document.voice",)
_FORMAT_MODULES = ("analysis.runner.batch", "analysis.runner.doc_cache")
#: Data files of ``analysis/data`` the per-document pass reads (the lexicon is keyed by its
#: fingerprint instead).
_PASS_DATA = ("lemmas.toml",)
#: Environment variable overriding the default cache directory.
CACHE_DIR_ENV = "FRAMING_CACHE_DIR"


class CacheWarning(UserWarning):
    """The cache directory cannot be used; the run continues without it."""


def default_cache_dir() -> Path:
    """``$FRAMING_CACHE_DIR``, else the user's cache directory (``~/.cache/framing`` on Linux)."""
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("framing", appauthor=False))


def text_key(text: str) -> str:
    """The cache key of a cleaned text: SHA-256 hex digest of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def _short(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def document_modules() -> tuple[str, ...]:
    """The modules of the per-document pass: every module of :mod:`analysis.document` and
    of its subpackages."""
    import pkgutil

    import analysis.document

    walk = pkgutil.walk_packages(analysis.document.__path__, prefix="analysis.document.")
    return tuple(sorted(m.name for m in walk))


def module_source(name: str) -> bytes:
    """The source bytes of module ``name`` (empty when it has no source file)."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec is not None else None
    return Path(origin).read_bytes() if origin and os.path.isfile(origin) else b""


@cache
def _code_hash(modules: tuple[str, ...]) -> str:
    """SHA-256 of the source of ``modules`` and of the pass's data files."""
    from analysis.config import data_file

    h = hashlib.sha256()
    for name in modules:
        h.update(name.encode("utf-8") + b"\0" + module_source(name))
    for name in _PASS_DATA:
        path = data_file(name)
        h.update(name.encode("utf-8") + b"\0" + (path.read_bytes() if path.is_file() else b""))
    return h.hexdigest()[:16]


def code_modules(part: str) -> tuple[str, ...]:
    """The modules whose source is part of the key of the ``nlp`` or ``lex`` part."""
    modules = document_modules()
    if part == "nlp":
        modules = tuple(m for m in modules if not _lex_only(m))
    return (*modules, *_FORMAT_MODULES)


def _lex_only(module: str) -> bool:
    """Whether ``module`` is part of the ``lex`` key only."""
    return module in _LEX_ONLY_MODULES or any(
        module == p or module.startswith(p + ".") for p in _LEX_ONLY_PACKAGES
    )


def _pass_version(part: str) -> str:
    """:data:`NLP_VERSION` for the current spaCy pipeline, plus the hash of ``part``'s code."""
    base = NLP_VERSION.replace(PIPELINE_VERSION, pipeline_version(), 1)
    return f"{base};code={_code_hash(code_modules(part))}"


def nlp_version() -> str:
    """Version string of ``nlp`` entries: :data:`NLP_VERSION` (with the spaCy pipeline of
    :func:`analysis.config.pipeline_version`) plus the hash of its code."""
    return _pass_version("nlp")


def lex_version() -> str:
    """Version string of ``lex`` entries (the lexicon fingerprint is added per cache)."""
    return _pass_version("lex")


@dataclass
class CacheStats:
    """Counters of one run (summed over worker processes).

    Attributes:
        nlp_hits: Texts whose NLP part was read from the cache.
        nlp_misses: Texts parsed and scored (absent or unusable entry).
        lex_hits: Texts whose lexicon part was read from the cache.
        lex_misses: Texts matched against the lexicon.
        parsed_hits: Lexicon-part misses served by the stored token record (no spaCy run).
        corrupt: Entries (or lines) found unreadable, garbled or mismatched, then rebuilt.
        writes: Entries written.
    """

    nlp_hits: int = 0
    nlp_misses: int = 0
    lex_hits: int = 0
    lex_misses: int = 0
    parsed_hits: int = 0
    corrupt: int = 0
    writes: int = 0

    def add(self, other: CacheStats) -> None:
        """Add another run's counters to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        """Counters by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _line(payload: dict) -> bytes:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(body).hexdigest().encode("ascii") + b" " + body + b"\n"


def _check(line: bytes, key: str, ver: str, part: str) -> object:
    """The ``data`` of a verified line; raises ValueError on any mismatch."""
    digest, sep, body = line.rstrip(b"\n").partition(b" ")
    if not sep or hashlib.sha256(body).hexdigest().encode("ascii") != digest:
        raise ValueError("checksum mismatch")
    obj = json.loads(body)
    if obj.get("key") != key or obj.get("version") != ver or obj.get("part") != part:
        raise ValueError("key/version mismatch")
    return obj["data"]


class DocCache:
    """Per-document cache in one directory (see the module docstring for the layout).

    Args:
        directory: The cache directory (created on first write).
        lexicon_fingerprint: Fingerprint of the lexicon the ``lex`` entries belong to.
        terms_mode: ``"lemma"`` or ``"form"``: the terms stored (part of the keys).

    Attributes:
        stats: :class:`CacheStats` of this object's reads and writes (the pipeline also adds
            the workers' counters here).
    """

    def __init__(
        self, directory: str | Path, *, lexicon_fingerprint: str = "", terms_mode: str = "lemma"
    ):
        self.directory = Path(directory)
        self.lexicon_fingerprint = lexicon_fingerprint
        self.terms_mode = terms_mode
        self.stats = CacheStats()
        mode = "" if terms_mode == "lemma" else f";terms={terms_mode}"
        self._nlp_version = nlp_version() + mode
        self._lex_version = f"{lex_version()}{mode};lexicon={lexicon_fingerprint}"
        self._nlp_dir = self.directory / f"nlp-{_short(self._nlp_version)}"
        self._lex_dir = self.directory / (
            f"lex-{_short(lex_version() + mode)}-{lexicon_fingerprint[:16] or 'none'}"
        )
        self._broken = False

    def for_lexicon(self, lexicon_fingerprint: str) -> DocCache:
        """The same directory, for another lexicon (fresh counters)."""
        return DocCache(
            self.directory, lexicon_fingerprint=lexicon_fingerprint, terms_mode=self.terms_mode
        )

    def __repr__(self) -> str:
        return (
            f"DocCache({str(self.directory)!r}, lexicon_fingerprint={self.lexicon_fingerprint!r})"
        )

    # ------------------------------------------------------------------ paths

    def nlp_path(self, key: str) -> Path:
        """File of the ``nlp`` entry of a text key."""
        return self._nlp_dir / key[:2] / f"{key}.json"

    def lex_path(self, key: str) -> Path:
        """File of the ``lex`` entry of a text key (for this cache's lexicon)."""
        return self._lex_dir / key[:2] / f"{key}.json"

    # ------------------------------------------------------------------ reading

    def _read(self, path: Path, key: str, ver: str, parts: tuple[str, ...]) -> list | None:
        try:
            with open(path, "rb") as f:
                lines = [f.readline() for _ in parts]
            return [_check(ln, key, ver, p) for ln, p in zip(lines, parts, strict=True)]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.stats.corrupt += 1
            return None

    def _get_part(self, path: Path, key: str, ver: str, part: str) -> dict | None:
        """The ``part`` line of an entry, counted as a hit or a miss of that part."""
        got = self._read(path, key, ver, (part,))
        if got is None or not isinstance(got[0], dict):
            setattr(self.stats, f"{part}_misses", getattr(self.stats, f"{part}_misses") + 1)
            return None
        setattr(self.stats, f"{part}_hits", getattr(self.stats, f"{part}_hits") + 1)
        return got[0]

    def get_nlp(self, key: str) -> dict | None:
        """The lexicon-independent results of a text, or ``None`` (absent or unusable).

        Returns:
            ``{"n_tokens": int, "terms": [[term, count], ...], "sentences": [[start, end,
            text, compound, pos, neu, neg], ...]}``.
        """
        return self._get_part(self.nlp_path(key), key, self._nlp_version, "nlp")

    def get_parsed(self, key: str) -> Parsed | None:
        """The stored :class:`~analysis.document.nlp.Parsed` record of a text, or ``None``."""
        got = self._read(self.nlp_path(key), key, self._nlp_version, ("nlp", "parsed"))
        if got is None:
            return None
        try:
            parsed = _parsed_from_json(got[1])
        except (KeyError, TypeError, ValueError):
            self.stats.corrupt += 1
            return None
        if text_key(parsed.text) != key:
            self.stats.corrupt += 1
            return None
        self.stats.parsed_hits += 1
        return parsed

    def get_lex(self, key: str) -> dict | None:
        """The lexicon-dependent results of a text, or ``None``.

        Returns:
            ``{"matches": [[sent_id, frame, marker, start, end, text], ...], "masked":
            [float, ...], "actors": [[sent_id, actor, name, start, end, text], ...], "moves":
            [[from_term, to_term, count], ...], "voices": [[voice, mixed, speaker], ...],
            "match_voices": [[voice, speaker], ...], "quotes": [[span_id, voice, partial,
            start, end, speaker, speaker_actor, cue, text], ...], "voice_tokens": [narrator,
            quote, reported]}`` (the case-sensitive names of the lexicon; the voice results of
            :func:`analysis.document.process.voice_part`).
        """
        return self._get_part(self.lex_path(key), key, self._lex_version, "lex")

    # ------------------------------------------------------------------ writing

    def _write(self, path: Path, data: bytes) -> None:
        if self._broken:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            try:
                os.fchmod(fd, 0o644)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            # A cache that cannot be written must never stop an analysis.
            self._broken = True
            warnings.warn(
                f"cache directory {self.directory} is not writable ({e}); continuing without "
                "caching (use --cache-dir DIR or --no-cache)",
                CacheWarning,
                stacklevel=3,
            )
            return
        self.stats.writes += 1

    def put_nlp(self, key: str, results: dict, parsed: Parsed) -> None:
        """Store the lexicon-independent results and the token record of a text."""
        head = {"key": key, "version": self._nlp_version}
        self._write(
            self.nlp_path(key),
            _line({**head, "part": "nlp", "data": results})
            + _line({**head, "part": "parsed", "data": _parsed_to_json(parsed)}),
        )

    def put_lex(self, key: str, results: dict) -> None:
        """Store the lexicon-dependent results of a text."""
        self._write(
            self.lex_path(key),
            _line({"key": key, "version": self._lex_version, "part": "lex", "data": results}),
        )


def _parsed_to_json(p: Parsed) -> dict:
    # ``lower`` (spaCy's LOWER is ``str.lower`` of the token text) and ``lemma`` are
    # recomputed on load from the text and offsets (a third of the size); lemmas come from
    # the same lookup table, which NLP_VERSION pins.
    return {
        "text": p.text,
        "start": p.start,
        "end": p.end,
        "sent": p.sent,
        "is_num": [int(x) for x in p.is_num],
        "sentences": p.sentences,
    }


def _parsed_from_json(d: dict) -> Parsed:
    from analysis.document.nlp import Parsed, word_forms

    text, start, end = d["text"], d["start"], d["end"]
    forms = [word_forms(text[s:e].lower()) for s, e in zip(start, end, strict=True)]
    lower = [f[0] for f in forms]
    n = len(lower)
    if not (len(d["sent"]) == len(d["is_num"]) == n):
        raise ValueError("token record lists of different lengths")
    return Parsed(
        text=text,
        lower=lower,
        lemma=[f[1] for f in forms],
        start=list(start),
        end=list(end),
        sent=list(d["sent"]),
        is_num=[bool(x) for x in d["is_num"]],
        sentences=[(int(s), int(e)) for s, e in d["sentences"]],
    )


# --------------------------------------------------------------------------- whole runs
