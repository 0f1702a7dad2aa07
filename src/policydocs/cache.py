"""An on-disk cache of redlines and rendered feed entries, so a rebuild computes only what
it has not seen.

Redlines are keyed by the two texts' git blob ids and the redline engine's version: the
same blobs always give the same redline, and a new engine version never reads an old entry.
Rendered HTML is keyed by a hash of everything it is made from. The cache is optional and
safe to delete; an unreadable entry is recomputed, never trusted. What is missing is
computed on every core (`parallel.map_all`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .parallel import map_all
from .redline import ENGINE_VERSION, Redline, redline

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Pair:
    """Two texts to redline, with their blob ids (the cache key; "" means do not cache)."""

    old_blob: str
    new_blob: str
    old_text: str
    new_text: str


class RedlineCache:
    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def redlines(self, pairs: dict[K, Pair]) -> dict[K, Redline]:
        """The redline of every pair, from the cache or computed (in parallel)."""
        paths = {
            key: self._path(f"{p.old_blob}:{p.new_blob}", "json")
            if p.old_blob and p.new_blob
            else None
            for key, p in pairs.items()
        }
        return self._lookup(
            pairs,
            paths,
            load=Redline.from_json,
            compute=lambda todo: map_all(_redline, todo),
            dump=Redline.to_json,
        )

    def rendered(self, inputs: dict[K, str], render: Callable[[str], str]) -> dict[K, str]:
        """`render(text)` for every input, from the cache or computed (in parallel);
        `render` must be a module-level function of its input alone."""
        paths = {
            key: self._path(f"{render.__module__}.{render.__qualname__}:{text}", "html")
            for key, text in inputs.items()
        }
        return self._lookup(
            inputs, paths, load=str, compute=lambda todo: map_all(render, todo), dump=str
        )

    def _lookup(self, inputs, paths, *, load, compute, dump) -> dict:
        found = {}
        for key, path in paths.items():
            if path is not None and path.is_file():
                # a damaged entry is computed again below
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    found[key] = load(path.read_text(encoding="utf-8"))
        self.hits += len(found)
        missing = [key for key in inputs if key not in found]
        self.misses += len(missing)
        for key, result in zip(missing, compute([inputs[k] for k in missing]), strict=True):
            found[key] = result
            if paths[key] is not None:
                _write_atomically(paths[key], dump(result))
        return {key: found[key] for key in inputs}

    def _path(self, key: str, suffix: str) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{ENGINE_VERSION}:{key}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.{suffix}"


def _redline(pair: Pair) -> Redline:
    return redline(pair.old_text, pair.new_text)


def _write_atomically(path: Path, text: str) -> None:
    """Two builds running at once must never read a half-written entry."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only or full disk only costs speed
