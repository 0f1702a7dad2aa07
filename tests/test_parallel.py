"""Work spread over processes gives what one process gives, in the same order."""

from __future__ import annotations

import os

import pytest

from policydocs import parallel
from policydocs.cache import Pair, RedlineCache
from policydocs.redline import redline


def worker_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


@pytest.mark.skipif(parallel.cores() < 2, reason="needs two cores")
def test_large_batches_use_every_core_and_keep_order() -> None:
    results = parallel.map_all(worker_pid, list(range(200)))
    assert [square for square, _ in results] == [n * n for n in range(200)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) >= 2


def test_small_batches_stay_in_this_process() -> None:
    results = parallel.map_all(worker_pid, list(range(parallel.MIN_ITEMS - 1)))
    assert {pid for _, pid in results} == {os.getpid()}


def test_redlines_computed_in_parallel_equal_serial_ones(tmp_path) -> None:
    texts = [f"Clause {n}.\n\nYou pay {n} pounds a month.\n" for n in range(60)]
    pairs = {n: Pair(f"a{n}", f"b{n}", texts[n], texts[n + 1]) for n in range(59)}
    cache = RedlineCache(tmp_path / "cache")
    computed = cache.redlines(pairs)
    assert (cache.hits, cache.misses) == (0, 59)
    assert computed == {n: redline(p.old_text, p.new_text) for n, p in pairs.items()}
    again = RedlineCache(tmp_path / "cache").redlines(pairs)
    assert again == computed
