"""The `policydocs` command on real repositories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import build_site
from .gitrepo import GitRepo


def run(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policydocs.cli", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )


def two_versions(repo: GitRepo) -> GitRepo:
    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", title="Terms", effective="2024-01-01")
    repo.revise(
        "tos",
        "New.\n",
        "2024-06-01T09:00:00+00:00",
        title="Terms",
        effective="2024-07-01",
        summary="Changed",
    )
    return repo


def test_versions_lists_status_as_of_a_date(repo: GitRepo) -> None:
    two_versions(repo)
    before = run(repo, "versions", "--as-of", "2024-06-15")
    assert before.returncode == 0
    lines = before.stdout.splitlines()
    assert lines[0].startswith("tos  Terms  [current]")
    assert "2024-01-01" in lines[1] and "current" in lines[1]
    assert "2024-07-01" in lines[2] and "upcoming" in lines[2]
    after = run(repo, "versions", "--as-of", "2024-07-01").stdout.splitlines()
    assert "archived" in after[1] and "current" in after[2]


def test_versions_json_is_the_published_index(repo: GitRepo) -> None:
    two_versions(repo)
    printed = run(repo, "versions", "--json", "--as-of", "2030-01-01").stdout
    site = build_site(repo)  # as_of 2030-01-01
    assert printed == (site / "versions.json").read_text(encoding="utf-8")
    assert json.loads(printed)["policies"][0]["current"] == "2024-07-01"


def test_export_writes_pages_and_sources(repo: GitRepo, tmp_path: Path) -> None:
    two_versions(repo)
    out = tmp_path / "out"
    result = run(repo, "export", str(out), "--as-of", "2030-01-01")
    assert result.returncode == 0, result.stderr
    assert (out / "tos/2024-01-01.md").read_bytes() == b"".join(
        [b"---\ntitle: Terms\n", b"effective: '2024-01-01'\n", b"---\n\nOld.\n"]
    )
    page = (out / "tos.md").read_text()
    assert page.startswith("---\ntitle: Terms\ntemplate: policydocs/current.html\n")
    assert page.endswith("New.\n")
    version_page = (out / "tos/2024-01-01/index.md").read_text()
    assert "template: policydocs/version.html" in version_page and version_page.endswith("Old.\n")
    assert (out / "tos/history/index.md").is_file()
    assert (out / "versions.json").is_file()
