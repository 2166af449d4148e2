"""framing: compare how news sources of different origin frame the same relationship.

The public API is re-exported lazily (importing :mod:`analysis` loads nothing heavy):

>>> import analysis
>>> project = analysis.open_project("seeds/framing.toml")   # doctest: +SKIP
>>> project.documents                                       # doctest: +SKIP

A project (``framing.toml``) names a corpus and the options of its analysis; its output
directory is the results store. :func:`run` analyses a project into its store (with the
caches) exactly as ``framing analyze --config`` does; :func:`open_project` opens the store and
runs the project only when the store is missing or stale; :func:`load_results` opens any
output directory. :func:`analyze` analyses a corpus in memory (no store, no run cache).
The statistics and plots are table in, table out.
"""

from importlib import import_module

_EXPORTS = {
    # projects and runs
    "RunOptions": "analysis.runner.project",
    "run": "analysis.runner.project:run_project",
    "open_project": "analysis.runner.project",
    "load_project": "analysis.runner.projectfile",
    "load_results": "analysis.runner.store",
    "analyze": "analysis.runner.pipeline",
    # reading
    "load_corpus": "analysis.read.corpus",
    "load_outlets": "analysis.read.outlets",
    # the per-document pass
    "load_lexicon": "analysis.document.lexicon",
    "find_markers": "analysis.document.markers",
    "marker_counts": "analysis.document.markers",
    "kwic": "analysis.document.markers",
    # statistics
    "keyness": "analysis.stats.keyness",
    "top_terms": "analysis.stats.keyness",
    "frame_rates": "analysis.stats.rates",
    "marker_rates": "analysis.stats.rates",
    "aggregate_sentiment": "analysis.stats.tone",
    "frame_tone_table": "analysis.stats.tone",
    "TONE_VERSIONS": "analysis.stats.tone",
    "bootstrap_ratio": "analysis.stats.bootstrap",
    "add_period": "analysis.stats.periods",
    "add_era": "analysis.stats.periods",
    # document-level models
    "rate_models": "analysis.stats.models",
    "rate_trends": "analysis.stats.models",
    "before_after": "analysis.stats.models",
    "keyness_intervals": "analysis.stats.keyness_ci",
    "rate_ratio_points": "analysis.runner.model_tables",
    # text reuse
    "find_reuse": "analysis.stats.reuse",
    "shared_passages": "analysis.stats.shingles",
    "amplification": "analysis.stats.amplification",
    "policy_effect": "analysis.stats.dedupe",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module, _, attr = _EXPORTS[name].partition(":")
        return getattr(import_module(module), attr or name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__():
    return __all__
