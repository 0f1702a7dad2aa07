"""Real repositories' builds against plain MkDocs: the fixture bundles of
`../shared/fixtures/` (Basecamp's policies, Mozilla's English legal documents), each built
cold by policydocs from the short mkdocs.yml the README gives, against the *floor*: a plain
`mkdocs build`, same theme, of a docs folder holding each policy's current file as HEAD has
it (what the company published before: its current pages, no history); and the floor of
`bench.bench_build`, plain MkDocs of the same pages policydocs makes (the engine's cost).
`bench.py` runs it when the bundles are there; this module is not a test.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

import build_bench
import yaml

if TYPE_CHECKING:
    from policydocs.core.settings import Settings

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"

#: Each fixture's policydocs options and Markdown extensions (as README's adoption guide).
FIXTURE_SITES = {
    "basecamp-policies": (
        {
            "foreign_keys": "ignore",
            "variables": {
                "site.email_support": "mailto:support@basecamp.com",
                "site.email_security": "mailto:security@basecamp.com",
            },
        },
        [],
    ),
    "mozilla-legal-docs": (
        {
            "include": ["en/*.md"],
            "effective_pattern": r'\{:\s*datetime="(?P<date>\d{4}-\d{2}-\d{2})"',
        },
        ["attr_list", "tables"],
    ),
}


def available() -> list[str]:
    return [name for name in FIXTURE_SITES if (FIXTURES / f"{name}.bundle").is_file()]


def write_sites(name: str, work: Path) -> tuple[Path, dict[str, Path], int]:
    """The fixture cloned into `work`; its policydocs mkdocs.yml (no cache: every build
    cold), the two floors' (`FLOORS`), and how many policies are in force."""
    repo = work / name
    subprocess.run(["git", "clone", "-q", str(FIXTURES / f"{name}.bundle"), str(repo)], check=True)
    options, extensions = FIXTURE_SITES[name]
    plugin = {"policies_dir": ".", "as_of": "2026-06-01", "cache_dir": "", **options}
    site = {
        "site_name": name,
        "site_url": "https://policies.example.org/",
        "theme": build_bench.THEME,
        "docs_dir": "site-docs",
        "markdown_extensions": extensions,
        "plugins": ["search", {"policydocs": plugin}],
    }
    (repo / "site-docs").mkdir()
    config = repo / "mkdocs.yml"
    config.write_text(yaml.safe_dump(site, sort_keys=False), encoding="utf-8")
    from policydocs.mkdocs_config import read_site_options

    settings = read_site_options(config, {})[0].settings()
    floors = {"same pages": build_bench.write_floor(repo, work / f"{name}-pages", settings)}
    count = _current_pages(repo, settings, work / f"{name}-current" / "docs")
    current = work / f"{name}-current" / "mkdocs.yml"
    plain = {key: site[key] for key in ("site_name", "site_url", "theme", "markdown_extensions")}
    current.write_text(yaml.safe_dump({**plain, "plugins": ["search"]}), encoding="utf-8")
    floors["current pages"] = current
    return config, floors, count


def _current_pages(repo: Path, settings: Settings, docs: Path) -> int:
    """Each policy in force, its file as HEAD has it copied to `docs` at its path."""
    from policydocs.history.catalog import load_catalog

    catalog, _ = load_catalog(settings)
    current = [p.path for p in catalog.policies if p.current is not None]
    for path in current:
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((repo / path).read_bytes())
    return len(current)


def bench_fixtures(work: Path, builds: int) -> dict[str, object]:
    """Each fixture's floors and cold build, `builds` times, taking turns (see
    `bench.bench_build`); the median of each."""
    figures: dict[str, object] = {}
    for name in available():
        config, floors, count = write_sites(name, work)
        runs: dict[str, list[dict]] = {kind: [] for kind in (*floors, "policydocs")}
        for n in range(builds):
            for kind, floor in floors.items():
                runs[kind].append(build_bench.measure(floor, work / f"{name}-{kind}-{n}"))
            runs["policydocs"].append(build_bench.measure(config, work / f"{name}-site-{n}"))
        seconds = {kind: median(run["seconds"] for run in done) for kind, done in runs.items()}
        figures[name] = {
            "current_policies": count,
            "pages": runs["policydocs"][0]["pages"],
            "seconds": {
                kind: [round(r["seconds"], 2) for r in done] for kind, done in runs.items()
            },
            "over": {kind: round(seconds["policydocs"] / seconds[kind], 2) for kind in floors},
            "peak_mb": {
                kind: round(median(r["peak_mb"] for r in done)) for kind, done in runs.items()
            },
        }
    return figures
