"""CPU cost of the voice results in the cold per-document pass (issue 20).

On the seed texts replicated ``--copies`` times (default 100), in CPU time of this process:
the pass as it was (parse, terms, sentences with VADER, frame and actor matches, masked tone,
case moves) and the voice part it now adds (:func:`analysis.document.process.voice_part`:
spans, sentence and match voices, quotes, tokens by voice). The two are timed in turn
``--repeats`` times (interleaved, so that load from other jobs hits both alike); prints the
best time of each and their ratio.

Issue 20's goal is that the pass "stays within 15 % of its current time": the third timing is
the pass with spaCy's own ``sentencizer`` (which builds a Token object per token;
:func:`analysis.document.nlp.get_nlp` now computes the same sentence starts on arrays), and
the last line is the whole pass now (with voice) over that.

The third timing runs today's code for everything but the sentencizer, so it is the pass as
filed only at commits where the rest is as filed: up to e0f961e. Later commits made VADER,
the matching and the token arrays faster for both timings (bench/RESULTS.md, "Voice"), which
lowers the whole pass but not the ratio. For the goal, measure the third timing at e0f961e
(``git checkout --detach e0f961e``), alternating with runs at the tip in the same quiet
moment, and give it with ``--filed SECONDS``: the last line then divides by it.

Usage: ``python bench/bench_voice_pass.py [--copies N] [--repeats R] [--filed SECONDS]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def filed_parser():
    """``parse_many`` as it was when issue 20 was filed: spaCy's own sentencizer."""
    import spacy

    from analysis.document.nlp import parse_many

    old = spacy.blank("en")
    old.add_pipe("framing_paragraphs")
    old.add_pipe("sentencizer")
    old.max_length = 10_000_000

    return lambda texts: parse_many(texts, nlp=old)


def main() -> None:
    from analysis.document.lexicon import load_lexicon
    from analysis.document.nlp import case_moves, parse_many
    from analysis.document.process import (
        compiled_lexicon,
        lexicon_part,
        sentences,
        terms,
        voice_part,
    )
    from bench.bench_voice import seed_texts

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--filed", type=float, help="CPU s of the pass as filed (at e0f961e)")
    args = ap.parse_args()
    texts = seed_texts() * args.copies
    compiled = compiled_lexicon(load_lexicon())
    list(parse_many(texts[:5]))  # load spaCy and VADER outside the timings
    sentences(next(iter(parse_many(texts[:1]))))
    filed_parse = filed_parser()

    def without_voice(parse):
        parsed = list(parse(texts))
        matches = []
        for p in parsed:
            terms(p)
            sentences(p)
            matches.append(lexicon_part(p, compiled)[0])
            case_moves(p, compiled.case_sensitive_terms)
        return parsed, matches

    bases, voices, filed = [], [], []
    for _ in range(args.repeats):
        t0 = time.process_time()
        without_voice(filed_parse)
        filed.append(time.process_time() - t0)
        t0 = time.process_time()
        parsed, matches = without_voice(parse_many)
        bases.append(time.process_time() - t0)
        t0 = time.process_time()
        for p, m in zip(parsed, matches, strict=True):
            voice_part(p, compiled, m)
        voices.append(time.process_time() - t0)
    base, voice, before = min(bases), min(voices), min(filed)
    print(f"{len(texts)} documents, {sum(map(len, texts)):,} characters")
    print(f"pass without voice: {base:.2f} s CPU (best of {args.repeats})")
    print(f"voice part:         {voice:.3f} s CPU (best of {args.repeats})")
    print(
        f"voice / pass before: {voice / base:.3f}; cold pass after / before: "
        f"{(base + voice) / base:.3f}"
    )
    print(f"pass with spaCy's sentencizer, no voice: {before:.2f} s CPU")
    print(f"whole pass now (with voice): {base + voice:.3f} s CPU")
    if args.filed:
        before = args.filed
        print(f"pass as filed (--filed, measured at e0f961e): {before:.3f} s CPU")
    ratio = (base + voice) / before
    print(f"whole pass now (with voice) / pass as filed: {ratio:.3f} (goal <= 1.15)")


if __name__ == "__main__":
    main()
