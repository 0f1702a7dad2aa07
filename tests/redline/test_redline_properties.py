"""Redline exactness as a property over random edits of policy-like Markdown.

Accepting every change gives exactly the new text and rejecting every change gives exactly
the old one: on the Markdown, and on the rendered HTML (text, and block structure).
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydocs.redline.engine import redline
from policydocs.redline.markup import accept, reject
from tests.redline.rendered import differences

WORDS = (
    "customer service network account charges payment notice contract terms data usage "
    "provider agreement liability suspend reasonable period written consent personal law "
    "we you must may not any all such other the a of to and in for on with by"
).split()
INLINE = [
    "**the Services**",
    "[Acceptable Use Policy](acceptable-use.md)",
    "https://example.com/terms",
    "`API`",
    "£7.50",
    "14",
    "2024",
    "30%",
    "Brightwave's",
    "non-exclusive",
    # Real repositories' (issue 27): parentheses in a link's address, escaped brackets in
    # its text, and words made of letters and digits.
    "[Déclaration](/legal/privacy-statement(12.20.19)(FR).pdf)",
    "[Statement](/legal/privacy-statement(12.20.19)(EN).pdf)",
    "[Learn more\\[80\\]](https://example.com/notes#annotation-80)",
    "[the [annex] list](annex.md 'Annex')",
    "6GB",
    "1st-party",
    "v2.1",
    # The same frames with other words (issue 25): compared inside the frame.
    "**the Service Terms**",
    "*the Services*",
    "_the Services_",
    "[Acceptable Use Rules](acceptable-use.md)",
    "[the [annex] table](annex.md 'Annex')",
]

#: Words a rewritten sentence is made of: none of `WORDS`, so that a paragraph whose other
#: sentences are rewritten has too little in common to pair but by the sentence it kept.
OTHER_WORDS = (
    "broadband households servers residential threshold monthly gigabytes business plan "
    "slow offer three months row calendar public game web mail open run"
).split()

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(INLINE))
#: A sentence is a list of whole tokens ("**the Services**" stays one token, as in real text).
sentence = st.lists(token, min_size=3, max_size=14)
rewritten = st.lists(st.sampled_from(OTHER_WORDS), min_size=3, max_size=14)


@st.composite
def block(draw):
    kind = draw(st.sampled_from(["h2", "h3", "p", "p", "p", "ul", "ol", "quote", "html", *TABLES]))
    kind = "setext" if kind == "h2" and draw(st.booleans()) else kind
    if kind in ("h2", "h3", "setext"):
        return (kind, [draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))])
    if kind in ("ul", "ol"):
        return (kind, draw(st.lists(sentence, min_size=1, max_size=4)))
    if kind in TABLES or kind == "html":
        rows = draw(
            st.lists(
                st.lists(st.sampled_from(WORDS), min_size=2, max_size=2), min_size=1, max_size=3
            )
        )
        return (kind, rows)
    return (kind, draw(st.lists(sentence, min_size=1, max_size=3)))


#: Tables as repositories write them (the header and delimiter rows, and a row's pipes): a
#: change of style changes the delimiter row, where a mark would break the table.
TABLES = {
    "table": ("| Term | Meaning |\n|---|---|", "| {} |"),
    "table-bare": ("Term | Meaning\n--- | ---", "{}"),
    "table-aligned": ("| Term | Meaning |\n| :--- | ---: |", "| {} |"),
}


def render(blocks: list) -> str:
    out = []
    for kind, parts in blocks:
        if kind in ("h2", "h3"):
            out.append(("## " if kind == "h2" else "### ") + " ".join(parts[0]))
        elif kind == "setext":  # (its underline as long as its text: a change moves both)
            title = " ".join(parts[0])
            out.append(title + "\n" + "-" * len(title))
        elif kind == "ul":
            out.append("\n".join("- " + " ".join(item) for item in parts))
        elif kind == "ol":
            out.append("\n".join(f"{n}. " + " ".join(item) for n, item in enumerate(parts, 1)))
        elif kind == "quote":
            out.append("\n".join("> " + " ".join(line) for line in parts))
        elif kind == "html":  # (a table in raw HTML, as real notices write a "lawful bases" one)
            cells = ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in parts]
            out.append("<table>\n" + "\n".join(cells) + "\n</table>")
        elif kind in TABLES:
            head, row = TABLES[kind]
            out.append("\n".join([head] + [row.format(" | ".join(cells)) for cells in parts]))
        else:  # (each line a sentence, so that paragraphs can be aligned by sentence)
            out.append("\n".join(_sentence(line) for line in parts))
    return "\n\n".join(out) + "\n"


def _sentence(words: list[str]) -> str:
    """The words as a sentence: its first letter a capital ("**The Services** …")."""
    text = " ".join(words)
    first = next((n for n, char in enumerate(text) if char.isalpha()), 0)
    return text[:first] + text[first].upper() + text[first + 1 :] + "."


@st.composite
def edited(draw, blocks: list) -> list:
    blocks = [(kind, [list(p) for p in parts]) for kind, parts in blocks]
    for _ in range(draw(st.integers(1, 6))):
        action = draw(
            st.sampled_from(
                ["word", "word", "insert", "delete", "move", "item", "restyle", "rewrite"]
            )
        )
        if not blocks:
            action = "insert"
        index = draw(st.integers(0, max(0, len(blocks) - 1)))
        if action == "word":
            kind, parts = blocks[index]
            part = parts[draw(st.integers(0, len(parts) - 1))]
            position = draw(st.integers(0, len(part) - 1))
            choice = draw(st.sampled_from(["replace", "insert", "delete"]))
            if choice == "replace":
                part[position] = draw(token)
            elif choice == "insert":
                part.insert(position, draw(token))
            elif len(part) > 1 and kind not in TABLES and kind != "html":
                del part[position]
        elif action == "insert":
            blocks.insert(index, draw(block()))
        elif action == "delete" and len(blocks) > 1:
            del blocks[index]
        elif action == "move" and len(blocks) > 1:
            moved = blocks.pop(index)
            blocks.insert(draw(st.integers(0, len(blocks))), moved)
        elif action == "restyle" and blocks[index][0] in (*TABLES, "h2", "setext"):
            kind, parts = blocks[index]
            styles = list(TABLES) if kind in TABLES else ["h2", "setext"]
            blocks[index] = (draw(st.sampled_from(styles)), parts)
        elif action == "rewrite" and blocks[index][0] == "p":
            # One sentence kept, the others rewritten (issue 24): paired by that sentence.
            parts = blocks[index][1]
            kept = draw(st.integers(0, len(parts) - 1))
            for position in range(len(parts)):
                if position != kept:
                    parts[position] = draw(rewritten)
            if draw(st.booleans()):
                parts.append(draw(rewritten))
        elif action == "item" and blocks[index][0] in ("ul", "ol"):
            items = blocks[index][1]
            items.insert(draw(st.integers(0, len(items))), draw(sentence))
    return blocks


documents = st.lists(block(), min_size=1, max_size=8)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), old_blocks=documents)
def test_accept_and_reject_give_back_both_texts(data, old_blocks) -> None:
    old = render(old_blocks)
    new = render(data.draw(edited(old_blocks)))
    result = redline(old, new)
    assert accept(result.markdown) == new
    assert reject(result.markdown) == old


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), old_blocks=documents)
def test_rendered_redline_is_exact_and_keeps_structure(data, old_blocks) -> None:
    """Rendered with every change accepted (or rejected), the redline reads as the version's
    page: its words, blocks and link addresses; no mark holds a block or shows as text."""
    old = render(old_blocks)
    new = render(data.draw(edited(old_blocks)))
    assert differences(old, new, redline(old, new).markdown, extensions=("tables",)) == []


_MARK = re.compile(r"<(ins|del) [^>]*>.*?</\1>", re.DOTALL)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old=st.lists(sentence, min_size=1, max_size=4),
    data=st.data(),
)
def test_a_kept_sentence_is_never_marked(old, data) -> None:
    """A paragraph keeps one sentence and rewrites the others (issue 24's AUP section 4):
    the kept sentence reads unmarked, however little else is kept, and the marks still
    give back both texts."""
    kept = data.draw(st.integers(0, len(old) - 1))
    new = [part if n == kept else data.draw(rewritten) for n, part in enumerate(old)]
    new += data.draw(st.lists(rewritten, max_size=2))
    wrap = data.draw(st.sampled_from([" ", "\n"]))
    old_text = wrap.join(map(_sentence, old)) + "\n"
    new_text = " ".join(map(_sentence, new)) + "\n"
    result = redline(old_text, new_text)
    assert (accept(result.markdown), reject(result.markdown)) == (new_text, old_text)
    unmarked = " ".join(_MARK.sub(" ", result.markdown).split())
    if len(old[kept]) >= 4 and _sentence(old[kept]).count(".") == 1:
        assert _sentence(old[kept]) in unmarked, result.markdown
