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


def test_a_left_single_mark_typed_with_a_space_after_it_opens_a_quote():
    assert [(q.start, q.end) for q in find_quotes("greeted as ‘ dear friend’ and shook")] == [
        (11, 25)
    ]
    assert find_quotes("rock ‘ n roll") == []  # never closed: not a quote


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


def test_leading_and_trailing_as_attributions():
    text = "As the expert said, the US acted badly. As noted by Kun Tribute, ties must grow."
    assert claims(text) == [
        ("reported", False, 20, 39, "the expert", "", "", "said"),
        ("reported", False, 65, 80, "Kun Tribute", "Kun Tribute", "", "noted"),
    ]
    assert claims("In addition, as Putin said in an interview, ties are strong.") == [
        ("reported", False, 44, 60, "Putin", "Putin", "russia", "said")
    ]
    assert claims("Ties are strong, as Putin said.") == [
        ("reported", False, 0, 15, "Putin", "Putin", "russia", "said")
    ]
    # deep inside a sentence, "as X said" is a parenthesis, not a leading attribution
    assert claims("The visit, which, as the Kremlin said, will take place soon, matters.") == []


def test_more_news_speech_verbs_are_cues():
    assert claims("Peskov specified that a dialogue exists. Russia denied that it sent arms.") == [
        ("reported", False, 22, 40, "Peskov", "Peskov", "russia", "specified"),
        ("reported", False, 60, 73, "Russia", "Russia", "russia", "denied"),
    ]
    assert claims('He asked, "Who is calling for dialogue?"') == [
        ("quote", False, 10, 40, "", "", "", "asked")
    ]


def test_indirect_questions_after_asked():
    text = "The Kremlin was also asked if it plans a base. Reporters also asked how Moscow can act."
    assert claims(text) == [
        ("reported", False, 30, 46, "", "", "", "asked"),
        ("reported", False, 68, 87, "Reporters", "Reporters", "", "asked"),
    ]
    text = 'Asked by journalists whether Russia had asked for aid, Peskov said: "They denied it."'
    assert claims(text) == [
        ("reported", False, 29, 53, "journalists", "", "", "asked"),
        ("quote", True, 68, 85, "Peskov", "Peskov", "russia", "said"),
    ]
    # an object without "if", "whether" or a wh-word reports nothing
    assert claims("Xi allegedly asked Putin the exact dates he intends to end the war.") == []


def test_and_said_without_an_earlier_cue_takes_the_sentence_subject():
    text = 'Xi addressed Putin as his "dear friend" and said relations were growing.'
    assert claims(text) == [
        ("quote", True, 26, 39, "Xi", "Xi", "china", "addressed"),
        ("reported", False, 49, 72, "Xi", "Xi", "china", "said"),
    ]


def test_speaker_before_a_relative_clause_with_a_quote():
    text = 'Xi, who also called Putin "my friend", said he was satisfied.'
    assert claims(text) == [
        ("quote", True, 26, 37, "", "", "", ""),
        ("reported", False, 44, 61, "Xi", "Xi", "china", "said"),
    ]


def test_a_trailing_according_to_ends_the_content_of_an_earlier_cue():
    text = "Xi said relations grow, according to a live translation of his words."
    assert claims(text) == [("reported", False, 8, 22, "Xi", "Xi", "china", "said")]


def test_told_an_object_then_a_clause_without_that():
    assert claims("Putin told Xi Jinping on Friday he was keen to meet.") == [
        ("reported", False, 32, 52, "Putin", "Putin", "russia", "told")
    ]
    assert claims("Putin told reporters in Moscow he was happy.") == []  # "Moscow" is no subject


def test_told_a_quoted_title_and_a_name_then_that():
    assert claims('Patrushev told "Comrade" Wang that Beijing was a priority.') == [
        ("quote", True, 15, 24, "Patrushev", "Patrushev", "", "told"),
        ("reported", False, 35, 58, "Patrushev", "Patrushev", "", "told"),
    ]


def test_and_that_continues_the_content_of_a_bare_cue():
    assert claims("Xi said relations were growing and that ties would grow.") == [
        ("reported", False, 8, 56, "Xi", "Xi", "china", "said")
    ]


def test_a_participle_after_a_cue_inside_content_takes_the_main_speaker():
    text = "Wang Yi spoke. He said that China urged the US to reflect, saying that talks help."
    assert claims(text) == [
        ("reported", False, 28, 57, "Wang Yi", "Wang Yi", "china", "said"),
        ("reported", False, 71, 82, "Wang Yi", "Wang Yi", "china", "saying"),
    ]


def test_said_this_reports_nothing_but_said_this_is_does():
    text = "He said this during a press conference. Xi said this is a mistake."
    assert claims(text) == [("reported", False, 48, 66, "Xi", "Xi", "china", "said")]


def test_without_elaborating_is_the_narrators():
    assert claims("Wang said Russia and China should act, without elaborating.") == [
        ("reported", False, 10, 37, "Wang", "Wang", "", "said")
    ]


def test_a_headline_with_its_own_cue_is_not_the_outlets_after_a_dash():
    assert claims("China's top diplomat says Russia ties are solid - CNA") == [
        ("reported", False, 26, 47, "China's top diplomat", "", "china", "says")
    ]


def test_capitalised_states_in_a_name_is_never_a_cue():
    text = "Blinken said the United States is worried that China helps Russia."
    assert claims(text) == [
        ("reported", False, 13, 66, "Blinken", "Blinken", "united_states", "said")
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


def test_pronoun_takes_a_speaker_three_paragraphs_back():
    text = '"Ties are strong," Putin said.\n\nTrade grew.\n\nTalks went on.\n\n'
    text += '"We agree," he added.'
    assert claims(text) == [
        ("quote", True, 0, 18, "Putin", "Putin", "russia", "said"),
        ("quote", True, 61, 72, "Putin", "Putin", "russia", "added"),
    ]


def test_impersonal_it_with_an_adverb_before_the_cue():
    assert claims("TASS reported that ties grow. It is also noted that trade grows.") == [
        ("reported", False, 19, 29, "TASS", "TASS", "", "reported"),
        ("reported", False, 52, 64, "", "", "", "noted"),
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


def test_question_labels_name_nobody_and_the_answer_is_the_last_named_label():
    text = (
        "Question: What drives the ties?\n\nMaria Zakharova: History does.\n\n"
        "Question: And trade?\n\nTrade grows fast."
    )
    assert claims(text) == [
        ("reported", False, 10, 31, "", "", "", ":"),
        ("reported", False, 50, 63, "Maria Zakharova", "Maria Zakharova", "", ":"),
        ("reported", False, 75, 85, "", "", "", ":"),
        ("reported", False, 87, 104, "Maria Zakharova", "Maria Zakharova", "", ":"),
    ]
    text = "Wang Wenbin: Welcome.\n\nQ: Any comment?\n\nA: We oppose it."
    assert claims(text) == [
        ("reported", False, 13, 21, "Wang Wenbin", "Wang Wenbin", "", ":"),
        ("reported", False, 26, 38, "", "", "", ":"),
        ("reported", False, 43, 56, "Wang Wenbin", "Wang Wenbin", "", ":"),
    ]
    assert claims("Maria Zakharova: Question: Why so strong?\n\nHistory explains it.") == [
        ("reported", False, 27, 41, "", "", "", ":"),
        ("reported", False, 43, 63, "Maria Zakharova", "Maria Zakharova", "", ":"),
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


def _unmerged(spans) -> list[tuple[str, str]]:
    return [(a.text, b.text) for a, b in zip(spans, spans[1:], strict=False)
            if (a.voice, a.speaker, a.cue) == (b.voice, b.speaker, b.cue)]  # fmt: skip


def test_spans_cover_every_labelled_text_in_order_and_are_deterministic():
    docs = _label_docs()
    assert len(docs) == 94  # 48 dev and test articles, 14 fresh, 16 fresh2, 16 fresh3
    for doc_id, text in docs.items():
        spans = voice_spans(text, actors=ACTORS)
        assert spans[0].start == 0 and spans[-1].end == len(text)
        for k, s in enumerate(spans):
            assert s.span_id == k and s.text == text[s.start : s.end] and s.start < s.end
            assert s.voice != "narrator" or (s.speaker, s.cue, s.partial) == ("", "", False)
        assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
        assert _unmerged(spans) == [], doc_id
        assert voice_spans(text, actors=ACTORS) == spans


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
