"""Markdown rendered as HTML outside a site generator: feed entries, and the CLI's HTML
report (which must look as the site's pages do)."""

from __future__ import annotations

import markdown


def to_html(redline_markdown: str) -> str:
    """A redline rendered as HTML (tables included), as MkDocs would render its page."""
    return markdown.markdown(redline_markdown, extensions=["tables"])
