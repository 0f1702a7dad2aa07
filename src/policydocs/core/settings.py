"""Engine settings, shared by the CLI and the MkDocs plugin, and the "as of" moment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policydocs.core.dates import YEARS, in_range
from policydocs.core.errors import PolicyError, shown

#: A folder of 'url_prefix': safe in a URL as it is, and not hidden ('.', '..', '.x').
_PREFIX_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


#: Files of the policies folder that are not policies unless a site's `exclude` says
#: otherwise (gitignore patterns, see `history.selection`): the files a repository keeps
#: about itself, hidden files and folders (`.github/`), templates and partials
#: (`_template.md`), and the folder's own `index.md` (a home page, not a policy).
DEFAULT_EXCLUDE = (
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "CODE_OF_CONDUCT.md",
    "LICENSE.md",
    "PULL_REQUEST_TEMPLATE.md",
    ".*",
    "_*",
    "/index.md",
)


@dataclass(frozen=True)
class Settings:
    #: The folder holding the policy files (every `*.md` below it, see `history.selection`).
    policies_dir: Path
    #: The moment that decides which version is in force.
    as_of: datetime
    #: Where calendar dates (effective dates, labels) start and end.
    timezone: tzinfo = UTC
    #: URL path the policies live under, without slashes ("" for the site root).
    url_prefix: str = ""
    use_directory_urls: bool = True
    #: Front matter keys a site uses itself; they are passed to templates, not warned about.
    extra_keys: frozenset[str] = field(default_factory=frozenset)
    #: Commits whose policy revisions cannot be published (e.g. broken front matter merged
    #: before checks existed): left out, and said so in the build log.
    skip_commits: frozenset[str] = field(default_factory=frozenset)
    #: One file's revision at one commit, left out as `skip_commits` leaves a commit's:
    #: (commit id, repository path), sparing the commit's other files.
    skip: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    #: The commit the published history starts at (None: the first): each policy's
    #: earlier revisions are left out but the one in force then (see `git.from_commit`).
    history_from: str | None = None
    #: Where computed redlines are kept between builds (None: no cache).
    cache_dir: Path | None = None
    #: Commit authors' names in what is published (versions.json, version pages).
    show_authors: bool = False
    #: A citable PDF of every version (`site.pdf`; needs WeasyPrint and the site's address).
    pdf: bool = False
    #: gitignore patterns, relative to `policies_dir`, that pick the policy files (empty:
    #: every `*.md`) and leave files out.
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    #: Front matter keys of another tool (Jekyll's `layout`…) are ignored, not warned about.
    ignore_unknown_keys: bool = False
    #: A regular expression with a group named `date` (YYYY-MM-DD) that finds the effective
    #: date in the text of a file whose front matter gives none.
    effective_pattern: re.Pattern[str] | None = None
    #: Values of `{{ name }}` tags written in the texts (see `history.variables`).
    variables: Mapping[str, str] = field(default_factory=dict)

    def skipped(self, commit: str, path: str) -> str | None:
        """The option that leaves out this file's revision at this commit, if one does."""
        if any(commit.startswith(sha) for sha in self.skip_commits):
            return "skip_commits"
        if any(commit.startswith(sha) and path == skipped for sha, skipped in self.skip):
            return "skip"
        return None


def load_timezone(name: str) -> tzinfo:
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PolicyError(
            f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'"
        ) from exc


def resolve_as_of(
    value: str | date | datetime | None,
    timezone: tzinfo,
    environ: Mapping[str, str] = os.environ,
) -> datetime:
    """The configured moment, else SOURCE_DATE_EPOCH, else now; within the years the site
    can date (`core.dates.YEARS`).

    A date means the start of that day in the site's time zone, so a version effective on that
    day is already in force.
    """
    moment = _as_of(value, timezone, environ)
    if not in_range(moment):
        raise PolicyError(
            f"'as_of' {shown(value or environ.get('SOURCE_DATE_EPOCH'))} is outside the "
            f"years {YEARS[0]} to {YEARS[1]}"
        )
    return moment


def _as_of(
    value: str | date | datetime | None, timezone: tzinfo, environ: Mapping[str, str]
) -> datetime:
    if value is None or value == "":
        epoch = environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            try:
                return datetime.fromtimestamp(int(epoch), UTC)
            except (ValueError, OverflowError, OSError) as exc:
                raise PolicyError(
                    f"SOURCE_DATE_EPOCH={shown(epoch)} is not a whole number of seconds "
                    f"within the years {YEARS[0]} to {YEARS[1]}"
                ) from exc
        return datetime.now(UTC)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise PolicyError(
                f"'as_of' {value!r} is not a date (YYYY-MM-DD) or ISO 8601 date and time"
            ) from exc
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    return datetime.combine(value, time(), tzinfo=timezone)


def normalize_prefix(prefix: str) -> str:
    """The prefix without outer slashes; its folders must be usable in URLs as they are
    (feeds carry them in absolute links, where a space is not allowed)."""
    cleaned = prefix.strip().strip("/")
    if cleaned and not all(_PREFIX_PART.fullmatch(part) for part in cleaned.split("/")):
        raise PolicyError(
            f"'url_prefix' {prefix!r} must be a plain path such as 'legal' or 'legal/policies' "
            "(letters, digits, '.', '_' and '-'; a folder name does not start with '.')"
        )
    return cleaned


def compile_effective_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """'effective_pattern', checked: a regular expression with a group named `date`."""
    if not pattern:
        return None
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise PolicyError(
            f"'effective_pattern' {pattern!r} is not a regular expression: {exc}"
        ) from exc
    if "date" not in compiled.groupindex:
        raise PolicyError(
            f"'effective_pattern' {pattern!r} has no group named 'date': write the date's part "
            'as (?P<date>...), e.g. datetime="(?P<date>\\d{4}-\\d{2}-\\d{2})"'
        )
    return compiled


def normalize_commits(values: list[str], option: str = "skip_commits") -> frozenset[str]:
    """Commit ids for 'skip_commits': at least 7 hex digits, so one cannot match many."""
    commits = set()
    for value in values:
        sha = str(value).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{7,40}", sha):
            raise PolicyError(f"'{option}': {value!r} is not a commit id (7 to 40 hex digits)")
        commits.add(sha)
    return frozenset(commits)


def normalize_skips(values: Sequence[object]) -> frozenset[tuple[str, str]]:
    """'skip': each item a `commit` and a `path` (the repository path, as the build's
    messages name the file)."""
    skips = set()
    for value in values:
        if not (isinstance(value, dict) and set(value) == {"commit", "path"}):
            raise PolicyError(
                f"'skip': {value!r} is not one file at one commit: write "
                "'- {commit: 0123abc, path: policies/terms.md}'"
            )
        [sha] = normalize_commits([value["commit"]], "skip")
        skips.add((sha, str(value["path"]).strip().lstrip("./")))
    return frozenset(skips)
