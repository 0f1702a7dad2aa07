"""A content-addressed, verified store of files: bytes in, a hash out, and every read
checks the bytes against that hash.

Everything a build keeps for the next one, and every generated file it hands a site
generator to read or copy, is kept here. The store knows nothing of policies, pages or
feeds: callers decide what to keep and under which key (everything it is made from), and
get back exactly the bytes they stored, or nothing. Two kinds of entries, both checked
with SHA-256 on every read:

* objects (`put`, `read`, `copy`): files named by the hash of their content, whole, so
  that a site generator can read them (pages' Markdown, feed files);
* keyed entries (`save`, `load`): found by a key, their first line the hash of the rest.

An entry found damaged (truncated, overwritten, half-written by a build that was killed)
is removed and reported missing, so that the caller makes it again: a damaged entry is
never returned, so never published. Objects are hashed while they are read or copied,
which costs no read of their own. Writes go to a file of their own, renamed into place,
so two builds sharing the folder never see each other's half-written files.

Layout: `objects/ab/<sha256>`, `entries/ab/<sha256 of the key>`, partial files `*.tmp`
(see `builder.sweep`, which removes the objects a build did not use).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from policydocs.core.errors import PolicyError

OBJECTS = "objects"
ENTRIES = "entries"
#: What a write in progress is called until it is renamed into place.
PARTIAL_SUFFIX = ".tmp"
_CHUNK = 1 << 20


class Store:
    def __init__(self, folder: Path, *, temporary: bool = False):
        self.folder = folder
        #: A folder of this build's alone, removed at its end (no cache to share or sweep).
        self.temporary = temporary

    # Objects: named by their content.
    def put(self, data: bytes) -> str:
        """Keep `data`; its SHA-256, by which it is read. Written only if not there yet,
        so a rebuild writes only what changed (what is there is checked when read)."""
        digest = hashlib.sha256(data).hexdigest()
        if not self.has(digest):  # (hashed first: a rebuild's thousands of pages are there)
            self.put_together([(data,)], 1)
        return digest

    def put_together(self, items: Iterable[Sequence[bytes]], count: int) -> list[str]:
        """Keep `count` objects made together piece by piece, never whole in memory: each
        item holds the next piece of every one (what they share is made once for all).
        Their SHA-256s, in order."""
        hashes = [hashlib.sha256() for _ in range(count)]
        written = self._partial(self.folder / OBJECTS, _hashed(items, hashes), count)
        digests = [h.hexdigest() for h in hashes]
        for partial, digest in zip(written, digests, strict=True):
            path = self.path(digest)
            if path.is_file():
                os.unlink(partial)
            else:
                self._rename(partial, path)
        return digests

    def path(self, digest: str) -> Path:
        """Where the object is, for a site generator to read (read it with `read` or
        `copy` to have it checked)."""
        return self.folder / OBJECTS / digest[:2] / digest

    def has(self, digest: str) -> bool:
        """Whether the object is there (not whether it is whole: reading tells)."""
        return self.path(digest).is_file()

    def read(self, digest: str) -> bytes | None:
        """The object's bytes; None if it is missing or damaged (then it is removed)."""
        path = self.path(digest)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            _remove(path)
            return None
        return data

    def copy(self, digest: str, dest: Path) -> bool:
        """Copy the object to `dest`, hashing it as it is copied; False, with nothing
        written to `dest` and the damaged object removed, if it is missing or damaged."""
        source = self.path(digest)
        hashed = hashlib.sha256()
        try:
            file = open(source, "rb")  # noqa: SIM115 - read while the copy is written
        except OSError:
            return False
        with file:
            chunks = ((chunk,) for chunk in iter(lambda: file.read(_CHUNK), b""))
            dest.parent.mkdir(parents=True, exist_ok=True)
            # (read by a web server too, as any file the build writes: the usual mode)
            [written] = _write_partial(dest.parent, _hashed(chunks, [hashed]), 1, 0o666)
        if hashed.hexdigest() != digest:
            os.unlink(written)
            _remove(source)
            return False
        os.replace(written, dest)
        return True

    # Keyed entries: found by a key their maker chose.
    def save(self, key: str, data: bytes) -> None:
        """Keep `data` under `key` (replacing what was there)."""
        path = self._entry(key)
        checksum = hashlib.sha256(data).hexdigest().encode()
        [written] = self._partial(path.parent, [(checksum + b"\n",), (data,)], 1)
        self._rename(written, path)

    def load(self, key: str) -> bytes | None:
        """What was saved under `key`; None if nothing was, or it is damaged (removed)."""
        path = self._entry(key)
        try:
            checksum, newline, data = path.read_bytes().partition(b"\n")
        except OSError:
            return None
        if not newline or hashlib.sha256(data).hexdigest().encode() != checksum:
            _remove(path)
            return None
        return data

    def knows(self, key: str) -> bool:
        """Whether something is saved under `key` (not whether it is whole)."""
        return self._entry(key).is_file()

    def _entry(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.folder / ENTRIES / digest[:2] / digest

    def _partial(self, folder: Path, items: Iterable[Sequence[bytes]], count: int) -> list[str]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return _write_partial(folder, items, count)
        except OSError as exc:
            raise _cannot_write(self.folder, exc) from exc

    def _rename(self, written: str, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(written, path)
        except OSError as exc:
            _remove(Path(written))
            raise _cannot_write(self.folder, exc) from exc


def _hashed(
    items: Iterable[Sequence[bytes]], hashes: list[hashlib._Hash]
) -> Iterator[Sequence[bytes]]:
    for item in items:
        for digest, piece in zip(hashes, item, strict=True):
            digest.update(piece)
        yield item


def _write_partial(
    folder: Path, items: Iterable[Sequence[bytes]], count: int, mode: int = 0o600
) -> list[str]:
    """`count` new files in `folder` (`mode`, less the umask), the first holding the first
    piece of every item, and so on; their paths. All are removed again if writing fails."""
    files: list[IO[bytes]] = []
    try:
        with contextlib.ExitStack() as stack:
            for _ in range(count):
                files.append(stack.enter_context(_new_file(folder, mode)))
            for item in items:
                for file, piece in zip(files, item, strict=True):
                    file.write(piece)
    except BaseException:
        for file in files:
            _remove(Path(file.name))
        raise
    return [file.name for file in files]


#: Numbers for partial files' names: with the process's id, no two writers (threads,
#: processes, builds sharing the folder) pick the same name.
_NUMBERS = itertools.count()


def _new_file(folder: Path, mode: int) -> IO[bytes]:
    """A partial file of this process's own, created in `folder` (never an existing one:
    one a killed process left under the same id is passed over). What
    `tempfile.NamedTemporaryFile` does, without its random names and wrapper (a tenth of
    the time to keep a small object, more with the chmod a published copy then needed)."""
    while True:
        path = os.path.join(folder, f"{os.getpid()}-{next(_NUMBERS)}{PARTIAL_SUFFIX}")
        with contextlib.suppress(FileExistsError):
            return open(path, "xb", opener=lambda name, flags: os.open(name, flags, mode))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _cannot_write(folder: Path, exc: OSError) -> PolicyError:
    return PolicyError(f"{folder}: cannot write generated files there: {exc.strerror or exc}")


@contextmanager
def store_in(folder: Path | None) -> Iterator[Store]:
    """A store in `folder` where one can be kept there; else (no cache configured, or a
    read-only one: a build then only loses speed) in a new temporary folder, removed
    afterwards."""
    if folder is not None and _writable(folder):
        yield Store(folder)
        return
    with tempfile.TemporaryDirectory(prefix="policydocs-") as temporary:
        yield Store(Path(temporary), temporary=True)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)
