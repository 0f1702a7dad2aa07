"""Real `mkdocs build` runs: pages, redirects, navigation, versions.json, overrides, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import lxml.html
import pytest

from policydocs.builder import run
from policydocs.site import pages
from policydocs.site.pages import POLICY_LIST_MARKER
from policydocs.site.urls import UrlScheme

from .. import stored
from ..conftest import build_site, load
from ..gitrepo import GitRepo
from ..histories import republished


def history(repo: GitRepo) -> GitRepo:
    """AUP: three versions (one merged PR, one upcoming); ToS renamed; a withdrawn promo."""
    repo.policy(
        "acceptable-use", "No spam.\n", title="Acceptable Use Policy", effective="2024-01-01"
    )
    repo.policy(
        "terms",
        "Terms v1.\n\nPay on time.\n\nFollow the [AUP](acceptable-use.md#spam).\n",
        title="Terms of Service",
    )
    repo.policy("promo", "Free month.\n", title="Promotion Terms")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.git("checkout", "-q", "-b", "aup-update")
    aup = {"title": "Acceptable Use Policy"}
    repo.revise(
        "acceptable-use",
        "No spam.\n\nNo botnets.\n",
        "2024-02-01T09:00:00+00:00",
        effective="2024-03-01",
        summary="Bans botnets",
        **aup,
    )
    repo.git("checkout", "-q", "main")
    repo.merge("aup-update", "Merge pull request #2", "2024-02-05T09:00:00+00:00")
    repo.git("mv", "policies/terms.md", "policies/terms-of-service.md")
    terms = "Terms v2.\n\nPay on time.\n\nFollow the [AUP](acceptable-use.md#spam).\n"
    repo.revise("terms-of-service", terms, "2024-04-01T09:00:00+00:00", title="Terms of Service")
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("promo ended", "2024-05-01T09:00:00+00:00")
    repo.revise(
        "acceptable-use",
        "No spam.\n\nNo botnets.\n\nNo crypto mining.\n",
        "2024-06-01T09:00:00+00:00",
        effective="2030-06-01",
        summary="Bans mining",
        **aup,
    )
    return repo


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.refresh: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "meta" and values.get("http-equiv") == "refresh":
            self.refresh = (values.get("content") or "").split("url=", 1)[1]


def parse(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def internal_hrefs(page: Path) -> list[str]:
    external = ("http:", "https:", "#", "mailto:", "data:")
    return [h for h in parse(page).hrefs if h and not h.startswith(external)]


def resolve(site: Path, page: Path, href: str) -> Path:
    target = (page.parent / href.split("#")[0]).resolve()
    return target / "index.html" if href.endswith("/") or target.is_dir() else target


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = history(GitRepo(tmp_path_factory.mktemp("site") / "repo"))
    return build_site(repo, {"as_of": "2025-01-01"})


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_page_of_every_version_exists(site: Path) -> None:
    for page in [
        "acceptable-use/index.html",
        "acceptable-use/history/index.html",
        "acceptable-use/2024-01-01/index.html",
        "acceptable-use/2024-03-01/index.html",
        "acceptable-use/2030-06-01/index.html",
        "terms-of-service/2024-01-01/index.html",
        "terms-of-service/2024-04-01/index.html",
        "promo/index.html",
        "promo/2024-01-01/index.html",
    ]:
        assert (site / page).is_file(), page


def test_current_page_shows_text_in_force_and_notice_of_upcoming(site: Path) -> None:
    page = text(site / "acceptable-use/index.html")
    assert "No botnets." in page and "No crypto mining." not in page
    assert "A new version takes effect on" in page
    assert '<time datetime="2030-06-01">1 June 2030</time>' in page
    assert 'href="2030-06-01/"' in page
    assert "Bans mining" in page


def test_version_pages_say_where_they_stand(site: Path) -> None:
    archived = text(site / "acceptable-use/2024-01-01/index.html")
    assert "Archived version: no longer in force" in archived
    assert 'href="../2024-03-01/"' in archived  # replaced by
    assert 'href="../"' in archived  # current version
    current = text(site / "acceptable-use/2024-03-01/index.html")
    assert "Current version" in current
    assert 'rel="prev" href="../2024-01-01/"' in current
    assert 'rel="next" href="../2030-06-01/"' in current
    upcoming = text(site / "acceptable-use/2030-06-01/index.html")
    assert "Upcoming version: takes effect" in upcoming
    withdrawn = text(site / "promo/index.html")
    assert "Withdrawn policy" in withdrawn
    assert '<time datetime="2024-05-01">1 May 2024</time>' in withdrawn


def test_history_lists_every_version_newest_first(site: Path) -> None:
    page = text(site / "acceptable-use/history/index.html")
    positions = [
        page.index(f'href="../{label}/"') for label in ("2030-06-01", "2024-03-01", "2024-01-01")
    ]
    assert positions == sorted(positions)
    for fragment in ("Bans botnets", "Bans mining", "First publication", "Upcoming", "Archived"):
        assert fragment in page


def test_raw_sources_are_the_committed_bytes(site: Path) -> None:
    index = json.loads(text(site / "versions.json"))
    for policy in index["policies"]:
        for version in policy["versions"]:
            raw = (site / version["raw_url"]).read_bytes()
            assert hashlib.sha256(raw).hexdigest() == version["sha256"]


def test_versions_json_describes_every_version(site: Path) -> None:
    index = json.loads(text(site / "versions.json"))
    assert index["schema_version"] == 1
    by_id = {p["id"]: p for p in index["policies"]}
    assert set(by_id) == {"acceptable-use", "promo", "terms-of-service"}
    aup = by_id["acceptable-use"]
    assert aup["status"] == "current" and aup["current"] == "2024-03-01"
    assert [v["status"] for v in aup["versions"]] == ["archived", "current", "upcoming"]
    merged = aup["versions"][1]
    assert merged["published"] == "2024-02-05T09:00:00+00:00"
    assert merged["summary"] == "Bans botnets"
    assert set(merged) >= {
        "label",
        "effective",
        "published",
        "status",
        "commit",
        "sha256",
        "url",
        "raw_url",
    }
    assert by_id["promo"]["withdrawn"]["date"] == "2024-05-01T09:00:00+00:00"
    assert by_id["terms-of-service"]["former_ids"] == ["terms"]
    for policy in index["policies"]:
        for version in policy["versions"]:
            assert (site / version["url"] / "index.html").is_file()
            changes = version["changes_url"]
            assert (changes is None) == (version is policy["versions"][0])
            assert changes is None or (site / changes / "index.html").is_file()


@pytest.mark.parametrize("shown", [False, True], ids=["default", "show_authors"])
def test_authors_are_published_only_when_the_site_opts_in(repo: GitRepo, shown: bool) -> None:
    """A company publishes its policies as itself: the committer's name is not on its
    pages or in versions.json unless `show_authors: true`."""
    repo.revise("tos", "Text.\n", "2024-01-01T09:00:00+00:00")
    site = build_site(repo, {"show_authors": True} if shown else None)
    [version] = json.loads(text(site / "versions.json"))["policies"][0]["versions"]
    page = text(site / "tos/2024-01-01/index.html")
    assert ("author" in version) is shown
    assert ("Test Editor" in page) is shown
    assert '<time datetime="2024-01-01">1 January 2024</time> in commit' in page
    assert ("Test Editor" in json.dumps(version)) is shown


def indexed(site: run.Site, policy_id: str) -> dict:
    """A policy's record in the versions.json the engine made."""
    [index] = [asset.content for asset in site.assets if asset.dest == "versions.json"]
    return {p["id"]: p for p in json.loads(index)["policies"]}[policy_id]


def test_versions_json_keeps_a_withdrawal_the_policy_came_back_from(repo: GitRepo) -> None:
    republished(repo)
    withdrawn_sha = repo.git("rev-list", "-n", "1", "HEAD~1").strip()

    promo = indexed(load(repo, as_of="2024-07-01"), "promo")
    gap = {"date": "2024-03-01T09:00:00+00:00", "commit": withdrawn_sha, "after": "2024-01-01"}
    assert promo["status"] == "current" and promo["withdrawn"] is None
    assert promo["withdrawals"] == [gap]
    first, again = promo["versions"]
    assert first["in_force_until"] == "2024-03-01T09:00:00+00:00"  # the withdrawal, not June
    assert again["in_force_until"] is None

    promo = indexed(load(repo, as_of="2024-04-01"), "promo")
    assert promo["status"] == "withdrawn" and promo["withdrawn"] == gap
    assert promo["withdrawals"] == [gap]


def test_history_page_shows_a_withdrawal_where_it_happened(repo: GitRepo) -> None:
    republished(repo)

    page = text(build_site(repo, {"as_of": "2024-07-01"}) / "promo/history/index.html")
    rows = [
        page.index('href="../2024-06-01/"'),
        page.index('<time datetime="2024-03-01">1 March 2024</time>'),
        page.index('href="../2024-01-01/"'),
    ]
    assert rows == sorted(rows)  # newest first, the withdrawal between the two versions
    assert "From this day on, none of the versions below applies." in page
    assert "Every published version of this policy, and every withdrawal" in page


def test_renamed_policy_old_urls_redirect_to_new_ones(site: Path) -> None:
    for old, new in [
        ("terms/index.html", "terms-of-service/index.html"),
        ("terms/history/index.html", "terms-of-service/history/index.html"),
        ("terms/2024-01-01/index.html", "terms-of-service/2024-01-01/index.html"),
        ("terms/2024-04-01/changes/index.html", "terms-of-service/2024-04-01/changes/index.html"),
    ]:
        page = site / old
        target = parse(page).refresh
        assert target is not None, old
        assert resolve(site, page, target) == (site / new).resolve()
    assert (site / "terms/2024-01-01.md").read_bytes() == (
        site / "terms-of-service/2024-01-01.md"
    ).read_bytes()


def test_only_current_policies_are_in_the_navigation(site: Path) -> None:
    home = text(site / "index.html")
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Acceptable Use Policy" in nav and "Terms of Service" in nav
    assert "Promotion Terms" not in nav
    assert "2024-01-01" not in nav and "history" not in nav


def test_only_texts_in_force_are_searchable(site: Path) -> None:
    index = json.loads(text(site / "search/search_index.json"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "acceptable-use/" in locations
    assert not any(loc.startswith("acceptable-use/20") for loc in locations)
    assert not any(loc.startswith("terms/") for loc in locations)


def test_every_version_after_the_first_has_a_changes_page(site: Path) -> None:
    assert not (site / "acceptable-use/2024-01-01/changes").exists()
    page = text(site / "acceptable-use/2024-03-01/changes/index.html")
    heading = lxml.html.fromstring(page).cssselect("h1")[0].text_content()
    assert "what changed in version 2024-03-01" in heading
    assert '<ins class="pd-ins pd-block" id="pd-change-1">No botnets.</ins>' in page
    assert "Bans botnets" in page  # the revision's summary
    assert "2 words added, 0 words removed" in page
    assert '<a href="#pd-change-1">Introduction</a>' in page
    assert 'href="../../2024-01-01/"' in page  # from the previous version
    # readable without JavaScript: the whole text is there and the control starts hidden
    assert "No spam." in page
    assert '<p class="pd-only-changes-control" hidden>' in page
    assert (site / "assets/policydocs/changes.js").is_file()


def test_changes_pages_are_linked_from_version_history_and_notice(site: Path) -> None:
    version = text(site / "acceptable-use/2024-03-01/index.html")
    assert 'href="changes/">What changed in this version</a>' in version
    assert "What changed in this version" not in text(site / "acceptable-use/2024-01-01/index.html")
    history = text(site / "acceptable-use/history/index.html")
    assert 'href="../2024-03-01/changes/">What changed</a>' in history
    current = text(site / "acceptable-use/index.html")
    assert 'href="2030-06-01/changes/">what changes</a>' in current
    assert 'href="2024-03-01/changes/">What changed in this version</a>' in current


def test_links_between_policies_work_from_version_pages(site: Path) -> None:
    page = site / "terms-of-service/2024-01-01/index.html"
    assert 'href="../../acceptable-use/#spam"' in text(page)
    assert "acceptable-use.md" in text(site / "terms-of-service/2024-01-01.md")


@pytest.mark.parametrize(
    ("body", "rebased"),
    [
        ("See [AUP](acceptable-use.md#spam).", "See [AUP](/aup/#spam)."),
        ("See [AUP](<./acceptable-use.md>).", "See [AUP](</aup/>)."),
        ("[aup]: acceptable-use.md\nText.", "[aup]: /aup/\nText."),
        ("Text.\n   [aup]: <acceptable-use.md#x> 'AUP'", "Text.\n   [aup]: </aup/#x> 'AUP'"),
        ("[o](other.md) [a](acceptable-use.md)", "[o](other.md) [a](/aup/)"),
        ("Not a link: acceptable-use.md, nor [x]: acceptable-use.md", None),
        ("    [aup]: acceptable-use.md (indented code)", None),
    ],
)
def test_links_to_policies_are_rebased_in_both_markdown_forms(body: str, rebased: str | None):
    links = pages.Links(
        frozenset({("policies/acceptable-use.md", "acceptable-use")}), "policies", UrlScheme()
    )
    result = links.rebase(body, (("policies/terms.md", "c1"),), lambda path: "/aup/")
    assert result == (body if rebased is None else rebased)


@pytest.mark.parametrize(
    ("source", "body", "rebased"),
    [
        # Relative to the file that links, as in the repository (a nested policy).
        ("legal/privacy/index.md", "[T](../terms/index.md#x)", "[T](<terms.md>#x)"),
        ("legal/privacy/index.md", "[E](eu.md)", "[E](<privacy/eu.md>)"),
        ("legal/privacy/eu.md", "[P](index.md)", "[P](<privacy.md>)"),
        ("legal/privacy/eu.md", "[P](./index.md)", "[P](<privacy.md>)"),
        ("legal/privacy/eu.md", "[P](Index.md 'Title')", None),  # (a name git tells apart)
        # The folder's own index.md or README.md is the home page.
        ("legal/privacy/index.md", "[All](../index.md)", "[All](<index.md>)"),
        ("legal/terms/index.md", "[All](../README.md)", "[All](<index.md>)"),
        # A file beside the policies: as the text's commit had it (spaces as MkDocs reads
        # them, in the link or %-escaped), an image too; a title after it is kept.
        ("legal/privacy/index.md", "[DPA](dpa/A%20b.pdf)", "[DPA](<privacy/dpa/A-b.pdf>)"),
        ("legal/privacy/index.md", "[D](dpa/A b.pdf 'DPA')", "[D](<privacy/dpa/A-b.pdf> 'DPA')"),
        ("legal/privacy/eu.md", "![How](../privacy/how.gif)", "![How](<privacy/how.abc.gif>)"),
        ("legal/privacy/eu.md", "[how]: how.gif", "[how]: <privacy/how.abc.gif>"),
        ("legal/privacy/eu.md", "[FR](dpa/s(12.20)(FR).pdf)", "[FR](<privacy/dpa/s-FR.pdf>)"),
        # The same file at a commit that did not have it: as written.
        ("legal/terms/index.md", "[DPA](../privacy/dpa/A b.pdf)", None),
        # Not a policy, outside the folder, absolute, or another scheme: as written.
        ("legal/privacy/index.md", "[x](missing.md)", None),
        ("legal/privacy/index.md", "[x](../../README.md)", None),
        ("legal/privacy/index.md", "[x](/terms/index.md)", None),
        ("legal/privacy/index.md", "[x](https://example.org/terms/index.md)", None),
    ],
)
def test_links_are_relative_to_the_file_that_links(source: str, body: str, rebased: str | None):
    links = pages.Links(
        frozenset(
            {
                ("legal/terms/index.md", "terms"),
                ("legal/privacy/index.md", "privacy"),
                ("legal/privacy/eu.md", "privacy/eu"),
            }
        ),
        "legal",
        UrlScheme(),
        frozenset(
            {
                ("c1", "legal/privacy/dpa/A b.pdf", "privacy/dpa/A-b.pdf"),
                ("c1", "legal/privacy/how.gif", "privacy/how.abc.gif"),
                ("c1", "legal/privacy/dpa/s(12.20)(FR).pdf", "privacy/dpa/s-FR.pdf"),
            }
        ),
    )
    commit = "c2" if source.startswith("legal/terms") else "c1"  # (c2 linked to no file)
    result = links.rebase(body, ((source, commit),), lambda path: f"<{path}>")
    assert result == (body if rebased is None else rebased)


def test_every_internal_link_resolves(site: Path) -> None:
    for page in site.rglob("*.html"):
        if "assets" in page.parts or page.name == "404.html":
            continue
        for href in internal_hrefs(page):
            assert resolve(site, page, href).exists(), f"{page.relative_to(site)} → {href}"


def test_two_builds_of_one_commit_are_byte_identical(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    repo = history(GitRepo(tmp_path / "repo"))
    first = build_site(repo, {"as_of": None})
    snapshot = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second = build_site(repo, {"as_of": None})
    again = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert snapshot.keys() == again.keys()
    assert [k for k in snapshot if snapshot[k] != again[k]] == []
    # SOURCE_DATE_EPOCH (1 January 2025) pinned "as of": the 2030 change is upcoming.
    assert '"status": "upcoming"' in text(second / "versions.json")


def test_pages_are_dated_from_git_not_the_clock(tmp_path: Path, monkeypatch) -> None:
    """MkDocs dates every page by the build's clock, and the sitemap shows those dates: the
    same commit built on two days must still give the same files."""
    repo = history(GitRepo(tmp_path / "repo"))
    repo.write("docs/about.md", "# About us\n")
    repo.commit("about page", "2024-07-15T09:00:00+00:00")
    repo.write("docs/contact.md", "# Contact\n")
    repo.commit("contact page", "2024-08-01T09:00:00+00:00")
    builds = []
    for clock in ("1735689600", "1767225600"):  # the build's clock: 1 January 2025, 2026
        monkeypatch.setenv("SOURCE_DATE_EPOCH", clock)
        site = build_site(repo, {"as_of": "2025-01-01"})
        builds.append({p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert [path for path in builds[0] if builds[0][path] != builds[1][path]] == []

    lastmod = dict(
        re.findall(
            r"<loc>https://policies.example.com/([^<]*)</loc>\s*<lastmod>([^<]+)<",
            text(site / "sitemap.xml"),
        )
    )
    assert lastmod["about/"] == "2024-07-15"  # the site's own pages: their last commit
    assert lastmod[""] == "2024-08-01"  # docs/index.md, not committed: HEAD's commit
    for page in ("acceptable-use/", "acceptable-use/2024-01-01/", "acceptable-use/history/"):
        assert lastmod[page] == "2024-06-01"  # the upcoming revision, published then
    assert lastmod["terms-of-service/2024-01-01/"] == "2024-04-01"
    assert lastmod["promo/"] == "2024-05-01"  # withdrawn

    later = build_site(repo, {"as_of": "2030-07-01"})  # the upcoming one has come into force
    assert "<lastmod>2030-06-01</lastmod>" in text(later / "sitemap.xml")


def test_url_prefix_and_plain_urls(tmp_path: Path) -> None:
    repo = history(GitRepo(tmp_path / "repo"))
    site = build_site(repo, {"url_prefix": "/legal/"}, use_directory_urls=False)
    assert (site / "legal/acceptable-use.html").is_file()
    assert (site / "legal/acceptable-use/2024-01-01/index.html").is_file()
    assert (site / "legal/acceptable-use/2024-01-01.md").is_file()
    index = json.loads(text(site / "legal/versions.json"))
    assert index["policies"][0]["url"] == "legal/acceptable-use.html"
    page = site / "legal/acceptable-use/2024-01-01/index.html"
    hrefs = internal_hrefs(page)
    assert "../../acceptable-use.html" in hrefs and "../2024-01-01.md" in hrefs
    for href in hrefs:
        assert resolve(site, page, href).exists(), href


def test_site_can_override_a_packaged_template(tmp_path: Path) -> None:
    repo = history(GitRepo(tmp_path / "repo"))
    repo.write(
        "overrides/policydocs/partials/banner.html",
        '<p class="house-banner">House style: {{ policydocs.version.status.value }}</p>',
    )
    site = build_site(repo, theme={"name": "material", "custom_dir": "overrides"})
    assert '<p class="house-banner">House style: archived</p>' in text(
        site / "acceptable-use/2024-01-01/index.html"
    )


def test_docs_page_at_a_policy_url_is_refused(tmp_path: Path, mkdocs_errors) -> None:
    from mkdocs.exceptions import Abort

    repo = history(GitRepo(tmp_path / "repo"))
    repo.write("docs/terms-of-service.md", "# Clash\n")
    with pytest.raises(Abort):
        build_site(repo)
    [message] = [m for m in mkdocs_errors() if "clashes" in m]
    assert "policies/terms-of-service.md" in message  # both files, and the URL
    assert "with docs/terms-of-service.md at /terms-of-service/" in message
    assert "or set the plugin's 'url_prefix'" in message


def made(site: run.Site) -> list[tuple[str, str, object]]:
    """What a site's pages are made of: path, Markdown and what templates show of a redline."""
    return [(page.src, page.markdown, page.view.redline) for page in site.pages]


def test_pages_and_redlines_are_cached_and_damaged_entries_are_made_again(
    tmp_path: Path,
) -> None:
    from ..conftest import load

    repo = history(GitRepo(tmp_path / "repo"))
    cache = tmp_path / "cache"
    first = load(repo, cache_dir=cache)
    assert len(first.redlines) == 3 and not first.comparisons
    # each changes page: its redline, its Markdown and its record (counts and sections)
    assert len(stored.redlines(cache)) == len(stored.page_records(cache)) == 3
    assert sum(b"pd-ins" in p.read_bytes() for p in stored.pages(cache)) == 3
    second = load(repo, cache_dir=cache)
    assert second.redline_stats == (3, 0)  # hits, misses
    assert second.redlines == first.redlines and made(second) == made(first)

    records = stored.page_records(cache)
    records[0].write_text("{ not json")
    page = records[1].read_bytes().partition(b"\n")[2][:64].decode()
    (cache / "objects" / page[:2] / page).unlink()
    # the records the last build read, together in one entry: checked as a whole
    [known] = [p for p, data in stored.entries(cache).items() if data.startswith(b'{"page:')]
    data = known.read_bytes()
    known.write_bytes(data.replace(b"words_added", b"words_addee", 1))  # same size
    third = load(repo, cache_dir=cache)
    assert third.redline_stats == (1, 2)
    assert third.redlines == first.redlines and made(third) == made(first)

    for entry in stored.redlines(cache):
        entry.write_text("{ not json")  # the redlines: read again for the feeds
    fourth = load(repo, cache_dir=cache)
    assert fourth.redlines == first.redlines and made(fourth) == made(first)


def test_a_draft_whose_date_has_passed_is_dated_by_its_merge(repo: GitRepo) -> None:
    """What the site would do (see Dates and status): in force from the merge, not from a
    day already gone."""
    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    repo.policy("tos", "New.\n", title="Terms", effective="2024-03-01")
    served = build_site(repo, {"as_of": "2024-06-01"}, command="serve")
    draft = text(served / "tos/draft/index.html")
    assert "the day it is merged (the file gives 2024-03-01, which has passed)" in draft


def test_every_published_file_is_readable_as_any_file_the_build_writes(repo: GitRepo) -> None:
    """Feeds are copied from the store's private files: a web server running as another
    user must still be able to read them."""
    repo.revise("tos", "Text.\n", "2024-01-01T09:00:00+00:00")
    site = build_site(repo)
    (site / "probe").write_text("")  # a file made as the build makes its own
    expected = (site / "probe").stat().st_mode & 0o777
    files = [path for path in site.rglob("*") if path.is_file()]
    odd = {str(path.relative_to(site)): oct(path.stat().st_mode & 0o777) for path in files}
    assert {name: mode for name, mode in odd.items() if mode != oct(expected)} == {}
    assert len(files) > 10


def test_a_site_with_the_plugin_off_is_built_without_policies(repo: GitRepo) -> None:
    repo.revise("tos", "Text.\n", "2024-01-01T09:00:00+00:00")
    site = build_site(repo, {"enabled": False})
    assert (site / "index.html").is_file()  # docs/index.md, as MkDocs builds it
    assert not (site / "tos").exists() and not (site / "versions.json").exists()
    assert "policydocs.css" not in text(site / "index.html")


def test_a_draft_shows_the_summary_its_merge_would_show(repo: GitRepo) -> None:
    """`check` warns that a summary left unchanged will not be shown: the preview agrees,
    and says so."""
    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", summary="First terms")
    repo.policy("tos", "New.\n", summary="First terms")
    served = build_site(repo, command="serve")
    draft = text(served / "tos/draft/index.html")
    assert "Summary:</strong>" not in draft
    assert "Summary not changed" in draft and "shows no summary" in draft
    repo.policy("tos", "New.\n", summary="Second terms")
    draft = text(build_site(repo, command="serve") / "tos/draft/index.html")
    assert "Summary:</strong> Second terms" in draft
    assert "Summary not changed" not in draft


def test_uncommitted_edits_are_drafts_under_serve_only(tmp_path: Path) -> None:
    repo = history(GitRepo(tmp_path / "repo"))
    repo.policy(
        "acceptable-use",
        "No spam.\n\nNo botnets, ever.\n\nNo crypto mining.\n",
        title="Acceptable Use Policy",
        summary="Tighter",
        effective="2031-01-01",
    )
    repo.policy("cookies", "We use cookies.\n", title="Cookie Policy")

    plain = build_site(repo)
    assert not (plain / "acceptable-use/draft").exists()
    assert "Unpublished draft" not in text(plain / "acceptable-use/index.html")
    feeds_before = (plain / "atom.xml").read_bytes()
    index_before = (plain / "versions.json").read_bytes()

    served = build_site(repo, command="serve")
    draft = text(served / "acceptable-use/draft/index.html")
    assert "Unpublished draft: preview only" in draft
    assert "policies/acceptable-use.md" in draft
    assert "Summary:</strong> Tighter" in draft
    assert 'href="../2030-06-01/">version 2030-06-01</a>' in draft  # against the latest
    assert '<ins class="pd-ins" id="pd-change-1">, ever</ins>' in draft
    assert "never been published" in text(served / "cookies/draft/index.html")
    assert '<time datetime="2031-01-01">1 January 2031</time>, if merged before then' in draft
    assert "the day it is merged</dd>" in text(served / "cookies/draft/index.html")
    assert 'href="draft/">See the uncommitted edit' in text(served / "acceptable-use/index.html")
    assert (served / "atom.xml").read_bytes() == feeds_before  # never in feeds
    assert (served / "versions.json").read_bytes() == index_before

    asked = build_site(repo, {"drafts": "always"})
    assert (asked / "acceptable-use/draft/index.html").is_file()
    refused = build_site(repo, {"drafts": "never"}, command="serve")
    assert not (refused / "acceptable-use/draft").exists()


def three_versions(path: Path) -> GitRepo:
    """Fees revised twice, each in force in turn: the first has a comparison page."""
    repo = GitRepo(path)
    for n, day in enumerate(["2024-01-01", "2024-02-01", "2024-03-01"]):
        repo.revise("fees", f"You pay {n} pounds.\n", f"{day}T09:00:00+00:00", title="Fees")
    return repo


def test_search_engines_list_each_text_in_force_once(tmp_path: Path) -> None:
    """The version in force's own page names its policy's page canonical; pages of
    versions no longer or never in force ask not to be indexed (noindex_old_versions)."""
    site = build_site(history(GitRepo(tmp_path / "repo")), {"as_of": "2025-01-01"})
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)"')
    current = text(site / "acceptable-use/2024-03-01/index.html")
    assert canonical.search(current)[1] == "https://policies.example.com/acceptable-use/"
    archived = text(site / "acceptable-use/2024-01-01/index.html")
    assert canonical.search(archived)[1].endswith("/acceptable-use/2024-01-01/")
    noindex = '<meta name="robots" content="noindex">'
    for page in ("acceptable-use/2024-01-01/", "promo/2024-01-01/", "terms-of-service/2024-01-01/"):
        assert noindex in text(site / page / "index.html"), page
    for page in ("acceptable-use/", "acceptable-use/2024-03-01/", "acceptable-use/2030-06-01/"):
        assert noindex not in text(site / page / "index.html"), page
    fees = build_site(three_versions(tmp_path / "three"), {"as_of": "2025-01-01"})
    assert noindex in text(fees / "fees/2024-01-01/compare/index.html")
    assert noindex in text(fees / "fees/2024-02-01/changes/index.html")
    assert noindex not in text(fees / "fees/2024-03-01/changes/index.html")
    listed = build_site(history(GitRepo(tmp_path / "again")), {"noindex_old_versions": False})
    assert noindex not in text(listed / "acceptable-use/2024-01-01/index.html")


def test_changes_and_compare_pages_say_where_their_version_stands(tmp_path: Path) -> None:
    site = build_site(history(GitRepo(tmp_path / "repo")), {"as_of": "2025-01-01"})
    changes = text(site / "acceptable-use/2030-06-01/changes/index.html")
    assert "pd-banner--upcoming" in changes and "takes effect" in changes
    three = GitRepo(tmp_path / "three")
    for n, day in enumerate(["2024-01-01", "2024-02-01", "2024-03-01"]):
        three.revise("fees", f"You pay {n} pounds.\n", f"{day}T09:00:00+00:00", title="Fees")
    compare = text(
        build_site(three, {"as_of": "2025-01-01"}) / "fees/2024-01-01/compare/index.html"
    )
    assert "pd-banner--archived" in compare
    assert 'class="pd-switcher abstract"' in changes  # a list icon, not the note's pencil


def test_a_history_row_links_each_page_once_and_labels_do_not_break(tmp_path: Path) -> None:
    """An upcoming version next to the one in force is compared with it by its changes
    page: one link, not two differently worded ones to the same URL."""
    home = f"# Policies\n\n{POLICY_LIST_MARKER}\n"
    site = build_site(history(GitRepo(tmp_path / "repo")), {"as_of": "2025-01-01"}, home=home)
    page = text(site / "acceptable-use/history/index.html")
    [row] = [r for r in page.split("<tr ") if 'href="../2030-06-01/"' in r]
    assert row.count('href="../2030-06-01/changes/"') == 1
    assert "compare with current" not in row
    assert '<a class="pd-label" href="../2030-06-01/">2030-06-01</a>' in row
    assert 'Version <span class="pd-label">2024-03-01</span>' in text(site / "index.html")


def test_a_changes_pages_table_of_contents_lists_the_headings_as_revised(
    tmp_path: Path,
) -> None:
    """ "## ~~5~~6. What we may do" was listed as "56. What we may do"; and with
    permalinks on, every heading of a page with a deletion was listed with its "¶"."""
    repo = GitRepo(tmp_path / "repo")
    text_ = "## {n}. What we may do\n\nSuspend & end.\n\n## Notice & contact\n\nWrite to us.\n"
    repo.revise("aup", text_.format(n=5), "2024-01-01T09:00:00+00:00")
    repo.revise("aup", text_.format(n=6), "2024-02-01T09:00:00+00:00")
    extensions = [{"toc": {"permalink": True}}]
    site = build_site(repo, {"as_of": "2024-06-01"}, markdown_extensions=extensions)
    page = lxml.html.fromstring((site / "aup/2024-02-01/changes/index.html").read_bytes())
    listed = [a.text_content().strip() for a in page.cssselect(".md-nav--secondary a")]
    assert listed == ["6. What we may do", "Notice & contact"]


def test_a_revision_that_only_changed_heading_levels_says_so(repo: GitRepo) -> None:
    """No word changed, so no section is listed; the changes page and the feed say which
    headings changed level, and mark them (issue 25, defect 7)."""
    text_ = "Intro.\n\n### Fees\n\nWe charge fees.\n\n### Notice\n\nWe give notice.\n"
    repo.revise("tos", text_, "2024-01-01T09:00:00+00:00", title="Terms")
    repo.revise("tos", text_.replace("### ", "## "), "2024-02-01T09:00:00+00:00", title="Terms")
    site = build_site(repo, {"as_of": "2024-06-01"})
    page = text(site / "tos/2024-02-01/changes/index.html")
    assert "No word changed. 2 headings changed level, with the same words" in page
    tree = lxml.html.fromstring(page)
    marked = tree.cssselect(".pd-redline h2 span.pd-format")
    assert [(m.text_content(), m.get("title")) for m in marked] == [
        ("Fees", "Was a level 3 heading"),
        ("Notice", "Was a level 3 heading"),
    ]
    assert not tree.cssselect(".pd-redline ins, .pd-redline del")
    entry = feedparser.parse(text(site / "tos/atom.xml")).entries[0]
    assert "2 headings changed level, with the same words." in entry.content[0].value


def test_a_link_whose_address_alone_changed_is_shown_once(repo: GitRepo) -> None:
    """The changes page shows the link once, saying its address changed and what it was;
    the old link is kept in the page, hidden, for accept and reject (issue 25, defect 3)."""
    text_ = "We process data under [our DPA](https://example.com/dpa-2023.pdf).\n"
    repo.revise("tos", text_, "2024-01-01T09:00:00+00:00", title="Terms")
    new = text_.replace("dpa-2023.pdf", "dpa-2024.pdf")
    repo.revise("tos", new, "2024-02-01T09:00:00+00:00", title="Terms")
    site = build_site(repo, {"as_of": "2024-06-01"})
    page = text(site / "tos/2024-02-01/changes/index.html")
    assert "0 words added, 0 words removed. 1 link changed address, with the same words" in page
    entry = feedparser.parse(text(site / "tos/atom.xml")).entries[0]
    content = entry.content[0].value
    assert "1 link changed address, with the same words." in content
    assert "Read version 2024-02-01" in content and "See what changed" in content
    tree = lxml.html.fromstring(page)
    (link,) = tree.cssselect(".pd-redline ins.pd-link")
    assert link.get("title") == "The link's address was: https://example.com/dpa-2023.pdf"
    assert link.cssselect("a")[0].get("href") == "https://example.com/dpa-2024.pdf"
    assert [a.get("href") for a in tree.cssselect(".pd-redline del.pd-link a")] == [
        "https://example.com/dpa-2023.pdf"
    ]
    assert "whose address changed is marked" in page  # (the key says so)


def test_words_whose_form_alone_changed_are_shown_once(repo: GitRepo) -> None:
    """A disclaimer made bold and words made a link: the page shows each once, in its new
    form, saying what it was, and keeps the old one hidden; page and feed count them as
    changes of form, not as words (issue 25, defect 8)."""
    text_ = "We give no warranty.\n\nWrite to privacy@example.com with questions.\n"
    repo.revise("tos", text_, "2024-01-01T09:00:00+00:00", title="Terms")
    new = "We give **no warranty**.\n\nWrite to <privacy@example.com> with questions.\n"
    repo.revise("tos", new, "2024-02-01T09:00:00+00:00", title="Terms")
    site = build_site(repo, {"as_of": "2024-06-01"})
    page = text(site / "tos/2024-02-01/changes/index.html")
    assert "0 words added, 0 words removed. 2 passages changed form, with the same words" in page
    tree = lxml.html.fromstring(page)
    shown = tree.cssselect(".pd-redline ins.pd-form")
    assert [(m.get("title"), m.text_content()) for m in shown] == [
        ("Was plain text", "no warranty"),
        ("Was plain text", "privacy@example.com"),
    ]
    assert shown[0].cssselect("strong") and shown[1].cssselect("a[href]")
    assert [m.text_content() for m in tree.cssselect(".pd-redline del.pd-form")] == [
        "no warranty",
        "privacy@example.com",
    ]
    assert "text whose form alone changed" in page  # (the key says so)
    entry = feedparser.parse(text(site / "tos/atom.xml")).entries[0]
    assert "2 passages changed form, with the same words." in entry.content[0].value
