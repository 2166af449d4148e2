"""The output files of whole runs, keyed by everything they depend on (``CACHE/runs/``)."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
import warnings
from functools import cache
from pathlib import Path

from analysis.runner.doc_cache import NLP_VERSION, CacheWarning

__all__ = ["MAX_RUNS", "RunCache", "package_fingerprint", "run_key"]


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
        from analysis.write.outdir import atomic_dir

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
