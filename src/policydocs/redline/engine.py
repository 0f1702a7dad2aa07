"""Redlines: the new version's full text with deletions and insertions marked, like a lawyer's
Word comparison, as Markdown that still renders as the same document.

How: split both texts into blocks; align blocks (`anchors`: blocks unique to both texts
first, then diff-match-patch between them, one character per block); inside a run of
changed blocks, pair old and new blocks of the same shape by word overlap, keeping their
order (greedy pairing by similarity alone misaligns repeated legal boilerplate; see
`pairing`), or by a sentence they share (paragraphs: see `sentences`); compare paired
blocks word by word; show unpaired blocks whole, and as moved when the same block was
deleted in one place and inserted in another.

The markup (see `markup.py` for the exact rules and for `accept`/`reject`, which remove it):
* `<ins class="pd-ins">` / `<del class="pd-del">`: changed words inside a block. Structural
  prefixes (`#`, `-`, `1.`, `>`, `|`) stay outside them.
* `class="… pd-block"`: the whole content of an inserted or deleted block, line by line (cell
  by cell in a table row); `pd-moved` when it moved. Blocks that cannot hold tags (code,
  rules) are shown as `<pre class="pd-block …">` holding their escaped source; raw HTML is
  shown as HTML, compared by its text (`rawhtml`).
* `<!--pd-was {…}-->` at the end of a block's first line: the prefix or blank lines the block
  had in the old version (a renumbered list item), so the old text can be rebuilt exactly.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import replace

from policydocs.redline import anchors, forms, markup, pairing, rawhtml, references, sentences
from policydocs.redline import structure as st
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import Block, split
from policydocs.redline.emit import Step, emit
from policydocs.redline.result import Redline

#: Part of the cache key: bump when the output for the same two texts changes.
ENGINE_VERSION = "19"

#: The search work (see `tokens.Budget`) one redline may do, for all its diffs together:
#: about half a second of this machine's time, so that with the rest of its work (linear
#: in the texts' size) a redline of two 1 MB texts takes under 2 s (`nox -s bench`). Real
#: revisions need a small part of it; past it, a redline is coarser (what is left is
#: shown deleted and inserted whole), never wrong, and the same on any machine.
REDLINE_WORK = 1_000_000
#: Aligning blocks may spend at most this share of it, so that word diffs keep theirs:
#: past it, pairing by word overlap still finds blocks edited in place.
ALIGNMENT_SHARE = 0.5

#: Tokens of a table's structure: a change to one means its columns changed.
_TABLE_SYNTAX = frozenset({"|", "-", ":"})
#: A deleted and an inserted block count as one moved block from this many words on.
MOVE_MIN_WORDS = 4


def redline(old_text: str, new_text: str) -> Redline:
    """Compare two versions of a policy's Markdown (front matter removed)."""
    old_blocks, old_tail = split(_with_final_newline(old_text))
    new_blocks, new_tail = split(_with_final_newline(new_text))
    steps = list(_align(old_blocks, new_blocks, tk.Budget(REDLINE_WORK)))
    _mark_moves(steps)
    names = references.moved(old_blocks, new_blocks)
    if names:
        steps = [_with_old_links(step, names) for step in steps]
    result = emit(steps, names)
    # What follows the last block (blank lines, a missing final newline) cannot carry
    # tags; when it differs, a comment at the end records both sides.
    document: dict[str, list[object]] = {}
    if old_tail != new_tail:
        document["tail"] = [new_tail, old_tail]
    if not (old_text.endswith("\n") and new_text.endswith("\n")):
        document["eol"] = [new_text.endswith("\n"), old_text.endswith("\n")]
    markdown = result.markdown + new_tail
    if document:
        markdown += markup.comment("pd-doc", document) + "\n"
    return replace(result, markdown=markdown)


def _with_old_links(step: Step, names: Mapping[str, str]) -> Step:
    """The step with the links naming a definition whose address changed (`names`, see
    `references`) shown as each version's page shows them: in the old text's words, at
    the old address; where both texts have one, as a link whose address alone changed."""
    block = step.new or step.old
    assert block is not None
    if block.atomic or rawhtml.shows(block):
        return step
    if step.kind == "deleted" and step.old is not None:
        content = references.old_text(step.old.content, names)
        return replace(step, old=replace(step.old, content=content))
    if step.kind == "equal" and references.holds(block.content, names):
        above, structure = st.above(block), st.structure(block)
        ops = [tk.Op(tk.Kind.EQUAL, tuple(tk.tokenize(above))), tk.Op(tk.Kind.EQUAL, (structure,))]
        return replace(step, kind="changed", ops=references.relinked(ops, names))
    if step.kind == "changed":
        return replace(step, ops=references.relinked(step.ops, names))
    return step


def _with_final_newline(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


Unit = tuple[Block, ...]


def _align(
    old: tuple[Block, ...], new: tuple[Block, ...], budget: tk.Budget, *, tables: bool = True
) -> Iterator[Step]:
    """Align blocks; a table is aligned as one unit first, and its rows only against the rows
    of the table it pairs with, so that no row is shown inside another table."""
    old_units, new_units = _units(old, tables), _units(new, tables)
    search = budget.part(int(REDLINE_WORK * ALIGNMENT_SHARE)) if tables else budget
    ops = anchors.diff([_source(u) for u in old_units], [_source(u) for u in new_units], search)
    i = j = 0
    pending_old: list[Unit] = []
    pending_new: list[Unit] = []
    for op in ops:
        count = len(op.tokens)
        if op.kind is tk.Kind.EQUAL:
            if pending_old or pending_new:
                # An item's later paragraphs and nested lists kept after its changed first
                # paragraph are paired with it: kept under an item that took its place,
                # they read as that item's in the old version (see `_heads`).
                inside = _continuing(old_units[i : i + count])
                pending_old.extend(old_units[i : i + inside])
                pending_new.extend(new_units[j : j + inside])
                i, j, count = i + inside, j + inside, count - inside
                if not count:
                    continue  # (the item goes on, and its run with it)
                yield from _pair(pending_old, pending_new, budget)
                pending_old, pending_new = [], []
            for offset in range(count):
                for a, b in zip(old_units[i + offset], new_units[j + offset], strict=True):
                    yield Step("equal", a, b)
            i += count
            j += count
        elif op.kind is tk.Kind.DELETE:
            pending_old.extend(old_units[i : i + count])
            i += count
        else:
            pending_new.extend(new_units[j : j + count])
            j += count
    yield from _pair(pending_old, pending_new, budget)


def _units(blocks: tuple[Block, ...], tables: bool) -> list[Unit]:
    """Blocks grouped for alignment: each table (its rows, one after another) is one unit."""
    units: list[list[Block]] = []
    for block in blocks:
        continues_table = (
            tables
            and block.kind == "tr"
            and not block.lead
            and units
            and units[-1][-1].kind == "tr"
        )
        if continues_table:
            units[-1].append(block)
        else:
            units.append([block])
    return [tuple(unit) for unit in units]


def _source(unit: Unit) -> str:
    return "".join(block.source for block in unit)


def _pair(old: list[Unit], new: list[Unit], budget: tk.Budget) -> Iterator[Step]:
    """Pair changed units, in order (see `pairing`): two units of the same shape whose words
    are similar enough, or (paragraphs) that share a sentence (see `sentences`), or (table
    rows) half their cells; weighed by the words they have in common, which a pair leaves
    unmarked. Between pairs, each unit that stands alone is shown deleted, followed by the
    inserted unit taking its place, so that a replaced list item stays inside its list."""
    old_words = [_word_set(u) for u in old]
    new_words = [_word_set(u) for u in new]
    old_sources = [_source(u) for u in old]
    new_sources = [_source(u) for u in new]

    def weigh(i: int, k: int) -> float | None:
        if old_sources[i] == new_sources[k]:
            # The same block (a rule, a code block between edited paragraphs: the
            # alignment's clean-up gives up one-block matches between changes).
            return len(old_words[i]) + 2.0
        if not _same_shape(old[i][0], new[k][0]):
            return None
        common = len(old_words[i] & new_words[k])
        similar = tk.dice(old_words[i], new_words[k]) >= pairing.SIMILAR
        if similar or (len(old[i]) == len(new[k]) == 1 and _shares(old[i][0], new[k][0])):
            return common + 1.0
        return None

    # A block without words (a rule, a row of empty cells or of numbers) is proposed by
    # its source.
    keys = [
        [words or frozenset((source,)) for words, source in zip(sets, sources, strict=True)]
        for sets, sources in ((old_words, old_sources), (new_words, new_sources))
    ]
    old_heads, new_heads = _heads(old), _heads(new)
    partners: dict[int, int] = {}
    pairs = []
    for i, k in pairing.heaviest(keys[0], keys[1], weigh):
        head, new_head = old_heads[i], new_heads[k]
        if head is not None and head >= 0:  # (inside an item of this run)
            head = partners.get(head)  # (its item's partner, which must hold its own)
        if head != new_head:
            continue  # (a later paragraph of an item whose first one is not its partner's)
        steps = _compare(old[i], new[k], budget)
        if steps is not None:
            partners[i] = k
            pairs.append((i, k, steps))
    i = j = 0
    for pair_i, pair_k, steps in [*pairs, (len(old), len(new), [])]:
        yield from _alone(old[i:pair_i], new[j:pair_k])
        yield from steps
        i, j = pair_i + 1, pair_k + 1


def _alone(old: list[Unit], new: list[Unit]) -> Iterator[Step]:
    """Units without a partner, between two pairs: each deleted list item (with its own
    paragraphs and nested lists) followed by the inserted one taking its place, so that a
    replaced list item stays inside its list. An item's later paragraph or nested list
    shown after another version's block would render as that block's, or, after a
    paragraph that ends the list, as code; so those that continue the item before them
    (the last pair's) come first, the old ones then the new ones."""
    old_lead, new_lead = _continuing(old), _continuing(new)
    yield from (Step("deleted", old=b) for unit in old[:old_lead] for b in unit)
    yield from (Step("inserted", new=b) for unit in new[:new_lead] for b in unit)
    old_items, new_items = _items(old[old_lead:]), _items(new[new_lead:])
    for index in range(max(len(old_items), len(new_items))):
        if index < len(old_items):
            yield from (Step("deleted", old=b) for unit in old_items[index] for b in unit)
        if index < len(new_items):
            yield from (Step("inserted", new=b) for unit in new_items[index] for b in unit)


def _heads(units: list[Unit]) -> list[int | None]:
    """For each unit, the list item it is inside (the index of the item's first block):
    -1 for an item opened before the run, None for a unit that opens one or is in none.
    A later paragraph of an item is paired only inside the item's partner: shown under
    the inserted item that took its item's place, it read, in the old version, as an
    item of its own (Mozilla's Russian notice, 9769a9f3)."""
    lead = _continuing(units)
    heads: list[int | None] = [-1] * lead
    for group in _items(units[lead:]):
        start = len(heads)
        heads += [None] + [start] * (len(group) - 1)
    return heads


def _continuing(units: list[Unit]) -> int:
    """How many units at the start are inside a list item they do not open: its later
    paragraphs, its nested items."""
    count = 0
    for unit in units:
        block = unit[0]
        containers = st.containers(block)
        in_list = any(container.endswith("_list") for container in containers)
        if not in_list or (len(containers) == 1 and st.LIST_ITEM.search(block.prefix)):
            break  # (a heading, a quote: in no item)
        count += 1
    return count


def _items(units: list[Unit]) -> list[list[Unit]]:
    """Units grouped by what they belong to: a list item's first block with the blocks
    inside it after it (its later paragraphs, its nested lists)."""
    groups: list[list[Unit]] = []
    for unit in units:
        head = groups[-1][0][0] if groups else None
        block = unit[0]
        containers = st.containers(block)
        inside = head is not None and (
            len(containers) > len(st.containers(head))
            or (
                containers == st.containers(head)
                and containers
                and not st.LIST_ITEM.search(block.prefix)
            )
        )
        if inside and head is not None and st.LIST_ITEM.search(head.prefix):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _compare(old: Unit, new: Unit, budget: tk.Budget) -> list[Step] | None:
    """Steps for two paired units: rows of two tables, or the word diff of two blocks."""
    if _source(old) == _source(new):
        return [Step("equal", a, b) for a, b in zip(old, new, strict=True)]
    if len(old) > 1 or len(new) > 1:
        if not st.same_structure(old[0], new[0]):
            return None  # other columns: a row of one would not parse in the other
        steps = list(_align(old, new, budget, tables=False))
        piped = "|" in new[0].prefix
        whole = (s.new or s.old for s in steps if s.kind in ("inserted", "deleted"))
        if any(row is not None and ("|" in row.prefix) != piped for row in whole):
            # A row shown whole keeps its pipes, which the table's header decides how to
            # read (with a leading pipe, or not): its cells would move.
            return None
        return steps
    changed = _word_diff(old[0], new[0], budget)
    return [changed] if changed is not None else None


def _word_diff(old: Block, new: Block, budget: tk.Budget) -> Step | None:
    """The word diff of two paired blocks (aligned by sentence first when they are
    paragraphs sharing a sentence); None (shown whole, deleted and inserted) once the
    redline's work is spent."""
    if budget.spent:
        return None
    if rawhtml.shows(old) and rawhtml.shows(new):
        marked = rawhtml.compare(old, new, budget)
        return None if marked is None else Step("html", old, new, html=marked)
    if not st.same_structure(old, new):
        return None  # a heading's level or a table's columns changed: shown whole
    structure = st.structure(new)
    was, now = st.shown(old), st.shown(new)
    if was is None or now is None:
        return None  # a `*` could emphasise across the marks, a `)` close a link: whole
    cells = _cell_ops(was, now, budget) if new.kind == "tr" else None
    if cells is not None:
        ops = cells
    else:
        paragraphs = old.kind == new.kind == "paragraph"
        ops = _word_ops(was, now, budget, paragraphs=paragraphs)
    if structure:
        ops += (tk.Op(tk.Kind.EQUAL, (structure,)),)
    if (old.open_tags or new.open_tags) and any(
        op.kind is not tk.Kind.EQUAL and tk.has_tag(op.tokens) for op in ops
    ):
        return None  # a mark would split an element open across lines: shown whole
    if new.kind == "tr" and cells is None:
        for op in ops:
            if op.kind is not tk.Kind.EQUAL and any(t in _TABLE_SYNTAX for t in op.tokens):
                return None  # a table's columns changed: show the rows whole
    return Step("changed", old, new, ops)


_PIPE = re.compile(r"((?<!\\)\|)")


def _cell_ops(old: str, new: str, budget: tk.Budget) -> tuple[tk.Op, ...] | None:
    """Two table rows with as many cells compared cell by cell: a word diff of the whole
    row merges two changed cells' edits across the pipe between them, which read as a
    change of columns and showed the row replaced whole. None if their cells differ in
    number (a column added or removed: the row is shown whole)."""
    old_parts, new_parts = _PIPE.split(old), _PIPE.split(new)
    if len(old_parts) != len(new_parts):
        return None
    ops: list[tk.Op] = []
    for was, now in zip(old_parts, new_parts, strict=True):
        if was == now:
            ops.append(tk.Op(tk.Kind.EQUAL, (now,)))
        else:
            ops += _word_ops(was, now, budget)
    return tuple(op for op in ops if op.tokens)


#: Word diffs that finished within their budget, with the work each took (see `_word_ops`).
_WORD_OPS: OrderedDict[tuple[str, str, bool], tuple[tuple[tk.Op, ...], int]] = OrderedDict()
_WORD_OPS_KEPT = 256


def _word_ops(
    old: str, new: str, budget: tk.Budget, *, paragraphs: bool = False
) -> tuple[tk.Op, ...]:
    """The word diff of two blocks' contents, remembered: comparing every version with the
    current one meets the same pair of paragraphs again and again (a paragraph unchanged
    from one version to the next pairs with the same current paragraph), so on 20 policies
    x 50 revisions 34,419 word diffs are 3,785 distinct ones (redlines 13.7 -> 5.5 s). The
    pairs recur within one policy's comparisons, made one after another: 256 of them hit
    as often as all (a process computing all 1,940 redlines held 5 MB more; with 1,024
    here and 4,096 word sets, 19 MB more, enough to take a build past its memory target).

    Only diffs that finished are kept, with the work they took, and one is used only if
    the budget left would have let it finish again (its work is spent as if it had run):
    so a redline is the same whether its diffs were remembered or not.

    `paragraphs`: two paragraphs, which may share sentences. Those paired by one (too few
    words in common otherwise) are aligned by sentence first (`sentences.diff`), and so
    are others if their word diff did not leave each shared sentence unmarked; most
    often it did, and the word diff, cheaper, is kept."""
    key = (old, new, paragraphs)
    found = _WORD_OPS.get(key)
    if found is not None and found[1] <= budget.left:
        _WORD_OPS.move_to_end(key)
        budget.left -= found[1]
        return found[0]
    before = budget.left
    old_tokens, new_tokens = tk.tokenize(old), tk.tokenize(new)
    shared = sentences.anchors(old) & sentences.anchors(new) if paragraphs else frozenset()
    alike = not shared or tk.dice(tk.word_set(old), tk.word_set(new)) >= pairing.SIMILAR
    found_ops = tk.diff(old_tokens, new_tokens, budget) if alike else []
    if shared and not (alike and sentences.kept(found_ops, shared)):
        found_ops = sentences.diff(old_tokens, new_tokens, budget, pairing.SIMILAR)
    ops = tuple(forms.separate(tk.refine(found_ops, budget)))
    if not budget.spent:
        _WORD_OPS[key] = (ops, before - budget.left)
        if len(_WORD_OPS) > _WORD_OPS_KEPT:
            _WORD_OPS.popitem(last=False)
    return ops


def _shares(old: Block, new: Block) -> bool:
    """Whether two blocks of the same shape pair although few of their words are common:
    paragraphs that share a sentence, table rows with as many cells of which half are
    alike (`Acme | London` and `Acme Group | Leeds`: its name column kept)."""
    if old.kind == "tr":
        return _share_cell(old, new)
    return _share_sentence(old, new)


def _share_cell(old: Block, new: Block) -> bool:
    if "\n" in old.content + new.content:
        return False  # (a header row pairs by its words: its delimiter row is its own)
    old_cells, new_cells = _PIPE.split(st.above(old)), _PIPE.split(st.above(new))
    if len(old_cells) != len(new_cells):
        return False
    compared = [
        tk.dice(tk.word_set(was), tk.word_set(now))
        for was, now in zip(old_cells[::2], new_cells[::2], strict=True)  # (not the pipes)
        if was.strip() or now.strip()
    ]
    return sum(score >= pairing.SIMILAR for score in compared) * 2 >= len(compared) > 0


def _share_sentence(old: Block, new: Block) -> bool:
    """Whether two paragraphs have a sentence in common (see `sentences`)."""
    if old.kind != "paragraph" or new.kind != "paragraph":
        return False
    return not sentences.anchors(old.content).isdisjoint(sentences.anchors(new.content))


def _same_shape(old: Block, new: Block) -> bool:
    """Whether two blocks are the same kind of thing in the same place, so that one can
    be shown as the other with its words marked: not an item's first paragraph and an
    item's later paragraph (shown with the new marker, the old paragraph would render
    as an item of its own). A heading of another level is, and a one-line paragraph made
    a heading, or the reverse (see `structure.reshaped`)."""
    if (old.kind, old.shape) != (new.kind, new.shape) and st.reshaped(old, new) is None:
        return False
    if bool(st.LIST_ITEM.search(old.prefix)) != bool(st.LIST_ITEM.search(new.prefix)):
        return False
    return not old.atomic or (rawhtml.shows(old) and rawhtml.shows(new))


def _word_set(unit: Unit) -> frozenset[str]:
    """The unit's words, its blocks' structure left out (an attribute's name and value,
    `{: datetime="2025-06-02" }`, are no words of the text)."""
    if len(unit) == 1:
        return tk.word_set(st.above(unit[0]))
    return frozenset().union(*(tk.word_set(st.above(block)) for block in unit))


def _mark_moves(steps: list[Step]) -> None:
    """A block deleted in one place and inserted unchanged in another has moved."""
    inserted: dict[str, list[Step]] = {}
    for step in steps:
        if (
            step.kind == "inserted"
            and step.new
            and not step.new.atomic
            and tk.words(tk.tokenize(step.new.content)) >= MOVE_MIN_WORDS
        ):
            inserted.setdefault(step.new.content, []).append(step)
    number = 0
    for step in steps:
        if step.kind != "deleted" or step.old is None:
            continue
        candidates = inserted.get(step.old.content)
        if candidates:
            number += 1
            partner = candidates.pop(0)
            step.moved = partner.moved = number
