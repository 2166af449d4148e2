"""Directory corpora: scan, plan with the manifest, read and clean the files (in parallel).

A corpus is a directory of UTF-8 ``.txt`` files (searched recursively) plus an optional
manifest ``sources.csv`` with columns ``file,outlet,origin`` (optional ``date``; see
:mod:`analysis.read.manifest`). Each text starts with `` date YYYY-MM-DD `` (the article may
follow on the same line).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from analysis.config import DEFAULT_ORIGINS, MANIFEST_NAME, die_with_parent, process_context
from analysis.read.clean import clean_text, find_dateline, split_header
from analysis.read.corpus import (
    NO_SUCH_FILE,
    NOT_UTF8_NAME,
    CorpusError,
    Document,
    duplicates_warning,
    is_utf8_name,
    mark_duplicates,
    not_a_file,
    shown_path,
)
from analysis.read.dates import is_iso_date
from analysis.read.manifest import read_manifest
from analysis.read.outlets import OutletRegistry, load_outlets
from analysis.read.resolve import parse_origin_map, registry_origin_map
from analysis.read.spill import spill_documents

__all__ = [
    "READ_CHUNK",
    "SHOWN_FILES",
    "corpus_files",
    "plan_files",
    "read_document",
    "read_documents",
    "relative_files",
    "summarise_problems",
]

#: Files read per task when a corpus directory is read by several processes.
READ_CHUNK = 500


def _decode(path: Path, raw: bytes, problems: list[str]) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(
            f"{path}: not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}); "
            "re-save the file as UTF-8"
        )
        return None
    if not text.strip():
        problems.append(f"{path}: empty file")
        return None
    return text


def read_document(
    path: Path,
    rel: str,
    row: dict | None,
    registry: OutletRegistry,
    problems: list[str],
    origins: Sequence[str] | None = None,
) -> Document | None:
    """Read, validate and clean one corpus file (``rel`` is its path relative to the corpus).

    Args:
        path: The file.
        rel: Its path relative to the corpus directory (POSIX).
        row: Its validated manifest row (:func:`read_manifest`), or ``None``.
        registry: The outlet registry.
        problems: The file's problem is appended here.
        origins: Allowed origins: an origin taken from the outlet registry (the manifest
            row gives none) must be one of them. ``None``: not checked.

    Returns:
        The :class:`Document`, or ``None`` after appending the file's problem to
        ``problems``. Used by :func:`read_documents` and, on the workers, by the Dask engine.
    """
    raw = path.read_bytes()
    text = _decode(path, raw, problems)
    if text is None:
        return None
    header_date, body = split_header(text)
    if header_date is not None and not is_iso_date(header_date):
        problems.append(f"{path}: impossible or malformed date {header_date!r} in the date header")
        return None
    date = (row or {}).get("date") or header_date
    if not date:
        problems.append(
            f"{path}: no ' date YYYY-MM-DD ' header and no date in {MANIFEST_NAME}; "
            "add the header or a 'date' column"
        )
        return None
    cleaned = clean_text(body, registry)
    if not cleaned:
        problems.append(f"{path}: no article text after the date header")
        return None
    body_lf = body.replace("\r\n", "\n")
    found = _outlet(path, rel, row, body_lf, registry, problems, origins)
    if found is None:
        return None
    outlet, origin, affiliation, country, source = found
    doc_id = rel[: -len(".txt")] if rel.endswith(".txt") else rel
    sha = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
    return Document(
        doc_id,
        rel,
        outlet,
        origin,
        affiliation,
        date,
        cleaned,
        sha,
        country=country,
        outlet_source=source,
        file_sha256=hashlib.sha256(raw).hexdigest(),
    )


def _outlet(
    path: Path,
    rel: str,
    row: dict | None,
    body: str,
    registry: OutletRegistry,
    problems: list[str],
    origins: Sequence[str] | None,
) -> tuple[str, str, str, str, str] | None:
    """``(outlet, origin, affiliation, country, outlet_source)`` of a file, from its
    manifest row or its dateline (``outlet_source``: ``column`` when the row gives the
    origin, else ``name`` or ``dateline``)."""
    if row and row.get("outlet"):
        known = registry.lookup(row["outlet"])
        outlet = known.name if known else row["outlet"]
        origin = row.get("origin") or (known.origin if known else "")
        if not origin:
            problems.append(
                f"{row['_where']}: outlet {row['outlet']!r} is not in the outlet registry and "
                "the row gives no origin; fill the 'origin' column"
            )
            return None
        affiliation = known.affiliation if known else ""
        source = "name"
    else:
        m = find_dateline(body, registry)
        if m is None:
            problems.append(
                f"{path}: no {MANIFEST_NAME} row and no known dateline to infer the outlet; add "
                f"a row '{rel},OUTLET,ORIGIN' to {MANIFEST_NAME}"
            )
            return None
        known = registry.outlet_for_marker(m.group("marker"))
        outlet, origin, affiliation = known.name, known.origin, known.affiliation
        source = "dateline"
        if row and row.get("origin"):
            origin = row["origin"]
    from_registry = not (row and row.get("origin"))
    source = source if from_registry else "column"
    if from_registry and origins is not None and origin not in origins:
        problems.append(
            f"{path}: origin {origin!r} of outlet {outlet!r} (from the outlet registry) is not "
            f"allowed (allowed: {', '.join(origins)}); allow it (--origins) or give the file an "
            f"allowed origin in {MANIFEST_NAME}"
        )
        return None
    return outlet, origin, affiliation, known.country if known else "", source


def corpus_files(root: str | Path) -> list[Path]:
    """The ``*.txt`` files of a corpus directory, sorted (what :func:`read_documents` reads).

    Recursive; a symbolic link to a file is listed, a symbolic link to a directory is not
    entered. Sorted like paths (by their components).
    """
    root = Path(root)
    return [root / rel for rel in relative_files(root)]


def plan_files(
    root: Path, origins: Sequence[str], problems: list[str]
) -> list[tuple[str, dict | None]]:
    """The corpus files to read (relative paths in :func:`corpus_files` order) and their
    manifest rows (:func:`read_manifest`; ``None`` without a row).

    Files whose manifest row was rejected are left out (the row's problem is reported);
    problems, an empty corpus included, are appended to ``problems``.
    """
    files = relative_files(root)
    rejected: set[str] = set()
    manifest = read_manifest(root, origins, problems, rejected, scanned=set(files))
    if not files:
        problems.append(f"{root}: empty corpus (no .txt files found)")
    return [(rel, manifest.get(rel)) for rel in files if rel not in rejected]


def relative_files(root: str | Path) -> list[str]:
    """Relative POSIX paths of the ``*.txt`` files under ``root``, in path order (the
    files of :func:`corpus_files`).

    The same files as ``root.rglob("*.txt")`` filtered by ``is_file()``, from one
    ``os.scandir`` per directory (no ``stat`` per regular file).

    Raises:
        CorpusError: naming every folder that cannot be listed and every ``.txt`` entry that
            cannot be read as a file (:func:`~analysis.read.corpus.not_a_file`: a named
            pipe, a device, a symbolic link loop, a name that is not UTF-8); a symbolic link
            to a missing file or to a directory is not a corpus file.
    """
    found: list[tuple[str, ...]] = []
    problems: list[str] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while stack:
        directory, parts = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as e:  # never skip part of a corpus silently
            reason = e.strerror or type(e).__name__
            message = f"{shown_path(directory)}: cannot read this folder of the corpus ({reason})"
            raise CorpusError([message]) from e
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                stack.append((e.path, (*parts, e.name)))
            elif e.name.endswith(".txt") and _is_corpus_file(e, problems):
                if is_utf8_name(e.name) and all(map(is_utf8_name, parts)):
                    found.append((*parts, e.name))
                else:
                    problems.append(f"{shown_path(e.path)}: {NOT_UTF8_NAME}")
    if problems:
        raise CorpusError(summarise_problems(sorted(problems)))
    found.sort()
    return ["/".join(parts) for parts in found]


def _is_corpus_file(entry: os.DirEntry, problems: list[str]) -> bool:
    """Whether a ``.txt`` entry is a file to read; a problem is appended for one that cannot
    be read as a file (a broken link or a link to a directory is skipped)."""
    if entry.is_file(follow_symlinks=False):
        return True  # the common case: no stat
    with contextlib.suppress(OSError):
        if entry.is_dir():  # a symbolic link to a directory: not entered
            return False
    problem = not_a_file(entry.path)
    if problem is None:
        return True
    if problem != NO_SUCH_FILE:
        problems.append(f"{shown_path(entry.path)}: {problem}")
    return False


def read_documents(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    origin_map: str | Path | Mapping[str, str] | None = None,
    jobs: int = 1,
    while_reading: Callable[[], object] | None = None,
    spill_dir: str | Path | None = None,
) -> Sequence[Document]:
    """Read, validate and clean every document of a corpus directory.

    Every ``*.txt`` file under the directory is read (recursively; a symbolic link to a
    file is read wherever it points, a symbolic link to a directory is not entered).

    Args:
        path: The corpus directory.
        origins: Allowed origins of the documents, whether given by the manifest or taken
            from the outlet registry (the registry itself may hold other origins).
        outlets: An outlet registry, or a TOML file extending the shipped one.
        origin_map: Origins by the registry's country codes (``UA=ukrainian``, ``*`` for
            every other country; :func:`~analysis.read.resolve.parse_origin_map`); its other
            keys apply to table origin columns only.
        jobs: Processes reading and cleaning the files (a corpus of more than
            :data:`READ_CHUNK` files is split between them); the result is the same.
        while_reading: Called once in this process while the other processes read (e.g.
            :func:`analysis.runner.pipeline.prepare`), or before reading when there are none.
        spill_dir: When given, the documents are written as they are read to a temporary
            file in this folder (a run's temporary folder) and streamed from it (a
            :class:`~analysis.read.spill.SpilledCorpus`), instead of held in memory.

    Returns:
        Documents sorted by ``doc_id``: a list, or a ``SpilledCorpus`` with ``spill_dir``.

    Raises:
        CorpusError: listing every file and problem found (nothing is returned half-done).
    """
    root = Path(path)
    if not root.is_dir():
        hint = (
            "; table files (.csv, .jsonl, .ndjson, .parquet) are read by read_corpus or "
            "analysis.read.table.read_table"
            if root.is_file()
            else ""
        )
        raise CorpusError([f"{root}: not a directory{hint}"])
    if isinstance(outlets, OutletRegistry):
        registry = outlets
    else:
        by_country = registry_origin_map(parse_origin_map(origin_map))
        registry = load_outlets(outlets, origin_map=by_country)
    problems: list[str] = []
    todo = [(root / rel, rel, row) for rel, row in plan_files(root, origins, problems)]
    chunks = _read_chunks(todo, registry, tuple(origins), jobs, while_reading)

    def chunk_docs() -> Iterator[list[Document]]:
        for docs, chunk_problems in chunks:
            problems.extend(chunk_problems)
            yield [] if problems else docs  # (once one is found, only the problems matter)

    if spill_dir is None:
        docs = [d for chunk in chunk_docs() for d in chunk]
    else:
        docs, n_dups, dups = spill_documents(chunk_docs(), spill_dir)
    if problems:
        if spill_dir is not None:
            docs.close()  # (its temporary file)
        raise CorpusError(summarise_problems(problems))
    if spill_dir is None:
        return mark_duplicates(docs)
    if n_dups:
        warnings.warn(duplicates_warning(dups, n_dups), stacklevel=2)
    return docs


#: Files named per problem of a directory report; more files with one problem are counted.
SHOWN_FILES = 5


def summarise_problems(problems: Sequence[str]) -> list[str]:
    """Problems of many files with the same message (``PATH: message``) as one message: a
    count and the first :data:`SHOWN_FILES` files; other problems as they are, in order."""
    groups: dict[str, list[str]] = {}
    for p in problems:
        where, sep, message = p.partition(": ")
        groups.setdefault(message if sep else p, []).append(where if sep else "")
    out = []
    for message, wheres in groups.items():
        if len(wheres) <= SHOWN_FILES or not all(wheres):
            out += [f"{w}: {message}" if w else message for w in wheres]
            continue
        shown = ", ".join(wheres[:SHOWN_FILES])
        out.append(
            f"{len(wheres)} files: {message} (the first {SHOWN_FILES}: {shown}; … and "
            f"{len(wheres) - SHOWN_FILES} more)"
        )
    return out


def _read_chunk(
    todo: list[tuple[Path, str, dict | None]], registry: OutletRegistry, origins: tuple[str, ...]
) -> tuple[list[Document], list[str]]:
    problems: list[str] = []
    docs = [read_document(p, rel, row, registry, problems, origins) for p, rel, row in todo]
    return [d for d in docs if d is not None], problems


def _read_chunks(
    todo, registry: OutletRegistry, origins: tuple[str, ...], jobs: int, while_reading
):
    """``_read_chunk`` results in file order, shared for large corpora between ``jobs - 1``
    worker processes and this process (each takes the next chunk left; this one once
    ``while_reading()``, called when the first chunks are handed out, has returned)."""
    chunks = [todo[i : i + READ_CHUNK] for i in range(0, len(todo), READ_CHUNK)]
    if jobs < 2 or len(chunks) < 2:
        if while_reading is not None:
            while_reading()
        for chunk in chunks:
            yield _read_chunk(chunk, registry, origins)
        return
    yield from _read_in_processes(chunks, registry, origins, jobs, while_reading)


def _read_in_processes(chunks, registry, origins, jobs: int, while_reading):
    """The chunks' results, yielded in order as soon as they are read (a spilled corpus
    holds only the chunks read ahead of the first one still being read)."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    results: dict[int, object] = {}
    front = done = 0  # chunks[front:] are not handed out yet; done: yielded
    inflight: dict[int, object] = {}
    pool = ProcessPoolExecutor(
        max_workers=jobs - 1,
        mp_context=process_context(),
        initializer=die_with_parent,  # workers end with this process, even after kill -9
        initargs=(os.getpid(),),
    )
    with pool:

        def hand_out() -> None:
            nonlocal front
            while front < len(chunks) and len(inflight) < 2 * (jobs - 1):
                inflight[front] = pool.submit(_read_chunk, chunks[front], registry, origins)
                front += 1

        hand_out()  # (the first submit starts the processes)
        if while_reading is not None:
            while_reading()
        while done < len(chunks):
            for k in [k for k, f in inflight.items() if f.done()]:
                results[k] = inflight.pop(k).result()
            while done in results:
                yield results.pop(done)
                done += 1
            hand_out()
            if front < len(chunks):
                results[front] = _read_chunk(chunks[front], registry, origins)
                front += 1
            elif inflight:
                wait(list(inflight.values()), return_when=FIRST_COMPLETED)
