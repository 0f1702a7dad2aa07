"""Emphasis delimiters, and a link address's `(`, that Python-Markdown shows as
themselves, written so that no mark can pair them.

Basecamp's policies open emphasis with `**` and close it with `*`: Python-Markdown shows
one `*` and emphasises the sentence. Inside a redline's marks it read them otherwise
(both `**` shown, nothing emphasised), and a `*` in one mark could pair with one in
another, emphasising across the marks; so such a paragraph was shown whole, deleted and
inserted, for a change of one character (issue 25). Its taxes policy left a link's
address open (`[Act](https://…(title:47`), which the page shows as text, and a `)` in a
mark would have closed it. Here each such character the page shows as itself is written
as `markup.LITERAL` (an escaped character in a span, one token), found by asking
Python-Markdown: a character is literal where escaping it leaves the rendered paragraph
as it was. `accept` and `reject` give back the character."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown

from policydocs.redline import markup
from policydocs.redline import tokens as tk
from policydocs.redline.blocks import open_links

#: A line break with its continuation prefix: the paragraph is rendered as one paragraph.
_CONTINUATION = re.compile(r"\n(?:[ \t]*>[ \t]?)*[ \t]*")
_RENDERED_LITERAL = re.compile(r'<span class="pd-lit">(.)</span>')
_READER = markdown.Markdown()


@lru_cache(maxsize=256)
def shown(text: str) -> str | None:
    """The inline text with each emphasis delimiter, and each `(` of a link address left
    open, that Python-Markdown shows as itself written as a literal (the text itself if
    it has none that pairs nothing here); None if one that pairs nothing here is not one
    the page shows as itself (it pairs across the text: the caller shows the block
    whole). Remembered: every comparison of a policy's versions meets its paragraphs
    again."""
    candidates = sorted(_loose(text) + open_links(text)) if _unsafe(text) else []
    if not candidates:
        return text
    page = _rendered(text)
    out = text
    for at in reversed(candidates):
        trial = out[:at] + markup.LITERAL.format(out[at]) + out[at + 1 :]
        if _rendered(trial) == page:
            out = trial
    return None if _unsafe(out) else out


def _unsafe(text: str) -> bool:
    """Whether a mark in the text could pair with what it holds: a `*` that pairs nothing
    here, or a link address left open (a `)` in a mark would close it: `blocks`)."""
    return tk.loose_delimiters(text) or ("](" in text and bool(open_links(text)))


def _loose(text: str) -> list[int]:
    """Where the delimiters are that no emphasis token holds (`tokens.loose_delimiters`)."""
    found = []
    at = 0
    for token in tk.tokenize(text):
        if token in ("*", "_"):
            found.append(at)
        at += len(token)
    return found


def _rendered(text: str) -> str:
    html = _READER.reset().convert(_CONTINUATION.sub("\n", text))
    return _RENDERED_LITERAL.sub(r"\1", html)
