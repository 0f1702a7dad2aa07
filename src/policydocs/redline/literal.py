"""Emphasis delimiters that Python-Markdown shows as themselves, written so that no mark
can pair them.

Basecamp's policies open emphasis with `**` and close it with `*`: Python-Markdown shows
one `*` and emphasises the sentence. Inside a redline's marks it read them otherwise
(both `**` shown, nothing emphasised), and a `*` in one mark could pair with one in
another, emphasising across the marks; so such a paragraph was shown whole, deleted and
inserted, for a change of one character (issue 25). Here each delimiter the page shows
as itself is written as `markup.LITERAL` (an escaped character in a span, one token),
found by asking Python-Markdown: a delimiter is literal where escaping it leaves the
rendered paragraph as it was. `accept` and `reject` give back the character."""

from __future__ import annotations

import re
from functools import lru_cache

import markdown

from policydocs.redline import markup
from policydocs.redline import tokens as tk

#: A line break with its continuation prefix: the paragraph is rendered as one paragraph.
_CONTINUATION = re.compile(r"\n(?:[ \t]*>[ \t]?)*[ \t]*")
_RENDERED_LITERAL = re.compile(r'<span class="pd-lit">(.)</span>')
_READER = markdown.Markdown()


@lru_cache(maxsize=256)
def shown(text: str) -> str | None:
    """The inline text with each emphasis delimiter that Python-Markdown shows as itself
    written as a literal (the text itself if it has none that pairs nothing here); None if
    a delimiter that pairs nothing here is not one the page shows as itself (it pairs
    across the text: the caller shows the block whole). Remembered: every comparison of a
    policy's versions meets its paragraphs again."""
    if not tk.loose_delimiters(text):
        return text
    page = _rendered(text)
    out = text
    for at in reversed(_loose(text)):
        trial = out[:at] + markup.LITERAL.format(out[at]) + out[at + 1 :]
        if _rendered(trial) == page:
            out = trial
    return None if tk.loose_delimiters(out) else out


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
