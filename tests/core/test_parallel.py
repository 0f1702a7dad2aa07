"""Work spread over processes gives what one process gives, in the same order, and runs
while the caller goes on."""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from policydocs.core import parallel
from policydocs.core.memo import Memo
from policydocs.core.store import Store
from policydocs.redline.engine import redline
from policydocs.redline.stored import Pair, redlines

from .. import stored


def worker_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def wait_for(path: str) -> bool:
    """Returns once `path` exists (made by the caller after `submit` returned)."""
    for _ in range(600):
        if Path(path).exists():
            return True
        time.sleep(0.05)
    return False


def compute(items: list[int], caller_busy: bool = False) -> list[tuple[int, int]]:
    with parallel.Background(parallel.workers(caller_busy)) as pool:
        return [result.get() for result in pool.submit(worker_pid, items)]


@pytest.mark.skipif(parallel.cores() < 2, reason="needs two cores")
def test_large_batches_use_every_core_and_keep_order() -> None:
    results = compute(list(range(200)))
    assert [square for square, _ in results] == [n * n for n in range(200)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) >= 2


@pytest.mark.skipif(parallel.cores() < 2, reason="needs two cores")
def test_a_busy_caller_leaves_itself_a_core() -> None:
    pids = {pid for _, pid in compute(list(range(200)), caller_busy=True)}
    assert len(pids) == parallel.cores() - 1 and os.getpid() not in pids


def test_small_batches_stay_in_this_process() -> None:
    results = compute(list(range(parallel.MIN_ITEMS - 1)))
    assert {pid for _, pid in results} == {os.getpid()}


def test_background_work_runs_while_the_caller_goes_on(tmp_path: Path) -> None:
    signal = tmp_path / "go"
    items = [str(signal)] * parallel.MIN_ITEMS
    with parallel.Background(1) as pool:
        results = pool.submit(wait_for, items)  # would never return if it waited
        signal.touch()
        assert [result.get() for result in results] == [True] * len(items)
        assert pool.cpu_seconds > 0


CALLER = os.getpid()


def double_unless_in_a_worker(item: int) -> int:
    if os.getpid() != CALLER:
        os._exit(1)  # a worker killed mid-task, as the kernel's OOM killer would
    return item * 2


def test_work_of_a_dead_worker_is_done_here_instead() -> None:
    with parallel.Background(1) as pool:
        results = pool.submit(double_unless_in_a_worker, list(range(40)))
        assert [r.get() for r in results] == [n * 2 for n in range(40)]


def test_background_without_workers_computes_when_asked() -> None:
    with parallel.Background(0) as pool:
        results = pool.submit(worker_pid, list(range(40)))
        assert [r.get() for r in results] == [(n * n, os.getpid()) for n in range(40)]
        assert pool.cpu_seconds == 0


def test_redlines_computed_in_workers_equal_serial_ones(tmp_path) -> None:
    texts = [f"Clause {n}.\n\nYou pay {n} pounds a month.\n" for n in range(60)]
    pairs = {n: Pair(f"a{n}", f"b{n}", texts[n], texts[n + 1]) for n in range(59)}
    with parallel.Background(2) as pool:
        cache = Memo(Store(tmp_path / "cache"), pool)
        computed = {key: result.get() for key, result in redlines(cache, pairs).items()}
    assert (cache.hits, cache.misses) == (0, 59)
    assert computed == {n: redline(p.old_text, p.new_text) for n, p in pairs.items()}
    assert len(stored.redlines(tmp_path / "cache")) == 59  # stored by the workers
    again = Memo(Store(tmp_path / "cache"))
    assert {key: result.get() for key, result in redlines(again, pairs).items()} == computed
    assert (again.hits, again.misses) == (59, 0)


def pid_bytes(item: int) -> bytes:
    return f"{item}:{os.getpid()}".encode()


def as_bytes(data: bytes) -> bytes:
    return data


@pytest.mark.skipif(parallel.cores() < 2, reason="needs two cores")
def test_results_not_wanted_early_are_made_only_if_asked_for(tmp_path) -> None:
    """With `early`, only those results go to the workers; any other is made here when
    asked for (a long policy's feed lists few of its entries), stored, and counted a
    miss then, not before."""
    store = Store(tmp_path / "cache")
    keys = {n: f"square:{n}" for n in range(40)}
    with parallel.Background(1) as pool:
        memo = Memo(store, pool)
        results = memo.results(keys, int, pid_bytes, as_bytes, as_bytes, early=range(30))
        made = [results[n].get() for n in range(30)]
        pool.finish()
    assert {data.split(b":")[1] for data in made} != {str(os.getpid()).encode()}
    assert (memo.hits, memo.misses) == (0, 30)
    assert not any(store.knows(keys[n]) for n in range(30, 40))  # never made
    assert results[35].get() == f"35:{os.getpid()}".encode()  # made here, when asked for
    assert store.knows(keys[35]) and (memo.hits, memo.misses) == (0, 31)


def test_stored_results_are_read_when_asked_for_never_held(tmp_path) -> None:
    """Workers store what they compute and send nothing back: a build waiting on thousands
    of redlines holds none of them until a page asks, and none after."""
    texts = [f"Clause {n}.\n\nYou pay {n} pounds a month.\n" for n in range(20)]
    pairs = {n: Pair(f"a{n}", f"b{n}", texts[n], texts[n + 1]) for n in range(19)}
    with parallel.Background(1) as pool:
        results = redlines(Memo(Store(tmp_path / "cache"), pool), pairs)
        first, again = results[3].get(), results[3].get()
    assert first == again == redline(texts[3], texts[4])
    assert first is not again  # read from the cache each time
    for entry in stored.redlines(tmp_path / "cache"):
        entry.write_text("{ damaged")
    assert results[3].get() == first  # a damaged entry is computed again


def test_finished_workers_exit_once_done_and_results_still_arrive() -> None:
    with parallel.Background(1) as pool:
        results = pool.submit(worker_pid, list(range(40)))
        pool.finish()
        assert [r.get()[0] for r in results] == [n * n for n in range(40)]
        later = pool.submit(worker_pid, list(range(40)))  # after finish: computed here
        assert {r.get()[1] for r in later} == {os.getpid()}


def _running(pid: int) -> bool:
    """Whether a process is there and not a zombie (one that exited, waiting to be
    reaped: this machine's init may not reap)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_workers_exit_when_their_build_is_killed(tmp_path: Path) -> None:
    """A build killed with SIGKILL runs no clean-up: its workers, blocked on their task
    pipe, stayed alive for ever (parent 1), each holding its memory."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "build.py"
    script.write_text(
        "import time\n"
        "from policydocs.core import parallel\n"
        "pool = parallel.Background(2)\n"
        "results = pool.submit(time.sleep, [60] * parallel.MIN_ITEMS)\n"
        "time.sleep(1)\n"
        "print(*(p.pid for p in pool._pool._processes.values()), flush=True)\n"
        "time.sleep(120)\n"
    )
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None
    workers = [int(pid) for pid in build.stdout.readline().split()]
    assert len(workers) == 2 and all(map(_running, workers))
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(map(_running, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_running, workers))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_what_forked_workers_share_is_out_of_the_collector_while_they_live() -> None:
    before = gc.get_freeze_count()
    with parallel.Background(1) as pool:
        pool.start()
        assert gc.get_freeze_count() > before  # a collection here would copy what they share
    assert gc.get_freeze_count() == before  # collected again once they are gone
