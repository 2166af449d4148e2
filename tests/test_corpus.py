"""Corpus loading, validation and cleaning (analysis.corpus)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from analysis.config import SEEDS_DIR
from analysis.corpus import (
    CorpusError,
    DuplicateWarning,
    clean_text,
    load_corpus,
    read_corpus,
    read_documents,
    split_header,
)


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
