"""Relative links in a policy's text, as its repository writes them: to another policy's
file (`../privacy/index.md`) or to a file kept beside the policies (`dpa/addendum.pdf`,
`how-to.gif`), relative to the file that links. The history reads them to find the files
a version links to; the site points them at what it publishes; `policydocs check` checks
them. One pattern, so that the three agree on what a link is.

A link is matched inline, `](…)` or `![…](…)`, or as a reference definition `[x]: …`,
its target ending in a file name with a suffix. Python-Markdown, which MkDocs renders
with, takes spaces in a target (`](Security Overview.pdf)`), so they are taken here too,
and balanced parentheses (`](statement(FR).pdf)`, as CommonMark reads them); a title after
the target (`](x.pdf "Title")`) ends it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

#: A relative target (no scheme, not from the root, not an anchor) that ends in a suffix,
#: before an anchor, the link's end, a title, or the line's end.
_TARGET = (
    r"(?P<target>(?![A-Za-z][A-Za-z0-9+.-]*:)[^\s()<>#/]"
    r"(?:[^\n()<>#]|\([^\n()<>#]*\))*?\.[A-Za-z0-9]{1,10})"
    r"(?=[#>]|[ \t]*\)|[ \t]+[\"'(]|[ \t]*$)"
)
#: Two patterns, each starting with a literal that the regex engine searches for quickly:
#: one pattern with both forms and `^` (MULTILINE) tried every position, 35x slower on
#: 30 KB, and this runs on every page and feed entry. The reference form is matched after
#: a newline, so the text is searched with one put in front (see `sub`).
_LINKS = (
    re.compile(r"(?P<lead>\]\([ \t]*<?)" + _TARGET, re.MULTILINE),
    re.compile(r"(?P<lead>\n[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)" + _TARGET, re.MULTILINE),
)


def is_markdown(path: str) -> bool:
    """Whether a link or path names a Markdown file (what may be a policy)."""
    return path.lower().endswith(".md")


def targets(body: str) -> Iterator[tuple[str, int]]:
    """Each link target in `body`, with where it starts."""
    inline, reference = _LINKS
    for match in inline.finditer(body):
        yield match["target"], match.start("target")
    for match in reference.finditer("\n" + body):
        yield match["target"], match.start("target") - 1


def sub(body: str, replace: Callable[[str], str | None]) -> str:
    """`body` with each link target `replace` gives a new one for (None: kept)."""

    def one(match: re.Match[str]) -> str:
        new = replace(match["target"])
        return match[0] if new is None else match["lead"] + new

    inline, reference = _LINKS
    return reference.sub(one, "\n" + inline.sub(one, body))[1:]


def resolve(source: str, target: str) -> str | None:
    """The path a relative link names, from the file at `source` (both relative to the
    same folder, as git spells paths; `%20` read as a space, as MkDocs reads it); None for
    a link that leaves that folder or is not a relative path (`/terms/`, `https://…`)."""
    if not target or target.startswith("/") or ":" in target.split("/")[0]:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(target)))
    return None if joined == ".." or joined.startswith("../") else joined
