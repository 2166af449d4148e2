"""The manifest of a corpus directory: ``sources.csv`` with columns ``file,outlet,origin``
(optional ``date``), validated against the files the directory scan finds."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from analysis.config import MANIFEST_NAME
from analysis.read.corpus import NO_SUCH_FILE, not_a_file
from analysis.read.dates import is_iso_date

__all__ = ["read_manifest"]

_MANIFEST_REQUIRED = ("file", "outlet", "origin")


def _manifest_file_problem(root: Path, key: str, rel: str) -> str | None:
    """Why the manifest's ``file`` value cannot name a corpus article (``None``: it can).

    The check is lexical, like the directory scan (``root.rglob("*.txt")``): symbolic links
    to files are accepted wherever they point, links to directories are not entered.
    """
    if PurePosixPath(key).is_absolute() or ".." in PurePosixPath(key).parts:
        return (
            f"file {rel!r} escapes the corpus directory {root} (give a path relative to it, "
            "without '..')"
        )
    parts = PurePosixPath(key).parts
    for i in range(1, len(parts)):
        if root.joinpath(*parts[:i]).is_symlink():
            return (
                f"file {rel!r} lies inside {'/'.join(parts[:i])!r}, a symbolic link to a "
                "directory; the corpus scan does not enter linked directories"
            )
    target = root / key
    if target.is_dir():
        return f"file {rel!r} is a directory, not a .txt file"
    if not target.exists():
        return f"file {rel!r} does not exist"
    if target.suffix != ".txt":
        return f"file {rel!r} is not a .txt file (only .txt files are read as articles)"
    if not target.is_file():
        return f"file {rel!r} is not a regular file"
    return None


def read_manifest(
    root: Path,
    origins: Sequence[str],
    problems: list[str],
    rejected: set[str] | None = None,
    *,
    scanned: set[str] | None = None,
) -> dict[str, dict]:
    """Read and validate ``ROOT/sources.csv``.

    A row's ``file`` is a path relative to ``root``, checked lexically so that the manifest
    accepts exactly the files the directory scan reads: absolute paths, ``..`` components
    and paths through a symbolic link to a directory are rejected; a ``.txt`` symbolic link
    to a file is accepted wherever it points (as the scan reads it). A row naming a
    directory, a missing file or a file that is not ``.txt`` is an error.

    Args:
        root: The corpus directory.
        origins: Allowed origins.
        problems: Problems are appended here (the caller raises them together).
        rejected: If given, receives the keys of files whose row was rejected (bad origin,
            bad date, malformed row), so the caller reports only the row's problem and not
            also "no sources.csv row" for the file.
        scanned: The relative paths the directory scan found
            (:func:`~analysis.read.directory.relative_files`), if known: a row naming one of
            them needs no further file checks.

    Returns:
        Manifest rows keyed by the file's path relative to ``root`` (POSIX, normalised); each
        row has the manifest columns plus ``_where`` (``"path:line"`` for messages). No
        manifest gives ``{}``.
    """
    rejected = set() if rejected is None else rejected
    path = root / MANIFEST_NAME
    unreadable = not_a_file(path)  # a named pipe would block reading
    if unreadable not in (None, NO_SUCH_FILE):
        problems.append(f"{path}: {unreadable}")
    rows = _manifest_rows(path, problems) if unreadable is None else []
    manifest: dict[str, dict] = {}
    seen: set[str] = set()
    for lineno, row in enumerate(rows, start=2):
        where = f"{path}:{lineno}"
        rel = row.get("file")
        rel = rel.strip() if isinstance(rel, str) else ""
        key = PurePosixPath(rel).as_posix() if rel else ""
        if None in row or any(v is None for v in row.values()):
            problems.append(f"{where}: malformed manifest row (wrong number of fields)")
            rejected.add(key)
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        if not rel:
            problems.append(f"{where}: empty 'file'")
            continue
        bad_file = (
            None
            if scanned is not None and key in scanned
            else _manifest_file_problem(root, key, rel)
        )
        if bad_file:
            problems.append(f"{where}: {bad_file}")
            continue
        if key in seen:
            problems.append(f"{where}: file {rel!r} is listed twice")
            continue
        seen.add(key)
        bad_value = _value_problem(row, rel, origins)
        if bad_value:
            problems.append(f"{where}: {bad_value}")
            rejected.add(key)
            continue
        manifest[key] = row | {"_where": where}
    return manifest


def _manifest_rows(path: Path, problems: list[str]) -> list[dict]:
    """The rows of a manifest with the required header (else ``[]``, the problem appended)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        header = next(csv.reader(io.StringIO(text)), [])
    except (UnicodeDecodeError, csv.Error) as e:
        problems.append(f"{path}: malformed manifest: {e}")
        return []
    missing = [c for c in _MANIFEST_REQUIRED if c not in header]
    if missing:
        problems.append(
            f"{path}: malformed manifest: missing column(s) {', '.join(missing)} "
            f"(expected header file,outlet,origin[,date])"
        )
        return []
    return rows


def _value_problem(row: dict, rel: str, origins: Sequence[str]) -> str | None:
    """Why a row's origin or date is not accepted (``None``: they are)."""
    if row["origin"] and row["origin"] not in origins:
        return (
            f"origin {row['origin']!r} for {rel!r} is not allowed (allowed: {', '.join(origins)})"
        )
    if row.get("date") and not is_iso_date(row["date"]):
        return f"date {row['date']!r} for {rel!r} is not a valid YYYY-MM-DD"
    return None
