"""Generate the policy site's files from a catalog, independently of any site generator.

Pages are Markdown files whose front matter names a template; what a template needs beyond
the Markdown (the policy, the version, its links) travels as a `PageView`, which a site
generator adapter hands to the template. Raw sources and versions.json are published as they
are. Everything is a pure function of the catalog, so two builds of one commit are identical.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from types import MappingProxyType

from markupsafe import Markup

from policydocs.history import links as repo_links
from policydocs.history.model import Catalog, Policy, Version
from policydocs.redline.result import Redline
from policydocs.site.drafts import Draft
from policydocs.site.lookup import lookup_data
from policydocs.site.switcher import VersionLists
from policydocs.site.urls import UrlScheme

#: The (repository path, commit) of each text a page or an entry is made from.
Texts = tuple[tuple[str, str], ...]

#: Redlines by (policy id, version label), for every version after a policy's first.
Redlines = dict[tuple[str, str], Redline]

TEMPLATES = {
    "current": "policydocs/current.html",
    "version": "policydocs/version.html",
    "history": "policydocs/history.html",
    "changes": "policydocs/changes.html",
    "compare": "policydocs/compare.html",
    "draft": "policydocs/draft.html",
    "redirect": "policydocs/redirect.html",
}

#: The kinds of page that show a policy's text (a version's, or a draft's).
POLICY_TEXT = frozenset({"current", "version", "changes", "compare", "draft"})

#: Part of a stored changes or comparison page's cache key (`PageText.identity`): change it
#: whenever the Markdown made for the same redline and page changes.
_PAGE_FORMAT = "1"

#: Where a hand-written page wants the list of every policy (see README "Home page").
POLICY_LIST_MARKER = "<!-- policydocs:policy-list -->"


@dataclass(frozen=True)
class Links:
    """Links between policies are written as between their files, relative to the file
    that links (`terms.md`, `../privacy/index.md`), as in the repository; wherever a text
    is shown they must point at the policy's main page. A link to the policies folder's
    own `index.md` or `README.md` points at the home page, and one to a file beside the
    policies at the file as the text's commit had it (`history.attachments`).

    Small and picklable: it travels with the workers' jobs, and is part of cache keys."""

    #: (repository path, policy id) of every name a policy's file has had.
    files: frozenset[tuple[str, str]]
    #: The policies folder's repository path ('.' for the repository's root).
    folder: str
    urls: UrlScheme
    #: (commit, repository path, where the site publishes it) of every file a text links to.
    attached: frozenset[tuple[str, str, str]] = frozenset()

    @cached_property
    def _ids(self) -> dict[str, str]:
        return dict(self.files)

    @cached_property
    def _files(self) -> dict[tuple[str, str], str]:
        return {(commit, path): dest for commit, path, dest in self.attached}

    @cached_property
    def _home(self) -> frozenset[str]:
        below = "" if self.folder == "." else self.folder + "/"
        return frozenset((below + "index.md", below + "README.md"))

    def rebase(self, body: str, texts: Texts, target: Callable[[str], str]) -> str:
        """`body`, made from the `texts` ((repository path, commit) of each: a redline is
        made from two), with each link to a policy's file, the home page or a file beside
        the policies pointing at `target(its source or file in the site)` (relative on
        site pages, absolute in feeds). A link is read as written by the first of the
        texts in which it names something: a redline's deleted words link to the older
        text's files.

        A link inside inline code is rebased too (a Markdown regex does not see code
        spans); the raw source always keeps the committed text."""

        def rebase(link: str) -> str | None:
            for source, commit in texts:
                resolved = repo_links.resolve(source, link)
                if resolved is None:
                    return None
                if resolved in self._ids:
                    return target(self.urls.current_src(self._ids[resolved]))
                if resolved in self._home:
                    return target(self.urls.home_src())
                dest = self._files.get((commit, resolved))
                if dest is not None:
                    return target(dest)
            return None

        if "](" not in body and "]:" not in body:
            return body
        return repo_links.sub(body, rebase)

    def identity(self) -> str:
        """What the links in every generated text depend on, as part of a cache key (with
        `files_of` the text's: a new commit's files must not make every page new)."""
        return _links_identity(self)

    def files_of(self, texts: Texts) -> list[tuple[str, str, str]]:
        """The files beside the policies that the `texts`' commits link to (a cache key's)."""
        return [entry for _, commit in texts for entry in self._by_commit.get(commit, ())]

    @cached_property
    def _by_commit(self) -> dict[str, list[tuple[str, str, str]]]:
        found: dict[str, list[tuple[str, str, str]]] = {}
        for entry in sorted(self.attached):
            found.setdefault(entry[0], []).append(entry)
        return found


def links_of(catalog: Catalog, urls: UrlScheme, drafts: Sequence[Draft] = ()) -> Links:
    """The links every text of the catalog (and its drafts) may make."""
    files = {
        (version.path, policy.id) for policy in catalog.policies for version in policy.versions
    }
    files |= {(draft.path, draft.policy_id) for draft in drafts}
    dests = {key: urls.attachment_dest(file) for key, file in catalog.attachments.items()}
    attached = {(commit, path, dest) for (commit, path), dest in dests.items() if dest}
    return Links(frozenset(files), catalog.folder, urls, frozenset(attached))


@lru_cache(maxsize=4)
def _links_identity(links: Links) -> str:
    """Made once per build, not for each of thousands of keys (sets are sorted: their
    order changes from one process to the next)."""
    urls = links.urls
    return json.dumps([sorted(links.files), links.folder, urls.prefix, urls.use_directory_urls])


#: Where a text comes from, for its links: the site's links, and the (repository path,
#: commit) of each text it is made from (a redline's newer text first).
Origin = tuple[Links, Texts]


@dataclass(frozen=True)
class PageView:
    """What a template is given about the page it renders."""

    kind: str
    #: None only on the draft page of a policy that was never published.
    policy: Policy | None
    #: The version shown: the one in force on a policy's main page (None if none is yet).
    version: Version | None
    urls: UrlScheme
    #: For redirect pages: the URL (from the site root) they send readers to.
    target: str | None = None
    #: For changes pages: the redline against the previous version; for compare pages,
    #: between the version and the one in force (older text first).
    redline: Redline | None = None
    #: An unpublished draft of this policy (shown only when drafts are built).
    draft: Draft | None = None
    #: Shared by all pages: the version switcher's lists, made once per policy and folder.
    lists: VersionLists | None = None

    @property
    def past_texts(self) -> tuple[Version, ...]:
        """The versions whose texts the page shows when they can no longer change (a
        redline's newer one first): any but a published policy's latest version, and every
        redline (the newer text's links are on its version's own page, which says what to
        fix); empty for other pages. A site generator reports what it finds wrong on these
        pages as history, not as something to fix."""
        policy, version = self.policy, self.version
        if policy is None or version is None or self.kind not in POLICY_TEXT:
            return ()
        if self.kind == "changes":
            return (version, policy.versions[version.index - 1])
        if self.kind == "compare":
            pair = policy.with_current(version)
            return (pair[1], pair[0]) if pair else (version,)
        if policy.withdrawal is not None or version is not policy.latest:
            return (version,)
        return ()

    def lookup(self, page_url: str) -> Markup:
        """For the history page's "which version applied on this day?" (`site.lookup`)."""
        return lookup_data(self.policy, self.urls, page_url) if self.policy else Markup("[]")

    def version_list(self, page_url: str) -> Markup:
        """The switcher's `<li>` items for the page at `page_url`."""
        if self.policy is None or self.lists is None:
            return Markup("")
        return self.lists.html(self.policy, page_url, self.version, self.kind)


@dataclass(frozen=True)
class SiteView:
    """What any page may show of the whole catalog: the home page's list of policies."""

    catalog: Catalog
    urls: UrlScheme
    #: Whether version pages name the commit's author (`Settings.show_authors`).
    show_authors: bool = False
    #: Whether each version has a PDF to link to (`Settings.pdf`).
    pdf: bool = False

    def sections(self) -> dict[str, FolderSection]:
        """The navigation's sections: one per folder of policies in force, by the folder
        their pages' sources are in (`privacy/eu`, below the URL prefix)."""
        listed = {policy.id for policy in self.catalog.policies if policy.current is not None}
        folders = {
            pid.rsplit("/", depth)[0] for pid in listed for depth in range(1, pid.count("/") + 1)
        }
        titles = self.catalog.folder_titles
        return {
            self.urls.folder_src(folder): FolderSection(
                titles.get(folder),
                self.urls.current_src(folder) if folder in listed else None,
            )
            for folder in sorted(folders)
        }


@dataclass(frozen=True)
class FolderSection:
    """A folder of policies in the navigation."""

    #: From the folder's `_folder.yml` or `.pages` (None: the site generator names it).
    title: str | None
    #: The page of the policy the folder is (`privacy/index.md` beside `privacy/eu.md`),
    #: which belongs at the top of its section rather than beside it.
    own_page: str | None


@dataclass(frozen=True)
class GeneratedPage:
    src: str
    markdown: str
    #: Only a current policy's main page belongs in the site navigation.
    in_nav: bool
    view: PageView


@dataclass(frozen=True)
class StoredPage:
    """A generated page whose Markdown is an object in the build's store (see
    `builder.run.Run.read`); `remake` makes the Markdown again should it be found damaged."""

    src: str
    digest: str
    #: Only a current policy's main page belongs in the site navigation.
    in_nav: bool
    view: PageView
    remake: Callable[[], str]


@dataclass(frozen=True)
class GeneratedAsset:
    dest: str
    content: bytes


@dataclass(frozen=True)
class Source:
    """A version's file as committed, published as it is at `dest` (its Markdown source).
    Its bytes are not held: git has them, and a build's store (see `Version.sha256`)."""

    dest: str
    version: Version


@dataclass(frozen=True)
class StoredFile:
    """A generated file published as it is, an object in the build's store (see
    `builder.run.Run.publish`); `remake` makes its bytes again should it be found damaged."""

    dest: str
    digest: str
    remake: Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class PageText:
    """How a changes or comparison page's Markdown is made from its redline: small, plain
    and picklable, so that the worker computing a redline makes its page too."""

    src: str
    kind: str  # "changes" or "compare"
    title: str
    links: Links
    #: The (repository path, commit) of the newer and the older text, whose links it shows.
    texts: Texts
    urls: UrlScheme

    def markdown(self, redline: Redline) -> str:
        origin = (self.links, self.texts)
        return _page_markdown(self.src, self.kind, self.urls, self.title, redline.markdown, origin)

    @property
    def identity(self) -> str:
        """Everything the Markdown is made from besides the redline (a cache key)."""
        shared, files = self.links.identity(), self.links.files_of(self.texts)
        made_from = [self.src, self.kind, self.title, self.texts, shared, files]
        return json.dumps([_PAGE_FORMAT, *made_from])


@dataclass(frozen=True)
class MarkedPage:
    """A changes page (a version against the one before it) or a comparison page (a version
    against the one in force), to be made once its redline is computed."""

    kind: str  # "changes" or "compare"
    policy: Policy
    version: Version
    urls: UrlScheme
    links: Links
    lists: VersionLists

    @property
    def key(self) -> tuple[str, str]:
        return (self.policy.id, self.version.label)

    @property
    def src(self) -> str:
        source = self.urls.changes_src if self.kind == "changes" else self.urls.compare_src
        return source(self.policy.id, self.version.label)

    @property
    def texts(self) -> tuple[Version, Version]:
        """The older and the newer text the redline is made from."""
        if self.kind == "changes":
            return (self.policy.versions[self.version.index - 1], self.version)
        pair = self.policy.with_current(self.version)
        assert pair is not None  # only versions that have one are marked pages
        return pair

    @property
    def text(self) -> PageText:
        what = (
            f"changes in version {self.version.label}"
            if self.kind == "changes"
            else f"version {self.version.label} compared with the current version"
        )
        title = f"{self.version.title}: {what}"
        older, newer = self.texts  # (the newer's links are the ones a reader follows)
        texts = ((newer.path, newer.commit.sha), (older.path, older.commit.sha))
        return PageText(self.src, self.kind, title, self.links, texts, self.urls)

    def view(self, redline: Redline) -> PageView:
        """What the page's template is given; `redline` without its marked text (that is
        the page's body, and is not kept twice for the length of a build)."""
        return PageView(
            self.kind,
            self.policy,
            self.version,
            self.urls,
            redline=replace(redline, markdown=""),
            lists=self.lists,
        )


@dataclass(frozen=True)
class Generated:
    #: Pages ready now, each made as it is taken, once: a version's page holds its whole
    #: text, so a long history's pages (2,000 of 200 KB) would be 400 MB held at once.
    pages: Iterator[GeneratedPage]
    assets: list[GeneratedAsset]
    sources: list[Source]
    #: Pages waiting for a redline: every changes page, then every comparison page.
    marked: list[MarkedPage]


def generate(
    catalog: Catalog,
    urls: UrlScheme,
    index: bytes,
    redirected: Mapping[str, Sequence[str]],
    drafts: Sequence[Draft] = (),
    addresses: Mapping[str, Sequence[str]] = MappingProxyType({}),
) -> Generated:
    """All pages and assets of the policy site; `index` is the versions.json to publish;
    `redirected`, each policy's former ids that get pages (see `site.outputs`). Pages that
    show a redline are returned as `MarkedPage`s, made once their redline is."""
    links = links_of(catalog, urls, drafts)
    lists = VersionLists(urls)
    sources = [
        Source(urls.raw_dest(pid, v.label), v)
        for policy in catalog.policies
        for pid in [policy.id, *redirected.get(policy.id, ())]
        for v in policy.versions
    ]
    files = {urls.attachment_dest(file): file.data for file in catalog.attachments.values()}
    assets = [GeneratedAsset(urls.index_dest(), index)]
    assets += [GeneratedAsset(dest, data) for dest, data in sorted(files.items()) if dest]
    pages = _ready_pages(catalog, urls, links, redirected, drafts, addresses)
    # A version's changes page, then its comparison with the version in force: the order
    # their redlines are made in, so that each text is split once, while it is among the
    # newest (`blocks.split` keeps only so much text). Every changes page first, then every
    # comparison, split each text twice: 1,200 splits for 2 x 300 versions of 200 KB, each
    # about 17 ms of a worker's time, against 600 now.
    marked = [
        MarkedPage(kind, policy, version, urls, links, lists)
        for policy in catalog.policies
        for version in policy.versions
        for kind in ("changes", "compare")
        if _has_marked_page(kind, policy, version)
    ]
    return Generated((_with_lists(page, lists) for page in pages), assets, sources, marked)


def _ready_pages(
    catalog: Catalog,
    urls: UrlScheme,
    links: Links,
    redirected: Mapping[str, Sequence[str]],
    drafts: Sequence[Draft],
    addresses: Mapping[str, Sequence[str]],
) -> Iterator[GeneratedPage]:
    """The pages that show no redline, one at a time (see `Generated.pages`)."""
    by_id = {draft.policy_id: draft for draft in drafts}
    # A site's own page at this address wins: the plugin then leaves this one out.
    yield GeneratedPage(
        urls.home_src(),
        _markdown({"title": "Policies"}, searchable=False)
        + f"# Policies\n\n{POLICY_LIST_MARKER}\n",
        in_nav=False,
        view=PageView("home", None, None, urls),
    )
    for draft in drafts:
        policy = next((p for p in catalog.policies if p.id == draft.policy_id), None)
        yield _page(
            urls.draft_src(draft.policy_id),
            "draft",
            policy,
            None,
            urls,
            title=f"{draft.text.front_matter.title} (unpublished draft)",
            body=draft.redline.markdown,
            links=(links, ((draft.path, catalog.head),)),
            redline=draft.redline,
            draft=draft,
        )
    for policy in catalog.policies:
        yield from _policy_pages(policy, urls, (links, catalog.head), by_id.get(policy.id))
        for former in redirected.get(policy.id, ()):
            yield from _redirects(former, policy, urls)
        targets = [(src, urls.current(policy)) for src in addresses.get(policy.id, ())]
        yield from _redirect_pages(policy, urls, targets)


def _has_marked_page(kind: str, policy: Policy, version: Version) -> bool:
    if kind == "changes":
        return version.index > 0
    return policy.needs_comparison_page(version)


def _with_lists(page: GeneratedPage, lists: VersionLists) -> GeneratedPage:
    return replace(page, view=replace(page.view, lists=lists))


def _policy_pages(
    policy: Policy,
    urls: UrlScheme,
    site: tuple[Links, str],
    draft: Draft | None,
) -> Iterator[GeneratedPage]:
    """A policy's pages; `site`: the site's links and HEAD's commit."""
    links, head = site
    main = policy.shown
    in_force = policy.current is not None
    yield _page(
        urls.current_src(policy.id),
        "current",
        policy,
        main,
        urls,
        title=policy.title,
        body=main.page_body if main else "",
        # (the files it links to as they are now, or as its version had them if they
        # are gone: a withdrawn policy's)
        links=(links, ((main.path, head), (main.path, main.commit.sha))) if main else None,
        in_nav=in_force,
        searchable=in_force,
        draft=draft,
    )
    yield _page(
        urls.history_src(policy.id),
        "history",
        policy,
        None,
        urls,
        title=f"{policy.title}: version history",
    )
    for version in policy.versions:
        yield _page(
            urls.version_src(policy.id, version.label),
            "version",
            policy,
            version,
            urls,
            title=f"{version.title} (version {version.label})",
            body=version.page_body,
            links=(links, ((version.path, version.commit.sha),)),
        )


def _redirects(former: str, policy: Policy, urls: UrlScheme) -> list[GeneratedPage]:
    """Pages at a renamed policy's old URLs that send readers to the same page's new URL."""
    targets = [
        (urls.current_src(former), urls.current(policy)),
        (urls.history_src(former), urls.history(policy)),
    ]
    for version in policy.versions:
        targets.append((urls.version_src(former, version.label), urls.version(version)))
        if _has_marked_page("changes", policy, version):
            targets.append((urls.changes_src(former, version.label), urls.changes(version)))
        compared = urls.compare(policy, version)  # (a page of its own, or a changes page)
        if _has_marked_page("compare", policy, version) and compared is not None:
            targets.append((urls.compare_src(former, version.label), compared))
    return _redirect_pages(policy, urls, targets)


def _redirect_pages(
    policy: Policy, urls: UrlScheme, targets: Iterable[tuple[str, str]]
) -> list[GeneratedPage]:
    """Pages at (source) that send readers to (URL): a policy's former addresses."""
    return [
        GeneratedPage(
            src,
            _markdown({"title": policy.title, "template": TEMPLATES["redirect"]}, searchable=False),
            in_nav=False,
            view=PageView("redirect", policy, None, urls, target=target),
        )
        for src, target in targets
    ]


def _page(
    src: str,
    kind: str,
    policy: Policy | None,
    version: Version | None,
    urls: UrlScheme,
    *,
    title: str,
    body: str = "",
    links: Origin | None = None,
    redline: Redline | None = None,
    draft: Draft | None = None,
    in_nav: bool = False,
    searchable: bool = False,
) -> GeneratedPage:
    """A generated Markdown page; `links`: rebase the links of the text `body` is, from
    the file and commit it was at (see `Links`), for `src`."""
    markdown = _page_markdown(src, kind, urls, title, body, links, searchable=searchable)
    return GeneratedPage(
        src,
        markdown,
        in_nav=in_nav,
        # Templates need a redline's counts and sections; its marked text is this page's
        # body, and is not kept twice for the length of a build.
        view=PageView(
            kind,
            policy,
            version,
            urls,
            redline=replace(redline, markdown="") if redline else None,
            draft=draft,
        ),
    )


def _page_markdown(
    src: str,
    kind: str,
    urls: UrlScheme,
    title: str,
    body: str,
    origin: Origin | None,
    *,
    searchable: bool = False,
) -> str:
    if origin is not None:
        folder = posixpath.dirname(src) or "."
        links, texts = origin
        body = links.rebase(body, texts, lambda path: posixpath.relpath(path, folder))
    meta = {"title": title, "template": TEMPLATES[kind]}
    return _markdown(meta, searchable=searchable) + body


def _markdown(meta: Mapping[str, object], *, searchable: bool) -> str:
    """Front matter for a generated page; only texts in force are offered to site search.
    Written as JSON, which YAML reads as a flow mapping: a tenth of what yaml.safe_dump
    costs, and a site has thousands of these pages."""
    if not searchable:
        meta = {**meta, "search": {"exclude": True}}
    return f"---\n{json.dumps(meta)}\n---\n\n"
