"""Quality and cost of :func:`analysis.stats.reuse.find_reuse` on a planted corpus.

Source material: the UN General Debate speeches (``/work/shared/corpora/ungd/ungd_8.csv``)
cut at sentence ends into article-sized pieces of 300-800 words, and the seed articles. A
**family** is one piece plus two planted variants of different types: an exact copy, 5 / 10 /
15 / 20 % of the words changed (runs of 1-6 words replaced by words of the same country's
speeches), a new first paragraph (50-90 words of another country's speeches), the first half
(cut at a sentence end), or the piece embedded in a text three times as long. Other documents
are untouched pieces (hard negatives: pieces of the same countries' speeches, same topics and
formulas) and, to reach 10,000 documents, fillers of shuffled sentences of one country.

Reported, for each corpus size:

* detector quality per kind: the truth is every pair within a family classified by its exact
  Jaccard / containment; precision = found pairs of that kind that are such a pair, recall =
  such pairs found (what the LSH step misses or adds);
* per planted type (the issue's goal, precision and recall >= 0.95 each): recall = share of
  (piece, variant) pairs found, precision = share of the found pairs involving a variant of
  that type that are within its family; their median exact Jaccard / containment (what the
  thresholds mean); the found pairs touching documents of no family (hard negatives);
* hard negatives: the largest exact Jaccard and containment among sampled pairs of different
  pieces of the same country;
* cost: seconds per document (1,000 vs 10,000: linearity) and peak traced memory.

Usage: ``python bench/bench_reuse.py [--sizes 1000,10000] [--jaccard J] [--containment C]
[--also J:C] [--big N]``: the sizes at ``J``/``C`` (default find_reuse's, 0.35/0.9), then the
first size again at ``--also`` (default 0.8:0.9, the defaults before: edits of 10 % and more
are missed); ``--big N`` adds one run of N documents (run it with ``nice -n 10``). The
default run takes about 50 s of CPU.

Longer than ~400 lines because one script: the planted corpus, its truth and the report.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import re
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import REUSE_CONTAINMENT, REUSE_JACCARD
from analysis.stats.reuse import classify, find_reuse
from analysis.stats.shingles import shared_passages, similarity, sketch_text

ROOT = Path(__file__).resolve().parent.parent
UNGD = Path("/work/shared/corpora/ungd/ungd_8.csv")
TYPES = ("exact", "edit5", "edit10", "edit15", "edit20", "new_lede", "half", "embedded")
OUTLETS = (
    ("TASS", "russian"),
    ("RT", "russian"),
    ("Xinhua", "chinese"),
    ("Global Times", "chinese"),
    ("MENAFN", "third-party"),
    ("Reuters", "third-party"),
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


@dataclass
class Corpus:
    """Texts, metadata and planted truth of a benchmark corpus."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    meta: list[dict] = field(default_factory=list)
    family: dict[str, int] = field(default_factory=dict)  # doc_id -> family
    planted: list[tuple[str, str, str]] = field(default_factory=list)  # (piece, variant, type)
    pieces: dict[str, str] = field(default_factory=dict)  # untouched piece doc_id -> country


def split_sentences(text: str, *, longest: int = 40) -> list[str]:
    """Sentences of ``text`` (whitespace normalised), longer ones cut every ``longest`` words.

    Random draws reuse sentences; capping their length keeps what two drawn texts can share
    by chance to short passages.
    """
    out = []
    for s in _SENTENCE.split(" ".join(text.split())):
        w = s.split()
        out.extend(" ".join(w[i : i + longest]) for i in range(0, len(w), longest))
    return out


def load_sentences() -> dict[str, list[list[str]]]:
    """Sentences of each speech, by country; the seed articles count as country 'SEED'."""
    csv.field_size_limit(sys.maxsize)
    out: dict[str, list[list[str]]] = {}
    with open(UNGD, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["country"], []).append(split_sentences(row["text"]))
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        body = " ".join(path.read_text(encoding="utf-8").split()[2:])  # drop " date YYYY-MM-DD"
        out.setdefault("SEED", []).append(split_sentences(body))
    return out


def paragraphs(sentences: list[str], rng: random.Random) -> str:
    """Sentences joined into paragraphs of 3-5 sentences."""
    paras, i = [], 0
    while i < len(sentences):
        k = rng.randint(3, 5)
        paras.append(" ".join(sentences[i : i + k]))
        i += k
    return "\n\n".join(paras)


def cut_pieces(speeches: dict[str, list[list[str]]], rng: random.Random) -> list[tuple]:
    """``(country, sentences)`` pieces of 300-800 words, consecutive sentences of one speech."""
    pieces = []
    for country in sorted(speeches):
        for sentences in speeches[country]:
            cur, n, target = [], 0, rng.randint(300, 800)
            for s in sentences:
                cur.append(s)
                n += len(s.split())
                if n >= target:
                    pieces.append((country, cur))
                    cur, n, target = [], 0, rng.randint(300, 800)
            if n >= 300:
                pieces.append((country, cur))
    return pieces


def draw_sentences(pool: list[str], words: int, rng: random.Random) -> list[str]:
    """Random sentences of ``pool`` until at least ``words`` words."""
    out, n = [], 0
    while n < words:
        s = rng.choice(pool)
        out.append(s)
        n += len(s.split())
    return out


def edit(text: str, rate: float, vocab: list[str], rng: random.Random) -> str:
    """``text`` with ``rate`` of its words replaced, in runs of 1-6 words."""
    paras = [p.split(" ") for p in text.split("\n\n")]
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    changed: set[int] = set()
    while len(changed) < round(rate * len(flat)):
        start, run = rng.randrange(len(flat)), rng.randint(1, 6)
        changed.update(range(start, min(start + run, len(flat))))
    for k in changed:
        i, j = flat[k]
        paras[i][j] = rng.choice(vocab)
    return "\n\n".join(" ".join(p) for p in paras)


def variant(kind: str, sentences, country, pools, vocab, rng) -> str:
    """The planted variant ``kind`` of a piece given as sentences."""
    text = paragraphs(sentences, random.Random(0))
    other = rng.choice([c for c in sorted(pools) if c != country])
    if kind == "exact":
        return text
    if kind.startswith("edit"):
        return edit(text, int(kind[4:]) / 100, vocab[country], rng)
    if kind == "new_lede":
        return " ".join(draw_sentences(pools[other], rng.randint(50, 90), rng)) + "\n\n" + text
    if kind == "half":
        half, n = [], 0
        for s in sentences:
            if n >= len(text.split()) / 2:
                break
            half.append(s)
            n += len(s.split())
        return paragraphs(half, random.Random(0))
    words = len(text.split())
    before = paragraphs(draw_sentences(pools[other], words, rng), rng)
    after = paragraphs(draw_sentences(pools[other], words, rng), rng)
    return f"{before}\n\n{text}\n\n{after}"


def build(n_docs: int, speeches, *, seed: int = 7) -> Corpus:
    """A corpus of ``n_docs`` documents, 36 % of them in families of three."""
    rng = random.Random(seed)
    pieces = cut_pieces(speeches, rng)
    rng.shuffle(pieces)
    n_fam = min(n_docs * 12 // 100, len(pieces) // 2)
    # sentences drawn at random (new ledes, embeddings, fillers) come from the speeches' pieces
    # that are no family's source, so they never copy a family's text; the five seed articles
    # are too few sentences to draw from
    pools: dict[str, list[str]] = {}
    for country, sentences in pieces[n_fam:]:
        if country != "SEED":
            pools.setdefault(country, []).extend(sentences)
    vocab = {c: sorted({w for sp in v for s in sp for w in s.split()}) for c, v in speeches.items()}
    corpus, day0 = Corpus(), dt.date(2020, 1, 1)

    def add(text: str, date: dt.date) -> str:
        doc_id = f"d{len(corpus.texts):06d}"
        outlet, origin = OUTLETS[rng.randrange(len(OUTLETS))]
        corpus.texts.append((doc_id, text))
        corpus.meta.append(dict(doc_id=doc_id, date=date.isoformat(), outlet=outlet, origin=origin))
        return doc_id

    for f in range(n_fam):
        country, sentences = pieces[f]
        date = day0 + dt.timedelta(days=rng.randrange(1500))
        src = add(paragraphs(sentences, random.Random(0)), date)
        corpus.family[src] = f
        for kind in rng.sample(TYPES, 2):
            text = variant(kind, sentences, country, pools, vocab, rng)
            doc = add(text, date + dt.timedelta(days=rng.randrange(15)))
            corpus.family[doc] = f
            corpus.planted.append((src, doc, kind))
    for country, sentences in pieces[n_fam:]:
        if len(corpus.texts) >= n_docs:
            break
        doc = add(paragraphs(sentences, rng), day0 + dt.timedelta(days=rng.randrange(1500)))
        corpus.pieces[doc] = country
    countries = sorted(pools)
    while len(corpus.texts) < n_docs:
        pool = pools[rng.choice(countries)]
        filler = draw_sentences(pool, rng.randint(300, 800), rng)
        add(paragraphs(filler, rng), day0 + dt.timedelta(days=rng.randrange(1500)))
    return corpus


def truth(corpus: Corpus, sketches: dict, opts: dict) -> dict[tuple[str, str], str]:
    """``(a, b) -> kind`` of every qualifying pair within a family, from exact measures."""
    members: dict[int, list[str]] = {}
    for doc, f in corpus.family.items():
        members.setdefault(f, []).append(doc)
    out = {}
    for docs in members.values():
        docs.sort()
        for i, a in enumerate(docs):
            for b in docs[i + 1 :]:
                sa, sb = sketches[a], sketches[b]
                if sa.digest == sb.digest:
                    out[(a, b)] = "exact"
                    continue
                j, c = similarity(sa, sb)
                kind = classify(j, c, min(sa.size, sb.size), **opts)
                if kind:
                    out[(a, b)] = kind
    return out


def quality(corpus: Corpus, pairs: pd.DataFrame, sketches: dict, opts: dict) -> pd.DataFrame:
    """Precision and recall per kind against the family truth."""
    expected = truth(corpus, sketches, opts)
    keys = zip(pairs["doc_id"], pairs["other_doc_id"], strict=True)
    found = dict(zip(keys, pairs["kind"], strict=True))
    rows = []
    for kind in ("exact", "near", "contained"):
        e = {p for p, k in expected.items() if k == kind}
        f = {p for p, k in found.items() if k == kind}
        tp = len(e & f)
        rows.append(
            dict(
                kind=kind,
                expected=len(e),
                found=len(f),
                precision=tp / len(f) if f else float("nan"),
                recall=tp / len(e) if e else float("nan"),
            )
        )
    return pd.DataFrame(rows)


def per_type(corpus: Corpus, pairs: pd.DataFrame, clusters: pd.Series, sketches) -> pd.DataFrame:
    """Per planted type: recall, precision, same cluster and the median exact measures.

    recall = share of its (piece, variant) pairs listed in the pair table; precision = share of
    the listed pairs involving one of its variants whose two documents are of one family. The
    last row, ``negatives``, is every listed pair with a document of no family (untouched
    pieces and fillers: the hard negatives); its precision is that of all listed pairs.
    """
    found = set(zip(pairs["doc_id"], pairs["other_doc_id"], strict=True))
    kind_of = {doc: kind for _, doc, kind in corpus.planted}
    family = corpus.family
    rows = {}
    for src, doc, kind in corpus.planted:
        j, c = similarity(sketches[src], sketches[doc])
        hit = (min(src, doc), max(src, doc)) in found
        same = clusters[src] != "" and clusters[src] == clusters[doc]
        rows.setdefault(kind, []).append((hit, same, j, c))
    touching: dict[str, list[bool]] = {}
    for a, b in found:
        right = a in family and family[a] == family.get(b)
        for kind in {kind_of.get(a), kind_of.get(b)} - {None}:
            touching.setdefault(kind, []).append(right)
        touching.setdefault("all", []).append(right)
    out = []
    for kind in TYPES:
        v, t = rows.get(kind, []), touching.get(kind, [])
        nan = float("nan")
        out.append(
            dict(
                planted=kind,
                n=len(v),
                recall=sum(x[0] for x in v) / len(v) if v else nan,
                precision=sum(t) / len(t) if t else nan,
                same_cluster=sum(x[1] for x in v) / len(v) if v else nan,
                median_jaccard=statistics.median(x[2] for x in v) if v else nan,
                median_containment=statistics.median(x[3] for x in v) if v else nan,
            )
        )
    every = touching.get("all", [])
    negatives = [p for p in found if p[0] not in family or p[1] not in family]
    out.append(
        dict(
            planted="negatives",
            n=sum(1 for d, _ in corpus.texts if d not in family),
            recall=float("nan"),
            precision=sum(every) / len(every) if every else float("nan"),
            same_cluster=float(len(negatives)),
        )
    )
    return pd.DataFrame(out)


def goal(table: pd.DataFrame, *, at: float = 0.95) -> str:
    """Whether every planted type reaches ``at`` in recall and precision (the issue's goal)."""
    typed = table[table["planted"] != "negatives"]
    low = typed[(typed["recall"] < at) | (typed["precision"] < at)]["planted"].tolist()
    worst = min(typed["recall"].min(), typed["precision"].min())
    verdict = "met" if not low else f"NOT met ({', '.join(low)})"
    return f"goal precision and recall >= {at} per planted type: lowest {worst:.3f}, {verdict}"


def hard_negatives(corpus: Corpus, sketches, *, n: int = 5000) -> dict:
    """Largest exact measures among sampled pairs of different same-country pieces."""
    rng = random.Random(3)
    by_country: dict[str, list[str]] = {}
    for doc, country in sorted(corpus.pieces.items()):
        by_country.setdefault(country, []).append(doc)
    groups = [v for v in by_country.values() if len(v) > 1]
    js, cs = [], []
    for _ in range(n):
        a, b = rng.sample(rng.choice(groups), 2)
        j, c = similarity(sketches[a], sketches[b])
        js.append(j)
        cs.append(c)
    return dict(pairs=n, max_jaccard=round(max(js), 3), max_containment=round(max(cs), 3))


def across(corpus: Corpus, pairs: pd.DataFrame, *, show: int = 3) -> tuple[int, list[str]]:
    """Found pairs whose documents are not of one family, with their longest shared passage."""
    texts = dict(corpus.texts)
    out = []
    for row in pairs.itertuples(index=False):
        a, b = row.doc_id, row.other_doc_id
        if a in corpus.family and corpus.family[a] == corpus.family.get(b):
            continue
        passages = shared_passages(texts[a], texts[b], min_words=8)
        longest = max(passages, key=lambda p: p[1] - p[0])[4] if passages else ""
        out.append(
            f"{a} {b} {row.kind} jaccard {row.jaccard:.3f} containment {row.containment:.3f}:"
            f" {longest[:100]!r}"
        )
    return len(out), out[:show]


def _timed(fn):
    """``(result, wall seconds, CPU seconds)`` of ``fn()``."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def run(n_docs: int, speeches, opts: dict, *, memory: bool) -> float:
    """Build, time (and optionally trace) one corpus, print its tables; CPU s per document."""
    corpus = build(n_docs, speeches)
    docs = pd.DataFrame(corpus.meta)
    kwargs = dict(jaccard=opts["near_at"], containment=opts["contained_at"])
    sketches, w_sk, c_sk = _timed(lambda: {d: sketch_text(t) for d, t in corpus.texts})
    result, w_find, c_find = _timed(lambda: find_reuse(docs, sketches.items(), **kwargs))
    peak = float("nan")
    if memory:  # the whole call on streamed texts, sketches included
        tracemalloc.start()
        find_reuse(docs, iter(corpus.texts), **kwargs)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    in_clusters = int((result.documents["cluster_size"] > 1).sum())
    cpu = (c_sk + c_find) / n_docs * 1e3
    print(
        f"\n## {n_docs:,} documents ({in_clusters:,} in clusters, {len(result.pairs):,} pairs)\n"
        f"CPU ms/document: sketch {c_sk / n_docs * 1e3:.2f} + index and verify"
        f" {c_find / n_docs * 1e3:.2f} = {cpu:.2f}; wall {w_sk + w_find:.1f} s;"
        f" peak traced memory of find_reuse on streamed texts {peak:.0f} MiB"
    )
    print(quality(corpus, result.pairs, sketches, opts).to_string(index=False))
    clusters = result.documents.set_index("doc_id")["reuse_cluster"]
    table = per_type(corpus, result.pairs, clusters, sketches)
    print(table.round(3).to_string(index=False, na_rep="-"))
    print("(negatives: n = documents of no family, same_cluster = pairs listed with one of them)")
    print(goal(table))
    print("hard negatives (same-country pieces):", hard_negatives(corpus, sketches))
    n_across, lines = across(corpus, result.pairs)
    print(f"found pairs across families: {n_across}")
    for line in lines:
        print("  ", line)
    return cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes (comma-separated)")
    p.add_argument("--big", type=int, default=0, help="also one corpus of this many documents")
    p.add_argument("--jaccard", type=float, default=REUSE_JACCARD, help="find_reuse's jaccard")
    p.add_argument(
        "--containment", type=float, default=REUSE_CONTAINMENT, help="find_reuse's containment"
    )
    p.add_argument(
        "--also",
        default="0.8:0.9",
        help="JACCARD:CONTAINMENT of a second run on the first size ('' for none)",
    )
    p.add_argument("--no-memory", action="store_true", help="skip the traced (slower) run")
    args = p.parse_args(argv)
    speeches = load_sentences()
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([args.big] if args.big else [])
    print(f"# jaccard {args.jaccard}, containment {args.containment}")
    opts = dict(near_at=args.jaccard, contained_at=args.containment, min_contained=10)
    per_doc = [run(n, speeches, opts, memory=not args.no_memory and n == max(sizes)) for n in sizes]
    if len(per_doc) > 1:
        print(
            f"\nlinearity: CPU time per document at {sizes[-1]:,} / at {sizes[0]:,} ="
            f" {per_doc[-1] / per_doc[0]:.2f} (1.00 = linear)"
        )
    if args.also:
        j, c = (float(x) for x in args.also.split(":"))
        print(f"\n# jaccard {j}, containment {c}")
        run(sizes[0], speeches, dict(near_at=j, contained_at=c, min_contained=10), memory=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
