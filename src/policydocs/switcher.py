"""The version switcher's list, as HTML made once per policy and folder.

Every page of a policy lists all of its versions; rendered by the template on each page,
the list made a policy's pages cost O(versions²) together (12% of a 3,000-page build).
The entries are the same for every page in one folder (their links are relative to it),
so each is made once; a page then only marks the version it shows.
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
        self._entries: dict[tuple[str, str], list[tuple[Version, str, str]]] = {}

    def html(self, policy: Policy, page_url: str, shown: Version | None, kind: str) -> Markup:
        """`<li>` items, newest first, for the page at `page_url` (from the site root);
        `shown` is marked aria-current ("page" on its own version page)."""
        folder = page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)
        key = (policy.id, folder)
        if key not in self._entries:
            self._entries[key] = [self._entry(v, folder) for v in reversed(policy.versions)]
        current = "page" if kind == "version" else "true"
        items = []
        for version, href, rest in self._entries[key]:
            if version is shown:
                link = f'<a href="{href}" aria-current="{current}">'
                rest += ' <em class="pd-switcher__shown">(shown here)</em>'
            else:
                link = f'<a href="{href}">'
            items.append(f"<li>{link}Version {html.escape(version.label)}</a>{rest}</li>")
        return Markup("\n".join(items))

    def _entry(self, version: Version, folder: str) -> tuple[Version, str, str]:
        target = self._urls.version(version)
        href = posixpath.relpath(target, folder or ".")
        if target.endswith("/"):
            href = "./" if href == "." else href + "/"
        status = version.status
        rest = (
            f": effective {_day(version.effective)}, "
            f'<span class="pd-status pd-status--{status.value}">{status.display}</span>'
        )
        return version, html.escape(href), rest


def _day(day: date) -> str:
    return f'<time datetime="{day.isoformat()}">{long_date(day)}</time>'
