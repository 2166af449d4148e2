"""Execution engines for the per-document pass (importing this package loads nothing heavy).

- ``local`` — :func:`analysis.runner.pipeline.analyze` in this process (the default).
- ``dask`` — :mod:`analysis.runner.dask_engine`: the same pass in partitions on a Dask cluster
  (optional extra: ``pip install 'framing[dask]'``); the output files are byte-identical.

:mod:`analysis.write.parquet` writes the tables as partitioned Parquet datasets
(``--format parquet``) with either engine; with Dask,
:func:`analysis.runner.dask_parquet.analyze_to_parquet` has the workers write the per-document
tables, so the client never holds them.
"""

from __future__ import annotations

__all__ = ["ENGINES", "EngineError"]

#: Engine names accepted by ``framing analyze --engine``.
ENGINES: tuple[str, ...] = ("local", "dask")


class EngineError(RuntimeError):
    """An engine cannot run or lost work it cannot recover; the message says what to do."""
