"""calendar.ics: the days versions take effect, as all-day events (RFC 5545, written with
the `icalendar` package), site-wide and per policy.

A customer subscribes in any calendar and is reminded a week before a change binds them.
Every version that took or will take effect, but editorial ones (not announced), is an
event on its first day in force (in the site's time zone); one overtaken before it began
stays, cancelled, so that a calendar that showed it learns it will not happen; a withdrawal
is an event on its day. UIDs are the feed entries' ids (`feeds.stable_id`), and DTSTAMP the
revision's publication: nothing depends on the build's clock.

Each policy's events, written, are kept in the store under everything they are written
from: writing them (icalendar folds every line) was the largest part of a rebuild's own
work after one new revision (0.15 s for 300 versions), and only the revised policy's
change.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urljoin

from icalendar import Alarm, Calendar, Event

from policydocs.core.store import Store
from policydocs.history.model import Catalog, Policy, Status
from policydocs.site.feeds import stable_id
from policydocs.site.pages import GeneratedAsset
from policydocs.site.urls import UrlScheme

#: How long before a change takes effect a subscribed calendar reminds its reader.
REMINDER = timedelta(days=7)
_PRODUCT = "-//policydocs//Policy changes//EN"
#: Part of the stored events' key: bump when the same facts are written otherwise.
_WRITING = "1"
_ICALENDAR = importlib.metadata.version("icalendar")


def calendars(
    catalog: Catalog, urls: UrlScheme, base: str, site_name: str, store: Store
) -> list[GeneratedAsset]:
    """The site-wide calendar, then each policy's; `base` is the site's absolute URL. Each
    event is written once and put in both calendars it belongs to (writing them, folding
    lines, is most of the work)."""
    written = {
        policy.id: _kept(store, list(_events(policy, urls, base))) for policy in catalog.policies
    }
    everything = sorted(event for events in written.values() for event in events)
    files = [
        GeneratedAsset(
            urls.calendar_dest(None), _calendar(f"{site_name}: policy changes", everything)
        )
    ]
    files += [
        GeneratedAsset(
            urls.calendar_dest(policy.id),
            _calendar(f"{policy.title}: changes", written[policy.id]),
        )
        for policy in catalog.policies
    ]
    return files


def _calendar(name: str, events: list[tuple[date, str, bytes]]) -> bytes:
    """A calendar holding `events` (written, in order)."""
    calendar = Calendar()
    calendar.add("prodid", _PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what most calendar programs read instead
    empty: bytes = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not empty.endswith(end):
        raise AssertionError("icalendar no longer ends a calendar as RFC 5545 writes it")
    return empty[: -len(end)] + b"".join(data for _, _, data in events) + end


def _kept(store: Store, events: list[_Event]) -> list[tuple[date, str, bytes]]:
    """The events, written, each after the day and UID it is sorted by, in that order:
    from the store if they were written before from the same facts, else written now and
    kept."""
    facts = repr((_WRITING, _ICALENDAR, REMINDER, _PRODUCT, events)).encode()
    key = f"calendar-events:{hashlib.sha256(facts).hexdigest()}"
    data = store.load(key)
    if data is not None:
        return [
            (date.fromisoformat(day), uid, text.encode()) for day, uid, text in json.loads(data)
        ]
    written = sorted((event.day, event.uid, _ical(event)) for event in events)
    kept = [[day.isoformat(), uid, text.decode()] for day, uid, text in written]
    store.save(key, json.dumps(kept).encode())
    return written


@dataclass(frozen=True)
class _Event:
    """Everything an event is written from (so that writing it can be remembered)."""

    uid: str
    stamp: datetime
    day: date
    summary: str
    description: str
    url: str
    cancelled: bool = False
    #: What its reminder names; None for an event without one.
    reminder: str | None = None


def _events(policy: Policy, urls: UrlScheme, base: str) -> Iterator[_Event]:
    """Each event of the policy."""
    for version in policy.versions:
        if version.editorial:
            continue  # (not announced: see `history.editorial`)
        cancelled = version.status is Status.NEVER_TOOK_EFFECT
        page = urls.changes(version) if version.index else urls.version(version)
        title = f"{version.title}: version {version.label} takes effect"
        about = version.summary or ("" if version.index else version.opening)
        yield _Event(
            f"{stable_id(policy, version.label)}@policydocs",
            version.published,
            version.in_force_on,
            f"{title} (cancelled: a later revision replaced it)" if cancelled else title,
            "\n".join(filter(None, [about, urljoin(base, page)])),
            urljoin(base, page),
            cancelled=cancelled,
            reminder=None if cancelled else title,
        )
    for withdrawal in policy.withdrawals:
        before = policy.last_before(withdrawal)
        name = f"withdrawn/{withdrawal.commit.sha}"
        yield _Event(
            f"{stable_id(policy, name)}@policydocs",
            withdrawal.commit.date,
            withdrawal.day,
            f"{before.title}: withdrawn",
            "From this day on, none of its versions applies.",
            urljoin(base, urls.history(policy)),
        )


@lru_cache(maxsize=1 << 16)
def _ical(facts: _Event) -> bytes:
    """An event as RFC 5545 writes it. Remembered: `mkdocs serve` writes the same calendars
    again after every save (1 s at 1,000 versions), and folding lines is most of it."""
    event = Event()
    event.add("uid", facts.uid)
    event.add("dtstamp", facts.stamp.astimezone(UTC))
    event.add("dtstart", facts.day)  # a date: an all-day event
    event.add("dtend", facts.day + timedelta(days=1))
    event.add("summary", facts.summary)
    event.add("description", facts.description)
    event.add("url", facts.url)
    event.add("transp", "TRANSPARENT")  # takes no time in anyone's day
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    if facts.reminder is not None:
        event.add_component(_reminder(facts.reminder))
    written: bytes = event.to_ical()
    return written


def _reminder(title: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"In a week: {title}")
    alarm.add("trigger", -REMINDER)
    return alarm
