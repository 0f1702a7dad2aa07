"""`policydocs init` and the placeholders it and `policydocs new` leave for the editor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from policydocs.editor.start import RELEASE, STARTER, requirement_from, starter_file

from ..conftest import policydocs
from ..gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[2]


def test_init_makes_a_site_that_builds_strictly_from_a_fresh_clone(tmp_path: Path) -> None:
    result = policydocs(tmp_path, "init", "legal")
    assert result.returncode == 0, result.stderr
    assert "made a git repository in legal (branch main)" in result.stdout
    assert result.stdout.endswith(
        '  cd legal && git add -A && git commit -m "Start the policy site"\n  mkdocs serve\n'
    )
    site = GitRepo.existing(tmp_path / "legal")
    assert site.git("branch", "--show-current").strip() == "main"
    assert yaml.safe_load((site.path / ".github/workflows/publish.yml").read_text())
    site.commit("Start the policy site")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(site.path), str(clone)], check=True)
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr
    home = (clone / "site/index.html").read_text(encoding="utf-8")
    assert "Terms of Service" in home and 'href="terms-of-service/"' in home
    assert (clone / "site/terms-of-service/history/index.html").is_file()
    ignored = subprocess.run(
        ["git", "check-ignore", "site/index.html", ".cache/policydocs/lock"],
        cwd=clone,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == ["site/index.html", ".cache/policydocs/lock"]


def test_init_never_overwrites_and_works_in_an_existing_repository(repo: GitRepo) -> None:
    repo.write("mkdocs.yml", "site_name: Ours\n")
    repo.write("policies/privacy.md", "---\ntitle: Privacy\n---\n\nOurs.\n")
    repo.commit("our own start")
    result = policydocs(repo.path, "init")
    assert result.returncode == 0, result.stderr
    assert "made a git repository" not in result.stdout
    assert "kept mkdocs.yml (already there)" in result.stdout
    assert "kept policies/ (already there)" in result.stdout
    assert (repo.path / "mkdocs.yml").read_text() == "site_name: Ours\n"
    assert sorted(p.name for p in (repo.path / "policies").iterdir()) == ["privacy.md"]
    assert (repo.path / "docs/index.md").is_file()
    assert result.stdout.endswith(
        '\n  git add -A && git commit -m "Start the policy site"\n  mkdocs serve\n'
    )


def test_check_flags_what_init_and_new_leave_to_be_written(tmp_path: Path) -> None:
    policydocs(tmp_path, "init", "site")
    site = tmp_path / "site"
    new = policydocs(site, "new", "cookie-policy")
    assert new.returncode == 0, new.stderr
    GitRepo.existing(site).commit("Start the policy site")
    check = policydocs(site, "check")
    assert check.returncode == 1  # a template must not be merged: an error, not a warning
    lines = check.stdout.splitlines()
    for name in ("cookie-policy", "terms-of-service"):
        assert any(
            line.startswith(f"policies/{name}.md:7:1: error: this is still the template")
            for line in lines
        ), lines
    assert (
        "mkdocs.yml: warning: 'site_url': still the placeholder https://policies.example.org/"
        in check.stdout
    )
    for name in ("cookie-policy", "terms-of-service"):
        path = site / f"policies/{name}.md"
        front = path.read_text().split("\n---\n")[0]
        path.write_text(f"{front}\n---\n\nWe use cookies.\n")
    subprocess.run(["git", "commit", "-qa", "--amend", "--no-edit"], cwd=site, check=True)
    (site / "mkdocs.yml").write_text(
        (site / "mkdocs.yml")
        .read_text()
        .replace("https://policies.example.org/", "https://legal.example.net/")
    )
    passed = policydocs(site, "check", "--strict")
    assert passed.returncode == 0, passed.stdout + passed.stderr


@pytest.mark.parametrize("name", [n for n in STARTER if n.startswith("github/")])
def test_this_projects_workflows_are_the_starters(name: str) -> None:
    """What `init` gives a site is what this project's CI validates (and runs on itself,
    installing from the checkout)."""
    ours = ROOT / STARTER[name]
    assert ours.read_text(encoding="utf-8") == starter_file(name, requirement=".")
    if name.endswith(".yml"):
        assert 'python -m pip install "policydocs==' in starter_file(name)


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, (RELEASE, True)),  # from PyPI
        ('{"url": "file:///home/me/policydocs", "dir_info": {"editable": true}}', (RELEASE, False)),
        (
            '{"url": "https://github.com/acme/policydocs.git", "vcs_info": {"vcs": "git", '
            '"commit_id": "4f2a9c0d", "requested_revision": "main"}}',
            ("policydocs @ git+https://github.com/acme/policydocs.git@4f2a9c0d", True),
        ),
        (
            '{"url": "https://files.example.net/policydocs-0.1.0-py3-none-any.whl", '
            '"archive_info": {}}',
            ("policydocs @ https://files.example.net/policydocs-0.1.0-py3-none-any.whl", True),
        ),
    ],
    ids=["index", "local-folder", "git", "archive"],
)
def test_workflows_install_what_is_installed_here(direct_url: str | None, expected) -> None:
    """PEP 610 records where an installed package came from: the site's CI installs the
    same (a git install: the same commit), and a local folder is said to be unreachable."""
    assert requirement_from(direct_url) == expected
