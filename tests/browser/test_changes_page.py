"""The changes page's "show only changed sections" control, with JavaScript on and off."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import build_site
from ..gitrepo import GitRepo
from .conftest import serve

SECTIONS = {
    "Fees": "You pay monthly in advance.",
    "Privacy": "We keep your data safe.",
    "Law": "English law governs these terms.",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    repo = GitRepo(tmp_path_factory.mktemp("browser") / "repo")
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in SECTIONS.items()) + "\n"
    repo.revise("terms", body, "2024-01-01T09:00:00+00:00", title="Terms")
    changed = body.replace("monthly in advance", "every quarter in advance")
    repo.revise("terms", changed, "2024-02-01T09:00:00+00:00", title="Terms")
    site: Path = build_site(repo)
    yield from serve(site)


def test_control_hides_and_shows_unchanged_sections(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(site_url + "terms/2024-02-01/changes/")
    button = page.get_by_role("button", name="Show only changed sections")
    assert button.is_visible()
    redline = page.locator(".pd-redline")
    assert redline.get_by_text("We keep your data safe.").is_visible()
    button.click()
    assert redline.get_by_text("We keep your data safe.").is_hidden()
    assert redline.get_by_text("English law governs").is_hidden()
    assert redline.locator("ins", has_text="every quarter").is_visible()
    assert redline.locator("del", has_text="monthly").is_visible()
    shown = page.get_by_role("button", name="Show the whole text")
    assert shown.get_attribute("aria-pressed") == "true"
    shown.click()
    assert redline.get_by_text("We keep your data safe.").is_visible()
    page.close()


def test_without_javascript_the_whole_text_is_shown(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "terms/2024-02-01/changes/")
    assert page.get_by_role("button", name="Show only changed sections").count() == 0
    redline = page.locator(".pd-redline")
    assert redline.get_by_text(SECTIONS["Privacy"]).is_visible()
    assert redline.get_by_text(SECTIONS["Law"]).is_visible()
    assert redline.locator("ins", has_text="every quarter").is_visible()
    context.close()


def test_a_replaced_number_reads_as_two_with_a_rule_between(browser, tmp_path: Path) -> None:
    """`£~~5~~7.50` must not read as "£57.50": the insertion after a deletion starts with a
    visible rule, in print too, outside both texts."""
    repo = GitRepo(tmp_path / "repo")
    repo.revise("fees", "Pay £5 within 14 days.\n", "2024-01-01T09:00:00+00:00", title="Fees")
    repo.revise("fees", "Pay £7.50 within 21 days.\n", "2024-02-01T09:00:00+00:00", title="Fees")
    for site_url in serve(build_site(repo)):
        for media in ("screen", "print"):
            page = browser.new_page()
            page.emulate_media(media=media)
            page.goto(site_url + "fees/2024-02-01/changes/")
            gaps = page.evaluate(
                """() => [...document.querySelectorAll('.pd-redline del.pd-del + ins.pd-ins')]
                    .map(ins => {
                      const del = ins.previousElementSibling;
                      const style = getComputedStyle(ins);
                      return [ins.getBoundingClientRect().left - del.getBoundingClientRect().right,
                              parseFloat(style.borderInlineStartWidth), ins.textContent];
                    })"""
            )
            assert [text for _, _, text in gaps] == ["7.50", "21"], gaps
            assert all(gap >= 1 and rule >= 1 for gap, rule, _ in gaps), (media, gaps)
            # To a screen reader, the two are apart: each mark is its own node, and says
            # where it starts and ends.
            spoken = page.locator(".pd-redline p").first.aria_snapshot()
            assert '- deletion: "[deletion start] 5 [deletion end]"' in spoken
            assert '- insertion: "[insertion start] 7.50 [insertion end]"' in spoken
            page.close()


def test_the_label_in_a_heading_never_breaks_at_its_hyphens(browser, site_url: str) -> None:
    page = browser.new_page()
    for width in range(300, 480, 6):  # (wherever the heading wraps, the label stays whole)
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(site_url + "terms/2024-02-01/changes/")
        label = page.locator("h1 .pd-label")
        assert label.inner_text() == "2024-02-01"
        assert label.evaluate("el => el.getClientRects().length") == 1, width
    page.close()
