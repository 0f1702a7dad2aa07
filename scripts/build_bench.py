"""Full-build benchmark: `mkdocs build` with policydocs against the floor, a plain
`mkdocs build` (same theme and plugins, minus policydocs) of the same pages.

Each build runs in a fresh Python process (`python build_bench.py measure ...`) that reports
its wall time, its peak resident memory and, for policydocs, the engine's own stage timings
(logged at debug level by every build). `bench.py` drives it; this module is not a test.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

#: Pinned so that every run sees the same statuses (the synthetic history ends before it).
AS_OF = "2030-01-01"
HOME = "# Policies\n\n<!-- policydocs:policy-list -->\n"
THEME = {"name": "material"}


def write_site(repo: Path) -> Path:
    """mkdocs.yml and a home page for the synthetic repository, policydocs on."""
    (repo / "docs").mkdir(exist_ok=True)
    (repo / "docs/index.md").write_text(HOME, encoding="utf-8")
    config = {
        "site_name": "Synthetic policies",
        "site_url": "https://policies.example.com/",
        "theme": THEME,
        "plugins": ["search", {"policydocs": {"as_of": AS_OF}}],
    }
    path = repo / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def write_floor(repo: Path, floor: Path) -> Path:
    """A plain MkDocs project whose docs/ holds the same pages with the same Markdown that
    policydocs generates for `repo` (without its templates), and the same navigation."""
    from policydocs import engine
    from policydocs.settings import Settings, resolve_as_of

    settings = Settings(policies_dir=repo / "policies", as_of=resolve_as_of(AS_OF, UTC))
    site = engine.build(settings)
    docs = floor / "docs"
    nav = ["index.md"]
    for page in site.pages:
        if page.view.kind == "home":
            continue
        _, front, body = page.markdown.split("---\n", 2)
        meta = yaml.safe_load(front)
        meta.pop("template", None)
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body
        target = docs / page.src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if page.in_nav:
            nav.append(page.src)
    (docs / "index.md").write_text(HOME, encoding="utf-8")
    config = {
        "site_name": "Synthetic policies",
        "site_url": "https://policies.example.com/",
        "theme": THEME,
        "plugins": ["search"],
        "nav": nav,
    }
    path = floor / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def measure(config_file: Path, site_dir: Path) -> dict[str, object]:
    """Build in a fresh process; its wall time, peak memory and engine stages."""
    out = subprocess.run(
        [sys.executable, __file__, "measure", str(config_file), str(site_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"build of {config_file} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


class _Timings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.timings: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.timings.update(getattr(record, "policydocs_timings", {}))


def _measure_here(config_file: str, site_dir: str) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _Timings()
    logger = logging.getLogger("mkdocs.plugins.policydocs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    start = time.perf_counter()
    config = load_config(config_file, site_dir=site_dir)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    figures = {"seconds": seconds, "peak_mb": peak_mb, "pages": pages, "engine": handler.timings}
    print(json.dumps(figures))


def add_revision(repo: Path) -> None:
    """Commit one more revision of the first policy: one sentence changed."""
    path = sorted((repo / "policies").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(".", ", as amended.", 1), encoding="utf-8")
    when = datetime(2029, 6, 1, 9, tzinfo=UTC).isoformat()
    env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["add", "-A", "policies"], ["commit", "-q", "-m", "one more revision"]):
        subprocess.run(
            ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", *args],
            cwd=repo,
            check=True,
            env={**os.environ, **env},
        )


if __name__ == "__main__" and sys.argv[1:2] == ["measure"]:
    _measure_here(sys.argv[2], sys.argv[3])
