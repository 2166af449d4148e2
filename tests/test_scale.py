"""Issue 23 (scale): progress from the first second, the sparse markers of the statistics."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from analysis.read.columns import ragged_rows
from analysis.runner.progress import RunProgress
from analysis.stats.marker_table import every_pair

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _table(path, n: int):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "date", "outlet", "origin", "text"])
        for i in range(n):
            w.writerow([f"d{i}", "2024-01-02", "TASS", "russian", f"Friendship number {i}."])
    return path


def test_ragged_rows_tells_every_ten_thousand_rows_and_the_rest(tmp_path):
    told = []
    width, ragged = ragged_rows(_table(tmp_path / "t.csv", 25_003), told.append)
    assert (width, ragged) == (5, {})
    assert told == [10_000, 10_000, 5_003]


def test_every_pair_adds_one_zero_row_per_pair_never_found():
    sparse = pd.DataFrame(
        {"doc_id": ["b", "c"], "frame": ["f", "f"], "marker": ["x", "x"], "count": [2, 1]}
    )
    out = every_pair(sparse, [("f", "x"), ("f", "y"), ("g", "z"), ("f", "y")], doc_id="a")
    assert out.to_dict("list") == {
        "doc_id": ["b", "c", "a", "a"],
        "frame": ["f", "f", "f", "g"],
        "marker": ["x", "x", "y", "z"],
        "count": [2, 1, 0, 0],
    }
    assert every_pair(sparse, [("f", "x")], doc_id="a") is sparse


def test_run_progress_shows_each_stage_only_when_asked(capsys):
    quiet = RunProgress(False)
    quiet.rows("reading rows", 5)
    quiet.step("tables", "keyness", total=2)
    quiet.close()
    assert capsys.readouterr().err == ""
    shown = RunProgress(True)
    shown.rows("reading rows", 5)
    shown.rows("reading rows", 2)
    shown.step("tables", "keyness", total=2)
    shown.step("tables", "models", total=2)
    shown.close()
    err = capsys.readouterr().err
    assert "reading rows: 7row" in err
    assert "tables: 100%" in err and "2/2" in err and "models" in err


@pytest.mark.parametrize("show", [True, False])
def test_a_run_shows_its_reading_and_table_steps(tmp_path, capsys, show):
    from analysis.runner.project import RunOptions, run

    corpus = _table(tmp_path / "c.csv", 40)
    run(RunOptions(corpus=corpus, out=tmp_path / "out", no_cache=True, progress=show, jobs=1))
    err = capsys.readouterr().err
    stages = ("checking rows", "reading dates", "reading rows", "documents", "tables")
    assert [f"{s}:" in err for s in stages] == [show] * len(stages)
    if show:
        assert "checking rows: 40row" in err and "writing" in err


def test_model_parts_in_two_processes_give_the_tables_of_one(monkeypatch):
    """With --jobs 2 the model parts are shared between two processes (the main one takes
    the parts the other has not started): the same tables, in the same order."""
    from analysis.runner import pipeline
    from analysis.runner.model_tables import model_tables

    results = pipeline.analyze(SEEDS, jobs=1)
    monkeypatch.setattr(pipeline, "SIDE_MIN_DOCS", 0)  # the seeds are 5 documents
    two = pipeline.corpus_tables(results, jobs=2)
    one = pipeline.corpus_tables(results, jobs=1)
    alone = model_tables(results.markers, results.documents)
    for name in ("rate_models", "rate_trends"):
        assert len(one[name]) > 0
        pd.testing.assert_frame_equal(two[name], one[name])
        pd.testing.assert_frame_equal(one[name], alone[name])


def test_a_forked_side_process_inherits_the_model_inputs_else_they_are_pickled(monkeypatch):
    """The side process forked by the first part's submit reads the tables it inherited; the
    parent keeps no reference to them afterwards; pickled inputs give the same parts."""
    from analysis.runner import pipeline
    from analysis.runner.model_tables import MODEL_PARTS, model_part
    from analysis.runner.pool import side_process

    results = pipeline.analyze(SEEDS, jobs=1)
    tables = (results.markers, results.documents)
    alone = {p: model_part(p, *tables) for p in MODEL_PARTS}

    class Spawn:
        def get_start_method(self):
            return "spawn"

    for context in (pipeline.process_context, Spawn):
        monkeypatch.setattr(pipeline, "process_context", context)
        with side_process(True) as side:
            submit = pipeline._model_submitter(side, *tables)
            futures = {p: submit(p) for p in MODEL_PARTS}
            assert pipeline._FORKED_INPUTS == {}
            got = {p: f.result() for p, f in futures.items()}
        for p in MODEL_PARTS:
            pd.testing.assert_frame_equal(got[p], alone[p])


def test_shared_tasks_go_one_at_a_time_to_the_side_and_from_the_last_here():
    from concurrent.futures import Future

    from analysis.runner.pool import SharedTasks

    sent: list[tuple[int, Future]] = []

    def submit(task):
        sent.append((task, Future()))
        return sent[-1][1]

    shared = SharedTasks([1, 2, 3, 4], submit)
    assert [t for t, _ in sent] == [1]  # the first task only, not all of them queued
    sent[0][1].set_result("r1")  # done: the next one goes
    assert [t for t, _ in sent] == [1, 2]
    assert [shared.take_last(), shared.take_last(), shared.take_last()] == [4, 3, None]
    sent[1][1].set_result("r2")  # nothing left to send
    assert [t for t, _ in sent] == [1, 2]
    assert shared.results() == {1: "r1", 2: "r2"}

    def refused(task):
        raise RuntimeError("cannot schedule new futures after shutdown")

    shared = SharedTasks(["a", "b"], refused)  # a task the side cannot take stays here
    assert [shared.take_last(), shared.take_last(), shared.take_last()] == ["b", "a", None]
    assert shared.results() == {}
    alone = SharedTasks(["a", "b"])
    assert [alone.take_last(), alone.take_last(), alone.take_last()] == ["b", "a", None]


def test_the_yearly_shares_joined_are_the_yearly_models():
    """Each share fits every YEARLY_SHARES-th year; joined, they are one call's rows."""
    from analysis.runner import model_tables
    from analysis.stats.models import rate_models

    n = 36
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{i:02d}" for i in range(n)],
            "origin": ["russian", "chinese", "third-party"] * (n // 3),
            "outlet": [f"o{i % 4}" for i in range(n)],
            "date": [f"{2020 + (i // 3) % 3}-05-0{1 + i % 7}" for i in range(n)],
            "n_tokens": [100 + 7 * i for i in range(n)],
        }
    )
    rows = [(f"d{i:02d}", "sovereignty", "sovereignty", 1 + (i * 5) % 4) for i in range(0, n, 2)]
    rows += [(f"d{i:02d}", "friendship", "friendship", 1 + i % 3) for i in range(1, n, 3)]
    markers = pd.DataFrame(rows, columns=["doc_id", "frame", "marker", "count"])
    tables = (markers, documents)
    yearly = rate_models(*tables, by="origin", period="year", min_count=1)
    assert sorted(yearly["period"].unique()) == ["2020", "2021", "2022"]
    shares = [
        rate_models(*tables, by="origin", period="year", min_count=1, share=(i, 2)) for i in (0, 1)
    ]
    years = sorted(yearly["period"].unique())
    assert [sorted(s["period"].unique()) for s in shares] == [years[0::2], years[1::2]]
    keys = ["period", "contrast", "group", "reference", "frame", "marker"]
    joined = pd.concat(shares, ignore_index=True).sort_values(keys, kind="stable")
    pd.testing.assert_frame_equal(joined.reset_index(drop=True), yearly)
    # the run's table: the whole-corpus rows of both contrasts, then every year's, as before
    whole = rate_models(*tables, by="origin", period=None)
    expected = pd.concat([whole, rate_models(*tables, by="origin", period="year")])
    got = model_tables.model_tables(*tables)["rate_models"]
    assert len(got) > len(whole)
    pd.testing.assert_frame_equal(got, expected[list(got.columns)].reset_index(drop=True))


def test_groups_of_zero_counts_share_one_bootstrap_and_the_same_bounds():
    """Markers never found in a cell: their bounds are those of one of them (0, or NaN when
    no resample has a token), the same as bootstrapping each."""
    import numpy as np

    from analysis.stats.bootstrap import shared_intervals

    num = np.array([[0, 2, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0]], dtype="float64")
    options = {"key": ("russian", 2024), "n_resamples": 200, "confidence": 0.9, "seed": 4}
    for tokens in ([[10.0], [20.0], [30.0]], [[0.0], [0.0], [0.0]]):
        den = np.array(tokens)
        fast = shared_intervals(num, den, **options)
        each = shared_intervals(num, np.repeat(den, 4, axis=1), **options)
        np.testing.assert_array_equal(fast, each)
        zero = 0.0 if den.any() else np.nan
        np.testing.assert_array_equal(fast[[0, 2]], [[zero, zero], [zero, zero]])


def test_beside_runs_its_task_once_from_the_first_batch_and_joins_it():
    """The models' imports run in a thread while the workers run: started once the first
    batch is back (the workers forked by then), never for no batch, finished with the last."""
    import threading

    from analysis.runner import pipeline

    events: list[str] = []
    seen_at_start: list[int] = []
    done = threading.Event()

    def batches(n):
        for i in range(n):
            events.append(f"batch {i}")
            yield i
        done.set()

    def task():
        seen_at_start.append(len(events))
        done.wait(5)  # still running after the last batch: joined, not abandoned
        events.append("task")

    assert list(pipeline._beside(batches(3), task)) == [0, 1, 2]
    assert events == ["batch 0", "batch 1", "batch 2", "task"]
    assert len(seen_at_start) == 1 and seen_at_start[0] >= 1
    events.clear()
    assert list(pipeline._beside(batches(0), task)) == []
    assert events == []
