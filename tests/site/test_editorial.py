"""Editorial revisions: kept and shown, but not announced. A revision that renders as the
one before is editorial automatically; a file may say which a revision is."""

from __future__ import annotations

import json

import feedparser
import icalendar
import pytest

from policydocs.history.editorial import renders_identically

from ..conftest import build_site
from ..gitrepo import GitRepo

TEXT = "You must pay within *thirty days*.\n\n- by card\n- by transfer\n"


@pytest.mark.parametrize(
    ("old", "new", "same"),
    [
        (TEXT, "You must pay within\n*thirty days*.\n\n- by card\n- by transfer\n", True),
        (TEXT, TEXT.replace("*thirty days*", "_thirty days_").replace("- ", "* "), True),
        (TEXT, TEXT + "\n<!-- markdownlint-disable MD013 -->\n", True),
        ("Title\n=====\n\nText.\n", "# Title\n\nText.\n", True),
        (TEXT, TEXT.replace("thirty", "sixty"), False),
        (TEXT, TEXT.replace("- by card\n", "- by card\n\n"), False),  # a loose list: <p>s
        ("£5.50 a month.\n", "£55.0 a month.\n", False),  # the same letters and digits
        ("See [terms](a.md).\n", "See [terms](b.md).\n", False),
        ("One.\n\nTwo.\n", "One.\nTwo.\n", False),
    ],
)
def test_what_renders_identically(old: str, new: str, same: bool) -> None:
    assert renders_identically(old, new) is same


def history(repo: GitRepo) -> GitRepo:
    repo.revise("tos", TEXT, "2024-01-01T09:00:00+00:00", title="Terms", summary="First")
    wrapped = TEXT.replace("within *thirty", "within\n*thirty")
    repo.revise("tos", wrapped, "2024-02-01T09:00:00+00:00", title="Terms", summary="Rewrapped")
    typo = wrapped.replace("transfer", "bank transfer")
    repo.revise(
        "tos", typo, "2024-03-01T09:00:00+00:00", title="Terms", summary="Typo", change="editorial"
    )
    dearer = typo.replace("thirty", "fourteen")
    repo.revise("tos", dearer, "2024-04-01T09:00:00+00:00", title="Terms", summary="Sooner")
    return repo


def test_editorial_revisions_are_kept_shown_and_not_announced(repo: GitRepo) -> None:
    site = build_site(history(repo), {"as_of": "2025-01-01"})
    [policy] = json.loads((site / "versions.json").read_text(encoding="utf-8"))["policies"]
    assert [(v["change"], v["change_source"]) for v in policy["versions"]] == [
        ("material", "rendered"),
        ("editorial", "rendered"),
        ("editorial", "front-matter"),
        ("material", "rendered"),
    ]
    labels = [v["label"] for v in policy["versions"]]
    for label in labels:  # every version keeps its pages
        assert (site / "tos" / label / "index.html").is_file()
    announced = feedparser.parse((site / "tos/atom.xml").read_bytes())
    assert [e.summary.split(". ", 1)[1] for e in announced.entries] == ["Sooner", "First"]
    every = feedparser.parse((site / "all-atom.xml").read_bytes())
    assert [e.tags[1].term for e in every.entries] == [
        "revision", "editorial", "editorial", "publication",
    ]  # fmt: skip
    assert every.feed.title == "Example Policies: every policy change, editorial ones too"
    assert len(feedparser.parse((site / "atom.xml").read_bytes()).entries) == 2
    assert json.loads((site / "all-feed.json").read_text())["items"][1]["tags"][1] == "editorial"
    calendar = icalendar.Calendar.from_ical((site / "tos/calendar.ics").read_bytes())
    assert len(list(calendar.walk("VEVENT"))) == 2
    history_page = (site / "tos/history/index.html").read_text(encoding="utf-8")
    assert history_page.count('class="pd-editorial"') == 2


def test_a_file_can_say_a_change_is_material(repo: GitRepo) -> None:
    repo.revise("tos", TEXT, "2024-01-01T09:00:00+00:00", title="Terms")
    rewrapped = TEXT.replace("within *thirty", "within\n*thirty")
    repo.revise("tos", rewrapped, "2024-02-01T09:00:00+00:00", title="Terms", change="material")
    site = build_site(repo, {"as_of": "2025-01-01"})
    assert len(feedparser.parse((site / "tos/rss.xml").read_bytes()).entries) == 2


def test_a_change_that_is_neither_is_an_error(repo: GitRepo, mkdocs_errors) -> None:
    from mkdocs.exceptions import Abort

    repo.revise("tos", TEXT, "2024-01-01T09:00:00+00:00", title="Terms", change="minor")
    with pytest.raises(Abort):
        build_site(repo)
    assert any("'change' must be 'editorial'" in m for m in mkdocs_errors())


def test_a_front_matter_only_change_says_what_changed(repo: GitRepo) -> None:
    """A commit that only drops a key no page shows (`topics:`) is editorial, and its
    changes page names the key rather than leave readers looking for a difference."""
    repo.write("policies/terms.md", "---\ntitle: Terms\ntopics: [billing]\n---\n\nText.\n")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/terms.md", "---\ntitle: Terms\n---\n\nText.\n")
    repo.commit("drop topics", "2024-02-01T09:00:00+00:00")
    repo.write("policies/terms.md", "---\ntitle: Terms\n---\n\nText.\n\n\n")
    repo.commit("spacing", "2024-03-01T09:00:00+00:00")
    site = build_site(repo, {"as_of": "2024-06-01", "foreign_keys": "ignore"})
    page = (site / "terms/2024-02-01/changes/index.html").read_text(encoding="utf-8")
    assert (
        "this revision changed only front matter that no page shows (\u2018topics\u2019 removed)"
        in page
    )
    assert "only details such as the dates or the summary differ" not in page
    page = (site / "terms/2024-03-01/changes/index.html").read_text(encoding="utf-8")
    assert "changed only how the Markdown is written" in page
