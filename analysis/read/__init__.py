"""Reading corpora: directories of dated ``.txt`` files and table exports.

The public API is re-exported lazily (importing :mod:`analysis.read` loads nothing heavy);
each name is defined in the module given in :data:`EXPORTS`, where the toolkit imports it.
"""

from importlib import import_module

#: Public name → the module that defines it.
EXPORTS = {
    "CorpusError": "analysis.read.corpus",
    "Document": "analysis.read.corpus",
    "DuplicateWarning": "analysis.read.corpus",
    "is_table": "analysis.read.corpus",
    "load_corpus": "analysis.read.corpus",
    "read_corpus": "analysis.read.corpus",
    "documents_frame": "analysis.read.corpus",
    "clean_text": "analysis.read.clean",
    "split_header": "analysis.read.clean",
    "parse_date": "analysis.read.dates",
    "DateError": "analysis.read.dates",
    "DateParser": "analysis.read.dateshapes",
    "DateSurvey": "analysis.read.dateorder",
    "DatePrecisionWarning": "analysis.read.dateorder",
    "parse_origin_map": "analysis.read.resolve",
    "OutletResolver": "analysis.read.resolve",
    "inspect_corpus": "analysis.read.inspect",
    "Inspection": "analysis.read.inspect",
    "read_documents": "analysis.read.directory",
    "corpus_files": "analysis.read.directory",
    "read_manifest": "analysis.read.manifest",
    "read_table": "analysis.read.table",
    "load_table": "analysis.read.table",
    "iter_table_documents": "analysis.read.table",
    "TableCorpus": "analysis.read.spill",
    "ColumnMapping": "analysis.read.columns",
    "resolve_columns": "analysis.read.columns",
    "table_columns": "analysis.read.columns",
    "load_outlets": "analysis.read.outlets",
    "OutletRegistry": "analysis.read.outlets",
    "RegistryError": "analysis.read.outlets",
}

__all__ = sorted(EXPORTS)


def __getattr__(name: str):
    if name in EXPORTS:
        return getattr(import_module(EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis.read' has no attribute {name!r}")


def __dir__():
    return __all__
