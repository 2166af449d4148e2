"""Reliability (issue 16): nothing left behind (signals, killed runs, workers, races).

Each test reproduces one reported break (it failed before the fix it pins), unless its
docstring says it pins behaviour that was already right.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from reliability_helpers import a_run_output

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.runner.run_cache import RunCache

# ------------------------------------------------------------ nothing left behind


@pytest.fixture(scope="module")
def big_table(tmp_path_factory) -> Path:
    """A CSV corpus of 400 articles (the seed texts, numbered), a few seconds of work."""
    from analysis.read.corpus import read_corpus

    texts = [d.text for d in read_corpus(SEEDS_DIR)]
    path = tmp_path_factory.mktemp("big") / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "date", "outlet"])
        for i in range(400):
            w.writerow([f"Article {i}. {texts[i % len(texts)]}", "2024-05-16", "TASS"])
    return path


def start_run(corpus: Path, out: Path, *extra: str):
    import subprocess
    import sys

    argv = [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out)]
    return subprocess.Popen(
        [*argv, "--no-cache", "--no-progress", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def children(pid: int) -> list[int]:
    """Live (not zombie) child processes of ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_cleans_up_like_ctrl_c(big_table, tmp_path):
    import signal

    out = tmp_path / "out"
    run = start_run(big_table, out, "--jobs", "1")
    wait_for(lambda: temporaries(out) != [] or run.poll() is not None)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 143
    assert err.splitlines()[-1] == "framing: interrupted (SIGTERM)"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_die_with_a_killed_parent_and_the_next_run_removes_its_folder(big_table, tmp_path):
    import signal

    out = tmp_path / "out"
    run = start_run(big_table, out, "--jobs", "2")
    # the pass's workers: the output's temporary folder is there (the reuse pass's sketching
    # workers, before them, are gone by then)
    wait_for(
        lambda: (
            (len(children(run.pid)) >= 2 and len(temporaries(out)) == 2) or run.poll() is not None
        )
    )
    workers = children(run.pid)
    assert len(workers) == 2 and run.poll() is None
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    try:
        wait_for(lambda: not any(alive(w) for w in workers), timeout=5)
    finally:  # never leave a failing test's workers running
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
    left = temporaries(out)  # what kill -9 leaves: the output folder, the spills' folder
    assert len(left) == 2 and all(name.startswith(".out.tmp-") for name in left)
    # two spill files: the table's and its texts stripped of their boilerplate
    assert [p.name[:14] for p in out.parent.glob(".out.tmp-*/framing-table-*")] == [
        "framing-table-"
    ] * 2
    assert main(["analyze", str(SEEDS_DIR), "--out", str(out), "--no-cache"]) == 0
    assert temporaries(out) == []


def dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporary_folders_of_dead_runs_only_are_removed(tmp_path):
    import socket

    from analysis.write.outdir import atomic_dir

    out = tmp_path / "out"
    host = socket.gethostname()
    owners = {
        ".out.tmp-dead0001": f"{host} {dead_pid()}\n",
        ".out.tmp-live0001": f"{host} {os.getpid()}\n",  # a run still going
        ".out.tmp-else0001": f"elsewhere {dead_pid()}\n",  # another host's run
        ".out.tmp-mine0001": None,  # no owner file: not the toolkit's
        ".other.tmp-dead0001": f"{host} {dead_pid()}\n",  # another OUT's
    }
    for name, owner in owners.items():
        (tmp_path / name).mkdir()
        if owner is not None:
            (tmp_path / name / ".framing-owner").write_text(owner)
    with atomic_dir(out) as tmp:
        (tmp / "a.csv").write_text("a\n")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(set(owners) - {".out.tmp-dead0001"} | {"out"})
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]


def test_concurrent_replacements_of_one_out_leave_one_complete_out(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from analysis.write.outdir import atomic_dir

    out = tmp_path / "out"

    def write(i: int) -> None:
        with atomic_dir(out) as tmp:
            for name in ("a", "b", "c"):
                (tmp / f"{name}.csv").write_text(f"{i}\n")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(200)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert len({(out / f"{n}.csv").read_text() for n in "abc"}) == 1


def test_the_run_cache_removes_what_killed_runs_left_while_storing(tmp_path):
    import socket

    runs = tmp_path / "cache" / "runs"
    for name, pid in ((".run-dead", dead_pid()), (".run-live", os.getpid())):
        (runs / name / "files").mkdir(parents=True)
        (runs / name / ".framing-owner").write_text(f"{socket.gethostname()} {pid}\n")
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(a_run_output(tmp_path / "out"))
    assert sorted(p.name for p in runs.iterdir()) == [".run-live", "k" * 64]
    assert sorted(p.name for p in entry.path.iterdir()) == ["files", "manifest.json"]


def test_jsonl_cells_that_are_not_strings_are_bad_rows(tmp_path):
    """Issue 16 item 7: a list, an object, a number or a boolean in a text, title, outlet or
    id cell is a bad row naming the row, never its Python repr (an integer id is fine)."""
    import json

    from analysis.read.corpus import CorpusError
    from analysis.read.table import read_table

    rows = [
        {"id": 1, "date": "2024-01-01", "outlet": "TASS", "text": "Fine text."},
        {"id": "b", "date": "2024-01-01", "outlet": "TASS", "text": ["a", "friendship"]},
        {"id": True, "date": "2024-01-01", "outlet": "TASS", "text": "Boolean id."},
        {"id": "d", "date": "2024-01-01", "outlet": 5, "text": "Numeric outlet."},
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        read_table(path)
    message = str(e.value)
    assert "the text cell must be a string, not list" in message
    assert "the id cell must be a string or an integer, not bool" in message
    assert "the outlet cell must be a string, not int" in message
    table = read_table(path, on_bad_row="skip")
    assert [d.doc_id for d in table] == ["1"]
    assert sorted(table.skipped["reason"]) == ["bad_cell", "bad_cell", "bad_cell"]


def test_an_unreadable_folder_of_the_corpus_is_an_error(tmp_path, monkeypatch):
    """Issue 16 item 8: a folder that cannot be listed stops the run, naming it."""
    import os

    from analysis.read.corpus import CorpusError
    from analysis.read.directory import relative_files

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(" date 2024-01-01 Text.", encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(CorpusError, match=r"sub: cannot read this folder of the corpus"):
        relative_files(tmp_path)


def test_csv_rows_with_more_or_fewer_fields_than_the_header_are_bad_rows(tmp_path):
    """Issue 16 item 6: an unquoted comma in the last column lost its tail silently."""
    from analysis.read.corpus import CorpusError
    from analysis.read.table import read_table

    path = tmp_path / "t.csv"
    path.write_text(
        "id,date,outlet,text\n"
        "a,2024-01-01,TASS,hello, world\n"
        "b,2024-01-01,TASS\n"
        "\n"
        'c,2024-01-01,TASS,"quoted, fine"\n',
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as e:
        read_table(path)
    assert "row 1 (id 'a'): 5 fields, but the header has 4" in str(e.value)
    assert "row 2 (id 'b'): 3 fields, but the header has 4" in str(e.value)
    table = read_table(path, on_bad_row="skip")
    assert [(d.doc_id, d.text) for d in table] == [("c", "quoted, fine")]


@pytest.mark.parametrize("marker", [" ", "e", "TASS", "()"])
def test_a_dateline_marker_must_look_like_one(tmp_path, marker):
    """Issue 16 item 9: datelines = [" "] reassigned every document and cut its text."""
    from analysis.read.outlets import RegistryError, load_outlets

    path = tmp_path / "o.toml"
    path.write_text(
        f'[outlets.Mine]\ncountry = "RU"\ndomains = ["mine.ru"]\ndatelines = ["{marker}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="dateline .* must hold a letter, a delimiter"):
        load_outlets(path)
    path.write_text(path.read_text().replace(f'["{marker}"]', '["/MINE/"]'), encoding="utf-8")
    assert load_outlets(path).lookup("Mine").datelines == ("/MINE/",)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_the_workers_reading_a_folder_die_with_a_killed_parent(tmp_path):
    """The directory reader's pool (a folder of more than READ_CHUNK files, jobs > 1)."""
    import signal
    import subprocess
    import sys

    from analysis.read.directory import READ_CHUNK

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(2 * READ_CHUNK + 1):
        (corpus / f"{i:04d}.txt").write_text(f" date 2024-01-01 (MENAFN) Text {i}.")
    script = (
        "import sys, time\n"
        "from analysis.read.directory import read_documents\n"
        "def hold():\n"
        "    print('reading', flush=True)\n"
        "    time.sleep(600)\n"
        "read_documents(sys.argv[1], jobs=3, while_reading=hold)\n"
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script, str(corpus)], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout.readline() == "reading\n"
    wait_for(lambda: len(children(run.pid)) >= 2)
    workers = children(run.pid)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=60)  # (not communicate: live workers hold the pipe open)
    run.stdout.close()
    try:
        wait_for(lambda: not any(alive(w) for w in workers), timeout=5)
    finally:  # never leave a failing test's workers running
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)


def test_a_run_spills_a_table_into_its_temporary_folder(tmp_path, monkeypatch):
    """The spill file of a table corpus lived in /tmp/framing-table-* (left after a kill)."""
    import sqlite3

    from analysis.read import spill

    connect, opened = sqlite3.connect, []

    def recorded(path, *args, **kwargs):
        opened.append(Path(path))
        return connect(path, *args, **kwargs)

    monkeypatch.setattr(spill.sqlite3, "connect", recorded)
    table = tmp_path / "t.csv"
    table.write_text("text,date,outlet\nA text.,2024-01-01,TASS\n", encoding="utf-8")
    out = tmp_path / "new" / "out"
    assert main(["analyze", str(table), "--out", str(out), "--no-cache", "--no-progress"]) == 0
    (db,) = opened
    assert db.name == "docs.sqlite" and db.parent.name.startswith("framing-table-")
    assert db.parent.parent.parent == out.parent
    assert db.parent.parent.name.startswith(".out.tmp-")
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_the_spill_of_the_python_api_is_removed_and_cleaned_when_stale(tmp_path, monkeypatch):
    import socket
    import tempfile

    from analysis.read.table import read_table
    from analysis.write.owned import OWNER_NAME

    system = tmp_path / "tmp"
    system.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system))
    for name, pid in (("framing-table-dead", dead_pid()), ("framing-table-live", os.getpid())):
        (system / name).mkdir()
        (system / name / OWNER_NAME).write_text(f"{socket.gethostname()} {pid}\n")
    (system / "framing-table-other").mkdir()  # no owner file: never touched
    table = tmp_path / "t.csv"
    table.write_text("text,date,outlet\nA text.,2024-01-01,TASS\n", encoding="utf-8")
    with read_table(table) as corpus:
        (mine,) = set(system.iterdir()) - {
            system / "framing-table-live",
            system / "framing-table-other",
        }
        assert (mine / OWNER_NAME).read_text() == f"{socket.gethostname()} {os.getpid()}\n"
        assert [d.text for d in corpus] == ["A text."]
    assert sorted(p.name for p in system.iterdir()) == ["framing-table-live", "framing-table-other"]
