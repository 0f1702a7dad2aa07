"""Generate the policy site's files from a catalog, independently of any site generator.

Pages are Markdown files whose front matter names a template; what a template needs beyond
the Markdown (the policy, the version, its links) travels as a `PageView`, which a site
generator adapter hands to the template. Raw sources and versions.json are published as they
are. Everything is a pure function of the catalog, so two builds of one commit are identical.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from types import MappingProxyType

from markupsafe import Markup

from policydocs.history.model import Catalog, Policy, Version
from policydocs.history.selection import resolve_link
from policydocs.redline.engine import Redline
from policydocs.site.drafts import Draft
from policydocs.site.switcher import VersionLists
from policydocs.site.urls import UrlScheme

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

#: Part of a stored changes or comparison page's cache key (`PageText.identity`): change it
#: whenever the Markdown made for the same redline and page changes.
_PAGE_FORMAT = "1"

#: Where a hand-written page wants the list of every policy (see README "Home page").
POLICY_LIST_MARKER = "<!-- policydocs:policy-list -->"


#: A link to a policy's file, relative to the file linking (`terms.md#x`,
#: `../privacy/index.md`), inline `](…)` or as a reference `[x]: …`. Two patterns, each
#: starting with a literal that the regex engine searches for quickly: one pattern with
#: both forms and `^` (MULTILINE) tried every position, 35x slower on 30 KB, and this runs
#: on every page and feed entry. The reference form is matched after a newline, so the
#: text is searched with one put in front.
_LINK_TARGET = r"(?P<target>(?![A-Za-z][A-Za-z0-9+.-]*:)[^\s()<>#/][^\s()<>#]*?\.md)(?=[#)\s>]|$)"
_POLICY_LINKS = (
    re.compile(r"(?P<lead>\]\(\s*<?)" + _LINK_TARGET, re.MULTILINE),
    re.compile(r"(?P<lead>\n[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)" + _LINK_TARGET, re.MULTILINE),
)


@dataclass(frozen=True)
class Links:
    """Links between policies are written as between their files, relative to the file
    that links (`terms.md`, `../privacy/index.md`), as in the repository; wherever a text
    is shown they must point at the policy's main page. A link to the policies folder's
    own `index.md` or `README.md` points at the home page.

    Small and picklable: it travels with the workers' jobs, and is part of cache keys."""

    #: (repository path, policy id) of every name a policy's file has had.
    files: frozenset[tuple[str, str]]
    #: The policies folder's repository path ('.' for the repository's root).
    folder: str

    @cached_property
    def _ids(self) -> dict[str, str]:
        return dict(self.files)

    @cached_property
    def _home(self) -> frozenset[str]:
        below = "" if self.folder == "." else self.folder + "/"
        return frozenset((below + "index.md", below + "README.md"))

    def rebase(self, body: str, source: str, target: Callable[[str | None], str]) -> str:
        """`body`, the text of the file at repository path `source`, with each link to a
        policy's file pointing at `target(policy id)`, and each to the folder's home page
        at `target(None)` (relative on site pages, absolute in feeds).

        A link inside inline code is rebased too (a Markdown regex does not see code
        spans); the raw source always keeps the committed text."""

        def rebase(match: re.Match[str]) -> str:
            resolved = resolve_link(source, match["target"])
            if resolved in self._ids:
                return match["lead"] + target(self._ids[resolved])
            if resolved in self._home:
                return match["lead"] + target(None)
            return match[0]

        if ".md" not in body:
            return body
        inline, reference = _POLICY_LINKS
        return reference.sub(rebase, "\n" + inline.sub(rebase, body))[1:]

    def identity(self, urls: UrlScheme) -> str:
        """What the links in every generated text depend on, as part of a cache key."""
        return _links_identity(self, urls)


def links_of(catalog: Catalog, drafts: Sequence[Draft] = ()) -> Links:
    """The links every text of the catalog (and its drafts) may make to a policy."""
    files = {
        (version.path, policy.id) for policy in catalog.policies for version in policy.versions
    }
    files |= {(draft.path, draft.policy_id) for draft in drafts}
    return Links(frozenset(files), catalog.folder)


@lru_cache(maxsize=4)
def _links_identity(links: Links, urls: UrlScheme) -> str:
    """Made once per build, not for each of thousands of keys (sets are sorted: their
    order changes from one process to the next)."""
    return json.dumps([sorted(links.files), links.folder, urls.prefix, urls.use_directory_urls])


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
    #: The repository path of the newer text, which its links are relative to.
    source: str
    urls: UrlScheme

    def markdown(self, redline: Redline) -> str:
        return _page_markdown(
            self.src, self.kind, self.urls, self.title, redline.markdown, self.links, self.source
        )

    @property
    def identity(self) -> str:
        """Everything the Markdown is made from besides the redline (a cache key)."""
        shared = self.links.identity(self.urls)
        return json.dumps([_PAGE_FORMAT, self.src, self.kind, self.title, self.source, shared])


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
        newer = self.texts[1]  # (its links are the ones a reader follows)
        return PageText(self.src, self.kind, title, self.links, newer.path, self.urls)

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
    #: Pages ready now.
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
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
    pages: list[GeneratedPage] = []
    assets: list[GeneratedAsset] = [GeneratedAsset(urls.index_dest(), index)]
    links = links_of(catalog, drafts)
    by_id = {draft.policy_id: draft for draft in drafts}
    pages.append(
        # A site's own page at this address wins: the plugin then leaves this one out.
        GeneratedPage(
            urls.home_src(),
            _markdown({"title": "Policies"}, searchable=False)
            + f"# Policies\n\n{POLICY_LIST_MARKER}\n",
            in_nav=False,
            view=PageView("home", None, None, urls),
        )
    )
    for draft in drafts:
        policy = next((p for p in catalog.policies if p.id == draft.policy_id), None)
        pages.append(
            _page(
                urls.draft_src(draft.policy_id),
                "draft",
                policy,
                None,
                urls,
                title=f"{draft.text.front_matter.title} (unpublished draft)",
                body=draft.redline.markdown,
                links=(links, draft.path),
                redline=draft.redline,
                draft=draft,
            )
        )
    for policy in catalog.policies:
        pages.extend(_policy_pages(policy, urls, links, by_id.get(policy.id)))
        ids = [policy.id, *redirected.get(policy.id, ())]
        assets.extend(
            GeneratedAsset(urls.raw_dest(pid, v.label), v.raw)
            for pid in ids
            for v in policy.versions
        )
        for former in ids[1:]:
            pages.extend(_redirects(former, policy, urls))
        targets = [(src, urls.current(policy)) for src in addresses.get(policy.id, ())]
        pages.extend(_redirect_pages(policy, urls, targets))
    lists = VersionLists(urls)
    pages = [_with_lists(page, lists) for page in pages]
    marked = [
        MarkedPage(kind, policy, version, urls, links, lists)
        for kind in ("changes", "compare")
        for policy in catalog.policies
        for version in policy.versions
        if _has_marked_page(kind, policy, version)
    ]
    return Generated(pages, assets, marked)


def _has_marked_page(kind: str, policy: Policy, version: Version) -> bool:
    if kind == "changes":
        return version.index > 0
    return policy.needs_comparison_page(version)


def _with_lists(page: GeneratedPage, lists: VersionLists) -> GeneratedPage:
    return replace(page, view=replace(page.view, lists=lists))


def _policy_pages(
    policy: Policy,
    urls: UrlScheme,
    links: Links,
    draft: Draft | None,
) -> list[GeneratedPage]:
    main = policy.shown
    in_force = policy.current is not None
    pages = [
        _page(
            urls.current_src(policy.id),
            "current",
            policy,
            main,
            urls,
            title=policy.title,
            body=main.page_body if main else "",
            links=(links, main.path) if main else None,
            in_nav=in_force,
            searchable=in_force,
            draft=draft,
        ),
        _page(
            urls.history_src(policy.id),
            "history",
            policy,
            None,
            urls,
            title=f"{policy.title}: version history",
        ),
    ]
    for version in policy.versions:
        pages.append(
            _page(
                urls.version_src(policy.id, version.label),
                "version",
                policy,
                version,
                urls,
                title=f"{version.title} (version {version.label})",
                body=version.page_body,
                links=(links, version.path),
            )
        )
    return pages


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
    links: tuple[Links, str] | None = None,
    redline: Redline | None = None,
    draft: Draft | None = None,
    in_nav: bool = False,
    searchable: bool = False,
) -> GeneratedPage:
    """A generated Markdown page; `links`: rebase the links of the text `body` is, from
    the file it was at (see `Links`), for `src`."""
    markdown = _page_markdown(
        src, kind, urls, title, body, *(links or (None, "")), searchable=searchable
    )
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
    links: Links | None,
    source: str,
    *,
    searchable: bool = False,
) -> str:
    if links is not None:
        folder = posixpath.dirname(src) or "."

        def target(policy_id: str | None) -> str:
            page = urls.home_src() if policy_id is None else urls.current_src(policy_id)
            return posixpath.relpath(page, folder)

        body = links.rebase(body, source, target)
    meta = {"title": title, "template": TEMPLATES[kind]}
    return _markdown(meta, searchable=searchable) + body


def _markdown(meta: Mapping[str, object], *, searchable: bool) -> str:
    """Front matter for a generated page; only texts in force are offered to site search.
    Written as JSON, which YAML reads as a flow mapping: a tenth of what yaml.safe_dump
    costs, and a site has thousands of these pages."""
    if not searchable:
        meta = {**meta, "search": {"exclude": True}}
    return f"---\n{json.dumps(meta)}\n---\n\n"
