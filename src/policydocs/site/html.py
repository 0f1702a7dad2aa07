"""Markdown rendered as HTML outside a site generator: feed entries, and the CLI's HTML
report (which must look as the site's pages do)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html
import markdown


@dataclass(frozen=True)
class Reading:
    """How the site reads Markdown: the Python-Markdown extensions its pages are rendered
    with (MkDocs' `markdown_extensions`, `tables` among them), each with its options. A
    feed entry rendered otherwise would show another text than the page: Mozilla's
    `{: datetime="…" }` (`attr_list`) printed as written.

    Picklable (it travels with the workers' jobs); `identity` is its part of cache keys."""

    extensions: tuple[str, ...] = ("tables",)
    #: Options by extension name (`mdx_configs`); values may be Python objects (YAML's
    #: `!!python/name:`), so cache keys use their `repr`.
    configs: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    @cached_property
    def identity(self) -> str:
        configs = {name: dict(self.configs.get(name, {})) for name in self.extensions}
        return json.dumps([self.extensions, configs], sort_keys=True, default=repr)

    def to_html(self, text: str) -> str:
        """Markdown (a redline's, a version's) rendered as the site's pages render it."""
        configs = {
            name: dict(self.configs[name]) for name in self.extensions if name in self.configs
        }
        return markdown.markdown(text, extensions=list(self.extensions), extension_configs=configs)


def headings_as_revised(rendered: str) -> dict[str, str]:
    """A redline's headings as the newer text has them, by their ids, HTML-escaped: what
    a page's table of contents should list. Its labels are the headings' whole text, so
    "## ~~5~~6. Fees" was listed as "56. Fees". Only the headings with a deletion in them
    are read (a heading holds no other, so each is found whole), not the whole page: on
    long redlines, parsing the page was 6% of the build process's time; and the others
    keep the title the toc gave them (read from the page, they had the permalink's "¶")."""
    titles = {}
    for found in _MARKED_HEADING.finditer(rendered):
        heading = lxml.html.fragment_fromstring(found.group(0))
        # (and the toc's permalink, a link to the heading itself: no part of its title)
        for left_out in heading.xpath(".//del|.//a[@href=$own]", own=f"#{heading.get('id')}"):
            left_out.drop_tree()
        titles[heading.get("id")] = html.escape(
            " ".join(heading.text_content().split()), quote=False
        )
    return titles


#: A heading with an id (as Python-Markdown's toc gives it) that holds a deletion.
_MARKED_HEADING = re.compile(
    r"""<(h[1-6])\b[^>]*\bid="[^"]*"[^>]*>  # the heading's start tag
    (?:(?!</\1>).)*?<del\b                 # a deletion before the heading ends
    .*?</\1>                               # the rest of the heading""",
    re.S | re.X,
)
