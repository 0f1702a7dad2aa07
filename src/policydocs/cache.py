"""What a rebuild does not make again: redlines, the changes and comparison pages made
from them, rendered feed entries and feed files, each kept in the `Store` under a key made
of everything it is made from, so that a rebuild computes, and reads, only what it has not
seen.

Redlines are keyed by the two texts' git blob ids and the redline engine's version: the
same blobs always give the same redline, and a new engine version never reads an old
entry. A page or a feed entry is keyed by everything it is made from (its redline's key
and its own facts), so a rebuild finds it without reading the redline: of a page it reads
only the counts and sections its template shows. The store checks every entry it returns
against its hash: a damaged one is made again, never used. What is missing is made in
worker processes (`parallel.Background`), which store it, while the build goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from .pages import PageText
from .parallel import Background, Result
from .redline import ENGINE_VERSION, Redline, redline
from .store import Store

K = TypeVar("K", bound=Hashable)

#: The entry holding the page records the last build read (see `RedlineCache.save`).
_KNOWN_PAGES = "known-pages"


@dataclass(frozen=True)
class Pair:
    """Two texts to redline, with their blob ids (the cache key)."""

    old_blob: str
    new_blob: str
    old_text: str
    new_text: str

    @property
    def key(self) -> str:
        """The redline's key: the blobs, or the texts' hashes where a text has no blob
        (an uncommitted draft)."""
        old = self.old_blob or _text_id(self.old_text)
        new = self.new_blob or _text_id(self.new_text)
        return f"redline:{ENGINE_VERSION}:{old}:{new}"


@dataclass(frozen=True)
class MadePage:
    """A changes or comparison page made from its redline: its Markdown, an object in the
    store, and the redline without its marked text (what the page's template shows)."""

    redline: Redline
    digest: str


class RedlineCache:
    """Results found in `store` are read when first asked for; missing ones are computed
    by `pool`'s workers (which also store them), in the order given."""

    def __init__(self, store: Store, pool: Background | None = None):
        self.store = store
        self.pool = pool or Background(0)
        self.hits = 0
        self.misses = 0
        #: Page records the last build read (record key: its text), kept together in one
        #: entry; and those this build reads, for the next (see `save`).
        self._known: dict[str, str] = {}
        self._read: dict[str, str] = {}
        #: The objects (feed files) this build uses: a sweep keeps them.
        self.objects_used: list[str] = []

    def redlines(self, pairs: dict[K, Pair]) -> dict[K, Result[Redline]]:
        """The redline of every pair, from the store or being computed."""
        keys = {key: pair.key for key, pair in pairs.items()}
        return self._lookup(keys, pairs.__getitem__, _redline, _load_redline, _dump_redline)

    def redline(self, pair: Pair) -> Redline:
        """One redline, read from the store or computed here; not counted in the hits and
        misses (for what is made from the redlines of pages already made)."""
        return _stored_redline(self.store, pair)

    def pages(self, jobs: dict[K, tuple[Pair, PageText]]) -> dict[K, Result[MadePage]]:
        """Every changes or comparison page made from its pair's redline, by the worker
        that computes the redline (or finds it stored): a rebuild then reads neither the
        redline nor the page, only the page's counts and sections. A record whose page
        is no longer in the store counts as missing."""
        keys = {key: f"page:{pair.key}:{text.identity}" for key, (pair, text) in jobs.items()}

        def job(key: K) -> _PageJob:
            pair, text = jobs[key]
            return _PageJob(pair, text, self.store.folder)

        # Records are small: all of them are read now, together and from one entry (1,944
        # records: 0.5 s read each when its page is, between two of MkDocs' pages; 0.17 s
        # read together from their own files; less again from one).
        self._known = self._load_known()
        found: dict[K, Result[MadePage]] = {}
        for key, record_key in keys.items():
            made = self._record(record_key)
            if made is not None:
                found[key] = Result(partial(_given, made))
        results = self._lookup(keys, job, _make_page, _load_page, _dump_page, found=found)
        return {
            key: result if key in found else Result(partial(self._remembered, keys[key], result))
            for key, result in results.items()
        }

    def save(self) -> None:
        """Keep the page records this build read in one entry for the next build (only
        an accelerator: the entry is checked as a whole, and each page when read)."""
        if self._read != self._known:
            self.store.save(_KNOWN_PAGES, json.dumps(self._read, sort_keys=True).encode())

    def _load_known(self) -> dict[str, str]:
        data = self.store.load(_KNOWN_PAGES)
        if data is not None:
            known = json.loads(data)
            if isinstance(known, dict):
                return known
        return {}

    def _record(self, record_key: str) -> MadePage | None:
        """A stored page from its record, if the record is whole and its page is there
        (the record kept for the next build's `_load_known`)."""
        text = self._known.get(record_key)
        if text is None:
            data = self.store.load(record_key)
            if data is None:
                return None
            text = data.decode()
        made = _page_from(text)
        if made is None or not self.store.has(made.digest):
            return None
        self._read[record_key] = text
        return made

    def _remembered(self, record_key: str, result: Result[MadePage]) -> MadePage:
        """A page made in this build, its record kept for the next build's `_load_known`."""
        made = result.get()
        self._read[record_key] = _dump_page(made).decode()
        return made

    def rendered(
        self, identities: dict[K, str], source: Callable[[K], str], render: Callable[[str], bytes]
    ) -> dict[K, Result[bytes]]:
        """`render(source(key))` for every key, from the store or being computed; `render`
        must be a module-level function of its input alone. A result is found by its key's
        identity (everything its source is made from), so a source is made only when its
        result is missing."""
        name = f"{render.__module__}.{render.__qualname__}"
        keys = {
            key: f"rendered:{ENGINE_VERSION}:{name}:{identity}"
            for key, identity in identities.items()
        }
        return self._lookup(keys, source, render, _as_is, _as_is)

    def stored_files(
        self, identities: Sequence[str], make: Callable[[], Iterable[Sequence[bytes]]]
    ) -> list[str]:
        """Objects made together piece by piece, found by their identities (everything
        each is made from): each item of `make()` holds the next piece of every one, so
        what they share is read once for all of them. Made by the first build that needs
        them, found by the next (and checked when read or copied)."""
        key = "files:" + json.dumps(list(identities))
        data = self.store.load(key)
        digests = json.loads(data) if data is not None else None
        if digests is None or not all(map(self.store.has, digests)):
            digests = self.store.put_together(make(), len(identities))
            self.store.save(key, json.dumps(digests).encode())
        self.objects_used += digests
        return digests

    def _lookup(
        self,
        keys: dict[K, str],
        item: Callable[[K], object],
        compute: Callable,
        load: Callable[[bytes], object],
        dump: Callable[[object], bytes],
        found: dict[K, Result] | None = None,
    ) -> dict[K, Result]:
        """Results for `keys`: read from the store when asked for (and not held: a build
        may have thousands waiting), or `compute(item(key))` in the workers, which store
        them (`dump`) and send back nothing; `load` reads them back. Items are made only
        for results being computed. Given `found`, it holds every stored result."""
        results: dict[K, Result] = dict(found or {})
        missing = []
        for key, store_key in keys.items():
            if key in results:
                continue
            if found is None and self.store.knows(store_key):
                reader = self._reader(key, store_key, item, compute, load, dump)
                results[key] = Result(reader, keep=False)
            else:
                missing.append(key)
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        jobs = [_Job(compute, dump, item(key), keys[key], self.store.folder) for key in missing]
        computing = self.pool.submit(_compute_and_store, jobs)
        for key, done in zip(missing, computing, strict=True):
            reader = self._reader(key, keys[key], item, compute, load, dump, hit=False)
            results[key] = Result(_after(done, reader), keep=False)
        return {key: results[key] for key in keys}

    def _reader(self, key, store_key, item, compute, load, dump, *, hit: bool = True) -> Callable:
        """Reads the result stored under `store_key`; remakes it from its item (made
        again: items are not held for the length of a build) if it is damaged."""

        def recount() -> None:
            nonlocal hit
            if hit:  # a damaged entry: a miss after all
                self.hits -= 1
                self.misses += 1
                hit = False

        remake = partial(_compute_item, compute, item, key)
        return partial(_load_or_remake, self.store, store_key, load, remake, dump, recount)


@dataclass(frozen=True)
class _Job:
    """One result to compute and store; module-level functions only (workers get it)."""

    compute: Callable
    dump: Callable
    item: object
    key: str
    folder: Path


@dataclass(frozen=True)
class _PageJob:
    pair: Pair
    text: PageText
    folder: Path


def _compute_and_store(job: _Job) -> None:
    """Runs in a worker: the result is stored there and read from the store when it is
    needed, so nothing but its completion travels back."""
    Store(job.folder).save(job.key, job.dump(job.compute(job.item)))


def _compute_item(compute: Callable, item: Callable, key: Hashable):
    return compute(item(key))


def _load_or_remake(
    store: Store,
    key: str,
    load: Callable,
    remake: Callable,
    dump: Callable,
    remaking: Callable = lambda: None,
):
    """The result stored under `key`; a missing or damaged one is made again (and stored
    again), never used."""
    data = store.load(key)
    if data is not None:
        try:
            return load(data)
        except (ValueError, KeyError, TypeError):
            pass  # whole, but not what this version of policydocs stores: made again
    remaking()
    value = remake()
    store.save(key, dump(value))
    return value


def _after(done: Result, read: Callable) -> Callable:
    def get():
        done.get()  # (the worker stored it)
        return read()

    return get


def _given(value):
    return value


def _as_is(data: bytes) -> bytes:
    return data


def _redline(pair: Pair) -> Redline:
    return redline(pair.old_text, pair.new_text)


def _load_redline(data: bytes) -> Redline:
    return Redline.from_json(data.decode())


def _dump_redline(change: Redline) -> bytes:
    return change.to_json().encode()


def _stored_redline(store: Store, pair: Pair) -> Redline:
    return _load_or_remake(store, pair.key, _load_redline, partial(_redline, pair), _dump_redline)


def _make_page(job: _PageJob) -> MadePage:
    """The page's redline (stored as any other) and Markdown, an object in the store."""
    store = Store(job.folder)
    change = _stored_redline(store, job.pair)
    digest = store.put(job.text.markdown(change).encode())
    return MadePage(replace(change, markdown=""), digest)


def _dump_page(made: MadePage) -> bytes:
    """What a rebuild reads of a stored page: its Markdown's object, then its redline's
    counts and sections."""
    return f"{made.digest}\n{replace(made.redline, markdown='').to_json()}".encode()


def _load_page(data: bytes) -> MadePage:
    made = _page_from(data.decode())
    if made is None:
        raise ValueError("not a page record")
    return made


def _page_from(text: str) -> MadePage | None:
    digest, _, redline_json = text.partition("\n")
    try:
        return MadePage(Redline.from_json(redline_json), digest)
    except (ValueError, KeyError, TypeError):
        return None


def _text_id(text: str) -> str:
    return "sha256-" + hashlib.sha256(text.encode()).hexdigest()
