"""The MkDocs plugin: a thin adapter that feeds the engine's generated files into a build.

Generated pages are files in the build's store (see `core.store`), added with
`File.generated(..., abs_src_path=...)`, because other plugins read `abs_src_path` and
crash on content-only files; MkDocs gets their Markdown from `on_page_read_source`, read
through the engine, which checks it against its hash. The store is the cache, where each
file is named by its content, so a rebuild writes only those that changed (without a
cache, a temporary folder). Feeds are copied from it, checked while copied; raw sources
and versions.json are written from memory. Pages that show a redline are made when MkDocs
reads them, last, so that the engine's workers compute the redlines while MkDocs renders
the rest. Once rendered, a generated page waits in the store until it is written (see
`mkdocs_aside`): MkDocs would hold every page at once.
Templates ship in this package and are appended to the theme's search path after the site's
`custom_dir`, so a site can override any of them from its own `overrides/`.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, closing, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from policydocs.builder.run import Run, file_days
from policydocs.builder.sweep import CacheHold
from policydocs.core.errors import PolicyError
from policydocs.core.parallel import Result, workers
from policydocs.core.settings import Settings
from policydocs.core.spill import Spill
from policydocs.core.store import store_in
from policydocs.history.links import targets
from policydocs.history.model import Policy, Status, Version
from policydocs.mkdocs_aside import PagesAside
from policydocs.mkdocs_config import (
    PolicyDocsConfig,
    engine_settings,
    feed_settings,
    reading_of,
)
from policydocs.mkdocs_serve import Built, DirtyRebuilds, state_of
from policydocs.site.html import headings_as_revised
from policydocs.site.outputs import Output
from policydocs.site.pages import (
    POLICY_LIST_MARKER,
    POLICY_TEXT,
    FolderSection,
    PageView,
    SiteView,
)
from policydocs.site.sanitize import page_html
from policydocs.site.urls import UrlScheme

log = get_plugin_logger(__name__)

PACKAGE_DIR = Path(__file__).parent
STYLESHEET = "assets/policydocs/policydocs.css"
#: Files shipped in the package's assets/ folder, published under assets/policydocs/.
PACKAGE_ASSETS = ("policydocs.css", "changes.js", "lookup.js")
#: Material 9's search dialog has no accessible name (axe: aria-dialog-name, serious).
UNNAMED_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_SEARCH_DIALOG = UNNAMED_SEARCH_DIALOG.replace(
    'role="dialog"', 'role="dialog" aria-label="Search"'
)
FEED_KINDS = (
    ("rss", "RSS", "application/rss+xml"),
    ("atom", "Atom", "application/atom+xml"),
    ("json", "JSON Feed", "application/feed+json"),
)


#: Where MkDocs logs what it finds wrong with a page's links, and how (MkDocs 1.6).
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")
_LINK_WARNING = re.compile(
    r"Doc file '(?P<src>.+?)' contains (?:a|an absolute|an unrecognized relative) link "
    r"'(?P<link>.*?)'(?:,| but| which)"
)


class _PastLinks(logging.Filter):
    """MkDocs' warnings about links on pages that show a past version's text (see
    `PageView.past_texts`), taken from its log: that text is published as it was merged
    and cannot be fixed, so a warning there would fail a `--strict` build forever. Each
    version's are reported once, as information (`report`); the current text still warns."""

    def __init__(self, views: dict[str, PageView]):
        super().__init__()
        self._views = views
        self._found: dict[tuple[str, str], tuple[Version, set[str]]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        match = _LINK_WARNING.match(record.getMessage())
        view = self._views.get(match["src"]) if match else None
        texts = view.past_texts if view else ()
        if match is None or not texts:
            return True
        link = match["link"]
        # (a redline's link is the older text's if only that one writes it)
        written = (t for t in texts if any(link == target for target, _ in targets(t.body)))
        version = next(written, None) or next((t for t in texts if link in t.body), texts[0])
        _, links = self._found.setdefault((version.policy_id, version.label), (version, set()))
        links.add(link)
        return False

    def report(self) -> None:
        for (pid, label), (version, links) in sorted(self._found.items()):
            log.info(
                "version %s of %s (%s, commit %s) links to what the site does not have, "
                "kept as written (a published version does not change): %s",
                label,
                pid,
                version.path,
                version.commit.sha[:12],
                ", ".join(f"'{link}'" for link in sorted(links)),
            )
        self._found = {}


def _arrange(items: list[Any], sections: Mapping[str, FolderSection], depth: int) -> None:
    """Title the sections among `items` (at `depth` folders from the site's root) and
    move each folder's own policy page into its section, then go down."""
    for section in [item for item in items if isinstance(item, Section)]:
        pages = _pages(section.children)
        folder = "/".join(pages[0].file.src_uri.split("/")[:depth]) if pages else None
        found = sections.get(folder) if folder is not None else None
        if found is not None:
            section.title = found.title or section.title
            own = [i for i in items if isinstance(i, Page) and i.file.src_uri == found.own_page]
            for page in own:
                items.remove(page)
                section.children.insert(0, page)
                page.parent = section
        _arrange(section.children, sections, depth + 1)


def _retitle(toc: Any, titles: Mapping[str, str]) -> None:
    """A redline page's table of contents lists its headings as revised (`titles`)."""
    for item in toc:
        item.title = titles.get(item.id, item.title)
        _retitle(item.children, titles)


def _pages(items: list[Any]) -> list[Page]:
    """The pages among navigation items, in order, sections' included."""
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found += _pages(item.children)
    return found


class PolicyDocsPlugin(BasePlugin[PolicyDocsConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        #: The catalog and URLs, for pages that list policies; the rest of the engine's
        #: output is in the build's store once on_files has run, and is not kept (memory).
        self._site: SiteView | None = None
        self._serving = False
        #: Under `mkdocs serve --dirty`: what each rebuild keeps of the one before.
        self._dirty: DirtyRebuilds | None = None
        self._env: Any = None
        #: The build in progress until every page is read (see `Run`), the pages it
        #: generated, what their templates show (once read), its feeds (published from its
        #: store: see `_Published`) and the objects it used.
        self._run: Run | None = None
        self._generated: set[str] = set()
        self._views: dict[str, PageView] = {}
        self._feeds: dict[str, _Published] = {}
        self._used: list[str] = []
        #: Feed autodiscovery lines, by policy id (None: the site's), made once per build.
        self._links: dict[str | None, str] = {}
        #: The build's store (a temporary one is removed at the build's end) and hold on
        #: the cache: at its end, it removes the objects the build did not use (see
        #: `builder.sweep`).
        self._stores = ExitStack()
        self._hold = CacheHold(None)
        #: Generated pages' Markdown and HTML, in the store while MkDocs holds the others.
        self._aside: PagesAside | None = None
        #: The day each of the site's own pages last changed in git, by path.
        self._days: dict[str, dt.date] = {}
        #: What MkDocs finds wrong with links on pages of past versions (see `_PastLinks`).
        self._past = _PastLinks(self._views)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"
        self._dirty = DirtyRebuilds() if self._serving and dirty else None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Our templates and stylesheet, unless the plugin is off (`enabled: false`): then
        every other hook finds no build of ours and leaves the site as it is."""
        if not self.config.enabled:
            return config
        config.theme.dirs.append(str(PACKAGE_DIR / "templates"))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return config

    @event_priority(50)  # before plugins that read every file (search, social cards…)
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        if not config.site_url:
            raise PluginError(
                "policydocs: feeds need absolute URLs: set site_url in mkdocs.yml "
                "(for example 'site_url: https://legal.example.com/')"
            )
        self._end_build()  # (a build that stopped without telling us)
        try:
            feeds = feed_settings(
                self.config, config.site_url, config.site_name, reading_of(config)
            )
            drafts = self.config.drafts == "always" or (
                self.config.drafts == "serve" and self._serving
            )
            # MkDocs renders on this core; the redlines are computed on the others.
            settings = self._settings(config)
            store = self._stores.enter_context(store_in(settings.cache_dir))
            self._aside = PagesAside(self._stores.enter_context(closing(Spill(store.folder))))
            self._hold = CacheHold(None if store.temporary else store.folder)
            taken = _own_outputs(files, config)
            run = Run(settings, feeds, drafts, workers(caller_busy=True), store, taken)
        except PolicyError as exc:
            self._end_build()
            raise PluginError(f"policydocs: {exc}") from exc
        self._run = run
        self._site = SiteView(run.catalog, run.urls, settings.show_authors, settings.pdf)
        self._links = {}
        for warning in run.warnings:
            log.warning(str(warning))
        for note in run.notes:
            log.info(str(note))
        if run.catalog.uncommitted:
            log.info("not published until committed: %s", ", ".join(run.catalog.uncommitted))
        with self._files_stage(), _writing_generated_files():
            # What the pages made later (and the feeds) point at until they are made: a file
            # written now, so that `--dirty` (which asks whether the source is newer than
            # the built page, before the page is made) builds them again.
            pending = store.folder / "pending.md"  # (not an object: never swept)
            pending.write_bytes(b"")
            self._generated = set()
            self._views = {}
            self._past = _PastLinks(self._views)
            _PAGES_LOG.addFilter(self._past)
            # In the run's order: MkDocs reads pages in the order they are added, so the
            # pages being made come last, when the workers have made them.
            built = []
            for listed in run.pages():
                inclusion = InclusionLevel.INCLUDED if listed.in_nav else InclusionLevel.NOT_IN_NAV
                path = str(listed.path or pending)  # (a page being made: made when read)
                file = File.generated(config, listed.src, abs_src_path=path, inclusion=inclusion)
                if listed.kind == "home" and _has_page_at(files, file.dest_uri):
                    continue  # the site has its own home page (index.md or README.md)
                files.append(file)
                self._generated.add(listed.src)
                draft = listed.kind == "draft"
                built.append(Built(file.src_uri, path, file.abs_dest_path, draft, listed.policy_id))
            own = {
                file.src_uri: Path(file.abs_src_path)
                for file in files.documentation_pages()
                if file.abs_src_path and file.src_uri not in self._generated
            }
            days = file_days(settings, list(own.values()))
            self._days = {src: days[path] for src, path in own.items()}
            for asset in run.assets:
                files.append(_published_as_is(config, asset.dest, asset.content))
            dated = self._dirty is not None
            for source in run.sources:  # (each version's Markdown, in the store)
                stored = partial(run.publish, source)
                files.append(_published(config, source.dest, run.path(source), dated, stored))
            for name in PACKAGE_ASSETS:
                path = str(PACKAGE_DIR / "assets" / name)
                files.append(File.generated(config, f"assets/policydocs/{name}", abs_src_path=path))
            for dest, pdf in run.pdfs.items():  # (copied once made: waited for in on_env)
                files.append(_published(config, dest, pending, dated, partial(_write_made, pdf)))
            self._feeds = {}
            for dest in run.feed_dests:  # made once every page is read: see on_env
                feed = _published(config, dest, pending, dated)
                files.append(feed)
                self._feeds[dest] = feed
            if self._dirty is not None:
                state = _site_state(config, run, own)
                self._dirty.prepare(Path(config.site_dir), state, run.drafted, built)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Policies grouped by folder, as MkDocs groups pages: each section titled by its
        folder's `_folder.yml` or `.pages` (see `history.folders`), and a folder's own
        policy (`privacy` beside `privacy/eu`) first in its section. A site that writes
        its own `nav` keeps it as written."""
        if self._site is None or config.nav is not None:
            return nav
        _arrange(nav.items, self._site.sections(), depth=1)
        pages = _pages(nav.items)
        for index, page in enumerate(pages):  # (the footer's links follow the new order)
            page.previous_page = pages[index - 1] if index else None
            page.next_page = pages[index + 1] if index + 1 < len(pages) else None
        nav.pages = pages
        if self._dirty is not None:
            _keep_shown(files, self._dirty)
        return nav

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """A generated page's Markdown, checked against its hash (see `Run.read`); a
        changes or comparison page being made is waited for."""
        src = page.file.src_uri
        if self._run is None or src not in self._generated:
            return None  # one of the site's own pages
        with self._files_stage(), _writing_generated_files():
            read = self._run.read(src)
        page.file.abs_src_path = str(read.path)  # (for other plugins: the page's own file)
        self._views[src] = read.view
        return read.markdown

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """A generated page's title is a policy's title as its editor wrote it, but MkDocs
        and Material print page titles as HTML (in the head, the navigation, the search
        index): escaped here, so that 'Use of <Product> & Services' shows as written, and
        a title can never run a script."""
        title = page.meta.get("title")
        if page.file.src_uri in self._generated and isinstance(title, str):
            page.meta["title"] = html.escape(title)
        day = self._page_day(page.file.src_uri, markdown)
        if day is not None:
            page.update_date = day.isoformat()
        return markdown

    def _page_day(self, src: str, markdown: str) -> dt.date | None:
        """The day a page last changed, from git: MkDocs dates every page by the build's
        clock, and the sitemap shows it (set as pages are read: the sitemap is written
        before they are built). A policy's pages change with the policy; a page listing
        the policies with any of them."""
        if self._site is None:
            return None
        view = self._view(src)
        if view is not None and view.policy is not None:
            return view.policy.last_changed
        days = [self._days[src]] if src in self._days else []
        if view is not None or POLICY_LIST_MARKER in markdown:
            days.append(self._site.catalog.last_changed)
        return max(days, default=None)

    def _page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A policy's text, rendered, cut to the allowlist (`site.sanitize.page_html`) unless
        the site trusts its editors (`raw_html: trust`): no policy can run a script on the
        site or load anything from elsewhere."""
        view = self._view(page.file.src_uri)
        if view is not None and view.redline is not None:
            _retitle(page.toc, headings_as_revised(html))
        if view is None or view.kind not in POLICY_TEXT or self.config.raw_html == "trust":
            return html
        return page_html(html)

    @event_priority(-1000)  # after every plugin's
    def _set_aside(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """A generated page, rendered, is kept in the store until it is written (see
        `mkdocs_aside`)."""
        if self._aside is None or page.file.src_uri not in self._generated:
            return html
        try:
            return self._aside.set_aside(page, html)
        except PolicyError as exc:  # (a cache folder full or gone)
            raise PluginError(f"policydocs: {exc}") from exc

    on_page_content = CombinedEvent(_page_content, _set_aside)

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        """Every page is read, so every redline made: the feeds are made now, before MkDocs
        copies static files and builds the pages (their entries were rendered by the workers
        meanwhile), while it holds less than it will at the end of the build."""
        self._env = env
        if self._run is not None:
            with _writing_generated_files():
                for stored in self._run.feeds():  # each written as it is made (it can be large)
                    feed = self._feeds[stored.dest]
                    feed.abs_src_path = str(self._run.path(stored))
                    feed.publish = partial(self._run.publish, stored)
                for pdf in self._run.pdfs.values():  # (made before the workers stop)
                    pdf.get()
            self._used = self._run.objects_used
            self._close_run()
        return env

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Every file is read and copied: the cache sheds the objects this build did not
        use (logged at debug, with its time, as the engine's stages are)."""
        start = time.perf_counter()
        swept = self._hold.sweep(self._used)
        if swept is not None:
            log.debug(
                "cache: %d files no longer used removed (%.1f MB)",
                swept.files,
                swept.size / 1e6,
                extra={"policydocs_timings": {"sweep": time.perf_counter() - start}},
            )
        self._past.report()
        self._end_build()

    @event_priority(1000)  # before every plugin's
    def _bring_back(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self._aside is not None:
            self._aside.bring_back(page)
        return context

    def _page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        ours = cast("dict[str, Any]", context)  # (MkDocs types only the keys it sets)
        file = page.file
        if self._dirty is not None and file.abs_src_path:
            self._dirty.read(file.src_uri, file.abs_src_path, page.title, page.update_date)
        view = self._view(page.file.src_uri)
        if view is not None:
            ours["policydocs"] = view
            if view.kind == "version" and self._site is not None:
                self._canonical(page, view, config, self._site.urls)
        if self._site is not None:
            ours["policydocs_site"] = self._site
            if page.content and POLICY_LIST_MARKER in page.content:
                template = self._env.get_template("policydocs/partials/policy_list.html")
                page.content = page.content.replace(POLICY_LIST_MARKER, template.render(context))
        return context

    on_page_context = CombinedEvent(_bring_back, _page_context)

    def _post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Feed autodiscovery in every page's head: the site's feeds, and on a policy's
        pages the policy's own; and a name for Material's search dialog. (In HTML, not a
        template, so that a site's own main.html needs no change.)"""
        if self._site is None or "</head>" not in output:
            return output
        view = self._view(page.file.src_uri)
        policy = view.policy if view is not None else None
        site = self._feed_links(None, config, self._site.urls)
        tags = site + (self._feed_links(policy, config, self._site.urls) if policy else "")
        if self.config.noindex_old_versions and _out_of_force(view):
            tags += '<meta name="robots" content="noindex">\n'
        head = output.index("</head>")
        output = output[:head] + tags + output[head:]
        return output.replace(UNNAMED_SEARCH_DIALOG, NAMED_SEARCH_DIALOG, 1)

    @event_priority(-1000)  # after every plugin's
    def _let_go(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self._aside is not None and page.file.src_uri in self._generated:
            self._aside.let_go(page)
        return output

    on_post_page = CombinedEvent(_post_page, _let_go)

    @staticmethod
    def _canonical(page: Page, view: PageView, config: MkDocsConfig, urls: UrlScheme) -> None:
        """The version in force's own page shows the text its policy's page shows: search
        engines are told the policy's page is the one to list."""
        policy, version = view.policy, view.version
        if policy is not None and version is not None and version.status is Status.CURRENT:
            page.canonical_url = urljoin(config.site_url or "", urls.current(policy))

    def _feed_links(self, policy: Policy | None, config: MkDocsConfig, urls: UrlScheme) -> str:
        """The `<link>` lines of the site's feeds or a policy's: made once per build, as
        every page carries them (made for each of 3,000 pages, they cost 0.3 s).

        Material's script takes every `link[rel=alternate]` for a translation of the site
        and fetches a `sitemap.xml` beside it: two failed requests per page view for feeds
        outside the site's root folder. Those links are written inside `<noscript>`, valid
        in a head: feed readers, which find feeds in the HTML without running scripts,
        read them; a browser running scripts, and so Material, does not."""
        key = policy.id if policy else None
        if key not in self._links:
            title = f"{policy.title}: changes" if policy else "all policy changes"
            tags = []
            for kind, name, mime in FEED_KINDS:
                href = urljoin(config.site_url or "", urls.feed_dest(key, kind))
                label = html.escape(f"{config.site_name}: {title} ({name})")
                tags.append(
                    f'<link rel="alternate" type="{mime}" title="{label}" '
                    f'href="{html.escape(href)}">\n'
                )
            links = "".join(tags)
            beside_sitemap = "/" not in urls.feed_dest(key, "rss")
            self._links[key] = links if beside_sitemap else f"<noscript>\n{links}</noscript>\n"
        return self._links[key]

    def on_build_error(self, error: Exception) -> None:
        self._end_build()

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled:
            server.watch(str(Path(config.config_file_path).parent / self.config.policies_dir))
        return server

    def on_shutdown(self) -> None:
        # MkDocs keeps plugin instances for the life of the process: forget this command.
        self._serving = False
        self._end_build()

    def _view(self, src: str) -> PageView | None:
        return self._views.get(src)

    def _close_run(self) -> None:
        """Stop the workers; log the stages' timings (at debug, and for benchmarks). The
        run's store is read until the build ends (its feeds are published from it)."""
        if self._run is not None:
            self._run.close()
            _log_timings(self._run)
            self._run = None

    def _end_build(self) -> None:
        """Let go of the build: its workers, its hold on the cache, a temporary store."""
        self._close_run()
        _PAGES_LOG.removeFilter(self._past)
        self._feeds = {}
        self._used = []
        self._hold.release()
        self._aside = None
        self._stores.close()

    @contextmanager
    def _files_stage(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            if self._run is not None:
                timings = self._run.timings
                timings["files"] = timings.get("files", 0.0) + time.perf_counter() - start

    def _settings(self, config: MkDocsConfig) -> Settings:
        folder = Path(config.config_file_path).parent
        return engine_settings(self.config, folder, config.use_directory_urls)


@contextmanager
def _writing_generated_files() -> Iterator[None]:
    """A generated file that cannot be written is a build error naming it, not a traceback."""
    try:
        yield
    except PolicyError as exc:
        raise PluginError(f"policydocs: {exc}") from exc
    except OSError as exc:
        raise PluginError(f"policydocs: cannot write generated files: {exc}") from exc


def _own_outputs(files: Files, config: MkDocsConfig) -> list[Output]:
    """The files MkDocs writes that are not the engine's: the site's own pages and files,
    the theme's, its templates' output (the sitemap, the 404 page) and ours."""
    docs = Path(config.docs_dir)
    outputs = []
    for file in files:
        dest = file.dest_uri
        folder = config.use_directory_urls and (
            dest == "index.html" or dest.endswith("/index.html")
        )
        url = dest.removesuffix("index.html") if folder else dest
        if file.src_dir is not None and Path(file.src_dir) == docs:
            path = f"{docs.name}/{file.src_uri}"
            fix = f"rename {path}, or set the plugin's 'url_prefix'"
            outputs.append(Output(dest, url, path, path=path, fix=fix))
        else:
            outputs.append(Output(dest, url, f"the theme's {file.src_uri}"))
    for name in config.theme.static_templates:
        names = [name, f"{name}.gz"] if name == "sitemap.xml" else [name]
        outputs += [Output(each, each, f"MkDocs' {each}") for each in names]
    for name in PACKAGE_ASSETS:
        dest = f"assets/policydocs/{name}"
        outputs.append(Output(dest, dest, f"policydocs' {dest}"))
    return outputs


#: The statuses of versions not (or never) in force: their pages are kept out of search
#: engines' indexes (`noindex_old_versions`).
_OUT_OF_FORCE = frozenset({Status.ARCHIVED, Status.WITHDRAWN, Status.NEVER_TOOK_EFFECT})


def _out_of_force(view: PageView | None) -> bool:
    """A page of a version not in force: its own page, its changes or its comparison."""
    return (
        view is not None
        and view.kind in ("version", "changes", "compare")
        and view.version is not None
        and view.version.status in _OUT_OF_FORCE
    )


def _site_state(config: MkDocsConfig, run: Run, own: Mapping[str, Path]) -> str:
    """Everything a page's output depends on but its source (see `mkdocs_serve`): the
    configuration, what the templates are shown, the site's own pages and overrides."""
    custom = config.theme.custom_dir
    overrides = [path for path in Path(custom).rglob("*") if path.is_file()] if custom else []
    config_file = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    return state_of(config_file, run.views_key, files=[*own.values(), *overrides])


def _keep_shown(files: Files, dirty: DirtyRebuilds) -> None:
    """Under `serve --dirty`, the pages MkDocs will not read keep the title (in the
    navigation) and date (in the sitemap) the build that read them gave them."""
    for file in files.documentation_pages():
        shown = dirty.shown(file.src_uri)
        if file.page is not None and shown is not None and not file.is_modified():
            file.page.title, file.page.update_date = shown


def _has_page_at(files: Files, dest_uri: str) -> bool:
    return any(file.dest_uri == dest_uri for file in files.documentation_pages())


def _published_as_is(config: MkDocsConfig, dest: str, content: bytes) -> File:
    """A generated file written to `dest` as it is, even when `dest` ends in `.md`."""
    file = File(_as_is(dest), None, config.site_dir, config.use_directory_urls, dest_uri=dest)
    file.generated_by = "policydocs"
    file.content_bytes = content
    return file


def _published(
    config: MkDocsConfig,
    dest: str,
    source: Path,
    dated: bool,
    publish: Callable[[Path], None] | None = None,
) -> _Published:
    """A generated file copied to `dest` as it is by `publish` (given later where it is
    not made yet); `source` is where it is, for `--dirty` to compare with the site's
    where `dated` (see `_Published.dated`)."""
    use_urls = config.use_directory_urls
    file = _Published(_as_is(dest), None, config.site_dir, use_urls, dest_uri=dest)
    file.generated_by = "policydocs"
    file.abs_src_path = str(source)
    file.publish = publish
    file.dated = dated
    return file


def _as_is(dest: str) -> str:
    """The name MkDocs is given for a file published as it is: not a page's, even where
    `dest` ends in `.md` (a version's Markdown source)."""
    return f"{dest}.txt" if dest.endswith(".md") else dest


class _Published(File):
    """A generated file in the build's store (a feed, a version's Markdown source) or made
    by the workers (a PDF), which MkDocs copies to the site: `publish` checks a stored
    file while it is copied and makes it again if it is damaged."""

    publish: Callable[[Path], None] | None = None
    #: Whether the site's copy, where it is newer, is this file. Only under `serve
    #: --dirty`, whose rebuilds empty the site folder when anything but a page's own
    #: source changed (see `mkdocs_serve`). Elsewhere a date proves nothing (a build of
    #: another branch left the site's copy; a store object older than it is found again):
    #: the file is always published.
    dated = False

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and self.dated and not self.is_modified():
            return
        if self.publish is None:
            raise PluginError(f"policydocs: {self.dest_uri} was not made")
        with _writing_generated_files():
            self.publish(Path(self.abs_dest_path))


def _write_made(made: Result[bytes], dest: Path) -> None:
    """A file made by the workers (a PDF), read from the store, written at `dest`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(made.get())


def _log_timings(run: Run) -> None:
    """The engine's stages at debug level (`mkdocs build -v`); benchmarks read `extra`."""
    hits, misses = run.cache_stats
    log.debug(
        "engine stages: %s; cache (changes and comparison pages, feed entries): %d hits, %d misses",
        ", ".join(f"{name} {seconds:.3f} s" for name, seconds in run.timings.items()),
        hits,
        misses,
        extra={"policydocs_timings": dict(run.timings)},
    )
