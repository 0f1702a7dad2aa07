"""`mkdocs serve --dirty`, the editor's loop: after a save, only what the save changed is
rendered again, and the site served is the one a full build of the same files makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from policydocs.mkdocs_serve import Built, DirtyRebuilds

from ..gitrepo import GitRepo

OPTIONS = {"as_of": "2030-01-01"}


class Serve:
    """Builds as `mkdocs serve --dirty` does: one startup, then a build of the same
    folder after every save, with the configuration read again each time."""

    def __init__(self, repo: GitRepo, site: Path):
        self.config_file = str(repo.mkdocs_yml(OPTIONS))
        self.site = site
        self.config = load_config(self.config_file, site_dir=str(site))
        self.config.plugins.on_startup(command="serve", dirty=True)

    def build(self) -> set[str]:
        """Build; the pages written again (by path in the site)."""
        before = _stamps(self.site)
        config = load_config(self.config_file, site_dir=str(self.site))
        mkdocs_build(config, dirty=True)
        return {path for path, stamp in _stamps(self.site).items() if before.get(path) != stamp}

    def close(self) -> None:
        self.config.plugins.on_shutdown()


def _stamps(site: Path) -> dict[str, int]:
    return {
        str(path.relative_to(site)): path.stat().st_mtime_ns
        for path in site.rglob("*.html")
        if path.name != "404.html"  # (MkDocs writes it on every build)
    }


def _files(site: Path) -> dict[str, bytes]:
    files = (path for path in site.rglob("*") if path.is_file())
    return {str(path.relative_to(site)): path.read_bytes() for path in files}


#: A plain `mkdocs serve`'s build, in a process of its own: MkDocs keeps a process's
#: plugins from one configuration to the next, so one here would end the session's.
FULL_BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], site_dir=sys.argv[2])
config.plugins.on_startup(command="serve", dirty=False)
build(config)
config.plugins.on_shutdown()
"""


def full_build(repo: GitRepo, site: Path) -> dict[str, bytes]:
    """What a plain `mkdocs serve` builds from the same files."""
    config_file = str(repo.path / "mkdocs.yml")
    subprocess.run([sys.executable, "-c", FULL_BUILD, config_file, str(site)], check=True)
    return _files(site)


def _history(repo: GitRepo) -> None:
    for n, day in enumerate(("2024-01-01", "2024-02-01", "2024-03-01")):
        text = f"# Terms\n\nYou pay {n} pounds.\n\nWe give notice.\n"
        repo.revise("terms", text, f"{day}T09:00:00Z")
    repo.revise("privacy", "# Privacy\n\nWe keep your data safe.\n", "2024-01-05T09:00:00Z")


def test_a_saved_draft_renders_only_its_page_and_the_site_is_a_full_builds(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "repo")
    _history(repo)
    serve = Serve(repo, tmp_path / "served")
    try:
        serve.build()
        draft = repo.path / "policies/terms.md"
        text = draft.read_text(encoding="utf-8")
        draft.write_text(text.replace("2 pounds", "5 pounds"), encoding="utf-8")
        # a new draft: every page of its policy says one waits, and only those are built
        built = serve.build()
        assert "terms/index.html" in built and "terms/draft/index.html" in built
        assert all(path.startswith("terms/") for path in built)
        assert _files(serve.site) == full_build(repo, tmp_path / "new-draft")
        page = serve.site / "terms/draft/index.html"
        draft.write_text(text.replace("2 pounds", "7 pounds"), encoding="utf-8")
        assert serve.build() == {"terms/draft/index.html"}
        assert '<ins class="pd-ins">7</ins>' in page.read_text(encoding="utf-8")
        assert _files(serve.site) == full_build(repo, tmp_path / "full")
        # undone: the draft's page goes, and its policy's pages lose the banner
        draft.write_text(text, encoding="utf-8")
        assert "terms/index.html" in serve.build()
        assert not page.exists()
        assert _files(serve.site) == full_build(repo, tmp_path / "undone")
        # committed: the history changed, and the site with it
        draft.write_text(text.replace("2 pounds", "7 pounds"), encoding="utf-8")
        serve.build()
        repo.commit("seven pounds", "2024-04-01T09:00:00Z")
        assert "terms/2024-04-01/changes/index.html" in serve.build()
        assert not page.exists()
        assert _files(serve.site) == full_build(repo, tmp_path / "full-after")
    finally:
        serve.close()


def test_a_page_whose_source_went_back_to_an_earlier_file_is_built_again(tmp_path: Path) -> None:
    """A store object is named by its content: a text back to an earlier one has an older
    file than its built page, which MkDocs alone would keep."""
    site = tmp_path / "site"
    site.mkdir()
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("A")
    second.write_text("B")
    built, other = site / "terms.html", site / "privacy.html"
    rebuilds = DirtyRebuilds()

    def pages(source: Path) -> list[Built]:
        return [Built("terms.md", str(source), str(built)), Built("privacy.md", "p", str(other))]

    none: frozenset[str] = frozenset()
    assert rebuilds.prepare(site, "state", none, pages(first))
    for page in (built, other):
        page.write_text("built")
    assert not rebuilds.prepare(site, "state", none, pages(second))
    assert not built.exists() and other.exists()
    built.write_text("built from B")
    assert not rebuilds.prepare(site, "state", none, pages(first))
    assert not built.exists() and other.exists()
    assert rebuilds.prepare(site, "another state", none, pages(first))
    assert list(site.iterdir()) == []
