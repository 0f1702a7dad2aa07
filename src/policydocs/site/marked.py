"""Changes and comparison pages: made from their pair's redline by the worker that
computes the redline (or finds it stored), their Markdown an object in the store, and a
record of what their templates show (the redline's counts and sections) kept under a key
made of everything the page is made from. A rebuild then reads neither the redline nor
the page, only the records, all together from one entry."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from policydocs.core.memo import Memo
from policydocs.core.parallel import Result
from policydocs.core.store import Store
from policydocs.redline.result import Redline
from policydocs.redline.stored import Pair, stored_redline
from policydocs.site.pages import PageText

K = TypeVar("K", bound=Hashable)

#: The entry holding the page records the last build read (see `MarkedPages.save`).
_KNOWN_PAGES = "known-pages"


@dataclass(frozen=True)
class MadePage:
    """A changes or comparison page made from its redline: its Markdown, an object in the
    store, and the redline without its marked text (what the page's template shows)."""

    redline: Redline
    digest: str


class MarkedPages:
    def __init__(self, memo: Memo):
        self._memo = memo
        #: Page records the last build read (record key: its text), kept together in one
        #: entry; and those this build reads, for the next (see `save`).
        self._known: dict[str, str] = {}
        self._read: dict[str, str] = {}

    def made(self, jobs: dict[K, tuple[Pair, PageText]]) -> dict[K, Result[MadePage]]:
        """Every page, from its record or being made. A record whose page is no longer in
        the store counts as missing."""
        keys = {key: f"page:{pair.key}:{text.identity}" for key, (pair, text) in jobs.items()}
        folder = self._memo.store.folder

        def job(key: K) -> _PageJob:
            pair, text = jobs[key]
            return _PageJob(pair, text, folder)

        # Records are small: all of them are read now, together and from one entry (1,944
        # records: 0.5 s read each when its page is, between two of MkDocs' pages; 0.17 s
        # read together from their own files; less again from one).
        self._known = self._load_known()
        found: dict[K, Result[MadePage]] = {}
        for key, record_key in keys.items():
            stored = self._record(record_key)
            if stored is not None:
                found[key] = Result.given(stored)
        results = self._memo.results(keys, job, _make_page, _load_page, _dump_page, found=found)
        return {
            key: result if key in found else Result(partial(self._remembered, keys[key], result))
            for key, result in results.items()
        }

    def save(self) -> None:
        """Keep the page records this build read in one entry for the next build (only
        an accelerator: the entry is checked as a whole, and each page when read)."""
        if self._read != self._known:
            data = json.dumps(self._read, sort_keys=True).encode()
            self._memo.store.save(_KNOWN_PAGES, data)

    def _load_known(self) -> dict[str, str]:
        data = self._memo.store.load(_KNOWN_PAGES)
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
            data = self._memo.store.load(record_key)
            if data is None:
                return None
            text = data.decode()
        made = _page_from(text)
        if made is None or not self._memo.store.has(made.digest):
            return None
        self._read[record_key] = text
        return made

    def _remembered(self, record_key: str, result: Result[MadePage]) -> MadePage:
        """A page made in this build, its record kept for the next build's `_load_known`."""
        made = result.get()
        self._read[record_key] = _dump_page(made).decode()
        return made


@dataclass(frozen=True)
class _PageJob:
    pair: Pair
    text: PageText
    folder: Path


def _make_page(job: _PageJob) -> MadePage:
    """Runs in a worker: the page's redline (stored as any other) and Markdown."""
    store = Store(job.folder)
    change = stored_redline(store, job.pair)
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
