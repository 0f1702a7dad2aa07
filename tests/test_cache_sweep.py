"""The cache does not grow with every merge: a build removes the stored feed files and
generated files it did not use, unless another build is using the cache at the time, and
never what a later build of the same commit needs."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import feedparser

from policydocs import engine
from policydocs.cache_sweep import CacheHold
from policydocs.feeds import FeedSettings
from policydocs.settings import Settings, resolve_as_of

from .conftest import build_site
from .gitrepo import GitRepo

CACHE = ".cache/policydocs"


def history(repo: GitRepo) -> None:
    for n in range(3):
        repo.revise("terms", f"You pay {n} pounds.\n", f"2024-0{n + 1}-01T09:00:00+00:00")
    repo.revise("privacy", "We keep your data safe.\n", "2024-01-02T09:00:00+00:00")


def merge_one_more(repo: GitRepo) -> None:
    repo.revise("terms", "You pay 9 pounds.\n", "2024-06-01T09:00:00+00:00")


def stored(cache: Path) -> dict[str, set[str]]:
    """The names of the stored feed files and of the generated files, with the inode of
    each (a file written again gets a new one)."""
    feeds = {f"{p.name}@{p.stat().st_ino}" for p in cache.glob("??/*.xml*")}
    generated = {f"{p.name}@{p.stat().st_ino}" for p in cache.glob("files/??/*")}
    return {"feeds": feeds, "generated": generated}


def names(entries: set[str]) -> set[str]:
    return {entry.partition("@")[0] for entry in entries}


def test_a_rebuild_after_a_merge_keeps_what_a_fresh_build_would_store(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    before = stored(cache)
    merge_one_more(repo)
    site = build_site(repo)
    after = stored(cache)
    # the site-wide feeds and the terms' were made again; the privacy policy's were not
    # (two feeds x RSS and Atom x file and size record)
    assert len(names(after["feeds"]) - names(before["feeds"])) == 2 * 2 * 2
    assert len(after["feeds"]) == 3 * 2 * 2  # (site, terms, privacy) x (RSS, Atom) x size
    assert feedparser.parse(site / "atom.xml").entries[0].title.startswith("Terms revised")
    fresh = {"cache_dir": ".cache/fresh"}
    build_site(repo, fresh)
    assert {kind: names(entries) for kind, entries in after.items()} == {
        kind: names(entries) for kind, entries in stored(repo.path / ".cache/fresh").items()
    }
    # and nothing the next build of the same commit needs was removed: it writes nothing
    build_site(repo)
    assert stored(cache) == after


def test_no_sweep_while_another_build_holds_the_cache(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    other = CacheHold(cache)  # a build in another process, still reading its files
    try:
        merge_one_more(repo)
        build_site(repo)
        assert len(stored(cache)["feeds"]) == 3 * 2 * 2 + 2 * 2 * 2  # the old ones are kept
    finally:
        other.release()
    build_site(repo)  # the next build sweeps
    assert len(stored(cache)["feeds"]) == 3 * 2 * 2


def test_partial_files_of_interrupted_builds_are_removed(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)
    left = [
        cache / "ab/0123.json.4242.tmp",  # an entry being written
        cache / "files/tmpk3j2.tmp",  # a generated file being written
        cache / "files/cd/4567.md.99.tmp",
    ]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    redlines = sorted(cache.glob("??/*.json"))
    build_site(repo)
    assert [path for path in left if path.exists()] == []
    assert sorted(cache.glob("??/*.json")) == redlines  # redlines and pages stay
    assert (cache / "files/pending.md").exists()


def test_the_engine_sweeps_old_feeds_and_leaves_generated_files(repo: GitRepo) -> None:
    history(repo)
    cache = repo.path / CACHE
    build_site(repo)  # fills the generated files too
    generated = stored(cache)["generated"]
    merge_one_more(repo)
    settings = Settings(
        policies_dir=repo.path / "policies",
        as_of=resolve_as_of("2030-01-01", UTC),
        cache_dir=cache,
    )
    feeds = FeedSettings("https://policies.example.com/", "Example Policies", None)
    site = engine.build(settings, feeds)
    assert len(site.assets) > 6
    after = stored(cache)
    assert len(after["feeds"]) == 3 * 2 * 2
    assert after["generated"] == generated
