"""A rebuild reuses what earlier builds made (pages with a redline, feed entries), found by
everything they are made from. Whatever changes between builds, a site built with the
cache must be the site built without it, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .. import stored
from ..conftest import build_site
from ..gitrepo import GitRepo

TERMS = (
    "## Scope\n\nThese terms apply with the [Privacy Policy](privacy.md) and the "
    "[Cookie Policy](cookies.md).\n\n## Fees\n\nYou pay {fee} pounds a month.\n"
)


def snapshot(site: Path) -> dict[Path, bytes]:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def both_builds(repo: GitRepo, options: dict, **extra: object) -> tuple[dict, dict]:
    """The site built with the cache the earlier steps filled, and built without one (not
    strict: the link to the Cookie Policy is broken until it appears)."""
    cached = snapshot(build_site(repo, options, strict=False, **extra))
    uncached = snapshot(build_site(repo, {**options, "cache_dir": ""}, strict=False, **extra))
    return cached, uncached


def rename_privacy(repo: GitRepo) -> None:
    repo.git("mv", "policies/privacy.md", "policies/privacy-notice.md")
    repo.commit("rename the privacy policy", "2024-06-01T09:00:00+00:00")


def summary_only(repo: GitRepo) -> None:
    repo.revise("terms", TERMS.format(fee=4), "2024-07-01T09:00:00+00:00", summary="Fees explained")


def add_cookies(repo: GitRepo) -> None:
    repo.revise("cookies", "We use cookies.\n", "2024-05-01T09:00:00+00:00")


#: Each step changes one input of the pages or feed entries, on top of the steps before.
STEPS: list[tuple[str, Callable[[GitRepo], None] | None, dict, dict]] = [
    ("first build", None, {}, {}),
    ("url prefix", None, {"url_prefix": "legal"}, {}),
    ("time zone", None, {"timezone": "America/New_York"}, {}),
    ("site URL", None, {}, {"site_url": "https://legal.example.org/terms/"}),
    ("site name", None, {}, {"site_name": "Legal"}),
    ("a linked policy appears", add_cookies, {}, {}),
    ("a policy is renamed", rename_privacy, {}, {}),
    ("summary only", summary_only, {}, {}),
    ("as of an earlier day", None, {"as_of": "2024-03-15"}, {}),
    ("plain URLs", None, {}, {"use_directory_urls": False}),
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("rebuild") / "repo")
    for n in range(4):
        # at 02:00 UTC: the day before in New York (see the time zone step)
        repo.revise("terms", TERMS.format(fee=n), f"2024-0{n + 1}-01T02:00:00+00:00")
    repo.revise("privacy", "We keep your data safe.\n", "2024-01-02T09:00:00+00:00")
    repo.revise("privacy", "We keep your data safe and sound.\n", "2024-02-02T09:00:00+00:00")
    return repo


def test_a_cached_rebuild_makes_the_site_a_build_without_cache_makes(repo: GitRepo) -> None:
    options: dict = {}
    extra: dict = {}
    before: dict = {}
    for name, change, more_options, more_extra in STEPS:
        if change is not None:
            change(repo)
        options.update(more_options)
        extra.update(more_extra)
        cached, uncached = both_builds(repo, options, **extra)
        assert cached.keys() == uncached.keys(), name
        assert [path for path in cached if cached[path] != uncached[path]] == [], name
        assert cached != before, f"{name}: the step changed nothing"
        before = cached


def _flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


#: What happens to files on disk: a build killed while writing, a bad sector, a tool
#: that truncated the file, a byte changed in place (same size: no size check sees it).
DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "one byte changed, same size": _flip_middle_byte,
    "emptied": lambda data: b"",
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_cache_entries_are_made_again_never_published(tmp_path: Path, damage: str) -> None:
    repo = GitRepo(tmp_path / "repo")
    committed = []
    for n in range(3):
        repo.revise("terms", TERMS.format(fee=n), f"2024-0{n + 1}-01T09:00:00+00:00")
        committed.append((repo.path / "policies/terms.md").read_bytes())
    cached, uncached = both_builds(repo, {})
    cache = repo.path / ".cache/policydocs"
    # pages' Markdown, feed files and versions' sources; redlines, pages' records, entries
    assert stored.pages(cache) and stored.feeds(cache)
    assert len(stored.sources(cache, committed)) == 3
    assert stored.redlines(cache) and stored.page_records(cache)
    for path in [*stored.objects(cache), *stored.entries(cache)]:
        path.write_bytes(DAMAGE[damage](path.read_bytes()))
    again, _ = both_builds(repo, {})
    assert again == cached == uncached


def test_the_cli_build_never_uses_a_damaged_entry(tmp_path: Path) -> None:
    """`policydocs export` reads what the cache holds through the same checks."""
    from datetime import UTC

    from policydocs.builder import run
    from policydocs.core.settings import Settings, resolve_as_of
    from policydocs.site.feeds import FeedSettings

    repo = GitRepo(tmp_path / "repo")
    for n in range(3):
        repo.revise("terms", TERMS.format(fee=n), f"2024-0{n + 1}-01T09:00:00+00:00")
    cache = tmp_path / "cache"
    feeds = FeedSettings("https://policies.example.com/", "Example")

    def files(cache_dir: Path | None) -> dict[str, bytes]:
        options = Settings(
            repo.path / "policies", resolve_as_of("2030-01-01", UTC), cache_dir=cache_dir
        )
        site = run.build(options, feeds)
        return {p.src: p.markdown.encode() for p in site.pages} | {
            a.dest: a.content for a in site.assets
        }

    uncached = files(None)
    assert files(cache) == uncached
    for path in [*stored.objects(cache), *stored.entries(cache)]:
        path.write_bytes(_flip_middle_byte(path.read_bytes()))
    assert files(cache) == uncached


def test_a_cache_folder_that_cannot_be_written_costs_only_speed(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.revise("terms", TERMS.format(fee=1), "2024-01-01T09:00:00+00:00")
    repo.revise("terms", TERMS.format(fee=2), "2024-02-01T09:00:00+00:00")
    repo.write("not-a-folder", "a file\n")
    uncached = snapshot(build_site(repo, {"cache_dir": ""}, strict=False))
    blocked = snapshot(build_site(repo, {"cache_dir": "not-a-folder/cache"}, strict=False))
    assert blocked == uncached
    assert (repo.path / "not-a-folder").read_text() == "a file\n"
