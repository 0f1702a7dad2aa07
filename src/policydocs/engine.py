"""The engine's front door: from settings to every file of the policy site.

The CLI calls `build`, which makes everything at once; `export` writes the result to a folder
for any other site generator (Markdown pages keep their front matter; templates are not
applied). The MkDocs plugin drives a `Run` itself, so that redlines are computed on the other
cores while MkDocs renders the pages that need none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .cache import Pair, RedlineCache
from .cache_sweep import CacheHold
from .catalog import load_catalog
from .drafts import find_drafts
from .errors import Problem
from .feeds import FeedSettings, feed_dests, start_feeds
from .history import GitHistory
from .index import build_index
from .model import Catalog, Policy, Version
from .pages import (
    GeneratedAsset,
    GeneratedPage,
    MarkedPage,
    Redlines,
    StoredAsset,
    StoredPage,
    StreamedAsset,
    generate,
)
from .parallel import Background, workers
from .redline import Redline
from .settings import Settings
from .urls import UrlScheme


@dataclass(frozen=True)
class Site:
    catalog: Catalog
    urls: UrlScheme
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    warnings: list[Problem]
    redlines: Redlines
    #: Each version compared with the one in force, where no changes page already does.
    comparisons: Redlines
    #: (hits, misses) of the cache in this build: changes and comparison pages, feed entries.
    redline_stats: tuple[int, int]
    #: Seconds spent in each stage (see `Run`), for logs and benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


class Run:
    """A build in progress. Pages that show no redline are ready at once; the pages that
    show one are made in `workers` processes meanwhile (redline and Markdown, stored in the
    cache where there is one), in the order of `marked`, and handed over when asked for.
    A site generator that renders pages on one core asks for those last, so they cost it
    little or no time; a rebuild reads only the counts and sections of those it made before.

    `timings` has the seconds this process spent in each stage (history, pages, redlines,
    feeds), and after `close`, "background": the processor seconds the workers spent."""

    def __init__(
        self,
        settings: Settings,
        feeds: FeedSettings | None,
        drafts: bool,
        workers: int,
        keep_redlines: bool = False,
    ) -> None:
        self.timings: dict[str, float] = {}
        #: Redlines that came back from the workers unstored (no cache): the changes, until
        #: the feeds are drafted; every one with `keep_redlines` (see `redlines`).
        self._unstored: dict[tuple[str, tuple[str, str]], Redline] = {}
        self._keep = keep_redlines
        self._feeds = feeds
        self._finish_feeds: Callable[[], Iterator[StoredAsset | StreamedAsset]] | None = None
        self._pool = Background(workers)
        self._pool.start()  # before the history is in memory (see Background.start)
        try:
            self._prepare(settings, drafts)
        except BaseException:
            self._pool.close()
            raise

    def _prepare(self, settings: Settings, drafts: bool) -> None:
        with self._stage("history"):
            self.catalog, problems = load_catalog(settings)
        self.warnings = problems.warnings
        self.urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
        self._cache = RedlineCache(settings.cache_dir, self._pool)
        with self._stage("redlines"):
            found = find_drafts(self.catalog, settings) if drafts else []
        with self._stage("pages"):
            index = build_index(self.catalog, self.urls)
            generated = generate(self.catalog, self.urls, index, found)
        self._ready = (generated.pages, generated.assets)
        self.marked = generated.marked
        with self._stage("redlines"):
            self._made = self._cache.pages(
                {(page.kind, page.key): (_pair(*page.texts), page.text) for page in self.marked}
            )
        self._changes_left = sum(1 for page in self.marked if page.kind == "changes")

    def ready(self) -> tuple[list[GeneratedPage], list[GeneratedAsset]]:
        """The pages and files that show no redline. Handed over once and not kept: a site
        generator holds thousands of pages already."""
        ready, self._ready = self._ready, ([], [])
        return ready

    def marked_page(self, page: MarkedPage) -> GeneratedPage | StoredPage:
        """A changes or comparison page, waiting for it if it is being made. Each is asked
        for once; the feeds are started once the last changes page is made (their entries
        are made from the same redlines)."""
        with self._stage("redlines"):
            made = self._made.pop((page.kind, page.key)).get()
        if made.path is None and (self._keep or page.kind == "changes"):
            self._unstored[(page.kind, page.key)] = made.redline  # (no cache to read it from)
        if page.kind == "changes":
            self._changes_left -= 1
            if self._changes_left == 0:
                self.start_feeds()
        with self._stage("pages"):
            if made.path is not None:
                return StoredPage(page.src, made.path, page.view(made.redline))
            return page.page(made.redline)

    def redlines(self, kind: str) -> Redlines:
        """Every redline of the `kind` of page, once its pages are made."""
        return {
            page.key: self._redline(kind, page.key, page.texts)
            for page in self.marked
            if page.kind == kind
        }

    def _changes(self, policy: Policy, version: Version) -> Redline | None:
        """A version's changes for its feed entry (a first publication has none)."""
        if version.index == 0:
            return None
        texts = (policy.versions[version.index - 1], version)
        return self._redline("changes", (policy.id, version.label), texts)

    def _redline(self, kind: str, key: tuple[str, str], texts: tuple[Version, Version]) -> Redline:
        """A redline whose page is made: as it came back, or from the cache (where the
        worker that made the page stored it)."""
        unstored = self._unstored.get((kind, key))
        if unstored is not None:
            return unstored
        return self._cache.redline(_pair(*texts))

    @property
    def feed_dests(self) -> list[str]:
        return feed_dests(self.catalog, self.urls) if self._feeds else []

    def start_feeds(self) -> None:
        """Draft the feed entries (once every changes redline is there) and send those not
        rendered before to the workers: the last work they get, so they may exit when done
        (the build holds most memory at its end). The redlines are not needed after that."""
        if self._feeds is not None and self._finish_feeds is None:
            with self._stage("feeds"):
                self._finish_feeds = start_feeds(
                    self.catalog, self._changes, self.urls, self._feeds, self._cache
                )
        self._pool.finish()
        if not self._keep:
            self._unstored = {}

    def feeds(self) -> Iterator[StoredAsset | StreamedAsset]:
        """The RSS and Atom files at `feed_dests` (none without feed settings), one at a
        time: stored in the cache (a file made before is found there), or without one,
        piece by piece (a site-wide feed of every version's redline is large). The "feeds"
        stage counts the time from a file's first piece to its last, the caller's writing
        included."""
        self.start_feeds()
        if self._finish_feeds is None:
            return
        finish = self._finish_feeds()
        while True:
            with self._stage("feeds"):
                asset = next(finish, None)
            if asset is None:
                return
            if isinstance(asset, StoredAsset):
                yield asset
            else:
                yield StreamedAsset(asset.dest, self._timed(asset.chunks))

    def _timed(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        with self._stage("feeds"):
            yield from chunks

    @property
    def stored_files(self) -> list[Path]:
        """The cache's stored files this build used (its feeds): see `cache_sweep`."""
        return self._cache.files_used

    @property
    def cache_stats(self) -> tuple[int, int]:
        """(hits, misses) of the cache in this build: changes and comparison pages, feed entries."""
        return (self._cache.hits, self._cache.misses)

    def close(self) -> None:
        self._pool.close()
        self.timings["background"] = self._pool.cpu_seconds
        with self._stage("redlines"):
            self._cache.save()

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
    hold = CacheHold(settings.cache_dir)
    try:
        with Run(settings, feeds, drafts, workers=busy, keep_redlines=True) as run:
            pages, assets = run.ready()
            for page in run.marked:
                made = run.marked_page(page)
                pages.append(made.read() if isinstance(made, StoredPage) else made)
            assets += [GeneratedAsset(feed.dest, feed.content()) for feed in run.feeds()]
            redlines, comparisons = run.redlines("changes"), run.redlines("compare")
        with _stage(run.timings, "sweep"):
            hold.sweep(run.stored_files, generated=False)
    finally:
        hold.release()
    return Site(
        run.catalog,
        run.urls,
        pages,
        assets,
        run.warnings,
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
        head = history.repo.head.commit.committed_datetime
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
    """Write the generated Markdown pages and published-as-is files below `out_dir`."""
    written = []
    for page in site.pages:
        written.append(_write(out_dir / page.src, page.markdown.encode()))
    for asset in site.assets:
        written.append(_write(out_dir / asset.dest, asset.content))
    return written


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path
