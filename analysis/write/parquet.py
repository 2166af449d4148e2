"""Result tables as partitioned Parquet datasets (``framing analyze --format parquet``).

Each table ``NAME`` becomes a directory ``OUT/NAME/`` of files ``part-00000.parquet``,
``part-00001.parquet``, … in table order (read them back with :func:`read_parquet_tables`,
``pandas.read_parquet(OUT / NAME)`` or ``dask.dataframe.read_parquet``). In memory
(:func:`write_parquet_tables`, the local engine) a table is cut into files of at most
``rows_per_file`` rows; the Dask engine's workers write one file per partition of documents
(:func:`write_part`, see :func:`analysis.runner.dask_parquet.analyze_to_parquet`). Files are
written with pyarrow, without the pandas index and without timestamps, so the same tables give
byte-identical files. Parquet holds the same table contents as the CSV output (not the same
bytes); ``provenance.json`` is written as with CSV.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DEFAULT_ROWS_PER_FILE",
    "part_name",
    "read_parquet_tables",
    "table_schema",
    "write_parquet",
    "write_parquet_tables",
    "write_part",
]

#: Rows per Parquet file of a table dataset.
DEFAULT_ROWS_PER_FILE = 1_000_000


def table_schema(name: str) -> pa.Schema:
    """The Arrow schema of a table of :data:`analysis.runner.pipeline.TABLE_COLUMNS`.

    The types pyarrow gives the (non-empty) pandas tables: ``large_string``, ``int64``,
    ``double``, ``bool``. Every part file of a table has this schema, an empty part too.
    """
    import pyarrow as pa

    from analysis.schema import BOOL_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, TABLE_COLUMNS

    def arrow_type(column: str) -> pa.DataType:
        if column in BOOL_COLUMNS:
            return pa.bool_()
        if column in INT_COLUMNS:
            return pa.int64()
        if column in FLOAT_COLUMNS:
            return pa.float64()
        return pa.large_string()

    return pa.schema([(c, arrow_type(c)) for c in TABLE_COLUMNS[name]])


def part_name(index: int, n_parts: int) -> str:
    """``part-NNNNN.parquet``: at least 5 digits, more when needed to sort ``n_parts`` files."""
    width = max(5, len(str(max(n_parts - 1, 0))))
    return f"part-{index:0{width}d}.parquet"


def write_part(df: pd.DataFrame, path: str | Path, schema: pa.Schema) -> Path:
    """Write one part file atomically: a hidden temporary file renamed to ``path``.

    The directory must exist (it is never created, so a part cannot land in a directory that
    was removed meanwhile). The file has exactly ``schema`` (no pandas metadata), whatever the
    dtypes of ``df`` and also when ``df`` is empty, so every part of a dataset agrees.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table.replace_schema_metadata(None), tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_parquet(df: pd.DataFrame, directory: str | Path, *, rows_per_file: int) -> list[Path]:
    """Write one table as a dataset directory of ``part-NNNNN.parquet`` files.

    An empty table still gets one (empty) file, so its schema is kept.

    Args:
        df: The table (its index is not written).
        directory: Dataset directory to create (must not exist yet).
        rows_per_file: Maximum rows per file (> 0).

    Returns:
        The files written, in order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(rows_per_file, bool) or not isinstance(rows_per_file, int) or rows_per_file < 1:
        raise ValueError(f"rows_per_file must be a positive integer, got {rows_per_file!r}")
    directory = Path(directory)
    directory.mkdir(parents=True)
    # one file's rows at a time, categorical columns (the terms' doc_id and term in memory)
    # as their values: the files do not depend on how the table was held
    values = {
        c: df[c].cat.categories.dtype
        for c in df.columns
        if isinstance(df[c].dtype, pd.CategoricalDtype)
    }
    paths = []
    for k, start in enumerate(range(0, max(len(df), 1), rows_per_file)):
        path = directory / f"part-{k:05d}.parquet"
        part = df.iloc[start : start + rows_per_file].astype(values)
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), path)
        paths.append(path)
    return paths


def write_parquet_tables(
    out: str | Path,
    tables: Mapping[str, pd.DataFrame],
    provenance: Mapping | None = None,
    *,
    rows_per_file: int = DEFAULT_ROWS_PER_FILE,
) -> None:
    """Write ``OUT/NAME/part-*.parquet`` for each table (and ``provenance.json``), atomically.

    Like :func:`analysis.write.tables.write_tables`: everything is written into a temporary sibling
    of ``out`` that replaces ``out`` only when complete.
    """
    from analysis.write.outdir import atomic_dir
    from analysis.write.tables import write_json

    with atomic_dir(out) as tmp:
        for name, df in tables.items():
            write_parquet(df, tmp / name, rows_per_file=rows_per_file)
        if provenance is not None:
            write_json(provenance, tmp / "provenance.json")


def read_parquet_tables(out: str | Path) -> dict[str, pd.DataFrame]:
    """Read every Parquet table dataset of an output directory, by name (sorted).

    Returns:
        ``{name: DataFrame}``, each the concatenation of its ``part-*.parquet`` files in order.
    """
    out = Path(out)
    tables = {}
    for d in sorted(p for p in out.iterdir() if p.is_dir()):
        parts = sorted(d.glob("part-*.parquet"))
        if not parts:
            continue
        frames = [pd.read_parquet(p) for p in parts]
        tables[d.name] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return tables
