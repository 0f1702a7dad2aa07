"""A redline's Markdown written from its aligned steps: each block kept, marked word by
word, or shown whole (the marks' rules are `markup`'s), with the counts and the sections
that changed (`result`)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from policydocs.redline import forms, markup, rawhtml, references
from policydocs.redline import structure as st
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import Block
from policydocs.redline.result import Redline, Section


@dataclass
class Step:
    """One block of the merged document."""

    kind: str  # equal | changed | html | inserted | deleted
    old: Block | None = None
    new: Block | None = None
    ops: Sequence[tk.Op] = ()
    moved: int | None = None
    #: Two raw HTML blocks compared by their text (kind "html", see `rawhtml`).
    html: rawhtml.Marked | None = None


#: A line break inside a block, with the continuation prefix after it (`>`, indentation).
_CONTINUATION = re.compile(r"\n((?:[ \t]*>[ \t]?)*[ \t]*)")
#: A cell of a table's delimiter row (`:---:`), which no mark may hold.
_DELIMITER_CELL = re.compile(r"[ \t]*\n?[ \t]*:?-+:?[ \t]*")
#: What a heading's title, in the list of changed sections, leaves out of its source.
_HEADING_TEXT = re.compile(r"[*_`]|<[^>]+>")


def emit(steps: list[Step], names: Mapping[str, str]) -> Redline:
    """The redline's Markdown and counts; `names`: the definitions whose address changed
    (`references`)."""
    out: list[str] = []
    added = removed = reformatted = relinked = restyled = 0
    sections: list[Section] = []
    heading = ""
    section_open = False
    change = 0
    previous: Step | None = None
    for step in steps:
        after, previous = previous, step
        block = step.new or step.old
        assert block is not None
        if block.kind == "heading":
            heading = _heading_title(block.content)
            section_open = False
        if step.kind == "equal":
            out.append(block.source)
            continue
        separate = _needs_separator(after, step)
        lead = "\n" if separate else block.lead
        if step.kind in ("inserted", "deleted") and rawhtml.unseen(block):
            out.append(rawhtml.recorded(step.old, step.new, lead))  # (nothing a reader sees)
            continue
        recorded = _definition_moved(step, names, lead)
        if recorded is not None:
            out.append(recorded)
            continue
        if step.kind == "html":
            assert step.old is not None and step.new is not None and step.html is not None
            if not step.html.changed:  # (tags moved, spacing: nothing a reader sees)
                out.append(rawhtml.shown(step.html, step.old, step.new, "", lead))
                continue
        reshaped = made = False
        if step.kind == "changed":
            assert step.old is not None and step.new is not None
            reshaped = st.reshaped(step.old, step.new) is not None
            made = reshaped and step.old.kind != step.new.kind  # (a paragraph made a heading)
        reformatted += reshaped and not made  # (a heading's level)
        styles = forms.restyles(step.ops) if step.kind == "changed" else {}
        if step.kind == "changed" and not made and _unseen(step.ops, styles):
            # Only the layout changed (a renumbered list item, a re-wrapped line, `__`
            # written `**`): recorded, not a change.
            assert step.old is not None and step.new is not None
            out.append(_changed(step.old, step.new, step.ops, "", separate, styles=styles))
            continue
        change += 1
        anchor = f"pd-change-{change}"
        if not section_open:
            sections.append(Section(heading or "Introduction", anchor))
            section_open = True
        if step.kind == "html" or (step.kind != "changed" and rawhtml.shows(block)):
            side = tk.Kind.INSERT if step.kind == "inserted" else tk.Kind.DELETE
            marked = step.html or rawhtml.whole(block, side)
            out.append(rawhtml.shown(marked, step.old, step.new, anchor, lead))
            added += marked.words_added
            removed += marked.words_removed
            relinked += len(marked.relinked)
        elif step.kind == "changed":
            assert step.old is not None and step.new is not None
            links = tk.relinks(step.ops)
            out.append(_changed(step.old, step.new, step.ops, anchor, separate, links, styles))
            relinked += len(links)
            restyled += 1 if made else sum(map(bool, styles.values()))  # (one passage)
            counted = links.keys() | styles.keys()
            for index, op in enumerate(step.ops):
                if op.kind is tk.Kind.INSERT and index - 1 not in counted:
                    added += tk.words(op.tokens)
                elif op.kind is tk.Kind.DELETE and index not in counted:
                    removed += tk.words(op.tokens)
        else:
            kind = "ins" if step.kind == "inserted" else "del"
            if rawhtml.defines(block):
                shown = _whole(replace(block, lead="", end=""), kind, anchor, None, False)
                out.append(rawhtml.defined(step.old, step.new, lead, shown))
            else:
                out.append(_whole(block, kind, anchor, step.moved, separate))
            count = tk.words(tk.tokenize(block.content))
            if step.moved is None:
                added += count if kind == "ins" else 0
                removed += count if kind == "del" else 0
    return Redline("".join(out), added, removed, tuple(sections), reformatted, relinked, restyled)


def _definition_moved(step: Step, names: Mapping[str, str], lead: str) -> str | None:
    """A link reference definition inserted or deleted whose name both texts define at
    other addresses (`names`): recorded, not shown, for the links naming it say that
    their address changed; the new one stays a definition, for them. None for any other
    step."""
    block = step.new or step.old
    if step.kind not in ("inserted", "deleted") or not names or block is None:
        return None
    if not rawhtml.defines(block):
        return None
    if references.name_of(block.prefix + block.content.rstrip("\n")) not in names:
        return None
    if step.new is not None:
        return rawhtml.defined(None, step.new, lead, "")
    return rawhtml.recorded(step.old, None, lead)


def _unseen(ops: Sequence[tk.Op], styles: Mapping[int, str]) -> bool:
    """Whether the ops change nothing a reader sees: spacing, and forms that render alike
    (`styles`: `forms.restyles` of the ops)."""
    hidden = {index for index, title in styles.items() if not title}
    hidden |= {index + 1 for index in hidden}
    return all(
        op.kind is tk.Kind.EQUAL or op.space or index in hidden for index, op in enumerate(ops)
    )


def _changed(
    old: Block,
    new: Block,
    ops: Sequence[tk.Op],
    anchor: str,
    separate: bool,
    links: Mapping[int, str] = MappingProxyType({}),
    styles: Mapping[int, str] = MappingProxyType({}),
) -> str:
    """The block with its marks; `links`: the links whose address alone changed
    (`tokens.relinks`, which the caller has counted), by the index of their deletion;
    `styles`: likewise the passages whose form alone changed (`forms.restyles`)."""
    lead = "\n" if separate else new.lead
    was = {}
    if old.lead != new.lead or lead != new.lead:
        was["lead"] = [new.lead, old.lead]
    if old.prefix != new.prefix:
        was["prefix"] = [new.prefix, old.prefix]
    if st.structure(old) != st.structure(new):
        was["under"] = [st.structure(new), st.structure(old)]
    comment = markup.comment("pd-was", was) if was else ""
    in_table = new.kind == "tr"
    parts: list[str] = []
    first = True
    for index, op in enumerate(ops):
        text = op.text
        if op.kind is tk.Kind.EQUAL:
            if comment and not in_table and "\n" in text:
                text = text.replace("\n", comment + "\n", 1)
                comment = ""
            parts.append(text)
            continue
        name = "ins" if op.kind is tk.Kind.INSERT else "del"
        if index in links:  # (the old link, hidden on the page: the new one says it changed)
            opening = markup.LINK_GONE
        elif index - 1 in links:
            opening = markup.link_came(links[index - 1], f' id="{anchor}"' if first else "")
            first = False
        elif index in styles:  # (the old form, hidden on the page: the new one says it)
            opening = markup.FORM_GONE if styles[index] else markup.FORM_UNSEEN
        elif index - 1 in styles and styles[index - 1]:
            opening = markup.form_came(styles[index - 1], f' id="{anchor}"' if first else "")
            first = False
        elif op.space or index - 1 in styles:
            # (only how the words are spaced, or written: marked, never the change's anchor)
            opening = f'<{name} class="pd-{name} pd-space">'
        else:
            opening = f'<{name} class="pd-{name}"' + (f' id="{anchor}">' if first else ">")
            first = False
        if comment and not in_table and "\n" in text:
            # The first line ends inside this change: close the tag around the comment, so
            # that accepting or rejecting the change cannot remove the comment with it.
            head, tail = text.split("\n", 1)
            parts.append(
                f'{opening}{head}</{name}>{comment}<{name} class="pd-{name}">\n{tail}</{name}>'
            )
            comment = ""
            continue
        parts.append(f"{opening}{text}</{name}>")
    body = "".join(parts)
    structure = st.structure(new)
    reshaped = st.reshaped(old, new)
    if reshaped is not None:
        head = body[: len(body) - len(structure)]
        ident = f' id="{anchor}"' if first and anchor else ""  # (no mark took the anchor)
        opening = markup.FORMAT_OPEN.format(was=html.escape(reshaped), ident=ident)
        body = f"{opening}{head}{markup.FORMAT_CLOSE}{structure}"
    if comment and structure and not structure.startswith("\n"):
        # Before what ends the first line: a heading's attributes, a row's last pipe
        # (after it, Python-Markdown sees no table).
        body = body[: len(body) - len(structure)] + comment + structure
    elif comment:
        end = body.find("\n")
        end = len(body) if end < 0 else end
        body = body[:end] + comment + body[end:]
    return lead + new.prefix + body + new.end


def _needs_separator(previous: Step | None, step: Step) -> bool:
    """A block right after a block that only the other version has, with no blank line
    between, would merge into it when rendered (a paragraph lazily continuing a list item).
    A blank line keeps them apart; the markup says it belongs to neither text."""
    if previous is None or previous.kind not in ("inserted", "deleted") or step.kind == "equal":
        return False
    if previous.kind == step.kind:
        return False
    block, other = step.new or step.old, previous.new or previous.old
    assert block is not None and other is not None
    # Items of one list (each opens with its marker) or rows of one table may follow each
    # other directly; paragraphs, quoted ones too, would merge. A table's header row (which
    # holds its delimiter row too) always starts a new table.
    if block.kind != other.kind or block.shape != other.shape:
        return block.lead == ""
    if block.kind == "tr":
        return block.lead == "" and "\n" in block.content
    # (an item after an item's later paragraph would continue that paragraph)
    items = st.LIST_ITEM.search(block.prefix) and st.LIST_ITEM.search(other.prefix)
    return block.lead == "" and not items


def _whole(block: Block, kind: str, anchor: str, moved: int | None, separate: bool) -> str:
    classes = f"pd-{kind} pd-block" + (" pd-moved" if moved is not None else "")
    ident = f' id="{anchor}"'
    if moved is not None:
        ident += f' data-pd-move="{moved}"'
    if separate:
        ident += ' data-pd-lead=""'
        block = replace(block, lead="\n")
    if block.atomic or block.open_tags:
        escaped = html.escape(block.prefix + block.content, quote=False).replace("\n", "&#10;")
        kind_attribute = f' data-pd-kind="{block.kind}"'
        return (
            f'{block.lead}<pre class="{classes}"{ident}{kind_attribute}>{escaped}</pre>{block.end}'
        )
    tag_open = f'<{kind} class="{classes}"{ident}>'
    later_open = f'<{kind} class="{classes}">'
    close = f"</{kind}>"
    under = st.structure(block)  # (never inside a mark: it goes with its block)
    content = st.shown(block) or st.above(block)
    if block.kind == "tr":
        cells = re.split(r"((?<!\\)\|)", content)
        wrapped, opened = [], False
        for cell in cells:
            if cell == "|" or not cell.strip() or _DELIMITER_CELL.fullmatch(cell):
                wrapped.append(cell)
                continue
            inner = cell.strip()
            lead_space = cell[: len(cell) - len(cell.lstrip())]
            tail_space = cell[len(cell.rstrip()) :]
            wrapped.append(
                f"{lead_space}{later_open if opened else tag_open}{inner}{close}{tail_space}"
            )
            opened = True
        if not opened:  # (a row of empty cells: an empty mark says whose row it is)
            cell = 2 if len(wrapped) > 2 and not wrapped[0].strip() else 0
            wrapped[cell] += f"{tag_open}{close}"
        return block.lead + block.prefix + "".join(wrapped) + under + block.end
    lines = _CONTINUATION.split(content)
    # lines alternates: first line, prefix, line, prefix, line…
    body = [f"{tag_open}{lines[0]}{close}"]
    for index in range(1, len(lines), 2):
        body.append(f"\n{lines[index]}{later_open}{lines[index + 1]}{close}")
    return block.lead + block.prefix + "".join(body) + under + block.end


def _heading_title(content: str) -> str:
    return " ".join(_HEADING_TEXT.sub("", content).split()).rstrip("#").strip()
