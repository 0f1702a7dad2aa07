"""A text's own title heading: where a file without front matter takes its title from,
and what a page does not print twice (the page prints the title above the text).

Repositories kept for other tools open each policy with `# Title`; policydocs' pages print
the title in their header, with the version's facts beside it."""

from __future__ import annotations

import re

#: An ATX heading of level 1 (`# Title`, closing #s optional), or a setext one (`Title`
#: over `===`), as CommonMark reads them.
_H1 = re.compile(
    r"^ {0,3}#(?:[ \t]+(?P<atx>.*?))?(?:[ \t]+#+)?[ \t]*$|^ {0,3}(?P<setext>\S.*)\n {0,3}=+[ \t]*$",
    re.MULTILINE,
)
_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)


def first_heading(body: str) -> re.Match[str] | None:
    """The text's first level-1 heading outside code fences, if any."""
    for found in _H1.finditer(body):
        fences = len(_FENCE_LINE.findall(body, 0, found.start()))
        if fences % 2 == 0 and (found["atx"] or found["setext"] or "").strip():
            return found
    return None


def heading_text(found: re.Match[str]) -> str:
    return (found["atx"] or found["setext"] or "").strip()


def without_title_heading(body: str, title: str) -> str:
    """The text without its opening heading when that heading is the title (and nothing
    but blank lines comes before it): shown under the page's own title, it would be
    printed twice. Any other heading, or one that differs from the title, is kept."""
    # (only the text's opening is read: searching the whole text for its first heading
    # cost a third of a millisecond per version, on every build)
    blank = _BLANK_LINES.match(body)  # (always matches: maybe nothing)
    found = _H1.match(body, blank.end() if blank else 0)
    if found is None or heading_text(found) != title:
        return body
    return body[found.end() :].lstrip("\n")
