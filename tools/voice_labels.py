"""Build ``tests/data/voice_labels.jsonl`` from the marked-up ``tests/data/voice_labels.txt``.

Usage: ``python -m tools.voice_labels [--check]`` (``--check`` only verifies that the JSONL
file is up to date).

The markup (described at the top of the ``.txt`` file) marks each quote ``{Q:speaker|…}``,
partial quote ``{P:speaker|…}`` and reported span ``{R:speaker|…}``; spans nest and the
innermost one decides a character's voice. The output has one JSON object per sentence (the
sentences of :func:`analysis.document.nlp.parse`), in document order:

``doc_id, split, outlet, style, url, sent, gap, text, spans``

- ``gap``: the characters between the previous sentence (or the start of the document) and
  this one, so that ``"".join(gap + text)`` over a document's rows is its text again;
- ``spans``: the sentence's non-narrator pieces, ``{span, start, end, voice, partial,
  speaker}`` with offsets relative to ``text``; ``span`` numbers the marked-up span in its
  document (a quote over three sentences has three pieces with the same number; an outer
  reported span interrupted by a quote has two); ``speaker`` lists the accepted speakers
  (empty: the text names nobody).

Splits: ``dev`` and ``test`` alternate by position (every third article is ``test``), fixed
before labelling. ``test`` stopped being held out at commit b08c934 (rules were changed after
reading its errors). ``fresh`` (the last articles of the file, after every dev and test one)
was added in a later session to get an unbiased figure: 14 articles not seen before, labelled
blind (before the voice rules had been run on them, without looking at their output) and
scored once with the rules frozen at commit e0f961e; see ``bench/RESULTS.md``. ``fresh2`` (after
every fresh article) is a second blind split added in a later session still, while the rules were
being revised on other articles: 16 new pages, each excerpt a close paraphrase of its page with the
attribution structure kept (see the header of the ``.txt`` file), labelled before any voice rule
was run on them, to be scored once by the lead. ``fresh3`` (after every fresh2 article) is a third
blind split made the same way in a later session still, while the rules were again being revised on
other articles: 16 new pages, paraphrased, labelled before any voice rule was run on them, to be
scored once by the lead. No blind split counts in the positions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LabelError", "MarkedSpan", "main", "parse_markup", "read_source", "sentence_rows"]

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "voice_labels.txt"
TARGET = ROOT / "tests" / "data" / "voice_labels.jsonl"

_HEADER = re.compile(r"^### (?P<fields>.+)$", re.MULTILINE)
_OPEN = re.compile(r"\{(?P<kind>[QPR]):(?P<speaker>[^|{}]*)\|")
_VOICE = {"Q": "quote", "P": "quote", "R": "reported"}
_BLIND = ("fresh", "fresh2", "fresh3")  # labelled blind, after every dev/test article, in order


class LabelError(ValueError):
    """The markup is malformed (the message names the document and the offset)."""


@dataclass(frozen=True)
class MarkedSpan:
    """One marked-up span: voice, partial flag, accepted speakers, character range."""

    span: int
    voice: str
    partial: bool
    speaker: tuple[str, ...]
    start: int
    end: int


def parse_markup(marked: str, *, where: str = "<text>") -> tuple[str, list[MarkedSpan]]:
    """Strip the markup from ``marked``; return the plain text and its spans (outer first)."""
    out: list[str] = []
    n = 0
    stack: list[tuple[int, str, tuple[str, ...], int]] = []
    spans: list[MarkedSpan] = []
    i = 0
    while i < len(marked):
        m = _OPEN.match(marked, i)
        if m:
            names = tuple(s.strip() for s in m["speaker"].split(";") if s.strip())
            stack.append((len(spans) + len(stack), m["kind"], names, n))
            i = m.end()
            continue
        ch = marked[i]
        if ch == "}":
            if not stack:
                raise LabelError(f"{where}: '}}' without an open span at {i}")
            sid, kind, names, start = stack.pop()
            spans.append(MarkedSpan(sid, _VOICE[kind], kind == "P", names, start, n))
        elif ch == "{":
            raise LabelError(f"{where}: malformed span opening at {i}: {marked[i : i + 20]!r}")
        else:
            out.append(ch)
            n += 1
        i += 1
    if stack:
        raise LabelError(f"{where}: {len(stack)} span(s) left open")
    spans.sort(key=lambda s: s.span)  # numbered in the order they open: 0, 1, 2, ...
    return "".join(out), spans


def read_source(path: Path = SOURCE) -> list[dict]:
    """The documents of the marked-up file: header fields, plain text and spans."""
    raw = path.read_text(encoding="utf-8")
    heads = list(_HEADER.finditer(raw))
    docs = []
    position, blind = 0, -1  # dev/test by position; the blind splits come last, in _BLIND order
    for k, h in enumerate(heads):
        body_end = heads[k + 1].start() if k + 1 < len(heads) else len(raw)
        fields = [f.strip() for f in h["fields"].split("|")]
        if len(fields) != 5:
            raise LabelError(f"header {h[0]!r}: expected 5 fields separated by '|'")
        doc_id, split, outlet, style, url = fields
        if split in _BLIND and _BLIND.index(split) >= blind:
            blind = _BLIND.index(split)
        elif blind >= 0:
            raise LabelError(f"{doc_id}: a {split!r} article after the {_BLIND[blind]} ones")
        else:
            position += 1
            expected = "test" if position % 3 == 0 else "dev"
            if split != expected:
                raise LabelError(f"{doc_id}: split {split!r}, position {position} is {expected!r}")
        text, spans = parse_markup(raw[h.end() : body_end].strip("\n"), where=doc_id)
        docs.append(
            {"doc_id": doc_id, "split": split, "outlet": outlet, "style": style, "url": url}
            | {"text": text, "spans": spans}
        )
    return docs


def _owner(text: str, spans: list[MarkedSpan]) -> list[int]:
    """Index of the innermost span covering each character (-1: narrator)."""
    owner = [-1] * len(text)
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):  # outer spans first
        for c in range(s.start, s.end):
            owner[c] = s.span
    return owner


def sentence_rows(doc: dict) -> list[dict]:
    """The JSONL rows of one document (see the module docstring)."""
    from analysis.document.nlp import parse

    text, spans = doc["text"], doc["spans"]
    owner = _owner(text, spans)
    rows = []
    prev = 0
    for k, (a, b) in enumerate(parse(text).sentences):
        pieces = []
        c = a
        while c < b:
            d = c
            while d < b and owner[d] == owner[c]:
                d += 1
            if owner[c] >= 0:
                s = spans[owner[c]]
                pieces.append(
                    {"span": s.span, "start": c - a, "end": d - a, "voice": s.voice}
                    | {"partial": s.partial, "speaker": list(s.speaker)}
                )
            c = d
        meta = {key: doc[key] for key in ("doc_id", "split", "outlet", "style", "url")}
        rows.append(meta | {"sent": k, "gap": text[prev:a], "text": text[a:b], "spans": pieces})
        prev = b
    return rows


def build(source: Path = SOURCE) -> str:
    """The JSONL text for ``source``."""
    lines = []
    for doc in read_source(source):
        for row in sentence_rows(doc):
            lines.append(json.dumps(row, ensure_ascii=False, sort_keys=False))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the JSONL is current")
    args = parser.parse_args(argv)
    blob = build()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != blob:
            print(f"{TARGET} is out of date: run python -m tools.voice_labels", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(blob, encoding="utf-8")
    docs = {json.loads(line)["doc_id"] for line in blob.splitlines()}
    print(f"wrote {TARGET}: {blob.count(chr(10))} sentences from {len(docs)} articles")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
