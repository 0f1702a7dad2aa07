"""RSS and Atom feeds from real builds, read by feedparser and checked against the specs."""

from __future__ import annotations

import email.utils
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from ..conftest import build_site
from ..gitrepo import GitRepo
from .test_site import history

SITE = "https://policies.example.com/"
ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["rss.xml", "atom.xml", "acceptable-use/rss.xml", "acceptable-use/atom.xml"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = history(GitRepo(tmp_path_factory.mktemp("feeds") / "repo"))
    return build_site(repo, {"as_of": "2025-01-01"})


def parsed(site: Path, name: str):
    feed = feedparser.parse((site / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def local(site: Path, url: str) -> Path:
    """The built file an absolute site URL points at."""
    assert url.startswith(SITE), url
    path = urlsplit(url).path.lstrip("/")
    target = site / path
    return target / "index.html" if path.endswith("/") or not path else target


def test_feeds_parse_and_have_one_entry_per_version_and_withdrawal(site: Path) -> None:
    # acceptable-use: 3 versions; terms-of-service: 2; promo: 1, then withdrawn
    for name, count in [
        ("rss.xml", 7),
        ("atom.xml", 7),
        ("acceptable-use/rss.xml", 3),
        ("acceptable-use/atom.xml", 3),
        ("promo/rss.xml", 2),
        ("promo/atom.xml", 2),
    ]:
        assert len(parsed(site, name).entries) == count, name


def test_a_withdrawal_is_announced(site: Path) -> None:
    for name in ("rss.xml", "promo/atom.xml"):
        [entry] = [e for e in parsed(site, name).entries if "withdrawn" in e.title]
        assert entry.title == "Promotion Terms withdrawn — 1 May 2024"
        assert tuple(entry.published_parsed)[:6] == (2024, 5, 1, 9, 0, 0)  # its commit's
        assert entry.link == SITE + "promo/2024-01-01/"
        assert uuid.UUID(entry.id.removeprefix("urn:uuid:")).version == 5
        content = lxml.html.fromstring(entry.content[0].value)
        text = content.text_content()
        assert "Withdrawn: 1 May 2024" in text
        assert "none of the versions published before applies" in text
        assert {a.get("href") for a in content.iter("a")} == {
            SITE + "promo/2024-01-01/",
            SITE + "promo/history/",
        }


@pytest.mark.parametrize(
    ("page", "policy"),
    [
        ("index.html", None),
        ("acceptable-use/index.html", "Acceptable Use Policy"),
        ("acceptable-use/2024-03-01/changes/index.html", "Acceptable Use Policy"),
        ("terms-of-service/history/index.html", "Terms of Service"),
    ],
)
def test_every_page_announces_its_feeds(site: Path, page: str, policy: str | None) -> None:
    """Feed readers find the feeds from any page: the site's, and on a policy's pages its own."""
    head = etree.parse(str(site / page), etree.HTMLParser()).find("head")
    links = [link.attrib for link in head.iterfind(".//link[@rel='alternate']")]
    # A policy's own, in <noscript>: Material's script would fetch a sitemap beside them
    hidden = [link.attrib["href"] for link in head.iterfind("noscript/link[@rel='alternate']")]
    assert hidden == [link["href"] for link in links[3:]]
    folder = page.split("/")[0] + "/" if policy else ""
    kinds = [("rss.xml", "RSS"), ("atom.xml", "Atom"), ("feed.json", "JSON Feed")]
    expected = [(f"{SITE}{name}", f"all policy changes ({kind})") for name, kind in kinds]
    if policy:
        expected += [
            (f"{SITE}{folder}{name}", f"{policy}: changes ({kind})") for name, kind in kinds
        ]
    assert [link["href"] for link in links] == [href for href, _ in expected]
    for link, (href, title) in zip(links, expected, strict=True):
        assert local(site, href).is_file()
        assert link["title"].endswith(title)
    assert [link["type"] for link in links[:2]] == ["application/rss+xml", "application/atom+xml"]


def test_entry_titles_say_when_the_version_takes_effect(site: Path) -> None:
    titles = [e.title for e in parsed(site, "acceptable-use/atom.xml").entries]
    assert titles == [
        "Acceptable Use Policy revised — takes effect 1 June 2030",
        "Acceptable Use Policy revised — takes effect 1 March 2024",
        "Acceptable Use Policy published — effective 1 January 2024",
    ]


def test_entry_content_carries_summary_sections_and_redline(site: Path) -> None:
    entry = parsed(site, "acceptable-use/atom.xml").entries[0]
    content = entry.content[0].value
    assert "<strong>Summary:</strong> Bans mining" in content
    assert "Sections changed:" in content
    assert "<ins>{+No crypto mining.+}</ins>" in content  # read without styles too
    assert "<del>[-deleted text-]</del> is struck through" in content  # the key
    assert f'href="{SITE}acceptable-use/2030-06-01/"' in content
    assert f'href="{SITE}acceptable-use/2030-06-01/changes/"' in content
    assert entry.link == f"{SITE}acceptable-use/2030-06-01/changes/"
    assert [(t.term, t.scheme, t.label) for t in entry.tags] == [
        ("acceptable-use", SITE, None),
        ("revision", f"{SITE}versions.json", "Revision"),
    ]
    assert entry.summary == "Takes effect 1 June 2030. Bans mining"


def test_every_entry_says_what_it_is_and_first_what_changed_and_when(site: Path) -> None:
    """A reader shows an entry's summary first: when it takes effect, and what changed."""
    feed = parsed(site, "atom.xml")
    kinds = {e.title: e.tags[1].term for e in feed.entries}
    assert kinds["Promotion Terms withdrawn — 1 May 2024"] == "withdrawal"
    assert kinds["Acceptable Use Policy published — effective 1 January 2024"] == "publication"
    assert kinds["Acceptable Use Policy revised — takes effect 1 March 2024"] == "revision"
    summaries = {e.title: e.summary for e in feed.entries}
    assert summaries["Promotion Terms withdrawn — 1 May 2024"] == (
        "Withdrawn 1 May 2024: from that day on, none of its versions applies."
    )
    assert summaries["Acceptable Use Policy published — effective 1 January 2024"] == (
        "Effective 1 January 2024. First publication."
    )
    atom = etree.parse(str(site / "atom.xml")).getroot()
    assert all(e.find(f"{ATOM}summary") is not None for e in atom.iter(f"{ATOM}entry"))


def test_ids_are_unique_uuids_stable_across_builds_and_moves(site: Path, tmp_path: Path) -> None:
    """Ids come from the history alone: moving the site (another site_url) must not make
    readers announce every change again."""
    ids = [e.id for e in parsed(site, "atom.xml").entries]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i.removeprefix("urn:uuid:")).version == 5 for i in ids)
    again = build_site(history(GitRepo(tmp_path / "repo")), {"as_of": "2025-01-01"})
    assert [e.id for e in parsed(again, "atom.xml").entries] == ids
    assert (again / "atom.xml").read_bytes() == (site / "atom.xml").read_bytes()
    moved_repo = history(GitRepo(tmp_path / "moved"))
    moved = build_site(moved_repo, {"as_of": "2025-01-01"}, site_url="https://example.com/legal/")
    for name in ("atom.xml", "rss.xml", "acceptable-use/atom.xml", "terms-of-service/rss.xml"):
        before, after = parsed(site, name), parsed(moved, name)
        assert [e.id for e in after.entries] == [e.id for e in before.entries], name
        if name.endswith("atom.xml"):  # (an RSS channel has no id)
            assert after.feed.id == before.feed.id
        assert after.entries[0].link.startswith("https://example.com/legal/")


def test_every_link_resolves_to_a_built_file(site: Path) -> None:
    for name in FEEDS:
        feed = parsed(site, name)
        urls = [link.href for link in feed.feed.links]
        for entry in feed.entries:
            urls.append(entry.link)
            tree = etree.HTML(entry.content[0].value if "content" in entry else entry.summary)
            urls += [href.split("#")[0] for href in tree.xpath("//a/@href")]
        for url in urls:
            assert local(site, url).exists(), f"{name}: {url}"


def test_dates_are_in_order_with_time_zones_and_never_the_build_clock(site: Path) -> None:
    rss = etree.parse(str(site / "rss.xml"))
    dates = [email.utils.parsedate_to_datetime(d) for d in rss.xpath("//item/pubDate/text()")]
    assert all(d.tzinfo is not None for d in dates)
    assert dates == sorted(dates, reverse=True)
    assert rss.xpath("//channel/lastBuildDate/text()")[0] == "Sat, 01 Jun 2024 09:00:00 +0000"
    atom = etree.parse(str(site / "atom.xml"))
    assert atom.findtext(f"{ATOM}updated") == "2024-06-01T09:00:00+00:00"
    for value in atom.xpath("//a:entry/a:published/text()", namespaces={"a": ATOM[1:-1]}):
        assert datetime.fromisoformat(value).tzinfo is not None


def test_rss_and_atom_required_elements(site: Path) -> None:
    for name in ("rss.xml", "acceptable-use/rss.xml"):
        channel = etree.parse(str(site / name)).getroot().find("channel")
        for required in ("title", "link", "description"):
            assert channel.findtext(required), (name, required)
        assert channel.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}{name}"
        assert channel.findtext("link") == (
            SITE if name == "rss.xml" else f"{SITE}acceptable-use/history/"
        )
        for item in channel.findall("item"):
            assert item.findtext("title") and item.findtext("guid") and item.findtext("pubDate")
            assert item.find("guid").get("isPermaLink") == "false"
    for name in ("atom.xml", "acceptable-use/atom.xml"):
        feed = etree.parse(str(site / name)).getroot()
        for required in ("id", "title", "updated"):
            assert feed.findtext(f"{ATOM}{required}"), (name, required)
        assert feed.find(f"{ATOM}author/{ATOM}name") is not None
        assert feed.find(f'{ATOM}link[@rel="self"]').get("href") == f"{SITE}{name}"
        for entry in feed.findall(f"{ATOM}entry"):
            for required in ("id", "title", "updated"):
                assert entry.findtext(f"{ATOM}{required}")
            assert entry.find(f"{ATOM}content").get("type") == "html"


def test_hostile_markup_in_a_policy_never_reaches_a_feed(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.revise("tos", "Fair terms.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    hostile = (
        "Fair terms.\n\n<script>alert('x')</script>\n\n"
        '<img src="x.png" onerror="alert(1)"> and <a href="javascript:alert(2)">click</a>\n\n'
        '<iframe src="https://evil.example/"></iframe>\n\n<style>body{display:none}</style>\n\n'
        '<p onclick="steal()">Clause here.</p>\n\nSee [the schedule](relative/page.html).\n'
    )
    repo.revise("tos", hostile, "2024-02-01T09:00:00+00:00", title="Terms")
    site = build_site(repo, strict=False)  # strict MkDocs would (rightly) refuse the dead link
    for name in ("atom.xml", "rss.xml", "tos/atom.xml", "tos/rss.xml"):
        raw = (site / name).read_text(encoding="utf-8")
        for bad in (
            "<script",
            "alert(",
            "onerror",
            "javascript:",
            "<iframe",
            "<style",
            "display:none",
            "onclick",
            "steal(",
        ):
            assert bad not in raw, (name, bad)
    entry = parsed(site, "tos/atom.xml").entries[0].content[0].value
    assert f'href="{SITE}tos/2024-02-01/changes/relative/page.html"' in entry  # made absolute
    assert "A block of HTML was inserted here" in entry  # raw HTML is shown on the site only


def test_a_policy_quoting_feed_markup_leaves_the_feeds_whole(tmp_path: Path) -> None:
    """Feeds are written entry by entry into a skeleton made with placeholder contents: text
    that looks like the placeholders or their elements must stay text, in its own entry."""
    quoted = (
        'Placeholders: <content type="html">&lt;&gt;</content> and '
        "<content:encoded>&lt;&gt;</content:encoded> and <> and &lt;&gt;.\n"
    )
    repo = GitRepo(tmp_path / "repo")
    repo.revise("tos", "Fair terms.\n", "2024-01-01T09:00:00+00:00", title="Terms <>")
    repo.revise("tos", quoted, "2024-02-01T09:00:00+00:00", title="Terms <>", summary="<>")
    site = build_site(repo, strict=False)
    for name in ("atom.xml", "rss.xml", "tos/atom.xml", "tos/rss.xml"):
        feed = parsed(site, name)
        assert [entry.title.startswith("Terms <> ") for entry in feed.entries] == [True, True]
        newest, first = (entry.content[0].value for entry in feed.entries)
        assert "Fair terms." in first and "Placeholders" not in first
        assert "<strong>Summary:</strong> &lt;&gt;" in newest
        assert "Placeholders: &lt;&gt; and &lt;&gt; and &lt;&gt; and &lt;&gt;." in newest


def test_an_rss_description_is_the_summary_as_text(tmp_path: Path) -> None:
    """RSS readers take an item's description as HTML: a summary is text, so it is escaped
    once more there (in Atom it is the entry's content's, already escaped)."""
    summary = 'Fees <script>alert(1)</script> & <i>"terms"</i>'
    repo = GitRepo(tmp_path / "repo")
    repo.revise("tos", "Fair terms.\n", "2024-01-01T09:00:00+00:00", summary=summary)
    site = build_site(repo)
    for name in ("rss.xml", "tos/rss.xml"):
        (description,) = etree.parse(site / name).iterfind("channel/item/description")
        fragment = lxml.html.fragment_fromstring(description.text, create_parent="p")
        assert fragment.text_content() == f"Effective 1 January 2024. {summary}"
        assert list(fragment.iter("script", "i")) == []
        read = parsed(site, name).entries[0].summary  # as a feed reader shows it
        shown = lxml.html.fragment_fromstring(read, create_parent="p").text_content()
        assert shown == f"Effective 1 January 2024. {summary}"


def test_site_url_is_required(tmp_path: Path, mkdocs_errors) -> None:
    from mkdocs.exceptions import Abort

    repo = GitRepo(tmp_path / "repo")
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    with pytest.raises(Abort):
        build_site(repo, site_url=None)
    assert any("feeds need absolute URLs: set site_url" in m for m in mkdocs_errors())


def test_entry_cap(tmp_path: Path) -> None:
    site = build_site(history(GitRepo(tmp_path / "repo")), {"feed_limit": 2})
    entries = parsed(site, "atom.xml").entries
    assert [e.title for e in entries] == [
        "Acceptable Use Policy revised — takes effect 1 June 2030",
        "Promotion Terms withdrawn — 1 May 2024",
    ]


def test_autodiscovery_in_every_page_and_subscribe_links(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    site_feed = 'type="application/atom+xml" title="Example Policies: all policy changes (Atom)"'
    assert f'{site_feed} href="{SITE}atom.xml"' in home
    assert f'href="{SITE}acceptable-use/rss.xml"' not in home
    page = (site / "acceptable-use/2024-01-01/index.html").read_text(encoding="utf-8")
    policy_feed = 'title="Example Policies: Acceptable Use Policy: changes (RSS)"'
    assert f'{policy_feed} href="{SITE}acceptable-use/rss.xml">' in page
    assert 'href="../rss.xml" type="application/rss+xml">RSS</a>' in page


def test_feeds_stay_small_and_say_where_every_version_is(tmp_path: Path) -> None:
    """The site-wide feeds hold the newest 50 entries, a policy's all of its own, each
    within about a megabyte (readers refuse larger feeds); a feed that leaves entries out
    says where every version is."""
    repo = GitRepo(tmp_path / "repo")
    clause = "Customers must keep their account details up to date at all times. " * 9_000
    for n in range(4):
        repo.revise("long", f"{clause}Version {n}.\n", f"2023-04-{n + 1:02d}T09:00:00+00:00")
    for n in range(55):
        day = f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T09:00:00+00:00"
        repo.revise("tos", f"Clause {n}.\n", day, title="Terms", summary=f"Change {n}")
    site = build_site(repo)
    site_wide = parsed(site, "atom.xml")
    assert len(site_wide.entries) == 50
    assert site_wide.feed.subtitle == (
        "The newest 50 published changes, with what changed. Every version ever published, "
        f"9 more, is listed on each policy's history page and {SITE}versions.json."
    )
    assert len(parsed(site, "tos/rss.xml").entries) == 55  # a policy's: all of its own
    assert parsed(site, "tos/rss.xml").feed.subtitle.startswith("Every published version")
    long = parsed(site, "long/atom.xml")
    assert [e.title for e in long.entries] == ["Long revised — effective 4 April 2023"]
    assert long.feed.subtitle.endswith(
        f"3 more, is listed on {SITE}long/history/ and {SITE}versions.json."
    )
    for name in ("atom.xml", "rss.xml", "long/atom.xml", "long/rss.xml"):
        assert (site / name).stat().st_size < 1_100_000, name


def test_a_browser_shows_a_feed_as_a_page_through_its_stylesheet(site: Path) -> None:
    """Each feed names feeds.xsl relatively (a browser applies a stylesheet from the feed's
    own origin only, a local preview's included); the stylesheet is XSLT that lxml runs
    here as browsers do."""
    for name in FEEDS:
        declaration = (site / name).read_text(encoding="utf-8").splitlines()[1]
        href = declaration.split('href="')[1].split('"')[0]
        stylesheet = (site / name).parent / href
        assert stylesheet.resolve() == (site / "feeds.xsl").resolve(), name
        page = etree.XSLT(etree.parse(str(stylesheet)))(etree.parse(str(site / name)))
        text = " ".join(str(page).split())
        assert "This is a feed" in text and f"{SITE}{name}" in text
        assert "takes effect 1 June 2030" in text


def test_entries_are_rendered_with_the_sites_markdown_extensions(repo: GitRepo) -> None:
    """An entry reads as the page does: Mozilla's `{: datetime="…" }` is `attr_list`
    syntax, printed as written in feeds rendered without the site's extensions."""
    text = '# Notice\n\nEffective {day}\n{{: datetime="{day}" }}\n\nText.\n'
    repo.write("policies/notice.md", text.format(day="2024-01-01"))
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/notice.md", text.format(day="2024-02-01"))
    repo.commit("revise", "2024-02-01T09:00:00+00:00")
    site = build_site(repo, {"as_of": "2024-06-01"}, markdown_extensions=["attr_list"])
    page = (site / "notice/index.html").read_text(encoding="utf-8")
    assert "{:" not in page.split("<article", 1)[1]
    feed = feedparser.parse((site / "notice/atom.xml").read_bytes())
    for entry in feed.entries:
        assert "{:" not in entry.content[0].value, entry.link
