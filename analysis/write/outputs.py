"""Writing result tables: deterministic CSV, provenance, and all-or-nothing output directories."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROVENANCE_NAME",
    "OutputError",
    "atomic_dir",
    "check_output_dir",
    "check_output_file",
    "file_sha256",
    "is_framing_output",
    "write_csv",
    "write_json",
    "TableWriter",
    "table_writer",
    "write_tables",
]

#: The file every ``framing analyze`` output directory holds (CSV and Parquet alike).
PROVENANCE_NAME = "provenance.json"


class OutputError(ValueError):
    """An output path cannot be written safely; the message names it and what to do."""


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write a table as UTF-8 CSV with a header, ``\\n`` line ends, no index, NaN as empty.

    The bytes are those of ``df.to_csv(index=False, lineterminator="\\n", na_rep="")``:
    minimal quoting, floats in their shortest round-trip form. Tables of string, integer and
    float columns (all tables of this package) are written directly with the ``csv`` module,
    several times faster; any other column type goes through pandas.
    """
    columns = [_csv_values(df[c]) for c in df.columns] if df.columns.is_unique else [None]
    if any(c is None for c in columns):
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
        return
    header = [str(c) for c in df.columns]
    strings = [not c or isinstance(c[0], str) for c in columns]  # else ints: never quoted
    with open(path, "w", encoding="utf-8", newline="") as f:
        # (a one-column row holding an empty field is written as "" by the csv module)
        plain = all(_plain(c) for c, is_str in zip(columns, strings, strict=True) if is_str)
        if len(header) > 1 and _plain(header) and plain:
            # nothing to quote: the csv module would write exactly these lines
            f.write(",".join(header) + "\n")
            for lo in range(0, len(df), _CHUNK):  # bounded memory: a chunk of lines at a time
                parts = [
                    c[lo : lo + _CHUNK] if is_str else list(map(str, c[lo : lo + _CHUNK]))
                    for c, is_str in zip(columns, strings, strict=True)
                ]
                f.write("\n".join(map(",".join, zip(*parts, strict=True))) + "\n")
            return
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(zip(*columns, strict=True))


#: Characters that make the csv module quote a field (delimiter, quote, line ends).
_SPECIAL = re.compile(r'[,"\r\n]')


#: Rows (or values) handled at a time by the plain path of :func:`write_csv`.
_CHUNK = 50_000


def _plain(values: list[str]) -> bool:
    """No value needs quoting."""
    return all(
        _SPECIAL.search("\x00".join(values[lo : lo + _CHUNK])) is None
        for lo in range(0, len(values), _CHUNK)
    )


def _csv_values(col: pd.Series) -> list | None:
    """A column as the values pandas' CSV writer would write (``None``: not handled here)."""
    import pandas as pd

    dtype = col.dtype
    if dtype.kind in "iu":
        return col.tolist()
    if dtype == "float64":
        # pandas writes numpy's str of each float64, which is Python's repr of the float
        # (shortest round trip); repr is several times faster on short columns
        return ["" if v != v else repr(v) for v in col.to_numpy(dtype="float64").tolist()]
    if isinstance(dtype, pd.StringDtype) or (
        pd.api.types.is_object_dtype(dtype) and all(isinstance(v, str) for v in col.dropna())
    ):
        values = col.astype(object).tolist()
        if col.hasnans:
            mask = col.isna().to_numpy()
            values = ["" if m else v for v, m in zip(values, mask, strict=True)]
        return values
    return None


def write_json(obj: object, path: str | Path) -> None:
    """Write JSON with sorted keys and a final newline (byte-stable)."""
    Path(path).write_text(
        json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


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


class TableWriter:
    """Writes CSV tables and ``provenance.json`` into a directory; some tables can be
    streamed, their rows appended chunk by chunk while they are computed.

    Use it through :func:`table_writer` (a temporary directory that replaces ``--out`` only
    when complete) or :func:`write_tables`.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._streams: dict[str, TextIO] = {}

    def stream(self, name: str, columns: Sequence[str], chunk: str) -> None:
        """Append ``chunk`` (rows formatted as :func:`write_csv` writes them) to NAME.csv,
        after the header ``columns`` on the first call."""
        f = self._streams.get(name)
        if f is None:
            f = self._streams[name] = self._open(name, columns)
        f.write(chunk)

    def _open(self, name: str, columns: Sequence[str]) -> TextIO:
        """NAME.csv opened for writing, its header line written."""
        f = open(self.directory / f"{name}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        csv.writer(f, lineterminator="\n").writerow([str(c) for c in columns])
        return f

    def close(self) -> None:
        """Close the streamed files."""
        for f in self._streams.values():
            f.close()

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        provenance: Mapping | None = None,
        *,
        streamed: Collection[str] = (),
        rendered: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Write every table (and ``provenance.json``), except the ``streamed`` ones whose
        rows all went through :meth:`stream` already.

        A table that was streamed in part but is not in ``streamed`` is written again in
        full. ``rendered`` (e.g. :attr:`analysis.runner.pipeline.Results.rendered`) gives, for some
        tables, their rows already formatted as :func:`write_csv` would write them (chunks
        in order); those are written after the header as they are.
        """
        self.close()
        rendered = rendered or {}
        for name, df in tables.items():
            if name in streamed and name in self._streams:
                continue
            if name in rendered:
                with self._open(name, df.columns) as f:
                    f.writelines(rendered[name])
            else:
                write_csv(df, self.directory / f"{name}.csv")
        if provenance is not None:
            write_json(provenance, self.directory / PROVENANCE_NAME)


@contextlib.contextmanager
def table_writer(out: str | Path) -> Iterator[TableWriter]:
    """A :class:`TableWriter` on a temporary directory that replaces ``out`` only if the block
    succeeds (see :func:`atomic_dir`)."""
    with atomic_dir(out) as tmp:
        writer = TableWriter(tmp)
        try:
            yield writer
        finally:
            writer.close()


def write_tables(
    out: str | Path,
    tables: Mapping[str, pd.DataFrame],
    provenance: Mapping | None = None,
    *,
    rendered: Mapping[str, list[str]] | None = None,
) -> None:
    """Write ``NAME.csv`` for each table (and ``provenance.json``) into ``out``, atomically.

    ``rendered``: rows already formatted, see :meth:`TableWriter.write`.
    """
    with table_writer(out) as writer:
        writer.write(tables, provenance, rendered=rendered)
