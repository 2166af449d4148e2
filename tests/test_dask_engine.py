"""The Dask engine gives byte-identical outputs to the local engine (analysis.engines)."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.corpus import CorpusError, read_documents
from analysis.engines import EngineError
from analysis.engines.dask_engine import (
    INSTALL_HINT,
    analyze,
    partition_size_for,
    process_partition,
    require_dask,
)
from analysis.engines.parquet import read_parquet_tables, write_parquet, write_parquet_tables

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

N_COPIES = 20


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
        assert main(argv) == 0
        outs[name] = out
    return outs


def _run_dask(corpus: Path, out: Path, cluster, *extra: str) -> int:
    argv = ["analyze", str(corpus), "--out", str(out), "--no-progress", "--engine", "dask"]
    cache = [] if "--cache-dir" in extra else ["--no-cache"]
    return main([*argv, "--scheduler", cluster.scheduler_address, *cache, *extra])


# --------------------------------------------------------------------------- byte-identical


@pytest.mark.parametrize("size", [1, 3, 7])
@pytest.mark.parametrize("name", ["seeds", "replicated"])
def test_dask_outputs_are_byte_identical(name, size, cluster, local_outputs, replicated, tmp_path):
    corpus = SEEDS_DIR if name == "seeds" else replicated
    out = tmp_path / "dask"
    assert _run_dask(corpus, out, cluster, "--partition-size", str(size)) == 0
    expected = _files(local_outputs[name])
    assert len(expected) == 10
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
    from analysis.pipeline import analyze as local_analyze

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


def test_bad_corpus_leaves_out_untouched(cluster, tmp_path, capsys):
    corpus = tmp_path / "bad"
    shutil.copytree(SEEDS_DIR, corpus)
    (corpus / "005_empty.txt").write_text("  \n", encoding="utf-8")
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
        client.wait_for_workers(2, timeout=60)
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
        client.wait_for_workers(2, timeout=60)
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
    from analysis.lexicon import load_lexicon
    from analysis.outlets import load_outlets

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
    assert main([*argv, "--no-cache"]) == 0
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
