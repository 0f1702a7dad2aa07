"""An on-disk cache of redlines, of the changes and comparison pages made from them, and of
rendered feed entries, so that a rebuild computes, and reads, only what it has not seen.

Redlines are keyed by the two texts' git blob ids and the redline engine's version: the
same blobs always give the same redline, and a new engine version never reads an old entry.
A page or a feed entry is keyed by everything it is made from (its redline's key and its
own facts), so a rebuild finds it without reading the redline: of a page it reads only the
counts and sections its template shows. The cache is optional and safe to delete; an
unreadable entry is made again, never trusted. What is missing is made in worker processes
(`parallel.Background`), which store it, while the build goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import IO, TypeVar

from .pages import PageText
from .parallel import Background, Result
from .redline import ENGINE_VERSION, Redline, redline

K = TypeVar("K", bound=Hashable)

#: The file holding the page records the last build read (see `RedlineCache.save`).
_KNOWN_PAGES = "pages.json"


@dataclass(frozen=True)
class Pair:
    """Two texts to redline, with their blob ids (the cache key; "" means do not cache)."""

    old_blob: str
    new_blob: str
    old_text: str
    new_text: str


@dataclass(frozen=True)
class MadePage:
    """A changes or comparison page made from its redline: its Markdown stored at `path`
    and the redline without its marked text; or, where it could not be stored, no `path`
    and the whole redline to make the Markdown from."""

    redline: Redline
    path: Path | None = None
    #: The stored Markdown's length in bytes: a rebuild checks it (one `stat`, where a
    #: checksum would mean reading every page) and makes a damaged page again.
    size: int = 0


class RedlineCache:
    """Cached results are read when first asked for; missing ones are computed by `pool`'s
    workers (which also store them), in the order given."""

    def __init__(self, folder: Path | None, pool: Background | None = None):
        self.folder = folder
        self.pool = pool or Background(0)
        self.hits = 0
        self.misses = 0
        #: Page records the last build read (record file name: its text), kept together
        #: in one file; and those this build reads, for the next (see `save`).
        self._known: dict[str, str] = {}
        self._read: dict[str, str] = {}
        #: The stored files (`stored_files`) this build uses: a sweep keeps them.
        self.files_used: list[Path] = []

    def redlines(self, pairs: dict[K, Pair]) -> dict[K, Result[Redline]]:
        """The redline of every pair, from the cache or being computed."""
        paths = {key: self._redline_path(pair) for key, pair in pairs.items()}
        return self._lookup(paths, pairs.__getitem__, _redline, _load_redline, Redline.to_json)

    def redline(self, pair: Pair) -> Redline:
        """One redline, read from the cache or computed here; not counted in the hits and
        misses (for what is made from the redlines of pages already made)."""
        return _stored_redline(pair, self._redline_path(pair))

    def pages(self, jobs: dict[K, tuple[Pair, PageText]]) -> dict[K, Result[MadePage]]:
        """Every changes or comparison page made from its pair's redline, by the worker
        that computes the redline (or finds it cached): a rebuild then reads neither the
        redline nor the page, only the page's counts and sections."""
        paths = {
            key: self._path(f"page:{pair.old_blob}:{pair.new_blob}:{text.identity}", "json")
            if pair.old_blob and pair.new_blob
            else None
            for key, (pair, text) in jobs.items()
        }

        def job(key: K) -> _PageJob:
            pair, text = jobs[key]
            record = paths[key]
            markdown = _markdown_path(record) if record is not None else None
            return _PageJob(pair, text, self._redline_path(pair), markdown)

        # Records are small: all of them are read now, together and from one file (1,944
        # records: 0.5 s read each when its page is, between two of MkDocs' pages; 0.17 s
        # read together from their own files; less again from one).
        self._known = self._load_known()
        return self._lookup(
            paths, job, _make_page, self._load_page, _page_record, eager=True, stored=self._stored
        )

    def save(self) -> None:
        """Keep the page records this build read in one file for the next build (only an
        accelerator: each record is checked as if read from its own file)."""
        if self.folder is not None and self._read != self._known:
            _write_atomically(self.folder / _KNOWN_PAGES, json.dumps(self._read, sort_keys=True))

    def _load_known(self) -> dict[str, str]:
        if self.folder is None:
            return {}
        with contextlib.suppress(OSError, ValueError):
            known = json.loads(_load_text(self.folder / _KNOWN_PAGES))
            if isinstance(known, dict):
                return known
        return {}

    def _stored(self, record: Path) -> bool:
        return record.name in self._known or record.is_file()

    def _load_page(self, record: Path) -> MadePage:
        text = self._known.get(record.name)
        if text is None:
            text = _load_text(record)
        made = _page_from(record, text)
        self._read[record.name] = text
        return made

    def rendered(
        self, identities: dict[K, str], source: Callable[[K], str], render: Callable[[str], str]
    ) -> dict[K, Result[str]]:
        """`render(source(key))` for every key, from the cache or being computed; `render`
        must be a module-level function of its input alone. A result is found by its key's
        identity (everything its source is made from), so a source is made only when its
        result is missing."""
        paths = {
            key: self._path(f"{render.__module__}.{render.__qualname__}:{identity}", "html")
            for key, identity in identities.items()
        }
        return self._lookup(paths, source, render, _load_checked, _with_checksum)

    def stored_files(
        self, identities: Sequence[str], suffix: str, make: Callable[[], Iterable[Sequence[bytes]]]
    ) -> list[Path] | None:
        """Files made together piece by piece, found by their identities (everything each
        is made from): each item of `make()` holds the next piece of every file, so what
        they share is read once for all of them. Stored by the first build that makes
        them, and only checked (each file's size against its record) by the next. None
        without a cache, or if they cannot be stored: the caller makes them then."""
        if self.folder is None:
            return None
        paths = [self._path(f"file:{identity}", suffix) for identity in identities]
        if not all(map(_whole, paths)):
            try:
                sizes = _stream_to(paths, make())
            except OSError:
                return None  # a read-only or full disk only costs speed
            for path, size in zip(paths, sizes, strict=True):
                if not _write_atomically(_size_record(path), str(size)):
                    return None
        self.files_used += paths
        return paths

    def _lookup(
        self,
        paths: dict[K, Path | None],
        item: Callable[[K], object],
        compute: Callable,
        load: Callable[[Path], object],
        dump: Callable[[object], str | bytes],
        eager: bool = False,
        stored: Callable[[Path], bool] = Path.is_file,
    ) -> dict[K, Result]:
        """Results for `paths`' keys: read from their paths, or `compute(item(key))` in the
        workers, which store them there (`dump`) and send back only what they could not
        store. Items are made only for results being computed. Stored results are read
        when asked for and not held, unless `eager`: then they are read now and held."""
        found = {}
        missing = []
        for key, path in paths.items():
            if path is not None and stored(path):
                reader = self._reader(key, path, item, compute, load, dump)
                found[key] = Result(reader, keep=eager)
                if eager:
                    found[key].get()
            else:
                missing.append(key)
        self.hits += len(found)
        self.misses += len(missing)
        jobs = [_Job(compute, dump, item(key), paths[key]) for key in missing]
        computing = self.pool.submit(_compute_and_store, jobs)
        for key, result in zip(missing, computing, strict=True):
            path = paths[key]
            reader = self._reader(key, path, item, compute, load, dump, hit=False) if path else None
            found[key] = Result(_returned_or_stored(result, reader), keep=False)
        return {key: found[key] for key in paths}

    def _reader(self, key, path: Path, item, compute, load, dump, *, hit: bool = True) -> Callable:
        """Reads the result at `path`; remakes it from its item (made again: items are not
        held for the length of a build) if the entry is damaged."""

        def recount() -> None:
            nonlocal hit
            if hit:  # a damaged entry: a miss after all
                self.hits -= 1
                self.misses += 1
                hit = False

        remake = partial(_compute_item, compute, item, key)
        return partial(_load_or_remake, path, load, remake, dump, recount)

    def _redline_path(self, pair: Pair) -> Path | None:
        if not (pair.old_blob and pair.new_blob):
            return None
        return self._path(f"{pair.old_blob}:{pair.new_blob}", "json")

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


@dataclass(frozen=True)
class _PageJob:
    pair: Pair
    text: PageText
    redline_path: Path | None
    markdown_path: Path | None


def _compute_and_store(job: _Job):
    """Runs in a worker: the result is stored there and read from the cache when it is
    needed (None is returned then); only a result that could not be stored is sent back."""
    result = job.compute(job.item)
    if job.path is not None and _write_atomically(job.path, job.dump(result)):
        return None
    return result


def _compute_item(compute: Callable, item: Callable, key: Hashable):
    return compute(item(key))


def _load_or_remake(
    path: Path, load: Callable, remake: Callable, dump: Callable, remaking: Callable = lambda: None
):
    """The result stored at `path`; a damaged or missing one is made again (and stored
    again), never trusted."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        return load(path)
    remaking()
    value = remake()
    _write_atomically(path, dump(value))
    return value


def _returned_or_stored(result: Result, read: Callable | None) -> Callable:
    def get():
        value = result.get()
        return value if value is not None or read is None else read()

    return get


def _redline(pair: Pair) -> Redline:
    return redline(pair.old_text, pair.new_text)


def _load_redline(path: Path) -> Redline:
    return Redline.from_json(_load_text(path))


def _load_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _with_checksum(data: bytes) -> bytes:
    """An entry with its SHA-256 on the first line: a feed entry goes to subscribers,
    whose readers keep it, so a damaged one must never be published."""
    return hashlib.sha256(data).hexdigest().encode() + b"\n" + data


def _load_checked(path: Path) -> bytes:
    checksum, _, data = path.read_bytes().partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode() != checksum:
        raise ValueError(f"{path}: damaged")
    return data


def _make_page(job: _PageJob) -> MadePage:
    """The page's redline (cached as any other) and Markdown, stored beside its record."""
    change = _stored_redline(job.pair, job.redline_path)
    markdown = job.text.markdown(change).encode()
    if job.markdown_path is not None and _write_atomically(job.markdown_path, markdown):
        return MadePage(change, job.markdown_path, len(markdown))
    return MadePage(change)


def _stored_redline(pair: Pair, path: Path | None) -> Redline:
    if path is None:
        return _redline(pair)
    return _load_or_remake(path, _load_redline, partial(_redline, pair), Redline.to_json)


def _page_record(made: MadePage) -> str:
    """What a rebuild reads of a stored page: its Markdown's size, then its redline's
    counts and sections."""
    return f"{made.size}\n{replace(made.redline, markdown='').to_json()}"


def _page_from(record: Path, text: str) -> MadePage:
    """A stored page from its record's text, if its Markdown is there and whole."""
    size, _, redline = text.partition("\n")
    markdown = _markdown_path(record)
    if markdown.stat().st_size != int(size):
        raise ValueError(f"{markdown}: damaged")
    return MadePage(Redline.from_json(redline), markdown, int(size))


def _whole(path: Path) -> bool:
    """Whether a stored file is there with the size its record gives."""
    with contextlib.suppress(OSError, ValueError):
        return path.stat().st_size == int(_size_record(path).read_text(encoding="ascii"))
    return False


def _size_record(path: Path) -> Path:
    return path.with_name(f"{path.name}.size")


def _markdown_path(record: Path) -> Path:
    """A stored page's Markdown, beside its record."""
    return record.with_suffix(".md")


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
    [written] = _partial_files(
        [folder], ((chunk,) for chunk in chunks), lambda item: digest.update(item[0])
    )
    path = _content_path(folder, digest.hexdigest(), suffix)
    if path.is_file():
        os.unlink(written)
    else:
        path.parent.mkdir(exist_ok=True)
        os.replace(written, path)
    return path


def _stream_to(paths: list[Path], pieces: Iterable[Sequence[bytes]]) -> list[int]:
    """Write each item's pieces to `paths`, one to each (atomically, as
    `_write_atomically`); their sizes."""
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    written = _partial_files([path.parent for path in paths], pieces)
    sizes = [os.path.getsize(partial_path) for partial_path in written]
    for partial_path, path in zip(written, paths, strict=True):
        os.replace(partial_path, path)
    return sizes


def _partial_files(
    folders: list[Path],
    pieces: Iterable[Sequence[bytes]],
    seen: Callable[[Sequence[bytes]], None] | None = None,
) -> list[str]:
    """New temporary files, one in each of `folders`, holding the pieces of `pieces`' items
    (the first piece of each to the first file, and so on; each item also given to `seen`)."""
    files: list[IO[bytes]] = []
    try:
        with contextlib.ExitStack() as stack:
            for folder in folders:
                files.append(
                    stack.enter_context(
                        tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False)
                    )
                )
            for item in pieces:
                if seen is not None:
                    seen(item)
                for file, piece in zip(files, item, strict=True):
                    file.write(piece)
    except BaseException:
        for file in files:
            os.unlink(file.name)
        raise
    return [file.name for file in files]


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
