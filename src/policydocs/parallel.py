"""Run independent pure computations (redlines, feed entries) on every core the build has.

Processes, not threads: the work is pure Python and holds the GIL. Workers are forked
(quick, and a caller's script is not imported again) unless other threads are running,
as under `mkdocs serve`: forking a threaded process is unsafe, so those workers are spawned.
Small batches stay in this process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, one process is quicker than starting workers.
MIN_ITEMS = 16


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_all(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[function(item) for item in items]`, in worker processes when that pays;
    `function` must be a module-level function (workers import it by name)."""
    workers = min(cores(), len(items) // MIN_ITEMS)
    if workers < 2:
        return [function(item) for item in items]
    chunk = max(1, len(items) // (workers * 8))
    threaded = threading.active_count() > 1
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if can_fork and not threaded else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=chunk))
