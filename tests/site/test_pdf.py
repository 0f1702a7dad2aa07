"""A citable PDF of each version (`pdf: true`): real MkDocs builds with WeasyPrint, read
back with pypdf as a reader's PDF viewer reads them."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import time
from datetime import UTC
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from policydocs.builder import run
from policydocs.core.errors import PolicyError
from policydocs.core.settings import Settings, resolve_as_of
from policydocs.site.feeds import FeedSettings

from ..conftest import build_site
from ..gitrepo import GitRepo

SITE = "https://policies.example.com/"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _history(repo: GitRepo) -> None:
    """Terms linking to the privacy policy and showing a diagram; revised once."""
    repo.write("policies/diagram.png", _png())
    repo.policy("privacy", "We keep your data safe.\n", title="Privacy Notice")
    body = (
        "## 1. Payment\n\nYou pay within **14 days**. See our [privacy notice](privacy.md).\n\n"
        "![How billing works](diagram.png)\n"
    )
    repo.policy("terms", body, title="Terms of Service", effective="2024-01-01")
    repo.commit("publish", "2023-12-01T09:00:00+00:00")
    repo.revise(
        "terms",
        body.replace("14 days", "21 days"),
        "2024-03-01T10:30:00+00:00",
        title="Terms of Service",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("pdf") / "repo")
    _history(repo)
    return build_site(repo, {"as_of": "2024-06-01", "pdf": True})


def _versions(site: Path, policy: str) -> list[dict]:
    index = json.loads((site / "versions.json").read_text())
    [found] = [p for p in index["policies"] if p["id"] == policy]
    return found["versions"]


def _links(reader: pypdf.PdfReader) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]


def test_each_version_has_a_pdf_whose_first_page_cites_it(site: Path) -> None:
    repo_path = site.parent
    for version in _versions(site, "terms"):
        assert version["pdf_url"] == f"terms/{version['label']}.pdf"
        reader = pypdf.PdfReader(site / version["pdf_url"])
        first = " ".join(reader.pages[0].extract_text().split())
        assert first.startswith("Terms of Service Version " + version["label"])
        assert f"{SITE}{version['url']}" in first
        assert version["commit"] in first
        # The digest it prints is the source's: anyone can check the file against git.
        shown = ["git", "show", f"{version['commit']}:{version['path']}"]
        source = subprocess.run(shown, cwd=repo_path, capture_output=True, check=True).stdout
        assert hashlib.sha256(source).hexdigest() == version["sha256"]
        assert version["sha256"] in first.replace(" ", "")
        assert reader.metadata.title == f"Terms of Service, version {version['label']}"
    first, second = (pypdf.PdfReader(site / v["pdf_url"]) for v in _versions(site, "terms"))
    assert "Effective 1 January 2024" in first.pages[0].extract_text()
    assert "Published 1 March 2024" in second.pages[0].extract_text()


def test_the_text_is_the_versions_with_absolute_links_and_its_images(site: Path) -> None:
    old, new = (pypdf.PdfReader(site / v["pdf_url"]) for v in _versions(site, "terms"))
    text = " ".join(page.extract_text() for page in new.pages[1:])
    assert "You pay within 21 days." in " ".join(text.split())
    assert "14 days" not in text and "¶" not in text
    assert "14 days" in " ".join(page.extract_text() for page in old.pages[1:])
    assert f"{SITE}privacy/" in _links(new)
    # The diagram, embedded from the build (a PDF fetches nothing from elsewhere).
    assert {image.image.size for page in new.pages for image in page.images} == {(40, 20)}


def test_version_pages_and_the_history_link_to_the_pdf(site: Path) -> None:
    label = _versions(site, "terms")[0]["label"]
    page = (site / f"terms/{label}/index.html").read_text()
    assert f'href="../{label}.pdf" type="application/pdf"' in page
    history = (site / "terms/history/index.html").read_text()
    assert f'href="../{label}.pdf" type="application/pdf"' in history


def _settings(repo: GitRepo, cache: Path | None) -> Settings:
    return Settings(
        policies_dir=repo.path / "policies",
        as_of=resolve_as_of("2024-06-01", UTC),
        cache_dir=cache,
        pdf=True,
    )


def test_pdfs_are_the_same_bytes_every_build_and_made_once(repo: GitRepo, tmp_path: Path) -> None:
    _history(repo)
    feeds = FeedSettings(SITE, "Example")
    cold = run.build(_settings(repo, tmp_path / "cache"), feeds)
    warm = run.build(_settings(repo, tmp_path / "cache"), feeds)
    uncached = run.build(_settings(repo, None), feeds)
    pdfs = [{a.dest: a.content for a in s.assets if a.dest.endswith(".pdf")} for s in (cold, warm)]
    assert len(pdfs[0]) == 3 and pdfs[0] == pdfs[1]
    assert pdfs[0] == {a.dest: a.content for a in uncached.assets if a.dest.endswith(".pdf")}
    assert warm.redline_stats[1] == 0  # (everything, the PDFs too, found in the cache)


def test_pdfs_are_the_same_bytes_where_fonttools_subsets_the_fonts(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without HarfBuzz's subsetter (a machine without libharfbuzz-subset), WeasyPrint
    subsets fonts with fontTools, which stamps each subset with the clock by default."""
    monkeypatch.setattr("weasyprint.pdf.fonts.harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    _history(repo)
    feeds = FeedSettings(SITE, "Example")
    builds = []
    for n in range(2):
        if n:
            time.sleep(1.1)  # (the stamp counts whole seconds)
        site = run.build(_settings(repo, None), feeds)
        builds.append({a.dest: a.content for a in site.assets if a.dest.endswith(".pdf")})
    assert len(builds[0]) == 3 and builds[0] == builds[1]
    assert "SOURCE_DATE_EPOCH" not in os.environ  # (put back as it was)


def test_pdf_needs_the_sites_address(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(PolicyError, match="'pdf' option needs the site's address"):
        run.build(_settings(repo, None))


def test_without_the_option_there_is_no_pdf(repo: GitRepo) -> None:
    _history(repo)
    site = build_site(repo, {"as_of": "2024-06-01"})
    assert not list(site.rglob("*.pdf"))
    assert all("pdf_url" not in v for v in _versions(site, "terms"))
    assert "application/pdf" not in (site / "terms/history/index.html").read_text()
