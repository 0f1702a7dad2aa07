"""Full-build benchmark: `mkdocs build` with policydocs against the floor, a plain
`mkdocs build` (same theme and plugins, minus policydocs) of the same pages.

Each build runs in a fresh Python process (`python build_bench.py measure ...`) that reports
its wall time and, for policydocs, the engine's own stage timings (logged at debug level by
every build); the memory of its process tree is sampled from outside. `bench.py` drives it;
this module is not a test.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from policydocs.core.settings import Settings

#: Pinned so that every run sees the same statuses (the synthetic history ends before it).
AS_OF = "2030-01-01"
HOME = "# Policies\n\n<!-- policydocs:policy-list -->\n"
THEME = {"name": "material"}


def write_site(repo: Path, cache_dir: str = ".cache/policydocs") -> Path:
    """A mkdocs.yml (named for its cache folder) and a home page for the synthetic
    repository, policydocs on."""
    (repo / "docs").mkdir(exist_ok=True)
    (repo / "docs/index.md").write_text(HOME, encoding="utf-8")
    config = {
        "site_name": "Synthetic policies",
        "site_url": "https://policies.example.com/",
        "theme": THEME,
        "plugins": ["search", {"policydocs": {"as_of": AS_OF, "cache_dir": cache_dir}}],
    }
    path = repo / f"mkdocs-{cache_dir.replace('/', '-').strip('.-')}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def write_floor(repo: Path, floor: Path, settings: Settings | None = None) -> Path:
    """A plain MkDocs project whose docs/ holds the same pages with the same Markdown that
    policydocs generates for `repo` (without its templates), and the same navigation;
    `settings`: the engine's, if not the synthetic repository's."""
    from policydocs.builder import run
    from policydocs.core.settings import Settings, resolve_as_of

    if settings is None:
        settings = Settings(policies_dir=repo / "policies", as_of=resolve_as_of(AS_OF, UTC))
    site = run.build(settings)
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
    """Build in a fresh process; its wall time, engine stages and peak memory.

    Memory is the build's whole process tree (the build and any workers it starts), summed
    as proportional set size (PSS: a page shared by a forked worker and its parent counts
    once), sampled every 50 ms from this process; `main_peak_mb` is the build process's own
    peak resident size as the kernel reports it."""
    child = subprocess.Popen(
        [sys.executable, __file__, "measure", str(config_file), str(site_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0.0
    with ThreadPoolExecutor(2) as pipes:  # read both pipes, so the child never blocks
        out, err = pipes.submit(child.stdout.read), pipes.submit(child.stderr.read)
        while child.poll() is None:
            peak = max(peak, _tree_pss_mb(child.pid))
            time.sleep(0.05)
        stdout, stderr = out.result(), err.result()
    if child.returncode != 0:
        raise SystemExit(f"build of {config_file} failed:\n{stderr[-3000:]}")
    figures = json.loads(stdout.splitlines()[-1])
    figures["peak_mb"] = peak
    return figures


def _tree_pss_mb(root: int) -> float:
    """The summed PSS of `root` and its descendants, now (processes may end meanwhile)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= found
        grew = bool(found)
    total_kb = 0
    for pid in tree:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _own_peak_mb() -> float:
    """This process's peak resident size since it started the build's program. Not
    `ru_maxrss`: Linux keeps that across exec, so it gave the bench's own peak (148 MB for
    the floor and for ours alike) as every build's. VmHWM belongs to the program exec
    loaded."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # (not Linux)


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
    main_peak_mb = _own_peak_mb()
    pages = sum(1 for _ in Path(site_dir).rglob("*.html"))
    feed = Path(site_dir) / "atom.xml"  # the site-wide feed: readers refuse one over their cap
    figures = {
        "seconds": seconds,
        "main_peak_mb": main_peak_mb,
        "pages": pages,
        "site_feed_bytes": feed.stat().st_size if feed.is_file() else None,
        "engine": handler.timings,
    }
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


def preview_loop(repo: Path, config_file: Path, saves: int) -> dict[str, object]:
    """The editor's loop under `mkdocs serve --dirty` (what `nox -s serve` runs), with the
    cache an earlier build left: seconds from starting it to serving, then from saving the
    first policy to its draft page (with its redline) answering with the saved text. The
    first save makes the draft, and every page of its policy gains the draft's banner (so
    they are rendered again): reported apart; each later save is timed (`saves` of them),
    one at a time, once the server has settled."""
    path = sorted((repo / "policies").glob("*.md"))[0]
    original = path.read_text(encoding="utf-8")
    front, end, body = original.partition("\n---\n")  # (its summary ends with a stop too)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{path.stem}/draft/"
    start = time.perf_counter()
    address = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", str(config_file), "-a", address],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    log: list[str] = []
    try:
        for line in server.stdout:
            log.append(line)
            if "Serving on" in line:
                break
        else:
            raise SystemExit("mkdocs serve stopped:\n" + "".join(log[-30:]))
        started = time.perf_counter() - start
        threading.Thread(target=lambda: log.extend(server.stdout), daemon=True).start()
        times = []
        for n in range(saves + 1):
            time.sleep(1.5)  # (settled: no build running)
            token = f"previewtoken{n}"
            begin = time.perf_counter()
            path.write_text(front + end + body.replace(".", f" {token}.", 1), encoding="utf-8")
            _poll(url, f"{token}</ins>")  # (in the redline: the draft's own page)
            times.append(time.perf_counter() - begin)
    finally:
        path.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait()
    return {"start_seconds": started, "first_save_seconds": times[0], "save_seconds": times[1:]}


def _poll(url: str, text: str, timeout: float = 900.0) -> None:
    """Ask for `url` until it answers with `text` in it."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=timeout) as answer:
            if text in answer.read().decode("utf-8"):
                return
        time.sleep(0.02)
    raise SystemExit(f"{url} never showed {text!r}")


if __name__ == "__main__" and sys.argv[1:2] == ["measure"]:
    _measure_here(sys.argv[2], sys.argv[3])
