"""The outlet registry: outlet names, variants and domains → country, origin, affiliation.

The registry is a TOML data file shipped in the package (``analysis/data/outlets.toml``);
users extend or override it with their own file of the same format (``--outlets FILE.toml``).
Each outlet has a ``country`` (ISO 3166-1 alpha-2); its origin (``russian``, ``chinese``,
``third-party``, …) is derived from the country by the ``[origins]`` table of the registry,
which a user file or ``load_outlets(origin_map=...)`` may extend or override.

Outlets are found by name (:meth:`OutletRegistry.lookup`: exact spellings and variants first,
then their normalised form, :func:`outlet_key`) or by the registered domain of a URL
(:meth:`OutletRegistry.lookup_domain`, with ``tldextract`` and its bundled public-suffix list,
never the network).

Longer than ~400 lines because the registry with its validation, name normalisation and domain
lookup, which share the loaded entries.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from analysis.config import data_file

__all__ = [
    "Outlet",
    "OutletRegistry",
    "RegistryError",
    "load_outlets",
    "outlet_key",
    "registered_domain",
]

Affiliation = Literal["state", "independent", "other"]
_AFFILIATIONS = ("state", "independent", "other")
_KEYS = ("country", "origin", "affiliation", "domains", "variants", "datelines")
_TOP_KEYS = ("outlets", "origins")
#: The ``[origins]`` key of the origin of every country without its own entry.
ANY_COUNTRY = "*"


class RegistryError(ValueError):
    """An outlet registry file (or an origin map) is malformed."""


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet of the registry.

    Attributes:
        name: The registry name (the key of its ``[outlets.NAME]`` table).
        origin: Derived from ``country`` by the registry's ``[origins]`` table, unless the
            entry gives its own ``origin``.
        affiliation: ``state``, ``independent`` or ``other``.
        variants: Other spellings of the name.
        datelines: Literal dateline markers (``"/TASS/"``) that identify the outlet in a text.
        country: ISO 3166-1 alpha-2 code (``"RU"``); ``""`` for a user entry that gives only
            an origin.
        domains: Registered domains (``"tass.com"``); URLs on their subdomains match too.
    """

    name: str
    origin: str
    affiliation: str
    variants: tuple[str, ...] = ()
    datelines: tuple[str, ...] = ()
    country: str = ""
    domains: tuple[str, ...] = ()


# ---------------------------------------------------------------- countries and places

# ISO 3166-1 alpha-2 codes with a short English name ("CODE Name|CODE Name|…").
_ISO_3166 = """\
AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua & Barbuda|AI Anguilla|AL
Albania|AM Armenia|AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|AU
Australia|AW Aruba|AX Åland Islands|AZ Azerbaijan|BA Bosnia & Herzegovina|BB Barbados|BD
Bangladesh|BE Belgium|BF Burkina Faso|BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BL St
Barthelemy|BM Bermuda|BN Brunei|BO Bolivia|BQ Caribbean Netherlands|BR Brazil|BS Bahamas|BT
Bhutan|BV Bouvet Island|BW Botswana|BY Belarus|BZ Belize|CA Canada|CC Cocos (Keeling)
Islands|CD DR Congo|CF Central African Republic|CG Republic of the Congo|CH Switzerland|CI
Côte d'Ivoire|CK Cook Islands|CL Chile|CM Cameroon|CN China|CO Colombia|CR Costa Rica|CU
Cuba|CV Cape Verde|CW Curaçao|CX Christmas Island|CY Cyprus|CZ Czechia|DE Germany|DJ
Djibouti|DK Denmark|DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|EE Estonia|EG
Egypt|EH Western Sahara|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|FJ Fiji|FK Falkland
Islands|FM Micronesia|FO Faroe Islands|FR France|GA Gabon|GB United Kingdom|GD Grenada|GE
Georgia|GF French Guiana|GG Guernsey|GH Ghana|GI Gibraltar|GL Greenland|GM Gambia|GN
Guinea|GP Guadeloupe|GQ Equatorial Guinea|GR Greece|GS South Georgia & the South Sandwich
Islands|GT Guatemala|GU Guam|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HM Heard Island &
McDonald Islands|HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|IE Ireland|IL
Israel|IM Isle of Man|IN India|IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS
Iceland|IT Italy|JE Jersey|JM Jamaica|JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|KH
Cambodia|KI Kiribati|KM Comoros|KN St Kitts & Nevis|KP North Korea|KR South Korea|KW
Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos|LB Lebanon|LC St Lucia|LI Liechtenstein|LK
Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia|LY Libya|MA Morocco|MC
Monaco|MD Moldova|ME Montenegro|MF St Martin|MG Madagascar|MH Marshall Islands|MK North
Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macau|MP Northern Mariana Islands|MQ
Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX
Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|NG
Nigeria|NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|OM
Oman|PA Panama|PE Peru|PF French Polynesia|PG Papua New Guinea|PH Philippines|PK Pakistan|PL
Poland|PM St Pierre & Miquelon|PN Pitcairn|PR Puerto Rico|PS Palestine|PT Portugal|PW
Palau|PY Paraguay|QA Qatar|RE Réunion|RO Romania|RS Serbia|RU Russia|RW Rwanda|SA Saudi
Arabia|SB Solomon Islands|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SH St Helena|SI
Slovenia|SJ Svalbard & Jan Mayen|SK Slovakia|SL Sierra Leone|SM San Marino|SN Senegal|SO
Somalia|SR Suriname|SS South Sudan|ST Sao Tome & Principe|SV El Salvador|SX Sint Maarten|SY
Syria|SZ Eswatini|TC Turks & Caicos Islands|TD Chad|TF French Southern Territories|TG
Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL East Timor|TM Turkmenistan|TN Tunisia|TO
Tonga|TR Turkey|TT Trinidad & Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania|UA Ukraine|UG Uganda|UM
US Minor Outlying Islands|US United States|UY Uruguay|UZ Uzbekistan|VA Vatican City|VC St
Vincent|VE Venezuela|VG British Virgin Islands|VI US Virgin Islands|VN Vietnam|VU Vanuatu|WF
Wallis & Futuna|WS Samoa|YE Yemen|YT Mayotte|ZA South Africa|ZM Zambia|ZW Zimbabwe
"""

# Other names of a country, and cities, that news databases put in parentheses after an
# outlet's name ("The Guardian (London)", "Global Times (China)").
_PLACE_ALIASES = """\
AE UAE; Dubai; Abu Dhabi|AU Sydney; Melbourne|BE Brussels|CA Toronto; Montreal; Ottawa; \
Vancouver|CH Geneva; Zurich|CN PRC; People's Republic of China; Mainland China; Beijing; \
Shanghai; Guangzhou; Shenzhen|CZ Czech Republic; Prague|DE Berlin; Frankfurt; Munich|\
EG Cairo|FR Paris|GB UK; U.K.; Britain; Great Britain; England; Scotland; Wales; \
Northern Ireland; London; Edinburgh; Glasgow; Manchester; Belfast|HK HKSAR; Hong Kong SAR|\
IE Dublin|IL Jerusalem; Tel Aviv|IN New Delhi; Delhi; Mumbai; Bombay; Kolkata; Calcutta; \
Chennai; Madras; Bangalore; Bengaluru; Hyderabad|IR Islamic Republic of Iran; Tehran|\
IT Rome; Milan|JP Tokyo|KE Nairobi|KR Korea; Republic of Korea; Seoul|MO Macao|\
MY Kuala Lumpur|NG Lagos; Abuja|NL Holland; Amsterdam|PH Manila|PK Karachi; Lahore; \
Islamabad|QA Doha|RU Russian Federation; Moscow; St Petersburg; Saint Petersburg|\
SA Riyadh; Jeddah|SG Singapore|TH Bangkok|TR Turkiye; Türkiye; Ankara; Istanbul|\
TW Taipei; Republic of China|UA Kyiv; Kiev; Kharkiv; Odesa; Odessa; Lviv|\
US USA; U.S.; U.S.A.; US; United States of America; America; New York; Washington; \
Washington DC; Washington D.C.; Los Angeles; Chicago; Boston; San Francisco; Miami|\
VN Viet Nam; Hanoi; Ho Chi Minh City|ZA Johannesburg; Cape Town; Pretoria"""


@cache
def _countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English short name."""
    items = " ".join(_ISO_3166.split()).split("|")
    return dict(item.strip().split(" ", 1) for item in items if item.strip())


@cache
def _places() -> dict[str, str]:
    """Place name (its words, lowercased, joined by one space) → country code."""
    places = {" ".join(_words(name)): code for code, name in _countries().items()}
    for item in _PLACE_ALIASES.split("|"):
        code, aliases = item.split(" ", 1)
        places.update({" ".join(_words(a)): code for a in aliases.split(";")})
    return places


def _is_country_code(code: object) -> bool:
    return isinstance(code, str) and code in _countries()


# ---------------------------------------------------------------- name normalisation


def _norm(name: str) -> str:
    """The exact-match form of a name: casefolded, ’ written ', whitespace collapsed."""
    return " ".join(name.replace("’", "'").casefold().split())


def _fold(text: str) -> str:
    """``text`` casefolded, in compatibility form, without accents, ``&`` written ``and``."""
    text = unicodedata.normalize("NFKD", text.replace("&", " and ").casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    """The runs of letters and digits of ``text`` (folded), punctuation dropped."""
    return re.findall(r"[^\W_]+", _fold(text))


# Qualifiers that a trailing "… Edition" may carry besides a place ("Global Edition").
_EDITION_WORDS = frozenset(
    """global international national regional local weekend weekly digital print online web
    english chinese russian european asian african american latin middle east eastern west
    western north northern south southern pacific europe asia africa americas first final late
    early morning evening afternoon special""".split()  # noqa: SIM905 - a word list
)
# Single trailing words that name a service or edition of an outlet, not the outlet.
_TRAILING_QUALIFIERS = frozenset({"online", "english", "international", "wire"})
# Words too generic to be a name alone: qualifiers are kept when only one of them would remain
# ("The News International" is not "News", "Business Wire" is not "Business").
_GENERIC_WORDS = frozenset(
    """news daily times post press business world radio tv media herald star sun nation
    national standard journal today online global first new""".split()  # noqa: SIM905
)


def _place_len(words: Sequence[str]) -> int:
    """How many trailing ``words`` (up to 4) form a place name; 0 if none."""
    places = _places()
    for n in range(min(4, len(words)), 0, -1):
        if " ".join(words[-n:]) in places:
            return n
    return 0


def _qualifier_len(words: Sequence[str]) -> int:
    """How many trailing ``words`` are an edition or service qualifier; 0 if none."""
    if words[-1] == "edition":
        n = 1
        while n < len(words):
            step = 1 if words[-n - 1] in _EDITION_WORDS else _place_len(words[:-n])
            if not step:
                break
            n += step
        return n
    if words[-1] in _TRAILING_QUALIFIERS:
        return 1
    if list(words[-2:]) == ["news", "service"]:
        return 2
    return 0


def _key_of_words(words: list[str]) -> str:
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1:
        n = _qualifier_len(words)
        rest = words[:-n]
        if not n or not rest or " ".join(rest) in _places() or _generic(rest):
            break
        words = rest
    return "".join(words)


def _generic(words: Sequence[str]) -> bool:
    return len(words) == 1 and words[0] in _GENERIC_WORDS


_PAREN_TAIL = re.compile(r"^(?P<rest>.*\S)\s*\((?P<inner>[^()]*)\)\s*$", re.S)


def _split_place(name: str) -> tuple[str, str | None]:
    """``name`` without a trailing parenthesised place, and that place's country code."""
    m = _PAREN_TAIL.match(name)
    if m:
        code = _places().get(" ".join(_words(m["inner"])))
        if code:
            return m["rest"], code
    return name, None


def outlet_key(name: str) -> str:
    """The normalised form of an outlet name, under which :meth:`OutletRegistry.lookup`
    finds names that are not spelled exactly like a registry name or variant.

    The rules, in order:

    1. A trailing parenthesised country or city is dropped: ``Global Times (China)``,
       ``The Guardian (London)`` (the lookup then checks that the outlet's country is that
       place's: ``The Guardian (Nigeria)`` is not The Guardian).
    2. Case, accents (``Libération`` = ``Liberation``), compatibility forms and punctuation
       are ignored, and so are the spaces between words (``People's Daily`` =
       ``Peoples Daily``, ``GlobalTimes`` = ``Global Times``); ``&`` is ``and``.
    3. A leading ``The`` is dropped (``The Kyiv Independent`` = ``Kyiv Independent``).
    4. Trailing edition and service qualifiers are dropped, repeatedly: ``… Edition`` with the
       places and words before it (``- US Edition``, ``(Hong Kong Edition)``,
       ``Global Edition``, ``International Edition``), and the words ``Online``, ``English``,
       ``International``, ``Wire`` and ``News Service`` — but never the first word, and not
       when what would remain is a place name (``China News Service`` stays as it is) or one
       generic word (``Business Wire``, ``The News International``).

    Other places after a name are kept: ``CGTN America`` is not ``CGTN`` (the registry lists
    such services as variants). Domain-like names (``tass.com``) are matched by domain in
    :meth:`OutletRegistry.lookup`, not by this key.

    Args:
        name: An outlet name as written in a corpus.

    Returns:
        The key: lowercase letters and digits only (``""`` for a name without any).

    Examples:
        >>> outlet_key("China Daily - US Edition"), outlet_key("XINHUA English")
        ('chinadaily', 'xinhua')
        >>> outlet_key("The Associated Press State & Local Wire")
        'associatedpressstateandlocal'
    """
    rest, _ = _split_place(name)
    return _key_of_words(_words(rest))


# ---------------------------------------------------------------- domains


@cache
def _extractor():
    """The ``tldextract`` extractor, built once: the public-suffix snapshot bundled with the
    package, no download (``suffix_list_urls=()``) and no disk cache (``cache_dir=None``)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def registered_domain(url_or_domain: str) -> str:
    """The registered domain of a URL or host name: ``tass.com`` for
    ``https://tass.com/politics/1``, ``news.cn`` for ``english.news.cn``, ``bbc.co.uk`` for
    ``www.bbc.co.uk`` (public suffixes of the list bundled with ``tldextract``).

    Args:
        url_or_domain: A URL (with or without a scheme) or a host name.

    Returns:
        The lowercase registered domain, or ``""`` when there is none (not a string, empty,
        containing spaces, an IP address, ``localhost``, an unknown suffix, …). Never raises.
    """
    if not isinstance(url_or_domain, str):
        return ""
    text = url_or_domain.strip().lower()
    if not text or any(c.isspace() for c in text):
        return ""
    try:
        parts = _extractor()(text)
    except ValueError:  # e.g. malformed IPv6 literals, IDNA errors
        return ""
    if not parts.domain or not parts.suffix:
        return ""
    return f"{parts.domain}.{parts.suffix}"


def _looks_like_domain(text: str) -> bool:
    return "." in text and not any(c.isspace() for c in text)


# ccTLDs widely used outside their country: they suggest no country.
_WORLDWIDE_CCTLDS = frozenset(
    {"ac", "ai", "cc", "co", "fm", "gg", "io", "la", "ly", "me", "nu", "sh", "tk", "to", "tv", "ws"}
)
# Top-level domains that are not the country's ISO code.
_TLD_COUNTRIES = {
    "uk": "GB",
    "su": "RU",
    "рф": "RU",
    "xn--p1ai": "RU",
    "中国": "CN",
    "xn--fiqs8s": "CN",
    "中國": "CN",
    "xn--fiqz9s": "CN",
    "香港": "HK",
    "xn--j6w193g": "HK",
    "укр": "UA",
    "xn--j1amh": "UA",
}


def _country_of_domain(domain: str) -> tuple[str, str]:
    """The country a registered domain suggests, and a comment saying why (or why not)."""
    tld = domain.rsplit(".", 1)[-1]
    if tld in _WORLDWIDE_CCTLDS:
        return "??", f"the .{tld} domain {domain} is used worldwide: its ISO 3166-1 code"
    code = _TLD_COUNTRIES.get(tld, tld.upper())
    if _is_country_code(code):
        return code, f"from the domain {domain}"
    return "??", f"the domain {domain} names no country: its ISO 3166-1 alpha-2 code"


# ---------------------------------------------------------------- the registry


@dataclass(frozen=True)
class OutletRegistry:
    """Outlets by name, normalised name and domain."""

    outlets: tuple[Outlet, ...]

    def __getstate__(self) -> dict[str, object]:
        # Only the outlets: the lookup caches below are rebuilt where needed. Pickling the
        # whole ``__dict__`` raced with this process filling a cache while a pool's feeder
        # thread sent the registry to a worker ("dictionary changed size during iteration").
        return {"outlets": self.outlets}

    @cached_property
    def _index(self) -> dict[str, Outlet]:
        return {_norm(n): o for o in self.outlets for n in (o.name, *o.variants)}

    @cached_property
    def _keys(self) -> dict[str, Outlet]:
        keys = {outlet_key(n): o for o in self.outlets for n in (o.name, *o.variants)}
        keys.pop("", None)
        return keys

    @cached_property
    def _domains(self) -> dict[str, Outlet]:
        return {d: o for o in self.outlets for d in o.domains}

    def lookup(self, name: str) -> Outlet | None:
        """The outlet called ``name``.

        Tried in order: a name or variant spelled alike (ignoring case, repeated spaces and
        ’ vs '); for a domain-like name (``tass.com``, ``english.pravda.ru``), the outlet of
        its registered domain; a name or variant with the same :func:`outlet_key` (for a name
        ending in a parenthesised place, only an outlet of that country, or else the key with
        the place kept: ``The Nation (Thailand)`` may be ``Nation Thailand``).

        Args:
            name: An outlet name as written in a corpus.

        Returns:
            The outlet, or ``None``.
        """
        norm = _norm(name)
        if not norm:
            return None
        found = self._index.get(norm)
        if found is None and _looks_like_domain(norm):
            found = self.lookup_domain(norm)
        return found or self._lookup_key(norm)

    def _lookup_key(self, norm: str) -> Outlet | None:
        rest, place = _split_place(norm)
        if place is not None:
            found = self._keys.get(_key_of_words(_words(rest)))
            if found is not None and found.country in (place, ""):
                return found
        return self._keys.get(_key_of_words(_words(norm)))

    def lookup_domain(self, url_or_domain: str) -> Outlet | None:
        """The outlet of a URL's or host's registered domain (see :func:`registered_domain`):
        ``https://english.news.cn/x``, ``www.msnbc.com`` and ``edition.cnn.com`` match the
        domains ``news.cn``, ``msnbc.com`` and ``cnn.com``.

        Args:
            url_or_domain: A URL, with or without a scheme, or a host name.

        Returns:
            The outlet, or ``None`` (also for junk: this never raises).
        """
        domain = registered_domain(url_or_domain)
        return self._domains.get(domain) if domain else None

    def suggest(self, name: str, url: str | None = None) -> str:
        """A ready-to-paste TOML entry for an outlet that is not in the registry, with the
        country its domain suggests (``.ru`` → ``RU``, ``.co.uk`` → ``GB``; ``"??"`` with a
        comment when the domain names no country). Text for the user only: nothing is
        guessed into the results.

        Args:
            name: The outlet's name as written in the corpus.
            url: A URL or domain of the outlet (else ``name`` itself when it is domain-like).

        Returns:
            The TOML entry (ending in a newline); for an outlet that is already in the
            registry, by name or by domain, one comment line saying so.
        """
        domain = registered_domain(url) if url else ""
        if not domain and _looks_like_domain(name.strip()):
            domain = registered_domain(name)
        known = self.lookup(name)
        if known is not None:
            return f"# {name!r} is already in the registry as {_describe(known)}\n"
        known = self.lookup_domain(domain) if domain else None
        if known is not None:
            return (
                f"# the domain {domain} belongs to {_describe(known)}: add {name!r} to its "
                f"variants (override [outlets.{_toml_key(known.name)}] in your file)\n"
            )
        if domain:
            country, why = _country_of_domain(domain)
            domains = f"domains = [{json.dumps(domain)}]"
        else:
            country, why = "??", "no domain given: its ISO 3166-1 alpha-2 code"
            domains = 'domains = []   # its registered domains, e.g. "example.com"'
        return (
            f"[outlets.{_toml_key(name.strip())}]\n"
            f'country = "{country}"   # {why}\n'
            'affiliation = "other"   # check and cite a source\n'
            f"{domains}\n"
        )

    @cached_property
    def _dateline_re(self) -> re.Pattern[str]:
        return _dateline_pattern(self)

    def dateline_pattern(self) -> re.Pattern[str]:
        """A regex matching any known dateline marker (group ``marker``), built once."""
        return self._dateline_re

    def to_frame(self):
        """The registry as a table: ``name``, ``origin``, ``affiliation``, ``country``,
        ``domains``, ``variants`` and ``datelines`` (the lists joined with ``"; "``), sorted
        by name."""
        import pandas as pd

        cols = ["name", "origin", "affiliation", "country", "domains", "variants", "datelines"]
        rows = [
            (o.name, o.origin, o.affiliation, o.country, "; ".join(o.domains))
            + ("; ".join(o.variants), "; ".join(o.datelines))
            for o in self.outlets
        ]
        return pd.DataFrame(rows, columns=cols)

    def outlet_for_marker(self, marker: str) -> Outlet:
        """The outlet whose dateline marker is ``marker``."""
        for o in self.outlets:
            if marker in o.datelines:
                return o
        raise KeyError(marker)


def _describe(o: Outlet) -> str:
    country = f"country {o.country}, " if o.country else ""
    return f"outlet {o.name!r} ({country}origin {o.origin}, affiliation {o.affiliation})"


def _dateline_pattern(reg: OutletRegistry) -> re.Pattern[str]:
    markers = sorted({m for o in reg.outlets for m in o.datelines}, key=lambda m: (-len(m), m))
    alt = "|".join(re.escape(m) for m in markers) or r"(?!x)x"
    return re.compile(f"(?P<marker>{alt})")


# ---------------------------------------------------------------- reading files


@dataclass(frozen=True, slots=True)
class _Entry:
    """An outlet as a file gives it: ``origin`` is ``None`` unless the entry sets it."""

    name: str
    country: str
    origin: str | None
    affiliation: str
    domains: tuple[str, ...]
    variants: tuple[str, ...]
    datelines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _File:
    entries: dict[str, _Entry]
    origins: dict[str, str]


def _parse(path: Path) -> _File:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RegistryError(f"{path}: cannot read outlet registry: {e}") from e
    unknown = set(data) - set(_TOP_KEYS)
    if unknown:
        raise RegistryError(
            f"{path}: unknown top-level keys {sorted(unknown)}; expected [outlets.NAME] "
            "tables and an optional [origins] table"
        )
    outlets = data.get("outlets", {})
    if not isinstance(outlets, dict):
        raise RegistryError(f"{path}: outlets must be tables [outlets.NAME]")
    origins = _check_origins(data.get("origins", {}), f"{path}: [origins]")
    entries = {
        name: _entry(name, entry, f"{path}: outlet {name!r}") for name, entry in outlets.items()
    }
    return _File(entries, origins)


def _entry(name: str, entry: object, where: str) -> _Entry:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a table")
    bad = set(entry) - set(_KEYS)
    if bad:
        raise RegistryError(f"{where}: unknown keys {sorted(bad)} (allowed: {sorted(_KEYS)})")
    origin = entry.get("origin")
    if origin is not None:
        if not isinstance(origin, str) or not origin.strip():
            raise RegistryError(f"{where}: origin must be a non-empty string, got {origin!r}")
        origin = origin.strip()
    country = entry.get("country")
    if country is None and origin is None:
        raise RegistryError(
            f"{where}: country is missing (an ISO 3166-1 alpha-2 code such as 'RU'; or an "
            "explicit origin)"
        )
    if country is not None and not _is_country_code(country):
        raise RegistryError(
            f"{where}: country {country!r} is not an ISO 3166-1 alpha-2 code (two capital "
            "letters, e.g. 'RU', 'CN', 'GB')"
        )
    affiliation = entry.get("affiliation", "other")
    if affiliation not in _AFFILIATIONS:
        raise RegistryError(
            f"{where}: affiliation {affiliation!r} is not one of {', '.join(_AFFILIATIONS)}"
        )
    lists = {key: _strings(entry.get(key, []), key, where) for key in _KEYS[3:]}
    for d in lists["domains"]:
        _check_domain(d, where)
    for d in lists["datelines"]:
        _check_dateline(d, where)
    return _Entry(
        name,
        country or "",
        origin,
        affiliation,
        lists["domains"],
        lists["variants"],
        lists["datelines"],
    )


#: Characters of which a dateline marker must hold one ("/TASS/", "(Xinhua)", "[AFP]").
_DATELINE_DELIMITERS = "/()[]-–—:|"


def _check_dateline(marker: str, where: str) -> None:
    """A dateline marker is cut from the start of a paragraph wherever it is found: it must
    hold a letter, a delimiter and at least 3 non-space characters (not " " or "e")."""
    shown = marker.strip()
    ok = (
        len(shown.replace(" ", "")) >= 3
        and any(c.isalpha() for c in shown)
        and any(c in _DATELINE_DELIMITERS for c in shown)
    )
    if not ok:
        raise RegistryError(
            f"{where}: dateline {marker!r} must hold a letter, a delimiter such as / or ( and "
            "at least 3 characters, like '/TASS/' or '(Xinhua)'"
        )


def _strings(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RegistryError(f"{where}: {key} must be a list of non-empty strings, got {value!r}")
    return tuple(value)


def _check_domain(domain: str, where: str) -> None:
    found = registered_domain(domain)
    if found != domain:
        hint = f"use {found!r}" if found else "e.g. 'tass.com', 'news.cn', 'bbc.co.uk'"
        raise RegistryError(
            f"{where}: domain {domain!r} is not a bare registered domain (lowercase, no "
            f"scheme, path or subdomain: {hint})"
        )


def _check_origins(table: object, where: str) -> dict[str, str]:
    """The country → origin table of a file or of ``origin_map``, validated."""
    if not isinstance(table, Mapping):
        raise RegistryError(f"{where}: must be a table of country code = origin")
    for code, origin in table.items():
        if code != ANY_COUNTRY and not _is_country_code(code):
            raise RegistryError(
                f"{where}: {code!r} is not an ISO 3166-1 alpha-2 country code (two capital "
                f"letters, e.g. 'RU') or {ANY_COUNTRY!r} (every other country)"
            )
        if not isinstance(origin, str) or not origin.strip():
            raise RegistryError(
                f"{where}: the origin of {code!r} must be a non-empty string, got {origin!r}"
            )
    return {code: origin.strip() for code, origin in table.items()}


def _outlet(entry: _Entry, origins: Mapping[str, str], where: str) -> Outlet:
    origin = entry.origin or origins.get(entry.country) or origins.get(ANY_COUNTRY)
    if not origin:
        raise RegistryError(
            f"{where}: outlet {entry.name!r}: no origin for country {entry.country!r}: add "
            f'{entry.country} = "..." (or "{ANY_COUNTRY}" = "...") to an [origins] table'
        )
    return Outlet(
        entry.name,
        origin,
        entry.affiliation,
        entry.variants,
        entry.datelines,
        entry.country,
        entry.domains,
    )


def load_outlets(
    extra: str | Path | None = None,
    *,
    origin_map: Mapping[str, str] | None = None,
    origins: Sequence[str] | None = None,
) -> OutletRegistry:
    """Load the shipped outlet registry, extended or overridden by ``extra``.

    An outlet's origin is its entry's ``origin`` if it gives one, else the origin of its
    country: ``origin_map``, then the ``[origins]`` table of ``extra``, then that of the
    shipped registry (whose ``"*"`` entry covers every other country). The registry is not
    checked against the allowed origins (``--origins``): the origin is checked when a document
    gets it (corpus reading reports a document whose origin is not allowed).

    Args:
        extra: Optional user TOML file of the same format; an outlet with the same key
            replaces the shipped one, and its ``[origins]`` table extends the shipped one.
        origin_map: Optional country → origin mapping (``{"UA": "ukrainian"}``, ``"*"`` for
            every other country) that regroups outlets without editing entries.
        origins: Deprecated and ignored (origins are checked per document).

    Returns:
        The registry, its outlets sorted by name.

    Raises:
        RegistryError: naming the file and outlet when a registry is malformed (bad country
            code, domains that are not a list of bare registered domains, unknown keys, …),
            when ``origin_map`` has a key that is not a country code or ``"*"``, or when two
            outlets share a name or variant, a normalised name (:func:`outlet_key`) or a
            domain.
    """
    if origins is not None:
        warnings.warn(
            "load_outlets(origins=...) is ignored: an outlet's origin is checked when a "
            "document uses it (read_corpus(origins=...))",
            DeprecationWarning,
            stacklevel=2,
        )
    shipped_path = data_file("outlets.toml")
    shipped = _parse(shipped_path)
    entries = dict(shipped.entries)
    source = dict.fromkeys(entries, shipped_path)
    mapping = dict(shipped.origins)
    if extra is not None:
        added = _parse(Path(extra))
        entries.update(added.entries)
        source.update(dict.fromkeys(added.entries, Path(extra)))
        mapping.update(added.origins)
    if origin_map is not None:
        mapping.update(_check_origins(origin_map, "origin_map"))
    outlets = {k: _outlet(e, mapping, str(source[k])) for k, e in entries.items()}
    # the user's outlets last, so that a clash is reported on the user's entry
    order = sorted(outlets, key=lambda k: (source[k] != shipped_path, k))
    _check_unique(outlets, order, source)
    return OutletRegistry(tuple(outlets[k] for k in sorted(outlets)))


def _check_unique(
    outlets: Mapping[str, Outlet], order: Sequence[str], source: Mapping[str, Path]
) -> None:
    """Raise when a name or variant, a normalised name or a domain has two outlets."""
    names: dict[str, str] = {}
    keys: dict[str, tuple[str, str]] = {}
    domains: dict[str, str] = {}
    for key in order:
        o = outlets[key]
        fix = "remove it, or override [outlets.{}] instead"
        for n in (o.name, *o.variants):
            other = names.setdefault(_norm(n), key)
            if other != key:
                raise RegistryError(
                    f"{source[key]}: outlet {key!r} uses the name {n!r}, which already belongs "
                    f"to outlet {other!r} ({source[other]}); a name may belong to one outlet "
                    f"only: {fix.format(_toml_key(other))}"
                )
            k = outlet_key(n)
            other, spelled = keys.setdefault(k, (key, n)) if k else (key, n)
            if other != key:
                raise RegistryError(
                    f"{source[key]}: outlet {key!r} uses the name {n!r}, whose normalised form "
                    f"{k!r} is that of {spelled!r} of outlet {other!r} ({source[other]}); a "
                    f"normalised name may belong to one outlet only: "
                    f"{fix.format(_toml_key(other))}"
                )
        for d in o.domains:
            other = domains.setdefault(d, key)
            if other != key:
                raise RegistryError(
                    f"{source[key]}: outlet {key!r} lists the domain {d!r}, which already "
                    f"belongs to outlet {other!r} ({source[other]}); a domain may belong to "
                    f"one outlet only: {fix.format(_toml_key(other))}"
                )


def _toml_key(name: str) -> str:
    """``name`` as a TOML key: bare when it can be, else a quoted basic string."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", name):
        return name
    return json.dumps(name, ensure_ascii=False)
