"""Read a redline's markup back: accept or reject every change, or show it in a terminal.

`accept` removes every deletion and keeps every insertion, giving exactly the new text;
`reject` does the opposite, giving exactly the old text. The rules, applied in this order:

1. The `<!--pd-doc {…}-->` line at the end says what followed the last block on each side.
   A raw HTML block shown as HTML (`rawhtml`) runs from the start of the line holding
   `<!--pd-html {"sides": [new, old], "lead": [shown, new, old], "eol": …}-->` to
   `<!--/pd-html-->` (and the newline after it, if "eol"): it is replaced, with the blank
   lines shown before it, by its side's block and blank lines ("" for a side without it).
2. A *whole line* of a deleted block (its content entirely inside `class="pd-del pd-block"`
   spans, with only list markers, `>`, `#`s, pipes or spaces outside) goes, and so do the
   blank lines just before it: they were that block's own leading blank lines; so does the
   line after it that no mark may hold, a table header's delimiter row or a setext
   heading's underline.
   `<pre class="pd-del pd-block">` lines, which hold blocks that cannot carry tags, likewise.
   A kept whole block marked `data-pd-lead=""` loses the blank line before it: it was shown
   only to keep it apart from a block of the other version.
3. Remaining `<del class="pd-del…">…</del>` spans go; `<ins class="pd-ins…">…</ins>` tags are
   unwrapped; `<pre class="pd-ins pd-block">` gives back the escaped source it holds.
4. `<span class="pd-format" title="…">` and `</span><!--/pd-format-->` (around a heading
   whose level changed) go.
5. `<!--pd-was {"lead": [new, old], "prefix": [new, old], "under": [new, old]}-->` comments
   go, and the block gets its own side's prefix and leading blank lines back, and its
   structure ("under": the new one's first occurrence after the comment, which is put
   just before it: a table row's last pipe and delimiter row, a setext underline,
   attributes).
6. `<span class="pd-lit">\\*</span>` (an emphasis delimiter, or the `(` of a link
   address left open, that the page shows as itself: `literal`) gives back its character.
7. `<span class="pd-src" data-pd-source="…">…</span><!--/pd-src-->` (a link shown as the
   old text's page showed it, where the redline has only the new text's definition of
   its reference: `references`) gives back its source, the attribute's value.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import partial
from typing import Any

#: A block's attributes (attr_list), which stay outside the marks of its block: on a line
#: of their own, or after a heading's text.
ATTRIBUTES = r"\{:?[ ]*[^}\n ][^\n]*\}[ ]*"
_ATTRIBUTES_LINE = re.compile(rf"[ ]*{ATTRIBUTES}")
_DOC = re.compile(r"<!--pd-doc (\{.*?\})-->\n\Z")
#: Around the text of a heading whose level alone changed: a change of form (rule 4).
FORMAT_OPEN = '<span class="pd-format" title="{was}"{ident}>'
FORMAT_CLOSE = "</span><!--/pd-format-->"
_FORMAT = re.compile(r'<span class="pd-format" title="[^"]*"[^>]*>|</span><!--/pd-format-->')
_WAS = re.compile(r"<!--pd-was (\{.*?\})-->")
#: An emphasis delimiter, or a link address's `(`, that Python-Markdown shows as itself
#: (`literal`), escaped so that no mark can pair it (rule 6).
LITERAL = '<span class="pd-lit">\\{}</span>'
LITERAL_TOKEN = re.compile(r'<span class="pd-lit">\\([*_(])</span>')
#: Text shown otherwise than its source is written (rule 7).
_SOURCED = re.compile(r'<span class="pd-src" data-pd-source="([^"]*)">(.*?)</span><!--/pd-src-->')


#: Characters Python-Markdown reads before it sees a tag (links, code, escapes) or as a
#: table's cell border, written as references in an attribute's value.
_BEFORE_TAGS = str.maketrans({char: f"&#{ord(char)};" for char in "[]`\\|"})


def sourced(shown: str, source: str) -> str:
    """`shown` on the page, giving back `source` (rule 7)."""
    return (
        f'<span class="pd-src" data-pd-source="{_attribute(source)}">{shown}</span><!--/pd-src-->'
    )


def _attribute(value: str) -> str:
    """`value` written in an attribute, as Python-Markdown cannot misread it."""
    return html.escape(value, quote=True).translate(_BEFORE_TAGS)


def displayed(token: str) -> str:
    """What the page shows of a token: for one written with `sourced`, what it shows."""
    found = _SOURCED.fullmatch(token) if token.startswith('<span class="pd-src"') else None
    return found[2] if found else token


#: A link whose address alone changed (in Markdown, see `engine`; in raw HTML, `rawhtml`):
#: the old link, kept for `reject` in a deletion the page does not show…
LINK_GONE = '<del class="pd-del pd-link">'


def link_came(old_address: str, ident: str = "") -> str:
    """…and the opening tag of the new one's insertion, which says what the address was
    (in its title, and for the page to show after it, where no title can be seen)."""
    title = _attribute(f"The link's address was: {old_address}")
    was = _attribute(old_address)
    return f'<ins class="pd-ins pd-link" title="{title}" data-pd-was="{was}"{ident}>'


#: A passage whose form alone changed (`forms`): the old form, kept for `reject` in a
#: deletion the page does not show (marked as spacing is where both forms render alike,
#: the new one then marked `pd-space`)…
FORM_GONE = '<del class="pd-del pd-form">'
FORM_UNSEEN = '<del class="pd-del pd-space pd-form">'


def form_came(title: str, ident: str = "") -> str:
    """…and the opening tag of the new form's insertion, whose title says what it was."""
    return f'<ins class="pd-ins pd-form" title="{html.escape(title, quote=True)}"{ident}>'


_STRUCTURE_ONLY = re.compile(
    rf"[ \t]*(?:(?:>|[-*+]|\d{{1,9}}[.)]|#{{1,6}}|\|)[ \t]*)*(?:(?<=[ ]){ATTRIBUTES})?"
)
_BLANK = re.compile(r"[ \t]*")
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?")
#: A setext heading's underline, which stays outside the marks of its heading.
_UNDERLINE = re.compile(r"[ \t]*(?:=+|-+)[ \t]*")


def _span(side: str, block_only: bool = False) -> re.Pattern[str]:
    classes = f'pd-{side} pd-block[^"]*' if block_only else f'pd-{side}[^"]*'
    return re.compile(rf'<{side} class="{classes}"[^>]*>(.*?)</{side}>', re.DOTALL)


def _pre(side: str) -> re.Pattern[str]:
    return re.compile(rf'<pre class="pd-{side} pd-block[^"]*"[^>]*>(.*?)</pre>')


def accept(markdown: str) -> str:
    """The new text: every insertion kept, every deletion removed."""
    return _resolve(markdown, keep="ins", drop="del", side=0)


def reject(markdown: str) -> str:
    """The old text: every deletion kept, every insertion removed."""
    return _resolve(markdown, keep="del", drop="ins", side=1)


def _resolve(markdown: str, *, keep: str, drop: str, side: int) -> str:
    document: dict[str, list[Any]] = {}
    found = _DOC.search(markdown)
    if found:
        document = json.loads(found.group(1))
        markdown = markdown[: found.start()]
    markdown = _resolve_html_blocks(markdown, side)
    markdown = _drop_whole_lines(markdown, drop)
    markdown = _drop_separators(markdown, keep)
    markdown = _span(drop).sub("", markdown)
    markdown = _span(keep).sub(lambda m: m.group(1), markdown)
    markdown = _pre(keep).sub(lambda m: html.unescape(m.group(1)), markdown)
    markdown = _FORMAT.sub("", markdown)
    markdown = _restore_layout(markdown, side)
    markdown = LITERAL_TOKEN.sub(r"\1", markdown)
    markdown = _SOURCED.sub(lambda m: html.unescape(m[1]), markdown)
    if "tail" in document:
        new_tail, old_tail = document["tail"]
        markdown = markdown[: len(markdown) - len(new_tail)] + (new_tail, old_tail)[side]
    if "eol" in document and not document["eol"][side] and markdown.endswith("\n"):
        markdown = markdown[:-1]
    return markdown


_HTML_BLOCK = re.compile(r"<!--pd-html (\{.*?\})-->.*?<!--/pd-html-->", re.DOTALL)
#: The comments alone, for a reader who sees the marks (`terminal`).
_HTML_COMMENTS = re.compile(r"<!--pd-html \{.*?\}-->|<!--/pd-html-->")


def _resolve_html_blocks(markdown: str, side: int) -> str:
    """Each raw HTML block shown as HTML, replaced by its side's source (see rule 1)."""
    out = ""
    position = 0
    for match in _HTML_BLOCK.finditer(markdown):
        data = json.loads(match.group(1))
        shown, *leads = data["lead"]
        start = markdown.rfind("\n", 0, match.start()) + 1  # (the block's first line)
        out += markdown[position : start - len(shown)] + leads[side] + data["sides"][side]
        position = match.end() + (1 if data["eol"] else 0)
    return out + markdown[position:]


def comment(name: str, data: Mapping[str, object]) -> str:
    """An HTML comment carrying JSON; `--` cannot occur inside a comment, so it is escaped,
    and so are `<` and `>`, so that the comment holds no tag for an HTML reader to find,
    and `|`, which Python-Markdown takes for a table's cell border even in a comment."""
    payload = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    escapes = (("--", "-\\u002d"), ("<", "\\u003c"), (">", "\\u003e"), ("|", "\\u007c"))
    for char, escaped in escapes:
        payload = payload.replace(char, escaped)
    return f"<!--{name} {payload}-->"


def _drop_whole_lines(markdown: str, side: str) -> str:
    block_span, pre = _span(side, block_only=True), _pre(side)
    lines = markdown.split("\n")
    keep = [True] * len(lines)
    for index, line in enumerate(lines):
        emptied = pre.sub("", block_span.sub("", line))
        if emptied != line and _STRUCTURE_ONLY.fullmatch(emptied):
            keep[index] = False
            following = index + 1
            if following < len(lines) and (
                ("|" in line and _TABLE_DELIMITER.fullmatch(lines[following]))
                or (not emptied.strip() and _UNDERLINE.fullmatch(lines[following]))
                or (
                    not emptied.lstrip().startswith("#")
                    and _ATTRIBUTES_LINE.fullmatch(lines[following])
                )
            ):
                # a table's header row goes with its delimiter row, a heading with its
                # underline, a block with its attributes (an ATX heading has them on its
                # own line)
                keep[following] = False
            before = index - 1
            while before >= 0 and keep[before] and _BLANK.fullmatch(lines[before]):
                keep[before] = False
                before -= 1
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


def _drop_separators(markdown: str, side: str) -> str:
    """A kept whole block marked `data-pd-lead=""` had no blank lines before it."""
    marked = re.compile(rf'<(?:{side}|pre) class="pd-{side} pd-block[^"]*"[^>]*data-pd-lead=""')
    lines = markdown.split("\n")
    keep = [True] * len(lines)
    for index, line in enumerate(lines):
        if marked.search(line):
            before = index - 1
            while before >= 0 and _BLANK.fullmatch(lines[before]):
                keep[before] = False
                before -= 1
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


def _restore_layout(markdown: str, side: int) -> str:
    """Give each block with a `pd-was` comment its own side's prefix and leading blank lines
    (the redline shows the new prefix, and may show a blank line neither side has)."""
    out = ""
    position = 0
    for match in _WAS.finditer(markdown):
        was = json.loads(match.group(1))
        line_start = markdown.rfind("\n", 0, match.start()) + 1
        out += markdown[position:line_start]
        line = markdown[line_start : match.start()]
        if "lead" in was:
            out = _without_trailing_blank_lines(out) + was["lead"][side]
        if "prefix" in was:
            shown = was["prefix"][0]
            line = was["prefix"][side] + line[len(shown) :]
        out += line
        position = match.end()
        if "under" in was:
            shown = was["under"][0]
            at = markdown.index(shown, position)
            out += markdown[position:at] + was["under"][side]
            position = at + len(shown)
    return out + markdown[position:]


def _without_trailing_blank_lines(text: str) -> str:
    """`text` ends at a line start; drop the blank lines just before that point."""
    start = len(text)
    while start > 0:
        previous = text.rfind("\n", 0, start - 1) + 1
        if not _BLANK.fullmatch(text[previous : start - 1]):
            break
        start = previous
    return text[:start]


_ANSI = {"del": "\x1b[9;31m", "ins": "\x1b[4;32m", "reset": "\x1b[0m"}
_WDIFF = {"del": ("[-", "-]"), "ins": ("{+", "+}")}


def terminal(markdown: str, *, color: bool) -> str:
    """For a person at a terminal: coloured (struck red, underlined green), or wdiff-style
    `[-deleted-]{+inserted+}` when the output is not a terminal."""
    markdown = _DOC.sub("", _WAS.sub("", _HTML_COMMENTS.sub("", _FORMAT.sub("", markdown))))
    markdown = _SOURCED.sub(lambda m: m[2], LITERAL_TOKEN.sub(r"\1", markdown))
    for side in ("del", "ins"):
        if color:
            opening, closing = _ANSI[side], _ANSI["reset"]
        else:
            opening, closing = _WDIFF[side]
        markdown = _pre(side).sub(partial(_marked, opening, closing, unescape=True), markdown)
        markdown = _span(side).sub(partial(_marked, opening, closing, unescape=False), markdown)
    return markdown


def _marked(opening: str, closing: str, match: re.Match[str], *, unescape: bool) -> str:
    text = html.unescape(match.group(1)) if unescape else match.group(1)
    return opening + text + closing
