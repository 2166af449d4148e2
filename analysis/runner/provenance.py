"""What a run's outputs were made from (``provenance.json``)."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

from analysis.config import MANIFEST_NAME, pipeline_version
from analysis.runner.store import STORE_VERSION
from analysis.write.tables import file_sha256

__all__ = ["code_fingerprint", "input_hashes", "provenance", "recorded_path"]


def provenance(options, docs, lexicon) -> dict:
    """The provenance of a run of :class:`~analysis.runner.project.RunOptions` ``options``.

    Input paths are recorded by :func:`recorded_path` (never an absolute path outside the
    working directory).

    ``docs``: the documents, or (for a directory corpus) just the relative paths of its
    files, which give the same provenance without reading. A document read from a file
    carries the hash of the bytes read (``file_sha256``).
    """
    root = Path(options.corpus)
    manifest = root / MANIFEST_NAME
    return {
        "package": "framing",
        "version": version("framing"),
        "store_version": STORE_VERSION,
        "pipeline": pipeline_version(),
        "code": code_fingerprint(),
        "corpus": recorded_path(options.corpus),
        "inputs": ({root.name: file_sha256(root)} if root.is_file() else input_hashes(root, docs)),
        "manifest": file_sha256(manifest) if manifest.exists() else None,
        "lexicon": {
            "path": recorded_path(options.lexicon) if options.lexicon else "(default)",
            "sha256": file_sha256(lexicon.source),
            "version": lexicon.version,
            # the pairs of the dense markers table (StoredResults.markers_dense)
            "markers": [list(p) for p in sorted(set(lexicon.markers))],
        },
        "outlets": (
            {"path": recorded_path(options.outlets), "sha256": file_sha256(options.outlets)}
            if options.outlets
            else None
        ),
        "options": {
            "origins": list(options.origins),
            "period": options.period,
            "min_count": options.min_count,
            "stop_words": options.stop_words,
            "terms": options.terms,
            **_boilerplate_options(options),
            **_reading_options(options),
            # only when set, so that default outputs stay byte-identical
            **({"csv_safe": True} if getattr(options, "csv_safe", False) else {}),
            # recorded only when off, so default runs keep their provenance
            **({} if getattr(options, "keyness_ci", True) else {"keyness_ci": False}),
            **_reuse_options(options),
        },
        "n_documents": len(docs),
        **({"table": docs.provenance()} if hasattr(docs, "provenance") else {}),
    }


def recorded_path(path: str | Path) -> str:
    """How ``provenance.json`` records an input path, so shared outputs leak no home paths.

    A relative path within the working directory is kept as typed; any other path is
    recorded relative to the working directory when it lies inside it, else by its name
    alone (its content is identified by the hashes next to it).
    """
    p = Path(path)
    if not p.is_absolute() and ".." not in p.parts:
        return str(p)
    full = Path(os.path.abspath(p))
    cwd = Path(os.path.abspath(os.getcwd()))
    if full.is_relative_to(cwd):
        return full.relative_to(cwd).as_posix() or "."
    return full.name


def _boilerplate_options(options) -> dict:
    """The boilerplate options, when boilerplate is removed with non-default thresholds or
    kept (so the default provenance stays as before)."""
    if getattr(options, "keep_boilerplate", False):
        return {"keep_boilerplate": True}
    docs, share = (
        getattr(options, "boilerplate_min_docs", 20),
        getattr(options, "boilerplate_min_share", 0.05),
    )
    return (
        {}
        if (docs, share) == (20, 0.05)
        else {"boilerplate_min_docs": docs, "boilerplate_min_share": share}
    )


def code_fingerprint() -> str:
    """The first 16 hex digits of the SHA-256 of the package's source and data files: a
    results store made by other code is stale (:meth:`StoredResults.stale`)."""
    from analysis.runner.run_cache import package_fingerprint

    return package_fingerprint()[:16]


def input_hashes(root: Path, docs) -> dict[str, str]:
    """SHA-256 of each input file by relative path (``docs``: documents or paths)."""
    hashes = {}
    for d in docs:
        if isinstance(d, str):
            hashes[d] = file_sha256(root / d)
        else:  # a document read from a file carries the hash of the bytes read
            hashes[d.file] = d.file_sha256 or file_sha256(root / d.file)
    return hashes


def _reuse_options(options) -> dict:
    """The reuse pass (``None`` when off) and the dedupe policy (:mod:`.reuse_pass`)."""
    from analysis.runner.reuse_pass import reuse_setting

    return {"reuse": reuse_setting(options), "dedupe": getattr(options, "dedupe", "none")}


def _reading_options(options) -> dict:
    """The options of how dates and origins are read that change results, when given (the
    origin map as parsed, so a changed map file is a changed run)."""
    from analysis.read.resolve import parse_origin_map

    found = {
        "origin_map": parse_origin_map(options.origin_map),
        "date_order": options.date_order,
        "date_format": options.date_format,
    }
    return {k: v for k, v in found.items() if v}
