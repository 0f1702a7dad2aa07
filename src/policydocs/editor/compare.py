"""Compare one policy between two revisions, for editors (`policydocs diff`).

A side is a git revision (anything `git rev-parse` understands), a version label of the
policy, or the working tree. Errors name the policy and the revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from policydocs.core.errors import Level, PolicyError, Problem, shown
from policydocs.core.settings import Settings
from policydocs.history import frontmatter
from policydocs.history.git import GitHistory
from policydocs.history.model import Version
from policydocs.history.selection import Selection
from policydocs.redline.engine import redline
from policydocs.redline.result import Redline

WORKING_TREE = None


@dataclass(frozen=True)
class Side:
    #: How the revision was named: "HEAD", "2024-07-01 (version)", "working tree".
    name: str
    text: frontmatter.PolicyText


@dataclass(frozen=True)
class Comparison:
    policy: str
    path: str
    old: Side
    new: Side
    redline: Redline
    #: "modified", "added" (a new policy), "renamed" or "deleted" (to be withdrawn).
    change: str = "modified"
    old_path: str | None = None

    def front_matter_changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for each front matter field that differs."""
        changes = []
        before, after = self.old.text.front_matter, self.new.text.front_matter
        for name in ("title", "effective", "version", "summary"):
            a, b = getattr(before, name), getattr(after, name)
            if a != b:
                changes.append((name, _show(a), _show(b)))
        return changes


def compare(settings: Settings, policy: str, old: str | None, new: str | None) -> Comparison:
    """`old` defaults to HEAD when `new` is the working tree, else to the revision before."""
    folder = settings.policies_dir
    with GitHistory(folder) as history:
        selection = history.selection(folder, settings)
        path = _policy_path(history, selection, policy)
        policy_id = selection.policy_id(path)
        versions = _Versions(settings, policy_id)
        if old is None:
            old = _before(history, versions, new)
        old_side = _side(history, settings, path, versions, old)
        new_side = _side(history, settings, path, versions, new)
    change = redline(old_side.text.body, new_side.text.body)
    return Comparison(policy_id, path, old_side, new_side, change)


def compare_base(settings: Settings, base: str) -> tuple[str, list[Comparison]]:
    """Every policy changed from where HEAD's branch left `base` to the working tree."""
    with GitHistory(settings.policies_dir) as history:
        start = history.merge_base(base)
        if start is None:
            raise PolicyError(
                f"'{base}' is not a revision with history shared with HEAD; fetch it first "
                "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
            )
        selection = history.selection(settings.policies_dir, settings)
        changes = history.changed_since(start, selection)
        return start, [
            _base_comparison(history, settings, base, start, old_path, new_path, status, selection)
            for status, old_path, new_path in changes
        ]


def _base_comparison(
    history: GitHistory,
    settings: Settings,
    base: str,
    start: str,
    old_path: str | None,
    new_path: str,
    status: str,
    selection: Selection,
) -> Comparison:
    policy_id = selection.policy_id(new_path)
    versions = _Versions(settings, policy_id)
    if status == "D":
        old = _side(history, settings, new_path, versions, start, name=base)
        gone = Side("working tree", frontmatter.PolicyText(old.text.front_matter, ""))
        return Comparison(policy_id, new_path, old, gone, redline(old.text.body, ""), "deleted")
    new = _side(history, settings, new_path, versions, WORKING_TREE)
    if old_path is None:
        nothing = frontmatter.FrontMatter(new.text.front_matter.title, None, None, None)
        old = Side(f"{base} (no such policy yet)", frontmatter.PolicyText(nothing, ""))
        return Comparison(policy_id, new_path, old, new, redline("", new.text.body), "added")
    old = _side(history, settings, old_path, versions, start, name=base)
    change = "renamed" if old_path != new_path else "modified"
    return Comparison(
        policy_id, new_path, old, new, redline(old.text.body, new.text.body), change, old_path
    )


def _policy_path(history: GitHistory, selection: Selection, policy: str) -> str:
    """The repository path of a policy given by id (`terms`, `privacy/eu`) or file
    (`policies/terms.md`)."""
    candidate = Path(policy)
    if candidate.suffix.lower() == ".md":
        absolute = candidate.resolve()
    else:
        for path in history.files(selection, working_tree=True):
            if selection.is_policy(path) and selection.policy_id(path) == policy:
                return path
        below = "" if selection.folder == "." else f"{selection.folder}/"
        absolute = history.root / f"{below}{policy}.md"
    try:
        return absolute.relative_to(history.root).as_posix()
    except ValueError as exc:
        raise PolicyError(f"{policy}: not a policy file in {history.root}") from exc


def _side(
    history: GitHistory,
    settings: Settings,
    path: str,
    versions: _Versions,
    revision: str | None,
    name: str | None = None,
) -> Side:
    if revision is WORKING_TREE:
        file = history.root / path
        if not file.is_file():
            raise PolicyError(f"{path}: no such policy file in the working tree")
        return Side("working tree", _parse(file.read_bytes(), settings, path, "working tree"))
    sha = history.resolve(revision)
    if sha is not None:
        data = history.file_at(sha, path)
        if data is None:
            raise PolicyError(f"{path}: does not exist at revision {revision} ({sha[:12]})")
        called = name or revision
        try:
            return Side(called, _parse(data, settings, path, called))
        except PolicyError as exc:
            skipped = settings.skipped(sha, path)
            if skipped is None:
                raise
            note = (
                f"commit {sha[:12]} is listed in '{skipped}': the site leaves this "
                "revision out; compare published versions instead (see 'policydocs versions')"
            )
            raise PolicyError([*exc.problems, Problem(Level.INFO, note)]) from exc
    data = versions.file(history, revision)
    if data is None:
        raise _unknown(versions, revision)
    return Side(f"version {revision}", _parse(data, settings, path, f"version {revision}"))


def _before(history: GitHistory, versions: _Versions, new: str | None) -> str:
    """What `new` is compared with when no `--from` is given."""
    if new is WORKING_TREE:
        return "HEAD"
    if history.resolve(new) is not None:
        return f"{new}^"  # the first parent: for a merge, the main line before it
    labels = versions.labels()
    if new not in labels:
        raise _unknown(versions, new)
    if labels.index(new) == 0:
        raise PolicyError(
            f"{versions.policy_id}: version '{new}' has no earlier version to compare with"
        )
    return labels[labels.index(new) - 1]


def _unknown(versions: _Versions, revision: str) -> PolicyError:
    return PolicyError(
        f"{versions.policy_id}: {shown(revision)} is neither a git revision nor a version "
        "label of this policy (see 'policydocs versions')"
    )


class _Versions:
    """A policy's published versions, read from history only if a version label is used,
    and then once per comparison (reading them walks the whole history)."""

    def __init__(self, settings: Settings, policy_id: str):
        self.settings = settings
        self.policy_id = policy_id
        self._loaded: list[Version] | None = None

    def all(self) -> list[Version]:
        if self._loaded is None:
            from policydocs.history.catalog import load_catalog

            catalog, _ = load_catalog(self.settings)
            self._loaded = next(
                (p.versions for p in catalog.policies if self.policy_id in (p.id, *p.former_ids)),
                [],
            )
        return self._loaded

    def labels(self) -> list[str]:
        return [version.label for version in self.all()]

    def file(self, history: GitHistory, label: str) -> bytes | None:
        """The file of the version labelled `label`, as committed; None if none is."""
        from policydocs.history.catalog import committed

        version = next((v for v in self.all() if v.label == label), None)
        return None if version is None else committed(history, version)


def _parse(data: bytes, settings: Settings, path: str, revision: str) -> frontmatter.PolicyText:
    return frontmatter.parse_or_raise(
        data,
        path=f"{path} at {revision}",
        settings=settings,
    )


def _show(value: object) -> str:
    if value is None:
        return "—"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
