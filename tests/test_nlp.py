"""The single NLP pass (analysis.document.nlp)."""

import hashlib

import pytest

from analysis.config import RULES_VERSION, data_file
from analysis.document.nlp import (
    Parsed,
    case_moves,
    get_nlp,
    is_number,
    lemma_overrides,
    lemmatize,
    move_terms,
    parse,
    parse_many,
    term_counts,
)
from analysis.read.clean import clean_text


def test_word_tokens_offsets_and_lemmas():
    p = parse("Friendships are strategic,\n2,000 win-win ties.")
    assert p.lower == ["friendships", "are", "strategic", "2,000", "win", "win", "ties"]
    assert p.lemma == ["friendship", "be", "strategic", "2,000", "win", "win", "tie"]
    assert p.start == [0, 12, 16, 27, 33, 37, 41]
    assert p.end == [11, 15, 25, 32, 36, 40, 45]
    assert p.is_num == [False, False, False, True, False, False, False]
    assert p.n_tokens == 7


def test_apostrophes_possessive_and_edge_hyphens():
    p = parse("People’s Republic, China's talks, don’t, high -level")
    assert p.lower == [
        "people",
        "'s",
        "republic",
        "china",
        "'s",
        "talks",
        "do",
        "n't",
        "high",
        "-level",
    ]
    # "'s" keeps its form (not the table's "have"); "n’t" is "n't" -> "not"; "-level" -> "level"
    assert p.lemma == [
        "people",
        "'s",
        "republic",
        "china",
        "'s",
        "talk",
        "do",
        "not",
        "high",
        "level",
    ]


def test_lemma_uses_lowercased_form():
    # the lookup table is case-sensitive: "Friendships" alone would not be found
    assert lemmatize("friendships") == "friendship"
    assert lemmatize("sovereign") == "sovereign"
    assert lemmatize("zzzunknown") == "zzzunknown"


def test_sentences_split_on_punctuation_and_blank_lines():
    text = "Back to Main page\n\nPutin spoke. Xi listened!\nThen talks\ncontinued."
    p = parse(text)
    assert [text[s:e] for s, e in p.sentences] == [
        "Back to Main page",
        "Putin spoke.",
        "Xi listened!",
        "Then talks\ncontinued.",
    ]
    assert p.sent == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3]


def test_parse_many_matches_parse_and_round_trips():
    texts = ["One sentence here.", "Two. Sentences."]
    many = list(parse_many(texts))
    assert [m.to_dict() for m in many] == [parse(t).to_dict() for t in texts]
    assert Parsed.from_dict(many[1].to_dict()) == many[1]


def test_pipeline_is_cached_and_blank():
    assert get_nlp() is get_nlp()
    assert get_nlp().pipe_names == ["framing_paragraphs", "framing_sentencizer"]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("12:40", ["12:40"]),  # clock time
        ("12.30", ["12.30"]),
        ("12h40", ["12h40"]),
        ("4/15/22", ["4/15/22"]),  # dates
        ("24.02.2022", ["24.02.2022"]),
        ("2022-23", ["2022", "23"]),  # split by the tokenizer, both numbers
        ("3\u20132", ["3\u20132"]),  # a score with an en dash stays one token
        ("1,600", ["1,600"]),
        ("2.5", ["2.5"]),
        (".5", [".5"]),
        ("-3", ["-3"]),
        ("\u22123", ["\u22123"]),  # U+2212 minus sign
        ("+4", ["+4"]),
        ("75%", ["75"]),  # the % sign is not a word token
        ("0.5pc", ["0.5pc"]),
        ("1990s", ["1990s"]),  # decades
        ("the '90s", ["90s"]),
        ("75th", ["75th"]),  # ordinals
        ("21st", ["21st"]),
        ("10,000th", ["10,000th"]),
        ("10k", ["10k"]),  # magnitudes
        ("3.5bn", ["3.5bn"]),
        ("2mn", ["2mn"]),
        ("1.2trn", ["1.2trn"]),
        ("10:30am", ["10:30am"]),
        ("17:00GMT", ["17:00gmt"]),
        ("\u00bd", ["\u00bd"]),  # vulgar fraction
        ("9/11", ["9/11"]),  # written as a date, so a number
        ("one million", ["one", "million"]),  # number words (spaCy like_num)
        ("first", ["first"]),  # ordinal words (spaCy like_num)
    ],
)
def test_numbers_are_not_terms_but_are_tokens(text, tokens):
    p = parse(text)
    nums = [low for low, num in zip(p.lower, p.is_num, strict=True) if num]
    assert nums == tokens
    assert p.n_tokens == len(p.lower)  # numbers still count as word tokens
    assert all(t not in dict(term_counts(p)) for t in tokens)


@pytest.mark.parametrize(
    "text",
    ["G20", "F-16", "COVID-19", "S-400", "MH17", "4x4", "1e6", "II", "km", "Zelensky"],
)
def test_names_with_digits_and_words_are_not_numbers(text):
    p = parse(text)
    assert p.is_num == [False] * p.n_tokens
    assert sum(c for _, c in term_counts(p)) == p.n_tokens


def test_is_number_rule_on_lowercased_forms():
    assert [is_number(w) for w in ["1990s", "75th", "3.5bn", "12:40", "-3", "±3"]] == [True] * 6
    assert [is_number(w) for w in ["g20", "5g", "3d", "s-400", "1e6", "th", "s", ""]] == [False] * 8


def test_numbers_in_a_sentence_counts():
    p = parse("At 12:40 on 4/15/22, 1,600 troops moved 2.5 km in the 1990s style, the 75th.")
    assert p.n_tokens == 15
    assert term_counts(p) == [
        ("at", 1),
        ("in", 1),
        ("km", 1),
        ("move", 1),
        ("on", 1),
        ("style", 1),
        ("the", 2),
        ("troop", 1),
    ]


# --------------------------------------------------------------------------- lemmas


@pytest.mark.parametrize(
    ("text", "lemma", "table"),
    [
        # (form, lemma with the override, what the lookup table alone gives)
        ("armed", "armed", "arm"),
        ("arms", "arms", "arm"),
        ("media", "media", "medium"),
        ("data", "data", "datum"),
        ("united", "united", "unite"),
        ("latest", "latest", "late"),
        ("later", "later", "late"),
        ("earlier", "earlier", "early"),
        ("bases", "base", "basis"),
        ("left", "left", "leave"),
        ("more", "more", "much"),
        ("most", "most", "much"),
        ("less", "less", "little"),
        ("least", "least", "little"),
        ("worse", "worse", "wrong"),
        ("worst", "worst", "wrong"),
        ("better", "better", "well"),
        ("best", "best", "well"),
        ("well", "well", "good"),
        ("further", "further", "far"),
        ("ground", "ground", "grind"),
        ("lives", "life", "live"),
        ("meeting", "meeting", "meet"),
        ("building", "building", "build"),
        ("briefing", "briefing", "brief"),
        ("funding", "funding", "fund"),
        ("goods", "goods", "good"),
        ("politics", "politics", "politic"),
        ("headquarters", "headquarters", "headquarter"),
        ("russians", "russian", "russians"),
        ("ukrainians", "ukrainian", "ukrainians"),
        ("americans", "american", "americans"),
        ("europeans", "european", "europeans"),
        ("m", "m", "be"),
    ],
)
def test_lemma_overrides(text, lemma, table):
    from spacy.lookups import load_lookups

    lookup = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    assert lookup.get(text, text) == table  # the error the override fixes is real
    assert lemmatize(text) == lemma
    assert parse(text.capitalize()).lemma == [lemma]  # capitalised in text: same lemma


def test_lemma_overrides_in_a_sentence_and_genuine_inflections_kept():
    p = parse("The United Nations said armed groups left the bases; sanctions were worse.")
    assert p.lemma == [
        "the",
        "united",
        "nation",
        "say",
        "armed",
        "group",
        "left",
        "the",
        "base",
        "sanction",
        "be",
        "worse",
    ]


def test_lemma_overrides_loaded_once_and_pinned_to_the_rules_version():
    assert lemma_overrides() is lemma_overrides()
    assert len(lemma_overrides()) == 34
    digest = hashlib.sha256(data_file("lemmas.toml").read_bytes()).hexdigest()
    # lemmas.toml changed? Bump RULES_VERSION in analysis/config.py (it is part of the cache
    # key) and update both values here.
    assert (RULES_VERSION, digest) == (
        "3",
        "cef1b14d62a64fb3a29c269b6f65fb8782ace6f841bbc91e69f30094005050c8",
    )


def test_lemma_overrides_file_is_validated(tmp_path, monkeypatch):
    from analysis.document import nlp

    bad = tmp_path / "lemmas.toml"
    bad.write_text('x = 1\n[lemmas]\nArmed = "armed"\nmedia = "the media"\ndata = 3\n')
    monkeypatch.setattr(nlp, "data_file", lambda name: tmp_path / name)
    nlp.lemma_overrides.cache_clear()
    try:
        with pytest.raises(ValueError) as e:
            nlp.lemma_overrides()
        assert str(e.value) == (
            f"{bad}: unknown key 'x' (allowed: lemmas); "
            "'Armed': the form must be a non-empty lowercase string; "
            "'media': the lemma must be one word without spaces; "
            "'data': the lemma must be a non-empty lowercase string"
        )
    finally:
        monkeypatch.undo()
        nlp.lemma_overrides.cache_clear()
    with pytest.raises(TypeError):
        nlp.lemma_overrides()["armed"] = "arm"  # read-only


# --------------------------------------------------------------------------- terms


def test_term_counts_forms_instead_of_lemmas():
    p = parse("Armed groups went high -level; 3 sanctions.")
    assert term_counts(p) == [
        ("armed", 1),
        ("go", 1),
        ("group", 1),
        ("high", 1),
        ("level", 1),
        ("sanction", 1),
    ]
    assert term_counts(p, terms="form") == [
        ("armed", 1),
        ("groups", 1),
        ("high", 1),
        ("level", 1),  # hyphens at the edges dropped, as for lemmas
        ("sanctions", 1),
        ("went", 1),
    ]
    with pytest.raises(ValueError, match="terms must be one of lemma, form, got 'lemmas'"):
        term_counts(p, terms="lemmas")


def test_case_sensitive_names_are_terms_apart_from_their_lowercase_twin():
    p = parse("Let US tell us. Us too: the US-led West, Westerners and western China.")
    names = {"US", "West", "Western*"}
    assert dict(term_counts(p))["us"] == 4
    got = term_counts(p, case_sensitive=names)
    assert got == [
        ("US", 2),  # "US" and the "US" of "US-led" (the tokenizer splits it off)
        ("West", 1),
        ("Westerners", 1),  # a prefix name: the token as written
        ("and", 1),
        ("china", 1),
        ("lead", 1),
        ("let", 1),
        ("tell", 1),
        ("the", 1),
        ("too", 1),
        ("us", 2),  # "us" and "Us"
        ("western", 1),  # lowercase: not the name
    ]
    assert sum(c for _, c in got) == p.n_tokens
    formed = dict(term_counts(p, terms="form", case_sensitive=names))
    assert (formed["US"], formed["us"], formed["Westerners"]) == (2, 2, 1)


def test_case_moves_are_the_lexicon_dependent_part_of_the_terms():
    p = parse("Let US tell us. Us too: the US-led West, Westerners and western China.")
    names = ["US", "West", "Western*"]
    moves = case_moves(p, names)
    assert moves == [("us", "US", 2), ("west", "West", 1), ("westerner", "Westerners", 1)]
    assert move_terms(term_counts(p), moves) == term_counts(p, case_sensitive=names)
    assert case_moves(p, names, terms="form") == [
        ("us", "US", 2),
        ("west", "West", 1),
        ("westerners", "Westerners", 1),
    ]
    assert case_moves(p, []) == []
    assert move_terms([("a", 1), ("us", 1)], [("us", "US", 1)]) == [("US", 1), ("a", 1)]


def test_case_sensitive_names_match_whole_tokens_only():
    p = parse("BUS USA US’s")
    # "US" inside "BUS" or "USA" is not the name; "US’s" is the tokens US + ’s
    assert term_counts(p, case_sensitive=["US"]) == [("'s", 1), ("US", 1), ("bus", 1), ("usa", 1)]


# --------------------------------------------------------------------------- cleaning


def test_cleaning_removes_invisible_characters_and_normalises_to_nfc():
    raw = "\ufeffStrate\u200bgic\u2060 partner\u200cship\u200d of Cafe\u0301 sover\u00adeignty"
    cleaned = clean_text(raw)
    assert cleaned == "Strategic partnership of Caf\u00e9 sovereignty"
    p = parse(cleaned)
    assert p.lower == ["strategic", "partnership", "of", "caf\u00e9", "sovereignty"]
    assert cleaned[p.start[3] : p.end[3]] == "Caf\u00e9"  # offsets refer to the cleaned text


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("", []),
        (".", [0]),
        (". Hello", [0, 1]),
        ('He said "Yes." Then he left!! Ok', [0, 6, 11]),
        ("Why?! (Nobody knows.) Fine", [0, 4, 8]),
        ("A. B\n\nno stop here\n\nC", [0, 3, 7]),
        ("U.S. talks. End", [0, 3]),
    ],
)
def test_sentence_starts_are_the_sentencizers(text, starts):
    import spacy
    from spacy.attrs import SENT_START

    reference = spacy.blank("en")
    reference.add_pipe("framing_paragraphs")
    reference.add_pipe("sentencizer")
    ours = get_nlp()(text).to_array(SENT_START).astype("int64")
    theirs = reference(text).to_array(SENT_START).astype("int64")
    assert ours.tolist() == theirs.tolist()
    assert [i for i, f in enumerate(ours.tolist()) if f == 1] == starts
