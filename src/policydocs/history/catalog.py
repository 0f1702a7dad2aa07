"""Turn git changes into policies with labelled, dated versions and their status "as of" a moment.

The rules a reader relies on live here:

* A version takes effect on its `effective` date, never before it was published (merged).
* An `effective` date or `summary` carried over unchanged from the previous revision belongs to
  that revision, not this one: a carried-over summary is dropped, and a carried-over date that
  had already passed when this revision was published gives way to the publication date
  (otherwise a typo fix merged in August would claim to have been in force since July).
* The current version is the newest one in force at "as of"; newer ones are upcoming; a version
  overtaken by a newer one before its own start never took effect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from policydocs.core.errors import Level, PolicyError, Problem, Problems
from policydocs.core.settings import Settings
from policydocs.history import frontmatter
from policydocs.history.attachments import attachments, linked_files
from policydocs.history.editorial import Change as Revision
from policydocs.history.editorial import ChangeSource, renders_identically
from policydocs.history.folders import folder_files, folder_titles
from policydocs.history.git import NOT_FILES, Change, GitHistory, from_commit
from policydocs.history.model import (
    Catalog,
    EffectiveSource,
    Period,
    Policy,
    PolicyStatus,
    Status,
    Version,
    Withdrawal,
    is_policy_id,
)
from policydocs.history.selection import Selection


@dataclass
class _Lineage:
    """One policy file followed through renames, deletions and re-additions."""

    path: str
    former_paths: list[str] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    declared: list[frontmatter.FrontMatter] = field(default_factory=list)
    withdrawals: list[Withdrawal] = field(default_factory=list)


#: Keeps a revision's bytes where they are wanted (a build's store) and returns their
#: SHA-256; the catalog itself holds only the digest.
Keep = Callable[[bytes], str]


def sha256_of(data: bytes) -> str:
    """The `Keep` of a caller that wants no bytes kept, only their digest."""
    return hashlib.sha256(data).hexdigest()


def committed(history: GitHistory, version: Version) -> bytes:
    """A version's file as committed: read from git again, since the catalog holds only
    its digest (checked here)."""
    data = history.blob(version.blob)
    if data is None or sha256_of(data) != version.sha256:
        raise PolicyError(
            f"{version.path}: git no longer has this file as committed at "
            f"{version.commit.sha} (blob {version.blob}); was the history rewritten?"
        )
    return data


def load_catalog(settings: Settings, keep: Keep = sha256_of) -> tuple[Catalog, Problems]:
    """Read the policies' history and build the catalog; raise `PolicyError` on any error.
    Each revision's file is handed to `keep` as it is read (see `Version.sha256`)."""
    folder = settings.policies_dir
    if not folder.is_dir():
        raise PolicyError(f"{folder}: the policies folder does not exist")
    with GitHistory(folder) as history:
        problems = Problems()
        selection = history.selection(folder, settings)
        changes = history.changes(selection)
        if settings.history_from is not None:
            changes = from_commit(changes, _history_from(history, settings.history_from))
        lineages = _follow(changes, history, selection, settings, problems, keep)
        for path in history.unread(selection):
            problems.warning(UNREAD, path=path, commit=history.head)
        uncommitted = history.uncommitted(selection)
        head = history.head
        texts = [(v.commit.sha, v.path, v.body) for lineage in lineages for v in lineage.versions]
        linked = linked_files(selection, texts, head)
        titling = folder_files(selection, (lineage.path for lineage in lineages), head)
        files = history.files_at(sorted(linked | titling))
    if problems.errors:
        raise PolicyError(problems.errors + _how_to_skip(problems.errors))
    if not any(lineage.versions for lineage in lineages):
        hint = (
            f" ({len(uncommitted)} not yet committed: {', '.join(uncommitted)})"
            if uncommitted
            else ""
        )
        raise PolicyError(f"{selection.folder}/: no committed policy files (*.md){hint}")
    policies = [
        _policy(lineage, selection, settings.as_of, settings.timezone)
        for lineage in lineages
        if lineage.versions
    ]
    _check_unique_ids(policies, problems)
    problems.raise_errors()
    policies.sort(key=lambda p: p.id)
    catalog = Catalog(
        policies,
        head,
        settings.as_of,
        selection,
        uncommitted,
        attachments(files, linked, selection, head),
        folder_titles(files, titling, selection, problems),
    )
    return catalog, problems


def _history_from(history: GitHistory, revision: str) -> set[str]:
    """The first-parent commits from `history_from` on (it included)."""
    commits = history.first_parents()
    sha = history.resolve(revision)
    if sha is None or sha not in commits:
        raise PolicyError(
            f"'history_from' {revision!r} is not a commit of HEAD's first-parent history "
            "(the commits merged into it, as 'git log --first-parent' lists them)"
        )
    return set(commits[: commits.index(sha) + 1])


def _how_to_skip(errors: list[Problem]) -> list[Problem]:
    """A merged revision cannot be changed, only left out: how, naming its commits (a note
    after the errors, which name the files)."""
    commits = sorted({p.commit[:12] for p in errors if p.commit})
    if not commits:
        return []
    return [
        Problem(
            Level.INFO,
            "a merged revision cannot be changed: fix the file in a new commit, then leave "
            "the broken revisions out: each file at its commit in the plugin's 'skip' "
            "('- {commit: …, path: …}', keeping what the commit changed in other files), "
            f"or whole commits in 'skip_commits' (or --skip-commits): {', '.join(commits)}",
        )
    ]


#: Why a Markdown file in the policies folder is not published (see `GitHistory.unread`).
UNREAD = "not published: only files named *.md are policies (rename it to publish it)"


def _withdrawn_with_id(
    lineages: list[_Lineage], selection: Selection, policy_id: str
) -> _Lineage | None:
    """The withdrawn policy whose id a new file has, which that file publishes again."""
    for lineage in lineages:
        withdrawn = lineage.withdrawals and lineage.withdrawals[-1].after == len(lineage.versions)
        if withdrawn and selection.policy_id(lineage.path) == policy_id:
            return lineage
    return None


def _follow(
    changes: list[Change],
    history: GitHistory,
    selection: Selection,
    settings: Settings,
    problems: Problems,
    keep: Keep,
) -> list[_Lineage]:
    by_path: dict[str, _Lineage] = {}
    lineages: list[_Lineage] = []
    with closing(_Blobs(history, changes)) as blobs:
        for change in changes:
            if change.status == "R" and change.old_path in by_path:
                lineage = by_path.pop(change.old_path)
                lineage.former_paths.append(change.old_path)
                lineage.path = change.path
                by_path[change.path] = lineage
            elif change.status == "D":
                withdrawn = by_path.get(change.path)
                if withdrawn is not None and _published_since_withdrawn(withdrawn):
                    withdrawn.withdrawals.append(
                        Withdrawal(
                            change.commit,
                            change.path,
                            change.commit.date.astimezone(settings.timezone).date(),
                            after=len(withdrawn.versions),
                        )
                    )
                continue
            else:  # added (possibly re-added after a deletion), modified or type changed
                found = by_path.get(change.path)
                if found is None and change.status == "A":
                    found = _withdrawn_with_id(
                        lineages, selection, selection.policy_id(change.path)
                    )
                    if found is not None:  # (back in another file of its id: `terms/index.md`)
                        found.former_paths.append(found.path)
                        del by_path[found.path]
                        found.path = change.path
                        by_path[change.path] = found
                if found is None:
                    found = by_path[change.path] = _Lineage(change.path)
                    lineages.append(found)
                lineage = found
            if change.blob == change.old_blob:
                continue  # a pure rename or a mode change: same text, no new revision
            skipped = settings.skipped(change.commit.sha, change.path)
            if skipped is not None:
                problems.info(  # (configured: nothing to fix, so not a warning)
                    f"revision left out as configured in '{skipped}'",
                    path=change.path,
                    commit=change.commit.sha,
                )
                continue
            if change.mode in NOT_FILES:
                problems.error(
                    f"this is {NOT_FILES[change.mode]}, not a file: a policy must be a file "
                    "committed with its text",
                    path=change.path,
                    commit=change.commit.sha,
                )
                continue
            assert change.blob is not None  # (only a deletion has none)
            raw = blobs.read(change.blob)
            if raw is None:
                raise PolicyError(
                    f"{change.path}: git has no content for this file at commit "
                    f"{change.commit.sha} (blob {change.blob}); is this a partial clone? "
                    "Fetch the whole repository."
                )
            _add_version(lineage, change, raw, settings, problems, keep)
    return lineages


def _published_since_withdrawn(lineage: _Lineage) -> bool:
    """Whether deleting the file withdraws anything: a version was published since the
    last withdrawal (a file added only in skipped commits, then deleted, withdraws nothing,
    and a withdrawal is announced to subscribers)."""
    last = lineage.withdrawals[-1].after if lineage.withdrawals else 0
    return len(lineage.versions) > last


class _Blobs:
    """Blobs read ahead from git in the order of the changes, for those asked for."""

    def __init__(self, history: GitHistory, changes: list[Change]):
        self._stream = history.blobs(
            [change.blob for change in changes if change.blob and change.mode not in NOT_FILES]
        )

    def read(self, sha: str) -> bytes | None:
        for found, data in self._stream:
            if found == sha:
                return data
        raise AssertionError(f"blob {sha} was not asked for, or asked for out of order")

    def close(self) -> None:
        self._stream.close()


def _add_version(
    lineage: _Lineage,
    change: Change,
    raw: bytes,
    settings: Settings,
    problems: Problems,
    keep: Keep,
) -> None:
    parsed = frontmatter.parse(
        raw, problems, path=change.path, commit=change.commit.sha, settings=settings
    )
    if parsed is None:
        return
    declared = parsed.front_matter
    previous = lineage.declared[-1] if lineage.declared else None
    published = change.commit.date
    before = lineage.versions[-1] if lineage.versions else None
    if before is not None and published < before.published:
        problems.warning(
            f"this revision's commit is dated {published.isoformat()}, before the revision "
            f"before it ({before.published.isoformat()}, commit {before.commit.sha[:12]}): "
            "versions come in the history's order but take effect by date, so the earlier "
            "one may never take effect (a rebase or a wrong clock?)",
            path=change.path,
            commit=change.commit.sha,
        )
    effective_at, source = _effective(declared, previous, published, settings)
    in_force_from = max(effective_at, published)
    carried_over = previous is not None and declared.summary == previous.summary
    summary = None if carried_over else declared.summary
    before = lineage.versions[-1] if lineage.versions else None
    revision, revision_source = _revision(declared, previous, before, parsed.body)
    lineage.declared.append(declared)
    lineage.versions.append(
        Version(
            policy_id="",  # set once the lineage's final id is known
            index=len(lineage.versions),
            label=declared.version or "",  # completed by _assign_labels
            title=declared.title,
            body=parsed.body,
            sha256=keep(raw),
            path=change.path,
            blob=change.blob or "",
            commit=change.commit,
            effective=_written_day(declared, source, effective_at, settings),
            effective_source=source,
            effective_at=effective_at,
            in_force_from=in_force_from,
            in_force_on=in_force_from.astimezone(settings.timezone).date(),
            published_on=published.astimezone(settings.timezone).date(),
            summary=summary,
            extra=declared.extra,
            summary_carried_over=carried_over and declared.summary is not None,
            label_declared=declared.version is not None,
            change=revision,
            change_source=revision_source,
            redirect_from=declared.redirect_from,
            substituted=parsed.substituted,
            earlier_unpublished=change.starts_history,
        )
    )


def _revision(
    declared: frontmatter.FrontMatter,
    previous: frontmatter.FrontMatter | None,
    before: Version | None,
    body: str,
) -> tuple[Revision, ChangeSource]:
    """Material or editorial (see `history.editorial`): as the file says, else editorial
    when the page would show the same title, dates and text."""
    if before is None or previous is None:
        return Revision.MATERIAL, ChangeSource.RENDERED
    if declared.change is not None:
        return Revision(declared.change), ChangeSource.DECLARED
    same = (
        declared.title == previous.title
        and declared.effective == previous.effective
        and declared.version == previous.version
        and renders_identically(before.body, body)
    )
    return (Revision.EDITORIAL if same else Revision.MATERIAL), ChangeSource.RENDERED


def _effective(
    declared: frontmatter.FrontMatter,
    previous: frontmatter.FrontMatter | None,
    published: datetime,
    settings: Settings,
) -> tuple[datetime, EffectiveSource]:
    moment = declared.effective_at(settings.timezone)
    if moment is None:
        return published, EffectiveSource.COMMIT
    carried_over = previous is not None and previous.effective == declared.effective
    if carried_over and moment < published:
        return published, EffectiveSource.COMMIT
    written = EffectiveSource.TEXT if declared.effective_in_text else EffectiveSource.FRONT_MATTER
    return moment, written


def _written_day(
    declared: frontmatter.FrontMatter,
    source: EffectiveSource,
    moment: datetime,
    settings: Settings,
) -> date:
    """The effective day a version is named by: the calendar date its file writes (in the
    offset written with a time; `+14:00` must not move the label to the day before), or
    its publication's day in the site's time zone."""
    if source is not EffectiveSource.COMMIT and declared.effective is not None:
        written = declared.effective
        return written.date() if isinstance(written, datetime) else written
    return moment.astimezone(settings.timezone).date()


def _policy(lineage: _Lineage, selection: Selection, as_of: datetime, timezone: tzinfo) -> Policy:
    pid = selection.policy_id(lineage.path)
    former = []
    for path in lineage.former_paths:
        old = selection.policy_id(path)
        if old != pid and old not in former:
            former.append(old)
    for version in lineage.versions:
        version.policy_id = pid
    _assign_labels(lineage.versions)
    policy = Policy(
        id=pid,
        path=lineage.path,
        versions=lineage.versions,
        former_ids=former,
        withdrawals=lineage.withdrawals,
    )
    _assign_statuses(policy, as_of, timezone)
    return policy


def _assign_labels(versions: list[Version]) -> None:
    """`version` if declared, else the effective date; `-2`, `-3`… on collisions, in order."""
    taken: set[str] = set()
    for version in versions:
        base = version.label or version.effective.isoformat()
        label, n = base, 1
        while label.lower() in taken:
            n += 1
            label = f"{base}-{n}"
        taken.add(label.lower())
        version.label = label


def _assign_statuses(policy: Policy, as_of: datetime, timezone: tzinfo) -> None:
    """Evaluate the timeline of versions and withdrawals at `as_of`.

    The event in force at a moment t is the newest one (in history order) starting at or
    before t. An event therefore takes effect only if it starts strictly before every event
    that follows it; otherwise a newer one overtook it before it began.
    """
    events = _timeline(policy)
    starts = [_start(event) for event in events]
    effective_events = [
        index
        for index, start in enumerate(starts)
        if all(start < later for later in starts[index + 1 :])
    ]
    policy.periods = [
        _period(events[index], starts[index], starts[then] if then is not None else None, timezone)
        for index, then in zip(effective_events, [*effective_events[1:], None], strict=True)
    ]
    started = [index for index in effective_events if starts[index] <= as_of]
    in_force = started[-1] if started else None

    for index, event in enumerate(events):
        if not isinstance(event, Version):
            continue
        version = event
        if index not in effective_events:
            version.status = Status.NEVER_TOOK_EFFECT
            overtaken = (j for j in range(index + 1, len(events)) if starts[j] <= starts[index])
            _end(version, events[next(overtaken)])
            continue
        following = next((j for j in effective_events if j > index), None)
        if following is not None and (in_force is None or following <= in_force):
            version.in_force_until = starts[following]
            _end(version, events[following])
        if in_force is None or index > in_force:
            version.status = Status.UPCOMING
        elif index == in_force:
            version.status = Status.CURRENT
        elif following == in_force and isinstance(events[in_force], Withdrawal):
            version.status = Status.WITHDRAWN
        else:
            version.status = Status.ARCHIVED

    now = events[in_force] if in_force is not None else None
    if now is None:
        policy.status = PolicyStatus.UPCOMING
    elif isinstance(now, Withdrawal):
        policy.status = PolicyStatus.WITHDRAWN
        policy.withdrawal = now
    else:
        policy.status = PolicyStatus.CURRENT
        policy.current = now


def _timeline(policy: Policy) -> list[Version | Withdrawal]:
    """Versions and withdrawals in history order."""
    events: list[Version | Withdrawal] = []
    for version in policy.versions:  # (a withdrawal always follows a version: see `_follow`)
        events.append(version)
        events += policy.withdrawals_after(version)
    return events


def _period(
    event: Version | Withdrawal, start: datetime, end: datetime | None, timezone: tzinfo
) -> Period:
    """The days are the site's: the last is the one the period's last moment falls on."""
    last = (end - timedelta(microseconds=1)).astimezone(timezone).date() if end else None
    version = event if isinstance(event, Version) else None
    return Period(version, start, end, start.astimezone(timezone).date(), last)


def _start(event: Version | Withdrawal) -> datetime:
    return event.in_force_from if isinstance(event, Version) else event.commit.date


def _end(version: Version, by: Version | Withdrawal) -> None:
    """Record what ended (or overtook) a version: a newer version, or a withdrawal."""
    if isinstance(by, Version):
        version.replaced_by = by
    else:
        version.withdrawn_by = by


def _check_unique_ids(policies: list[Policy], problems: Problems) -> None:
    """Ids are made from file names (`history.selection`): two files whose names make the
    same URL (`Terms of Service.md`, `terms-of-service.md`), or one that makes none a
    URL can carry, are errors naming the files."""
    seen: dict[str, Policy] = {}
    for policy in policies:
        named = next((v for v in policy.versions if v.path == policy.path), policy.latest)
        if not is_policy_id(policy.id):
            problems.error(
                f"the file's path becomes the policy's URL ({policy.id}/), which is too long "
                "or not one a URL can carry: rename it with letters, digits, '.', '_' or '-' "
                "(at most 200 per folder or file name)",
                path=policy.path,
                commit=named.commit.sha,
            )
        other = seen.get(policy.id)  # (ids that differ in capitals: `site.outputs`)
        if other is not None:
            problems.error(
                f"two policies would share the URL '{policy.id}/': this file and "
                f"{other.path}; rename one of them",
                path=policy.path,
                commit=named.commit.sha,
            )
        seen[policy.id] = policy
