"""This repository's own example site builds strictly from its real history."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def _full_checkout() -> bool:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return False
    return out.strip() == "false"


@pytest.mark.skipif(not _full_checkout(), reason="needs a full git checkout of this repository")
def test_example_site_builds_strictly(tmp_path: Path) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "site"))
    config.plugins["policydocs"].config.as_of = "2026-11-22"
    mkdocs_build(config)
    index = json.loads((tmp_path / "site/versions.json").read_text())
    ids = {p["id"]: p for p in index["policies"]}
    assert set(ids) == {"acceptable-use", "privacy", "terms-of-service"}
    aup = ids["acceptable-use"]
    assert [v["status"] for v in aup["versions"]] == ["archived", "current", "upcoming"]
    merged = aup["versions"][1]
    assert merged["published"] == "2024-09-16T11:00:00+01:00"
    tos = ids["terms-of-service"]["versions"]
    assert tos[-1]["effective_source"] == "commit"  # typo fix: passed date carried over
    # Section 4 of the upcoming AUP keeps its first sentence and rewrites the rest (issue
    # 24): the kept sentence is unmarked, the rewritten ones deleted and inserted.
    upcoming = aup["versions"][2]["label"]
    page = (tmp_path / f"site/acceptable-use/{upcoming}/changes/index.html").read_text()
    section = page[page.index('<h2 id="4-fair-use') : page.index('<h2 id="5-reselling')]
    kept = section.index("Unlimited plans are for personal use. ")
    assert section.index("<del", kept) - kept == len("Unlimited plans are for personal use. ")
    assert section.rfind("<del", 0, kept) < 0 and section.rfind("<ins", 0, kept) < 0


@pytest.mark.skipif(not _full_checkout(), reason="needs a full git checkout of this repository")
def test_properdocs_builds_the_same_pages(tmp_path: Path) -> None:
    """ProperDocs, the maintained MkDocs 1.x fork, loads the plugin unchanged and gives the
    same files; only its generator tag differs."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "NO_MKDOCS_2_WARNING": "1"}
    sites = {}
    for tool in ("mkdocs", "properdocs"):
        sites[tool] = tmp_path / tool
        built = subprocess.run(
            [tool, "build", "--strict", "-f", "mkdocs.yml", "-d", str(sites[tool])],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert built.returncode == 0, built.stderr
    files = {
        tool: sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
        for tool, site in sites.items()
    }
    assert files["mkdocs"] == files["properdocs"] and len(files["mkdocs"]) > 50
    generator = re.compile(rb'<meta name="generator" content="[^"]*">')
    for path in files["mkdocs"]:
        ours, theirs = ((sites[tool] / path).read_bytes() for tool in ("mkdocs", "properdocs"))
        if path.suffix == ".html":
            ours, theirs = generator.sub(b"", ours), generator.sub(b"", theirs)
        assert ours == theirs, path
