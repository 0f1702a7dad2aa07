"""Real public policy repositories (../shared/fixtures/), read as a company adopting
policydocs would: a short configuration, their history unchanged.

Every policy must have exactly one version per first-parent commit that changed its text
under any of its names, worked out here with git itself, commit by commit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from policydocs.core.settings import Settings, compile_effective_pattern, resolve_as_of
from policydocs.history.catalog import load_catalog
from policydocs.history.selection import Selection

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
MOZILLA_DATE = r'\{:\s*datetime="(?P<date>\d{4}-\d{2}-\d{2})"'

pytestmark = pytest.mark.real_repositories


def clone(name: str, into: Path) -> Path:
    bundle = FIXTURES / f"{name}.bundle"
    if not bundle.is_file():
        pytest.skip(f"{bundle} is absent (a checkout outside this workspace)")
    subprocess.run(["git", "clone", "-q", str(bundle), str(into)], check=True)
    return into


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def revisions(repo: Path, below: str, selection: Selection) -> set[tuple[str, str]]:
    """(commit, path) of every policy file whose text a first-parent commit changed: git's
    trees compared commit by commit. A file whose text is one the commit removed under
    another name was moved, not changed."""
    commits = git(repo, "rev-list", "--first-parent", "--reverse", "HEAD").split()
    found: set[tuple[str, str]] = set()
    before: dict[str, str] = {}
    for sha in commits:
        listing = git(repo, "ls-tree", "-r", sha, "--", below)
        after = {
            line.split("\t", 1)[1]: line.split()[2]
            for line in listing.splitlines()
            if selection.is_policy(line.split("\t", 1)[1])
        }
        removed = {blob for path, blob in before.items() if path not in after}
        for path, blob in after.items():
            if before.get(path) != blob and not (path not in before and blob in removed):
                found.add((sha, path))
        before = after
    return found


def published(catalog) -> list[tuple[str, str]]:
    return [(v.commit.sha, v.path) for policy in catalog.policies for v in policy.versions]


def settings(repo: Path, **options: object) -> Settings:
    return Settings(
        policies_dir=repo,
        as_of=resolve_as_of("2026-06-01", UTC),
        ignore_unknown_keys=True,
        **options,  # type: ignore[arg-type]
    )


def test_basecamp_every_policy_has_one_version_per_change(tmp_path: Path) -> None:
    repo = clone("basecamp-policies", tmp_path / "basecamp")
    catalog, _ = load_catalog(settings(repo))
    ids = {policy.id for policy in catalog.policies}
    assert {"terms", "privacy", "privacy/hey-subprocessors", "abuse/how-we-handle"} <= ids
    versions = published(catalog)
    assert len(versions) == len(set(versions)), "a revision published twice"
    assert set(versions) == revisions(repo, ".", catalog.selection)
    # Moved from terms.md to terms/index.md in one merge: one policy, its history whole.
    terms = catalog.get("terms")
    assert {v.path for v in terms.versions} == {"terms.md", "terms/index.md"}


def test_mozilla_english_documents_one_version_per_change(tmp_path: Path) -> None:
    repo = clone("mozilla-legal-docs", tmp_path / "mozilla")
    found = settings(
        repo, include=("en/*.md",), effective_pattern=compile_effective_pattern(MOZILLA_DATE)
    )
    catalog, _ = load_catalog(found)
    notice = catalog.get("en/firefox_privacy_notice")
    assert notice.title == "Firefox Privacy Notice"
    dated = [v for v in notice.versions if v.effective_source.value == "text"]
    assert dated, "the effective dates written in the text are read"
    versions = published(catalog)
    assert len(versions) == len(set(versions)), "a revision published twice"
    assert set(versions) == revisions(repo, "en", catalog.selection)


def mkdocs_strict(repo: Path, config: str) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` from the short mkdocs.yml the README gives, as a company
    adopting policydocs would run it."""
    (repo / "mkdocs.yml").write_text(config)
    (repo / "site-docs").mkdir()
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(repo / "site")],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


SHORT_CONFIG = """\
site_name: Policies
site_url: https://policies.example.org/
theme: material
docs_dir: site-docs
{extensions}
plugins:
  - search
  - policydocs:
      policies_dir: .
      as_of: 2026-06-01
{options}"""


def test_basecamp_builds_strict_with_its_files_and_jekyll_values(tmp_path: Path) -> None:
    repo = clone("basecamp-policies", tmp_path / "basecamp")
    options = """\
      foreign_keys: ignore
      variables:
        site.email_support: mailto:support@basecamp.com
        site.email_security: mailto:security@basecamp.com
"""
    built = mkdocs_strict(repo, SHORT_CONFIG.format(extensions="", options=options))
    assert built.returncode == 0, built.stderr[-3000:]
    site = repo / "site"
    # A DPA the privacy policy links to, as git has it.
    dpa = "privacy/regulations/dpa/Basecamp_Data_Processing_Addendum_v202109.pdf"
    published = git(repo, "hash-object", str(site / dpa))
    assert published == git(repo, "rev-parse", f"HEAD:{dpa}")
    assert "mailto:support@basecamp.com" in (site / "terms/index.html").read_text()
    assert "{{ site." not in (site / "terms/index.html").read_text()


def test_mozilla_english_documents_build_strict(tmp_path: Path) -> None:
    repo = clone("mozilla-legal-docs", tmp_path / "mozilla")
    options = f"""\
      include: ["en/*.md"]
      effective_pattern: '{MOZILLA_DATE}'
"""
    config = SHORT_CONFIG.format(
        extensions="markdown_extensions: [attr_list, tables]", options=options
    )
    built = mkdocs_strict(repo, config)
    assert built.returncode == 0, built.stderr[-3000:]
    # Old versions' bare e-mail links are history: reported once each, not warnings.
    assert "links to what the site does not have" in built.stderr
