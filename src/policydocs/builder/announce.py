"""Telling a WebSub hub (w3.org/TR/websub) that the feeds changed, after a deploy: readers
subscribed at the hub learn of a change at once instead of at their next poll.

The ping is the form most hubs accept (`hub.mode=publish`, one `hub.url` per feed): the
WebSub recommendation leaves how a publisher notifies its hub to the hub.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from policydocs.history.model import Catalog
from policydocs.site.feeds import feed_dests
from policydocs.site.urls import UrlScheme

#: Seconds to wait for the hub's answer to each ping.
TIMEOUT = 20


@dataclass(frozen=True)
class Ping:
    feed: str
    #: The hub's HTTP status, or why there was none.
    answer: str
    ok: bool


def feed_urls(catalog: Catalog, urls: UrlScheme, base: str) -> list[str]:
    """Every feed the site publishes (`feeds.feed_dests`), absolute."""
    return [urljoin(base, dest) for dest in feed_dests(catalog, urls)]


def ping_hub(hub: str, feeds: list[str]) -> list[Ping]:
    """One POST to the hub per feed (a hub answers 2xx when it accepts it)."""
    pings = []
    for feed in feeds:
        body = urlencode({"hub.mode": "publish", "hub.url": feed}).encode()
        request = urllib.request.Request(hub, data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                pings.append(Ping(feed, str(response.status), 200 <= response.status < 300))
        except urllib.error.HTTPError as exc:
            pings.append(Ping(feed, f"{exc.code} {exc.reason}", False))
        except (urllib.error.URLError, OSError) as exc:
            pings.append(Ping(feed, f"no answer: {getattr(exc, 'reason', exc)}", False))
    return pings
