"""The reuse pass's flat sketches (SketchStore) against datasketch and the per-text sketches."""

import hashlib
import random

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash

from analysis.stats.reuse import find_reuse
from analysis.stats.shingles import (
    minhash_values,
    shingle_hashes,
    shingle_sets,
    similarity,
    sketch_text,
    words,
)
from analysis.stats.sketches import SketchStore, sketch_texts

MASK = (1 << 64) - 1


def _fmix64(h):
    for shift, mult in ((33, 0xFF51AFD7ED558CCD), (33, 0xC4CEB9FE1A85EC53)):
        h = ((h ^ (h >> shift)) * mult) & MASK
    return h ^ (h >> 33)


def _token(t):
    return int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")


def _texts(n=120, seed=3):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(40)] + ["Σ", "İstanbul"]
    sizes = (0, 1, 2, 4, 5, 6, 12, 35, 60, 700)
    return [" ".join(rng.choice(vocab) for _ in range(rng.choice(sizes))) for _ in range(n)]


def test_shingle_hashes_by_hand():
    # "one two three", 2-word shingles: (one two) and (two three), each the polynomial
    # h0 * M + h1 (mod 2**64) of its token hashes, plus the width, mixed by fmix64
    m = 0x9E3779B97F4A7C15
    one, two, three = (_token(t) for t in ("one", "two", "three"))
    want = sorted(_fmix64(((a * m + b) + 2) & MASK) for a, b in ((one, two), (two, three)))
    assert shingle_hashes(words("One, two; THREE"), 2).tolist() == want
    # fewer tokens than a shingle: one shingle of all of them (width 2)
    assert shingle_hashes(["one", "two"], 5).tolist() == [_fmix64((one * m + two + 2) & MASK)]
    assert shingle_hashes([], 5).size == 0
    # a repeated shingle is kept once
    assert shingle_hashes(["one", "one", "one"], 1).tolist() == [_fmix64((one + 1) & MASK)]


def test_shingle_sets_are_those_of_each_text():
    lists = [words(t) for t in _texts()]
    for shingle in (1, 3, 5):
        hashes, counts = shingle_sets(lists, shingle)
        assert counts.sum() == hashes.size
        parts = np.split(hashes, np.cumsum(counts)[:-1])
        for tokens, part in zip(lists, parts, strict=True):
            assert part.tolist() == shingle_hashes(tokens, shingle).tolist()


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (16, 7)])
def test_minhash_values_are_datasketchs(monkeypatch, num_perm, seed):
    # slices of 50 shingles: a text of 700 words spans many, others start mid-slice
    monkeypatch.setattr("analysis.stats.shingles._SLICE", 50)
    lists = [words(t) for t in _texts()]
    hashes, counts = shingle_sets(lists, 5)
    got = minhash_values(hashes, counts, num_perm=num_perm, seed=seed)
    assert got.dtype == np.uint32 and got.shape == (len(lists), num_perm)
    for row, part in zip(got, np.split(hashes, np.cumsum(counts)[:-1]), strict=True):
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
        m.update_batch((part >> np.uint64(32)).tolist())
        assert row.tolist() == m.hashvalues.tolist()
    assert got[counts == 0].tolist() == [[2**32 - 1] * num_perm] * int((counts == 0).sum())


def test_store_rows_equal_the_per_text_sketches():
    texts = _texts()
    store = SketchStore(batch=16)
    for i, t in enumerate(texts):  # a third of them added as sketches made elsewhere
        if i % 3:
            store.add_text(f"t{i}", t)
        else:
            store.add_sketch(f"t{i}", sketch_text(t))
    store.finish()
    assert store.ids == [f"t{i}" for i in range(len(texts))]
    for i, t in enumerate(texts):
        sk = sketch_text(t)
        row = store.index[f"t{i}"]
        assert store.values[row].tolist() == sk.minhash.hashvalues.tolist()
        assert store.shingles(row).tolist() == sk.shingles.tolist()
        assert bytes(store.digests[row]) == sk.digest
        assert store.sizes[row] == sk.size


def pairs_of(arrays: tuple[np.ndarray, np.ndarray]) -> list[tuple[float, float]]:
    """``(jaccard, containment)`` of each pair, from the two arrays of ``similarities``."""
    return list(zip(arrays[0].tolist(), arrays[1].tolist(), strict=True))


def test_store_similarities_are_the_exact_ones(monkeypatch):
    monkeypatch.setattr("analysis.stats.sketches._QUERIES", 40)  # chunks of about 40 lookups
    texts = _texts()
    store = SketchStore()
    for i, t in enumerate(texts):
        store.add_text(str(i), t)
    store.finish()
    sketches = [sketch_text(t) for t in texts]
    rng = random.Random(1)
    a = np.array([rng.randrange(len(texts)) for _ in range(3000)])
    b = np.array([rng.randrange(len(texts)) for _ in range(3000)])
    want = [similarity(sketches[x], sketches[y]) for x, y in zip(a, b, strict=True)]
    assert pairs_of(store.similarities(a, b)) == want  # the same floats, pair by pair
    assert pairs_of(store.similarities(a[:3], b[:3])) == want[:3]  # few pairs: one by one
    assert [store.similarity(x, y) for x, y in zip(a[:300], b[:300], strict=True)] == want[:300]


def test_store_similarity_by_hand():
    store = SketchStore(shingle=1)
    for key, text in (("x", "a b c d"), ("y", "c d e"), ("z", "...")):
        store.add_text(key, text)
    store.finish()
    x, y, z = (store.index[k] for k in "xyz")
    pairs = np.array([x, x, y, x] * 3), np.array([y, z, x, x] * 3)
    assert store.common(*pairs).tolist() == [2, 0, 2, 4] * 3
    want = [(2 / 5, 2 / 3), (0.0, 0.0), (2 / 5, 2 / 3), (1, 1)]
    assert pairs_of(store.similarities(*pairs))[:4] == want


def test_store_refuses_repeated_ids_and_other_settings():
    store = SketchStore()
    store.add_text("a", "one two three")
    with pytest.raises(ValueError, match="two texts"):
        store.add_text("a", "four")
    with pytest.raises(ValueError, match="other shingle"):
        store.add_sketch("b", sketch_text("one two", shingle=2))


def test_pair_arrays_find_what_buckets_find(monkeypatch):
    # a corpus of clusters (copies with edits, halves, texts inside longer ones) and chains;
    # every bucket checked by _Linker.bucket (no pair arrays, no skip of pairs met in an
    # earlier band) gives the same tables as the pair arrays, at several cluster limits
    rng = random.Random(7)
    vocab = [f"v{i}" for i in range(3000)]
    bases = [[rng.choice(vocab) for _ in range(rng.randint(20, 80))] for _ in range(12)]
    rows, texts = [], []
    for i in range(400):
        tokens = list(bases[i % 12])
        for _ in range(rng.randint(0, 6)):
            tokens[rng.randrange(len(tokens))] = rng.choice(vocab)
        if i % 7 == 0:
            tokens = tokens[: len(tokens) // 2]
        elif i % 11 == 0:
            tokens = [rng.choice(vocab) for _ in range(3 * len(tokens))] + tokens
        elif i % 5 == 0:
            tokens = [rng.choice(vocab) for _ in range(40)]
        texts.append((f"d{i:03d}", " ".join(tokens)))
        rows.append((f"d{i:03d}", f"2024-0{rng.randint(1, 9)}-01", f"o{i % 3}", f"g{i % 2}"))
    docs = pd.DataFrame(rows, columns=["doc_id", "date", "outlet", "origin"])
    for max_cluster in (5, 50):
        ref = find_reuse(docs, texts, max_cluster=max_cluster)
        assert {"near", "contained"} <= set(ref.pairs["kind"])
        with monkeypatch.context() as m:
            m.setattr("analysis.stats.candidates._SPREAD", 1)
            one_by_one = find_reuse(docs, texts[::-1], max_cluster=max_cluster)
        assert one_by_one.pairs.equals(ref.pairs)
        assert one_by_one.documents.equals(ref.documents)


def test_find_reuse_takes_a_finished_store():
    docs = pd.DataFrame(
        [("a", "2024-01-01", "A", "r"), ("b", "2024-01-02", "B", "c")],
        columns=["doc_id", "date", "outlet", "origin"],
    )
    texts = [("a", "one two three four five six"), ("b", "one two three four five seven")]
    store = SketchStore(shingle=2)
    for doc_id, text in texts:
        store.add_text(doc_id, text)
    got = find_reuse(docs, store.finish(), shingle=2)
    assert got.pairs.equals(find_reuse(docs, texts, shingle=2).pairs)
    assert got.pairs["jaccard"].tolist() == [4 / 6]
    with pytest.raises(ValueError, match="other shingle"):
        find_reuse(docs, store, shingle=3)
    with pytest.raises(ValueError, match="unknown doc_id 'b'"):
        find_reuse(docs[:1], store, shingle=2)


def test_store_parts_equal_the_texts_added_one_by_one():
    texts = _texts()
    one = SketchStore(batch=16)
    for i, t in enumerate(texts):
        one.add_text(f"t{i}", t)
    one.finish()
    parts = SketchStore(batch=16)
    parts.add_text("t0", texts[0])  # pending texts come before a part added after them
    parts.add_part(["t1", "t2", "t3"], sketch_texts(texts[1:4]))
    parts.add_part([], sketch_texts([]))
    for i in range(4, len(texts)):
        if i % 2:
            parts.add_text(f"t{i}", texts[i])
        else:
            parts.add_part([f"t{i}"], sketch_texts([texts[i]]))
    parts.finish()
    assert parts.ids == one.ids
    assert parts.digests.tolist() == one.digests.tolist()
    assert parts.sizes.tolist() == one.sizes.tolist()
    assert np.array_equal(parts.values, one.values)
    assert [parts.shingles(r).tolist() for r in range(len(texts))] == [
        one.shingles(r).tolist() for r in range(len(texts))
    ]


def test_sketch_texts_by_hand_and_a_part_of_the_wrong_length():
    part = sketch_texts(["One, two; THREE", ""], shingle=2)
    assert (
        part.digests == hashlib.sha256(b"One, two; THREE").digest() + hashlib.sha256(b"").digest()
    )
    assert part.counts.tolist() == [2, 0]
    assert part.shingles.tolist() == shingle_hashes(["one", "two", "three"], 2).tolist()
    assert part.values[1].tolist() == [2**32 - 1] * 128
    with pytest.raises(ValueError, match="a part of 2 sketches for 1 keys"):
        SketchStore(shingle=2).add_part(["a"], part)
    store = SketchStore(shingle=2)
    with pytest.raises(ValueError, match="two texts"):
        store.add_part(["a", "a"], part)
    assert store.ids == [] and store.index == {}  # a refused part adds no row
    store.add_part(["a", "b"], part)
    with pytest.raises(ValueError, match="two texts for doc_id 'b'"):
        store.add_part(["c", "b"], part)
    assert store.finish().ids == ["a", "b"] and store.sizes.tolist() == [2, 0]
