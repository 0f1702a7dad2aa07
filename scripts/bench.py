"""Benchmarks for policydocs, reported as ratios against baselines measured in the same run.

history: reading every revision of every policy. policydocs uses one `git log` walk plus one
`git cat-file --batch` process; the baseline is the common plugin approach of one `git log`
per file and one `git show` per version. Both read the same blobs; the run checks that they
agree before it reports anything.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic_repo import Shape, generate

from policydocs.catalog import load_catalog
from policydocs.history import GitHistory
from policydocs.settings import Settings


def _git_processes(trace: Path) -> int:
    return sum("trace: built-in: git" in line for line in trace.read_text().splitlines())


def _timed(run, trace: Path) -> tuple[float, int, object]:
    trace.write_text("")
    os.environ["GIT_TRACE"] = str(trace)
    try:
        start = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - start
    finally:
        del os.environ["GIT_TRACE"]
    return elapsed, _git_processes(trace), result


def read_with_policydocs(repo: Path) -> dict[str, list[bytes]]:
    texts: dict[str, list[bytes]] = {}
    with GitHistory(repo) as history:
        for change in history.changes(repo / "policies"):
            if change.blob and change.blob != change.old_blob:
                texts.setdefault(change.path, []).append(history.blob(change.blob))
    return texts


def read_per_version(repo: Path) -> dict[str, list[bytes]]:
    """The baseline: `git log` per file, `git show` per version (first parent, oldest first)."""

    def git(*args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True).stdout

    texts: dict[str, list[bytes]] = {}
    for path in sorted((repo / "policies").glob("*.md")):
        rel = path.relative_to(repo).as_posix()
        shas = git("log", "--first-parent", "--reverse", "--format=%H", "--", rel).split()
        texts[rel] = [git("show", f"{sha.decode()}:{rel}") for sha in shas]
    return texts


def bench_history(repo: Path, trace: Path) -> dict[str, object]:
    ours_s, ours_procs, ours = _timed(lambda: read_with_policydocs(repo), trace)
    base_s, base_procs, base = _timed(lambda: read_per_version(repo), trace)
    if ours != base:
        raise SystemExit("history benchmark: the two readers disagree; not reporting")
    settings = Settings(policies_dir=repo / "policies", as_of=datetime(2100, 1, 1, tzinfo=UTC))
    catalog_s, _, (catalog, _) = _timed(lambda: load_catalog(settings), trace)
    versions = sum(len(p.versions) for p in catalog.policies)
    return {
        "versions": versions,
        "policydocs_seconds": round(ours_s, 4),
        "policydocs_git_processes": ours_procs,
        "per_version_seconds": round(base_s, 4),
        "per_version_git_processes": base_procs,
        "speedup": round(base_s / ours_s, 1),
        "catalog_seconds": round(catalog_s, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--revisions", type=int, default=50)
    parser.add_argument("--kilobytes", type=int, default=12)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="policydocs-bench-") as tmp:
        repo = generate(Path(tmp) / "repo", Shape(args.policies, args.revisions, args.kilobytes))
        figures = {"history": bench_history(repo, Path(tmp) / "trace.log")}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    h = figures["history"]
    shape = f"{args.policies} policies x {args.revisions} revisions"
    print(f"history: {shape}, {h['versions']} versions")
    for name, key in (("policydocs", "policydocs"), ("per-version", "per_version")):
        seconds, processes = h[f"{key}_seconds"], h[f"{key}_git_processes"]
        print(f"  {name:<12} {seconds:8.3f} s  {processes:5} git processes")
    print(f"  ratio: per-version / policydocs = {h['speedup']}x")
    print(f"  full catalog (history + front matter + statuses): {h['catalog_seconds']:.3f} s")


if __name__ == "__main__":
    main()
