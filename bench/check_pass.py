"""Digests of the per-document pass, to check that a speed-up changes no result.

Runs :func:`analysis.document.process.process` (every :class:`DocResult` field: terms,
sentences with their scores, matches, masked tone, actors, voice parts) on three corpora and
prints one digest per corpus: the cleaned seed texts, the UN General Debate speeches
(``examples/ungd/ungd_8.csv``, cleaned with :func:`analysis.read.clean.clean_text`) and
``--headlines`` headline-length texts of :mod:`bench.headlines`. Run it before and after a
change and compare the lines (``--out FILE`` writes them to a file too).

Usage: ``python bench/check_pass.py [--headlines N] [--out FILE]``
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def corpora(n_headlines: int) -> dict[str, list[str]]:
    """The three corpora's cleaned texts, by name."""
    from analysis.read.clean import clean_text
    from bench.bench_voice import seed_texts
    from bench.headlines import SPEECHES, headline_rows

    csv.field_size_limit(sys.maxsize)
    with SPEECHES.open(encoding="utf-8", newline="") as handle:
        ungd = [clean_text(row["text"]) for row in csv.DictReader(handle)]
    heads = [clean_text(row[4]) for row in headline_rows(n_headlines)]
    return {"seeds": seed_texts(), "ungd": ungd, "headlines": heads}


def digest(texts: list[str]) -> str:
    """One digest of every per-document result of ``texts``, in order."""
    from analysis.document.lexicon import load_lexicon
    from analysis.document.process import compiled_lexicon, process

    h = hashlib.blake2b(digest_size=16)
    for result in process(texts, compiled_lexicon(load_lexicon())):
        h.update(repr(dataclasses.astuple(result)).encode())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--headlines", type=int, default=3000)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    named = corpora(args.headlines).items()
    lines = [f"{name} {len(texts)} {digest(texts)}" for name, texts in named]
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
