"""The cache does not grow with every merge: a build removes the stored objects (pages'
Markdown, feed files) it did not use, unless another build is using the cache at the
time, and never what a later build of the same commit needs."""

from __future__ import annotations

from datetime import UTC

import feedparser

from policydocs.builder import run
from policydocs.builder.sweep import CacheHold
from policydocs.core.settings import Settings, resolve_as_of
from policydocs.site.feeds import FeedSettings

from .. import stored
from ..conftest import build_site
from ..gitrepo import GitRepo

CACHE = ".cache/policydocs"


def history(repo: GitRepo) -> None:
    for n in range(3):
        repo.revise("terms", f"You pay {n} pounds.\n", f"2024-0{n + 1}-01T09:00:00+00:00")
    repo.revise("privacy", "We keep your data safe.\n", "2024-01-02T09:00:00+00:00")


def merge_one_more(repo: GitRepo) -> None:
    repo.revise("terms", "You pay 9 pounds.\n", "2024-06-01T09:00:00+00:00")


def names(entries: set[str]) -> set[str]:
    return {entry.partition("@")[0] for entry in entries}


#: Feed files per feed (RSS, Atom, JSON Feed), and feeds: the site-wide one, the site-wide
#: one of every change, the terms' and the privacy policy's.
KINDS, LISTINGS = 3, 4


def test_a_rebuild_after_a_merge_keeps_what_a_fresh_build_would_store(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    before = stored.named(stored.feeds(cache))
    merge_one_more(repo)
    site = build_site(repo)
    after = stored.named(stored.objects(cache))
    # the site-wide feeds (announced, every change) and the terms' were made again; the
    # privacy policy's were not
    feeds = stored.named(stored.feeds(cache))
    assert len(names(feeds) - names(before)) == 3 * KINDS
    assert len(feeds) == LISTINGS * KINDS
    assert feedparser.parse(site / "atom.xml").entries[0].title.startswith("Terms revised")
    fresh = {"cache_dir": ".cache/fresh"}
    build_site(repo, fresh)
    assert names(after) == names(stored.named(stored.objects(repo.path / ".cache/fresh")))
    # and nothing the next build of the same commit needs was removed: it writes nothing
    build_site(repo)
    assert stored.named(stored.objects(cache)) == after


def test_no_sweep_while_another_build_holds_the_cache(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    other = CacheHold(cache)  # a build in another process, still reading its files
    try:
        merge_one_more(repo)
        build_site(repo)
        assert len(stored.feeds(cache)) == (LISTINGS + 3) * KINDS  # the old ones are kept
    finally:
        other.release()
    build_site(repo)  # the next build sweeps
    assert len(stored.feeds(cache)) == LISTINGS * KINDS


def test_partial_files_and_the_old_layout_are_removed(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    left = [
        cache / "entries/ab/tmpk3j2.tmp",  # an entry being written
        cache / "objects/cd/tmp4567.tmp",  # a generated file being written
        # what the cache held before the store
        cache / f"ef/{'0' * 64}.json",
        cache / f"ef/{'1' * 64}.json.4242.tmp",
        cache / "files/pending.md",
        cache / "files/01/abcd.md",
        cache / "pages.json",
    ]
    others = [cache / "notes/ab.txt", cache / "fe/not-ours.txt"]  # not ours: kept
    for path in left + others:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    entries = sorted(stored.entries(cache))
    build_site(repo)
    assert [path for path in left if path.exists()] == []
    assert all(path.exists() for path in others)
    assert sorted(stored.entries(cache)) == entries  # redlines, records, entries stay


def test_the_engine_and_the_plugin_keep_what_the_other_uses(repo: GitRepo) -> None:
    """The CLI's build of a commit stores the pages and feeds MkDocs' build of it stores:
    either sweeps what the other does not need, and nothing the other does."""
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    merge_one_more(repo)
    settings = Settings(
        policies_dir=repo.path / "policies",
        as_of=resolve_as_of("2030-01-01", UTC),
        cache_dir=cache,
    )
    feeds = FeedSettings("https://policies.example.com/", "Example Policies", None)
    site = run.build(settings, feeds)
    assert len(site.assets) > 6
    after = stored.named(stored.objects(cache))
    assert len(stored.feeds(cache)) == LISTINGS * KINDS
    build_site(repo)  # MkDocs' build of the same commit: it writes nothing again
    assert stored.named(stored.objects(cache)) == after
