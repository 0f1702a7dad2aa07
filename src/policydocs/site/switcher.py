"""The version switcher's list, as HTML made in Python rather than by a template loop.

Every page of a policy has the switcher. Listing every version there made the site grow
with the square of the history (at 2,000 revisions of one policy, each page was 355 KB
with 2,011 list items: 2.2 GB for a 200 KB policy, over GitHub Pages' 1 GB limit). A
policy with at most `LISTED` versions lists them all; a longer history lists the newest
version, the one in force and the neighbours of the page's own, and each gap links to the
history page, which lists every version: each page's switcher has a bounded size.

Rendered by a template loop on each page, the list made a policy's pages cost
O(versions²) together (12% of a 3,000-page build).
What an entry says (date, status) is made once per version; only its link, relative to the
page, is made per page. (Links are not kept per folder: nearly every page has a folder of
its own, and keeping them held O(versions²) strings per policy for the whole build.)
"""

from __future__ import annotations

import html
import posixpath
from datetime import date

from markupsafe import Markup

from policydocs.history.model import Policy, Version, long_date
from policydocs.site.urls import UrlScheme

#: Up to this many versions, the switcher lists them all.
LISTED = 10
#: Else: versions listed on either side of the page's own (and the newest, and the current).
NEIGHBOURS = 2


class VersionLists:
    def __init__(self, urls: UrlScheme):
        self._urls = urls
        self._entries: dict[str, list[tuple[Version, str, str]]] = {}

    def html(self, policy: Policy, page_url: str, shown: Version | None, kind: str) -> Markup:
        """`<li>` items, newest first, for the page at `page_url` (from the site root);
        `shown` is marked aria-current ("page" on its own version page)."""
        folder = page_folder(page_url)
        if policy.id not in self._entries:
            self._entries[policy.id] = [self._entry(v) for v in reversed(policy.versions)]
        current = "page" if kind == "version" else "true"
        items = []
        relative = _Relative(folder)
        listed = self._listed(policy, shown)
        history = html.escape(relative(self._urls.history(policy)))
        skipped = 0
        for version, target, rest in self._entries[policy.id]:
            if version.index not in listed:
                skipped += 1
                continue
            if skipped:
                items.append(_more(skipped, history))
                skipped = 0
            href = html.escape(relative(target))
            if version is shown:
                link = f'<a href="{href}" aria-current="{current}">'
                rest += ' <em class="pd-switcher__shown">(shown here)</em>'
            else:
                link = f'<a href="{href}">'
            items.append(f"<li>{link}Version {html.escape(version.label)}</a>{rest}</li>")
        if skipped:
            items.append(_more(skipped, history))
        return Markup("\n".join(items))

    @staticmethod
    def _listed(policy: Policy, shown: Version | None) -> range | set[int]:
        """The indexes of the versions the switcher lists (see the module's docstring)."""
        if len(policy.versions) <= LISTED:
            return range(len(policy.versions))
        anchor = shown or policy.current or policy.latest
        near = range(anchor.index - NEIGHBOURS, anchor.index + NEIGHBOURS + 1)
        listed = {policy.latest.index, *near}
        if policy.current is not None:
            listed.add(policy.current.index)
        return listed

    def _entry(self, version: Version) -> tuple[Version, str, str]:
        status = version.status
        rest = (
            f": effective {_day(version.in_force_on)}, "
            f'<span class="pd-status pd-status--{status.value}">{status.display}</span>'
        )
        return version, self._urls.version(version), rest


def _more(count: int, history: str) -> str:
    versions = "version" if count == 1 else "versions"
    return (
        f'<li class="pd-switcher__more"><a href="{history}">{count} more {versions} '
        "(all versions)</a></li>"
    )


def relative(target: str, page_url: str) -> str:
    """The link to `target` (a URL from the site root) from the page at `page_url`."""
    return _relative(target, page_folder(page_url))


def page_folder(page_url: str) -> str:
    """The folder relative links on the page at `page_url` start from."""
    return page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)


def _relative(target: str, folder: str) -> str:
    href = posixpath.relpath(target, folder or ".")
    if target.endswith("/"):
        href = "./" if href == "." else href + "/"
    return href


class _Relative:
    """`_relative(target, folder)` for many targets in few folders (a policy's versions
    are siblings): the way to each target's folder is worked out once. posixpath.relpath
    per link was 1 ms of every policy page's 3.5 ms of templates."""

    def __init__(self, folder: str):
        self._folder = folder
        self._ways: dict[str, str] = {}

    def __call__(self, target: str) -> str:
        path = target.rstrip("/")
        folder = self._folder
        if folder == path or folder.startswith(path + "/"):
            return _relative(target, folder)  # the target is this folder or holds it
        parent, _, name = path.rpartition("/")
        way = self._ways.get(parent)
        if way is None:
            up = posixpath.relpath(parent or ".", folder or ".")
            way = self._ways[parent] = "" if up == "." else up + "/"
        return way + name + ("/" if target.endswith("/") else "")


def _day(day: date) -> str:
    return f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'
