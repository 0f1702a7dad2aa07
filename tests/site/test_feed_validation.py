"""Every feed passes the W3C Feed Validation Service's own code (`../shared/tools/
validate-feed`, run offline) with no error and no warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from ..conftest import build_site
from ..gitrepo import GitRepo
from ..test_example_site import _full_checkout
from .test_site import history

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT.parent / "shared/tools/validate-feed"

pytestmark = pytest.mark.skipif(
    not VALIDATOR.is_file(), reason=f"the W3C validator is not at {VALIDATOR}"
)


def validate(site: Path, site_url: str) -> subprocess.CompletedProcess[str]:
    feeds = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.xml"))
    feeds = [name for name in feeds if name.endswith(("rss.xml", "atom.xml"))]
    assert len(feeds) >= 4
    return subprocess.run(
        [sys.executable, str(VALIDATOR), str(site), site_url, *feeds],
        capture_output=True,
        text=True,
    )


def test_a_history_with_renames_withdrawals_editorial_and_upcoming_versions(
    tmp_path: Path,
) -> None:
    repo = history(GitRepo(tmp_path / "repo"))
    terms = "Terms v2.\n\nPay  on time.\n\nFollow the [AUP](acceptable-use.md#spam).\n"
    repo.revise("terms-of-service", terms, "2024-07-01T09:00:00+00:00", title="Terms of Service")
    formed = terms.replace("on time", "**on time**")  # (a change of form: `pd-form`)
    repo.revise("terms-of-service", formed, "2024-08-01T09:00:00+00:00", title="Terms of Service")
    site = build_site(repo, {"as_of": "2025-01-01", "websub_hub": "https://hub.example.net/"})
    result = validate(site, "https://policies.example.com/")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors or warnings" in result.stdout
    assert "all-atom.xml" in result.stdout  # the feeds of every change, the editorial one


@pytest.mark.skipif(not _full_checkout(), reason="needs a full git checkout of this repository")
def test_the_example_site(tmp_path: Path) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "site"))
    config.plugins["policydocs"].config.as_of = "2026-11-22"
    mkdocs_build(config)
    result = validate(tmp_path / "site", config.site_url)
    assert result.returncode == 0, result.stdout + result.stderr
