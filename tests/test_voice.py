"""analysis.document.voice: one small text per rule, exact offsets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.document.lexicon import load_lexicon
from analysis.document.voice.cues import speaker_head, trie_pattern
from analysis.document.voice.quotes import find_quotes, paragraph_bounds, sentence_bounds
from analysis.document.voice.spans import (
    SPAN_COLUMNS,
    Span,
    match_voices,
    sentence_voices,
    spans_frame,
    voice_at,
    voice_spans,
)
from analysis.document.voice.speakers import ActorMatcher

ACTORS = load_lexicon().actors
LABELS = Path(__file__).parent / "data" / "voice_labels.jsonl"


def claims(text: str) -> list[tuple]:
    """The non-narrator spans as ``(voice, partial, start, end, speaker, head, actor, cue)``."""
    return [
        (s.voice, s.partial, s.start, s.end, s.speaker, s.speaker_head, s.speaker_actor, s.cue)
        for s in voice_spans(text, actors=ACTORS)
        if s.voice != "narrator"
    ]


# --------------------------------------------------------------------------- quote styles


def test_straight_quote_then_speaker_and_verb():
    text = '"We will deepen our strategic partnership," Putin said.'
    assert claims(text) == [("quote", False, 0, 43, "Putin", "Putin", "russia", "said")]
    assert text[0:43] == '"We will deepen our strategic partnership,"'


def test_curly_quote_with_titled_speaker_has_the_name_as_head():
    text = "“Our relations have reached the highest level,” Russian President Vladimir Putin said."
    assert claims(text) == [
        ("quote", False, 0, 47, "Russian President Vladimir Putin", "Vladimir Putin", "russia",
         "said"),
    ]  # fmt: skip


def test_guillemets_and_a_dash_before_an_inverted_cue():
    text = "«Our relations have reached the highest level», – said Putin."
    assert claims(text) == [("quote", False, 0, 46, "Putin", "Putin", "russia", "said")]


def test_uk_single_quotes_are_quotes_and_apostrophes_are_not():
    text = "'We are always open to negotiations,' Putin told Xi."
    assert claims(text) == [("quote", False, 0, 37, "Putin", "Putin", "russia", "told")]
    assert claims("Putin's aide said Russia's economy grew.") == [
        ("reported", False, 18, 40, "Putin's aide", "", "russia", "said")
    ]


def test_quote_continued_into_the_next_paragraph_is_one_span():
    text = '"The first paragraph of a long quote.\n\n"The second paragraph ends it," Putin said.'
    assert claims(text) == [("quote", False, 0, 70, "Putin", "Putin", "russia", "said")]


def test_nested_single_quotes_stay_inside_the_quote():
    text = "\"As a Uygur saying goes, 'strength grows out of unity',\" Xi said."
    assert claims(text) == [("quote", False, 0, 56, "Xi", "Xi", "china", "said")]


def test_a_typists_closing_single_mark_closes_a_double_quote():
    text = '"We support a just multipolar world order,’ the Russian leader stressed.'
    assert find_quotes(text)[0].end == 43
    assert claims(text)[0][:5] == ("quote", False, 0, 43, "the Russian leader")


def test_unbalanced_quote_stops_at_the_end_of_its_paragraph():
    text = 'He said "this quote never closes and runs on.\n\nThe next paragraph is the narrator.'
    # no antecedent for "He": a cue but no speaker, so not partial
    assert claims(text) == [("quote", False, 8, 45, "", "", "", "said")]
    q = find_quotes(text)[0]
    assert (q.start, q.end, q.closed) == (8, 45, False)


# --------------------------------------------------------------------------- partial quotes


def test_scare_quote_in_narration_is_partial_without_speaker():
    assert claims('The so-called "peace plan" was rejected by Kyiv.') == [
        ("quote", True, 14, 26, "", "", "", "")
    ]


def test_short_quote_inside_reported_speech_is_partial_and_takes_its_speaker():
    text = 'The minister said it was important to have "sustainable diversity" in trade.'
    assert claims(text) == [
        ("reported", False, 18, 43, "The minister", "", "", "said"),
        ("quote", True, 43, 66, "The minister", "", "", "said"),
        ("reported", False, 66, 76, "The minister", "", "", "said"),
    ]


def test_unattributed_quote_has_no_speaker_and_is_partial():
    assert claims('"We will never give up on this principle."') == [
        ("quote", True, 0, 42, "", "", "", "")
    ]


# --------------------------------------------------------------------------- cue patterns


def test_speaker_said_colon_quote():
    text = 'Putin said: "Our relations have reached the highest level."'
    assert claims(text) == [("quote", False, 12, 59, "Putin", "Putin", "russia", "said")]


def test_quote_said_speaker_inverted():
    text = '"Our relations have reached the highest level," said Russian President Vladimir Putin.'
    assert claims(text) == [
        ("quote", False, 0, 47, "Russian President Vladimir Putin", "Vladimir Putin", "russia",
         "said"),
    ]  # fmt: skip


def test_according_to_reports_what_follows_the_comma():
    text = "According to Yury Ushakov, the visit will be a reciprocal step."
    assert claims(text) == [
        ("reported", False, 27, 63, "Yury Ushakov", "Yury Ushakov", "", "according to")
    ]


def test_said_that_reports_the_that_clause():
    assert claims("Putin said that relations have never been better.") == [
        ("reported", False, 16, 49, "Putin", "Putin", "russia", "said")
    ]


def test_trailing_attribution_reports_what_precedes_the_comma():
    text = (
        "Relations between Moscow and Beijing have reached the highest-ever level, "
        "Russian President Vladimir Putin said."
    )
    assert claims(text) == [
        ("reported", False, 0, 72, "Russian President Vladimir Putin", "Vladimir Putin",
         "russia", "said"),
    ]  # fmt: skip


def test_colon_without_quotes_reports_to_the_end_of_the_paragraph():
    text = "Wang Wenbin said: This decision is final and will not change.\n\nThe talks ended."
    assert claims(text) == [("reported", False, 18, 61, "Wang Wenbin", "Wang Wenbin", "", "said")]


def test_bare_clause_after_said_and_partial_quote_inside():
    text = 'Putin said relations were at an "unprecedented level".'
    assert claims(text) == [
        ("reported", False, 11, 32, "Putin", "Putin", "russia", "said"),
        ("quote", True, 32, 53, "Putin", "Putin", "russia", "said"),
        ("reported", False, 53, 54, "Putin", "Putin", "russia", "said"),
    ]


def test_a_cue_without_content_is_narrator():
    assert claims("Putin said in an interview with Xinhua on Friday.") == []
    assert claims("Xi reiterated China's position on the conflict.") == []


def test_participle_after_a_comma_keeps_the_speaker_of_its_clause():
    text = "Peskov added that talks continue, noting that no date was set."
    assert claims(text) == [
        ("reported", False, 18, 32, "Peskov", "Peskov", "russia", "added"),
        ("reported", False, 46, 62, "Peskov", "Peskov", "russia", "noting"),
    ]


def test_a_comma_group_that_continues_the_clause_is_not_an_appositive():
    text = "Ties will deepen, against the backdrop of sanctions, writes The Guardian."
    assert claims(text) == [("reported", False, 0, 51, "The Guardian", "Guardian", "", "writes")]
    text = "Raymond Dalio, co-chief investment officer of Bridgewater, said markets were weak."
    assert claims(text) == [
        ("reported", False, 64, 82, "Raymond Dalio", "Raymond Dalio", "", "said")
    ]


def test_a_relative_that_after_a_bare_clause_is_not_the_complementizer():
    text = "Xi said China welcomes all efforts that are conducive to peace."
    assert claims(text) == [("reported", False, 8, 63, "Xi", "Xi", "china", "said")]
    # a time word before "that" is not a subject: the that-clause is the content
    assert claims("Xi said Friday that China welcomes all efforts.")[0][2:4] == (20, 47)


# --------------------------------------------------------------------------- speakers


def test_speaker_phrase_with_a_number_and_of():
    assert claims("The two heads of state agreed that relations are strong.") == [
        ("reported", False, 35, 56, "The two heads", "", "", "agreed")
    ]


def test_a_pronoun_does_not_take_a_name_from_the_words_it_introduces():
    assert claims("The United States cannot stop a multipolar world, he stressed.") == [
        ("reported", False, 0, 48, "", "", "", "stressed")
    ]


def test_pronoun_takes_the_last_speaker_of_the_paragraph_chain():
    text = (
        '"Russia is ready to work with all partners," Putin said.\n\n'
        '"We have many common goals," he added.'
    )
    assert claims(text) == [
        ("quote", False, 0, 44, "Putin", "Putin", "russia", "said"),
        ("quote", False, 58, 86, "Putin", "Putin", "russia", "added"),
    ]


def test_a_bare_pronoun_without_antecedent_gives_no_speaker():
    assert claims('"Relations are good and strong," he said.') == [
        ("quote", False, 0, 32, "", "", "", "said")
    ]


def test_a_non_person_source_is_a_speaker_as_written():
    assert claims('"Relations are good and strong," the statement said.') == [
        ("quote", False, 0, 32, "the statement", "", "", "said")
    ]


def test_nameless_description_takes_the_head_of_the_last_matching_person():
    text = (
        '"Ties are strong and growing," Vladimir Putin said. '
        '"They will grow further still," the Russian leader added.'
    )
    assert claims(text)[1] == (
        "quote", False, 52, 83, "the Russian leader", "Vladimir Putin", "russia", "added",
    )  # fmt: skip


def test_actor_mapping_without_actors_is_empty():
    spans = voice_spans('"We will deepen our strategic partnership," Putin said.')
    assert (spans[0].speaker, spans[0].speaker_actor) == ("Putin", "")


@pytest.mark.parametrize(
    "words, head",
    [
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        ("Mr Putin", "Putin"),
        ("Chinese Ambassador to Russia Zhang Hanhui", "Zhang Hanhui"),
        ("the Kremlin press service", "Kremlin"),
        ("Sky's political correspondent Tamara Cohen", "Tamara Cohen"),
        ("Putin's aide", ""),
        ("the Russian leader", ""),
    ],
)
def test_speaker_head(words, head):
    assert speaker_head(words.split()) == head


def test_actor_matcher_names_prefixes_case_and_order():
    matcher = ActorMatcher({"russia": ["Russian*", "Putin"], "usa": ["U.S."]})
    assert matcher.actor("the russian leader") == "russia"
    assert matcher.actor("Chinese Ambassador to the U.S.") == "usa"
    assert matcher.actor("nobody") == ""
    assert ActorMatcher({"us": []}).actor("US") == ""
    assert ActorMatcher(ACTORS).actor("Xi Jinping", "Putin") == "china"  # first text first


# --------------------------------------------------------------------------- paragraph rules


def test_readout_continuation_keeps_the_speaker_until_the_paragraph_ends():
    text = (
        "President Xi stressed that China values its ties with Russia. "
        "The two sides should deepen cooperation.\n\nThe talks lasted two hours."
    )
    assert claims(text) == [
        ("reported", False, 27, 61, "President Xi", "Xi", "china", "stressed"),
        ("reported", False, 62, 102, "President Xi", "Xi", "china", "stressed"),
    ]


def test_transcript_labels_and_continued_answers():
    text = (
        "Reuters: What is your comment on the report?\n\n"
        "Wang Wenbin: We firmly oppose it.\n\nThe US should stop smearing China."
    )
    assert claims(text) == [
        ("reported", False, 9, 44, "Reuters", "Reuters", "", ":"),
        ("reported", False, 59, 79, "Wang Wenbin", "Wang Wenbin", "", ":"),
        ("reported", False, 81, 115, "Wang Wenbin", "Wang Wenbin", "", ":"),
    ]


def test_web_labels_are_not_speakers():
    assert claims("Read more: Putin visits Beijing\n\nSource: TASS") == []


def test_headline_source_after_a_dash():
    assert claims("Top diplomats should implement the consensus — Xi") == [
        ("reported", False, 0, 44, "Xi", "Xi", "china", "—")
    ]


def test_impersonal_report_has_no_speaker():
    assert claims("It is reported that the talks failed.") == [
        ("reported", False, 20, 37, "", "", "", "reported")
    ]


def test_backward_attribution_reports_the_previous_sentence():
    assert claims("Relations are at their best. This was stated by Sergei Lavrov.") == [
        ("reported", False, 0, 28, "Sergei Lavrov", "Sergei Lavrov", "russia", "stated")
    ]


# --------------------------------------------------------------------------- invariants


def test_empty_and_narrator_only_texts():
    assert voice_spans("") == []
    spans = voice_spans("Trade grew by five percent.")
    assert [(s.voice, s.start, s.end, s.speaker) for s in spans] == [("narrator", 0, 27, "")]


def _label_docs() -> dict[str, str]:
    docs: dict[str, str] = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[row["doc_id"]] = docs.get(row["doc_id"], "") + row["gap"] + row["text"]
    return docs


def _label_texts() -> list[str]:
    return list(_label_docs().values())


# Found by the fresh split (issue 20; the rules stay frozen until the lead decides): in
# "refers to the United States that the United States is not…" the "States" of "United States"
# is read as the cue "states", and one reported span comes out as two neighbours with the same
# voice, speaker and cue.
UNMERGED = {"bactf-0423423"}


def _unmerged(spans) -> list[tuple[str, str]]:
    return [(a.text, b.text) for a, b in zip(spans, spans[1:], strict=False)
            if (a.voice, a.speaker, a.cue) == (b.voice, b.speaker, b.cue)]  # fmt: skip


def test_spans_cover_every_labelled_text_in_order_and_are_deterministic():
    docs = _label_docs()
    assert len(docs) == 62  # 48 dev and test articles, 14 fresh
    for doc_id, text in docs.items():
        spans = voice_spans(text, actors=ACTORS)
        assert spans[0].start == 0 and spans[-1].end == len(text)
        for k, s in enumerate(spans):
            assert s.span_id == k and s.text == text[s.start : s.end] and s.start < s.end
            assert s.voice != "narrator" or (s.speaker, s.cue, s.partial) == ("", "", False)
        assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
        assert (_unmerged(spans) != []) == (doc_id in UNMERGED), doc_id
        assert voice_spans(text, actors=ACTORS) == spans


@pytest.mark.xfail(strict=True, reason="'United States' read as the cue 'states' (UNMERGED)")
def test_neighbouring_spans_differ_in_voice_speaker_or_cue_in_the_known_case():
    spans = voice_spans(_label_docs()["bactf-0423423"], actors=ACTORS)
    assert _unmerged(spans) == []


def test_a_document_does_not_depend_on_the_documents_read_before_it():
    texts = _label_texts()
    forward = [voice_spans(t, actors=ACTORS) for t in texts]
    backward = [voice_spans(t, actors=ACTORS) for t in reversed(texts)][::-1]
    assert forward == backward


# --------------------------------------------------------------------------- lookups


TEXT = 'Ties are strong. "We will deepen our partnership," Putin said. Trade grew.'


def test_voice_at_finds_the_span_of_each_offset():
    spans = voice_spans(TEXT, actors=ACTORS)
    found = voice_at(spans, [0, 17, 50, len(TEXT) - 1, len(TEXT)])
    assert [s.voice if s else None for s in found] == [
        "narrator", "quote", "narrator", "narrator", None,
    ]  # fmt: skip


def test_sentence_voices_majority_mixed_and_speaker():
    spans = voice_spans(TEXT, actors=ACTORS)
    sentences = [(0, 16), (17, 62), (63, 74)]
    assert sentence_voices(spans, sentences) == [
        ("narrator", False, ""),
        ("quote", True, "Putin"),
        ("narrator", False, ""),
    ]
    # letters and digits decide: 'Putin said.' (9) is outnumbered by the quote (29)
    assert sentence_voices(spans, [(51, 62)]) == [("narrator", False, "")]
    assert sentence_voices(spans, [(17, 33)]) == [("quote", False, "Putin")]


def test_match_voices_labels_markers():
    spans = voice_spans(TEXT, actors=ACTORS)
    start = TEXT.index("partnership")
    assert match_voices(spans, [(start, start + 11), (0, 4)]) == [
        ("quote", "Putin"),
        ("narrator", ""),
    ]


def test_spans_frame_has_the_documented_columns():
    df = spans_frame(voice_spans(TEXT, actors=ACTORS), doc_id="d1")
    assert list(df.columns) == ["doc_id", *SPAN_COLUMNS]
    assert df["voice"].tolist() == ["narrator", "quote", "narrator"]
    assert df["speaker_actor"].tolist() == ["", "russia", ""]
    assert list(SPAN_COLUMNS) == list(Span._fields)


# --------------------------------------------------------------------------- helpers


def test_sentence_bounds_keep_abbreviations_and_split_paragraphs():
    text = "Mr. Putin met U.S. envoys on Feb. 5. Talks went well.\nA new line"
    assert sentence_bounds(text) == [(0, 36), (37, 53), (54, 64)]
    assert paragraph_bounds(" a\n\n b ") == [(1, 2), (5, 6)]


def test_closing_marks_used_as_openers_and_openers_as_closers():
    assert [(q.start, q.end) for q in find_quotes("”Had a talk,” he said.")] == [(0, 13)]
    text = "“An important moment for them“, said Gabuev of the “Carnegie“ Center.“."
    assert [(q.start, q.end) for q in find_quotes(text)] == [(0, 30), (51, 61)]


def test_trie_pattern_matches_whole_phrases_longest_first():
    pattern = re.compile(r"\b" + trie_pattern(["said", "say", "says", "according to"]) + r"\b")
    assert pattern.findall("he says, we say; she said so, according  to them; sayings") == [
        "says", "say", "said", "according  to",
    ]  # fmt: skip
