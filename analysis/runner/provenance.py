"""What a run's outputs were made from (``provenance.json``)."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from analysis.config import MANIFEST_NAME, pipeline_version
from analysis.write.tables import file_sha256

__all__ = ["input_hashes", "provenance"]


def provenance(options, docs, lexicon) -> dict:
    """The provenance of a run of :class:`~analysis.runner.project.RunOptions` ``options``.

    ``docs``: the documents, or (for a directory corpus) just the relative paths of its
    files, which give the same provenance without reading. A document read from a file
    carries the hash of the bytes read (``file_sha256``).
    """
    root = Path(options.corpus)
    manifest = root / MANIFEST_NAME
    return {
        "package": "framing",
        "version": version("framing"),
        "pipeline": pipeline_version(),
        "corpus": str(options.corpus),
        "inputs": ({root.name: file_sha256(root)} if root.is_file() else input_hashes(root, docs)),
        "manifest": file_sha256(manifest) if manifest.exists() else None,
        "lexicon": {
            "path": str(options.lexicon) if options.lexicon else "(default)",
            "sha256": file_sha256(lexicon.source),
            "version": lexicon.version,
        },
        "outlets": (
            {"path": str(options.outlets), "sha256": file_sha256(options.outlets)}
            if options.outlets
            else None
        ),
        "options": {
            "origins": list(options.origins),
            "period": options.period,
            "min_count": options.min_count,
            "stop_words": options.stop_words,
            "terms": options.terms,
            **_reading_options(options),
            **_reuse_options(options),
        },
        "n_documents": len(docs),
        **({"table": docs.provenance()} if hasattr(docs, "provenance") else {}),
    }


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
