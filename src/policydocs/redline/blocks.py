"""Split Markdown into leaf blocks (headings, paragraphs, list-item paragraphs, table rows…).

A redline aligns blocks before it compares words, so that a change never runs across a block
boundary. markdown-it-py (a CommonMark parser) finds the blocks and their line ranges; this
module adds what the redline needs on top: each block's structural prefix (list markers,
`>`, heading `#`s, indentation), which must stay outside `<ins>`/`<del>`, and the blank lines
before it. Joining every block's `source` gives back the text exactly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import cachetools
from markdown_it import MarkdownIt

#: Blocks whose inside cannot carry inline tags: they are compared and shown whole.
ATOMIC = frozenset({"fence", "code_block", "html_block", "hr", "other"})

_QUOTES = r"(?:[ \t]*>[ \t]?)*"
_LIST_MARKER = rf"{_QUOTES}[ \t]*(?:[-*+]|\d{{1,9}}[.)])(?:[ \t]+|$)"
_HEADING = re.compile(r"#{1,6}[ \t]*")
_LEADING_PIPE = re.compile(r"\|[ \t]*")


@dataclass(frozen=True)
class Block:
    #: markdown-it's name for the block ("paragraph", "heading", "tr", "fence", …), or "other".
    kind: str
    #: What the block sits in, e.g. ("ordered_list", "bullet_list", "blockquote"), plus the
    #: heading level: blocks are only word-compared with blocks of the same shape.
    shape: tuple[str, ...]
    #: Blank lines before the block (the text before the first block, for the first one).
    lead: str
    #: The first line's structural prefix: list markers, `>`, heading `#`s, indentation.
    prefix: str
    #: Everything after the prefix, continuation lines included ("\n" + their own prefix).
    content: str
    #: The newline ending the block's last line ("" at the end of a file without one).
    end: str = ""

    @property
    def source(self) -> str:
        return self.lead + self.prefix + self.content + self.end

    @property
    def atomic(self) -> bool:
        return self.kind in ATOMIC

    @cached_property
    def open_tags(self) -> bool:
        """Whether an inline HTML element here opens on one line and closes on another: a
        mark around either tag (made line by line, word by word) would split the element,
        so such a block is shown as its source when a change touches a tag."""
        return "<" in self.content and any(map(_unbalanced, self.content.split("\n")))

    @cached_property
    def open_link(self) -> bool:
        """Whether a link's address opens (`](`) and its parentheses never close: read as
        text on the version's page, but Python-Markdown looks as far as the block's end
        for the closing one, and a `)` in an inserted word after it would make the rest
        of the paragraph, marks and all, the link's address (Basecamp's taxes policy).
        (`literal` escapes its `(` where the page reads it as text.)"""
        return bool(open_links(self.content))


@cache
def _parser() -> MarkdownIt:
    # Block structure only: inline parsing is a third of the time and tells us nothing here.
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


#: How much text `split` keeps split: at most this many characters, and at most
#: `SPLIT_CACHE_TEXTS` texts (each counts as at least its share of the characters). A
#: split text holds about three times its size again (blocks and their strings: 636 KB
#: for a 205 KB text), and a worker is given its own copy of each text, so this much text
#: costs about 4x it. A build needs few: it sends a policy's comparisons in the order of
#: its versions, so the texts asked for again are the one just compared and the one in
#: force. Every text of 10 x 30 (12 KB), 20 x 50 and 2 x 100 (200 KB) versions was split
#: once with 8 kept (with 4, on 10 x 30 and 2 x 100); keeping all of them (16 million
#: characters) gave a worker 43 MB of its own on 10 x 30 instead of 34, where a plain
#: MkDocs build of the same pages peaks at 69 MB.
SPLIT_CACHE_CHARS = 4_000_000
SPLIT_CACHE_TEXTS = 16


def _text_size(split_text: tuple[tuple[Block, ...], str]) -> int:
    blocks, tail = split_text
    size = sum(len(block.source) for block in blocks) + len(tail)
    return max(size, SPLIT_CACHE_CHARS // SPLIT_CACHE_TEXTS)


@cachetools.cached(
    cachetools.LRUCache(maxsize=SPLIT_CACHE_CHARS, getsizeof=_text_size), lock=threading.Lock()
)
def split(text: str) -> tuple[tuple[Block, ...], str]:
    """The text's blocks and what follows the last one; `join` reverses it exactly.

    Cached: in a site build each version is the new side of one redline and the old side of
    the next, and both sides of others (compared with the version in force, in feeds).
    Bounded by the texts' size as well as their number: 512 texts of 200 KB held 430 MB
    in each worker; 4 million characters keep sixteen 12 KB or 200 KB texts, or four
    1 MB ones."""
    lines = text.split("\n")
    leaves: list[Leaf] = []
    for start, end in _chunks(lines):
        chunk = "\n".join(lines[start:end])
        for top, bottom, kind, shape, markers in _leaves(chunk):
            leaves.append((top + start, bottom + start, kind, shape, markers))
    blocks: list[Block] = []
    cursor = 0
    for start, end, kind, shape, markers in leaves:
        lead = "".join(line + "\n" for line in lines[cursor:start])
        first = lines[start]
        prefix = _prefix(first, kind, markers)
        rest = "".join("\n" + line for line in lines[start + 1 : end])
        newline = "\n" if end < len(lines) else ""
        blocks.append(Block(kind, shape, lead, prefix, first[len(prefix) :] + rest, newline))
        cursor = end
    tail = "\n".join(lines[cursor:]) if cursor < len(lines) else ""
    return tuple(blocks), tail


#: An HTML tag in inline text (comments, declarations and processing instructions aside).
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>")
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


def tag_events(text: str) -> Iterator[tuple[bool, str]]:
    """Each element opened or closed in `text`, in order, as (closing, name); void and
    self-closing elements, which neither open nor close one, are left out."""
    for match in TAG.finditer(text):
        if match.group(2).lower() not in _VOID and not match.group(0).endswith("/>"):
            yield bool(match.group(1)), match.group(2).lower()


def _unbalanced(text: str) -> bool:
    """Whether an element opens in `text` and does not close there, or the other way."""
    open_tags: list[str] = []
    for closing, name in tag_events(text):
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return True
    return bool(open_tags)


def open_links(text: str) -> list[int]:
    """Where the `(` is of each link address that opens (`](`) and never closes."""
    found = []
    at = text.find("](")
    while at >= 0:
        following = text.find("](", at + 2)
        if _unclosed(text[at + 2 : following if following >= 0 else len(text)]):
            found.append(at + 1)
        at = following
    return found


def _unclosed(address: str) -> bool:
    """Whether the parenthesis opening `address` (what follows a link's `](`) is never
    closed before the end of the block."""
    depth = 1
    for char in re.findall(r"\\.|[()]", address):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return False
    return True


def join(blocks: tuple[Block, ...] | list[Block], tail: str) -> str:
    return "".join(block.source for block in blocks) + tail


_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
#: HTML blocks that may hold blank lines (CommonMark types 1 to 5), and how each ends.
_HTML_OPEN = re.compile(
    r" {0,3}<(?:(pre|script|style|textarea)[\s>]|(!--)|(\?)|(![A-Za-z])|(!\[CDATA\[))", re.I
)
_HTML_CLOSE = {2: "-->", 3: "?>", 4: ">", 5: "]]>"}


def _chunks(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges that CommonMark parses independently: a new chunk starts at a heading
    line after a blank line, unless a fence or a multi-line HTML block is open. Sections are
    what stays the same between versions, and few chunks keep the parser's per-call cost low.

    Parsing chunk by chunk gives the same leaf blocks, prefixes and containers as parsing
    the whole text (a list interrupted by a blank line may become two lists; nothing here
    depends on that), and lets identical chunks of two versions be parsed once."""
    chunks = []
    start = 0
    fence: str | None = None
    html_end: str | None = None
    for index, line in enumerate(lines):
        if fence is not None:
            if line.lstrip(" ").startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            continue
        if html_end is not None:
            if html_end.lower() in line.lower():
                html_end = None
            continue
        if index > start and line[:1] == "#" and not lines[index - 1].strip():
            chunks.append((start, index))
            start = index
        opened = _FENCE.match(line)
        if opened:
            fence = opened.group(1)
            continue
        html = _HTML_OPEN.match(line)
        if html:
            closing = f"</{html.group(1)}>" if html.group(1) else _HTML_CLOSE[html.lastindex or 2]
            if closing.lower() not in line[html.end() :].lower():
                html_end = closing
    chunks.append((start, len(lines)))
    return chunks


Leaf = tuple[int, int, str, tuple[str, ...], int]

#: A line that cannot open any CommonMark block but a paragraph: it starts with a letter or
#: an opening quote or bracket (not a list marker, `#`, `>`, `<`, `[`, indentation, rule or
#: setext underline) and has no `|` (no table row).
_PLAIN = re.compile(r"[^\W\d_][^|]*|[(\"'\u201c\u2018][^|]*")
_ATX = re.compile(r"(#{1,6})(?:[ \t]|$)")


@lru_cache(maxsize=8192)
def _leaves(text: str) -> tuple[Leaf, ...]:
    """(start, end, kind, shape, list markers on the first line) for each leaf block."""
    return _prose_leaves(text) or _parsed_leaves(text)


def _prose_leaves(text: str) -> tuple[Leaf, ...] | None:
    """The blocks of a chunk of plain prose (an optional ATX heading, then paragraphs),
    found without the parser; None when any line could be something else."""
    lines = text.split("\n")
    leaves: list[Leaf] = []
    first = 0
    heading = _ATX.match(lines[0]) if lines else None
    if heading:
        leaves.append((0, 1, "heading", (f"h{len(heading.group(1))}",), 0))
        first = 1
    start = None
    for index in range(first, len(lines) + 1):
        line = lines[index] if index < len(lines) else ""
        if not line.strip():
            if start is not None:
                leaves.append((start, index, "paragraph", (), 0))
                start = None
            continue
        if not _PLAIN.fullmatch(line):
            return None
        if start is None:
            start = index
    return tuple(leaves)


def _parsed_leaves(text: str) -> tuple[Leaf, ...]:
    leaves: list[Leaf] = []
    containers: list[tuple[str, int]] = []  # (name, first line)
    lines = text.split("\n")
    covered = [False] * len(lines)
    for token in _parser().parse(text):
        name = token.type.removesuffix("_open").removesuffix("_close")
        if token.type.endswith("_open") and name in _CONTAINERS:
            containers.append((name, token.map[0] if token.map else -1))
            continue
        if token.type.endswith("_close") and containers and containers[-1][0] == name:
            containers.pop()
            continue
        if token.map is None or token.type not in _LEAF_TYPES:
            continue
        start, end = token.map
        kind = token.type.removesuffix("_open")
        if kind == "tr" and containers and containers[-1][0] == "thead":
            end += 1  # a table's header row and its delimiter row are one block
        shape = tuple(c for c, _ in containers if c not in ("list_item", "thead"))
        if kind == "heading" and not shape and token.markup[:1] == "#" and lines[start][:1] == " ":
            # ` ## Title`: a heading to CommonMark, text to Python-Markdown, which wants the
            # `#` at the line's start; a paragraph's next line, if one is open.
            previous = leaves[-1] if leaves else None
            if previous is not None and previous[1:4] == (start, "paragraph", ()):
                leaves[-1] = (previous[0], end, "paragraph", (), previous[4])
                covered[start:end] = [True] * (end - start)
                continue
            kind = "paragraph"
        elif kind == "heading":
            shape += (token.tag,)
        elif kind == "paragraph" and not shape and end == start + 1:
            tight = _TIGHT_HEADING.match(lines[start])
            if tight:  # (see `_TIGHT_HEADING`)
                kind, shape = "heading", (f"h{len(tight.group(1))}",)
        markers = sum(1 for c, first in containers if c == "list_item" and first == start)
        leaves.append((start, end, kind, shape, markers))
        for line in range(start, end):
            covered[line] = True
    # Lines no leaf covers but that hold text (a table's delimiter row, link reference
    # definitions) become blocks of their own, so nothing is lost from the text.
    for line, text_line in enumerate(lines):
        if not covered[line] and text_line.strip():
            leaves.append((line, line + 1, "other", (), 0))
    leaves.sort()
    return tuple(leaves)


#: `###Questions?`: a paragraph to CommonMark, which wants a space after the `#`s, but a
#: heading to Python-Markdown, which renders the pages (Mozilla's Dutch MDN Plus notice; a
#: no-break space after them in its Spanish Pocket terms).
_TIGHT_HEADING = re.compile(r"[ ]{0,3}(#{1,6})(?=[^# \t])")

_CONTAINERS = frozenset({"bullet_list", "ordered_list", "list_item", "blockquote", "thead"})
_LEAF_TYPES = frozenset(
    {"paragraph_open", "heading_open", "tr_open", "fence", "code_block", "html_block", "hr"}
)


def _prefix(line: str, kind: str, markers: int) -> str:
    if kind in ATOMIC:
        return ""
    pattern = "^" + _LIST_MARKER * markers + _QUOTES + r"[ \t]*"
    prefix = re.match(pattern, line)
    end = prefix.end() if prefix else 0
    if kind == "heading":
        heading = _HEADING.match(line, end)
        end = heading.end() if heading else end
    elif kind == "tr":  # (a table's leading pipe: with or without one, the same row)
        pipe = _LEADING_PIPE.match(line, end)
        end = pipe.end() if pipe else end
    return line[:end]
