"""The channels beside RSS and Atom: JSON Feed 1.1, the calendar of effective dates and a
WebSub hub, each read back by a real parser."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import feedparser
import icalendar
import jsonfeed
import pytest

from policydocs.site.urls import FEED_FILES

from ..conftest import build_site, policydocs
from ..gitrepo import GitRepo
from .test_site import history

SITE = "https://policies.example.com/"
HUB = "https://hub.example.net/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = history(GitRepo(tmp_path_factory.mktemp("channels") / "repo"))
    return build_site(repo, {"as_of": "2025-01-01", "websub_hub": HUB})


def test_json_feeds_match_the_atom_feeds_entry_for_entry(site: Path) -> None:
    for folder in ("", "acceptable-use/", "promo/"):
        raw = json.loads((site / f"{folder}feed.json").read_text(encoding="utf-8"))
        feed = jsonfeed.Feed.parse(raw)  # refuses what JSON Feed 1.1 requires and lacks
        atom = feedparser.parse((site / f"{folder}atom.xml").read_bytes())
        assert raw["version"] == "https://jsonfeed.org/version/1.1"
        assert feed.feed_url == f"{SITE}{folder}feed.json"
        assert feed.title == atom.feed.title and feed.description == atom.feed.subtitle
        assert [i.id for i in feed.items] == [e.id for e in atom.entries]
        assert [i.title for i in feed.items] == [e.title for e in atom.entries]
        assert [i.url for i in feed.items] == [e.link for e in atom.entries]
        assert [i.summary for i in feed.items] == [e.summary for e in atom.entries]
        for item, entry in zip(feed.items, atom.entries, strict=True):
            # the same HTML, unescaped once (feedparser writes <hr> as <hr />)
            assert item.content_html.replace("<hr>", "<hr />") == entry.content[0].value
            assert item.date_published == entry.published
            assert item.tags == [tag.term for tag in entry.tags]
        assert [h.url for h in feed.hubs] == [HUB]


def test_feeds_name_the_websub_hub(site: Path) -> None:
    for name in ("rss.xml", "atom.xml", "acceptable-use/atom.xml"):
        links = feedparser.parse((site / name).read_bytes()).feed.links
        assert [link.href for link in links if link.rel == "hub"] == [HUB], name


def test_every_page_offers_the_json_feed(site: Path) -> None:
    page = (site / "acceptable-use/index.html").read_text(encoding="utf-8")
    assert 'type="application/feed+json" title="Example Policies: Acceptable Use Policy' in page
    assert 'href="feed.json" type="application/feed+json">JSON Feed</a>' in page
    assert 'href="calendar.ics" type="text/calendar">calendar of effective dates</a>' in page


def events(site: Path, name: str) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical((site / name).read_bytes())
    assert calendar["version"] == "2.0" and calendar["prodid"]
    return list(calendar.walk("VEVENT"))


def test_the_calendar_has_an_all_day_event_for_each_effective_date(site: Path) -> None:
    aup = events(site, "acceptable-use/calendar.ics")
    assert [(str(e["summary"]), e["dtstart"].dt) for e in aup] == [
        ("Acceptable Use Policy: version 2024-01-01 takes effect", date(2024, 1, 1)),
        ("Acceptable Use Policy: version 2024-03-01 takes effect", date(2024, 3, 1)),
        ("Acceptable Use Policy: version 2030-06-01 takes effect", date(2030, 6, 1)),
    ]
    upcoming = aup[-1]
    assert upcoming["dtend"].dt - upcoming["dtstart"].dt == timedelta(days=1)
    assert str(upcoming["url"]) == f"{SITE}acceptable-use/2030-06-01/changes/"
    assert str(upcoming["description"]).startswith("Bans mining\n")
    [alarm] = upcoming.walk("VALARM")
    assert alarm["trigger"].dt == timedelta(days=-7)
    atom = feedparser.parse((site / "acceptable-use/atom.xml").read_bytes())
    newest = atom.entries[0].id.removeprefix("urn:uuid:")
    assert str(upcoming["uid"]) == f"{newest}@policydocs"  # one version, one id
    assert upcoming["dtstamp"].dt.isoformat() == "2024-06-01T09:00:00+00:00"  # never the clock
    promo = events(site, "promo/calendar.ics")
    assert [str(e["summary"]) for e in promo][-1] == "Promotion Terms: withdrawn"
    everything = events(site, "calendar.ics")
    assert len(everything) == 3 + 2 + 2 and len({str(e["uid"]) for e in everything}) == 7


def test_a_version_overtaken_before_it_began_is_a_cancelled_event(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.revise("fees", "£5.\n", "2024-01-01T09:00:00+00:00", title="Fees")
    fees = {"title": "Fees"}
    repo.revise("fees", "£6.\n", "2024-02-01T09:00:00+00:00", effective="2024-06-01", **fees)
    repo.revise("fees", "£5.50.\n", "2024-03-01T09:00:00+00:00", effective="2024-05-01", **fees)
    site = build_site(repo, {"as_of": "2024-04-01"}, strict=False)
    [overtaken] = [e for e in events(site, "fees/calendar.ics") if e["status"] == "CANCELLED"]
    assert overtaken["dtstart"].dt == date(2024, 6, 1)
    assert "cancelled" in str(overtaken["summary"]) and not overtaken.walk("VALARM")


class _Hub(BaseHTTPRequestHandler):
    """A WebSub hub on loopback that accepts every ping and remembers it."""

    pings: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).pings.append(parse_qs(self.rfile.read(length).decode()))
        self.send_response(202)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_after_a_deploy_the_hub_is_told_of_every_feed(repo: GitRepo) -> None:
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hub = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        repo.mkdocs_yml({"websub_hub": hub})
        told = policydocs(repo.path, "websub")
        repo.mkdocs_yml({})
        untold = policydocs(repo.path, "websub")
    finally:
        server.shutdown()
        server.server_close()
    assert told.returncode == 0, told.stderr
    feeds = [f"{SITE}{folder}{name}" for folder in ("", "tos/") for name in FEED_FILES.values()]
    feeds += [f"{SITE}all-{name}" for name in FEED_FILES.values()]  # every change's too
    assert [ping["hub.url"] for ping in _Hub.pings] == [[feed] for feed in feeds]
    assert all(ping["hub.mode"] == ["publish"] for ping in _Hub.pings)
    assert (untold.returncode, untold.stdout) == (
        0,
        "policydocs: no 'websub_hub' in the site's options: no hub to tell\n",
    )


def test_a_rebuild_writes_again_only_the_revised_policys_events(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing events is most of a rebuild's calendar work: each policy's are kept in the
    store under what they are written from, and the calendars read the same either way."""
    from policydocs.builder import run
    from policydocs.core.settings import Settings, resolve_as_of
    from policydocs.site import calendar
    from policydocs.site.feeds import FeedSettings

    written: list[str] = []
    write = calendar._ical.__wrapped__

    def counted(event: calendar._Event) -> bytes:
        written.append(event.url)
        return write(event)

    monkeypatch.setattr(calendar, "_ical", counted)
    for n, day in enumerate(["2024-01-01", "2024-02-01"]):
        repo.revise("fees", f"Fees, revision {n}.\n", f"{day}T09:00:00+00:00")
        repo.revise("terms", f"Terms, revision {n}.\n", f"{day}T10:00:00+00:00")

    def build(cache: Path | None) -> dict[str, bytes]:
        settings = Settings(
            policies_dir=repo.path / "policies",
            as_of=resolve_as_of("2024-06-01", UTC),
            cache_dir=cache,
        )
        site = run.build(settings, FeedSettings("https://example.com/", "Example"))
        return {a.dest: a.content for a in site.assets if a.dest.endswith(".ics")}

    cold = build(tmp_path / "cache")
    assert len(written) == 4 and len(cold) == 3
    written.clear()
    assert build(tmp_path / "cache") == cold and written == []
    repo.revise("fees", "Fees, revision 2.\n", "2024-03-01T09:00:00+00:00")
    warm = build(tmp_path / "cache")
    assert len(written) == 3 and all("/fees/" in url for url in written)  # none of terms
    written.clear()
    assert build(None) == warm and len(written) == 5
    assert warm["terms/calendar.ics"] == cold["terms/calendar.ics"]
    assert warm["calendar.ics"].count(b"BEGIN:VEVENT") == 5
