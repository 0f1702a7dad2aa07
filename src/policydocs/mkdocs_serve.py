"""`mkdocs serve --dirty` made exact, for the editor's loop: save a policy, see its draft.

A plain `mkdocs serve` renders every page again on every save: a minute for a site of 20
policies with 50 versions each, nearly all of it MkDocs rendering pages nothing changed.
MkDocs' dirty rebuild renders only the pages whose source file is newer than their built
page. That alone is wrong in three ways, which `DirtyRebuilds` mends:

- A page's output depends on more than its source: the navigation, the configuration, the
  overrides, and what the plugin's templates are shown (`Run.views_key`: the commit,
  every status at the "as of" moment). When any of these changed since the last build of
  this `serve`, the site folder is emptied, so every page is built again. A policy that
  gained or lost a draft has each of its pages built again (they say a draft waits).
- A store object is named by its content, so a page whose Markdown went back to an earlier
  text gets an older file than its built page. A page is built again whenever its file is
  not the one it was built from; a draft's page always (its template shows the file's
  front matter, which its Markdown does not hold). A page no longer made (a draft
  committed or undone) is removed.
- MkDocs leaves the pages it does not read untitled, and the navigation of every page it
  builds shows those titles, so each page's title (and date, for the sitemap) is kept
  from the build that read it.

Material's search plugin keeps its own index whole under dirty rebuilds; MkDocs' built-in
search does not. Only `serve` is helped: `mkdocs build --dirty` stays MkDocs' own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils import clean_directory


@dataclass(frozen=True)
class Built:
    """A generated page as this build hands it over: its source file and built page."""

    src: str
    source: str
    dest: str
    #: Built again on every rebuild (a draft's page).
    always: bool = False
    #: The policy whose page it is, if any.
    policy: str | None = None


class DirtyRebuilds:
    """What one `mkdocs serve --dirty` remembers from one build to the next."""

    def __init__(self) -> None:
        self._state: str | None = None
        self._drafted: frozenset[str] = frozenset()
        #: Each page's source file, and its built page, as the last build had them.
        self._sources: dict[str, tuple[str, str]] = {}
        #: Each page's title and date, from the last build that read it.
        self._shown: dict[str, tuple[str | None, str]] = {}

    def prepare(
        self, site_dir: Path, state: str, drafted: frozenset[str], pages: Iterable[Built]
    ) -> bool:
        """Before MkDocs builds: remove what must be built again (everything, when
        `state`, a digest of everything but the pages' own sources and the policies with
        a draft, `drafted`, changed). Whether every page is built."""
        pages = list(pages)
        everything = state != self._state
        if everything:
            clean_directory(str(site_dir))  # (as MkDocs empties it for a full build)
            self._shown.clear()
        else:
            changed = drafted ^ self._drafted
            for page in pages:
                before = self._sources.get(page.src)
                if page.always or page.policy in changed or before != (page.source, page.dest):
                    Path(page.dest).unlink(missing_ok=True)
            gone = self._sources.keys() - {page.src for page in pages}
            for src in gone:
                Path(self._sources[src][1]).unlink(missing_ok=True)
                self._shown.pop(src, None)
        self._state, self._drafted = state, drafted
        self._sources = {page.src: (page.source, page.dest) for page in pages}
        return everything

    def read(self, src: str, source: str, title: str | None, date: str) -> None:
        """A page MkDocs read in this build (from `source`), as it is shown."""
        if src in self._sources:
            self._sources[src] = (source, self._sources[src][1])
        self._shown[src] = (title, date)

    def shown(self, src: str) -> tuple[str | None, str] | None:
        """The title and date of a page MkDocs does not read in this build."""
        return self._shown.get(src)


def state_of(*parts: bytes | str, files: Iterable[Path] = ()) -> str:
    """A digest of `parts` and of each of `files`' name, size and modification time."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    for path in sorted(files):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()
