"""Corpus loading, validation and cleaning (analysis.read.corpus, .directory, .clean)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from analysis.config import SEEDS_DIR
from analysis.read.clean import clean_text, split_header
from analysis.read.corpus import (
    CorpusError,
    DuplicateWarning,
    duplicates_warning,
    load_corpus,
    read_corpus,
)
from analysis.read.directory import read_documents


def seed(name: str) -> str:
    (path,) = SEEDS_DIR.glob(f"{name}_*.txt")
    return path.read_text(encoding="utf-8")


def write(root: Path, rel: str, content: str | bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8", newline="")
    return p


# ---------------------------------------------------------------- header and cleaning rules


def test_split_header_same_line_and_leading_space():
    assert split_header(" date 2024-05-14 MOSCOW, May 15. text") == (
        "2024-05-14",
        "MOSCOW, May 15. text",
    )
    assert split_header("date 2020-01-02\nBody") == ("2020-01-02", "Body")
    assert split_header("No header here") == (None, "No header here")


def test_tass_dateline_removed_on_real_seed():
    _, body = split_header(seed("000"))
    assert body.startswith("MOSCOW, May 15. /TASS/. Relations")
    assert clean_text(body).startswith("Relations between Moscow and Beijing have reached")


def test_menafn_dateline_and_tracking_code_removed_on_real_seed():
    _, body = split_header(seed("004"))
    cleaned = clean_text(body)
    assert cleaned.startswith("Russian President Vladimir Putin's arrival in Beijing")
    assert cleaned.endswith("in the face of evolving geopolitical challenges.")
    assert "MENAFN" not in cleaned


def test_navigation_timestamp_and_section_removed_on_real_seed():
    _, body = split_header(seed("003"))
    cleaned = clean_text(body)
    assert "Back to Main page" not in cleaned
    assert "UTC+3" not in cleaned
    assert "\nWorld\n" not in cleaned
    assert "/TASS/" not in cleaned
    assert cleaned.startswith(
        "Xi Jinping confirms China plans to boost relations with Russia\n\n\n"
        "Russian Prime Minister Dmitry Medvedev expects"
    )
    # the dateline paragraph now starts with its first sentence
    assert "\n\nRussian Prime Minister Dmitry Medvedev expects Moscow’s strategic interaction " in (
        cleaned
    )


def test_readout_without_dateline_is_kept_whole():
    _, body = split_header(seed("002"))
    assert clean_text(body) == body.strip()


def test_xinhua_dateline():
    assert clean_text("BEIJING, May 8 (Xinhua) -- Chinese President Xi met.") == (
        "Chinese President Xi met."
    )


def test_text_mentioning_an_agency_is_not_a_dateline():
    text = "Putin spoke to the agency Xinhua and to TASS reporters."
    assert clean_text(text) == text


# ---------------------------------------------------------------- loading


def test_seeds_load_with_manifest():
    df = load_corpus(SEEDS_DIR)
    assert list(df.doc_id) == [
        "000_b1957c8600ddd4d8",
        "001_6f585b1e478cf8c8",
        "002_0ff1c1c90e3f4af4",
        "003_8c3567b68f9a1b61",
        "004_08d902e5f25b5a72",
    ]
    assert list(df.origin) == ["russian", "russian", "chinese", "russian", "third-party"]
    assert list(df.outlet) == ["TASS", "TASS", "Chinese MFA", "TASS", "MENAFN"]
    assert list(df.date) == ["2024-05-14", "2024-05-14", "2025-05-08", "2017-11-01", "2024-05-16"]
    assert list(df.duplicate_of) == [""] * 5


def test_outlet_inferred_from_dateline_without_manifest(tmp_path):
    write(tmp_path, "a.txt", " date 2024-05-16 (MENAFN) Text here.")
    write(tmp_path, "sub/b.txt", "date 2024-01-02 MOSCOW, May 1. /TASS/. Other text.")
    df = load_corpus(tmp_path)
    assert df[["doc_id", "file", "outlet", "origin", "affiliation"]].values.tolist() == [
        ["a", "a.txt", "MENAFN", "third-party", "other"],
        ["sub/b", "sub/b.txt", "TASS", "russian", "state"],
    ]
    assert list(df.text) == ["Text here.", "Other text."]


def test_bom_and_crlf_accepted(tmp_path):
    write(tmp_path, "a.txt", "\ufeff date 2024-05-16 (MENAFN) One.\r\n\r\nTwo.\r\n".encode())
    (text,) = load_corpus(tmp_path).text
    assert text == "One.\n\nTwo."


def test_manifest_date_overrides_and_supplies(tmp_path):
    write(tmp_path, "a.txt", " date 2024-05-16 Text one.")
    write(tmp_path, "b.txt", "Text two without header.")
    write(
        tmp_path,
        "sources.csv",
        "file,outlet,origin,date\na.txt,Xinhua,,2023-01-01\nb.txt,My Blog,third-party,2022-02-02\n",
    )
    df = load_corpus(tmp_path)
    assert df[["outlet", "origin", "date", "affiliation"]].values.tolist() == [
        ["Xinhua", "chinese", "2023-01-01", "state"],
        ["My Blog", "third-party", "2022-02-02", ""],
    ]


def test_duplicates_flagged_and_warned(tmp_path):
    write(tmp_path, "a.txt", " date 2024-05-16 (MENAFN) Same text.")
    write(tmp_path, "b.txt", " date 2024-05-17 (MENAFN) Same text.")
    with pytest.warns(DuplicateWarning, match="b = a"):
        df = load_corpus(tmp_path)
    assert list(df.duplicate_of) == ["", "a"]
    assert df.sha256[0] == df.sha256[1]


# ---------------------------------------------------------------- bad input


def corpus_error(root: Path) -> str:
    with pytest.raises(CorpusError) as info:
        read_documents(root)
    return str(info.value)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"a.txt": "date 2024-01-01 (MENAFN) it’s text".encode("cp1252")},
            "a.txt: not valid UTF-8",
        ),
        ({"a.txt": ""}, "a.txt: empty file"),
        ({"a.txt": "(MENAFN) no header"}, "a.txt: no ' date YYYY-MM-DD ' header"),
        (
            {"a.txt": " date 2020-13-45 (MENAFN) x"},
            "a.txt: impossible or malformed date '2020-13-45'",
        ),
        ({"a.txt": " date 2020-01-01 Nobody knows who wrote this."}, "a.txt: no sources.csv row"),
        ({"a.txt": " date 2020-01-01 "}, "a.txt: no article text"),
        (
            {
                "a.txt": " date 2020-01-01 x",
                "sources.csv": "file,outlet,origin\n../../etc/passwd,A,russian\n",
            },
            "escapes the corpus directory",
        ),
        (
            {
                "a.txt": " date 2020-01-01 x",
                "sources.csv": "file,outlet,origin\nmissing.txt,A,russian\n",
            },
            "file 'missing.txt' does not exist",
        ),
        (
            {"a.txt": " date 2020-01-01 x", "sources.csv": "file,outlet,origin\na.txt,A,martian\n"},
            "origin 'martian' for 'a.txt' is not allowed (allowed: russian, chinese, third-party)",
        ),
        (
            {"a.txt": " date 2020-01-01 x", "sources.csv": "file;outlet;origin\na.txt;A;russian\n"},
            "malformed manifest: missing column(s) file, outlet, origin",
        ),
        (
            {
                "a.txt": " date 2020-01-01 x",
                "sources.csv": "file,outlet,origin\na.txt,A,russian,extra\n",
            },
            "malformed manifest row",
        ),
        ({}, "empty corpus"),
    ],
)
def test_bad_input_names_file_and_problem(tmp_path, files, expected):
    for rel, content in files.items():
        write(tmp_path, rel, content)
    assert expected in corpus_error(tmp_path)


def test_all_problems_reported_together(tmp_path):
    write(tmp_path, "a.txt", "")
    write(tmp_path, "b.txt", " date 2020-13-45 x")
    message = corpus_error(tmp_path)
    assert message.startswith("2 problem(s) in the corpus:")
    assert "a.txt: empty file" in message and "b.txt: impossible" in message


def test_no_warning_for_clean_seeds():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_documents(SEEDS_DIR)


def test_manifest_outlet_variant_gets_registry_name(tmp_path):
    write(tmp_path, "a.txt", " date 2024-05-16 Text one.")
    write(tmp_path, "b.txt", " date 2024-05-16 Text two.")
    write(
        tmp_path, "sources.csv", "file,outlet,origin\na.txt,russia today,\nb.txt,My Blog,chinese\n"
    )
    df = load_corpus(tmp_path)
    assert df[["outlet", "origin", "affiliation", "title"]].values.tolist() == [
        ["RT", "russian", "state", ""],
        ["My Blog", "chinese", "", ""],
    ]


def test_read_corpus_reads_a_directory_like_read_documents():
    assert read_corpus(SEEDS_DIR) == read_documents(SEEDS_DIR)


# ---------------------------------------------------------------- origins


def test_origins_may_be_any_subset_of_the_registry(tmp_path):
    # the shipped registry holds russian/chinese/third-party outlets; --origins a,b is fine
    write(tmp_path, "a.txt", " date 2024-05-16 Text one.")
    write(tmp_path, "b.txt", " date 2024-05-17 MOSCOW, May 1. /TASS/. Text two.")
    write(tmp_path, "sources.csv", "file,outlet,origin\na.txt,Alpha News,a\nb.txt,TASS,b\n")
    df = load_corpus(tmp_path, origins=("a", "b"))
    assert df[["doc_id", "outlet", "origin", "affiliation", "text"]].values.tolist() == [
        ["a", "Alpha News", "a", "", "Text one."],
        ["b", "TASS", "b", "state", "Text two."],
    ]


def test_registry_origin_outside_the_allowed_set_names_the_file(tmp_path):
    a = write(tmp_path, "a.txt", " date 2024-05-16 (MENAFN) Text one.")
    b = write(tmp_path, "b.txt", " date 2024-05-16 Text two.")
    write(tmp_path, "sources.csv", "file,outlet,origin\nb.txt,RT,\n")
    with pytest.raises(CorpusError) as info:
        read_documents(tmp_path, origins=("russian", "chinese"))
    assert info.value.problems == [
        f"{a}: origin 'third-party' of outlet 'MENAFN' (from the outlet registry) is not allowed "
        "(allowed: russian, chinese); allow it (--origins) or give the file an allowed origin "
        "in sources.csv",
    ]
    with pytest.raises(CorpusError) as info:
        read_documents(tmp_path, origins=("third-party",))
    assert info.value.problems == [
        f"{b}: origin 'russian' of outlet 'RT' (from the outlet registry) is not allowed "
        "(allowed: third-party); allow it (--origins) or give the file an allowed origin "
        "in sources.csv",
    ]


def test_seeds_with_a_narrower_origin_set_name_the_menafn_file():
    with pytest.raises(CorpusError) as info:
        read_documents(SEEDS_DIR, origins=("russian", "chinese"))
    assert info.value.problems == [
        f"{SEEDS_DIR / 'sources.csv'}:6: origin 'third-party' for '004_08d902e5f25b5a72.txt' is "
        "not allowed (allowed: russian, chinese)"
    ]


def test_table_registry_origin_outside_the_allowed_set(tmp_path):
    table = write(
        tmp_path,
        "t.csv",
        "text,date,outlet\nOne.,2024-05-16,TASS\nTwo.,2024-05-16,Alpha\n",
    )
    with pytest.raises(CorpusError) as info:
        read_corpus(table, origins=("a",))
    assert str(info.value) == "\n".join(
        [
            "3 problem(s) in the corpus:",
            f"{table}: 2 bad row(s) (bad_origin 1, unknown_outlet 1); --on-bad-row skip skips "
            "them and lists every one in skipped.csv",
            f"{table}: bad_origin in column 'outlet': 1 row(s):",
            "  row 1: origin 'russian' of outlet 'TASS' (from the outlet registry) is not "
            "allowed (allowed: a)",
            f"{table}: 1 row(s) have an outlet that is not in the outlet registry and no origin "
            "(column 'outlet'); 1 unknown outlet(s):",
            "  'Alpha': 1 row(s): row 2",
            "To add them, check and paste into a TOML file passed with --outlets FILE.toml:",
            "  [outlets.Alpha]",
            '  country = "??"   # no domain given: its ISO 3166-1 alpha-2 code',
            '  affiliation = "other"   # check and cite a source',
            '  domains = []   # its registered domains, e.g. "example.com"',
            "or give their origin in an origin column (--origin-col, --origin-map).",
        ]
    )
    write(tmp_path, "t.csv", "text,date,outlet,origin\nOne.,2024-05-16,TASS,a\n")
    with read_corpus(table, origins=("a",)) as docs:
        assert [(d.outlet, d.origin, d.affiliation) for d in docs] == [("TASS", "a", "state")]


# ---------------------------------------------------------------- manifest rows


def manifest_problems(root: Path, rows: str, origins=("russian", "chinese", "third-party")):
    write(root, "sources.csv", "file,outlet,origin,date\n" + rows)
    with pytest.raises(CorpusError) as info:
        read_documents(root, origins=origins)
    return info.value.problems


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("a.txt,Alpha,Russian,", "origin 'Russian' for 'a.txt' is not allowed"),
        ("a.txt,Alpha,martian,", "origin 'martian' for 'a.txt' is not allowed"),
        ("a.txt,Alpha,russian,2024-02-30", "date '2024-02-30' for 'a.txt' is not a valid"),
        ("a.txt,Alpha,russian,,extra", "malformed manifest row (wrong number of fields)"),
    ],
)
def test_rejected_row_is_the_only_problem_of_its_file(tmp_path, row, problem):
    # no second, misleading "a.txt: no sources.csv row ... add a row" message
    write(tmp_path, "a.txt", " date 2024-05-16 Nobody knows who wrote this.")
    (message,) = manifest_problems(tmp_path, row + "\n")
    assert message.startswith(f"{tmp_path / 'sources.csv'}:2: {problem}")


def test_rejected_row_with_a_dotted_path_is_the_only_problem(tmp_path):
    write(tmp_path, "sub/a.txt", " date 2024-05-16 Nobody knows who wrote this.")
    assert manifest_problems(tmp_path, "./sub//a.txt,Alpha,martian,\n") == [
        f"{tmp_path / 'sources.csv'}:2: origin 'martian' for './sub//a.txt' is not allowed "
        "(allowed: russian, chinese, third-party)"
    ]


def test_manifest_row_path_is_normalised_lexically(tmp_path):
    write(tmp_path, "sub/a.txt", " date 2024-05-16 Text one.")
    write(tmp_path, "sources.csv", "file,outlet,origin\n./sub//a.txt,Alpha,chinese\n")
    df = load_corpus(tmp_path)
    assert df[["doc_id", "outlet", "origin"]].values.tolist() == [["sub/a", "Alpha", "chinese"]]


@pytest.mark.parametrize(
    ("rel", "problem"),
    [
        ("notes.md", "file 'notes.md' is not a .txt file (only .txt files are read as articles)"),
        ("NOTES.TXT", "file 'NOTES.TXT' is not a .txt file (only .txt files are read as articles)"),
        ("sub", "file 'sub' is a directory, not a .txt file"),
        ("sub.txt", "file 'sub.txt' is a directory, not a .txt file"),
        ("missing.txt", "file 'missing.txt' does not exist"),
        (
            "sub/../a.txt",
            "file 'sub/../a.txt' escapes the corpus directory {root} (give a path relative to "
            "it, without '..')",
        ),
        (
            "/etc/hostname.txt",
            "file '/etc/hostname.txt' escapes the corpus directory {root} (give a path relative "
            "to it, without '..')",
        ),
    ],
)
def test_manifest_row_naming_no_article(tmp_path, rel, problem):
    write(tmp_path, "a.txt", " date 2024-05-16 (MENAFN) Text one.")
    write(tmp_path, "notes.md", "notes")
    write(tmp_path, "NOTES.TXT", "notes")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub.txt").mkdir()
    assert manifest_problems(tmp_path, f"{rel},Alpha,russian,\n") == [
        f"{tmp_path / 'sources.csv'}:2: " + problem.format(root=tmp_path)
    ]


def test_symlinked_txt_outside_the_corpus_is_read_with_or_without_a_row(tmp_path):
    outside = write(tmp_path, "elsewhere/real.txt", " date 2024-05-16 (MENAFN) Linked text.")
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    scanned = load_corpus(root)
    assert scanned[["doc_id", "outlet", "origin", "text"]].values.tolist() == [
        ["link", "MENAFN", "third-party", "Linked text."]
    ]
    write(root, "sources.csv", "file,outlet,origin\nlink.txt,Alpha,chinese\n")
    listed = load_corpus(root)
    assert listed[["doc_id", "outlet", "origin", "text"]].values.tolist() == [
        ["link", "Alpha", "chinese", "Linked text."]
    ]


def test_manifest_row_inside_a_symlinked_directory_is_rejected(tmp_path):
    write(tmp_path, "elsewhere/real.txt", " date 2024-05-16 (MENAFN) Linked text.")
    root = tmp_path / "corpus"
    write(root, "a.txt", " date 2024-05-16 (MENAFN) Text one.")
    (root / "linked").symlink_to(tmp_path / "elsewhere")
    assert [d.doc_id for d in read_documents(root)] == ["a"]  # the scan does not enter it
    assert manifest_problems(root, "linked/real.txt,Alpha,chinese,\n") == [
        f"{root / 'sources.csv'}:2: file 'linked/real.txt' lies inside 'linked', a symbolic "
        "link to a directory; the corpus scan does not enter linked directories"
    ]


def test_reading_with_several_processes_gives_the_same_documents_and_problems(
    tmp_path, monkeypatch
):
    from analysis.read import directory as directory_module

    monkeypatch.setattr(directory_module, "READ_CHUNK", 2)  # the five seeds make three tasks
    assert read_documents(SEEDS_DIR, jobs=2) == read_documents(SEEDS_DIR, jobs=1)
    bad = tmp_path / "bad"
    shutil.copytree(SEEDS_DIR, bad)
    (bad / "000_b1957c8600ddd4d8.txt").write_text("", encoding="utf-8")
    (bad / "004_08d902e5f25b5a72.txt").write_bytes(b"\x93quoted\x94")
    with pytest.raises(CorpusError) as one:
        read_documents(bad, jobs=1)
    with pytest.raises(CorpusError) as two:
        read_documents(bad, jobs=2)
    assert two.value.problems == one.value.problems
    assert len(one.value.problems) == 2
    assert "000_b1957c8600ddd4d8.txt" in one.value.problems[0]
    assert "004_08d902e5f25b5a72.txt" in one.value.problems[1]


def test_corpus_files_lists_what_rglob_lists_in_path_order(tmp_path):
    from analysis.read.directory import corpus_files, relative_files

    for rel in ["a-c.txt", "a/b.txt", "a/z/y.txt", "B.txt", ".hidden.txt", "x.TXT", "n.md"]:
        write(tmp_path, rel, " date 2024-05-16 (MENAFN) Text.")
    (tmp_path / "dir.txt").mkdir()
    write(tmp_path, "elsewhere/in.txt", "x")
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")  # a linked directory: not entered
    (tmp_path / "file-link.txt").symlink_to(tmp_path / "a-c.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    listed = [p.relative_to(tmp_path).as_posix() for p in corpus_files(tmp_path)]
    assert relative_files(tmp_path) == listed
    # path order ("a" < "a-c.txt" component-wise), not string order ("a-c.txt" < "a/b.txt")
    assert listed == [
        ".hidden.txt",
        "B.txt",
        "a/b.txt",
        "a/z/y.txt",
        "a-c.txt",
        "elsewhere/in.txt",
        "file-link.txt",
    ]
    assert listed == [
        p.relative_to(tmp_path).as_posix()
        for p in sorted(p for p in tmp_path.rglob("*.txt") if p.is_file())
    ]


def test_documents_carry_the_hash_of_the_bytes_read(tmp_path):
    import hashlib

    raw = b" date 2024-05-16 (MENAFN) Text one.\r\n"
    write(tmp_path, "a.txt", raw)
    (doc,) = read_documents(tmp_path)
    assert doc.file_sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.sha256 == hashlib.sha256(b"Text one.").hexdigest()  # the cleaned text


def test_while_reading_runs_once_whatever_the_processes(monkeypatch):
    from analysis.read import directory as directory_module

    monkeypatch.setattr(directory_module, "READ_CHUNK", 2)  # the five seeds make three tasks
    calls = []
    for jobs in (1, 2):
        docs = read_documents(SEEDS_DIR, jobs=jobs, while_reading=lambda j=jobs: calls.append(j))
        assert len(docs) == 5
    assert calls == [1, 2]


def test_the_duplicate_warning_is_a_count_five_pairs_and_where_to_see_them_all():
    pairs = [(f"d{i}", "d0") for i in range(1, 8)]
    assert str(duplicates_warning(pairs)) == (
        "7 exact duplicate document(s) kept and flagged in duplicate_of: d1 = d0; d2 = d0; "
        "d3 = d0; d4 = d0; d5 = d0; … and 2 more (the duplicate_of column of documents.csv)"
    )
    assert str(duplicates_warning(pairs[:2], 40)).endswith(
        "d1 = d0; d2 = d0; … and 38 more (the duplicate_of column of documents.csv)"
    )
    assert str(duplicates_warning(pairs[:1])) == (
        "1 exact duplicate document(s) kept and flagged in duplicate_of: d1 = d0"
    )


def test_many_files_with_one_problem_are_one_message(tmp_path):
    for i in range(7):
        write(tmp_path, f"{i}.txt", f"no header {i}")
    write(tmp_path, "empty.txt", "")
    with pytest.raises(CorpusError) as info:
        read_documents(tmp_path)
    first = ", ".join(str(tmp_path / f"{i}.txt") for i in range(5))
    assert info.value.problems == [
        f"7 files: no ' date YYYY-MM-DD ' header and no date in sources.csv; add the header or a "
        f"'date' column (the first 5: {first}; … and 2 more)",
        f"{tmp_path / 'empty.txt'}: empty file",
    ]


def test_a_spilled_directory_reads_the_same_documents_in_the_same_order(tmp_path):
    """With ``spill_dir`` the documents go to a temporary file as they are read and come
    back from it, in path order (not string order: "a/b" before "a-c"), with the same
    duplicates (of the smallest doc_id in string order: "a-c"), duplicate warning and hashes
    of the bytes read; closing removes the file."""
    corpus = tmp_path / "corpus"
    for rel, text in [
        ("a-c.txt", " date 2024-05-16 (MENAFN) Same text."),
        ("a/b.txt", " date 2024-05-17 (MENAFN) Same text."),
        ("z.txt", " date 2024-05-18 (MENAFN) Another text."),
        ("a/a.txt", " date 2024-05-19 (MENAFN) Same text."),
    ]:
        write(corpus, rel, text)
    spill = tmp_path / "spill"
    spill.mkdir()
    with pytest.warns(DuplicateWarning) as in_memory:
        listed = read_documents(corpus)
    with pytest.warns(DuplicateWarning) as spilled_warning:
        spilled = read_documents(corpus, spill_dir=spill)
    assert [str(w.message) for w in spilled_warning] == [str(w.message) for w in in_memory]
    assert str(in_memory[0].message).startswith("2 exact duplicate document(s) kept and ")
    assert str(in_memory[0].message).endswith("duplicate_of: a/a = a-c; a/b = a-c")
    assert [d.doc_id for d in spilled] == ["a/a", "a/b", "a-c", "z"]
    assert [d.duplicate_of for d in spilled] == ["a-c", "a-c", "", ""]
    assert list(spilled) == listed and spilled[1] == listed[1] and spilled[-1] == listed[-1]
    assert [d.file_sha256 for d in spilled] == [d.file_sha256 for d in listed] != [""] * 4
    assert len(list(spill.iterdir())) == 1
    spilled.close()
    assert list(spill.iterdir()) == []


def test_a_spilled_directory_with_problems_leaves_no_file(tmp_path):
    write(tmp_path / "corpus", "a.txt", " date 2024-05-16 (MENAFN) Text.")
    write(tmp_path / "corpus", "b.txt", "no date header")
    spill = tmp_path / "spill"
    spill.mkdir()
    with pytest.raises(CorpusError, match="b.txt: no ' date YYYY-MM-DD ' header"):
        read_documents(tmp_path / "corpus", spill_dir=spill)
    assert list(spill.iterdir()) == []
