import math
import random

import pandas as pd
import pytest

from analysis.stats.amplification import AMPLIFICATION_COLUMNS, amplification, dedupe
from analysis.stats.candidates import contained_ratio
from analysis.stats.reuse import REUSE_COLUMNS, REUSE_DOC_COLUMNS, find_reuse
from analysis.stats.shingles import shared_passages, similarity, sketch_text, words
from analysis.stats.sketches import SketchStore


def _words(lo, hi, **change):
    """ "w{lo} ... w{hi-1}" with words replaced by position: {"w10": "zulu"}."""
    return " ".join(change.get(f"w{i}", f"w{i}") for i in range(lo, hi))


def _docs(rows):
    return pd.DataFrame(rows, columns=["doc_id", "date", "outlet", "origin"])


def _pairs(result):
    cols = ["doc_id", "other_doc_id", "kind", "jaccard", "containment", "link"]
    return [tuple(r) for r in result.pairs[cols].itertuples(index=False)]


def test_tokens_are_lowercased_word_runs():
    assert words("Russia’s 2024 “win-win”, A_B.") == ["russia", "s", "2024", "win", "win", "a_b"]


def test_exact_copy_and_same_tokens_with_other_punctuation():
    text = _words(0, 20)
    docs = _docs(
        [
            ("a", "2024-01-01", "TASS", "russian"),
            ("b", "2024-01-04", "Xinhua", "chinese"),
            ("c", "2024-01-02", "RT", "russian"),
        ]
    )
    # c has the same tokens as a, but not the same text: near with Jaccard 1, not exact
    other = text.upper().replace(" ", ", ")
    result = find_reuse(docs, [("a", text), ("b", text), ("c", other)], shingle=2)
    assert _pairs(result) == [
        ("a", "b", "exact", 1.0, 1.0, "verified"),
        ("a", "c", "near", 1.0, 1.0, "verified"),
        ("b", "c", "near", 1.0, 1.0, "verified"),
    ]
    p = result.pairs
    assert list(p.columns) == list(REUSE_COLUMNS)
    assert p["earlier"].tolist() == ["a", "a", "c"]
    assert p["lag_days"].tolist() == [3, 1, 2]
    assert p["same_outlet"].tolist() == [False, False, False]
    assert p["same_origin"].tolist() == [False, True, False]
    d = result.documents
    assert list(d.columns) == list(REUSE_DOC_COLUMNS)
    assert d["reuse_cluster"].tolist() == ["a", "a", "a"]
    assert d["exact_group"].tolist() == ["a", "a", ""]
    assert d["first_in_exact_group"].tolist() == [True, False, True]


def test_near_duplicate_with_one_word_changed():
    # 20 words, shingles of 2: 19 bigrams each; changing w10 replaces (w9 w10) and (w10 w11),
    # so 17 are shared: Jaccard 17 / (19 + 19 - 17) = 17/21 = 0.81, containment 17/19 = 0.89.
    docs = _docs([("a", "2024-01-01", "TASS", "russian"), ("b", "2024-01-01", "RT", "russian")])
    texts = [("a", _words(0, 20)), ("b", _words(0, 20, w10="zulu"))]
    result = find_reuse(docs, texts, shingle=2)
    assert _pairs(result) == [("a", "b", "near", 17 / 21, 17 / 19, "verified")]
    # at a higher threshold the same pair is nothing (containment is below 0.9 as well)
    assert find_reuse(docs, texts, shingle=2, jaccard=0.85).pairs.empty


def test_contained_short_text_inside_a_longer_one():
    # the short text w10..w22 has 12 bigrams, all in the 39 bigrams of w0..w39:
    # containment 12/12 = 1, Jaccard 12/39 (below 0.35: not near)
    docs = _docs([("long", "2024-02-01", "TASS", "russian"), ("s", "2024-02-03", "X", "chinese")])
    texts = [("long", _words(0, 40)), ("s", _words(10, 23))]
    result = find_reuse(docs, texts, shingle=2)
    assert _pairs(result) == [("long", "s", "contained", 12 / 39, 1.0, "verified")]
    assert result.pairs["earlier"].tolist() == ["long"]
    # a contained text needs min_contained shingles
    assert find_reuse(docs, texts, shingle=2, min_contained=15).pairs.empty


def test_unrelated_texts_give_no_pair():
    docs = _docs([("a", "2024-01-01", "TASS", "russian"), ("b", "2024-01-01", "RT", "russian")])
    result = find_reuse(docs, [("a", _words(0, 30)), ("b", _words(100, 130))], shingle=2)
    assert result.pairs.empty
    assert result.documents["reuse_cluster"].tolist() == ["", ""]
    assert result.documents["first_in_cluster"].tolist() == [True, True]
    assert result.documents["cluster_size"].tolist() == [1, 1]


def test_cluster_id_and_first_with_ties_on_date():
    # x1 and x2 are copies of the same day (tie -> smaller doc_id); x0 is later; y is alone
    text = _words(0, 20)
    docs = _docs(
        [
            ("x2", "2024-05-01", "A", "russian"),
            ("x0", "2024-05-02", "B", "russian"),
            ("x1", "2024-05-01", "C", "chinese"),
            ("y", "2024-04-01", "D", "chinese"),
        ]
    )
    texts = [("x2", text), ("x0", _words(0, 20, w10="zulu")), ("x1", text), ("y", _words(50, 60))]
    d = find_reuse(docs, texts, shingle=2).documents
    assert d["doc_id"].tolist() == ["x0", "x1", "x2", "y"]
    assert d["reuse_cluster"].tolist() == ["x1", "x1", "x1", ""]
    assert d["first_in_cluster"].tolist() == [False, True, False, True]
    assert d["cluster_size"].tolist() == [3, 3, 3, 1]
    assert d["exact_group"].tolist() == ["", "x1", "x1", ""]
    assert d["first_in_exact_group"].tolist() == [True, True, False, True]


def test_chain_and_large_cluster_rows_to_the_earliest():
    # b = a with w10 changed, c = b with w5 changed as well: a~b and b~c (17/21) but a and c
    # share only 15 of 19 bigrams: Jaccard 15/23, containment 15/19 -> not alike at 0.8
    docs = _docs(
        [
            ("a", "2024-01-01", "A", "russian"),
            ("b", "2024-01-02", "B", "russian"),
            ("c", "2024-01-03", "C", "russian"),
        ]
    )
    texts = [
        ("a", _words(0, 20)),
        ("b", _words(0, 20, w10="zulu")),
        ("c", _words(0, 20, w10="zulu", w5="yankee")),
    ]
    full = find_reuse(docs, texts, shingle=2, jaccard=0.8)
    assert _pairs(full) == [
        ("a", "b", "near", 17 / 21, 17 / 19, "verified"),
        ("b", "c", "near", 17 / 21, 17 / 19, "verified"),
    ]
    assert full.documents["reuse_cluster"].tolist() == ["a", "a", "a"]
    star = find_reuse(docs, texts, shingle=2, jaccard=0.8, max_cluster=2)
    assert _pairs(star) == [
        ("a", "b", "near", 17 / 21, 17 / 19, "to_earliest"),
        ("a", "c", "linked", 15 / 23, 15 / 19, "to_earliest"),
    ]


def _mixed_corpus():
    rng = random.Random(5)
    # 5 texts of 60 words, each as itself, with one word changed, cut to 25 words and after
    # 40 new words (i % 5 and i % 4 meet every combination)
    base = [_words(k * 100, k * 100 + 60) for k in range(5)]
    texts, rows = [], []
    for i in range(25):
        t = base[i % 5]
        if i % 4 == 1:
            t = t.replace(f"w{(i % 5) * 100 + 30}", "changed")
        elif i % 4 == 2:
            t = " ".join(t.split()[:25])
        elif i % 4 == 3:
            t = f"{_words(1000 + i * 50, 1000 + i * 50 + 40)} {t}"
        doc_id = f"d{i:02d}"
        texts.append((doc_id, t))
        rows.append((doc_id, f"2024-01-{rng.randint(1, 9):02d}", f"o{i % 3}", f"g{i % 2}"))
    return _docs(rows), texts


def test_independent_of_document_order_and_of_batches():
    docs, texts = _mixed_corpus()
    ref = find_reuse(docs, texts, shingle=3)
    assert len(ref.pairs) > 20 and set(ref.pairs["kind"]) == {"exact", "near", "contained"}
    shuffled = list(texts)
    random.Random(1).shuffle(shuffled)
    docs_shuffled = docs.sample(frac=1.0, random_state=2)
    again = find_reuse(docs_shuffled, iter(shuffled), shingle=3)
    # sketches made elsewhere, in two batches, give the same tables
    first, second = shuffled[:10], shuffled[10:]
    sketches = [(d, sketch_text(t, shingle=3)) for d, t in second + first]
    batched = find_reuse(docs, sketches, shingle=3)
    for other in (again, batched):
        assert other.pairs.to_csv(index=False) == ref.pairs.to_csv(index=False)
        assert other.documents.to_csv(index=False) == ref.documents.to_csv(index=False)


def test_sketch_made_with_other_settings_is_refused():
    docs = _docs([("a", "2024-01-01", "A", "g")])
    with pytest.raises(ValueError, match="other shingle"):
        find_reuse(docs, [("a", sketch_text("one two three", shingle=2))])
    with pytest.raises(ValueError, match="unknown doc_id"):
        find_reuse(docs, [("zz", "one two three")])


def test_dedupe_policies_keep_the_first_of_each_group():
    # a, b exact copies (b first: earlier), c near a, u unrelated
    text = _words(0, 20)
    docs = _docs(
        [
            ("a", "2024-01-03", "A", "russian"),
            ("b", "2024-01-02", "B", "russian"),
            ("c", "2024-01-01", "C", "chinese"),
            ("u", "2024-01-01", "D", "chinese"),
        ]
    )
    texts = [("a", text), ("b", text), ("c", _words(0, 20, w10="zulu")), ("u", _words(50, 70))]
    reuse_docs = find_reuse(docs, texts, shingle=2).documents
    assert dedupe(docs, reuse_docs, "none")["doc_id"].tolist() == ["a", "b", "c", "u"]
    assert dedupe(docs, reuse_docs, "exact")["doc_id"].tolist() == ["b", "c", "u"]
    assert dedupe(docs, reuse_docs, "near")["doc_id"].tolist() == ["c", "u"]
    assert dedupe(docs, reuse_docs, "near").index.tolist() == [2, 3]
    assert len(docs) == 4  # pure
    with pytest.raises(ValueError, match="no row"):
        dedupe(docs, reuse_docs.iloc[:2], "near")
    with pytest.raises(ValueError, match="policy"):
        dedupe(docs, reuse_docs, "fuzzy")


def _four():
    # cluster X: r1 (russian, 03-01) and its copy c1 (chinese, 03-03);
    # cluster Y: c2 (chinese, 03-05) and its copy r2 (russian, the same day)
    docs = _docs(
        [
            ("r1", "2024-03-01", "TASS", "russian"),
            ("c1", "2024-03-03", "Xinhua", "chinese"),
            ("c2", "2024-03-05", "CGTN", "chinese"),
            ("r2", "2024-03-05", "RT", "russian"),
        ]
    )
    x, y = _words(0, 20), _words(100, 120)
    return docs, [("r1", x), ("c1", x), ("c2", y), ("r2", y)]


def test_amplification_by_origin_hand_computed():
    docs, texts = _four()
    reuse_docs = find_reuse(docs, texts, shingle=2).documents
    out = amplification(docs, reuse_docs)
    assert list(out.columns) == list(AMPLIFICATION_COLUMNS)
    rows = [tuple(r) for r in out.itertuples(index=False)]
    # chinese -> russian: 2 shared clusters, first only in none (Y is the same day), lag 0 in Y;
    #   russian documents with a chinese copy on or before them: r2 (c2 same day), not r1
    # russian -> chinese: first in X (lag 2), same day in Y (lag 0): median 1;
    #   chinese documents with a russian copy on or before them: c1 (r1 03-01), c2 (r2 same day)
    assert rows == [
        ("chinese", "russian", 2, 0, 1, 0.0, 2, 1, 0.5),
        ("russian", "chinese", 2, 1, 1, 1.0, 2, 2, 1.0),
    ]


def test_amplification_by_outlet_lists_every_ordered_pair():
    docs, texts = _four()
    out = amplification(docs, find_reuse(docs, texts, shingle=2).documents, by="outlet")
    assert len(out) == 12
    t = out.set_index(["source", "receiving"])
    assert tuple(t.loc[("TASS", "Xinhua")]) == (1, 1, 0, 2.0, 1, 1, 1.0)
    assert tuple(t.loc[("Xinhua", "TASS")])[:3] == (1, 0, 0)
    assert math.isnan(t.loc[("Xinhua", "TASS"), "median_lag_days"])
    assert tuple(t.loc[("CGTN", "RT")]) == (1, 0, 1, 0.0, 1, 1, 1.0)
    # TASS and RT share no cluster: zeros, no lag
    no = t.loc[("TASS", "RT")]
    assert (no["clusters_shared"], no["reprints"], no["share_reprints"]) == (0, 0, 0.0)
    assert math.isnan(no["median_lag_days"])


def test_single_document_and_empty_text():
    docs = _docs([("a", "2024-01-01", "TASS", "russian")])
    result = find_reuse(docs, [("a", "Only one document here.")])
    assert result.pairs.empty and list(result.pairs.columns) == list(REUSE_COLUMNS)
    assert [tuple(r) for r in result.documents.itertuples(index=False)] == [
        ("a", "", True, 1, "", True)
    ]
    assert amplification(docs, result.documents).empty
    assert dedupe(docs, result.documents, "near")["doc_id"].tolist() == ["a"]
    # two texts without a word are not copies of each other
    two = _docs([("a", "2024-01-01", "T", "r"), ("b", "2024-01-01", "T", "r")])
    empty = find_reuse(two, [("a", " .. "), ("b", " .. ")])
    assert empty.pairs.empty and empty.documents["reuse_cluster"].tolist() == ["", ""]
    assert similarity(sketch_text(""), sketch_text("a b")) == (0.0, 0.0)


def test_shared_passages_offsets():
    a = "Intro words here. The quick brown fox jumps over the lazy dog today. End."
    b = "Different start; the QUICK brown fox jumps over the lazy dog today! Bye."
    out = shared_passages(a, b, min_words=8)
    sa, sb = a.index("The quick"), b.index("the QUICK")
    ea, eb = a.index("today") + 5, b.index("today") + 5
    assert out == [(sa, ea, sb, eb, "The quick brown fox jumps over the lazy dog today")]
    assert b[out[0][2] : out[0][3]] == "the QUICK brown fox jumps over the lazy dog today"
    assert shared_passages(a, b, min_words=11) == []


def test_callers_random_stream_is_left_alone():
    docs, texts = _mixed_corpus()
    random.seed(11)
    expected = [random.random() for _ in range(3)]
    random.seed(11)
    find_reuse(docs, texts, shingle=3)
    assert [random.random() for _ in range(3)] == expected


def test_cluster_above_max_cluster_lists_members_to_its_first():
    # a and its copy a2, and k1..k5: each with one other word of a changed. Any two k share
    # 35 of 39 bigrams (near, 35/43), each k and a 37 (near, 37/41, containment 37/39).
    base = _words(0, 40)
    rows = [("a", "2024-01-01", "A", "r"), ("a2", "2024-01-02", "A", "r")]
    texts = [("a", base), ("a2", base)]
    for k in range(1, 6):
        rows.append((f"k{k}", f"2024-01-0{k + 2}", "B", "c"))
        texts.append((f"k{k}", _words(0, 40, **{f"w{5 * k}": f"x{k}"})))
    docs = _docs(rows)
    full = find_reuse(docs, texts, shingle=2)
    assert len(full.pairs) == 21  # all pairs of 7 documents
    assert full.pairs.query("doc_id == 'k1' and other_doc_id == 'k2'")["jaccard"].item() == 35 / 43
    star = find_reuse(docs, texts, shingle=2, max_cluster=3)
    assert _pairs(star) == [("a", "a2", "exact", 1.0, 1.0, "to_earliest")] + [
        ("a", f"k{k}", "near", 37 / 41, 37 / 39, "to_earliest") for k in range(1, 6)
    ]
    assert star.documents["reuse_cluster"].tolist() == ["a"] * 7
    assert star.documents["cluster_size"].tolist() == [7] * 7


def test_large_cluster_of_near_identical_texts_is_linked_without_all_pairs(monkeypatch):
    # 200 texts "note{i} w0 ... w39": 41 tokens, 37 five-word shingles, all but the first
    # shared by any two (near: jaccard 36/38, containment 36/37); c0 is d000's exact copy;
    # three unrelated texts u0-u2 are a small cluster of their own (a two-word change each)
    base = _words(0, 40)
    rows, texts = [], []
    for i in range(200):
        rows.append((f"d{i:03d}", "2024-01-01", "A", "r"))
        texts.append((f"d{i:03d}", f"note{i} {base}"))
    rows.append(("c0", "2024-01-02", "B", "c"))
    texts.append(("c0", f"note0 {base}"))
    for k in range(3):
        rows.append((f"u{k}", "2024-02-01", "B", "c"))
        texts.append((f"u{k}", _words(100, 160, **{f"w{110 + 20 * k}": "x"})))
    calls = []
    measured, measured_one = SketchStore.common, SketchStore.similarity

    def counted(self, a, b):
        calls.extend([1] * len(a))
        return measured(self, a, b)

    def counted_one(self, a, b):
        calls.append(1)
        return measured_one(self, a, b)

    monkeypatch.setattr(SketchStore, "common", counted)
    monkeypatch.setattr(SketchStore, "similarity", counted_one)
    result = find_reuse(_docs(rows), texts)
    # c0 and d001..d199 to d000 (201 documents > 50), then the small cluster's three pairs
    big = [("c0", "d000", "exact", 1.0, 1.0, "to_earliest")] + [
        ("d000", f"d{i:03d}", "near", 36 / 38, 36 / 37, "to_earliest") for i in range(1, 200)
    ]
    small = [(f"u{a}", f"u{b}", "near") for a, b in ((0, 1), (0, 2), (1, 2))]
    got = _pairs(result)
    assert got[:200] == big
    assert [p[:3] for p in got[200:]] == small
    assert [p[5] for p in got[200:]] == ["verified"] * 3
    assert result.documents["cluster_size"].tolist() == [201] * 201 + [3] * 3
    # pairs inside the closed cluster are not verified: all pairs would be 19,900
    assert len(calls) < 2000
    reordered = find_reuse(_docs(rows[::-1]), texts[::-1])
    assert reordered.pairs.to_csv(index=False) == result.pairs.to_csv(index=False)


def test_contained_bands_find_a_short_text_the_near_bands_cannot():
    # 12 bigrams wholly inside 79: containment 1, Jaccard 12/79. At jaccard=1.0 (margin 0)
    # the near bands (2 bands of 64 rows) cannot join them: only the containment bands can
    docs = _docs([("long", "2024-02-01", "TASS", "russian"), ("s", "2024-02-03", "X", "chinese")])
    texts = [("long", _words(0, 80)), ("s", _words(30, 43))]
    result = find_reuse(docs, texts, shingle=2, jaccard=1.0, margin=0.0)
    assert _pairs(result) == [("long", "s", "contained", 12 / 79, 1.0, "verified")]


def test_contained_ratio_is_the_size_ratio_below_which_a_pair_is_near():
    # contained: c >= 0.9 and j < 0.35, j = c s / (s + l - c s): l / s > 0.9 / 0.35 - 1 + 0.9
    assert contained_ratio(0.35, 0.9) == pytest.approx(0.9 / 0.35 - 0.1)
    assert contained_ratio(0.8, 0.9) == pytest.approx(1.025)
    assert contained_ratio(1.0, 0.5) == 1.0  # never below 1: the query is the smaller text
    # 90 of 100 shingles inside a text of ratio x 100: Jaccard 90 / (100 + 100 r - 90) = 0.35
    r = contained_ratio(0.35, 0.9)
    assert 90 / (100 + 100 * r - 90) == pytest.approx(0.35)


def test_reprints_count_receiving_documents_on_or_after_the_sources_first_date():
    docs = _docs(
        [
            ("s1", "2024-03-02", "TASS", "russian"),
            ("s2", "2024-03-09", "TASS", "russian"),
            ("r1", "2024-03-01", "Xinhua", "chinese"),
            ("r2", "2024-03-02", "Xinhua", "chinese"),
            ("r3", "2024-03-05", "CGTN", "chinese"),
            ("x1", "2024-03-07", "CGTN", "chinese"),  # in another cluster, alone of its side
            ("y1", "2024-03-06", "RT", "russian"),
        ]
    )
    clusters = {"s1": "r1", "s2": "r1", "r1": "r1", "r2": "r1", "r3": "r1", "x1": "y1", "y1": "y1"}
    reuse_docs = pd.DataFrame({"doc_id": list(clusters), "reuse_cluster": list(clusters.values())})
    t = amplification(docs, reuse_docs).set_index(["source", "receiving"])
    # russian first 03-02 in r1's cluster: r2 (same day) and r3 (later), not r1 (03-01);
    # 03-06 in y1's: x1 (03-07)
    assert t.loc[("russian", "chinese"), "reprints"] == 3
    # chinese first 03-01 in r1's cluster: s1 and s2; 03-07 in y1's: not y1 (03-06)
    assert t.loc[("chinese", "russian"), "reprints"] == 2
    assert t.loc[("russian", "chinese"), "receiving_docs"] == 4
    with pytest.raises(ValueError, match="repeat doc_id"):
        amplification(pd.concat([docs, docs.iloc[:1]]), reuse_docs)
