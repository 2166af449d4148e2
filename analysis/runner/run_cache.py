"""The output files of whole runs, keyed by everything they depend on (``CACHE/runs/``)."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import tempfile
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from analysis.runner.doc_cache import NLP_VERSION, CacheWarning
from analysis.schema import MODEL_TABLE_COLUMNS, TABLE_COLUMNS

__all__ = [
    "MAX_RUNS",
    "OUTPUT_TABLES",
    "RunCache",
    "is_output_name",
    "manifest_digest",
    "package_fingerprint",
    "run_key",
]


#: Run entries kept (least recently used ones are removed beyond this).
MAX_RUNS = 4

#: The tables a run writes (``NAME.csv``, or the Parquet dataset ``NAME/part-*.parquet``):
#: the only files, with ``provenance.json``, an entry may restore.
OUTPUT_TABLES: tuple[str, ...] = (
    *TABLE_COLUMNS,
    "keyness",
    "frame_rates",
    "skipped",
    "reuse",
    "amplification",
)
OUTPUT_TABLES += tuple(MODEL_TABLE_COLUMNS)  # rate_models, rate_trends

_PART = re.compile(r"part-[0-9]{5,}\.parquet")
_KEY = re.compile(r"[0-9a-f]{64}")


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


def is_output_name(rel: str) -> bool:
    """Whether ``rel`` names a file a run writes: ``provenance.json``, ``NAME.csv`` or
    ``NAME/part-NNNNN.parquet`` for a table NAME of :data:`OUTPUT_TABLES` (nothing else: no
    other directory, no ``..``, no absolute path)."""
    if rel == "provenance.json":
        return True
    name, sep, part = rel.partition("/")
    if sep:
        return name in OUTPUT_TABLES and _PART.fullmatch(part) is not None
    return rel.endswith(".csv") and rel[: -len(".csv")] in OUTPUT_TABLES


def manifest_digest(key: str, files: Mapping[str, str]) -> str:
    """The checksum a manifest carries: SHA-256 of its key and file list (canonical JSON)."""
    blob = json.dumps({"key": key, "files": dict(files)}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


def _read_manifest(path: Path, key: str) -> dict[str, str]:
    """The file list of the manifest of entry ``path``; raises ValueError unless it is an
    entry this module wrote for ``key``: its checksum, key and file names check out, and
    ``provenance.json`` is among the files."""
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError("not a manifest")
    files = manifest.get("files")
    if manifest.get("key") != key or not isinstance(files, dict):
        raise ValueError("key mismatch")
    if manifest.get("sha256") != manifest_digest(key, files):
        raise ValueError("manifest checksum mismatch")
    if "provenance.json" not in files or not all(map(is_output_name, files)):
        raise ValueError("unexpected file names")
    if not all(isinstance(d, str) for d in files.values()):
        raise ValueError("bad digests")
    return files


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
        from analysis.write.outdir import atomic_dir

        manifest_path = self.path / "manifest.json"
        try:
            files = _read_manifest(self.path, self.key)
            with atomic_dir(out) as tmp:
                for rel, digest in sorted(files.items()):
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
        """Store the files of ``out`` (just written by a full run) as this run's entry.

        Only the files a run writes are stored (:func:`is_output_name`); an ``out`` holding
        anything else is not stored.
        """
        import shutil

        from analysis.write.owned import claim, release, remove_stale

        out = Path(out)
        runs = self.directory / "runs"
        names = [p.relative_to(out).as_posix() for p in sorted(out.rglob("*")) if p.is_file()]
        if not all(map(is_output_name, names)):
            return
        try:
            runs.mkdir(parents=True, exist_ok=True)
            remove_stale(runs, ".run-*")  # left by runs killed while storing
            tmp = Path(tempfile.mkdtemp(prefix=".run-", dir=runs))
            try:
                claim(tmp)
                files = {}
                for rel in names:
                    dst = tmp / "files" / rel
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    files[rel] = _copy_hashing(out / rel, dst)
                manifest = {"key": self.key, "files": files}
                manifest["sha256"] = manifest_digest(self.key, files)
                (tmp / "manifest.json").write_text(
                    json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8"
                )
                release(tmp)
                if self.path.exists():
                    shutil.rmtree(self.path)
                os.replace(tmp, self.path)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            self.outcome = "stored"
            self._prune(runs, keep=out)
        except OSError as e:
            warnings.warn(
                f"cannot store the run in the cache directory {self.directory} ({e}); "
                "the outputs are complete, the next run will recompute them",
                CacheWarning,
                stacklevel=2,
            )

    @staticmethod
    def _prune(runs: Path, *, keep: Path) -> None:
        """Remove the least recently used entries beyond :data:`MAX_RUNS`.

        Only entries this class wrote are candidates (a folder named by a key holding just
        ``manifest.json`` and ``files/``, its manifest valid for that key); any other folder,
        and ``keep`` (the run's ``--out``) or anything containing it, is never removed.
        """
        import shutil

        keep = keep.resolve()
        entries = []
        for p in runs.iterdir():
            if _KEY.fullmatch(p.name) is None or p.is_symlink() or not p.is_dir():
                continue
            if keep.is_relative_to(p.resolve()):
                continue
            try:
                if {c.name for c in p.iterdir()} != {"manifest.json", "files"}:
                    continue
                _read_manifest(p, p.name)
                mtime = (p / "manifest.json").stat().st_mtime
            except (OSError, ValueError, TypeError, AttributeError):
                continue
            entries.append((mtime, p.name, p))
        for _, _, p in sorted(entries, reverse=True)[MAX_RUNS:]:
            shutil.rmtree(p, ignore_errors=True)
