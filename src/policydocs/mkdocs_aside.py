"""Generated pages set aside on disk between MkDocs reading and writing them.

MkDocs reads and renders every page before it writes any, and holds each one's Markdown
and HTML to the end of the build. For a site of few, long, often-revised policies those
are most of its memory: each version has a page and a redline page, about 1.45 MB a
version of a 200 KB policy, so 2.9 GB for two such policies of 1,000 revisions each
(the scale the "real histories" issue measured at 3.7 GB). So once a generated page is
rendered (after every plugin's `on_page_content`), its Markdown and HTML are appended to
the build's spill file (`core.spill`: unnamed, in the cache folder) and let go; they come
back just before its template is rendered (before any plugin's `on_page_context`) and are
let go again once it is written (after every plugin's `on_post_page`). Only one such page
is whole in memory at a time.

Both are checked when read back: a page whose HTML was damaged meanwhile stops the build
(it cannot be made again without rendering it again), never publishes.

Meanwhile both are empty strings, never None: MkDocs takes a page without Markdown for
one not yet read, and gives it no title. A plugin that reads another page's
`page.content` in `on_env` or `on_post_build` finds it empty on these pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from policydocs.core.spill import Kept, Spill

#: Text kept as UTF-8; a lone surrogate (which a plugin's output could hold) kept as is.
_ERRORS = "surrogatepass"


@dataclass(frozen=True)
class _Aside:
    markdown: Kept
    content: Kept


class PagesAside:
    """The generated pages of one build that are set aside, by source path."""

    def __init__(self, spill: Spill) -> None:
        self._spill = spill
        self._aside: dict[str, _Aside] = {}

    def set_aside(self, page: Page, html: str) -> str:
        """Keep the page's Markdown and `html` (its rendered content) on disk; what MkDocs
        holds for it meanwhile: nothing."""
        assert page.markdown is not None  # (MkDocs renders only what it has read)
        self._aside[page.file.src_uri] = _Aside(
            self._spill.keep(page.markdown.encode(errors=_ERRORS)),
            self._spill.keep(html.encode(errors=_ERRORS)),
        )
        page.markdown = ""
        return ""

    def bring_back(self, page: Page) -> None:
        """The page's Markdown and HTML as they were set aside, if they were."""
        aside = self._aside.pop(page.file.src_uri, None)
        if aside is None:
            return
        page.markdown = self._read(page, aside.markdown)
        page.content = self._read(page, aside.content)

    @staticmethod
    def let_go(page: Page) -> None:
        """A page written: its Markdown and HTML are not needed again in this build."""
        page.markdown = page.content = ""

    def _read(self, page: Page, kept: Kept) -> str:
        data = self._spill.take(kept)
        if data is None:
            raise PluginError(
                f"policydocs: {page.file.src_uri}: its rendered page, kept on disk during "
                f"the build (in {self._spill.folder}), was cut short or changed before it "
                "was written; nothing of it was published: build again"
            )
        return data.decode(errors=_ERRORS)
