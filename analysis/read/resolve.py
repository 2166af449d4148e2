"""Who published a row, and so its origin: the resolution order, and origin maps.

The origin of a table row is found, in this order (its ``outlet_source``):

1. ``column``: the origin column (``--origin-col``), its values mapped by ``--origin-map``;
2. ``name``: the outlet column's name in the registry (exact spellings and variants, then
   the normalised name, :func:`analysis.read.outlets.outlet_key`; a domain given as the
   name, ``www.msnbc.com``, is ``domain``);
3. ``domain``: the registered domain of the row's URL (the url or id column) in the
   registry (:meth:`~analysis.read.outlets.OutletRegistry.lookup_domain`);
4. ``dateline``: for a row without an outlet name, a known dateline in the text.

A known outlet gives the row its registry name, affiliation and country; an unknown outlet
without an origin is a bad row (``unknown_outlet``), never a guess.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.read.clean import find_dateline
from analysis.read.corpus import CorpusError
from analysis.read.outlets import Outlet, OutletRegistry, registered_domain

__all__ = [
    "ANY",
    "OUTLET_SOURCES",
    "OutletResolver",
    "Resolved",
    "parse_origin_map",
    "registry_origin_map",
    "url_host",
]

#: The values of ``documents.csv``'s ``outlet_source``, in resolution order.
OUTLET_SOURCES = ("column", "name", "domain", "dateline")
#: The origin-map key of every value without its own entry.
ANY = "*"
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_MAX_CACHED = 100_000  # distinct names and domains whose lookup is kept


def parse_origin_map(value: str | Path | Mapping[str, str] | None) -> dict[str, str] | None:
    """An origin map from ``RUS=russian,CHN=chinese,*=third-party``, a TOML file of such
    pairs (top level or an ``[origins]`` table), or a mapping; ``None`` stays ``None``.

    Raises:
        CorpusError: a malformed pair or file.
    """
    if value is None or isinstance(value, Mapping):
        return None if value is None else {str(k): str(v) for k, v in value.items()}
    text = str(value).strip()
    path = Path(text)
    if "=" not in text or text.endswith(".toml"):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise CorpusError(
                [f"--origin-map {text!r}: neither KEY=ORIGIN pairs nor a TOML file: {e}"]
            ) from e
        data = data.get("origins", data)
        pairs = {str(k): v for k, v in data.items()}
    else:
        pairs = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, sep, origin = (s.strip() for s in item.partition("="))
            if not sep or not key:
                raise CorpusError([f"--origin-map: {item!r} is not KEY=ORIGIN"])
            pairs[key] = origin
    bad = [k for k, v in pairs.items() if not isinstance(v, str) or not v.strip()]
    if bad:
        raise CorpusError([f"--origin-map: no origin for {', '.join(map(repr, bad))}"])
    return {k: v.strip() for k, v in pairs.items()}


def registry_origin_map(origin_map: Mapping[str, str] | None) -> dict[str, str] | None:
    """The entries of an origin map that apply to the registry's countries: ISO 3166-1
    alpha-2 codes and ``*`` (``None`` when there are none)."""
    if not origin_map:
        return None
    found = {k: v for k, v in origin_map.items() if k == ANY or _COUNTRY_CODE.fullmatch(k)}
    return found or None


def url_host(url: str) -> str:
    """The host of a URL (``https://user@www.bbc.co.uk:443/news?x`` → ``www.bbc.co.uk``),
    or of a bare host name; ``""`` for text that has none (spaces, empty)."""
    text = url.strip().lower()
    if not text or any(c.isspace() for c in text):
        return ""
    text = text.split("://", 1)[-1]
    for sep in "/?#":
        text = text.split(sep, 1)[0]
    text = text.rsplit("@", 1)[-1]
    return text if text.startswith("[") else text.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A row's outlet as resolved: names and the ``outlet_source`` that gave the origin."""

    outlet: str
    origin: str
    affiliation: str
    country: str
    source: str


class OutletResolver:
    """Resolves rows' outlets in the order of the module; memory bounded by distinct names.

    Args:
        registry: The outlet registry (load it with :func:`registry_origin_map` of the same
            map so that the registry's countries are mapped too).
        origins: The allowed origins.
        origin_map: Origin-column value → origin (``*``: every other value). A value that
            is itself an allowed origin and has no entry of its own is kept.
        outlet_column: Whether the table has an outlet column (for the messages).
    """

    def __init__(
        self,
        registry: OutletRegistry,
        *,
        origins: Sequence[str],
        origin_map: Mapping[str, str] | None = None,
        outlet_column: bool = True,
    ):
        self.registry = registry
        self.outlet_column = outlet_column
        self.origins = tuple(origins)
        self.origin_map = dict(origin_map or {})
        self._folded = {k.casefold(): v for k, v in self.origin_map.items()}
        self._names: dict[str, tuple[Outlet | None, str]] = {}
        self._domains: dict[str, Outlet | None] = {}

    def check_map(self, where: str) -> None:
        """Raise when the origin map gives an origin that is not allowed."""
        bad = {k: v for k, v in self.origin_map.items() if v not in self.origins}
        if bad:
            shown = ", ".join(f"{k}={v}" for k, v in bad.items())
            raise CorpusError(
                [
                    f"{where}: --origin-map gives origins that are not allowed ({shown}); "
                    f"allowed: {', '.join(self.origins)} (--origins)"
                ]
            )

    def map_origin(self, value: str) -> tuple[str, bool]:
        """An origin column's value as an origin, and whether the map changed it."""
        if not self.origin_map:
            return value, False
        found = self.origin_map.get(value) or self._folded.get(value.casefold())
        if found is not None:
            return found, True
        if value in self.origins or ANY not in self.origin_map:
            return value, False
        return self.origin_map[ANY], True

    def by_name(self, name: str) -> tuple[Outlet | None, str]:
        """The registry outlet of a name and how it was found (``name`` or ``domain``)."""
        found = self._names.get(name)
        if found is None:
            known = self.registry.lookup(name)
            how = "name"
            if known is not None and " " not in name.strip() and registered_domain(name):
                how = "domain" if self.registry.lookup_domain(name) is known else "name"
            found = (known, how)
            if len(self._names) < _MAX_CACHED:
                self._names[name] = found
        return found

    def by_url(self, url: str) -> Outlet | None:
        """The registry outlet of a URL's registered domain (looked up once per host)."""
        host = url_host(url)
        if "." not in host:  # no registered domain without a dot (an id such as "h0000001")
            return None
        if host in self._domains:
            return self._domains[host]
        domain = registered_domain(host)
        known = self.registry.lookup_domain(domain) if domain else None
        if len(self._domains) < _MAX_CACHED:
            self._domains[host] = known
        return known

    def resolve(
        self, outlet: str, origin: str, url: str, body: str
    ) -> tuple[Resolved | None, list[tuple[str, str, str]]]:
        """Resolve one row: its outlet cell, origin cell, URL and text (cleaned of nothing).

        Returns:
            ``(resolved or None, problems)``; a problem is ``(role, reason, detail)`` with
            role ``origin`` or ``outlet`` (the column to name).
        """
        problems: list[tuple[str, str, str]] = []
        mapped, was_mapped = self.map_origin(origin) if origin else ("", False)
        if origin and mapped not in self.origins:
            how = f" (mapped from {origin!r} by --origin-map)" if was_mapped else ""
            allowed = ", ".join(self.origins)
            problems.append(
                (
                    "origin",
                    "bad_origin",
                    f"origin {mapped!r}{how} is not allowed (allowed: {allowed})",
                )
            )
        known, source = self._identify(outlet, url, body)
        if known is None and (not mapped or not outlet):
            problems.append(self._unknown(outlet))
            return None, problems
        if mapped:
            source = "column"
        name = known.name if known is not None else outlet
        country = known.country if known is not None else (origin if was_mapped else "")
        found_origin = mapped or known.origin  # type: ignore[union-attr]
        if not mapped and found_origin not in self.origins:
            problems.append(
                (
                    "outlet",
                    "bad_origin",
                    f"origin {found_origin!r} of outlet {name!r} (from the "
                    f"outlet registry) is not allowed (allowed: {', '.join(self.origins)})",
                )
            )
        affiliation = known.affiliation if known is not None else ""
        return Resolved(name, found_origin, affiliation, country, source), problems

    def _identify(self, outlet: str, url: str, body: str) -> tuple[Outlet | None, str]:
        """The registry outlet by name, URL domain or (without a name) dateline."""
        if outlet:
            known, how = self.by_name(outlet)
            if known is not None:
                return known, how
        known = self.by_url(url)
        if known is not None:
            return known, "domain"
        if not outlet:
            m = find_dateline(body, self.registry)
            if m is not None:
                return self.registry.outlet_for_marker(m.group("marker")), "dateline"
        return None, ""

    def _unknown(self, outlet: str) -> tuple[str, str, str]:
        if outlet:
            return (
                "outlet",
                "unknown_outlet",
                f"outlet {outlet!r} is not in the outlet registry and the row gives no origin",
            )
        col = "" if self.outlet_column else " column (--outlet-col)"
        return (
            "outlet",
            "no_outlet",
            f"no outlet{col} and no known dateline in the text to infer it from",
        )
