"""`policydocs check --list`: what the build would read, before anyone relies on it.

Adopting policydocs on a repository kept for another tool, an editor needs to see which
files become policies, under which URL and title, with how many versions, and which files
are left out and why: the folder's patterns and the file names decide that silently
otherwise."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from policydocs.core.errors import PolicyError, Problems
from policydocs.core.settings import Settings
from policydocs.history import frontmatter
from policydocs.history.catalog import load_catalog
from policydocs.history.folders import FOLDER_FILES
from policydocs.history.git import GitHistory


@dataclass(frozen=True)
class Listed:
    """One file below the policies folder."""

    path: str
    #: The policy's id (its URL below the site's prefix); None: left out.
    policy_id: str | None
    #: Why it is left out, or where its title comes from.
    note: str
    #: Committed versions (None: left out, or the history could not be read).
    versions: int | None = None
    #: Not a policy, but a file that policies link to (published with them), or one that
    #: titles its folder's section in the navigation.
    role: str | None = None

    def line(self) -> str:
        if self.role is not None:
            return f"{self.path}: {self.role}"
        if self.policy_id is None:
            return f"{self.path}: left out: {self.note}"
        count = {None: "history not read", 1: "1 version"}.get(
            self.versions, f"{self.versions} versions"
        )
        return f"{self.path}: policy '{self.policy_id}' ({self.note}; {count})"


def list_files(settings: Settings) -> tuple[list[Listed], list[str]]:
    """Every file below the policies folder, in the working tree, with what the build
    makes of it; and, if the history cannot be read, why (the build's errors)."""
    counts: dict[str, int] = {}
    linked: set[str] = set()
    failures: list[str] = []
    try:
        catalog, _ = load_catalog(settings)
        counts = {policy.path: len(policy.versions) for policy in catalog.policies}
        linked = {path for _, path in catalog.attachments}
    except PolicyError as exc:
        failures = [problem.located() for problem in exc.problems]
    listed = []
    with GitHistory(settings.policies_dir) as repo:
        selection = repo.selection(settings.policies_dir, settings)
        for path in repo.files(selection, working_tree=True):
            reason = selection.left_out(path)
            if reason is not None:
                listed.append(Listed(path, None, reason, role=_role(path, linked)))
                continue
            file = repo.root / path
            parsed = (
                frontmatter.parse(
                    file.read_bytes(), Problems(), path=path, commit=None, settings=settings
                )
                if file.is_file()
                else None
            )
            note = f"title from {parsed.front_matter.title_source}" if parsed else "cannot be read"
            listed.append(
                Listed(
                    path,
                    selection.policy_id(path),
                    note,
                    counts.get(path, 0 if not failures else None),
                )
            )
    return listed, failures


def _role(path: str, linked: set[str]) -> str | None:
    if path in linked:
        return "published as a file that policies link to"
    if posixpath.basename(path) in FOLDER_FILES:
        return "titles its folder's section in the navigation (if it has policies)"
    return None
