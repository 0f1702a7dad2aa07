"""What of a block makes it what it is, and where marks may go: a table row's pipes and
delimiter row, a setext underline, attr_list attributes stay outside the marks
(`structure`), and a block in the same place may be reshaped into another form
(`reshaped`: a heading's level, a paragraph made a heading). The engine pairs and
compares blocks by these; `emit` writes them."""

from __future__ import annotations

import re

from policydocs.redline import literal, markup
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import Block

#: A prefix that opens a list item: its marker, and a heading's `#`s after it (`2. #### …`,
#: as Mozilla numbers the sections of its terms).
LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]*(?:#{1,6}[ \t]*)?$")

#: Attributes Python-Markdown's attr_list gives a block (`markup.ATTRIBUTES`): on the
#: block's last line (its `BLOCK_RE`; Mozilla's `{: datetime="2024-03-18" }` under each
#: "Last Updated" line), or at the end of a heading (`HEADER_RE`: `## VPN {: #vpn }`).
_ATTRIBUTES_LINE = re.compile(rf"\n[ ]*{markup.ATTRIBUTES}\Z")

#: A table row's trailing pipe (its leading one is in its prefix, see `blocks`).
_TRAILING_PIPE = re.compile(r"[ \t]*(?<!\\)\|[ \t]*\Z")
_ATTRIBUTES_AFTER_HEADING = re.compile(rf"[ ]+{markup.ATTRIBUTES}\Z")


def structure(block: Block) -> str:
    """The end of a block that makes it what it is and holds no words, with the newline
    or spaces before it: a setext heading's underline, the delimiter row under a table's
    header, attributes. A mark in it would make the heading a paragraph, the table a
    paragraph of pipes, or print the attributes as text. It is shown as the new text has
    it (`pd-was` keeps the old one); "" for a block without one. A table row's trailing
    pipe is part of it, so that a table restyled with outer pipes (or without) is
    compared cell by cell, as its rows read the same."""
    if block.atomic:
        return ""
    content = block.content
    if block.kind == "tr":
        first, newline, _ = content.partition("\n")
        pipe = _TRAILING_PIPE.search(first)
        return content[pipe.start() if pipe else len(first) :] if pipe or newline else ""
    if "\n" not in content:
        found = _ATTRIBUTES_AFTER_HEADING.search(content) if block.kind == "heading" else None
        return found.group() if found else ""
    if block.kind == "heading":
        return content[content.rindex("\n") :]
    found = _ATTRIBUTES_LINE.search(content)
    return found.group() if found else ""


def same_structure(old: Block, new: Block) -> bool:
    """Whether two blocks' structures make the same kind of block, so that the old one
    can be restyled into the new one: an underline of the same level, a delimiter row of
    as many columns (`:---` against `---` is alignment only), attributes of any value
    (an anchor or a date no reader sees)."""
    was, now = structure(old), structure(new)
    if new.kind == "tr" and old.kind == "tr":
        return _columns(was) == _columns(now)
    if not was or not now or old.kind != new.kind:
        return was == now
    if was.startswith("\n") != now.startswith("\n"):
        return False
    if new.kind == "heading" and now.startswith("\n"):
        return was.strip()[0] == now.strip()[0]
    return True


def _columns(row_end: str) -> int | None:
    """The columns of a header row's delimiter row (from the row's structure), None for
    a row of the table's body."""
    if "\n" not in row_end:
        return None
    return row_end.rsplit("\n", 1)[1].strip().strip("|").count("|") + 1


def above(block: Block) -> str:
    """The block's content without its structure (where marks may go)."""
    return block.content[: len(block.content) - len(structure(block))]


def shown(block: Block) -> str | None:
    """The block's content where marks may go (`above`), with each emphasis delimiter the
    page shows as itself, and each `(` of a link address left open, written as such
    (`literal`); None where a mark could pair with one. (A table row's cells are read
    one by one, not as its paragraph.)"""
    content = above(block)
    if block.kind == "tr":
        return None if tk.loose_delimiters(content) or block.open_link else content
    return literal.shown(content)


def containers(block: Block) -> tuple[str, ...]:
    """The lists and quotes the block is in (its shape without a heading's level)."""
    return block.shape[:-1] if block.kind == "heading" else block.shape


def reshaped(old: Block, new: Block) -> str | None:
    """What a block in the same place but of another form was, if it was: a heading of
    another level (`###` made `##`), or a one-line paragraph made a heading (`__At
    Mozilla, …__` made `## At Mozilla, …`), or the reverse. One block reshaped, whose
    words are compared: shown deleted and inserted, a document whose headings all went
    up a level showed every heading moved and every section changed (issue 25, defect
    7). None for two blocks of one form, or of forms no block is made into here."""
    if containers(old) != containers(new) or old.shape == new.shape:
        return None
    kinds = {old.kind, new.kind}
    if kinds == {"paragraph", "heading"}:
        if "\n" in above(old) or "\n" in above(new) or structure(old) or structure(new):
            return None  # (an ATX heading is one line; a setext one's underline is no word)
    elif kinds != {"heading"}:
        return None
    return (
        "Was a paragraph" if old.kind == "paragraph" else f"Was a level {old.shape[-1][1:]} heading"
    )
