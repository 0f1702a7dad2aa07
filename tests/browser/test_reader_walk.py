"""A reader's way through this repository's example site, in Chromium: from the home page to
a policy, its history, an old version, what changed, and back to the version in force; then
the same pages on a phone, in print, to a screen reader and to axe-core.

Screenshots and PDFs of every page type go to test-artifacts/browser/ (not committed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Browser, Page, Route, expect

from ..conftest import build_site
from ..gitrepo import GitRepo
from .conftest import serve

SITE = "https://legal.brightwave.example/"

#: One page of each type in the example site (as of 2026-11-22).
PAGE_TYPES = {
    "home": "",
    "current": "terms-of-service/",
    "history": "terms-of-service/history/",
    "archived-version": "terms-of-service/2025-03-15/",
    "upcoming-version": "acceptable-use/2027-01-01/",
    "changes": "terms-of-service/2025-03-15/changes/",
    "compare": "terms-of-service/2024-04-01/compare/",
    "hand-written": "follow-changes/",
}


@pytest.fixture(scope="module")
def status_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The statuses the example site does not have today: withdrawn, never took effect,
    not yet in force, and a draft preview."""
    repo = GitRepo(tmp_path_factory.mktemp("statuses") / "repo")
    repo.revise("promo", "Free month.\n", "2024-01-01T09:00:00+00:00", title="Promotion")
    repo.revise("fees", "£5.\n", "2024-01-01T09:00:00+00:00", title="Fees", effective="2024-03-01")
    repo.revise("fees", "£6.\n", "2024-02-01T09:00:00+00:00", title="Fees", effective="2024-03-01")
    repo.revise(
        "beta", "Beta terms.\n", "2024-02-01T09:00:00+00:00", title="Beta", effective="2099-01-01"
    )
    repo.git("rm", "-q", "policies/promo.md")
    repo.commit("promo ended", "2024-05-01T09:00:00+00:00")
    repo.policy("fees", "£7.\n", title="Fees", summary="Dearer")
    site = build_site(repo, {"as_of": "2025-01-01", "drafts": "always"})
    yield from serve(site)


#: Each with the class of the banner it must show.
STATUS_PAGES = {
    "withdrawn": "promo/",
    "never-took-effect": "fees/2024-03-01/",
    "not-yet-in-force": "beta/",
    "draft": "fees/draft/",
}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def facts(page: Page) -> dict[str, str]:
    terms = page.locator(".pd-facts dt").all_inner_texts()
    values = page.locator(".pd-facts dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_walk_from_home_to_an_old_version_and_back_to_current(
    page: Page, example_site: str, artifacts: Path
) -> None:
    page.goto(example_site)
    policies = page.locator(".pd-policy-list tbody th a")
    expect(policies).to_have_text(["Acceptable Use Policy", "Privacy Notice", "Terms of Service"])
    upcoming = page.locator(".pd-policy-list tbody tr").first
    expect(upcoming).to_contain_text("takes effect 1 January 2027")
    shot(page, artifacts, "1-home")

    policies.get_by_text("Terms of Service").click()
    expect(page).to_have_url(example_site + "terms-of-service/")
    expect(page.locator("h1").first).to_have_text("Terms of Service")
    assert facts(page) == {
        "Version": "2025-11-03",
        "Effective": "3 November 2025",
        "Published": "3 November 2025",
        "Status": "Current",
    }
    switcher = page.locator("details.pd-switcher")
    expect(switcher.locator("summary")).to_contain_text("Version 2025-11-03 is one of 3")
    expect(page.locator(".pd-banner--archived")).to_have_count(0)
    shot(page, artifacts, "2-current")

    page.get_by_role("link", name="All versions").click()
    expect(page).to_have_url(example_site + "terms-of-service/history/")
    rows = page.locator("tbody tr th a")
    expect(rows).to_have_text(["2025-11-03", "2025-03-15", "2024-04-01"])
    shot(page, artifacts, "3-history")

    rows.get_by_text("2025-03-15").click()
    expect(page).to_have_url(example_site + "terms-of-service/2025-03-15/")
    banner = page.locator(".pd-banner--archived")
    expect(banner).to_contain_text("Archived version: no longer in force")
    expect(banner).to_contain_text("It was replaced by version 2025-11-03")
    assert facts(page)["Status"] == "Archived"
    expect(switcher.locator("a[aria-current=page]")).to_have_text("Version 2025-03-15")
    expect(page.locator("a[rel=prev]")).to_have_text("← Previous: version 2024-04-01")
    expect(page.locator("a[rel=next]")).to_have_text("Next: version 2025-11-03")
    shot(page, artifacts, "4-archived-version")

    page.get_by_role("link", name="What changed in this version").click()
    expect(page).to_have_url(example_site + "terms-of-service/2025-03-15/changes/")
    expect(page.locator("h1").first).to_contain_text("what changed in version 2025-03-15")
    expect(page.locator(".pd-redline ins").first).to_be_visible()
    expect(page.locator(".pd-redline del").first).to_be_visible()
    expect(page.locator("a[rel=next]")).to_have_text("Next: changes in version 2025-11-03")
    # Next to the current version, "compare with current" is the current one's changes.
    compare = page.get_by_role("link", name="Compare with the current version")
    expect(compare).to_have_attribute("href", "../../2025-11-03/changes/")
    shot(page, artifacts, "5-changes")

    page.get_by_role("link", name="The current version", exact=True).click()
    expect(page).to_have_url(example_site + "terms-of-service/")
    assert facts(page)["Status"] == "Current"


def test_switcher_and_comparison_work_without_javascript(
    browser: Browser, example_site: str, artifacts: Path
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_site + "terms-of-service/")
    entries = page.locator("details.pd-switcher li a")
    expect(entries.first).to_be_hidden()
    page.locator("details.pd-switcher summary").click()
    expect(entries).to_have_text(["Version 2025-11-03", "Version 2025-03-15", "Version 2024-04-01"])
    shot(page, artifacts, "switcher-open-no-js")
    entries.get_by_text("Version 2024-04-01").click()
    expect(page).to_have_url(example_site + "terms-of-service/2024-04-01/")
    page.get_by_role("link", name="Compare with the current version").click()
    expect(page).to_have_url(example_site + "terms-of-service/2024-04-01/compare/")
    expect(page.locator("h1").first).to_contain_text("compared with the current version")
    expect(page.locator(".pd-compare")).to_contain_text("What has changed since version 2024-04-01")
    expect(page.locator(".pd-redline ins").first).to_be_visible()
    shot(page, artifacts, "6-compare")
    page.goto(example_site + PAGE_TYPES["upcoming-version"])
    expect(page.locator(".pd-banner--upcoming")).to_contain_text("takes effect 1 January 2027")
    shot(page, artifacts, "7-upcoming-version")
    context.close()


@pytest.mark.parametrize("kind", ["history", "home"])
def test_tables_fit_a_phone_screen(
    browser: Browser, example_site: str, artifacts: Path, kind: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(example_site + PAGE_TYPES[kind])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px on a phone"
    for row in page.locator(".pd-table-wrap tbody tr").all():
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        cells = [cell.bounding_box() for cell in row.locator("th, td").all()]
        # A card: every cell starts at the same left edge, one under the other.
        assert len({round(cell["x"]) for cell in cells if cell}) == 1
        assert all(a["y"] < b["y"] for a, b in pairwise(cells) if a and b)
    shot(page, artifacts, f"phone-{kind}")
    context.close()


@pytest.mark.parametrize("width", [390, 1024, 1280, 1920])
def test_no_page_is_wider_than_its_column(browser: Browser, example_site: str, width: int) -> None:
    """Every page type's content fits its column, on a phone and on desktops, with nothing
    to scroll sideways: not the page, nor a table inside Material's scrolling wrapper (the
    history table was 910 px in a 690 px column at 1280, its last columns out of sight)."""
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=phone)
    page = context.new_page()
    for kind, path in PAGE_TYPES.items():
        page.goto(example_site + path)
        over = page.evaluate(
            """() => [document.documentElement.scrollWidth - window.innerWidth,
                 ...[...document.querySelectorAll('.md-content *')]
                   .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
                   .map(e => e.scrollWidth - e.clientWidth).filter(d => d > 0)]"""
        )
        assert over == [0], f"{kind} at {width} px scrolls sideways: {over}"
    context.close()


def test_a_version_prints_as_a_clean_document_headed_by_its_facts(
    page: Page, example_site: str, artifacts: Path
) -> None:
    page.goto(example_site + PAGE_TYPES["archived-version"])
    page.emulate_media(media="print")
    for chrome in [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"]:
        expect(page.locator(chrome)).to_be_hidden()
    for ours in [".pd-switcher", ".pd-links", ".pd-neighbours", ".md-banner"]:
        expect(page.locator(ours)).to_be_hidden()
    expect(page.locator("h1").first).to_have_text("Terms of Service")
    expect(page.locator(".pd-facts")).to_be_visible()
    assert facts(page)["Status"] == "Archived"
    expect(page.locator(".pd-print-only")).to_have_text(
        f"Permanent address: {SITE}terms-of-service/2025-03-15/"
    )
    expect(page.locator(".pd-banner--archived")).to_be_visible()
    page.pdf(path=str(artifacts / "print-archived-version.pdf"))


def test_a_changes_page_prints_every_mark_and_the_whole_text(
    page: Page, example_site: str, artifacts: Path
) -> None:
    page.goto(example_site + PAGE_TYPES["changes"])
    page.get_by_role("button", name="Show only changed sections").click()
    unchanged = page.locator(".pd-redline .pd-unchanged").first
    expect(unchanged).to_be_hidden()
    page.emulate_media(media="print")
    expect(unchanged).to_be_visible()
    expect(page.locator(".pd-only-changes-control")).to_be_hidden()
    decoration = "el => getComputedStyle(el).textDecorationLine"
    assert page.locator(".pd-redline ins").first.evaluate(decoration) == "underline"
    assert page.locator(".pd-redline del").first.evaluate(decoration) == "line-through"
    page.pdf(path=str(artifacts / "print-changes.pdf"))


def spoken(page: Page, selector: str) -> tuple[str, list[str]]:
    """The role and the text Chromium's accessibility tree (what screen readers read) gives
    the first element matching `selector`."""
    cdp = page.context.new_cdp_session(page)
    found = cdp.send(
        "Runtime.evaluate", {"expression": f"document.querySelector({json.dumps(selector)})"}
    )
    backend = cdp.send("DOM.describeNode", {"objectId": found["result"]["objectId"]})["node"]
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {node["nodeId"]: node for node in nodes}
    root = next(n for n in nodes if n.get("backendDOMNodeId") == backend["backendNodeId"])

    def texts(node: dict) -> Iterator[str]:
        if node["role"]["value"] == "StaticText":
            yield node["name"]["value"]
            return
        for child in node.get("childIds", []):
            yield from texts(by_id[child])

    return root["role"]["value"], [text.strip() for text in texts(root)]


def test_marks_are_announced_to_screen_readers_but_not_shown(page: Page, example_site: str) -> None:
    page.goto(example_site + PAGE_TYPES["changes"])
    role, words = spoken(page, ".pd-redline ins")
    assert role == "insertion"
    assert words[0] == "[insertion start]" and words[-1] == "[insertion end]"
    shown = page.locator(".pd-redline ins").first.inner_text()
    assert " ".join(words[1:-1]).split() == shown.split()
    role, words = spoken(page, ".pd-redline del")
    assert role == "deletion"
    assert words[0] == "[deletion start]" and words[-1] == "[deletion end]"
    # Visually hidden: the announcement takes no room on the line (beside the rule that
    # sets an insertion apart from a deletion just before it, its padding and border).
    width = page.locator(".pd-redline ins").first.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " const s = getComputedStyle(el);"
        " const rule = parseFloat(s.paddingLeft) + parseFloat(s.borderLeftWidth)"
        " + parseFloat(s.paddingRight) + parseFloat(s.borderRightWidth);"
        " return el.getBoundingClientRect().width - r.getBoundingClientRect().width - rule; }"
    )
    assert abs(width) < 2


def test_pages_fetch_nothing_from_outside_the_site(page: Page, example_site: str) -> None:
    """A reader of a privacy notice is not sent to third parties (fonts, scripts, images).
    Material asks for sitemap.xml beside every <link rel=alternate>, our feeds included: on
    the site's own address (site_url), which is where a reader is when the site is deployed."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    for path in PAGE_TYPES.values():
        page.goto(example_site + path, wait_until="networkidle")
    assert fetched
    assert [url for url in fetched if not url.startswith((example_site, SITE))] == []


def test_no_request_fails_on_any_page(page: Page, example_site: str) -> None:
    """Requests to site_url are answered from the built site, as the deployed site would
    answer them, and none fails: Material asked for a sitemap.xml beside every policy's
    feed link, two 404s per page view, until those links went into <noscript>."""

    def deployed(route: Route) -> None:
        answer = page.request.get(example_site + route.request.url.removeprefix(SITE))
        route.fulfill(response=answer)

    page.route(f"{SITE}**", deployed)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    for path in PAGE_TYPES.values():
        page.goto(example_site + path, wait_until="networkidle")
    assert failed == []


@pytest.mark.parametrize("kind", ["RSS", "Atom"])
@pytest.mark.parametrize(
    ("start", "links", "folder", "title"),
    [
        ("terms-of-service/", ".pd-links", "terms-of-service/", "Terms of Service: changes"),
        ("", ".pd-feeds", "", "Brightwave Telecom — Legal: policy changes"),
    ],
    ids=["policy", "home"],
)
def test_a_feed_link_opens_a_page_that_says_how_to_subscribe(
    page: Page,
    example_site: str,
    artifacts: Path,
    kind: str,
    start: str,
    links: str,
    folder: str,
    title: str,
) -> None:
    page.goto(example_site + start)
    page.locator(links).get_by_role("link", name=kind, exact=True).click()
    expect(page.get_by_role("heading", name="This is a feed")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("code")).to_have_text(f"{SITE}{folder}{kind.lower()}.xml")
    expect(page.get_by_role("listitem").first).to_contain_text("Published")
    shot(page, artifacts, f"feed-{folder.strip('/') or 'site'}-{kind.lower()}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(
    browser: Browser, example_site: str, status_site: str, artifacts: Path, scheme: str
) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = []
    urls = {kind: example_site + path for kind, path in PAGE_TYPES.items()}
    urls |= {kind: status_site + path for kind, path in STATUS_PAGES.items()}
    urls["history-with-a-withdrawal"] = status_site + "promo/history/"
    for kind, url in urls.items():
        response = page.goto(url)
        assert response is not None and response.ok, url
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [
            f"{kind}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        shot(page, artifacts, f"{scheme}-{kind}")
    context.close()
    assert found == []


@pytest.mark.parametrize(
    ("kind", "banner"),
    [("changes", "Archived version: no longer in force"), ("compare", "Archived version")],
)
def test_changes_and_compare_pages_show_where_their_version_stands(
    page: Page, example_site: str, kind: str, banner: str
) -> None:
    """A feed entry sends its reader to the changes page first: the banner is there, above
    the redline, not only a "Status" fact."""
    page.goto(example_site + PAGE_TYPES[kind])
    shown = page.locator(".pd-banner").first
    expect(shown).to_be_visible()
    expect(shown.locator(".admonition-title")).to_contain_text(banner)
    above = page.locator(".pd-redline").first.bounding_box()
    assert above is not None and shown.bounding_box()["y"] < above["y"]


@pytest.mark.parametrize("kind", STATUS_PAGES)
def test_every_status_has_its_banner(page: Page, status_site: str, kind: str) -> None:
    page.goto(status_site + STATUS_PAGES[kind])
    banner = {
        "withdrawn": "Withdrawn policy",
        "never-took-effect": "This version never took effect",
        "not-yet-in-force": "Not yet in force",
        "draft": "Unpublished draft: preview only",
    }[kind]
    expect(page.locator(".pd-banner .admonition-title").first).to_have_text(banner)
    expect(page.locator("details.pd-switcher")).to_have_count(1)
