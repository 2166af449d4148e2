"""Reliability (issue 16): no data loss, no silently wrong result, bounded cost, safe outputs.

Each test reproduces one reported break (it failed before the fix it pins), unless its
docstring says it pins behaviour that was already right.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from reliability_helpers import a_run_output, analyze, copy_seeds, listing, risky_table, rows

from analysis.config import SEEDS_DIR
from analysis.runner.run_cache import MAX_RUNS, RunCache, manifest_digest
from analysis.write.outdir import OutputError, check_output_dir, check_output_file


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the seeds in tmp/data/corpus."""
    return copy_seeds(tmp_path)


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
