"""A real MkDocs build whose redlines and feed entries are computed by worker processes
while MkDocs renders: the pages and feeds show each revision's own changes, and the
workers stored what they computed."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from policydocs.core import parallel

from .. import stored
from ..conftest import build_site
from ..gitrepo import GitRepo

REVISIONS = 24  # more than parallel.MIN_ITEMS redlines of each kind


def clauses(n: int) -> str:
    return f"## Fees\n\nYou pay {n} pounds a month.\n\n## Notice\n\nWe give 30 days' notice.\n"


@pytest.fixture
def many_revisions(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    for n in range(REVISIONS):
        repo.revise("terms", clauses(n), f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}T09:00:00+00:00")
    return repo


def marks(page: Path) -> tuple[list[str], list[str]]:
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    (text,) = tree.cssselect(".pd-redline")
    return (
        [e.text_content() for e in text.cssselect("del.pd-del")],
        [e.text_content() for e in text.cssselect("ins.pd-ins")],
    )


def test_pages_and_feeds_show_what_the_workers_computed(
    many_revisions: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.policydocs")
    site = build_site(many_revisions)
    labels = sorted(p.parent.name for p in site.glob("terms/2024-*/index.html"))
    assert len(labels) == REVISIONS
    for n, label in enumerate(labels[1:], start=1):
        assert marks(site / f"terms/{label}/changes/index.html") == ([str(n - 1)], [str(n)])
    for n, label in enumerate(labels[:-2]):
        assert marks(site / f"terms/{label}/compare/index.html") == ([str(n)], [str(REVISIONS - 1)])
    feed = feedparser.parse((site / "terms/atom.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == REVISIONS
    # newest first; the last entry is the first publication, which has no redline
    contents = [entry.content[0].value for entry in feed.entries[:-1]]
    for n, content in zip(range(REVISIONS - 1, 0, -1), contents, strict=True):
        assert f"<del>[-{n - 1}-]</del><ins>{{+{n}+}}</ins>" in content
    cache = many_revisions.path / ".cache/policydocs"
    made = (REVISIONS - 1) + (REVISIONS - 2)  # changes + comparison pages
    # each page's record (counts, sections) and Markdown, and its redline
    records = stored.page_records(cache)
    assert len(records) == len(stored.redlines(cache)) == made
    marked = {p.name for p in stored.pages(cache) if b"pd-ins" in p.read_bytes()}
    assert {r.read_bytes().partition(b"\n")[2][:64].decode() for r in records} == marked
    # the engine's stages, then the cache's sweep at the end of the build
    stages, sweep = [
        r.policydocs_timings for r in caplog.records if hasattr(r, "policydocs_timings")
    ]
    assert list(sweep) == ["sweep"]
    if parallel.cores() > 1:
        assert stages["background"] > 0  # the workers did the work


def test_a_rebuild_writes_only_the_generated_files_that_changed(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", clauses(1), "2024-01-01T09:00:00+00:00")
    repo.revise("privacy", "We keep your data safe.\n", "2024-01-02T09:00:00+00:00")
    site = build_site(repo)
    cache = repo.path / ".cache/policydocs"
    before = {p: p.stat().st_mtime_ns for p in stored.objects(cache)}
    assert before
    untouched = {  # privacy's feeds: the new revision is not theirs
        hashlib.sha256((site / "privacy" / name).read_bytes()).hexdigest()
        for name in ("rss.xml", "atom.xml", "feed.json")
    }
    assert len(untouched) == 3
    repo.revise("terms", clauses(2), "2024-02-01T09:00:00+00:00")
    site = build_site(repo)
    after = {p: p.stat().st_mtime_ns for p in stored.objects(cache)}
    kept = {p: mtime for p, mtime in before.items() if p in after}  # (the rest: swept)
    assert untouched <= {p.name for p in kept}
    assert all(after[p] == mtime for p, mtime in kept.items())  # none written again
    new = {p.read_bytes() for p in set(stored.pages(cache)) - set(before)}
    assert any(b"You pay 2 pounds" in content for content in new)  # the new version's page
    assert not any(b"We keep your data" in content for content in new)  # privacy's: as they were
    assert "You pay 2 pounds" in (site / "terms/index.html").read_text(encoding="utf-8")


def test_a_dirty_build_makes_every_changes_page_again(tmp_path: Path) -> None:
    """`mkdocs build --dirty` (and `serve --dirty`) asks every page's source file whether it
    is newer than the built page, before policydocs has made the changes pages."""
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", clauses(1), "2024-01-01T09:00:00+00:00")
    repo.revise("terms", clauses(2), "2024-02-01T09:00:00+00:00")
    build_site(repo)
    repo.revise("terms", clauses(3), "2024-03-01T09:00:00+00:00")
    site = build_site(repo, dirty=True, strict=False)  # MkDocs warns of --dirty itself
    changes = (site / "terms/2024-03-01/changes/index.html").read_text(encoding="utf-8")
    assert '>2</del><ins class="pd-ins">3</ins> pounds' in changes
    assert "You pay 3 pounds" in (site / "terms/index.html").read_text(encoding="utf-8")


def test_a_dirty_build_publishes_every_stored_file_whatever_the_sites_dates(
    tmp_path: Path,
) -> None:
    """`mkdocs build --dirty` keeps a built file newer than its source. A version's
    Markdown source and a feed are objects in the store, which can be older than a copy
    that another build left in the site folder (of another branch, say): such a copy is
    never kept in their place."""
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", clauses(1), "2024-01-01T09:00:00+00:00")
    committed = (repo.path / "policies/terms.md").read_bytes()
    site = build_site(repo)
    source, feed = site / "terms/2024-01-01.md", site / "terms/atom.xml"
    assert source.read_bytes() == committed
    for path in (source, feed):  # (newer than the store's objects)
        path.write_bytes(b"left by another build\n")
    site = build_site(repo, dirty=True, strict=False)  # MkDocs warns of --dirty itself
    assert source.read_bytes() == committed
    assert feed.read_bytes().startswith(b"<?xml")


def test_each_versions_comparison_is_made_right_after_its_changes_page(
    many_revisions: GitRepo,
) -> None:
    """The workers make redlines in the order MkDocs reads their pages (the plugin lists
    them so); each text is then split once, while it is among the newest (see
    `blocks.split`), not again after every other version's changes page."""
    site = build_site(many_revisions)
    urls = lxml.etree.fromstring((site / "sitemap.xml").read_bytes()).findall(".//{*}loc")
    marked = [u.text.split("/")[-3:-1] for u in urls if u.text.endswith(("/changes/", "/compare/"))]
    # The first version has no changes page; the one in force, and the one before it (the
    # current changes page compares them), no comparison.
    assert len(marked) == 2 * REVISIONS - 3
    assert [day for day, _ in marked] == sorted(day for day, _ in marked)
    for day, kind in marked:
        if kind == "compare" and [day, "changes"] in marked:
            assert marked.index([day, kind]) == marked.index([day, "changes"]) + 1
