"""Writing result tables: deterministic CSV, provenance, and all-or-nothing output directories."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["atomic_dir", "file_sha256", "write_csv", "write_json", "write_tables"]


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
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([str(c) for c in df.columns])
        w.writerows(zip(*columns, strict=True))


def _csv_values(col: pd.Series) -> list | None:
    """A column as the values pandas' CSV writer would write (``None``: not handled here)."""
    dtype = col.dtype
    if dtype.kind in "iu":
        return col.tolist()
    if dtype.kind == "f":
        values = col.to_numpy()
        text = values.astype(str)  # what pandas writes for floats without float_format
        text[np.isnan(values)] = ""
        return text.tolist()
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


@contextlib.contextmanager
def atomic_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary directory that replaces ``out`` only if the block succeeds.

    The temporary directory is a sibling of ``out`` (same filesystem, so the final rename is
    atomic). On any exception it is removed and ``out`` is left exactly as it was.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_tables(
    out: str | Path,
    tables: Mapping[str, pd.DataFrame],
    provenance: Mapping | None = None,
    *,
    pool: Executor | None = None,
) -> None:
    """Write ``NAME.csv`` for each table (and ``provenance.json``) into ``out``, atomically.

    With a ``pool`` of worker processes the largest table is written there while this
    process writes the others (the files are the same).
    """
    with atomic_dir(out) as tmp:
        names = list(tables)
        pending = None
        if pool is not None and names:
            big = max(names, key=lambda n: len(tables[n]) * max(1, len(tables[n].columns)))
            pending = pool.submit(write_csv, tables[big], tmp / f"{big}.csv")
            names.remove(big)
        for name in names:
            write_csv(tables[name], tmp / f"{name}.csv")
        if pending is not None:
            pending.result()
        if provenance is not None:
            write_json(provenance, tmp / "provenance.json")
