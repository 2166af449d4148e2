"""Temporary folders that know their owner, and per-path locks.

A folder the toolkit fills before renaming it into place (``.OUT.tmp-*``, ``.OUT.old-*``,
the run cache's ``runs/.run-*``) holds an :data:`OWNER_NAME` file with the host name and
process id of the run that made it. When that process is gone (``kill -9``, a power cut),
the next run removes the folder (:func:`remove_stale`); a folder without an owner file, or
whose owner runs on another host or is alive, is never touched.

:func:`locked` serialises short critical sections on a path (the two renames that replace
an output directory) with ``fcntl.flock`` on a hidden lock file beside it, which is removed
again when the lock is released.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

__all__ = ["OWNER_NAME", "claim", "is_stale", "locked", "release", "remove_stale"]

#: The file inside a temporary folder naming its owner: ``HOST PID``.
OWNER_NAME = ".framing-owner"


def claim(folder: Path) -> None:
    """Mark ``folder`` (just created by this process) as owned by it."""
    (folder / OWNER_NAME).write_text(f"{socket.gethostname()} {os.getpid()}\n", encoding="utf-8")


def release(folder: Path) -> None:
    """Remove the owner file of ``folder`` (before it becomes a real output)."""
    (folder / OWNER_NAME).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def is_stale(folder: Path) -> bool:
    """Whether ``folder`` was made by a run of this host whose process no longer exists."""
    try:
        host, pid = (folder / OWNER_NAME).read_text(encoding="utf-8").split()
        owner = int(pid)
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return host == socket.gethostname() and owner > 0 and not _alive(owner)


def remove_stale(parent: Path, pattern: str) -> list[Path]:
    """Remove the stale folders (:func:`is_stale`) among ``parent.glob(pattern)``.

    Returns:
        The folders removed, sorted.
    """
    removed = []
    with contextlib.suppress(OSError):
        for p in sorted(parent.glob(pattern)):
            if p.is_dir() and not p.is_symlink() and is_stale(p):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock named after ``path`` (``.NAME.framing-lock`` beside it).

    Blocks until no other process holds it. The lock file is removed on release; a waiter
    that locked a file removed meanwhile retries on the new one, so the lock stays exclusive.
    Where ``fcntl`` is missing (not POSIX) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    lock = path.parent / f".{path.name}.framing-lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with contextlib.suppress(FileNotFoundError):
                if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                    break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)
