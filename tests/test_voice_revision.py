"""analysis.document.voice: the rules of the second revision (after the fresh2 split)."""

from __future__ import annotations

from analysis.document.voice.quotes import sentence_bounds
from tests.test_voice import claims


def test_a_full_stop_without_a_space_ends_a_sentence():
    text = "Xi met Putin in Beijing.Relations are at their best, according to a Kremlin readout."
    assert sentence_bounds(text) == [(0, 24), (24, 84)]
    assert claims(text) == [
        ("reported", False, 24, 51, "a Kremlin readout", "Kremlin", "russia", "according to")
    ]
    assert sentence_bounds("Mr.Smith met U.S.Army chiefs.") == [(0, 29)]
