"""Re-execute notebooks in place, byte-stable: ``python tools/run_notebooks.py notebooks/*.ipynb``.

Each notebook is run top to bottom by a fresh ``python3`` kernel of the *current* Python
environment (``sys.executable``, like ``nbval --nbval-current-env``), with the notebook's
directory as working directory (as nbval does), and written back with its outputs. The
written file depends only on the notebook's code and the analysis results:

- no execution timing metadata (``record_timing=False``; stale ``execution`` entries removed),
- execution counts 1, 2, 3, … in cell order,
- cell ids kept when present, otherwise ``cell-<index>``,
- notebook metadata reduced to ``kernelspec`` and ``language_info`` (name, version, …).

A relative ``$FRAMING_CORPUS`` / ``$FRAMING_OUT`` is made absolute (relative to the directory
the command is run from) before the kernel starts, so it still points at the right place
from the notebook's directory.

A cell that raises stops the run with an error naming the notebook and the cell; the
notebook file is then left unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["NotebookError", "execute_notebook", "main", "normalize"]

_KEEP_METADATA = ("kernelspec", "language_info")
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class NotebookError(RuntimeError):
    """A notebook could not be read or one of its cells failed."""


def normalize(nb) -> None:
    """Make an executed notebook byte-stable (in place); see the module docstring."""
    nb.metadata = {k: nb.metadata[k] for k in _KEEP_METADATA if k in nb.metadata}
    nb.metadata["kernelspec"] = dict(_KERNELSPEC)
    count = 0
    for i, cell in enumerate(nb.cells):
        if not cell.get("id"):
            cell["id"] = f"cell-{i}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = count
            out.get("metadata", {}).pop("execution", None)


def _kernel_manager_class():
    """An async kernel manager whose ``python3`` kernel is ``sys.executable`` (this env)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class _CurrentEnvSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            spec = ipykernel.kernelspec.get_kernel_dict()
            return KernelSpec(resource_dir=ipykernel.kernelspec.RESOURCES, **spec)

    class _CurrentEnvKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return _CurrentEnvSpecs(data_dir=self.data_dir)

    return _CurrentEnvKernelManager


def _absolute_env() -> None:
    from analysis.config import CONFIG_ENV, CORPUS_ENV, OUT_ENV

    for var in (CONFIG_ENV, CORPUS_ENV, OUT_ENV):
        value = os.environ.get(var)
        if value and not Path(value).is_absolute():
            os.environ[var] = str(Path(value).resolve())


def execute_notebook(
    path: str | Path, *, timeout: int = 600, into: str | Path | None = None
) -> bool:
    """Execute one notebook in place (or into ``into``); return whether the file changed.

    Args:
        path: The ``.ipynb`` file.
        timeout: Seconds allowed per cell.
        into: Write the executed notebook into this directory instead (created if needed;
            the notebook still runs from its own directory).

    Raises:
        NotebookError: The file is not a notebook, or a cell raised (the file is untouched).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    try:
        before = path.read_bytes()
        nb = nbformat.reads(before.decode("utf-8"), as_version=4)
    except (OSError, UnicodeDecodeError, nbformat.reader.NotJSONError) as e:
        raise NotebookError(f"{path}: cannot read notebook: {e}") from e
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    _absolute_env()
    client = NotebookClient(
        nb,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        timeout=timeout,
        record_timing=False,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    try:
        client.execute()
    except CellExecutionError as e:
        raise NotebookError(f"{path}: a cell failed:\n{e}") from e
    normalize(nb)
    text = nbformat.writes(nb, version=4)
    if not text.endswith("\n"):
        text += "\n"
    after = text.encode("utf-8")
    dest = path if into is None else Path(into) / path.name
    if dest.is_file() and dest.read_bytes() == after:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.write_bytes(after)
    tmp.replace(dest)
    return True


def _project_notebooks(config: Path) -> Path | None:
    """Where the notebooks of project ``config`` go: ``None`` (in place) for the seeds'."""
    from analysis.config import SEEDS_DIR
    from analysis.runner.projectfile import load_project

    if config.resolve() == (SEEDS_DIR / "framing.toml").resolve():
        return None
    return Path(load_project(config).out) / "notebooks"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: execute each notebook given, in order."""
    parser = argparse.ArgumentParser(
        prog="python tools/run_notebooks.py",
        description="Re-execute Jupyter notebooks in place with byte-stable outputs.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (600)")
    parser.add_argument(
        "--into", type=Path, help="write the executed notebooks here instead of in place"
    )
    parser.add_argument(
        "--config",
        type=Path,
        help="the project the notebooks open ($FRAMING_CONFIG); unless it is the seeds' "
        "project, the executed notebooks go into its OUT/notebooks",
    )
    args = parser.parse_args(argv)
    if args.config is not None:
        args.into = args.into or _project_notebooks(args.config)
        os.environ["FRAMING_CONFIG"] = str(args.config.resolve())
    for nb in args.notebooks:
        try:
            changed = execute_notebook(nb, timeout=args.timeout, into=args.into)
        except NotebookError as e:
            print(f"notebooks: error: {e}", file=sys.stderr)
            return 1
        print(f"notebooks: {nb}: {'updated' if changed else 'unchanged'}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
