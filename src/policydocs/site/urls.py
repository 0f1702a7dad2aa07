"""Where every generated file lives: source paths for the site generator, and their URLs.

URLs are relative to the site root, without a leading slash, and follow MkDocs' rule for
`use_directory_urls` so that the engine can write links and versions.json without MkDocs.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import urljoin

from policydocs.history.attachments import Attachment
from policydocs.history.model import Policy, Version
from policydocs.history.selection import URL_SAFE, is_plain, segment

#: The file of each kind of feed (`site.feeds`).
FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}


@dataclass(frozen=True)
class UrlScheme:
    prefix: str = ""
    use_directory_urls: bool = True

    def _src(self, *parts: str) -> str:
        # Parts are ids, labels and names: never empty, never absolute (so no posixpath.join,
        # which costs more than it is worth when called for every page of every version).
        return "/".join((self.prefix, *parts) if self.prefix else parts)

    # Source paths of generated Markdown pages.
    def home_src(self) -> str:
        return self._src("index.md")

    def current_src(self, policy_id: str) -> str:
        return self._src(f"{policy_id}.md")

    def history_src(self, policy_id: str) -> str:
        return self._src(policy_id, "history", "index.md")

    def version_src(self, policy_id: str, label: str) -> str:
        # index.md, not <label>.md: that name is the raw source's, and a folder export holds both.
        return self._src(policy_id, label, "index.md")

    @staticmethod
    def address_src(address: str) -> str | None:
        """The page source for a site address a policy was at before (`redirect_from`:
        `/privacy-policy/`, from the site's root, not the prefix); None for one that is
        not a folder of plain names (`/old.html`, `/a b/`, `..`)."""
        parts = address.strip().strip("/").split("/")
        if not all(map(is_plain, parts)):
            return None
        return "/".join((*parts, "index.md"))

    def folder_src(self, folder: str) -> str:
        """The folder of page sources that a folder of policy ids is (`privacy/eu`)."""
        return self._src(folder)

    def draft_src(self, policy_id: str) -> str:
        return self._src(policy_id, "draft", "index.md")

    def changes_src(self, policy_id: str, label: str) -> str:
        return self._src(policy_id, label, "changes", "index.md")

    def compare_src(self, policy_id: str, label: str) -> str:
        return self._src(policy_id, label, "compare", "index.md")

    # Destination paths of generated files that are published as they are.
    def raw_dest(self, policy_id: str, label: str) -> str:
        return self._src(policy_id, f"{label}.md")

    def pdf_dest(self, policy_id: str, label: str) -> str:
        """A version's citable PDF (the `pdf` option, `site.pdf`), beside its source."""
        return self._src(policy_id, f"{label}.pdf")

    def attachment_dest(self, file: Attachment) -> str | None:
        """Where a file beside the policies is published: at its path below the folder as
        HEAD has it, an earlier state of it beside that in small letters with its blob's
        first 12 digits before the suffix (`dpa.0123456789ab.pdf`: the same bytes under
        names that differ only in capitals are one file); each name made a URL segment as
        a policy's is. None for a name that makes none."""
        parts = file.name.split("/")
        stem, suffix = posixpath.splitext(parts.pop())
        if not file.current:
            stem, suffix = f"{stem}.{file.blob[:12]}".lower(), suffix.lower()
        segments = [segment(part) for part in (*parts, stem)]
        if not all(segments) or not set(suffix[1:]) <= URL_SAFE:
            return None
        return self._src(*segments[:-1], segments[-1] + suffix)

    def index_dest(self) -> str:
        return self._src("versions.json")

    def feed_stylesheet_dest(self) -> str:
        """The stylesheet every feed names (see `site.feeds.feed_stylesheet`)."""
        return self._src("feeds.xsl")

    def feed_dest(self, policy_id: str | None, kind: str, every: bool = False) -> str:
        """A feed of `FEED_FILES`' kind: site-wide, or in a policy's folder; `every`: the
        site-wide feed of every change, editorial ones too (`all-rss.xml`…)."""
        if every:
            return self._src(f"all-{FEED_FILES[kind]}")
        return self._src(*([policy_id] if policy_id else []), FEED_FILES[kind])

    def calendar_dest(self, policy_id: str | None) -> str:
        """The calendar of effective dates: site-wide, or in a policy's folder."""
        return self._src(*([policy_id] if policy_id else []), "calendar.ics")

    def page_file(self, src: str) -> str:
        """The file the Markdown page at `src` is written to, below the site root."""
        url = self.url(src)
        return f"{url}index.html" if url == "" or url.endswith("/") else url

    def absolute(self, base: str, target: str) -> str:
        """A page's source or a published file's place (what `Links.rebase` gives), as an
        absolute URL below the site's `base`: for feeds and PDFs, read away from the site."""
        return urljoin(base, self.url(target) if target.endswith(".md") else target)

    def url(self, src: str) -> str:
        """The URL MkDocs gives a Markdown page at `src`."""
        stem, _ = posixpath.splitext(src)
        parent, name = posixpath.split(stem)
        if name in ("index", "README"):
            folder = f"{parent}/" if parent else ""
            return folder if self.use_directory_urls else f"{folder}index.html"
        if self.use_directory_urls:
            return f"{stem}/"
        return f"{stem}.html"

    # URLs of a policy's pages, for templates and versions.json.
    def current(self, policy: Policy) -> str:
        return self.url(self.current_src(policy.id))

    def history(self, policy: Policy) -> str:
        return self.url(self.history_src(policy.id))

    def version(self, version: Version) -> str:
        return self.url(self.version_src(version.policy_id, version.label))

    def changes(self, version: Version) -> str:
        """The redline against the previous version (versions after the first only)."""
        return self.url(self.changes_src(version.policy_id, version.label))

    def compare(self, policy: Policy, version: Version) -> str | None:
        """Where `version` is compared with the version in force; None if it is that one
        (or none is). Next to the current version, that is the later one's changes page."""
        pair = policy.with_current(version)
        if pair is None:
            return None
        if not policy.needs_comparison_page(version):
            return self.changes(pair[1])
        return self.url(self.compare_src(policy.id, version.label))

    def raw(self, version: Version) -> str:
        return self.raw_dest(version.policy_id, version.label)

    def pdf(self, version: Version) -> str:
        return self.pdf_dest(version.policy_id, version.label)
