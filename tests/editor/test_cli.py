"""The `policydocs` command on real repositories."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..conftest import build_site, policydocs
from ..gitrepo import GitRepo
from ..histories import republished


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
    before = policydocs(repo.path, "versions", "--as-of", "2024-06-15")
    assert before.returncode == 0
    lines = before.stdout.splitlines()
    assert lines[0].startswith("tos  Terms  [current]")
    assert "2024-01-01" in lines[1] and "current" in lines[1]
    assert "2024-07-01" in lines[2] and "upcoming" in lines[2]
    after = policydocs(repo.path, "versions", "--as-of", "2024-07-01").stdout.splitlines()
    assert "archived" in after[1] and "current" in after[2]


def test_versions_says_when_a_late_merge_came_into_force(repo: GitRepo) -> None:
    """Merged three days after the date in its file: in force from the merge, as the site
    says, with the file's date beside it."""
    repo.revise("tos", "Old.\n", "2024-01-01T09:00:00+00:00", title="Terms", effective="2024-01-01")
    repo.revise("tos", "New.\n", "2024-03-04T09:00:00+00:00", title="Terms", effective="2024-03-01")
    lines = policydocs(repo.path, "versions", "--as-of", "2024-06-01").stdout.splitlines()
    assert "effective 2024-01-01  published 2024-01-01" in lines[1]
    assert "effective 2024-03-04 (on publication; the file gives 2024-03-01)" in lines[2]


def test_versions_lists_a_withdrawal_in_its_place(repo: GitRepo) -> None:
    republished(repo)
    lines = policydocs(repo.path, "versions", "--as-of", "2024-07-01").stdout.splitlines()
    promo = lines.index(next(line for line in lines if line.startswith("promo  ")))
    assert lines[promo + 1].split()[:2] == ["2024-01-01", "effective"]
    assert lines[promo + 2].split()[:3] == ["withdrawn", "on", "2024-03-01"]
    assert lines[promo + 3].split()[:2] == ["2024-06-01", "effective"]


def test_versions_json_is_the_published_index(repo: GitRepo) -> None:
    two_versions(repo)
    printed = policydocs(repo.path, "versions", "--json", "--as-of", "2030-01-01").stdout
    site = build_site(repo)  # as_of 2030-01-01
    assert printed == (site / "versions.json").read_text(encoding="utf-8")
    assert json.loads(printed)["policies"][0]["current"] == "2024-07-01"


def test_export_writes_pages_and_sources(repo: GitRepo, tmp_path: Path) -> None:
    two_versions(repo)
    out = tmp_path / "out"
    result = policydocs(repo.path, "export", str(out), "--as-of", "2030-01-01")
    assert result.returncode == 0, result.stderr
    assert (out / "tos/2024-01-01.md").read_bytes() == b"".join(
        [b"---\ntitle: Terms\n", b"effective: '2024-01-01'\n", b"---\n\nOld.\n"]
    )
    _, front, body = (out / "tos.md").read_text().split("---\n", 2)
    assert yaml.safe_load(front) == {"title": "Terms", "template": "policydocs/current.html"}
    assert body.endswith("New.\n")
    _, front, body = (out / "tos/2024-01-01/index.md").read_text().split("---\n", 2)
    assert yaml.safe_load(front)["template"] == "policydocs/version.html"
    assert body.endswith("Old.\n")
    assert (out / "tos/history/index.md").is_file()
    assert (out / "versions.json").is_file()
    assert not (out / "atom.xml").exists()
    assert "no feeds written" in result.stdout
    with_feeds = policydocs(
        repo.path, "export", str(tmp_path / "f"), "--site-url", "https://x.example/"
    )
    assert with_feeds.returncode == 0, with_feeds.stderr
    assert (tmp_path / "f/atom.xml").is_file() and (tmp_path / "f/tos/rss.xml").is_file()


def test_diff_working_tree_against_last_commit(repo: GitRepo) -> None:
    two_versions(repo)
    repo.policy("tos", "Newer.\n", title="Terms", effective="2024-09-01", summary="Changed")
    result = policydocs(repo.path, "diff", "tos")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Terms: changes from HEAD to working tree\npolicies/tos.md\n")
    assert "effective: 2024-07-01 -> 2024-09-01" in result.stdout
    assert "[-New.-]\n\n{+Newer.+}" in result.stdout  # piped: plain wdiff-style marks
    assert "\x1b[" not in result.stdout


def test_diff_between_versions_as_markdown_for_a_pull_request(repo: GitRepo) -> None:
    two_versions(repo)
    result = policydocs(
        repo.path,
        "diff",
        "tos",
        "--from",
        "2024-01-01",
        "--to",
        "2024-07-01",
        "--format",
        "markdown",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("### Terms: changes from version 2024-01-01 to version 2024-07-01\n")
    assert "| effective | 2024-01-01 | 2024-07-01 |" in out
    assert "| summary | — | Changed |" in out
    assert '<del class="pd-del pd-block" id="pd-change-1">Old.</del>' in out
    assert '<ins class="pd-ins pd-block" id="pd-change-2">New.</ins>' in out


def test_diff_to_a_commit_compares_with_its_first_parent_as_html(repo: GitRepo) -> None:
    two_versions(repo)
    result = policydocs(repo.path, "diff", "tos", "--to", "HEAD", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<!doctype html>")
    assert "Terms: changes from HEAD^ to HEAD" in result.stdout
    assert '<del class="pd-del pd-block" id="pd-change-1">Old.</del>' in result.stdout


def test_diff_errors_name_the_policy_and_revision(repo: GitRepo) -> None:
    two_versions(repo)
    bad = policydocs(repo.path, "diff", "tos", "--from", "no-such-thing")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "tos: 'no-such-thing' is neither a git revision nor a version label" in bad.stderr
    missing = policydocs(repo.path, "diff", "privacy")
    assert "policies/privacy.md: does not exist at revision HEAD" in missing.stderr
    repo.write("policies/tos.md", "---\ntitle: [unclosed\n---\nText.\n")
    broken = policydocs(repo.path, "diff", "tos")
    assert "policies/tos.md at working tree: front matter is not valid YAML" in broken.stderr


def test_diff_base_reports_every_changed_policy_of_a_branch(repo: GitRepo) -> None:
    repo.revise("tos", "Pay monthly.\n", "2024-01-01T09:00:00+00:00", title="Terms")
    repo.revise("aup", "No spam.\n", "2024-01-01T10:00:00+00:00", title="AUP")
    repo.revise("privacy", "We keep data.\n", "2024-01-01T11:00:00+00:00", title="Privacy")
    repo.git("checkout", "-q", "-b", "pr")
    repo.revise("tos", "Pay monthly in advance.\n", "2024-02-01T09:00:00+00:00",
                title="Terms", effective="2024-03-01", summary="In advance")  # fmt: skip
    repo.revise("cookies", "We use cookies.\n", "2024-02-02T09:00:00+00:00", title="Cookies")
    repo.git("rm", "-q", "policies/privacy.md")
    repo.commit("withdraw privacy", "2024-02-03T09:00:00+00:00")
    # main moves on meanwhile: its own change is not this branch's
    repo.git("checkout", "-q", "main")
    repo.revise("aup", "No spam at all.\n", "2024-02-05T09:00:00+00:00", title="AUP")
    repo.git("checkout", "-q", "pr")

    out = policydocs(repo.path, "diff", "--base", "main").stdout

    assert out.startswith("## Policy changes against `main`\n")
    assert "3 changed since" in out and "Cookies, Privacy, Terms" in out
    assert "### Terms: changes from main to working tree" in out
    assert "`policies/tos.md` · Effective: **2024-03-01**" in out
    assert "| summary | — | In advance |" in out
    assert "Pay monthly<ins" in out
    assert "A new policy: all of its text is new." in out
    assert '<ins class="pd-ins pd-block" id="pd-change-1">We use cookies.</ins>' in out
    assert "Deleted: once merged, this policy is published as **withdrawn**" in out
    assert "feeds announce the withdrawal" in out
    assert "AUP" not in out  # untouched by the branch


def test_diff_base_with_nothing_changed_says_so(repo: GitRepo) -> None:
    repo.revise("tos", "Text.\n", "2024-01-01T09:00:00+00:00")
    repo.write("README.md", "not a policy\n")
    repo.commit("docs only", "2024-01-02T09:00:00+00:00")
    result = policydocs(repo.path, "diff", "--base", "HEAD~1")
    assert result.returncode == 0
    assert result.stdout.startswith("No policy changes against `HEAD~1`")
    bad = policydocs(repo.path, "diff", "--base", "origin/nowhere")
    assert bad.returncode == 1 and "'origin/nowhere' is not a revision" in bad.stderr
