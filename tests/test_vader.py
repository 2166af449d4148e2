"""FastAnalyzer must give exactly the stock VADER scores (same dict, same floats)."""

import random
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.document.nlp import parse_many
from analysis.document.vader import FastAnalyzer
from analysis.read.directory import read_documents

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

STOCK = SentimentIntensityAnalyzer()
FAST = FastAnalyzer()

# Words that trigger each rule of VADER: boosters and dampeners, negations, "never so",
# "without doubt", "least", "kind of", "but", special idioms and booster bigrams, caps,
# lexicon words, emoticons and emoji.
_VOCAB_TEXT = (
    "the talks were very extremely kind of sort of good great bad terrible not never so this "
    "without doubt least at but no nor or isn't don't hardly friendship happy sad war peace "
    "GREAT BAD VERY NOT the shit the bomb cut the mustard yeah right kiss of death "
    "bad ass hand to mouth back handed :) :( :-D lol ! ? ?? !!! , . 😁 💘 ©"
)
VOCAB = _VOCAB_TEXT.split()


#: More rule words, for the case and punctuation variants below.
_MORE_TEXT = (
    "no nor least at very kind of but sort won't can't cannot neither nobody "
    "love hate good bad fine nice awful truly really so this never without doubt"
)
_MORE = _MORE_TEXT.split()


def _variant(rng: random.Random, word: str) -> str:
    """The word in another case, or with punctuation attached (stripped or kept by VADER)."""
    word = rng.choice([word, word, word.upper(), word.title(), word.lower()])
    return (
        rng.choice(["", "", "(", '"'])[: len(word)]
        + word
        + rng.choice(["", "", ",", "!", "?", "."])
    )


def _sentences() -> list[str]:
    texts = [d.text for d in read_documents(SEEDS)]
    sents = [p.text[s:e] for p in parse_many(texts) for s, e in p.sentences]
    rng = random.Random(0)
    for _ in range(3000):
        sents.append(" ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 14))))
    words = VOCAB + _MORE
    for _ in range(20000):
        sents.append(" ".join(_variant(rng, rng.choice(words)) for _ in range(rng.randint(1, 12))))
    return sents


def test_identical_on_seed_and_rule_sentences():
    sents = _sentences()
    assert len(sents) > 23100
    differ = [s for s in sents if FAST.polarity_scores(s) != STOCK.polarity_scores(s)]
    assert differ == []


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("The talks were not very good.", -0.3865),  # negation + booster look-back
        ("Never so happy, without doubt!", 0.813),  # "never so", "without doubt", "!"
        ("It was the bomb", 0.6124),  # special idiom
        ("Peace 😁 at last", 0.7579),  # emoji goes through the stock path
        ("  padded  ", 0.0),
    ],
)
def test_exact_values(text, compound):
    assert FAST.polarity_scores(text)["compound"] == compound
    assert STOCK.polarity_scores(text)["compound"] == compound


def test_emoji_path_is_the_stock_one():
    assert "😁" in FAST._emoji_chars
    assert "a" not in FAST._emoji_chars
