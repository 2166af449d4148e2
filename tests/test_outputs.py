"""Deterministic, all-or-nothing output writing (analysis.write.tables, analysis.write.outdir)."""

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.write.outdir import (
    OutputError,
    atomic_dir,
    check_output_dir,
    check_output_file,
    is_framing_output,
)
from analysis.write.tables import write_tables


def test_write_tables_bytes(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x,y", None], "c": [0.5, float("nan")]})
    write_tables(tmp_path / "out", {"t": df}, {"z": 1, "a": [1]})
    assert (tmp_path / "out" / "t.csv").read_bytes() == b'a,b,c\n1,"x,y",0.5\n2,,\n'
    assert (tmp_path / "out" / "provenance.json").read_text() == (
        '{\n  "a": [\n    1\n  ],\n  "z": 1\n}\n'
    )


def test_failure_leaves_existing_output_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.csv").write_text("old\n")
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "half.csv").write_text("partial")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["keep.csv"]


def test_success_replaces_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.csv").write_text("old\n")
    write_tables(out, {"new": pd.DataFrame({"x": [1]})})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["new.csv"]


def _pandas_bytes(df, path):
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", na_rep="")
    return path.read_bytes()


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame(
            {
                "s": pd.array(["x,y", 'q"z', "l\nm", None, "", " s ", "é"], dtype="str"),
                "f": [1e-300, float("nan"), 1e16, -0.0, 1 / 3, float("inf"), 2.0],
                "i": [1, -2, 3, 4, 5, 6, 2**40],
                "o": pd.Series(["a", None, "c", "d", "e", "f", "g"], dtype=object),
            }
        ),
        pd.DataFrame({"only": [""]}),  # a row of one empty field is written as ""
        pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="float64")}),
        # not handled directly (booleans, dates): pandas writes them
        pd.DataFrame({"b": [True, False], "d": pd.to_datetime(["2024-01-02", None])}),
    ],
)
def test_write_csv_same_bytes_as_pandas(tmp_path, df):
    from analysis.write.tables import write_csv

    write_csv(df, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == _pandas_bytes(df, tmp_path / "pandas.csv")


def test_write_csv_exact_bytes(tmp_path):
    from analysis.write.tables import write_csv

    df = pd.DataFrame({"t": pd.array(['a "b"', None], dtype="str"), "x": [0.1, float("nan")]})
    write_csv(df, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == b't,x\n"a ""b""",0.1\n,\n'


# --------------------------------------------------------------------------- safe --out


def tree(root) -> list[str]:
    """Every path under ``root`` (relative, sorted), with each file's content."""
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out.append(f"{rel}={p.read_text()}" if p.is_file() and not p.is_symlink() else rel)
    return out


@pytest.fixture
def project(tmp_path):
    """tmp/project/corpus/{a.txt,sub/b.txt}, tmp/project/lex.toml."""
    corpus = tmp_path / "project" / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("A")
    (corpus / "sub" / "b.txt").write_text("B")
    (tmp_path / "project" / "lex.toml").write_text("L")
    return tmp_path


IS = "output directory {out} is the {role} itself ({path}); choose another output path"
CONTAINS = (
    "output directory {out} contains the {role} ({path}), which writing the output would "
    "delete; choose another output path"
)
INSIDE = (
    "output directory {out} lies inside the {role} directory ({path}); write the output outside it"
)


@pytest.mark.parametrize(
    ("out", "message", "role"),
    [
        ("project/corpus", IS, "corpus"),
        ("project/corpus/", IS, "corpus"),
        ("project/corpus/sub/..", IS, "corpus"),
        ("project", CONTAINS, "corpus"),
        (".", CONTAINS, "corpus"),
        ("project/corpus/out", INSIDE, "corpus"),
        ("project/corpus/sub", INSIDE, "corpus"),
        ("project/lex.toml", IS, "lexicon"),
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_output_dir_never_the_inputs(project, monkeypatch, out, message, role, force):
    monkeypatch.chdir(project)
    paths = {"corpus": project / "project" / "corpus", "lexicon": project / "project" / "lex.toml"}
    before = tree(project)
    with pytest.raises(OutputError) as info:
        check_output_dir(out, inputs={**paths, "outlets": None}, force=force)
    assert str(info.value) == message.format(out=Path(out), role=role, path=paths[role])
    assert tree(project) == before


def test_output_dir_may_sit_next_to_the_corpus(project):
    corpus = project / "project" / "corpus"
    check_output_dir(project / "project" / "out", inputs={"corpus": corpus})
    check_output_dir(project / "project" / "corpus2", inputs={"corpus": corpus})
    # a symlink to the corpus is the corpus
    (project / "link").symlink_to(corpus)
    with pytest.raises(OutputError, match="is the corpus itself"):
        check_output_dir(project / "link", inputs={"corpus": corpus}, force=True)


def test_output_dir_never_contains_a_table_file_corpus(project):
    table = project / "project" / "t.csv"
    table.write_text("text\n")
    with pytest.raises(OutputError) as info:
        check_output_dir(project / "project", inputs={"corpus": table}, force=True)
    assert str(info.value) == (
        f"output directory {project / 'project'} contains the corpus ({table}), which writing "
        "the output would delete; choose another output path"
    )


def test_foreign_directory_is_replaced_only_with_force(tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    (out / "cat.jpg").write_text("meow")
    with pytest.raises(OutputError) as info:
        check_output_dir(out)
    assert str(info.value) == (
        f"output directory {out} is not empty and is not a previous framing output (it has "
        "no provenance.json); the output directory is replaced as a whole, which would delete "
        "its files. Choose a new or empty directory, or pass --force to replace it"
    )
    assert tree(tmp_path) == ["photos", "photos/cat.jpg=meow"]
    check_output_dir(out, force=True)  # no error


def test_new_empty_and_previous_outputs_are_replaceable(tmp_path):
    check_output_dir(tmp_path / "new" / "deeper")
    (tmp_path / "empty").mkdir()
    check_output_dir(tmp_path / "empty")
    write_tables(tmp_path / "prev", {"t": pd.DataFrame({"x": [1]})}, {"package": "framing"})
    assert is_framing_output(tmp_path / "prev")
    check_output_dir(tmp_path / "prev")


@pytest.mark.parametrize(
    "provenance",
    ['{"package": "other"}', "[1]", "not json", '{"package": "framing"'],
)
def test_other_provenance_json_is_not_a_framing_output(tmp_path, provenance):
    (tmp_path / "provenance.json").write_text(provenance)
    assert not is_framing_output(tmp_path)
    with pytest.raises(OutputError, match="is not a previous framing output"):
        check_output_dir(tmp_path)


def test_parquet_output_is_a_framing_output(tmp_path):
    from analysis.write.parquet import write_parquet_tables

    write_parquet_tables(tmp_path / "pq", {"t": pd.DataFrame({"x": [1]})}, {"package": "framing"})
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == ["provenance.json", "t"]
    check_output_dir(tmp_path / "pq")


def test_existing_file_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    out.write_text("mine")
    message = f"output directory {out} exists and is not a directory; choose another output path"
    for force in (False, True):
        with pytest.raises(OutputError) as info:
            check_output_dir(out, force=force)
        assert str(info.value) == message
    with pytest.raises(OutputError) as info:
        write_tables(out, {"t": pd.DataFrame({"x": [1]})})
    assert str(info.value) == message
    assert tree(tmp_path) == ["out=mine"]  # no .out.old-* or .out.tmp-* left


@pytest.mark.parametrize("out", [".", "..", "{cwd}", "{cwd}/../.."])
def test_current_directory_and_its_ancestors_are_refused(tmp_path, monkeypatch, out):
    cwd = tmp_path / "a" / "work"
    cwd.mkdir(parents=True)
    (cwd / "keep.txt").write_text("k")
    monkeypatch.chdir(cwd)
    out = out.format(cwd=cwd)
    message = (
        f"output directory {out} is the current directory or contains it, and the output "
        "directory is replaced as a whole; name a new subdirectory instead (e.g. --out out)"
    )
    for check in (check_output_dir, lambda o: write_tables(o, {"t": pd.DataFrame()})):
        with pytest.raises(OutputError) as info:
            check(out)
        assert str(info.value) == message
    assert tree(tmp_path) == ["a", "a/work", "a/work/keep.txt=k"]


def test_symlinked_output_directory_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(OutputError) as info:
        write_tables(tmp_path / "link", {"t": pd.DataFrame()})
    assert str(info.value) == (
        f"output directory {tmp_path / 'link'} is a symbolic link; give the directory it "
        f"points to ({tmp_path / 'real'}) instead"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700)])
def test_output_directory_permissions_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_tables(tmp_path / "out", {"t": pd.DataFrame({"x": [1]})})
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == mode


def test_output_file_checks(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sources.csv").write_text("file,outlet,origin\n")
    inputs = {"corpus": corpus}
    with pytest.raises(OutputError) as info:
        check_output_file(corpus / "sources.csv", inputs=inputs, force=True)
    assert str(info.value) == (
        f"output file {corpus / 'sources.csv'} lies inside the corpus directory ({corpus}); "
        "write the output outside it"
    )
    with pytest.raises(OutputError) as info:
        check_output_file(tmp_path / "sheet.csv", inputs={"audit sheet": tmp_path / "sheet.csv"})
    assert str(info.value) == (
        f"output file {tmp_path / 'sheet.csv'} is the audit sheet itself "
        f"({tmp_path / 'sheet.csv'}); choose another output path"
    )
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError) as info:
        check_output_file(tmp_path / "dir", force=True)
    assert str(info.value) == (
        f"output file {tmp_path / 'dir'} is a directory; give a file name such as "
        f"{tmp_path / 'dir' / 'audit.csv'}"
    )
    (tmp_path / "old.csv").write_text("judged")
    with pytest.raises(OutputError, match="already exists"):
        check_output_file(tmp_path / "old.csv", inputs=inputs)
    check_output_file(tmp_path / "old.csv", inputs=inputs, force=True)
    check_output_file(tmp_path / "new.csv", inputs=inputs)
    assert (corpus / "sources.csv").read_text() == "file,outlet,origin\n"


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame({"a": ["x", "y"], "b": [1, 2], "c": [0.5, 1e-07]}),  # nothing to quote
        pd.DataFrame({"a": ["x", ""], "b": [1, 2]}),  # empty string, no quotes
        pd.DataFrame({"a": ["x", "y\r"], "b": [1, 2]}),  # a carriage return is quoted
        pd.DataFrame({"a,b": ["x"], "c": [1]}),  # a header that needs quotes
        pd.DataFrame({"a": ["", "x"]}),  # one column: an empty field is written as ""
    ],
)
def test_write_csv_plain_path_same_bytes_as_pandas(tmp_path, df):
    from analysis.write.tables import write_csv

    write_csv(df, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == _pandas_bytes(df, tmp_path / "pandas.csv")


def test_write_csv_writes_a_chunk_of_rows_at_a_time_the_same_bytes(tmp_path, monkeypatch):
    from analysis.write import tables
    from analysis.write.tables import write_csv

    monkeypatch.setattr(tables, "_CHUNK", 2)  # rows 1-2 plain, 3-4 quoted, 5 plain
    df = pd.DataFrame(
        {
            "s": pd.array(["a", "b", "c,d", None, "e"], dtype="str"),
            "f": [0.5, float("nan"), 1e16, -0.0, 2.0],
            "i": [1, 2, 3, 4, 5],
            "b": [True, False, True, True, False],
        }
    )
    write_csv(df, tmp_path / "t.csv")
    want = b's,f,i,b\na,0.5,1,True\nb,,2,False\n"c,d",1e+16,3,True\n,-0.0,4,True\ne,2.0,5,False\n'
    assert (tmp_path / "t.csv").read_bytes() == want == _pandas_bytes(df, tmp_path / "p.csv")
