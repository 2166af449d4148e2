"""A headline-length corpus of real-shaped short texts, for the scale benchmark (issue 23).

Real monitoring exports of headlines and leads have 10–60 words per row. This builds such
rows from the UN General Debate speeches committed in ``examples/ungd/ungd_8.csv`` (UNGDC
V13, CC0): each speech is cut into sentences, and consecutive sentences are joined into
pieces of a random target length between 10 and 60 words (a sentence longer than the target
and the last one are cut at it, as leads often are). Every pass over the 413 speeches uses its own targets and starts one sentence
later than the previous, so the passes give different texts (a text already given is skipped); the vocabulary, sentence shapes
and framing markers are those of real diplomatic prose. Each row has an id, a date in its
speech's year, an outlet (one of three per country) and an origin (RUS → ``russian``, CHN →
``chinese``, the others ``third-party``).

Deterministic: the same ``n`` and ``seed`` give the same bytes.

Usage: ``python bench/headlines.py N OUT.csv [--seed S]``
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEECHES = ROOT / "examples" / "ungd" / "ungd_8.csv"
COLUMNS = ("id", "date", "outlet", "origin", "text")
ORIGINS = {"RUS": "russian", "CHN": "chinese"}
MIN_WORDS, MAX_WORDS = 10, 60

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_PARAGRAPH_NUMBER = re.compile(r"^\s*\d+\.\s+")


def speeches() -> list[tuple[str, int, list[list[str]]]]:
    """(country, year, sentences as word lists) of every speech, in file order."""
    csv.field_size_limit(sys.maxsize)
    out = []
    with SPEECHES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sentences = []
            for paragraph in row["text"].splitlines():
                paragraph = _PARAGRAPH_NUMBER.sub("", paragraph).strip()
                sentences.extend(s.split() for s in _SENTENCE_END.split(paragraph) if s.strip())
            out.append((row["country"], int(row["year"]), [s for s in sentences if s]))
    return out


def pieces(sentences: list[list[str]], rng: random.Random, start: int) -> Iterator[str]:
    """Join consecutive sentences into pieces of MIN_WORDS–MAX_WORDS words."""
    words: list[str] = []
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    for sentence in sentences[start:]:
        words.extend(sentence)
        if len(words) >= target:
            yield " ".join(words[:target])
            words = []
            target = rng.randint(MIN_WORDS, MAX_WORDS)


def hash_text(text: str) -> bytes:
    """An 8-byte digest of ``text`` (independent of PYTHONHASHSEED)."""
    return hashlib.blake2b(text.encode(), digest_size=8).digest()


def headline_rows(n: int, *, seed: int = 0) -> Iterator[tuple[str, str, str, str, str]]:
    """The first ``n`` rows (id, date, outlet, origin, text) of the headline corpus."""
    corpus = speeches()
    seen: set[bytes] = set()
    made = 0
    for number in range(10**9):
        rng = random.Random(seed * 1_000_003 + number)
        for country, year, sentences in corpus:
            first = date(year, 1, 1)
            for text in pieces(sentences, rng, number % 7):
                key = hash_text(text)
                if key in seen:
                    continue
                seen.add(key)
                day = first + timedelta(days=rng.randrange(365))
                outlet = f"{country} Daily {1 + rng.randrange(3)}"
                origin = ORIGINS.get(country, "third-party")
                yield (f"h{made:07d}", day.isoformat(), outlet, origin, text)
                made += 1
                if made == n:
                    return


def write_headlines(n: int, dest: Path, *, seed: int = 0) -> Path:
    """Write ``n`` headline rows to the CSV ``dest`` and return it."""
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(headline_rows(n, seed=seed))
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    write_headlines(args.n, args.out, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
