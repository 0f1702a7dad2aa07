"""Redlines of lists, as Python-Markdown renders them (issue 25, defect 6): items with later
paragraphs and nested lists, tight and loose, indented as real repositories indent them,
made of real policies' sentences (the redline corpus), edited as editors edit them. The
redline, rendered with every change accepted (or rejected), must read as each version's
page: its words, its blocks (items, paragraphs, code), its links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policydocs.redline.engine import redline
from policydocs.redline.markup import accept, reject
from tests.redline.rendered import differences

CORPUS = Path(__file__).parent / "corpus"


@cache
def real_sentences() -> tuple[str, ...]:
    """The sentences of the corpus' texts that hold no Markdown of their own (the structure
    under test is the lists')."""
    found = set()
    for path in sorted(CORPUS.glob("*/*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for text in re.split(r"(?<=[.:])\s+(?=[A-Z])", line.strip()):
                if 20 < len(text) < 140 and re.fullmatch(r"[A-Z][^|<>{}\[\]*_#`\\]*[.:]", text):
                    found.add(text)
    return tuple(sorted(found))


sentence = st.builds(lambda n: real_sentences()[n % len(real_sentences())], st.integers(0, 10**6))


@dataclass(frozen=True)
class Item:
    text: str
    paragraphs: tuple[str, ...] = ()
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Listing:
    items: tuple[Item, ...]
    marker: str = "-"  # ("1." for an ordered list)
    loose: bool = False
    #: Spaces a nested list and a later paragraph are indented by: Python-Markdown's four,
    #: or the marker's width, as GitHub-style repositories write them.
    indent: int = 4
    children_loose: bool = field(default=False)


items = st.builds(
    Item,
    sentence,
    st.lists(sentence, max_size=1).map(tuple),
    st.lists(st.builds(Item, sentence), max_size=2).map(tuple),
)
listings = st.builds(
    Listing,
    st.lists(items, min_size=1, max_size=4).map(tuple),
    st.sampled_from(["-", "*", "1."]),
    st.booleans(),
    st.sampled_from([4, 4, 2]),
    st.booleans(),
)
blocks = st.lists(
    st.one_of(listings, sentence, sentence.map(lambda s: "## " + s[:30])), min_size=1, max_size=4
)


def render(document: list) -> str:
    return "\n\n".join(_block(b) for b in document) + "\n"


def _block(block: Listing | str) -> str:
    if isinstance(block, str):
        return block
    lines: list[str] = []
    for number, item in enumerate(block.items, 1):
        marker = f"{number}." if block.marker == "1." else block.marker
        pad = " " * (len(marker) + 1 if block.indent == 2 else block.indent)
        lines.append(f"{marker} {item.text}")
        for paragraph in item.paragraphs:
            lines += ["", pad + paragraph]
        if item.children:
            if item.paragraphs or block.children_loose:
                lines.append("")
            lines += [f"{pad}- {child.text}" for child in item.children]
        if block.loose or item.paragraphs or (item.children and block.children_loose):
            # (After a later paragraph or a nested list set off by a blank line, an item
            # with no blank line before it is that paragraph's lazy continuation, or an
            # item of the nested list, to Python-Markdown, and an item to CommonMark: a
            # text the redline, which reads blocks as CommonMark does, does not follow.)
            lines.append("")
    return "\n".join(lines).strip("\n")


@st.composite
def edited(draw, document: list) -> list:
    """The document after one to three edits an editor makes to lists."""
    document = list(document)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(document) - 1))
        block = document[where]
        if not isinstance(block, Listing):
            document[where] = (
                draw(sentence) if draw(st.booleans()) else block + " " + draw(sentence)
            )
            continue
        index = draw(st.integers(0, len(block.items) - 1))
        item = block.items[index]
        action = draw(
            st.sampled_from(
                ["word", "insert", "delete", "paragraph", "child", "drop-child", "loose", "marker"]
            )
        )
        if action == "word":
            words = item.text.split(" ")
            words[draw(st.integers(0, len(words) - 1))] = draw(
                st.sampled_from(["customer", "Mozilla"])
            )
            item = replace(item, text=" ".join(words))
        elif action == "paragraph":
            item = replace(item, paragraphs=(*item.paragraphs, draw(sentence)))
        elif action == "child":
            item = replace(item, children=(*item.children, Item(draw(sentence))))
        elif action == "drop-child" and item.children:
            item = replace(item, children=item.children[1:])
        changed = list(block.items)
        if action == "insert":
            changed.insert(index, draw(items))
        elif action == "delete" and len(changed) > 1:
            del changed[index]
        else:
            changed[index] = item
        block = replace(block, items=tuple(changed))
        if action == "loose":
            block = replace(block, loose=not block.loose)
        elif action == "marker":
            block = replace(block, marker="*" if block.marker == "-" else "-")
        document[where] = block
    return document


def _texts(document: list) -> list[str]:
    found = []
    for block in document:
        if isinstance(block, str):
            found.append(block)
            continue
        for item in block.items:
            found += [item.text, *item.paragraphs, *(child.text for child in item.children)]
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), document=blocks)
def test_a_redlined_list_reads_as_each_versions_page(data, document) -> None:
    changed = data.draw(edited(document))
    # Real policies do not repeat a whole item: where they do, which copy was kept is a
    # guess any diff makes, and a nested list kept may be read under the other copy.
    assume(all(len(set(texts)) == len(texts) for texts in map(_texts, (document, changed))))
    old, new = render(document), render(changed)
    result = redline(old, new)
    assert (accept(result.markdown), reject(result.markdown)) == (new, old)
    assert differences(old, new, result.markdown) == []


def test_a_heading_indented_by_a_space_is_text_as_the_page_reads_it() -> None:
    """` ## Title` is a heading to CommonMark but a paragraph to Python-Markdown, which
    wants the `#` at the line's start (after a paragraph's line, its next line). Deleted,
    its `##` stayed outside the mark, as a heading's marker does, and the accepted page
    still showed it."""
    for old in ("Intro.\n\n ## Not a heading\n\nText.\n", "Intro.\n ## Not a heading\n\nText.\n"):
        result = redline(old, "Intro.\n\nText.\n")
        assert differences(old, "Intro.\n\nText.\n", result.markdown) == []
