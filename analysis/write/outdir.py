"""All-or-nothing output directories: what may be replaced, and the atomic swap."""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import secrets
import shutil
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "PROVENANCE_NAME",
    "OutputError",
    "atomic_dir",
    "check_cache_dir",
    "check_output_dir",
    "check_output_file",
    "is_framing_output",
    "resolved",
    "scratch_dir",
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


def resolved(path: str | Path, what: str) -> Path:
    """``Path(path).resolve()``; a symbolic link loop is an :class:`OutputError` naming the
    path (``what``: its role, e.g. ``corpus``)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as e:  # RuntimeError: Python 3.11's "Symlink loop"
        raise OutputError(
            f"{what} {path}: cannot resolve it, a symbolic link loop (it points back to itself); "
            "fix or remove the link"
        ) from e


def _within(path: Path, other: Path) -> bool:
    return path == other or path.is_relative_to(other)


def _check_against_inputs(
    out: Path, inputs: Mapping[str, str | Path | None], kind: str = "output directory"
) -> None:
    """Refuse an output path that is, contains or lies inside one of ``inputs``."""
    target = resolved(out, kind)
    for role, given in inputs.items():
        if given is None:
            continue
        source = resolved(given, role)
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
        if target.exists() and source.is_dir():
            _check_links(out, target, Path(given), role, kind)


def _check_links(out: Path, target: Path, root: Path, role: str, kind: str) -> None:
    """Refuse an existing output path that is, or contains, the target of a symbolic link
    among the files of the input directory ``root`` (what :func:`corpus_files` lists)."""
    from analysis.config import MANIFEST_NAME
    from analysis.read.directory import corpus_files

    for link in [*corpus_files(root), root / MANIFEST_NAME]:
        if not link.is_symlink():
            continue
        found = resolved(link, f"symbolic link of the {role}")
        if found == target:
            raise OutputError(
                f"{kind} {out} is the target of {link}, a symbolic link of the {role}; "
                "choose another output path"
            )
        if found.is_relative_to(target):
            raise OutputError(
                f"{kind} {out} contains {found}, the target of {link}, a symbolic link of "
                f"the {role}, which writing the output would delete; choose another output path"
            )


def _check_replaceable(out: Path) -> None:
    """Refuse an output directory that cannot be replaced as a whole by :func:`atomic_dir`."""
    target = resolved(out, "output directory")
    if _within(Path.cwd().resolve(), target):
        raise OutputError(
            f"output directory {out} is the current directory or contains it, and the output "
            "directory is replaced as a whole; name a new subdirectory instead (e.g. --out out)"
        )
    if out.name in ("", ".", ".."):
        raise OutputError(f"output directory {out}: name the directory itself, not '.' or '..'")
    try:  # one lstat: another run may rename OUT meanwhile (see _swap)
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISLNK(mode):
        raise OutputError(
            f"output directory {out} is a symbolic link; give the directory it points to "
            f"({target}) instead"
        )
    if mode is not None and not stat.S_ISDIR(mode):
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
    try:
        nonempty = any(out.iterdir())
    except FileNotFoundError:  # just renamed by a concurrent run replacing it
        return
    if nonempty:
        raise OutputError(
            f"output directory {out} is not empty and is not a previous framing output (it has "
            f"no {PROVENANCE_NAME}); the output directory is replaced as a whole, which would "
            "delete its files. Choose a new or empty directory, or pass --force to replace it"
        )


def check_cache_dir(
    cache: str | Path, *, out: str | Path, inputs: Mapping[str, str | Path | None] | None = None
) -> None:
    """Check that the cache directory ``cache`` is safe to use with the output directory
    ``out`` and the input paths ``inputs`` (compared after resolving symbolic links).

    Raises:
        OutputError: ``cache`` is ``out`` or lies inside it (replacing ``out`` would delete
            the cache, and the stored run would copy itself), or is or lies inside an input
            directory (the corpus).
    """
    cache = Path(cache)
    target = resolved(cache, "cache directory")
    where = resolved(out, "output directory")
    if target == where:
        problem = f"is the output directory ({out}), which the run replaces as a whole"
    elif target.is_relative_to(where):
        problem = f"lies inside the output directory ({out}), which the run replaces as a whole"
    else:
        problem = None
        for role, given in (inputs or {}).items():
            source = resolved(given, role) if given is not None else None
            if source is not None and source.is_dir() and target.is_relative_to(source):
                verb = "is" if target == source else "lies inside"
                problem = f"{verb} the {role} directory ({given}), which the run reads"
                break
    if problem is not None:
        raise OutputError(f"cache directory {cache} {problem}; choose another --cache-dir")


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


#: ``errno`` values of a full disk or an exhausted quota.
_NO_SPACE = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


def _make_parents(out: Path) -> list[Path]:
    """Create the missing parent folders of ``out``; returns those created, deepest first."""
    missing = []
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _remove_empty(missing)
        raise OutputError(
            f"cannot create output directory {out}: {e.strerror} ({e.filename}); choose "
            "another --out"
        ) from e
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        with contextlib.suppress(OSError):
            folder.rmdir()


def _swap(out: Path, tmp: Path) -> None:
    """Replace ``out`` by ``tmp`` (two renames under the lock of ``out``)."""
    from analysis.write.owned import claim, locked, release, remove_stale

    with locked(out):
        remove_stale(out.parent, f".{glob.escape(out.name)}.old-*")
        old = None
        if out.exists():
            old = _new_sibling(out, "old")
            os.replace(out, old)
        try:
            if old is not None:
                with contextlib.suppress(OSError):  # a read-only OUT: removed below anyway
                    claim(old)
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
                with contextlib.suppress(OSError):
                    release(out)
            raise
        with contextlib.suppress(OSError):
            release(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _make_owned(tmp: Path, out: Path) -> None:
    """Create the temporary folder ``tmp`` of ``out``, marked with its owner's pid."""
    from analysis.write.owned import claim

    try:
        tmp.mkdir()
        claim(tmp)
    except OSError as e:
        raise OutputError(
            f"cannot create output directory {out}: {e.strerror} ({e.filename}); choose "
            "another --out"
        ) from e


@contextlib.contextmanager
def scratch_dir(out: str | Path) -> Iterator[Path]:
    """A temporary folder for what a run writing ``out`` keeps on disk while it runs (a
    table corpus's spill file, :func:`analysis.read.spill.open_spill`).

    It is a sibling of ``out`` named like :func:`atomic_dir`'s (``.NAME.tmp-XXXXXXXX``) and
    carries its owner's process id, so the same cleanup removes it after a ``kill -9``: the
    next run writing ``out``. It is removed when the block ends, however it ends, and so are
    the parent folders of ``out`` it created if they are still empty (a failed run leaves
    none).

    Raises:
        OutputError: its folder cannot be created.
    """
    out = Path(out)
    created = _make_parents(out)
    tmp = _new_sibling(out, "tmp")
    try:
        _make_owned(tmp, out)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)


@contextlib.contextmanager
def atomic_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary directory that replaces ``out`` only if the block succeeds.

    The temporary directory is a sibling of ``out`` (same filesystem, so the final rename is
    atomic), created with the usual permissions (``0o777`` minus the umask). On any exception
    (``KeyboardInterrupt`` and ``SystemExit`` too) it is removed, and so are the parent
    folders this call created: ``out`` is left exactly as it was. An existing ``out``
    directory is replaced as a whole: check it first with :func:`check_output_dir`.

    Nothing is left behind: the temporary folder carries its owner's process id
    (:mod:`analysis.write.owned`), so temporary folders of runs killed meanwhile (``kill
    -9``) are removed the next time ``out`` is written; the swap holds a lock on ``out``, so
    concurrent runs replace it one after the other.

    Raises:
        OutputError: before anything is created, when ``out`` is the current directory or
            one of its ancestors, a symbolic link, or an existing non-directory; when its
            folder cannot be created; when the disk (or quota) is full while the block
            writes (``ENOSPC``, ``EDQUOT``).
    """
    from analysis.write.owned import remove_stale

    out = Path(out)
    _check_replaceable(out)
    created = _make_parents(out)
    remove_stale(out.parent, f".{glob.escape(out.name)}.tmp-*")
    tmp = _new_sibling(out, "tmp")
    try:
        _make_owned(tmp, out)
        yield tmp
        _swap(out, tmp)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)
        if e.errno in _NO_SPACE:
            raise OutputError(
                f"no space left for output directory {out} ({e.strerror}); it is unchanged. "
                "Free some space or choose another --out"
            ) from e
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)
        raise
