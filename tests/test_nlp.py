"""The single NLP pass (analysis.document.nlp)."""

from analysis.document.nlp import Parsed, get_nlp, lemmatize, parse, parse_many


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
    assert get_nlp().pipe_names == ["framing_paragraphs", "sentencizer"]
