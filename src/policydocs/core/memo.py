"""Results kept in the store, each under a key its maker chose (everything it is made
from), so that a build computes only what no build has computed before; what is missing
is computed by worker processes (`core.parallel.Background`), which store it, while the build
goes on. It knows nothing of what the results are: redlines, pages and feed entries
decide their own keys and how they are written (`redline.stored`, `site.marked`,
`site.feeds`). The store checks every entry against its hash: a damaged one is made
again, never used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from policydocs.core.parallel import Background, Result
from policydocs.core.store import Store

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Memo:
    """Results found in `store` are read when first asked for; missing ones are computed
    by `pool`'s workers (which also store them), in the order given."""

    def __init__(self, store: Store, pool: Background | None = None):
        self.store = store
        self.pool = pool or Background(0)
        #: Results found stored, and results computed, in this build (for logs, benches).
        self.hits = 0
        self.misses = 0
        #: The store's objects this build made or used: a sweep keeps them.
        self.objects_used: list[str] = []

    def results(
        self,
        keys: dict[K, str],
        item: Callable[[K], Any],
        compute: Callable[[Any], Any],
        load: Callable[[bytes], Any],
        dump: Callable[[Any], bytes],
        found: dict[K, Result[Any]] | None = None,
        early: Container[K] | None = None,
    ) -> dict[K, Result[Any]]:
        """Results for `keys` (each key's store key): read from the store when asked for
        (and not held: a build may have thousands waiting), or `compute(item(key))` in
        the workers, which store them (`dump`) and send back nothing; `load` reads them
        back. Items are made only for results being computed; `compute`, `load` and
        `dump` must be module-level functions (workers import them by name). Given
        `found`, it holds every stored result (read by the caller). Given `early`, only
        the missing results it holds are sent to the workers; any other is computed
        here, and stored, if it is ever asked for (a feed's entries beyond its budget
        never are)."""
        results: dict[K, Result[Any]] = dict(found or {})
        missing = []
        later = 0
        for key, store_key in keys.items():
            if key in results:
                continue
            if found is None and self.store.knows(store_key):
                reader = self._reader(key, store_key, item, compute, load, dump)
                results[key] = Result(reader, keep=False)
            elif early is None or key in early:
                missing.append(key)
            else:  # (counted as a miss if it is made)
                reader = self._reader(key, store_key, item, compute, load, dump, hit=None)
                results[key] = Result(reader, keep=False)
                later += 1
        self.hits += len(keys) - len(missing) - later
        self.misses += len(missing)
        jobs = [_Job(compute, dump, item(key), keys[key], self.store.folder) for key in missing]
        computing = self.pool.submit(_compute_and_store, jobs)
        for key, done in zip(missing, computing, strict=True):
            reader = self._reader(key, keys[key], item, compute, load, dump, hit=False)
            results[key] = Result(_after(done, reader), keep=False)
        return {key: results[key] for key in keys}

    def files(
        self, key: str, count: int, make: Callable[[], Iterable[Sequence[bytes]]]
    ) -> list[str]:
        """`count` objects made together piece by piece (see `Store.put_together`), found
        by `key` (everything they are made from): made by the first build that needs
        them, found by the next (and checked when read or copied). Their SHA-256s."""
        data = self.store.load(key)
        digests = json.loads(data) if data is not None else None
        # (an entry of another count comes from code that made the files differently)
        if digests is None or len(digests) != count or not all(map(self.store.has, digests)):
            digests = self.store.put_together(make(), count)
            self.store.save(key, json.dumps(digests).encode())
        self.objects_used += digests
        return list(digests)

    def _reader(
        self,
        key: K,
        store_key: str,
        item: Callable[[K], Any],
        compute: Callable[[Any], Any],
        load: Callable[[bytes], Any],
        dump: Callable[[Any], bytes],
        *,
        hit: bool | None = True,
    ) -> Callable[[], Any]:
        """Reads the result stored under `store_key`; remakes it from its item (made
        again: items are not held for the length of a build) if it is damaged, or if it
        was left to be made here (`hit` None: not counted yet)."""

        def recount() -> None:
            nonlocal hit
            if hit is not False:  # a damaged entry, or one made here: a miss after all
                self.hits -= 1 if hit else 0
                self.misses += 1
                hit = False

        remake = partial(_compute_item, compute, item, key)
        return partial(remembered, self.store, store_key, load, remake, dump, recount)


def remembered(
    store: Store,
    key: str,
    load: Callable[[bytes], T],
    make: Callable[[], T],
    dump: Callable[[T], bytes],
    remaking: Callable[[], None] = lambda: None,
) -> T:
    """The result stored under `key`; a missing or damaged one is made again (and stored
    again), never used."""
    data = store.load(key)
    if data is not None:
        try:
            return load(data)
        except (ValueError, KeyError, TypeError):
            pass  # whole, but not what this version of policydocs stores: made again
    remaking()
    value = make()
    store.save(key, dump(value))
    return value


@dataclass(frozen=True)
class _Job:
    """One result to compute and store; module-level functions only (workers get it)."""

    compute: Callable[[Any], Any]
    dump: Callable[[Any], bytes]
    item: object
    key: str
    folder: Path


def _compute_and_store(job: _Job) -> None:
    """Runs in a worker: the result is stored there and read from the store when it is
    needed, so nothing but its completion travels back."""
    Store(job.folder).save(job.key, job.dump(job.compute(job.item)))


def _compute_item(compute: Callable[[Any], T], item: Callable[[K], Any], key: K) -> T:
    return compute(item(key))


def _after(done: Result[None], read: Callable[[], T]) -> Callable[[], T]:
    def get() -> T:
        done.get()  # (the worker stored it)
        return read()

    return get
