"""The titles of the folders policies are grouped in, for the site's navigation: a folder
is a section, titled by a `_folder.yml` in it (`title: Privacy and data protection`) or,
as the MkDocs awesome-pages plugin reads it, a `.pages` file; without either, the site
generator titles it from its name. Read from HEAD, as the policies are.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

import yaml

from policydocs.core.errors import Problems
from policydocs.history.git import File
from policydocs.history.selection import Selection, segment

#: The files that title a folder, the first found winning.
FOLDER_FILES = ("_folder.yml", ".pages")


def folder_files(selection: Selection, paths: Iterable[str], head: str) -> set[tuple[str, str]]:
    """(HEAD, path) of each file that may title a folder the policy files at `paths` are
    in, below the policies folder."""
    wanted: set[tuple[str, str]] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder and folder != selection.folder and selection.below(folder) is not None:
            wanted.update((head, posixpath.join(folder, name)) for name in FOLDER_FILES)
            folder = posixpath.dirname(folder)
    return wanted


def folder_titles(
    files: Mapping[tuple[str, str], File],
    wanted: Iterable[tuple[str, str]],
    selection: Selection,
    problems: Problems,
) -> dict[str, str]:
    """Each titled folder's title, by its path in the site's ids (`privacy/eu`: as a
    policy id's folders are spelled). A file that gives no title is warned about."""
    titles: dict[str, str] = {}
    for name in FOLDER_FILES:  # (the first found wins)
        for commit, path in sorted(key for key in wanted if posixpath.basename(key[1]) == name):
            file = files.get((commit, path))
            if file is None:
                continue
            below = selection.below(posixpath.dirname(path))
            assert below is not None  # (only folders below it are asked about: folder_files)
            folder = "/".join(segment(part) for part in below.split("/"))
            title = _title(file.data)
            if title is None:
                problems.warning(
                    "not read: a folder's title is a 'title: …' line (YAML) in this file",
                    path=path,
                    commit=commit,
                )
            else:
                titles.setdefault(folder, title)
    return titles


def _title(data: bytes) -> str | None:
    try:
        meta = yaml.safe_load(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    title = meta.get("title") if isinstance(meta, dict) else None
    return title.strip() if isinstance(title, str) and title.strip() else None
