"""A build's hold on the cache folder, and the sweep that keeps the folder from growing
with every merge.

Stored feed files and generated files (the `files` folder) are whole outputs, named by
what they hold or are made from: a merge makes new ones, and the old ones are not read
again. Left alone, each merge would leave its site-wide feed pair behind (68 MB at 1,000
versions of 12 KB; ten times that at 10,000). So at its end a build removes every such
file it did not use (a scan of the folder's names: 0.02 s for 12,000 entries). Redlines,
pages with a redline and feed entries are kept: they are small (the cache grows by about
3 MB per merge at 20 policies x 50 versions), and a pull request's preview or an older
commit's build may need them again.

Builds sharing the folder (`mkdocs serve` beside `mkdocs build`, two CI jobs) each hold a
shared lock on it from their first read to their last; a build sweeps only when it can
hold the lock alone, so it never removes a file another build is about to read. Where
file locks are not available (not POSIX), nothing is swept.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

#: The file builds lock; its name has no dot, so it is never taken for an entry.
_LOCK_NAME = "lock"
#: The folder of generated files in the cache (the MkDocs plugin's file store).
FILES_FOLDER = "files"
#: Stored feed files and their size records, beside the other entries.
_FEED_SUFFIXES = (".xml", ".xml.size")
#: What a build that stopped half-way leaves (see `cache._write_atomically`).
_PARTIAL_SUFFIX = ".tmp"


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

    def sweep(self, used: Iterable[Path], *, generated: bool) -> Swept | None:
        """Remove the stored feed files not in `used`, with `generated` the generated files
        not in `used` too (a build that placed none, such as the CLI's, leaves them), and
        what interrupted builds left; None (nothing removed) when another build holds the
        folder too. The lock is given up either way: call it last."""
        lock = self._lock
        if lock is None or self.folder is None:
            return None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.release()
            return None  # the last build to finish sweeps
        try:
            keep = {path.name for path in used}
            return _remove(self.folder, keep, generated)
        finally:
            self.release()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # (closing the file gives up the lock)
            self._lock = None


def _remove(folder: Path, keep: set[str], generated: bool) -> Swept:
    files = size = 0
    for path in _unused(folder, keep, generated):
        with contextlib.suppress(OSError):
            length = path.stat().st_size
            path.unlink()
            files, size = files + 1, size + length
    return Swept(files, size)


def _unused(folder: Path, keep: set[str], generated: bool) -> Iterable[Path]:
    """Entries are in two-character buckets, of the folder and of its `files` folder;
    partial files also beside the buckets."""
    for top in (folder, folder / FILES_FOLDER) if generated else (folder,):
        for item in _scan(top):
            if item.name.endswith(_PARTIAL_SUFFIX):
                yield Path(item.path)
            elif len(item.name) == 2 and item.is_dir():
                for entry in _scan(Path(item.path)):
                    if _unused_entry(entry.name, keep, in_files=top != folder):
                        yield Path(entry.path)


def _unused_entry(name: str, keep: set[str], in_files: bool) -> bool:
    if name.endswith(_PARTIAL_SUFFIX):
        return True
    if in_files:
        return name not in keep
    return name.endswith(_FEED_SUFFIXES) and name.removesuffix(".size") not in keep


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []
