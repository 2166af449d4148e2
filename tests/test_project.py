"""Project files, the results store and opening a project (analysis.runner.projectfile,
analysis.runner.store, analysis.runner.project.open_project)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.config import SEEDS_DIR
from analysis.runner.pipeline import analyze
from analysis.runner.project import RunOptions, open_project
from analysis.runner.projectfile import ProjectError, load_project
from analysis.runner.store import StoreError, load_results
from analysis.schema import TABLE_COLUMNS


def _project(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "proj" / "framing.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def test_a_project_file_gives_run_options_with_paths_relative_to_it(tmp_path):
    path = _project(
        tmp_path,
        '[corpus]\npath = "../data/export.csv"\ndate_col = "published"\n'
        'origins = ["a", "b"]\non_bad_row = "skip"\n'
        '[analysis]\nperiod = "month"\nmin_count = 3\nstop_words = true\n'
        '[output]\nformat = "parquet"\n',
    )
    opts = load_project(path)
    assert opts.corpus == tmp_path / "data" / "export.csv"
    assert opts.out == tmp_path / "proj" / "out"  # default: out beside the file
    assert (opts.date_col, opts.origins, opts.on_bad_row) == ("published", ("a", "b"), "skip")
    assert (opts.period, opts.min_count, opts.stop_words, opts.format) == (
        "month",
        3,
        True,
        "parquet",
    )
    assert load_project(path, period="year", out=Path("elsewhere")).period == "year"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[corpus]\npath = "x"\n[extra]\n', r"unknown section \[extra\]"),
        ('[corpus]\npath = "x"\ndate_column = "d"\n', r"unknown key 'date_column' in \[corpus\]"),
        ("[analysis]\nperiod = 'year'\n", r"\[corpus\] path is required"),
        ('[corpus]\npath = "x"\n[analysis]\nperiod = "week"\n', "must be one of year"),
        ('[corpus]\npath = "x"\n[analysis]\nmin_count = -5\n', "whole number >= 0"),
        ('[corpus]\npath = "x"\norigins = []\n', "non-empty list of strings"),
        ('[corpus]\npath = "x"\ninclude_title = "yes"\n', "must be true or false"),
        ('[corpus\npath = "x"\n', "not a valid TOML project file"),
        ('[corpus]\npath = "x"\noutlets = 5\n', r"\[corpus\] outlets: must be a non-empty string"),
    ],
)
def test_a_bad_project_file_is_an_error_naming_the_file_and_key(tmp_path, body, message):
    path = _project(tmp_path, body)
    with pytest.raises(ProjectError, match=message) as e:
        load_project(path)
    assert str(path) in str(e.value)


def test_the_store_holds_the_same_tables_as_the_run(tmp_path):
    ref = analyze(SEEDS_DIR, progress=False, jobs=1)
    for fmt in ("csv", "parquet"):
        out = tmp_path / fmt
        args = ["analyze", str(SEEDS_DIR), "--out", str(out), "--no-cache", "--format", fmt]
        assert main(args) == 0
        store = load_results(out)
        assert store.format == fmt
        for name in TABLE_COLUMNS:
            got, want = store.table(name), getattr(ref, name)
            # in memory the terms' doc_id and term are categoricals (the same values)
            coded = [c for c in want.columns if isinstance(want[c].dtype, pd.CategoricalDtype)]
            assert coded == (["doc_id", "term"] if name == "terms" else [])
            want = want.astype(dict.fromkeys(coded, str))
            pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=f"{fmt} {name}")
        assert list(store.table("terms", ["doc_id", "count"]).columns) == ["doc_id", "count"]
        assert store.provenance["n_documents"] == 5 and store.stale() is None


def test_a_missing_store_says_how_to_create_it(tmp_path):
    with pytest.raises(StoreError, match="is not a complete framing output.*framing analyze"):
        load_results(tmp_path / "nothing")


def test_cli_options_override_the_project_file_and_are_recorded(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    path = _project(tmp_path, '[corpus]\npath = "../corpus"\n[analysis]\nperiod = "quarter"\n')
    assert main(["analyze", "--config", str(path), "--no-cache", "--period", "month"]) == 0
    store = load_results(path)
    assert store.path == tmp_path / "proj" / "out"
    assert store.provenance["options"]["period"] == "month"
    assert set(store.frame_rates["period"]) == {"2017-11", "2024-05", "2025-05"}
    assert main(["analyze", "--config", str(path), "--no-cache"]) == 0
    assert load_results(path).provenance["options"]["period"] == "quarter"


def test_open_project_runs_only_when_the_store_is_missing_or_stale(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS_DIR, corpus)
    path = _project(tmp_path, '[corpus]\npath = "../corpus"\n')
    calls = []
    import analysis.runner.pipeline as pipeline

    real = pipeline.run_tables

    def counted(docs, *a, **k):
        calls.append(len(docs))
        return real(docs, *a, **k)

    monkeypatch.setattr(pipeline, "run_tables", counted)
    options = load_project(path, cache_dir=tmp_path / "cache")
    first = open_project(options)
    assert calls == [5] and len(first.documents) == 5
    again = open_project(options)  # stored and unchanged: nothing runs
    assert calls == [5] and again.summary() == first.summary()
    (corpus / "000_b1957c8600ddd4d8.txt").write_text(
        " date 2024-05-14 Changed text.", encoding="utf-8"
    )
    assert open_project(options).stale() is None
    assert calls == [5, 5]
    assert isinstance(options, RunOptions)


def test_init_writes_a_project_for_an_export_that_needs_options(tmp_path, monkeypatch):
    """framing init → analyze --config → a notebook executed against the project."""
    import csv

    from tools.run_notebooks import execute_notebook

    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["when", "paper", "story"])
        w.writerow(["2022-03-01", "TASS", "Russia and China deepen their strategic partnership."])
        w.writerow(["2022-04-01", "Xinhua", "China opposes unilateral sanctions and hegemony."])
        w.writerow(["2023-05-02", "Reuters", "Officials met in Geneva to discuss trade."])
    monkeypatch.chdir(tmp_path)
    cols = ["--date-col", "when", "--outlet-col", "paper", "--text-col", "story"]
    assert main(["init", str(path), *cols]) == 0
    text = (tmp_path / "framing.toml").read_text(encoding="utf-8")
    assert 'path = "export.csv"' in text and 'date_col = "when"' in text
    assert main(["init", str(path), *cols]) == 2  # exists: never replaced without --force
    assert main(["analyze", "--config", "framing.toml", "--no-cache"]) == 0
    assert len(load_results(tmp_path / "framing.toml").documents) == 3
    monkeypatch.setenv("FRAMING_CONFIG", str(tmp_path / "framing.toml"))
    nb = Path(__file__).resolve().parent.parent / "notebooks" / "01_corpus.ipynb"
    assert execute_notebook(nb, timeout=300, into=tmp_path / "nb") is True
    assert "corpus 'export.csv': 3 documents" in (tmp_path / "nb" / nb.name).read_text("utf-8")


def test_opening_a_stored_10000_document_run_does_not_run_the_pass(tmp_path, monkeypatch):
    import csv

    import analysis.runner.pipeline as pipeline

    path = tmp_path / "headlines.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "outlet", "text"])
        for i in range(10_000):
            outlet = ("TASS", "Xinhua", "Reuters")[i % 3]
            w.writerow(
                [f"h{i:05d}", f"2023-{1 + i % 12:02d}-01", outlet, f"Headline {i} on talks."]
            )
    project = _project(tmp_path, '[corpus]\npath = "../headlines.csv"\n')
    options = load_project(project, cache_dir=tmp_path / "cache", keep_boilerplate=True, jobs=1)
    calls = []
    real = pipeline.run_tables
    monkeypatch.setattr(
        pipeline, "run_tables", lambda docs, *a, **k: calls.append(1) or real(docs, *a, **k)
    )
    assert len(open_project(options).documents) == 10_000 and calls == [1]
    store = open_project(options)
    assert calls == [1] and store.provenance["n_documents"] == 10_000
