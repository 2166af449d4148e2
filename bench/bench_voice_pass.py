"""CPU cost of the voice results in the cold per-document pass (issue 20).

On the seed texts replicated ``--copies`` times (default 100), in CPU time of this process:
the pass as it was (parse, terms, sentences with VADER, frame and actor matches, masked tone,
case moves) and the voice part it now adds (:func:`analysis.document.process.voice_part`:
spans, sentence and match voices, quotes, tokens by voice). The two are timed in turn
``--repeats`` times (interleaved, so that load from other jobs hits both alike); prints the
best time of each and their ratio (the goal of issue 20: the voice part adds at most 15 %).

Usage: ``python bench/bench_voice_pass.py [--copies N] [--repeats R]``
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    args = ap.parse_args()
    texts = seed_texts() * args.copies
    compiled = compiled_lexicon(load_lexicon())
    list(parse_many(texts[:5]))  # load spaCy and VADER outside the timings
    sentences(next(iter(parse_many(texts[:1]))))
    bases, voices = [], []
    for _ in range(args.repeats):
        t0 = time.process_time()
        parsed = list(parse_many(texts))
        matches = []
        for p in parsed:
            terms(p)
            sentences(p)
            matches.append(lexicon_part(p, compiled)[0])
            case_moves(p, compiled.case_sensitive_terms)
        bases.append(time.process_time() - t0)
        t0 = time.process_time()
        for p, m in zip(parsed, matches, strict=True):
            voice_part(p, compiled, m)
        voices.append(time.process_time() - t0)
    base, voice = min(bases), min(voices)
    print(f"{len(texts)} documents, {sum(map(len, texts)):,} characters")
    print(f"pass without voice: {base:.2f} s CPU (best of {args.repeats})")
    print(f"voice part:         {voice:.3f} s CPU (best of {args.repeats})")
    print(
        f"voice / pass before: {voice / base:.3f}; cold pass after / before: "
        f"{(base + voice) / base:.3f}"
    )


if __name__ == "__main__":
    main()
