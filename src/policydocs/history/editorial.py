"""Whether a revision changes what a reader sees (*material*) or only how its source is
written (*editorial*): whitespace, line wrapping, the Markdown syntax chosen for the same
structure (`*` or `-` bullets, `_` or `*` emphasis, setext or ATX headings).

Editorial revisions keep their version pages (nothing is lost) but are not announced in
the default feeds and calendar. A file may say which it is (`change: editorial |
material`), for what no rule can see, such as a fixed typo.

Two texts render identically when their CommonMark token streams (markdown-it, the parser
the redline engine reads blocks with) agree on every token's type, tag, attributes and
text, whitespace runs taken as one space; the markers that wrote them, and HTML comments,
are ignored. Most revisions change a word: a comparison of the texts' letters and digits
alone finds that first, so most pairs are never parsed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from enum import StrEnum

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: ASCII punctuation and whitespace, deleted by `str.translate` (fast: a regular expression
#: over every word of a 15 KB text took 30 times as long). Other punctuation stays, so a
#: change of it is material: unsure, the rule announces.
_DROP = str.maketrans("", "", string.punctuation + string.whitespace)
#: HTML that shows nothing (`<!-- markdownlint-disable -->`).
_COMMENT = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.DOTALL)
_ANY_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SPACE = re.compile(r"\s+")
_PARSER = MarkdownIt("commonmark").enable("table")


class Change(StrEnum):
    MATERIAL = "material"
    EDITORIAL = "editorial"


class ChangeSource(StrEnum):
    #: The file says so (`change:`).
    DECLARED = "front-matter"
    #: Found by comparing the texts as rendered.
    RENDERED = "rendered"


def words(text: str) -> str:
    """The text without HTML comments, ASCII punctuation and whitespace: what a change of
    words must change."""
    return (_ANY_COMMENT.sub("", text) if "<!--" in text else text).translate(_DROP)


def renders_identically(old: str, new: str) -> bool:
    """Whether the two Markdown texts render to the same page."""
    if words(old) != words(new):
        return False
    return list(_rendered(old)) == list(_rendered(new))


def _rendered(text: str) -> Iterator[tuple[object, ...]]:
    """What each token contributes to the page, markers and source positions left out."""
    for token in _PARSER.parse(text):
        if token.type == "inline":
            yield from _inline(token.children or [])
        elif not (token.type == "html_block" and _COMMENT.fullmatch(token.content)):
            yield _block(token)


def _block(token: Token) -> tuple[object, ...]:
    content = token.content if token.type in ("code_block", "fence") else _space(token.content)
    info = token.info.strip() if token.type == "fence" else ""  # (rendered as a class)
    # `hidden`: a tight list's paragraphs are rendered without <p>
    return (token.type, token.tag, tuple(sorted(token.attrs.items())), token.hidden, info, content)


def _inline(children: list[Token]) -> Iterator[tuple[object, ...]]:
    """Inline tokens, runs of text and line breaks inside a paragraph joined (a source
    line break renders as a space)."""
    text: list[str] = []
    for child in children:
        if child.type in ("text", "softbreak"):
            text.append(child.content if child.type == "text" else " ")
            continue
        if child.type == "html_inline" and _COMMENT.fullmatch(child.content):
            continue
        if text:
            yield ("text", _space("".join(text)))
            text = []
        yield (child.type, child.tag, tuple(sorted(child.attrs.items())), _space(child.content))
    if text:
        yield ("text", _space("".join(text)))


def _space(text: str) -> str:
    return _SPACE.sub(" ", text)


def unseen_changes(
    old_body: str, new_body: str, old_keys: dict[str, object], new_keys: dict[str, object]
) -> str:
    """What changed in a revision that reads the same (an editorial one), for its changes
    page to say rather than leave a reader looking for a difference."""
    parts = []
    removed = sorted(str(key) for key in old_keys.keys() - new_keys.keys())
    added = sorted(str(key) for key in new_keys.keys() - old_keys.keys())
    changed = sorted(
        str(key) for key in old_keys.keys() & new_keys.keys() if old_keys[key] != new_keys[key]
    )
    for keys, what in ((removed, "removed"), (added, "added"), (changed, "changed")):
        if keys:
            quoted = ", ".join("\u2018" + key + "\u2019" for key in keys)
            parts.append(f"{quoted} {what}")
    if parts:
        parts = [f"front matter that no page shows ({'; '.join(parts)})"]
    if old_body != new_body:
        parts.append("how the Markdown is written (spacing, line breaks or markers)")
    return " and ".join(parts) or "details that no page shows"
