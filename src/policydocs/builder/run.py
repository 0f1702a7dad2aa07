"""The engine's front door: from settings to every file of the policy site.

The CLI calls `build`, which makes everything at once; `export` writes the result to a folder
for any other site generator (Markdown pages keep their front matter; templates are not
applied). The MkDocs plugin drives a `Run` itself, so that redlines are computed on the other
cores while MkDocs renders the pages that need none.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from policydocs.builder.sweep import CacheHold
from policydocs.core.errors import PolicyError, Problem
from policydocs.core.memo import Memo
from policydocs.core.parallel import Background, Result, workers
from policydocs.core.settings import Settings
from policydocs.core.store import Store, store_in
from policydocs.history.catalog import committed, load_catalog
from policydocs.history.git import GitHistory
from policydocs.history.model import Catalog, Version
from policydocs.redline.stored import Pair, stored_redline
from policydocs.site.calendar import calendars
from policydocs.site.drafts import find_drafts
from policydocs.site.feeds import FeedSettings, feed_dests, feed_stylesheet, start_feeds
from policydocs.site.index import build_index
from policydocs.site.marked import MarkedPages
from policydocs.site.outputs import Output, check_catalog
from policydocs.site.pages import (
    Generated,
    GeneratedAsset,
    GeneratedPage,
    MarkedPage,
    PageView,
    Redlines,
    StoredFile,
    StoredPage,
    generate,
)
from policydocs.site.pdf import start_pdfs
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


@dataclass(frozen=True)
class Listed:
    """A page of the site, as a site generator first learns of it."""

    src: str
    #: Only a current policy's main page belongs in the site navigation.
    in_nav: bool
    #: What the page is (`PageView.kind`): "home" is the generated home page (a site's own
    #: page at its place replaces it); a "draft" page shows the file as it is now.
    kind: str
    #: Its Markdown's file now; None for a page still being made (see `Run.read`).
    path: Path | None
    #: The policy whose page it is (None for pages of the site, and for the draft of a
    #: policy never published).
    policy_id: str | None = None


@dataclass(frozen=True)
class Read:
    """A page's Markdown, checked, with what its template shows and where its file is."""

    markdown: str
    view: PageView
    path: Path


class Run:
    """A build, in the order a site generator calls it (the MkDocs plugin, in MkDocs' event
    order; `build` below, for the CLI):

    1. `Run(...)` (MkDocs' on_files) reads the history, checks every output's place
       (`site.outputs`), stores the pages that show no redline and sends all other work to
       the workers, in the order it will be asked for: changes pages, comparison pages,
       then feed entries (each made from the redline its changes page stored), then the
       versions' PDFs (`pdfs`, by where each is published; with `Settings.pdf`). Nothing
       more is sent, so the workers exit once done (the build holds most memory at its end).
    2. `pages()`: every page, those that show a redline last, so that a site generator that
       renders the others first (on this core) finds them made (on the other cores).
    3. `read(src)` (on_page_read_source): a page's Markdown and what its template shows,
       waiting for a page being made.
    4. `feeds()` (on_env): the feed files, made in the store from the rendered entries.
    5. `publish(file, dest)` (copying files): a stored file copied to the site.
    6. `close()`: the workers stopped; `objects_used` tells the sweep what to keep.

    Whatever 3-5 hand over is read from `store` checked against its hash (see
    `core.store`), and made again if damaged. A rebuild finds in the store what earlier
    builds made: of a changes page it reads only its record.

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
        self._pool = Background(workers)
        self._pool.start()  # before the history is in memory (see Background.start)
        try:
            self._prepare(settings, feeds, drafts, taken)
        except BaseException:
            self._pool.close()
            raise

    def _prepare(
        self, settings: Settings, feeds: FeedSettings | None, drafts: bool, taken: Iterable[Output]
    ) -> None:
        with self._stage("history"):
            # (each file kept in the store as it is read: see `Version.sha256`)
            self.catalog, problems = load_catalog(settings, keep=self._store.put)
        self.warnings = problems.warnings
        self.urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
        self._authors = settings.show_authors
        self._pdf = settings.pdf
        self._memo = Memo(self._store, self._pool)
        self._marked_pages = MarkedPages(self._memo)
        with self._stage("redlines"):
            self._drafts = find_drafts(self.catalog, settings) if drafts else []
        with self._stage("pages"):
            checked = check_catalog(
                self.catalog,
                self.urls,
                feeds=feeds is not None,
                drafts=[(draft.policy_id, draft.path) for draft in self._drafts],
                taken=taken,
            )
            checked.problems.raise_errors()
            self.notes = problems.infos + checked.problems.infos
            self._redirected = checked.redirected
            self._addresses = checked.addresses
            generated = self._generate()
            self._ready = {page.src: self._placed(page) for page in generated.pages}
            self.assets = generated.assets
            folder = settings.policies_dir
            self.sources = [
                StoredFile(
                    source.dest, source.version.sha256, partial(_committed, folder, source.version)
                )
                for source in generated.sources
            ]
            self._memo.objects_used.extend(source.digest for source in self.sources)
            if feeds is not None:  # (both need the site's absolute address)
                self.assets += [feed_stylesheet(self.urls)]
                self.assets += calendars(
                    self.catalog, self.urls, feeds.base, feeds.site_name, self._store
                )
        self._regenerated: dict[str, str] | None = None
        self._marked = {page.src: page for page in generated.marked}
        with self._stage("redlines"):
            jobs = {page.src: (_pair(*page.texts), page.text) for page in generated.marked}
            self._made = self._marked_pages.made(jobs)
        self.feed_dests = feed_dests(self.catalog, self.urls) if feeds else []
        with self._stage("feeds"):
            self._finish_feeds = (
                start_feeds(self.catalog, self.urls, feeds, self._memo) if feeds else None
            )
        with self._stage("pdfs"):
            self.pdfs = self._start_pdfs(settings, feeds)
        self._pool.finish()

    def _start_pdfs(
        self, settings: Settings, feeds: FeedSettings | None
    ) -> dict[str, Result[bytes]]:
        """Each version's PDF by where it is published (`Settings.pdf`; none without)."""
        if not settings.pdf:
            return {}
        if feeds is None:
            raise PolicyError(
                "the 'pdf' option needs the site's address, which each PDF cites: set "
                "site_url in mkdocs.yml (or give --site-url)"
            )
        return start_pdfs(self.catalog, self.urls, feeds.base, feeds.reading, self._memo)

    def pages(self) -> list[Listed]:
        """Every page, those that show a redline last (see the class's docstring); each
        with its file where it is made already."""
        listed = [
            Listed(
                src,
                page.in_nav,
                page.view.kind,
                self._store.path(page.digest),
                page.view.policy.id if page.view.policy else None,
            )
            for src, page in self._ready.items()
        ]
        for src, marked in self._marked.items():
            path = self._made_path(src)
            listed.append(Listed(src, False, marked.kind, path, marked.policy.id))
        return listed

    def _made_path(self, src: str) -> Path | None:
        """Where a page that shows a redline is, if an earlier build made it (so that a
        site generator's dirty rebuild can tell it is unchanged); None while it is made."""
        made = self._made[src]
        if not made.done:
            return None
        digest = made.get().digest
        self._memo.objects_used.append(digest)  # (used even if it is never read: kept)
        return self._store.path(digest)

    def read(self, src: str) -> Read:
        """A page's Markdown, checked against its hash; made again (and stored again) if
        it is missing or damaged, never used damaged. A page being made is waited for."""
        if src in self._marked:
            marked = self._marked[src]
            with self._stage("redlines"):
                made = self._made[src].get()
            digest, view = made.digest, marked.view(made.redline)
            remake: Callable[[], str] = partial(self._remade_marked, marked)
        else:
            page = self._ready[src]
            digest, view, remake = page.digest, page.view, page.remake
        self._memo.objects_used.append(digest)
        data = self._store.read(digest)
        if data is not None:
            return Read(data.decode(), view, self._store.path(digest))
        markdown = remake()
        digest = self._store.put(markdown.encode())
        return Read(markdown, view, self._store.path(digest))

    def feeds(self) -> Iterator[StoredFile]:
        """The RSS and Atom files at `feed_dests` (none without feed settings), one at a
        time, each found in the store or made there piece by piece (a site-wide feed of
        every version's redline is large)."""
        if self._finish_feeds is None:
            return
        finish = self._finish_feeds()
        while True:
            with self._stage("feeds"):
                file = next(finish, None)
            if file is None:
                return
            yield file

    def path(self, file: StoredFile) -> Path:
        """Where a stored file is, for a site generator to hand to others (publish it with
        `publish`, which checks it)."""
        return self._store.path(file.digest)

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
        """Every redline of the `kind` of page ("changes" or "compare"), once its page is
        made (stored by the worker that made it)."""
        return {
            page.key: stored_redline(self._store, _pair(*page.texts))
            for page in self._marked.values()
            if page.kind == kind
        }

    @property
    def objects_used(self) -> list[str]:
        """The store's objects this build placed or used: see `builder.sweep`."""
        return self._memo.objects_used

    @property
    def cache_stats(self) -> tuple[int, int]:
        """(hits, misses) in this build: changes and comparison pages, feed entries."""
        return (self._memo.hits, self._memo.misses)

    @property
    def drafted(self) -> frozenset[str]:
        """The policies with a draft: each of their pages says one is waiting."""
        return frozenset(draft.policy_id for draft in self._drafts)

    @property
    def views_key(self) -> str:
        """A digest of what the pages' templates are shown beyond each page's own Markdown
        (`PageView`, `SiteView`), for the settings of this build, but `drafted`: the commit
        (every policy, version and date), the uncommitted files that are no draft, and
        every status at the "as of" moment (which moves with the clock). Two builds with
        the same key and drafts show the same page for the same Markdown, except a draft's
        page, which shows its file's front matter as it is now."""
        catalog = self.catalog
        drafts = {draft.path for draft in self._drafts}
        facts = [
            catalog.head,
            [path for path in catalog.uncommitted if path not in drafts],
            [
                [policy.id, policy.status, [[v.label, v.status] for v in policy.versions]]
                for policy in catalog.policies
            ],
        ]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()

    def close(self) -> None:
        """Stop the workers (the stored pages and files can still be read and published)."""
        self._pool.close()
        self.timings["background"] = self._pool.cpu_seconds
        with self._stage("redlines"):
            self._marked_pages.save()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _generate(self) -> Generated:
        index = build_index(self.catalog, self.urls, authors=self._authors, pdf=self._pdf)
        return generate(
            self.catalog, self.urls, index, self._redirected, self._drafts, self._addresses
        )

    def _placed(self, page: GeneratedPage) -> StoredPage:
        digest = self._store.put(page.markdown.encode())
        self._memo.objects_used.append(digest)
        return StoredPage(page.src, digest, page.in_nav, page.view, partial(self._remade, page.src))

    def _remade(self, src: str) -> str:
        """A page that shows no redline, made again (its stored Markdown was damaged): all
        of them are, once, as they are a function of the catalog."""
        if self._regenerated is None:
            self._regenerated = {page.src: page.markdown for page in self._generate().pages}
        return self._regenerated[src]

    def _remade_marked(self, page: MarkedPage) -> str:
        return page.text.markdown(stored_redline(self._store, _pair(*page.texts)))

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
                pages = []
                for listed in run.pages():
                    read = run.read(listed.src)
                    pages.append(GeneratedPage(listed.src, read.markdown, listed.in_nav, read.view))
                stored = [*run.sources, *run.feeds()]
                assets = run.assets + [
                    GeneratedAsset(file.dest, run.content(file)) for file in stored
                ]
                assets += [GeneratedAsset(dest, pdf.get()) for dest, pdf in run.pdfs.items()]
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


def _committed(folder: Path, version: Version) -> Iterator[bytes]:
    """A version's file as committed, read from git again (its copy in the store, made
    as the history was read, was found damaged)."""
    with GitHistory(folder) as history:
        yield committed(history, version)


def _pair(old: Version, new: Version) -> Pair:
    return Pair(old.text_id, new.text_id, old.body, new.body)


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
