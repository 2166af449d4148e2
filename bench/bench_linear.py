"""Does the per-document cost stay linear in a document's size? (issue 16, bounded cost)

One document of N paragraphs, each a sentence with three frame matches (two of them the same
marker). Printed: the time per match of the lexicon part and the time per paragraph of each
step of the NLP pass, and the ratio of the largest size's per-unit time to the smallest's
(1.00 = flat; a quadratic step grows in proportion to N):

* ``lexicon``: :func:`analysis.document.process.lexicon_part` (matching and masked tone),
  on 1,000 to 40,000 paragraphs;
* ``old lexicon``: the lexicon part as it was before (one scan of all matches per
  (sentence, marker) key), up to ``--old-max`` paragraphs;
* ``tokenize``, ``paragraphs``, ``sentencizer``: spaCy's tokenizer, the paragraph-break
  component of :mod:`analysis.document.nlp` (it sets ``is_sent_start`` after each blank
  line) and spaCy's sentencizer; ``parse``: the whole :func:`~analysis.document.nlp.parse`.
  Up to ``--nlp-max`` paragraphs. The paragraph step was quadratic (spaCy's
  ``is_sent_start`` setter scans the document on every call: about 7 minutes at 40,000
  paragraphs); it now writes the flags in one ``Doc.from_array`` (0.37 s at 32,000).

The lexicon part runs on the :class:`~analysis.document.nlp.Parsed` record of the long
document built by repeating the record of one paragraph (checked equal to ``parse`` of the
text at the smallest size), so the NLP steps do not bound the sizes measured.

Takes about a minute by default. Usage::

    python bench/bench_linear.py [--sizes 1000,4000,10000,40000] [--old-max 4000]
        [--nlp-max 40000] [--repeats 3] [--big]

``--big`` adds 100,000 and 200,000 paragraphs for the lexicon part and times the NLP steps
up to 10,000 paragraphs (a few minutes).
"""

from __future__ import annotations

import argparse
import time

PARAGRAPH = "Bullying ends where friendship begins, and bullying never wins."
SEPARATOR = "\n\n"
DEFAULT_SIZES = (1_000, 4_000, 10_000, 40_000)
NLP_SIZES = (1_000, 2_000, 4_000, 10_000, 40_000)


def quadratic_lexicon_part(parsed, compiled) -> list[float]:
    """The masked compounds as computed before issue 16 (one scan of all matches per key)."""
    from analysis.document import markers as mk
    from analysis.document import tone as st

    frame_matches = mk.match_frames(parsed, compiled)
    masked, done = [], {}
    for m in frame_matches:
        k = (m.sent_id, m.group, m.marker)
        if k not in done:
            s, e = parsed.sentences[m.sent_id]
            spans = [
                (o.start - s, o.end - s)
                for o in frame_matches
                if o.sent_id == m.sent_id and o.marker == m.marker and o.group == m.group
            ]
            done[k] = st.score_masked(parsed.text[s:e], spans)
        masked.append(done[k])
    return masked


def repeated(n: int):
    """The Parsed record of ``n`` copies of PARAGRAPH joined by blank lines."""
    from analysis.document.nlp import Parsed, parse

    one = parse(PARAGRAPH)
    step = len(PARAGRAPH) + len(SEPARATOR)
    shifts = range(0, n * step, step)
    return Parsed(
        text=SEPARATOR.join([PARAGRAPH] * n),
        lower=one.lower * n,
        lemma=one.lemma * n,
        start=[s + k for k in shifts for s in one.start],
        end=[e + k for k in shifts for e in one.end],
        sent=[i for i in range(n) for _ in one.sent],
        is_num=one.is_num * n,
        sentences=[(k + s, k + e) for k in shifts for s, e in one.sentences],
    )


def timed(fn, *args, repeats: int = 1):
    """``fn(*args)`` and its best time of ``repeats`` calls, with the cyclic garbage collector
    paused as the pipeline runs the per-document pass (:func:`analysis.runner.pool.gc_paused`;
    with it on, its growing scans add 1.5x at 10,000 paragraphs)."""
    from analysis.runner.pool import gc_paused

    best = float("inf")
    for _ in range(repeats):
        with gc_paused():
            t0 = time.perf_counter()
            out = fn(*args)
            best = min(best, time.perf_counter() - t0)
    return out, best


def lexicon_row(n: int, compiled, *, old: bool, repeats: int) -> dict[str, float]:
    """Seconds per match of the lexicon part (and of the old one) for N paragraphs."""
    from analysis.document.process import lexicon_part

    parsed = repeated(n)
    (matches, masked, _), t_lex = timed(lexicon_part, parsed, compiled, repeats=repeats)
    row = {"matches": len(matches), "lexicon": t_lex / len(matches)}
    if old:
        before, t_old = timed(quadratic_lexicon_part, parsed, compiled)
        assert before == masked  # the same results
        row["old lexicon"] = t_old / len(matches)
    return row


def nlp_row(n: int, *, repeats: int) -> dict[str, float]:
    """Seconds per paragraph of each NLP step for N paragraphs (the paragraph step
    and the whole parse are timed once)."""
    from analysis.document.nlp import get_nlp, parse

    nlp = get_nlp()
    text = SEPARATOR.join([PARAGRAPH] * n)
    doc, t_tok = timed(nlp.make_doc, text, repeats=repeats)
    doc, t_par = timed(nlp.get_pipe("framing_paragraphs"), doc)
    _, t_sen = timed(nlp.get_pipe("sentencizer"), doc, repeats=repeats)
    parsed, t_parse = timed(parse, text)
    assert len(parsed.sentences) == n
    return {"tokenize": t_tok / n, "paragraphs": t_par / n, "sentencizer": t_sen / n} | {
        "parse": t_parse / n
    }


def report(title: str, rows: dict[int, dict[str, float]], columns: tuple[str, ...]) -> None:
    print(f"\n{title}")
    print(f"{'paragraphs':>10} " + " ".join(f"{c:>12}" for c in columns))
    for n, row in rows.items():
        cells = [f"{row[c] * 1e6:12.2f}" if c in row else f"{'-':>12}" for c in columns]
        print(f"{n:>10,} " + " ".join(cells))
    print("per-unit time, largest / smallest size (1.00 = flat):")
    for c in columns:
        have = [n for n in rows if c in rows[n]]
        if len(have) >= 2:
            lo, hi = have[0], have[-1]
            print(f"  {c:<12} {rows[hi][c] / rows[lo][c]:6.2f}  ({lo:,} → {hi:,} paragraphs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sizes_type = lambda s: tuple(int(x) for x in s.split(","))  # noqa: E731
    parser.add_argument("--sizes", type=sizes_type, default=DEFAULT_SIZES)
    parser.add_argument("--old-max", type=int, default=4_000)
    parser.add_argument("--nlp-max", type=int, default=40_000)
    parser.add_argument("--repeats", type=int, default=3, help="best of R runs (default 3)")
    parser.add_argument("--big", action="store_true")
    args = parser.parse_args()
    sizes = (*args.sizes, *((100_000, 200_000) if args.big else ()))
    nlp_max = max(args.nlp_max, 10_000 if args.big else 0)

    from analysis.document.lexicon import load_lexicon
    from analysis.document.nlp import parse
    from analysis.document.process import compiled_lexicon

    assert repeated(sizes[0]) == parse(SEPARATOR.join([PARAGRAPH] * sizes[0]))
    compiled = compiled_lexicon(load_lexicon())
    lexicon_row(100, compiled, old=True, repeats=1)  # warm up spaCy, VADER, the lemmas
    r = args.repeats
    lex = {n: lexicon_row(n, compiled, old=n <= args.old_max, repeats=r) for n in sizes}
    report("lexicon part: µs per match", lex, ("lexicon", "old lexicon"))
    nlp = {n: nlp_row(n, repeats=r) for n in NLP_SIZES if n <= nlp_max}
    columns = ("tokenize", "paragraphs", "sentencizer", "parse")
    report("NLP pass: µs per paragraph (analysis/document/nlp.py)", nlp, columns)


if __name__ == "__main__":
    main()
