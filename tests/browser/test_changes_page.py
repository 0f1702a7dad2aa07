"""The changes page's "show only changed sections" control, with JavaScript on and off."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ..conftest import build_site
from ..gitrepo import GitRepo
from .conftest import serve

SECTIONS = {
    "Fees": "You pay monthly in advance.",
    "Privacy": "We keep your data safe.",
    "Law": "English law governs these terms.",
    "Notice": "We give notice by email.",
}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory):
    repo = GitRepo(tmp_path_factory.mktemp("browser") / "repo")
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in SECTIONS.items()) + "\n"
    repo.revise("terms", body, "2024-01-01T09:00:00+00:00", title="Terms")
    changed = body.replace("monthly in advance", "every quarter in advance")
    changed = changed.replace("## Notice", "### Notice")  # (a change of form, no word)
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
    # A heading that changed level is a change: its section stays.
    assert redline.get_by_text(SECTIONS["Notice"]).is_visible()
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


def test_an_insertion_across_a_source_line_break_is_one_mark(browser, tmp_path: Path) -> None:
    """One inserted sentence written over two source lines, in a paragraph, a list item and
    a quote, reads as one change (it looked like several, "customer ▯ and"), and its
    rewrapped neighbours are not marked at all."""
    repo = GitRepo(tmp_path / "repo")
    clause = "We may suspend your account."
    old = f"{clause}\n\n- {clause}\n\n> {clause}\n"
    new = (
        "We may suspend your\naccount and close it without notice to the\ncustomer.\n\n"
        "- We may suspend your account and close it without notice to the\n  customer.\n\n"
        "> We may suspend your account and close it without notice to the\n> customer.\n"
    )
    repo.revise("terms", old, "2024-01-01T09:00:00+00:00", title="Terms")
    repo.revise("terms", new, "2024-02-01T09:00:00+00:00", title="Terms")
    for site_url in serve(build_site(repo)):
        page = browser.new_page()
        page.goto(site_url + "terms/2024-02-01/changes/")
        for block in ("p", "ul > li", "blockquote"):
            inside = f".pd-redline > {block}"
            marks = page.locator(f"{inside} ins, {inside} del")
            shown = [m for m in marks.all() if m.inner_text().strip()]
            assert [" ".join(m.inner_text().split()) for m in shown] == [
                "and close it without notice to the customer"
            ], block
            boxes = shown[0].evaluate("e => e.getClientRects().length")
            assert boxes <= 2  # (one mark, wrapped at most once at this width)
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


def test_which_version_applied_on_a_day_agrees_with_versions_json(browser, tmp_path: Path) -> None:
    """The history page's day lookup, at every day boundary of a scripted history, in a
    site time zone that is not UTC: the versions it names are those versions.json says
    were in force at some moment of that day (the day a text changed has two)."""
    zone = ZoneInfo("America/New_York")
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", "Terms.\n", "2024-01-01T12:00:00+00:00", title="Terms")
    repo.revise("fees", "One.\n", "2024-01-10T12:00:00+00:00", title="Fees", effective="2024-03-01")
    repo.revise("fees", "Two.\n", "2024-05-01T12:00:00+00:00", title="Fees", effective="2024-06-01")
    repo.revise("fees", "Three.\n", "2024-07-10T03:30:00+00:00", title="Fees")  # (9 July there)
    repo.revise("fees", "Four.\n", "2024-07-10T20:00:00+00:00", title="Fees")
    repo.git("rm", "-q", "policies/fees.md")
    repo.commit("withdraw", "2024-08-01T15:00:00+00:00")
    site = build_site(repo, {"as_of": "2024-12-01", "timezone": "America/New_York"})
    policies = json.loads((site / "versions.json").read_text())["policies"]
    versions = next(p for p in policies if p["id"] == "fees")["versions"]

    def expected(day: date) -> list[str]:
        start = datetime.combine(day, datetime.min.time(), zone)
        end = start + timedelta(days=1)
        return [
            v["label"]
            for v in versions
            if v["in_force_from"] is not None
            and datetime.fromisoformat(v["in_force_from"]) < end
            and (v["in_force_until"] is None or datetime.fromisoformat(v["in_force_until"]) > start)
        ]

    days = [date(2024, 2, 29), date(2024, 3, 1), date(2024, 5, 31), date(2024, 6, 1),
            date(2024, 7, 8), date(2024, 7, 9), date(2024, 7, 10), date(2024, 7, 11),
            date(2024, 7, 31), date(2024, 8, 1), date(2024, 8, 2)]  # fmt: skip
    for site_url in serve(site):
        page = browser.new_page()
        page.goto(site_url + "fees/history/")
        field = page.get_by_label("Which version applied on a given day?")
        for day in days:
            field.fill(day.isoformat())
            answer = page.locator(".pd-lookup output")
            named = [
                link.removeprefix("version ") for link in answer.locator("a").all_inner_texts()
            ]
            assert named == expected(day), (day, answer.inner_text())
            if not named:  # (before the first version, or while withdrawn)
                assert re.search(r": (none yet|no version \(withdrawn\))", answer.inner_text())
            for link in answer.locator("a").all():
                href = link.get_attribute("href")
                assert href and (site / "fees/history" / href / "index.html").resolve().is_file()
        field.fill("2024-08-01")
        assert page.locator(".pd-lookup output").inner_text() == (
            "On 1 August 2024: version 2024-07-10, then no version (withdrawn). "
            "It changed that day."
        )
        page.close()
        context = browser.new_context(java_script_enabled=False)
        plain = context.new_page()
        plain.goto(site_url + "fees/history/")
        assert plain.locator(".pd-lookup").is_hidden()  # (the table's dates answer it)
        context.close()


def test_a_change_of_form_is_shown_once_saying_what_it_was(browser, tmp_path: Path) -> None:
    """Words made bold read once, dotted-underlined, not struck and inserted again; the old
    form is in the page for accept and reject but not shown; every reader, a phone's and a
    screen reader's too, is told what it was, and a changed link's old address (issue 25,
    defects 3 and 8)."""
    repo = GitRepo(tmp_path / "repo")
    old = "We give no warranty of any kind.\n\nRead [our DPA](https://example.com/dpa-2023.pdf).\n"
    repo.revise("terms", old, "2024-01-01T09:00:00+00:00", title="Terms")
    new = old.replace("no warranty", "**no warranty**").replace("2023", "2024")
    repo.revise("terms", new, "2024-02-01T09:00:00+00:00", title="Terms")
    for site_url in serve(build_site(repo)):
        page = browser.new_page()
        page.goto(site_url + "terms/2024-02-01/changes/")
        paragraph = page.locator(".pd-redline > p").first
        assert " ".join(paragraph.inner_text().split()) == "We give no warranty of any kind."
        assert paragraph.locator("del.pd-form").is_hidden()
        shown = paragraph.locator("ins.pd-form")
        assert shown.is_visible() and shown.locator("strong").inner_text() == "no warranty"
        style = shown.evaluate("e => getComputedStyle(e).textDecorationStyle")
        assert style == "dotted"
        # What it was is shown after it, not only in its title (which a phone cannot show).
        note = shown.evaluate("e => getComputedStyle(e, '::after')")
        assert (note["content"], note["position"]) == ('" (Was plain text)"', "static")
        assert shown.get_attribute("title") == "Was plain text"
        # So does a link whose address alone changed: its old address.
        link = page.locator(".pd-redline ins.pd-link")
        note = link.evaluate("e => getComputedStyle(e, '::after').content")
        assert note == '" (link changed: it was https://example.com/dpa-2023.pdf)"'
        spoken = paragraph.aria_snapshot()
        assert '- text: "[form changed]"\n    - strong: no warranty' in spoken
        assert "- text: (Was plain text)" in spoken
        page.close()
