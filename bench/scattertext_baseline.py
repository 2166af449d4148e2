"""scattertext's parse + corpus + one log-odds ratio on a headline CSV (issue 23's peer).

Run with the bench environment's Python (``make bench-peers`` creates ``.venv-bench`` from
``bench/requirements-peers.txt``; scattertext is never a dependency of framing). Reads the
CSV (``origin`` and ``text`` columns), parses every text with spaCy ``blank("en")`` + a
sentencizer (scattertext needs parsed documents; this is the same tokenizer framing uses),
builds the term-document matrix with ``CorpusFromParsedDocuments`` and scores one
comparison (``russian`` against the rest) with ``LogOddsRatioInformativeDirichletPrior``.
Prints one line: ``seconds <wall seconds> docs <n>`` (the CSV read is excluded, as framing's
floor excludes it).

Usage: ``.venv-bench/bin/python bench/scattertext_baseline.py HEADLINES.csv``
"""

from __future__ import annotations

import sys
import time


def main(path: str) -> int:
    import pandas as pd
    import scattertext as st
    import spacy

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    start = time.perf_counter()
    df["parse"] = list(nlp.pipe(df["text"], batch_size=64))
    corpus = st.CorpusFromParsedDocuments(df, category_col="origin", parsed_col="parse").build()
    others = [c for c in corpus.get_categories() if c != "russian"]
    scorer = st.LogOddsRatioInformativeDirichletPrior(corpus.get_term_freq_df().sum(axis=1))
    frequencies = corpus.get_term_freq_df()
    fg = frequencies["russian freq"]
    bg = frequencies[[f"{c} freq" for c in others]].sum(axis=1)
    scorer.get_scores(fg, bg)
    print(f"seconds {time.perf_counter() - start:.3f} docs {len(df)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
