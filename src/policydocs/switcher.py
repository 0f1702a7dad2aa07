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
        for version, target, rest in self._entries[policy.id]:
            href = html.escape(_relative(target, folder))
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
            f": effective {_day(version.effective)}, "
            f'<span class="pd-status pd-status--{status.value}">{status.display}</span>'
        )
        return version, self._urls.version(version), rest


def _relative(target: str, folder: str) -> str:
    href = posixpath.relpath(target, folder or ".")
    if target.endswith("/"):
        href = "./" if href == "." else href + "/"
    return href


def _day(day: date) -> str:
    return f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'
