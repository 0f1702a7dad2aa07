"""A redline read as a browser shows it: rendered by Python-Markdown, as the site renders its
pages, with every change accepted or every change rejected, to compare with the version
pages' own rendering (issue 25: the page must say what each version's page says)."""

from __future__ import annotations

import re

import markdown as md
from lxml import etree
from lxml import html as lxml_html

from policydocs.redline.markup import accept, reject

#: The extensions real policy repositories' sites use on top of the site's own lists rule:
#: tables, and attr_list (Mozilla's `{: datetime="…" }` and `{: #anchor }`).
SITE = ("tables", "attr_list", "policydocs.site.lists")

#: Headings stay headings, list items list items, rows rows, code code, quoted paragraphs
#: quoted. How items group into lists or quotes is not compared: Python-Markdown joins two
#: lists (or two quotes) separated by a blank line into one, while in a redline a deleted
#: block between them keeps them apart.
BLOCK_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "tr", "pre"})
_BLOCKS = "//li|//p|//h1|//h2|//h3|//h4|//h5|//h6|//tr|//blockquote|//ul|//ol|//table"
_LITERAL_MARK = re.compile(r"&lt;(?:ins|del|pre) class=&quot;pd-|&lt;!--pd-")
_MARK = re.compile(r'<(ins|del) class="pd-[^"]*"[^>]*>(.*?)</\1>', re.DOTALL)


def tree(markdown_text: str, extensions: tuple[str, ...] = SITE) -> etree._Element:
    return lxml_html.fragment_fromstring(
        md.markdown(markdown_text, extensions=list(extensions)), create_parent="div"
    )


def page(markdown_text: str, extensions: tuple[str, ...] = SITE) -> etree._Element:
    """A version's page, without its empty blocks (which a resolved redline loses)."""
    return _without_empty_blocks(tree(markdown_text, extensions))


def resolved(redline_markdown: str, side: str, extensions: tuple[str, ...] = SITE):
    """The rendered redline with one side's marks kept ("ins": the new version) and the
    other's removed. A block shown as its source (`<pre class="pd-… pd-block">`) is read as
    the Markdown it holds, as the version's page reads it."""
    drop = "del" if side == "ins" else "ins"
    rendered = tree(redline_markdown, extensions)
    for element in rendered.xpath(f"//{drop}[contains(@class, 'pd-{drop}')]"):
        element.drop_tree()
    for element in rendered.xpath(f"//pre[contains(@class, 'pd-{drop}')]"):
        element.drop_tree()
    for element in rendered.xpath(f"//{side}[contains(@class, 'pd-{side}')]"):
        element.drop_tag()
    for element in rendered.xpath("//span[@class='pd-format']"):
        if side == "del":  # (the heading is shown at its new level, and says its old one)
            element.getparent().tag = "h" + element.get("title").rsplit(" ", 2)[-2]
        element.drop_tag()
    for element in rendered.xpath(f"//pre[contains(@class, 'pd-{side}')]"):
        source = tree(element.text_content(), extensions)
        parent = element.getparent()
        at = parent.index(element)
        for offset, child in enumerate(source):
            parent.insert(at + offset, child)
        element.drop_tree()
    return _without_empty_blocks(rendered)


def _without_empty_blocks(rendered):
    # A block whose every word was a whole-block deletion is gone from that side.
    for element in rendered.xpath(_BLOCKS):
        if not element.text_content().strip() and not element.xpath(".//img"):
            element.drop_tree()
    return rendered


def skeleton(rendered) -> list[str]:
    shape = []
    for element in rendered.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in BLOCK_TAGS:
            shape.append(element.tag)
        elif element.tag == "p" and element.xpath("ancestor::blockquote"):
            shape.append("quoted")
    return shape


def text(rendered) -> str:
    return " ".join(rendered.text_content().split())


def addresses(rendered) -> list[str]:
    """Every link's address: a mark inside one would change it (and swallow text)."""
    return rendered.xpath("//a/@href")


def differences(
    old: str, new: str, redline_markdown: str, extensions: tuple[str, ...] = SITE
) -> list[str]:
    """What the redline gets wrong, by name; [] when it is exact: accepting and rejecting
    give both texts, the rendered page holds no mark as text and no block inside a mark,
    and each side renders with the words, blocks and link addresses of its version's page."""
    found = []
    if accept(redline_markdown) != new:
        found.append("accept")
    if reject(redline_markdown) != old:
        found.append("reject")
    html_text = md.markdown(redline_markdown, extensions=list(extensions))
    if _LITERAL_MARK.search(html_text):
        found.append("a mark shown as text")
    rendered = tree(redline_markdown, extensions)
    for mark in rendered.xpath("//ins|//del"):
        if mark.xpath(".//p|.//li|.//ul|.//ol|.//h1|.//h2|.//h3|.//table|.//tr|.//blockquote"):
            found.append("a block inside a mark")
            break
    for side, version, name in (("ins", new, "new"), ("del", old, "old")):
        shown, own = resolved(redline_markdown, side, extensions), page(version, extensions)
        for check in (text, skeleton, addresses):
            if check(shown) != check(own):
                found.append(f"{check.__name__} of the {name} version")
    return found


def split_words(redline_markdown: str) -> list[str]:
    """Marks that begin or end inside a word (`Licens<del>ee</del>`)."""
    split = []
    for match in _MARK.finditer(redline_markdown):
        inner = match.group(2)
        before = redline_markdown[match.start() - 1 : match.start()]
        after = redline_markdown[match.end() : match.end() + 1]
        if (before.isalnum() and inner[:1].isalnum()) or (after.isalnum() and inner[-1:].isalnum()):
            split.append(match.group(0))
    return split
