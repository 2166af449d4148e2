"""Exact marker matching, marker counts and KWIC (analysis.document.markers)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.document.lexicon import LexiconError, load_lexicon, parse_lexicon
from analysis.document.markers import (
    MATCH_COLUMNS,
    Match,
    compile_lexicon,
    find_markers,
    kwic,
    marker_counts,
    match_actors,
    match_frames,
)
from analysis.document.nlp import parse


def lex(*markers: str, **frames: list[str]):
    frames = {"f": list(markers)} if markers else frames
    return parse_lexicon({"frames": {k: {"markers": v} for k, v in frames.items()}})


def hits(text: str, *markers: str, **frames: list[str]) -> list[tuple]:
    """(group, marker, start, end, text) of every frame match."""
    ms = match_frames(parse(text), compile_lexicon(lex(*markers, **frames)))
    for m in ms:
        assert text[m.start : m.end] == m.text
    return [(m.group, m.marker, m.start, m.end, m.text) for m in ms]


def texts(text: str, *markers: str) -> list[str]:
    return [h[4] for h in hits(text, *markers)]


# --------------------------------------------------------------------------- word rules


def test_case_insensitive():
    assert texts("FRIENDSHIP and Friendship and friendship", "Friendship") == [
        "FRIENDSHIP",
        "Friendship",
        "friendship",
    ]


def test_lemma_match():
    assert hits("Friendships last.", "friendship") == [("f", "friendship", 0, 11, "Friendships")]
    # and the other way round: a plural marker finds the singular
    assert texts("one friendship", "friendships") == ["friendship"]
    assert texts("They sanctioned it; sanctions", "sanctions") == ["sanctioned", "sanctions"]


def test_different_lemma_does_not_match():
    assert hits("a sovereign state", "sovereignty") == []
    assert hits("sovereignty", "sovereign") == []
    assert hits("friendly ties", "friendship") == []


def test_prefix():
    assert hits("hegemony and hegemonic; hegemo", "hegemon*") == [
        ("f", "hegemon*", 0, 8, "hegemony"),
        ("f", "hegemon*", 13, 22, "hegemonic"),
    ]
    assert texts("Hegemon HEGEMONISM", "hegemon*") == ["Hegemon", "HEGEMONISM"]


def test_prefix_is_on_lowercased_form_not_lemma():
    # "Russians" has no lemma entry; the prefix still finds it
    assert texts("Russians and a Russian and Russia", "Russian*") == ["Russians", "Russian"]


# --------------------------------------------------------------------------- multi-word rules


def test_win_win():
    assert hits("win-win and Win win", "win-win") == [
        ("f", "win-win", 0, 7, "win-win"),
        ("f", "win-win", 12, 19, "Win win"),
    ]
    assert texts("win - win, win\u2010win", "win win") == ["win - win", "win\u2010win"]


def test_good_neighbourly():
    assert hits("good-neighbourly relations", "good neighbour*") == [
        ("f", "good neighbour*", 0, 16, "good-neighbourly")
    ]
    assert texts("Good neighbourliness", "good neighbour*") == ["Good neighbourliness"]


def test_across_a_line_break():
    text = "a comprehensive strategic\npartnership between"
    assert hits(text, "strategic partnership") == [
        ("f", "strategic partnership", 16, 37, "strategic\npartnership")
    ]


def test_inside_hyphenated_word():
    assert hits("a sovereignty-based order", "sovereignty") == [
        ("f", "sovereignty", 2, 13, "sovereignty")
    ]


def test_words_must_be_consecutive_and_in_order():
    assert hits("the partnership is strategic", "strategic partnership") == []
    assert hits("strategic and partnership", "strategic partnership") == []
    assert hits("mutual political trust", "mutual trust") == []


def test_punctuation_or_sentence_break_between_words_blocks():
    assert hits("strategic, partnership", "strategic partnership") == []
    assert hits("It is strategic. Partnership follows.", "strategic partnership") == []
    assert hits("strategic (partnership)", "strategic partnership") == []


def test_no_match_across_paragraphs():
    # a blank line starts a new sentence (headline without full stop)
    assert hits("Strategic\n\nPartnership talks", "strategic partnership") == []


def test_tokens_joined_by_hyphen_are_split():
    # the tokenizer keeps "U.S.-China" as one token; matching splits it at the hyphen
    assert hits("U.S.-China talks", "china") == [("f", "china", 5, 10, "China")]
    assert texts("U.S.-China talks", "U.S. China") == ["U.S.-China"]


def test_marker_word_split_like_the_tokenizer():
    text = "the People's Republic of China"
    assert hits(text, "People's Republic") == [
        ("f", "People's Republic", 4, 21, "People's Republic")
    ]


def test_typographic_apostrophe_is_the_straight_one():
    # TASS writes "People’s": the same words as "People's", in either direction
    assert texts("the People’s Republic of China", "People's Republic") == ["People’s Republic"]
    assert texts("the People's Republic of China", "People’s Republic") == ["People's Republic"]


def test_possessive_s_is_not_the_verb_have():
    # the lookup table maps "'s" to "have"; a marker "have" must not match "China's"
    assert hits("China's role and they have a role", "have") == [("f", "have", 22, 26, "have")]


def test_marker_word_without_letters_is_rejected():
    with pytest.raises(LexiconError, match="frame 'f': marker 'a & b': word '&' has no letter"):
        compile_lexicon(lex("a & b"))


# --------------------------------------------------------------------------- overlaps


def test_leftmost_longest_within_a_frame():
    assert hits("strategic partnership", "strategic", "partnership", "strategic partnership") == [
        ("f", "strategic partnership", 0, 21, "strategic partnership")
    ]


def test_no_overlap_within_a_frame():
    assert texts("win win win", "win-win") == ["win win"]
    assert texts("win win win win", "win-win") == ["win win", "win win"]
    # leftmost wins over longer-but-later
    assert hits("a b c d", "a b", "b c d") == [("f", "a b", 0, 3, "a b")]


def test_tie_goes_to_the_marker_listed_first():
    assert hits("unilateralism", "unilateralism", "unilateral*") == [
        ("f", "unilateralism", 0, 13, "unilateralism")
    ]
    assert hits("unilateralism", "unilateral*", "unilateralism") == [
        ("f", "unilateral*", 0, 13, "unilateralism")
    ]


def test_frames_are_independent():
    found = hits("strategic partnership", a=["strategic partnership"], b=["partnership"])
    assert found == [
        ("a", "strategic partnership", 0, 21, "strategic partnership"),
        ("b", "partnership", 10, 21, "partnership"),
    ]


def test_sorted_by_start_group_marker_and_sentence_ids():
    text = "Trust grows. Mutual trust and friendship."
    ms = match_frames(
        parse(text), compile_lexicon(lex(z=["trust"], a=["mutual trust", "friendship"]))
    )
    assert ms == [
        Match(0, "z", "trust", 0, 5, "Trust"),
        Match(1, "a", "mutual trust", 13, 25, "Mutual trust"),
        Match(1, "z", "trust", 20, 25, "trust"),
        Match(1, "a", "friendship", 30, 40, "friendship"),
    ]


# --------------------------------------------------------------------------- actors


ACTORS = parse_lexicon(
    {
        "frames": {"f": {"markers": ["x"]}},
        "actors": {
            "united_states": {"names": ["United States", "U.S."], "case_sensitive": ["US"]},
            "russia": {"names": ["Russia", "Russian*"]},
        },
    }
)


def test_case_sensitive_actor_name():
    text = "Let us talk. US officials told us. The U.S.-Russia talks; Us too."
    ms = match_actors(parse(text), compile_lexicon(ACTORS))
    assert [(m.group, m.marker, m.text, m.start) for m in ms] == [
        ("united_states", "US", "US", 13),
        ("united_states", "U.S.", "U.S.", 39),
        ("russia", "Russia", "Russia", 44),
    ]


def test_actors_not_in_frame_matches():
    ms = match_frames(parse("Russia and the United States"), compile_lexicon(ACTORS))
    assert ms == []


# --------------------------------------------------------------------------- tables


DOCS = pd.DataFrame(
    {
        "doc_id": ["b", "a"],
        "text": ["Win-win cooperation.\nWin win!", "Strategic partnership, not hegemony."],
    }
)
LEX = lex(coop=["win-win", "mutual trust"], heg=["hegemon*"])


def test_find_markers_table():
    m = find_markers(DOCS, LEX)
    assert list(m.columns) == list(MATCH_COLUMNS)
    assert m.to_dict("records") == [
        {
            "doc_id": "b",
            "sent_id": 0,
            "frame": "coop",
            "marker": "win-win",
            "start": 0,
            "end": 7,
            "text": "Win-win",
        },
        {
            "doc_id": "b",
            "sent_id": 1,
            "frame": "coop",
            "marker": "win-win",
            "start": 21,
            "end": 28,
            "text": "Win win",
        },
        {
            "doc_id": "a",
            "sent_id": 0,
            "frame": "heg",
            "marker": "hegemon*",
            "start": 27,
            "end": 35,
            "text": "hegemony",
        },
    ]
    assert str(m["start"].dtype) == "int64"


def test_find_markers_empty_and_actors():
    empty = find_markers(pd.DataFrame({"doc_id": ["x"], "text": ["nothing here"]}), LEX)
    assert list(empty.columns) == list(MATCH_COLUMNS) and len(empty) == 0
    a = find_markers(pd.DataFrame({"doc_id": ["x"], "text": ["US and us"]}), ACTORS, kind="actors")
    assert list(a.columns) == ["doc_id", "sent_id", "actor", "name", "start", "end", "text"]
    assert a[["actor", "name", "start"]].values.tolist() == [["united_states", "US", 0]]


def test_find_markers_bad_docs():
    with pytest.raises(ValueError, match="lacks column"):
        find_markers(pd.DataFrame({"doc_id": ["a"]}), LEX)
    with pytest.raises(ValueError, match="duplicate doc_id.*a"):
        find_markers(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}), LEX)


def test_marker_counts_zeros_included_and_sorted():
    m = find_markers(DOCS, LEX)
    c = marker_counts(m, ["b", "a", "c"], LEX)
    assert list(c.columns) == ["doc_id", "frame", "marker", "count"]
    assert c.values.tolist() == [
        ["a", "coop", "mutual trust", 0],
        ["a", "coop", "win-win", 0],
        ["a", "heg", "hegemon*", 1],
        ["b", "coop", "mutual trust", 0],
        ["b", "coop", "win-win", 2],
        ["b", "heg", "hegemon*", 0],
        ["c", "coop", "mutual trust", 0],
        ["c", "coop", "win-win", 0],
        ["c", "heg", "hegemon*", 0],
    ]
    assert str(c["count"].dtype) == "int64"
    assert marker_counts(m.iloc[:0], ["a"], compile_lexicon(LEX))["count"].tolist() == [0, 0, 0]


def test_marker_counts_errors():
    m = find_markers(DOCS, LEX)
    with pytest.raises(ValueError, match="unknown document 'a'"):
        marker_counts(m, ["b"], LEX)
    with pytest.raises(ValueError, match="marker 'win-win' of the matches is not in the lexicon"):
        marker_counts(m, ["a", "b"], lex(heg=["hegemon*"], coop=["mutual trust"]))
    with pytest.raises(ValueError, match="duplicates"):
        marker_counts(m, ["a", "a", "b"], LEX)


def test_kwic():
    m = find_markers(DOCS, LEX)
    k = kwic(m, DOCS, window=8)
    assert list(k.columns) == ["doc_id", "sent_id", "frame", "marker", "left", "match", "right"]
    assert k[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["b", "", "Win-win", " coopera"],
        ["b", "ration. ", "Win win", "!"],  # the newline before "Win win" is a space
        ["a", "ip, not ", "hegemony", "."],
    ]


def test_kwic_collapses_whitespace_in_match():
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["x  strategic\n  partnership\n\ny"]})
    k = kwic(find_markers(docs, lex("strategic partnership")), docs, window=3)
    assert k[["left", "match", "right"]].values.tolist() == [["x ", "strategic partnership", " y"]]


def test_kwic_errors():
    m = find_markers(DOCS, LEX)
    with pytest.raises(ValueError, match="document 'a' of the matches is not in docs"):
        kwic(m, DOCS.iloc[:1])
    other = DOCS.assign(text=["Win-win cooperation.\nWin win!", "XXX"])
    with pytest.raises(ValueError, match="document 'a': characters 27:35"):
        kwic(m, other)


# --------------------------------------------------------------------------- default lexicon


def test_default_lexicon_examples():
    compiled = compile_lexicon(None)
    text = (
        "Russia and China oppose hegemonism, unilateral sanctions and the Cold-War mentality "
        "and build a multi-polar world of win-win cooperation and good-neighbourliness."
    )
    found = [(m.group, m.marker, m.text) for m in match_frames(parse(text), compiled)]
    assert found == [
        ("unilateralism", "hegemon*", "hegemonism"),
        ("unilateralism", "unilateral*", "unilateral"),
        ("unilateralism", "sanctions", "sanctions"),
        ("unilateralism", "cold war mentality", "Cold-War mentality"),
        ("multipolarity", "multi-polar*", "multi-polar"),
        ("multipolarity", "win-win", "win-win"),
        ("partnership", "good neighbour*", "good-neighbourliness"),
    ]
    assert compile_lexicon(compiled) is compiled
    assert compile_lexicon(load_lexicon()).lexicon.fingerprint == compiled.lexicon.fingerprint


def test_compiled_lexicon_pickles():
    # the pipeline ships the compiled lexicon to worker processes
    import pickle

    compiled = compile_lexicon(lex("win-win", "hegemon*"))
    again = pickle.loads(pickle.dumps(compiled))
    parsed = parse("Win win, not hegemony.")
    assert match_frames(parsed, again) == match_frames(parsed, compiled)
    assert [m.text for m in match_frames(parsed, again)] == ["Win win", "hegemony"]
