"""Raw HTML blocks (a table written in HTML) compared by their text, and shown rendered.

A block of raw HTML cannot be shown as its source with marks in it: a mark around a tag
would break the element. So it used to be shown whole twice, its escaped source deleted and
inserted: a real privacy notice's "Lawful bases" table showed 15,690 characters of source
deleted and re-inserted ("1579 words added, 1579 removed") for one anchor moved from one
cell to another, which no reader sees.

Here an HTML block is shown as HTML. Two paired blocks are compared token by token, tags
being tokens (and links: `<a href="…">Text</a>` is one, as a Markdown link is): the block
is shown as the new version's HTML, with the words it inserted in `<ins>` and those it
deleted in `<del>`, each where its text was, inside the cells and items that hold it. Tags
the new version added are shown as they are; tags it dropped are not shown (an anchor
moved, an attribute changed: nothing a reader sees, so no change is counted). Where the
blocks' rows, cells or items differ (a row added), they are aligned one by one, and a row
without a counterpart is shown with its own cells, its words marked, so that every word
stays in its own cell (`_by_parts`); blocks that differ otherwise (a table made a list) are shown
whole, each its own HTML with all its words marked (`pd-block`), as a block inserted or
deleted is.

A block of HTML comments only (`<!-- markdownlint-disable -->`) shows nothing: inserted or
deleted, it is recorded (`recorded`), not shown, and no change is counted. A link reference
definition is shown as its source, and an inserted one is kept as a definition too
(`defined`), for the links that name it.

So that accepting or rejecting the changes still gives either text exactly, both blocks'
sources are kept in a comment after the shown block's first tag, `<!--pd-html {"sides":
[new, old], "lead": [shown, new, old], "eol": …}-->`, and the block ends with
`<!--/pd-html-->` (see `markup`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, groupby

from policydocs.redline import anchors, pairing
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import TAG, Block, tag_events
from policydocs.redline.markup import LINK_GONE, comment, link_came
from policydocs.redline.references import DEFINITION

#: Tags, comments and character references: never cut, never inside a mark.
_MARKUP = re.compile(r"<!--.*?-->|<[A-Za-z/!?][^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|\w+);", re.S)
#: The tokens of those that are tags or comments (character references are text).
_TAG_TOKEN = re.compile(r"<!--.*?-->|<[A-Za-z/!?][^>]*>", re.S)
#: Elements whose content is code or raw text, where a mark would be read as part of it.
_RAW_TEXT = re.compile(r"<(?:script|style|textarea|template)[\s>/]", re.I)
#: Elements that place their text: a word compared must stay in the same one of them.
_STRUCTURAL = frozenset(
    {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "ul", "ol", "li", "dl"}
    | {"dt", "dd", "p", "div", "section", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5"}
    | {"h6", "details", "summary", "figure", "figcaption"}
)
#: A link element holding no other link and no element that places text (see `tokenize`).
_LINK = re.compile(
    rf"<a\s[^>]*>((?:(?!</?(?:{'|'.join(sorted(_STRUCTURAL | {'a'}))})[\s>/]).)*?)</a\s*>",
    re.I | re.S,
)
#: Elements that hold no text of their own: a word shown there would be moved out of the
#: table by the browser ("foster parenting"), or read outside any item.
_NO_TEXT = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "dl"})

NAME = "pd-html"
END = "<!--/pd-html-->"

_NEW_STRUCTURE = frozenset({tk.Kind.EQUAL, tk.Kind.INSERT})
_OLD_STRUCTURE = frozenset({tk.Kind.EQUAL, tk.Kind.DELETE})


@dataclass(frozen=True)
class Marked:
    """An HTML block's comparison: the token diff, whose tags it shows, and what it marks."""

    ops: tuple[tk.Op, ...]
    #: The kinds of op whose tags are shown (the new block's, or a deleted block's own).
    structure: frozenset[tk.Kind]
    #: Whether the whole block is inserted or deleted (its marks are `pd-block`).
    whole: bool
    words_added: int
    words_removed: int
    #: (index of its deletion in `ops`, old address) of each link whose address alone
    #: changed (see `tokens.relinked`).
    relinked: tuple[tuple[int, str], ...] = ()

    @property
    def changed(self) -> bool:
        """Whether a reader sees a change (words, a link's address), not only tags moved
        or re-spaced."""
        return bool(self.words_added or self.words_removed or self.relinked)


def tokenize(source: str) -> list[str]:
    """Tags, comments and character references, and the words between them; a link with
    words in it (`<a href="…">Text</a>`) is one token, as a Markdown link is (see
    `tokens`): compared inside when its address is kept, shown as a changed link when its
    address alone changed, and never shown as the new version's link around the old
    version's words."""
    out: list[str] = []
    position = 0
    for match in _MARKUP.finditer(source):
        if match.start() < position:
            continue  # (inside a link taken whole)
        out += tk.tokenize(source[position : match.start()])
        link = _LINK.match(source, match.start())
        whole = link is not None and _TAG_TOKEN.sub("", link.group(1)).strip()
        token = link.group(0) if link is not None and whole else match.group(0)
        out.append(token)
        position = match.start() + len(token)
    return out + tk.tokenize(source[position:])


def shows(block: Block) -> bool:
    """Whether this module shows the block: raw HTML at the top level that opens with a
    tag (a comment or a declaration opens a block that is shown as its source), holding
    no element whose text is not text (a mark inside a script or a style would break it)."""
    return (
        block.kind == "html_block"
        and not block.shape
        and not block.prefix
        and re.match(r"<[A-Za-z]", block.content) is not None
        and _RAW_TEXT.search(block.content) is None
    )


def compare(old: Block, new: Block, budget: tk.Budget) -> Marked | None:
    """Two paired blocks compared; None when the budget is spent or a deleted word would
    have no place in the new HTML (the blocks are then shown whole)."""
    old_tokens, new_tokens = tokenize(old.content), tokenize(new.content)
    found = _by_parts(old_tokens, new_tokens, budget)
    if found is None:
        return None  # (another cell: text would be shown in another cell than its own)
    ops = tuple(tk.refine(found, budget))
    relinked = tuple(tk.relinks(ops).items())
    if budget.spent:
        return None
    marked = _counted(ops, _NEW_STRUCTURE, whole=False, relinked=relinked)
    body = _render(marked, "")
    if body is None or not body.startswith(new_tokens[0]):
        return None  # (a deleted word before the first tag: no place for it)
    return marked


#: Elements a table or a list is made of, each compared with its counterpart (see `_parts`).
#: A paragraph too: a cell whose text became two paragraphs is that cell replaced, not its row.
_PARTS = frozenset({"tr", "td", "th", "li", "p"})


def _by_parts(old: list[str], new: list[str], budget: tk.Budget) -> list[tk.Op] | None:
    """The diff of two blocks' tokens that keeps every word in its own cell, item and
    paragraph: a plain diff where it keeps their elements. Where rows or items differ
    (Mozilla's lawful-bases table gained a row, and 2,323 words were shown deleted and
    inserted for 208 changed), they are aligned one by one, as a Markdown table's rows
    are: those without a counterpart shown whole with their own tags, the others compared
    in turn. None if what holds them differs (a table made a list)."""
    if _structure(old) == _structure(new):
        plain = tk.diff(old, new, budget)
        if all(op.kind is tk.Kind.EQUAL or not _structure(list(op.tokens)) for op in plain):
            return plain
        # (as many rows, but one deleted and another added: the diff went across them)
    old_parts, new_parts = _parts(old), _parts(new)
    if old_parts is None or new_parts is None:
        return None
    ops: list[tk.Op] = []
    gone: list[list[str]] = []
    came: list[list[str]] = []
    i = j = 0
    diff = anchors.diff(
        ["".join(part) for part in old_parts], ["".join(part) for part in new_parts], budget
    )
    for op in [*diff, tk.Op(tk.Kind.EQUAL, ())]:
        count = len(op.tokens)
        if op.kind is tk.Kind.DELETE:
            gone += old_parts[i : i + count]
            i += count
        elif op.kind is tk.Kind.INSERT:
            came += new_parts[j : j + count]
            j += count
        else:
            changed = _changed_parts(gone, came, budget)
            if changed is None:
                return None
            ops += changed
            ops.append(tk.Op(tk.Kind.EQUAL, tuple(chain.from_iterable(old_parts[i : i + count]))))
            gone, came = [], []
            i += count
            j += count
    return [op for op in ops if op.tokens]


def _parts(tokens: list[str]) -> list[list[str]] | None:
    """The tokens cut into rows, cells, items and paragraphs (`<tr>…</tr>`, the outermost
    ones) and the runs between them. A block that is one of them is cut inside it, its tags
    runs of their own. None if one is left open (`</li>` may be left out in HTML)."""
    parts: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        found = TAG.match(token) if _is_tag(token) else None
        if found is None or found.group(2).lower() not in _PARTS or token.endswith("/>"):
            parts[-1].append(token)
        elif found.group(1):  # (a closing tag)
            depth -= 1
            parts[-1].append(token)
            if depth < 0:
                return None
            if depth == 0:
                parts.append([])
        else:
            if depth == 0:
                parts.append([])
            depth += 1
            parts[-1].append(token)
    if depth:
        return None
    parts = [part for part in parts if part]
    held = [n for n, part in enumerate(parts) if _is_part(part)]
    if len(held) == 1 and not "".join(chain(*parts[: held[0]], *parts[held[0] + 1 :])).strip():
        part = parts[held[0]]
        inner = _parts(part[1:-1])
        if inner is None:
            return None
        return [*parts[: held[0]], [part[0]], *inner, [part[-1]], *parts[held[0] + 1 :]]
    return parts


def _is_part(tokens: list[str]) -> bool:
    """Whether the tokens are a whole row or item (not its opening tag alone)."""
    found = TAG.match(tokens[0])
    return (
        len(tokens) > 1
        and found is not None
        and not found.group(1)
        and found.group(2).lower() in _PARTS
        and tokens[-1].lower().startswith("</" + found.group(2).lower())
    )


def _changed_parts(
    old: list[list[str]], new: list[list[str]], budget: tk.Budget
) -> list[tk.Op] | None:
    """Ops for a run of changed parts: rows (cells, items) paired by their words, in order
    (see `pairing`), and compared; the others shown whole. What is between rows pairs
    with what holds the same elements; None if some of it has no counterpart."""
    words = [[_words(part) for part in side] for side in (old, new)]
    whole = [[_is_part(part) for part in side] for side in (old, new)]

    def weigh(i: int, k: int) -> float | None:
        if whole[0][i] != whole[1][k]:
            return None
        if not whole[0][i]:
            return 1.0 if _structure(old[i]) == _structure(new[k]) else None
        if tk.dice(words[0][i], words[1][k]) < pairing.SIMILAR:
            return None
        return len(words[0][i] & words[1][k]) + 1.0

    ops: list[tk.Op] = []
    i = j = 0
    for pair_i, pair_k in [*pairing.heaviest(words[0], words[1], weigh), (len(old), len(new))]:
        gone, came = old[i:pair_i], new[j:pair_k]
        if any(map(_holds_parts, (*gone, *came))):
            return None  # (what holds rows or items, with no counterpart)
        ops += chain.from_iterable(map(_gone, gone))
        ops += (tk.Op(tk.Kind.INSERT, tuple(part)) for part in came)
        if pair_i < len(old):
            compared = _by_parts(old[pair_i], new[pair_k], budget)
            if compared is None and not whole[0][pair_i]:
                return None
            ops += compared or [*_gone(old[pair_i]), tk.Op(tk.Kind.INSERT, tuple(new[pair_k]))]
        i, j = pair_i + 1, pair_k + 1
    return ops


def _holds_parts(part: list[str]) -> bool:
    """Whether the run between rows or items opens or closes elements (`</thead><tbody>`):
    without a counterpart, its structure would be lost."""
    return not _is_part(part) and bool(_structure(part))


def _words(part: list[str]) -> frozenset[str]:
    return tk.word_set(" ".join(token for token in part if not _is_tag(token)))


def _gone(part: list[str]) -> list[tk.Op]:
    """A deleted row or item shown with its own tags and spacing, its words deleted: the new
    HTML has no cell to hold them."""
    ops = []
    for is_tag, group in groupby(part, key=_is_tag):
        run = tuple(group)
        kept = is_tag or not "".join(run).strip()
        ops.append(tk.Op(tk.Kind.EQUAL if kept else tk.Kind.DELETE, run))
    return ops


def whole(block: Block, kind: tk.Kind) -> Marked:
    """A block inserted or deleted whole: its own HTML, every word marked."""
    structure = _NEW_STRUCTURE if kind is tk.Kind.INSERT else _OLD_STRUCTURE
    return _counted((tk.Op(kind, tuple(tokenize(block.content))),), structure, whole=True)


def _counted(
    ops: tuple[tk.Op, ...],
    structure: frozenset[tk.Kind],
    *,
    whole: bool,
    relinked: tuple[tuple[int, str], ...] = (),
) -> Marked:
    links = {index for index, _ in relinked} | {index + 1 for index, _ in relinked}
    counted = [op for index, op in enumerate(ops) if index not in links]
    added = sum(tk.words(_text(op)) for op in counted if op.kind is tk.Kind.INSERT)
    removed = sum(tk.words(_text(op)) for op in counted if op.kind is tk.Kind.DELETE)
    return Marked(ops, structure, whole, added, removed, relinked)


def _structure(tokens: list[str]) -> list[str]:
    """The block's elements that hold text in place (rows, cells, items, paragraphs), in
    order: when they are the same, each word compared stays in its own cell. Inline tags
    (a link, an anchor, emphasis) may differ."""
    found = []
    for token in tokens:
        match = TAG.match(token)
        if match is not None and match.group(2).lower() in _STRUCTURAL:
            found.append(match.group(1) + match.group(2).lower())
    return found


def _is_tag(token: str) -> bool:
    return _TAG_TOKEN.fullmatch(token) is not None


def _text(op: tk.Op) -> list[str]:
    return [token for token in op.tokens if not _is_tag(token)]


_COMMENTS_ONLY = re.compile(r"(?:\s*<!--.*?-->)+\s*", re.DOTALL)


def unseen(block: Block) -> bool:
    """Whether the block shows nothing at all: HTML comments only (`<!-- markdownlint-disable
    -->`), which were shown as an inserted box of source."""
    return block.kind == "html_block" and _COMMENTS_ONLY.fullmatch(block.content) is not None


def recorded(old: Block | None, new: Block | None, lead: str) -> str:
    """A block inserted or deleted that shows nothing: only the comment that gives back
    either side, so it is no change a reader sees."""
    shown_block = new if new is not None else old
    assert shown_block is not None
    return f"{lead}{comment(NAME, _sides(old, new, lead, shown_block))}{END}{shown_block.end}"


def defines(block: Block) -> bool:
    """Whether the block is a link reference definition (`[status]: https://…`)."""
    return (
        block.kind == "other"
        and not block.shape
        and DEFINITION.fullmatch(block.prefix + block.content) is not None
    )


def defined(old: Block | None, new: Block | None, lead: str, shown: str) -> str:
    """A link reference definition inserted or deleted: shown as its source (`shown`, a
    marked box) and, inserted, kept as a definition after it, for the links that name it.
    Shown alone, as it was, it was no definition: the links naming it read as text, and
    the page lost them. Both go between the comments that give back either side."""
    block = new if new is not None else old
    assert block is not None
    kept = "" if new is None else "\n\n" + new.prefix + new.content
    return f"{lead}{comment(NAME, _sides(old, new, lead, block))}\n{shown}{kept}\n{END}{block.end}"


def _sides(
    old: Block | None, new: Block | None, lead: str, shown_block: Block
) -> dict[str, object]:
    return {
        "sides": [_source(new), _source(old)],
        "lead": [lead, new.lead if new else "", old.lead if old else ""],
        "eol": bool(shown_block.end),
    }


def shown(marked: Marked, old: Block | None, new: Block | None, anchor: str, lead: str) -> str:
    """The block's HTML with the marks in it (the first one named `anchor`), after `lead`
    (its blank lines, or one to keep it apart: see `engine`), and the comment that gives
    back either side (None: a side without the block)."""
    body = _render(marked, anchor)
    assert body is not None  # (checked by `compare`; a whole block always has a place)
    first = _TAG_TOKEN.match(body)
    assert first is not None
    shown_block = new if new is not None else old
    assert shown_block is not None
    sides = comment(NAME, _sides(old, new, lead, shown_block))
    cut = first.end()
    return f"{lead}{body[:cut]}{sides}{body[cut:]}{END}{shown_block.end}"


def _source(block: Block | None) -> str:
    return "" if block is None else block.prefix + block.content + block.end


def _render(marked: Marked, anchor: str) -> str | None:
    out: list[str] = []
    open_elements: list[str] = []
    suffix = " pd-block" if marked.whole else ""
    named = False
    links = dict(marked.relinked)
    for index, op in enumerate(marked.ops):
        if index in links:  # (the old link, hidden on the page: the new one says it changed)
            out.append(f"{LINK_GONE}{''.join(op.tokens)}</del>")
            continue
        if index - 1 in links:
            ident = "" if named or not anchor else f' id="{anchor}"'
            named = named or bool(anchor)
            out.append(f"{link_came(links[index - 1], ident)}{''.join(op.tokens)}</ins>")
            continue
        shown_here = op.kind in marked.structure
        for is_tag, group in groupby(op.tokens, key=_is_tag):
            run = "".join(group)
            if is_tag:
                if shown_here:  # (a dropped tag is not shown)
                    out.append(run)
                    _follow(open_elements, run)
                continue
            name = "ins" if op.kind is tk.Kind.INSERT else "del"
            holds_text = bool(open_elements) and open_elements[-1] not in _NO_TEXT
            if op.space and not marked.whole and holds_text:
                # A space inserted or deleted between words: marked as spacing alone (see
                # `engine`), so that each version reads with its own spaces.
                out.append(f'<{name} class="pd-{name} pd-space">{run}</{name}>')
                continue
            if op.kind is tk.Kind.EQUAL or not run.strip():
                if shown_here:
                    out.append(run)
                continue
            if not marked.whole and not holds_text:
                return None  # (no element to hold the word where it was)
            ident = "" if named or not anchor else f' id="{anchor}"'
            named = named or bool(anchor)
            out.append(f'<{name} class="pd-{name}{suffix}"{ident}>{run}</{name}>')
    return "".join(out)


def _follow(open_elements: list[str], markup: str) -> None:
    """Keep `open_elements` (innermost last) as the shown HTML's tags open and close them."""
    for closing, name in tag_events(markup):
        if not closing:
            open_elements.append(name)
        elif name in open_elements:
            while open_elements.pop() != name:
                pass
