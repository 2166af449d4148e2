"""The outlet registry: outlet names and variants → origin, affiliation, dateline markers.

The registry is a TOML data file shipped in the package (``analysis/data/outlets.toml``);
users extend or override it with their own file of the same format.
"""

from __future__ import annotations

import re
import tomllib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from analysis.config import data_file

__all__ = ["Outlet", "OutletRegistry", "RegistryError", "load_outlets"]

Affiliation = Literal["state", "independent", "other"]
_AFFILIATIONS = ("state", "independent", "other")
_KEYS = {"origin", "affiliation", "variants", "datelines"}


class RegistryError(ValueError):
    """An outlet registry file is malformed."""


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet of the registry."""

    name: str
    origin: str
    affiliation: str
    variants: tuple[str, ...] = ()
    datelines: tuple[str, ...] = ()


def _norm(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


@dataclass(frozen=True)
class OutletRegistry:
    """Outlets by name, with case-insensitive lookup of names and variants."""

    outlets: tuple[Outlet, ...]

    @cached_property
    def _index(self) -> dict[str, Outlet]:
        return _build_index(self)

    def lookup(self, name: str) -> Outlet | None:
        """The outlet called ``name`` (or one of its variants), case-insensitively."""
        return self._index.get(_norm(name))

    @cached_property
    def _dateline_re(self) -> re.Pattern[str]:
        return _dateline_pattern(self)

    def dateline_pattern(self) -> re.Pattern[str]:
        """A regex matching any known dateline marker (group ``marker``), built once."""
        return self._dateline_re

    def to_frame(self):
        """The registry as a table: ``name``, ``origin``, ``affiliation``, ``variants`` and
        ``datelines`` (the last two joined with ``"; "``), sorted by name."""
        import pandas as pd

        cols = ["name", "origin", "affiliation", "variants", "datelines"]
        return pd.DataFrame(
            [
                (o.name, o.origin, o.affiliation, "; ".join(o.variants), "; ".join(o.datelines))
                for o in self.outlets
            ],
            columns=cols,
        )

    def outlet_for_marker(self, marker: str) -> Outlet:
        """The outlet whose dateline marker is ``marker``."""
        for o in self.outlets:
            if marker in o.datelines:
                return o
        raise KeyError(marker)


def _build_index(reg: OutletRegistry) -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for o in reg.outlets:
        for n in (o.name, *o.variants):
            index[_norm(n)] = o
    return index


def _dateline_pattern(reg: OutletRegistry) -> re.Pattern[str]:
    markers = sorted({m for o in reg.outlets for m in o.datelines}, key=lambda m: (-len(m), m))
    alt = "|".join(re.escape(m) for m in markers) or r"(?!x)x"
    return re.compile(f"(?P<marker>{alt})")


def _parse(path: Path) -> dict[str, Outlet]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RegistryError(f"{path}: cannot read outlet registry: {e}") from e
    unknown = set(data) - {"outlets"}
    if unknown:
        raise RegistryError(
            f"{path}: unknown top-level keys {sorted(unknown)}; expected [outlets.NAME]"
        )
    result: dict[str, Outlet] = {}
    for name, entry in data.get("outlets", {}).items():
        where = f"{path}: outlet {name!r}"
        if not isinstance(entry, dict):
            raise RegistryError(f"{where}: must be a table")
        bad = set(entry) - _KEYS
        if bad:
            raise RegistryError(f"{where}: unknown keys {sorted(bad)} (allowed: {sorted(_KEYS)})")
        origin = entry.get("origin")
        if not isinstance(origin, str) or not origin.strip():
            raise RegistryError(f"{where}: origin must be a non-empty string, got {origin!r}")
        origin = origin.strip()
        affiliation = entry.get("affiliation", "other")
        if affiliation not in _AFFILIATIONS:
            raise RegistryError(
                f"{where}: affiliation {affiliation!r} is not one of {', '.join(_AFFILIATIONS)}"
            )
        lists = {}
        for key in ("variants", "datelines"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise RegistryError(f"{where}: {key} must be a list of non-empty strings")
            lists[key] = tuple(value)
        result[name] = Outlet(name, origin, affiliation, lists["variants"], lists["datelines"])
    return result


def load_outlets(
    extra: str | Path | None = None, *, origins: Sequence[str] | None = None
) -> OutletRegistry:
    """Load the shipped outlet registry, extended or overridden by ``extra``.

    An outlet's origin may be any non-empty string: the registry is not checked against the
    allowed origins (``--origins``), so the shipped registry and a user's file work with any
    subset of their origins. The origin is checked when a document gets it (corpus reading
    reports a document whose origin is not allowed, naming the file or row).

    Args:
        extra: Optional user TOML file; an outlet with the same key replaces the shipped one.
        origins: Deprecated and ignored (origins are checked per document).

    Raises:
        RegistryError: naming the file and outlet when a registry is malformed, or when two
            outlets share a name or variant.
    """
    if origins is not None:
        warnings.warn(
            "load_outlets(origins=...) is ignored: an outlet's origin is checked when a "
            "document uses it (read_corpus(origins=...))",
            DeprecationWarning,
            stacklevel=2,
        )
    shipped = data_file("outlets.toml")
    outlets = _parse(shipped)
    source = dict.fromkeys(outlets, shipped)
    if extra is not None:
        added = _parse(Path(extra))
        outlets.update(added)
        source.update(dict.fromkeys(added, Path(extra)))
    owner: dict[str, str] = {}
    for key in sorted(outlets):
        o = outlets[key]
        for n in (o.name, *o.variants):
            other = owner.setdefault(_norm(n), key)
            if other != key:
                raise RegistryError(
                    f"{source[key]}: outlet {key!r} uses the name {n!r}, which already belongs "
                    f"to outlet {other!r} ({source[other]}); a name may belong to one outlet "
                    f"only: remove it, or override [outlets.{_toml_key(other)}] instead"
                )
    return OutletRegistry(tuple(outlets[k] for k in sorted(outlets)))


def _toml_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else '"' + name.replace('"', '\\"') + '"'
