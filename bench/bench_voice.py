"""Speed of :func:`analysis.document.voice.voice_spans` against the per-document pass it joins.

Times, on the five seed texts (cleaned as the corpus reader cleans them) replicated ``--copies``
times:

- ``pass``: :func:`analysis.document.nlp.parse` plus VADER (``FastAnalyzer``) on every sentence,
  the part of the per-document pass that ``voice`` would be added to;
- ``voice``: ``voice_spans`` (with the default lexicon's actors) plus ``sentence_voices`` on the
  parsed sentences, which is what the pass would call per document.

Each is the best of ``--repeats`` runs. It prints the ratio voice / pass (the goal: at most 0.15,
the pass staying within 15 % of its time) and the time per 1,000 characters as the corpus grows
tenfold (``--scale``, to check that the scan stays linear in text length). Default: 40 copies, a
few seconds; ``--copies 400`` for a bigger run.

Usage: ``python bench/bench_voice.py [--copies N] [--repeats R]``
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
    from analysis.read.corpus import clean_text, split_header

    with open(SEEDS / "sources.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [clean_text(split_header((SEEDS / r["file"]).read_text("utf-8"))[1]) for r in rows]


def best(fn, texts: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(texts)
        times.append(time.perf_counter() - t)
    return min(times)


def run_pass(texts: list[str]) -> None:
    from analysis.document.nlp import parse
    from analysis.document.tone import get_analyzer

    sia = get_analyzer()
    for text in texts:
        p = parse(text)
        for a, b in p.sentences:
            sia.polarity_scores(text[a:b])


def make_voice(texts: list[str]):
    from analysis.document.lexicon import load_lexicon
    from analysis.document.nlp import parse
    from analysis.document.voice import sentence_voices, voice_spans

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
    run_pass(texts[:5])  # warm up spaCy, VADER and the lexicon
    voice = make_voice(texts)
    voice(texts)
    t_pass = best(run_pass, texts, args.repeats)
    t_voice = best(voice, texts, args.repeats)
    ratio = t_voice / t_pass
    print(f"{len(texts)} documents, {chars:,} characters")
    print(
        f"pass (parse + VADER)   {t_pass:8.3f} s   {1e3 * t_pass / chars * 1e3:.3f} ms / 1k chars"
    )
    print(
        f"voice_spans + sentence {t_voice:8.3f} s   {1e3 * t_voice / chars * 1e3:.3f} ms / 1k chars"
    )
    verdict = "met" if ratio <= GOAL else "missed"
    print(f"ratio voice / pass     {ratio:8.3f}   (goal ≤ {GOAL}: {verdict})")
    long_texts = ["\n\n".join(seed_texts() * args.scale)]
    short_texts = ["\n\n".join(seed_texts())]
    t_long = best(make_voice(long_texts), long_texts, args.repeats) / len(long_texts[0])
    t_short = best(make_voice(short_texts), short_texts, args.repeats) / len(short_texts[0])
    print(f"one document x{args.scale} longer: time per character x{t_long / t_short:.2f} "
          "(1.00 = linear)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
