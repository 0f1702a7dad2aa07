"""A build's hold on the cache folder, and the sweep that keeps the folder from growing
with every merge.

The store's objects (see `core.store`) are whole outputs, named by what they hold: pages'
Markdown and feed files. A merge makes new ones, and the old ones are not read again. Left
alone, each merge would leave its site-wide feed pair behind (68 MB at 1,000 versions of
12 KB; ten times that at 10,000). So at its end a build removes every object it did not use
(a scan of the folder's names: 0.02 s for 12,000 entries). Keyed entries (redlines, page
records, feed entries) are kept: they are small (the cache grows by about 3 MB per merge
at 20 policies x 50 versions), and a pull request's preview or an older commit's build may
need them again. Files of the cache layout before the store are removed too.

Builds sharing the folder (`mkdocs serve` beside `mkdocs build`, two CI jobs) each hold a
shared lock on it from their first read to their last; a build sweeps only when it can
hold the lock alone, so it never removes a file another build is about to read. Where
file locks are not available (not POSIX), nothing is swept.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from policydocs.core.store import ENTRIES, OBJECTS, PARTIAL_SUFFIX

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

#: The file builds lock; its name has no dot, so it is never taken for an entry.
_LOCK_NAME = "lock"
#: What the cache held before the store, which no build reads any more: buckets of
#: entries named by a SHA-256 and a suffix, the generated files (`files/`, with its
#: `pending.md`), the page records (`pages.json`). Nothing else is taken for it.
_OLD_BUCKET = re.compile(r"[0-9a-f]{2}")
_OLD_ENTRY = re.compile(r"[0-9a-f]{64}\.[a-z0-9.]+")


@dataclass(frozen=True)
class Swept:
    files: int
    size: int


class CacheHold:
    """A shared lock on the cache folder for the length of one build; `sweep` at its end.
    Without a folder (no cache), or one that cannot be locked, it holds nothing and never
    sweeps: the cache is only an accelerator."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._lock: IO[bytes] | None = None
        if folder is None or fcntl is None:
            return
        with contextlib.suppress(OSError):  # a read-only folder: no cache to sweep
            folder.mkdir(parents=True, exist_ok=True)  # held from a first build on, too
            lock = open(folder / _LOCK_NAME, "ab")  # noqa: SIM115 - held until `release`
            try:
                fcntl.flock(lock, fcntl.LOCK_SH)  # waits only for another build's sweep
            except OSError:
                lock.close()
                raise
            self._lock = lock

    def sweep(self, used: Iterable[str]) -> Swept | None:
        """Remove the objects not in `used` (their SHA-256s) and what interrupted builds
        left; None (nothing removed) when another build holds the folder too. The lock
        is given up either way: call it last."""
        lock = self._lock
        if lock is None or self.folder is None:
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.release()
            return None  # the last build to finish sweeps
        try:
            return _remove(self.folder, set(used))
        finally:
            self.release()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # (closing the file gives up the lock)
            self._lock = None


def _remove(folder: Path, keep: set[str]) -> Swept:
    files = size = 0
    for path in _unused(folder, keep):
        with contextlib.suppress(OSError):
            if path.is_dir():
                length = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
                shutil.rmtree(path)
            else:
                length = path.stat().st_size
                path.unlink()
            files, size = files + 1, size + length
    return Swept(files, size)


def _unused(folder: Path, keep: set[str]) -> Iterator[Path]:
    """Objects not kept, partial files anywhere, and the layout before the store.
    Entries sit in two-character buckets."""
    for item in _scan(folder):
        if _old_layout(item):
            yield Path(item.path)
        elif item.name in (OBJECTS, ENTRIES):
            for bucket in _scan(Path(item.path)):
                for entry in _scan(Path(bucket.path)):
                    partial = entry.name.endswith(PARTIAL_SUFFIX)
                    if partial or (item.name == OBJECTS and entry.name not in keep):
                        yield Path(entry.path)


def _old_layout(item: os.DirEntry[str]) -> bool:
    if item.name == "pages.json":
        return item.is_file()
    if item.name == "files":
        return (Path(item.path) / "pending.md").is_file()
    inside = _scan(Path(item.path)) if _OLD_BUCKET.fullmatch(item.name) else []
    return bool(inside) and all(_OLD_ENTRY.fullmatch(entry.name) for entry in inside)


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []
