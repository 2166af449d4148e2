"""framing: compare how news sources of different origin frame the same relationship.

The public API is re-exported lazily (importing :mod:`analysis` loads nothing heavy):

>>> import analysis
>>> docs = analysis.load_corpus("seeds")            # doctest: +SKIP
>>> results = analysis.analyze("seeds")             # doctest: +SKIP
"""

from importlib import import_module

_EXPORTS = {
    "load_corpus": "analysis.corpus",
    "analyze": "analysis.pipeline",
    "load_lexicon": "analysis.lexicon",
    "find_markers": "analysis.markers",
    "marker_counts": "analysis.markers",
    "kwic": "analysis.markers",
    "keyness": "analysis.compare",
    "top_terms": "analysis.compare",
    "frame_rates": "analysis.compare",
    "aggregate_sentiment": "analysis.sentiment",
    "bootstrap_ratio": "analysis.stats",
    "load_outlets": "analysis.outlets",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__():
    return __all__
