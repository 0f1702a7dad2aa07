"""Bad input gets one clear sentence naming the file, the commit and the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, MkDocsException

from policydocs.core.errors import PolicyError

from ..conftest import build_site, load
from ..gitrepo import GitRepo


def error_of(repo: GitRepo, **options: object) -> str:
    with pytest.raises(PolicyError) as caught:
        load(repo, **options)
    return str(caught.value)


def test_not_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / "policies").mkdir(parents=True)
    (folder / "policies" / "tos.md").write_text("---\ntitle: T\n---\n")
    message = error_of(GitRepo.existing(folder))
    assert "not inside a git repository" in message
    assert str(folder / "policies") in message


def test_missing_policies_folder(repo: GitRepo) -> None:
    repo.write("README.md", "x\n")
    repo.commit("init")
    assert "the policies folder does not exist" in error_of(repo)


def test_repository_without_commits(repo: GitRepo) -> None:
    repo.policy("tos")
    assert "no commits yet" in error_of(repo)


def test_empty_policies_folder_names_uncommitted_files(repo: GitRepo) -> None:
    repo.write("policies/.gitkeep", "")
    repo.commit("init")
    repo.policy("tos")
    message = error_of(repo)
    assert "policies/: no committed policy files" in message
    assert "policies/tos.md" in message


def test_policy_that_is_not_utf8(repo: GitRepo) -> None:
    repo.write("policies/tos.md", "---\ntitle: Terms\n---\n\nCaf\xe9 terms.\n".encode("latin-1"))
    sha = repo.commit("latin-1 file")
    message = error_of(repo)
    assert f"policies/tos.md (commit {sha[:12]})" in message
    assert "not valid UTF-8 (byte 0xe9 at line 5, column 4)" in message


def test_a_blob_git_does_not_have_names_file_and_commit(repo: GitRepo) -> None:
    """As in a partial clone whose blobs were never fetched: the history lists the file,
    its content is not there. Later revisions are still being read ahead when it stops."""
    repo.revise("tos", "First.\n", "2024-01-01T09:00:00+00:00")
    sha = repo.revise("tos", "Second.\n", "2024-02-01T09:00:00+00:00")
    blob = repo.git("rev-parse", f"{sha}:policies/tos.md")
    for n in range(30):
        repo.revise("tos", f"Revision {n}.\n", f"2024-03-{n + 1:02d}T09:00:00+00:00")
    (repo.path / ".git/objects" / blob[:2] / blob[2:]).unlink()
    message = error_of(repo)
    assert f"policies/tos.md: git has no content for this file at commit {sha}" in message
    assert "partial clone" in message


def test_a_symbolic_link_or_submodule_among_the_policies_is_named(repo: GitRepo) -> None:
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    (repo.path / "policies/terms.md").symlink_to("tos.md")
    link = repo.commit("an alias")
    # a submodule's entry: a commit id where a file's blob would be
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{link},policies/sub.md")
    repo.git("commit", "-q", "-m", "a submodule")
    module = repo.head()
    message = error_of(repo)
    assert f"policies/terms.md (commit {link[:12]}): this is a symbolic link, not a file" in message
    assert f"policies/sub.md (commit {module[:12]}): this is a git submodule, not a file" in message


def test_missing_front_matter_is_allowed(repo: GitRepo) -> None:
    repo.write("policies/tos.md", "# Terms\n\nNo front matter.\n")
    repo.commit("no front matter")
    [version] = load(repo).catalog.policies[0].versions
    assert (version.title, version.body) == ("Terms", "# Terms\n\nNo front matter.\n")


def test_broken_yaml_points_at_the_line(repo: GitRepo) -> None:
    repo.write("policies/tos.md", "---\ntitle: Terms\nsummary: [unclosed\n---\nText\n")
    sha = repo.commit("broken yaml")
    message = error_of(repo)
    assert f"policies/tos.md (commit {sha[:12]}): front matter is not valid YAML at line" in message


def test_unterminated_front_matter(repo: GitRepo) -> None:
    repo.write("policies/tos.md", "---\ntitle: Terms\nText without closing fence\n")
    sha = repo.commit("unterminated")
    message = error_of(repo)
    assert f"policies/tos.md (commit {sha[:12]}): this looks like front matter" in message


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("---\r\ntitle: Terms\r\n---\r\nText\r\n", "Text\n"),  # Windows line ends
        ("---  \ntitle: Terms\n...\t\nText\n", "Text\n"),  # YAML's end marker, spaces
        ("---\ntitle: Terms\n---\nA\n\n---\n\nB\n", "A\n\n---\n\nB\n"),  # a rule
        ("---\ntitle: Terms\n---", ""),  # no body, no final newline
    ],
)
def test_front_matter_fences(repo: GitRepo, text: str, body: str) -> None:
    repo.write("policies/tos.md", text)
    repo.commit("terms")
    [version] = load(repo).catalog.policies[0].versions
    assert (version.title, version.body) == ("Terms", body)


@pytest.mark.parametrize("opening", ["\n---", "----", "--- x"])
def test_front_matter_opens_with_a_fence_line(repo: GitRepo, opening: str) -> None:
    repo.write("policies/tos.md", f"{opening}\ntitle: Terms\n---\nText\n")
    repo.commit("no opening fence")
    assert "this looks like front matter but cannot be read" in error_of(repo)


@pytest.mark.parametrize(
    ("front", "field", "fragment"),
    [
        ("title: ''", "title", "must be non-empty text"),
        ("title: T\neffective: soon", "effective", "written as YYYY-MM-DD"),
        ("title: T\neffective: 2024-02-30", "effective", "written as YYYY-MM-DD"),
        ("title: T\nversion: 2.10", "version", "read as 2.1; quote it"),
        ("title: T\nversion: 'v 2'", "version", "cannot be used in a URL"),
        ("title: T\nversion: history", "version", "clashes with the history page"),
        ("title: T\nsummary: [a, b]", "summary", "must be text"),
    ],
)
def test_invalid_field_names_file_commit_and_field(
    repo: GitRepo, front: str, field: str, fragment: str
) -> None:
    repo.write("policies/tos.md", f"---\n{front}\n---\nText\n")
    sha = repo.commit("bad field")
    message = error_of(repo)
    assert f"policies/tos.md (commit {sha[:12]}), field '{field}'" in message
    assert fragment in message


def test_every_error_is_reported_at_once(repo: GitRepo) -> None:
    repo.write("policies/a.md", "---\ntitle: A\nno closing fence\n")
    repo.write("policies/b.md", "---\ntitle: B\neffective: soon\n---\n")
    repo.commit("two bad files")
    message = error_of(repo)
    assert "policies/a.md" in message and "policies/b.md" in message


def test_broken_revision_can_be_skipped_explicitly(repo: GitRepo) -> None:
    repo.revise("tos", "Good.\n", "2024-01-01T09:00:00+00:00")
    repo.write("policies/tos.md", "---\ntitle: Terms\nlost its closing fence\n")
    bad = repo.commit("broken", "2024-02-01T09:00:00+00:00")
    repo.revise("tos", "Fixed.\n", "2024-03-01T09:00:00+00:00")
    assert f"'skip_commits' (or --skip-commits): {bad[:12]}" in error_of(repo)

    site = load(repo, skip_commits=frozenset({bad[:10]}))

    assert [v.body for v in site.catalog.get("tos").versions] == ["\nGood.\n", "\nFixed.\n"]
    # Configured, so information (a warning would stop `mkdocs build --strict`).
    assert site.warnings == []
    assert any("skip_commits" in str(n) and bad[:12] in str(n) for n in site.notes)


def test_one_file_at_one_commit_can_be_skipped_keeping_the_commits_other_files(
    repo: GitRepo,
) -> None:
    repo.revise("tos", "Good.\n", "2024-01-01T09:00:00+00:00")
    repo.revise("aup", "Rules.\n", "2024-01-01T09:00:00+00:00")
    repo.write("policies/tos.md", "---\ntitle: Terms\nlost its closing fence\n")
    repo.policy("aup", "New rules.\n")
    bad = repo.commit("one broken, one good", "2024-02-01T09:00:00+00:00")
    assert "in the plugin's 'skip' ('- {commit: …, path: …}'" in error_of(repo)

    site = load(repo, skip=frozenset({(bad[:10], "policies/tos.md")}))

    assert [v.body for v in site.catalog.get("tos").versions] == ["\nGood.\n"]
    assert [v.body for v in site.catalog.get("aup").versions] == ["\nRules.\n", "\nNew rules.\n"]
    assert any("'skip'" in str(n) and bad[:12] in str(n) for n in site.notes)
    build_site(repo, {"skip": [{"commit": bad[:10], "path": "policies/tos.md"}]})


def test_unknown_key_is_a_warning_unless_declared(repo: GitRepo) -> None:
    repo.policy("tos", owner="legal@example.com")
    repo.commit("v1")
    (warning,) = load(repo).warnings
    assert "unknown front matter key 'owner'" in str(warning)
    assert load(repo, extra_keys=frozenset({"owner"})).warnings == []


def test_file_name_that_cannot_be_a_url(repo: GitRepo) -> None:
    repo.policy("プライバシー")
    repo.commit("v1")
    message = error_of(repo)
    assert "policies/プライバシー.md" in message and "becomes the policy's URL" in message


def test_cli_prints_errors_without_traceback(repo: GitRepo) -> None:
    repo.write("policies/tos.md", "---\ntitle: Terms\nno closing fence\n")
    sha = repo.commit("broken")
    result = subprocess.run(
        [sys.executable, "-m", "policydocs.cli", "versions"],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"policydocs: error: policies/tos.md (commit {sha[:12]}): this looks like" in (
        result.stderr
    )


def test_mkdocs_build_fails_with_the_message(repo: GitRepo, mkdocs_errors) -> None:
    repo.write("policies/tos.md", "---\ntitle: T\neffective: soon\n---\n")
    sha = repo.commit("bad date")
    with pytest.raises(Abort):
        build_site(repo)
    assert any(
        f"policies/tos.md (commit {sha[:12]}), field 'effective'" in line
        for line in mkdocs_errors()
    )


def test_unknown_key_fails_a_strict_mkdocs_build(repo: GitRepo, mkdocs_errors) -> None:
    repo.policy("tos", owner="legal")
    repo.commit("v1")
    with pytest.raises(Abort):
        build_site(repo)
    assert any("unknown front matter key 'owner'" in line for line in mkdocs_errors())
    build_site(repo, {"extra_keys": ["owner"]})


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("as_of", "yesterday", "'as_of' 'yesterday' is not a date (YYYY-MM-DD)"),
        ("timezone", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("url_prefix", "../up", "'url_prefix' '../up' must be a plain path"),
        ("url_prefix", "legal/a b", "'url_prefix' 'legal/a b' must be a plain path"),
        ("url_prefix", ".legal", "'url_prefix' '.legal' must be a plain path"),
        ("skip_commits", ["zz"], "'skip_commits': 'zz' is not a commit id"),
        ("skip", [{"commit": "zz", "path": "p.md"}], "'skip': 'zz' is not a commit id"),
        ("skip", [{"commit": "abcdef0"}], "'skip': {'commit': 'abcdef0'} is not one file"),
        ("feed_limit", 0, "'feed_limit': expected a whole number, 1 or more"),
        ("feed_limit", -1, "'feed_limit': expected a whole number, 1 or more"),
        ("feed_limit", True, "'feed_limit': expected a whole number, 1 or more"),
    ],
)
def test_a_bad_plugin_option_is_named(
    repo: GitRepo, mkdocs_errors, option: str, value: object, message: str
) -> None:
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    with pytest.raises(MkDocsException):
        build_site(repo, {option: value})
    assert any(message in line for line in mkdocs_errors()), mkdocs_errors()


def test_every_broken_draft_is_named(repo: GitRepo, mkdocs_errors) -> None:
    repo.revise("tos", "Terms.\n", "2024-01-01T09:00:00+00:00")
    repo.write("policies/tos.md", "---\ntitle: Terms\nsummary: [unclosed\n---\nText\n")
    repo.write("policies/new.md", "---\ntitle: New\nno closing fence\n")
    with pytest.raises(MkDocsException):
        build_site(repo, {"drafts": "always"})
    errors = "\n".join(mkdocs_errors())
    assert "policies/new.md (uncommitted): this looks like front matter" in errors
    assert "policies/tos.md (uncommitted): front matter is not valid YAML at line 4" in errors
