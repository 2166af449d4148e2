"""The project file ``framing.toml``: one place for everything a run of a corpus needs.

::

    [corpus]
    path = "articles.csv"          # a directory or a table file, relative to this file
    date_col = "published"         # any input role: text_col, date_col, outlet_col, ...
    origins = ["russian", "chinese", "third-party"]
    origin_map = {RUS = "russian", CHN = "chinese", "*" = "third-party"}  # or a TOML file
    date_order = "dayfirst"        # numeric dates: dayfirst | monthfirst (default: detected)
    outlets = "my_outlets.toml"    # extends the outlet registry
    on_bad_row = "skip"
    include_title = false

    [analysis]
    lexicon = "lexicon.toml"       # default: the shipped lexicon
    period = "quarter"
    min_count = 5
    stop_words = true
    reuse = true                   # the text reuse pass (reuse.csv, amplification.csv)
    reuse_jaccard = 0.35           # near-duplicates from this Jaccard index
    reuse_containment = 0.9        # a text inside another from this containment
    dedupe = "none"                # none | exact | near: documents keyness and rates count

    [output]
    dir = "out"                    # the results store (default: out beside this file)
    format = "csv"

Paths are relative to the file. An unknown section or key is an error naming it and the
file. :func:`load_project` turns the file into :class:`~analysis.runner.project.RunOptions`
(command-line options given with ``--config`` override it).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import fields
from pathlib import Path

from analysis.runner.project import RunOptions
from analysis.schema import INPUT_ROLES

__all__ = ["PROJECT_FILE", "SECTIONS", "ProjectError", "load_project", "project_options"]

#: The conventional name of a project file.
PROJECT_FILE = "framing.toml"

#: The keys of each section and the :class:`RunOptions` field each sets.
SECTIONS: dict[str, dict[str, str]] = {
    "corpus": {
        "path": "corpus",
        **{f"{r}_col": f"{r}_col" for r in INPUT_ROLES},
        "origins": "origins",
        "origin_map": "origin_map",
        "date_order": "date_order",
        "date_format": "date_format",
        "outlets": "outlets",
        "on_bad_row": "on_bad_row",
        "include_title": "include_title",
    },
    "analysis": {
        "lexicon": "lexicon",
        "period": "period",
        "min_count": "min_count",
        "stop_words": "stop_words",
        "keyness_ci": "keyness_ci",
        "terms": "terms",
        "keep_boilerplate": "keep_boilerplate",
        "boilerplate_min_docs": "boilerplate_min_docs",
        "boilerplate_min_share": "boilerplate_min_share",
        "reuse": "reuse",
        "reuse_jaccard": "reuse_jaccard",
        "reuse_containment": "reuse_containment",
        "dedupe": "dedupe",
    },
    "output": {"dir": "out", "format": "format"},
}
#: Fields that hold paths (resolved relative to the project file).
_PATHS = frozenset({"corpus", "outlets", "lexicon", "out"})
#: Allowed values of the choice fields.
_CHOICES = {
    "on_bad_row": ("error", "skip"),
    "period": ("year", "quarter", "month"),
    "format": ("csv", "parquet"),
    "terms": ("lemma", "form"),
    "date_order": ("dayfirst", "monthfirst"),
    "dedupe": ("none", "exact", "near"),
}


class ProjectError(ValueError):
    """A project file is missing, unreadable or malformed; the message names file and key."""


def _typed(value: object, field: str, where: str) -> object:
    """``value`` checked against the type of :class:`RunOptions` ``field``."""
    default = {f.name: f.default for f in fields(RunOptions)}[field]
    if field in _CHOICES:
        if value not in _CHOICES[field]:
            raise ProjectError(f"{where}: must be one of {', '.join(_CHOICES[field])}")
        return value
    if field == "origin_map" and isinstance(value, dict):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ProjectError(f"{where}: must map values to origin names (strings)")
        return ",".join(f"{k}={v}" for k, v in value.items())
    if field == "origins":
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise ProjectError(f"{where}: must be a non-empty list of strings")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ProjectError(f"{where}: must be true or false")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ProjectError(f"{where}: must be a number in (0, 1]")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ProjectError(f"{where}: must be a whole number >= 0")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ProjectError(f"{where}: must be a non-empty string")
    return value


def _join(base: Path, value: str) -> Path:
    """``value`` relative to the project file's folder, normalised (``a/../b`` → ``b``)."""
    return Path(os.path.normpath(base / value))


def project_options(data: dict, base: Path, source: str) -> dict[str, object]:
    """The :class:`RunOptions` fields a parsed project file sets (paths joined to ``base``)."""
    options: dict[str, object] = {}
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ProjectError(
            f"{source}: unknown section [{unknown[0]}] (sections: {', '.join(SECTIONS)})"
        )
    for section, keys in SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ProjectError(f"{source}: [{section}] must be a table")
        for key, value in table.items():
            if key not in keys:
                raise ProjectError(
                    f"{source}: unknown key {key!r} in [{section}] (keys: {', '.join(keys)})"
                )
            field = keys[key]
            value = _typed(value, field, f"{source}: [{section}] {key}")
            if field in _PATHS or (field == "origin_map" and value.endswith(".toml")):
                value = _join(base, value)
            options[field] = value
    if "corpus" not in options:
        raise ProjectError(f"{source}: [corpus] path is required")
    options.setdefault("out", _join(base, "out"))
    return options


def load_project(path: str | Path, **overrides) -> RunOptions:
    """The :class:`RunOptions` of a project file, with ``overrides`` applied on top.

    Raises:
        ProjectError: The file is missing or unreadable, not TOML, or has an unknown section
            or key, a missing corpus path, or a value of the wrong type.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ProjectError(f"{path}: cannot read the project file: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise ProjectError(f"{path}: not a valid TOML project file: {e}") from e
    options = project_options(data, path.parent, str(path))
    options.update(overrides)
    return RunOptions(**options)
