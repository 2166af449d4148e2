"""Date cells per second of :class:`analysis.read.dateshapes.DateParser` on one core.

An export-like date column: the formats of issue 17's exports (labelled ISO time stamps,
``11:20, 28-Jul-2022``, ``Published: … Updated: …``, US numeric dates, RFC 2822, ISO with a
zone, ``May 15, 2024 10:45 AM ET``) with a distinct time stamp in most cells. Prints the
measured rate per CPU second of the one process (goal: >= 200,000 cells per second on one
core) and per second of wall time, and the rate of python-dateutil alone on a sample.

    .venv/bin/python bench/bench_dates.py            # 300,000 cells (a few seconds)
    .venv/bin/python bench/bench_dates.py --cells 3000000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def cell(rng: random.Random) -> str:
    """One date cell in one of the formats, at a random minute of 2022-2024."""
    t = datetime(2022, 1, 1) + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    h12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    mon = MONTHS[t.month - 1]
    forms = (
        f"Updated: {t:%Y-%m-%d %H:%M}",
        f"{t:%H:%M}, {t.day:02d}-{mon}-{t.year}",
        f"Published: {mon} {t.day:02d}, {t.year} {h12:02d}:{t.minute:02d} {ampm} "
        f"Updated: {mon} {t.day:02d}, {t.year} {h12:02d}:{t.minute:02d} {ampm}",
        f"{t:%m/%d/%Y}",
        f"{DAYS[t.weekday()]}, {t.day:02d} {mon} {t.year} {t:%H:%M:%S} GMT",
        f"{t:%Y-%m-%dT%H:%M:%S}+03:00",
        f"{mon} {t.day}, {t.year} {h12}:{t.minute:02d} {ampm} ET",
    )
    return forms[rng.randrange(len(forms))]


def main() -> None:
    from analysis.read.dateshapes import DateParser

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, default=300_000)
    args = ap.parse_args()
    rng = random.Random(17)
    cells = [cell(rng) for _ in range(args.cells)]
    print(f"{len(cells):,} cells, {len(set(cells)):,} distinct")
    parser = DateParser(order="monthfirst")
    start, cpu = time.perf_counter(), time.process_time()
    dates = [parser.parse(c).date for c in cells]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"DateParser: {len(cells) / cpu:,.0f} cells per CPU second on one core (goal 200,000); "
        f"{len(cells) / elapsed:,.0f} cells/s of wall time ({elapsed:.2f} s, shared machine)"
    )
    assert len(dates) == len(cells)
    from dateutil import parser as du

    from analysis.read.dates import strip_labels

    sample = [strip_labels(c) for c in cells[:5000]]
    start = time.perf_counter()
    for c in sample:
        du.parse(c, dayfirst=False)
    rate = len(sample) / (time.perf_counter() - start)
    print(f"dateutil alone (sample of {len(sample):,}): {rate:,.0f} cells/s")


if __name__ == "__main__":
    main()
