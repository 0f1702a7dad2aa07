"""The files kept beside the policies that a policy's text links to (`dpa/addendum.pdf`,
`how-to.gif`): published with the site, each as it was in the commit of the text that
links to it, so that an old version's link opens the file that version linked to, not
today's. The current page links to the file as HEAD has it.

Only files a text links to are published: a policies folder can be the repository's root,
and nothing else in it (its configuration, its code) is the site's to publish. Markdown
files are policies or pages, never attachments; hidden files (a name starting with `.`)
are not published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from policydocs.history import links
from policydocs.history.git import File
from policydocs.history.selection import Selection


@dataclass(frozen=True)
class Attachment:
    """A file as one commit had it, linked from a text of that commit."""

    #: Repository path, and the path below the policies folder.
    path: str
    name: str
    blob: str
    #: Whether HEAD has these bytes at this path (the file's current state).
    current: bool
    data: bytes


#: (commit, repository path) → the file there, for every file a text links to.
Attachments = Mapping[tuple[str, str], Attachment]


def linked_files(
    selection: Selection, texts: Iterable[tuple[str, str, str]], head: str
) -> set[tuple[str, str]]:
    """The (commit, path) of each file the (commit, repository path, body) texts link
    to, and of the same path at HEAD (to know whether it is the file's current state)."""
    wanted: set[tuple[str, str]] = set()
    for commit, source, body in texts:
        for target, _ in links.targets(body):
            path = links.resolve(source, target)
            if path is not None and _publishable(path, selection):
                wanted.update(((commit, path), (head, path)))
    return wanted


def attachments(
    files: Mapping[tuple[str, str], File],
    wanted: Iterable[tuple[str, str]],
    selection: Selection,
    head: str,
) -> dict[tuple[str, str], Attachment]:
    """The `wanted` files (see `linked_files`) that git has, from what it gave (`files`)."""
    found = {}
    for commit, path in wanted:
        file, now = files.get((commit, path)), files.get((head, path))
        name = selection.below(path)
        if file is not None and name is not None:
            current = now is not None and now.blob == file.blob
            found[(commit, path)] = Attachment(path, name, file.blob, current, file.data)
    return found


def _publishable(path: str, selection: Selection) -> bool:
    name = selection.below(path)
    return (
        name is not None
        and not links.is_markdown(name)
        and not any(part.startswith(".") for part in name.split("/"))
    )
