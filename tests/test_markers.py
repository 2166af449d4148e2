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
from analysis.read.clean import clean_text


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


# --------------------------------------------------------------------------- exclude


def xlex(markers: list[str], exclude: list[str], **other: list[str]):
    frames = {"f": {"markers": markers, "exclude": exclude}}
    frames.update({k: {"markers": v} for k, v in other.items()})
    return compile_lexicon(parse_lexicon({"frames": frames}))


def xhits(text: str, compiled) -> list[tuple]:
    return [
        (m.group, m.marker, m.start, m.end, m.text) for m in match_frames(parse(text), compiled)
    ]


def test_hit_inside_an_excluded_phrase_does_not_count():
    c = xlex(["internal affairs"], ["Ministry of Internal Affairs"])
    text = "The Ministry of Internal Affairs denied interference in internal affairs."
    assert xhits(text, c) == [("f", "internal affairs", 56, 72, "internal affairs")]


def test_excluded_phrases_follow_the_marker_rules():
    # case, hyphens and line breaks between words, lemmas and * prefixes, as markers
    c = xlex(["internal affairs"], ["ministr* of internal-affair"])
    text = "MINISTRIES OF INTERNAL\nAFFAIRS; ministry of internal-affairs; internal affairs"
    assert [h[4] for h in xhits(text, c)] == ["internal affairs"]
    # the words of an excluded phrase must be in one sentence, as a marker's
    assert [h[4] for h in xhits("A ministry of. Internal affairs", c)] == ["Internal affairs"]


def test_excluded_hit_does_not_block_another_marker():
    c = xlex(["no limits", "limits to growth"], ["no limits to"])
    text = "There are no limits to growth. Friendship has no limits."
    assert xhits(text, c) == [
        ("f", "limits to growth", 13, 29, "limits to growth"),  # not inside the excluded span
        ("f", "no limits", 46, 55, "no limits"),
    ]


def test_hit_only_overlapping_an_excluded_phrase_counts():
    c = xlex(["strategic partnership", "new"], ["new strategic"])
    # "new" lies inside "new strategic"; "strategic partnership" only overlaps it
    assert [h[4] for h in xhits("a new strategic partnership", c)] == ["strategic partnership"]


def test_exclusions_apply_to_their_own_frame_only():
    c = xlex(["internal affairs"], ["Ministry of Internal Affairs"], g=["internal affairs"])
    assert xhits("Ministry of Internal Affairs", c) == [
        ("g", "internal affairs", 12, 28, "Internal Affairs")
    ]


def test_overlapping_excluded_phrases_all_count():
    # leftmost-longest would keep only "ministry of internal affairs"; exclusions keep both
    c = xlex(
        ["ministry", "affairs committee"],
        ["ministry of internal affairs", "internal affairs committee"],
    )
    assert xhits("the ministry of internal affairs committee", c) == []
    assert [h[4] for h in xhits("the ministry of foreign affairs committee", c)] == [
        "ministry",
        "affairs committee",
    ]


def test_actor_exclusions():
    lexicon = parse_lexicon(
        {
            "frames": {"f": {"markers": ["x"]}},
            "actors": {"us": {"names": ["America*"], "exclude": ["Latin America*"]}},
        }
    )
    text = "Latin American states and America; Latin America"
    ms = match_actors(parse(text), compile_lexicon(lexicon))
    assert [(m.text, m.start) for m in ms] == [("America", 26)]


def test_exclude_phrase_without_a_marker_is_rejected_when_compiled():
    bad = parse_lexicon(
        {"frames": {"f": {"markers": ["internal affairs"], "exclude": ["Home Office"]}}}
    )
    with pytest.raises(LexiconError, match="frame 'f': exclude phrase 'Home Office' contains"):
        compile_lexicon(bad)


def test_zero_width_character_no_longer_blocks_a_marker():
    raw = "A strategic\u200b partnership and a strate\u200bgic partnership."
    c = compile_lexicon(lex("strategic partnership"))
    assert match_frames(parse(raw), c) == []  # U+200B is neither a space nor a letter
    cleaned = clean_text(raw)
    assert [m.text for m in match_frames(parse(cleaned), c)] == ["strategic partnership"] * 2


def test_case_sensitive_terms_of_the_compiled_lexicon():
    assert compile_lexicon(ACTORS).case_sensitive_terms == frozenset({"US"})
    several = parse_lexicon(
        {
            "frames": {"f": {"markers": ["x"]}},
            "actors": {"a": {"case_sensitive": ["West", "Western*", "White House", "US-led"]}},
        }
    )
    # names of more than one token cannot be a term
    assert compile_lexicon(several).case_sensitive_terms == frozenset({"West", "Western*"})


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
        ("sanctions", "sanctions", "sanctions"),  # its own frame since 2026.2
        ("unilateralism", "cold war mentality", "Cold-War mentality"),
        ("multipolarity", "multi-polar*", "multi-polar"),
        ("multipolarity", "win-win", "win-win"),
        ("partnership", "good neighbour*", "good-neighbourliness"),
    ]
    assert compile_lexicon(compiled) is compiled
    assert compile_lexicon(load_lexicon()).lexicon.fingerprint == compiled.lexicon.fingerprint


def test_default_lexicon_exclusions():
    compiled = compile_lexicon(None)
    text = (
        "The Ministry of Internal Affairs of Ukraine said so. Russia rejects interference in "
        "its internal affairs. A unilateral moratorium; unilateral sanctions. This evil has no "
        "limits, but their friendship has no limits. Friends and family mourned; China and its "
        "friends agreed."
    )
    found = [(m.group, m.marker, m.text) for m in match_frames(parse(text), compiled)]
    assert found == [
        ("sovereignty", "internal affairs", "internal affairs"),
        ("unilateralism", "unilateral*", "unilateral"),
        ("sanctions", "sanctions", "sanctions"),
        ("partnership", "friendship has no limits", "friendship has no limits"),
        ("partnership", "friend", "friends"),
    ]
    actors = [
        m.text
        for m in match_actors(
            parse(
                "Latin America, the US, the West Bank, "
                "Western sanctions, Zelenskyy and Zelensky in Kiev."
            ),
            compiled,
        )
    ]
    assert actors == ["US", "Western", "Zelenskyy", "Zelensky", "Kiev"]


def test_compiled_lexicon_pickles():
    # the pipeline ships the compiled lexicon to worker processes
    import pickle

    compiled = compile_lexicon(lex("win-win", "hegemon*"))
    again = pickle.loads(pickle.dumps(compiled))
    parsed = parse("Win win, not hegemony.")
    assert match_frames(parsed, again) == match_frames(parsed, compiled)
    assert [m.text for m in match_frames(parsed, again)] == ["Win win", "hegemony"]
