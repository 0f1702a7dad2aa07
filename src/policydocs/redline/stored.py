"""A redline as it is kept between builds: found by the two texts' git blob ids and the
redline engine's version (the same blobs always give the same redline, and a new engine
version never reads an old entry), computed in the workers when missing."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from policydocs.core.memo import Memo, remembered
from policydocs.core.parallel import Result
from policydocs.core.store import Store
from policydocs.redline.engine import ENGINE_VERSION, redline
from policydocs.redline.result import Redline

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Pair:
    """Two texts to redline, with the ids that name them (`Version.text_id`: the key)."""

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


def redlines(memo: Memo, pairs: dict[K, Pair]) -> dict[K, Result[Redline]]:
    """The redline of every pair, from the store or being computed in the workers."""
    keys = {key: pair.key for key, pair in pairs.items()}
    return memo.results(keys, pairs.__getitem__, _redline, _load, _dump)


def stored_redline(store: Store, pair: Pair) -> Redline:
    """One redline, read from the store or computed here (and stored)."""
    return remembered(store, pair.key, _load, partial(_redline, pair), _dump)


def _redline(pair: Pair) -> Redline:
    return redline(pair.old_text, pair.new_text)


def _load(data: bytes) -> Redline:
    return Redline.from_json(data.decode())


def _dump(change: Redline) -> bytes:
    return change.to_json().encode()


def _text_id(text: str) -> str:
    return "sha256-" + hashlib.sha256(text.encode()).hexdigest()
