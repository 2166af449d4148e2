"""The Dask engine gives byte-identical outputs to the local engine (analysis.runner.engines).

Without Dask these tests are skipped, unless ``FRAMING_REQUIRE_DASK=1`` (set by ``make test``):
then the module fails to import, so the project's own test run cannot silently skip them.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.read.corpus import CorpusError, DuplicateWarning
from analysis.read.directory import read_documents
from analysis.runner.dask_engine import (
    INSTALL_HINT,
    WORKER_TABLES,
    analyze,
    partition_size_for,
    process_partition,
    require_dask,
)
from analysis.runner.dask_parquet import analyze_to_parquet, check_parts, write_partition
from analysis.runner.engines import EngineError
from analysis.write.parquet import (
    part_name,
    read_parquet_tables,
    write_parquet,
    write_parquet_tables,
)

REQUIRE_DASK = "FRAMING_REQUIRE_DASK"

if os.environ.get(REQUIRE_DASK) == "1":
    try:
        import dask
        import distributed
    except ImportError as e:
        pytest.fail(
            f"{REQUIRE_DASK}=1 but {e.name} cannot be imported, so the Dask engine tests cannot "
            f"run; install requirements-dask.lock (make setup-dask) or {INSTALL_HINT}",
            pytrace=False,
        )
else:
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")

N_COPIES = 20
# The engines agree byte for byte without the reuse pass: --engine dask finds only exact
# copies (from sha256), the local engine near and contained texts too
NO_REUSE = "--no-reuse"


# --------------------------------------------------------------------------- fixtures


class CrashWorker(distributed.WorkerPlugin):
    """Kill the worker process when a framing task starts (once, or every time)."""

    def __init__(self, marker: str | None):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "framing-partition" not in str(key):
            return
        if self.marker is not None:
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return
        os._exit(1)


@pytest.fixture(scope="module")
def cluster():
    import cloudpickle

    # the plugin above travels to the workers by value (they cannot import this test module)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # the scheduler's HTTP server (health, metrics) would otherwise try port 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        ) as cluster,
    ):
        yield cluster
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def client(cluster):
    with distributed.Client(cluster, set_as_default=False) as c:
        yield c


@pytest.fixture(scope="module")
def replicated(tmp_path_factory) -> Path:
    """The seeds ×20 in sub-directories; copies 0, 5, 10, 15 are exact duplicates."""
    root = tmp_path_factory.mktemp("replicated")
    lines = (SEEDS_DIR / "sources.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for k in range(N_COPIES):
        (root / f"r{k:02d}").mkdir()
        for line in lines[1:]:
            name, rest = line.split(",", 1)
            text = (SEEDS_DIR / name).read_text(encoding="utf-8")
            if k % 5:
                text += f"\n\nCopy {k} of the seed, a good copy."
            (root / f"r{k:02d}" / name).write_text(text, encoding="utf-8")
            rows.append(f"r{k:02d}/{name},{rest}")
    (root / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def _files(out: Path) -> dict[str, bytes]:
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


@pytest.fixture(scope="module")
def local_outputs(tmp_path_factory, replicated) -> dict[str, Path]:
    outs = {}
    for name, corpus in (("seeds", SEEDS_DIR), ("replicated", replicated)):
        out = tmp_path_factory.mktemp("local") / name
        argv = ["analyze", str(corpus), "--out", str(out), "--no-progress", "--no-cache"]
        assert main([*argv, NO_REUSE]) == 0
        outs[name] = out
    return outs


def _run_dask(corpus: Path, out: Path, cluster, *extra: str) -> int:
    argv = ["analyze", str(corpus), "--out", str(out), "--no-progress", "--engine", "dask"]
    cache = [] if "--cache-dir" in extra else ["--no-cache"]
    return main([*argv, NO_REUSE, "--scheduler", cluster.scheduler_address, *cache, *extra])


# --------------------------------------------------------------------------- byte-identical


@pytest.mark.parametrize("size", [1, 3, 7])
@pytest.mark.parametrize("name", ["seeds", "replicated"])
def test_dask_outputs_are_byte_identical(name, size, cluster, local_outputs, replicated, tmp_path):
    corpus = SEEDS_DIR if name == "seeds" else replicated
    out = tmp_path / "dask"
    assert _run_dask(corpus, out, cluster, "--partition-size", str(size)) == 0
    expected = _files(local_outputs[name])
    assert len(expected) == 13  # 12 tables and provenance.json
    assert _files(out) == expected


def test_replicated_corpus_flags_duplicates_across_partitions(cluster, replicated, tmp_path):
    out = tmp_path / "dask"
    assert _run_dask(replicated, out, cluster, "--partition-size", "4") == 0
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False)
    assert len(docs) == 5 * N_COPIES
    dups = docs[docs["duplicate_of"] != ""]
    # copies 5, 10 and 15 of each seed duplicate copy 0
    assert len(dups) == 15
    assert sorted(set(dups["duplicate_of"])) == sorted(
        f"r00/{p.stem}" for p in SEEDS_DIR.glob("*.txt")
    )


def test_api_matches_local_pipeline(client):
    from analysis.runner.pipeline import analyze as local_analyze

    local = local_analyze(SEEDS_DIR).tables()
    remote = analyze(SEEDS_DIR, client=client, partition_size=2).tables()
    assert list(remote) == list(local)
    for name in local:
        pd.testing.assert_frame_equal(remote[name], local[name])


# --------------------------------------------------------------------------- failures


def test_bad_corpus_fails_like_local_engine_and_writes_nothing(client, tmp_path):
    corpus = tmp_path / "bad"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "005_bad.txt").write_bytes(b" date 2024-01-01 caf\xe9 /TASS/ text")
    (corpus / "006_nodate.txt").write_text("MOSCOW, May 15. /TASS/. No header.", encoding="utf-8")
    with pytest.raises(CorpusError) as local_err:
        read_documents(corpus)
    with pytest.raises(CorpusError) as dask_err:
        analyze(corpus, client=client, partition_size=2)
    assert str(dask_err.value) == str(local_err.value)
    assert dask_err.value.problems == [
        f"{corpus / '005_bad.txt'}: not valid UTF-8 (byte 0xe9 at offset 20); "
        "re-save the file as UTF-8",
        f"{corpus / '006_nodate.txt'}: no ' date YYYY-MM-DD ' header and no date in "
        "sources.csv; add the header or a 'date' column",
    ]


def test_origin_problems_like_local_engine(client, tmp_path):
    corpus = tmp_path / "origins"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2024-05-16 (MENAFN) Text one.", encoding="utf-8")
    (corpus / "b.txt").write_text(" date 2024-05-16 /TASS/ Text two.", encoding="utf-8")
    (corpus / "c.txt").write_text(" date 2024-05-16 Text three.", encoding="utf-8")
    (corpus / "sources.csv").write_text("file,outlet,origin\nc.txt,Alpha,martian\n")
    origins = ("russian", "chinese")
    with pytest.raises(CorpusError) as local_err:
        read_documents(corpus, origins=origins)
    with pytest.raises(CorpusError) as dask_err:
        analyze(corpus, client=client, origins=origins, partition_size=1)
    assert dask_err.value.problems == local_err.value.problems
    assert dask_err.value.problems == [
        f"{corpus / 'sources.csv'}:2: origin 'martian' for 'c.txt' is not allowed "
        "(allowed: russian, chinese)",
        f"{corpus / 'a.txt'}: origin 'third-party' of outlet 'MENAFN' (from the outlet "
        "registry) is not allowed (allowed: russian, chinese); allow it (--origins) or give the "
        "file an allowed origin in sources.csv",
    ]


def _corpus_with_an_empty_file(tmp_path):
    """The seeds plus an empty file (a bad-input error) in ``tmp_path/bad``."""
    corpus = tmp_path / "bad"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "005_empty.txt").write_text("  \n", encoding="utf-8")
    return corpus


def test_bad_corpus_leaves_out_untouched(cluster, tmp_path, capsys):
    corpus = _corpus_with_an_empty_file(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run", encoding="utf-8")
    (out / "provenance.json").write_text('{"package": "framing"}', encoding="utf-8")
    assert _run_dask(corpus, out, cluster, "--partition-size", "2") == 2
    assert f"{corpus / '005_empty.txt'}: empty file" in capsys.readouterr().err
    assert _files(out) == {
        "keep.txt": b"previous run",
        "provenance.json": b'{"package": "framing"}',
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out"]


def test_worker_killed_once_run_completes_identically(cluster, client, local_outputs, tmp_path):
    marker = tmp_path / "crashed"
    client.register_plugin(CrashWorker(str(marker)), name="crash-once")
    try:
        out = tmp_path / "dask"
        assert _run_dask(SEEDS_DIR, out, cluster, "--partition-size", "2") == 0
    finally:
        client.unregister_worker_plugin("crash-once")
        client.wait_for_workers(2, timeout=240)  # a restarted worker reloads spaCy
    assert marker.exists()  # a worker really died mid-run
    assert _files(out) == _files(local_outputs["seeds"])


def test_worker_killed_every_time_fails_clearly_and_writes_nothing(
    cluster, client, tmp_path, capsys
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run", encoding="utf-8")
    (out / "provenance.json").write_text('{"package": "framing"}', encoding="utf-8")
    client.register_plugin(CrashWorker(None), name="crash-always")
    try:
        status = _run_dask(SEEDS_DIR, out, cluster, "--partition-size", "5")
    finally:
        client.unregister_worker_plugin("crash-always")
        client.wait_for_workers(2, timeout=240)  # a restarted worker reloads spaCy
    assert status == 2
    err = capsys.readouterr().err
    assert "framing: error: Dask lost partition 0 (5 files, 000_b1957c8600ddd4d8.txt" in err
    assert "nothing was written" in err
    assert _files(out) == {
        "keep.txt": b"previous run",
        "provenance.json": b'{"package": "framing"}',
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_worker_without_the_corpus_names_shared_storage(tmp_path):
    from analysis.document.lexicon import load_lexicon
    from analysis.read.outlets import load_outlets

    missing = tmp_path / "not-mounted"
    with pytest.raises(EngineError, match=r"cannot see the corpus directory .*not-mounted; "):
        process_partition(str(missing), "corpus", [("a.txt", None)], load_outlets(), load_lexicon())


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["analyze", str(SEEDS_DIR), "--out", str(out), "--engine", "dask"]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        assert main([*argv, "--scheduler", "tcp://127.0.0.1:9", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "framing: error: cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in err
    assert not out.exists()


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(EngineError) as err:
        require_dask()
    assert str(err.value) == (
        "--engine dask needs the optional Dask dependencies (distributed is not installed); "
        "install them with: pip install 'framing[dask]'"
    )
    assert INSTALL_HINT == "pip install 'framing[dask]'"


def test_partition_size_rules():
    assert partition_size_for(0, 2) == 1
    assert partition_size_for(5, 2) == 1
    assert partition_size_for(100, 2) == 13  # ceil(100 / 8)
    assert partition_size_for(10**6, 8) == 500
    with pytest.raises(ValueError, match="partition_size must be a positive integer, got 0"):
        analyze(SEEDS_DIR, client=object(), partition_size=0)


# --------------------------------------------------------------------------- parquet


def test_parquet_dataset_round_trip_and_split(tmp_path):
    df = pd.DataFrame(
        {"doc_id": ["a", "a", "b", "c", "c"], "term": list("vwxyz"), "count": [3, 1, 2, 5, 4]}
    )
    paths = write_parquet(df, tmp_path / "terms", rows_per_file=2)
    assert [p.name for p in paths] == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    assert [len(pd.read_parquet(p)) for p in paths] == [2, 2, 1]
    empty = pd.DataFrame({"doc_id": pd.Series(dtype="str"), "count": pd.Series(dtype="int64")})
    assert len(write_parquet(empty, tmp_path / "empty", rows_per_file=2)) == 1
    back = read_parquet_tables(tmp_path)
    assert list(back) == ["empty", "terms"]
    pd.testing.assert_frame_equal(back["terms"], df)
    assert list(back["empty"].columns) == ["doc_id", "count"] and len(back["empty"]) == 0
    with pytest.raises(ValueError, match="rows_per_file must be a positive integer, got 0"):
        write_parquet(df, tmp_path / "x", rows_per_file=0)


def test_parquet_is_deterministic(tmp_path):
    df = pd.DataFrame({"doc_id": ["a", "b"], "x": [0.5, float("nan")]})
    write_parquet_tables(tmp_path / "one", {"t": df}, {"run": 1}, rows_per_file=1)
    write_parquet_tables(tmp_path / "two", {"t": df}, {"run": 1}, rows_per_file=1)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert sorted(_files(tmp_path / "one")) == [
        "provenance.json",
        "t/part-00000.parquet",
        "t/part-00001.parquet",
    ]


def test_parquet_output_holds_the_csv_tables(cluster, local_outputs, tmp_path):
    out = tmp_path / "pq"
    assert _run_dask(SEEDS_DIR, out, cluster, "--partition-size", "3", "--format", "parquet") == 0
    local = local_outputs["seeds"]
    assert (out / "provenance.json").read_bytes() == (local / "provenance.json").read_bytes()
    tables = read_parquet_tables(out)
    assert sorted(f"{n}.csv" for n in tables) == sorted(p.name for p in local.glob("*.csv"))
    for name, df in tables.items():
        again = df.to_csv(index=False, encoding="utf-8", lineterminator="\n", na_rep="")
        assert again.encode("utf-8") == (local / f"{name}.csv").read_bytes(), name


def test_cli_starts_its_own_local_cluster(local_outputs, tmp_path, capsys):
    out = tmp_path / "dask"
    argv = ["analyze", str(SEEDS_DIR), "--out", str(out), "--no-progress", "--engine", "dask"]
    assert main([*argv, NO_REUSE, "--no-cache"]) == 0
    assert _files(out) == _files(local_outputs["seeds"])
    assert capsys.readouterr().err == f"framing: analysed 5 documents into {out}\n"


def test_workers_share_the_document_cache(cluster, local_outputs, tmp_path):
    cache = tmp_path / "cache"
    for run in ("cold", "warm"):
        out = tmp_path / run
        assert _run_dask(SEEDS_DIR, out, cluster, "--cache-dir", str(cache)) == 0
        assert _files(out) == _files(local_outputs["seeds"]), run
    # one lexicon-independent and one lexicon entry per seed document
    assert len(list(cache.glob("nlp-*/*/*.json"))) == 5
    assert len(list(cache.glob("lex-*/*/*.json"))) == 5


def test_cli_rejects_a_bad_partition_size(tmp_path, capsys):
    argv = ["analyze", str(SEEDS_DIR), "--out", str(tmp_path / "out"), "--engine", "dask"]
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--partition-size", "0"])
    assert exit_.value.code == 2
    assert "--partition-size: expected a number of documents >= 1, got '0'" in (
        capsys.readouterr().err
    )


def test_client_side_checks_come_before_any_cluster(tmp_path):
    # an unreachable scheduler is never contacted: the missing corpus is reported first
    with pytest.raises(CorpusError) as err:
        analyze(tmp_path / "missing", scheduler="tcp://127.0.0.1:9")
    assert str(err.value) == f"{tmp_path / 'missing'}: not a directory"


# --------------------------------------------------------------------------- parquet from workers


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, encoding="utf-8", lineterminator="\n", na_rep="").encode()


def _assert_holds_the_csv_tables(out: Path, local: Path) -> None:
    tables = read_parquet_tables(out)
    assert sorted(f"{n}.csv" for n in tables) == sorted(p.name for p in local.glob("*.csv"))
    for name, df in tables.items():
        assert _csv_bytes(df) == (local / f"{name}.csv").read_bytes(), name


def _provenance(corpus: Path, out: Path, *options: str):
    """What the command line writes into provenance.json for these options."""
    from analysis.cli import build_parser
    from analysis.document.lexicon import load_lexicon
    from analysis.runner.provenance import provenance

    argv = ["analyze", str(corpus), "--out", str(out), NO_REUSE, *options]
    args = build_parser().parse_args(argv)
    lexicon = load_lexicon(args.lexicon)
    return lambda docs: provenance(args, docs, lexicon)


def _duplicates_expected(expected: bool):
    if expected:
        return pytest.warns(DuplicateWarning)
    return contextlib.nullcontext()


@pytest.fixture(scope="module")
def odd_names(tmp_path_factory) -> Path:
    """Seeds as s0.txt, s0-x.txt, …: the file order (s0-x, s0) is not the doc_id order."""
    root = tmp_path_factory.mktemp("odd")
    lines = (SEEDS_DIR / "sources.csv").read_text(encoding="utf-8").splitlines()
    rows = [lines[0]]
    for k, line in enumerate(lines[1:]):
        name, rest = line.split(",", 1)
        text = (SEEDS_DIR / name).read_text(encoding="utf-8")
        for stem, extra in ((f"s{k}", ""), (f"s{k}-x", "\n\nAnother copy.")):
            (root / f"{stem}.txt").write_text(text + extra, encoding="utf-8")
            rows.append(f"{stem}.txt,{rest}")
    (root / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("size", [1, 3, 7])
@pytest.mark.parametrize("name", ["seeds", "replicated"])
def test_parquet_from_workers_holds_the_csv_tables(
    name, size, client, local_outputs, replicated, tmp_path
):
    corpus = SEEDS_DIR if name == "seeds" else replicated
    out = tmp_path / "pq"
    with _duplicates_expected(name == "replicated"):
        docs = analyze_to_parquet(
            corpus,
            out,
            client=client,
            partition_size=size,
            progress=False,
            provenance=_provenance(corpus, out),
        )
    local = local_outputs[name]
    n_docs = 5 if name == "seeds" else 5 * N_COPIES
    assert len(docs) == n_docs and all(d.text == "" for d in docs)
    _assert_holds_the_csv_tables(out, local)
    assert (out / "provenance.json").read_bytes() == (local / "provenance.json").read_bytes()
    n_parts = math.ceil(n_docs / size)
    expected = [part_name(i, n_parts) for i in range(n_parts)]
    for table in ("documents", *WORKER_TABLES):  # one part per partition, nothing else
        assert sorted(p.name for p in (out / table).iterdir()) == expected, table
    for table in ("keyness", "frame_rates"):
        assert [p.name for p in (out / table).iterdir()] == ["part-00000.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["pq"]


@pytest.mark.parametrize("size", [1, 2])
def test_parquet_markers_follow_doc_id_not_file_order(size, client, odd_names, tmp_path):
    files = [p.stem for p in sorted(odd_names.glob("*.txt"))]
    assert files != sorted(files)  # s0-x.txt sorts before s0.txt, doc_id s0 before s0-x
    local = tmp_path / "local"
    argv = ["analyze", str(odd_names), "--out", str(local), "--no-progress", "--no-cache"]
    assert main([*argv, NO_REUSE]) == 0
    out = tmp_path / "pq"
    analyze_to_parquet(odd_names, out, client=client, partition_size=size, progress=False)
    _assert_holds_the_csv_tables(out, local)
    markers = pd.read_parquet(out / "markers")
    assert markers["doc_id"].is_monotonic_increasing
    # (sparse rows) part i holds the markers of the i-th slice of the sorted documents
    parts = [pd.read_parquet(p) for p in sorted((out / "documents").iterdir())]
    ids, start = sorted(pd.concat(parts)["doc_id"]), 0
    for part, rows in zip(parts, sorted((out / "markers").iterdir()), strict=True):
        assert set(pd.read_parquet(rows)["doc_id"]) <= set(ids[start : start + len(part)])
        start += len(part)


def test_parquet_from_workers_keyness_and_frame_rate_options(client, tmp_path):
    options = ["--min-count", "3", "--stop-words", "--period", "month"]
    local = tmp_path / "local"
    argv = ["analyze", str(SEEDS_DIR), "--out", str(local), "--no-progress", "--no-cache"]
    assert main([*argv, NO_REUSE, *options]) == 0
    out = tmp_path / "pq"
    analyze_to_parquet(
        SEEDS_DIR,
        out,
        client=client,
        partition_size=2,
        progress=False,
        min_count=3,
        stop_words=True,
        period="month",
        provenance=_provenance(SEEDS_DIR, out, *options),
    )
    _assert_holds_the_csv_tables(out, local)
    assert (out / "provenance.json").read_bytes() == (local / "provenance.json").read_bytes()


def test_parquet_from_workers_survives_a_lost_worker(cluster, client, local_outputs, tmp_path):
    marker = tmp_path / "crashed"
    client.register_plugin(CrashWorker(str(marker)), name="crash-once-parquet")
    try:
        out = tmp_path / "pq"
        analyze_to_parquet(SEEDS_DIR, out, client=client, partition_size=2, progress=False)
    finally:
        client.unregister_worker_plugin("crash-once-parquet")
        client.wait_for_workers(2, timeout=240)  # a restarted worker reloads spaCy
    assert marker.exists()
    _assert_holds_the_csv_tables(out, local_outputs["seeds"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crashed", "pq"]


def _second_partition_fails(root, display_root, items, index, *args, **kwargs):
    """write_partition, except that partition 1 fails (runs on a worker, shipped by value)."""
    if index == 1:
        raise RuntimeError("partition 1 failed")
    return write_partition(root, display_root, items, index, *args, **kwargs)


def test_parquet_from_workers_writes_nothing_when_a_partition_fails(client, monkeypatch, tmp_path):
    from analysis.runner import dask_parquet

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run", encoding="utf-8")
    # the other partitions write their parts meanwhile; all of them are removed
    monkeypatch.setattr(dask_parquet, "write_partition", _second_partition_fails)
    with pytest.raises(RuntimeError, match="partition 1 failed"):
        analyze_to_parquet(SEEDS_DIR, out, client=client, partition_size=1, progress=False)
    assert _files(out) == {"keep.txt": b"previous run"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_parquet_from_workers_bad_corpus_writes_nothing(client, tmp_path):
    corpus = _corpus_with_an_empty_file(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run", encoding="utf-8")
    with pytest.raises(CorpusError, match="005_empty.txt: empty file"):
        analyze_to_parquet(corpus, out, client=client, partition_size=1, progress=False)
    assert _files(out) == {"keep.txt": b"previous run"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "out"]


def test_write_partition_returns_no_per_document_table(tmp_path):
    from analysis.document.lexicon import load_lexicon
    from analysis.read.outlets import load_outlets

    args = (str(SEEDS_DIR), "seeds", [("001_6f585b1e478cf8c8.txt", None)], 3)
    with pytest.raises(EngineError, match=r"cannot see the output directory .*missing; with "):
        write_partition(*args, load_outlets(), load_lexicon(), None, str(tmp_path / "missing"), 4)
    for table in WORKER_TABLES:
        (tmp_path / table).mkdir()
    summary = write_partition(*args, load_outlets(), load_lexicon(), None, str(tmp_path), 4)
    assert summary.problems == [] and [d.doc_id for d in summary.documents] == [
        "001_6f585b1e478cf8c8"
    ]
    assert list(summary.table["doc_id"]) == ["001_6f585b1e478cf8c8"]
    assert list(summary.term_totals.columns) == ["origin", "term", "count"]
    assert set(summary.term_totals["origin"]) == {"russian"}
    for table in WORKER_TABLES:
        assert [p.name for p in (tmp_path / table).iterdir()] == ["part-00003.parquet"]
        assert len(pd.read_parquet(tmp_path / table)) == summary.rows[table]
    assert summary.term_totals["count"].sum() == pd.read_parquet(tmp_path / "terms")["count"].sum()


def test_check_parts_removes_leftovers_and_names_missing_parts(tmp_path):
    for table in WORKER_TABLES:
        (tmp_path / table).mkdir()
        for i in range(2):
            (tmp_path / table / part_name(i, 2)).write_bytes(b"")
    stray = tmp_path / "terms" / ".part-00001.parquet.0123abcd.tmp"
    stray.write_bytes(b"half")
    check_parts(tmp_path, 2)
    assert not stray.exists()
    (tmp_path / "matches" / "part-00001.parquet").unlink()
    with pytest.raises(EngineError, match=r"matches: 1 Parquet part\(s\) missing .*part-00001"):
        check_parts(tmp_path, 2)


def test_part_names_sort_whatever_the_count():
    assert part_name(7, 3) == "part-00007.parquet"
    names = [part_name(i, 123_456) for i in (9, 99_999, 100_000)]
    assert (
        names
        == sorted(names)
        == [
            "part-000009.parquet",
            "part-099999.parquet",
            "part-100000.parquet",
        ]
    )


# --------------------------------------------------------------------------- FRAMING_REQUIRE_DASK


@pytest.mark.parametrize("required", [False, True])
def test_missing_dask_skips_unless_required(required):
    hide = "import sys; sys.modules['dask'] = sys.modules['distributed'] = None"
    run = f"import pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', {__file__!r}]))"
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_DASK}
    if required:
        env[REQUIRE_DASK] = "1"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-c", f"{hide}; {run}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if required:
        assert proc.returncode == pytest.ExitCode.INTERRUPTED, proc.stdout  # collection error
        assert f"{REQUIRE_DASK}=1 but dask cannot be imported" in proc.stdout
    else:
        assert proc.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, proc.stdout
        assert "1 skipped" in proc.stdout
