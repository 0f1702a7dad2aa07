"""What the text of a revision must be to be published at all, beyond valid front matter:
characters every output can carry, nesting a Markdown renderer can follow, and none of the
redline's own markup.

A NUL or another control character reaches pages as it is (browsers show it, or drop the
text after it) and cannot be written in a feed at all (XML 1.0 forbids it). A list or quote
nested hundreds of levels deep makes Python-Markdown recurse until Python stops it (a
traceback, not a page; 300 levels of indented list items did it). A text holding the
marks a redline is written with (`<ins class="pd-ins">`, `<!--pd-was …-->`) would show
words as inserted or deleted on its own page, and make a redline that cannot tell them
from its changes: its changes page would say a clause was added that was not, and
rejecting its changes would not give the old text back. All are errors naming the line
and column, found for the build, `policydocs check` and drafts alike.
"""

from __future__ import annotations

import re

from policydocs.core.errors import Problems

#: Characters XML 1.0 cannot hold (C0 controls but tab, line feed and carriage return;
#: U+FFFE, U+FFFF): nothing that can be published may contain them. Looked for one by
#: one (`in`, 1,000 revisions of 16 KB: 5 ms), then found with the pattern (140 ms).
_UNPUBLISHABLE_CHARACTERS = "".join(map(chr, [*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]))
_UNPUBLISHABLE = re.compile(f"[{re.escape(_UNPUBLISHABLE_CHARACTERS)}]")

#: Deeper nesting than this is refused. Real policies nest a few levels; at 300 levels
#: Python-Markdown fails, and a site generator renders with more of the stack in use.
MAX_NESTING = 50

#: A line that may be nested too deeply: each level takes at least one character of
#: indentation, quote or list markers, so it opens with more than MAX_NESTING of them.
#: Searched for after a newline (the text with one put in front), which the regex engine
#: finds quickly: `^` in multi-line mode tries every position (9 ms against 236 ms).
_DEEP_CANDIDATE = re.compile(rf"\n[ \t>*+\-0-9.)]{{{MAX_NESTING + 1},}}")
_LEVEL = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))")
#: The redline's own markup (see `redline.markup`): its marks' classes and its comments.
_REDLINE_MARKUP = re.compile(
    r"""class\s*=\s*["']?pd-(?:ins|del|format|lit|src|block|space|form|link)\b|<!--/?pd-""",
    re.IGNORECASE,
)


def check_text(text: str, problems: Problems, **where: str | None) -> bool:
    """Whether `text` (a whole revision, decoded) can be published; each reason not is
    recorded in `problems` with its line and column."""
    before = len(problems.errors)
    unpublishable = any(character in text for character in _UNPUBLISHABLE_CHARACTERS)
    for match in _UNPUBLISHABLE.finditer(text) if unpublishable else ():
        line, column = _position(text, match.start())
        problems.error(
            f"the character U+{ord(match.group()):04X} (a control character) at line {line}, "
            f"column {column} cannot be published: pages would show it and feeds cannot "
            "hold it; delete it",
            line=line,
            column=column,
            **where,
        )
        break  # one is enough to name; the editor's search finds the rest
    for match in _DEEP_CANDIDATE.finditer("\n" + text):
        start = match.start()  # (in `text`: the line after the newline put in front)
        end = text.find("\n", start)
        depth = nesting(text[start : end if end >= 0 else len(text)])
        if depth > MAX_NESTING:
            line, _ = _position(text, start)
            problems.error(
                f"a list or quote nested more than {MAX_NESTING} levels deep at line {line}: "
                f"at most {MAX_NESTING} can be rendered; flatten it",
                line=line,
                column=1,
                **where,
            )
            break
    found = _REDLINE_MARKUP.search(text) if "pd-" in text else None
    if found is not None:
        line, column = _position(text, found.start())
        problems.error(
            f"'{found.group()}' at line {line}, column {column} is policydocs' own redline "
            "markup: its pages would show these words as changed, and its redlines could not "
            "tell them from a change; write them without it",
            line=line,
            column=column,
            **where,
        )
    return len(problems.errors) == before


def nesting(line: str) -> int:
    """How many levels of quotes, list items and indentation open `line` (an upper
    bound: indentation counts a level per four columns)."""
    line = line.expandtabs(4)
    levels = 0
    position = 0
    while (marker := _LEVEL.match(line, position)) is not None and marker.end() > position:
        levels += 1
        position = marker.end()
    indent = len(line) - len(line.lstrip(" "))
    return levels + indent // 4


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
