"""The engine's front door: from settings to every file of the policy site.

Both the MkDocs plugin and the CLI call `build`; `export` writes the result to a folder for
any other site generator (Markdown pages keep their front matter; templates are not applied).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Pair, RedlineCache
from .catalog import load_catalog
from .drafts import find_drafts
from .errors import Problem
from .feeds import FeedSettings, build_feeds
from .index import build_index
from .model import Catalog, Version
from .pages import GeneratedAsset, GeneratedPage, Redlines, generate
from .settings import Settings
from .urls import UrlScheme


@dataclass(frozen=True)
class Site:
    catalog: Catalog
    urls: UrlScheme
    pages: list[GeneratedPage]
    assets: list[GeneratedAsset]
    warnings: list[Problem]
    redlines: Redlines
    #: Each version compared with the one in force, where no changes page already does.
    comparisons: Redlines
    #: (hits, misses) of the redline cache in this build.
    redline_stats: tuple[int, int]
    #: Seconds spent in each stage (history, redlines, pages, feeds), for logs and benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


def build(settings: Settings, feeds: FeedSettings | None = None, drafts: bool = False) -> Site:
    """Read history and generate the site's files; raises `PolicyError` on invalid input.

    Feeds need the site's absolute URL; without `feeds` none are made. `drafts` adds a page
    for each uncommitted policy edit (a preview for editors, never published)."""
    timings: dict[str, float] = {}
    with _stage(timings, "history"):
        catalog, problems = load_catalog(settings)
    urls = UrlScheme(settings.url_prefix, settings.use_directory_urls)
    cache = RedlineCache(settings.cache_dir)
    with _stage(timings, "redlines"):
        redlines = compute_redlines(catalog, cache)
        comparisons = compute_comparisons(catalog, cache)
        found = find_drafts(catalog, settings) if drafts else []
    with _stage(timings, "pages"):
        pages, assets = generate(
            catalog, urls, build_index(catalog, urls), redlines, comparisons, found
        )
    if feeds is not None:
        with _stage(timings, "feeds"):
            assets += build_feeds(catalog, redlines, urls, feeds, cache)
    stats = (cache.hits, cache.misses)
    return Site(
        catalog, urls, pages, assets, problems.warnings, redlines, comparisons, stats, timings
    )


@contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def compute_redlines(catalog: Catalog, cache: RedlineCache) -> Redlines:
    """The redline of every version against the one before it, keyed by (policy, label)."""
    return cache.redlines(
        {
            (policy.id, version.label): _pair(previous, version)
            for policy in catalog.policies
            for previous, version in zip(policy.versions, policy.versions[1:], strict=False)
        }
    )


def compute_comparisons(catalog: Catalog, cache: RedlineCache) -> Redlines:
    """The redline between each version and the one in force (older text first), keyed by
    (policy, label of the version compared), for the versions that need a page of their own."""
    pairs = {}
    for policy in catalog.policies:
        for version in policy.versions:
            pair = policy.with_current(version)
            if pair is not None and policy.needs_comparison_page(version):
                pairs[(policy.id, version.label)] = _pair(*pair)
    return cache.redlines(pairs)


def _pair(old: Version, new: Version) -> Pair:
    return Pair(old.blob, new.blob, old.body, new.body)


def export(site: Site, out_dir: Path) -> list[Path]:
    """Write the generated Markdown pages and published-as-is files below `out_dir`."""
    written = []
    for page in site.pages:
        written.append(_write(out_dir / page.src, page.markdown.encode()))
    for asset in site.assets:
        written.append(_write(out_dir / asset.dest, asset.content))
    return written


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path
