"""Files kept beside the policies (a PDF, an image) that a policy links to: published with
the site, each page linking to the file as its text's commit had it; and links that an
old version got wrong, which cannot be fixed, reported once instead of failing the build."""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from mkdocs.exceptions import Abort

from ..conftest import build_site, load
from ..gitrepo import GitRepo

PRIVACY = "---\ntitle: Privacy\n---\n\n{body}\n"


class _Targets(HTMLParser):
    """Every `href` and `src` in a page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and tag in ("a", "img"):
                self.found.append(value)


def targets(page: Path) -> list[str]:
    parser = _Targets()
    parser.feed(page.read_text(encoding="utf-8").split("<article", 1)[1])
    return parser.found


def opened(site: Path, page: str, ending: str) -> bytes:
    """The bytes a reader gets following the page's one link that ends with `ending`."""
    [link] = [t for t in targets(site / page) if t.split("#")[0].endswith(ending)]
    return (site / page).parent.joinpath(unquote(link)).resolve().read_bytes()


@pytest.fixture
def site(repo: GitRepo) -> Path:
    """A privacy policy linking to its DPA (a PDF with a space in its name) and an image;
    the DPA is replaced in the second revision, the image removed in the third."""
    repo.write("policies/privacy/dpa/Data Addendum.pdf", b"%PDF-1.4 first addendum")
    repo.write("policies/privacy/how.gif", b"GIF89a-first")
    body = "See the [addendum](dpa/Data%20Addendum.pdf) and ![how](how.gif)."
    repo.write("policies/privacy/index.md", PRIVACY.format(body=body))
    repo.write("policies/README.md", "# About\n\n[Privacy](privacy/index.md)\n")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/privacy/dpa/Data Addendum.pdf", b"%PDF-1.4 second addendum")
    repo.write("policies/privacy/index.md", PRIVACY.format(body=body + " Updated."))
    repo.commit("new addendum", "2024-02-01T09:00:00+00:00")
    (repo.path / "policies/privacy/how.gif").unlink()
    repo.write(
        "policies/privacy/index.md",
        PRIVACY.format(body="See the [addendum](dpa/Data%20Addendum.pdf)."),
    )
    repo.commit("no image", "2024-03-01T09:00:00+00:00")
    return build_site(repo, {"as_of": "2024-06-01"})


def test_each_version_links_to_the_file_its_commit_had(site: Path) -> None:
    assert opened(site, "privacy/2024-01-01/index.html", ".pdf") == b"%PDF-1.4 first addendum"
    assert opened(site, "privacy/2024-02-01/index.html", ".pdf") == b"%PDF-1.4 second addendum"
    assert opened(site, "privacy/index.html", ".pdf") == b"%PDF-1.4 second addendum"
    # An image the first versions showed stays with them after the file is deleted.
    assert opened(site, "privacy/2024-01-01/index.html", ".gif") == b"GIF89a-first"
    assert opened(site, "privacy/2024-02-01/index.html", ".gif") == b"GIF89a-first"


def test_the_current_file_keeps_its_path_and_earlier_ones_are_named_by_their_bytes(
    site: Path,
) -> None:
    published = sorted(str(p.relative_to(site)) for p in (site / "privacy").rglob("*.*"))
    files = [p for p in published if p.endswith((".pdf", ".gif"))]
    assert len(files) == 3, files
    assert "privacy/dpa/Data-Addendum.pdf" in files
    assert (site / "privacy/dpa/Data-Addendum.pdf").read_bytes() == b"%PDF-1.4 second addendum"
    # Not linked from any text: the repository's other files are not published.
    assert not (site / "README.md").exists()


def test_a_redline_links_deleted_words_to_the_older_texts_file(site: Path) -> None:
    page = site / "privacy/2024-03-01/changes/index.html"
    assert opened(site, "privacy/2024-03-01/changes/index.html", ".gif") == b"GIF89a-first"
    assert "pd-del" in page.read_text(encoding="utf-8")


def test_feed_entries_link_to_the_published_file(site: Path) -> None:
    feed = feedparser.parse((site / "privacy/atom.xml").read_bytes())
    first = next(e for e in feed.entries if e.link.endswith("/2024-01-01/"))
    parser = _Targets()
    parser.feed(first.content[0].value)
    [pdf] = [link for link in parser.found if link.endswith(".pdf")]
    base = "https://policies.example.com/"
    assert pdf.startswith(base + "privacy/dpa/data-addendum.")
    assert (site / pdf.removeprefix(base)).read_bytes() == b"%PDF-1.4 first addendum"


def test_the_repository_root_as_policies_folder_publishes_only_linked_files(repo: GitRepo) -> None:
    repo.write("terms.md", "# Terms\n\nSee [the key](keys/security.pub).\n")
    repo.write("keys/security.pub", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    repo.write("keys/.secret", "not for publication\n")
    repo.write("notes.txt", "internal\n")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    site = build_site(repo, {"policies_dir": ".", "as_of": "2024-06-01"}, docs_dir="docs")
    assert (site / "keys/security.pub").read_text().startswith("-----BEGIN PGP")
    assert not (site / "notes.txt").exists()
    assert not (site / "keys/.secret").exists()


def test_broken_links_in_past_versions_are_reported_once_and_do_not_fail_strict(
    repo: GitRepo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    repo.write("policies/terms.md", "# Terms\n\nWrite to [us](legal@example.com).\n")
    first = repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/terms.md", "# Terms\n\nWrite to [us](mailto:legal@example.com).\n")
    repo.commit("fix the link", "2024-02-01T09:00:00+00:00")
    build_site(repo, {"as_of": "2024-06-01"})  # (strict)
    notes = [r.getMessage() for r in caplog.records if "links to what" in r.getMessage()]
    assert notes == [
        f"policydocs: version 2024-01-01 of terms (policies/terms.md, commit {first[:12]}) "
        "links to what the site does not have, kept as written (a published version does "
        "not change): 'legal@example.com'"
    ]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_broken_link_in_the_latest_text_still_fails_strict(repo: GitRepo, mkdocs_errors) -> None:
    repo.write("policies/terms.md", "# Terms\n\nWrite to [us](mailto:legal@example.com).\n")
    repo.commit("publish", "2024-01-01T09:00:00+00:00")
    repo.write("policies/terms.md", "# Terms\n\nSee [the annex](annex.pdf).\n")
    repo.commit("annex", "2030-02-01T09:00:00+00:00")  # (not yet in force at as_of)
    with pytest.raises(Abort):
        build_site(repo, {"as_of": "2024-06-01"})
    assert any("annex.pdf" in message for message in mkdocs_errors())


def test_a_new_commit_does_not_make_earlier_pages_again(repo: GitRepo, tmp_path: Path) -> None:
    """Stored pages are named by the files their own texts link to, not every text's."""
    for n in range(3):
        repo.write("policies/privacy/dpa.pdf", f"%PDF addendum {n}".encode())
        repo.write("policies/privacy/index.md", PRIVACY.format(body=f"[DPA](dpa.pdf) {n}."))
        repo.commit(f"revision {n}", f"2024-0{n + 1}-01T09:00:00+00:00")
    cache = tmp_path / "cache"
    first = load(repo, "2024-06-01", cache_dir=cache)
    assert first.redline_stats[0] == 0
    repo.write("policies/privacy/dpa.pdf", b"%PDF addendum 3")
    repo.write("policies/privacy/index.md", PRIVACY.format(body="[DPA](dpa.pdf) 3."))
    repo.commit("revision 3", "2024-04-01T09:00:00+00:00")
    second = load(repo, "2024-06-01", cache_dir=cache)
    # Only version 2's changes page is as it was: version 3's links to the DPA as it was
    # then, now an earlier state with a name of its own; the rest compare other texts.
    assert second.redline_stats == (1, 4)
