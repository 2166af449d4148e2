"""The per-document and whole-run caches (analysis.runner.doc_cache, analysis.runner.run_cache)."""

import json
import os

import pytest

from analysis.document.nlp import parse
from analysis.runner.doc_cache import (
    CACHE_DIR_ENV,
    CacheStats,
    CacheWarning,
    DocCache,
    default_cache_dir,
    lex_version,
    nlp_version,
    text_key,
)
from analysis.runner.run_cache import RunCache, run_key

TEXT = "Friendship is strong. Win-win ties, 2 sides!"
KEY = text_key(TEXT)
NLP = {"n_tokens": 8, "terms": [["friendship", 1]], "sentences": [[0, 21, "x", 0.5, 1, 0, 0]]}
LEX = {"matches": [[0, "partnership", "friendship", 0, 10, "Friendship"]], "masked": [0.1]}
LEX["actors"] = []


def test_text_key_is_sha256_of_utf8():
    # expected digests from `printf abc | sha256sum` and `printf é | sha256sum`
    assert text_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert text_key("é") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"


def test_default_cache_dir_env_and_platform(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert default_cache_dir().name == "framing"


def test_layout_and_versions(tmp_path):
    c = DocCache(tmp_path, lexicon_fingerprint="f" * 64)
    assert c.nlp_path(KEY).relative_to(tmp_path).parts[1:] == (KEY[:2], f"{KEY}.json")
    assert c.nlp_path(KEY).parent.parent.name.startswith("nlp-")
    assert c.lex_path(KEY).parent.parent.name.endswith("-" + "f" * 16)
    assert "code=" in nlp_version() and "vader=3.3.2" in nlp_version()
    assert lex_version() != nlp_version()  # matching code is hashed in too


def test_round_trip_and_counters(tmp_path):
    c = DocCache(tmp_path, lexicon_fingerprint="abc")
    assert c.get_nlp(KEY) is None and c.get_lex(KEY) is None
    parsed = parse(TEXT)
    c.put_nlp(KEY, NLP, parsed)
    c.put_lex(KEY, LEX)
    assert c.get_nlp(KEY) == NLP
    assert c.get_lex(KEY) == LEX
    assert c.get_parsed(KEY) == parsed  # lower/lemma rebuilt from text + offsets
    assert c.stats == CacheStats(
        nlp_hits=1, nlp_misses=1, lex_hits=1, lex_misses=1, parsed_hits=1, corrupt=0, writes=2
    )
    first = c.nlp_path(KEY).read_bytes().split(b"\n")
    assert len(first) == 3 and first[2] == b""  # two lines: results, token record
    assert oct(c.nlp_path(KEY).stat().st_mode & 0o777) == "0o644"


def test_other_lexicon_shares_nlp_part_only(tmp_path):
    c = DocCache(tmp_path, lexicon_fingerprint="abc")
    c.put_nlp(KEY, NLP, parse(TEXT))
    c.put_lex(KEY, LEX)
    other = c.for_lexicon("def")
    assert other.get_nlp(KEY) == NLP
    assert other.get_lex(KEY) is None
    assert (other.stats.nlp_hits, other.stats.lex_misses, other.stats.corrupt) == (1, 1, 0)


@pytest.mark.parametrize(
    "damage",
    ["truncate", "flip_byte", "empty", "not_json", "wrong_key"],
)
def test_damaged_entry_is_ignored(tmp_path, damage):
    c = DocCache(tmp_path, lexicon_fingerprint="abc")
    c.put_nlp(KEY, NLP, parse(TEXT))
    path = c.nlp_path(KEY)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 3])
    elif damage == "flip_byte":  # a digit inside the payload: still valid JSON
        i = raw.index(b'"n_tokens":8') + len(b'"n_tokens":')
        path.write_bytes(raw[:i] + b"9" + raw[i + 1 :])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not_json":
        path.write_bytes(b"\x00\xff garbage\n")
    else:  # a valid entry of another text moved into this text's place
        other = text_key("another text")
        c.put_nlp(other, NLP, parse("another text"))
        path.write_bytes(c.nlp_path(other).read_bytes())
    fresh = DocCache(tmp_path, lexicon_fingerprint="abc")
    assert fresh.get_nlp(KEY) is None
    assert fresh.get_parsed(KEY) is None
    assert fresh.stats.corrupt == 2
    assert fresh.stats.nlp_misses == 1
    fresh.put_nlp(KEY, NLP, parse(TEXT))  # rebuilt
    assert fresh.get_nlp(KEY) == NLP


def test_damaged_token_record_only(tmp_path):
    c = DocCache(tmp_path, lexicon_fingerprint="abc")
    c.put_nlp(KEY, NLP, parse(TEXT))
    path = c.nlp_path(KEY)
    head, rec, _ = path.read_bytes().split(b"\n")
    path.write_bytes(head + b"\n" + rec[:-5] + b"\n")
    fresh = DocCache(tmp_path, lexicon_fingerprint="abc")
    assert fresh.get_nlp(KEY) == NLP  # the results line is intact
    assert fresh.get_parsed(KEY) is None
    assert fresh.stats.corrupt == 1


def test_unwritable_directory_warns_and_continues(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    c = DocCache(blocker / "cache", lexicon_fingerprint="abc")
    with pytest.warns(CacheWarning, match="not writable"):
        c.put_lex(KEY, LEX)
    c.put_lex(KEY, LEX)  # warned once, then silently off
    assert c.stats.writes == 0
    assert c.get_lex(KEY) is None


def test_run_key_ignores_execution_options_only():
    prov = {"inputs": {"a.txt": "1"}}
    base = {"corpus": "c", "period": "year", "out": "o1", "jobs": 1, "progress": None}
    k = run_key(prov, base)
    assert run_key(prov, {**base, "out": "o2", "jobs": 2, "no_cache": True}) == k
    assert run_key(prov, {**base, "force": True}) == k
    assert run_key(prov, {**base, "period": "month"}) != k
    assert run_key({"inputs": {"a.txt": "2"}}, base) != k
    assert len(k) == 64


def test_run_cache_round_trip_and_damage(tmp_path):
    out = tmp_path / "out"
    (out / "terms").mkdir(parents=True)
    (out / "documents.csv").write_bytes(b"x,y\n1,2\n")
    (out / "provenance.json").write_bytes(b"{}\n")
    (out / "terms" / "part-00000.parquet").write_bytes(b"\x00\x01")
    run = RunCache(tmp_path / "cache", "k" * 64)
    assert not run.restore(tmp_path / "never") and run.outcome == "miss"
    run.store(out)
    assert run.outcome == "stored"
    manifest = json.loads((run.path / "manifest.json").read_text())
    assert sorted(manifest["files"]) == [
        "documents.csv",
        "provenance.json",
        "terms/part-00000.parquet",
    ]

    again = RunCache(tmp_path / "cache", "k" * 64)
    assert again.restore(tmp_path / "copy") and again.outcome == "hit"
    assert (tmp_path / "copy" / "documents.csv").read_bytes() == b"x,y\n1,2\n"
    assert (tmp_path / "copy" / "terms" / "part-00000.parquet").read_bytes() == b"\x00\x01"

    (run.path / "files" / "documents.csv").write_bytes(b"x,y\n1,3\n")  # altered entry
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "old.csv").write_text("old")
    bad = RunCache(tmp_path / "cache", "k" * 64)
    assert not bad.restore(tmp_path / "keep") and bad.outcome == "corrupt"
    assert os.listdir(tmp_path / "keep") == ["old.csv"]  # untouched (all or nothing)


def test_run_cache_keeps_recent_entries_only(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "provenance.json").write_text("{}")
    for i in range(6):
        RunCache(tmp_path / "cache", f"{i:064d}").store(out)
        t = 1_000_000 + i
        os.utime(tmp_path / "cache" / "runs" / f"{i:064d}" / "manifest.json", (t, t))
    RunCache(tmp_path / "cache", "9" * 64).store(out)
    left = sorted(p.name for p in (tmp_path / "cache" / "runs").iterdir())
    # the three most recently used of the six, plus the new one
    assert left == [f"{3:064d}", f"{4:064d}", f"{5:064d}", "9" * 64]


def test_run_cache_stores_only_run_outputs(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "provenance.json").write_text("{}")
    (out / "notes.txt").write_text("mine")
    run = RunCache(tmp_path / "cache", "k" * 64)
    run.store(out)
    assert run.outcome is None and not run.path.exists()


def test_token_record_rebuilds_apostrophes_possessives_and_edge_hyphens(tmp_path):
    text = "People’s talks, China's high -level ties don’t end."
    c = DocCache(tmp_path, lexicon_fingerprint="abc")
    c.put_nlp(text_key(text), NLP, parse(text))
    rebuilt = c.get_parsed(text_key(text))
    assert rebuilt == parse(text)
    assert rebuilt.lower[:2] == ["people", "'s"] and rebuilt.lemma[1] == "'s"
    assert rebuilt.lemma[rebuilt.lower.index("-level")] == "level"


def test_the_key_covers_the_per_document_pass_and_nothing_downstream(monkeypatch):
    """Editing a statistics, writer or plot module keeps every per-document entry; editing
    a module of the pass (or the entry format) invalidates them."""
    from analysis.runner import doc_cache

    nlp = doc_cache.code_modules("nlp")
    lex = doc_cache.code_modules("lex")
    assert "analysis.document.nlp" in nlp and "analysis.document.process" in nlp
    assert "analysis.document.markers" not in nlp and "analysis.document.markers" in lex
    assert all(m.startswith("analysis.document.") for m in lex[:-2])
    assert lex[-2:] == ("analysis.runner.batch", "analysis.runner.doc_cache")
    real = doc_cache.module_source

    def versions(edited: str) -> tuple[str, str]:
        doc_cache._code_hash.cache_clear()
        monkeypatch.setattr(
            doc_cache,
            "module_source",
            lambda name: real(name) + (b"\n# edited\n" if name == edited else b""),
        )
        return doc_cache._code_hash(nlp), doc_cache._code_hash(lex)

    before = versions("")
    for downstream in (
        "analysis.stats.keyness",
        "analysis.runner.assemble",
        "analysis.plots.style",
    ):
        assert versions(downstream) == before, downstream
    nlp_m, lex_m = versions("analysis.document.markers")  # the matcher: lex entries only
    assert nlp_m == before[0] and lex_m != before[1]
    nlp_n, lex_n = versions("analysis.document.nlp")
    assert nlp_n != before[0] and lex_n != before[1]
    assert versions("analysis.runner.doc_cache")[0] != before[0]  # the entry format
    doc_cache._code_hash.cache_clear()
