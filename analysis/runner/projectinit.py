"""``framing init``: a commented ``framing.toml`` from the options given and what
``framing inspect`` detects (:func:`project_text`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["project_text"]


def _value(v: object) -> str:
    """A TOML value: strings as JSON strings (valid TOML basic strings), lists, booleans."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False) if isinstance(v, str | Path) else str(v)


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(Path(path).resolve(), base.resolve())).as_posix()


def project_text(inspection, options: dict, *, base: Path, out: Path | None = None) -> str:
    """The text of a project file in ``base`` for the corpus of ``inspection``.

    Args:
        inspection: :class:`analysis.read.inspect.Inspection` of the corpus.
        options: The corpus options given (``read_corpus`` keyword arguments: ``origins``,
            ``outlets``, ``origin_map``, ``on_bad_row``, ``include_title``, ``*_col``...).
        base: The folder the file is written in (paths are relative to it).
        out: The output directory (default: ``out`` beside the file).
    """
    lines = [
        "# framing project file, written by `framing init` (docs/project.md describes every key).",
        f"# {inspection.kind} {inspection.path}: {inspection.n_documents} documents"
        + (f" of {inspection.n_rows} rows" if inspection.kind == "table" else "")
        + f"; {inspection.n_bad_rows} bad rows, {len(inspection.unknown_outlets)} unknown outlets,"
        f" {inspection.n_duplicates} exact duplicates.",
    ]
    if not inspection.runnable:
        lines.append("# framing analyze would stop as it stands: run `framing inspect` for why.")
    lines += ["", "[corpus]", f"path = {_value(_relative(Path(inspection.path), base))}"]
    for choice in inspection.columns:
        if choice.column is not None:
            lines.append(f"{choice.role}_col = {_value(choice.column)}  # {choice.why}")
    if inspection.date_order:
        lines.append(f"# numeric dates: {inspection.date_order}")
    for key in ("origins", "origin_map", "on_bad_row", "include_title", "date_order"):
        value = options.get(key)
        if value not in (None, False) and not (key == "on_bad_row" and value == "error"):
            lines.append(f"{key} = {_value(list(value) if key == 'origins' else value)}")
    for key in ("outlets",):
        if options.get(key):
            lines.append(f"{key} = {_value(_relative(Path(options[key]), base))}")
    lines += [
        "",
        "[analysis]",
        '# lexicon = "lexicon.toml"     # default: the shipped lexicon',
        'period = "year"                # year | quarter | month',
        "min_count = 0                  # keyness: fewest occurrences in the two groups",
        "stop_words = false             # keyness without spaCy's English stop words",
        "",
        "[output]",
        f"dir = {_value(_relative(out, base) if out else 'out')}  # the results store",
        'format = "csv"                 # or "parquet"',
        "",
    ]
    return "\n".join(lines)
