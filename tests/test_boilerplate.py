"""Boilerplate by repetition (analysis.read.boilerplate)."""

from __future__ import annotations

import random

import pytest

from analysis.read.boilerplate import (
    BOILERPLATE_COLUMNS,
    BoilerplateCounter,
    normalise,
)

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "sigma",
]


def body(i: int) -> str:
    """A unique two-paragraph article body."""
    a, b = WORDS[i % 12], WORDS[(i // 12) % 12]
    return f"Story {i} about {a} and {b}.\nIt went on {i} times.\n\nMore on {b} {i}."


def counted(docs: list[tuple[str, str]], **options):
    counter = BoilerplateCounter()
    for outlet, text in docs:
        counter.add(outlet, text)
    return counter.finish(**options)


def test_lines_and_sign_offs_repeated_by_one_outlet_are_removed():
    docs = [("Ukrinform", f"{body(i)} Ukrinform.\n\nFollow us on Telegram.") for i in range(20)]
    docs += [("Other", body(i) + "\n\nFollow us on Telegram.") for i in range(3)]
    bp = counted(docs)
    assert len(bp) == 2  # the line and the tail, for Ukrinform only
    text, removed = bp.strip("Ukrinform", docs[3][1])
    assert text == "Story 3 about delta and alpha.\nIt went on 3 times.\n\nMore on alpha 3."
    assert removed == ["Ukrinform.", "Follow us on Telegram."]  # in text order
    other = docs[20][1]
    assert bp.strip("Other", other) == (other, [])  # 3 documents: below min_docs
    assert bp.strip("Ukrinform", other)[0] == body(0)  # the same line from the other outlet
    table = bp.table()
    assert list(table.columns) == list(BOILERPLATE_COLUMNS)
    assert table.values.tolist() == [
        ["Ukrinform", "Follow us on Telegram.", 20],
        ["Ukrinform", "Ukrinform.", 20],
    ]
    assert str(table["n_documents"].dtype) == "int64"


def test_a_line_spread_over_outlets_is_not_boilerplate():
    # 25 documents with the same line, 5 in each of 5 outlets
    docs = [
        (f"o{k}", body(5 * k + i) + "\n\nRead more at the site") for k in range(5) for i in range(5)
    ]
    bp = counted(docs)
    assert len(bp) == 0
    assert all(bp.strip(o, t) == (t, []) for o, t in docs)
    assert bp.table().values.tolist() == []
    # per outlet, 5 documents are boilerplate only when 5 are enough
    assert len(counted(docs, min_docs=5)) == 5
    assert len(counted(docs, min_docs=6)) == 0


@pytest.mark.parametrize(
    ("n_docs", "n_with", "boiler"),
    [
        (400, 19, False),  # fewer than min_docs = 20
        (400, 20, True),  # 20 documents = 5 % of 400
        (1000, 49, False),  # 20 or more documents, but under 5 % of 1,000 (50)
        (1000, 50, True),
    ],
)
def test_both_thresholds(n_docs, n_with, boiler):
    line = "Subscribe to our channel"
    docs = [("A", body(i) + (f"\n{line}" if i < n_with else "")) for i in range(n_docs)]
    bp = counted(docs)
    assert len(bp) == int(boiler)
    assert (bp.strip("A", docs[0][1])[1] == [line]) is boiler


def test_share_threshold_and_options():
    docs = [("A", body(i) + ("\nAd line" if i < 10 else "")) for i in range(100)]
    assert len(counted(docs, min_docs=10, min_share=0.1)) == 1  # 10 of 100 = 10 %
    assert len(counted(docs, min_docs=10, min_share=0.11)) == 0
    assert len(counted(docs, min_docs=11, min_share=0)) == 0
    for bad in ({"min_docs": 0}, {"min_docs": 2.5}, {"min_docs": True}, {"min_share": 1.5}):
        with pytest.raises(ValueError, match="min_docs must be|min_share must be"):
            counted(docs, **bad)


def test_short_sign_offs_at_the_end_only():
    end = ["View news.", "ukrinform.net", "Ukrinform"]
    docs = []
    for i in range(30):
        sign = end[i % 3]
        docs.append(("U", f"{body(i)} {sign}" if i % 2 else f"{body(i)}\n{sign}"))
    bp = counted(docs, min_docs=5)
    # a sign-off appended to the last sentence is a tail; on its own line, a line
    assert bp.strip("U", docs[1][1]) == (body(1), ["ukrinform.net"])
    assert bp.strip("U", docs[0][1]) == (body(0), ["View news."])
    # a tail elsewhere than at the end stays
    inside = "View news. Then a real sentence follows here.\n\nThe end of it."
    assert bp.strip("U", inside) == (inside, [])
    # a long last sentence is not a tail, even when it recurs
    long_end = " This last sentence has far too many words to be a sign-off."
    many = [("L", body(i) + long_end) for i in range(30)]
    assert len(counted(many, min_docs=5)) == 0


def test_removal_keeps_the_layout_around_it():
    docs = [
        ("A", f"P{i} one.\n\nBOILER PLATE\n\nP{i} two.\nAd here\nP{i} three.") for i in range(20)
    ]
    bp = counted(docs)
    assert bp.strip("A", docs[0][1]) == (
        "P0 one.\n\nP0 two.\nP0 three.",
        ["BOILER PLATE", "Ad here"],
    )
    # blank lines not brought together by a removal are kept as they were
    assert bp.strip("A", "X.\n\n\n\nY.\nAd here") == ("X.\n\n\n\nY.", ["Ad here"])
    assert bp.strip("A", "Ad here\n\nBOILER PLATE") == ("", ["Ad here", "BOILER PLATE"])


def test_paragraphs_are_compared_after_whitespace_normalisation():
    disclaimer = "The views expressed are the author's own\nand not those of the outlet."
    docs = [("A", body(i) + "\n\n" + disclaimer) for i in range(10)]
    rewrapped = "The views  expressed are\nthe author's own and not those of the outlet."
    docs += [("A", body(i) + "\n\n" + rewrapped) for i in range(10, 20)]
    bp = counted(docs)
    assert bp.strip("A", docs[15][1]) == (body(15), [rewrapped])
    assert bp.strip("A", docs[0][1]) == (body(0), [disclaimer])
    assert normalise("  a \t b\n c ") == "a b c"


def test_exact_duplicates_count_once():
    docs = [("A", body(0) + "\nShared line")] * 25
    assert len(counted(docs, min_docs=2)) == 0
    counter = BoilerplateCounter()
    for o, t in docs:
        counter.add(o, t)
    assert counter.n_documents("A") == 1
    assert counter.n_documents("B") == 0


def test_a_single_document_has_no_boilerplate():
    bp = counted([("A", body(0))])
    text = body(0)
    got, removed = bp.strip("A", text)
    assert got is text and removed == []
    assert len(bp) == 0 and bp.table().values.tolist() == []


def test_independent_of_document_order():
    forms = ["Follow us on Telegram.", "Follow  us on Telegram.", "  Follow us on\tTelegram. "]
    docs = [("A", body(i) + "\n" + forms[i % 3]) for i in range(30)]
    docs += [("B", body(i) + " Bye.") for i in range(30)]
    results = []
    for seed in range(3):
        order = docs[:]
        random.Random(seed).shuffle(order)
        bp = counted(order)
        stripped = {t: bp.strip(o, t) for o, t in order}
        results.append((bp.table().values.tolist(), stripped))
    assert results[0] == results[1] == results[2]
    assert results[0][0] == [
        ["A", "Follow  us on Telegram.", 30],  # the smallest form, whatever the order
        ["B", "Bye.", 30],
    ]


def test_analyze_removes_an_outlets_boilerplate_and_lists_it(tmp_path):
    """25 TASS articles ending in the same sign-off: the sign-off is removed from every text
    and listed in boilerplate.csv; --keep-boilerplate keeps it and writes no list."""
    import csv

    from analysis.cli import main

    rows = [
        {
            "id": f"t{i:02d}",
            "outlet": "TASS",
            "date": "2024-01-01",
            "text": f"Talks number {i} were held in Moscow.\n\nSubscribe to our channel.",
        }
        for i in range(25)
    ]
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert main(["analyze", str(path), "--out", str(tmp_path / "a"), "--no-cache"]) == 0
    listed = (tmp_path / "a" / "boilerplate.csv").read_text(encoding="utf-8")
    assert listed == "outlet,text,n_documents\nTASS,Subscribe to our channel.,25\n"
    sentences = (tmp_path / "a" / "sentences.csv").read_text(encoding="utf-8")
    assert "Subscribe" not in sentences and "Talks number 7 were held in Moscow." in sentences
    args = ["analyze", str(path), "--out", str(tmp_path / "b"), "--no-cache", "--keep-boilerplate"]
    assert main(args) == 0
    assert not (tmp_path / "b" / "boilerplate.csv").exists()
    assert "Subscribe to our channel." in (tmp_path / "b" / "sentences.csv").read_text("utf-8")


def test_stripped_documents_spilled_are_those_held_in_memory(tmp_path):
    """With ``spill_dir`` the stripped documents come from a temporary file, the same
    documents in the same order, duplicates recomputed on the stripped texts (two texts that
    differ only by their boilerplate become duplicates); closing removes the file."""
    from analysis.read.boilerplate import remove_boilerplate
    from analysis.read.corpus import Document

    texts = [f"{body(i)}\nSubscribe to our channel." for i in range(20)]
    texts += [f"{body(3)}\nFollow us on Telegram.", f"{body(3)}\nSubscribe to our channel."]
    docs = [
        Document(f"d{i:02d}", f"d{i:02d}.txt", "TASS", "russian", "state", "2024-01-01", t)
        for i, t in enumerate(texts)
    ]
    docs.reverse()  # kept in this order, not sorted
    held, bp = remove_boilerplate(docs)
    spilled, bp_spilled = remove_boilerplate(docs, spill_dir=tmp_path)
    assert bp.table().equals(bp_spilled.table())
    assert list(spilled) == list(held)
    assert [d.doc_id for d in spilled][:3] == ["d21", "d20", "d19"]
    by_id = {d.doc_id: d for d in spilled}
    assert by_id["d03"].text == body(3)  # the sign-off removed
    assert by_id["d21"].duplicate_of == "d03"  # its text is d03's once stripped
    assert by_id["d20"].duplicate_of == ""  # "Follow us on Telegram." is not boilerplate
    assert sum(bool(d.duplicate_of) for d in spilled) == 1
    assert spilled.boilerplate is bp_spilled and len(list(tmp_path.iterdir())) == 1
    spilled.close()
    assert list(tmp_path.iterdir()) == []
