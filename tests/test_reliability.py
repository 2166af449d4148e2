"""Reliability (issue 16): no data loss, no traceback, nothing left behind.

Each test reproduces one reported break (it failed before the fix it pins).
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.runner.run_cache import MAX_RUNS, RunCache, manifest_digest
from analysis.write.outdir import OutputError, check_output_dir, check_output_file


def listing(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (``None`` for directories)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def analyze(*args: object) -> int:
    return main(["analyze", *map(str, args), "--no-progress"])


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the seeds in tmp/data/corpus."""
    root = tmp_path / "data" / "corpus"
    root.mkdir(parents=True)
    for p in SEEDS_DIR.iterdir():
        (root / p.name).write_bytes(p.read_bytes())
    return root


def a_run_output(path: Path) -> Path:
    """A small directory holding files named like a run's outputs."""
    path.mkdir(parents=True)
    (path / "documents.csv").write_text("doc_id\na\n")
    (path / "provenance.json").write_text('{"package": "framing"}\n')
    return path


# ------------------------------------------------------------ 1. cache pruning


def test_pruning_removes_only_run_entries_never_other_folders_or_the_out(tmp_path):
    cache = tmp_path / "cache"
    runs = cache / "runs"
    photos = runs / "photos"
    photos.mkdir(parents=True)
    (photos / "cat.jpg").write_text("meow")
    fake = runs / ("f" * 64)  # a folder named like a key, not made by the toolkit
    fake.mkdir()
    (fake / "notes.txt").write_text("mine")
    out = a_run_output(runs / "out")  # an --out placed inside the cache
    for i in range(MAX_RUNS + 2):
        RunCache(cache, f"{i:064d}").store(out)
        t = 1_000_000 + i
        os.utime(runs / f"{i:064d}" / "manifest.json", (t, t))
    RunCache(cache, "9" * 64).store(out)
    left = sorted(p.name for p in runs.iterdir())
    newest = [f"{i:064d}" for i in range(3, MAX_RUNS + 2)]
    assert left == sorted([*newest, "9" * 64, "f" * 64, "out", "photos"])
    assert (photos / "cat.jpg").read_text() == "meow"
    assert (fake / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "provenance.json"]


def test_pruning_never_removes_a_folder_holding_the_out(tmp_path):
    cache = tmp_path / "cache"
    source = a_run_output(tmp_path / "source")
    for i in range(MAX_RUNS):
        RunCache(cache, f"{i:064d}").store(source)
        os.utime(cache / "runs" / f"{i:064d}" / "manifest.json", (1 + i, 1 + i))
    out = cache / "runs" / f"{0:064d}" / "files"  # --out inside the oldest entry
    RunCache(cache, "9" * 64).store(out)
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "provenance.json"]
    left = sorted(p.name for p in (cache / "runs").iterdir())
    assert left == [f"{i:064d}" for i in range(MAX_RUNS)] + ["9" * 64]


# ------------------------------------------------------------ 2. symlinks into OUT


@pytest.fixture
def links(tmp_path) -> tuple[Path, Path]:
    """tmp/data holds the articles; tmp/links holds symbolic links to them."""
    data = tmp_path / "data"
    data.mkdir()
    links = tmp_path / "links"
    links.mkdir()
    for p in SEEDS_DIR.iterdir():
        (data / p.name).write_bytes(p.read_bytes())
        (links / p.name).symlink_to(data / p.name)
    return data, links


def test_out_holding_the_targets_of_corpus_links_is_refused(links, monkeypatch, capsys):
    data, links = links
    monkeypatch.chdir(data.parent)
    before = listing(data)
    assert analyze("links", "--out", "data", "--force", "--no-cache") == 2
    first = sorted(p.name for p in links.iterdir() if p.suffix == ".txt")[0]
    assert capsys.readouterr().err == (
        f"framing: error: output directory data contains {data / first}, the target of "
        f"links/{first}, a symbolic link of the corpus, which writing the output would "
        "delete; choose another output path\n"
    )
    assert listing(data) == before


def test_check_output_dir_resolves_every_corpus_file(links):
    data, links = links
    with pytest.raises(OutputError, match="a symbolic link of the corpus"):
        check_output_dir(data, inputs={"corpus": links}, force=True)
    check_output_dir(data.parent / "elsewhere", inputs={"corpus": links})  # fine
    article = sorted(data.glob("*.txt"))[0]
    with pytest.raises(OutputError) as info:  # framing audit --out onto a linked article
        check_output_file(article, inputs={"corpus": links}, force=True)
    assert str(info.value) == (
        f"output file {article} is the target of {links / article.name}, a symbolic link of "
        "the corpus; choose another output path"
    )


# ------------------------------------------------------------ 3. forged run-cache manifests


def forge(entry: RunCache, files: dict[str, str], *, digest: bool = True) -> None:
    """Rewrite the manifest of a stored entry (with a valid checksum unless ``digest``)."""
    manifest = {"key": entry.key, "files": files}
    if digest:
        manifest["sha256"] = manifest_digest(entry.key, files)
    (entry.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("digest", [False, True])
def test_restore_never_writes_outside_out(tmp_path, digest):
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(a_run_output(tmp_path / "src"))
    (tmp_path / "cache" / "x").write_text("payload")  # what files/../../../x names
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    files = json.loads((entry.path / "manifest.json").read_text())["files"]
    files["../../../x"] = "0" * 64
    files[str(victim)] = "0" * 64
    forge(entry, files, digest=digest)
    out = a_run_output(tmp_path / "a" / "b" / "c" / "out")
    before = listing(tmp_path / "a")
    assert not entry.restore(out) and entry.outcome == "corrupt"
    assert listing(tmp_path / "a") == before  # tmp/a/x was where ../../../x led
    assert victim.read_text() == "precious"


@pytest.mark.parametrize(
    "name", ["sub/documents.csv", "notes.txt", "terms/../x.parquet", "terms/part-0.csv", ""]
)
def test_restore_refuses_names_other_than_the_tables(tmp_path, name):
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(a_run_output(tmp_path / "src"))
    files = json.loads((entry.path / "manifest.json").read_text())["files"]
    forge(entry, {**files, name: "0" * 64})
    assert not entry.restore(tmp_path / "out") and entry.outcome == "corrupt"
    assert not (tmp_path / "out").exists()


def test_restore_refuses_an_empty_file_list(tmp_path):
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(a_run_output(tmp_path / "src"))
    forge(entry, {})
    out = a_run_output(tmp_path / "out")
    assert not entry.restore(out) and entry.outcome == "corrupt"
    assert sorted(p.name for p in out.iterdir()) == ["documents.csv", "provenance.json"]


def test_restore_refuses_a_manifest_without_its_checksum(tmp_path):
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(a_run_output(tmp_path / "src"))
    manifest = json.loads((entry.path / "manifest.json").read_text())
    assert manifest["sha256"] == manifest_digest(entry.key, manifest["files"])
    forge(entry, manifest["files"], digest=False)
    assert not entry.restore(tmp_path / "out") and entry.outcome == "corrupt"
    assert not (tmp_path / "out").exists()


def test_restore_accepts_parquet_parts(tmp_path):
    src = a_run_output(tmp_path / "src")
    (src / "terms").mkdir()
    (src / "terms" / "part-00000.parquet").write_bytes(b"PAR1")
    entry = RunCache(tmp_path / "cache", "k" * 64)
    entry.store(src)
    assert entry.restore(tmp_path / "out") and entry.outcome == "hit"
    assert listing(tmp_path / "out") == listing(src)


# ------------------------------------------------------------ 4. --cache-dir placement


@pytest.mark.parametrize(
    ("cache", "problem"),
    [
        ("out", "is the output directory (out), which the run replaces as a whole"),
        ("out/cache", "lies inside the output directory (out), which the run replaces as a whole"),
        ("data/corpus", "is the corpus directory (data/corpus), which the run reads"),
        (
            "data/corpus/cache",
            "lies inside the corpus directory (data/corpus), which the run reads",
        ),
    ],
)
def test_cache_dir_may_not_be_or_lie_inside_out_or_the_corpus(
    corpus, monkeypatch, capsys, cache, problem
):
    root = corpus.parent.parent
    monkeypatch.chdir(root)
    before = listing(root)
    assert analyze("data/corpus", "--out", "out", "--cache-dir", cache) == 2
    assert capsys.readouterr().err == (
        f"framing: error: cache directory {cache} {problem}; choose another --cache-dir\n"
    )
    assert listing(root) == before


# ------------------------------------------------------------ 5. the spaCy model in every key


def test_spacy_model_is_in_the_cache_keys_and_provenance(tmp_path, monkeypatch):
    from analysis.config import PIPELINE_VERSION, SPACY_MODEL_ENV
    from analysis.document.lexicon import load_lexicon
    from analysis.read.directory import relative_files
    from analysis.runner.doc_cache import DocCache
    from analysis.runner.project import RunOptions
    from analysis.runner.provenance import provenance

    def keys() -> tuple:
        cache = DocCache(tmp_path, lexicon_fingerprint="abc")
        prov = provenance(RunOptions(SEEDS_DIR), relative_files(SEEDS_DIR), load_lexicon())
        return cache.nlp_path("ab" * 32), cache.lex_path("ab" * 32), prov["pipeline"]

    assert SPACY_MODEL_ENV == "FRAMING_SPACY_MODEL"  # what analysis.document.nlp reads
    monkeypatch.delenv("FRAMING_SPACY_MODEL", raising=False)
    blank = keys()
    assert blank[2] == PIPELINE_VERSION  # unchanged without the variable
    model = tmp_path / "model"
    model.mkdir()
    (model / "meta.json").write_text('{"lang": "en", "name": "core_web_sm", "version": "3.8.0"}')
    monkeypatch.setenv("FRAMING_SPACY_MODEL", str(model))
    with_model = keys()
    assert with_model[2] == f"{PIPELINE_VERSION};model=en_core_web_sm@3.8.0"
    assert with_model[0] != blank[0] and with_model[1] != blank[1]
    monkeypatch.setenv("FRAMING_SPACY_MODEL", "vaderSentiment")  # an installed package
    assert keys()[2] == f"{PIPELINE_VERSION};model=vaderSentiment@3.3.2"
    monkeypatch.setenv("FRAMING_SPACY_MODEL", "en_no_such_model")
    assert keys()[2] == f"{PIPELINE_VERSION};model=en_no_such_model@unknown"


def test_a_cached_run_is_not_reused_after_the_spacy_model_changed(
    corpus, tmp_path, capsys, monkeypatch
):
    from analysis.document.nlp import get_nlp

    cache = tmp_path / "cache"
    monkeypatch.delenv("FRAMING_SPACY_MODEL", raising=False)
    assert analyze(corpus, "--out", tmp_path / "blank", "--cache-dir", cache) == 0
    spacy_model = tmp_path / "model"
    import spacy

    spacy.blank("en").to_disk(spacy_model)  # no sentencizer: one sentence per document
    monkeypatch.setenv("FRAMING_SPACY_MODEL", str(spacy_model))
    get_nlp.cache_clear()
    try:
        capsys.readouterr()
        assert analyze(corpus, "--out", tmp_path / "model_out", "--cache-dir", cache) == 0
    finally:
        monkeypatch.delenv("FRAMING_SPACY_MODEL")
        get_nlp.cache_clear()
    assert "unchanged run" not in capsys.readouterr().err
    prov = json.loads((tmp_path / "model_out" / "provenance.json").read_text())
    assert prov["pipeline"].endswith(";model=en_pipeline@0.0.0")
    blank = rows(tmp_path / "blank" / "sentences.csv")
    model = rows(tmp_path / "model_out" / "sentences.csv")
    assert len(model) == 5 < len(blank)  # one sentence per document without a sentencizer


# ------------------------------------------------------------ clear errors, not tracebacks

HEADER = "frame,marker,n_hits,doc_id,sent_id,start,end,left,match,right,relevant\n"
ROW = "sov,sovereignty,{hits},d1,0,1,5,a,b,c,1\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            (HEADER + ROW.format(hits=3)).encode().replace(b",b,", b",\xff,"),
            "CSV line 2: not valid UTF-8 (byte 100); save the sheet as UTF-8 CSV",
        ),
        (b"", "is empty; give a sheet written by framing audit CORPUS --out FILE"),
        (b"\n\n", "is empty; give a sheet written by framing audit CORPUS --out FILE"),
        (
            (HEADER + ROW.format(hits=3).replace(",a,", ',"a,')).encode(),
            "CSV line 2: not valid CSV (unexpected end of data)",
        ),
        (
            (HEADER + ROW.format(hits="1e400")).encode(),
            "CSV line 2: n_hits value '1e400' is not a whole number of hits from 0 to "
            "9007199254740992",
        ),
        (
            (HEADER + ROW.format(hits=10**23)).encode(),
            "CSV line 2: n_hits value '100000000000000000000000' is not a whole number of hits "
            "from 0 to 9007199254740992",
        ),
        (
            (HEADER + ROW.format(hits=3) + ROW.format(hits="-4")).encode(),
            "CSV line 3: n_hits value '-4' is not a whole number of hits from 0 to "
            "9007199254740992",
        ),
        (
            (HEADER + ROW.format(hits=3).replace(",1\n", ",1,extra\n")).encode(),
            "CSV line 2: 12 fields, but the header has 11",
        ),
        (HEADER.encode(), "has no rows: no hits to score"),
        (b"frame,frame,marker,relevant\nsov,x,s,1\n", "column(s) 'frame' appear more than once"),
    ],
)
def test_malformed_audit_sheets_are_clear_errors(tmp_path, capsys, content, problem):
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(content)
    assert main(["audit", "--score", str(sheet)]) == 2
    assert capsys.readouterr().err == f"framing: error: {sheet}: {problem}\n"


def test_audit_sheet_values_are_read_exactly(tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    rows_ = [ROW.format(hits="4"), ROW.format(hits="4.0").replace(",1\n", ",0\n")]
    sheet.write_bytes(("\ufeff" + HEADER + "".join(rows_) + "\n").encode())
    assert main(["audit", "--score", str(sheet), "--out", str(tmp_path / "p.csv")]) == 0
    assert (tmp_path / "p.csv").read_text() == (
        "level,frame,marker,n_hits,n_judged,n_relevant,precision,ci_low,ci_high\n"
        "marker,sov,sovereignty,4,2,1,0.5,0.09453120573423074,0.9054687942657693\n"
        "frame,sov,,4,2,1,0.5,,\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["audit", "seeds", "--out", "a.csv", "--window", "-5"],
            "framing audit: error: argument --window: expected a whole number >= 0, got '-5'",
        ),
        (
            ["analyze", "seeds", "--min-count", "-5"],
            "framing analyze: error: argument --min-count: expected a whole number >= 0, got '-5'",
        ),
    ],
)
def test_negative_counts_are_refused(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == message
    assert list(tmp_path.iterdir()) == []


def test_jobs_beyond_four_per_core_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["analyze", str(SEEDS_DIR), "--jobs", "9"])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "framing analyze: error: argument --jobs: 9 processes is more than 4 per CPU core (8 "
        "for the 2 core(s) here); use 0 for one per core"
    )
    assert list(tmp_path.iterdir()) == []


def test_outlets_and_lexicon_tables_of_the_wrong_type_are_clear_errors(tmp_path, capsys):
    """Already an exit-2 message before issue 16 (checked in read/outlets.py and lexicon.py)."""
    bad = tmp_path / "bad.toml"
    bad.write_text("outlets = 5\n")
    out = tmp_path / "out"
    assert analyze(SEEDS_DIR, "--out", out, "--no-cache", "--outlets", bad) == 2
    assert capsys.readouterr().err == (
        f"framing: error: {bad}: outlets must be tables [outlets.NAME]\n"
    )
    assert analyze(SEEDS_DIR, "--out", out, "--no-cache", "--lexicon", bad) == 2
    assert capsys.readouterr().err == (
        "framing: error: 2 problems in the lexicon:\n"
        f"{bad}: unknown key 'outlets' (allowed: version, frames, actors)\n"
        f"{bad}: no frames (add at least one [frames.NAME] table)\n"
    )
    assert not out.exists()


def test_a_text_longer_than_spacy_takes_is_a_clear_error(corpus, tmp_path, capsys, monkeypatch):
    from analysis.document.nlp import get_nlp

    monkeypatch.setattr(get_nlp(), "max_length", 8000)  # 002_… has 8,503 characters
    out = tmp_path / "new" / "deeper" / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == (
        "framing: error: 002_0ff1c1c90e3f4af4.txt: document 002_0ff1c1c90e3f4af4 has 8,503 "
        "characters of text, more than the NLP pass takes (8,000, spaCy's max_length); split "
        "it into several documents, e.g. at its paragraph breaks\n"
    )
    assert not (tmp_path / "new").exists()  # a failed run creates no parent folder


def test_unreadable_lexicon_is_a_clear_error(corpus, tmp_path, capsys, monkeypatch):
    lexicon = tmp_path / "lex.toml"
    lexicon.write_text('[frames.a]\nmarkers = ["x"]\n')
    read_bytes = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == lexicon:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache", "--lexicon", lexicon) == 2
    assert capsys.readouterr().err == f"framing: error: {lexicon}: Permission denied\n"
    assert not out.exists()


def test_unwritable_parent_of_out_is_a_clear_error(corpus, tmp_path, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    mkdir = Path.mkdir

    def denied(self: Path, *args, **kwargs) -> None:
        if self.is_relative_to(locked):
            raise PermissionError(13, "Permission denied", str(locked / "sub"))
        mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", denied)
    out = locked / "sub" / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 2
    assert capsys.readouterr().err == (
        f"framing: error: cannot create output directory {out}: Permission denied "
        f"({locked / 'sub'}); choose another --out\n"
    )
    assert list(locked.iterdir()) == []


@pytest.fixture
def previous(corpus, tmp_path) -> Path:
    """OUT holding a previous run's output."""
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache") == 0
    return out


def test_full_disk_is_a_clear_error_and_keeps_the_previous_out(
    corpus, previous, tmp_path, capsys, monkeypatch
):
    import errno

    from analysis.write import tables

    def full(df, path, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(tables, "write_csv", full)
    before = listing(previous)
    capsys.readouterr()
    assert analyze(corpus, "--out", previous, "--no-cache") == 2
    assert capsys.readouterr().err == (
        f"framing: error: no space left for output directory {previous} (No space left on "
        "device); it is unchanged. Free some space or choose another --out\n"
    )
    assert listing(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing(
    corpus, previous, tmp_path, capsys, monkeypatch
):
    from analysis.runner import pipeline

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "analyze", interrupted)
    before = listing(previous)
    capsys.readouterr()
    try:
        status = analyze(corpus, "--out", previous, "--no-cache")
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped main(): a traceback")
    assert status == 130
    assert capsys.readouterr().err == "framing: interrupted (SIGINT)\n"
    assert listing(previous) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


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
    wait_for(lambda: len(children(run.pid)) >= 2 or run.poll() is not None)
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
    left = temporaries(out)
    assert len(left) == 1 and left[0].startswith(".out.tmp-")  # what kill -9 leaves
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


# ------------------------------------------------------------ bounded cost


def quadratic_lexicon_part(parsed, compiled):
    """The per-document lexicon part as it was before issue 16 (one scan per key)."""
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


def test_lexicon_part_is_unchanged_by_grouping_the_matches():
    from analysis.document import tone as st
    from analysis.document.lexicon import load_lexicon
    from analysis.document.nlp import parse
    from analysis.document.process import compiled_lexicon, lexicon_part
    from analysis.read.corpus import read_corpus

    compiled = compiled_lexicon(load_lexicon())
    sentence = "Bullying ends where friendship begins, and bullying never wins."
    texts = [d.text for d in read_corpus(SEEDS_DIR)]
    texts.append("\n\n".join([sentence, "A multipolar world.", sentence, "Bad hegemony."] * 50))
    for text in texts:
        parsed = parse(text)
        matches, masked, _ = lexicon_part(parsed, compiled)
        assert masked == quadratic_lexicon_part(parsed, compiled)
    assert [m[2:5] for m in matches[:3]] == [
        ("bullying", 0, 8),
        ("friendship", 20, 30),
        ("bullying", 43, 51),
    ]
    # both "bullying"s are masked together (-0.6121 with only the first one masked)
    assert masked[:3] == [-0.0253, -0.8956, -0.0253]
    assert st.score(sentence)[0] == -0.8359


# ------------------------------------------------------------ output safety


def risky_table(path: Path, n: int) -> Path:
    """A CSV corpus whose ids, titles and first sentences start like spreadsheet formulas."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text", "date", "outlet"])
        for i in range(n):
            text = f"=1+{i} is no formula.\n\n-2 is a win-win deal, says @TASS {i}."
            w.writerow(
                [f'=HYPERLINK("http://x.example/{i}")', f"+{i} title", text, "2024-05-16", "TASS"]
            )
    return path


def test_the_audit_sheet_neutralises_formula_cells_and_reads_them_back(tmp_path, capsys):
    table = risky_table(tmp_path / "t.csv", 1)
    lexicon = tmp_path / "lex.toml"
    lexicon.write_text('[frames."-coop"]\nmarkers = ["win-win"]\n')
    sheet = tmp_path / "sheet.csv"
    argv = ["audit", str(table), "--lexicon", str(lexicon), "--id-col", "id", "--out", str(sheet)]
    assert main(argv) == 0
    assert sheet.read_text(encoding="utf-8") == (
        "frame,marker,n_hits,doc_id,sent_id,start,end,left,match,right,relevant\n"
        '\'-coop,win-win,1,"\'=HYPERLINK(""http://x.example/0"")",1,29,36,\'=1+0 is no '
        'formula. -2 is a ,win-win," deal, says @TASS 0.",\n'
    )
    sheet.write_text(sheet.read_text(encoding="utf-8").replace('.",\n', '.",1\n'), encoding="utf-8")
    scores = tmp_path / "precision.csv"
    capsys.readouterr()
    assert main(["audit", "--score", str(sheet), "--out", str(scores)]) == 0
    assert scores.read_text(encoding="utf-8") == (
        "level,frame,marker,n_hits,n_judged,n_relevant,precision,ci_low,ci_high\n"
        "marker,'-coop,win-win,1,1,1,1.0,0.20654931437723745,1.0\n"  # 1 / (1 + z²)
        "frame,'-coop,,1,1,1,1.0,,\n"
    )
    assert " -coop " in capsys.readouterr().out  # the frame is "-coop" again


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_csv_safe_neutralises_the_analysis_tables_only_when_asked(tmp_path, jobs):
    table = risky_table(tmp_path / "t.csv", 40)  # > 32 documents: --jobs 2 uses workers
    base = [table, "--id-col", "id", "--include-title", "--no-cache", "--jobs", jobs]
    assert analyze(*base, "--out", tmp_path / "raw") == 0
    assert analyze(*base, "--out", tmp_path / "safe", "--csv-safe") == 0
    assert analyze(*base, "--out", tmp_path / "pq", "--csv-safe", "--format", "parquet") == 0
    raw = rows(tmp_path / "raw" / "documents.csv")
    safe = rows(tmp_path / "safe" / "documents.csv")
    assert raw[0]["doc_id"] == '=HYPERLINK("http://x.example/0")' and raw[0]["title"] == "+0 title"
    assert safe[0]["doc_id"] == "'" + raw[0]["doc_id"] and safe[0]["title"] == "'+0 title"
    sentences = rows(tmp_path / "safe" / "sentences.csv")
    assert [(s["doc_id"][:2], s["text"]) for s in sentences[:3]] == [
        ("'=", "'+0 title"),
        ("'=", "'=1+0 is no formula."),
        ("'=", "'-2 is a win-win deal, says @TASS 0."),
    ]
    assert sentences[1]["compound"] == rows(tmp_path / "raw" / "sentences.csv")[1]["compound"]
    import pandas as pd

    parquet = pd.read_parquet(tmp_path / "pq" / "sentences")
    assert parquet["text"].tolist()[:2] == ["+0 title", "=1+0 is no formula."]
    prov = json.loads((tmp_path / "safe" / "provenance.json").read_text())
    assert prov["options"]["csv_safe"] is True
    assert (
        "csv_safe" not in json.loads((tmp_path / "raw" / "provenance.json").read_text())["options"]
    )


def test_csv_safe_runs_are_byte_identical_whatever_jobs(tmp_path):
    table = risky_table(tmp_path / "t.csv", 40)
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        assert (
            analyze(
                table, "--id-col", "id", "--no-cache", "--csv-safe", "--jobs", jobs, "--out", out
            )
            == 0
        )
    assert listing(tmp_path / "1") == listing(tmp_path / "2")


def test_provenance_records_no_absolute_paths(corpus, tmp_path, monkeypatch):
    lexicon = tmp_path / "data" / "lex.toml"
    lexicon.write_text('[frames.coop]\nmarkers = ["win-win"]\n')
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = tmp_path / "out"
    assert analyze(corpus, "--out", out, "--no-cache", "--lexicon", lexicon) == 0
    prov = json.loads((out / "provenance.json").read_text())
    assert (prov["corpus"], prov["lexicon"]["path"]) == ("corpus", "lex.toml")
    monkeypatch.chdir(tmp_path)  # inside the working directory: relative to it
    assert analyze(corpus, "--out", out, "--no-cache", "--lexicon", lexicon) == 0
    prov = json.loads((out / "provenance.json").read_text())
    assert (prov["corpus"], prov["lexicon"]["path"]) == ("data/corpus", "data/lex.toml")
    assert analyze("data/corpus", "--out", out, "--no-cache", "--lexicon", "data/lex.toml") == 0
    again = json.loads((out / "provenance.json").read_text())
    assert again == prov  # relative paths: as typed, as before
    monkeypatch.chdir(work)
    assert analyze("../data/corpus", "--out", out, "--no-cache") == 0
    assert json.loads((out / "provenance.json").read_text())["corpus"] == "corpus"


def test_a_full_disk_while_writing_an_audit_sheet_is_a_clear_error(tmp_path, capsys, monkeypatch):
    import errno

    from analysis.write import tables

    def full(df, path, **kwargs):
        Path(path).write_text("partial")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(tables, "write_csv", full)
    sheet = tmp_path / "sheet.csv"
    assert main(["audit", str(SEEDS_DIR), "--out", str(sheet)]) == 2
    assert capsys.readouterr().err == (
        f"framing: error: no space left for {sheet} (No space left on device); free some "
        "space or choose another --out\n"
    )
    assert list(tmp_path.iterdir()) == []


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
