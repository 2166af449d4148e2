"""Lexicon format and validation (analysis.document.lexicon)."""

from __future__ import annotations

import tomllib

import pytest

from analysis.document.lexicon import (
    DEFAULT_LEXICON,
    Actor,
    Frame,
    LexiconError,
    load_lexicon,
    marker_words,
    parse_lexicon,
)

GOOD = """
version = "2026.1"

[frames.partnership]
label = "Partnership and friendship"
markers = ["friendship", "strategic partnership", "mutual trust", "good neighbour*"]

[actors.russia]
label = "Russia"
names = ["Russia", "Moscow", "Kremlin", "Putin"]
"""


def write(tmp_path, text: str, name: str = "lex.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def errors(tmp_path, text: str) -> str:
    p = write(tmp_path, text)
    with pytest.raises(LexiconError) as e:
        load_lexicon(p)
    assert str(p) in str(e.value)
    return str(e.value)


def test_issue_example_loads(tmp_path):
    p = write(tmp_path, GOOD)
    lex = load_lexicon(p)
    assert lex.version == "2026.1"
    assert lex.source == str(p)
    assert lex.frames == {
        "partnership": Frame(
            "partnership",
            "Partnership and friendship",
            ("friendship", "strategic partnership", "mutual trust", "good neighbour*"),
        )
    }
    assert lex.actors == {
        "russia": Actor("russia", "Russia", ("Russia", "Moscow", "Kremlin", "Putin"))
    }
    assert lex.markers == [
        ("partnership", "friendship"),
        ("partnership", "strategic partnership"),
        ("partnership", "mutual trust"),
        ("partnership", "good neighbour*"),
    ]


def test_optional_parts(tmp_path):
    lex = load_lexicon(write(tmp_path, '[frames.a]\nmarkers = ["x"]\n'))
    assert lex.version is None
    assert lex.actors == {}
    assert lex.frames["a"].label == "a"  # label defaults to the key


def test_markers_are_stripped_and_order_kept(tmp_path):
    lex = load_lexicon(write(tmp_path, '[frames.a]\nmarkers = ["  b ", "a"]\n'))
    assert lex.frames["a"].markers == ("b", "a")


def test_marker_words():
    assert marker_words("win-win") == ["win", "win"]
    assert marker_words("good  neighbour*") == ["good", "neighbour*"]
    assert marker_words("Cold-War\nmentality") == ["Cold", "War", "mentality"]
    assert marker_words("multi\u2010polar") == ["multi", "polar"]
    assert marker_words(" - ") == []


def test_fingerprint_ignores_comments_and_source(tmp_path):
    a = load_lexicon(write(tmp_path, GOOD, "a.toml"))
    b = load_lexicon(write(tmp_path, "# a comment\n" + GOOD.replace(" = ", "=  "), "b.toml"))
    assert a.source != b.source
    assert a.fingerprint == b.fingerprint
    assert len(a.fingerprint) == 64
    c = load_lexicon(write(tmp_path, GOOD.replace('"mutual trust", ', ""), "c.toml"))
    assert c.fingerprint != a.fingerprint
    d = load_lexicon(write(tmp_path, GOOD.replace('"Moscow", ', ""), "d.toml"))
    assert d.fingerprint != a.fingerprint
    e = load_lexicon(write(tmp_path, GOOD.replace("2026.1", "2026.2"), "e.toml"))
    assert e.fingerprint != a.fingerprint


def test_round_trip_to_dict(tmp_path):
    lex = load_lexicon(write(tmp_path, GOOD))
    assert parse_lexicon(lex.to_dict()).fingerprint == lex.fingerprint
    assert parse_lexicon(tomllib.loads(GOOD)).to_dict() == tomllib.loads(GOOD)


# --------------------------------------------------------------------------- errors


def test_unknown_keys(tmp_path):
    msg = errors(tmp_path, 'versoin = "1"\n[frames.a]\nmarkers = ["x"]\n')
    assert "unknown key 'versoin'" in msg
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["x"]\nlabels = "A"\n')
    assert "frame 'a': unknown key 'labels'" in msg
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["x"]\n[actors.r]\nnames = ["R"]\nnmes = []\n')
    assert "actor 'r': unknown key 'nmes'" in msg


def test_frame_without_markers(tmp_path):
    msg = errors(tmp_path, '[frames.empty]\nlabel = "E"\nmarkers = []\n')
    assert "frame 'empty': has no markers" in msg
    msg = errors(tmp_path, '[frames.none]\nlabel = "E"\n')
    assert "frame 'none': has no markers" in msg


def test_no_frames(tmp_path):
    assert "no frames" in errors(tmp_path, 'version = "1"\n')


def test_empty_marker(tmp_path):
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["x", "  "]\n')
    assert "frame 'a': marker #2 is empty" in msg
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["-"]\n')
    assert "frame 'a': marker #1 is empty" in msg


@pytest.mark.parametrize("marker", ["*hegemon", "uni*lateral", "hegemon**", "good *neighbour"])
def test_star_not_at_end_of_word(tmp_path, marker):
    msg = errors(tmp_path, f'[frames.u]\nmarkers = ["{marker}"]\n')
    assert f"frame 'u': marker '{marker}'" in msg
    assert "only allowed at the end of a word" in msg or "must follow a prefix" in msg


def test_star_at_end_of_any_word_is_fine(tmp_path):
    lex = load_lexicon(write(tmp_path, '[frames.u]\nmarkers = ["good* neighbour*"]\n'))
    assert lex.frames["u"].markers == ("good* neighbour*",)


def test_bare_star(tmp_path):
    msg = errors(tmp_path, '[frames.u]\nmarkers = ["good *"]\n')
    assert "frame 'u': marker 'good *': '*' must follow a prefix" in msg


def test_marker_listed_twice(tmp_path):
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["win-win", "x", "win-win"]\n')
    assert "frame 'a': marker 'win-win' is listed twice" in msg
    msg = errors(tmp_path, '[frames.a]\nmarkers = ["win-win", "Win win"]\n')
    assert "frame 'a': marker 'Win win' is listed twice (same words as 'win-win')" in msg


def test_same_marker_in_two_frames_is_fine(tmp_path):
    lex = load_lexicon(
        write(tmp_path, '[frames.a]\nmarkers = ["x"]\n[frames.b]\nmarkers = ["x"]\n')
    )
    assert lex.markers == [("a", "x"), ("b", "x")]


def test_all_problems_reported_at_once(tmp_path):
    p = write(tmp_path, '[frames.a]\nmarkers = ["", "*x"]\n[frames.b]\nmarkers = []\n')
    with pytest.raises(LexiconError) as e:
        load_lexicon(p)
    assert len(e.value.problems) == 3
    assert str(e.value).startswith("3 problems in the lexicon:")


def test_wrong_types(tmp_path):
    assert "'version' must be a string" in errors(
        tmp_path, 'version = 2026.1\n[frames.a]\nmarkers = ["x"]\n'
    )
    assert "'markers' must be a list" in errors(tmp_path, '[frames.a]\nmarkers = "x"\n')
    assert "marker #1 must be a string" in errors(tmp_path, "[frames.a]\nmarkers = [1]\n")
    assert "'label' must be a non-empty string" in errors(
        tmp_path, '[frames.a]\nlabel = ""\nmarkers = ["x"]\n'
    )


def test_actor_errors(tmp_path):
    base = '[frames.a]\nmarkers = ["x"]\n'
    assert "actor 'r': has no names" in errors(tmp_path, base + "[actors.r]\nnames = []\n")
    msg = errors(tmp_path, base + '[actors.r]\nnames = ["Russia", "russia"]\n')
    assert "actor 'r': name 'russia' is listed twice (same words as 'Russia')" in msg
    msg = errors(tmp_path, base + '[actors.us]\ncase_sensitive = ["US", "US"]\n')
    assert "actor 'us': case_sensitive name 'US' is listed twice" in msg


def test_case_sensitive_names(tmp_path):
    text = (
        '[frames.a]\nmarkers = ["x"]\n[actors.us]\nnames = ["us"]\ncase_sensitive = ["US", "Us"]\n'
    )
    lex = load_lexicon(write(tmp_path, text))
    assert lex.actors["us"] == Actor("us", "us", ("us",), ("US", "Us"))


def test_invalid_toml_and_missing_file(tmp_path):
    msg = errors(tmp_path, "[frames.a\n")
    assert "not valid TOML" in msg
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        load_lexicon(tmp_path / "nope.toml")


def test_not_utf8(tmp_path):
    p = tmp_path / "lex.toml"
    p.write_bytes(b'[frames.a]\nmarkers = ["\xe9"]\n')
    with pytest.raises(LexiconError, match="not valid UTF-8"):
        load_lexicon(p)


# --------------------------------------------------------------------------- exclude


def test_exclude_phrases_load_and_enter_the_fingerprint(tmp_path):
    text = (
        '[frames.s]\nmarkers = ["internal affairs"]\n'
        'exclude = [" Ministry of Internal Affairs ", "internal-affairs department*"]\n'
        '[actors.us]\nnames = ["America"]\nexclude = ["Latin America"]\n'
    )
    lex = load_lexicon(write(tmp_path, text))
    assert lex.frames["s"] == Frame(
        "s",
        "s",
        ("internal affairs",),
        ("Ministry of Internal Affairs", "internal-affairs department*"),
    )
    assert lex.actors["us"] == Actor("us", "us", ("America",), (), ("Latin America",))
    assert lex.to_dict()["frames"]["s"]["exclude"] == list(lex.frames["s"].exclude)
    plain = load_lexicon(write(tmp_path, '[frames.s]\nmarkers = ["internal affairs"]\n', "b"))
    assert "exclude" not in plain.to_dict()["frames"]["s"]
    assert plain.fingerprint != lex.fingerprint
    # a lexicon without exclude keeps the fingerprint it had before exclude existed (the value
    # computed with the code of commit 6652037)
    assert plain.fingerprint == "ace61c9b356f7983cede418b7de9cfda45f5a9f6d4a4cfc54d0ae2a5518d4cb7"


def test_exclude_errors_name_the_frame_and_phrase(tmp_path):
    base = '[frames.s]\nmarkers = ["internal affairs", "sovereignty"]\n'
    msg = errors(tmp_path, base + 'exclude = "Ministry of Internal Affairs"\n')
    assert "frame 's': 'exclude' must be a list of strings, got str" in msg
    msg = errors(tmp_path, base + 'exclude = ["", "*x", "no limits", "No-limits", 3]\n')
    assert "frame 's': exclude phrase #1 is empty ('')" in msg
    assert "frame 's': exclude phrase '*x': '*' is only allowed at the end" in msg
    assert (
        "frame 's': exclude phrase 'No-limits' is listed twice (same words as 'no limits')" in msg
    )
    assert "frame 's': exclude phrase #5 must be a string, got 3" in msg
    msg = errors(tmp_path, base + 'exclude = ["Internal-Affairs"]\n')
    assert (
        "frame 's': exclude phrase 'Internal-Affairs' is the marker 'internal affairs' itself"
        in msg
    )
    msg = errors(tmp_path, base + '[actors.us]\nnames = ["America"]\nexclude = ["america"]\n')
    assert "actor 'us': exclude phrase 'america' is the name 'America' itself" in msg
    msg = errors(tmp_path, base + "exclude = []\nlabels = 1\n")
    assert "unknown key 'labels' (allowed: label, markers, exclude)" in msg


# --------------------------------------------------------------------------- default


def test_default_lexicon():
    lex = load_lexicon()
    assert lex.source == str(DEFAULT_LEXICON)
    assert DEFAULT_LEXICON.name == "lexicon.toml" and DEFAULT_LEXICON.is_file()
    assert lex.version == "2026.2"
    assert list(lex.frames) == [
        "partnership",
        "sovereignty",
        "unilateralism",
        "multipolarity",
        "sanctions",
    ]
    assert list(lex.actors) == ["russia", "china", "united_states", "west", "ukraine"]
    required = {
        "partnership": ["friendship", "strategic partnership", "mutual trust", "good neighbour*"],
        "sovereignty": [
            "sovereignty",
            "territorial integrity",
            "internal affairs",
            "non-interference",
        ],
        "unilateralism": [
            "unilateralism",
            "unilateral*",
            "hegemon*",
            "abuse of sanctions",
            "cold war mentality",
        ],
        "multipolarity": [
            "multipolar world",
            "multi-polar*",
            "win-win",
            "mutually beneficial",
            "global south",
        ],
    }
    for frame, markers in required.items():
        assert set(markers) <= set(lex.frames[frame].markers), frame
    assert {"NATO", "EU", "European Union"} <= set(lex.actors["west"].names)
    assert lex.actors["united_states"].case_sensitive == ("US",)
    assert "US" not in lex.actors["united_states"].names
    # audited on the UN General Debate (docs/lexicon.md): sanctions is a topic frame of its
    # own, intimidation, bare "no limits", "time-tested" and "core interest*" are gone
    assert lex.frames["sanctions"].markers == ("sanctions",)
    markers = {m for _, m in lex.markers}
    assert not {"intimidation", "no limits", "time-tested", "core interest*"} & markers
    assert "sanctions" not in lex.frames["unilateralism"].markers
    assert "ministr* of internal affairs" in lex.frames["sovereignty"].exclude
    assert "Latin America*" in lex.actors["united_states"].exclude
    assert "West Bank" in lex.actors["west"].exclude
    # spelling variants of one name are listed as names of the actor
    assert {"Zelensky", "Zelenskyy", "Zelenskiy", "Kyiv", "Kiev"} <= set(
        lex.actors["ukraine"].names
    )
    assert load_lexicon(DEFAULT_LEXICON).fingerprint == lex.fingerprint
