"""Split Markdown into leaf blocks (headings, paragraphs, list-item paragraphs, table rows…).

A redline aligns blocks before it compares words, so that a change never runs across a block
boundary. markdown-it-py (a CommonMark parser) finds the blocks and their line ranges; this
module adds what the redline needs on top: each block's structural prefix (list markers,
`>`, heading `#`s, indentation), which must stay outside `<ins>`/`<del>`, and the blank lines
before it. Joining every block's `source` gives back the text exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

#: Blocks whose inside cannot carry inline tags: they are compared and shown whole.
ATOMIC = frozenset({"fence", "code_block", "html_block", "hr", "other"})

_QUOTES = r"(?:[ \t]*>[ \t]?)*"
_LIST_MARKER = rf"{_QUOTES}[ \t]*(?:[-*+]|\d{{1,9}}[.)])(?:[ \t]+|$)"
_HEADING = re.compile(r"#{1,6}(?:[ \t]+|$)")


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


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def split(text: str) -> tuple[list[Block], str]:
    """The text's blocks and what follows the last one; `join` reverses it exactly."""
    lines = text.split("\n")
    leaves = _leaves(text, len(lines))
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
    return blocks, tail


def join(blocks: list[Block], tail: str) -> str:
    return "".join(block.source for block in blocks) + tail


def _leaves(text: str, line_count: int) -> list[tuple[int, int, str, tuple[str, ...], int]]:
    """(start, end, kind, shape, list markers on the first line) for each leaf block."""
    leaves: list[tuple[int, int, str, tuple[str, ...], int]] = []
    containers: list[tuple[str, int]] = []  # (name, first line)
    covered = [False] * line_count
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
        if kind == "heading":
            shape += (token.tag,)
        markers = sum(1 for c, first in containers if c == "list_item" and first == start)
        leaves.append((start, end, kind, shape, markers))
        for line in range(start, end):
            covered[line] = True
    # Lines no leaf covers but that hold text (a table's delimiter row, link reference
    # definitions) become blocks of their own, so nothing is lost from the text.
    for line, text_line in enumerate(text.split("\n")):
        if not covered[line] and text_line.strip():
            leaves.append((line, line + 1, "other", (), 0))
    leaves.sort()
    return leaves


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
    return line[:end]
