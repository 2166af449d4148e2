"""Whose words carry the frame: every character of a document is the outlet's own voice
(``narrator``), quoted speech (``quote``) or reported speech (``reported``), with the
speaker the text names (:func:`voice_spans`).

Rule-based, without a parser or a model: quotation marks (:mod:`.quotes`), speech cues and
names (:mod:`.cues`), reported clauses (:mod:`.attribution`, :mod:`.clauses`, :mod:`.leads`),
speakers carried across a paragraph chain (:mod:`.speakers`, :mod:`.discourse`) and transcript
labels and headlines (:mod:`.headlines`); :mod:`.spans` assembles them.
"""

from analysis.document.voice.spans import (
    FULL_QUOTE_WORDS,
    SPAN_COLUMNS,
    VOICES,
    Span,
    Voice,
    match_voices,
    sentence_voices,
    spans_frame,
    voice_at,
    voice_spans,
)

__all__ = [
    "FULL_QUOTE_WORDS",
    "SPAN_COLUMNS",
    "VOICES",
    "Span",
    "Voice",
    "match_voices",
    "sentence_voices",
    "spans_frame",
    "voice_at",
    "voice_spans",
]
