"""Unpublished drafts: policy files edited in the working tree but not yet committed.

Under `mkdocs serve` an editor sees each one as a draft page with its redline against the
last published version, before anything is merged. Drafts are not versions: they never
reach feeds, versions.json or (unless a site asks) a normal build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policydocs.core.errors import Problems
from policydocs.core.settings import Settings
from policydocs.history import frontmatter
from policydocs.history.catalog import committed
from policydocs.history.git import GitHistory
from policydocs.history.model import Catalog, Version
from policydocs.redline.engine import redline
from policydocs.redline.result import Redline


@dataclass(frozen=True)
class Draft:
    policy_id: str
    path: str
    text: frontmatter.PolicyText
    #: The published version it would replace (None for a policy never published).
    base: Version | None
    redline: Redline
    #: The day it would come into force if merged now: the file's date while that is still
    #: ahead; None once it has passed, when the site dates it by the merge (as it would).
    takes_effect: date | None = None
    #: The file's summary repeats the published revision's: merged, the version would show
    #: none (as `policydocs check` warns), so neither does the draft.
    summary_carried_over: bool = False

    @property
    def summary(self) -> str | None:
        """The summary the version would show if merged now."""
        return None if self.summary_carried_over else self.text.front_matter.summary


def find_drafts(catalog: Catalog, settings: Settings) -> list[Draft]:
    """A draft for every uncommitted policy file that exists (a deleted one is a withdrawal
    to be, which `policydocs check` reports)."""
    drafts = []
    problems = Problems()  # every broken draft is named, not only the first
    root = settings.policies_dir.resolve()
    prefix = f"{catalog.folder}/" if catalog.folder != "." else ""
    for path in catalog.uncommitted:
        file = root / path.removeprefix(prefix)
        if not file.is_file():
            continue
        parsed = frontmatter.parse(
            file.read_bytes(),
            problems,
            path=f"{path} (uncommitted)",
            commit=None,
            settings=settings,
        )
        if parsed is None:
            continue
        pid = catalog.selection.policy_id(path)
        base = next((p.latest for p in catalog.policies if p.id == pid), None)
        change = redline(base.body if base else "", parsed.body)
        moment = parsed.front_matter.effective_at(settings.timezone)
        ahead = (
            moment.astimezone(settings.timezone).date()
            if moment and moment > catalog.as_of
            else None
        )
        summary = parsed.front_matter.summary
        repeated = (
            base is not None
            and summary is not None
            and summary == _declared_summary(base, settings)
        )
        drafts.append(Draft(pid, path, parsed, base, change, ahead, repeated))
    problems.raise_errors()
    return drafts


def _declared_summary(version: Version, settings: Settings) -> str | None:
    """The summary a version's file gives (its `summary` is None when that repeated the
    one before: the rule compares what files say)."""
    with GitHistory(settings.policies_dir) as history:
        data = committed(history, version)
    parsed = frontmatter.parse(
        data,
        Problems(),
        path=version.path,
        commit=version.commit.sha,
        settings=settings,
    )
    return parsed.front_matter.summary if parsed is not None else None
