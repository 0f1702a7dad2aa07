"""An on-disk cache of redlines and rendered feed entries, so a rebuild computes only what
it has not seen.

Redlines are keyed by the two texts' git blob ids and the redline engine's version: the
same blobs always give the same redline, and a new engine version never reads an old entry.
Rendered HTML is keyed by a hash of everything it is made from. The cache is optional and
safe to delete; an unreadable entry is recomputed, never trusted. What is missing is
computed in worker processes (`parallel.Background`) while the build goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .parallel import Background, Result
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
    """Cached results are read when first asked for; missing ones are computed by `pool`'s
    workers (which also store them), in the order given."""

    def __init__(self, folder: Path | None, pool: Background | None = None):
        self.folder = folder
        self.pool = pool or Background(0)
        self.hits = 0
        self.misses = 0

    def redlines(self, pairs: dict[K, Pair]) -> dict[K, Result[Redline]]:
        """The redline of every pair, from the cache or being computed."""
        paths = {
            key: self._path(f"{p.old_blob}:{p.new_blob}", "json")
            if p.old_blob and p.new_blob
            else None
            for key, p in pairs.items()
        }
        return self._lookup(pairs, paths, _redline, load=Redline.from_json, dump=Redline.to_json)

    def rendered(self, inputs: dict[K, str], render: Callable[[str], str]) -> dict[K, Result[str]]:
        """`render(text)` for every input, from the cache or being computed; `render` must
        be a module-level function of its input alone."""
        paths = {
            key: self._path(f"{render.__module__}.{render.__qualname__}:{text}", "html")
            for key, text in inputs.items()
        }
        return self._lookup(inputs, paths, render, load=str, dump=str)

    def _lookup(self, inputs, paths, compute, *, load, dump) -> dict:
        found = {}
        missing = []
        for key, path in paths.items():
            if path is not None and path.is_file():
                reader = self._reader(path, load, compute, inputs[key], dump, hit=True)
                found[key] = Result(reader, keep=False)
            else:
                missing.append(key)
        self.hits += len(found)
        self.misses += len(missing)
        jobs = [_Job(compute, dump, inputs[key], paths[key]) for key in missing]
        computing = self.pool.submit(_compute_and_store, jobs)
        for key, result in zip(missing, computing, strict=True):
            path, item = paths[key], inputs[key]
            reader = self._reader(path, load, compute, item, dump, hit=False) if path else None
            found[key] = Result(_returned_or_stored(result, reader), keep=False)
        return {key: found[key] for key in inputs}

    def _reader(self, path: Path, load, compute, item, dump, *, hit: bool) -> Callable:
        def read():
            nonlocal hit
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                return load(path.read_text(encoding="utf-8"))
            # a damaged entry is computed again (and stored again), never trusted
            if hit:
                self.hits -= 1
                self.misses += 1
                hit = False
            value = compute(item)
            _write_atomically(path, dump(value))
            return value

        return read

    def _path(self, key: str, suffix: str) -> Path | None:
        if self.folder is None:
            return None
        digest = hashlib.sha256(f"{ENGINE_VERSION}:{key}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.{suffix}"


@dataclass(frozen=True)
class _Job:
    """One result to compute and store; module-level functions only (workers get it)."""

    compute: Callable
    dump: Callable
    item: object
    path: Path | None


def _compute_and_store(job: _Job):
    """Runs in a worker: the result is stored there and read from the cache when it is
    needed (None is returned then); only a result that could not be stored is sent back."""
    result = job.compute(job.item)
    if job.path is not None and _write_atomically(job.path, job.dump(result)):
        return None
    return result


def _returned_or_stored(result: Result, read: Callable | None) -> Callable:
    def get():
        value = result.get()
        return value if value is not None or read is None else read()

    return get


def _redline(pair: Pair) -> Redline:
    return redline(pair.old_text, pair.new_text)


def content_file(folder: Path, content: bytes, suffix: str) -> Path:
    """A file holding `content`, named by its hash: written by the first build that makes
    it, found by every later one, so a rebuild writes only the files that changed."""
    path = _content_path(folder, hashlib.sha256(content).hexdigest(), suffix)
    if not path.is_file():
        _write_atomically(path, content)
        if not path.is_file():
            raise OSError(f"cannot write {path}")
    return path


def streamed_content_file(folder: Path, chunks: Iterable[bytes], suffix: str) -> Path:
    """`content_file` for a file made piece by piece: written as it comes (its name is
    known only at the end), then renamed into place unless a build already made it."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as partial:
        try:
            for chunk in chunks:
                digest.update(chunk)
                partial.write(chunk)
        except BaseException:
            partial.close()
            os.unlink(partial.name)
            raise
    path = _content_path(folder, digest.hexdigest(), suffix)
    if path.is_file():
        os.unlink(partial.name)
    else:
        path.parent.mkdir(exist_ok=True)
        os.replace(partial.name, path)
    return path


def _content_path(folder: Path, digest: str, suffix: str) -> Path:
    return folder / digest[:2] / f"{digest}{suffix}"


def _write_atomically(path: Path, content: str | bytes) -> bool:
    """Two builds running at once must never read a half-written entry: each process writes
    a file of its own, then renames it into place. False if it could not be written."""
    data = content.encode() if isinstance(content, str) else content
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        try:
            partial.write_bytes(data)
        except FileNotFoundError:  # the first file in its folder
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        return False  # a read-only or full disk only costs speed
    return True
