"""Table corpora: CSV / JSONL / Parquet input (analysis.read.table and its modules)."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import astuple, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis.config import SEEDS_DIR
from analysis.read.clean import split_header
from analysis.read.columns import ColumnMapping, resolve_columns, table_columns
from analysis.read.corpus import CorpusError, DuplicateWarning, load_corpus, read_corpus
from analysis.read.dates import parse_date
from analysis.read.directory import read_documents
from analysis.read.spill import TableCorpus
from analysis.read.table import iter_table_documents, load_table, read_table
from analysis.schema import SKIPPED_COLUMNS

# A monitoring-tool export ("Source Name, Date, Original URL, Title, Content").
EXPORT = [
    {
        "Source Name": "Russia Today",
        "Date": "2023-05-04T23:30:00-05:00",
        "Original URL": "https://rt.example/1",
        "Title": "Talks  in\nMoscow",
        "Content": "MOSCOW, May 4. /TASS/. Leaders met.\r\n\r\nThey talked.",
    },
    {
        "Source Name": "xinhua news agency",
        "Date": "2023-05-04",
        "Original URL": "https://x.example/2",
        "Title": "",
        "Content": "BEIJING, May 4 (Xinhua) -- Xi met Putin.",
    },
    {
        "Source Name": "The Guardian",
        "Date": "2023-05-05T00:10:00+02:00",
        "Original URL": "https://g.example/3",
        "Title": "Analysis",
        "Content": "A long read.",
    },
]

# (doc_id, file, outlet, origin, affiliation, date, text, sha256 prefix, duplicate_of, title)
EXPECTED = [
    ("https://g.example/3", "#3", "The Guardian", "third-party", "independent", "2023-05-04"),
    ("https://rt.example/1", "#1", "RT", "russian", "state", "2023-05-05"),
    ("https://x.example/2", "#2", "Xinhua", "chinese", "state", "2023-05-04"),
]
EXPECTED_TEXTS = ["A long read.", "Leaders met.\n\nThey talked.", "Xi met Putin."]
EXPECTED_TITLES = ["Analysis", "Talks in Moscow", ""]


def write_csv(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> Path:
    fieldnames = fieldnames or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fieldnames)
        w.writeheader()
        w.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n\n" for r in rows), encoding="utf-8"
    )
    return path


def write_parquet(path: Path, rows: list[dict], schema: pa.Schema | None = None) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def summary(docs) -> list[tuple]:
    return [(d.doc_id, d.file, d.outlet, d.origin, d.affiliation, d.date) for d in docs]


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".ndjson", ".parquet"])
def test_each_format_reads_the_same_documents(tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    {".csv": write_csv, ".jsonl": write_jsonl, ".ndjson": write_jsonl}.get(suffix, write_parquet)(
        path, EXPORT
    )
    with read_table(path) as docs:
        assert isinstance(docs, TableCorpus)
        assert docs.format == {".ndjson": "jsonl"}.get(suffix, suffix[1:])
        assert docs.columns == ColumnMapping(
            text="Content",
            date="Date",
            outlet="Source Name",
            id="Original URL",
            title="Title",
            url="Original URL",
        )
        assert docs.n_rows == 3 and len(docs) == 3
        assert summary(docs) == [(i, f"export{suffix}{f}", *rest) for i, f, *rest in EXPECTED]
        assert [d.text for d in docs] == EXPECTED_TEXTS
        assert [d.title for d in docs] == EXPECTED_TITLES
        assert [d.duplicate_of for d in docs] == ["", "", ""]
        assert docs[1].sha256 == hashlib.sha256(b"Leaders met.\n\nThey talked.").hexdigest()
        assert docs.skipped.empty and list(docs.skipped.columns) == list(SKIPPED_COLUMNS)


def test_sequence_protocol_and_close(tmp_path):
    docs = read_table(write_csv(tmp_path / "e.csv", EXPORT))
    assert docs[-1].doc_id == "https://x.example/2"
    assert [d.doc_id for d in docs[0:2]] == ["https://g.example/3", "https://rt.example/1"]
    with pytest.raises(IndexError):
        docs[3]
    assert repr(docs) == "TableCorpus('" + str(tmp_path / "e.csv") + "', n_rows=3, " + (
        "n_documents=3, n_skipped=0)"
    )
    docs.close()
    docs.close()  # idempotent


def test_iter_and_load_table(tmp_path):
    path = write_csv(tmp_path / "e.csv", EXPORT)
    assert [d.doc_id for d in iter_table_documents(path)] == [e[0] for e in EXPECTED]
    df = load_table(path)
    assert list(df.columns) == [
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
        "text",
    ]
    assert list(df.title) == EXPECTED_TITLES
    # load_corpus and read_corpus accept table files too
    assert load_corpus(path).equals(df)
    assert summary(read_corpus(path)) == summary(read_table(path))


def test_chunked_reading_gives_the_same_result(tmp_path):
    rows = [
        {"source": "TASS", "date": "2024-01-02", "body": f"Article number {i}."} for i in range(7)
    ]
    for suffix, writer in (
        (".csv", write_csv),
        (".jsonl", write_jsonl),
        (".parquet", write_parquet),
    ):
        path = writer(tmp_path / f"t{suffix}", rows)
        small = [astuple(d)[2:] for d in read_table(path, chunksize=2)]
        big = [astuple(d)[2:] for d in read_table(path, chunksize=1000)]
        assert small == big
        assert len(small) == 7


def test_chunks_are_bounded(tmp_path):
    from analysis.read.columns import iter_chunks

    rows = [{"text": f"t{i}", "date": "2024-01-01", "n": i} for i in range(5)]
    for suffix, writer in (
        (".csv", write_csv),
        (".jsonl", write_jsonl),
        (".parquet", write_parquet),
    ):
        path = writer(tmp_path / f"t{suffix}", rows)
        fmt = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}[suffix]
        sizes = [len(c["text"]) for c in iter_chunks(path, fmt, ["text", "date"], 2)]
        assert sizes == [2, 2, 1]


def test_jsonl_columns_are_the_keys_of_all_lines(tmp_path):
    """Keys first seen on a later line are columns too; a line without a key has it empty."""
    path = write_jsonl(
        tmp_path / "t.jsonl",
        [
            {"source": "TASS", "date": "2024-01-01", "text": "One."},
            {
                "source": "My Blog",
                "origin": "chinese",
                "title": "Second  title",
                "date": "2024-01-02",
                "text": "Two.",
            },
            {"text": "Three.", "date": "2024-01-03", "source": "Sputnik", "origin": "third-party"},
            {"text": "Four.", "date": "2024-01-04", "source": "Xinhua", "title": None},
        ],
    )
    assert table_columns(path) == ["source", "date", "text", "origin", "title"]
    docs = read_table(path)
    assert docs.columns == ColumnMapping(
        text="text", date="date", outlet="source", origin="origin", title="title"
    )
    assert [(*s, d.title, d.text) for s, d in zip(summary(docs), docs, strict=True)] == [
        ("000001", "t.jsonl#1", "TASS", "russian", "state", "2024-01-01", "", "One."),
        ("000002", "t.jsonl#2", "My Blog", "chinese", "", "2024-01-02", "Second title", "Two."),
        ("000003", "t.jsonl#3", "Sputnik", "third-party", "state", "2024-01-03", "", "Three."),
        ("000004", "t.jsonl#4", "Xinhua", "chinese", "state", "2024-01-04", "", "Four."),
    ]


def test_jsonl_first_line_without_a_date(tmp_path):
    """The date column exists although line 1 lacks it: line 1 has an empty date."""
    rows = [
        {"text": "One.", "source": "TASS"},
        {"text": "Two.", "source": "TASS", "date": "2024-01-02"},
    ]
    path = write_jsonl(tmp_path / "t.jsonl", rows)
    with pytest.raises(CorpusError) as info:
        read_table(path)
    assert str(info.value) == f"{path}: bad_date in column 'date': 1 row(s):\n  row 1: empty date"
    # with a date header in the text, the empty date falls back to it
    rows[0]["text"] = "date 2024-05-14\nOne."
    docs = read_table(write_jsonl(tmp_path / "t.jsonl", rows))
    assert [(d.doc_id, d.date, d.text) for d in docs] == [
        ("000001", "2024-05-14", "One."),
        ("000002", "2024-01-02", "Two."),
    ]


# ---------------------------------------------------------------- column names


def test_media_cloud_style_names(tmp_path):
    rows = [
        {
            "media_name": "Global Times",
            "publish_date": "2022-02-04 10:00:00",
            "title": "Winter Games",
            "text": "Friendship without limits.",
        }
    ]
    (doc,) = read_table(write_csv(tmp_path / "mc.csv", rows))
    assert (doc.doc_id, doc.outlet, doc.origin, doc.affiliation, doc.date, doc.title) == (
        "000001",
        "Global Times",
        "chinese",
        "state",
        "2022-02-04",
        "Winter Games",
    )


def test_source_date_body_and_row_number_ids(tmp_path):
    rows = [
        {"SOURCE": "Reuters", "Date": "2024-03-01", "Body": "First."},
        {"SOURCE": "AP", "Date": "2024-03-02", "Body": "Second."},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows))
    assert summary(docs) == [
        ("000001", "t.csv#1", "Reuters", "third-party", "independent", "2024-03-01"),
        ("000002", "t.csv#2", "AP", "third-party", "independent", "2024-03-02"),
    ]
    assert docs.columns == ColumnMapping(text="Body", date="Date", outlet="SOURCE")


def test_resolve_columns_aliases_priority_and_explicit():
    cols = ["URL", "id", "Pub-Date", "Headline", "Content", "Media Name", "Origin"]
    assert resolve_columns(cols) == ColumnMapping(
        text="Content",
        date="Pub-Date",
        outlet="Media Name",
        origin="Origin",
        id="id",
        title="Headline",
        url="URL",
    )
    assert resolve_columns(cols, id_col="url", text_col="Headline", title_col="Content") == (
        ColumnMapping(
            text="Headline",
            date="Pub-Date",
            outlet="Media Name",
            origin="Origin",
            id="URL",
            title="Content",
            url="URL",
        )
    )


def test_resolve_columns_errors_name_the_problem():
    with pytest.raises(CorpusError) as info:
        resolve_columns(["headline", "when"], date_col="day", where="x.csv")
    assert str(info.value) == (
        "2 problem(s) in the corpus:\n"
        "x.csv: --date-col 'day' is not a column of the table; columns are 'headline', 'when'\n"
        "x.csv: no text column (looked for text, content, body, article, article_text, "
        "full_text, story, maintext, case-insensitively); name it with --text-col; columns are "
        "'headline', 'when'"
    )
    with pytest.raises(CorpusError, match="columns 'Date', 'date' could all be the date column"):
        resolve_columns(["text", "Date", "date"])


def test_explicit_columns_on_a_table(tmp_path):
    rows = [{"art": "Hello world.", "when": "2024-01-01", "who": "Meduza", "key": "m1"}]
    path = write_csv(tmp_path / "t.csv", rows)
    (doc,) = read_table(path, text_col="art", date_col="WHEN", outlet_col="who", id_col="key")
    assert (doc.doc_id, doc.outlet, doc.origin, doc.affiliation, doc.text) == (
        "m1",
        "Meduza",
        "russian",
        "independent",
        "Hello world.",
    )
    assert table_columns(path) == ["art", "when", "who", "key"]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-04", "2023-05-04"),
        (" 2023-05-04 ", "2023-05-04"),
        ("2023-05-04T12:30:00Z", "2023-05-04"),
        ("2023-05-04t23:59:59z", "2023-05-04"),
        ("2023-05-04T23:30:00-05:00", "2023-05-05"),
        ("2023-05-05T01:00:00+03:00", "2023-05-04"),
        ("2023-05-05T02:59+0300", "2023-05-04"),
        ("2023-05-04 12:30:00.123456789+00:00", "2023-05-04"),
        ("2023-05-04 12:30:00", "2023-05-04"),
        (datetime(2023, 5, 5, 1, 0, tzinfo=timezone(timedelta(hours=3))), "2023-05-04"),
        (datetime(2023, 5, 4, 23, 0), "2023-05-04"),
        (date(2023, 5, 4), "2023-05-04"),
        ("2023-02-30", None),
        ("04/05/2023", None),  # day/month order unknown
        ("2023-05-04T25:00:00Z", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        (20230504, "2023-05-04"),  # a typed integer is read as its digits
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_typed_parquet_timestamps_are_converted_to_utc_dates(tmp_path):
    schema = pa.schema(
        [
            ("text", pa.string()),
            ("date", pa.timestamp("ns", tz="Europe/Moscow")),
            ("source", pa.string()),
            ("id", pa.int64()),
        ]
    )
    rows = [
        {
            "text": "One.",
            "date": datetime(2023, 5, 4, 22, 30, tzinfo=UTC),
            "source": "TASS",
            "id": 7,
        },
        {
            "text": "Two.",
            "date": datetime(2023, 5, 5, 0, 30, tzinfo=UTC),
            "source": "TASS",
            "id": 8,
        },
    ]
    docs = read_table(write_parquet(tmp_path / "t.parquet", rows, schema))
    assert [(d.doc_id, d.date) for d in docs] == [("7", "2023-05-04"), ("8", "2023-05-05")]


def test_date_header_in_text_is_removed_and_used_for_an_empty_date(tmp_path):
    rows = [
        {"source": "TASS", "date": "", "text": " date 2024-05-14 MOSCOW, May 15. /TASS/. Body."},
        {"source": "TASS", "date": "2020-01-01", "text": "date 2024-05-14\nBody two."},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows))
    assert [(d.date, d.text) for d in docs] == [
        ("2024-05-14", "Body."),
        ("2020-01-01", "Body two."),
    ]


# ---------------------------------------------------------------- registry


def test_outlet_variants_and_origin_column(tmp_path):
    rows = [
        {"outlet": "RT International", "origin": "", "date": "2024-01-01", "text": "a"},
        {"outlet": "russia today", "origin": "", "date": "2024-01-01", "text": "b"},
        {"outlet": "People’s Daily", "origin": "", "date": "2024-01-01", "text": "c"},
        {"outlet": "english.pravda.ru", "origin": "", "date": "2024-01-01", "text": "d"},
        {"outlet": "AFP", "origin": "third-party", "date": "2024-01-01", "text": "e"},
        {"outlet": "My Blog", "origin": "chinese", "date": "2024-01-01", "text": "f"},
        {"outlet": "", "origin": "", "date": "2024-01-01", "text": "(MENAFN) g"},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows))
    assert [(d.outlet, d.origin, d.affiliation, d.text) for d in docs] == [
        ("RT", "russian", "state", "a"),
        ("RT", "russian", "state", "b"),
        ("People's Daily", "chinese", "state", "c"),
        ("Pravda", "russian", "other", "d"),
        ("AFP", "third-party", "independent", "e"),
        ("My Blog", "chinese", "", "f"),
        ("MENAFN", "third-party", "other", "g"),
    ]


def test_override_file_adds_and_replaces_outlets(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        '[outlets."My Blog"]\norigin = "third-party"\naffiliation = "independent"\n'
        'variants = ["myblog.example"]\n\n'
        '[outlets.RT]\norigin = "russian"\naffiliation = "other"\nvariants = ["Russia Today"]\n',
        encoding="utf-8",
    )
    rows = [
        {"source": "MYBLOG.example", "date": "2024-01-01", "text": "a"},
        {"source": "Russia Today", "date": "2024-01-01", "text": "b"},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows), outlets=extra)
    assert [(d.outlet, d.origin, d.affiliation) for d in docs] == [
        ("My Blog", "third-party", "independent"),
        ("RT", "russian", "other"),
    ]


UNKNOWN_ROWS = [
    {"id": "a", "source": "My Blog", "date": "2024-01-01", "text": "x"},
    {"id": "b", "source": "TASS", "date": "2024-01-01", "text": "y"},
    {"id": "c", "source": "Local Paper", "date": "2024-01-01", "text": "z"},
    {"id": "d", "source": "my blog", "date": "2024-01-01", "text": "w"},
]


def test_unknown_outlets_reported_together_with_counts(tmp_path):
    path = write_csv(tmp_path / "t.csv", UNKNOWN_ROWS)
    with pytest.raises(CorpusError) as info:
        read_table(path)
    # 'My Blog' and 'my blog' are one outlet: the registry would match either spelling
    assert str(info.value).splitlines() == [
        f"{path}: 3 row(s) have an outlet that is not in the outlet registry and no origin "
        "(column 'source'); 2 unknown outlet(s):",
        "  'My Blog': 2 row(s): rows 1 (id 'a'), 4 (id 'd'); also written 'my blog'",
        "  'Local Paper': 1 row(s): row 3 (id 'c')",
        "To add them, check and paste into a TOML file passed with --outlets FILE.toml:",
        '  [outlets."My Blog"]',
        '  country = "??"   # no domain given: its ISO 3166-1 alpha-2 code',
        '  affiliation = "other"   # check and cite a source',
        '  domains = []   # its registered domains, e.g. "example.com"',
        "",
        '  [outlets."Local Paper"]',
        '  country = "??"   # no domain given: its ISO 3166-1 alpha-2 code',
        '  affiliation = "other"   # check and cite a source',
        '  domains = []   # its registered domains, e.g. "example.com"',
        "or give their origin in an origin column (--origin-col, --origin-map).",
    ]


def test_unknown_outlet_counts_rank_by_rows(tmp_path):
    rows = [dict(r, source="Blog") if r["id"] in "ad" else r for r in UNKNOWN_ROWS]
    with pytest.raises(
        CorpusError, match=r"'Blog': 2 row\(s\): rows 1 \(id 'a'\), 4 \(id 'd'\)\n  'Local Paper'"
    ):
        read_table(write_csv(tmp_path / "t.csv", rows))


def test_unknown_outlets_grouped_like_registry_lookups(tmp_path):
    """Case, repeated spaces and ’ vs ' do not make another outlet; the most frequent
    spelling names the group; rows and spellings are capped."""
    spellings = [
        "my blog",
        "My Blog",
        "MY  BLOG",
        "My Blog",
        "Ann’s Paper",
        " my blog ",
        "ann's paper",
        "My Blog",
        "Local Paper",
        "My blog",
        "mY bLoG",
        "MY BLOG",
    ]
    rows = [{"source": s, "date": "2024-01-01", "text": "x"} for s in spellings]
    path = write_csv(tmp_path / "t.csv", rows)
    with pytest.raises(CorpusError) as info:
        read_table(path)
    assert str(info.value).splitlines()[:4] == [
        f"{path}: 12 row(s) have an outlet that is not in the outlet registry and no origin "
        "(column 'source'); 3 unknown outlet(s):",
        "  'My Blog': 9 row(s): rows 1, 2, 3, 4, 6, … (4 more); also written 'my blog', "
        "'MY  BLOG', 'My blog', 'mY bLoG', … (1 more)",
        "  'Ann’s Paper': 2 row(s): rows 5, 7; also written \"ann's paper\"",
        "  'Local Paper': 1 row(s): row 9",
    ]
    assert '  [outlets."My Blog"]' in str(info.value)
    # skipped.csv keeps every row, each with its own spelling in the detail
    docs_rows = [*rows, {"source": "TASS", "date": "2024-01-01", "text": "ok"}]
    docs = read_table(write_csv(tmp_path / "u.csv", docs_rows), on_bad_row="skip")
    assert list(docs.skipped.row) == list(range(1, 13))
    assert set(docs.skipped.reason) == {"unknown_outlet"}
    assert docs.skipped.detail[2] == (
        "column 'source': outlet 'MY  BLOG' is not in the outlet registry and the row gives no "
        "origin"
    )


# ---------------------------------------------------------------- bad rows

BAD_ROWS = [
    {"id": "ok1", "source": "TASS", "date": "2024-01-01", "text": "Fine."},
    {"id": "e1", "source": "TASS", "date": "2024-01-01", "text": "   "},
    {"id": "d1", "source": "TASS", "date": "someday", "text": "Bad date."},
    {"id": "d2", "source": "TASS", "date": "", "text": "No date."},
    {"id": "u1", "source": "Nobody", "date": "2024-01-01", "text": "Unknown."},
    {"id": "ok1", "source": "TASS", "date": "2024-01-01", "text": "Same id."},
    {"id": "", "source": "TASS", "date": "2024-01-01", "text": "No id."},
    {"id": "o1", "source": "TASS", "date": "2024-01-01", "text": "(MENAFN)"},
    {"id": "n1", "source": "", "date": "2024-01-01", "text": "No outlet."},
    {"id": "ok2", "source": "Sputnik", "date": "2024-01-02", "text": "Fine too."},
]


def test_bad_rows_are_reported_by_reason_naming_rows_ids_and_columns(tmp_path):
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(CorpusError) as info:
        read_table(path)
    message = str(info.value)
    assert message.splitlines()[:17] == [
        "7 problem(s) in the corpus:",
        f"{path}: 8 bad row(s) (bad_date 2, duplicate_id 1, empty_id 1, empty_text 2, "
        "no_outlet 1, unknown_outlet 1); --on-bad-row skip skips them and lists every one in "
        "skipped.csv",
        f"{path}: bad_date in column 'date': 2 row(s):",
        "  row 3 (id 'd1'): unparsable date 'someday' (not a date in a known form)",
        "  row 4 (id 'd2'): empty date",
        f"{path}: empty_text in column 'text': 2 row(s):",
        "  row 2 (id 'e1'): empty text",
        "  row 8 (id 'o1'): no text left",
        f"{path}: duplicate_id in column 'id': 1 row(s):",
        "  row 6 (id 'ok1'): duplicate id (same as row 1)",
        f"{path}: empty_id in column 'id': 1 row(s):",
        "  row 7 (id ''): empty id",
        f"{path}: no_outlet in column 'source': 1 row(s):",
        "  row 9 (id 'n1'): no outlet and no known dateline in the text to infer it from",
        f"{path}: 1 row(s) have an outlet that is not in the outlet registry and no origin "
        "(column 'source'); 1 unknown outlet(s):",
        "  'Nobody': 1 row(s): row 5 (id 'u1')",
        "To add them, check and paste into a TOML file passed with --outlets FILE.toml:",
    ]
    # ids seen in earlier chunks are duplicates too: the same message with 2-row chunks
    with pytest.raises(CorpusError) as small_chunks:
        read_table(path, chunksize=2)
    assert str(small_chunks.value) == message


def test_many_bad_rows_are_counted_with_the_first_five_per_reason(tmp_path):
    rows = [{"source": "TASS", "date": "31/31/2024", "text": "x"} for _ in range(52)]
    rows += [{"source": "TASS", "date": "", "text": ""}, {"source": "?", "date": "", "text": "y"}]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(CorpusError) as info:
        read_table(path, chunksize=7)
    impossible = "unparsable date '31/31/2024' (impossible date: no month)"
    assert str(info.value).splitlines() == [
        "4 problem(s) in the corpus:",
        f"{path}: 54 bad row(s) (bad_date 54, empty_text 1, unknown_outlet 1); --on-bad-row "
        "skip skips them and lists every one in skipped.csv",
        f"{path}: bad_date in column 'date': 54 row(s), the first 5:",
        *(f"  row {i}: {impossible}" for i in range(1, 6)),
        f"{path}: empty_text in column 'text': 1 row(s):",
        "  row 53: empty text",
        f"{path}: 1 row(s) have an outlet that is not in the outlet registry and no origin "
        "(column 'source'); 1 unknown outlet(s):",
        "  '?': 1 row(s): row 54",
        "To add them, check and paste into a TOML file passed with --outlets FILE.toml:",
        '  [outlets."?"]',
        '  country = "??"   # no domain given: its ISO 3166-1 alpha-2 code',
        '  affiliation = "other"   # check and cite a source',
        '  domains = []   # its registered domains, e.g. "example.com"',
        "or give their origin in an origin column (--origin-col, --origin-map).",
    ]


def test_skip_records_every_skipped_row(tmp_path):
    path = write_csv(tmp_path / "bad.csv", BAD_ROWS)
    docs = read_table(path, on_bad_row="skip")
    assert [d.doc_id for d in docs] == ["ok1", "ok2"]
    assert [d.file for d in docs] == ["bad.csv#1", "bad.csv#10"]
    assert docs.skipped[["row", "doc_id", "column", "reason"]].values.tolist() == [
        [2, "e1", "text", "empty_text"],
        [3, "d1", "date", "bad_date"],
        [4, "d2", "date", "bad_date"],
        [5, "u1", "source", "unknown_outlet"],
        [6, "ok1", "id", "duplicate_id"],
        [7, "", "id", "empty_id"],
        [8, "o1", "text", "empty_text"],
        [9, "n1", "source", "no_outlet"],
    ]
    assert docs.skipped.detail[3] == (
        "column 'source': outlet 'Nobody' is not in the outlet registry and the row gives no origin"
    )
    assert docs.provenance() == {
        "table": "bad.csv",
        "format": "csv",
        "columns": {
            "text": "text",
            "date": "date",
            "outlet": "source",
            "origin": None,
            "id": "id",
            "title": None,
            "file": None,
            "url": None,
        },
        "on_bad_row": "skip",
        "include_title": False,
        "n_rows": 10,
        "n_documents": 2,
        "n_skipped": 8,
        "skipped_by_reason": {
            "bad_date": 2,
            "duplicate_id": 1,
            "empty_id": 1,
            "empty_text": 2,
            "no_outlet": 1,
            "unknown_outlet": 1,
        },
    }


def test_row_with_several_problems_is_skipped_once(tmp_path):
    rows = [
        {"origin": "martian", "date": "never", "text": ""},
        {"origin": "russian", "date": "2024-01-01", "text": "/TASS/ ok"},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows), on_bad_row="skip")
    assert [(d.doc_id, d.outlet, d.origin) for d in docs] == [("000002", "TASS", "russian")]
    assert docs.skipped.values.tolist() == [
        [
            1,
            "000001",
            "text",
            "empty_text",
            "column 'text': empty text; column 'date': unparsable date 'never' (not a date in a "
            "known form); column 'origin': origin 'martian' is not allowed (allowed: russian, "
            "chinese, third-party); column '': no outlet column (--outlet-col) and no known "
            "dateline in the text to infer it from",
        ]
    ]


def test_all_rows_skipped_is_an_error(tmp_path):
    rows = [{"source": "TASS", "date": "2024-01-01", "text": ""}]
    with pytest.raises(CorpusError, match="all 1 row\\(s\\) are bad and were skipped"):
        read_table(write_csv(tmp_path / "t.csv", rows), on_bad_row="skip")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("t.csv", b"", "no text column"),
        ("t.csv", b"text,date\n", r"empty table \(no rows\)"),
        (
            "t.csv",
            "text,date,source\ncaf\xe9,2024-01-01,TASS\n".encode("cp1252"),
            "not valid UTF-8",
        ),
        ("t.csv", b'text,date\n"a,2024-01-01\n', "cannot read the table"),
        ("t.jsonl", b'{"text": "a", "date": "2024-01-01"}\n{oops\n', "line 2: invalid JSON"),
        ("t.jsonl", b'["text", "date"]\n', "line 1: expected a JSON object per line"),
        ("t.parquet", b"not parquet", "cannot read the table"),
        ("t.tsv", b"text\tdate\n", "not a table file"),
        ("missing.csv", None, "no such file"),
    ],
)
def test_bad_table_files(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CorpusError, match=expected) as info:
        read_table(path)
    assert str(path) in str(info.value)


def test_bad_on_bad_row_value(tmp_path):
    with pytest.raises(ValueError, match="on_bad_row must be 'error' or 'skip'"):
        read_table(write_csv(tmp_path / "e.csv", EXPORT), on_bad_row="drop")


# ---------------------------------------------------------------- titles and duplicates


def test_include_title(tmp_path):
    path = write_csv(tmp_path / "e.csv", EXPORT)
    docs = read_table(path, include_title=True)
    assert [d.text for d in docs] == [
        "Analysis\n\nA long read.",
        "Talks in Moscow\n\nLeaders met.\n\nThey talked.",
        "Xi met Putin.",
    ]
    assert docs.provenance()["include_title"] is True


def test_duplicates_flagged_and_warned(tmp_path):
    rows = [
        {"id": "b", "source": "TASS", "date": "2024-01-01", "text": "Same."},
        {"id": "a", "source": "TASS", "date": "2024-01-02", "text": "/TASS/ Same."},
        {"id": "c", "source": "TASS", "date": "2024-01-03", "text": "Other."},
    ]
    with pytest.warns(DuplicateWarning, match=r"^1 exact duplicate document\(s\) .*: b = a$"):
        docs = read_table(write_csv(tmp_path / "t.csv", rows))
    assert [(d.doc_id, d.duplicate_of) for d in docs] == [("a", ""), ("b", "a"), ("c", "")]


def test_many_duplicates_counted_and_the_first_five_named(tmp_path):
    same = {"source": "TASS", "date": "2024-01-01", "text": "Same."}
    rows = [{"id": f"d{i:02d}", **same} for i in range(53, -1, -1)]  # table order: d53 … d00
    rows.append({"id": "e", "source": "TASS", "date": "2024-01-01", "text": "Other."})
    with pytest.warns(DuplicateWarning) as record:
        docs = read_table(write_csv(tmp_path / "t.csv", rows), chunksize=10)
    (w,) = record
    named = "; ".join(f"d{i:02d} = d00" for i in range(1, 6))
    assert str(w.message) == (
        f"53 exact duplicate document(s) kept and flagged in duplicate_of: {named}; … and 48 "
        "more (the duplicate_of column of documents.csv)"
    )
    assert [d.doc_id for d in docs][:2] == ["d00", "d01"]
    assert [d.duplicate_of for d in docs] == ["", *["d00"] * 53, ""]
    assert [d.file for d in docs][:2] == ["t.csv#54", "t.csv#53"]


def test_table_options_rejected_for_a_directory():
    with pytest.raises(CorpusError, match="--text-col, --on-bad-row skip appl"):
        read_corpus(SEEDS_DIR, text_col="body", on_bad_row="skip")
    with pytest.raises(CorpusError, match=": --dayfirst, --date-format appl"):
        read_corpus(SEEDS_DIR, date_order="dayfirst", date_format="%Y")
    with pytest.raises(TypeError, match="unexpected keyword"):
        read_corpus(SEEDS_DIR, txt_col="body")


def test_an_origin_map_applies_to_a_directory_s_registry_outlets(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2024-05-14 (MENAFN) One.", encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2024-05-14 MOSCOW. /TASS/. Two.", encoding="utf-8")
    docs = read_corpus(tmp_path, origin_map="JO=russian")
    assert [(d.outlet, d.origin, d.country, d.outlet_source) for d in docs] == [
        ("MENAFN", "russian", "JO", "dateline"),
        ("TASS", "russian", "RU", "dateline"),
    ]
    assert [d.origin for d in read_corpus(tmp_path)] == ["third-party", "russian"]


def test_read_documents_points_table_files_to_read_corpus(tmp_path):
    with pytest.raises(CorpusError, match="not a directory; table files .* read_corpus"):
        read_documents(write_csv(tmp_path / "e.csv", EXPORT))


# ---------------------------------------------------------------- directory == table


def seeds_as_rows() -> list[dict]:
    with open(SEEDS_DIR / "sources.csv", encoding="utf-8") as f:
        manifest = {r["file"]: r for r in csv.DictReader(f)}
    rows = []
    for p in sorted(SEEDS_DIR.glob("*.txt")):
        raw = p.read_text(encoding="utf-8")
        header_date, body = split_header(raw)
        rows.append(
            {
                "id": p.stem,
                "outlet": manifest[p.name]["outlet"],
                "origin": manifest[p.name]["origin"],
                "date": f"{header_date}T12:00:00Z",
                "text": body,
            }
        )
    return rows[::-1]  # table order need not be doc_id order


def seeds_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "seeds.csv", seeds_as_rows())


def test_directory_and_table_give_the_same_documents(tmp_path):
    directory = read_documents(SEEDS_DIR)
    table = list(read_table(seeds_csv(tmp_path)))
    assert [d.file for d in table] == [f"seeds.csv#{i}" for i in (5, 4, 3, 2, 1)]
    for d, t in zip(directory, table, strict=True):
        # all but where they were read from (a file and its bytes' hash; a table row)
        assert astuple(replace(d, file="", file_sha256="")) == astuple(replace(t, file=""))


def test_directory_and_csv_give_byte_identical_outputs(tmp_path):
    """All output tables are byte-identical except documents.csv's ``file`` column.

    provenance.json differs by design (inputs are the table file, plus a ``table`` entry).
    """
    import pandas as pd

    from analysis.cli import main

    opts = ["--no-cache", "--jobs", "1"]  # both runs really analyse the texts
    assert main(["analyze", str(SEEDS_DIR), "--out", str(tmp_path / "dir"), *opts]) == 0
    table = str(seeds_csv(tmp_path))
    assert main(["analyze", table, "--out", str(tmp_path / "tab"), *opts]) == 0
    names = sorted(p.name for p in (tmp_path / "dir").glob("*.csv"))
    assert names == sorted(p.name for p in (tmp_path / "tab").glob("*.csv"))
    assert "documents.csv" in names and "terms.csv" in names
    for name in names:
        a, b = (tmp_path / "dir" / name).read_bytes(), (tmp_path / "tab" / name).read_bytes()
        if name == "documents.csv":
            da, db = (pd.read_csv(tmp_path / x / name, dtype=str) for x in ("dir", "tab"))
            assert list(db.file) == [f"seeds.csv#{i}" for i in (5, 4, 3, 2, 1)]
            assert da.drop(columns="file").equals(db.drop(columns="file"))
        else:
            assert a == b, name
    prov = json.loads((tmp_path / "tab" / "provenance.json").read_text())
    assert list(prov["inputs"]) == ["seeds.csv"]
    assert prov["table"]["n_documents"] == 5 and prov["table"]["n_skipped"] == 0


def test_cli_skip_writes_skipped_csv(tmp_path):
    from analysis.cli import main

    rows = seeds_as_rows()
    rows[0]["text"] = ""
    rows[1]["date"] = "someday"
    path = write_csv(tmp_path / "seeds.csv", rows)
    out = tmp_path / "out"
    assert main(["analyze", str(path), "--out", str(out), "--no-cache"]) == 2
    assert not out.exists()
    assert (
        main(["analyze", str(path), "--out", str(out), "--no-cache", "--on-bad-row", "skip"]) == 0
    )
    assert (out / "skipped.csv").read_text(encoding="utf-8") == (
        "row,doc_id,column,reason,detail\n"
        "1,004_08d902e5f25b5a72,text,empty_text,column 'text': empty text\n"
        "2,003_8c3567b68f9a1b61,date,bad_date,column 'date': unparsable date 'someday' "
        "(not a date in a known form)\n"
    )
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["table"]["skipped_by_reason"] == {"bad_date": 1, "empty_text": 1}
    assert prov["n_documents"] == 3


def test_with_a_file_column_every_table_is_byte_identical_to_the_directory(tmp_path):
    """Given the same ids and metadata, file names included, a table corpus gives exactly
    the directory corpus's CSV files (only provenance.json, which hashes the inputs, differs)."""
    from analysis.cli import main

    rows = [{**r, "file": f"{r['id']}.txt"} for r in seeds_as_rows()]
    rows[0]["file"] = ""  # an empty cell falls back to TABLE#ROW
    table = write_csv(tmp_path / "seeds.csv", rows)
    docs = list(read_table(table))
    assert [d.file for d in docs][:4] == [f"{d.doc_id}.txt" for d in docs][:4]
    assert docs[4].file == "seeds.csv#1"
    rows[0]["file"] = f"{rows[0]['id']}.txt"
    write_csv(table, rows)
    opts = ["--no-cache", "--jobs", "1"]
    assert main(["analyze", str(SEEDS_DIR), "--out", str(tmp_path / "dir"), *opts]) == 0
    assert main(["analyze", str(table), "--out", str(tmp_path / "tab"), *opts]) == 0
    names = sorted(p.name for p in (tmp_path / "dir").glob("*.csv"))
    assert "documents.csv" in names and len(names) == 14  # reuse.csv, amplification.csv too
    for name in names:
        assert (tmp_path / "dir" / name).read_bytes() == (tmp_path / "tab" / name).read_bytes()
    prov = json.loads((tmp_path / "tab" / "provenance.json").read_text())
    assert prov["table"]["columns"]["file"] == "file"


# ---------------------------------------------------------------- column names (issue 17)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("text", "Article"),
        ("text", "article_text"),
        ("text", "Full Text"),
        ("text", "story"),
        ("text", "MainText"),
        ("date", "date_published"),
        ("date", "Published Date"),
        ("date", "publication-date"),
        ("date", "published_at"),
        ("date", "DateTime"),
        ("date", "created_at"),
        ("outlet", "Publication"),
        ("outlet", "publisher"),
        ("outlet", "site"),
        ("outlet", "domain"),
        ("outlet", "media"),
        ("outlet", "Newspaper"),
        ("id", "link"),
        ("id", "GUID"),
        ("id", "article_id"),
        ("title", "Heading"),
    ],
)
def test_more_column_names_are_recognised(role, name):
    base = {"text": "body", "date": "day", "outlet": "who", "id": "key", "title": "head"}
    columns = [name if r == role else c for r, c in base.items()]
    explicit = {f"{r}_col": c for r, c in base.items() if r != role}
    mapping = resolve_columns(columns, **explicit)
    assert getattr(mapping, role) == name


def test_blank_and_unnamed_columns_are_ignored(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(",Unnamed: 5,source,date,text\n0,x,TASS,2024-01-01,One.\n", encoding="utf-8")
    assert table_columns(path) == ["Unnamed: 0", "Unnamed: 5", "source", "date", "text"]
    (doc,) = read_table(path)
    assert (doc.doc_id, doc.outlet, doc.text) == ("000001", "TASS", "One.")
    with pytest.raises(CorpusError) as info:
        resolve_columns(["", "Unnamed: 0", "when"], where="x.csv")
    assert str(info.value).endswith("columns are 'when'")
    assert resolve_columns(["Unnamed: 0", "text", "date"], id_col="Unnamed: 0").id == "Unnamed: 0"


def test_ambiguous_new_names_stay_an_error():
    with pytest.raises(CorpusError, match="columns 'Story', 'story' could all be the text column"):
        resolve_columns(["Story", "story", "date"])


def test_one_column_in_two_roles_with_an_origin_map(tmp_path):
    """The UN General Debate layout: id,country,year,session,text."""
    rows = [
        {"id": "RUS_26_1971", "country": "RUS", "year": "1971", "session": "26", "text": "A."},
        {"id": "CHN_26_1971", "country": "CHN", "year": "1971", "session": "26", "text": "B."},
        {"id": "USA_26_1971", "country": "USA", "year": "1971", "session": "26", "text": "C."},
    ]
    path = write_csv(tmp_path / "ungd.csv", rows)
    docs = read_table(
        path,
        date_col="year",
        outlet_col="country",
        origin_col="country",
        origin_map="RUS=russian,CHN=chinese,*=third-party",
    )
    assert [
        (d.doc_id, d.outlet, d.origin, d.country, d.outlet_source, d.date, d.date_precision)
        for d in docs
    ] == [
        ("CHN_26_1971", "CHN", "chinese", "CHN", "column", "1971-01-01", "year"),
        ("RUS_26_1971", "RUS", "russian", "RUS", "column", "1971-01-01", "year"),
        ("USA_26_1971", "USA", "third-party", "USA", "column", "1971-01-01", "year"),
    ]
    assert docs.columns.outlet == docs.columns.origin == "country"
    assert docs.provenance()["origin_map"] == {
        "RUS": "russian",
        "CHN": "chinese",
        "*": "third-party",
    }
    # without '*', an unmapped value is not an origin
    with pytest.raises(CorpusError, match=r"row 3 \(id 'USA_26_1971'\): origin 'USA' is not"):
        read_table(
            path,
            date_col="year",
            outlet_col="country",
            origin_col="country",
            origin_map="RUS=russian,CHN=chinese",
        )


# ---------------------------------------------------------------- resolution order


RESOLUTION = [
    # origin column first, whatever the name
    {
        "id": "1",
        "source": "TASS",
        "date": "2024-01-01",
        "origin": "chinese",
        "url": "",
        "text": "a",
    },
    # a known name; the URL of another outlet does not change it
    {
        "id": "2",
        "source": "XINHUA English",
        "date": "2024-01-01",
        "origin": "",
        "url": "https://www.rt.com/1",
        "text": "b",
    },
    # a domain given as the name
    {
        "id": "3",
        "source": "www.msnbc.com",
        "date": "2024-01-01",
        "origin": "",
        "url": "",
        "text": "c",
    },
    # an unknown name, a known URL domain
    {
        "id": "4",
        "source": "Foo Wire",
        "date": "2024-01-01",
        "origin": "",
        "url": "https://www.globaltimes.cn/p/1",
        "text": "d",
    },
    # no name, a known URL domain (before the dateline)
    {
        "id": "5",
        "source": "",
        "date": "2024-01-01",
        "origin": "",
        "url": "https://meduza.io/en/1",
        "text": "/TASS/ e",
    },
    # no name, no URL: the dateline
    {
        "id": "6",
        "source": "",
        "date": "2024-01-01",
        "origin": "",
        "url": "",
        "text": "MOSCOW, May 4. /TASS/. f",
    },
    # an unknown name with an origin
    {
        "id": "7",
        "source": "My Blog",
        "date": "2024-01-01",
        "origin": "third-party",
        "url": "",
        "text": "g",
    },
]


def test_outlets_are_resolved_in_order_and_say_how(tmp_path):
    docs = read_table(write_csv(tmp_path / "t.csv", RESOLUTION))
    assert [(d.outlet, d.origin, d.affiliation, d.country, d.outlet_source) for d in docs] == [
        ("TASS", "chinese", "state", "RU", "column"),
        ("Xinhua", "chinese", "state", "CN", "name"),
        ("MSNBC", "third-party", "independent", "US", "domain"),
        ("Global Times", "chinese", "state", "CN", "domain"),
        ("Meduza", "russian", "independent", "RU", "domain"),
        ("TASS", "russian", "state", "RU", "dateline"),
        ("My Blog", "third-party", "", "", "column"),
    ]
    assert docs[4].text == "e"  # Meduza by its domain, although its text has a TASS dateline


def test_the_id_column_is_the_url_when_there_is_no_url_column(tmp_path):
    rows = [
        {"link": "https://www.ukrinform.net/rubric/1.html", "date": "2022-02-28", "text": "a"},
        {"link": "https://unknown.example.org/1", "date": "2022-02-28", "text": "b"},
    ]
    docs = read_table(write_csv(tmp_path / "t.csv", rows), on_bad_row="skip")
    assert docs.columns.id == docs.columns.url == "link"
    assert [(d.outlet, d.country, d.outlet_source) for d in docs] == [("Ukrinform", "UA", "domain")]
    assert list(docs.skipped.reason) == ["no_outlet"]


def test_an_unknown_outlet_is_reported_with_what_its_domain_suggests(tmp_path):
    rows = [
        {
            "source": "Ria Vesti",
            "date": "2022-02-28",
            "url": "https://vesti-ria.ru/a/1",
            "text": "a",
        },
        {
            "source": "Ria Vesti",
            "date": "2022-02-28",
            "url": "https://vesti-ria.ru/a/2",
            "text": "b",
        },
        {"source": "TASS", "date": "2022-02-28", "url": "https://tass.com/1", "text": "c"},
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    with pytest.raises(CorpusError) as info:
        read_table(path)
    assert str(info.value).splitlines() == [
        f"{path}: 2 row(s) have an outlet that is not in the outlet registry and no origin "
        "(column 'source'); 1 unknown outlet(s):",
        "  'Ria Vesti': 2 row(s): rows 1 (id 'https://vesti-ria.ru/a/1'), 2 (id "
        "'https://vesti-ria.ru/a/2'); domain vesti-ria.ru",
        "To add them, check and paste into a TOML file passed with --outlets FILE.toml:",
        '  [outlets."Ria Vesti"]',
        '  country = "RU"   # from the domain vesti-ria.ru',
        '  affiliation = "other"   # check and cite a source',
        '  domains = ["vesti-ria.ru"]',
        "or give their origin in an origin column (--origin-col, --origin-map).",
    ]
    # the suggestion is only text: nothing was guessed
    docs = read_table(path, on_bad_row="skip")
    assert [d.outlet for d in docs] == ["TASS"]


# ---------------------------------------------------------------- origin maps


def test_origin_map_pairs_file_and_registry_countries(tmp_path):
    from analysis.read.resolve import parse_origin_map

    assert parse_origin_map("RUS=russian, CHN = chinese,*=third-party") == {
        "RUS": "russian",
        "CHN": "chinese",
        "*": "third-party",
    }
    toml = tmp_path / "map.toml"
    toml.write_text('[origins]\nUA = "ukrainian"\n"*" = "other"\n', encoding="utf-8")
    assert parse_origin_map(str(toml)) == {"UA": "ukrainian", "*": "other"}
    with pytest.raises(CorpusError, match="'RUS' is not KEY=ORIGIN"):
        parse_origin_map("RUS,CHN=chinese")
    rows = [
        {"source": "Ukrinform", "origin": "", "date": "2022-02-28", "text": "a"},
        {"source": "TASS", "origin": "", "date": "2022-02-28", "text": "b"},
        {"source": "BBC", "origin": "", "date": "2022-02-28", "text": "c"},
        {"source": "My Blog", "origin": "ua", "date": "2022-02-28", "text": "d"},
        {"source": "My Site", "origin": "russian", "date": "2022-02-28", "text": "e"},
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    origins = ("russian", "ukrainian", "other")
    docs = read_table(path, origins=origins, origin_map=toml)
    assert [(d.outlet, d.origin, d.country, d.outlet_source) for d in docs] == [
        ("Ukrinform", "ukrainian", "UA", "name"),  # the registry's countries are mapped
        ("TASS", "russian", "RU", "name"),  # RU keeps the registry's origin
        ("BBC", "other", "GB", "name"),  # '*': every other country
        ("My Blog", "ukrainian", "ua", "column"),  # a value, case-insensitively
        ("My Site", "russian", "", "column"),  # an allowed origin is kept, not '*'
    ]
    with pytest.raises(CorpusError, match=r"--origin-map gives origins that are not allowed "):
        read_table(path, origin_map="UA=ukrainian")


# ---------------------------------------------------------------- titles


def test_include_title_keeps_a_row_with_a_title_and_no_text(tmp_path):
    rows = [
        {"source": "TASS", "date": "2024-01-01", "title": "Only  a title", "text": ""},
        {"source": "TASS", "date": "2024-01-02", "title": "", "text": ""},
        {"source": "TASS", "date": "2024-01-03", "title": "Both", "text": "Body."},
    ]
    path = write_csv(tmp_path / "t.csv", rows)
    docs = read_table(path, include_title=True, on_bad_row="skip")
    assert [d.text for d in docs] == ["Only a title", "Both\n\nBody."]
    assert docs.skipped[["row", "reason"]].values.tolist() == [[2, "empty_text"]]
    docs = read_table(path, on_bad_row="skip")  # without it, the title is no text
    assert [d.text for d in docs] == ["Body."]


# ---------------------------------------------------------------- exports as they come


def test_a_war_news_export_with_us_dates_and_domains_reads_without_options(tmp_path):
    rows = [
        {
            "date": "02/24/2022",
            "source": "www.msnbc.com",
            "title": "T1",
            "text": "One.",
            "url": "https://x.example/1",
        },
        {
            "date": "02/28/2022",
            "source": "ukrinform.net",
            "title": "T2",
            "text": "Two.",
            "url": "https://x.example/2",
        },
        {
            "date": "03/01/2022",
            "source": "edition.cnn.com",
            "title": "T3",
            "text": "3.",
            "url": "https://x.example/3",
        },
        {
            "date": "03/02/2022",
            "source": "tass.com",
            "title": "T4",
            "text": "Four.",
            "url": "https://x.example/4",
        },
    ]
    docs = read_table(write_csv(tmp_path / "war.csv", rows))
    assert [(d.date, d.outlet, d.origin, d.outlet_source) for d in docs] == [
        ("2022-02-24", "MSNBC", "third-party", "domain"),
        ("2022-02-28", "Ukrinform", "third-party", "domain"),
        ("2022-03-01", "CNN", "third-party", "domain"),
        ("2022-03-02", "TASS", "russian", "domain"),
    ]


def test_a_state_media_export_with_labelled_dates_reads_without_options(tmp_path):
    rows = [
        {"publish_date": "Updated: 2022-03-07 17:49", "outlet": "GlobalTimes", "article": "A."},
        {"publish_date": "11:20, 28-Jul-2022", "outlet": "Chinadaily", "article": "B."},
        {
            "publish_date": "Published: Aug 01, 2022 08:36 PM Updated: Aug 02, 2022 10:25 PM",
            "outlet": "BBC",
            "article": "C.",
        },
    ]
    docs = read_table(write_csv(tmp_path / "state.csv", rows))
    assert [(d.date, d.outlet, d.origin, d.country) for d in docs] == [
        ("2022-03-07", "Global Times", "chinese", "CN"),
        ("2022-07-28", "China Daily", "chinese", "CN"),
        ("2022-08-01", "BBC", "third-party", "GB"),
    ]


def test_a_hackathon_export_reads_without_options(tmp_path):
    rows = [
        ("China Daily - US Edition", "Aug 01, 2022", "https://www.chinadaily.com.cn/a/1"),
        (
            "Global Times (China)",
            "Published: Aug 01, 2022 08:36 PM Updated: Aug 01, 2022 10:25 PM",
            "https://www.globaltimes.cn/page/1.shtml",
        ),
        ("XINHUA English", "11:20, 28-Jul-2022", "http://www.xinhuanet.com/english/1"),
        ("CGTN America", "Updated: 2022-03-07 17:49", "https://america.cgtn.com/1"),
        (
            "The Associated Press State & Local Wire",
            "May 15, 2024 10:45 PM ET",
            "https://apnews.com/1",
        ),
        ("USA Today Online", "Thu, 04 May 2023 12:30:00 GMT", "https://eu.usatoday.com/1"),
    ]
    export = [
        {"Source Name": s, "Date": d, "Original URL": u, "Title": f"T{i}", "Content": f"Text {i}."}
        for i, (s, d, u) in enumerate(rows)
    ]
    docs = read_table(write_csv(tmp_path / "hack.csv", export))
    assert sorted((d.outlet, d.origin, d.date) for d in docs) == [
        ("AP", "third-party", "2024-05-16"),
        ("CGTN", "chinese", "2022-03-07"),
        ("China Daily", "chinese", "2022-08-01"),
        ("Global Times", "chinese", "2022-08-01"),
        ("USA Today", "third-party", "2023-05-04"),
        ("Xinhua", "chinese", "2022-07-28"),
    ]
    assert {d.outlet_source for d in docs} == {"name"}
