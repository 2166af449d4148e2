"""Speed of :func:`analysis.document.voice.voice_spans` against the per-document pass it joins.

Times, on the five seed texts (cleaned as the corpus reader cleans them) replicated ``--copies``
times, in CPU time of this process (``time.process_time``: other jobs on the machine slow the
wall clock, not this):

- ``parse + VADER``: :func:`analysis.document.nlp.parse` plus VADER (``FastAnalyzer``) on every
  sentence, the reference named by issue 20;
- ``whole pass``: :func:`analysis.document.process.process` (parse, terms, sentences with VADER,
  frame and actor matches, masked tone) with the default lexicon, what the pass does today;
- ``voice``: ``voice_spans`` (with the default lexicon's actors) plus ``sentence_voices`` on the
  parsed sentences, what the pass would add per document.

The three are run in turn ``--repeats`` times; each time is the best run, and the ratio voice /
reference is printed for both references (the goal of issue 20: at most 0.15 of parse + VADER).
Last, one document made ``--scale`` times longer shows whether the time per character stays
flat (linear scan). Default: 40 copies (200 documents, about 10 s); ``--copies 400`` for a big
run.

Usage: ``python bench/bench_voice.py [--copies N] [--repeats R] [--scale K]``
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEEDS = ROOT / "seeds"
GOAL = 0.15


def seed_texts() -> list[str]:
    """The cleaned seed texts, in ``sources.csv`` order."""
    from analysis.read.clean import clean_text, split_header

    with open(SEEDS / "sources.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [clean_text(split_header((SEEDS / r["file"]).read_text("utf-8"))[1]) for r in rows]


def best(fn, texts: list[str], repeats: int) -> float:
    """Best CPU time of ``repeats`` runs of ``fn(texts)``."""
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn(texts)
        times.append(time.process_time() - t)
    return min(times)


def run_pass(texts: list[str]) -> None:
    from analysis.document.nlp import parse
    from analysis.document.tone import get_analyzer

    sia = get_analyzer()
    for text in texts:
        p = parse(text)
        for a, b in p.sentences:
            sia.polarity_scores(text[a:b])


def make_whole_pass():
    from analysis.document.lexicon import load_lexicon
    from analysis.document.markers import compile_lexicon
    from analysis.document.process import process

    compiled = compile_lexicon(load_lexicon())

    def run(texts: list[str]) -> None:
        for _ in process(texts, compiled):
            pass

    return run


def make_voice(texts: list[str]):
    from analysis.document.lexicon import load_lexicon
    from analysis.document.nlp import parse
    from analysis.document.voice.spans import sentence_voices, voice_spans

    actors = load_lexicon().actors
    sentences = [parse(t).sentences for t in texts]  # the pass has them already: not timed

    def run(batch: list[str]) -> None:
        for text, sents in zip(batch, sentences, strict=True):
            sentence_voices(voice_spans(text, actors=actors), sents)

    return run


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40, help="replicas of the five seeds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10, help="long-text factor (linearity)")
    args = parser.parse_args(argv)
    texts = seed_texts() * args.copies
    chars = sum(map(len, texts))
    whole, voice = make_whole_pass(), make_voice(texts)
    for fn in (run_pass, whole, voice):  # warm up spaCy, VADER, the lexicon and the caches
        fn(texts[:5] if fn is not voice else texts)
    t_pass = best(run_pass, texts, args.repeats)
    t_whole = best(whole, texts, args.repeats)
    t_voice = best(voice, texts, args.repeats)
    per_k = 1e6 / chars
    print(f"{len(texts)} documents, {chars:,} characters (CPU time, best of {args.repeats})")
    print(f"parse + VADER  {t_pass:7.3f} s  {t_pass * per_k:6.3f} ms / 1k chars")
    print(f"whole pass     {t_whole:7.3f} s  {t_whole * per_k:6.3f} ms / 1k chars")
    print(f"voice          {t_voice:7.3f} s  {t_voice * per_k:6.3f} ms / 1k chars")
    ratio = t_voice / t_pass
    verdict = "met" if ratio <= GOAL else "missed"
    print(f"voice / (parse + VADER) {ratio:.3f}  (goal <= {GOAL}: {verdict})")
    print(f"voice / whole pass      {t_voice / t_whole:.3f}")
    one = ["\n\n".join(seed_texts())]
    long = ["\n\n".join(seed_texts() * args.scale)]
    t_one = best(make_voice(one), one, args.repeats) / len(one[0])
    t_long = best(make_voice(long), long, args.repeats) / len(long[0])
    print(f"one document x{args.scale} longer: time per character x{t_long / t_one:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
