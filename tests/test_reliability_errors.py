"""Reliability (issue 16): clear errors (exit 2, one message), not tracebacks.

Each test reproduces one reported break (it failed before the fix it pins), unless its
docstring says it pins behaviour that was already right.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reliability_helpers import analyze, copy_seeds, listing, risky_table

from analysis.cli import main
from analysis.config import SEEDS_DIR


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the seeds in tmp/data/corpus."""
    return copy_seeds(tmp_path)


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
