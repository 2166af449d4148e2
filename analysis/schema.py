"""Every table's columns and every input role with its aliases, in one place.

Longer than ~400 lines because it is the one list of every table's columns, by design.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

__all__ = [
    "AMPLIFICATION_TABLE_COLUMNS",
    "AUDIT_COLUMNS",
    "BOOL_COLUMNS",
    "BEFORE_AFTER_COLUMNS",
    "BOOTSTRAP_COLUMNS",
    "COLUMN_ALIASES",
    "DOC_TABLES",
    "DOCUMENT_COLUMNS",
    "FLOAT_COLUMNS",
    "INT_COLUMNS",
    "FRAME_RATE_COLUMNS",
    "INPUT_ROLES",
    "KEYNESS_COLUMNS",
    "QUOTE_COLUMNS",
    "RATE_VOICES",
    "KEYNESS_WORD_COLUMNS",
    "MODEL_TABLE_COLUMNS",
    "RATE_MODEL_COLUMNS",
    "REUSE_DEFAULTS",
    "REUSE_TABLE_COLUMNS",
    "SCORE_COLUMNS",
    "SKIPPED_COLUMNS",
    "TABLE_COLUMNS",
    "TOP_TERM_COLUMNS",
    "TREND_COLUMNS",
    "Role",
    "require_columns",
]


#: Columns of ``quotes.csv``: the non-narrator spans of :func:`analysis.document.voice.voice_spans`
#: (``span_id`` counts every span of the document, narrator spans included).
QUOTE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "span_id",
    "voice",
    "partial",
    "start",
    "end",
    "speaker",
    "speaker_actor",
    "cue",
    "text",
)

#: The voices of ``frame_rates.csv`` (``all``: every word token and match).
RATE_VOICES: tuple[str, ...] = ("all", "narrator", "quote", "reported")


#: Metadata columns of a loaded corpus (``load_corpus`` adds ``text``).
DOCUMENT_COLUMNS = (
    "doc_id",
    "file",
    "outlet",
    "origin",
    "affiliation",
    "title",
    "date",
    "duplicate_of",
    "sha256",
    "date_precision",
    "country",
    "outlet_source",
)


#: Columns of every table :func:`analyze` produces (also the CSV headers).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        *DOCUMENT_COLUMNS[:7],  # doc_id ... date
        "n_tokens",
        "n_sentences",
        "sentiment",
        "share_positive",
        "share_negative",
        *DOCUMENT_COLUMNS[7:],  # duplicate_of ... outlet_source
        "n_tokens_narrator",
        "n_tokens_quote",
        "n_tokens_reported",
        "reuse_cluster",
        "first_in_cluster",
    ),
    "terms": ("doc_id", "term", "count"),
    "sentences": (
        "doc_id",
        "sent_id",
        "start",
        "end",
        "text",
        "compound",
        "pos",
        "neu",
        "neg",
        "voice",
        "mixed",
        "speaker",
    ),
    "matches": (
        "doc_id",
        "sent_id",
        "frame",
        "marker",
        "start",
        "end",
        "text",
        "voice",
        "speaker",
    ),
    #: Sparse: one row per document × (frame, marker) with a non-zero ``count`` (absent = 0;
    #: a document without markers has no row), sorted by ``doc_id`` then (frame, marker); the
    #: dense table is ``markers_dense()`` (:mod:`analysis.stats.marker_table`).
    "markers": ("doc_id", "frame", "marker", "count"),
    "marker_sentiment": ("doc_id", "sent_id", "frame", "marker", "compound", "compound_masked"),
    "actor_sentiment": ("doc_id", "sent_id", "actor", "compound"),
    #: The quoted and reported spans of each document (:func:`analysis.document.voice.voice_spans`,
    #: narrator spans left out).
    "quotes": QUOTE_COLUMNS,
}


#: Columns of :func:`keyness` (and ``keyness.csv``).
KEYNESS_COLUMNS: tuple[str, ...] = (
    "comparison",
    "group",
    "reference",
    "term",
    "count_group",
    "count_reference",
    "rate_group",
    "rate_reference",
    "log_odds",
    "z",
    "g2",
    "p",
    "q",
    "log_odds_ci_low",
    "log_odds_ci_high",
    "ci_method",
    "doc_share_group",
    "doc_share_reference",
)
#: Columns of :func:`keyness` itself: ``keyness.csv`` appends the document-bootstrap
#: interval and doc shares of :func:`analysis.stats.keyness_ci.keyness_intervals`.
KEYNESS_WORD_COLUMNS: tuple[str, ...] = KEYNESS_COLUMNS[:13]


#: Columns of :func:`top_terms`.
TOP_TERM_COLUMNS: tuple[str, ...] = ("group", "rank", "term", "count", "rate")


#: Columns of :func:`frame_rates` (and ``frame_rates.csv``) for the default ``by=("origin",)``
#: and a ``voice`` (``voice=None`` leaves the ``voice`` column out).
FRAME_RATE_COLUMNS: tuple[str, ...] = (
    "origin",
    "voice",
    "period",
    "frame",
    "marker",
    "count",
    "n_tokens",
    "rate",
    "ci_low",
    "ci_high",
    "n_docs",
)


#: Columns of :func:`analysis.stats.models.rate_models` (and ``rate_models.csv``).
RATE_MODEL_COLUMNS: tuple[str, ...] = (
    "frame",
    "marker",
    "contrast",
    "group",
    "reference",
    "period",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p",
    "q",
    "n_docs_group",
    "n_docs_reference",
    "model",
    "se_type",
)
#: Columns of :func:`analysis.stats.models.rate_trends` (and ``rate_trends.csv``).
TREND_COLUMNS: tuple[str, ...] = (
    "frame",
    "marker",
    "group",
    "period",
    "reference_period",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p",
    "q",
    "n_docs_period",
    "n_docs_reference_period",
    "model",
    "se_type",
)
#: Columns of :func:`analysis.stats.models.before_after` (and ``framing compare --out``).
BEFORE_AFTER_COLUMNS: tuple[str, ...] = (
    "frame",
    "marker",
    "contrast",
    "group",
    "reference",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p",
    "q",
    "n_docs_before",
    "n_docs_after",
    "n_docs_reference_before",
    "n_docs_reference_after",
    "model",
    "se_type",
)
#: The model tables a run writes (``NAME.csv``) after ``keyness`` and ``frame_rates``.
MODEL_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "rate_models": RATE_MODEL_COLUMNS,
    "rate_trends": TREND_COLUMNS,
}
#: The reuse columns of ``documents`` (:mod:`analysis.stats.reuse`) and their value for a
#: document in no reuse cluster (also every document's value when the reuse pass is off):
#: ``reuse_cluster`` is the doc_id of the cluster's first document (by date, then doc_id),
#: ``first_in_cluster`` whether the document is that first one.
REUSE_DEFAULTS: dict[str, object] = {"reuse_cluster": "", "first_in_cluster": True}


#: Columns of ``reuse.csv``: one row per pair of reused texts (``doc_id < other_doc_id``),
#: see :data:`analysis.stats.reuse.REUSE_COLUMNS`.
REUSE_TABLE_COLUMNS: tuple[str, ...] = (
    "doc_id",
    "other_doc_id",
    "kind",
    "jaccard",
    "containment",
    "earlier",
    "lag_days",
    "same_outlet",
    "same_origin",
    "link",
)


#: Columns of ``amplification.csv``: ``level`` (``origin`` or ``outlet``), then
#: :data:`analysis.stats.amplification.AMPLIFICATION_COLUMNS`.
AMPLIFICATION_TABLE_COLUMNS: tuple[str, ...] = (
    "level",
    "source",
    "receiving",
    "clusters_shared",
    "source_first",
    "same_day",
    "median_lag_days",
    "receiving_docs",
    "reprints",
    "share_reprints",
)


#: Columns of the audit sheet.
AUDIT_COLUMNS = (
    "frame",
    "marker",
    "n_hits",
    "doc_id",
    "sent_id",
    "start",
    "end",
    "left",
    "match",
    "right",
    "relevant",
)


#: Columns of the precision table.
SCORE_COLUMNS = (
    "level",
    "frame",
    "marker",
    "n_hits",
    "n_judged",
    "n_relevant",
    "precision",
    "ci_low",
    "ci_high",
)


Role = Literal["text", "date", "outlet", "origin", "id", "url", "title", "file"]


#: Column names recognised for each role when no ``*_col`` option is given, in order of
#: preference. Matching ignores case, spaces, ``_`` and ``-`` (``Source Name`` = ``source_name``,
#: ``Original URL`` = ``original-url``, ``PubDate`` = ``pub_date``); blank header cells and
#: pandas' ``Unnamed: N`` columns are ignored. One column may play two roles (``url`` is the
#: id and the URL of a table whose only such column is ``url``); two columns matching one
#: role's name are an error. The roles:
#:
#: - ``text``: the article; ``date``: its date (:mod:`analysis.read.dates`);
#: - ``outlet``: who published it (looked up in the outlet registry); ``origin``: its origin
#:   (overrides the registry's; mapped by ``--origin-map``);
#: - ``id``: the document id (default: the row number); ``url``: the article's URL, whose
#:   registered domain identifies an outlet the name does not;
#: - ``title``: the headline; ``file``: the article's original file name.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "content",
        "body",
        "article",
        "article_text",
        "full_text",
        "story",
        "maintext",
    ),
    "date": (
        "date",
        "publish_date",
        "published",
        "pubdate",
        "date_published",
        "published_date",
        "publication_date",
        "published_at",
        "datetime",
        "created_at",
    ),
    "outlet": (
        "outlet",
        "source",
        "source_name",
        "media_name",
        "publication",
        "publisher",
        "site",
        "domain",
        "media",
        "newspaper",
    ),
    "origin": ("origin",),
    "id": ("id", "doc_id", "url", "original_url", "link", "guid", "article_id"),
    "url": ("url", "original_url", "link", "article_url", "source_url"),
    "title": ("title", "headline", "heading"),
    "file": ("file", "filename"),
}


#: Columns of :attr:`TableCorpus.skipped` (and ``skipped.csv``).
SKIPPED_COLUMNS = ("row", "doc_id", "column", "reason", "detail")


#: Columns of :func:`bootstrap_ratio` after the ``by`` columns.
BOOTSTRAP_COLUMNS: tuple[str, ...] = ("estimate", "ci_low", "ci_high", "n_docs", "n_rows")


#: The roles a column of an input table can play, in the order the options are listed.
INPUT_ROLES: tuple[str, ...] = tuple(COLUMN_ALIASES)


#: Integer columns of the output tables (every column not listed here or in
#: :data:`FLOAT_COLUMNS` is a string).
INT_COLUMNS = frozenset(
    {"n_tokens", "n_sentences", "count", "sent_id", "start", "end"}
    | {"count_group", "count_reference", "n_docs", "rank", "span_id"}
    | {"n_tokens_narrator", "n_tokens_quote", "n_tokens_reported"}
    | {"n_docs_group", "n_docs_reference", "n_docs_period", "n_docs_reference_period"}
    | {"n_docs_before", "n_docs_after", "n_docs_reference_before", "n_docs_reference_after"}
    | {"lag_days", "clusters_shared", "source_first", "same_day", "receiving_docs", "reprints"}
)
#: Boolean columns of the output tables (``True``/``False`` in a CSV, as pandas writes them).
BOOL_COLUMNS = frozenset({"mixed", "partial", "first_in_cluster", "same_outlet", "same_origin"})
#: Float columns of the output tables (empty in a CSV = NaN).
FLOAT_COLUMNS = frozenset(
    {"sentiment", "share_positive", "share_negative", "compound", "pos", "neu", "neg"}
    | {"compound_masked", "rate", "rate_group", "rate_reference", "log_odds", "z", "g2", "p", "q"}
    | {"ci_low", "ci_high"}
    | {"rate_ratio", "log_odds_ci_low", "log_odds_ci_high", "doc_share_group"}
    | {"doc_share_reference"}
    | {"jaccard", "containment", "median_lag_days", "share_reprints"}
)


def require_columns(
    df: object,
    columns: Sequence[str],
    *,
    where: str = "",
    name: str = "",
    error: type[Exception] = ValueError,
) -> None:
    """Check that ``df`` is a DataFrame with ``columns``, else raise ``error``.

    The message reads ``"{where}: {name} table is missing column(s) [...]; it has [...]"``
    (``where`` and ``name`` are optional: ``"keyness"`` / ``"terms"``).
    """
    import pandas as pd

    prefix = f"{where}: " if where else ""
    label = f"{name} table" if name else "table"
    if not isinstance(df, pd.DataFrame):
        raise error(f"{prefix}{label} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise error(f"{prefix}{label} is missing column(s) {missing}; it has {list(df.columns)}")


#: The tables whose rows come straight from the per-document pass (documents are built in
#: the main process; ``markers`` needs the lexicon's marker pairs, see
#: :func:`analysis.runner.assemble.batch_tables`).
DOC_TABLES: tuple[str, ...] = (
    "terms",
    "sentences",
    "matches",
    "markers",
    "marker_sentiment",
    "actor_sentiment",
    "quotes",
)
