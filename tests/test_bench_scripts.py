"""The maintainers' benchmark scripts still run against the engine as it is (they import
it directly): a tiny synthetic repository through the history and full-build benchmarks.
The figures themselves belong to `nox -s bench`, never to a test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .gitrepo import GitRepo

SCRIPTS = Path(__file__).parent.parent / "scripts"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(SCRIPTS))
    try:
        import bench
        import synthetic_repo

        yield bench, synthetic_repo
    finally:
        sys.path.remove(str(SCRIPTS))


def test_the_benchmarks_run_on_a_tiny_history(bench, tmp_path: Path) -> None:
    bench_module, synthetic = bench
    repo = synthetic.generate(tmp_path / "repo", synthetic.Shape(2, 4, 1, merge_every=3))
    history = bench_module.bench_history(repo, tmp_path / "trace.log")
    assert history["versions"] == 8
    assert history["policydocs_git_processes"] < history["per_version_git_processes"]
    build = bench_module.bench_build(repo, tmp_path / "work", pairs=1, rebuilds=1, saves=1)
    assert build["floor"]["pages"] == build["cold"]["pages"]
    assert build["rebuild"]["pages"] > build["cold"]["pages"]  # one more version
    assert {"history", "redlines", "pages", "feeds", "background"} <= build["cold"]["engine"].keys()
    assert len(build["preview"]["save_seconds"]) == 1  # the draft page showed the saved text
    assert build["full_over_floor_runs"] and build["preview_seconds"] > 0


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads VmHWM")
def test_a_builds_own_peak_memory_is_not_the_benchs(bench, tmp_path: Path) -> None:
    """Each build runs in a process the bench starts: its peak is its own, however much
    the bench holds (Linux keeps `ru_maxrss` across exec)."""
    import build_bench

    _, synthetic = bench
    repo = synthetic.generate(tmp_path / "repo", synthetic.Shape(1, 2, 1))
    held = b"x" * (600 << 20)  # written, so resident
    floor = build_bench.measure(build_bench.write_floor(repo, tmp_path / "floor"), tmp_path / "s")
    assert len(held) and floor["pages"] > 0
    assert 10 < floor["main_peak_mb"] < 400


def test_the_worst_redlines_benchmark_runs_small(bench) -> None:
    bench_module, _ = bench
    worst = bench_module.bench_worst(kilobytes=8)
    assert len(worst) == 4 and all(row["seconds"] >= 0 for row in worst.values())


def test_the_redline_survey_reads_consecutive_revisions(bench, tmp_path: Path) -> None:
    """scripts/redline_survey.py finds each file's consecutive revisions (the pairs its
    figures count), as the site reads them: front matter off, an unchanged text skipped."""
    import redline_survey

    repo = GitRepo(tmp_path / "repo")
    repo.revise("tos", "We charge fees.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    repo.revise("tos", "We charge late fees.\n", "2024-02-01T09:00:00+00:00", title="Terms")
    repo.revise("tos", "We charge late fees.\n", "2024-03-01T09:00:00+00:00", title="Terms 2")
    files = [str(p.relative_to(repo.path)) for p in repo.path.rglob("tos*.md")]
    found = list(redline_survey.pairs(repo.path, files))
    assert [(old, new) for _, _, _, old, new in found] == [
        ("\nWe charge fees.\n", "\nWe charge late fees.\n")
    ]
