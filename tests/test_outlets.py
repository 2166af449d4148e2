"""The outlet registry (analysis.read.outlets, analysis/data/outlets.toml)."""

from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path

import pytest

import analysis.read.outlets as outlets_module
from analysis.config import data_file
from analysis.read.outlets import (
    Outlet,
    OutletRegistry,
    RegistryError,
    load_outlets,
    outlet_key,
    registered_domain,
)

SHIPPED = data_file("outlets.toml")

# Every outlet the registry must cover: (name as a user might write it, registry name,
# origin, affiliation).
REQUIRED = [
    ("TASS", "TASS", "russian", "state"),
    ("RIA Novosti", "RIA Novosti", "russian", "state"),
    ("RT", "RT", "russian", "state"),
    ("Sputnik", "Sputnik", "russian", "state"),
    ("Interfax", "Interfax", "russian", "independent"),
    ("english.pravda.ru", "Pravda", "russian", "other"),
    ("Mediazona", "Mediazona", "russian", "independent"),
    ("Novaya Gazeta", "Novaya Gazeta", "russian", "independent"),
    ("Novaya Gazeta Europe", "Novaya Gazeta Europe", "russian", "independent"),
    ("The Insider", "The Insider", "russian", "independent"),
    ("Meduza", "Meduza", "russian", "independent"),
    ("The Moscow Times", "The Moscow Times", "russian", "independent"),
    ("Kommersant", "Kommersant", "russian", "independent"),
    ("Izvestia", "Izvestia", "russian", "other"),
    ("News Front", "News Front", "russian", "other"),
    ("Xinhua", "Xinhua", "chinese", "state"),
    ("CGTN", "CGTN", "chinese", "state"),
    ("CCTV", "CCTV", "chinese", "state"),
    ("China Daily", "China Daily", "chinese", "state"),
    ("Global Times", "Global Times", "chinese", "state"),
    ("People's Daily", "People's Daily", "chinese", "state"),
    ("Beijing Review", "Beijing Review", "chinese", "state"),
    ("ecns", "ecns", "chinese", "state"),
    ("China.org.cn", "China.org.cn", "chinese", "state"),
    ("Chinese MFA", "Chinese MFA", "chinese", "state"),
    ("Caixin", "Caixin", "chinese", "independent"),
    ("Sina", "Sina", "chinese", "other"),
    ("SCMP", "South China Morning Post", "chinese", "other"),
    ("Reuters", "Reuters", "third-party", "independent"),
    ("AP", "AP", "third-party", "independent"),
    ("AFP", "AFP", "third-party", "independent"),
    ("BBC", "BBC", "third-party", "independent"),
    ("CNN", "CNN", "third-party", "independent"),
    ("The New York Times", "The New York Times", "third-party", "independent"),
    ("The Guardian", "The Guardian", "third-party", "independent"),
    ("Al Jazeera", "Al Jazeera", "third-party", "state"),
    ("MENAFN", "MENAFN", "third-party", "other"),
    ("USA Today", "USA Today", "third-party", "independent"),
    ("Fox News", "Fox News", "third-party", "independent"),
    ("Newsweek", "Newsweek", "third-party", "independent"),
    ("MSNBC", "MSNBC", "third-party", "independent"),
    ("Ukrinform", "Ukrinform", "third-party", "state"),
    ("UNIAN", "UNIAN", "third-party", "independent"),
    ("Kyiv Independent", "Kyiv Independent", "third-party", "independent"),
    ("Ukrainska Pravda", "Ukrainska Pravda", "third-party", "independent"),
    ("Censor.NET", "Censor.NET", "third-party", "independent"),
    ("Central News Agency", "Central News Agency", "third-party", "independent"),
]


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return load_outlets()


@pytest.fixture(scope="module")
def shipped() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("written", "name", "origin", "affiliation"), REQUIRED)
def test_required_outlets(registry, written, name, origin, affiliation):
    o = registry.lookup(written)
    assert (o.name, o.origin, o.affiliation) == (name, origin, affiliation)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("RT International", "RT"),
        ("Russia Today", "RT"),
        ("russia today", "RT"),
        ("RUSSIA  TODAY ", "RT"),
        ("rt.com", "RT"),
        ("ITAR-TASS", "TASS"),
        ("ТАСС", "TASS"),
        ("RIA-Novosti", "RIA Novosti"),
        ("Sputnik International", "Sputnik"),
        ("NOVAYA  GAZETA", "Novaya Gazeta"),
        ("novayagazeta.ru", "Novaya Gazeta"),
        ("Новая газета", "Novaya Gazeta"),
        ("novaya gazeta europe", "Novaya Gazeta Europe"),
        ("novayagazeta.eu", "Novaya Gazeta Europe"),
        ("Новая газета Европа", "Novaya Gazeta Europe"),
        ("meduza.io", "Meduza"),
        ("Xinhua News Agency", "Xinhua"),
        ("xinhuanet", "Xinhua"),
        ("新华社", "Xinhua"),
        ("China Global Television Network", "CGTN"),
        ("People’s Daily", "People's Daily"),
        ("Peoples Daily", "People's Daily"),
        ("ECNS", "ecns"),
        ("China News Service", "ecns"),
        ("CHINA.ORG.CN", "China.org.cn"),
        ("Associated Press", "AP"),
        ("Agence France-Presse", "AFP"),
        ("BBC News", "BBC"),
        ("New York Times", "The New York Times"),
        ("NYT", "The New York Times"),
        ("guardian", "The Guardian"),
        ("Al-Jazeera", "Al Jazeera"),
        ("USA TODAY", "USA Today"),
        ("Fox News Channel", "Fox News"),
        ("Chinese MFA", "Chinese MFA"),
        ("GlobalTimes", "Global Times"),
        ("Chinadaily", "China Daily"),
        ("Xinhua General News Service", "Xinhua"),
        ("The Associated Press State & Local Wire", "AP"),
        ("UKRINFORM", "Ukrinform"),
        ("The Kyiv Independent", "Kyiv Independent"),
        ("Українська правда", "Ukrainska Pravda"),
        ("南華早報", "South China Morning Post"),
    ],
)
def test_variants_case_insensitive(registry, written, name):
    assert registry.lookup(written).name == name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("China Daily - US Edition", "chinadaily"),
        ("China Daily (Hong Kong Edition)", "chinadaily"),
        ("China Daily European Edition", "chinadaily"),
        ("Global Times (China)", "globaltimes"),
        ("The Guardian (London)", "guardian"),
        ("XINHUA English", "xinhua"),
        ("Xinhua News Service", "xinhua"),
        ("Xinhua General News Service", "xinhuageneral"),
        ("The Associated Press State & Local Wire", "associatedpressstateandlocal"),
        ("USA Today Online", "usatoday"),
        ("Sputnik International", "sputnik"),
        ("CNN Wire", "cnn"),
        ("The New York Times International Edition", "newyorktimes"),
        ("Financial Times Global Edition", "financialtimes"),
        ("Al Jazeera English Online", "aljazeera"),
        ("CGTN America", "cgtnamerica"),  # a service, listed as a variant of CGTN
        ("China News Service", "chinanewsservice"),  # not "China"
        ("Iran International", "iraninternational"),  # not "Iran"
        ("Business Wire", "businesswire"),  # not "Business"
        ("The News International", "newsinternational"),  # not "News"
        ("People’s Daily", "peoplesdaily"),
        ("GlobalTimes", "globaltimes"),
        ("Al-Jazeera", "aljazeera"),
        ("Libération", "liberation"),
        ("The Kyiv Independent", "kyivindependent"),
        ("The Wire", "wire"),
        ("ТАСС", "тасс"),
        ("新华社", "新华社"),
        ("tass.com", "tasscom"),  # domain-like names are looked up by domain instead
        ("The", "the"),
        ("", ""),
    ],
)
def test_outlet_key(name, key):
    assert outlet_key(name) == key


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("China Daily - US Edition", "China Daily"),
        ("China Daily (Hong Kong Edition)", "China Daily"),
        ("Global Times (China)", "Global Times"),
        ("XINHUA English", "Xinhua"),
        ("CGTN America", "CGTN"),
        ("The Associated Press State & Local Wire", "AP"),
        ("Associated Press Worldstream", "AP"),
        ("USA Today Online", "USA Today"),
        ("The New York Times International Edition", "The New York Times"),
        ("The Wall Street Journal Online", "The Wall Street Journal"),
        ("Dow Jones Institutional News", "Dow Jones Newswires"),
        ("The Guardian (London)", "The Guardian"),
        ("The Times (London)", "The Times"),
        ("The Moscow Times (Russia)", "The Moscow Times"),
        ("South China Morning Post (Hong Kong)", "South China Morning Post"),
        ("Spiegel Online", "Der Spiegel"),
        ("Liberation", "Libération"),
        ("Kyodo News International", "Kyodo News"),
        ("Radio Free Europe / Radio Liberty", "Radio Free Europe/Radio Liberty"),
        # a parenthesised place names the outlet's country, or else is part of the name
        ("The Guardian (Nigeria)", "The Guardian Nigeria"),
        ("The Nation (Thailand)", "Nation Thailand"),
        # domain-like names: by registered domain
        ("www.msnbc.com", "MSNBC"),
        ("Censor.NET", "Censor.NET"),
        ("Xinhuanet.com", "Xinhua"),
        ("english.news.cn", "Xinhua"),
        ("https://tass.com/politics/1", "TASS"),
    ],
)
def test_lookup_real_edition_names(registry, written, name):
    assert registry.lookup(written).name == name


@pytest.mark.parametrize(
    "written",
    [
        "My Blog",
        "",
        "   ",
        "BBC Monitoring",
        "China",
        "News",
        "Business",
        "Xinhua (Russia)",  # a place that is not the outlet's country
        "The Sunday Times (South Africa)",
        "unknown-outlet.com",
    ],
)
def test_unknown_names(registry, written):
    assert registry.lookup(written) is None


# ---------------------------------------------------------------- the shipped registry


def test_at_least_300_outlets_sorted_each_found_by_its_names(registry):
    assert len(registry.outlets) >= 300
    assert [o.name for o in registry.outlets] == sorted(o.name for o in registry.outlets)
    for o in registry.outlets:
        assert registry.lookup(o.name) is o
        for v in o.variants:
            assert registry.lookup(v) is o, v
        for d in o.domains:
            assert registry.lookup_domain(d) is o, d


def norm(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


def test_no_name_variant_normalised_name_or_domain_has_two_outlets(shipped):
    owners: dict[tuple[str, str], set[str]] = {}
    for name, entry in shipped["outlets"].items():
        for n in (name, *entry.get("variants", [])):
            owners.setdefault(("name", norm(n)), set()).add(name)
            owners.setdefault(("key", outlet_key(n)), set()).add(name)
        for d in entry["domains"]:
            owners.setdefault(("domain", d), set()).add(name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_every_entry_has_country_domains_and_a_source_comment(shipped):
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("[outlets.")]
    assert len(headers) == len(shipped["outlets"])
    comment = re.compile(r"# affiliation: (state|independent|other) — \S.{10,}")
    for i, (name, entry) in zip(headers, shipped["outlets"].items(), strict=True):
        m = comment.fullmatch(lines[i + 1])
        assert m, f"{name}: line {i + 2} must be '# affiliation: AFFILIATION — SOURCE'"
        assert m[1] == entry["affiliation"], name
        assert "origin" not in entry, name  # derived from the country
        assert re.fullmatch(r"[A-Z]{2}", entry["country"]), name
        assert entry["domains"] and all(registered_domain(d) == d for d in entry["domains"])


def test_shipped_origins_table(shipped, registry):
    assert shipped["origins"] == {
        "RU": "russian",
        "CN": "chinese",
        "HK": "chinese",
        "MO": "chinese",
        "*": "third-party",
    }
    origins = {(o.country, o.origin) for o in registry.outlets}
    assert {c for c, o in origins if o == "russian"} == {"RU"}
    assert {c for c, o in origins if o == "chinese"} == {"CN", "HK"}
    assert {o for c, o in origins if c not in ("RU", "CN", "HK")} == {"third-party"}


def test_every_country_is_known_as_a_place(registry):
    # a parenthesised country after a name is recognised for every country of the registry
    names = outlets_module._countries()
    for code in {o.country for o in registry.outlets}:
        assert outlets_module._split_place(f"X ({names[code]})") == ("X", code)


def test_novaya_gazeta_and_novaya_gazeta_europe_are_two_outlets(registry):
    moscow, riga = registry.lookup("Novaya Gazeta"), registry.lookup("Novaya Gazeta Europe")
    assert moscow is not riga
    assert (moscow.name, moscow.country, moscow.domains, moscow.variants) == (
        "Novaya Gazeta",
        "RU",
        ("novayagazeta.ru",),
        ("Новая газета",),
    )
    assert (riga.name, riga.country, riga.domains, riga.variants) == (
        "Novaya Gazeta Europe",
        "RU",
        ("novayagazeta.eu",),
        ("Новая газета Европа",),
    )


def test_datelines(registry):
    assert registry.outlet_for_marker("/TASS/").name == "TASS"
    assert registry.outlet_for_marker("(MENAFN)").name == "MENAFN"
    assert registry.dateline_pattern().search("BEIJING (Xinhua) --")["marker"] == "(Xinhua)"
    with pytest.raises(KeyError):
        registry.outlet_for_marker("(Nobody)")


def test_to_frame(registry):
    df = registry.to_frame()
    assert list(df.columns) == [
        "name",
        "origin",
        "affiliation",
        "country",
        "domains",
        "variants",
        "datelines",
    ]
    assert len(df) == len(registry.outlets)
    assert df[df.name == "MENAFN"].iloc[0].tolist() == [
        "MENAFN",
        "third-party",
        "other",
        "JO",
        "menafn.com",
        "Middle East North Africa Financial Network",
        "(MENAFN)",
    ]
    assert df[df.name == "TASS"].iloc[0].tolist()[:5] == [
        "TASS",
        "russian",
        "state",
        "RU",
        "tass.com; tass.ru",
    ]


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("tass.com", "TASS"),
        ("https://tass.com/politics/1234567", "TASS"),
        ("tass.ru", "TASS"),
        ("english.news.cn", "Xinhua"),
        ("http://english.news.cn/20240101/abc/c.html", "Xinhua"),
        ("www.xinhuanet.com", "Xinhua"),
        ("www.msnbc.com", "MSNBC"),
        ("https://edition.cnn.com/2024/01/01/world/index.html", "CNN"),
        ("ukrinform.net", "Ukrinform"),
        ("HTTPS://WWW.BBC.CO.UK/news", "BBC"),
        ("//www.theguardian.com/world", "The Guardian"),
        ("usa.chinadaily.com.cn:443/a/202401/01/WS1.html?x=1#y", "China Daily"),
        ("http://user@en.people.cn/n3/2024/0101/c90000-1.html", "People's Daily"),
        ("  meduza.io/en/news  ", "Meduza"),
        ("kyivindependent.com", "Kyiv Independent"),
        ("censor.net", "Censor.NET"),
        ("www.pravda.com.ua/eng/news/", "Ukrainska Pravda"),
        ("english.pravda.ru", "Pravda"),
        ("interfax.com.ua", "Interfax-Ukraine"),
        ("www.interfax.ru", "Interfax"),
        ("fmprc.gov.cn", "Chinese MFA"),
        ("https://www.scmp.com/news/china", "South China Morning Post"),
    ],
)
def test_lookup_domain(registry, url, name):
    assert registry.lookup_domain(url).name == name


@pytest.mark.parametrize(
    "junk",
    [
        None,
        42,
        "",
        "   ",
        "not a url",
        "localhost",
        "http://localhost:8000/x",
        "192.168.0.1",
        "http://[::1",
        "http://",
        "tass .com",
        "example.invalid",
        "unknown-outlet.com",
        "gov.cn",
    ],
)
def test_lookup_domain_junk_is_none(registry, junk):
    assert registry.lookup_domain(junk) is None


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://english.news.cn/x", "news.cn"),
        ("WWW.BBC.CO.UK", "bbc.co.uk"),
        ("https://www.fmprc.gov.cn/eng/", "fmprc.gov.cn"),
        ("rodong.rep.kp", "rodong.rep.kp"),
        ("localhost", ""),
        ("", ""),
    ],
)
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


def test_domains_need_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    outlets_module._extractor.cache_clear()  # built anew, under the patch
    assert registered_domain("https://english.news.cn/x") == "news.cn"
    assert outlets_module._extractor.cache_info().currsize == 1


# ---------------------------------------------------------------- origins


def test_origin_derived_from_country_and_regrouped_by_origin_map(registry):
    kyiv = registry.lookup("Kyiv Independent")
    assert (kyiv.country, kyiv.origin) == ("UA", "third-party")
    regrouped = load_outlets(origin_map={"UA": "ukrainian"})
    assert regrouped.lookup("Kyiv Independent").origin == "ukrainian"
    assert regrouped.lookup("Ukrinform").origin == "ukrainian"
    assert regrouped.lookup("TASS").origin == "russian"
    assert regrouped.lookup("Reuters").origin == "third-party"
    assert load_outlets(origin_map={"*": "rest"}).lookup("Reuters").origin == "rest"
    hk = load_outlets(origin_map={"HK": "hong-kong"})
    assert (hk.lookup("SCMP").origin, hk.lookup("Xinhua").origin) == ("hong-kong", "chinese")


@pytest.mark.parametrize(
    ("origin_map", "expected"),
    [
        ({"RUS": "russian"}, "origin_map: 'RUS' is not an ISO 3166-1 alpha-2 country code"),
        ({"ua": "ukrainian"}, "origin_map: 'ua' is not an ISO 3166-1 alpha-2 country code"),
        ({"UK": "british"}, "origin_map: 'UK' is not an ISO 3166-1 alpha-2 country code"),
        ({"UA": ""}, "origin_map: the origin of 'UA' must be a non-empty string, got ''"),
        ({"UA": 1}, "origin_map: the origin of 'UA' must be a non-empty string, got 1"),
        (["UA"], "origin_map: must be a table of country code = origin"),
    ],
)
def test_bad_origin_map(origin_map, expected):
    with pytest.raises(RegistryError) as info:
        load_outlets(origin_map=origin_map)
    assert str(info.value).startswith(expected)


def test_user_origins_table_and_explicit_origin(tmp_path):
    extra = write(
        tmp_path,
        '[origins]\nUA = "ukrainian"\nBY = "belarusian"\n\n'
        '[outlets."Kyiv Blog"]\ncountry = "UA"\ndomains = ["kyivblog.com.ua"]\n\n'
        '[outlets."Exile Blog"]\ncountry = "BY"\norigin = "russian"\n',
    )
    reg = load_outlets(extra)
    assert reg.lookup("kyiv blog") == Outlet(
        "Kyiv Blog", "ukrainian", "other", country="UA", domains=("kyivblog.com.ua",)
    )
    assert reg.lookup("Kyiv Independent").origin == "ukrainian"  # shipped outlets too
    assert reg.lookup("BelTA").origin == "belarusian"
    assert reg.lookup("Exile Blog").origin == "russian"  # an explicit origin wins
    # origin_map wins over the file's table, but not over an explicit origin
    reg = load_outlets(extra, origin_map={"UA": "ua", "BY": "by"})
    assert [reg.lookup(n).origin for n in ("Kyiv Blog", "BelTA", "Exile Blog")] == [
        "ua",
        "by",
        "russian",
    ]


def test_country_without_origin_is_an_error(tmp_path, monkeypatch):
    base = tmp_path / "base.toml"
    base.write_text('[origins]\nRU = "russian"\n\n[outlets.TASS]\ncountry = "RU"\n', "utf-8")
    monkeypatch.setattr(outlets_module, "data_file", lambda name: base)
    assert load_outlets().lookup("TASS").origin == "russian"
    extra = write(tmp_path, '[outlets."Kyiv Blog"]\ncountry = "UA"\n')
    with pytest.raises(RegistryError) as info:
        load_outlets(extra)
    assert str(info.value) == (
        f"{extra}: outlet 'Kyiv Blog': no origin for country 'UA': add UA = \"...\" (or "
        '"*" = "...") to an [origins] table'
    )


# ---------------------------------------------------------------- user files


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_override_file_extends_and_replaces(tmp_path, registry):
    extra = write(
        tmp_path,
        '[outlets."My Blog"]\norigin = "chinese"\nvariants = ["myblog.example"]\n'
        'datelines = ["(MyBlog)"]\n\n'
        '[outlets.RT]\norigin = "russian"\naffiliation = "other"\n',
    )
    reg = load_outlets(extra)
    assert reg.lookup("MYBLOG.EXAMPLE") == Outlet(
        "My Blog", "chinese", "other", ("myblog.example",), ("(MyBlog)",)
    )
    assert reg.outlet_for_marker("(MyBlog)").name == "My Blog"
    # RT replaced as a whole: new affiliation, and its shipped variants and domains are gone
    assert reg.lookup("RT") == Outlet("RT", "russian", "other")
    assert reg.lookup("Russia Today") is None
    assert reg.lookup_domain("rt.com") is None
    assert len(reg.outlets) == len(registry.outlets) + 1
    assert load_outlets().lookup("Russia Today").name == "RT"  # the shipped one is untouched


def test_user_file_in_the_registry_format(tmp_path):
    extra = write(
        tmp_path,
        '[outlets."Ria Fan"]\n# affiliation: other - check\ncountry = "RU"\n'
        'affiliation = "other"\ndomains = ["riafan.ru"]\nvariants = ["RIAFAN"]\n',
    )
    reg = load_outlets(extra)
    assert reg.lookup_domain("https://riafan.ru/news/1") == Outlet(
        "Ria Fan", "russian", "other", ("RIAFAN",), (), "RU", ("riafan.ru",)
    )
    assert reg.lookup("Ria Fan (Russia)").name == "Ria Fan"


def test_override_with_any_origin(tmp_path):
    # the registry is not checked against the allowed origins: documents are (test_corpus)
    extra = write(tmp_path, '[outlets."Kyiv Independent"]\norigin = "ukrainian"\n')
    assert load_outlets(extra).lookup("kyiv independent") == Outlet(
        "Kyiv Independent", "ukrainian", "other"
    )
    assert load_outlets(extra).lookup("TASS").origin == "russian"


def test_origins_argument_is_deprecated_and_ignored(tmp_path):
    extra = write(tmp_path, '[outlets."Kyiv Independent"]\norigin = "ukrainian"\n')
    with pytest.warns(DeprecationWarning, match=r"load_outlets\(origins=...\) is ignored"):
        reg = load_outlets(extra, origins=("a", "b"))
    assert reg == load_outlets(extra)


BARE = "lowercase, no scheme, path or subdomain"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[outlets.X\norigin = 1", "cannot read outlet registry"),
        (
            "[sources.X]\norigin = 'russian'\n",
            "unknown top-level keys ['sources']; expected [outlets.NAME] tables and an "
            "optional [origins] table",
        ),
        ("outlets = 3\n", "outlets must be tables [outlets.NAME]"),
        ("[outlets]\nX = 'russian'\n", "outlet 'X': must be a table"),
        (
            "[outlets.X]\ncountry = 'RU'\norign = 'russian'\n",
            "outlet 'X': unknown keys ['orign'] (allowed: ['affiliation', 'country', "
            "'datelines', 'domains', 'origin', 'variants'])",
        ),
        (
            "[outlets.X]\naffiliation = 'state'\n",
            "outlet 'X': country is missing (an ISO 3166-1 alpha-2 code such as 'RU'; or an "
            "explicit origin)",
        ),
        (
            "[outlets.X]\ncountry = 'ru'\n",
            "outlet 'X': country 'ru' is not an ISO 3166-1 alpha-2 code (two capital letters, "
            "e.g. 'RU', 'CN', 'GB')",
        ),
        ("[outlets.X]\ncountry = 'UK'\n", "outlet 'X': country 'UK' is not an ISO 3166-1"),
        ("[outlets.X]\ncountry = 'RUS'\n", "outlet 'X': country 'RUS' is not an ISO 3166-1"),
        ("[outlets.X]\ncountry = 7\n", "outlet 'X': country 7 is not an ISO 3166-1"),
        ("[outlets.X]\norigin = ' '\n", "outlet 'X': origin must be a non-empty string, got ' '"),
        ("[outlets.X]\norigin = 7\n", "outlet 'X': origin must be a non-empty string, got 7"),
        (
            "[outlets.X]\ncountry = 'RU'\naffiliation = 'public'\n",
            "outlet 'X': affiliation 'public' is not one of state, independent, other",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = 'x.ru'\n",
            "outlet 'X': domains must be a list of non-empty strings, got 'x.ru'",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = ['x.ru', 3]\n",
            "outlet 'X': domains must be a list of non-empty strings, got ['x.ru', 3]",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = ['https://x.ru/news']\n",
            f"outlet 'X': domain 'https://x.ru/news' is not a bare registered domain ({BARE}: "
            "use 'x.ru')",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = ['www.x.ru']\n",
            f"domain 'www.x.ru' is not a bare registered domain ({BARE}: use 'x.ru')",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = ['X.RU']\n",
            f"domain 'X.RU' is not a bare registered domain ({BARE}: use 'x.ru')",
        ),
        (
            "[outlets.X]\ncountry = 'CN'\ndomains = ['english.news.cn']\n",
            f"domain 'english.news.cn' is not a bare registered domain ({BARE}: use 'news.cn')",
        ),
        (
            "[outlets.X]\ncountry = 'RU'\ndomains = ['x']\n",
            f"domain 'x' is not a bare registered domain ({BARE}: e.g. 'tass.com', 'news.cn', "
            "'bbc.co.uk')",
        ),
        (
            "[outlets.X]\norigin = 'russian'\nvariants = 'x.ru'\n",
            "outlet 'X': variants must be a list of non-empty strings",
        ),
        (
            "[outlets.X]\norigin = 'russian'\ndatelines = ['']\n",
            "outlet 'X': datelines must be a list of non-empty strings",
        ),
        (
            "[origins]\nRUS = 'russian'\n",
            "[origins]: 'RUS' is not an ISO 3166-1 alpha-2 country code (two capital letters, "
            "e.g. 'RU') or '*' (every other country)",
        ),
        ("[origins]\nUA = ''\n", "[origins]: the origin of 'UA' must be a non-empty string"),
        ("origins = 'x'\n", "[origins]: must be a table of country code = origin"),
    ],
)
def test_malformed_file_names_file_outlet_and_problem(tmp_path, text, expected):
    extra = write(tmp_path, text)
    with pytest.raises(RegistryError, match="mine.toml") as info:
        load_outlets(extra)
    assert expected in str(info.value)


def test_name_clash_with_another_outlet_is_an_error(tmp_path):
    extra = write(
        tmp_path, '[outlets."Russia Today Blog"]\norigin = "russian"\nvariants = ["russia today"]\n'
    )
    with pytest.raises(RegistryError) as info:
        load_outlets(extra)
    assert str(info.value).startswith(f"{extra}: outlet 'Russia Today Blog' uses the name ")
    assert str(info.value).endswith(
        f"which already belongs to outlet 'RT' ({SHIPPED}); a name may belong "
        "to one outlet only: remove it, or override [outlets.RT] instead"
    )


def test_normalised_name_clash_is_an_error(tmp_path):
    extra = write(tmp_path, '[outlets."Peoples-Daily Online"]\ncountry = "CN"\n')
    with pytest.raises(RegistryError) as info:
        load_outlets(extra)
    assert str(info.value) == (
        f"{extra}: outlet 'Peoples-Daily Online' uses the name 'Peoples-Daily Online', whose "
        f"normalised form 'peoplesdaily' is that of \"People's Daily\" of outlet "
        f'"People\'s Daily" ({SHIPPED}); a normalised name may belong to one outlet only: '
        'remove it, or override [outlets."People\'s Daily"] instead'
    )


def test_domain_clash_is_an_error(tmp_path):
    extra = write(tmp_path, '[outlets."My TASS"]\ncountry = "RU"\ndomains = ["tass.com"]\n')
    with pytest.raises(RegistryError) as info:
        load_outlets(extra)
    assert str(info.value) == (
        f"{extra}: outlet 'My TASS' lists the domain 'tass.com', which already belongs to "
        f"outlet 'TASS' ({SHIPPED}); a domain may belong to one outlet only: remove it, or "
        "override [outlets.TASS] instead"
    )


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="cannot read outlet registry"):
        load_outlets(tmp_path / "nope.toml")


# ---------------------------------------------------------------- suggest


def entry(country: str, why: str, domains: str, name: str = '"Ria Fan"') -> str:
    return (
        f"[outlets.{name}]\n"
        f'country = "{country}"   # {why}\n'
        'affiliation = "other"   # check and cite a source\n'
        f"{domains}\n"
    )


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        (
            "Ria Fan",
            "https://riafan.ru/news/1",
            entry("RU", "from the domain riafan.ru", 'domains = ["riafan.ru"]'),
        ),
        (
            "Ria Fan",
            "www.riafan.ru",
            entry("RU", "from the domain riafan.ru", 'domains = ["riafan.ru"]'),
        ),
        (
            "riafan.ru",
            None,
            entry("RU", "from the domain riafan.ru", 'domains = ["riafan.ru"]', '"riafan.ru"'),
        ),
        (
            "Ria Fan",
            "http://echo.su/x",
            entry("RU", "from the domain echo.su", 'domains = ["echo.su"]'),
        ),
        (
            "Ria Fan",
            "news.example.cn",
            entry("CN", "from the domain example.cn", 'domains = ["example.cn"]'),
        ),
        (
            "Ria Fan",
            "kyivblog.com.ua",
            entry("UA", "from the domain kyivblog.com.ua", 'domains = ["kyivblog.com.ua"]'),
        ),
        (
            "Ria Fan",
            "www.londonpaper.co.uk",
            entry("GB", "from the domain londonpaper.co.uk", 'domains = ["londonpaper.co.uk"]'),
        ),
        (
            "Ria Fan",
            "riafan.com",
            entry(
                "??",
                "the domain riafan.com names no country: its ISO 3166-1 alpha-2 code",
                'domains = ["riafan.com"]',
            ),
        ),
        (
            "Ria Fan",
            "riafan.io",
            entry(
                "??",
                "the .io domain riafan.io is used worldwide: its ISO 3166-1 code",
                'domains = ["riafan.io"]',
            ),
        ),
        (
            "Ria Fan",
            None,
            entry(
                "??",
                "no domain given: its ISO 3166-1 alpha-2 code",
                'domains = []   # its registered domains, e.g. "example.com"',
            ),
        ),
        (
            "Ria Fan",
            "not a url",
            entry(
                "??",
                "no domain given: its ISO 3166-1 alpha-2 code",
                'domains = []   # its registered domains, e.g. "example.com"',
            ),
        ),
        (
            "RiaFan",
            "riafan.ru",
            entry("RU", "from the domain riafan.ru", 'domains = ["riafan.ru"]', "RiaFan"),
        ),
        (
            'Say "Hi"',
            "sayhi.ru",
            entry("RU", "from the domain sayhi.ru", 'domains = ["sayhi.ru"]', '"Say \\"Hi\\""'),
        ),
        (
            "Russia Today",
            None,
            "# 'Russia Today' is already in the registry as outlet 'RT' (country RU, origin "
            "russian, affiliation state)\n",
        ),
        (
            "RT Novosti Blog",
            "https://russian.rt.com/world",
            "# the domain rt.com belongs to outlet 'RT' (country RU, origin russian, affiliation "
            "state): add 'RT Novosti Blog' to its variants (override [outlets.RT] in your file)\n",
        ),
    ],
)
def test_suggest(registry, name, url, expected):
    assert registry.suggest(name, url) == expected


def test_suggestion_loads_and_a_country_left_unknown_does_not(tmp_path, registry):
    extra = write(tmp_path, registry.suggest("Ria Fan", "https://riafan.ru/news/1"))
    assert load_outlets(extra).lookup("ria fan") == Outlet(
        "Ria Fan", "russian", "other", country="RU", domains=("riafan.ru",)
    )
    extra = write(tmp_path, registry.suggest("Ria Fan", "riafan.com"))
    with pytest.raises(RegistryError, match=r"outlet 'Ria Fan': country '\?\?' is not an ISO"):
        load_outlets(extra)


def test_a_dotless_id_is_not_looked_up_as_a_domain(monkeypatch):
    import analysis.read.resolve as resolve
    from analysis.read.outlets import load_outlets

    looked_up = []
    real = resolve.registered_domain
    monkeypatch.setattr(resolve, "registered_domain", lambda h: looked_up.append(h) or real(h))
    resolver = resolve.OutletResolver(load_outlets(), origins=("russian", "chinese"))
    assert resolver.by_url("h0000001") is None
    assert resolver.by_url("https://tass.com/politics/1").name == "TASS"
    assert looked_up == ["tass.com"]


def test_a_registry_is_pickled_without_its_lookup_caches(registry):
    # Pickling the caches raced with this process filling them while a process pool's
    # feeder thread sent the registry to a reader ("dictionary changed size during
    # iteration", seen once in CI): only the outlets travel, and the copy looks up alike.
    import pickle

    fresh = OutletRegistry(registry.outlets)
    registry.lookup("China Daily - US Edition")
    registry.dateline_pattern()
    assert registry.__getstate__() == {"outlets": registry.outlets}
    assert pickle.dumps(registry) == pickle.dumps(fresh)
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.lookup("China Daily - US Edition").name == "China Daily"
