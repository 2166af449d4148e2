"""Issue 17's exports, generated: how long ``framing inspect`` and reading take.

Three layouts as researchers' files have them:

- ``war``: ``date,source,title,text,url`` with US dates (``02/28/2022``) and outlets given as
  site domains (``www.msnbc.com``, ``ukrinform.net``);
- ``hackathon``: ``Source Name,Date,Original URL,Title,Content`` with outlet names such as
  ``China Daily - US Edition``, ``XINHUA English``, ``The Associated Press State & Local
  Wire``, and dates such as ``May 15, 2024 10:45 AM ET``;
- ``state``: ``publish_date,outlet,headline,article`` with ``Updated: 2022-03-07 17:49``,
  ``11:20, 28-Jul-2022`` and ``Published: … Updated: …`` dates, ``GlobalTimes``/``BBC``.

Each is read without options; the script prints the wall and CPU seconds of
:func:`inspect_corpus` and of :func:`read_table` (the first layout's include the imports).
A few unknown outlets and bad rows are planted, so ``inspect`` says "would stop" and
``read_table`` runs with ``on_bad_row="skip"``.

    .venv/bin/python bench/bench_exports.py               # 20,000 rows each (< 2 minutes)
    .venv/bin/python bench/bench_exports.py --rows 100000 --only war
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WORDS = [
    "Moscow",
    "Beijing",
    "sovereignty",
    "multipolar",
    "world",
    "partnership",
    "sanctions",
    "talks",
    "summit",
    "trade",
    "energy",
    "security",
    "cooperation",
    "leaders",
    "ministry",
    "statement",
    "relations",
    "strategic",
    "win-win",
    "negotiations",
    "Ukraine",
    "Europe",
    "Washington",
    "economy",
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "on",
    "for",
    "with",
    "said",
]
WAR_SITES = ["www.msnbc.com", "ukrinform.net", "edition.cnn.com", "tass.com", "www.rt.com"]
HACK_NAMES = [
    ("China Daily - US Edition", "https://www.chinadaily.com.cn/a/{i}"),
    ("Global Times (China)", "https://www.globaltimes.cn/page/{i}.shtml"),
    ("XINHUA English", "http://www.xinhuanet.com/english/{i}"),
    ("CGTN America", "https://america.cgtn.com/{i}"),
    ("The Associated Press State & Local Wire", "https://apnews.com/{i}"),
    ("USA Today Online", "https://eu.usatoday.com/story/{i}"),
    ("Local Gazette", "https://localgazette.example.co.uk/{i}"),  # unknown: reported
]
STATE_NAMES = ["GlobalTimes", "Chinadaily", "BBC", "Xinhua", "CGTN"]


def text(rng: random.Random, n_words: int = 250) -> str:
    """An article of ``n_words`` words in paragraphs."""
    words = [rng.choice(WORDS) for _ in range(n_words)]
    return "\n\n".join(" ".join(words[i : i + 50]) + "." for i in range(0, n_words, 50))


def moment(rng: random.Random) -> datetime:
    return datetime(2022, 1, 1) + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))


def war_row(rng: random.Random, i: int) -> dict:
    t = moment(rng)
    return {
        "date": f"{t:%m/%d/%Y}",
        "source": WAR_SITES[i % len(WAR_SITES)],
        "title": f"Story {i}",
        "text": text(rng) if i % 997 else "",  # a few empty texts
        "url": f"https://{WAR_SITES[i % len(WAR_SITES)]}/news/{i}",
    }


def hackathon_row(rng: random.Random, i: int) -> dict:
    t = moment(rng)
    name, url = HACK_NAMES[i % len(HACK_NAMES)]
    h12, ampm = t.hour % 12 or 12, "AM" if t.hour < 12 else "PM"
    date = f"{MONTHS[t.month - 1]} {t.day}, {t.year} {h12}:{t.minute:02d} {ampm} ET"
    return {
        "Source Name": name,
        "Date": date,
        "Original URL": url.format(i=i),
        "Title": f"Headline {i}",
        "Content": text(rng),
    }


def state_row(rng: random.Random, i: int) -> dict:
    t = moment(rng)
    mon = MONTHS[t.month - 1]
    forms = (
        f"Updated: {t:%Y-%m-%d %H:%M}",
        f"{t:%H:%M}, {t.day:02d}-{mon}-{t.year}",
        f"Published: {mon} {t.day:02d}, {t.year} {t:%I:%M %p} Updated: {mon} {t.day:02d}, "
        f"{t.year} {t:%I:%M %p}",
    )
    return {
        "publish_date": forms[i % 3],
        "outlet": STATE_NAMES[i % len(STATE_NAMES)],
        "headline": f"Headline {i}",
        "article": text(rng),
    }


LAYOUTS = {"war": war_row, "hackathon": hackathon_row, "state": state_row}


def write(path: Path, layout: str, rows: int) -> Path:
    rng = random.Random(17)
    make = LAYOUTS[layout]
    with open(path, "w", encoding="utf-8", newline="") as f:
        first = make(rng, 0)
        w = csv.DictWriter(f, fieldnames=list(first))
        w.writeheader()
        w.writerow(first)
        for i in range(1, rows):
            w.writerow(make(rng, i))
    return path


def main() -> None:
    from analysis.read.inspect import inspect_corpus
    from analysis.read.table import read_table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--only", choices=sorted(LAYOUTS))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for layout in [args.only] if args.only else list(LAYOUTS):
            path = write(Path(tmp) / f"{layout}.csv", layout, args.rows)
            mb = path.stat().st_size / 1e6
            start, cpu = time.perf_counter(), time.process_time()
            ins = inspect_corpus(path)
            t_inspect, c_inspect = time.perf_counter() - start, time.process_time() - cpu
            start, cpu = time.perf_counter(), time.process_time()
            with read_table(path, on_bad_row="skip") as docs:
                n_docs, n_skipped = len(docs), len(docs.skipped)
            t_read, c_read = time.perf_counter() - start, time.process_time() - cpu
            print(
                f"{layout}: {args.rows:,} rows ({mb:.0f} MB): inspect {t_inspect:.1f} s wall, "
                f"{c_inspect:.1f} s CPU (runnable={ins.runnable}); read {t_read:.1f} s wall, "
                f"{c_read:.1f} s CPU; {n_docs:,} documents, {n_skipped:,} skipped "
                f"({ins.counts()}); outlets found by "
                f"{sorted({o.outlet_source for o in ins.outlets})}; date order {ins.date_order!r}"
            )


if __name__ == "__main__":
    main()
