"""Policies and their versions, as the rest of the engine and the templates see them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from policydocs.history.attachments import Attachments
from policydocs.history.editorial import Change, ChangeSource, unseen_changes
from policydocs.history.git import Commit
from policydocs.history.headings import without_title_heading
from policydocs.history.selection import Selection

#: What an id or a label may be, as the one path segment of a URL and a file name it
#: becomes: letters, digits, '.', '_', '-', not starting with '.' (so never '.', '..' or
#: hidden) and short enough for any file system with a suffix added.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def is_segment(name: str) -> bool:
    """Whether `name` can be a label or one folder or file name of an id: see `_SEGMENT`.
    Every id and label of the history passes through here before it becomes a path (see
    `site.outputs`)."""
    return _SEGMENT.fullmatch(name) is not None


def is_policy_id(name: str) -> bool:
    """Whether `name` can be a policy's id: segments joined by '/' (a nested policy)."""
    return all(is_segment(part) for part in name.split("/"))


def long_date(day: date) -> str:
    """A day as pages and feeds write it for readers: 1 January 2027."""
    return f"{day.day} {day:%B} {day.year}"


class Status(StrEnum):
    """Where a version stands at the build's "as of" moment."""

    CURRENT = "current"
    #: Was in force, and a newer version replaced it.
    ARCHIVED = "archived"
    #: Published, takes effect later (the advance notice period).
    UPCOMING = "upcoming"
    #: Replaced by a newer revision before its effective date arrived.
    NEVER_TOOK_EFFECT = "never-took-effect"
    #: Was in force when its policy was withdrawn (its file deleted).
    WITHDRAWN = "withdrawn"

    @property
    def display(self) -> str:
        """The status as pages show it."""
        return self.value.replace("-", " ").capitalize()


#: Versions not yet in force at the build's moment: upcoming, or overtaken before they began.
_NOT_YET_IN_FORCE = (Status.UPCOMING, Status.NEVER_TOOK_EFFECT)


class PolicyStatus(StrEnum):
    CURRENT = "current"
    #: Published, but no version is in force yet.
    UPCOMING = "upcoming"
    WITHDRAWN = "withdrawn"


class EffectiveSource(StrEnum):
    """Where a version's effective date came from; published in versions.json."""

    FRONT_MATTER = "front-matter"
    #: Found in the text by the site's `effective_pattern`.
    TEXT = "text"
    #: No date given, or the date was carried over unchanged and had already passed.
    COMMIT = "commit"


@dataclass
class Version:
    policy_id: str
    #: Position in the policy's history, 0 for the first publication.
    index: int
    label: str
    title: str
    body: str
    #: Of the file's bytes as committed, which are published as its Markdown source. They
    #: are not held here (a long history's would double its memory): git has them (`blob`),
    #: and a build's store under this digest (see `load_catalog`'s `keep`).
    sha256: str
    #: Repository path of the file at this revision (a renamed policy had other paths).
    path: str
    blob: str
    commit: Commit
    #: The effective day: the calendar date the file writes (for a date and time, in the
    #: offset written with it), or the publication's day in the site's time zone (see
    #: `EffectiveSource`). It names the version (its label), but a date that passed
    #: before the revision was published is not when it took effect: see `in_force_on`.
    effective: date
    effective_source: EffectiveSource
    #: The moment the file gives (its date's midnight in the site's time zone), or the
    #: publication's (see `EffectiveSource`).
    effective_at: datetime
    #: The moment it is in force from: the effective moment, never before publication.
    in_force_from: datetime
    #: The day it is in force from (of `in_force_from`, in the site's time zone): what
    #: pages and feeds say it takes effect on.
    in_force_on: date
    #: The publication day in the site's time zone.
    published_on: date
    summary: str | None
    extra: dict[str, Any]
    status: Status = Status.ARCHIVED
    #: The front matter repeated the previous revision's summary (so `summary` is None).
    summary_carried_over: bool = False
    #: The version that ended this one (or overtook it before it began); None while in force,
    #: upcoming, or when a withdrawal of the policy ended it (see `withdrawn_by`).
    replaced_by: Version | None = None
    #: The withdrawal that ended this version (or came before it began), if one did.
    withdrawn_by: Withdrawal | None = None
    #: When it stopped being in force (by replacement or withdrawal); None if it never was.
    in_force_until: datetime | None = None
    #: The front matter named it (`version`); else its label is its effective date.
    label_declared: bool = False
    #: What the revision changed for a reader (see `history.editorial`): a first
    #: publication is material.
    change: Change = Change.MATERIAL
    change_source: ChangeSource = ChangeSource.RENDERED
    #: Former addresses of the policy its front matter gives (Jekyll's `redirect_from`).
    redirect_from: tuple[str, ...] = ()
    #: Whether the site's `variables` changed its text (see `text_id`).
    substituted: bool = False
    #: A policy's first version here, whose earlier revisions `history_from` left out.
    earlier_unpublished: bool = False

    @property
    def opening(self) -> str:
        """What a policy's first version is to its readers (not a first publication when
        earlier revisions are left out)."""
        if self.earlier_unpublished:
            return "The earliest version published here (earlier ones are not)."
        return "First publication."

    @property
    def text_id(self) -> str:
        """What names the text (`body`) in cache keys: its blob, unless the site's
        `variables` filled values into it, then its hash (a new value is a new text)."""
        if not self.substituted:
            return self.blob
        return "sha256-" + hashlib.sha256(self.body.encode()).hexdigest()

    @property
    def editorial(self) -> bool:
        return self.change is Change.EDITORIAL

    def unseen_changes(self, older: Version) -> str:
        """What changed since `older` when the page reads the same (`history.editorial`)."""
        return unseen_changes(older.body, self.body, older.extra, self.extra)

    @property
    def page_body(self) -> str:
        """The text as a page shows it under the title it prints (see `history.headings`)."""
        return without_title_heading(self.body, self.title)

    @property
    def published(self) -> datetime:
        return self.commit.date

    def in_force_text(self, day: Callable[[date], str]) -> str:
        """The day it came into force, written by `day`, with the file's own date beside it
        when that is another day: it had passed when the revision was merged, or the file
        gives a time in another time zone (pages, feeds and the CLI all say it so)."""
        text = day(self.in_force_on)
        if self.in_force_on == self.effective:
            return text
        if self.in_force_from > self.effective_at:
            return f"{text} (on publication; the file gives {day(self.effective)})"
        written = self.effective_at.timetz().isoformat("minutes")
        return f"{text} (the file gives {day(self.effective)}, {written})"


@dataclass(frozen=True)
class Period:
    """A stretch of time in which one version was in force (`version` None: the policy
    was withdrawn), from its start to the next one's, and the calendar days it touches in
    the site's time zone, the first and the last included: what "which version applied on
    this day?" is answered from (a day on which the text changed has two)."""

    version: Version | None
    start: datetime
    end: datetime | None
    first_day: date
    last_day: date | None


@dataclass
class Withdrawal:
    """The policy's file deleted. Adding it again later continues the history: the
    withdrawal stays, between the versions before it and those after."""

    commit: Commit
    path: str
    #: The day of the deletion in the site's time zone.
    day: date
    #: How many of the policy's versions were published before it.
    after: int


@dataclass
class Policy:
    id: str
    #: Current repository path, or the last one for a withdrawn policy.
    path: str
    versions: list[Version]
    #: Ids the policy had before it was renamed, oldest first; their URLs redirect here.
    former_ids: list[str] = field(default_factory=list)
    #: Every deletion of its file, in history order.
    withdrawals: list[Withdrawal] = field(default_factory=list)
    #: The withdrawal in force at "as of", while the policy is withdrawn.
    withdrawal: Withdrawal | None = None
    status: PolicyStatus = PolicyStatus.CURRENT
    current: Version | None = None
    #: Each version's time in force, and each withdrawal's, in order (see `Period`).
    periods: list[Period] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The title in force, or the latest one while nothing is in force yet."""
        return (self.current or self.latest).title

    @property
    def shown(self) -> Version | None:
        """The version the policy's main page shows: the one in force, or for a withdrawn
        policy the one that was in force when it was withdrawn."""
        if self.current is not None:
            return self.current
        return next((v for v in self.versions if v.status is Status.WITHDRAWN), None)

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def redirect_from(self) -> list[str]:
        """Every former address any of its versions gave (`redirect_from`), in order."""
        return list(dict.fromkeys(a for v in self.versions for a in v.redirect_from))

    @property
    def last_changed(self) -> date:
        """The last day the policy's pages changed: a version or a withdrawal published, or
        a version coming into force (as of the build's moment). Sitemaps give it as the
        pages' date, which must come from the history, never from the build's clock."""
        days = [v.published_on for v in self.versions] + [w.day for w in self.withdrawals]
        days += [v.in_force_on for v in self.versions if v.status not in _NOT_YET_IN_FORCE]
        return max(days)

    def withdrawals_after(self, version: Version) -> list[Withdrawal]:
        """The withdrawals between this version and the next (where the timeline, the
        history page and the CLI put them)."""
        return [w for w in self.withdrawals if w.after == version.index + 1]

    def last_before(self, withdrawal: Withdrawal) -> Version:
        """The last version published before a withdrawal (there is one: the history
        records a withdrawal only where a version was published since the last)."""
        return self.versions[withdrawal.after - 1]

    @property
    def upcoming(self) -> list[Version]:
        return [v for v in self.versions if v.status is Status.UPCOMING]

    def previous(self, version: Version) -> Version | None:
        return self.versions[version.index - 1] if version.index > 0 else None

    def next(self, version: Version) -> Version | None:
        index = version.index + 1
        return self.versions[index] if index < len(self.versions) else None

    def with_current(self, version: Version) -> tuple[Version, Version] | None:
        """The (older, newer) pair that compares `version` with the one in force: a reader of
        an old version asks what has changed since; of an upcoming one, what it will change.
        None when `version` is the one in force, or none is."""
        current = self.current
        if current is None or version is current:
            return None
        return (version, current) if version.index < current.index else (current, version)

    def needs_comparison_page(self, version: Version) -> bool:
        """Whether comparing `version` with the current one needs a page of its own: for a
        neighbour of the current version the later one's changes page already shows it."""
        pair = self.with_current(version)
        return pair is not None and pair[1].index - pair[0].index > 1


@dataclass
class Catalog:
    """Everything the site is made from: the policies at one commit, seen at one moment."""

    policies: list[Policy]
    head: str
    as_of: datetime
    #: The policy files of the policies folder, and the id each one gets.
    selection: Selection
    #: Policy files whose working-tree state is not what HEAD publishes.
    uncommitted: list[str] = field(default_factory=list)
    #: The files beside the policies that their texts link to (see `history.attachments`).
    attachments: Attachments = field(default_factory=dict)
    #: Titles of the folders policies are in, by the folder's path in ids (`history.folders`).
    folder_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        """Repository path of the policies folder, for messages and edit links."""
        return self.selection.folder

    @property
    def last_changed(self) -> date:
        """The last day any policy's pages changed (see `Policy.last_changed`): the date of
        pages that list the policies."""
        return max(policy.last_changed for policy in self.policies)

    def get(self, policy_id: str) -> Policy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise KeyError(policy_id)
