"""`policydocs check`: each rule fails on a bad file and passes on a good one."""

from __future__ import annotations

import subprocess
import sys

from ..gitrepo import GitRepo

GOOD = "---\ntitle: Terms\neffective: 2024-03-01\nsummary: {summary}\n---\n\n{body}"


def check(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policydocs.cli", "check", "--as-of", "2024-06-01", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )


def committed(repo: GitRepo, body: str = "Pay on time.\n", summary: str = "First") -> GitRepo:
    repo.write("policies/terms.md", GOOD.format(summary=summary, body=body))
    repo.commit("publish", "2024-02-01T09:00:00+00:00")
    return repo


def edit(repo: GitRepo, text: str) -> None:
    repo.write("policies/terms.md", text)


def test_a_clean_tree_passes(repo: GitRepo) -> None:
    committed(repo)
    result = check(repo)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_front_matter_schema_and_types(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, "---\ntitle: [x]\nversion: 2.10\n---\nText\n")
    result = check(repo)
    assert result.returncode == 1
    assert "policies/terms.md: error: 'title': 'title' must be non-empty text" in result.stdout
    assert "policies/terms.md: error: 'version': 'version' was read as 2.1" in result.stdout


def test_effective_must_be_a_real_date(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="New", body="Text.\n").replace("2024-03-01", "2024-02-30"))
    assert "error: 'effective': 'effective' must be a date" in check(repo).stdout
    edit(repo, GOOD.format(summary="New", body="Text.\n").replace("2024-03-01", "2024-07-01"))
    assert check(repo).returncode == 0


def test_yaml_errors_point_at_line_and_column(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, "---\ntitle: Terms\nsummary: [oops\n---\nText\n")
    out = check(repo).stdout
    assert out.startswith("policies/terms.md:4:1: error: front matter is not valid YAML")


def test_effective_earlier_than_the_previous_revision(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="New", body="Text.\n").replace("2024-03-01", "2024-01-15"))
    result = check(repo)
    assert result.returncode == 0  # a warning
    assert "warning: 'effective': effective date 2024-01-15 is earlier than the previous" in (
        result.stdout
    )
    assert check(repo, "--strict").returncode == 1
    edit(repo, GOOD.format(summary="New", body="Text.\n").replace("2024-03-01", "2024-07-01"))
    assert check(repo).stdout == ""


def test_passed_effective_date_left_unchanged(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="Typo fixed", body="Pay on time!\n"))
    assert "effective date 2024-03-01 is unchanged from the previous revision and has passed" in (
        check(repo).stdout
    )


def test_body_changed_but_summary_unchanged(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="First", body="Pay within 21 days.\n").replace(
        "2024-03-01", "2024-07-01"))  # fmt: skip
    assert "warning: 'summary': the text changed but 'summary' did not" in check(repo).stdout
    edit(repo, GOOD.format(summary="21 days", body="Pay within 21 days.\n").replace(
        "2024-03-01", "2024-07-01"))  # fmt: skip
    assert check(repo).stdout == ""


def test_withdrawn_policy(repo: GitRepo) -> None:
    committed(repo)
    (repo.path / "policies/terms.md").unlink()
    repo.write("policies/other.md", GOOD.format(summary="x", body="y\n"))
    out = check(repo).stdout
    assert (
        "policies/terms.md: warning: deleted: once merged, this policy is published as withdrawn"
        in out
    )


def test_export_leftovers_with_line_column_and_fix(repo: GitRepo) -> None:
    committed(repo)
    body = (
        "Intro line.\n\n\uf0b7 First bullet from Word.\n\n"
        "Pay \u00a0within 14 days.\n\n"
        'He said "yes" and she said \u201cno\u201d.\n'
    )
    edit(repo, GOOD.format(summary="Pasted", body=body).replace("2024-03-01", "2024-07-01"))
    out = check(repo).stdout.splitlines()
    bullet = "found a Word/PDF bullet (U+F0B7): start the line with '- ' instead"
    assert f"policies/terms.md:9:1: warning: {bullet}" in out
    nbsp = "stray non-breaking space (U+00A0) next to other spacing or at a line end"
    assert f"policies/terms.md:11:5: warning: {nbsp}: replace it with a normal space" in out
    assert any(
        line.startswith(
            "policies/terms.md:13:9: warning: mixed double quote styles (2 straight, 2 curly)"
        )
        for line in out
    )
    clean = body.replace("\uf0b7 ", "- ").replace("\u00a0", "").replace('"', "\u201c", 1)
    clean = clean.replace('yes"', "yes\u201d")
    edit(repo, GOOD.format(summary="Pasted", body=clean).replace("2024-03-01", "2024-07-01"))
    assert check(repo).stdout == ""


def test_deliberate_non_breaking_space_is_fine(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="Units", body="Within 30\u00a0days.\n").replace(
        "2024-03-01", "2024-07-01"))  # fmt: skip
    assert check(repo).stdout == ""


def test_broken_links_between_policies(repo: GitRepo) -> None:
    committed(repo)
    repo.write("policies/aup.md", GOOD.format(summary="x", body="See [terms](terms.md).\n"))
    edit(repo, GOOD.format(summary="Link", body="See the [AUP](acceptable-use.md#spam).\n")
         .replace("2024-03-01", "2024-07-01"))  # fmt: skip
    out = check(repo).stdout
    assert (
        "policies/terms.md:7:15: error: link to 'acceptable-use.md': there is no such policy" in out
    )
    assert "policies/aup.md" not in out
    edit(repo, GOOD.format(summary="Link", body="See the [AUP](aup.md#spam).\n").replace(
        "2024-03-01", "2024-07-01"))  # fmt: skip
    assert check(repo).returncode == 0


def test_only_the_given_paths(repo: GitRepo) -> None:
    committed(repo)
    repo.write("policies/bad.md", "---\ntitle: [unclosed\n---\nText.\n")
    assert check(repo, "policies/terms.md").returncode == 0
    assert check(repo, "policies/bad.md").returncode == 1


def test_history_checks_every_committed_revision(repo: GitRepo) -> None:
    committed(repo)
    edit(repo, GOOD.format(summary="First", body="Changed.\n").replace("2024-03-01", "2024-01-01"))
    sha = repo.commit("sloppy revision", "2024-04-01T09:00:00+00:00")
    assert check(repo).returncode == 0
    out = check(repo, "--history").stdout
    earlier = "effective date 2024-01-01 is earlier than the previous revision's (2024-03-01)"
    assert f"warning: 'effective': {earlier} (commit {sha[:12]})" in out
    assert (
        f"warning: 'summary': summary unchanged from the previous revision (commit {sha[:12]})"
        in out
    )


def test_a_new_effective_date_that_has_passed(repo: GitRepo) -> None:
    committed(repo)
    new = GOOD.format(summary="New", body="Text.\n")
    edit(repo, new.replace("2024-03-01", "2024-05-15"))  # checked as of 2024-06-01
    assert "effective date 2024-05-15 has passed: a version is never in force before" in (
        check(repo).stdout
    )
    edit(repo, new.replace("2024-03-01", "2024-06-01"))  # today: in force from the merge
    assert check(repo).stdout == ""
