"""Benchmark ``framing analyze`` against its dependency floor (run with ``make bench``).

Builds replicated corpora from ``seeds/`` in a temporary directory and prints one table; see
``docs/performance.md`` for how to read it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def build_corpus(dest: Path, copies: int) -> Path:
    """Write ``copies`` replicas of every seed into ``dest`` with distinct ids, dates and texts.

    Each replica gets its own file name, date header and a first line "Archive copy N." so no
    two cleaned texts are equal (the cache cannot serve one replica from another).
    """
    import csv

    dest.mkdir(parents=True)
    with open(SEEDS / "sources.csv", encoding="utf-8") as f:
        seeds = list(csv.DictReader(f))
    rows = []
    day0 = dt.date(2020, 1, 1)
    n = 0
    for k in range(copies):
        for row in seeds:
            raw = (SEEDS / row["file"]).read_text(encoding="utf-8")
            head, _, rest = raw.partition("date ")
            _, _, body = rest.partition(" ")
            date = day0 + dt.timedelta(days=n % 1500)
            name = f"{k:05d}_{row['file']}"
            (dest / name).write_text(
                f" date {date.isoformat()} Archive copy {n}.\n\n{body}", encoding="utf-8"
            )
            rows.append({"file": name, "outlet": row["outlet"], "origin": row["origin"]})
            n += 1
    with open(dest / "sources.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["file", "outlet", "origin"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return dest


if __name__ == "__main__":
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    try:
        print(build_corpus(tmp / "x2", 2))
    finally:
        shutil.rmtree(tmp)
