"""Which files of the policies folder are policies, and the id (the URL) each one gets.

Real policy repositories are not flat: one folder per policy with an `index.md`, policies
nested by topic or locale, names with spaces and capitals, a README and a licence beside
them. Every `*.md` below the folder, at any depth, is a policy unless an `exclude`
pattern (or a missing `include` one) leaves it out; the patterns are gitignore's, as
MkDocs' `exclude_docs` are, matched without regard to case.

An id is the file's path below the folder without `.md`, `<folder>/index.md` being the
policy `<folder>`; each folder or file name becomes one URL segment, its characters that a
URL cannot carry as they are (spaces, accents, punctuation) turned into hyphens, so that
`Service/Terms of Service.md` is published at `Service/Terms-of-Service/` and the same file
always gets the same URL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pathspec

from policydocs.core.settings import DEFAULT_EXCLUDE

#: Suffixes of Markdown files that are not read (compared without case): said, so that
#: `terms.markdown` is not silently left unpublished.
OTHER_MARKDOWN = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtext", ".mdtxt")

#: The characters a URL carries as they are.
URL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


@dataclass(frozen=True)
class Selection:
    """The policy files of one folder of a repository."""

    #: The folder's repository-relative path ('.' for the repository's root).
    folder: str
    #: gitignore patterns a policy must match (empty: every `*.md`).
    include: Sequence[str] = ()
    exclude: Sequence[str] = DEFAULT_EXCLUDE
    _included: pathspec.GitIgnoreSpec = field(init=False, repr=False, compare=False)
    _excluded: pathspec.GitIgnoreSpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lowered = [pattern.lower() for pattern in self.include]
        object.__setattr__(self, "_included", pathspec.GitIgnoreSpec.from_lines(lowered))
        lowered = [pattern.lower() for pattern in self.exclude]
        object.__setattr__(self, "_excluded", pathspec.GitIgnoreSpec.from_lines(lowered))

    @property
    def pathspec(self) -> str:
        """git's pathspec for every Markdown file below the folder, at any depth; which of
        them are policies is `left_out`'s to say."""
        below = "" if self.folder == "." else self.folder + "/"
        return f":(glob,icase){below}**/*.md"

    def below(self, path: str) -> str | None:
        """A repository path relative to the folder; None if it is not inside it."""
        if self.folder == ".":
            return path
        prefix = self.folder + "/"
        return path[len(prefix) :] if path.startswith(prefix) else None

    def left_out(self, path: str) -> str | None:
        """Why the file at a repository path is not a policy; None if it is one."""
        name = self.below(path)
        if name is None:
            return f"outside the policies folder {self.folder}/"
        lowered = name.lower()
        if not lowered.endswith(".md"):
            return "only *.md files are policies"
        excluded = self._excluded.check_file(lowered)
        if excluded.include:
            assert excluded.index is not None  # (a match names its pattern)
            return f"the exclude pattern {self.exclude[excluded.index]!r} matches it"
        if self.include and not self._included.match_file(lowered):
            return "no include pattern matches it"
        return None

    def is_policy(self, path: str) -> bool:
        return self.left_out(path) is None

    def policy_id(self, path: str) -> str:
        """The id of the policy at a repository path (one that `is_policy`)."""
        name = self.below(path)
        assert name is not None  # (callers pass policy files)
        return policy_id(name)


def policy_id(name: str) -> str:
    """The id of the policy file at `name` (relative to the policies folder): its path
    without `.md`, `<folder>/index.md` standing for `<folder>`, each part made a URL
    segment (see `segment`); "" if a part has nothing to make one of."""
    stem = name[: -len(".md")] if name.lower().endswith(".md") else name
    parts = stem.split("/")
    if len(parts) > 1 and parts[-1].lower() == "index":
        parts.pop()
    segments = [segment(part) for part in parts]
    return "/".join(segments) if all(segments) else ""


def is_plain(name: str) -> bool:
    """Whether a name is a URL segment as it is: `URL_SAFE` characters, a letter or digit
    first (so never hidden, `.` or `..`)."""
    return bool(name) and set(name) <= URL_SAFE and name[0].isalnum()


def segment(name: str) -> str:
    """A folder or file name as a URL segment: accents folded to ASCII, every run of other
    characters a URL cannot carry as they are (spaces, punctuation) one hyphen, no leading
    '.' or '-'. A name that is already one is kept as it is, capitals included, so the URLs
    of flat `policies/*.md` sites do not change."""
    if is_plain(name):
        return name
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out: list[str] = []
    for char in folded:
        if char in URL_SAFE:
            out.append(char)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).lstrip("-._").rstrip("-")
