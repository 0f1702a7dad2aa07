"""The engine's front door: from settings to every file of the policy site.

The CLI calls `build`, which makes everything at once; `export` writes the result to a folder
for any other site generator (Markdown pages keep their front matter; templates are not
applied). The MkDocs plugin drives a `Run` itself, so that redlines are computed on the other
cores while MkDocs renders the pages that need none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from policydocs.build.sweep import CacheHold
from policydocs.history.catalog import load_catalog
from policydocs.site.drafts import find_drafts
from policydocs.core.errors import PolicyError, Problem
from policydocs.site.feeds import FeedSettings, feed_dests, start_feeds
from policydocs.history.git import GitHistory
from policydocs.site.index import build_index
from policydocs.history.model import Catalog, Policy, Version
from policydocs.site.outputs import Output, check_catalog
from policydocs.site.pages import (
    Generated,
    GeneratedAsset,
    GeneratedPage,
    MarkedPage,
    Redlines,
    StoredFile,
    StoredPage,
    generate,
)
from policydocs.core.parallel import Background, workers
from policydocs.redline.engine import Redline
from policydocs.core.settings import Settings
from policydocs.core.memo import Memo
from policydocs.core.store import Store, store_in
from policydocs.redline.stored import Pair, stored_redline
from policydocs.site.marked import MarkedPages
from policydocs.site.urls import UrlScheme


@dataclass(frozen=True)
class Site:
    catalog: Catalog
    urls: UrlScheme
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    warnings: list[Problem]
    #: What the site leaves out of a merged history, and why (nothing to fix).
    notes: list[Problem]
    redlines: Redlines
    #: Each version compared with the one in force, where no changes page already does.
    comparisons: Redlines
    #: (hits, misses) of the cache in this build: changes and comparison pages, feed entries.
    redline_stats: tuple[int, int]
    #: Seconds spent in each stage (see `Run`), for logs and benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


class Run:
    """A build in progress, its generated pages and feeds kept in `store` (see
    `store.Store`: read back only through `read` and `publish`, which check them and make
    again any found damaged). Pages that show no redline are ready at once; the pages that
    show one are made in `workers` processes meanwhile (redline and Markdown), in the order
    of `marked`, and handed over when asked for. A site generator that renders pages on one
    core asks for those last, so they cost it little or no time; a rebuild reads only the
    counts and sections of those it made before.

    `timings` has the seconds this process spent in each stage (history, pages, redlines,
    feeds), and after `close`, "background": the processor seconds the workers spent."""

    def __init__(
        self,
        settings: Settings,
        feeds: FeedSettings | None,
        drafts: bool,
        workers: int,
        store: Store,
        taken: Iterable[Output] = (),
    ) -> None:
        """`taken`: the site generator's own files, which no generated file may clash
        with (see `site.outputs`)."""
        self.timings: dict[str, float] = {}
        self._store = store
        self._feeds = feeds
        self._finish_feeds: Callable[[], Iterator[StoredFile]] | None = None
        self._pool = Background(workers)
        self._pool.start()  # before the history is in memory (see Background.start)
        try:
            self._prepare(settings, drafts, taken)
        except BaseException:
            self._pool.close()
            raise

    def _prepare(self, settings: Settings, drafts: bool, taken: Iterable[Output]) -> None:
        with self._stage("history"):
            self.catalog, problems = load_catalog(settings)
        self.warnings = problems.warnings
        self.urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
        self._memo = Memo(self._store, self._pool)
        self._marked = MarkedPages(self._memo)
        with self._stage("redlines"):
            self._drafts = find_drafts(self.catalog, settings) if drafts else []
        self._regenerated: dict[str, str] | None = None
        with self._stage("pages"):
            checked = check_catalog(
                self.catalog,
                self.urls,
                feeds=self._feeds is not None,
                drafts=[(draft.policy_id, draft.path) for draft in self._drafts],
                taken=taken,
            )
            checked.problems.raise_errors()
            self.notes = problems.infos + checked.problems.infos
            self._redirected = checked.redirected
            generated = self._generate()
            self._ready = (
                [self._placed(page) for page in generated.pages],
                generated.assets,
            )
        self.marked = generated.marked
        with self._stage("redlines"):
            self._made = self._marked.made(
                {(page.kind, page.key): (_pair(*page.texts), page.text) for page in self.marked}
            )
        self._changes_left = sum(1 for page in self.marked if page.kind == "changes")

    def _generate(self) -> Generated:
        index = build_index(self.catalog, self.urls)
        return generate(self.catalog, self.urls, index, self._redirected, self._drafts)

    def _placed(self, page: GeneratedPage) -> StoredPage:
        digest = self._store.put(page.markdown.encode())
        self.objects_used.append(digest)
        return StoredPage(page.src, digest, page.in_nav, page.view, partial(self._remade, page.src))

    def _remade(self, src: str) -> str:
        """A page that shows no redline, made again (its stored Markdown was damaged): all
        of them are, once, as they are a function of the catalog."""
        if self._regenerated is None:
            self._regenerated = {page.src: page.markdown for page in self._generate().pages}
        return self._regenerated[src]

    @property
    def objects_used(self) -> list[str]:
        """The store's objects this build placed or used: see `build.sweep`."""
        return self._memo.objects_used

    def ready(self) -> tuple[list[StoredPage], list[GeneratedAsset]]:
        """The pages and files that show no redline. Handed over once and not kept: a site
        generator holds thousands of pages already."""
        ready, self._ready = self._ready, ([], [])
        return ready

    def marked_page(self, page: MarkedPage) -> StoredPage:
        """A changes or comparison page, waiting for it if it is being made. Each is asked
        for once; the feeds are started once the last changes page is made (their entries
        are made from the same redlines)."""
        with self._stage("redlines"):
            made = self._made.pop((page.kind, page.key)).get()
        self.objects_used.append(made.digest)
        if page.kind == "changes":
            self._changes_left -= 1
            if self._changes_left == 0:
                self.start_feeds()
        remake = partial(self._remade_marked, page)
        return StoredPage(page.src, made.digest, False, page.view(made.redline), remake)

    def _remade_marked(self, page: MarkedPage) -> str:
        return page.text.markdown(self._redline(_pair(*page.texts)))

    def path(self, stored: StoredPage | StoredFile) -> Path:
        """Where a stored page or file is, for a site generator to hand to others (read
        it with `read`, publish it with `publish`: they check it)."""
        return self._store.path(stored.digest)

    def read(self, page: StoredPage) -> str:
        """A page's Markdown, checked against its hash; made again (and stored again) if
        it is missing or damaged, never used damaged."""
        data = self._store.read(page.digest)
        if data is not None:
            return data.decode()
        markdown = page.remake()
        self._store.put(markdown.encode())
        return markdown

    def publish(self, file: StoredFile, dest: Path) -> None:
        """Copy a stored file to `dest`, checking it while it is copied; made again (and
        stored again) if it is missing or damaged, never published damaged."""
        if not self._store.copy(file.digest, dest):
            [digest] = self._store.put_together(((chunk,) for chunk in file.remake()), 1)
            if not self._store.copy(digest, dest):
                raise PolicyError(f"{self._store.folder}: cannot read back {dest.name}")

    def content(self, file: StoredFile) -> bytes:
        """A stored file's bytes, checked as `publish` does (and made again likewise)."""
        data = self._store.read(file.digest)
        if data is None:
            data = b"".join(file.remake())
            self._store.put(data)
        return data

    def redlines(self, kind: str) -> Redlines:
        """Every redline of the `kind` of page, once its pages are made."""
        return {
            page.key: self._redline(_pair(*page.texts))
            for page in self.marked
            if page.kind == kind
        }

    def _changes(self, policy: Policy, version: Version) -> Redline | None:
        """A version's changes for its feed entry (a first publication has none): stored
        by the worker that made its page."""
        if version.index == 0:
            return None
        return self._redline(_pair(policy.versions[version.index - 1], version))

    def _redline(self, pair: Pair) -> Redline:
        """A redline whose page is made (stored by the worker that made it)."""
        return stored_redline(self._store, pair)

    @property
    def feed_dests(self) -> list[str]:
        return feed_dests(self.catalog, self.urls) if self._feeds else []

    def start_feeds(self) -> None:
        """Draft the feed entries (once every changes redline is there) and send those not
        rendered before to the workers: the last work they get, so they may exit when done
        (the build holds most memory at its end)."""
        if self._feeds is not None and self._finish_feeds is None:
            with self._stage("feeds"):
                self._finish_feeds = start_feeds(
                    self.catalog, self._changes, self.urls, self._feeds, self._memo
                )
        self._pool.finish()

    def feeds(self) -> Iterator[StoredFile]:
        """The RSS and Atom files at `feed_dests` (none without feed settings), one at a
        time, each found in the store or made there piece by piece (a site-wide feed of
        every version's redline is large)."""
        self.start_feeds()
        if self._finish_feeds is None:
            return
        finish = self._finish_feeds()
        while True:
            with self._stage("feeds"):
                file = next(finish, None)
            if file is None:
                return
            yield file

    @property
    def cache_stats(self) -> tuple[int, int]:
        """(hits, misses) of the cache in this build: changes and comparison pages, feed entries."""
        return (self._memo.hits, self._memo.misses)

    def close(self) -> None:
        """Stop the workers (the stored pages and files can still be read and published)."""
        self._pool.close()
        self.timings["background"] = self._pool.cpu_seconds
        with self._stage("redlines"):
            self._marked.save()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _stage(self, name: str) -> AbstractContextManager[None]:
        return _stage(self.timings, name)


def build(settings: Settings, feeds: FeedSettings | None = None, drafts: bool = False) -> Site:
    """Read history and generate the site's files on every core; raises `PolicyError` on
    invalid input.

    Feeds need the site's absolute URL; without `feeds` none are made. `drafts` adds a page
    for each uncommitted policy edit (a preview for editors, never published)."""
    busy = workers(caller_busy=False)
    with store_in(settings.cache_dir) as store:
        hold = CacheHold(None if store.temporary else store.folder)
        try:
            with Run(settings, feeds, drafts, busy, store) as run:
                placed, assets = run.ready()
                placed += [run.marked_page(page) for page in run.marked]
                pages = [
                    GeneratedPage(page.src, run.read(page), page.in_nav, page.view)
                    for page in placed
                ]
                assets += [GeneratedAsset(file.dest, run.content(file)) for file in run.feeds()]
                redlines, comparisons = run.redlines("changes"), run.redlines("compare")
            with _stage(run.timings, "sweep"):
                hold.sweep(run.objects_used)
        finally:
            hold.release()
    return Site(
        run.catalog,
        run.urls,
        pages,
        assets,
        run.warnings,
        run.notes,
        redlines,
        comparisons,
        run.cache_stats,
        run.timings,
    )


@contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def _pair(old: Version, new: Version) -> Pair:
    return Pair(old.blob, new.blob, old.body, new.body)


def file_days(settings: Settings, files: list[Path]) -> dict[Path, date]:
    """The day each of the site's own files (hand-written pages) last changed in git, in
    the site's time zone; for a file no commit changed (new, or outside the repository),
    the day of HEAD's commit. Pages are dated from the history, never from the clock
    (see `Policy.last_changed`)."""
    with GitHistory(settings.policies_dir) as history:
        head = history.head_date()
        relative = {file: _inside(file, history.root) for file in files}
        dates = history.last_commits([path for path in relative.values() if path])
    return {
        file: dates.get(path or "", head).astimezone(settings.timezone).date()
        for file, path in relative.items()
    }


def _inside(file: Path, root: Path) -> str | None:
    """The file's path in the repository, as git spells it; None outside it."""
    try:
        return file.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def export(site: Site, out_dir: Path) -> list[Path]:
    """Write the generated Markdown pages and published-as-is files below `out_dir`: a new
    or empty folder, or one an earlier export wrote (it holds their versions.json), so
    that nothing else is ever overwritten."""
    check_export_folder(out_dir, site.urls)
    root = out_dir.resolve()
    files = [(page.src, page.markdown.encode()) for page in site.pages]
    files += [(asset.dest, asset.content) for asset in site.assets]
    return [_write(root, dest, content) for dest, content in files]


def check_export_folder(out_dir: Path, urls: UrlScheme) -> None:
    """Stop before anything is made if `export` could not write into `out_dir`."""
    index = urls.index_dest()
    if out_dir.exists() and not out_dir.is_dir():
        raise PolicyError(f"{out_dir}: not a folder; export writes a folder of files")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / index).is_file():
        raise PolicyError(
            f"{out_dir}: not empty, and not an earlier export (it has no {index}); export "
            "into a new or empty folder"
        )


def _write(root: Path, dest: str, content: bytes) -> Path:
    """Write `dest` below `root`, and nowhere else (every path was checked before, see
    `outputs`; this is the last guard)."""
    path = (root / dest).resolve()
    if not path.is_relative_to(root):
        raise PolicyError(f"{dest}: would be written outside {root}; nothing more is written")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot be written: {exc.strerror or exc}") from exc
    return path
