"""RSS 2.0 and Atom 1.0 feeds of policy changes, with the substance in every entry.

One entry per version, dated when the revision was published (merged): for a future
effective date that is the advance notice, so the title says when it takes effect. One
entry per withdrawal (the policy's file deleted), dated by its commit: a change too. Entries
carry the summary, the changed sections and the redline, as sanitised HTML with absolute
links (feed readers render it; a policy's raw HTML must not run there). Everything comes
from git: a feed's own date is its newest entry's, never the build clock, and entry ids are
UUIDs made from the history alone, so that they survive a move of the site.

A feed holds the newest entries (50 site-wide, all of a policy's) within about a megabyte of
content, which common readers accept; it says where every version is listed (the history
pages and versions.json). Each file names a stylesheet (`feeds.xsl`) that browsers use to
show it as a page explaining how to subscribe.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache as cache_once
from functools import partial
from importlib.resources import files
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
from policydocs.site.html import Reading
from policydocs.site.pages import (
    GeneratedAsset,
    Links,
    StoredFile,
    Texts,
    links_of,
)
from policydocs.site.sanitize import feed_html
from policydocs.site.urls import FEED_FILES, UrlScheme

#: A raw HTML block inserted or deleted: its source is shown on the changes page, not here.
_HTML_BLOCK = re.compile(
    r'<pre class="pd-(ins|del) pd-block[^"]*"[^>]*data-pd-kind="html_block"[^>]*>.*?</pre>'
)


#: Part of every rendered entry's cache key: change it when rendering or sanitising changes.
_RENDERING = f"4/markdown-{markdown_version}"

#: Part of every stored feed file's cache key: change it when feeds are made differently.
_FEEDS = f"6/feedgen-{feedgen_version}/lxml-{etree.__version__}"

#: Entries in the site-wide feeds unless the site sets `feed_limit` (a policy's feeds hold
#: all of its entries); within `BUDGET` either way.
SITE_WIDE_ENTRIES = 50
#: Bytes of entry content a feed holds at most (its newest entry always): readers refuse
#: larger feeds (CommaFeed 5 MiB, Miniflux 15 MiB), and a redline of every version of every
#: policy is tens of megabytes.
BUDGET = 1_000_000
#: Entry and feed ids: UUIDs (RFC 9562, version 5) in this namespace, of names made from
#: the history alone (see `_entry_id`).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://policydocs.invalid/feed-ids")
#: What each entry is, as a category term, and how feeds label it (see versions.json).
KINDS = {
    "publication": "First publication",
    "revision": "Revision",
    "editorial": "Editorial change",
    "withdrawal": "Withdrawal",
}


@dataclass(frozen=True)
class _Listing:
    """Which entries a feed lists: a policy's or every policy's (None), and whether
    editorial revisions too (the site-wide "every change" feeds), or only what is
    announced."""

    policy: Policy | None
    every: bool = False

    @property
    def policy_id(self) -> str | None:
        return self.policy.id if self.policy else None


#: The key that opens every redline in an entry: marks readable without colour or CSS.
_KEY = (
    "<p><em>Key:</em> <ins>{+inserted text+}</ins> is underlined, "
    "<del>[-deleted text-]</del> is struck through.</p>"
)
_MARK = re.compile(r"(<ins\b[^>]*>)|(</ins>)|(<del\b[^>]*>)|(</del>)")
_BRACKETS = ("{+", "+}", "[-", "-]")
#: Marks of spacing alone (`tokens.Op.space`), or of a form written otherwise that renders
#: alike (`redline.forms`): in a feed, the new text, unmarked.
_SPACING = re.compile(
    r'<del class="pd-del pd-space[^"]*">.*?</del>|<ins class="pd-ins pd-space">(?P<now>.*?)</ins>',
    re.DOTALL,
)

#: Feeds are written by feedgen with this in place of every entry's content; each is then
#: replaced by the entry's content as the file is written, one entry at a time. As element
#: text it is escaped, and text from a policy can never put a literal "<content" in the
#: file, so the serialized elements below occur exactly where the entries' contents go.
_SLOT = "<>"
_ESCAPED_SLOT = b"&lt;&gt;"
#: In the JSON Feed, a NUL (written "\u0000"), which no published text can hold.
_JSON_SLOT = "\x00"
_SLOTS = {
    "atom": b'<content type="html">' + _ESCAPED_SLOT + b"</content>",
    "rss": b"<content:encoded>" + _ESCAPED_SLOT + b"</content:encoded>",
    "json": b'"content_html": "\\u0000"',
}
_KINDS = tuple(FEED_FILES)


@dataclass(frozen=True)
class FeedSettings:
    site_url: str
    site_name: str
    #: At most this many entries per feed, newest first (None: `SITE_WIDE_ENTRIES` in the
    #: site-wide feeds, all in a policy's; `BUDGET` always applies).
    limit: int | None = None
    #: A WebSub hub (w3.org/TR/websub) the feeds name, which readers may subscribe at to
    #: learn of a change at once (the site's publishing pings it).
    websub_hub: str | None = None
    #: How the site's pages read Markdown, which entries are rendered with too.
    reading: Reading = field(default_factory=Reading)

    @property
    def base(self) -> str:
        """The site's URL, ending in "/" (what links are made absolute against)."""
        return self.site_url if self.site_url.endswith("/") else self.site_url + "/"

    def __post_init__(self) -> None:
        """Feeds carry absolute links and ids made from the site's address: it must be
        one a reader can follow."""
        for what, url in [("the site's URL", self.site_url), ("'websub_hub'", self.websub_hub)]:
            parts = urlsplit(url or "")
            if url is None and what != "the site's URL":
                continue
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in (url or ""):
                raise PolicyError(
                    f"{what} {shown(url)} is not an absolute http(s) address such as "
                    "https://legal.example.com/"
                )


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    link: str
    published: datetime
    category: str
    #: A key of `KINDS`.
    kind: str
    #: The line a reader shows first: when it takes effect and what changed.
    summary: str
    #: Atom's `updated`: `published`, a microsecond later for each entry before it from
    #: the same commit (git dates to the second; two entries with one `updated` can hide
    #: one of them from a reader, and the W3C validator warns).
    updated: datetime | None = None


def start_feeds(
    catalog: Catalog, urls: UrlScheme, settings: FeedSettings, memo: Memo
) -> Callable[[], Iterator[StoredFile]]:
    """Site-wide and per-policy RSS and Atom feeds. Entries' contents not rendered before
    are sent to `memo`'s workers now, each made in its worker from the version's changes
    (its redline, read from the store where the worker that made the changes page stored
    it, or computed); the function returned waits for them and makes the feeds in the
    memo's store, the RSS and Atom files of a feed together, each written one entry at a
    time: the site-wide feed holds every version's redline."""
    base = settings.base
    links = links_of(catalog, urls)
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
    entries = _apart(entries)

    folder = memo.store.folder

    def job(key: tuple[str, str]) -> _EntryJob | str:
        if key in withdrawals:
            return _withdrawal_source(*withdrawals[key], urls, base)
        policy, version = versions[key]
        return _entry_job(policy, version, urls, base, links, folder, settings.reading)

    shared = json.dumps(
        [_RENDERING, ENGINE_VERSION, base, links.identity(), settings.reading.identity]
    )
    identities = {
        key: _content_identity(policy, v, shared, links) for key, (policy, v) in versions.items()
    }
    identities |= {key: _withdrawal_source(*withdrawals[key], urls, base) for key in withdrawals}
    keys = {key: f"rendered:{ENGINE_VERSION}:{identity}" for key, identity in identities.items()}
    feeds = _listed(catalog, entries, settings.limit)
    # The workers make at once the entries that fit by a size assumed from their texts
    # (half of it: an entry holds the whole redline, rendered; a withdrawal's is small):
    # a long policy's feed lists few of its hundreds of versions. Any other is made when
    # a feed reaches it, so no feed's entries depend on the assumption.
    sizes = {key: len(v.body) // 2 for key, (_, v) in versions.items()}
    likely = set().union(
        *(_within_budget(newest, lambda key: sizes.get(key, 0)) for _, newest, _ in feeds)
    )
    contents = memo.results(keys, job, _render_entry, _as_is, _as_is, early=likely)

    def finish() -> Iterator[StoredFile]:
        for listing, newest_first, count in feeds:
            chosen = _within_budget(newest_first, lambda key: len(contents[key].get()))
            listed = [entries[key] for key in chosen]
            left_out = count - len(chosen)
            # made only for files not stored before
            owners = [listing.policy] if listing.policy else catalog.policies
            feed_id = _feed_id(owners, "every" if listing.every else "feed")
            made = _Feed(listing, feed_id, listed, left_out, base, urls, settings)
            feed = cache_once(partial(_feed_xml, made))
            about = [shared, settings.site_name, feed_id, str(left_out), str(listing.every)]
            identity = _feed_identity(
                listing.policy, listed, [identities[k] for k in chosen], about
            )
            listed_contents = [contents[key] for key in chosen]
            dests = [urls.feed_dest(listing.policy_id, kind, listing.every) for kind in _KINDS]
            make = partial(_feed_files, feed, _KINDS, listed_contents)
            stored = memo.files(f"feeds:{identity}", len(_KINDS), make)
            for dest, kind, digest in zip(dests, _KINDS, stored, strict=True):
                yield StoredFile(dest, digest, partial(_one_feed, feed, kind, listed_contents))

    return finish


def _listed(
    catalog: Catalog, entries: Mapping[tuple[str, str], _Entry], limit: int | None
) -> list[tuple[_Listing, list[tuple[str, str]], int]]:
    """Every feed, with the entries it may list, newest first (at most `limit`; in the
    site-wide feeds, `SITE_WIDE_ENTRIES` without one), before `BUDGET` cuts them; and how
    many it would list without either. Editorial revisions are only in the "every
    change" feeds."""
    listings = [(_Listing(None), list(entries)), (_Listing(None, True), list(entries))]
    for policy in catalog.policies:
        keys = [(policy.id, v.label) for v in policy.versions]
        keys += [_withdrawal_key(policy, w) for w in policy.withdrawals]
        listings.append((_Listing(policy), keys))
    feeds = []
    for listing, keys in listings:
        if not listing.every:
            keys = [key for key in keys if entries[key].kind != "editorial"]
        newest_first = sorted(
            keys, key=lambda key: (entries[key].published, entries[key].id), reverse=True
        )
        most = limit or (None if listing.policy else SITE_WIDE_ENTRIES)
        feeds.append((listing, newest_first[:most], len(keys)))
    return feeds


def _apart(entries: dict[tuple[str, str], _Entry]) -> dict[tuple[str, str], _Entry]:
    """Each entry with its `updated`, distinct from every other's (see `_Entry.updated`)."""
    seen: dict[datetime, int] = {}
    apart = {}
    for key in sorted(entries, key=lambda k: (entries[k].published, entries[k].id)):
        entry = entries[key]
        before = seen.get(entry.published, 0)
        seen[entry.published] = before + 1
        apart[key] = replace(entry, updated=entry.published + timedelta(microseconds=before))
    return apart


def _within_budget(
    keys: list[tuple[str, str]], size: Callable[[tuple[str, str]], int]
) -> list[tuple[str, str]]:
    """The first of `keys` whose contents' sizes fit in `BUDGET` (the first always)."""
    chosen: list[tuple[str, str]] = []
    total = 0
    for key in keys:
        total += size(key)
        if chosen and total > BUDGET:
            break
        chosen.append(key)
    return chosen


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
        when = [e.published.isoformat(), e.updated.isoformat() if e.updated else None]
        item = [e.id, e.title, e.link, when, e.category, e.kind, e.summary, content]
        digest.update(json.dumps(item).encode())  # each a JSON array: never ambiguous
    return digest.hexdigest()


def _feed_files(
    feed: Callable[[str], bytes], kinds: Sequence[str], contents: list[Result[bytes]]
) -> Iterator[tuple[bytes, ...]]:
    """Feed files of `kinds`, piece by piece, together: feedgen's, with each entry's
    content put in its slot (each content read once for all of them)."""
    skeletons = [feed(kind).split(_SLOTS[kind]) for kind in kinds]
    for parts in skeletons:
        if len(parts) != len(contents) + 1:
            raise AssertionError(f"feed has {len(parts) - 1} slots for {len(contents)} entries")
    yield tuple(parts[0] for parts in skeletons)
    for n, content in enumerate(contents, start=1):
        data = content.get()
        yield tuple(
            _filled(kind, data) + parts[n] for kind, parts in zip(kinds, skeletons, strict=True)
        )


def _filled(kind: str, content: bytes) -> bytes:
    """An entry's slot in a feed of `kind`, filled with its content (escaped for XML)."""
    if kind == "json":
        text = html.unescape(content.decode())
        return b'"content_html": ' + json.dumps(text, ensure_ascii=False).encode()
    start, end = _SLOTS[kind].split(_ESCAPED_SLOT)
    return start + content + end


def _as_is(data: bytes) -> bytes:
    return data


def _one_feed(
    feed: Callable[[str], bytes], kind: str, contents: list[Result[bytes]]
) -> Iterator[bytes]:
    """One feed file, piece by piece (made again: see `StoredFile.remake`)."""
    return (piece for (piece,) in _feed_files(feed, (kind,), contents))


def _feed_xml(made: _Feed, kind: str) -> bytes:
    """The feed file of `kind`, with slots for the entries' contents: for RSS and Atom,
    feedgen's, naming the stylesheet (see `feed_stylesheet`) relatively (a browser
    applies a stylesheet from the feed's own origin only, a preview served locally
    included)."""
    if kind == "json":
        return _json_feed(made)
    urls, listing = made.urls, made.listing
    feed = _feed(made, kind)
    text = feed.rss_str if kind == "rss" else feed.atom_str
    written: bytes = text(pretty=True)
    hub_url = made.settings.websub_hub
    if kind == "rss" and hub_url:  # (feedgen writes only the self link in RSS)
        self_link = b' rel="self"/>'
        hub = html.escape(hub_url).encode()
        written = written.replace(
            self_link, self_link + b'\n    <atom:link href="' + hub + b'" rel="hub"/>', 1
        )
    declaration, newline, rest = written.partition(b"\n")
    folder = posixpath.dirname(urls.feed_dest(listing.policy_id, kind, listing.every)) or "."
    href = posixpath.relpath(urls.feed_stylesheet_dest(), folder).encode()
    pi = b'<?xml-stylesheet type="text/xsl" href="' + href + b'"?>'
    return declaration + newline + pi + newline + rest


def feed_stylesheet(urls: UrlScheme) -> GeneratedAsset:
    """`feeds.xsl`: a browser opening a feed shows it as a page that says what it is and
    how to subscribe, with its entries (XSLT 1.0, which browsers run; no scripts, nothing
    fetched from elsewhere)."""
    data = files("policydocs.site").joinpath("feeds.xsl").read_bytes()
    return GeneratedAsset(urls.feed_stylesheet_dest(), data)


def feed_dests(catalog: Catalog, urls: UrlScheme) -> list[str]:
    """Where `start_feeds` puts its files, known before they are made."""
    ids: list[str | None] = [None, *(policy.id for policy in catalog.policies)]
    dests = [urls.feed_dest(policy_id, kind) for policy_id in ids for kind in _KINDS]
    return dests + [urls.feed_dest(None, kind, every=True) for kind in _KINDS]


def _entry(policy: Policy, version: Version, urls: UrlScheme, base: str) -> _Entry:
    """An entry as the feeds list it; its content is rendered apart (`_content_source`)."""
    when = _when(version)
    verb = "revised" if version.index else "published"
    title = f"{version.title} {verb} — {when} {long_date(version.in_force_on)}"
    page = urls.changes(version) if version.index else urls.version(version)
    what = version.summary or (f"Version {version.label}." if version.index else version.opening)
    return _Entry(
        id=_entry_id(policy, version.label),
        title=title,
        link=urljoin(base, page),
        published=version.published,
        category=policy.id,
        kind="editorial" if version.editorial else "revision" if version.index else "publication",
        summary=f"{when.capitalize()} {long_date(version.in_force_on)}. {what}",
    )


def _withdrawal_key(policy: Policy, withdrawal: Withdrawal) -> tuple[str, str]:
    """Beside the versions' (policy id, label): a label never holds a slash."""
    return (policy.id, f"withdrawn/{withdrawal.commit.sha}")


def _withdrawal_entry(policy: Policy, withdrawal: Withdrawal, urls: UrlScheme, base: str) -> _Entry:
    """A withdrawal is a change too: subscribers learn that the policy no longer applies."""
    before = policy.last_before(withdrawal)
    title = f"{before.title} withdrawn — {long_date(withdrawal.day)}"
    return _Entry(
        id=_entry_id(policy, _withdrawal_key(policy, withdrawal)[1]),
        title=title,
        link=urljoin(base, urls.version(before)),
        published=withdrawal.commit.date,
        category=policy.id,
        kind="withdrawal",
        summary=(
            f"Withdrawn {long_date(withdrawal.day)}: from that day on, none of its versions "
            "applies."
        ),
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


def _content_identity(policy: Policy, version: Version, shared: str, links: Links) -> str:
    """Everything `_content_source` makes an entry's content from (a cache key; `shared`
    holds what all entries share, the redline is named by the engine version and the
    blobs it is made from)."""
    previous = policy.versions[version.index - 1].text_id if version.index else None
    texts = _texts(version, policy.previous(version))
    return json.dumps(
        [
            shared,
            version.policy_id,
            version.label,
            version.index,
            previous,
            version.text_id,
            version.in_force_from.isoformat(),
            version.published.isoformat(),
            version.effective.isoformat(),
            version.in_force_on.isoformat(),
            version.published_on.isoformat(),
            version.summary,
            texts,  # (what its links are to)
            links.files_of(texts),
            version.title,  # (a first publication's text is shown without its title heading)
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
    links: Links
    #: (repository path, commit) of the version's file, and of the one before it: what its
    #: links are relative to, and whose files they name.
    texts: Texts
    folder: Path
    reading: Reading


def _entry_job(
    policy: Policy,
    version: Version,
    urls: UrlScheme,
    base: str,
    links: Links,
    folder: Path,
    reading: Reading,
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
        None
        if previous is None
        else Pair(previous.text_id, version.text_id, previous.body, version.body)
    )
    return _EntryJob(
        facts,
        urljoin(base, urls.version(version)),
        version.label,
        urljoin(base, urls.changes(version)) if previous is not None else None,
        pair,
        version.page_body if previous is None else "",
        base,
        urls,
        links,
        _texts(version, previous),
        folder,
        reading,
    )


def _texts(version: Version, previous: Version | None) -> Texts:
    both = (version, previous) if previous else (version,)
    return tuple((text.path, text.commit.sha) for text in both)


def _render_entry(job: _EntryJob | str) -> bytes:
    """Runs in a worker: an entry's content, from its job or (a withdrawal) its source."""
    if isinstance(job, str):
        return render_content(job)
    return render_content(_content_source(job), job.reading)


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
        counts += "".join(f" {what}, with the same words." for what in change.same_words())
        if sections:
            parts.append(f"<p>{counts} Sections changed:</p><ul>{sections}</ul>")
        elif change.reformatted:  # (no word changed: the form did)
            parts.append(f"<p>{counts}</p>")
        parts.append(_KEY)
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
    markdown = job.links.rebase(body, job.texts, partial(job.urls.absolute, job.base))
    return json.dumps([_RENDERING, "".join(parts), markdown, body_base])


def render_content(source: str, reading: Reading | None = None) -> bytes:
    """An entry's HTML from `[html head, Markdown body, base URL]` (JSON): the body
    rendered, the whole sanitised, links made absolute against the base; escaped as lxml
    escapes element text, in UTF-8, ready for the feeds (done once here, in a worker,
    rather than for each of the four feeds an entry is in)."""
    _, head, markdown, base = json.loads(source)
    holder = etree.Element("x")
    html_text = (reading or Reading()).to_html(markdown)
    holder.text = feed_html(head + _readable_marks(html_text), base)
    return etree.tostring(holder, encoding="utf-8")[len(b"<x>") : -len(b"</x>")]


@dataclass(frozen=True)
class _Feed:
    """What a feed file is made from, in every format: which entries it lists (`listing`),
    those it holds, newest first, and how many it leaves out."""

    listing: _Listing
    id: str
    entries: list[_Entry]
    left_out: int
    base: str
    urls: UrlScheme
    settings: FeedSettings


@dataclass(frozen=True)
class _About:
    """What a feed says about itself, in every format."""

    title: str
    home: str
    description: str


def _about(made: _Feed) -> _About:
    listing, base, urls, settings = made.listing, made.base, made.urls, made.settings
    archive = urljoin(base, urls.index_dest())
    policy = listing.policy
    if policy is None and listing.every:
        title, home = f"{settings.site_name}: every policy change, editorial ones too", base
        what = "Every published change to these policies, editorial corrections included"
        where = f"each policy's history page and {archive}"
    elif policy is None:
        title, home = f"{settings.site_name}: policy changes", base
        what = "Every published change to these policies (editorial corrections are in the "
        what += "every-change feeds)"
        where = f"each policy's history page and {archive}"
    else:
        title, home = f"{policy.title}: changes", urljoin(base, urls.history(policy))
        what = "Every published version of this policy, and any withdrawal"
        where = f"{home} and {archive}"
    # (no names in descriptions: RSS readers take them as HTML, Atom's as text)
    if made.left_out:
        description = (
            f"The newest {len(made.entries)} published changes, with what changed. Every "
            f"version ever published, {made.left_out} more, is listed on {where}."
        )
    else:
        description = f"{what}, with what changed."
    return _About(title, home, description)


def _feed(made: _Feed, kind: str) -> FeedGenerator:
    """The RSS or Atom feed of `made.entries`."""
    about = _about(made)
    listing, base, urls, settings = made.listing, made.base, made.urls, made.settings
    policy = listing.policy
    feed = FeedGenerator()
    feed.id(made.id)
    # feedgen gives RSS's <link> the last link added: the page, after the feed itself.
    feed.link(
        href=urljoin(base, urls.feed_dest(policy.id if policy else None, kind, listing.every)),
        rel="self",
    )
    feed.link(href=about.home, rel="alternate")
    if settings.websub_hub:
        feed.link(href=settings.websub_hub, rel="hub")
    feed.title(about.title)
    if policy is not None:
        feed.category(term=policy.id, label=policy.title, scheme=base)
    feed.description(about.description)
    feed.author({"name": settings.site_name})  # Atom requires a feed-level author
    feed.language("en")
    feed.generator("policydocs")
    newest = max(entry.published for entry in made.entries)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    scheme = urljoin(base, urls.index_dest())  # (the README lists the kinds)
    for entry in made.entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.guid(entry.id, permalink=False)
        item.title(entry.title)
        item.link(href=entry.link)
        item.published(entry.published)
        item.updated(entry.updated or entry.published)
        item.category(term=entry.category, scheme=base)
        item.category(term=entry.kind, label=KINDS[entry.kind], scheme=scheme)
        item.description(html.escape(entry.summary))  # RSS readers take it as HTML
        item.summary(entry.summary)  # Atom's is text
        item.content(_SLOT, type="html")  # the entry's own goes there as it is written
    return feed


def _json_feed(made: _Feed) -> bytes:
    """The JSON Feed 1.1 of `made.entries` (jsonfeed.org/version/1.1), as RSS and Atom (a
    JSON Feed has no id of its own)."""
    listing, base, urls, settings = made.listing, made.base, made.urls, made.settings
    about = _about(made)
    document: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": about.title,
        "home_page_url": about.home,
        "feed_url": urljoin(base, urls.feed_dest(listing.policy_id, "json", listing.every)),
        "description": about.description,
        "language": "en",
        "authors": [{"name": settings.site_name}],
    }
    if settings.websub_hub:
        document["hubs"] = [{"type": "WebSub", "url": settings.websub_hub}]
    document["items"] = [
        {
            "id": entry.id,
            "url": entry.link,
            "title": entry.title,
            "summary": entry.summary,
            "content_html": _JSON_SLOT,  # the entry's own goes there as it is written
            "date_published": entry.published.isoformat(),
            "date_modified": (entry.updated or entry.published).isoformat(),
            "tags": [entry.category, entry.kind],
        }
        for entry in made.entries
    ]
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


_DONE = {"ins": "inserted", "del": "deleted"}


def _readable_marks(rendered: str) -> str:
    """`{+…+}` and `[-…-]` inside each mark, as the key says: feed readers drop styles,
    and some drop `<ins>` and `<del>` too, or read them out as plain text."""

    def bracket(match: re.Match[str]) -> str:
        opened, closed = match.group(1) or match.group(3), match.group(2) or match.group(4)
        index = match.lastindex or 1
        text = _BRACKETS[index - 1]
        return f"{opened}{text}" if opened else f"{text}{closed}"

    return _MARK.sub(bracket, _SPACING.sub(lambda m: m["now"] or "", rendered))


def stable_id(policy: Policy, name: str) -> uuid.UUID:
    """A UUID of the commit and path the policy was first published in, and `name` (a
    version's label, or a withdrawal's): facts that never change, whatever the site's
    address, the policy's later names or the build. Feed entries and calendar events of
    one version share it."""
    first = policy.versions[0]
    return uuid.uuid5(_ID_NAMESPACE, f"{first.commit.sha}/{first.path}/{name}")


def _entry_id(policy: Policy, name: str) -> str:
    return f"urn:uuid:{stable_id(policy, name)}"


def _feed_id(policies: Sequence[Policy], name: str) -> str:
    """A feed's id: of the first of `policies` ever published (as `_entry_id`) and the
    feed's `name`."""
    first = min(
        (policy.versions[0] for policy in policies),
        key=lambda v: (v.published, v.commit.sha, v.path),
    )
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{first.commit.sha}/{first.path}/{name}')}"
