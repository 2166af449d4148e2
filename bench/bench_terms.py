"""Time the NLP pass plus terms (``parse`` + term counts) on the seeds replicated N times.

The goal of issue 18 (clean terms): the number, lemma-override and case rules keep this part
of the per-document pass within 10 % of its time before them. Also times marker matching with
the default lexicon and both boilerplate passes (seed i is outlet i: every replica's lines
repeat, so each seed's lines are boilerplate of its outlet). Each replica starts with its
own line "Archive copy N." (as in ``bench_analyze.py``), so no two texts are equal. Prints the
best CPU time of ``--repeats`` runs in ms and µs per word token. Takes about 20 s by default.

To compare with another checkout, run the script with ``PYTHONPATH`` pointing at it (the
script falls back to the pipeline's ``_terms`` when ``term_counts`` does not exist there)::

    python bench/bench_terms.py                      # this checkout
    PYTHONPATH=/tmp/base python bench/bench_terms.py # an exported older tree

Usage: ``python bench/bench_terms.py [--replicas 50] [--repeats 5] [--big]`` (``--big``:
×400, for a single longer run).
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _term_function():
    from analysis.document.nlp import term_counts

    return term_counts


def _texts(replicas: int) -> list[str]:
    from analysis.read.directory import read_documents

    seeds = [d.text for d in read_documents(SEEDS)]
    n = 0
    out = []
    for _ in range(replicas):
        for t in seeds:
            out.append(f"Archive copy {n}.\n\n{t}")
            n += 1
    return out


def _best(repeats: int, work) -> float:
    """Best CPU time of the process over ``repeats`` runs (steadier than wall time on a
    machine shared with other jobs)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        t0 = time.process_time()
        work()
        best = min(best, time.process_time() - t0)
    return best


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its results (one line per measured variant)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--big", action="store_true", help="seeds x400 instead of --replicas")
    args = ap.parse_args(argv)
    import analysis
    from analysis.document import markers
    from analysis.document.nlp import parse, parse_many

    terms = _term_function()
    texts = _texts(400 if args.big else args.replicas)
    parse("Warm up the pipeline.")
    compiled = markers.compile_lexicon(None)
    names = getattr(compiled, "case_sensitive_terms", None)
    parsed = list(parse_many(texts))
    n_tokens = sum(p.n_tokens for p in parsed)
    tree = analysis.__file__.rsplit("/analysis/", 1)[0]
    print(f"{tree}: {len(texts)} docs, {n_tokens} tokens, best CPU time of {args.repeats}")

    variants = {"parse + terms": lambda: [terms(p) for p in parse_many(texts)]}
    if names is not None:  # this tree's options
        variants["parse + terms, case-sensitive names"] = lambda: [
            terms(p, case_sensitive=names) for p in parse_many(texts)
        ]
        variants["parse + terms, word forms"] = lambda: [
            terms(p, terms="form") for p in parse_many(texts)
        ]
    variants["terms alone"] = lambda: [terms(p) for p in parsed]
    try:
        from analysis.read.boilerplate import BoilerplateCounter
    except ImportError:  # an older tree
        BoilerplateCounter = None
    if BoilerplateCounter is not None:

        def boilerplate():
            counter = BoilerplateCounter()
            for k, t in enumerate(texts):
                counter.add(str(k % 5), t)
            bp = counter.finish()
            return [bp.strip(str(k % 5), t) for k, t in enumerate(texts)]

        variants["boilerplate: both passes"] = boilerplate
    variants["frames + actors (default lexicon)"] = lambda: [
        (markers.match_frames(p, compiled), markers.match_actors(p, compiled)) for p in parsed
    ]
    for name, work in variants.items():
        t = _best(args.repeats, work)
        print(f"  {name:38s} {t * 1e3:8.1f} ms  {t / n_tokens * 1e6:.3f} us/token")


if __name__ == "__main__":
    main()
