"""framing: compare how news sources of different origin frame the same relationship.

The public API is re-exported lazily (importing :mod:`analysis` loads nothing heavy):

>>> import analysis
>>> docs = analysis.load_corpus("seeds")            # doctest: +SKIP
>>> results = analysis.analyze("seeds")             # doctest: +SKIP
"""

from importlib import import_module

_EXPORTS = {
    "load_corpus": "analysis.read.corpus",
    "analyze": "analysis.runner.pipeline",
    "load_lexicon": "analysis.document.lexicon",
    "find_markers": "analysis.document.markers",
    "marker_counts": "analysis.document.markers",
    "kwic": "analysis.document.markers",
    "keyness": "analysis.stats.keyness",
    "top_terms": "analysis.stats.keyness",
    "frame_rates": "analysis.stats.rates",
    "aggregate_sentiment": "analysis.stats.tone",
    "bootstrap_ratio": "analysis.stats.bootstrap",
    "load_outlets": "analysis.read.outlets",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__():
    return __all__
