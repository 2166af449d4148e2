"""Writing the output tables: deterministic CSV, JSON provenance, streamed rows.

Every writer fills a temporary sibling of the output directory
(:func:`analysis.write.outdir.atomic_dir`), which replaces it only once complete.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from analysis.write.outdir import PROVENANCE_NAME, atomic_dir

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "csv_safe_cell",
    "csv_safe_frame",
    "file_sha256",
    "write_csv",
    "write_json",
    "TableWriter",
    "table_writer",
    "write_tables",
]


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV
#: injection"): ``=``, ``+``, ``-``, ``@``, tab and carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value: str) -> str:
    """``value`` with ``'`` in front if it starts with one of :data:`FORMULA_PREFIXES`.

    OWASP's rule against CSV injection: a spreadsheet then shows the cell as text instead of
    running it (``=HYPERLINK(...)``, ``@SUM(...)``). Other values are returned unchanged.
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`csv_safe_cell` applied to every string cell (a copy if any changed;
    numbers, including negative ones, are left as they are)."""
    out = df
    for i in range(df.shape[1]):
        values = df.iloc[:, i]
        if values.dtype.kind in "iufb":
            continue
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
        if risky.any():
            if out is df:
                out = df.copy()
            values = values.astype(object)  # a categorical column (terms) gets new values
            out.isetitem(i, values.where(~risky, "'" + values.where(risky, "")))
    return out


def write_csv(df: pd.DataFrame, path: str | Path, *, csv_safe: bool = False) -> None:
    """Write a table as UTF-8 CSV with a header, ``\\n`` line ends, no index, NaN as empty.

    The bytes are those of ``df.to_csv(index=False, lineterminator="\\n", na_rep="")``:
    minimal quoting, floats in their shortest round-trip form. Tables of string, integer and
    float columns (all tables of this package) are written directly with the ``csv`` module,
    several times faster; any other column type goes through pandas.

    With ``csv_safe``, string cells that a spreadsheet would run as a formula are written
    with a leading ``'`` (:func:`csv_safe_cell`).
    """
    if csv_safe:
        df = csv_safe_frame(df)
    if not df.columns.is_unique or not all(_handled(df[c]) for c in df.columns):
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
        return
    header = [str(c) for c in df.columns]
    # (a one-column row holding an empty field is written as "" by the csv module)
    joinable = len(header) > 1
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        # a chunk of rows at a time, so the table's cells never all exist as Python objects
        # (a million documents' rows: about 1 GB of them); a chunk with nothing to quote is
        # joined directly (the lines the csv module would write), else written by it
        for lo in range(0, len(df), _CHUNK):
            columns = [_csv_values(df[c].iloc[lo : lo + _CHUNK]) for c in df.columns]
            cells = [c if isinstance(c[0], str) else list(map(str, c)) for c in columns]
            if joinable and all(_plain(c) for c in cells):
                f.write("\n".join(map(",".join, zip(*cells, strict=True))) + "\n")
            else:
                w.writerows(zip(*columns, strict=True))


#: Characters that make the csv module quote a field (delimiter, quote, line ends).
_SPECIAL = re.compile(r'[,"\r\n]')


#: Rows written at a time by :func:`write_csv` (and values checked at a time by :func:`_plain`).
_CHUNK = 50_000


def _plain(values: list[str]) -> bool:
    """No value needs quoting."""
    return all(
        _SPECIAL.search("\x00".join(values[lo : lo + _CHUNK])) is None
        for lo in range(0, len(values), _CHUNK)
    )


def _handled(col: pd.Series) -> bool:
    """Whether :func:`_csv_values` writes this column (its dtype: integers, booleans,
    float64, strings; an object column of strings and missing values)."""
    import pandas as pd

    dtype = col.dtype
    if dtype.kind in "iub" or dtype == "float64" or isinstance(dtype, pd.StringDtype):
        return True
    return pd.api.types.is_object_dtype(dtype) and all(isinstance(v, str) for v in col.dropna())


def _csv_values(col: pd.Series) -> list:
    """A column (:func:`_handled`) as the values pandas' CSV writer would write."""
    dtype = col.dtype
    if dtype.kind in "iu":
        return col.tolist()
    if dtype.kind == "b":  # as pandas writes them
        return ["True" if v else "False" for v in col.tolist()]
    if dtype == "float64":
        # pandas writes numpy's str of each float64, which is Python's repr of the float
        # (shortest round trip); repr is several times faster on short columns
        return ["" if v != v else repr(v) for v in col.to_numpy(dtype="float64").tolist()]
    values = col.astype(object).tolist()  # strings (and missing values)
    if col.hasnans:
        mask = col.isna().to_numpy()
        values = ["" if m else v for v, m in zip(values, mask, strict=True)]
    return values


def write_json(obj: object, path: str | Path) -> None:
    """Write JSON with sorted keys and a final newline (byte-stable)."""
    Path(path).write_text(
        json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


class TableWriter:
    """Writes CSV tables and ``provenance.json`` into a directory; some tables can be
    streamed, their rows appended chunk by chunk while they are computed.

    Use it through :func:`table_writer` (a temporary directory that replaces ``--out`` only
    when complete) or :func:`write_tables`.
    """

    def __init__(self, directory: str | Path, *, csv_safe: bool = False) -> None:
        self.directory = Path(directory)
        #: Write string cells that start like a formula with a leading ``'`` (no streaming,
        #: no pre-rendered rows: every table is written from its frame).
        self.csv_safe = csv_safe
        self._streams: dict[str, TextIO] = {}

    def stream(self, name: str, columns: Sequence[str], chunk: str) -> None:
        """Append ``chunk`` (rows formatted as :func:`write_csv` writes them) to NAME.csv,
        after the header ``columns`` on the first call.

        Raises:
            ValueError: the writer is ``csv_safe`` (its rows are rendered from the tables).
        """
        if self.csv_safe:
            raise ValueError("a csv_safe TableWriter writes whole tables only, not streams")
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
        rendered = {} if self.csv_safe or rendered is None else rendered
        for name, df in tables.items():
            if name in streamed and name in self._streams:
                continue
            if name in rendered:
                with self._open(name, df.columns) as f:
                    f.writelines(rendered[name])
            else:
                write_csv(df, self.directory / f"{name}.csv", csv_safe=self.csv_safe)
        if provenance is not None:
            write_json(provenance, self.directory / PROVENANCE_NAME)


@contextlib.contextmanager
def table_writer(out: str | Path, *, csv_safe: bool = False) -> Iterator[TableWriter]:
    """A :class:`TableWriter` on a temporary directory that replaces ``out`` only if the block
    succeeds (see :func:`atomic_dir`)."""
    with atomic_dir(out) as tmp:
        writer = TableWriter(tmp, csv_safe=csv_safe)
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
    csv_safe: bool = False,
) -> None:
    """Write ``NAME.csv`` for each table (and ``provenance.json``) into ``out``, atomically.

    ``rendered``: rows already formatted, see :meth:`TableWriter.write` (not used with
    ``csv_safe``, see :func:`write_csv`).
    """
    with table_writer(out, csv_safe=csv_safe) as writer:
        writer.write(tables, provenance, rendered=rendered)
