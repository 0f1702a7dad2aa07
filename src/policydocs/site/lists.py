"""A Python-Markdown extension (`markdown_extensions: [policydocs.site.lists]`): a list may
start straight after a paragraph, as CommonMark and GitHub read it.

Python-Markdown wants a blank line before a list, so `Terms:\\n- one\\n- two` is one
paragraph with literal "- " on its pages, while the redline (markdown-it, CommonMark) and
the editorial rule read a list: a changes page then said "the text is the same" for a
`-` → `*` change its readers saw on the page. Real repositories write lists this way.

As in CommonMark, a bullet or an ordered list that starts at 1 interrupts a paragraph; a
line such as `2. …` does not (it is often a sentence's number). Fenced code is set aside
by Python-Markdown before blocks are read, so its lines are never taken for a list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

#: Its name in mkdocs.yml's `markdown_extensions`.
EXTENSION_NAME = "policydocs.site.lists"

#: A line that starts a list that may interrupt a paragraph (CommonMark, 5.2 and 5.3).
_ITEM = re.compile(r"^[ ]{0,3}(?:[*+-]|1[.)])[ \t]+\S", re.MULTILINE)


class _ListAfterParagraph(BlockProcessor):
    """Splits a paragraph block where a list starts: the text before it stays a
    paragraph, the list is read by Python-Markdown's own list processors."""

    def test(self, parent: etree.Element, block: str) -> bool:
        found = _ITEM.search(block)
        return found is not None and found.start() > 0

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        found = _ITEM.search(block)
        assert found is not None  # (see test)
        blocks[0:0] = [block[: found.start()].rstrip("\n"), block[found.start() :]]


class ListsAfterParagraphs(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # After every block that starts with its own syntax, just before paragraphs.
        md.parser.blockprocessors.register(_ListAfterParagraph(md.parser), "policydocs_lists", 11)


def makeExtension(**kwargs: object) -> ListsAfterParagraphs:
    return ListsAfterParagraphs(**kwargs)
