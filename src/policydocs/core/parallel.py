"""Run independent pure computations (redlines, feed entries) in worker processes, while the
caller goes on with other work.

A site generator renders pages on one core; the redlines and feed entries it will need later
can be computed on the others meanwhile, and a caller with nothing else to do uses every
core (`workers`). Processes, not threads: the work is pure Python and holds the
GIL. Workers are forked (quick, and a caller's script is not imported again) unless other
threads are running, as under `mkdocs serve`: forking a threaded process is unsafe, so those
workers are spawned. Small batches stay in this process, computed when first asked for,
where starting workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, one process is quicker than starting workers.
MIN_ITEMS = 16
#: Items per task sent to a worker: enough to make a task's overhead small, few enough that
#: the first results arrive early and the work spreads evenly.
BATCH = 8
#: How often a worker looks whether the process that started it is still there.
PARENT_CHECK_SECONDS = 0.2


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers(caller_busy: bool) -> int:
    """How many workers pay: every core while the caller only waits for them, the others
    while it works too; none on one core, where a worker would only take turns with it."""
    count = cores()
    if count < 2:
        return 0
    return count - 1 if caller_busy else count


class Result(Generic[R]):
    """One item's result: computed by a worker, or here on first request. With `keep`
    false it is fetched again on every request and never held here (a result stored on
    disk, read when needed: a build may have thousands waiting for their page)."""

    def __init__(self, compute: Callable[[], R], keep: bool = True):
        self._compute = compute
        self._keep = keep
        self._done = False
        self._value: R | None = None

    @classmethod
    def given(cls, value: R) -> Result[R]:
        """A result known already (found in the store): `done` at once."""
        result = cls(_never)
        result._value, result._done = value, True
        return result

    @property
    def done(self) -> bool:
        """Whether `get` would return at once (a kept result computed or given)."""
        return self._done

    def get(self) -> R:
        if not self._keep:
            return self._compute()
        if not self._done:
            self._value = self._compute()
            self._done = True
        return self._value  # type: ignore[return-value]


class Background:
    """Worker processes for pure functions; `submit` returns at once, `Result.get` waits.

    Tasks run in the order submitted, so a caller submits first what it needs first.
    `cpu_seconds` is the processor time the workers spent on the results collected so far:
    work done here is the caller's own time, work done there must be reported too."""

    def __init__(self, workers: int):
        self.workers = workers
        self.cpu_seconds = 0.0
        self._pool: ProcessPoolExecutor | None = None
        self._frozen = False

    def submit(self, function: Callable[[T], R], items: Sequence[T]) -> list[Result[R]]:
        """A result per item; `function` must be a module-level function (workers import it
        by name)."""
        if self.workers < 1 or len(items) < MIN_ITEMS:
            return [Result(_call(function, item)) for item in items]
        pool = self._start()
        size = max(1, min(BATCH, len(items) // (self.workers * 4)))
        results: list[Result[R]] = []
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            batch = _Batch(pool.submit(_run_batch, function, chunk), self, function, chunk)
            results.extend(Result(_pick(batch, n)) for n in range(len(chunk)))
        return results

    def start(self) -> None:
        """Start the workers now, before this process grows: a forked worker shares the
        memory this process has at the fork, and keeps a copy of every page of it that
        either process writes to later (on 20x50, a worker forked after the history was
        read made the build's peak 25 MB larger; a spawned one, 8 MB). The objects alive at
        the fork are left out of this process's garbage collection while the workers live
        (`gc.freeze`), as Python's documentation advises before a fork: a collection writes
        to every object it looks at, and each page written is copied (on 10x30, the worker
        had 28 MB of its own instead of 34, and the build's peak was 96 MB instead of 101)."""
        if self.workers > 0:
            self._start().submit(os.getpid)

    def finish(self) -> None:
        """Nothing more will be submitted: the workers exit once their work is done, and
        their memory is freed while the caller goes on; results still arrive. Anything
        submitted later is computed here."""
        self.workers = 0
        if self._pool is not None:
            self._pool.shutdown(wait=False)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._frozen:  # (the workers are gone: nothing shares this memory now)
            gc.unfreeze()
            self._frozen = False

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            threaded = threading.active_count() > 1
            can_fork = "fork" in multiprocessing.get_all_start_methods()
            method = "fork" if can_fork and not threaded else "spawn"
            if method == "fork":  # (the workers are forked when the first task is sent)
                gc.freeze()
                self._frozen = True
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
        return self._pool


class _Batch:
    """A worker's task: its results, and its processor time counted once. If the worker
    died (killed for memory, say), the batch is computed here instead: slower, not lost."""

    def __init__(
        self,
        future: Future[tuple[list[Any], float]],
        pool: Background,
        function: Callable[[Any], Any],
        items: Sequence[Any],
    ):
        self._future = future
        self._pool = pool
        self._function = function
        self._items = items
        self._results: list[Any] | None = None
        future.add_done_callback(self._let_go)

    def _let_go(self, future: Future[tuple[list[Any], float]]) -> None:
        """The items are kept only to compute them here if the worker dies."""
        if not future.cancelled() and future.exception() is None:
            self._items = ()

    def results(self) -> list[Any]:
        if self._results is None:
            try:
                self._results, seconds = self._future.result()
                self._pool.cpu_seconds += seconds
            except BrokenProcessPool:
                self._results = [self._function(item) for item in self._items]
            self._items = ()
        return self._results


def _watch_parent(parent: int) -> None:
    """Runs first in every worker: the worker exits once the process that started it is
    gone. A build killed outright (SIGKILL, the OOM killer, a cancelled CI job) runs no
    clean-up, and its workers would wait on their task pipe forever, each holding its
    memory. Looked at from a thread of the worker's own, so it works on every platform,
    whatever the worker is doing (the parent's death makes the worker a child of another
    process: `getppid` changes)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="policydocs-parent-watch", daemon=True).start()


def _run_batch(function: Callable[[T], R], items: Sequence[T]) -> tuple[list[R], float]:
    start = time.process_time()
    results = [function(item) for item in items]
    return results, time.process_time() - start


def _call(function: Callable[[T], R], item: T) -> Callable[[], R]:
    return lambda: function(item)


def _pick(batch: _Batch, n: int) -> Callable[[], Any]:
    return lambda: batch.results()[n]


def _never() -> Any:
    raise AssertionError("a given result is never computed")
