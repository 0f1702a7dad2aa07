"""A published policy site is evidence of what a customer was bound by: whatever a
history holds (hostile file names, odd labels, renames), a build writes nothing outside
its output folder, and an input it cannot publish stops it with one line naming the file,
the commit and what clashes, in `mkdocs build`, `policydocs export` and `policydocs check
--history` alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from policydocs import cli

from .conftest import build_site
from .gitrepo import GitRepo

TEXT = "---\ntitle: Terms\n---\n\nYou pay 5 pounds.\n"


def snapshot(root: Path) -> dict[Path, bytes]:
    return {
        p.relative_to(root): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def written(root: Path, before: dict[Path, bytes]) -> list[Path]:
    """Files made or changed under `root` since `before`."""
    return sorted(path for path, data in snapshot(root).items() if before.get(path) != data)


def outside(paths: list[Path], *allowed: str) -> list[Path]:
    return [path for path in paths if path.parts[0] not in allowed]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def renamed_from(repo: GitRepo, old: str, front: str = "") -> str:
    """A policy committed as `policies/<old>`, then renamed in a commit of its own; the
    first commit's sha."""
    repo.write(f"policies/{old}", TEXT.replace("title: Terms\n", f"title: Terms\n{front}"))
    repo.mkdocs_yml()
    repo.write("README.md", "The repository's own README.\n")
    first = repo.commit("add under an odd name", "2024-01-01T09:00:00+00:00")
    repo.git("mv", f"policies/{old}", "policies/terms.md")
    repo.commit("rename", "2024-02-01T09:00:00+00:00")
    return first


@pytest.mark.parametrize(
    ("old", "front"),
    [
        ("...md", ""),  # id '..': its pages would be in the repository, next to site/
        ("...md", 'version: "README"\n'),  # its raw source: ../README.md
        ("..md", ""),  # id '.' (was a Jinja UndefinedError)
        ("README.md", ""),  # id 'README': MkDocs makes README.md the folder's index
    ],
)
def test_a_former_name_never_writes_outside_the_site(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], old: str, front: str
) -> None:
    first = renamed_from(repo, old, front)
    before = snapshot(repo.path.parent)
    site = build_site(repo)
    assert outside(written(repo.path.parent, before), "repo") == []
    inside_repo = [p.relative_to("repo") for p in written(repo.path.parent, before)]
    assert outside(inside_repo, "site", ".cache", "mkdocs.yml", "docs") == []  # (the test's)
    assert "You pay 5 pounds" in (site / "terms/index.html").read_text(encoding="utf-8")
    before = snapshot(repo.path.parent)
    code, output = run_cli(
        capsys, "export", str(repo.path / "out"), "--policies", str(repo.path / "policies")
    )
    assert code == 0, output
    changed = [p.relative_to("repo") for p in written(repo.path.parent, before)]
    assert outside(changed, "out") == []
    assert (repo.path / "README.md").read_text() == "The repository's own README.\n"
    # said, not silent: the old name gets no pages, and why
    assert re.search(
        rf"note: policies/{re.escape(old)} \(commit {first[:12]}\): no pages redirect", output
    )


@pytest.mark.parametrize(
    ("files", "blamed", "clash"),
    [
        ({"rss.xml.md": ""}, "policies/rss.xml.md", "the site-wide RSS feed at /rss.xml"),
        ({"versions.json.md": ""}, "policies/versions.json.md", "the index of every version"),
        ({"index.md": ""}, "policies/index.md", "the home page at /"),
        ({"terms.md": 'version: "rss.xml"\n'}, "policies/terms.md", "the RSS feed of 'terms'"),
        ({"terms.md": 'version: "history"\n'}, "policies/terms.md", "the history page of 'terms'"),
        ({"Terms.md": "", "terms.md": ""}, "policies/terms.md", "differ only in capitals"),
    ],
)
def test_a_generated_url_that_clashes_is_an_error_everywhere(
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    mkdocs_errors,
    files: dict[str, str],
    blamed: str,
    clash: str,
) -> None:
    for name, front in files.items():
        repo.write(f"policies/{name}", TEXT.replace("title: Terms\n", f"title: Terms\n{front}"))
    sha = repo.commit("add", "2024-01-01T09:00:00+00:00")
    located = f"{blamed} (commit {sha[:12]})"
    with pytest.raises(Abort):
        build_site(repo, home=None)  # (the generated home page)
    [message] = [m for m in mkdocs_errors() if "clashes" in m]
    assert located in message and clash in message
    policies = str(repo.path / "policies")
    site_url = "https://policies.example.com/"
    before = snapshot(repo.path.parent)
    code, output = run_cli(
        capsys, "export", str(repo.path / "out"), "--policies", policies, "--site-url", site_url
    )
    assert code == 1 and located in output and clash in output
    assert "Traceback" not in output
    assert written(repo.path.parent, before) == []
    code, output = run_cli(capsys, "check", "--history", "--policies", policies)
    assert code == 1 and f"{blamed}: error:" in output and clash in output


@pytest.mark.parametrize(
    ("name", "clash"),
    [("sitemap.xml", "MkDocs' sitemap.xml at /sitemap.xml"), ("404.html", "MkDocs' 404.html")],
)
def test_mkdocs_own_files_are_taken_too(
    repo: GitRepo, mkdocs_errors, name: str, clash: str
) -> None:
    """Files only MkDocs writes: the site's build knows them (the CLI knows the engine's)."""
    repo.write(f"policies/{name}.md", TEXT)
    sha = repo.commit("add")
    with pytest.raises(Abort):
        build_site(repo)
    [message] = [m for m in mkdocs_errors() if "clashes" in m]
    assert f"policies/{name}.md (commit {sha[:12]})" in message and clash in message


def test_a_label_that_is_another_versions_source_is_an_error(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Version 'x' has its source at terms/x.md, where version 'x.md' would have a folder."""
    repo.revise("terms", "One.\n", "2024-01-01T09:00:00+00:00", version="x")
    sha = repo.revise("terms", "Two.\n", "2024-02-01T09:00:00+00:00", version="x.md")
    code, output = run_cli(capsys, "versions", "--policies", str(repo.path / "policies"))
    assert code == 1
    assert f"policies/terms.md (commit {sha[:12]}), field 'version'" in output
    assert "the Markdown source of version x of 'terms' at /terms/x.md" in output


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("rss.xml", "the site-wide RSS feed"),
        ("index", "the home page"),
        ("..", "cannot be a policy id"),
        ("Terms", "differ only in capitals"),
    ],
)
def test_new_refuses_an_id_the_build_would_refuse(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], name: str, fragment: str
) -> None:
    repo.write("policies/terms.md", TEXT)
    code, output = run_cli(capsys, "new", name, "--policies", str(repo.path / "policies"))
    assert code == 1 and fragment in output
    assert sorted(p.name for p in (repo.path / "policies").iterdir()) == ["terms.md"]


def test_check_finds_a_clash_in_the_working_tree(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("policies/terms.md", TEXT)
    repo.commit("add")
    repo.write("policies/atom.xml.md", TEXT)
    repo.write(
        "policies/terms.md", TEXT.replace("title: Terms\n", 'title: Terms\nversion: "draft"\n')
    )
    code, output = run_cli(capsys, "check", "--policies", str(repo.path / "policies"))
    assert code == 1
    assert "policies/atom.xml.md: error: the page of policy 'atom.xml'" in output
    assert "the site-wide ATOM feed at /atom.xml" in output
    assert "policies/terms.md: error: 'version': the page of version draft of 'terms'" in output
