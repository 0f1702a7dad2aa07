"""RSS 2.0 and Atom 1.0 feeds of policy changes, with the substance in every entry.

One entry per version, dated when the revision was published (merged): for a future
effective date that is the advance notice, so the title says when it takes effect. One
entry per withdrawal (the policy's file deleted), dated by its commit: a change too. Entries
carry the summary, the changed sections and the redline, as sanitised HTML with absolute
links (feed readers render it; a policy's raw HTML must not run there). Everything comes
from git: a feed's own date is its newest entry's, never the build clock, and entry ids are
tag URIs that never change.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache as cache_once
from functools import partial
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from feedgen.feed import FeedGenerator
from feedgen.version import version_str as feedgen_version
from lxml import etree
from markdown import __version__ as markdown_version

from policydocs.core.errors import PolicyError, shown
from policydocs.core.memo import Memo
from policydocs.core.parallel import Result
from policydocs.core.store import Store
from policydocs.history.model import Catalog, Policy, Version, Withdrawal, long_date
from policydocs.redline.engine import ENGINE_VERSION
from policydocs.redline.stored import Pair, stored_redline
from policydocs.site.html import to_html
from policydocs.site.pages import StoredFile, links_identity, rebase_policy_links
from policydocs.site.sanitize import feed_html
from policydocs.site.urls import UrlScheme

#: A raw HTML block inserted or deleted: its source is shown on the changes page, not here.
_HTML_BLOCK = re.compile(
    r'<pre class="pd-(ins|del) pd-block[^"]*"[^>]*data-pd-kind="html_block"[^>]*>.*?</pre>'
)


#: Part of every rendered entry's cache key: change it when rendering or sanitising changes.
_RENDERING = f"3/markdown-{markdown_version}"

#: Part of every stored feed file's cache key: change it when feeds are made differently.
_FEEDS = f"3/feedgen-{feedgen_version}/lxml-{etree.__version__}"

#: Feeds are written by feedgen with this in place of every entry's content; each is then
#: replaced by the entry's content as the file is written, one entry at a time. As element
#: text it is escaped, and text from a policy can never put a literal "<content" in the
#: file, so the serialized elements below occur exactly where the entries' contents go.
_SLOT = "<>"
_ESCAPED_SLOT = b"&lt;&gt;"
_SLOTS = {
    "atom": b'<content type="html">' + _ESCAPED_SLOT + b"</content>",
    "rss": b"<content:encoded>" + _ESCAPED_SLOT + b"</content:encoded>",
}
_KINDS = ("rss", "atom")


@dataclass(frozen=True)
class FeedSettings:
    site_url: str
    site_name: str
    #: At most this many entries per feed, newest first (None: all).
    limit: int | None = None

    def __post_init__(self) -> None:
        """Feeds carry absolute links and ids made from the site's address: it must be
        one a reader can follow."""
        parts = urlsplit(self.site_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in self.site_url:
            raise PolicyError(
                f"the site's URL {shown(self.site_url)} is not an absolute http(s) address "
                "such as https://legal.example.com/"
            )


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    link: str
    published: datetime
    category: str
    summary: str


def start_feeds(
    catalog: Catalog, urls: UrlScheme, settings: FeedSettings, memo: Memo
) -> Callable[[], Iterator[StoredFile]]:
    """Site-wide and per-policy RSS and Atom feeds. Entries' contents not rendered before
    are sent to `memo`'s workers now, each made in its worker from the version's changes
    (its redline, read from the store where the worker that made the changes page stored
    it, or computed); the function returned waits for them and makes the feeds in the
    memo's store, the RSS and Atom files of a feed together, each written one entry at a
    time: the site-wide feed holds every version's redline."""
    base = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    linkable = frozenset(catalog.linkable_ids)
    versions = {
        (policy.id, v.label): (policy, v) for policy in catalog.policies for v in policy.versions
    }
    withdrawals = {
        _withdrawal_key(policy, w): (policy, w)
        for policy in catalog.policies
        for w in policy.withdrawals
    }
    entries = {key: _entry(policy, v, urls, base) for key, (policy, v) in versions.items()}
    entries |= {
        key: _withdrawal_entry(policy, w, urls, base) for key, (policy, w) in withdrawals.items()
    }
    folder = memo.store.folder

    def job(key: tuple[str, str]) -> _EntryJob | str:
        if key in withdrawals:
            return _withdrawal_source(*withdrawals[key], urls, base)
        policy, version = versions[key]
        return _entry_job(policy, version, urls, base, linkable, folder)

    shared = json.dumps([_RENDERING, ENGINE_VERSION, base, links_identity(linkable, urls)])
    identities = {
        key: _content_identity(policy, v, shared) for key, (policy, v) in versions.items()
    }
    identities |= {key: _withdrawal_source(*withdrawals[key], urls, base) for key in withdrawals}
    keys = {key: f"rendered:{ENGINE_VERSION}:{identity}" for key, identity in identities.items()}
    contents = memo.results(keys, job, _render_entry, _as_is, _as_is)

    def finish() -> Iterator[StoredFile]:
        feeds: list[tuple[Policy | None, list[tuple[str, str]]]] = [(None, list(entries))]
        for policy in catalog.policies:
            keys = [(policy.id, v.label) for v in policy.versions]
            keys += [_withdrawal_key(policy, w) for w in policy.withdrawals]
            feeds.append((policy, keys))
        for owner, keys in feeds:
            newest_first = sorted(
                keys, key=lambda key: (entries[key].published, entries[key].id), reverse=True
            )
            chosen = newest_first[: settings.limit] if settings.limit else newest_first
            listed = [entries[key] for key in chosen]
            # made only for files not stored before
            feed = cache_once(partial(_feed, owner, listed, base, urls, settings))
            about = [shared, settings.site_name]
            identity = _feed_identity(owner, listed, [identities[k] for k in chosen], about)
            listed_contents = [contents[key] for key in chosen]
            dests = [urls.feed_dest(owner.id if owner else None, kind) for kind in _KINDS]
            make = partial(_feed_files, feed, _KINDS, listed_contents)
            stored = memo.files(f"feeds:{identity}", len(_KINDS), make)
            for dest, kind, digest in zip(dests, _KINDS, stored, strict=True):
                yield StoredFile(dest, digest, partial(_one_feed, feed, kind, listed_contents))

    return finish


def _feed_identity(
    policy: Policy | None, listed: list[_Entry], contents: list[str], site: list[str]
) -> str:
    """Everything a feed file is made from (a cache key): the site's URLs and name, the
    policy's, and each entry's metadata and content (named by `_content_identity`).
    Hashed entry by entry: the site-wide feed's key would otherwise be a string of every
    entry's (about 10 MB at 10,000 versions), made at the end of a build."""
    about = [policy.id, policy.title] if policy else None
    digest = hashlib.sha256(json.dumps([_FEEDS, site, about]).encode())
    for e, content in zip(listed, contents, strict=True):
        item = [e.id, e.title, e.link, e.published.isoformat(), e.category, e.summary, content]
        digest.update(json.dumps(item).encode())  # each a JSON array: never ambiguous
    return digest.hexdigest()


def _feed_files(
    feed: Callable[[], FeedGenerator], kinds: Sequence[str], contents: list[Result[bytes]]
) -> Iterator[tuple[bytes, ...]]:
    """Feed files of `kinds`, piece by piece, together: feedgen's, with each entry's
    content put in its slot (each content read once for all of them)."""
    skeletons = [_skeleton(feed(), kind) for kind in kinds]
    slots = [_SLOTS[kind].split(_ESCAPED_SLOT) for kind in kinds]
    for parts in skeletons:
        if len(parts) != len(contents) + 1:
            raise AssertionError(f"feed has {len(parts) - 1} slots for {len(contents)} entries")
    yield tuple(parts[0] for parts in skeletons)
    for n, content in enumerate(contents, start=1):
        data = content.get()
        yield tuple(
            start + data + end + parts[n]
            for (start, end), parts in zip(slots, skeletons, strict=True)
        )


def _as_is(data: bytes) -> bytes:
    return data


def _one_feed(
    feed: Callable[[], FeedGenerator], kind: str, contents: list[Result[bytes]]
) -> Iterator[bytes]:
    """One feed file, piece by piece (made again: see `StoredFile.remake`)."""
    return (piece for (piece,) in _feed_files(feed, (kind,), contents))


def _skeleton(feed: FeedGenerator, kind: str) -> list[bytes]:
    """The file feedgen writes, split where the entries' contents go."""
    text = feed.rss_str if kind == "rss" else feed.atom_str
    parts: list[bytes] = text(pretty=True).split(_SLOTS[kind])
    return parts


def feed_dests(catalog: Catalog, urls: UrlScheme) -> list[str]:
    """Where `start_feeds` puts its files, known before they are made."""
    ids: list[str | None] = [None, *(policy.id for policy in catalog.policies)]
    return [urls.feed_dest(policy_id, kind) for policy_id in ids for kind in _KINDS]


def _entry(policy: Policy, version: Version, urls: UrlScheme, base: str) -> _Entry:
    """An entry as the feeds list it; its content is rendered apart (`_content_source`)."""
    when = _when(version)
    verb = "revised" if version.index else "published"
    title = f"{version.title} {verb} — {when} {long_date(version.in_force_on)}"
    page = urls.changes(version) if version.index else urls.version(version)
    return _Entry(
        id=_tag_uri(base, version.path, version.published_on, version.label),
        title=title,
        link=urljoin(base, page),
        published=version.published,
        category=policy.id,
        summary=version.summary or title,
    )


def _withdrawal_key(policy: Policy, withdrawal: Withdrawal) -> tuple[str, str]:
    """Beside the versions' (policy id, label): a label never holds a slash."""
    return (policy.id, f"withdrawn/{withdrawal.commit.sha}")


def _withdrawal_entry(policy: Policy, withdrawal: Withdrawal, urls: UrlScheme, base: str) -> _Entry:
    """A withdrawal is a change too: subscribers learn that the policy no longer applies."""
    before = policy.last_before(withdrawal)
    title = f"{before.title} withdrawn — {long_date(withdrawal.day)}"
    return _Entry(
        id=_tag_uri(base, withdrawal.path, withdrawal.day, _withdrawal_key(policy, withdrawal)[1]),
        title=title,
        link=urljoin(base, urls.version(before)),
        published=withdrawal.commit.date,
        category=policy.id,
        summary=title,
    )


def _withdrawal_source(policy: Policy, withdrawal: Withdrawal, urls: UrlScheme, base: str) -> str:
    """What `render_content` makes a withdrawal's entry from: dates and links only."""
    before = policy.last_before(withdrawal)
    head = (
        f"<p><strong>Withdrawn:</strong> {long_date(withdrawal.day)}. The policy was "
        "removed from the published policies: from that day on, none of the versions "
        "published before applies.</p><p>The last version published before it: "
        f'<a href="{urljoin(base, urls.version(before))}">version {html.escape(before.label)}'
        f'</a> · <a href="{urljoin(base, urls.history(policy))}">All versions</a></p><hr>'
    )
    return json.dumps([_RENDERING, head, "", base])


def _when(version: Version) -> str:
    """Announced before its effective date, a version "takes effect" then."""
    return "takes effect" if version.in_force_from > version.published else "effective"


def _content_identity(policy: Policy, version: Version, shared: str) -> str:
    """Everything `_content_source` makes an entry's content from (a cache key; `shared`
    holds what all entries share, the redline is named by the engine version and the
    blobs it is made from)."""
    previous = policy.versions[version.index - 1].blob if version.index else None
    return json.dumps(
        [
            shared,
            version.policy_id,
            version.label,
            version.index,
            previous,
            version.blob,
            version.in_force_from.isoformat(),
            version.published.isoformat(),
            version.effective.isoformat(),
            version.in_force_on.isoformat(),
            version.published_on.isoformat(),
            version.summary,
        ]
    )


@dataclass(frozen=True)
class _EntryJob:
    """A version's entry content, to be made in a worker: what needs no redline is made
    already (`facts`); its changes are read from the store (see `_content_source`)."""

    facts: list[str]
    #: The version's page and label; its changes page (None for a first publication).
    page: str
    label: str
    changes: str | None
    #: Its redline's texts (None for a first publication, whose whole `body` is new).
    pair: Pair | None
    body: str
    base: str
    urls: UrlScheme
    linkable: frozenset[str]
    folder: Path


def _entry_job(
    policy: Policy,
    version: Version,
    urls: UrlScheme,
    base: str,
    linkable: frozenset[str],
    folder: Path,
) -> _EntryJob:
    """Every input to it is in `_content_identity`."""
    when = _when(version)
    if version.in_force_on == version.effective:
        dates = f"{long_date(version.in_force_on)} (published {long_date(version.published_on)})"
    else:  # its date had passed when it was merged
        dates = version.in_force_text(long_date)
    facts = [
        f"<p><strong>{when.capitalize()}:</strong> {dates}. "
        f"Version {html.escape(version.label)}.</p>"
    ]
    if version.summary:
        facts.append(f"<p><strong>Summary:</strong> {html.escape(version.summary)}</p>")
    previous = policy.previous(version)
    pair = (
        None if previous is None else Pair(previous.blob, version.blob, previous.body, version.body)
    )
    return _EntryJob(
        facts,
        urljoin(base, urls.version(version)),
        version.label,
        urljoin(base, urls.changes(version)) if previous is not None else None,
        pair,
        version.body if previous is None else "",
        base,
        urls,
        linkable,
        folder,
    )


def _render_entry(job: _EntryJob | str) -> bytes:
    """Runs in a worker: an entry's content, from its job or (a withdrawal) its source."""
    return render_content(job if isinstance(job, str) else _content_source(job))


def _content_source(job: _EntryJob) -> str:
    """What `render_content` makes an entry's content from."""
    parts = list(job.facts)
    links = f'<a href="{job.page}">Read version {html.escape(job.label)}</a>'
    if job.pair is None or job.changes is None:  # the first publication: all of it is new
        body, body_base = job.body, job.page
    else:
        change = stored_redline(Store(job.folder), job.pair)
        link = job.changes
        sections = "".join(
            f'<li><a href="{link}#{s.anchor}">{html.escape(s.title)}</a></li>'
            for s in change.sections
        )
        counts = f"{change.words_added} words added, {change.words_removed} words removed."
        parts.append(f"<p>{counts} Sections changed:</p><ul>{sections}</ul>" if sections else "")
        links += f' · <a href="{link}">See what changed</a>'
        body = _HTML_BLOCK.sub(
            lambda m: (
                f"<p><em>(A block of HTML was {_DONE[m.group(1)]} here: see "
                f'<a href="{link}">what changed</a>.)</em></p>'
            ),
            change.markdown,
        )
        body_base = link
    parts.append(f"<p>{links}</p><hr>")
    urls, base = job.urls, job.base

    def absolute(policy_id: str) -> str:
        return urljoin(base, urls.url(urls.current_src(policy_id)))

    markdown = rebase_policy_links(body, job.linkable, absolute)
    return json.dumps([_RENDERING, "".join(parts), markdown, body_base])


def render_content(source: str) -> bytes:
    """An entry's HTML from `[html head, Markdown body, base URL]` (JSON): the body
    rendered, the whole sanitised, links made absolute against the base; escaped as lxml
    escapes element text, in UTF-8, ready for the feeds (done once here, in a worker,
    rather than for each of the four feeds an entry is in)."""
    _, head, markdown, base = json.loads(source)
    holder = etree.Element("x")
    holder.text = feed_html(head + to_html(markdown), base)
    return etree.tostring(holder, encoding="utf-8")[len(b"<x>") : -len(b"</x>")]


def _feed(
    policy: Policy | None, entries: list[_Entry], base: str, urls: UrlScheme, settings: FeedSettings
) -> FeedGenerator:
    policy_id = policy.id if policy else None
    self_url = urljoin(base, urls.feed_dest(policy_id, "atom"))
    feed = FeedGenerator()
    feed.id(self_url)
    if policy is None:
        feed.title(f"{settings.site_name}: policy changes")
        feed.link(href=base, rel="alternate")
        # (no names in descriptions: RSS readers take them as HTML, Atom's as text)
        feed.description("Every published change to these policies, with what changed.")
    else:
        feed.title(f"{policy.title}: changes")
        feed.link(href=urljoin(base, urls.history(policy)), rel="alternate")
        feed.description(
            "Every published version of this policy, and any withdrawal, with what changed."
        )
        feed.category(term=policy.id)
    feed.link(href=self_url, rel="self")
    feed.author({"name": settings.site_name})  # Atom requires a feed-level author
    feed.language("en")
    feed.generator("policydocs")
    newest = max(entry.published for entry in entries)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.guid(entry.id, permalink=False)
        item.title(entry.title)
        item.link(href=entry.link)
        item.published(entry.published)
        item.updated(entry.published)
        item.category(term=entry.category)
        item.description(html.escape(entry.summary))  # RSS readers take it as HTML
        item.content(_SLOT, type="html")  # the entry's own goes there as it is written
    return feed


_DONE = {"ins": "inserted", "del": "deleted"}


def _tag_uri(base: str, path: str, day: date, name: str) -> str:
    """tag:host,date:policydocs/<id>/<name> (RFC 4151), from facts that never change: the
    id the policy had then (its file's name at `path`), the day, and the version's label
    or the withdrawal's commit."""
    host = urlsplit(base).hostname or "localhost"
    original_id = path.rsplit("/", 1)[-1].removesuffix(".md")
    return f"tag:{host},{day.isoformat()}:policydocs/{original_id}/{name}"
