"""Content-addressed cache of per-document results (JSON files, never pickle).

A document's results depend only on its cleaned text, the NLP/sentiment pipeline and — for
marker and actor matches — the lexicon. So each cleaned text gets two entries:

* ``nlp``: keyed by ``sha256(cleaned text)`` and :data:`NLP_VERSION` (spaCy, lookup tables,
  VADER and this toolkit's rules). Line 1 holds the lexicon-independent results (token count,
  term counts, sentences with their VADER scores); line 2 holds the
  :class:`~analysis.document.nlp.Parsed` token record, read only when the lexicon part must be
  recomputed.
* ``lex``: keyed additionally by :attr:`~analysis.document.lexicon.Lexicon.fingerprint`:
  frame matches, their masked compounds and actor matches.

A changed lexicon therefore re-runs only matching (no spaCy, one VADER call per frame match);
an unchanged text is never parsed twice. Layout under the cache directory::

    nlp-<version hash>/<sha[:2]>/<sha>.json
    lex-<version hash>-<lexicon fingerprint[:16]>/<sha[:2]>/<sha>.json

Every line is ``<sha256 of the rest of the line> <JSON>`` and the JSON repeats the key, the
version and the part, so a truncated, garbled, misplaced or stale entry is detected, counted in
:class:`CacheStats` ``corrupt``, ignored and rewritten — never trusted. Entries are written
atomically (temporary file + ``os.replace``), so concurrent workers and interrupted runs never
leave half-written entries. Deleting the directory is always safe.
"""

from __future__ import annotations

import contextlib
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

from analysis.config import PIPELINE_VERSION

if TYPE_CHECKING:
    from analysis.document.nlp import Parsed

__all__ = [
    "CACHE_DIR_ENV",
    "NLP_VERSION",
    "CacheStats",
    "CacheWarning",
    "DocCache",
    "RunCache",
    "default_cache_dir",
    "lex_version",
    "nlp_version",
    "package_fingerprint",
    "run_key",
    "text_key",
]

#: Bump when the stored results or their computation change (terms, sentence scoring).
RESULTS_VERSION = "1"
#: What the ``nlp`` part depends on besides the text (the source of the modules that compute
#: it is hashed in too, see :func:`nlp_version`).
NLP_VERSION = f"{PIPELINE_VERSION};vader={version('vaderSentiment')};results={RESULTS_VERSION}"
#: Modules whose code decides the ``nlp`` part / the ``lex`` part of an entry.
_NLP_MODULES = (
    "analysis.document.nlp",
    "analysis.document.tone",
    "analysis.document.vader",
    "analysis.runner.pipeline",
    "analysis.runner.cache",
)
_LEX_MODULES = (*_NLP_MODULES, "analysis.document.markers", "analysis.document.lexicon")
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


@cache
def _code_hash(modules: tuple[str, ...]) -> str:
    """SHA-256 of the source of ``modules``: any code change invalidates their entries."""
    h = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        h.update(name.encode("utf-8") + b"\0")
        if origin and os.path.isfile(origin):
            h.update(Path(origin).read_bytes())
    return h.hexdigest()[:16]


@cache
def nlp_version() -> str:
    """Version string of ``nlp`` entries: :data:`NLP_VERSION` plus the hash of its code."""
    return f"{NLP_VERSION};code={_code_hash(_NLP_MODULES)}"


@cache
def lex_version() -> str:
    """Version string of ``lex`` entries (the lexicon fingerprint is added per cache)."""
    return f"{NLP_VERSION};code={_code_hash(_LEX_MODULES)}"


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

    Attributes:
        stats: :class:`CacheStats` of this object's reads and writes (the pipeline also adds
            the workers' counters here).
    """

    def __init__(self, directory: str | Path, *, lexicon_fingerprint: str = ""):
        self.directory = Path(directory)
        self.lexicon_fingerprint = lexicon_fingerprint
        self.stats = CacheStats()
        self._nlp_version = nlp_version()
        self._lex_version = f"{lex_version()};lexicon={lexicon_fingerprint}"
        self._nlp_dir = self.directory / f"nlp-{_short(self._nlp_version)}"
        self._lex_dir = (
            self.directory / f"lex-{_short(lex_version())}-{lexicon_fingerprint[:16] or 'none'}"
        )
        self._broken = False

    def for_lexicon(self, lexicon_fingerprint: str) -> DocCache:
        """The same directory, for another lexicon (fresh counters)."""
        return DocCache(self.directory, lexicon_fingerprint=lexicon_fingerprint)

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

    def get_nlp(self, key: str) -> dict | None:
        """The lexicon-independent results of a text, or ``None`` (absent or unusable).

        Returns:
            ``{"n_tokens": int, "terms": [[term, count], ...], "sentences": [[start, end,
            text, compound, pos, neu, neg], ...]}``.
        """
        got = self._read(self.nlp_path(key), key, self._nlp_version, ("nlp",))
        if got is None or not isinstance(got[0], dict):
            self.stats.nlp_misses += 1
            return None
        self.stats.nlp_hits += 1
        return got[0]

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
            [float, ...], "actors": [[sent_id, actor, name, start, end, text], ...]}``.
        """
        got = self._read(self.lex_path(key), key, self._lex_version, ("lex",))
        if got is None or not isinstance(got[0], dict):
            self.stats.lex_misses += 1
            return None
        self.stats.lex_hits += 1
        return got[0]

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

#: Run entries kept (least recently used ones are removed beyond this).
MAX_RUNS = 4
_RUN_OPTIONS_IGNORED = (
    "out",
    "force",
    "jobs",
    "cache_dir",
    "no_cache",
    "progress",
    "func",
    "command",
)


@cache
def package_fingerprint() -> str:
    """SHA-256 of every source and data file of the installed ``analysis`` package."""
    spec = importlib.util.find_spec("analysis")
    root = Path(spec.origin).parent if spec is not None and spec.origin else None
    h = hashlib.sha256(NLP_VERSION.encode("utf-8"))
    if root is not None:
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in (".py", ".toml", ".json", ".csv", ".txt"):
                h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
                h.update(p.read_bytes())
    return h.hexdigest()


def run_key(provenance: dict, options: dict) -> str:
    """Key of one ``framing analyze`` run: everything its output files depend on.

    Args:
        provenance: The run's provenance (input file and lexicon hashes, options, versions).
        options: The command-line options; execution-only ones (``out``, ``force``,
            ``jobs``, cache options, ``progress``) are ignored, every other one is part of
            the key.
    """
    opts = {k: v for k, v in sorted(options.items()) if k not in _RUN_OPTIONS_IGNORED}
    blob = json.dumps(
        {"provenance": provenance, "options": opts, "package": package_fingerprint()},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _copy_hashing(src: Path, dst: Path) -> str:
    h = hashlib.sha256()
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for chunk in iter(lambda: fi.read(1 << 20), b""):
            h.update(chunk)
            fo.write(chunk)
    return h.hexdigest()


class RunCache:
    """The output files of a whole run, keyed by :func:`run_key` (``runs/<key>/``).

    Re-running ``framing analyze`` on an unchanged corpus with unchanged options, lexicon and
    code copies the stored files (each verified against its SHA-256) instead of recomputing
    the tables. A missing, partial or altered entry is ignored (``outcome == "corrupt"``) and
    replaced after the full run. At most :data:`MAX_RUNS` entries are kept.

    Args:
        directory: The cache directory.
        key: The run's :func:`run_key`.
    """

    def __init__(self, directory: str | Path, key: str):
        self.directory = Path(directory)
        self.key = key
        self.path = self.directory / "runs" / key
        #: ``"hit"``, ``"miss"`` or ``"corrupt"`` after :meth:`restore`; ``"stored"`` after
        #: :meth:`store`.
        self.outcome: str | None = None

    def restore(self, out: str | Path) -> bool:
        """Write the stored files into ``out`` (atomically); ``False`` without a usable entry."""
        from analysis.write.outputs import atomic_dir

        manifest_path = self.path / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if manifest.get("key") != self.key or not isinstance(manifest.get("files"), dict):
                raise ValueError("key mismatch")
            with atomic_dir(out) as tmp:
                for rel, digest in sorted(manifest["files"].items()):
                    dst = tmp / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    if _copy_hashing(self.path / "files" / rel, dst) != digest:
                        raise ValueError(f"{rel}: checksum mismatch")
        except FileNotFoundError:
            self.outcome = "miss"
            return False
        except (OSError, ValueError, TypeError, AttributeError):
            self.outcome = "corrupt"
            return False
        self.outcome = "hit"
        with contextlib.suppress(OSError):
            os.utime(manifest_path)  # most recently used
        return True

    def store(self, out: str | Path) -> None:
        """Store the files of ``out`` (just written by a full run) as this run's entry."""
        import shutil

        out = Path(out)
        runs = self.directory / "runs"
        try:
            runs.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".run-", dir=runs))
            try:
                files = {}
                for p in sorted(out.rglob("*")):
                    if p.is_file():
                        rel = p.relative_to(out).as_posix()
                        dst = tmp / "files" / rel
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        files[rel] = _copy_hashing(p, dst)
                (tmp / "manifest.json").write_text(
                    json.dumps({"key": self.key, "files": files}, indent=1, sort_keys=True),
                    encoding="utf-8",
                )
                if self.path.exists():
                    shutil.rmtree(self.path)
                os.replace(tmp, self.path)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self.outcome = "stored"
            self._prune(runs)
        except OSError as e:
            warnings.warn(
                f"cannot store the run in the cache directory {self.directory} ({e}); "
                "the outputs are complete, the next run will recompute them",
                CacheWarning,
                stacklevel=2,
            )

    @staticmethod
    def _prune(runs: Path) -> None:
        import shutil

        entries = []
        for p in runs.iterdir():
            if p.is_dir() and not p.name.startswith("."):
                m = p / "manifest.json"
                entries.append((m.stat().st_mtime if m.exists() else 0.0, p.name, p))
        for _, _, p in sorted(entries, reverse=True)[MAX_RUNS:]:
            shutil.rmtree(p, ignore_errors=True)
