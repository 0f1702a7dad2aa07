"""Markdown rendered as HTML outside a site generator: feed entries, and the CLI's HTML
report (which must look as the site's pages do)."""

from __future__ import annotations

import html
import json
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
    "## ~~5~~6. Fees" was listed as "56. Fees"."""
    if "<del" not in rendered:
        return {}
    tree = lxml.html.fragment_fromstring(rendered, create_parent="div")
    for deleted in tree.xpath("//del"):
        deleted.drop_tree()
    return {
        heading.get("id"): html.escape(" ".join(heading.text_content().split()), quote=False)
        for heading in tree.xpath("//h1[@id]|//h2[@id]|//h3[@id]|//h4[@id]|//h5[@id]|//h6[@id]")
    }
