"""All-or-nothing output directories: what may be replaced, and the atomic swap."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "PROVENANCE_NAME",
    "OutputError",
    "atomic_dir",
    "check_output_dir",
    "check_output_file",
    "is_framing_output",
]


#: The file every ``framing analyze`` output directory holds (CSV and Parquet alike).
PROVENANCE_NAME = "provenance.json"


class OutputError(ValueError):
    """An output path cannot be written safely; the message names it and what to do."""


def is_framing_output(path: str | Path) -> bool:
    """Whether ``path`` is a directory written by ``framing analyze``.

    True when it holds a :data:`PROVENANCE_NAME` file whose JSON object says
    ``"package": "framing"`` (every run writes it, with ``--format csv`` and ``parquet``).
    """
    try:
        data = json.loads((Path(path) / PROVENANCE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("package") == "framing"


def _within(path: Path, other: Path) -> bool:
    return path == other or path.is_relative_to(other)


def _check_against_inputs(
    out: Path, inputs: Mapping[str, str | Path | None], kind: str = "output directory"
) -> None:
    """Refuse an output path that is, contains or lies inside one of ``inputs``."""
    target = out.resolve()
    for role, given in inputs.items():
        if given is None:
            continue
        source = Path(given).resolve()
        if target == source:
            raise OutputError(
                f"{kind} {out} is the {role} itself ({given}); choose another output path"
            )
        if source.is_relative_to(target):
            raise OutputError(
                f"{kind} {out} contains the {role} ({given}), which writing the output would "
                "delete; choose another output path"
            )
        if target.is_relative_to(source):
            raise OutputError(
                f"{kind} {out} lies inside the {role} directory ({given}); write the output "
                "outside it"
            )


def _check_replaceable(out: Path) -> None:
    """Refuse an output directory that cannot be replaced as a whole by :func:`atomic_dir`."""
    target = out.resolve()
    if _within(Path.cwd().resolve(), target):
        raise OutputError(
            f"output directory {out} is the current directory or contains it, and the output "
            "directory is replaced as a whole; name a new subdirectory instead (e.g. --out out)"
        )
    if out.name in ("", ".", ".."):
        raise OutputError(f"output directory {out}: name the directory itself, not '.' or '..'")
    if out.is_symlink():
        raise OutputError(
            f"output directory {out} is a symbolic link; give the directory it points to "
            f"({target}) instead"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"output directory {out} exists and is not a directory; choose another output path"
        )


def check_output_dir(
    out: str | Path, *, inputs: Mapping[str, str | Path | None] | None = None, force: bool = False
) -> None:
    """Check that ``framing analyze`` may replace the output directory ``out`` as a whole.

    Run before anything is read or written, by the command line for every engine. Paths are
    compared after resolving symbolic links.

    Args:
        out: The output directory.
        inputs: Input paths by role (``{"corpus": ..., "lexicon": ...}``; ``None`` values are
            skipped).
        force: Also replace an existing non-empty directory that is not a previous output.

    Raises:
        OutputError: ``out`` is an input, contains one or lies inside an input directory
            (never allowed, even with ``force``); is the current directory or one of its
            ancestors; is a symbolic link; exists and is not a directory; or is a non-empty
            directory that is not a previous output (:func:`is_framing_output`) and
            ``force`` is false.
    """
    out = Path(out)
    _check_against_inputs(out, inputs or {})
    _check_replaceable(out)
    if force or not out.is_dir() or is_framing_output(out):
        return
    if any(out.iterdir()):
        raise OutputError(
            f"output directory {out} is not empty and is not a previous framing output (it has "
            f"no {PROVENANCE_NAME}); the output directory is replaced as a whole, which would "
            "delete its files. Choose a new or empty directory, or pass --force to replace it"
        )


def check_output_file(
    out: str | Path, *, inputs: Mapping[str, str | Path | None] | None = None, force: bool = False
) -> None:
    """Check that a single output file (``framing audit --out``) may be written.

    Args:
        out: The output file.
        inputs: Input paths by role (``None`` values are skipped).
        force: Overwrite an existing file.

    Raises:
        OutputError: ``out`` is an input, contains one or lies inside an input directory
            (never allowed, even with ``force``); is a directory; or exists and ``force`` is
            false.
    """
    out = Path(out)
    _check_against_inputs(out, inputs or {}, "output file")
    if out.is_dir():
        raise OutputError(
            f"output file {out} is a directory; give a file name such as {out / 'audit.csv'}"
        )
    if out.exists() and not force:
        raise OutputError(
            f"{out} already exists (it may hold your judgements); "
            "choose another --out or pass --force"
        )


def _new_sibling(out: Path, tag: str) -> Path:
    """A new, unused path next to ``out`` (``.NAME.TAG-XXXXXXXX``)."""
    while True:
        path = out.parent / f".{out.name}.{tag}-{secrets.token_hex(4)}"
        if not path.exists() and not path.is_symlink():
            return path


@contextlib.contextmanager
def atomic_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary directory that replaces ``out`` only if the block succeeds.

    The temporary directory is a sibling of ``out`` (same filesystem, so the final rename is
    atomic), created with the usual permissions (``0o777`` minus the umask). On any exception
    it is removed and ``out`` is left exactly as it was. An existing ``out`` directory is
    replaced as a whole: check it first with :func:`check_output_dir`.

    Raises:
        OutputError: before anything is created, when ``out`` is the current directory or
            one of its ancestors, a symbolic link, or an existing non-directory.
    """
    out = Path(out)
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_sibling(out, "tmp")
    tmp.mkdir()
    try:
        yield tmp
        old = None
        if out.exists():
            old = _new_sibling(out, "old")
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
