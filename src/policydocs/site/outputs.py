"""Every file the policy site writes, where each comes from, and the one rule they obey:
no two in the same place.

The places come from the URL scheme itself (`UrlScheme`), for every id and label a
policy ever had: a policy named `rss.xml` would put its page in a folder where the
site-wide feed is, a version labelled `history` its page on the history page, `Terms.md`
beside `terms.md` two files in one on a file system that does not tell capitals apart
(`index.md` would be the home page). Whatever clashes is found here, before anything is
written, and named by the file, commit and field it comes from, with both URLs; a site
generator adds its own files (`taken`). The build, `policydocs check` and `policydocs new`
all ask this module, so they agree.

A former id (a name before a rename) whose pages cannot be published (it cannot be a
URL, or its pages would be where something else is) gets none, and a note says so:
nothing can have been published there, the policy's versions are all at its current
URLs, and a merged history cannot be changed to please a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from policydocs.core.errors import Problems
from policydocs.history.model import Catalog, Policy, Version, is_policy_id
from policydocs.site.urls import FEED_FILES, UrlScheme

#: How messages name each kind of feed.
_FEED_NAMES = {"rss": "RSS feed", "atom": "Atom feed", "json": "JSON Feed"}
_SKIP_HINT = "or, once it is merged, list the commit in 'skip_commits'"


@dataclass(frozen=True)
class Output:
    """One file of the site, and where it comes from."""

    #: Its path below the site root.
    file: str
    #: Its URL from the site root (a page's folder, for directory URLs).
    url: str
    #: What it is, for messages: "the site-wide RSS feed", "the page of policy 'terms'".
    what: str
    #: The repository file it comes from (None for what every site has), the commit and
    #: the front matter field; and how to move it elsewhere.
    path: str | None = None
    commit: str | None = None
    field: str | None = None
    fix: str = "rename it"


@dataclass(frozen=True)
class Label:
    """A version's label, and where it comes from."""

    label: str
    path: str | None = None
    commit: str | None = None
    #: "version" when the front matter gave it (else it is the effective date).
    field: str | None = None


@dataclass(frozen=True)
class Checked:
    """What the site may write: `problems` holds the clashes (errors) and says which
    former ids get no pages, and why (information); `redirected` holds each policy's
    former ids that get pages (redirects and raw sources)."""

    problems: Problems
    redirected: dict[str, list[str]]
    #: Each policy's `redirect_from` addresses that get a redirect page (their sources).
    addresses: dict[str, list[str]] = field(default_factory=dict)


def site_outputs(urls: UrlScheme, *, feeds: bool) -> list[Output]:
    """The engine's files that belong to no policy (the home page first)."""
    outputs = [
        _page(urls, urls.home_src(), "the home page"),
        Output(urls.index_dest(), urls.index_dest(), "the index of every version"),
    ]
    if feeds:
        for kind in FEED_FILES:
            dest = urls.feed_dest(None, kind)
            outputs.append(Output(dest, dest, f"the site-wide {_FEED_NAMES[kind]}"))
            every = urls.feed_dest(None, kind, every=True)
            outputs.append(Output(every, every, f"the {_FEED_NAMES[kind]} of every change"))
        for dest, what in [
            (urls.feed_stylesheet_dest(), "the feeds' stylesheet"),
            (urls.calendar_dest(None), "the site-wide calendar"),
        ]:
            outputs.append(Output(dest, dest, what))
    return outputs


def policy_outputs(
    urls: UrlScheme,
    pid: str,
    labels: Sequence[Label],
    *,
    feeds: bool,
    path: str | None = None,
    commit: str | None = None,
) -> Iterator[Output]:
    """The files of a policy with the id `pid` and these versions' labels (its redirects
    too, for a former id): its pages, each version's pages, raw source and PDF, its feeds. A
    version's changes and comparison pages are counted for every version: they sit in
    the version's folder, where nothing else can be."""
    policy = {"path": path, "commit": commit, "fix": "rename the file"}
    name = f"'{pid}'"
    yield _page(urls, urls.current_src(pid), f"the page of policy {name}", **policy)
    yield _page(urls, urls.history_src(pid), f"the history page of {name}", **policy)
    yield _page(urls, urls.draft_src(pid), f"the draft page of {name}", **policy)
    if feeds:
        for kind in FEED_FILES:
            dest = urls.feed_dest(pid, kind)
            yield Output(dest, dest, f"the {_FEED_NAMES[kind]} of {name}", **policy)  # type: ignore[arg-type]
        dest = urls.calendar_dest(pid)
        yield Output(dest, dest, f"the calendar of {name}", **policy)  # type: ignore[arg-type]
    for label in labels:
        fix = (
            f"change its 'version' {_SKIP_HINT}" if label.field else f"rename the file {_SKIP_HINT}"
        )
        version = {"path": label.path, "commit": label.commit, "field": label.field, "fix": fix}
        of = f"version {label.label} of {name}"
        yield _page(urls, urls.version_src(pid, label.label), f"the page of {of}", **version)
        raw = urls.raw_dest(pid, label.label)
        yield Output(raw, raw, f"the Markdown source of {of}", **version)  # type: ignore[arg-type]
        pdf = urls.pdf_dest(pid, label.label)  # (kept free when `pdf` is off, as pages are)
        yield Output(pdf, pdf, f"the PDF of {of}", **version)  # type: ignore[arg-type]
        yield _page(
            urls, urls.changes_src(pid, label.label), f"the changes page of {of}", **version
        )
        yield _page(
            urls, urls.compare_src(pid, label.label), f"the comparison page of {of}", **version
        )


def check_catalog(
    catalog: Catalog,
    urls: UrlScheme,
    *,
    feeds: bool,
    drafts: Iterable[tuple[str, str]] = (),
    taken: Iterable[Output] = (),
) -> Checked:
    """Every file the catalog's site would write, with the draft pages of `drafts` ((id,
    path) of each uncommitted file) and the site generator's own files (`taken`, whose
    home page replaces the engine's): see the module's docstring."""
    problems = Problems()
    places = Places()
    for out in taken:
        places.add(out)
    home, *others = site_outputs(urls, feeds=feeds)
    if places.at(home.file) is None:
        _report(places.add(home), home, problems)
    for out in others:
        _report(places.add(out), out, problems)
    for policy in catalog.policies:
        labels = [_label(version) for version in policy.versions]
        path, commit = _named(catalog, policy, policy.id)
        for out in policy_outputs(urls, policy.id, labels, feeds=feeds, path=path, commit=commit):
            _report(places.add(out), out, problems)
    for out in _attachment_outputs(catalog, urls):
        _report(places.add(out), out, problems)
    published = {policy.id for policy in catalog.policies}
    for pid, path in drafts:
        where = f"{path} (uncommitted)"
        if not is_policy_id(pid):
            problems.error(_NOT_A_SEGMENT, path=where)
        elif pid not in published:
            for out in policy_outputs(urls, pid, [], feeds=feeds, path=where):
                _report(places.add(out), out, problems)
    redirected = _former_ids(catalog, urls, places, published, problems)
    return Checked(problems, redirected, _addresses(catalog, urls, places, problems))


def _attachment_outputs(catalog: Catalog, urls: UrlScheme) -> list[Output]:
    """The files beside the policies that texts link to, each once (two files that make
    one name are two outputs, which clash, unless they hold the same bytes)."""
    outputs: dict[tuple[str, str], Output] = {}
    for (commit, path), file in sorted(catalog.attachments.items()):
        dest = urls.attachment_dest(file)
        if dest is not None and (dest, file.blob) not in outputs:
            what = f"the file {file.name} a policy links to"
            outputs[(dest, file.blob)] = Output(dest, dest, what, path=path, commit=commit)
    return list(outputs.values())


def check_files(
    urls: UrlScheme, files: Iterable[tuple[str, str, Sequence[Label]]], *, feeds: bool = True
) -> Problems:
    """The files policy files would publish, given as (id, repository path, labels of the
    versions they declare), checked as the build checks a catalog's: for `policydocs
    check` and `policydocs new`, before anything is committed."""
    problems = Problems()
    places = Places()
    for out in site_outputs(urls, feeds=feeds):
        places.add(out)
    for pid, path, labels in files:
        if not is_policy_id(pid):
            problems.error(_NOT_A_SEGMENT, path=path)
            continue
        for out in policy_outputs(urls, pid, labels, feeds=feeds, path=path):
            _report(places.add(out), out, problems)
    return problems


_NOT_A_SEGMENT = (
    "the file's path becomes the policy's URL: use letters, digits, '.', '_' or '-' "
    "(at most 200 per folder or file name)"
)


def _former_ids(
    catalog: Catalog, urls: UrlScheme, places: Places, published: set[str], problems: Problems
) -> dict[str, list[str]]:
    redirected: dict[str, list[str]] = {}
    for policy in catalog.policies:
        kept = redirected.setdefault(policy.id, [])
        for former in policy.former_ids:
            if former in published:
                continue  # another policy has the name now: its pages are that one's
            reason = _cannot_redirect(urls, policy, former, places)
            if reason is None:
                kept.append(former)
                continue
            path, commit = _named(catalog, policy, former)
            problems.info(
                f"no pages redirect from this former name of {policy.path}: {reason}",
                path=path,
                commit=commit,
            )
    return redirected


def _addresses(
    catalog: Catalog, urls: UrlScheme, places: Places, problems: Problems
) -> dict[str, list[str]]:
    """The `redirect_from` addresses that get redirect pages; one that cannot (not a
    folder address, or where another file is) is said, as information: the address
    was another site's, and the policy's own pages are all published."""
    addresses: dict[str, list[str]] = {}
    for policy in catalog.policies:
        for address in policy.redirect_from:
            version = next(v for v in policy.versions if address in v.redirect_from)
            where = {"path": version.path, "commit": version.commit.sha}
            src = urls.address_src(address)
            if src is None:
                problems.info(
                    f"no page redirects from 'redirect_from' {address!r}: only a folder "
                    "address made of plain names (such as /privacy-policy/) can have one",
                    **where,
                )
                continue
            out = _page(urls, src, f"the redirect from {address!r} to {policy.id!r}")
            other = places.clash(out)
            if other is not None:
                problems.info(
                    f"no page redirects from 'redirect_from' {address!r}: {other.what} is "
                    f"at /{out.url}",
                    **where,
                )
                continue
            places.add(out)
            addresses.setdefault(policy.id, []).append(src)
    return addresses


def _cannot_redirect(urls: UrlScheme, policy: Policy, former: str, places: Places) -> str | None:
    """Why a former id's pages cannot be published; None if they can (then they are
    added to `places`)."""
    if not is_policy_id(former):
        return "it cannot be a URL"
    labels = [Label(version.label) for version in policy.versions]
    outputs = list(policy_outputs(urls, former, labels, feeds=False))
    for out in outputs:
        other = places.clash(out)
        if other is not None:
            return f"{out.what} would be at /{out.url}, where {other.what} is"
    for out in outputs:
        places.add(out)
    return None


def _label(version: Version) -> Label:
    field = "version" if version.label_declared else None
    return Label(version.label, version.path, version.commit.sha, field)


def _named(catalog: Catalog, policy: Policy, pid: str) -> tuple[str, str | None]:
    """The file and commit that first published a version of the policy as `pid`."""
    for version in policy.versions:
        if catalog.selection.policy_id(version.path) == pid:
            return version.path, version.commit.sha
    return policy.path, None


class Places:
    """Files and folders taken so far, compared without case (sites are checked out and
    served on file systems that do not tell `Terms` from `terms`)."""

    def __init__(self) -> None:
        self._files: dict[str, Output] = {}
        self._folders: dict[str, Output] = {}

    def at(self, file: str) -> Output | None:
        return self._files.get(file.casefold())

    def clash(self, out: Output) -> Output | None:
        """The output in `out`'s place: the same file, a file where `out` needs a folder,
        or a folder holding files where `out` would be a file."""
        key = out.file.casefold()
        found = self._files.get(key) or self._folders.get(key)
        for folder in _folders(key):
            found = found or self._files.get(folder)
        return found

    def add(self, out: Output) -> Output | None:
        """Take `out`'s place, unless another output is there: then that one."""
        other = self.clash(out)
        if other is None:
            key = out.file.casefold()
            self._files[key] = out
            for folder in _folders(key):
                self._folders.setdefault(folder, out)
        return other


def _folders(key: str) -> Iterator[str]:
    start = 0
    while (slash := key.find("/", start)) >= 0:
        yield key[:slash]
        start = slash + 1


def _report(other: Output | None, new: Output, problems: Problems) -> None:
    """A clash, blamed on the output a file of the repository makes (the newer one if
    both do), with both places."""
    if other is None:
        return
    blamed, there = (new, other) if new.path is not None or other.path is None else (other, new)
    also = f" ({there.path})" if there.path not in (None, blamed.path, there.what) else ""
    exact = blamed.file == there.file or _inside(blamed.file, there.file)
    case = "" if exact else " (they differ only in capitals, which many file systems ignore)"
    fix = (
        blamed.fix
        if there.path is None or there.fix == blamed.fix
        else f"{blamed.fix}, or {there.fix}"
    )
    problems.error(
        f"{blamed.what} would be published at /{blamed.url}, which clashes with "
        f"{there.what}{also} at /{there.url}{case}: {fix}",
        path=blamed.path,
        commit=blamed.commit,
        field=blamed.field,
    )


def _inside(a: str, b: str) -> bool:
    return a.startswith(b + "/") or b.startswith(a + "/")


def _page(urls: UrlScheme, src: str, what: str, **where: str | None) -> Output:
    return Output(urls.page_file(src), urls.url(src), what, **where)  # type: ignore[arg-type]
