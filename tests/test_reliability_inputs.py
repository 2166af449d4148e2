"""Reliability (issue 16): hostile inputs — lone surrogates, out-of-range date-times, named
pipes and devices, symbolic link loops, file names that are not UTF-8, unreadable files.

Each test reproduces one reported break (it failed before the fix it pins), unless its
docstring says it pins behaviour that was already right.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reliability_helpers import analyze, copy_seeds, rows

from analysis.read.corpus import CorpusError
from analysis.read.table import read_table


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_lone_surrogates_in_jsonl_are_bad_rows_naming_the_row(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"id": "a", "date": "2024-01-01", "outlet": "TASS", "text": "\\ud800 friendship"}\n'
        '{"id": "b\\udc00", "date": "2024-01-01", "outlet": "TASS", "text": "Fine."}\n'
        '{"id": "c", "date": "2024-01-01", "outlet": "TASS", "text": "Fine text."}\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert str(e.value).splitlines() == [
        f"{path}: bad_cell in column 'text', 'id': 2 row(s):",
        "  row 1 (id 'a'): the text cell holds a lone surrogate (U+D800), which is not "
        "Unicode text; fix the escape in the export",
        "  row 2 (id 'b\\\\udc00'): the id cell holds a lone surrogate (U+DC00), which is not "
        "Unicode text; fix the escape in the export",
    ]
    out = tmp_path / "out"
    assert analyze(path, "--out", out, "--no-cache", "--on-bad-row", "skip") == 0
    assert [(r["row"], r["doc_id"], r["column"]) for r in rows(out / "skipped.csv")] == [
        ("1", "a", "text"),
        ("2", "b\\udc00", "id"),
    ]
    assert [r["doc_id"] for r in rows(out / "documents.csv")] == ["c"]


@pytest.mark.parametrize(
    ("value", "shifted"),
    [("0001-01-01T00:00:00+05:00", "before"), ("9999-12-31T23:00:00-05:00", "after")],
)
def test_date_times_whose_utc_date_leaves_years_1_to_9999_are_bad_rows(tmp_path, value, shifted):
    path = tmp_path / "t.csv"
    path.write_text(
        f"id,date,outlet,text\na,{value},TASS,Text one.\nb,2024-01-01,TASS,Text two.\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert str(e.value).splitlines() == [
        f"{path}: bad_date in column 'date': 1 row(s):",
        f"  row 1 (id 'a'): unparsable date {value!r} (its UTC date falls {shifted} the "
        "years 1–9999)",
    ]
    table = read_table(path, on_bad_row="skip")
    assert [d.doc_id for d in table] == ["b"]
    assert list(table.skipped["reason"]) == ["bad_date"]


def test_the_utc_shift_at_the_edges_of_the_calendar_is_exact():
    """Dates next to the limits still shift (pinned: right before the fix too)."""
    from analysis.read.dates import parse_date

    assert parse_date("0001-01-01T05:00:00+05:00") == "0001-01-01"
    assert parse_date("9999-12-31T18:59:00-05:00") == "9999-12-31"
    assert parse_date("2024-01-01T23:30:00-05:00") == "2024-01-02"


@pytest.fixture
def no_hang():
    """Fail (SIGALRM) instead of blocking forever on a named pipe."""
    import signal

    def timeout(signum, frame):
        raise AssertionError("blocked reading a named pipe or a device")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@needs_fifo
@pytest.mark.parametrize(
    ("make", "kind"),
    [(os.mkfifo, "a named pipe (FIFO)"), (lambda p: p.symlink_to(os.devnull), "a device")],
)
def test_a_named_pipe_or_a_device_as_the_table_is_a_clear_error(
    tmp_path, capsys, no_hang, make, kind
):
    table = tmp_path / "t.csv"
    make(table)
    out = tmp_path / "out"
    assert analyze(table, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == (
        f"framing: error: {table}: {kind}, not a regular file; give a file of text\n"
    )
    assert not out.exists()


@needs_fifo
def test_named_pipes_devices_and_link_loops_in_a_folder_are_errors_naming_them(
    tmp_path, capsys, no_hang
):
    corpus = copy_seeds(tmp_path)
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to(os.devnull)
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "broken.txt").symlink_to(corpus / "missing.txt")  # skipped, as before
    (corpus / "folder.txt").symlink_to(tmp_path)  # a link to a folder: not entered
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == (
        "framing: error: 3 problem(s) in the corpus:\n"
        f"{corpus / 'loop.txt'}: a symbolic link loop (it points back to itself); fix or "
        "remove the link\n"
        f"{corpus / 'pipe.txt'}: a named pipe (FIFO), not a regular file; give a file of text\n"
        f"{corpus / 'zero.txt'}: a device, not a regular file; give a file of text\n"
    )
    assert not out.exists()


@needs_fifo
def test_a_named_pipe_as_the_manifest_is_an_error(tmp_path, no_hang):
    from analysis.read.directory import read_documents

    corpus = copy_seeds(tmp_path)
    (corpus / "sources.csv").unlink()
    os.mkfifo(corpus / "sources.csv")
    with pytest.raises(CorpusError) as e:
        read_documents(corpus)
    assert e.value.problems[0] == (
        f"{corpus / 'sources.csv'}: a named pipe (FIFO), not a regular file; give a file of text"
    )


@pytest.mark.parametrize("role", ["corpus", "out"])
def test_a_symbolic_link_loop_as_corpus_or_out_is_a_clear_error(tmp_path, capsys, role):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    corpus = copy_seeds(tmp_path)
    argv = (loop, "--out", tmp_path / "out") if role == "corpus" else (corpus, "--out", loop)
    assert analyze(*argv, "--no-cache") == 2
    what = "corpus" if role == "corpus" else "output directory"
    assert capsys.readouterr().err == (
        f"framing: error: {what} {loop}: cannot resolve it, a symbolic link loop (it points "
        "back to itself); fix or remove the link\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "loop"]


def test_file_names_that_are_not_utf8_are_errors_naming_them(tmp_path, capsys):
    corpus = copy_seeds(tmp_path)
    text = (corpus / "000_b1957c8600ddd4d8.txt").read_bytes()
    name = os.fsdecode(os.fsencode(corpus) + b"/caf\xe9.txt")
    try:
        Path(name).write_bytes(text)
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system takes only UTF-8 names")
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == (
        f"framing: error: {corpus}/caf\\xe9.txt: the file name is not valid UTF-8; rename it "
        "(e.g. with convmv)\n"
    )
    assert not out.exists()
    table = Path(os.fsdecode(os.fsencode(tmp_path) + b"/t\xff.csv"))
    table.write_text("text,date,outlet\nText.,2024-01-01,TASS\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"t\\xff\.csv: the file name is not valid UTF-8"):
        read_table(table)


@pytest.mark.parametrize("name", ["001_6f585b1e478cf8c8.txt", "sources.csv"])
def test_an_unreadable_document_or_manifest_is_a_clear_error(tmp_path, capsys, monkeypatch, name):
    """Pins behaviour that was already right (the message names the file), untested so far:
    chmod does not stop root, so the denial is simulated."""
    corpus = copy_seeds(tmp_path)
    read_bytes = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == f"framing: error: {corpus / name}: Permission denied\n"
    assert not out.exists()


def test_parquet_cells_that_are_not_strings_are_bad_rows(tmp_path):
    """Issue 16 item 7 for Parquet (pins behaviour already right: the JSONL test's rule)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    table = {"id": [1.0, 2.0], "date": ["2024-01-01"] * 2, "outlet": ["TASS"] * 2}
    pq.write_table(pa.table(table | {"text": [["a"], ["b"]]}), path)
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert str(e.value).splitlines()[1:] == [
        "  row 1 (id '1.0'): the text cell must be a string, not list",
        "  row 1 (id '1.0'): the id cell must be a string or an integer, not float",
        "  row 2 (id '2.0'): the text cell must be a string, not list",
        "  row 2 (id '2.0'): the id cell must be a string or an integer, not float",
    ]
