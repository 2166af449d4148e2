"""analysis.config.release_free_memory: malloc_trim at most a tenth of the time."""

from __future__ import annotations

import time

import analysis.config as config


def test_a_trim_of_d_seconds_is_not_repeated_for_nine_d(monkeypatch):
    clock = [100.0]
    trims = []

    def trim(pad):  # a trim of a large heap: one (fake) second
        trims.append(clock[0])
        clock[0] += 1.0

    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(config, "_malloc_trim", lambda: trim)
    monkeypatch.setattr(config._Trims, "ended", -float("inf"))
    monkeypatch.setattr(config._Trims, "took", 0.0)
    for at in (100.0, 105.0, 109.9, 110.0, 111.0, 119.0):
        clock[0] = max(clock[0], at)
        config.release_free_memory()
    # 100 trims (ends 101, took 1): skipped until 101 + 9 = 110; 110 trims (ends 111): 111 and
    # 119 skipped (before 120)
    assert trims == [100.0, 110.0]


def test_arrows_pool_gives_back_its_free_pages_with_each_trim(monkeypatch):
    import sys
    import types

    released = []
    pool = types.SimpleNamespace(release_unused=lambda: released.append("arrow"))
    fake = types.SimpleNamespace(default_memory_pool=lambda: pool)
    monkeypatch.setitem(sys.modules, "pyarrow", fake)
    monkeypatch.setattr(config, "_malloc_trim", lambda: lambda pad: released.append("heap"))
    monkeypatch.setattr(config._Trims, "ended", -float("inf"))
    monkeypatch.setattr(config._Trims, "took", 0.0)
    config.release_free_memory()
    assert released == ["arrow", "heap"]
    monkeypatch.delitem(sys.modules, "pyarrow")  # never imported: nothing to release
    monkeypatch.setattr(config._Trims, "took", 0.0)
    config.release_free_memory()
    assert released == ["arrow", "heap", "heap"]
