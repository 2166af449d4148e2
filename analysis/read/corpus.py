"""Find, validate and clean the documents of a corpus directory (tables: :mod:`.table`).

A corpus is a directory of UTF-8 ``.txt`` files (searched recursively) plus an optional
manifest ``sources.csv`` with columns ``file,outlet,origin`` (optional ``date``). Each text
starts with `` date YYYY-MM-DD `` (the article may follow on the same line). Raw files are
never modified: cleaning produces a new string that all offsets refer to.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from analysis.config import DEFAULT_ORIGINS, MANIFEST_NAME, process_context
from analysis.read.outlets import OutletRegistry, load_outlets

if TYPE_CHECKING:
    import pandas as pd
from analysis.schema import DOCUMENT_COLUMNS

__all__ = [
    "DOCUMENT_COLUMNS",
    "INVISIBLE",
    "CorpusError",
    "DuplicateWarning",
    "Document",
    "clean_text",
    "corpus_files",
    "duplicates_warning",
    "load_corpus",
    "plan_files",
    "read_corpus",
    "read_document",
    "read_documents",
    "read_manifest",
    "relative_files",
    "split_header",
]


#: File suffixes read as tables (:func:`analysis.read.table.read_table`), and their format.
TABLE_FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


def is_table(path: str | Path) -> bool:
    """Whether ``path`` is a file with a table suffix (see :data:`TABLE_FORMATS`)."""
    p = Path(path)
    return p.suffix.lower() in TABLE_FORMATS and not p.is_dir()


class CorpusError(ValueError):
    """The corpus cannot be analysed; the message names every file and problem found."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the corpus:" if len(problems) > 1 else ""
        super().__init__("\n".join([head, *self.problems]).strip())


class DuplicateWarning(UserWarning):
    """Two or more documents have exactly the same cleaned text."""


@dataclass(slots=True)
class Document:
    """One validated, cleaned document."""

    doc_id: str
    file: str
    outlet: str
    origin: str
    affiliation: str
    date: str
    text: str
    sha256: str = ""
    duplicate_of: str = ""
    title: str = ""
    #: SHA-256 of the file's bytes as read (for the provenance; empty for table rows).
    file_sha256: str = field(default="", repr=False, compare=False)


# --------------------------------------------------------------------------- cleaning

_HEADER = re.compile(r"\A\s*date[ \t]+(?P<date>\S+)[ \t]*\n?[ \t]*")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Web navigation lines removed wherever they stand alone on a line.
_NAV_LINE = re.compile(
    r"^[ \t]*(?:back to main page|back to top|main page|read more|share this article)[ \t]*\n?",
    re.IGNORECASE | re.MULTILINE,
)
#: TASS-style time stamp lines ("November 01, 15:36 UTC+3 BEIJING"), with the section label
#: line ("World") that directly precedes them.
_TIMESTAMP_LINE = re.compile(
    r"^(?:[ \t]*[A-Z][\w &]{0,30}[ \t]*\n)?"
    r"[ \t]*[A-Z][a-z]+ \d{1,2}, \d{1,2}:\d{2} UTC[+-−]?\d{0,2}(?::\d\d)?[^\n]*\n?",
    re.MULTILINE,
)
#: MENAFN's trailing tracking code ("MENAFN16052024000045015687ID1108221654").
_MENAFN_CODE = re.compile(r"\bMENAFN\d{6,}ID\d+\s*\Z")


def split_header(raw: str) -> tuple[str | None, str]:
    """Split the `` date YYYY-MM-DD `` header from a text.

    Returns:
        ``(date_string or None, rest)``. The date string is returned as written (not yet
        validated); ``None`` when the text has no header.
    """
    m = _HEADER.match(raw)
    if not m:
        return None, raw
    return m.group("date"), raw[m.end() :]


def _dateline(registry: OutletRegistry) -> re.Pattern[str]:
    # A dateline stands at the start of a paragraph: an optional place/date prefix of at most
    # 80 characters ("MOSCOW, May 15. "), a known marker ("/TASS/", "(MENAFN)"), then
    # trailing punctuation (". ", " -- ", " - ").
    markers = registry.dateline_pattern().pattern
    return re.compile(
        r"(?:\A|(?<=\n))[ \t]*(?P<prefix>[^\n]{0,80}?)[ \t]*"
        + markers
        + r"[ \t]*[.:]?[ \t]*(?:--|—|–|-)?[ \t]*"
    )


def find_dateline(text: str, registry: OutletRegistry) -> re.Match[str] | None:
    """The first dateline in ``text`` (a known outlet marker at a paragraph start)."""
    return _dateline(registry).search(text)


#: Invisible characters removed before anything else: zero-width space, non-joiner and
#: joiner (U+200B-U+200D), word joiner (U+2060), a byte-order mark inside the text (U+FEFF)
#: and the soft hyphen (U+00AD), which web pages put inside words ("sover\u00adeignty").
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE))


def _visible_nfc(text: str) -> str:
    if any(ch in text for ch in INVISIBLE):
        text = text.translate(_INVISIBLE_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def clean_text(body: str, registry: OutletRegistry | None = None) -> str:
    """Remove the dateline and web boilerplate from an article body (header already split).

    Rules, in order: the invisible characters of :data:`INVISIBLE` are removed and the text
    is NFC-normalised (so "e" + combining acute is "é", and a zero-width space cannot split
    a word or a marker); navigation lines ("Back to Main page"); TASS-style time stamp lines
    ("November 01, 15:36 UTC+3 BEIJING") and the section label just above them; the first
    dateline ("MOSCOW, May 15. /TASS/.", "(MENAFN)", "BEIJING, May 8 (Xinhua) --"); MENAFN's
    trailing tracking code. CRLF is normalised to LF and the result is stripped.
    """
    registry = registry or load_outlets()
    text = _visible_nfc(body).replace("\r\n", "\n").replace("\r", "\n")
    text = _NAV_LINE.sub("", text)
    text = _TIMESTAMP_LINE.sub("", text)
    m = find_dateline(text, registry)
    if m:
        text = text[: m.start()] + text[m.end() :]
    code = _MENAFN_CODE.search(text) if "MENAFN" in text else None
    if code:  # the whitespace before it goes with the final strip
        text = text[: code.start()]
    return text.strip()


# --------------------------------------------------------------------------- manifest

_MANIFEST_REQUIRED = ("file", "outlet", "origin")


def _valid_date(value: str) -> bool:
    if not _ISO.fullmatch(value):
        return False
    try:
        Date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
        scanned: The relative paths the directory scan found (:func:`corpus_files`), if
            known: a row naming one of them needs no further file checks.

    Returns:
        Manifest rows keyed by the file's path relative to ``root`` (POSIX, normalised); each
        row has the manifest columns plus ``_where`` (``"path:line"`` for messages). No
        manifest gives ``{}``.
    """
    rejected = set() if rejected is None else rejected
    path = root / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        header = next(csv.reader(io.StringIO(text)), [])
    except (UnicodeDecodeError, csv.Error) as e:
        problems.append(f"{path}: malformed manifest: {e}")
        return {}
    missing = [c for c in _MANIFEST_REQUIRED if c not in header]
    if missing:
        problems.append(
            f"{path}: malformed manifest: missing column(s) {', '.join(missing)} "
            f"(expected header file,outlet,origin[,date])"
        )
        return {}
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
        if row["origin"] and row["origin"] not in origins:
            problems.append(
                f"{where}: origin {row['origin']!r} for {rel!r} is not allowed "
                f"(allowed: {', '.join(origins)})"
            )
            rejected.add(key)
            continue
        if row.get("date") and not _valid_date(row["date"]):
            problems.append(f"{where}: date {row['date']!r} for {rel!r} is not a valid YYYY-MM-DD")
            rejected.add(key)
            continue
        manifest[key] = row | {"_where": where}
    return manifest


# --------------------------------------------------------------------------- loading


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
    if header_date is not None and not _valid_date(header_date):
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
    else:
        m = find_dateline(body_lf, registry)
        if m is None:
            problems.append(
                f"{path}: no {MANIFEST_NAME} row and no known dateline to infer the outlet; add "
                f"a row '{rel},OUTLET,ORIGIN' to {MANIFEST_NAME}"
            )
            return None
        known = registry.outlet_for_marker(m.group("marker"))
        outlet, origin, affiliation = known.name, known.origin, known.affiliation
        if row and row.get("origin"):
            origin = row["origin"]
    from_registry = not (row and row.get("origin"))
    if from_registry and origins is not None and origin not in origins:
        problems.append(
            f"{path}: origin {origin!r} of outlet {outlet!r} (from the outlet registry) is not "
            f"allowed (allowed: {', '.join(origins)}); allow it (--origins) or give the file an "
            f"allowed origin in {MANIFEST_NAME}"
        )
        return None
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
        file_sha256=hashlib.sha256(raw).hexdigest(),
    )


def mark_duplicates(docs: list[Document]) -> list[Document]:
    """Fill ``duplicate_of`` (the first doc_id with the same cleaned text) and warn."""
    first: dict[str, str] = {}
    dups = []
    for d in sorted(docs, key=lambda d: d.doc_id):
        if d.sha256 in first:
            d.duplicate_of = first[d.sha256]
            dups.append((d.doc_id, d.duplicate_of))
        else:
            first[d.sha256] = d.doc_id
    if dups:
        warnings.warn(duplicates_warning(dups), stacklevel=2)
    return docs


def duplicates_warning(pairs: Sequence[tuple[str, str]]) -> DuplicateWarning:
    """The warning for exact duplicates, from ``(doc_id, duplicate_of)`` pairs in order."""
    shown = "; ".join(f"{d} = {of}" for d, of in pairs[:50])
    more = f"; … ({len(pairs) - 50} more)" if len(pairs) > 50 else ""
    return DuplicateWarning(
        f"{len(pairs)} exact duplicate document(s) kept and flagged in duplicate_of: "
        + shown
        + more
    )


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
    """
    found: list[tuple[str, ...]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while stack:
        directory, parts = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                stack.append((e.path, (*parts, e.name)))
            elif e.name.endswith(".txt") and e.is_file():
                found.append((*parts, e.name))
    found.sort()
    return ["/".join(parts) for parts in found]


def read_documents(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    jobs: int = 1,
    while_reading: Callable[[], object] | None = None,
) -> list[Document]:
    """Read, validate and clean every document of a corpus directory.

    Every ``*.txt`` file under the directory is read (recursively; a symbolic link to a
    file is read wherever it points, a symbolic link to a directory is not entered).

    Args:
        path: The corpus directory.
        origins: Allowed origins of the documents, whether given by the manifest or taken
            from the outlet registry (the registry itself may hold other origins).
        outlets: An outlet registry, or a TOML file extending the shipped one.
        jobs: Processes reading and cleaning the files (a corpus of more than
            :data:`READ_CHUNK` files is split between them); the result is the same.
        while_reading: Called once in this process while the other processes read (e.g.
            :func:`analysis.runner.pipeline.prepare`), or before reading when there are none.

    Returns:
        Documents sorted by ``doc_id``.

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
    registry = outlets if isinstance(outlets, OutletRegistry) else load_outlets(outlets)
    problems: list[str] = []
    todo = [(root / rel, rel, row) for rel, row in plan_files(root, origins, problems)]
    docs = []
    chunks = _read_chunks(todo, registry, tuple(origins), jobs, while_reading)
    for chunk_docs, chunk_problems in chunks:
        docs.extend(chunk_docs)
        problems.extend(chunk_problems)
    if problems:
        raise CorpusError(problems)
    return mark_duplicates(docs)


#: Files read per task when a corpus directory is read by several processes.
READ_CHUNK = 500


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
    worker processes (taking chunks from the front) and this process (from the back, once
    ``while_reading()``, called when the first chunks are handed out, has returned)."""
    chunks = [todo[i : i + READ_CHUNK] for i in range(0, len(todo), READ_CHUNK)]
    if jobs < 2 or len(chunks) < 2:
        if while_reading is not None:
            while_reading()
        for chunk in chunks:
            yield _read_chunk(chunk, registry, origins)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    results: list = [None] * len(chunks)
    front, back = 0, len(chunks)  # chunks[front:back] are not handed out yet
    inflight: dict[int, object] = {}
    with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=process_context()) as pool:

        def hand_out() -> None:
            nonlocal front
            while front < back and len(inflight) < 2 * (jobs - 1):
                inflight[front] = pool.submit(_read_chunk, chunks[front], registry, origins)
                front += 1

        hand_out()  # (the first submit starts the processes)
        if while_reading is not None:
            while_reading()
        while inflight or front < back:
            for k in [k for k, f in inflight.items() if f.done()]:
                results[k] = inflight.pop(k).result()
            hand_out()
            if front < back:
                back -= 1
                results[back] = _read_chunk(chunks[back], registry, origins)
            elif inflight:
                wait(list(inflight.values()), return_when=FIRST_COMPLETED)
    yield from results


_TABLE_ONLY = (
    "text_col",
    "date_col",
    "outlet_col",
    "origin_col",
    "id_col",
    "title_col",
    "file_col",
)


def read_corpus(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | OutletRegistry | None = None,
    on_bad_row: Literal["error", "skip"] = "error",
    include_title: bool = False,
    jobs: int = 1,
    while_reading: Callable[[], object] | None = None,
    **columns: str | None,
) -> Sequence[Document]:
    """Read a corpus directory or a table file (CSV, JSONL/NDJSON, Parquet).

    Args:
        path: A corpus directory (see :func:`read_documents`) or a table file (see
            :func:`analysis.read.table.read_table`).
        origins: Allowed origins.
        outlets: An outlet registry, or a TOML file extending the shipped one.
        on_bad_row: Tables only: ``error`` or ``skip`` bad rows.
        include_title: Tables only: analyse the title with the text.
        jobs: Directories only: processes reading the files (see :func:`read_documents`).
        while_reading: Called once during reading (see :func:`read_documents`; for a table,
            after it is read).
        **columns: Tables only: ``text_col``, ``date_col``, ``outlet_col``, ``origin_col``,
            ``id_col``, ``title_col``, ``file_col``.

    Returns:
        Documents sorted by ``doc_id``: a list for a directory, a streaming
        :class:`analysis.read.table.TableCorpus` for a table.

    Raises:
        CorpusError: as :func:`read_documents` / :func:`~analysis.read.table.read_table`, or when
            table options are given for a directory.
    """
    unknown = sorted(set(columns) - set(_TABLE_ONLY))
    if unknown:
        raise TypeError(f"read_corpus() got unexpected keyword argument(s) {unknown}")
    if is_table(path):
        from analysis.read.table import read_table

        table = read_table(
            path,
            origins=origins,
            outlets=outlets,
            on_bad_row=on_bad_row,
            include_title=include_title,
            **columns,
        )
        if while_reading is not None:
            while_reading()
        return table
    given = [f"--{k.replace('_', '-')}" for k, v in columns.items() if v is not None]
    given += ["--on-bad-row skip"] if on_bad_row != "error" else []
    given += ["--include-title"] if include_title else []
    if given and Path(path).is_dir():
        raise CorpusError(
            [f"{path}: {', '.join(given)} appl(ies) only to table files, not to a directory"]
        )
    return read_documents(
        path, origins=origins, outlets=outlets, jobs=jobs, while_reading=while_reading
    )


def documents_frame(docs: Sequence[Document]) -> pd.DataFrame:
    """Documents as a table with :data:`DOCUMENT_COLUMNS` plus ``text``."""
    import pandas as pd

    cols = [*DOCUMENT_COLUMNS, "text"]
    return pd.DataFrame([{c: getattr(d, c) for c in cols} for d in docs], columns=cols)


def load_corpus(
    path: str | Path,
    *,
    origins: Sequence[str] = DEFAULT_ORIGINS,
    outlets: str | Path | None = None,
    **options,
) -> pd.DataFrame:
    """Load a corpus directory or table file as a frame, one row per document.

    Columns: ``doc_id`` (path relative to the corpus, without ``.txt``; for a table the id
    column or the zero-padded row number), ``file`` (for a table ``NAME#ROW``), ``outlet``
    (the registry name when the outlet is known), ``origin``, ``affiliation``
    (state/independent/other from the outlet registry; empty when unknown), ``title`` (tables
    with a title column; else empty), ``date`` (ISO), ``duplicate_of`` (first doc_id with
    the same cleaned text, else empty), ``sha256`` (of the cleaned text), ``text`` (cleaned).
    Token and sentiment columns of ``documents.csv`` come from :func:`analysis.analyze`.
    Other keyword options are those of :func:`read_corpus` (tables only).
    """
    docs = read_corpus(path, origins=origins, outlets=outlets, **options)
    frame = documents_frame(list(docs))
    if hasattr(docs, "close"):
        docs.close()
    return frame
