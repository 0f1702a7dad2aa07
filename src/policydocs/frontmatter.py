"""Front matter of one revision of a policy file: split, decode, validate.

Every value that would end up on a public page or decide a date is checked here, and each
problem names the file, the commit and the field, because a revision that is already merged
cannot be fixed in place: the editor needs to know exactly which one to correct or skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

import yaml

from .errors import PolicyError, Problems, shown
from .urls import is_segment

KNOWN_KEYS = ("title", "effective", "summary", "version")

#: A declared label is at most this long (a URL segment; labels people can cite).
LABEL_LENGTH = 64


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available
    """Safe YAML, except that timestamps stay text: PyYAML raises a bare ValueError on an
    impossible date such as 2024-02-30, and we want to name the field instead."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

_FENCE = re.compile(r"---[ \t]*")
#: Searched for in the text after the opening line, not line by line: a history holds
#: thousands of revisions, and splitting each whole body into lines cost more than the YAML.
_END_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    title: str
    #: A calendar date (in force from midnight in the site's time zone) or an exact moment.
    effective: date | datetime | None
    summary: str | None
    version: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    def effective_at(self, timezone: tzinfo) -> datetime | None:
        """The moment `effective` names: a date's midnight in the site's time zone."""
        value = self.effective
        if value is None or isinstance(value, datetime):
            return value
        return datetime.combine(value, time(), tzinfo=timezone)


@dataclass(frozen=True)
class PolicyText:
    front_matter: FrontMatter
    body: str


def decode(data: bytes, problems: Problems, *, path: str, commit: str | None) -> str | None:
    """Decode UTF-8 (a BOM is accepted), pointing at the first bad byte's line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {column}); "
            "save the file as UTF-8",
            path=path,
            commit=commit,
            line=line,
            column=column,
        )
        return None


def split(text: str) -> tuple[str, str] | None:
    """Return (yaml, body) when the text opens with a `---` fenced block, else None."""
    first, _, rest = text.replace("\r\n", "\n").partition("\n")
    end = _END_FENCE.search(rest) if _FENCE.fullmatch(first) else None
    if end is None:
        return None
    return rest[: max(end.start() - 1, 0)], rest[end.end() + 1 :]


def parse(
    data: bytes,
    problems: Problems,
    *,
    path: str,
    commit: str | None,
    extra_keys: frozenset[str] = frozenset(),
    timezone: tzinfo,
) -> PolicyText | None:
    """Parse one revision; on any error, record it in `problems` and return None."""
    text = decode(data, problems, path=path, commit=commit)
    if text is None:
        return None
    where = {"path": path, "commit": commit}
    parts = split(text)
    if parts is None:
        problems.error(
            "no front matter: the file must start with a '---' line, then at least "
            "'title: ...', then a closing '---' line",
            **where,
        )
        return None
    raw_yaml, body = parts
    try:
        meta = yaml.load(raw_yaml, Loader=_Loader) if raw_yaml.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 2, mark.column + 1) if mark else (None, None)
        at = f" at line {line}, column {column}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problems.error(
            f"front matter is not valid YAML{at}: {problem}", line=line, column=column, **where
        )
        return None
    if not isinstance(meta, dict):
        problems.error("front matter must be a set of 'key: value' lines", **where)
        return None

    before = len(problems.errors)
    title = _title(meta.get("title"), problems, where)
    effective = _effective(meta.get("effective"), problems, where, timezone)
    summary = _summary(meta.get("summary"), problems, where)
    version = _version(meta.get("version"), problems, where)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    for key in extra:
        if str(key) not in extra_keys:
            problems.warning(
                f"unknown front matter key {shown(key)} (known: {', '.join(KNOWN_KEYS)}; "
                "declare site-specific keys in the plugin's 'extra_keys' option)",
                **where,
            )
    if len(problems.errors) > before or title is None:
        return None
    return PolicyText(FrontMatter(title, effective, summary, version, extra), body)


def parse_or_raise(
    data: bytes, *, path: str, extra_keys: frozenset[str], timezone: tzinfo
) -> PolicyText:
    """Parse a file outside the published history (the working tree, a revision named on
    the command line); its errors stop the command. Warnings are the history's concern."""
    problems = Problems()
    parsed = parse(data, problems, path=path, commit=None, extra_keys=extra_keys, timezone=timezone)
    if parsed is None:
        raise PolicyError(problems.errors)
    return parsed


def _title(value: Any, problems: Problems, where: dict) -> str | None:
    if value is None:
        problems.error("'title' is required", field="title", **where)
        return None
    if not isinstance(value, str) or not value.strip():
        problems.error(
            f"'title' must be non-empty text, not {shown(value)}", field="title", **where
        )
        return None
    return value.strip()


def _effective(
    value: Any, problems: Problems, where: dict, timezone: tzinfo
) -> date | datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = _parse_iso(value.strip())
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    if isinstance(value, date):
        return value
    problems.error(
        f"'effective' must be a date written as YYYY-MM-DD (or an ISO 8601 date and time), "
        f"not {shown(value)}",
        field="effective",
        **where,
    )
    return None


def _parse_iso(text: str) -> date | datetime | str:
    """Accept quoted ISO dates as YAML would have unquoted ones; leave anything else as text."""
    for parser in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parser(text)
        except ValueError:
            continue
    return text


def _summary(value: Any, problems: Problems, where: dict) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.error(f"'summary' must be text, not {shown(value)}", field="summary", **where)
        return None
    return value.strip() or None


def _version(value: Any, problems: Problems, where: dict) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        # YAML reads `version: 2.10` as the number 2.1: the label would silently change.
        problems.error(
            f"'version' was read as {shown(value)}; quote it (version: \"...\") so it is kept "
            "exactly as written",
            field="version",
            **where,
        )
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str) or len(value) > LABEL_LENGTH or not is_segment(value):
        problems.error(
            f"'version' {shown(value)} cannot be used in a URL: use 1 to {LABEL_LENGTH} "
            "letters, digits, '.', '_' or '-', starting with a letter or digit",
            field="version",
            **where,
        )
        return None
    return value  # (whether its pages clash with others: see `outputs`)
