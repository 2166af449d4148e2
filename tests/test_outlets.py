"""The outlet registry (analysis.outlets, analysis/data/outlets.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.config import data_file
from analysis.outlets import Outlet, OutletRegistry, RegistryError, load_outlets

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
    ("Xinhua", "Xinhua", "chinese", "state"),
    ("CGTN", "CGTN", "chinese", "state"),
    ("China Daily", "China Daily", "chinese", "state"),
    ("Global Times", "Global Times", "chinese", "state"),
    ("People's Daily", "People's Daily", "chinese", "state"),
    ("Beijing Review", "Beijing Review", "chinese", "state"),
    ("ecns", "ecns", "chinese", "state"),
    ("China.org.cn", "China.org.cn", "chinese", "state"),
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
]


@pytest.fixture(scope="module")
def registry() -> OutletRegistry:
    return load_outlets()


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
    ],
)
def test_variants_case_insensitive(registry, written, name):
    assert registry.lookup(written).name == name


def test_unknown_names(registry):
    assert registry.lookup("My Blog") is None
    assert registry.lookup("") is None
    assert registry.lookup("Business Insider") is None


def test_every_outlet_has_a_unique_name_and_variants(registry):
    assert len(registry.outlets) == 33
    assert [o.name for o in registry.outlets] == sorted(o.name for o in registry.outlets)
    for o in registry.outlets:
        assert registry.lookup(o.name) is o
        for v in o.variants:
            assert registry.lookup(v) is o, v


def test_novaya_gazeta_and_novaya_gazeta_europe_are_two_outlets(registry):
    moscow, riga = registry.lookup("Novaya Gazeta"), registry.lookup("Novaya Gazeta Europe")
    assert moscow is not riga
    assert (moscow.name, moscow.variants) == ("Novaya Gazeta", ("novayagazeta.ru", "Новая газета"))
    assert (riga.name, riga.variants) == (
        "Novaya Gazeta Europe",
        ("novayagazeta.eu", "Новая газета Европа"),
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
        "name", "origin", "affiliation", "country", "domains", "variants", "datelines"
    ]
    row = df[df.name == "MENAFN"].iloc[0].tolist()
    assert row == [
        "MENAFN",
        "third-party",
        "other",
        "",
        "",
        "Middle East North Africa Financial Network; menafn.com",
        "(MENAFN)",
    ]


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_override_file_extends_and_replaces(tmp_path):
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
    # RT replaced as a whole: new affiliation, and its shipped variants are gone
    assert reg.lookup("RT") == Outlet("RT", "russian", "other")
    assert reg.lookup("Russia Today") is None
    assert len(reg.outlets) == 34
    assert load_outlets().lookup("Russia Today").name == "RT"  # the shipped one is untouched


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[outlets.X\norigin = 1", "cannot read outlet registry"),
        ("[sources.X]\norigin = 'russian'\n", "unknown top-level keys ['sources']"),
        ("[outlets]\nX = 'russian'\n", "outlet 'X': must be a table"),
        (
            "[outlets.X]\norigin = 'russian'\ncolour = 'red'\n",
            "outlet 'X': unknown keys ['colour']",
        ),
        ("[outlets.X]\norigin = ' '\n", "outlet 'X': origin must be a non-empty string, got ' '"),
        ("[outlets.X]\norigin = 7\n", "outlet 'X': origin must be a non-empty string, got 7"),
        (
            "[outlets.X]\norigin = 'russian'\naffiliation = 'public'\n",
            "outlet 'X': affiliation 'public' is not one of state, independent, other",
        ),
        (
            "[outlets.X]\norigin = 'russian'\nvariants = 'x.ru'\n",
            "outlet 'X': variants must be a list of non-empty strings",
        ),
        (
            "[outlets.X]\norigin = 'russian'\ndatelines = ['']\n",
            "outlet 'X': datelines must be a list of non-empty strings",
        ),
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
        f"which already belongs to outlet 'RT' ({data_file('outlets.toml')}); a name may belong "
        "to one outlet only: remove it, or override [outlets.RT] instead"
    )


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError, match="cannot read outlet registry"):
        load_outlets(tmp_path / "nope.toml")
