"""The version switcher's list, as HTML made in Python rather than by a template loop.

Every page of a policy lists all of its versions; rendered by a template loop on each page,
the list made a policy's pages cost O(versions²) together (12% of a 3,000-page build).
What an entry says (date, status) is made once per version; only its link, relative to the
page, is made per page. (Links are not kept per folder: nearly every page has a folder of
its own, and keeping them held O(versions²) strings per policy for the whole build.)
"""

from __future__ import annotations

import html
import posixpath
from datetime import date

from markupsafe import Markup

from .model import Policy, Version, long_date
from .urls import UrlScheme


class VersionLists:
    def __init__(self, urls: UrlScheme):
        self._urls = urls
        self._entries: dict[str, list[tuple[Version, str, str]]] = {}

    def html(self, policy: Policy, page_url: str, shown: Version | None, kind: str) -> Markup:
        """`<li>` items, newest first, for the page at `page_url` (from the site root);
        `shown` is marked aria-current ("page" on its own version page)."""
        folder = page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)
        if policy.id not in self._entries:
            self._entries[policy.id] = [self._entry(v) for v in reversed(policy.versions)]
        current = "page" if kind == "version" else "true"
        items = []
        relative = _Relative(folder)
        for version, target, rest in self._entries[policy.id]:
            href = html.escape(relative(target))
            if version is shown:
                link = f'<a href="{href}" aria-current="{current}">'
                rest += ' <em class="pd-switcher__shown">(shown here)</em>'
            else:
                link = f'<a href="{href}">'
            items.append(f"<li>{link}Version {html.escape(version.label)}</a>{rest}</li>")
        return Markup("\n".join(items))

    def _entry(self, version: Version) -> tuple[Version, str, str]:
        status = version.status
        rest = (
            f": effective {_day(version.in_force_on)}, "
            f'<span class="pd-status pd-status--{status.value}">{status.display}</span>'
        )
        return version, self._urls.version(version), rest


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
